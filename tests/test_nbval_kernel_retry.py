"""book/booksupport/nbval_plugin.py: nbval starts a chapter's kernel again when it dies while starting, and only then."""

from __future__ import annotations

import pytest

from booksupport import nbval_plugin


def _flaky(failures: int, message: str = "Kernel died before replying to kernel_info"):
    calls = []

    def start(**kwargs):
        calls.append(kwargs)
        if len(calls) <= failures:
            raise RuntimeError(message)
        return "km", "kc"

    return start, calls


def test_a_kernel_that_died_while_starting_is_started_again(monkeypatch):
    monkeypatch.setattr(nbval_plugin.time, "sleep", lambda s: None)
    start, calls = _flaky(2)
    assert nbval_plugin._retrying(start)(kernel_name="k") == ("km", "kc")
    assert len(calls) == 3


def test_retries_are_bounded_and_other_errors_pass_through(monkeypatch):
    monkeypatch.setattr(nbval_plugin.time, "sleep", lambda s: None)
    start, calls = _flaky(nbval_plugin.ATTEMPTS)
    with pytest.raises(RuntimeError, match="died"):
        nbval_plugin._retrying(start)()
    assert len(calls) == nbval_plugin.ATTEMPTS
    start, calls = _flaky(1, "something else")
    with pytest.raises(RuntimeError, match="something else"):
        nbval_plugin._retrying(start)()
    assert len(calls) == 1
