"""Determinism: the book build's own execution of every chapter gives the outputs stored in book/*.ipynb.

The stored outputs come from one run (`make notebooks`), the build's from another: `make book`'s own execution, or,
under `make test`, nbval's, which it hands to the build's cache (book/booksupport/nbval_plugin.py). The build's outputs are read from its execution cache (_build/.jupyter_cache, the record matching the chapter as the
build reads it), which is what the HTML is rendered from: after a warm build that takes a chapter from the cache,
myst-nb's copy in _build/jupyter_execute can lack outputs although the HTML has them. Equal text outputs across independent runs mean seeds are explicit and nothing volatile
(timings, memory addresses, random ids) reaches a reader. Images are compared by presence only: PNG bytes depend on
the Matplotlib build, not on the analysis. Widget views carry random model ids, so only their presence is compared.
Prose numbers are MyST ``{eval}`` roles: the build evaluates them in cells it injects after each Markdown cell
(``booksupport.myst_eval``), and the committed chapters store the results in ``metadata.user_expressions`` for
JupyterLab. The injected cells are left out of the output comparison, and their results are compared with the stored
ones instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from booksupport.myst_eval import INJECTED, METADATA, collect, fold_figure_captions, read_ipynb

ROOT = Path(__file__).resolve().parents[2]
STORED = sorted((ROOT / "book").glob("*.ipynb"))
CACHE = ROOT / "_build" / ".jupyter_cache"
VOLATILE = re.compile(r"0x[0-9a-fA-F]+")
SKIP = {"image/png", "image/jpeg", "application/vnd.jupyter.widget-view+json"}


def _executed(stored: Path) -> nbformat.NotebookNode:
    """The build's execution of ``stored``: the cache record of the chapter as the book's reader reads it."""
    if not (CACHE / "global.db").is_file():
        pytest.fail(f"{CACHE} is missing: run `make book` first")
    from jupyter_cache import get_cache

    try:  # the cached outputs merged into the chapter's cells, as myst-nb does before rendering
        _, executed = get_cache(CACHE).merge_match_into_notebook(read_ipynb(stored.read_text(encoding="utf-8")))
    except KeyError:
        pytest.fail(f"{stored.name}: the build has no execution of the chapter as committed: run `make book`")
    return executed


def _outputs(nb: nbformat.NotebookNode) -> list:
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.metadata.get(INJECTED):
            continue
        outs = []
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                outs.append(("stream", out["name"], VOLATILE.sub("0x", out["text"])))
            elif out["output_type"] in ("display_data", "execute_result"):
                data = out.get("data", {})
                if all(k.startswith("application/papermill.record") for k in data):
                    continue  # myst-nb moves glue records out of the executed copy (into *.glue.json)
                outs.append(
                    (
                        "data",
                        tuple(sorted(data)),
                        tuple(VOLATILE.sub("0x", str(data[k])) for k in sorted(data) if k not in SKIP),
                    )
                )
            else:
                outs.append((out["output_type"],))
        cells.append(outs)
    return cells


@pytest.mark.parametrize("stored", STORED, ids=[p.stem for p in STORED])
def test_build_reproduces_stored_outputs(stored):
    assert _outputs(_executed(stored)) == _outputs(nbformat.read(stored, as_version=4)), (
        f"{stored.name}: outputs differ between two runs"
    )


def _prose_numbers(notebook: nbformat.NotebookNode) -> list:
    """(cell index, expression, displayed text) for every {eval} result stored in the Markdown cells."""
    numbers = []
    for index, cell in enumerate(notebook.cells):
        for entry in cell.metadata.get(METADATA, []):
            data = entry["result"].get("data", {})
            numbers.append(
                (
                    index,
                    entry["expression"],
                    entry["result"].get("status"),
                    VOLATILE.sub("0x", str(data.get("text/plain"))),
                )
            )
    return numbers


@pytest.mark.parametrize("stored", STORED, ids=[p.stem for p in STORED])
def test_build_reproduces_every_number_in_the_prose(stored):
    built = _prose_numbers(collect(_executed(stored)))
    # the build folds each figure caption cell (and its numbers) into the figure's code cell
    kept = _prose_numbers(fold_figure_captions(nbformat.read(stored, as_version=4)))
    assert built == kept, f"{stored.name}: a number in the prose differs between the build and the stored chapter"
