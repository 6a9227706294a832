"""Exact counting and uniform drawing of sorted samples whose printed quartiles (and mean) hold.

Part of :mod:`sacro_kit.forensics.reconstruction` (the law, the method and the assumptions are documented there).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from sacro_kit._compat import renamed_arguments
from sacro_kit.forensics.lattice import (
    check_n as _check_n,
)
from sacro_kit.forensics.lattice import (
    check_rounding as _check_rounding,
)
from sacro_kit.forensics.lattice import (
    constraints as _constraints,
)
from sacro_kit.forensics.lattice import (
    lattice as _lattice,
)
from sacro_kit.forensics.lattice import (
    prints_as as _prints_as,
)
from sacro_kit.forensics.lattice import (
    read_triple as _read_triple,
)
from sacro_kit.stats.quantiles import check_method

#: Largest n * (number of lattice values) count_samples takes on (about a minute of exact big-integer sums here).
COUNT_LIMIT = 20_000_000


def _printed_band(target, rounding: str) -> tuple[Fraction, Fraction, bool, bool]:
    """The values that print as ``target``: [low, high] with whether each end itself prints as the target."""
    half = Fraction(1, 2 * 10**target.decimals)
    low, high = target.value - half, target.value + half
    return (
        low,
        high,
        _prints_as(low, target.value, target.decimals, rounding),
        _prints_as(high, target.value, target.decimals, rounding),
    )


def _index_range(
    lower: Fraction, upper: Fraction, inc_lower: bool, inc_upper: bool, start: Fraction, step: Fraction
) -> tuple[int, int]:
    """Lattice indices i with start + i*step in [lower, upper] (ends included as told), exactly."""
    x, y = (lower - start) / step, (upper - start) / step
    first = math.ceil(x)
    if first == x and not inc_lower:
        first += 1
    last = math.floor(y)
    if last == y and not inc_upper:
        last -= 1
    return first, last


def _intervals(n: int, constraints, values: Sequence[Fraction], rounding: str):
    """Per pinned position the admissible value indices (first, last), and per pinned step, for each value index a
    of x_(j), the admissible indices (first, last) of x_(j+1) >= a -- exact, O(number of values) per constraint:
    a weighted pair (1 - g) x_(j) + g x_(j+1) increases with x_(j+1), so the admissible x_(j+1) form an interval."""
    size = len(values)
    start = values[0]
    step = values[1] - values[0] if size > 1 else Fraction(1)
    unary: dict[int, tuple[int, int]] = {}
    pair: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for target, stat in constraints:
        low, high, inc_low, inc_high = _printed_band(target, rounding)
        if stat.gamma == 0:
            first, last = _index_range(low, high, inc_low, inc_high, start, step)
            old = unary.get(stat.lo, (0, size - 1))
            unary[stat.lo] = (max(old[0], first, 0), min(old[1], last, size - 1))
        else:
            assert stat.hi == stat.lo + 1, "quantiles use adjacent order statistics"
            g = stat.gamma
            firsts = np.empty(size, np.int64)
            lasts = np.empty(size, np.int64)
            for a, v in enumerate(values):
                first, last = _index_range(
                    (low - (1 - g) * v) / g, (high - (1 - g) * v) / g, inc_low, inc_high, start, step
                )
                firsts[a], lasts[a] = max(first, a), min(last, size - 1)
            if stat.lo in pair:
                old_first, old_last = pair[stat.lo]
                firsts, lasts = np.maximum(firsts, old_first), np.minimum(lasts, old_last)
            pair[stat.lo] = (firsts, lasts)
    return unary, pair


def _masks(n: int, constraints, values: Sequence[Fraction], rounding: str):
    """Per-position admissible values and per-step admissible value pairs (boolean arrays) from pinned quantiles."""
    size = len(values)
    unary_ranges, pair_ranges = _intervals(n, constraints, values, rounding)
    index = np.arange(size)
    unary = {j: (index >= first) & (index <= last) for j, (first, last) in unary_ranges.items()}
    pair = {
        j: (index[None, :] >= firsts[:, None]) & (index[None, :] <= lasts[:, None])
        for j, (firsts, lasts) in pair_ranges.items()
    }
    return unary, pair


def _count_table(n: int, size: int, unary, pair, dtype) -> list[np.ndarray]:
    """f[j-1][v] = number of admissible non-decreasing x_(1..j) ending at value index v."""
    upper = np.triu(np.ones((size, size), bool))
    f = np.ones(size, dtype=dtype)
    if 1 in unary:
        f = f * unary[1]
    table = [f]
    for j in range(1, n):
        if j in pair:
            f = (f[:, None] * (pair[j] & upper)).sum(axis=0)
        else:
            f = np.cumsum(f)
        if j + 1 in unary:
            f = f * unary[j + 1]
        table.append(f)
    return table


def _count_exact(n: int, size: int, unary_ranges, pair_ranges) -> int:
    """The number of admissible sorted samples, in exact integers and O(n * size) additions (no pair matrices)."""
    zero = 0
    f = np.ones(size, dtype=object)

    def restrict(f, position):
        if position in unary_ranges:
            first, last = unary_ranges[position]
            g = np.zeros(size, dtype=object)
            if first <= last:
                g[first : last + 1] = f[first : last + 1]
            return g
        return f

    f = restrict(f, 1)
    for j in range(1, n):
        if j in pair_ranges:
            firsts, lasts = pair_ranges[j]
            diff = [zero] * (size + 1)
            for a in np.flatnonzero(f != 0).tolist():
                first, last = int(firsts[a]), int(lasts[a])
                if first <= last:
                    diff[first] += f[a]
                    diff[last + 1] -= f[a]
            f = np.cumsum(np.array(diff[:size], dtype=object))
        else:
            f = np.cumsum(f)
        f = restrict(f, j + 1)
    return int(sum(f.tolist()))


@renamed_arguments(method="quantile_type")
def count_samples(
    n: int,
    q1,
    median=None,
    q3=None,
    quantile_type=7,
    scale=(0, 10),
    step=1,
    *,
    rounding: str = "up_or_down",
    decimals: int | None = None,
) -> int:
    """Exact number of sorted samples (count vectors c_0..c_K summing to n) on the lattice ``scale`` by ``step``
    whose Q1, median and Q3 under ``method`` print as given.

    Exhaustive and exact (Python integers): a dynamic programme over the positions of the sorted sample with
    the current value as state; a printed quartile restricts one position, or one step between adjacent
    positions to an interval of next values for each current value (so a step costs O(K), not O(K^2)).
    Printed values are read as in :func:`sacro_kit.forensics.consistency.quartile_types`. An n and scale whose
    n * (number of values) exceeds ``COUNT_LIMIT`` are refused at once (they would take minutes).


    Parameters
    ----------
    n : int
        Sample size.
    q1, median, q3 : str or float
        The printed quartiles (strings keep the printed precision: ``"2.50"``); ``q1`` may also be a summary
        object with ``q1``, ``center`` and ``q3``, leaving ``median`` and ``q3`` None.
    quantile_type : int or str, default 7
        The Hyndman-Fan definition (1-9 or ``"tukey"``).
    scale : (low, high), default (0, 10)
        The smallest and largest possible value.
    step : int, float or str, default 1
        Spacing of the possible values (``"1/3"`` for a prorated score).
    rounding : str, default "up_or_down"
        How the paper rounded (``sacro_kit.forensics.consistency.ROUNDING_RULES``).
    decimals : int, optional
        Read every printed value at this many decimals instead of its own.

    Returns
    -------
    int
        The number of sorted samples (multisets of n values) that print as given; 0 means the summary is
        impossible on that scale under that definition.

    References
    ----------
    Hyndman RJ, Fan Y (1996). Sample quantiles in statistical packages. Am Stat 50(4):361-365.

    Examples
    --------
    >>> count_samples(29, "4", "7", "8.5", quantile_type=7)
    0
    >>> count_samples(3, "0", "1", "1.5", quantile_type=7, scale=(0, 2))
    1
    """
    method = quantile_type
    n = _check_n(n)
    rounding = _check_rounding(rounding)
    method = check_method(method)
    targets = _read_triple(q1, median, q3, decimals)
    lattice = _lattice(scale, step)
    size = int((lattice.high - lattice.low) / lattice.step) + 1
    if n * size > COUNT_LIMIT:
        raise ValueError(
            f"count_samples: n = {n} on a scale of {size} values needs n * values = {n * size:,} exact "
            f"steps, beyond the {COUNT_LIMIT:,} it can do in about a minute; use a coarser step or a "
            "smaller scale"
        )
    values = lattice.values
    unary, pair = _intervals(n, _constraints(n, targets, method), values, rounding)
    return _count_exact(n, size, unary, pair)


class _SortedSampler:
    """Uniform draws of sorted samples (count vectors) satisfying pinned quantiles and, optionally, a rule on
    their sum (a printed mean): every admissible sorted sample is equally likely."""

    def __init__(
        self,
        n: int,
        values: Sequence[Fraction],
        constraints,
        rounding: str,
        sum_ok: Callable[[Fraction], bool] | None = None,
        sum_max: Fraction | None = None,
    ):
        self.n = n
        self.values = list(values)
        self.array = np.array([float(v) for v in values])
        size = len(values)
        unary, pair = _masks(n, constraints, values, rounding)
        self.unary, self.pair_masks = unary, {j: m & np.triu(np.ones((size, size), bool)) for j, m in pair.items()}
        self.sum_allowed = None
        self.cumulative: list[Any]  # per step: rows of cumulative weights (lists), or one 2-D array with a sum
        upper = np.triu(np.ones((size, size), bool))
        # steps[j - 1] = admissible (x_(j), x_(j+1)) value pairs, j = 1..n-1
        self.steps = [pair.get(j, np.ones((size, size), bool)) & upper for j in range(1, n)]
        self.pinned_steps = frozenset(pair)
        self.with_sum = sum_ok is not None
        if not self.with_sum:
            table = _count_table(n, size, unary, pair, float)
            self.total = float(table[-1].sum())
            self.cumulative = [
                [np.cumsum(table[j - 1] * self.steps[j - 1][:, b]).tolist() for b in range(size)] for j in range(1, n)
            ]
            self.final = np.cumsum(table[-1]).tolist()
        else:
            self._sum_table(unary, sum_ok, sum_max)

    def _sum_table(self, unary, sum_ok, sum_max) -> None:
        unit = Fraction(0)
        for v in self.values:  # the lattice unit: gcd of the values (as fractions)
            unit = (
                Fraction(
                    math.gcd(unit.numerator * v.denominator, v.numerator * unit.denominator),
                    unit.denominator * v.denominator,
                )
                if unit
                else v
            )
        self.units = [int(v / unit) for v in self.values]
        top = math.floor(sum_max / unit)
        self.width = top + 1
        size = len(self.values)
        f = np.zeros((size, self.width))
        for i, u in enumerate(self.units):
            if u <= top:
                f[i, u] = 1.0
        if 1 in unary:
            f *= unary[1][:, None]
        table = [f]
        for j in range(1, self.n):
            moved = self.steps[j - 1].T.astype(float) @ f
            g = np.zeros_like(f)
            for i, u in enumerate(self.units):
                if u <= top:
                    g[i, u:] = moved[i, : self.width - u]
            if j + 1 in unary:
                g *= unary[j + 1][:, None]
            table.append(g)
            f = g
        self.table = table
        # cumulative over values, per running sum: a step with no pinned pair draws from a prefix of one row
        self.cumulative = [np.ascontiguousarray(np.cumsum(t.T, axis=1)) for t in table]
        allowed = np.array([bool(sum_ok(s * unit)) for s in range(self.width)])
        self.sum_allowed = allowed.tolist()
        ends = table[-1] * allowed[None, :]
        self.total = float(ends.sum())
        self.final = np.cumsum(ends.ravel()).tolist()

    def sample(self, rng: np.random.Generator) -> np.ndarray:
        """One sorted sample, every admissible sorted sample equally likely (n uniforms from ``rng``)."""
        return self.array[self.sample_indices(rng)]

    def sample_indices(self, rng: np.random.Generator) -> np.ndarray:
        """Like :meth:`sample`, as indices into ``values``."""
        if self.total <= 0:
            raise ValueError("no sample satisfies these constraints")
        u = rng.random(self.n)
        out = np.empty(self.n, int)
        k = bisect.bisect_right(self.final, u[-1] * self.final[-1])
        if not self.with_sum:
            b = k
            out[-1] = b
            for j in range(self.n - 1, 0, -1):
                row = self.cumulative[j - 1][b]
                b = bisect.bisect_right(row, u[j - 1] * row[-1])
                out[j - 1] = b
            return out
        b, s = divmod(k, self.width)
        out[-1] = b
        for j in range(self.n - 1, 0, -1):
            s -= self.units[b]
            if j in self.pinned_steps:
                weights = np.cumsum(self.table[j - 1][:, s] * self.steps[j - 1][:, b])
            else:
                weights = self.cumulative[j - 1][s, : b + 1]
            b = int(np.searchsorted(weights, u[j - 1] * weights[-1], side="right"))
            out[j - 1] = b
        return out
