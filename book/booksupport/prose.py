"""Number formats and sentence pieces for the chapters' prose (book-support code, not the library).

Every number in a chapter's prose is a MyST inline expression, ``{eval}`rel.k```; the reader sees the expression's
``text/plain`` representation (see :mod:`booksupport.myst_eval`). These helpers return :class:`Text`, a ``str``
whose representation is its own text, so a formatted number reads as ``43.0%`` in both the HTML book and JupyterLab,
never as ``np.float64(0.43)`` or with quotes.

>>> pct(0.43021)
43.0%
>>> num(2.0)
2
>>> count(22, 29)
22 of 29
"""

from __future__ import annotations

import math
import numbers


class Text(str):
    """A string whose repr is the string itself: what an inline expression should return."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def _float(value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"a number is needed for prose, got {value!r}")
    return float(value)


def num(value, digits: int | None = None) -> Text:
    """A number for prose: ``digits`` decimals, or the shortest form (``2.0`` -> ``2``) when ``digits`` is None.

    >>> num(3.14159, 2), num(57), num(0.5)
    (3.14, 57, 0.5)
    """
    x = _float(value)
    if math.isnan(x):
        return Text("not available")
    if digits is None:
        return Text(f"{x:g}" if x != int(x) or abs(x) >= 1e15 else f"{int(x)}")
    return Text(f"{x:.{digits}f}")


def pct(proportion, digits: int = 1) -> Text:
    """A proportion (0-1) as a percentage with ``digits`` decimals: ``pct(0.3)`` -> ``30.0%``.

    >>> pct(0.3, 0), pct(0.7586)
    (30%, 75.9%)
    """
    x = _float(proportion)
    if math.isnan(x):
        return Text("not available")
    return Text(f"{100 * x:.{digits}f}%")


def points(proportion, digits: int = 1) -> Text:
    """A difference of proportions in percentage points, without the unit: ``points(0.25)`` -> ``25.0``.

    >>> points(0.2512, 0)
    25
    """
    return num(100 * _float(proportion), digits)


def count(k, n) -> Text:
    """``k of n``.

    >>> count(16, 29)
    16 of 29
    """
    return Text(f"{int(k)} of {int(n)}")


def p_value(p, digits: int = 3) -> Text:
    """A p-value as papers print it: ``p = 0.012``, or ``p < 0.001`` below the printed precision.

    >>> p_value(0.01234), p_value(0.00004)
    (p = 0.012, p < 0.001)
    """
    x = _float(p)
    floor = 10.0 ** -digits
    return Text(f"p < {floor:.{digits}f}" if x < floor else f"p = {x:.{digits}f}")


def text(value) -> Text:
    """Any value as prose text (its ``str``)."""
    return Text(str(value))


def join(items, last: str = "and") -> Text:
    """``a, b and c``.

    >>> join(["a", "b", "c"]), join(["a"])
    (a, b and c, a)
    """
    items = [str(i) for i in items]
    if len(items) <= 1:
        return Text("".join(items))
    return Text(f"{', '.join(items[:-1])} {last} {items[-1]}")


def fmt(value, spec: str) -> Text:
    """``format(value, spec)`` as prose text: ``fmt(0.01234, ".2g")`` -> ``0.012``.

    >>> fmt(0.01234, ".2g")
    0.012
    """
    return Text(format(value, spec))


def _native(value):
    if isinstance(value, Text):
        return value
    if isinstance(value, str):
        return Text(value)
    item = getattr(value, "item", None)  # numpy scalars -> Python numbers (their repr is np.int64(22) otherwise)
    if callable(item) and getattr(value, "shape", None) == ():
        return item()
    return value


class Prose(dict):
    """The facts a chapter's sentences cite, by name: ``say["rel_k"] = rel.k``, then ``{eval}`say.rel_k``` in prose.

    Values are stored as Python numbers and :class:`Text` (a numpy scalar would show as ``np.int64(22)``).

    >>> say = Prose()
    >>> say["k"] = 22
    >>> say.k
    22
    """

    def __setitem__(self, key, value):
        super().__setitem__(key, _native(value))

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no prose fact named {name!r}") from None
