"""Paired tests and estimates for pre/post data: Wilcoxon signed-rank, Hodges-Lehmann, sign test, paired t.

Every test is scipy's; this module adds what a re-analysis needs around it: missing pairs counted
(never dropped silently), zero differences counted, the method scipy actually used after
``method="auto"``, signed-rank sums R+ and R-, the Hodges-Lehmann estimate with its exact
confidence interval (as R's ``wilcox.test(conf.int = TRUE)``), and the smallest p-value a test
can produce with n pairs -- the check behind "p < 0.0001 cannot come from 13 pairs".

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
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import numpy as np
from scipy import stats

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
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric (None/NaN mark a missing value)") from exc
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite values")
    return arr


def _differences(x, y, mu: float, decimals: Optional[int]) -> tuple[np.ndarray, int]:
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


def _no_pairs_error(n_missing: int) -> ValueError:
    return ValueError(f"no complete pairs: all {n_missing} pairs have a missing value" if n_missing
                      else "no pairs: x is empty")


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
        pmf[i:top + i + 1] = 0.5 * (pmf[i:top + i + 1] + pmf[:top + 1].copy())
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
# Hodges-Lehmann estimate and Walsh-average confidence interval


@dataclass(frozen=True)
class HodgesLehmann:
    """Hodges-Lehmann (pseudo)median of the differences with its signed-rank confidence interval.

    ``n`` counts the non-zero differences used; ``achieved_conf_level`` is the coverage the chosen
    Walsh-average order statistics really have (>= ``conf_level`` unless n is too small, when the
    widest interval is returned, as R does, and a warning is issued).
    """

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


def _float_key(value: float) -> int:
    """An integer that orders doubles like their values (IEEE-754 bit trick)."""
    bits = int(np.array(value, dtype=np.float64).view(np.int64))
    return bits if bits >= 0 else -(bits & 0x7FFFFFFFFFFFFFFF)


def _key_float(key: int) -> float:
    if key >= 0:
        return float(np.array(key, dtype=np.int64).view(np.float64))
    return -float(np.array(-key, dtype=np.int64).view(np.float64))


def _walsh_count_le(d: np.ndarray, t: float) -> int:
    """#{i <= j : (d_i + d_j)/2 <= t} for ascending d, with the same floating-point sums as the sort path."""
    n = d.size
    lo = np.arange(n)  # per row i: the first j >= i with (d_i + d_j)/2 > t lies in [lo, hi]
    hi = np.full(n, n)
    while True:
        active = lo < hi
        if not active.any():
            break
        mid = np.minimum((lo + hi) // 2, n - 1)
        above = (d + d[mid]) / 2.0 > t
        hi = np.where(active & above, mid, hi)
        lo = np.where(active & ~above, mid + 1, lo)
    return int((lo - np.arange(n)).sum())


def _walsh_order_statistics(d: np.ndarray, ranks: list[int]) -> list[float]:
    """The Walsh averages of ascending ``d`` at 1-based ``ranks``, without building all n(n+1)/2 of them.

    For n above ``_WALSH_SORT_LIMIT``: bisection over the ordered doubles between min(d) and max(d);
    the smallest double t with #{W <= t} >= r is the r-th Walsh average itself (<= 64 steps of
    O(n log n) counting). Below the limit the averages are sorted, which the tests use as reference.
    """
    if d.size <= _WALSH_SORT_LIMIT:
        i, j = np.triu_indices(d.size)
        walsh = np.sort((d[i] + d[j]) / 2.0)
        return [float(walsh[r - 1]) for r in ranks]
    out = []
    for r in ranks:
        low, high = _float_key(float(d[0])) - 1, _float_key(float(d[-1]))  # count(low) < r <= count(high)
        while high - low > 1:
            mid = (low + high) // 2
            if _walsh_count_le(d, _key_float(mid)) >= r:
                high = mid
            else:
                low = mid
        out.append(_key_float(high))
    return out


def _walsh_median(d: np.ndarray) -> float:
    n_walsh = d.size * (d.size + 1) // 2
    if n_walsh % 2:
        return _walsh_order_statistics(d, [(n_walsh + 1) // 2])[0]
    a, b = _walsh_order_statistics(d, [n_walsh // 2, n_walsh // 2 + 1])
    return float(np.mean([a, b]))  # as np.median of the sorted averages


def _hl_from_differences(d_nonzero: np.ndarray, *, ties: bool, zeros: bool, conf_level: float,
                         method: str, alternative: str, warn: bool = True) -> tuple[float, float, float, str, float]:
    """(estimate, low, high, method used, achieved level) from non-zero differences."""
    n = d_nonzero.size
    if method == "auto":
        # R wilcox.test: exact only for n < 50 without ties or zeros
        method = "exact" if (n < _R_EXACT_LIMIT and not ties and not zeros) else "asymptotic"
    if method == "exact" and n > _EXACT_TABLE_LIMIT:
        raise ValueError(f"the exact signed-rank table is limited to {_EXACT_TABLE_LIMIT} differences "
                         f"(got {n}); use method='asymptotic'")
    d_sorted = np.sort(d_nonzero)
    n_walsh = n * (n + 1) // 2
    estimate = _walsh_median(d_sorted)
    alpha = 1.0 - conf_level
    tail = alpha / 2 if alternative == "two-sided" else alpha

    if method == "exact":
        cdf = _signrank_cdf(n)
        q = _qsignrank(tail, n)

        def below(v: int) -> float:  # P(V <= v)
            return float(cdf[v]) if v >= 0 else 0.0
    else:
        mean = n * (n + 1) / 4.0
        sd = math.sqrt(n * (n + 1) * (2 * n + 1) / 24.0)
        # the same rule with P(V <= v) replaced by its continuity-corrected normal approximation
        q = max(0, math.ceil(mean + sd * stats.norm.ppf(tail) - 0.5))

        def below(v: int) -> float:
            return float(stats.norm.cdf((v + 0.5 - mean) / sd)) if v >= 0 else 0.0
    q = max(q, 1)  # as R: with too few pairs use the outermost Walsh averages
    one_tail = below(q - 1)
    achieved = 1.0 - (2 * one_tail if alternative == "two-sided" else one_tail)
    if warn and achieved < conf_level - 1e-12:
        warnings.warn(f"requested conf_level {conf_level} is not achievable with {n} non-zero differences; "
                      f"the interval has coverage {achieved:.4g}", RuntimeWarning, stacklevel=3)
    low, high = _walsh_order_statistics(d_sorted, [q, n_walsh + 1 - q])
    if alternative == "greater":
        high = math.inf
    elif alternative == "less":
        low = -math.inf
    return estimate, low, high, method, achieved


def _check_conf_level(conf_level: float) -> float:
    if not (isinstance(conf_level, (int, float, np.floating)) and 0 < conf_level < 1):
        raise ValueError(f"conf_level must lie strictly between 0 and 1, got {conf_level!r}")
    return float(conf_level)


def hodges_lehmann(x, y=None, *, conf_level: float = 0.95, method: str = "auto",
                   alternative: str = "two-sided", decimals: Optional[int] = 9) -> HodgesLehmann:
    """Hodges-Lehmann estimate of the location of ``x - y`` and its signed-rank confidence interval.

    The estimate is the median of the n(n+1)/2 Walsh averages (d_i + d_j)/2, i <= j (Hodges &
    Lehmann 1963). The interval is [W_(q), W_(N+1-q)] in the sorted Walsh averages with q the
    signed-rank critical value ``qsignrank(alpha/2, n)`` (Bauer 1972) -- exactly what R's
    ``wilcox.test(x, y, paired = TRUE, conf.int = TRUE)`` reports in its exact case.

    Zeros and ties. Zero differences are removed first, as R removes them; ``n`` counts the
    rest and ``n_zero`` the removed. ``method="exact"`` uses the exact signed-rank distribution,
    which is exact only without ties; ``"asymptotic"`` uses the same order-statistic rule with
    the continuity-corrected normal approximation to that distribution (untied variance);
    ``"auto"`` follows R: exact when n < 50 and there are neither ties nor zeros. With ties or
    zeros R instead solves for the estimate and limits with ``uniroot`` on its tie-corrected,
    continuity-corrected normal statistic, so R's estimate is then *not* the Walsh median and its
    limits can differ slightly from these order statistics; in the exact case the two agree.
    (R >= 4.6 also offers exact *conditional* intervals with ties; this function does not.)

    Up to 2000 differences the Walsh averages are sorted; above that the needed order statistics
    are found by bisection with O(n log n) counting, so large samples stay feasible.

    >>> hl = hodges_lehmann([31, 32, 20, 36, 23, 24, 27, 28, 30])
    >>> hl.estimate, hl.ci_low, hl.ci_high
    (28.0, 23.5, 32.0)
    """
    conf_level = _check_conf_level(conf_level)
    method = _choice(method, _HL_METHODS, "method")
    alternative = _choice(alternative, _ALTERNATIVES, "alternative")
    d, n_missing = _differences(x, y, 0.0, decimals)
    if d.size == 0:
        raise _no_pairs_error(n_missing)
    nonzero = d[d != 0]
    n_zero = int(d.size - nonzero.size)
    if nonzero.size == 0:
        raise ValueError(f"all {d.size} differences are zero: there is no location to estimate")
    ties = np.unique(np.abs(nonzero)).size < nonzero.size
    estimate, low, high, used, achieved = _hl_from_differences(
        nonzero, ties=ties, zeros=n_zero > 0, conf_level=conf_level, method=method, alternative=alternative)
    return HodgesLehmann(estimate, low, high, conf_level, int(nonzero.size), used, alternative,
                         achieved, n_zero, n_missing)


# --------------------------------------------------------------------------------------------
# Wilcoxon signed-rank test


@dataclass(frozen=True)
class WilcoxonResult:
    """Wilcoxon signed-rank test of ``d = x - y - mu``, with the counts a reader needs.

    ``statistic`` and ``pvalue`` are scipy's (two-sided: min(R+, R-); one-sided: R+, which is R's V).
    ``method`` is what was actually used: "exact", "asymptotic", or "permutation" (scipy's exact
    conditional test by enumerating all 2^n sign flips, chosen by ``method="auto"`` for n <= 13 with
    ties or zeros). ``hodges_lehmann``, ``ci_low``, ``ci_high`` come from :func:`hodges_lehmann` on
    ``d`` (zeros of ``d`` removed, result shifted back by ``mu``), with ``ci_method`` its method.
    """

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
    zstatistic: Optional[float]
    hodges_lehmann: float
    ci_low: float
    ci_high: float
    conf_level: float
    ci_method: str = "exact"
    achieved_conf_level: float = float("nan")
    mu: float = 0.0
    correction: bool = False


def _rank_sums(d: np.ndarray, zero_method: str) -> tuple[float, float]:
    """R+ and R- with zeros treated as ``zero_method`` (scipy's conventions, gh-2263 for zsplit)."""
    if zero_method == "wilcox":
        d = d[d != 0]
    ranks = stats.rankdata(np.abs(d))
    r_plus = float(ranks[d > 0].sum())
    r_minus = float(ranks[d < 0].sum())
    if zero_method == "zsplit":
        half_zero = float(ranks[d == 0].sum()) / 2
        r_plus += half_zero
        r_minus += half_zero
    return r_plus, r_minus


def _resolve_wilcoxon_method(d: np.ndarray, method: str) -> str:
    """Mirror scipy's ``method="auto"`` (scipy 1.17, _wilcoxon.py) to report the method used."""
    if method != "auto":
        return method
    if d.size > 50:
        return "asymptotic"
    nonzero = d[d != 0]
    has_zeros = nonzero.size < d.size
    has_ties = np.unique(np.abs(nonzero)).size < nonzero.size
    if not (has_zeros or has_ties):
        return "exact"
    return "permutation" if d.size <= 13 else "asymptotic"


def wilcoxon(x, y=None, *, mu: float = 0.0, zero_method: str = "wilcox", method: str = "auto",
             correction: bool = False, alternative: str = "two-sided", conf_level: Optional[float] = 0.95,
             decimals: Optional[int] = 9) -> WilcoxonResult:
    """Wilcoxon signed-rank test of ``d = x - y - mu`` via ``scipy.stats.wilcoxon``, with counts and HL CI.

    Pairs where x or y is missing (NaN/None) are dropped and counted in ``n_missing``. Zero
    differences are handled by ``zero_method`` (Wilcoxon: dropped; Pratt: ranked, then their ranks
    dropped; zsplit: their ranks split between R+ and R-) and counted in ``n_zero``. ``n_used``
    is the number of differences that enter the ranking.

    Edge cases. No complete pair: ValueError. Every difference zero: ValueError -- there is no
    sign information, and scipy's answer then depends on its method (p = 1 from the n <= 13
    permutation test, NaN from the normal approximation). One non-zero difference: a valid test
    with p = 1 two-sided (exact), and the Hodges-Lehmann interval degenerates with a warning.

    R's ``wilcox.test`` defaults differ: ``correct = TRUE`` and, with ties or zeros, the normal
    approximation; pass ``correction=True, method="asymptotic"`` to match it there.

    ``conf_level=None`` skips the Hodges-Lehmann estimate and interval (their fields are NaN): on very
    large samples the test alone then costs what scipy's does.

    >>> x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    >>> y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    >>> res = wilcoxon(x, y, alternative="greater")
    >>> res.statistic, round(res.pvalue, 5)
    (40.0, 0.01953)
    """
    zero_method = _choice(zero_method, _ZERO_METHODS, "zero_method")
    method = _choice(method, _WILCOXON_METHODS, "method")
    alternative = _choice(alternative, _ALTERNATIVES, "alternative")
    if conf_level is not None:
        conf_level = _check_conf_level(conf_level)
    if correction not in (True, False):
        raise ValueError(f"correction must be True or False, got {correction!r}")
    d, n_missing = _differences(x, y, mu, decimals)
    if d.size == 0:
        raise _no_pairs_error(n_missing)
    nonzero = d[d != 0]
    n_zero = int(d.size - nonzero.size)
    if nonzero.size == 0:
        raise ValueError(f"all {d.size} differences are zero: the signed-rank test has no signs to test")

    used = _resolve_wilcoxon_method(d, method)
    scipy_method = stats.PermutationMethod() if used == "permutation" else used
    res = stats.wilcoxon(d, zero_method=zero_method, correction=bool(correction),
                         alternative=alternative, method=scipy_method)
    zstat = float(res.zstatistic) if used == "asymptotic" else None
    r_plus, r_minus = _rank_sums(d, zero_method)

    if conf_level is None:
        nan = float("nan")
        estimate, low, high, ci_method, achieved = nan, nan, nan, "none", nan
    else:
        ties = np.unique(np.abs(nonzero)).size < nonzero.size
        estimate, low, high, ci_method, achieved = _hl_from_differences(
            nonzero, ties=ties, zeros=n_zero > 0, conf_level=conf_level, method="auto", alternative=alternative,
            warn=False)
    n_used = int(nonzero.size) if zero_method == "wilcox" else int(d.size)
    return WilcoxonResult(
        statistic=float(res.statistic), pvalue=float(res.pvalue), r_plus=r_plus, r_minus=r_minus,
        n_used=n_used, n_zero=n_zero, n_missing=n_missing, zero_method=zero_method, method=used,
        alternative=alternative, zstatistic=zstat, hodges_lehmann=estimate + mu, ci_low=low + mu,
        ci_high=high + mu, conf_level=float("nan") if conf_level is None else conf_level, ci_method=ci_method, achieved_conf_level=achieved,
        mu=float(mu), correction=bool(correction))


# --------------------------------------------------------------------------------------------
# sign test


@dataclass(frozen=True)
class SignTestResult:
    """Exact sign test. With ``x = pre`` and ``y = post`` (and mu = 0), "decreased" means post < pre.

    ``statistic`` is ``n_decreased`` (the number of positive ``x - y - mu``); ``n_used`` excludes
    the unchanged pairs, which carry no sign.
    """

    n_decreased: int
    n_unchanged: int
    n_increased: int
    n_missing: int
    n_used: int
    statistic: int
    pvalue: float
    alternative: str


def sign_test(x, y=None, *, mu: float = 0.0, alternative: str = "two-sided",
              decimals: Optional[int] = 9) -> SignTestResult:
    """Exact binomial sign test on the non-zero signs of ``x - y - mu`` (``scipy.stats.binomtest``, p = 1/2).

    ``alternative="greater"`` means decreases (x > y) are more likely than increases. Unchanged
    pairs are dropped from the test and counted; missing pairs are counted. ValueError when no
    pair has a sign (R's ``binom.test`` refuses n = 0 too).

    >>> pre = [2] * 34 + [1] * 15 + [0] * 8
    >>> post = [1] * 34 + [1] * 15 + [1] * 8
    >>> res = sign_test(pre, post)
    >>> (res.n_decreased, res.n_unchanged, res.n_increased), f"{res.pvalue:.3g}"
    ((34, 15, 8), '6.88e-05')
    """
    alternative = _choice(alternative, _ALTERNATIVES, "alternative")
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


@dataclass(frozen=True)
class PairedT:
    """Paired t-test of mean(x - y) = 0 with its confidence interval (``scipy.stats.ttest_rel``)."""

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

    >>> res = paired_t([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0],
    ...                [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4])
    >>> round(res.statistic, 4), res.df, round(res.pvalue, 6)
    (-4.0621, 9, 0.002833)
    """
    alternative = _choice(alternative, _ALTERNATIVES, "alternative")
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
    res = stats.ttest_rel(xs, ys, alternative=alternative)
    ci = res.confidence_interval(confidence_level=conf_level)
    return PairedT(float(np.mean(d)), float(np.std(d, ddof=1)), int(xs.size), float(res.statistic),
                   int(res.df), float(res.pvalue), float(ci.low), float(ci.high), n_missing,
                   alternative, conf_level)


# --------------------------------------------------------------------------------------------
# smallest attainable p-value


def min_attainable_p(n: int, test: str = "wilcoxon", method: str = "exact", *, ties: str = "any",
                     correction: bool = False, alternative: str = "two-sided", n2=None, k=None) -> float:
    """The smallest p-value ``test`` can give; moved to :func:`sacro_kit.forensics.attainable.min_attainable_p`
    (which also covers the rank-sum, Kruskal-Wallis, Friedman and Fisher tests). Kept here so that
    ``from sacro_kit.paired import min_attainable_p`` keeps working.

    >>> f"{min_attainable_p(13):.3g}"
    '0.000244'
    """
    from sacro_kit.forensics.attainable import min_attainable_p as moved

    return moved(n, test, method, n2=n2, k=k, ties=ties, correction=correction, alternative=alternative)
