"""Shared fixtures: the shipped card and reconstructed cohort, loaded once per test session."""

import pytest

from sacro_kit.card import load_reported
from sacro_kit.cohort import load_cohort


@pytest.fixture(scope="session")
def cohort():
    return load_cohort()


@pytest.fixture(scope="session")
def card():
    return load_reported()
