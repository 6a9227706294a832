"""A cached book build is never stale (book/_ext/cache_stamp.py).

A tiny Jupyter Book in a temporary folder uses the book's own extension; its one notebook appends a line to a log
each time it is executed, so the test counts executions instead of trusting build messages:

1. a cold build executes the notebook once;
2. editing a file of the hashed "package" re-executes it (jupyter-cache alone would not: the notebook is unchanged);
3. after another edit, nbval (with the book's plugin, as `make test` runs it before the build) executes it and hands
   the execution over: the build that follows executes nothing (so a warm build with nothing changed executes
   nothing).

That a changed SACRO_KIT_COHORT setting (or the cohort file's contents) changes the stamp, and so clears the cache
the same way a package edit does, is ``test_stamp_changes_with_package_data_and_settings``; each build costs several
seconds, so the mechanism is built end to end once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
EXT = REPO / "book" / "_ext"
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")

sys.path.insert(0, str(EXT))
from cache_stamp import input_stamp, input_stamp_for_book  # noqa: E402


def test_stamp_changes_with_package_data_and_settings(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("id\n1\n")
    base = input_stamp(tmp_path, ["pkg"], ["SACRO_KIT_COHORT"], {})
    assert base == input_stamp(tmp_path, ["pkg"], ["SACRO_KIT_COHORT"], {})
    (tmp_path / "pkg" / "__pycache__").mkdir()
    (tmp_path / "pkg" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    assert base == input_stamp(tmp_path, ["pkg"], ["SACRO_KIT_COHORT"], {}), "byte-code must not count"
    with_cohort = input_stamp(tmp_path, ["pkg"], ["SACRO_KIT_COHORT"], {"SACRO_KIT_COHORT": str(cohort)})
    assert with_cohort != base
    cohort.write_text("id\n2\n")
    assert with_cohort != input_stamp(tmp_path, ["pkg"], ["SACRO_KIT_COHORT"], {"SACRO_KIT_COHORT": str(cohort)}), \
        "the cohort file's contents count, not only its name"
    (tmp_path / "pkg" / "a.py").write_text("x = 2\n")
    assert base != input_stamp(tmp_path, ["pkg"], ["SACRO_KIT_COHORT"], {})


def _tiny_book(root: Path, log: Path) -> None:
    (root / "pkg").mkdir()
    (root / "pkg" / "model.py").write_text("ANSWER = 1\n")
    (root / "_config.yml").write_text(textwrap.dedent(f"""\
        title: cache test
        only_build_toc_files: true
        exclude_patterns: [_build, pkg]
        execute:
          execute_notebooks: cache
          cache: {root / "_build" / ".jupyter_cache"}
        sphinx:
          local_extensions:
            cache_stamp: {EXT}
          config:
            sacro_kit_cache_inputs: ["pkg"]
        """))
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: chapter\n")
    (root / "index.md").write_text("# Cache test\n")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Chapter"), nbformat.v4.new_code_cell(
        f"with open({str(log)!r}, 'a') as log:\n    log.write('executed\\n')")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, root / "chapter.ipynb")


def _executions(root: Path, log: Path, env: dict[str, str]) -> int:
    before = len(log.read_text().splitlines()) if log.exists() else 0
    # cwd is the tiny book: a relative cache path would otherwise land in the repository's own _build/
    result = subprocess.run([str(JUPYTER_BOOK), "build", str(root), "--path-output", str(root)],
                            capture_output=True, text=True, env=env, timeout=300, cwd=root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return len(log.read_text().splitlines()) - before


def _nbval_executions(root: Path, log: Path, env: dict[str, str]) -> int:
    before = len(log.read_text().splitlines()) if log.exists() else 0
    (root / "pytest.ini").write_text("[pytest]\n")
    env = {**env, "PYTHONPATH": str(REPO / "book")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "booksupport.nbval_plugin", "--nbval", "--nbval-current-env",
         "--book-cache", str(root / "_build" / ".jupyter_cache"), "-p", "no:cacheprovider", "chapter.ipynb"],
        capture_output=True, text=True, env=env, timeout=300, cwd=root,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return len(log.read_text().splitlines()) - before


def test_the_book_stamp_counts_the_cohort_settings(tmp_path, monkeypatch):
    """The stamp a build computes (the book's _config.yml names no env settings, so the defaults) changes with
    SACRO_KIT_COHORT and SACRO_KIT_CARD, so a build with another cohort never reuses the executions of this one."""
    root = tmp_path / "book"
    root.mkdir()
    _tiny_book(root, tmp_path / "executions.log")
    for name in ("SACRO_KIT_COHORT", "SACRO_KIT_CARD"):
        monkeypatch.delenv(name, raising=False)
    base = input_stamp_for_book(root)
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("id\n1\n")
    monkeypatch.setenv("SACRO_KIT_COHORT", str(cohort))
    with_cohort = input_stamp_for_book(root)
    assert with_cohort != base
    monkeypatch.setenv("SACRO_KIT_CARD", str(cohort))
    assert input_stamp_for_book(root) not in (base, with_cohort)

@pytest.mark.slow
@pytest.mark.subprocess
def test_cached_build_reexecutes_exactly_when_inputs_change(tmp_path):
    root, log = tmp_path / "book", tmp_path / "executions.log"
    root.mkdir()
    _tiny_book(root, log)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SACRO_KIT_")}
    assert _executions(root, log, env) == 1, "a cold build executes the chapter"
    (root / "pkg" / "model.py").write_text("ANSWER = 2\n")
    assert _executions(root, log, env) == 1, "a package edit must invalidate the cached execution"
    (root / "pkg" / "model.py").write_text("ANSWER = 3\n")
    assert _nbval_executions(root, log, env) == 1
    assert _executions(root, log, env) == 0, "the build must use the execution nbval made with the current inputs"
    assert (root / "_build" / ".jupyter_cache").is_dir(), "the tiny book keeps its own cache"
    # the repository's own book may be building beside this test (`make test` runs two streams), so its cache is
    # checked for records of this tiny book, not for being unchanged
    repo_cache = REPO / "_build" / ".jupyter_cache"
    if (repo_cache / "global.db").is_file():
        from jupyter_cache import get_cache

        cache = get_cache(repo_cache)
        uris = [r.uri for r in cache.list_project_records()] + [r.uri for r in cache.list_cache_records()]
        strays = [u for u in uris if str(tmp_path) in u]
        assert not strays, f"the test wrote into the repository's own execution cache: {strays}"
