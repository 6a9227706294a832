"""Patient-level cohorts that reproduce every reported statistic jointly -- reconstructed, not real patients.

Only summary statistics of the Dougherty 2014 cohort were published. This module builds plausible
patient-level data sets that print exactly those statistics, so that the book can compute what the paper did
not report (responder curves, other tests) and show how much the answer depends on the unknown data.

**The law.** The reconstructed cohorts are drawn from the uniform law over the distinct joint cohorts (multisets
of patient rows) that reproduce every printed number of the card, under the assumptions listed below (``LAW``);
bands and ranges are quantiles over such draws.

How a cohort is drawn (one plausible cohort of many; :func:`reconstruction_range` shows the spread):

1. **Margins, exactly counted.** A sorted sample of n values on a lattice is a count vector c_0..c_K.
   Every sample quantile is a weighted pair of adjacent order statistics (``order_statistic``), so a printed
   median and IQR pin at most six positions, and the constraint on a pair x_(j), x_(j+1) is a constraint on
   one step of the sorted sequence. A dynamic programme over positions j = 1..n, with the current value
   (and, for a printed mean, the running sum) as state, counts every admissible sorted sample exactly
   (:func:`count_samples`) and draws one uniformly by walking back through the same table.
2. **The joint cohort, by a Metropolis chain** (``sacro_kit._chain``). A first valid cohort is built from such
   margins, paired by constrained swaps; from there a chain on labelled cohorts with symmetric moves (swaps of a
   value, a pair or the follow-up block between two patients; one-step and two-patient moves of values;
   margin refreshes dealt out in rank order, with their proposal ratio) accepts only cohorts that reproduce every
   printed number, with the Metropolis correction prod(m_r!) for the number of labellings of a multiset of rows.
   Its stationary law is therefore exactly the uniform law over distinct joint cohorts (proof in
   ``sacro_kit._chain``); :func:`chain_diagnostics` reports acceptance rates and autocorrelation times, and
   ``reconstruct`` keeps one cohort every ``THIN_PER_PATIENT * n`` steps after ``BURN_IN_PER_PATIENT * n``.
   Exhaustive enumeration of two small cards checks the law (tests/test_reconstruction_law.py: total-variation
   distance from uniform within sampling noise, against 0.31 and 0.49 for the previous sampler).
   What remains approximate: a chain run for finitely many steps is close to, not exactly at, its stationary
   law, and successive cohorts of one run are correlated (see the diagnostics).
3. **Rules the chain keeps.** Patients with a rest or activity score decrease are ``pain_decreased``; the
   remaining "decreased" patients of the reported count are among those without a score decrease ("numerical or
   descriptive decrease"); everyone else followed up is ``False``; pain scores are measured at follow-up.

Assumptions for the Dougherty card (each a parameter or a documented constant): quantiles by the first
definition that fits every printed median/IQR (Hyndman-Fan type 4, see ``check_reported``); weeks on a
half-week lattice 0.5..26; opioid counts 0..``count_max`` (4); pain duration for all 57 patients with a mean
that prints as 3 (read as 3.0, the abstract's one-decimal precision); rest and activity scores among the 45
followed-up patients, their overlap random; no rest baseline of 0 (a relative decrease from 0 is undefined,
and the abstract counts all 29 in "22 of 29"); the reported p-values are reproduced by the Wilcoxon
signed-rank test as R's ``wilcox.test`` computes it with ties (zeros dropped, normal approximation with tie
and continuity correction) wherever that test can reach them at that n -- not for activity pain, where no
rank test can.

References
----------
Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50(4):361-365.
doi:10.1080/00031305.1996.10473566
Diaconis P, Shahshahani M. Generating a random permutation with random transpositions. Z Wahrscheinlichkeitstheorie
verw Gebiete 1981;57:159-179. doi:10.1007/BF00535487
Heathers JAJ, Anaya J, van der Zee T, Brown NJL. Recovering data from summary statistics: Sample Parameter
Reconstruction via Iterative TEchniques (SPRITE). PeerJ Preprints 2018;6:e26968v1.
doi:10.7287/peerj.preprints.26968v1 (the stochastic-search ancestor; this module is exhaustive for margins)
"""

from __future__ import annotations

import argparse
import bisect
import csv
import io
import math
import sys
from dataclasses import dataclass, field
from decimal import ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sacro_kit.forensics.consistency import (
    _P_CANDIDATES,
    card_decimals,
    _check_n,
    _check_rounding,
    _constraints,
    _lattice,
    _Lattice,
    _pinned,
    _prints_as,
    _read_triple,
    fitting_methods,
)
from sacro_kit.stats.quantiles import check_method

#: The law every reconstruction is drawn from, in one sentence (chapters and docs quote it).
LAW = ("The reconstructed cohorts are drawn from the uniform law over the distinct joint cohorts (multisets of "
       "patient rows) that reproduce every printed number of the card, under the assumptions documented in "
       "sacro_kit.forensics.reconstruction.")
RECONSTRUCTION_LAW = LAW
#: Seed of the shipped cohort (the paper's year).
DEFAULT_SEED = 2014
#: Weeks (pain duration, follow-up) are drawn on this lattice: 0.5 to 26 weeks in half-week steps.
WEEKS_LATTICE = (Fraction(1, 2), Fraction(26), Fraction(1, 2))
#: Upper end of opioid counts per patient when the card leaves the count scale open.
COUNT_MAX = 4
#: The test that reproduces a reported p: Wilcoxon signed-rank as R's wilcox.test computes it with ties.
P_TEST = {"zero_method": "wilcox", "method": "asymptotic", "correction": True}
P_TEST_LABEL = ("Wilcoxon signed-rank, zeros dropped, normal approximation with tie and continuity correction "
                "(R wilcox.test with ties)")
#: Paired pain scores whose decrease implies ``pain_decreased``.
PAIN_SCORE_PAIRS = (("rest_pre", "rest_post"), ("activity_pre", "activity_post"))

#: Whole-cohort attempts, and draws of one pair's margins, before giving up.
_MAX_ATTEMPTS = 200
_PAIR_ATTEMPTS = 100
#: Swap-chain lengths per patient: proposals to reach the constraints, accepted swaps to mix within them.
_DESCENT = 40
_MIXING = 3
_PATIENCE = 6


# --------------------------------------------------------------------------------------------------------------------
# Counting and drawing sorted samples


#: Largest n * (number of lattice values) count_samples takes on (about a minute of exact big-integer sums here).
COUNT_LIMIT = 20_000_000


def _printed_band(target, rounding: str) -> tuple[Fraction, Fraction, bool, bool]:
    """The values that print as ``target``: [low, high] with whether each end itself prints as the target."""
    half = Fraction(1, 2 * 10 ** target.decimals)
    low, high = target.value - half, target.value + half
    return (low, high, _prints_as(low, target.value, target.decimals, rounding),
            _prints_as(high, target.value, target.decimals, rounding))


def _index_range(lower: Fraction, upper: Fraction, inc_lower: bool, inc_upper: bool, start: Fraction,
                 step: Fraction) -> tuple[int, int]:
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
                first, last = _index_range((low - (1 - g) * v) / g, (high - (1 - g) * v) / g, inc_low, inc_high,
                                           start, step)
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
    pair = {j: (index[None, :] >= firsts[:, None]) & (index[None, :] <= lasts[:, None])
            for j, (firsts, lasts) in pair_ranges.items()}
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
                g[first:last + 1] = f[first:last + 1]
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


def count_samples(n: int, q1, median=None, q3=None, method=7, scale=(0, 10), step=1, *,
                  rounding: str = "up_or_down", decimals: int | None = None) -> int:
    """Exact number of sorted samples (count vectors c_0..c_K summing to n) on the lattice ``scale`` by ``step``
    whose Q1, median and Q3 under ``method`` print as given.

    Exhaustive and exact (Python integers): a dynamic programme over the positions of the sorted sample with
    the current value as state; a printed quartile restricts one position, or one step between adjacent
    positions to an interval of next values for each current value (so a step costs O(K), not O(K^2)).
    Printed values are read as in :func:`sacro_kit.forensics.consistency.quartile_types`. An n and scale whose
    n * (number of values) exceeds ``COUNT_LIMIT`` are refused at once (they would take minutes).

    >>> count_samples(29, "4", "7", "8.5", method=7)
    0
    >>> count_samples(3, "0", "1", "1.5", method=7, scale=(0, 2))
    1
    """
    n = _check_n(n)
    rounding = _check_rounding(rounding)
    method = check_method(method)
    targets = _read_triple(q1, median, q3, decimals)
    lattice = _lattice(scale, step)
    size = int((lattice.high - lattice.low) / lattice.step) + 1
    if n * size > COUNT_LIMIT:
        raise ValueError(f"count_samples: n = {n} on a scale of {size} values needs n * values = {n * size:,} exact "
                         f"steps, beyond the {COUNT_LIMIT:,} it can do in about a minute; use a coarser step or a "
                         "smaller scale")
    values = lattice.values
    unary, pair = _intervals(n, _constraints(n, targets, method), values, rounding)
    return _count_exact(n, size, unary, pair)


class _SortedSampler:
    """Uniform draws of sorted samples (count vectors) satisfying pinned quantiles and, optionally, a rule on
    their sum (a printed mean): every admissible sorted sample is equally likely."""

    def __init__(self, n: int, values: Sequence[Fraction], constraints, rounding: str,
                 sum_ok: Callable[[Fraction], bool] | None = None, sum_max: Fraction | None = None):
        self.n = n
        self.values = list(values)
        self.array = np.array([float(v) for v in values])
        size = len(values)
        unary, pair = _masks(n, constraints, values, rounding)
        self.unary, self.pair_masks = unary, {j: m & np.triu(np.ones((size, size), bool)) for j, m in pair.items()}
        self.sum_allowed = None
        upper = np.triu(np.ones((size, size), bool))
        # steps[j - 1] = admissible (x_(j), x_(j+1)) value pairs, j = 1..n-1
        self.steps = [pair.get(j, np.ones((size, size), bool)) & upper for j in range(1, n)]
        self.pinned_steps = frozenset(pair)
        self.with_sum = sum_ok is not None
        if not self.with_sum:
            table = _count_table(n, size, unary, pair, float)
            self.total = float(table[-1].sum())
            self.cumulative = [[np.cumsum(table[j - 1] * self.steps[j - 1][:, b]).tolist() for b in range(size)]
                               for j in range(1, n)]
            self.final = np.cumsum(table[-1]).tolist()
        else:
            self._sum_table(unary, sum_ok, sum_max)

    def _sum_table(self, unary, sum_ok, sum_max) -> None:
        unit = Fraction(0)
        for v in self.values:  # the lattice unit: gcd of the values (as fractions)
            unit = Fraction(math.gcd(unit.numerator * v.denominator, v.numerator * unit.denominator),
                            unit.denominator * v.denominator) if unit else v
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
                    g[i, u:] = moved[i, :self.width - u]
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
                weights = self.cumulative[j - 1][s, :b + 1]
            b = int(np.searchsorted(weights, u[j - 1] * weights[-1], side="right"))
            out[j - 1] = b
        return out


# --------------------------------------------------------------------------------------------------------------------
# The plan: what every cohort must reproduce, prepared once per card and settings


@dataclass(frozen=True)
class _PairSpec:
    key: str
    variables: tuple[str, str]
    n: int
    pool: str                                   # "treated" or "followed"
    pre: _SortedSampler = field(repr=False)
    post: _SortedSampler = field(repr=False)
    responder: tuple[Fraction, str, int] | None  # threshold, kind, k
    direction: tuple[int, int, int] | None       # decreased, unchanged, increased
    p: object | None                             # the card's Printed p, when P_TEST can reach it


@dataclass(frozen=True)
class _Plan:
    n_treated: int
    n_followed: int | None
    followup: _SortedSampler | None = field(repr=False)
    pain_n: int | None
    pain: _SortedSampler | None = field(repr=False)
    pairs: tuple[_PairSpec, ...]
    decreased: tuple[int, int] | None           # k, n of pain_decreased
    method: object
    decimals: int
    rounding: str


def _weeks_values() -> list[Fraction]:
    low, high, step = WEEKS_LATTICE
    return _Lattice(low, high, step).values


def _scale_values(scale, count_max: int, minimum: Fraction | None = None) -> list[Fraction]:
    high = scale.max if scale.max is not None else count_max
    values = _lattice((scale.min or 0, high), 1).values
    return [v for v in values if minimum is None or v >= minimum]


def _summary_sampler(n: int, summary, values, method, decimals: int, rounding: str) -> _SortedSampler:
    """Sampler for one printed summary: median and quartiles pinned; a printed mean becomes a rule on the sum."""
    q1, center, q3 = _read_triple(summary, None, None, decimals)
    if summary.center_label == "median":
        return _SortedSampler(n, values, _constraints(n, (q1, center, q3), method), rounding)
    constraints = [(q1, _pinned(n, Fraction(1, 4), method)), (q3, _pinned(n, Fraction(3, 4), method))]
    half = Fraction(1, 2 * 10 ** center.decimals)
    return _SortedSampler(n, values, constraints, rounding,
                          sum_ok=lambda total: _prints_as(total / n, center.value, center.decimals, rounding),
                          sum_max=n * (center.value + half))


@lru_cache(maxsize=256)
def _p_floor(n: int) -> float:
    from sacro_kit.stats.paired import min_attainable_p
    return min_attainable_p(n, "wilcoxon", "asymptotic", ties="any", correction=True)


def _p_satisfied(p: float, printed) -> bool:
    """Whether a computed p prints as the reported p (relation and precision), in decimal arithmetic."""
    bound = Decimal(printed.text.lstrip("<>=≤≥ "))
    exact = Decimal(p)
    if printed.relation == "<":
        return exact < bound
    if printed.relation == "<=":
        return exact <= bound
    if printed.relation == ">":
        return exact > bound
    if printed.relation == ">=":
        return exact >= bound
    return _decimal_prints(p, printed.text, printed.decimals, "up_or_down")


def _decimal_prints(value: float, text: str, decimals: int, rounding: str) -> bool:
    """Whether ``value`` rounds to ``text`` at ``decimals`` places (decimal module; independent of consistency)."""
    target = Decimal(text.strip().rstrip("%"))
    quantum = Decimal(1).scaleb(-decimals)
    exact = Decimal(value)
    modes = {"up_or_down": (ROUND_HALF_UP, ROUND_HALF_DOWN), "half_up": (ROUND_HALF_UP,),
             "half_down": (ROUND_HALF_DOWN,), "half_even": (ROUND_HALF_EVEN,)}[rounding]
    return any(exact.quantize(quantum, rounding=mode) == target for mode in modes)


def _build_plan(card, method, rounding: str, decimals: int, count_max: int) -> _Plan:
    claims = {c.key: c for c in card}
    n_treated = int(card["treated"].n.value)
    followed = claims.get("followed_up")
    follow_summary = next((c for c in card if c.kind == "summary" and c.variable == "followup_weeks"), None)
    n_followed = int(followed.n.value) if followed is not None else (
        follow_summary.n if follow_summary is not None else None)

    followup = None
    if n_followed is not None:
        if follow_summary is not None:
            if follow_summary.n is not None and follow_summary.n != n_followed:
                raise ValueError(f"{follow_summary.key}: n = {follow_summary.n} but {n_followed} were followed up")
            followup = _summary_sampler(n_followed, follow_summary.summary, _weeks_values(), method, decimals, rounding)
        else:
            followup = _SortedSampler(n_followed, _weeks_values(), [], rounding)
        if followup.total <= 0:
            raise ValueError(f"follow-up times cannot print as reported under {method!r}")

    pain_claim = next((c for c in card if c.kind == "summary" and c.variable == "pain_weeks"), None)
    pain = pain_n = None
    if pain_claim is not None:
        pain_n = pain_claim.n if pain_claim.n is not None else n_treated
        pain = _summary_sampler(pain_n, pain_claim.summary, _weeks_values(), method, decimals, rounding)
        if pain.total <= 0:
            raise ValueError(f"{pain_claim.key} cannot print as reported under {method!r}")
    for claim in card:
        if claim.kind == "summary" and claim.variable not in ("pain_weeks", "followup_weeks"):
            raise ValueError(f"reconstruct supports summary claims on pain_weeks and followup_weeks only, "
                             f"not {claim.variable!r} ({claim.key})")

    pool_followed = n_followed if n_followed is not None else n_treated
    pairs = []
    for claim in card:
        if claim.kind != "paired_summary":
            continue
        scale = card.scales[claim.scale]
        if scale.type != "integer":
            raise ValueError(f"{claim.key}: reconstruct needs paired scores on an integer scale")
        responder = next((c for c in card if c.kind == "responders" and tuple(c.variables) == tuple(claim.variables)),
                         None)
        direction = next((c for c in card if c.kind == "paired_direction"
                          and tuple(c.variables) == tuple(claim.variables)), None)
        if responder is not None and responder.n != claim.n:
            raise ValueError(f"{responder.key}: n = {responder.n} differs from {claim.key} n = {claim.n}")
        if direction is not None and direction.n != claim.n:
            raise ValueError(f"{direction.key}: n = {direction.n} differs from {claim.key} n = {claim.n}")
        # a relative decrease from a baseline of 0 is undefined, so responders' n would lose those patients
        floor = Fraction(1) if responder is not None and responder.threshold_kind == "relative" else None
        values_pre = _scale_values(scale, count_max, floor)
        values_post = _scale_values(scale, count_max)
        pre = _summary_sampler(claim.n, claim.pre, values_pre, method, decimals, rounding)
        post = _summary_sampler(claim.n, claim.post, values_post, method, decimals, rounding)
        if pre.total <= 0 or post.total <= 0:
            raise ValueError(f"{claim.key} cannot print as reported under {method!r}")
        p = claim.p if claim.p is not None and _p_satisfied(_p_floor(claim.n), claim.p) else None
        if claim.n == n_treated:
            pool = "treated"
        elif claim.n <= pool_followed:
            pool = "followed"
        else:
            pool = "treated"
        pairs.append(_PairSpec(
            claim.key, tuple(claim.variables), claim.n, pool, pre, post,
            None if responder is None else (Fraction(repr(responder.threshold)), responder.threshold_kind,
                                            responder.k),
            None if direction is None else (direction.decreased.k, direction.unchanged.k, direction.increased.k),
            p))
    decreased_claim = next((c for c in card if c.kind == "proportion" and c.variable == "pain_decreased"), None)
    decreased = None if decreased_claim is None else (decreased_claim.k, decreased_claim.n)
    if decreased is not None and decreased[1] > n_treated:
        raise ValueError(f"{decreased_claim.key}: n = {decreased[1]} exceeds the {n_treated} treated")
    return _Plan(n_treated, n_followed, followup, pain_n, pain, tuple(pairs), decreased, method, decimals, rounding)


@lru_cache(maxsize=16)
def _cached_plan(claims: tuple, scales: tuple, method, rounding: str, decimals: int | None, count_max: int) -> _Plan:
    view = _CardView(dict(claims), dict(scales))
    return _plan_for(view, method, rounding, decimals, count_max)


@dataclass(frozen=True)
class _CardView:
    """The parts of a card a plan depends on (claims and scales), so that plans are cached by content."""

    claims: dict
    scales: dict

    def __iter__(self):
        return iter(self.claims.values())

    def __contains__(self, key) -> bool:
        return key in self.claims

    def __getitem__(self, key):
        return self.claims[key]

    def get(self, key, default=None):
        return self.claims.get(key, default)


def _plan_for(card, method, rounding: str, decimals: int | None, count_max: int) -> _Plan:
    if decimals is None:
        decimals = card_decimals(card)
    if method is not None:
        return _build_plan(card, check_method(method), rounding, decimals, count_max)
    problems = []
    for candidate in fitting_methods(card, rounding=rounding, decimals=decimals):
        try:
            return _build_plan(card, candidate, rounding, decimals, count_max)
        except ValueError as error:
            problems.append(f"{candidate}: {error}")
    raise ValueError("no quantile definition reproduces every printed summary"
                     + (": " + "; ".join(problems) if problems else ""))


def _plan(card, method, rounding: str, decimals: int | None, count_max: int) -> _Plan:
    method = None if method is None else check_method(method)
    try:
        key = (tuple(card.claims.items()), tuple(card.scales.items()))
        hash(key)
    except TypeError:  # a card assembled by hand with unhashable parts: no caching
        return _plan_for(card, method, rounding, decimals, count_max)
    return _cached_plan(*key, method, rounding, decimals, count_max)


# --------------------------------------------------------------------------------------------------------------------
# Drawing one cohort


def _pair_codes(pre: np.ndarray, post: np.ndarray, spec: _PairSpec) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: responder (0/1) and direction (0 decreased, 1 unchanged, 2 increased), exactly."""
    direction = np.where(post < pre, 0, np.where(post == pre, 1, 2))
    if spec.responder is None:
        return np.zeros(pre.size, int), direction
    threshold, kind, _ = spec.responder
    drop = pre - post
    if kind == "relative":
        hit = drop * threshold.denominator >= threshold.numerator * pre
    else:
        hit = drop * threshold.denominator >= threshold.numerator
    return hit.astype(int), direction


def _z_window(printed) -> tuple[float, float]:
    """The |z| range whose two-sided normal p-value can print as ``printed`` (a steering target only)."""
    return _z_window_of(printed.text, printed.relation, printed.decimals)


@lru_cache(maxsize=64)
def _z_window_of(text: str, relation: str, decimals: int) -> tuple[float, float]:
    value = float(Decimal(text.lstrip("<>=≤≥ ")))
    if relation in ("<", "<="):
        return float(stats.norm.isf(value / 2)), math.inf
    if relation in (">", ">="):
        return 0.0, float(stats.norm.isf(value / 2))
    half = 0.5 * 10.0 ** -decimals
    low = float(stats.norm.isf(min(1.0, value + half) / 2))
    return low, (math.inf if value - half <= 0 else float(stats.norm.isf((value - half) / 2)))


def _signed_rank_z(pos: list[int], neg: list[int]) -> float:
    """|z| of the Wilcoxon signed-rank test, zeros dropped, tie-corrected variance and continuity correction
    (as ``scipy.stats.wilcoxon(d, correction=True, method="asymptotic")``), from the counts of differences
    d = +v (``pos[v]``) and d = -v (``neg[v]``) for v = 1, 2, ...; midranks of tied |d| as in ``rankdata``."""
    below = 0
    r_plus = 0.0
    ties = 0
    for v in range(1, len(pos)):
        t = pos[v] + neg[v]
        if t:
            r_plus += pos[v] * (below + (t + 1) / 2)
            below += t
            ties += t * t * t - t
    if not below:
        return 0.0
    se = math.sqrt((below * (below + 1) * (2 * below + 1) - ties / 2) / 24)
    diff = r_plus - below * (below + 1) / 4
    if not se or not diff:
        return 0.0
    return abs(diff - math.copysign(0.5, diff)) / se


@lru_cache(maxsize=64)
def _codes(top: int, count_r: bool, count_d: bool, num: int, den: int, kind) -> list:
    """code[a][b] = (responder, decreased, unchanged, increased, |a - b|, a > b); unconstrained counts are 0."""
    return [[(int(count_r and (a - b) * den >= num * (a if kind == "relative" else 1)),
              int(count_d and b < a), int(count_d and b == a), int(count_d and b > a), abs(a - b), a > b)
             for b in range(top)] for a in range(top)]


def _pair(pre: np.ndarray, post_sorted: np.ndarray, spec: _PairSpec, rng: np.random.Generator,
          shuffle: bool = True) -> np.ndarray | None:
    """Post values paired to ``pre`` so that the responder and direction counts hold and the signed-rank
    statistic lies where the reported p needs it: a chain of random swaps of two patients' post values that
    never moves away from the constraints (at most ``_DESCENT * n`` proposals), then keeps swapping within them
    (``_MIXING * n`` accepted swaps). Returns (post, |z|) -- z of the signed-rank statistic, NaN when no p is
    steered -- or None if the constraints were not reached.

    The chain tracks R+ of the Wilcoxon signed-rank statistic from the histogram of differences
    (:func:`_signed_rank_z`), so a swap costs O(scale).
    """
    post = rng.permutation(post_sorted) if shuffle else np.asarray(post_sorted).copy()
    if spec.responder is None and spec.direction is None and spec.p is None:
        return post, math.nan
    n = pre.size
    pre_i = pre.astype(int).tolist()
    post_i = post.astype(int).tolist()
    top = int(max(max(pre_i), int(spec.post.array.max()), int(spec.pre.array.max()))) + 1
    if spec.responder is not None:
        threshold, kind, want_r = spec.responder
        num, den = threshold.numerator, threshold.denominator
    else:
        kind, want_r, num, den = None, None, 0, 1
    count_r, count_d = spec.responder is not None, spec.direction is not None
    code = _codes(top, count_r, count_d, num, den, kind)
    want_r = want_r if count_r else 0
    w0, w1, w2 = spec.direction if count_d else (0, 0, 0)
    codes = [code[a][b] for a, b in zip(pre_i, post_i)]
    resp = sum(c[0] for c in codes)
    d0, d1, d2 = (sum(c[k] for c in codes) for k in (1, 2, 3))
    pos = [0] * top
    neg = [0] * top
    for c in codes:
        if c[4]:
            (pos if c[5] else neg)[c[4]] += 1
    steer = spec.p is not None
    z_low, z_high = _z_window(spec.p) if steer else (0.0, math.inf)
    seen: dict[tuple, float] = {}

    def z_gap() -> float:
        state = (*pos, *neg)
        gap = seen.get(state)
        if gap is None:
            z = _signed_rank_z(pos, neg)
            gap = seen[state] = z_low - z if z < z_low else (z - z_high if z > z_high else 0.0)
        return gap

    current = abs(resp - want_r) + abs(d0 - w0) + abs(d1 - w1) + abs(d2 - w2)
    current_z = (z_gap() if current == 0 else math.inf) if steer else 0.0
    mixing = _MIXING * n
    budget = _DESCENT * n
    feasible_steps = 0
    steps = 0
    last_progress = 0
    while steps < budget + mixing and feasible_steps < mixing:
        if feasible_steps == 0 and steps - last_progress > _PATIENCE * n:
            break  # stuck: no step toward the constraints for a long while
        for i, j in rng.integers(0, n, size=(4 * n, 2)).tolist():
            steps += 1
            bi, bj = post_i[i], post_i[j]
            if bi == bj:
                continue  # the same post value: nothing to swap
            ai, aj = pre_i[i], pre_i[j]
            ci, cj = codes[i], codes[j]
            ni, nj = code[ai][bj], code[aj][bi]
            if ai != aj:  # equal baselines: the swap changes no statistic, only who has which value
                r = resp - ci[0] - cj[0] + ni[0] + nj[0]
                gap = abs(r - want_r) if count_r else 0
                if count_d:
                    e0 = d0 - ci[1] - cj[1] + ni[1] + nj[1]
                    e1 = d1 - ci[2] - cj[2] + ni[2] + nj[2]
                    e2 = d2 - ci[3] - cj[3] + ni[3] + nj[3]
                    gap += abs(e0 - w0) + abs(e1 - w1) + abs(e2 - w2)
                else:
                    e0, e1, e2 = d0, d1, d2
                if gap > current:
                    continue
                new_z = current_z
                if steer:
                    # histogram of |differences| by sign, for the signed-rank statistic
                    for c, step in ((ci, -1), (cj, -1), (ni, 1), (nj, 1)):
                        if c[4]:
                            (pos if c[5] else neg)[c[4]] += step
                    if gap == 0:
                        new_z = z_gap()
                        if current == 0 and new_z > current_z:
                            for c, step in ((ni, -1), (nj, -1), (ci, 1), (cj, 1)):
                                if c[4]:
                                    (pos if c[5] else neg)[c[4]] += step
                            continue
                    else:
                        new_z = math.inf
                if gap < current or new_z < current_z:
                    last_progress = steps
                resp, d0, d1, d2, current, current_z = r, e0, e1, e2, gap, new_z
            post_i[i], post_i[j] = bj, bi
            codes[i], codes[j] = ni, nj
            if current == 0 and current_z == 0.0:
                feasible_steps += 1
                if feasible_steps >= mixing:
                    break
    if current != 0 or current_z != 0.0:
        return None
    z = _signed_rank_z(pos, neg) if steer else math.nan
    return np.array(post_i, dtype=float), z


def _p_value(pre: np.ndarray, post: np.ndarray) -> float:
    d = pre - post
    if not np.any(d != 0):
        return 1.0
    return float(stats.wilcoxon(d, **P_TEST).pvalue)


def _draw_cohort(plan: _Plan, rng: np.random.Generator) -> pd.DataFrame | None:
    """One cohort, or None when this attempt cannot meet every constraint (the caller draws again)."""
    n = plan.n_treated
    data = {name: np.full(n, np.nan) for name in
            ("pain_weeks", "followup_weeks", "rest_pre", "rest_post", "activity_pre", "activity_post",
             "opioids_pre", "opioids_post")}
    everyone = np.arange(n)
    followed = np.sort(rng.permutation(n)[:plan.n_followed]) if plan.n_followed is not None else everyone
    if plan.followup is not None:
        data["followup_weeks"][followed] = rng.permutation(plan.followup.sample(rng))
    if plan.pain is not None:
        members = everyone if plan.pain_n == n else np.sort(rng.permutation(n)[:plan.pain_n])
        data["pain_weeks"][members] = rng.permutation(plan.pain.sample(rng))
    for spec in plan.pairs:
        pool = everyone if spec.pool == "treated" else followed
        members = np.sort(rng.permutation(pool)[:spec.n])
        # a pair's margins and pairing depend on nothing else drawn here, so redrawing them alone is the
        # same as redrawing the whole cohort
        for _ in range(_PAIR_ATTEMPTS):
            pre = rng.permutation(spec.pre.sample(rng))
            paired = _pair(pre, spec.post.sample(rng), spec, rng)
            if paired is None:
                continue
            post, z = paired
            if spec.p is None:
                break
            low, high = _z_window(spec.p)
            # clearly inside the window the normal p is certainly right; near its edge scipy decides
            if low + 1e-9 < z < high - 1e-9 or _p_satisfied(_p_value(pre, post), spec.p):
                break
        else:
            return None
        data[spec.variables[0]][members] = pre
        data[spec.variables[1]][members] = post

    decreased = np.full(n, np.nan)
    if plan.decreased is not None:
        k, size = plan.decreased
        pool = followed if size <= followed.size else everyone
        members = pool if size == pool.size else np.sort(rng.permutation(pool)[:size])
        fell = np.zeros(n, bool)
        for pre_name, post_name in PAIN_SCORE_PAIRS:
            fell |= data[post_name] < data[pre_name]  # NaN compares False
        score_down = members[fell[members]]
        if score_down.size > k:
            return None
        others = members[~fell[members]]
        descriptive = rng.permutation(others)[:k - score_down.size]
        decreased[members] = 0.0
        decreased[score_down] = 1.0
        decreased[descriptive] = 1.0
    return _frame(data, decreased)


def _frame(data: dict[str, np.ndarray], decreased: np.ndarray) -> pd.DataFrame:
    """The cohort in the loader schema: nullable dtypes, NaN drawn as <NA>."""
    from sacro_kit.io.cohort import COHORT_COLUMNS

    n = decreased.size
    columns = {"patient_id": _patient_ids(n).copy()}
    for name in ("pain_weeks", "followup_weeks"):
        values = data[name]
        columns[name] = pd.arrays.FloatingArray(np.nan_to_num(values), np.isnan(values))
    columns["pain_decreased"] = pd.arrays.BooleanArray(np.nan_to_num(decreased) == 1, np.isnan(decreased))
    for name in ("rest_pre", "rest_post", "activity_pre", "activity_post", "opioids_pre", "opioids_post"):
        values = data[name]
        columns[name] = pd.arrays.IntegerArray(np.nan_to_num(values).astype("int64"), np.isnan(values))
    return pd.DataFrame({name: columns[name] for name in COHORT_COLUMNS})


@lru_cache(maxsize=8)
def _patient_ids(n: int):
    """R01..Rnn (zero-padded to the width of n, at least two digits)."""
    width = max(2, len(str(n)))
    return pd.array([f"R{i + 1:0{width}d}" for i in range(n)], dtype="string")


# --------------------------------------------------------------------------------------------------------------------
# Public API


def _load_card(card):
    if card is None or isinstance(card, (str, Path)):
        from sacro_kit.io.card import load_reported
        return load_reported(card)
    return card


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer (results are reproducible only with one), got {seed!r}")
    return int(seed)


#: Environment variable naming the on-disk cache of verified reconstructions ("off" disables it).
CACHE_ENV = "SACRO_KIT_RECONSTRUCTION_CACHE"
_MEMORY: dict[str, list] = {}


def _package_digest() -> str:
    """A hash of the package's source files: a cached reconstruction is reused only by the code that made it."""
    import hashlib

    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_key(card, n_cohorts, seed, method, rounding, decimals, count_max) -> str | None:
    import hashlib

    try:
        content = repr((sorted((k, repr(v)) for k, v in card.claims.items()),
                        sorted((k, repr(v)) for k, v in card.scales.items())))
    except AttributeError:
        return None
    parts = (content, int(n_cohorts), int(seed), repr(method), rounding, repr(decimals), int(count_max),
             _package_digest(), np.__version__, pd.__version__)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _cache_dir() -> Path | None:
    import os
    import tempfile

    setting = os.environ.get(CACHE_ENV)
    if setting is not None and setting.strip().lower() in ("", "0", "off", "no", "false"):
        return None
    return Path(setting) if setting else Path(tempfile.gettempdir()) / "sacro_kit-reconstructions"


def reconstruct(card=None, n_cohorts: int = 1, seed: int = DEFAULT_SEED, method=None, *,
                rounding: str = "up_or_down", decimals: int | None = None, count_max: int = COUNT_MAX,
                verify: bool = True) -> list[pd.DataFrame]:
    """Draw ``n_cohorts`` patient-level cohorts that reproduce every statistic of the card jointly.

    Each cohort is a DataFrame in the loader schema (``sacro_kit.io.cohort.COHORT_COLUMNS``, nullable dtypes,
    ids "R01".."R57"), with ``attrs`` recording seed, cohort index and quantile method. These are
    **reconstructed, not real patients**, drawn from the law in ``LAW`` (see the module docstring for the
    law, its assumptions and the chain). ``method=None`` uses the first quantile definition that fits every
    printed median/IQR (type 4 for the Dougherty card). Deterministic: the cohorts are successive states of one
    chain seeded with ``seed`` (kept every ``THIN_PER_PATIENT * n`` steps), so ``reconstruct(seed=s)[0]`` is the
    first of any longer run with that seed. With ``verify=True`` every cohort is checked by :func:`verify_cohort`
    before it is returned.

    Verified runs of 20 or more cohorts are computed once: kept in memory and on disk (``$SACRO_KIT_RECONSTRUCTION_CACHE``,
    default a folder in the system's temporary directory; ``off`` disables it), keyed by a hash of the card's
    claims and scales, every argument and the package's source, so the chapters that share the same 100 cohorts
    compute them once per build and any change to the code recomputes them.

    >>> cohort = reconstruct(seed=2014)[0]
    >>> cohort.shape, int(cohort["rest_pre"].notna().sum())
    ((57, 10), 29)
    """
    card = _load_card(card)
    key = None
    if verify and isinstance(n_cohorts, (int, np.integer)) and not isinstance(n_cohorts, bool) and n_cohorts >= 20:
        key = _cache_key(card, n_cohorts, _check_seed(seed), method, rounding, decimals, count_max)
    if key is not None:
        cached = _MEMORY.get(key)
        folder = _cache_dir()
        if cached is None and folder is not None and (folder / f"{key}.pkl").is_file():
            import pickle

            try:
                cached = pickle.loads((folder / f"{key}.pkl").read_bytes())
            except Exception:  # a damaged cache file is recomputed, never trusted
                cached = None
        if cached is not None:
            _MEMORY[key] = cached
            return [c.copy() for c in cached]
    cohorts = _reconstruct(card, n_cohorts, seed, method, rounding=rounding, decimals=decimals,
                           count_max=count_max, verify=verify)
    if key is not None:
        _MEMORY[key] = [c.copy() for c in cohorts]
        folder = _cache_dir()
        if folder is not None:
            import os
            import pickle

            try:
                folder.mkdir(parents=True, exist_ok=True)
                temporary = folder / f"{key}.{os.getpid()}.tmp"
                temporary.write_bytes(pickle.dumps(cohorts))
                temporary.replace(folder / f"{key}.pkl")
            except OSError:
                pass  # a read-only or full disk only costs the recomputation
    return cohorts


def _reconstruct(card, n_cohorts: int = 1, seed: int = DEFAULT_SEED, method=None, *,
                 rounding: str = "up_or_down", decimals: int | None = None, count_max: int = COUNT_MAX,
                 verify: bool = True) -> list[pd.DataFrame]:
    """The uncached :func:`reconstruct`."""
    card = _load_card(card)
    seed = _check_seed(seed)
    rounding = _check_rounding(rounding)
    if isinstance(n_cohorts, bool) or not isinstance(n_cohorts, (int, np.integer)) or n_cohorts < 1:
        raise ValueError(f"n_cohorts must be a positive integer, got {n_cohorts!r}")
    if isinstance(count_max, bool) or not isinstance(count_max, (int, np.integer)) or count_max < 1:
        raise ValueError(f"count_max must be a positive integer, got {count_max!r}")
    plan = _plan(card, method, rounding, decimals, int(count_max))
    from sacro_kit.forensics._chain import THIN_PER_PATIENT, start_chain

    chain = start_chain(plan, seed)
    cohorts = []
    for index in range(int(n_cohorts)):
        chain.run(THIN_PER_PATIENT * plan.n_treated)
        cohort = chain.frame()
        cohort.attrs.update(source="reconstructed (not real patients)", seed=seed, cohort_index=index,
                            quantile_method=plan.method, rounding=rounding, decimals=plan.decimals,
                            card=str(card.path))
        if verify:
            table = verify_cohort(cohort, card, method=plan.method, rounding=rounding, decimals=plan.decimals)
            if not table["ok"].all():
                failed = table.loc[table["ok"].eq(False), ["claim", "statistic"]].to_records(index=False)
                raise RuntimeError(f"reconstructed cohort {index} (seed {seed}) fails {list(failed)}; "
                                   "this is a bug in sacro_kit.forensics.reconstruction")
        cohorts.append(cohort)
    return cohorts


# --------------------------------------------------------------------------------------------------------------------
# Verification, independent of the drawing code: recompute every reported statistic with the engine's functions


def _fmt(value) -> str:
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return f"{float(value):.10g}"


class _Rows:
    def __init__(self, rounding: str, decimals: int):
        self.rows: list[tuple] = []
        self.rounding = rounding
        self.decimals = decimals

    def add(self, claim: str, statistic: str, reported: str, recomputed: str, ok, note: str = "") -> None:
        self.rows.append((claim, statistic, reported, recomputed, ok, note))

    def equal(self, claim: str, statistic: str, reported: int, recomputed: int, note: str = "") -> None:
        self.add(claim, statistic, str(reported), str(recomputed), int(reported) == int(recomputed), note)

    def printed(self, claim: str, statistic: str, printed, value: float, percent: bool = False) -> None:
        places = printed.decimals if percent else max(printed.decimals, self.decimals)
        if value != value:  # NaN: nothing to compare
            self.add(claim, statistic, printed.text, "NaN", False, "no data")
            return
        ok = _decimal_prints(value, printed.text, places, self.rounding)
        shown = f"{_fmt(value)}%" if percent else _fmt(value)
        note = "" if places == printed.decimals else f"read at {places} decimal(s)"
        self.add(claim, statistic, printed.text, shown, ok, note)


def _column(cohort, name: str) -> np.ndarray:
    """A column as floats with NaN for missing (``cohort`` may be a DataFrame or a dict of such arrays)."""
    if isinstance(cohort, dict):
        return cohort[name]
    return cohort[name].to_numpy(dtype=float, na_value=np.nan)


def _complete(cohort, variables) -> tuple[np.ndarray, np.ndarray]:
    pre, post = _column(cohort, variables[0]), _column(cohort, variables[1])
    both = ~(np.isnan(pre) | np.isnan(post))
    return pre[both], post[both]


def _unreachable_note(n: int, printed) -> str:
    return _unreachable_note_of(n, printed)


@lru_cache(maxsize=64)
def _unreachable_note_of(n: int, printed) -> str:
    from sacro_kit.stats.paired import min_attainable_p
    floors = [min_attainable_p(n, **kwargs) for _, kwargs in _P_CANDIDATES]
    if not any(_p_satisfied(p, printed) for p in floors):
        return (f"unattainable (see check_reported): no rank test on {n} pairs reaches {printed.text} "
                f"(smallest possible p {min(floors):.3g}); recomputed p shown for reference")
    return (f"unattainable by this test on {n} pairs (smallest p {_p_floor(n):.3g}; only an exact test could "
            "reach it, see check_reported); recomputed p shown for reference")


def verify_cohort(cohort: pd.DataFrame, card=None, *, method=None, rounding: str = "up_or_down",
                  decimals: int | None = None) -> pd.DataFrame:
    """Recompute every reported statistic from a patient-level cohort and compare it with the card.

    Uses only the engine's plain public functions (``describe`` with the quantile ``method``, ``responders``,
    ``sign_test``, ``wilcoxon``, counts and means), never the reconstruction code path, so it can audit any
    cohort -- reconstructed or real. Columns: ``claim``, ``statistic``, ``reported`` (as printed),
    ``recomputed``, ``ok`` and ``note``. A printed value is reproduced when the recomputed value rounds to it
    (``rounding``; centres and quartiles at the card's reporting precision unless ``decimals`` is given).
    p-values are recomputed with the Wilcoxon signed-rank test as R computes it with ties (``P_TEST``).

    ``ok`` is a nullable boolean: True/False for every statistic a cohort can reproduce, and <NA> (with a note)
    where nothing can be compared: a reported p that no cohort can reproduce because the test cannot reach it
    with that many pairs ("unattainable (see check_reported)"), or an n the paper does not state -- so ``verify_cohort(...)["ok"].all()`` (which skips <NA>) means
    "everything reproducible is reproduced". ``method=None`` takes ``cohort.attrs["quantile_method"]`` or else
    the first definition that fits the card.

    >>> table = verify_cohort(reconstruct(seed=1)[0])
    >>> bool(table["ok"].all()), sorted(table.loc[table["ok"].isna(), "claim"])
    (True, ['activity_pain', 'pain_duration'])
    """
    from sacro_kit.stats.paired import sign_test, wilcoxon
    from sacro_kit.stats.quantiles import describe
    from sacro_kit.stats.responders import responders

    card = _load_card(card)
    rounding = _check_rounding(rounding)
    if decimals is None:
        decimals = cohort.attrs.get("decimals", card_decimals(card))
    if method is None:
        method = cohort.attrs.get("quantile_method")
        if method is None:
            fitting = fitting_methods(card, rounding=rounding, decimals=decimals)
            if not fitting:
                raise ValueError("no quantile definition fits the card; pass method=")
            method = fitting[0]
    method = check_method(method)
    missing = sorted({v for c in card for v in (c.variables if hasattr(c, "variables") else (c.variable,))}
                     - set(cohort.columns))
    if missing:
        raise ValueError(f"the cohort lacks columns the card refers to: {', '.join(missing)}")
    rows = _Rows(rounding, decimals)
    columns = {name: _column(cohort, name) for name in cohort.columns if name != "patient_id"}

    for claim in card:
        key = claim.key
        if claim.kind == "count":
            count = len(cohort) if claim.variable == "patient_id" else int((~np.isnan(columns[claim.variable])).sum())
            what = "patients" if claim.variable == "patient_id" else f"patients with {claim.variable}"
            rows.equal(key, what, int(claim.n.value), count)

        elif claim.kind == "summary":
            values = columns[claim.variable]
            values = values[~np.isnan(values)]
            if claim.n is not None:
                rows.equal(key, "n", claim.n, values.size)
            else:
                rows.add(key, "n", "not reported", str(values.size), pd.NA, "the paper does not state n")
            summary = describe(values, method=method)
            s = claim.summary
            if s.center_label == "mean":
                rows.printed(key, "mean", s.center, float(np.mean(values)) if values.size else float("nan"))
            else:
                rows.printed(key, f"median (type {method})", s.center, summary.median)
            rows.printed(key, f"Q1 ({_method_label(method)})", s.q1, summary.q1)
            rows.printed(key, f"Q3 ({_method_label(method)})", s.q3, summary.q3)

        elif claim.kind == "proportion":
            values = columns[claim.variable]
            values = values[~np.isnan(values)]
            k, n = int((values != 0).sum()), int(values.size)
            rows.equal(key, "k", claim.k, k)
            rows.equal(key, "n", claim.n, n)
            rows.printed(key, "percent", claim.percent, 100 * k / n if n else float("nan"), percent=True)

        elif claim.kind == "paired_summary":
            pre, post = _complete(columns, claim.variables)
            rows.equal(key, "complete pairs", claim.n, pre.size)
            label = _method_label(method)
            for part, values, summary in (("pre", pre, claim.pre), ("post", post, claim.post)):
                d = describe(values, method=method)
                rows.printed(key, f"{part} median ({label})", summary.center, d.median)
                rows.printed(key, f"{part} Q1 ({label})", summary.q1, d.q1)
                rows.printed(key, f"{part} Q3 ({label})", summary.q3, d.q3)
            if claim.p is not None:
                p = wilcoxon(pre, post, **P_TEST).pvalue if np.any(pre != post) else 1.0
                statistic = "p (Wilcoxon signed-rank, R default with ties)"
                if _p_satisfied(_p_floor(claim.n), claim.p):
                    rows.add(key, statistic, claim.p.text, f"{p:.3g}", _p_satisfied(p, claim.p), P_TEST_LABEL)
                else:
                    rows.add(key, statistic, claim.p.text, f"{p:.3g}", pd.NA, _unreachable_note(claim.n, claim.p))

        elif claim.kind == "responders":
            pre, post = _complete(columns, claim.variables)
            result = responders(pre, post, claim.threshold, kind=claim.threshold_kind)
            rows.equal(key, "k", claim.k, result.k)
            rows.equal(key, "n", claim.n, result.n,
                       f"{result.n_zero_baseline} zero baselines excluded" if result.n_zero_baseline else "")
            rows.printed(key, "percent", claim.percent, 100 * result.k / result.n if result.n else float("nan"),
                         percent=True)

        elif claim.kind == "paired_direction":
            pre, post = _complete(columns, claim.variables)
            result = sign_test(pre, post)
            rows.equal(key, "n", claim.n, result.n_used + result.n_unchanged)
            total = result.n_used + result.n_unchanged
            for name, part, k in (("decreased", claim.decreased, result.n_decreased),
                                  ("unchanged", claim.unchanged, result.n_unchanged),
                                  ("increased", claim.increased, result.n_increased)):
                rows.equal(key, name, part.k, k)
                rows.printed(key, f"{name} percent", part.percent, 100 * k / total, percent=True)

    _logic_rows(rows, columns, card)
    table = pd.DataFrame(rows.rows, columns=["claim", "statistic", "reported", "recomputed", "ok", "note"])
    table["ok"] = table["ok"].astype("boolean")
    table.attrs.update(method=method, rounding=rounding, decimals=decimals)
    return table


def _method_label(method) -> str:
    return "Tukey hinges" if method == "tukey" else f"type {method}"


def _logic_rows(rows: _Rows, columns: dict[str, np.ndarray], card) -> None:
    """What the abstract implies without printing it: score decreases are pain decreases, scores need follow-up."""
    present = [pair for pair in PAIN_SCORE_PAIRS if all(v in columns for v in pair)]
    fell = np.zeros(columns["followup_weeks"].size, bool)
    for pre_name, post_name in present:
        fell |= columns[post_name] < columns[pre_name]
    if "pain_decreased" in card:
        bad = int((fell & ~(columns["pain_decreased"] == 1)).sum())
        rows.add("pain_decreased", "a rest or activity score decrease has pain_decreased True",
                 "implied", f"{bad} patients violate it", bad == 0,
                 "a numerical decrease is a decrease; pain_decreased False means no score fell")
    if "followed_up" in card:
        followed = ~np.isnan(columns["followup_weeks"])
        for claim in card:
            if claim.kind == "paired_summary" and tuple(claim.variables) in PAIN_SCORE_PAIRS:
                post = columns[claim.variables[1]]
                outside = int((~np.isnan(post) & ~followed).sum())
                rows.add(claim.key, "post-procedure scores only among followed-up patients", "implied",
                         f"{outside} without follow-up", outside == 0)


# --------------------------------------------------------------------------------------------------------------------
# Spread across reconstructions


@dataclass(frozen=True)
class ReconstructionRange:
    """How an unreported statistic varies across reconstructed cohorts (all consistent with the paper).

    ``quantiles`` maps a probability to the quantile of ``values`` (numpy's default linear definition).
    """

    name: str
    n_cohorts: int
    seed: int
    method: object
    min: float
    max: float
    quantiles: dict = field(repr=False)
    values: tuple = field(repr=False)

    @property
    def median(self) -> float:
        return float(np.median(self.values))

    def __str__(self) -> str:
        q = self.quantiles
        return (f"{self.name}: {self.min:.4g} to {self.max:.4g} across {self.n_cohorts} reconstructions "
                f"(5-95%: {q.get(0.05, float('nan')):.4g} to {q.get(0.95, float('nan')):.4g})")


def reconstruction_range(card, statistic: Callable[[pd.DataFrame], float], n_cohorts: int = 200,
                         seed: int = DEFAULT_SEED, method=None, *, name: str | None = None,
                         probabilities: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95)) -> ReconstructionRange:
    """The range of an unreported statistic (a function cohort -> number) over ``n_cohorts`` reconstructions.

    Every cohort reproduces the paper, so the spread is what the published summaries leave undetermined
    (given this reconstruction's assumptions; see the module docstring). The cohorts come from ``LAW``: the
    uniform law over the distinct joint cohorts (multisets of patient rows) that reproduce every printed number.

    >>> r = reconstruction_range(None, lambda c: c["rest_post"].mean(), n_cohorts=20)
    >>> r.min <= r.median <= r.max
    True
    """
    if not callable(statistic):
        raise ValueError("statistic must be a function taking a cohort DataFrame and returning a number")
    card = _load_card(card)
    cohorts = reconstruct(card, n_cohorts=n_cohorts, seed=seed, method=method)
    values = np.array([float(statistic(c)) for c in cohorts])
    if np.isnan(values).any():
        raise ValueError("the statistic returned NaN for some reconstructed cohorts")
    probabilities = tuple(float(p) for p in probabilities)
    quantiles = {p: float(q) for p, q in zip(probabilities, np.quantile(values, probabilities))}
    label = name or getattr(statistic, "__name__", "statistic")
    return ReconstructionRange(label, int(n_cohorts), _check_seed(seed), cohorts[0].attrs["quantile_method"],
                               float(values.min()), float(values.max()), quantiles, tuple(values.tolist()))


def responder_band(card=None, variables: tuple[str, str] = ("rest_pre", "rest_post"), kind: str = "relative",
                   thresholds=None, n_cohorts: int = 200, seed: int = DEFAULT_SEED, method=None) -> pd.DataFrame:
    """Responder proportion at each threshold across reconstructed cohorts: the band the paper leaves open.

    One row per threshold: ``threshold, min, p05, median, p95, max`` of the proportion of patients whose
    score fell by at least the threshold (``sacro_kit.responder_curve`` on each cohort). Default thresholds:
    0 to 1 by 0.05 (relative) or 0 to 10 by 0.5 points (absolute). At the reported threshold (30 %) every
    cohort gives the reported 22/29; elsewhere the band shows how much the published numbers leave open. The
    cohorts come from ``LAW``: the uniform law over the distinct joint cohorts (multisets of patient rows) that
    reproduce every printed number.

    >>> band = responder_band(n_cohorts=20)
    >>> band.loc[band.threshold == 0.3, ["min", "max"]].round(4).values.tolist()
    [[0.7586, 0.7586]]
    """
    from sacro_kit.stats.responders import responder_curve

    if thresholds is None:
        thresholds = np.arange(0, 21) / 20 if kind == "relative" else np.arange(0, 21) / 2
    grid = np.asarray(thresholds, dtype=float).ravel()
    card = _load_card(card)
    cohorts = reconstruct(card, n_cohorts=n_cohorts, seed=seed, method=method)
    curves = np.array([responder_curve(*_complete(c, variables), kind=kind, thresholds=grid)["proportion"].to_numpy()
                       for c in cohorts])
    band = pd.DataFrame({"threshold": grid, "min": curves.min(axis=0),
                         "p05": np.quantile(curves, 0.05, axis=0), "median": np.median(curves, axis=0),
                         "p95": np.quantile(curves, 0.95, axis=0), "max": curves.max(axis=0)})
    band.attrs.update(variables=tuple(variables), kind=kind, n_cohorts=int(n_cohorts), seed=int(seed),
                      quantile_method=cohorts[0].attrs["quantile_method"])
    return band


def chain_diagnostics(card=None, *, steps: int | None = None, record_every: int = 10, seed: int = DEFAULT_SEED,
                      method=None) -> pd.DataFrame:
    """The mixing diagnostic of the reconstruction chain: autocorrelation times and acceptance rates.

    Runs the chain ``reconstruct`` uses (after its burn-in) for ``steps`` steps (default: 200 kept cohorts' worth),
    recording cheap statistics of the state every ``record_every`` steps -- per paired claim the mean change, the
    count of changes of at least half the baseline and the pre and post sums; the sums of the weeks columns; the
    log of prod(m_r!) -- and returns one row per statistic with its integrated autocorrelation time in steps
    (Sokal's automatic window), the thinning ``reconstruct`` applies, and the effective number of independent
    cohorts per 100 kept (100 * thin / (2 * tau), at most 100). ``attrs["acceptance"]`` holds the acceptance rate
    of every move type.

    >>> table = chain_diagnostics(steps=2000)
    >>> list(table.columns)
    ['statistic', 'autocorrelation_steps', 'thin_steps', 'effective_per_100']
    """
    from sacro_kit._chain import THIN_PER_PATIENT, _autocorrelation_time, chain_statistics, start_chain

    card = _load_card(card)
    plan = _plan(card, method, "up_or_down", None, COUNT_MAX)
    thin = THIN_PER_PATIENT * plan.n_treated
    steps = int(steps if steps is not None else 200 * thin)
    if isinstance(record_every, bool) or not isinstance(record_every, int) or record_every < 1:
        raise ValueError(f"record_every must be a positive integer, got {record_every!r}")
    chain = start_chain(plan, _check_seed(seed))
    records = []
    for _ in range(max(4, steps // record_every)):
        chain.run(record_every)
        records.append(chain_statistics(chain))
    rows = []
    for name in records[0]:
        tau = _autocorrelation_time(np.array([r[name] for r in records])) * record_every
        rows.append((name, float(tau), thin, float(min(100.0, 100 * thin / (2 * tau)))))
    table = pd.DataFrame(rows, columns=["statistic", "autocorrelation_steps", "thin_steps", "effective_per_100"])
    table.attrs["acceptance"] = chain.acceptance()
    return table


# --------------------------------------------------------------------------------------------------------------------
# The shipped CSV


def cohort_csv(cohort: pd.DataFrame) -> str:
    """The cohort as CSV text for ``load_cohort``: schema columns, empty cells for missing, pain_decreased 0/1."""
    from sacro_kit.io.cohort import COHORT_COLUMNS

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(COHORT_COLUMNS))
    for row in cohort[list(COHORT_COLUMNS)].itertuples(index=False):
        cells = []
        for name, value in zip(COHORT_COLUMNS, row):
            column = COHORT_COLUMNS[name]
            if value is pd.NA or value is None:
                cells.append("")
            elif column.type == "boolean":
                cells.append("1" if bool(value) else "0")
            elif column.type == "integer":
                cells.append(str(int(value)))
            elif column.type == "real":
                cells.append(repr(float(value)))
            else:
                cells.append(str(value))
        writer.writerow(cells)
    return buffer.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sacro_kit.forensics.reconstruction --seed 2014 [--out PATH] [--card PATH]``: one cohort.

    The CSV goes to standard output unless ``--out`` names a file: the command never writes over anything by
    default (the shipped cohort is regenerated with ``--out data/cohort_reconstructed.csv``).
    """
    parser = argparse.ArgumentParser(prog="python -m sacro_kit.forensics.reconstruction",
                                     description="Write a reconstructed (not real) patient-level cohort that "
                                                 "reproduces every statistic of a reported card.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--out", type=Path, default=None,
                        help="output CSV file (default: standard output; nothing is written otherwise)")
    parser.add_argument("--card", type=Path, default=None, help="reported card YAML (default: the Dougherty card)")
    parser.add_argument("--method", default=None, help="quantile definition 1-9 or tukey (default: first that fits)")
    args = parser.parse_args(argv)
    method = None if args.method is None else (int(args.method) if args.method.isdigit() else args.method)
    cohort = reconstruct(args.card, n_cohorts=1, seed=args.seed, method=method)[0]
    if args.out is None:
        sys.stdout.write(cohort_csv(cohort))
        sys.stdout.flush()
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(cohort_csv(cohort), encoding="utf-8", newline="")
    print(f"wrote {len(cohort)} reconstructed patients (seed {args.seed}, quantile type "
          f"{cohort.attrs['quantile_method']}) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
