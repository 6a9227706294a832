"""Shared fixtures: the shipped card and reconstructed cohort, loaded once per test session."""

import sys
from pathlib import Path

import pytest

# Book-only code (book/booksupport) is importable as `booksupport`, as it is for chapters run with cwd=book/.
BOOK = Path(__file__).resolve().parents[1] / "book"
if str(BOOK) not in sys.path:
    sys.path.insert(0, str(BOOK))

from sacro_kit.io.card import load_reported
from sacro_kit.io.cohort import load_cohort


@pytest.fixture(scope="session")
def cohort():
    return load_cohort()


@pytest.fixture(scope="session")
def card():
    return load_reported()


@pytest.fixture
def run_main(monkeypatch, capsys):
    """Run a command line's ``main(argv)`` in this process with ``cwd`` as the working directory; returns (exit status,
    standard output, standard error).

    A fresh interpreter costs seconds of imports, so command-line tests call ``main`` here; each entry point is still
    started once as a real ``python -m`` process (tests/test_cli.py: ``sacro_kit`` and the console script;
    tests/test_reconstruct.py: the reconstruction; tests/test_literature_cards.py: the literature table).
    """

    def run(main, argv, cwd):
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        status = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return status, out, err

    return run
