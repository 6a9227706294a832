"""Self-check for the book's exercises: right or wrong, without revealing the answer.

Each exercise's answer is *computed* from the cohort and card the chapter runs on (so it stays right when a reader
brings their own cohort). Answer functions live in ``booksupport.answers.chNN`` modules and register themselves with
:func:`booksupport.answers.answer`.

>>> check_answer("ch1-ex1", 78.9)   # 45 of the 57 treated were followed up
ch1-ex1: correct.
>>> check_answer("ch1-ex1", 82)
ch1-ex1: not yet. Check your working and try again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from booksupport.answers import load_all


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
    return tuple(sorted(load_all()))


def check_answer(exercise: str, value, *, cohort=None, card=None) -> AnswerCheck:
    """Tell whether ``value`` answers ``exercise`` for the current cohort and card, without showing the answer."""
    registry = load_all()
    if exercise not in registry:
        raise KeyError(f"no self-check for {exercise!r}; known: {', '.join(sorted(registry))}")
    from sacro_kit.io.card import load_reported
    from sacro_kit.io.cohort import load_cohort

    fn, tol = registry[exercise]
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
