"""nbval over the chapters as the book reads them, its executions handed to the book build (``make nbval``).

``make nbval`` loads this plugin (``PYTHONPATH=book pytest -p booksupport.nbval_plugin --nbval ...``; plain
``pytest --nbval book`` is nbval without it). Three things change in nbval:

* **The prose numbers are tested.** nbval collects each chapter as the book's reader reads it
  (:func:`booksupport.myst_eval.read_ipynb`): after every Markdown cell with ``{eval}`` roles comes the cell that
  evaluates them. Its expected output is what the committed chapter stores in that Markdown cell's
  ``metadata.user_expressions`` -- the numbers a trainee sees in JupyterLab before running anything -- so a stale
  stored number fails nbval exactly as a stale stored output does.
* **One execution per chapter per run.** With ``--book-cache PATH`` (``make nbval`` passes the book's
  ``_build/.jupyter_cache``), a chapter every one of whose cells ran and passed is stored, outputs as nbval received
  them from the kernel, in the book's execution cache under the inputs stamp of ``book/_ext/cache_stamp.py``. The
  book build that follows (``make test`` builds the book after nbval) finds every chapter executed with the current
  package, data and cohort settings and executes nothing; a chapter nbval did not pass is executed by the build as
  before. Stored outputs are compared by nbval; the build's own copy is what the HTML shows.
* **A kernel that dies while starting is started again.** ``make test`` runs nbval beside the unit tests, which
  start kernels of their own. jupyter_client picks a kernel's TCP ports by binding port 0 and releasing it, so
  another process can take a port in the moment before the new kernel binds it; that kernel then exits ("Kernel
  died before replying to kernel_info") and every cell of its chapter errors without having run. Such a start is
  retried (up to three attempts, each logged); a chapter whose kernel starts and then fails still fails as before.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest

from booksupport.myst_eval import INJECTED, METADATA, MIME, expressions, prose_of, read_ipynb

logger = logging.getLogger(__name__)
ATTEMPTS = 3
BOOK = Path(__file__).resolve().parents[1]


def _retrying(start):
    def start_new_kernel(*args, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return start(*args, **kwargs)
            except RuntimeError as error:
                if "died before replying" not in str(error) or attempt == ATTEMPTS:
                    raise
                logger.warning("kernel died while starting (attempt %d of %d): starting it again", attempt, ATTEMPTS)
                time.sleep(1)

    return start_new_kernel


def expected_prose_numbers(owner: nbformat.NotebookNode, exprs: list[str]) -> list[nbformat.NotebookNode]:
    """The output the evaluation cell after ``owner`` must give: the results ``owner`` stores, in its order.

    An expression without a stored result is left out, so its fresh result fails the comparison.

    >>> cell = nbformat.v4.new_markdown_cell("{eval}`n`")
    >>> cell.metadata[METADATA] = [{"expression": "n", "result": {"status": "ok", "data": {"text/plain": "3"}}}]
    >>> expected_prose_numbers(cell, ["n"])[0]["data"][MIME]
    {'0': {'status': 'ok', 'data': {'text/plain': '3'}}}
    """
    stored = {entry["expression"]: entry["result"] for entry in owner.metadata.get(METADATA, [])}
    if not stored:
        return []
    payload = {str(i): stored[expr] for i, expr in enumerate(exprs) if expr in stored}
    return [nbformat.v4.new_output("display_data", data={MIME: payload})]


def _chapter_as_read(path: Path) -> nbformat.NotebookNode:
    return read_ipynb(path.read_text(encoding="utf-8"))


def _collect(self):
    """nbval's ``IPyNbFile.collect`` over the chapter as the book reads it (see the module doc)."""
    from nbval.plugin import IPyNbCell, find_comment_markers, find_metadata_tags

    self.nb = _chapter_as_read(Path(self.fspath))
    self.sacro_kit_outputs = {}
    self.sacro_kit_failed = False
    cell_num = 0
    previous = None
    for cell in self.nb.cells:
        if cell.cell_type == "code":
            options = defaultdict(bool, find_metadata_tags(cell.metadata))
            options.update(dict(find_comment_markers(cell.source)))
            options.setdefault("check", self.compare_outputs)
            name = f"Cell {cell_num}"
            if cell.metadata.get(INJECTED):
                cell.outputs = expected_prose_numbers(previous, expressions(prose_of(previous)))
                cell.execution_count = 1  # nbval compares only cells that have run
                name += " prose numbers"
            yield IPyNbCell.from_parent(self, name=name, cell_num=cell_num, cell=cell, options=options)
            cell_num += 1
        previous = cell


def _runtest(original):
    def runtest(self):
        from nbval.plugin import NbCellError

        try:
            original(self)
        except NbCellError as error:
            if self.cell.metadata.get(INJECTED) and str(error) == "Cell outputs differ":
                raise NbCellError(
                    self.cell_num,
                    "The prose numbers differ from those the chapter stores (metadata.user_expressions, what "
                    "JupyterLab shows before a run): run `make notebooks`",
                    self.cell.source,
                    error.inner_traceback,
                ) from error
            raise
        finally:
            if self.test_outputs is not None:
                self.parent.sacro_kit_outputs[self.cell_num] = self.test_outputs

    return runtest


def _teardown(original):
    def teardown(self):
        cache = self.config.getoption("book_cache", None)
        if cache and not self.sacro_kit_failed:
            _store(self, Path(cache))
        original(self)

    return teardown


def executed_chapter(path: Path, outputs: dict[int, list]) -> nbformat.NotebookNode | None:
    """The chapter at ``path`` as the book reads it, with ``outputs[i]`` as its i-th code cell's outputs, or
    ``None`` unless every code cell has them. Execution counts number the code cells from 1, as one run does."""
    notebook = _chapter_as_read(path)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    if sorted(outputs) != list(range(len(code))):
        return None
    for index, cell in enumerate(code):
        cell.outputs = [nbformat.from_dict(dict(out)) for out in outputs[index]]
        cell.execution_count = index + 1
        for out in cell.outputs:
            if out.output_type == "execute_result":
                out.execution_count = index + 1
    return notebook


def _store(item, cache_path: Path) -> None:
    notebook = executed_chapter(Path(item.fspath), item.sacro_kit_outputs)
    if notebook is None:
        return  # some cells were not run (deselected or skipped): the build executes the chapter itself
    sys.path.insert(0, str(BOOK / "_ext"))
    from cache_stamp import execution_cache, input_stamp_for_book

    from jupyter_cache.base import CacheBundleIn

    stamp = input_stamp_for_book(Path(item.config.rootpath))
    with execution_cache(cache_path, stamp) as cache:
        cache.cache_notebook_bundle(
            CacheBundleIn(notebook, str(item.fspath), data={"executed_by": "nbval"}), check_validity=False,
            overwrite=True,
        )


def pytest_addoption(parser):
    parser.addoption(
        "--book-cache",
        default=None,
        metavar="PATH",
        help="store every chapter whose cells all passed, as executed, in this jupyter-cache (the book build's "
        "_build/.jupyter_cache), so the build that follows executes nothing",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and hasattr(item.parent, "sacro_kit_failed"):
        item.parent.sacro_kit_failed = True


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    try:
        from nbval import kernel, plugin
    except ImportError:  # nbval not installed: nothing to change
        return
    if not getattr(kernel.start_new_kernel, "_sacro_kit_retrying", False):
        kernel.start_new_kernel = _retrying(kernel.start_new_kernel)
        kernel.start_new_kernel._sacro_kit_retrying = True
    if not getattr(plugin.IPyNbFile, "_sacro_kit", False):
        plugin.IPyNbFile.collect = _collect
        plugin.IPyNbFile.teardown = _teardown(plugin.IPyNbFile.teardown)
        plugin.IPyNbCell.runtest = _runtest(plugin.IPyNbCell.runtest)
        plugin.IPyNbFile._sacro_kit = True
