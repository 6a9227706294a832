"""The HTML book still shows bibliography citations and numbered figure references (issue 10 §3).

The chapters cite with author-year links to DOIs and caption their figures in Markdown figure cells, so that
JupyterLab resolves both (tests/test_chapter_references.py, tests/lab). The HTML build turns those links back into
sphinxcontrib-bibtex citations (booksupport/citations.py) and folds the caption cells into their figures
(booksupport.myst_eval.fold_figure_captions). Here, on the built pages: every citation link became one bibliography
citation (no DOI link to a bibliography reference is left in a chapter), the bibliography lists every cited work,
every ``{numref}`` reads "Fig. N.M" and every figure has its caption and label.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from booksupport import citations
from booksupport.myst_eval import figure_caption

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html" / "book"
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))
BIB = citations.load()
BY_URL = citations.keys_by_url(BIB)


def _page(chapter: Path) -> str:
    page = HTML / f"{chapter.stem}.html"
    if not page.exists():
        pytest.fail(f"{page} is missing: run `make book` first")
    text = page.read_text()
    return text[text.index("<article") : text.index("</article>")]


def _citations_in_source(notebook) -> tuple[int, set[str]]:
    """(number of citations, cited keys): a narrative link is one, a parenthetical group "(a; b)" is one."""
    count, keys = 0, set()
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        text = cell.source
        for m in citations.LINK.finditer(text):
            if m.group(2) in BY_URL:
                keys.add(BY_URL[m.group(2)])
        # collapse "(link; link)" groups into one marker, then count the remaining links to references
        links = [m for m in citations.LINK.finditer(text) if m.group(2) in BY_URL]
        marked = text
        for m in reversed(links):
            marked = marked[: m.start()] + "\0" + marked[m.end() :]
        count += len(re.findall(r"\(\0(?:; \0)*\)|\0", marked))
    return count, keys


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_citation_links_are_bibliography_citations_in_html(chapter):
    article = _page(chapter)
    notebook = nbformat.read(chapter, as_version=4)
    expected, keys = _citations_in_source(notebook)
    shown = re.findall(r'<span class="bibtex-citation"[^>]*>(.*?)</span>', article, re.S)
    assert len(shown) == expected, f"{chapter.name}: {expected} citations in the source, {len(shown)} in the HTML"
    for html in shown:
        assert 'href="bibliography.html#' in html and "title=" in html, html[:200]
        text = re.sub(r"<[^>]+>", "", html)
        assert not text.startswith("(") and ")(" not in text, text
    leftover = [u for u in re.findall(r'href="(https?://[^"]+)"', article) if u.replace("&amp;", "&") in BY_URL]
    assert not leftover, f"{chapter.name}: citation links left as plain links: {leftover}"


def test_bibliography_lists_every_cited_work():
    cited = set()
    for chapter in CHAPTERS:
        cited |= _citations_in_source(nbformat.read(chapter, as_version=4))[1]
    page = (HTML / "bibliography.html").read_text()
    entries = re.findall(r'<div class="citation" id="[^"]+" role="doc-biblioentry">', page)
    assert len(entries) >= len(cited) >= 45, (len(entries), len(cited))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_figures_keep_numbered_captions_and_references_in_html(chapter):
    article = _page(chapter)
    notebook = nbformat.read(chapter, as_version=4)
    labels = [found[0] for c in notebook.cells if (found := figure_caption(c))]
    for label in labels:
        figure = re.search(rf'<figure[^>]*id="{label}"[^>]*>(.*?)</figure>', article, re.S)
        assert figure, f"{chapter.name}: no figure {label} in the HTML"
        assert re.search(r'<span class="caption-number">Fig\. \d+\.\d+', figure.group(1)), label
        assert "<img" in figure.group(1), label
    assert ":::{figure}" not in article and ":label:" not in article
    n_numref = sum(len(re.findall(r"\{numref\}`", c.source)) for c in notebook.cells if c.cell_type == "markdown")
    numrefs = re.findall(r'<span class="std std-numref">([^<]*)</span>', article)
    assert len(numrefs) == n_numref and all(re.fullmatch(r"Fig\. \d+\.\d+", t) for t in numrefs), numrefs
