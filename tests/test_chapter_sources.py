"""Chapters a trainee can read as source (issue 10 §4).

A visible code cell is what a trainee would type to get its result; the bookkeeping behind the prose (formatting
numbers, building sentences, answer keys) lives in ``book/booksupport/chapterNN.py``. A hidden chapter cell
(``hide-input`` / ``remove-cell``) is therefore a line or two that calls book-support code, and never builds a
sentence itself: no f-string, no string concatenation or formatting, no prose literal. The first cell's install
block for Colab (tests/test_launch.py) is the one exception to the line limit.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTERS = sorted(BOOK.glob("0*.ipynb"))
HIDDEN = {"hide-input", "remove-cell", "remove-input"}
MAX_LINES = 2  # per hidden cell, not counting blank lines and comments
SETUP_MAX_LINES = 8  # the first cell, after its install block: imports, the Prose, the card and the cohort
INSTALL_BLOCK = re.compile(
    r"try:\n    import sacro_kit as sk\nexcept ModuleNotFoundError:.*?\n    import sacro_kit as sk\n", re.DOTALL)


def _hidden_cells(path: Path):
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    for index, cell in enumerate(cells):
        if HIDDEN & set(cell.metadata.get("tags", [])):
            source = INSTALL_BLOCK.sub("", cell.source, count=1) if index == 0 else cell.source
            yield index, source


def _code_lines(source: str) -> list[str]:
    return [line for line in source.splitlines() if line.strip() and not line.lstrip().startswith(("#", "%"))]


def _is_text(node) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def sentence_building(source: str) -> list[str]:
    """What in ``source`` builds text: f-strings, concatenated or %-formatted strings, ``"...".format`` /
    ``"...".join`` calls, and literals of four words or more (a sentence typed into a cell).

    >>> sentence_building('say.update(chapter04.claim_facts(card))')
    []
    >>> sentence_building('say["x"] = f"{k} of {n}"')
    ['an f-string']
    """
    found = []
    tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%")))
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            found.append("an f-string")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)) and (
                _is_text(node.left) or _is_text(node.right)):
            found.append("string concatenation or %-formatting")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("format", "join") and _is_text(node.func.value)):
            found.append(f"str.{node.func.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value.split()) >= 4:
            found.append(f"a prose literal {node.value[:40]!r}")
    # an f-string's parts are Constants too: report it once
    return sorted(set(found), key=found.index)


def test_there_are_chapters():
    assert CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_hidden_cells_are_a_line_or_two(chapter):
    for index, source in _hidden_cells(chapter):
        limit = SETUP_MAX_LINES if index == 0 else MAX_LINES
        lines = _code_lines(source)
        assert len(lines) <= limit, (
            f"{chapter.name}, code cell {index}: a hidden cell of {len(lines)} lines (at most {limit}); move the "
            f"bookkeeping into book/booksupport/chapter{chapter.name[:2]}.py and call it:\n{source}")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_hidden_cells_build_no_sentences(chapter):
    for index, source in _hidden_cells(chapter):
        found = sentence_building(source)
        assert not found, (
            f"{chapter.name}, code cell {index} builds text in a hidden cell ({', '.join(found)}); write the sentence "
            f"in book/booksupport/chapter{chapter.name[:2]}.py, where a reviewer reads it:\n{source}")


def test_the_guard_catches_what_it_is_for():
    assert sentence_building('say["s"] = "At " + str(k) + " patients"')
    assert sentence_building('say["s"] = ", ".join(names)')
    assert sentence_building('say["s"] = "{} of {}".format(k, n)')
    assert sentence_building('say["s"] = ("" if ok else "The card reports no claim here.")')
    assert not sentence_building('say["ex1_k"] = chapter05.halved_count(cohort, IMMPACT)')
    assert len(_code_lines("# a comment\n\nx = 1\ny = 2\n")) == 2


def test_every_chapter_has_its_book_support_module():
    for chapter in CHAPTERS:
        module = BOOK / "booksupport" / f"chapter{chapter.name[:2]}.py"
        uses = f"chapter{chapter.name[:2]}." in "\n".join(
            c.source for c in nbformat.read(chapter, as_version=4).cells if c.cell_type == "code")
        assert not uses or module.exists(), f"{chapter.name} calls {module.name}, which does not exist"


def test_chapter5_caption_names_the_colour_the_reported_marker_is_drawn_in():
    """The reported result is drawn in the palette's "reported" colour, seaborn colorblind #d55e00 (Okabe-Ito
    vermilion, an orange-red); the caption and the alt text say so, not "red"."""
    import matplotlib.colors as mcolors

    from sacro_kit.plotting.paired_figures import palette

    assert mcolors.to_hex(palette()["reported"]) == "#d55e00"
    cells = nbformat.read(BOOK / "05_responders.ipynb", as_version=4).cells
    index = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and ":label: fig-ch5-curve" in c.source)
    caption, alt = cells[index].source, cells[index - 1].metadata["mystnb"]["image"]["alt"]
    assert "orange-red" in caption and "orange-red" in alt
    assert not re.search(r"(?<!orange-)\bred diamond", caption + alt)
