"""Brute-force enumeration of every joint cohort a small card admits (for the sampler-law test and its benchmark).

Independent of ``sacro_kit.forensics.reconstruction``: candidate patient-level data are generated with itertools and
kept when numpy's quantiles, scipy's Wilcoxon test and plain counting reproduce every printed number. Supports the
claims the enumeration cards use: a head count, paired summaries (median and IQR) on integer scales, responders,
directions and a printed p bound. A joint cohort is a **multiset of patient rows**; a row holds, for each paired
block, the patient's (pre, post) or None when the patient is not in that block.
"""

from __future__ import annotations

import itertools
from collections import Counter
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

CARDS = Path(__file__).parent / "data"

_NUMPY = {1: "inverted_cdf", 2: "averaged_inverted_cdf", 3: "closest_observation", 4: "interpolated_inverted_cdf",
          5: "hazen", 6: "weibull", 7: "linear", 8: "median_unbiased", 9: "normal_unbiased"}


def _prints(value: float, printed, decimals: int) -> bool:
    places = max(printed.decimals, decimals)
    return abs(value - printed.value) <= 0.5 * 10.0 ** -places + 1e-9


def _p_ok(p: float, printed) -> bool:
    bound = printed.value
    return {"<": p < bound, "<=": p <= bound, ">": p > bound, ">=": p >= bound}.get(
        printed.relation, abs(p - bound) <= 0.5 * 10.0 ** -printed.decimals + 1e-12)


def _margins(values, n: int, summary, method, decimals: int) -> list[tuple]:
    """Every sorted sample of n lattice values whose Q1, median and Q3 (numpy, ``method``) print as ``summary``."""
    out = []
    for sample in itertools.combinations_with_replacement(values, n):
        q = np.quantile(np.array(sample, float), [0.25, 0.5, 0.75], method=_NUMPY[method])
        if all(_prints(v, t, decimals) for v, t in zip(q, (summary.q1, summary.center, summary.q3))):
            out.append(sample)
    return out


def block_multisets(card, claim, method, decimals: int) -> list[tuple]:
    """Every multiset (sorted tuple) of (pre, post) pairs that reproduces ``claim`` and its linked claims."""
    scale = card.scales[claim.scale]
    values = range(int(scale.min), int(scale.max) + 1)
    linked = [c for c in card if getattr(c, "variables", None) == claim.variables and c is not claim]
    candidates = set()
    posts = _margins(values, claim.n, claim.post, method, decimals)
    for pre_sample in _margins(values, claim.n, claim.pre, method, decimals):
        for post_sample in posts:
            for arrangement in set(itertools.permutations(post_sample)):
                candidates.add(tuple(sorted(zip(pre_sample, arrangement))))
    out = []
    for pairs in sorted(candidates):
        pre = np.array([a for a, _ in pairs], float)
        post = np.array([b for _, b in pairs], float)
        ok = True
        if claim.p is not None:
            d = pre - post
            p = 1.0 if not d.any() else stats.wilcoxon(d, zero_method="wilcox", correction=True,
                                                       method="asymptotic").pvalue
            if not _p_ok(p, claim.p):
                continue
        for other in linked:
            if other.kind == "responders":
                relative = other.threshold_kind == "relative"
                need = Fraction(repr(other.threshold))
                base = [a > 0 or not relative for a, _ in pairs]
                hit = [Fraction(a - b) >= need * (a if relative else 1) for a, b in pairs]
                if sum(base) != other.n or sum(h and b for h, b in zip(hit, base)) != other.k:
                    ok = False
            elif other.kind == "paired_direction":
                counts = (int((post < pre).sum()), int((post == pre).sum()), int((post > pre).sum()))
                if counts != (other.decreased.k, other.unchanged.k, other.increased.k):
                    ok = False
        if ok:
            out.append(pairs)
    return out


def joint_cohorts(card, method, decimals: int = 1) -> tuple[list[str], list[tuple]]:
    """(block keys, every valid joint cohort as a sorted tuple of rows); a row is one entry per block."""
    n = int(card["treated"].n.value)
    blocks = [c for c in card if c.kind == "paired_summary"]
    per_block = [block_multisets(card, c, method, decimals) for c in blocks]
    cohorts: set[tuple] = set()

    def extend(index: int, rows: list[tuple]) -> None:
        if index == len(blocks):
            cohorts.add(tuple(sorted(rows, key=repr)))
            return
        for multiset in per_block[index]:
            column = list(multiset) + [None] * (n - len(multiset))
            # the first block meets empty rows: one arrangement stands for all of them
            arrangements = [tuple(column)] if index == 0 else set(itertools.permutations(column))
            for arrangement in arrangements:
                extend(index + 1, [row + (value,) for row, value in zip(rows, arrangement)])

    extend(0, [()] * n)
    return [c.key for c in blocks], sorted(cohorts, key=repr)


def cohort_key(cohort, card) -> tuple:
    """A reconstructed DataFrame as the same multiset-of-rows key ``joint_cohorts`` returns."""
    blocks = [c for c in card if c.kind == "paired_summary"]
    rows = []
    for _, patient in cohort.iterrows():
        row = []
        for claim in blocks:
            pre, post = (patient[v] for v in claim.variables)
            row.append(None if pd.isna(pre) or pd.isna(post) else (int(pre), int(post)))
        rows.append(tuple(row))
    return tuple(sorted(rows, key=repr))


def total_variation(draws: Counter, support: list) -> float:
    """Total-variation distance between the draws' empirical law and the uniform law on ``support``."""
    total = sum(draws.values())
    outside = sum(k for key, k in draws.items() if key not in set(support))
    inside = sum(abs(draws.get(key, 0) / total - 1 / len(support)) for key in support)
    return 0.5 * (inside + outside / total)


def noise_tv(size: int, draws: int, seed: int = 0, repeats: int = 200) -> np.ndarray:
    """TV distances of ``repeats`` exact uniform samples of ``draws`` from ``size`` cells (the sampling noise)."""
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(draws, np.full(size, 1 / size), size=repeats)
    return 0.5 * np.abs(counts / draws - 1 / size).sum(axis=1)
