"""A first valid cohort: margins drawn exactly, pre and post paired by constrained swaps (the chain's start).

Part of :mod:`sacro_kit.forensics.reconstruction` (the law, the method and the assumptions are documented there).
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from sacro_kit.forensics.reconstruction.planning import (
    _DESCENT,
    _MIXING,
    _PAIR_ATTEMPTS,
    _PATIENCE,
    P_TEST,
    PAIN_SCORE_PAIRS,
    _p_satisfied,
    _PairSpec,
    _Plan,
)


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
    half = 0.5 * 10.0**-decimals
    low = float(stats.norm.isf(min(1.0, value + half) / 2))
    return low, (math.inf if value - half <= 0 else float(stats.norm.isf((value - half) / 2)))


def _histogram_differences(pos, neg, n: int) -> np.ndarray:
    """The differences pre - post of a histogram (``pos[v]`` of +v, ``neg[v]`` of -v) and n - their count zeros."""
    v = np.arange(len(pos))
    d = np.concatenate([np.repeat(v, np.asarray(pos, int)), -np.repeat(v, np.asarray(neg, int))]).astype(float)
    return np.concatenate([d, np.zeros(max(0, n - d.size))])


def _test_p(test: str, d: np.ndarray) -> float | None:
    """p of a named paired test on the differences ``d``, computed as :func:`verify_cohort` computes it (the
    engine's public tests); None where the test refuses (no non-zero difference for the sign test, no spread for
    the t-test)."""
    from sacro_kit.stats.paired import paired_t, sign_test

    zeros = np.zeros_like(d)
    try:
        if test == "sign":
            return float(sign_test(d).pvalue)
        if test == "paired-t":
            p = float(paired_t(d, zeros).pvalue)
            return p if p == p else None
    except ValueError:
        return None
    return _p_value(d, zeros)


def _p_ok(spec: _PairSpec, pre: np.ndarray, post: np.ndarray) -> bool:
    """Whether the pairs' p under the spec's test prints as the card's p (the exact decision)."""
    if spec.test == "wilcoxon":
        return _p_satisfied(_p_value(pre, post), spec.p)
    p = _test_p(spec.test, np.asarray(pre, float) - np.asarray(post, float))
    return p is not None and _p_satisfied(p, spec.p)


@lru_cache(maxsize=4096)
def _histogram_ok(test: str, printed, n: int, histogram: tuple) -> bool:
    """:func:`_p_ok` for the differences of a histogram ``(*pos, *neg)``, cached."""
    half = len(histogram) // 2
    p = _test_p(test, _histogram_differences(histogram[:half], histogram[half:], n))
    return p is not None and _p_satisfied(p, printed)


def _test_statistic(test: str, pos, neg, n: int) -> float:
    """The scalar a test's p falls with (a steering target, and the kernel's window for the t-test): |z| of the
    signed-rank test, |z| of the sign test's normal approximation, |t| of the paired t-test (0 without spread)."""
    if test == "wilcoxon":
        return _signed_rank_z(pos, neg)
    if test == "sign":
        up, down = sum(pos[1:]), sum(neg[1:])
        return abs(up - down) / math.sqrt(up + down) if up + down else 0.0
    s1 = sum(v * (pos[v] - neg[v]) for v in range(1, len(pos)))
    s2 = sum(v * v * (pos[v] + neg[v]) for v in range(1, len(pos)))
    if n < 2:
        return 0.0
    var = (s2 - s1 * s1 / n) / (n - 1)
    return abs(s1 / n) / math.sqrt(var / n) if var > 0 else (math.inf if s1 else 0.0)


def _test_window(test: str, printed, n: int) -> tuple[float, float]:
    """The range of :func:`_test_statistic` whose p can print as ``printed`` (normal or t approximation: a target
    for steering and the kernel's fast path only; the decision is exact)."""
    if test != "paired-t":
        return _z_window(printed)
    value = float(Decimal(printed.text.lstrip("<>=≤≥ ")))
    df = max(n - 1, 1)
    if printed.relation in ("<", "<="):
        return float(stats.t.isf(value / 2, df)), math.inf
    if printed.relation in (">", ">="):
        return 0.0, float(stats.t.isf(value / 2, df))
    half = 0.5 * 10.0**-printed.decimals
    low = float(stats.t.isf(min(1.0, value + half) / 2, df))
    return low, (math.inf if value - half <= 0 else float(stats.t.isf((value - half) / 2, df)))


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
    return [
        [
            (
                int(count_r and (a - b) * den >= num * (a if kind == "relative" else 1)),
                int(count_d and b < a),
                int(count_d and b == a),
                int(count_d and b > a),
                abs(a - b),
                a > b,
            )
            for b in range(top)
        ]
        for a in range(top)
    ]


def _pair(
    pre: np.ndarray, post_sorted: np.ndarray, spec: _PairSpec, rng: np.random.Generator, shuffle: bool = True
) -> tuple[np.ndarray, float] | None:
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
    w0, w1, w2 = spec.direction if spec.direction is not None else (0, 0, 0)
    codes = [code[a][b] for a, b in zip(pre_i, post_i)]
    resp = sum(c[0] for c in codes)
    d0, d1, d2 = (sum(c[k] for c in codes) for k in (1, 2, 3))
    pos = [0] * top
    neg = [0] * top
    for c in codes:
        if c[4]:
            (pos if c[5] else neg)[c[4]] += 1
    steer = spec.p is not None
    named = steer and spec.test != "wilcoxon"
    if named:
        z_low, z_high = _test_window(spec.test, spec.p, n)
    else:
        z_low, z_high = _z_window(spec.p) if steer else (0.0, math.inf)
    seen: dict[tuple, float] = {}

    def z_gap() -> float:
        state = (*pos, *neg)
        gap = seen.get(state)
        if gap is None:
            if named:  # another test: steered by its statistic, decided exactly
                z = _test_statistic(spec.test, pos, neg, n)
                gap = z_low - z if z < z_low else (z - z_high if z > z_high else 0.0)
                gap = seen[state] = 0.0 if _histogram_ok(spec.test, spec.p, n, state) else max(gap, 1e-6)
                return gap
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
    if named:
        return np.array(post_i, dtype=float), _test_statistic(spec.test, pos, neg, n)
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
    data = {
        name: np.full(n, np.nan)
        for name in (
            "pain_weeks",
            "followup_weeks",
            "rest_pre",
            "rest_post",
            "activity_pre",
            "activity_post",
            "opioids_pre",
            "opioids_post",
        )
    }
    everyone = np.arange(n)
    followed = np.sort(rng.permutation(n)[: plan.n_followed]) if plan.n_followed is not None else everyone
    if plan.followup is not None:
        data["followup_weeks"][followed] = rng.permutation(plan.followup.sample(rng))
    if plan.pain is not None:
        members = everyone if plan.pain_n == n else np.sort(rng.permutation(n)[: plan.pain_n])
        data["pain_weeks"][members] = rng.permutation(plan.pain.sample(rng))
    for spec in plan.pairs:
        first, second = spec.variables
        for name in spec.variables:  # score columns of time points beyond the cohort schema
            data.setdefault(name, np.full(n, np.nan))
        drawn = [not np.all(np.isnan(data[name])) for name in spec.variables]
        if any(drawn):  # a block sharing a column with a block drawn before (time points of one outcome)
            paired = _pair_to_drawn(data, spec, drawn, rng)
            if paired is None:
                return None
            members, pre, post = paired
        else:
            pool = everyone if spec.pool == "treated" else followed
            members = np.sort(rng.permutation(pool)[: spec.n])
            # a pair's margins and pairing depend on nothing else drawn here, so redrawing them alone is the
            # same as redrawing the whole cohort
            for _ in range(_PAIR_ATTEMPTS):
                pre = rng.permutation(spec.pre.sample(rng))
                paired = _pair(pre, spec.post.sample(rng), spec, rng)
                if paired is None:
                    continue
                post, z = paired
                if _paired_ok(spec, pre, post, z):
                    break
            else:
                return None
        data[first][members] = pre
        data[second][members] = post

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
        descriptive = rng.permutation(others)[: k - score_down.size]
        decreased[members] = 0.0
        decreased[score_down] = 1.0
        decreased[descriptive] = 1.0
    return _frame(data, decreased)


def _paired_ok(spec: _PairSpec, pre: np.ndarray, post: np.ndarray, z: float) -> bool:
    """Whether paired values print the spec's p (no p: True); |z| steers, the exact decision is scipy's."""
    if spec.p is None:
        return True
    if spec.test != "wilcoxon":
        return _p_ok(spec, pre, post)
    low, high = _z_window(spec.p)
    # clearly inside the window the normal p is certainly right; near its edge scipy decides
    return low + 1e-9 < z < high - 1e-9 or _p_satisfied(_p_value(pre, post), spec.p)


def _mirrored(spec: _PairSpec) -> _PairSpec:
    """The block read backwards (post as the baseline): the same two-sided tests, directions swapped."""
    from dataclasses import replace

    direction = None if spec.direction is None else spec.direction[::-1]
    return replace(spec, pre=spec.post, post=spec.pre, direction=direction)


def _pair_to_drawn(data: dict, spec: _PairSpec, drawn: list[bool], rng: np.random.Generator):
    """A block one of whose columns was drawn by an earlier block: its other column's margin drawn and paired to the
    drawn values by :func:`_pair` (post to pre; pre to post backwards when only the post column is drawn, which needs
    no responders). Both drawn (tests forming a cycle of time points): the pairing is checked as it is. Returns
    (members, pre, post) or None when this attempt fails (the caller draws the cohort again)."""
    column = data[spec.variables[0] if drawn[0] else spec.variables[1]]
    members = np.flatnonzero(~np.isnan(column))
    if members.size != spec.n:
        return None
    if all(drawn):
        pre, post = (data[name][members] for name in spec.variables)
        ok = _pair_codes(pre, post, spec)
        if spec.responder is not None and int(ok[0].sum()) != spec.responder[2]:
            return None
        if spec.direction is not None and tuple(np.bincount(ok[1], minlength=3)) != spec.direction:
            return None
        if spec.p is not None and not _p_ok(spec, pre, post):
            return None
        return members, pre, post
    if not drawn[0] and spec.responder is not None:
        return None
    fixed = column[members]
    block = spec if drawn[0] else _mirrored(spec)
    for _ in range(_PAIR_ATTEMPTS):
        paired = _pair(fixed, block.post.sample(rng), block, rng)
        if paired is None:
            continue
        other, z = paired
        pre, post = (fixed, other) if drawn[0] else (other, fixed)
        if _paired_ok(spec, pre, post, z):
            return members, pre, post
    return None


def _frame(data: dict[str, np.ndarray], decreased: np.ndarray) -> pd.DataFrame:
    """The cohort in the loader schema: nullable dtypes, NaN drawn as <NA>; score columns of time points beyond the
    schema (outcomes at several time points) follow its columns, as nullable integers."""
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
    for name, values in data.items():
        if name not in COHORT_COLUMNS:
            columns[name] = pd.arrays.IntegerArray(np.nan_to_num(values).astype("int64"), np.isnan(values))
    extra = [name for name in data if name not in COHORT_COLUMNS]
    return pd.DataFrame({name: columns[name] for name in [*COHORT_COLUMNS, *extra]})


@lru_cache(maxsize=8)
def _patient_ids(n: int):
    """R01..Rnn (zero-padded to the width of n, at least two digits)."""
    width = max(2, len(str(n)))
    return pd.array([f"R{i + 1:0{width}d}" for i in range(n)], dtype="string")
