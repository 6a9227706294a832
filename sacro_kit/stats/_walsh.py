"""Order statistics of the Walsh averages (d_i + d_j)/2, i <= j, without building all n(n+1)/2 of them.

The Hodges-Lehmann estimate and its interval are Walsh averages at given ranks. At 10^5 differences there
are 5 * 10^9 of them, so they are selected, not sorted: an exact O(n) count of the averages at or below a
value (two pointers over the sorted differences, compiled with numba because the walk is sequential), a
root search on that count -- a sample of averages for the first bracket, then interpolation (regula falsi)
safeguarded by bisection on the binary representation of the doubles -- and, once a bracket holds few
averages, those are collected and partitioned. Every comparison uses the floating-point average
``(d_i + d_j) / 2.0`` itself, so the result equals sorting the averages, bit for bit.

This is the idea of Monahan's (1984) algorithm (count by a monotone walk over the rows, narrow a bracket,
select inside it); the bracket is narrowed by interpolation on the exact count instead of by random
row medians, which needs a handful of counts instead of O(log n) of them.

Monahan JF (1984). Algorithm 616: fast computation of the Hodges-Lehmann location estimator.
ACM Transactions on Mathematical Software 10(3):265-270.

numba is imported here only, and this module only when an order statistic of many averages is asked for,
so ``import sacro_kit`` does not pay for the compiler.
"""

from __future__ import annotations

import math

import numba
import numpy as np

#: Once a bracket (lo, hi] holds at most this many averages they are collected and partitioned.
COLLECT_LIMIT = 100_000
#: Averages sampled (by a seeded generator) for the first bracket; the result never depends on the sample.
SAMPLE_SIZE = 20_000


@numba.njit(cache=True, nogil=True, inline="always")
def _last_partner_at_or_below(d: np.ndarray, i: int, j: int, t: float) -> int:  # pragma: no cover - compiled
    """Move j down from its last position to the last partner of row i with fl((d_i + d_j) / 2) <= t (< i: none)."""
    while j >= i and (d[i] + d[j]) / 2.0 > t:
        j -= 1
    return j


@numba.njit(cache=True, nogil=True)
def count_at_or_below(d: np.ndarray, t: float) -> int:  # pragma: no cover - compiled; tested through select
    """#{i <= j : fl((d_i + d_j) / 2) <= t} for ascending ``d``, in O(n).

    For a fixed row i the average grows with j (IEEE rounding is monotone), and the last qualifying j can
    only move left as i grows, so one pointer walks down once.
    """
    n = d.size
    j = n - 1
    total = 0
    for i in range(n):
        j = _last_partner_at_or_below(d, i, j, t)
        if j < i:
            break
        total += j - i + 1
    return total


@numba.njit(cache=True, nogil=True)
def collect_between(d: np.ndarray, lo: float, hi: float, size: int) -> np.ndarray:  # pragma: no cover
    """The ``size`` averages with lo < fl((d_i + d_j) / 2) <= hi, in row order (two walks at once)."""
    n = d.size
    out = np.empty(size, dtype=np.float64)
    j_hi = n - 1
    j_lo = n - 1
    k = 0
    for i in range(n):
        j_hi = _last_partner_at_or_below(d, i, j_hi, hi)
        if j_hi < i:
            break
        j_lo = _last_partner_at_or_below(d, i, j_lo, lo)
        for j in range(max(j_lo + 1, i), j_hi + 1):
            out[k] = (d[i] + d[j]) / 2.0
            k += 1
    return out[:k]


def _float_key(value: float) -> int:
    """An integer that orders doubles as their values do (the IEEE-754 bit pattern, sign folded)."""
    bits = int(np.array(value, dtype=np.float64).view(np.int64))
    return bits if bits >= 0 else -(bits & 0x7FFFFFFFFFFFFFFF)


def _key_float(key: int) -> float:
    if key >= 0:
        return float(np.array(key, dtype=np.int64).view(np.float64))
    return -float(np.array(-key, dtype=np.int64).view(np.float64))


def _value_between(lo: float, hi: float) -> float | None:
    """The double halfway between lo and hi in representation order, or None if they are adjacent."""
    a, b = _float_key(lo), _float_key(hi)
    if b - a <= 1:
        return None
    return _key_float(a + (b - a) // 2)


class _Bracket:
    """lo < W_(rank) <= hi with the exact counts c(lo) < rank <= c(hi); narrowed by :meth:`offer`."""

    def __init__(self, rank: int, lo: float, c_lo: int, hi: float, c_hi: int) -> None:
        self.rank, self.lo, self.c_lo, self.hi, self.c_hi = rank, lo, c_lo, hi, c_hi

    def offer(self, t: float, c: int) -> None:
        if self.lo < t < self.hi:
            if c < self.rank:
                self.lo, self.c_lo = t, c
            else:
                self.hi, self.c_hi = t, c

    @property
    def held(self) -> int:
        return self.c_hi - self.c_lo


def select(d: np.ndarray, ranks: list[int]) -> dict[int, float]:
    """The Walsh averages of ascending float64 ``d`` at the 1-based ``ranks``, exactly as sorting gives them.

    Examples
    --------
    >>> d = np.sort(np.random.default_rng(1).normal(size=3000))
    >>> i, j = np.triu_indices(d.size)
    >>> walsh = np.sort((d[i] + d[j]) / 2.0)
    >>> got = select(d, [1, 10, 4_000_000, walsh.size])
    >>> got == {r: walsh[r - 1] for r in (1, 10, 4_000_000, walsh.size)}
    True
    """
    d = np.ascontiguousarray(d, dtype=np.float64)
    n = d.size
    n_walsh = n * (n + 1) // 2
    wanted = sorted(set(ranks))
    if not wanted or wanted[0] < 1 or wanted[-1] > n_walsh:
        raise ValueError(f"ranks must lie in 1..{n_walsh}, got {ranks!r}")
    counted: dict[float, int] = {}

    def count(t: float) -> int:
        if t not in counted:
            counted[t] = int(count_at_or_below(d, t))
        return counted[t]

    bottom = float(np.nextafter(d[0], -np.inf))  # below every average: c = 0; the largest average is d[-1]
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, n, SAMPLE_SIZE), rng.integers(0, n, SAMPLE_SIZE)
    sample = np.sort((d[i] + d[j]) / 2.0)
    out: dict[int, float] = {}
    for rank in wanted:
        bracket = _Bracket(rank, bottom, 0, float(d[-1]), n_walsh)
        p = rank / n_walsh
        spread = 3.0 * math.sqrt(SAMPLE_SIZE * p * (1.0 - p)) + 1.0
        for position in (p * SAMPLE_SIZE - spread, p * SAMPLE_SIZE + spread):
            t = float(sample[min(max(int(position), 0), SAMPLE_SIZE - 1)])
            bracket.offer(t, count(t))
        for t, c in counted.items():  # what other ranks' searches already counted
            bracket.offer(t, c)
        out[rank] = _narrow(d, bracket, count)
    return {r: out[r] for r in ranks}


def _narrow(d: np.ndarray, bracket: _Bracket, count) -> float:
    """Shrink the bracket until it holds few averages, then collect them and partition."""
    stalled = False
    while bracket.held > COLLECT_LIMIT:
        before = bracket.held
        middle = _value_between(bracket.lo, bracket.hi)
        if middle is None:  # adjacent doubles: the one value in (lo, hi] is hi, and it is the wanted average
            return bracket.hi
        if stalled:
            trials = [middle]
        else:  # aim just inside the rank from both sides, interpolating the count linearly
            slope = (bracket.hi - bracket.lo) / before
            margin = COLLECT_LIMIT // 4
            trials = [
                bracket.lo + (bracket.rank - margin - bracket.c_lo) * slope,
                bracket.lo + (bracket.rank + margin - bracket.c_lo) * slope,
            ]
        for t in trials:
            if bracket.lo < t < bracket.hi:
                bracket.offer(t, count(t))
        stalled = bracket.held > before // 2  # interpolation failed to halve the bracket: bisect next
    values = collect_between(d, bracket.lo, bracket.hi, bracket.held)
    k = bracket.rank - bracket.c_lo - 1
    return float(np.partition(values, k)[k])
