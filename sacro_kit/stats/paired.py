"""Paired tests and estimates for pre/post data: Wilcoxon signed-rank, Hodges-Lehmann, sign test, paired t.

The tests are scipy's, except one scipy does not have: the exact signed-rank test *conditional on ties
and zeros* (:func:`exact_signed_rank_p`, ``wilcoxon(method="exact")`` on tied data), by dynamic
programming over doubled mid-ranks, equal to R's coin and exactRankTests. Around them this module adds
what a re-analysis needs: missing pairs counted (never dropped silently), zero differences counted, the
method and null distribution actually used, signed-rank sums R+ and R-, the Hodges-Lehmann estimate with
its confidence interval (R's ``wilcox.test(conf.int = TRUE)``; with ties exactRankTests' exact
``wilcox.exact``), computed by counting or selection over the Walsh averages so that 10^6 pairs stay cheap,
and the smallest p-value a test can produce with n pairs -- the check behind "p < 0.0001 cannot come
from 13 pairs".

Conventions. ``d = x - y - mu``; with ``x = pre`` and ``y = post`` a positive difference is a
decrease. Differences are rounded to ``decimals`` places (default 9) before ranking, as the scipy
documentation advises, so that ``1.83 - 0.878`` and ``0.952`` tie when they should; pass
``decimals=None`` to rank the raw floating-point differences.

References
----------
Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bulletin 1945;1(6):80-83. doi:10.2307/3001968
Pratt JW. Remarks on zeros and ties in the Wilcoxon signed rank procedures. JASA 1959;54:655-667.
doi:10.1080/01621459.1959.10501526
Hodges JL, Lehmann EL. Estimates of location based on rank tests. Ann Math Stat 1963;34:598-611.
doi:10.1214/aoms/1177704172
Bauer DF. Constructing confidence sets using rank statistics. JASA 1972;67:687-690.
doi:10.1080/01621459.1972.10481279
Streitberg B, Roehmel J. Exact distributions for permutations and rank tests: an introduction to some recently
published algorithms. Statistical Software Newsletter 1986;12(1):10-17 (the shift algorithm).
Monahan JF. Algorithm 616: fast computation of the Hodges-Lehmann location estimator. ACM TOMS 1984;10(3):265-270.
doi:10.1145/1271.319414
Hothorn T, Hornik K, van de Wiel MA, Zeileis A. A Lego system for conditional inference. Am Stat 2006;60(3):257-263.
doi:10.1198/000313006X118430 (coin); Hothorn T, Hornik K. exactRankTests: exact distributions for rank and
permutation tests, R package 0.8-35.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from sacro_kit._results import Result

_ALTERNATIVES = ("two-sided", "greater", "less")
_ZERO_METHODS = ("wilcox", "pratt", "zsplit")
_WILCOXON_METHODS = ("auto", "exact", "asymptotic")
_HL_METHODS = ("auto", "exact", "asymptotic")
#: R's rule (wilcox.test, exact = NULL): exact signed-rank inference only below this many differences.
_R_EXACT_LIMIT = 50


# --------------------------------------------------------------------------------------------
# input handling


def _choice(value: str, allowed: tuple[str, ...], name: str) -> str:
    if not isinstance(value, str) or value.lower() not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(repr(a) for a in allowed)}; got {value!r}")
    return value.lower()


def _vector(values, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        arr = None
    if arr is None:  # pd.NA inside a list or an object array: None, NaN and pd.NA all mean missing
        try:
            arr = pd.array(values if np.ndim(values) else [values], dtype="Float64").to_numpy(
                dtype=float, na_value=np.nan
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be numeric (None, NaN or pd.NA mark a missing value)") from exc
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite values")
    return arr


def _differences(x, y, mu: float, decimals: int | None) -> tuple[np.ndarray, int]:
    """Complete-pair differences ``x - y - mu`` (rounded) and the number of incomplete pairs."""
    if not np.isfinite(mu):
        raise ValueError(f"mu must be a finite number, got {mu!r}")
    xs = _vector(x, "x")
    if y is None:
        complete = ~np.isnan(xs)
        d = xs[complete] - mu
    else:
        ys = _vector(y, "y")
        if xs.shape != ys.shape:
            raise ValueError(f"x and y must pair up: got {xs.size} and {ys.size} values")
        complete = ~(np.isnan(xs) | np.isnan(ys))
        d = xs[complete] - ys[complete] - mu
    if decimals is not None:
        d = np.round(d, decimals)
    # -0.0 and 0.0 are the same zero difference
    d = d + 0.0
    return d, int(complete.size - complete.sum())


def _alternative(value: str) -> str:
    """``alternative`` normalised; R's spelling "two.sided" is accepted."""
    if isinstance(value, str) and value.lower() == "two.sided":
        return "two-sided"
    return _choice(value, _ALTERNATIVES, "alternative")


def _no_pairs_error(n_missing: int) -> ValueError:
    return ValueError(
        f"no complete pairs: all {n_missing} pairs have a missing value" if n_missing else "no pairs: x is empty"
    )


# --------------------------------------------------------------------------------------------
# exact null distribution of the signed-rank statistic (needed for the Hodges-Lehmann interval)


@lru_cache(maxsize=64)
def _signrank_cdf(n: int) -> np.ndarray:
    """P(V <= v), v = 0..n(n+1)/2, for the signed-rank statistic V of n untied non-zero differences.

    Generating function prod_i (1 + t^i) / 2 (Wilcoxon 1945), built one rank at a time.
    scipy exposes this distribution only through ``scipy.stats.wilcoxon`` p-values; the tests
    check this table against them.
    """
    pmf = np.zeros(n * (n + 1) // 2 + 1)
    pmf[0] = 1.0
    top = 0
    for i in range(1, n + 1):
        pmf[i : top + i + 1] = 0.5 * (pmf[i : top + i + 1] + pmf[: top + 1].copy())
        pmf[:i] *= 0.5
        top += i
    cdf = np.cumsum(pmf)
    cdf.setflags(write=False)
    return cdf


def _qsignrank(prob: float, n: int) -> int:
    """R's ``qsignrank(prob, n)``: the smallest v with P(V <= v) >= prob (tolerant to rounding)."""
    cdf = _signrank_cdf(n)
    return int(np.searchsorted(cdf, prob * (1 - 64 * np.finfo(float).eps), side="left"))


# --------------------------------------------------------------------------------------------
# exact conditional null distribution with ties and zeros (doubled mid-ranks)


#: The exact conditional distribution costs O(n^3) operations (n vector updates of length <= n(n+1)).
_EXACT_CONDITIONAL_LIMIT = 2000


def _doubled_midranks(values: np.ndarray) -> np.ndarray:
    """2 x the mid-ranks of ``values`` (as ``rank()`` in R, ties averaged), as exact int64."""
    uniq, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    before = np.cumsum(counts) - counts
    return (2 * before + counts + 1)[inverse.ravel()].astype(np.int64)


def _signed_rank_scores(d: np.ndarray, zero_method: str) -> tuple[np.ndarray, int, int]:
    """(doubled scores of the non-zero differences, doubled R+, doubled constant from zeros).

    ``wilcox``: mid-ranks of ``|d|`` among the non-zero differences (zeros dropped first).
    ``pratt`` and ``zsplit``: mid-ranks of ``|d|`` among all differences, zeros included, then the zeros'
    ranks are set aside (Pratt 1959; coin's ``zero.method = "Pratt"``); zsplit adds half of them to R+,
    a constant that shifts the statistic and leaves every p-value equal to Pratt's.
    """
    nonzero = d != 0
    if zero_method == "wilcox":
        scores = _doubled_midranks(np.abs(d[nonzero]))
        signs = d[nonzero] > 0
        const = 0
    else:
        ranks2 = _doubled_midranks(np.abs(d))
        scores = ranks2[nonzero]
        signs = d[nonzero] > 0
        const = int(ranks2[~nonzero].sum()) // 2 if zero_method == "zsplit" else 0
    return scores, int(scores[signs].sum()), const


@lru_cache(maxsize=32)
def _conditional_cdf_cached(scores_key: bytes) -> np.ndarray:
    scores = np.frombuffer(scores_key, dtype=np.int64)
    total = int(scores.sum())
    pmf = np.zeros(total + 1)
    pmf[0] = 1.0
    top = 0
    for s in np.sort(scores):
        s = int(s)
        # multiply the generating function by (1 + t^s) / 2
        pmf[s : top + s + 1] += pmf[: top + 1].copy()
        pmf[: top + s + 1] *= 0.5
        top += s
    cdf = np.cumsum(pmf)
    cdf.setflags(write=False)
    return cdf


def _conditional_cdf(scores2: np.ndarray) -> np.ndarray:
    """P(T <= t), t = 0..sum(scores2), for T = sum of the scores whose sign is + under the symmetry null.

    Each non-zero difference is + or - with probability 1/2 independently, conditionally on its
    ``|d|`` (Pratt 1959): the generating function is prod_i (1 + t^(s_i)) / 2 over the doubled mid-rank
    scores s_i (integers), built one score at a time -- the dynamic programme behind the shift algorithm
    of Streitberg & Roehmel (1986) that coin's ``exact()`` and exactRankTests' ``cperm`` use.
    """
    if scores2.size > _EXACT_CONDITIONAL_LIMIT:
        raise ValueError(
            f"the exact conditional signed-rank distribution is limited to {_EXACT_CONDITIONAL_LIMIT} "
            f"non-zero differences (got {scores2.size}); use method='asymptotic'"
        )
    return _conditional_cdf_cached(np.ascontiguousarray(np.sort(scores2), dtype=np.int64).tobytes())


def _conditional_pvalue(cdf: np.ndarray, t2: int, alternative: str) -> float:
    """Exact p-value of the doubled statistic t2 (coin's and exactRankTests' definitions).

    less: P(T <= t); greater: P(T >= t) = P(T <= S - t) by symmetry; two-sided: P(|T - S/2| >= |t - S/2|)
    = 2 P(T <= min(t, S - t)), and 1 at the centre (coin ``pvalue``; ``exactRankTests::pperm``).
    """
    total = cdf.size - 1
    if alternative == "less":
        return float(min(1.0, cdf[t2]))
    if alternative == "greater":
        return float(min(1.0, cdf[total - t2]))
    if 2 * t2 == total:
        return 1.0
    return float(min(1.0, 2.0 * cdf[min(t2, total - t2)]))


def exact_signed_rank_p(d, *, zero_method: str = "wilcox", alternative: str = "two-sided") -> float:
    """Exact conditional p-value of the Wilcoxon signed-rank test of the differences ``d``, ties and zeros allowed.

    Conditional on the observed ``|d|`` (mid-ranks for ties), the 2^n sign patterns are equally likely under
    the null of a distribution symmetric about 0; this is their exact distribution, by dynamic programming
    over doubled mid-ranks (polynomial: about n^3/2 additions; n = 57 takes well under a millisecond).
    It equals coin's ``wilcoxsign_test(..., distribution = "exact")`` (``zero_method="pratt"`` is coin's
    default "Pratt", ``"wilcox"`` its "Wilcoxon") and ``exactRankTests::wilcox.exact(..., paired = TRUE)``
    (zeros dropped, i.e. ``"wilcox"``). Without ties or zeros it is the classical exact signed-rank test.
    ``"zsplit"`` gives Pratt's p-values (its zero half-ranks are a constant). Missing values (NaN) are
    dropped. This is the function the consistency checks and reconstruction call for an "exact" p.

    Parameters
    ----------
    d : array_like
        The paired differences; NaN means missing (dropped). Zeros and ties are allowed.
    zero_method : {"wilcox", "pratt", "zsplit"}, default "wilcox"
        How zero differences enter the ranking (scipy's names).
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        R's "two.sided" is accepted.

    Returns
    -------
    float
        The exact conditional p-value.

    References
    ----------
    Hothorn T, Hornik K (2002). exactRankTests: exact distributions for rank and permutation tests (``wilcox.exact``);
    Hothorn T et al. (2008). Implementing a class of permutation tests: the coin package. J Stat Softw 28(8).
    The examples' values are coin's ``wilcoxsign_test(distribution = "exact")`` (p = 1) and ``wilcox.exact``
    (p = 0.625), frozen in ``tests/reference/r_wilcoxon.json``.

    Examples
    --------
    >>> exact_signed_rank_p([0] * 20 + [-2, -1, 1, 1, 1], zero_method="pratt")
    1.0
    >>> exact_signed_rank_p([0] * 20 + [-2, -1, 1, 1, 1], alternative="greater")
    0.625
    """
    zero_method = _choice(zero_method, _ZERO_METHODS, "zero_method")
    alternative = _alternative(alternative)
    arr = _vector(d, "d")
    arr = arr[~np.isnan(arr)] + 0.0
    if not (arr != 0).any():
        raise ValueError(f"all {arr.size} differences are zero (or missing): the signed-rank test has no signs to test")
    scores2, t2, _ = _signed_rank_scores(arr, zero_method)
    return _conditional_pvalue(_conditional_cdf(scores2), t2, alternative)


def _conditional_quantile(cdf: np.ndarray, prob: float) -> int:
    """exactRankTests' ``qperm`` in doubled units: the smallest t with P(T <= t) >= prob."""
    return int(np.searchsorted(cdf, prob, side="left"))


def _walsh_doubled_w(walsh_values: np.ndarray, walsh_counts: np.ndarray, d_sorted: np.ndarray) -> np.ndarray:
    """2 x the signed-rank statistic of d - D at each distinct Walsh average D (mid-ranks, zeros ranked).

    This is exactRankTests' ``sum(rank(abs(x - D))[x - D > 0])``, which the identity
    W+(D) = #{Walsh > D} + #{Walsh = D}/2 - z(z + 1)/4 (z = #{d_i = D}) gives without re-ranking;
    it is non-increasing in D.
    """
    above = walsh_counts[::-1].cumsum()[::-1] - walsh_counts  # #{Walsh > D}
    z = np.searchsorted(d_sorted, walsh_values, side="right") - np.searchsorted(d_sorted, walsh_values, side="left")
    return 2 * above + walsh_counts - z * (z + 1) // 2


def _walsh_distinct(d_sorted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct Walsh averages (d_i + d_j)/2, i <= j, ascending, with their multiplicities (int64)."""
    values, counts = np.unique(d_sorted, return_counts=True)
    if values.size <= _DISTINCT_LIMIT:
        i, j = np.triu_indices(values.size)
        avg = (values[i] + values[j]) / 2.0
        weight = np.where(i == j, counts[i] * (counts[i] + 1) // 2, counts[i] * counts[j]).astype(np.int64)
    else:
        i, j = np.triu_indices(d_sorted.size)
        avg = (d_sorted[i] + d_sorted[j]) / 2.0
        weight = np.ones(avg.size, dtype=np.int64)
    order = np.argsort(avg, kind="stable")
    avg, weight = avg[order], weight[order]
    uniq, start = np.unique(avg, return_index=True)
    return uniq, np.add.reduceat(weight, start)


def _hl_exact_conditional(
    d_nonzero: np.ndarray, conf_level: float, alternative: str
) -> tuple[float, float, float, float]:
    """exactRankTests' ``wilcox.exact(x, conf.int = TRUE)`` exact branch, ties allowed: (estimate, low, high, level).

    With d the non-zero differences, r their mid-ranks and w(D) the signed-rank statistic of d - D:
    upper = min{Walsh D : w(D) <= qperm(alpha/2)} (the largest Walsh average if none is below),
    lower = max{Walsh D : w(D) > qperm(1 - alpha/2)} (the smallest if none), the estimate the mean of
    min{D : w(D) <= ceiling(sum(r)/2)} and max{D : w(D) > sum(r)/2} -- where one of those sets is empty (R
    then returns -Inf or Inf with a warning, e.g. for d = 1, 1, 2) the Walsh median instead. That estimate is
    R's, not the Walsh median, and with ties it need not change sign exactly when d does (R:
    ``wilcox.exact(c(-1, -1, -2), conf.int = TRUE)`` gives -1.25). Without ties this is Bauer's (1972)
    interval [W_(q), W_(N+1-q)] and the Walsh median.
    """
    d_sorted = np.sort(d_nonzero)
    n = d_sorted.size
    scores2 = _doubled_midranks(np.abs(d_sorted))
    cdf = _conditional_cdf(scores2)
    if np.unique(scores2).size == n:
        return _hl_exact_untied(d_sorted, cdf, conf_level, alternative)
    values, counts = _walsh_distinct(d_sorted)
    w2 = _walsh_doubled_w(values, counts, d_sorted)  # non-increasing along values
    neg = -w2  # non-decreasing, for searchsorted

    def first_le(c2: float) -> int:  # index of min{D : w2(D) <= c2}, or of max(D) when c2 <= min(w2) (as R)
        return values.size - 1 if c2 <= w2[-1] else int(np.searchsorted(neg, -c2, side="left"))

    def last_gt(c2: float) -> int:  # index of max{D : w2(D) > c2}, or of min(D) when c2 >= max(w2) (as R)
        return 0 if c2 >= w2[0] else int(np.searchsorted(neg, -c2, side="left")) - 1

    alpha = 1.0 - conf_level
    total = cdf.size - 1  # = n(n+1)
    low, high, achieved_tail = -math.inf, math.inf, 0.0
    # coverage: the sign patterns whose statistic would put the true shift beyond each bound
    if alternative in ("two-sided", "less"):
        k = first_le(_conditional_quantile(cdf, alpha / 2 if alternative == "two-sided" else alpha))
        high = float(values[k])
        achieved_tail += float(cdf[w2[k] - 1]) if w2[k] >= 1 else 0.0
    if alternative in ("two-sided", "greater"):
        k = last_gt(_conditional_quantile(cdf, 1 - alpha / 2 if alternative == "two-sided" else 1 - alpha))
        low = float(values[k])
        achieved_tail += 1.0 - float(cdf[w2[k] - 1])
    c_low, c_high = 2 * math.ceil(total / 4), total / 2
    if c_low < w2[-1] or c_high >= w2[0]:
        # R's min()/max() over an empty set: wilcox.exact returns -Inf/Inf with a warning; use the Walsh median
        cum = np.cumsum(counts)
        n_walsh = int(cum[-1])
        mids = [n_walsh // 2 + 1] if n_walsh % 2 else [n_walsh // 2, n_walsh // 2 + 1]
        estimate = float(np.mean(values[np.searchsorted(cum, mids, side="left")]))
    else:
        estimate = (float(values[first_le(c_low)]) + float(values[last_gt(c_high)])) / 2
    return estimate, low, high, 1.0 - achieved_tail


def _hl_exact_untied(
    d_sorted: np.ndarray, cdf: np.ndarray, conf_level: float, alternative: str
) -> tuple[float, float, float, float]:
    """``wilcox.exact``'s untied branch: statistic N..1 by position in the sorted Walsh averages (Bauer 1972).

    upper = W_(N+1-qu), lower = W_(N-ql), with the widest bounds when qu < 1 or ql >= N; the estimate
    is the Walsh median. Positions, not values: equal Walsh averages are not merged (as R).
    """
    n = d_sorted.size
    n_walsh = n * (n + 1) // 2
    alpha = 1.0 - conf_level
    wanted: dict[str, int] = {}
    tail = 0.0
    if alternative in ("two-sided", "less"):
        qu = _conditional_quantile(cdf, alpha / 2 if alternative == "two-sided" else alpha) // 2
        k = n_walsh if qu <= 1 else n_walsh + 1 - qu
        wanted["high"] = k
        tail += float(cdf[2 * (n_walsh + 1 - k) - 1])  # P(V < w) with w = N + 1 - k
    if alternative in ("two-sided", "greater"):
        ql = _conditional_quantile(cdf, 1 - alpha / 2 if alternative == "two-sided" else 1 - alpha) // 2
        k = 1 if ql >= n_walsh else n_walsh - ql
        wanted["low"] = k
        tail += 1.0 - float(cdf[2 * (n_walsh + 1 - k) - 1])  # P(V >= w)
    half = n_walsh // 2
    mids = [half + 1] if n_walsh % 2 else [half, half + 1]
    got = _walsh_order_statistics(d_sorted, list(wanted.values()) + mids)
    found = dict(zip(wanted, got))
    estimate = got[-1] if n_walsh % 2 else float(np.mean(got[-2:]))
    return estimate, found.get("low", -math.inf), found.get("high", math.inf), 1.0 - tail


#: Below this many distinct values the Walsh averages are counted by value pairs (integer scores).
_DISTINCT_LIMIT = 1500


# --------------------------------------------------------------------------------------------
# Hodges-Lehmann estimate and Walsh-average confidence interval


@dataclass(frozen=True, repr=False)
class HodgesLehmann(Result):
    """Hodges-Lehmann (pseudo)median of the differences with its signed-rank confidence interval.

    ``n`` counts the non-zero differences used; ``method`` is "exact" (exactRankTests' exact interval,
    conditional on the mid-ranks when there are ties) or "asymptotic". ``achieved_conf_level`` is the
    coverage the chosen Walsh averages have under the signed-rank distribution used (>= ``conf_level``
    unless n is too small: then the interval is the widest the Walsh averages give, [min, max], as R's
    exact branch and ``wilcox.exact`` return it, and a RuntimeWarning says so).
    """

    _unpack: ClassVar[tuple[str, ...]] = ("estimate", "ci_low", "ci_high")

    estimate: float
    ci_low: float
    ci_high: float
    conf_level: float
    n: int
    method: str
    alternative: str = "two-sided"
    achieved_conf_level: float = float("nan")
    n_zero: int = 0
    n_missing: int = 0


#: Up to this many differences the Walsh averages are materialised and sorted; above, they are selected.
_WALSH_SORT_LIMIT = 2000
#: The exact signed-rank table costs O(n^3) time; beyond this n use the normal approximation.
_EXACT_TABLE_LIMIT = 1000


def _walsh_order_statistics(
    d: np.ndarray, ranks: list[int], value_counts: tuple[np.ndarray, np.ndarray] | None = None
) -> list[float]:
    """The Walsh averages of ascending ``d`` at 1-based ``ranks``, without building all n(n+1)/2 of them.

    Few distinct values (integer scores: at most ``_DISTINCT_LIMIT``): the averages of every pair of
    distinct values, weighted by how many pairs of differences give them, then cumulative counts --
    exact and O(K^2) for K distinct values, whatever n. Otherwise up to ``_WALSH_SORT_LIMIT`` differences
    the averages are sorted (the tests' reference); above, :func:`sacro_kit.stats._walsh.select` finds them
    by exact O(n) counting and a narrowing bracket (compiled; imported only here).
    """
    values, counts = _value_counts(d) if value_counts is None else value_counts
    if values.size <= _DISTINCT_LIMIT:
        i, j = np.triu_indices(values.size)
        avg = (values[i] + values[j]) / 2.0
        weight = np.where(i == j, counts[i] * (counts[i] + 1) // 2, counts[i] * counts[j]).astype(np.int64)
        order = np.argsort(avg, kind="stable")
        cum = np.cumsum(weight[order])
        pos = np.searchsorted(cum, np.asarray(ranks, dtype=np.int64), side="left")
        return [float(avg[order][k]) for k in pos]
    d = np.sort(d)
    if d.size <= _WALSH_SORT_LIMIT:
        i, j = np.triu_indices(d.size)
        walsh = np.sort((d[i] + d[j]) / 2.0)
        return [float(walsh[r - 1]) for r in ranks]
    from sacro_kit.stats import _walsh  # numba: paid for only by samples this large

    out = _walsh.select(d, list(ranks))
    return [out[r] for r in ranks]


def _walsh_median(d: np.ndarray) -> float:
    n_walsh = d.size * (d.size + 1) // 2
    if n_walsh % 2:
        return _walsh_order_statistics(d, [(n_walsh + 1) // 2])[0]
    a, b = _walsh_order_statistics(d, [n_walsh // 2, n_walsh // 2 + 1])
    return float(np.mean([a, b]))  # as np.median of the sorted averages


def _hl_from_differences(
    d_nonzero: np.ndarray,
    *,
    ties: bool,
    zeros: bool,
    conf_level: float,
    method: str,
    alternative: str,
    warn: bool = True,
    stacklevel: int = 3,
    value_counts: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[float, float, float, str, float]:
    """(estimate, low, high, method used, achieved level) from non-zero differences.

    ``exact``: exactRankTests' ``wilcox.exact`` interval, exact conditionally on the mid-ranks when
    there are ties (and Bauer's interval without them). ``asymptotic``: Bauer's order-statistic rule
    with the continuity-corrected normal approximation to the untied signed-rank distribution.
    ``auto``: R's ``wilcox.test`` rule, exact for n < 50 without ties or zeros.
    """
    n = d_nonzero.size
    if method == "auto":
        method = "exact" if (n < _R_EXACT_LIMIT and not ties and not zeros) else "asymptotic"
    alpha = 1.0 - conf_level
    tail = alpha / 2 if alternative == "two-sided" else alpha
    if method == "exact":
        estimate, low, high, achieved = _hl_exact_conditional(d_nonzero, conf_level, alternative)
        degenerate = achieved < conf_level - 1e-12
    else:
        if value_counts is None:
            value_counts = _value_counts(d_nonzero)
        n_walsh = n * (n + 1) // 2
        mean = n * (n + 1) / 4.0
        sd = math.sqrt(n * (n + 1) * (2 * n + 1) / 24.0)
        # the exact rule with P(V <= v) replaced by its continuity-corrected normal approximation
        q = max(0, math.ceil(mean + sd * stats.norm.ppf(tail) - 0.5))
        degenerate = q < 1
        q = max(q, 1)  # too few pairs: the outermost Walsh averages
        one_tail = float(stats.norm.cdf((q - 1 + 0.5 - mean) / sd)) if q >= 1 else 0.0
        achieved = 1.0 - (2 * one_tail if alternative == "two-sided" else one_tail)
        half = n_walsh // 2
        wanted = [q, n_walsh + 1 - q] + ([half + 1] if n_walsh % 2 else [half, half + 1])
        stats_at = _walsh_order_statistics(d_nonzero, wanted, value_counts=value_counts)
        low, high = stats_at[0], stats_at[1]
        estimate = stats_at[2] if n_walsh % 2 else float(np.mean(stats_at[2:]))
        if alternative == "greater":
            high = math.inf
        elif alternative == "less":
            low = -math.inf
    if warn and degenerate:
        warnings.warn(
            f"requested conf_level {conf_level} is not achievable with {n} non-zero differences: the "
            f"interval is the widest the Walsh averages give (coverage {achieved:.4g})",
            RuntimeWarning,
            stacklevel=stacklevel,
        )
    return estimate, low, high, method, achieved


def _check_conf_level(conf_level: float) -> float:
    if not (isinstance(conf_level, (int, float, np.floating)) and 0 < conf_level < 1):
        raise ValueError(f"conf_level must lie strictly between 0 and 1, got {conf_level!r}")
    return float(conf_level)


def hodges_lehmann(
    x,
    y=None,
    *,
    conf_level: float = 0.95,
    method: str = "auto",
    alternative: str = "two-sided",
    decimals: int | None = 9,
) -> HodgesLehmann:
    """Hodges-Lehmann estimate of the location of ``x - y`` and its signed-rank confidence interval.

    The estimate is the median of the n(n+1)/2 Walsh averages (d_i + d_j)/2, i <= j (Hodges &
    Lehmann 1963). The interval is [W_(q), W_(N+1-q)] in the sorted Walsh averages with q the
    signed-rank critical value ``qsignrank(alpha/2, n)`` (Bauer 1972) -- exactly what R's
    ``wilcox.test(x, y, paired = TRUE, conf.int = TRUE)`` reports in its exact case.

    Zeros and ties. Zero differences are removed first, as R removes them; ``n`` counts the
    rest and ``n_zero`` the removed. ``method="exact"`` inverts the exact signed-rank test *conditional
    on the mid-ranks*, for any n up to 2000: exactly ``exactRankTests::wilcox.exact(x, y, paired = TRUE,
    conf.int = TRUE)``, whose estimate with ties is the mean of the first Walsh average whose statistic is
    at most ``ceiling(sum(r)/2)`` and the last whose statistic exceeds ``sum(r)/2`` (the Walsh median
    without ties). ``"asymptotic"`` uses Bauer's order-statistic rule with the continuity-corrected normal
    approximation to the untied signed-rank distribution and the Walsh median. ``"auto"`` follows R's
    ``wilcox.test``: exact when n < 50 and there are neither ties nor zeros, otherwise asymptotic. (With
    ties or zeros R's ``wilcox.test`` solves for its estimate and limits with ``uniroot`` on a
    tie-corrected, continuity-corrected normal statistic, to tolerance 1e-4; those numbers are not
    reproduced here -- the exact interval is the reference.)

    When n is too small for the requested level the interval is the widest the Walsh averages give,
    [min, max] -- what R's exact branch and ``wilcox.exact`` return -- and a RuntimeWarning says so.

    Speed. With few distinct differences (integer scores) every Walsh order statistic is counted by pairs
    of distinct values, exactly, in O(K^2) for K distinct values whatever n; otherwise up to 2000
    differences the Walsh averages are sorted, and above that the needed order statistics are found by
    bisection with O(n log n) counting.

    Parameters
    ----------
    x : array_like
        First measurement of each pair (e.g. the score before treatment); None, NaN and pd.NA mean missing.
    y : array_like, optional
        Second measurement of each pair, the same length as ``x``; omitted, ``x`` holds the differences.
    conf_level : float, default 0.95
        Level of the interval.
    method : {"auto", "exact", "asymptotic"}, default "auto"
        The computation of the interval (see above).
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        Which interval: two-sided, or one-sided bounded above ("less") or below ("greater").
    decimals : int or None, default 9
        Differences are rounded to this many decimals first; None: unrounded.

    Returns
    -------
    HodgesLehmann
        Unpacks as ``estimate, ci_low, ci_high``; with n, the zeros removed and the method used.

    References
    ----------
    Hodges JL, Lehmann EL (1963). Estimates of location based on rank tests. Ann Math Stat 34(2):598-611.
    Bauer DF (1972). Constructing confidence sets using rank statistics. JASA 67(339):687-690.

    Examples
    --------
    >>> hl = hodges_lehmann([31, 32, 20, 36, 23, 24, 27, 28, 30])
    >>> hl.estimate, hl.ci_low, hl.ci_high
    (28.0, 23.5, 32.0)
    >>> hl = hodges_lehmann([0] * 20 + [-2, -1, 1, 1, 1], method="exact", conf_level=0.5)
    >>> hl.estimate, hl.ci_low, hl.ci_high  # wilcox.exact(d, conf.int = TRUE, conf.level = 0.5)
    (-0.25, -0.5, 1.0)
    """
    conf_level = _check_conf_level(conf_level)
    method = _choice(method, _HL_METHODS, "method")
    alternative = _alternative(alternative)
    d, n_missing = _differences(x, y, 0.0, decimals)
    if d.size == 0:
        raise _no_pairs_error(n_missing)
    nonzero = d[d != 0]
    n_zero = int(d.size - nonzero.size)
    if nonzero.size == 0:
        raise ValueError(f"all {d.size} differences are zero: there is no location to estimate")
    ties = np.unique(np.abs(nonzero)).size < nonzero.size
    estimate, low, high, used, achieved = _hl_from_differences(
        nonzero, ties=ties, zeros=n_zero > 0, conf_level=conf_level, method=method, alternative=alternative
    )
    return HodgesLehmann(
        estimate, low, high, conf_level, int(nonzero.size), used, alternative, achieved, n_zero, n_missing
    )


# --------------------------------------------------------------------------------------------
# Wilcoxon signed-rank test


@dataclass(frozen=True, repr=False)
class WilcoxonResult(Result):
    """Wilcoxon signed-rank test of ``d = x - y - mu``, with the counts a reader needs.

    ``statistic`` is scipy's (two-sided: min(R+, R-); one-sided: R+, which is R's V). ``method`` is
    what was actually used: "exact", "asymptotic", or "permutation" (scipy's enumeration of all 2^n
    sign flips, chosen by ``method="auto"`` for n <= 13 with ties or zeros). ``distribution`` names the
    null distribution behind ``pvalue``:

    * ``"signrank"`` -- the exact distribution of untied ranks (no ties, no zeros ranked);
    * ``"conditional"`` -- the exact distribution conditional on the mid-ranks, with ties and zeros
      (coin's ``wilcoxsign_test(distribution = "exact")``, ``exactRankTests::wilcox.exact``);
    * ``"permutation"`` -- the same conditional distribution by scipy's enumeration;
    * ``"normal"`` -- the normal approximation with scipy's tie (and Pratt zero) variance correction.

    ``zstatistic`` is the signed standardised statistic (R+ - E[R+]) / sd(R+), continuity-corrected
    when ``correction``: positive when the differences lean positive (coin's sign convention; scipy
    returns ``-|z|`` for two-sided tests); None for the exact and permutation methods.

    ``hodges_lehmann``, ``ci_low``, ``ci_high`` come from :func:`hodges_lehmann` on ``d`` (zeros of
    ``d`` removed, whatever ``zero_method``; result shifted back by ``mu``) with ``ci_method`` its method:
    "exact" when ``method="exact"`` (``wilcox.exact``'s interval, conditional on ties), "asymptotic" when
    ``method="asymptotic"``, and R's ``wilcox.test`` rule under ``"auto"`` (exact for n < 50 without
    ties or zeros).
    """

    _unpack: ClassVar[tuple[str, ...]] = ("statistic", "pvalue")

    statistic: float
    pvalue: float
    r_plus: float
    r_minus: float
    n_used: int
    n_zero: int
    n_missing: int
    zero_method: str
    method: str
    alternative: str
    zstatistic: float | None
    hodges_lehmann: float
    ci_low: float
    ci_high: float
    conf_level: float
    ci_method: str = "exact"
    achieved_conf_level: float = float("nan")
    mu: float = 0.0
    correction: bool = False
    distribution: str = "signrank"


def _value_counts(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of ``d`` (ascending) and their counts: by ``bincount`` for integer scores (O(n)), else a sort."""
    if d.size > 256:
        lo, hi = float(d.min()), float(d.max())
        if hi - lo <= 4 * d.size and np.array_equal(d, np.floor(d)):
            counts = np.bincount((d - lo).astype(np.int64))
            present = np.flatnonzero(counts)
            return present + lo, counts[present].astype(np.int64)
    values, counts = np.unique(d, return_counts=True)
    return values, counts.astype(np.int64)


@dataclass(frozen=True)
class _Ranked:
    """What every signed-rank computation needs, from the value counts of d (O(K) for K distinct values)."""

    r_plus: float
    r_minus: float
    ties: bool  # a tied |d| among the non-zero differences
    n_zero: int
    tie_sizes: np.ndarray  # sizes of the |d| groups that enter the ranking (zeros' group first if ranked)


def _rank_from_counts(values: np.ndarray, counts: np.ndarray, zero_method: str) -> _Ranked:
    """R+ and R- with zeros treated as ``zero_method`` (scipy's conventions, gh-2263 for zsplit), mid-ranks for ties."""
    absolute, inverse = np.unique(np.abs(values), return_inverse=True)
    inverse = inverse.ravel()
    group = np.zeros(absolute.size, dtype=np.int64)
    np.add.at(group, inverse, counts)
    has_zero = absolute.size > 0 and absolute[0] == 0
    n_zero = int(group[0]) if has_zero else 0
    ties = bool((group[1:] if has_zero else group).max(initial=0) > 1)
    ranked = group.copy()
    if zero_method == "wilcox" and has_zero:
        ranked[0] = 0
    doubled = 2 * (np.cumsum(ranked) - ranked) + ranked + 1  # 2 x mid-rank of each |d| group
    r_plus2 = int((counts * doubled[inverse])[values > 0].sum())
    r_minus2 = int((counts * doubled[inverse])[values < 0].sum())
    r_plus, r_minus = r_plus2 / 2, r_minus2 / 2
    if zero_method == "zsplit" and has_zero:
        half_zero = int(group[0] * doubled[0]) / 4
        r_plus += half_zero
        r_minus += half_zero
    sizes = ranked[ranked > 0] if zero_method != "wilcox" or not has_zero else ranked[1:]
    return _Ranked(float(r_plus), float(r_minus), ties, n_zero, sizes)


def _rank_sums(d: np.ndarray, zero_method: str) -> tuple[float, float]:
    """R+ and R- of the differences ``d`` under ``zero_method``."""
    ranked = _rank_from_counts(*_value_counts(d), zero_method)
    return ranked.r_plus, ranked.r_minus


def _signed_z(ranked: _Ranked, n: int, zero_method: str, correction: bool, alternative: str) -> float:
    """(R+ - E) / sd with scipy's mean and variance (tie and Pratt corrections), continuity-corrected as scipy."""
    count = float(n if zero_method != "wilcox" else n - ranked.n_zero)
    mn = count * (count + 1.0) * 0.25
    se = count * (count + 1.0) * (2.0 * count + 1.0)
    t = ranked.tie_sizes.astype(float)
    if zero_method == "pratt" and ranked.n_zero:
        n_zero = float(ranked.n_zero)
        mn -= n_zero * (n_zero + 1.0) * 0.25
        se -= n_zero * (n_zero + 1.0) * (2.0 * n_zero + 1.0)
        t = t[1:]  # the zeros' tie group (smallest |d|) is not tie-corrected
    se = math.sqrt((se - float(np.sum(t**3 - t)) / 2) / 24)
    z = (ranked.r_plus - mn) / se
    if correction:
        sign = {"greater": 1.0, "less": -1.0}.get(alternative, float(np.sign(z)))
        z -= sign * 0.5 / se
    return float(z)


def _resolve_wilcoxon_method(d: np.ndarray, method: str, ties: bool | None = None) -> str:
    """The kit's own choice for ``method="auto"``, which :func:`wilcoxon` then passes to scipy explicitly.

    The rule (exact below 51 pairs without zeros or ties; a permutation test up to 13 pairs with them; the normal
    approximation otherwise) matches scipy 1.17's documented default, but scipy is never asked to choose, so the
    reported ``method`` is always the one that computed the p-value, whatever a later scipy's "auto" does.
    """
    if method != "auto":
        return method
    if d.size > 50:
        return "asymptotic"
    nonzero = d[d != 0]
    has_zeros = nonzero.size < d.size
    has_ties = np.unique(np.abs(nonzero)).size < nonzero.size if ties is None else ties
    if not (has_zeros or has_ties):
        return "exact"
    return "permutation" if d.size <= 13 else "asymptotic"


def wilcoxon(
    x,
    y=None,
    *,
    mu: float = 0.0,
    zero_method: str = "wilcox",
    method: str = "auto",
    correction: bool = False,
    alternative: str = "two-sided",
    conf_level: float | None = 0.95,
    decimals: int | None = 9,
) -> WilcoxonResult:
    """Wilcoxon signed-rank test of ``d = x - y - mu``, with counts, the Hodges-Lehmann estimate and its CI.

    Pairs where x or y is missing (NaN/None) are dropped and counted in ``n_missing``. Zero
    differences are handled by ``zero_method`` (Wilcoxon: dropped; Pratt: ranked, then their ranks
    dropped; zsplit: their ranks split between R+ and R-) and counted in ``n_zero``. ``n_used``
    is the number of differences that enter the ranking.

    Methods. ``"exact"``: without ties or zeros the classical exact test (scipy's); with ties or
    zeros the exact test *conditional on the mid-ranks* (:func:`exact_signed_rank_p`, equal to coin's
    ``wilcoxsign_test(distribution = "exact")`` and ``exactRankTests::wilcox.exact``), for any n up to
    2000 -- ``distribution`` says which. ``"asymptotic"``: scipy's normal approximation with tie
    correction. ``"auto"``: scipy's rule -- exact for n <= 50 without ties or zeros, scipy's permutation
    test (the same conditional distribution, enumerated) for n <= 13 with them, else asymptotic. Note
    that at exactly n = 50 untied pairs this default is exact where R's ``wilcox.test`` (exact for
    n < 50) uses the normal approximation. R's ``correct = TRUE`` is ``correction=True``.

    The two-sided z statistic is signed, R+ minus its expectation over its sd (see
    :class:`WilcoxonResult`); ``pvalue`` is scipy's.

    Edge cases. No complete pair: ValueError. Every difference zero: ValueError -- there is no
    sign information, and scipy's answer then depends on its method (p = 1 from the n <= 13
    permutation test, NaN from the normal approximation). One non-zero difference: a valid test
    with p = 1 two-sided (exact), and the Hodges-Lehmann interval degenerates to that difference, with
    a RuntimeWarning that the requested level is not achievable.

    ``conf_level=None`` skips the Hodges-Lehmann estimate and interval (their fields are NaN).

    Parameters
    ----------
    x : array_like
        First measurement of each pair (e.g. the score before treatment); None, NaN and pd.NA mean missing.
    y : array_like, optional
        Second measurement of each pair, the same length as ``x``; omitted, ``x`` holds the differences.
    mu : float, default 0.0
        Location of ``x - y`` under the null hypothesis.
    zero_method : {"wilcox", "pratt", "zsplit"}, default "wilcox"
        How zero differences enter the ranking (scipy's names).
    method : {"auto", "exact", "asymptotic"}, default "auto"
        The computation of the p-value (see above).
    correction : bool, default False
        Continuity correction of the normal approximation (R's ``correct = TRUE``).
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        R's "two.sided" is accepted.
    conf_level : float or None, default 0.95
        Level of the Hodges-Lehmann interval; None skips the estimate.
    decimals : int or None, default 9
        Differences are rounded to this many decimals before ranking, so that 0.1 + 0.2 - 0.3 is a zero and
        equal differences tie; None ranks them unrounded.

    Returns
    -------
    WilcoxonResult
        Unpacks as ``statistic, pvalue``; also the signed-rank sums, counts of used, zero and missing pairs, the
        method and null distribution used, the signed z and the Hodges-Lehmann estimate and interval.

    References
    ----------
    Wilcoxon F (1945). Individual comparisons by ranking methods. Biometrics Bulletin 1(6):80-83.
    Hothorn T, Hornik K (2002). exactRankTests: exact distributions for rank and permutation tests.
    The first example is R's ``?wilcox.test`` depression data (Hollander & Wolfe 1973, p. 29):
    ``wilcox.test(x, y, paired = TRUE, alternative = "greater")`` gives V = 40, p = 0.01953.

    Examples
    --------
    >>> x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    >>> y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    >>> res = wilcoxon(x, y, alternative="greater")
    >>> res.statistic, round(res.pvalue, 5)
    (40.0, 0.01953)
    >>> pre, post = [3] * 20 + [1, 2, 4, 4, 4], [3] * 20 + [3, 3, 3, 3, 3]
    >>> res = wilcoxon(pre, post, method="exact", zero_method="pratt")
    >>> res.pvalue, res.distribution
    (1.0, 'conditional')
    """
    zero_method = _choice(zero_method, _ZERO_METHODS, "zero_method")
    method = _choice(method, _WILCOXON_METHODS, "method")
    alternative = _alternative(alternative)
    if conf_level is not None:
        conf_level = _check_conf_level(conf_level)
    if correction not in (True, False):
        raise ValueError(f"correction must be True or False, got {correction!r}")
    d, n_missing = _differences(x, y, mu, decimals)
    if d.size == 0:
        raise _no_pairs_error(n_missing)
    values, counts = _value_counts(d)
    ranked = _rank_from_counts(values, counts, zero_method)
    n_zero, ties, r_plus, r_minus = ranked.n_zero, ranked.ties, ranked.r_plus, ranked.r_minus
    if n_zero == d.size:
        raise ValueError(f"all {d.size} differences are zero: the signed-rank test has no signs to test")
    zeros_ranked = n_zero > 0 and zero_method != "wilcox"

    used = _resolve_wilcoxon_method(d, method, ties)
    statistic = min(r_plus, r_minus) if alternative == "two-sided" else r_plus
    zstat = None
    if used == "exact" and (ties or zeros_ranked):
        scores2, t2, _ = _signed_rank_scores(d, zero_method)
        pvalue = _conditional_pvalue(_conditional_cdf(scores2), t2, alternative)
        distribution = "conditional"
    else:
        scipy_method = stats.PermutationMethod() if used == "permutation" else used
        res = stats.wilcoxon(
            d, zero_method=zero_method, correction=bool(correction), alternative=alternative, method=scipy_method
        )
        pvalue, statistic = float(res.pvalue), float(res.statistic)
        distribution = {"exact": "signrank", "permutation": "permutation"}.get(used, "normal")
        if used == "asymptotic":
            zstat = _signed_z(ranked, d.size, zero_method, bool(correction), alternative)

    if conf_level is None:
        nan = float("nan")
        estimate, low, high, ci_method, achieved = nan, nan, nan, "none", nan
    else:
        hl_method = method if method in ("exact", "asymptotic") else "auto"
        keep = values != 0
        estimate, low, high, ci_method, achieved = _hl_from_differences(
            d[d != 0],
            ties=ties,
            zeros=n_zero > 0,
            conf_level=conf_level,
            method=hl_method,
            alternative=alternative,
            stacklevel=3,
            value_counts=(values[keep], counts[keep]),
        )
    n_used = int(d.size - n_zero) if zero_method == "wilcox" else int(d.size)
    return WilcoxonResult(
        statistic=float(statistic),
        pvalue=float(pvalue),
        r_plus=r_plus,
        r_minus=r_minus,
        n_used=n_used,
        n_zero=n_zero,
        n_missing=n_missing,
        zero_method=zero_method,
        method=used,
        alternative=alternative,
        zstatistic=zstat,
        hodges_lehmann=estimate + mu,
        ci_low=low + mu,
        ci_high=high + mu,
        conf_level=float("nan") if conf_level is None else conf_level,
        ci_method=ci_method,
        achieved_conf_level=achieved,
        mu=float(mu),
        correction=bool(correction),
        distribution=distribution,
    )


# --------------------------------------------------------------------------------------------
# sign test


@dataclass(frozen=True, repr=False)
class SignTestResult(Result):
    """Exact sign test. With ``x = pre`` and ``y = post`` (and mu = 0), "decreased" means post < pre.

    ``statistic`` is ``n_decreased`` (the number of positive ``x - y - mu``); ``n_used`` excludes
    the unchanged pairs, which carry no sign.
    """

    _unpack: ClassVar[tuple[str, ...]] = ("statistic", "pvalue")

    n_decreased: int
    n_unchanged: int
    n_increased: int
    n_missing: int
    n_used: int
    statistic: int
    pvalue: float
    alternative: str


def sign_test(
    x, y=None, *, mu: float = 0.0, alternative: str = "two-sided", decimals: int | None = 9
) -> SignTestResult:
    """Exact binomial sign test on the non-zero signs of ``x - y - mu`` (``scipy.stats.binomtest``, p = 1/2).

    ``alternative="greater"`` means decreases (x > y) are more likely than increases. Unchanged
    pairs are dropped from the test and counted; missing pairs are counted. ValueError when no
    pair has a sign (R's ``binom.test`` refuses n = 0 too).

    Parameters
    ----------
    x : array_like
        First measurement of each pair (e.g. the score before treatment); None, NaN and pd.NA mean missing.
    y : array_like, optional
        Second measurement of each pair, the same length as ``x``; omitted, ``x`` holds the differences.
    mu : float, default 0.0
        Median of ``x - y`` under the null hypothesis.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        "greater": decreases (x > y) more likely than increases; R's "two.sided" is accepted.
    decimals : int or None, default 9
        Differences are rounded to this many decimals before their sign is read; None: unrounded.

    Returns
    -------
    SignTestResult
        Unpacks as ``statistic, pvalue``; the numbers decreased, unchanged, increased and missing.

    References
    ----------
    Conover WJ (1999). Practical Nonparametric Statistics, 3rd ed., section 3.4 (the sign test).

    Examples
    --------
    >>> pre = [2] * 34 + [1] * 15 + [0] * 8
    >>> post = [1] * 34 + [1] * 15 + [1] * 8
    >>> res = sign_test(pre, post)
    >>> (res.n_decreased, res.n_unchanged, res.n_increased), f"{res.pvalue:.3g}"
    ((34, 15, 8), '6.88e-05')
    """
    alternative = _alternative(alternative)
    d, n_missing = _differences(x, y, mu, decimals)
    if d.size == 0:
        raise _no_pairs_error(n_missing)
    n_dec, n_inc = int((d > 0).sum()), int((d < 0).sum())
    n_unch = int(d.size - n_dec - n_inc)
    if n_dec + n_inc == 0:
        raise ValueError(f"all {d.size} differences are zero: the sign test has no signs to test")
    p = stats.binomtest(n_dec, n_dec + n_inc, 0.5, alternative=alternative).pvalue
    return SignTestResult(n_dec, n_unch, n_inc, n_missing, n_dec + n_inc, n_dec, float(p), alternative)


# --------------------------------------------------------------------------------------------
# paired t-test


@dataclass(frozen=True, repr=False)
class PairedT(Result):
    """Paired t-test of mean(x - y) = 0 with its confidence interval (``scipy.stats.ttest_rel``)."""

    _unpack: ClassVar[tuple[str, ...]] = ("statistic", "pvalue")

    mean_difference: float
    sd_difference: float
    n: int
    statistic: float
    df: int
    pvalue: float
    ci_low: float
    ci_high: float
    n_missing: int
    alternative: str = "two-sided"
    conf_level: float = 0.95


def paired_t(x, y, *, alternative: str = "two-sided", conf_level: float = 0.95) -> PairedT:
    """Paired t-test of x against y on complete pairs (missing pairs counted), via ``scipy.stats.ttest_rel``.

    The interval is for the mean of ``x - y`` (one-sided alternatives give a one-sided interval).
    Constant differences (every x - y the same, zero spread) raise ValueError: the test is undefined
    there -- scipy would return t = inf and p = 0, and R's ``t.test`` stops ("data are essentially
    constant"; it returns NaN when all differences are 0, which this function refuses too).

    Parameters
    ----------
    x, y : array_like
        The paired measurements, of equal length; None, NaN and pd.NA mean missing.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        R's "two.sided" is accepted.
    conf_level : float, default 0.95
        Level of the interval for the mean difference.

    Returns
    -------
    PairedT
        Unpacks as ``statistic, pvalue``; the mean and SD of the differences, df, the interval, n and the missing.

    References
    ----------
    Student (1908). The probable error of a mean. Biometrika 6(1):1-25. The example is R's ``sleep`` data
    (Cushny & Peebles 1905), for which ``t.test(extra ~ group, data = sleep, paired = TRUE)`` gives
    t = -4.0621, df = 9, p = 0.002833.

    Examples
    --------
    >>> res = paired_t([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0],
    ...                [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4])
    >>> round(res.statistic, 4), res.df, round(res.pvalue, 6)
    (-4.0621, 9, 0.002833)
    """
    alternative = _alternative(alternative)
    conf_level = _check_conf_level(conf_level)
    xs, ys = _vector(x, "x"), _vector(y, "y")
    if xs.shape != ys.shape:
        raise ValueError(f"x and y must pair up: got {xs.size} and {ys.size} values")
    complete = ~(np.isnan(xs) | np.isnan(ys))
    n_missing = int(complete.size - complete.sum())
    xs, ys = xs[complete], ys[complete]
    if xs.size < 2:
        raise ValueError(f"a paired t-test needs at least 2 complete pairs, got {xs.size}")
    d = xs - ys
    mean_d, sd_d = float(np.mean(d)), float(np.std(d, ddof=1))
    if sd_d / math.sqrt(d.size) <= 10 * np.finfo(float).eps * abs(mean_d):
        # all differences equal: t = mean/0 is undefined (scipy returns inf or nan; R stops)
        raise ValueError(
            f"all {d.size} paired differences equal {mean_d:g}: the paired t-test is undefined for "
            "constant differences (R's t.test stops: 'data are essentially constant')"
        )
    res = stats.ttest_rel(xs, ys, alternative=alternative)
    ci = res.confidence_interval(confidence_level=conf_level)
    return PairedT(
        float(np.mean(d)),
        float(np.std(d, ddof=1)),
        int(xs.size),
        float(res.statistic),
        int(res.df),
        float(res.pvalue),
        float(ci.low),
        float(ci.high),
        n_missing,
        alternative,
        conf_level,
    )


# --------------------------------------------------------------------------------------------
# smallest attainable p-value


def min_attainable_p(
    n: int,
    test: str = "wilcoxon",
    method: str = "exact",
    *,
    ties: str = "any",
    correction: bool = False,
    alternative: str = "two-sided",
    n2=None,
    k=None,
) -> float:
    """The smallest p-value ``test`` can give; moved to :func:`sacro_kit.forensics.attainable.min_attainable_p`
    (which also covers the rank-sum, Kruskal-Wallis, Friedman and Fisher tests). Kept here so that
    ``from sacro_kit.stats.paired import min_attainable_p`` keeps working.

    >>> f"{min_attainable_p(13):.3g}"
    '0.000244'
    """
    from sacro_kit.forensics.attainable import min_attainable_p as moved

    return moved(n, test, method, n2=n2, k=k, ties=ties, correction=correction, alternative=alternative)
