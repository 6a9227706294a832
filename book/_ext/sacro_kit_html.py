"""The book's HTML, complete offline and clean in a fresh reader's browser.

1. sphinx-thebe adds its inline configuration script once per docs read; Jupyter Book reads twice, so the page declared
   ``const THEBE_JS_URL`` twice and the browser raised "Identifier has already been declared". Scripts are de-duplicated.
2. pydata-sphinx-theme logs "Got invalid theme mode" on a first visit (empty localStorage). The book's images are drawn
   on white, so the mode is fixed to light before the theme's script runs.
3. Nothing is loaded from a CDN:

   - MathJax 3 comes from the book's own ``_static/mathjax``: the files a page loads (``tex-chtml.js``, its CHTML
     fonts, the TeX extensions it autoloads, the menu and the assistive-MathML module; about 3 MB) are copied from the
     ``sphinx-mathjax-offline`` wheel (MathJax 3.2.2, Apache-2.0) and ``mathjax_path`` points at them.
   - myst-nb's ipywidgets JavaScript (require.js and @jupyter-widgets/html-manager, both from CDNs) is not added, and
     the widget state a notebook stores is dropped from the page: the HTML book has no kernel, so a stored widget is
     a frozen snapshot. The widget view ranks below ``text/html`` instead, so the kernel-free responder explorer that
     :class:`sacro_kit.widgets.ResponderExplorer` also displays (``sacro_kit/widgets/static.py``) is what a reader
     gets, computing in the browser.
   - Pages that hold such an explorer (an element of class ``sk-explorer``) load ``_static/sacro_kit/vega-bundle.js``:
     Vega, Vega-Lite and Vega-Embed bundled by the ``vl-convert-python`` wheel's ``javascript_bundle()`` (built
     offline; cached in ``_build/.sacro_kit_vendor``, or the folder ``sacro_kit_vendor_cache`` names, because building
     it takes seconds), then the explorer's runtime
     and style sheet from the package. No RequireJS is on the page, so the bundle sets its globals.
4. ``sacro_kit_html.css``: wide tables and outputs scroll inside their own box, so no page overflows a 390 px phone.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

FIX_MODE = ("if (!document.documentElement.dataset.mode) { document.documentElement.dataset.mode = 'light'; }")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
HTML_BUILDERS = ("html", "dirhtml", "singlehtml", "readthedocs", "readthedocsdirhtml", "epub")
STATIC = Path(__file__).parent / "static"
#: MathJax files a page can load (relative to the MathJax folder), copied into _static/mathjax.
MATHJAX_PARTS = ("tex-chtml.js", "output/chtml", "input/tex/extensions", "a11y", "ui")
MATHJAX_PATH = "mathjax/tex-chtml.js"
EXPLORER_MARK = 'class="sk-explorer"'
EXPLORER_FILES = ("sacro_kit/vega-bundle.js", "sacro_kit/static_explorer.js")
BUNDLE_FORMAT = 2  # bump when sacro_kit.widgets.static.vega_bundle_js changes the bundle's wrapping


def _mathjax_source() -> Path:
    spec = importlib.util.find_spec("sphinx-mathjax-offline")  # the wheel's (hyphenated) package name
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("MathJax for the offline book comes from the 'sphinx-mathjax-offline' package: "
                           "pip install -r requirements.txt")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"


def _offline_config(app, config) -> None:
    config.nb_ipywidgets_js = {}
    overrides = [tuple(o) for o in (config.nb_mime_priority_overrides or ())]
    overrides += [(builder, WIDGET_VIEW, None) for builder in HTML_BUILDERS]
    config.nb_mime_priority_overrides = overrides
    config.mathjax_path = MATHJAX_PATH
    config.html_static_path = [*config.html_static_path, str(STATIC)]


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


def _drop_widget_state(app, pagename, templatename, context, doctree):
    """Remove the stored widget snapshot myst-nb adds: the page has no kernel and loads no widget manager."""
    scripts = context.get("script_files")
    if scripts:
        scripts[:] = [js for js in scripts if js.attributes.get("type") != WIDGET_STATE]


def _explorer_assets(app, pagename, templatename, context, doctree):
    if EXPLORER_MARK not in (context.get("body") or ""):
        return
    for name in EXPLORER_FILES:
        app.add_js_file(name, priority=600)
    app.add_css_file("sacro_kit/static_explorer.css")


def _vega_bundle(cache: Path) -> Path:
    """The Vega/Vega-Lite/Vega-Embed bundle, built once per vl-convert-python version and cached."""
    import vl_convert as vlc

    from sacro_kit.widgets import static as static_explorer

    key = hashlib.sha256(f"{vlc.__version__}|{static_explorer._BUNDLE_SNIPPET}|{BUNDLE_FORMAT}".encode()).hexdigest()[:16]
    target = cache / f"vega-bundle-{key}.js"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        logger.info("sacro_kit_html: bundling Vega, Vega-Lite and Vega-Embed from vl-convert-python %s",
                    vlc.__version__)
        text = static_explorer.vega_bundle_js()
        versions = static_explorer.bundle_versions()
        header = ("/* Vega " + versions["vega"] + ", Vega-Lite " + versions["vega-lite"] + " and Vega-Embed "
                  + vlc.get_vega_embed_version() + " (BSD-3-Clause), bundled offline by vl-convert-python "
                  + vlc.__version__ + " (javascript_bundle). */\n")
        tmp = target.with_suffix(".tmp")
        tmp.write_text(header + text, encoding="utf-8")
        tmp.replace(target)
    return target


def _copy_assets(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    # Sphinx 7.4 never overwrites an existing static file: copy this extension's own, so an edited stylesheet
    # reaches a warm build too
    shutil.copytree(STATIC, static, dirs_exist_ok=True)
    source = _mathjax_source()
    target = static / "mathjax"
    for part in MATHJAX_PARTS:
        src, dst = source / part, target / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
    from sacro_kit.widgets import static as static_explorer

    own = static / "sacro_kit"
    own.mkdir(parents=True, exist_ok=True)
    cache = Path(app.config.sacro_kit_vendor_cache or Path(app.outdir).parent / ".sacro_kit_vendor")
    shutil.copyfile(_vega_bundle(cache), own / "vega-bundle.js")
    (own / "static_explorer.js").write_text(static_explorer.explorer_runtime_js(), encoding="utf-8")
    (own / "static_explorer.css").write_text(static_explorer.explorer_runtime_css(), encoding="utf-8")


def setup(app):
    # where the built Vega bundle is cached (default: _build/.sacro_kit_vendor beside the HTML)
    app.add_config_value("sacro_kit_vendor_cache", "", "env", types=[str])
    app.add_js_file(None, body=FIX_MODE, priority=1)
    app.connect("config-inited", _offline_config)
    # html-page-context stops at the first handler that returns a template, so this one must run first.
    app.connect("html-page-context", _dedupe_scripts, priority=1)
    app.connect("html-page-context", _explorer_assets)
    app.connect("html-page-context", _drop_widget_state, priority=900)  # after myst-nb adds its per-page scripts
    app.connect("build-finished", _copy_assets)
    app.add_css_file("sacro_kit_html.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
