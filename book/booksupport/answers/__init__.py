"""Answer keys for the book's exercises, one module per chapter (``ch01.py`` ...), computed from cohort and card.

Each chapter module registers its answers with :func:`answer`; :mod:`booksupport.exercises` imports this package
and its modules, never the reverse, so there is no import cycle.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Callable

#: exercise id -> (answer function ``fn(cohort, card) -> number``, absolute tolerance)
REGISTRY: dict[str, tuple[Callable, float]] = {}


def answer(exercise: str, *, tol: float = 1e-9):
    """Register ``fn(cohort, card) -> number`` as the answer to ``exercise``, accepted within absolute ``tol``."""

    def register(fn: Callable) -> Callable:
        if exercise in REGISTRY:
            raise ValueError(f"exercise {exercise!r} has two answers")
        REGISTRY[exercise] = (fn, tol)
        return fn

    return register


def load_all() -> dict[str, tuple[Callable, float]]:
    """Import every chapter module (registering its answers) and return the registry."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return REGISTRY
