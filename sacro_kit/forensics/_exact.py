"""Printed numbers read exactly: the text, its value as a Fraction, its decimals and the interval it rounds from.

Private helpers shared by the forensic checks. Every comparison is rational arithmetic, never floating point, so a
verdict never depends on how 0.1 is stored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cached_property

#: Rounding conventions a printed number may have come from ("up_or_down": either tie direction, as scrutiny's
#: default).
ROUNDING_RULES = ("up_or_down", "half_up", "half_down", "half_even")

#: The three verdicts (an "unverifiable" verdict always carries its reason after a colon).
CONSISTENT, INCONSISTENT = "consistent", "inconsistent"


def unverifiable(why: str) -> str:
    return f"unverifiable: {why}"


@dataclass(frozen=True)
class Printed:
    """One printed number: its text, exact value and decimals."""

    text: str
    value: Fraction
    decimals: int

    # computed once per printed number (the searches read them at every step)
    @cached_property
    def half(self) -> Fraction:
        return Fraction(1, 2 * 10**self.decimals)

    @cached_property
    def low(self) -> Fraction:
        return self.value - self.half

    @cached_property
    def high(self) -> Fraction:
        return self.value + self.half

    def interval(self) -> str:
        return f"[{show(self.low)}, {show(self.high)}]"


def check_rounding(rounding: str) -> str:
    if rounding not in ROUNDING_RULES:
        raise ValueError(f"rounding must be one of {', '.join(map(repr, ROUNDING_RULES))}; got {rounding!r}")
    return rounding


def printed(value, what: str, *, percent: bool = False) -> Printed:
    """Read ``value`` as printed: a string ("5.19", "82%"), an int, or an object with ``.text`` (a card Printed).

    Floats are refused: 5.10 and 5.1 are the same float but different printed precisions.
    """
    if hasattr(value, "text") and not isinstance(value, str):
        relation = getattr(value, "relation", "=")
        if relation != "=":
            raise ValueError(f"{what}: {value.text!r} is a bound, not a printed value")
        value = value.text
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(
            f"{what}: pass the number as printed (a string such as '5.19'), not {value!r}: "
            "a float loses the printed precision (trailing zeros)"
        )
    text = str(value).strip()
    stripped = text.replace("−", "-").replace("–", "-")
    if percent:
        stripped = stripped.rstrip("%").strip()
    try:
        number = Decimal(stripped)
    except InvalidOperation:
        raise ValueError(f"{what}: {text!r} is not a printed number") from None
    if not number.is_finite() or "e" in stripped.lower():
        raise ValueError(f"{what}: {text!r} is not a plain decimal number")
    decimals = len(stripped.split(".")[1]) if "." in stripped else 0
    return Printed(text, Fraction(number), decimals)


def round_exact(value: Fraction, decimals: int, rule: str) -> Fraction:
    """``value`` rounded to ``decimals`` places under ``rule`` (ties: "half_up" away from zero, "half_down" toward
    zero, "half_even" to even), exactly.

    >>> round_exact(Fraction(27, 4), 1, "half_up"), round_exact(Fraction(9, 4), 1, "half_even")
    (Fraction(34, 5), Fraction(11, 5))
    """
    if not isinstance(value, Fraction):
        value = Fraction(value)
    scale = 10**decimals
    # integer arithmetic on numerator and denominator: the checks call this millions of times, and Fraction
    # arithmetic (a gcd per operation) made it their slowest step
    floor, rest = divmod(value.numerator * scale, value.denominator)  # floor division, also for negative values
    twice_rest = 2 * rest
    if twice_rest > value.denominator:
        result = floor + 1
    elif twice_rest < value.denominator:
        result = floor
    elif rule == "half_even":
        result = floor if floor % 2 == 0 else floor + 1
    elif rule == "half_up":
        result = floor + 1 if value >= 0 else floor
    elif rule == "half_down":
        result = floor if value >= 0 else floor + 1
    else:
        raise ValueError(f"unknown rounding rule {rule!r}")
    return Fraction(result, scale)


def prints_as(value: Fraction, target: Printed, rounding: str) -> bool:
    """Whether the exact ``value`` rounds to the printed ``target`` under ``rounding``."""
    if rounding == "up_or_down":
        return (
            round_exact(value, target.decimals, "half_up") == target.value
            or round_exact(value, target.decimals, "half_down") == target.value
        )
    return round_exact(value, target.decimals, rounding) == target.value


def sqrt_prints_as(square: Fraction, target: Printed, rounding: str) -> bool:
    """Whether sqrt(``square``) (``square`` >= 0, exact) rounds to ``target``, decided without floating point."""
    low, high = target.low, target.high
    if high <= 0:
        return square == 0 and prints_as(Fraction(0), target, rounding)
    if square > high * high:
        return False
    if square == high * high:
        return prints_as(high, target, rounding)
    if low <= 0:
        return True if low < 0 else (square > 0 or prints_as(Fraction(0), target, rounding))
    if square < low * low:
        return False
    if square == low * low:
        return prints_as(low, target, rounding)
    return True


def show(x) -> str:
    """A readable exact number: 7, 8.5, 6.75, 2.333333 (six decimals at most)."""
    x = Fraction(x)
    if x.denominator == 1:
        return str(x.numerator)
    text = f"{float(x):.6f}".rstrip("0").rstrip(".")
    return text


def show_fraction(x) -> str:
    """An exact number with its fraction where it is not a short decimal: 183/35 (= 5.228571)."""
    x = Fraction(x)
    if x.denominator == 1:
        return str(x.numerator)
    d = x.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d == 1 and len(show(x)) <= 8:
        return show(x)
    return f"{x.numerator}/{x.denominator} (= {show(x)})"


def exact_number(value, what: str) -> Fraction:
    """A scale bound or step as an exact Fraction ("10/3", 0.5, Fraction(1, 3), 5)."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{what} must be a number, got {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{what} must be finite, got {value!r}")
        return Fraction(repr(value))
    try:
        return Fraction(str(value).strip()) if isinstance(value, str) else Fraction(value)
    except (TypeError, ValueError, ZeroDivisionError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None


def check_n(n, what: str = "n", minimum: int = 1) -> int:
    import numpy as np

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"{what} must be an integer >= {minimum}, got {n!r}")
    return int(n)


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, (str, tuple, list)) else False
    except (TypeError, ValueError):
        return False
