"""What a trainee downloads is the chapter as committed: no cell the build injects (issue 10).

The build evaluates the prose numbers (``{eval}``) in hidden code cells that ``booksupport.myst_eval.read_ipynb``
inserts after each Markdown cell with inline expressions; those cells exist only in the build's execution
(``_build/jupyter_execute``). The page's ".ipynb" download button links to ``_build/html/_sources/…/*.ipynb``, and
the launch buttons (Binder, Colab) open ``book/*.ipynb`` from the repository: both must be the committed chapter,
whose numbers live in each Markdown cell's ``metadata.user_expressions`` (what jupyterlab-myst shows), never in
injected cells.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from booksupport.myst_eval import INJECTED, MIME, inject

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))
DOWNLOAD = re.compile(r'href="([^"]*_sources/[^"]+\.ipynb)"')


def _injected(notebook: nbformat.NotebookNode) -> list[int]:
    return [
        i
        for i, c in enumerate(notebook.cells)
        if c.metadata.get(INJECTED)
        or (c.cell_type == "code" and (MIME in c.source or "user_expressions(" in c.source))
        or str(c.get("id", "")).endswith("-eval")
    ]


def _cells(notebook: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in notebook.cells]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_download_button_gives_the_committed_chapter(chapter):
    page = HTML / "book" / f"{chapter.stem}.html"
    if not page.exists():
        pytest.fail(f"{page} is missing: run `make book` first")
    links = set(DOWNLOAD.findall(page.read_text()))
    assert len(links) == 1, f"{page.name}: expected one .ipynb download link, found {links}"
    downloaded = (page.parent / links.pop()).resolve()
    assert downloaded.exists(), f"{page.name}: the download {downloaded} was not copied"
    notebook = nbformat.read(downloaded, as_version=4)
    assert not _injected(notebook), f"{downloaded.name}: cells injected by the build: {_injected(notebook)}"
    committed = nbformat.read(chapter, as_version=4)
    assert _cells(notebook) == _cells(committed), f"{downloaded.name} differs from {chapter.name}"
    nbformat.validate(notebook)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_committed_chapter_has_no_injected_cells_and_the_build_did_inject(chapter):
    committed = nbformat.read(chapter, as_version=4)
    assert not _injected(committed), f"{chapter.name}: evaluation cells committed: {_injected(committed)}"
    # the check can fail: the build's own copy of a chapter with prose numbers carries injected cells
    executed = ROOT / "_build" / "jupyter_execute" / "book" / chapter.name
    if any(c.metadata.get("user_expressions") for c in committed.cells):
        assert _injected(inject(nbformat.read(chapter, as_version=4)))
        if executed.exists():
            assert _injected(nbformat.read(executed, as_version=4))
