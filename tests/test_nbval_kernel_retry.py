"""book/conftest.py: nbval starts a chapter's kernel again when it dies while starting, and only then."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location("book_conftest", Path(__file__).resolve().parents[1] / "book" / "conftest.py")
book_conftest = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(book_conftest)


def _flaky(failures: int, message: str = "Kernel died before replying to kernel_info"):
    calls = []

    def start(**kwargs):
        calls.append(kwargs)
        if len(calls) <= failures:
            raise RuntimeError(message)
        return "km", "kc"

    return start, calls


def test_a_kernel_that_died_while_starting_is_started_again(monkeypatch):
    monkeypatch.setattr(book_conftest.time, "sleep", lambda s: None)
    start, calls = _flaky(2)
    assert book_conftest._retrying(start)(kernel_name="k") == ("km", "kc")
    assert len(calls) == 3


def test_retries_are_bounded_and_other_errors_pass_through(monkeypatch):
    monkeypatch.setattr(book_conftest.time, "sleep", lambda s: None)
    start, calls = _flaky(book_conftest.ATTEMPTS)
    with pytest.raises(RuntimeError, match="died"):
        book_conftest._retrying(start)()
    assert len(calls) == book_conftest.ATTEMPTS
    start, calls = _flaky(1, "something else")
    with pytest.raises(RuntimeError, match="something else"):
        book_conftest._retrying(start)()
    assert len(calls) == 1
