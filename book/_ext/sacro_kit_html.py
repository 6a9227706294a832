"""Small HTML fixes for the book, so a fresh reader's browser console stays clean.

1. sphinx-thebe adds its inline configuration script once per docs read; Jupyter Book reads twice, so the page declared
   ``const THEBE_JS_URL`` twice and the browser raised "Identifier has already been declared". Scripts are de-duplicated.
2. pydata-sphinx-theme logs "Got invalid theme mode" on a first visit (empty localStorage). The book's images are drawn
   on white, so the mode is fixed to light before the theme's script runs.
"""

from __future__ import annotations

FIX_MODE = ("if (!document.documentElement.dataset.mode) { document.documentElement.dataset.mode = 'light'; }")


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        key = (js.filename or "", js.attributes.get("body", ""))  # the same inline script is added as None and as ""
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


def setup(app):
    app.add_js_file(None, body=FIX_MODE, priority=1)
    # html-page-context stops at the first handler that returns a template, so this one must run first.
    app.connect("html-page-context", _dedupe_scripts, priority=1)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
