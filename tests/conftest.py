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
