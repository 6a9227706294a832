"""Citations and figure references written so that both readers resolve them (issue 10 §3).

jupyterlab-myst has no bibliography and sees no code-cell metadata: a ``{cite}`` role shows as a bare key with a
"Citation Not Found" warning, and a ``{numref}`` to a figure a code cell draws (``mystnb.figure``) as "Cross Reference
Not Found". The chapters therefore cite with author-year links to each reference's DOI or URL
(booksupport/citations.py; the HTML build turns them back into bibliography citations) and give every figure a
caption cell, a Markdown figure directive with its label right after the code cell that draws it
(booksupport.myst_eval.figure_caption; the HTML build folds it into the figure). These tests check the sources; the
built HTML and JupyterLab are checked in tests/built_book and tests/lab.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from booksupport import citations
from booksupport.myst_eval import FRONTMATTER, figure_caption, fold_figure_captions

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))
LINK = citations.LINK
BIB = citations.load()
BY_URL = citations.keys_by_url(BIB)


def _markdown(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapters_cite_with_links_jupyterlab_can_show(chapter):
    for cell in _markdown(chapter):
        assert "{cite" not in cell.source, (
            f"{chapter.name}: a {{cite}} role (unresolved in JupyterLab): {cell.source[:200]}"
        )
        for text, url in LINK.findall(cell.source):
            key = BY_URL.get(url)
            if key is None:
                continue
            wanted = {citations.author_year(BIB[key]), citations.author_year(BIB[key], narrative=True)}
            assert text in wanted, f"{chapter.name}: [{text}]({url}) should read one of {wanted}"


def test_every_cited_reference_has_a_link_target():
    cited = set()
    for chapter in CHAPTERS:
        for cell in _markdown(chapter):
            cited.update(BY_URL[url] for _, url in LINK.findall(cell.source) if url in BY_URL)
    assert len(cited) >= 45, sorted(cited)  # the chapters cite 49 works
    for key in cited:
        assert citations.reference_url(BIB[key]).startswith("https://")


def test_citation_markdown_round_trips():
    assert citations.citation_markdown(["gamble2005", "white2011"]) == (
        "([Gamble and Hollis, 2005](https://doi.org/10.1016/j.jclinepi.2004.09.013); "
        "[White et al., 2011](https://doi.org/10.1136/bmj.d40))"
    )
    text = citations.citation_markdown(["farrar2001"], narrative=True)
    assert LINK.findall(text) == [("Farrar et al. (2001)", "https://doi.org/10.1016/S0304-3959(01)00349-9")]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_figure_has_a_caption_cell_both_readers_number(chapter):
    notebook = nbformat.read(chapter, as_version=4)
    labels = []
    for i, cell in enumerate(notebook.cells):
        found = figure_caption(cell)
        if found:
            assert i > 0 and notebook.cells[i - 1].cell_type == "code", (
                f"{chapter.name}: caption {found[0]} not after a figure"
            )
            labels.append(found[0])
        if cell.cell_type == "code":
            assert "figure" not in cell.metadata.get("mystnb", {}), f"{chapter.name}: a caption only the HTML shows"
    refs = {
        m for c in notebook.cells if c.cell_type == "markdown" for m in re.findall(r"\{numref\}`([^`]+)`", c.source)
    }
    refs = {r.split("<")[-1].rstrip(">").strip() for r in refs}
    assert refs <= set(labels), f"{chapter.name}: {{numref}} to labels no figure cell defines: {refs - set(labels)}"
    folded = fold_figure_captions(nbformat.read(chapter, as_version=4))
    names = [c.metadata["mystnb"]["figure"]["name"] for c in folded.cells if "figure" in c.metadata.get("mystnb", {})]
    assert names == labels and not any(figure_caption(c) for c in folded.cells)


def test_chapters_number_figures_and_exercises_as_the_html():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    part = next(p for p in toc["parts"] if p.get("numbered"))
    for number, entry in enumerate(part["chapters"], start=1):
        first = _markdown((ROOT / entry["file"]).with_suffix(".ipynb"))[0]
        match = FRONTMATTER.match(first.source)
        assert match, f"{entry['file']}: no front matter"
        numbering = yaml.safe_load(match.group(1))["numbering"]
        assert numbering["figure"]["enumerator"] == numbering["exercise"]["enumerator"] == f"{number}.%s"
