"""Self-check for the book's exercises: right or wrong, without revealing the answer.

Each exercise's answer is *computed* from the cohort and card the chapter runs on (so it stays right when a reader
brings their own cohort). Answer functions live in ``sacro_kit.answers.chNN`` modules and register themselves with
:func:`answer`.

>>> check_answer("ch1-ex1", 82)            # doctest: +SKIP
ch1-ex1: correct.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from dataclasses import dataclass
from typing import Callable

_REGISTRY: dict[str, tuple[Callable, float]] = {}


def answer(exercise: str, *, tol: float = 1e-9):
    """Register ``fn(cohort, card) -> number`` as the answer to ``exercise``, accepted within absolute ``tol``."""

    def register(fn: Callable) -> Callable:
        if exercise in _REGISTRY:
            raise ValueError(f"exercise {exercise!r} has two answers")
        _REGISTRY[exercise] = (fn, tol)
        return fn

    return register


def _load_all() -> None:
    import sacro_kit.answers as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(f"{pkg.__name__}.{info.name}")


@dataclass(frozen=True)
class AnswerCheck:
    """Outcome of :func:`check_answer`; its repr is the message a trainee reads."""

    exercise: str
    correct: bool
    message: str

    def __repr__(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.correct


def exercises() -> tuple[str, ...]:
    """Identifiers of every exercise that has a self-check."""
    _load_all()
    return tuple(sorted(_REGISTRY))


def check_answer(exercise: str, value, *, cohort=None, card=None) -> AnswerCheck:
    """Tell whether ``value`` answers ``exercise`` for the current cohort and card, without showing the answer."""
    _load_all()
    if exercise not in _REGISTRY:
        raise KeyError(f"no self-check for {exercise!r}; known: {', '.join(sorted(_REGISTRY))}")
    from sacro_kit.card import load_reported
    from sacro_kit.cohort import load_cohort

    fn, tol = _REGISTRY[exercise]
    if cohort is None:
        try:
            cohort = load_cohort()
        except FileNotFoundError:
            cohort = None  # chapters about the card alone (1, 9) run without a cohort file
    expected = fn(cohort, load_reported() if card is None else card)
    try:
        given = float(value)
    except (TypeError, ValueError):
        return AnswerCheck(exercise, False, f"{exercise}: give a number (got {value!r}).")
    ok = math.isclose(given, float(expected), rel_tol=0.0, abs_tol=tol)
    if ok:
        return AnswerCheck(exercise, True, f"{exercise}: correct.")
    return AnswerCheck(exercise, False, f"{exercise}: not yet. Check your working and try again.")
