"""Deprecated spellings kept working for one release (issue 11: one meaning per argument name).

:func:`renamed_arguments` lets a function accept an old keyword for one release: the old name is mapped onto the
new one with a :class:`DeprecationWarning` naming both, and passing both is an error. Every use is listed in
``CHANGELOG.md``.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)


def renamed_arguments(**renames: str) -> Callable[[F], F]:
    """Accept ``old=...`` for ``new=...`` (``@renamed_arguments(method="quantile_type")``) with a DeprecationWarning.

    >>> @renamed_arguments(method="quantile_type")
    ... def f(x, *, quantile_type=7):
    ...     return quantile_type
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     f(1, method=6), caught[0].category.__name__
    (6, 'DeprecationWarning')
    """

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{fn.__name__}() got both {old}= (deprecated) and {new}=; pass only {new}=")
                    warnings.warn(
                        f"{fn.__name__}({old}=...) is deprecated and will be removed in the next release; "
                        f"use {new}=...",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)

        wrapper.__deprecated_arguments__ = dict(renames)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
