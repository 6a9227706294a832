"""book/booksupport/nbval_plugin.py: nbval tests the prose numbers a chapter stores, and hands exactly the chapters
that passed to the book's execution cache.

One nbval session (with the plugin, as ``make nbval`` loads it) runs over four small chapters in a temporary folder,
each with a prose number ``{eval}`x``` after ``x = 4``:

* ``current``: stores the number as 4 (what JupyterLab shows before a run) -- passes, and is handed over;
* ``stale``: stores 3 -- fails with the hint to run ``make notebooks``, and is not handed over;
* ``unstored``: stores nothing -- fails (a trainee would see no number), not handed over;
* ``wrong_output``: the prose is current but a code cell's stored output is not -- fails, not handed over.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest

from booksupport.myst_eval import METADATA, read_ipynb
from booksupport.nbval_plugin import executed_chapter

REPO = Path(__file__).resolve().parents[1]


def _chapter(path: Path, stored: str | None, printed: str = "4\n") -> None:
    code = nbformat.v4.new_code_cell("x = 4\nprint(x)", execution_count=1)
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    prose = nbformat.v4.new_markdown_cell("There are {eval}`x` patients.")
    if stored is not None:
        prose.metadata[METADATA] = [
            {"expression": "x", "result": {"status": "ok", "data": {"text/plain": stored}, "metadata": {}}}
        ]
    notebook = nbformat.v4.new_notebook(cells=[code, prose])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    root = tmp_path_factory.mktemp("chapters")
    (root / "pytest.ini").write_text("[pytest]\n")
    _chapter(root / "current.ipynb", "4")
    _chapter(root / "stale.ipynb", "3")
    _chapter(root / "unstored.ipynb", None)
    _chapter(root / "wrong_output.ipynb", "4", printed="5\n")
    cache, report = root / "_build" / ".jupyter_cache", root / "report.xml"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "book"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "booksupport.nbval_plugin", "--nbval", "--nbval-current-env",
         "--book-cache", str(cache), f"--junitxml={report}", "-p", "no:cacheprovider", "."],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )
    failures = {}
    for case in ET.parse(report).iter("testcase"):
        failure = case.find("failure")
        failures[(Path(case.get("file") or case.get("classname")).stem, case.get("name"))] = (
            None if failure is None else failure.text or failure.get("message")
        )
    return root, cache, result, failures


@pytest.mark.slow
@pytest.mark.subprocess
def test_a_current_prose_number_passes_and_a_stale_or_missing_one_fails(session):
    _, _, result, failures = session
    assert result.returncode == 1, result.stdout[-3000:]
    by_file = {}
    for (name, cell), failure in failures.items():
        by_file.setdefault(name.split(".")[0], {})[cell] = failure
    assert set(by_file["current"]) == {"Cell 0", "Cell 1 prose numbers"}
    assert all(f is None for f in by_file["current"].values())
    assert by_file["stale"]["Cell 0"] is None
    assert "run `make notebooks`" in by_file["stale"]["Cell 1 prose numbers"]
    assert "'3'" in by_file["stale"]["Cell 1 prose numbers"] and "'4'" in by_file["stale"]["Cell 1 prose numbers"]
    assert by_file["unstored"]["Cell 1 prose numbers"] is not None
    assert by_file["wrong_output"]["Cell 0"] is not None


@pytest.mark.slow
@pytest.mark.subprocess
def test_only_chapters_that_passed_are_handed_to_the_book_cache(session):
    root, cache, _, _ = session
    from jupyter_cache import get_cache

    records = get_cache(cache).list_cache_records()
    assert [Path(r.uri).name for r in records] == ["current.ipynb"]
    (record,) = records
    assert record.data == {"executed_by": "nbval"}
    executed = get_cache(cache).get_cache_bundle(record.pk).nb
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert code[0].outputs[0]["text"] == "4\n"
    assert code[1].outputs[0]["data"]["application/vnd.sacro-kit.user-expressions+json"]["0"]["data"] == {
        "text/plain": "4"
    }
    # the build matches the chapter as its reader reads it to this record
    assert get_cache(cache).match_cache_notebook(read_ipynb((root / "current.ipynb").read_text())).pk == record.pk


def test_a_chapter_is_handed_over_only_when_every_code_cell_ran(tmp_path):
    _chapter(tmp_path / "c.ipynb", "4")
    outputs = {0: [nbformat.v4.new_output("stream", name="stdout", text="4\n")]}
    assert executed_chapter(tmp_path / "c.ipynb", outputs) is None, "the prose-number cell did not run"
    outputs[1] = [nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=7)]
    executed = executed_chapter(tmp_path / "c.ipynb", outputs)
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == [1, 2]
    assert code[1].outputs[0].execution_count == 2
    nbformat.validate(executed)
