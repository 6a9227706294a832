"""Numbers in prose for both readers: the MyST ``{eval}`` role, in JupyterLab and in the cached Jupyter Book build.

Chapters write every computed number in their prose as a MyST inline expression, ``{eval}`rel.k```. Two readers
show it:

* **JupyterLab** (``jupyterlab-myst``) evaluates the expressions of a Markdown cell in the kernel when the cell is
  run, and shows the results stored in the cell's ``metadata.user_expressions`` when the notebook is opened, before
  anything runs. :func:`execute_notebook` (``make notebooks``) stores those results, in the format jupyterlab-myst
  writes, so a trainee who opens a chapter sees numbers, never a placeholder.
* **The HTML book** (Jupyter Book 1, myst-nb). myst-nb evaluates ``{eval}`` only in ``execution_mode: inline``,
  which bypasses jupyter-cache and re-executes every chapter on every build. Instead, :func:`read_ipynb` (the
  ``.ipynb`` reader, set as ``nb_custom_formats``) inserts after every Markdown cell with inline expressions one
  hidden code cell that evaluates them with IPython's own ``user_expressions`` (the call the kernel makes for
  jupyterlab-myst) and displays the results. The expressions are thereby part of the code jupyter-cache hashes: a
  warm build re-executes nothing, and editing an expression re-executes that chapter. The ``{eval}`` role defined
  here reads the result from that cell's output.

Both readers evaluate the same expression in the same kernel state with the same formatter, so they show the
same text. Jupyter Book 2 (mystmd) reads ``{eval}`` and ``metadata.user_expressions`` natively.

When the committed notebook carries stored results (and no ``SACRO_KIT_*`` override is set), the build compares
them with the fresh ones and warns (an error under ``--warningiserror``) if a stored number is stale.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import nbformat

EVAL_ROLE = re.compile(r"\{eval\}(`+)(.+?)\1", re.DOTALL)
MIME = "application/vnd.sacro-kit.user-expressions+json"
INJECTED = "sacro_kit_user_expressions"
METADATA = "user_expressions"  # jupyterlab-myst's metadata section
OVERRIDES = ("SACRO_KIT_COHORT", "SACRO_KIT_CARD")


def expressions(markdown: str) -> list[str]:
    """The inline expressions of a Markdown cell, in order, each once.

    >>> expressions("At {eval}`rel.k` of {eval}`rel.n` ({eval}`rel.k`)")
    ['rel.k', 'rel.n']
    """
    seen: list[str] = []
    for match in EVAL_ROLE.finditer(markdown):
        expr = match.group(2).strip()
        if expr not in seen:
            seen.append(expr)
    return seen


def prose_of(cell) -> str:
    """The MyST text of a cell whose inline expressions are evaluated: a Markdown cell's source, or the caption
    myst-nb draws from a code cell's ``mystnb.figure.caption`` metadata (evaluated after that cell runs)."""
    if cell.cell_type == "markdown":
        return cell.source
    if cell.cell_type == "code":
        return str(cell.metadata.get("mystnb", {}).get("figure", {}).get("caption", ""))
    return ""


def _evaluation_cell(exprs: list[str]) -> nbformat.NotebookNode:
    named = json.dumps({str(i): expr for i, expr in enumerate(exprs)})
    source = f"__import__('IPython').display.display({{{MIME!r}: get_ipython().user_expressions({named})}}, raw=True)"
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata = nbformat.from_dict({"tags": ["remove-cell"], INJECTED: True})
    cell.pop("id", None)
    return cell


def inject(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Insert after each Markdown cell with inline expressions a code cell that evaluates them (in place)."""
    cells = []
    for index, cell in enumerate(notebook.cells):
        cells.append(cell)
        if not cell.metadata.get(INJECTED) and (exprs := expressions(prose_of(cell))):
            new = _evaluation_cell(exprs)
            if notebook.get("nbformat_minor", 0) >= 5:
                new["id"] = f"{cell.get('id', index)}-eval"[:64]
            cells.append(new)
    notebook.cells = cells
    return notebook


def _results(cell: nbformat.NotebookNode, exprs: list[str]) -> list[dict[str, Any]]:
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if MIME in data:
            payload = data[MIME]
            if isinstance(payload, str):
                payload = json.loads(payload)
            return [{"expression": expr, "result": nbformat.from_dict(payload[str(i)])} for i, expr in enumerate(exprs)]
    raise LookupError("the evaluation cell has no result (was the notebook executed?)")


def collect(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Move the injected cells' results into their Markdown cells' ``metadata.user_expressions`` and drop them."""
    cells = []
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.metadata.get(INJECTED):
            owner = cells[-1]
            owner.metadata[METADATA] = _results(cell, expressions(prose_of(owner)))
            continue
        if not expressions(prose_of(cell)):
            cell.metadata.pop(METADATA, None)
        cells.append(cell)
    notebook.cells = cells
    return notebook


def result_text(result: dict[str, Any], expression: str) -> str:
    """The text a reader sees for one result: text/plain with the quotes of a string repr stripped.

    This is what jupyterlab-myst's ``PlainTextRenderer`` shows. An evaluation error raises ``ValueError``.

    >>> result_text({"status": "ok", "data": {"text/plain": "'22 of 29'"}}, "x")
    '22 of 29'
    """
    if result.get("status") != "ok":
        raise ValueError(f"{{eval}}`{expression}` failed: {result.get('ename')}: {result.get('evalue')}")
    text = result.get("data", {}).get("text/plain")
    if text is None:
        raise ValueError(f"{{eval}}`{expression}` has no text/plain representation")
    if re.match(r"^np\.\w+\(", text):
        raise ValueError(f"{{eval}}`{expression}` shows as {text!r}: format it (booksupport.fmt) for prose")
    return re.sub(r"^([\"'])(.*)\1$", r"\2", text, flags=re.DOTALL)


def execute_notebook(path: str, timeout: int = 600) -> nbformat.NotebookNode:
    """Execute a chapter in place (cwd = its folder), storing outputs and every Markdown cell's expression results."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    inject(notebook)
    folder = os.path.dirname(os.path.abspath(path))
    NotebookClient(notebook, timeout=timeout, resources={"metadata": {"path": folder}}).execute()
    collect(notebook)
    for cell in notebook.cells:
        for entry in cell.metadata.get(METADATA, []):
            result_text(entry["result"], entry["expression"])  # an error or an unformatted number: nothing written
    nbformat.write(notebook, path)
    return notebook


# ---------------------------------------------------------------------------------------------------------- Sphinx


FIGURE_CELL = re.compile(r"\A:::\{figure\}[ \t]*\n:label:[ \t]*(\S+)[ \t]*\n(.*?)\n:::\s*\Z", re.DOTALL)
FRONTMATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*\n", re.DOTALL)


def figure_caption(cell) -> tuple[str, str] | None:
    r"""``(label, caption)`` when ``cell`` is a figure caption cell: a Markdown cell holding only a MyST figure
    directive with no image, a ``:label:`` and the caption, placed right after the code cell that draws the figure.

    jupyterlab-myst numbers such a figure ("Figure 9.2: ...") and resolves ``{numref}`` roles to it; it never sees a
    code cell's ``mystnb`` metadata. For myst-nb, :func:`read_ipynb` folds the cell into the code cell before it
    (``mystnb.figure``), so the HTML shows the figure with that caption and label, as before.

    >>> figure_caption(nbformat.v4.new_markdown_cell(":::{figure}\n:label: fig-a\nThe caption.\n:::"))
    ('fig-a', 'The caption.')
    """
    if cell.cell_type != "markdown":
        return None
    match = FIGURE_CELL.match(cell.source)
    return (match.group(1), match.group(2).strip()) if match else None


def fold_figure_captions(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """For myst-nb: each figure caption cell (:func:`figure_caption`) becomes its code cell's ``mystnb.figure``
    (caption and name; its stored prose numbers move with it) and is dropped; a leading front-matter block of the
    first Markdown cell (jupyterlab-myst's numbering) is dropped too. In place."""
    cells: list = []
    for cell in notebook.cells:
        found = figure_caption(cell)
        if found and cells and cells[-1].cell_type == "code":
            owner = cells[-1]
            mystnb = owner.metadata.setdefault("mystnb", {})
            mystnb["figure"] = {"caption": found[1], "name": found[0]}
            if cell.metadata.get(METADATA):
                owner.metadata[METADATA] = cell.metadata[METADATA]
            continue
        cells.append(cell)
    notebook.cells = cells
    first = next((c for c in cells if c.cell_type == "markdown"), None)
    if first is not None:
        first.source = FRONTMATTER.sub("", first.source, count=1)
    return notebook


def read_ipynb(text: str) -> nbformat.NotebookNode:
    """myst-nb reader for ``.ipynb`` (``nb_custom_formats``): the standard reader, figure caption cells folded into
    their figures (:func:`fold_figure_captions`), plus the evaluation cells."""
    notebook = fold_figure_captions(nbformat.reads(text, as_version=4))
    stored = {}
    for index, cell in enumerate(notebook.cells):
        if cell.metadata.get(METADATA):
            stored[index] = cell.metadata[METADATA]
    notebook.metadata["sacro_kit_stored_expressions"] = stored
    return inject(notebook)


def _eval_role():
    from docutils import nodes
    from myst_nb.core.variables import create_warning
    from myst_nb.ext.utils import RoleBase

    class EvalRole(RoleBase):
        """``{eval}`expr```: the text of ``expr`` evaluated in the chapter's kernel at this cell (see module doc)."""

        def run(self):
            expr = self.text.strip()
            try:
                text = self._lookup(expr)
            except (LookupError, ValueError) as exc:
                return [], [create_warning(self.document, str(exc), line=self.line, subtype="eval")]
            node = nodes.inline(self.rawtext, text, classes=["sacro-eval"])
            self.set_source_info(node)
            return [node], []

        def _lookup(self, expr: str) -> str:
            renderer = self.document.get("nb_renderer")
            if renderer is None:
                raise LookupError(f"{{eval}}`{expr}` outside a notebook")
            notebook = renderer.renderer.nb_client.notebook
            # myst-nb numbers the lines of cell i from (i + 1) * 10000
            index = self.line // 10000 - 1 if self.line else -1
            cells = notebook.cells
            candidates = [index] if 0 <= index < len(cells) else []
            candidates += [i for i in range(len(cells)) if i not in candidates]
            for i in candidates:
                exprs = expressions(prose_of(cells[i]))
                if expr in exprs and i + 1 < len(cells) and cells[i + 1].metadata.get(INJECTED):
                    result = _results(cells[i + 1], exprs)[exprs.index(expr)]["result"]
                    text = result_text(result, expr)
                    self._check_stored(notebook, i, exprs, expr, text)
                    return text
            raise LookupError(
                f"{{eval}}`{expr}`: no evaluation found (is booksupport.myst_eval.read_ipynb the '.ipynb' reader?)"
            )

        def _check_stored(self, notebook, i, exprs, expr, text):
            if any(os.environ.get(name) for name in OVERRIDES):
                return
            stored = notebook.metadata.get("sacro_kit_stored_expressions", {})
            # injected cells shift indices: count Markdown cells to map back to the committed notebook
            original = i - sum(1 for c in notebook.cells[:i] if c.metadata.get(INJECTED))
            entries = {e["expression"]: e["result"] for e in stored.get(original, stored.get(str(original), []))}
            if expr in entries:
                try:
                    old = result_text(entries[expr], expr)
                except ValueError:
                    old = None
                if old != text:
                    raise ValueError(
                        f"{{eval}}`{expr}`: the committed notebook stores {old!r} but the chapter now "
                        f"computes {text!r}; run `make notebooks` to refresh the stored results"
                    )

    return EvalRole()


def setup(app):
    """Sphinx extension: the ``{eval}`` role reading the evaluation cells.

    ``_config.yml`` sets :func:`read_ipynb` as the ``.ipynb`` reader (``nb_custom_formats``).
    """
    app.setup_extension("myst_nb")
    app.add_role("eval", _eval_role(), override=True)

    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}


def main(argv: list[str] | None = None) -> int:
    """``python -m booksupport.myst_eval book/*.ipynb``: execute chapters in place, storing the prose numbers."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args(argv)
    for path in args.notebooks:
        start = time.perf_counter()
        notebook = execute_notebook(path, timeout=args.timeout)
        n = sum(len(c.metadata.get(METADATA, [])) for c in notebook.cells)
        print(f"{path}: executed in {time.perf_counter() - start:.1f} s, {n} prose numbers stored")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
