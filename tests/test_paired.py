"""Tests for sacro_kit.stats.paired against scipy on the same settings and against published outputs."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
from scipy import stats

from sacro_kit.stats import _walsh, paired
from sacro_kit.stats.paired import (hodges_lehmann, min_attainable_p, paired_t, sign_test, wilcoxon)

# R ?wilcox.test example (Hollander & Wolfe 1973, p. 29f: depression scale factor IV, x first visit, y second)
DEPRESSION_X = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
DEPRESSION_Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
# scipy.stats.wilcoxon docstring (Fisher's corn data: cross- minus self-fertilized height differences)
CORN = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]
# Stephenson, Iowa State Stat 403 notes "Walsh averages" (public.iastate.edu/~wrstephe/stat403/Walshties):
# daily high temperatures (degrees C) on 9 September days
TEMPS = [31, 32, 20, 36, 23, 24, 27, 28, 30]
# R datasets::sleep, extra hours of sleep with drug 1 and drug 2 for patients 1..10 (Student 1908)
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


# ------------------------------------------------------------------ published outputs


def test_r_depression_example():
    # R ?wilcox.test: wilcox.test(x, y, paired = TRUE, alternative = "greater") -> V = 40, p-value = 0.01953
    res = wilcoxon(DEPRESSION_X, DEPRESSION_Y, alternative="greater")
    assert res.statistic == 40 and res.r_plus == 40
    assert res.pvalue == pytest.approx(0.01953, abs=5e-6)
    assert (res.method, res.n_used, res.n_zero, res.n_missing) == ("exact", 9, 0, 0)
    assert res.r_plus + res.r_minus == 9 * 10 / 2
    assert res.ci_high == math.inf


def test_scipy_corn_example():
    # scipy.stats.wilcoxon docstring: (24.0, 0.041259765625), greater: (96.0, 0.0206298828125),
    # asymptotic: (24.0, 0.04088813291185591)
    res = wilcoxon(CORN)
    assert (res.statistic, res.pvalue) == (24.0, 0.041259765625)
    assert (res.r_plus, res.r_minus) == (96.0, 24.0)
    greater = wilcoxon(CORN, alternative="greater")
    assert (greater.statistic, greater.pvalue) == (96.0, 0.0206298828125)
    asym = wilcoxon(CORN, method="asymptotic")
    assert asym.statistic == 24.0 and asym.pvalue == pytest.approx(0.04088813291185591, rel=1e-12)
    # signed (R+ - E) / sd: R+ = 96 > E = 60, so positive; scipy reports -|z| for two-sided tests
    assert asym.zstatistic == pytest.approx(-stats.wilcoxon(CORN, method="asymptotic").zstatistic, rel=1e-15)
    assert asym.zstatistic > 0
    assert res.zstatistic is None


def test_scipy_roundoff_example_is_why_differences_are_rounded():
    # scipy.stats.wilcoxon docstring: x - y has roundoff; by hand d = [-0.025, 0.05, 0.05, -0.05] gives
    # (6.0, 0.5), the raw floating-point differences give (5.0, 0.5625)
    x, y = [0.5, 0.825, 0.375, 0.5], [0.525, 0.775, 0.325, 0.55]
    rounded = wilcoxon(x, y, alternative="greater")
    assert (rounded.statistic, rounded.pvalue) == (6.0, 0.5)
    raw = wilcoxon(x, y, alternative="greater", decimals=None)
    assert (raw.statistic, raw.pvalue) == (5.0, 0.5625)


def test_iowa_state_walsh_average_example():
    # Stephenson, Stat 403 notes: H0 median = 27 vs > 27: T- = 14, T+ = 22, P-value 0.320; the median of
    # the 45 Walsh averages is 28; 7th to 39th ordered Walsh averages, 24 to 31.5, is a 94.6 % interval
    # (table G: P = 0.027 for k = 6)
    res = wilcoxon(TEMPS, mu=27, alternative="greater", method="exact")
    assert (res.r_plus, res.r_minus) == (22.0, 14.0)
    assert res.n_zero == 1 and res.n_used == 8
    assert res.pvalue == pytest.approx(0.320, abs=5e-4)
    hl = hodges_lehmann(TEMPS, conf_level=0.94)
    assert hl.estimate == 28.0
    assert (hl.ci_low, hl.ci_high) == (24.0, 31.5)
    assert hl.achieved_conf_level == pytest.approx(1 - 2 * 0.027, abs=1e-3)


def test_r_sleep_paired_t():
    # t.test(extra ~ group, data = sleep, paired = TRUE): t = -4.0621, df = 9, p-value = 0.002833,
    # 95 percent CI -2.4598858 -0.7001142, mean of the differences -1.58 (R output reproduced in
    # Meys & de Vries, R For Dummies, "How to compare paired data with R")
    res = paired_t(SLEEP_1, SLEEP_2)
    assert res.statistic == pytest.approx(-4.0621, abs=5e-5)
    assert res.df == 9 and res.n == 10 and res.n_missing == 0
    assert res.pvalue == pytest.approx(0.002833, abs=5e-7)
    assert res.ci_low == pytest.approx(-2.4598858, abs=5e-8)
    assert res.ci_high == pytest.approx(-0.7001142, abs=5e-8)
    assert res.mean_difference == pytest.approx(-1.58, abs=1e-12)


def test_paired_t_matches_scipy_and_counts_missing():
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=25), rng.normal(size=25)
    x[3], y[10] = np.nan, np.nan
    for alternative in ("two-sided", "greater", "less"):
        res = paired_t(x, y, alternative=alternative, conf_level=0.9)
        ok = ~(np.isnan(x) | np.isnan(y))
        ref = stats.ttest_rel(x[ok], y[ok], alternative=alternative)
        ci = ref.confidence_interval(confidence_level=0.9)
        assert (res.statistic, res.pvalue, res.df) == (ref.statistic, ref.pvalue, ref.df)
        assert (res.ci_low, res.ci_high) == (ci.low, ci.high)
        assert res.n_missing == 2 and res.n == 23
        assert res.sd_difference == pytest.approx(np.std(x[ok] - y[ok], ddof=1), rel=1e-14)
    with pytest.raises(ValueError, match="at least 2"):
        paired_t([1.0, np.nan], [2.0, 3.0])


def test_sign_test_opioid_counts():
    # Dougherty et al. 2014 abstract: opioids decreased in 34, unchanged in 15, increased in 8 of 57
    # patients, reported p < 0.0001; statistics-notes section 3.5 gives two-sided p = 6.88e-5
    pre = [2] * 34 + [1] * 15 + [0] * 8
    post = [1] * 34 + [1] * 15 + [1] * 8
    res = sign_test(pre, post)
    assert (res.n_decreased, res.n_unchanged, res.n_increased, res.n_used, res.n_missing) == (34, 15, 8, 42, 0)
    assert res.statistic == 34
    assert res.pvalue == stats.binomtest(34, 42, 0.5).pvalue
    assert res.pvalue < 1e-4
    assert res.pvalue == pytest.approx(6.88e-5, abs=5e-8)
    # the direction is "post < pre"; swapping the roles swaps the counts, not the two-sided p
    swapped = sign_test(post, pre)
    assert (swapped.n_decreased, swapped.n_increased) == (8, 34)
    assert swapped.pvalue == res.pvalue
    assert sign_test(pre, post, alternative="greater").pvalue == stats.binomtest(34, 42, alternative="greater").pvalue


def test_sign_test_missing_mu_and_errors():
    res = sign_test([5, 6, np.nan, 7, 8], [4, 6, 1, None, 9], mu=0)
    assert (res.n_decreased, res.n_unchanged, res.n_increased, res.n_missing) == (1, 1, 1, 2)
    shifted = sign_test([5, 6, 7], [4, 4, 4], mu=2)  # d - mu = -1, 0, 1
    assert (shifted.n_decreased, shifted.n_unchanged, shifted.n_increased) == (1, 1, 1)
    with pytest.raises(ValueError, match="all 3 differences are zero"):
        sign_test([1, 2, 3], [1, 2, 3])
    with pytest.raises(ValueError, match="no complete pairs"):
        sign_test([np.nan, 1], [2, np.nan])
    with pytest.raises(ValueError, match="alternative"):
        sign_test([1], [2], alternative="two_sided")
    assert sign_test([1], [2], alternative="two.sided") == sign_test([1], [2])  # R's spelling accepted


# ------------------------------------------------------------------ equality with scipy on a grid


def _datasets():
    rng = np.random.default_rng(20140101)
    yield "distinct-9", rng.normal(0.3, 1, 9).round(6)
    # n <= 13 with ties or zeros: scipy's "auto" runs an exact permutation test (kept small: 2^8 sign flips)
    yield "nrs-8-ties-zeros", (rng.integers(0, 11, 8) - rng.integers(0, 11, 8)).astype(float)
    yield "nrs-14-ties-zeros", (rng.integers(0, 11, 14) - rng.integers(0, 11, 14)).astype(float)
    yield "distinct-30", rng.normal(0.4, 1, 30).round(6)
    yield "nrs-29-ties-no-zero", np.r_[np.arange(1, 8), -np.arange(1, 5), np.arange(1, 10), np.arange(1, 10)].astype(float)
    yield "distinct-60", rng.normal(0.2, 1, 60).round(6)


@pytest.mark.slow  # heavy for `make check`'s inner loop; runs in `make test`
@pytest.mark.parametrize("name,d", list(_datasets()), ids=lambda v: v if isinstance(v, str) else "")
def test_wilcoxon_equals_scipy_on_a_grid(name, d):
    settings = itertools.product(("wilcox", "pratt", "zsplit"), ("auto", "exact", "asymptotic"),
                                 (False, True), ("two-sided", "greater", "less"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # HL intervals of tiny samples warn by design
        for zero_method, method, correction, alternative in settings:
            res = wilcoxon(d, zero_method=zero_method, method=method, correction=correction,
                           alternative=alternative)
            ref = stats.wilcoxon(d, zero_method=zero_method, method=method, correction=correction,
                                 alternative=alternative)
            label = (name, zero_method, method, correction, alternative)
            assert res.statistic == ref.statistic, label
            nonzero = d[d != 0]
            tied = np.unique(np.abs(nonzero)).size < nonzero.size
            conditional = method == "exact" and (tied or (zero_method != "wilcox" and (d == 0).any()))
            assert res.distribution == ("conditional" if conditional else
                                        {"exact": "signrank", "permutation": "permutation"}.get(res.method, "normal"))
            if conditional:
                # scipy's "exact" is the untied table even with ties (gh-19872); the exact conditional
                # distribution is scipy's permutation test, deterministic for n <= 13 (2^n flips).
                # Larger n: tests/test_r_wilcoxon.py checks it against coin and exactRankTests.
                if d.size <= 13:
                    perm = stats.wilcoxon(d, zero_method=zero_method, alternative=alternative,
                                          method=stats.PermutationMethod())
                    assert res.pvalue == pytest.approx(perm.pvalue, rel=1e-12), label
            else:
                assert res.pvalue == ref.pvalue, label
            # rank sums agree with the statistic scipy reports
            expected_stat = min(res.r_plus, res.r_minus) if alternative == "two-sided" else res.r_plus
            assert res.statistic == expected_stat, label
            if method == "asymptotic":
                # ours is signed, (R+ - E)/sd; scipy's two-sided zstatistic is -|z|
                expected_z = ref.zstatistic
                if alternative == "two-sided":
                    ranked_d = d if zero_method != "wilcox" else d[d != 0]
                    expected_z = abs(ref.zstatistic) * np.sign(res.zstatistic)
                    centre = ranked_d.size * (ranked_d.size + 1) / 4
                    if zero_method == "pratt":
                        z0 = int((d == 0).sum())
                        centre -= z0 * (z0 + 1) / 4
                    if not correction:
                        assert np.sign(res.zstatistic) == np.sign(res.r_plus - centre), label
                assert res.zstatistic == pytest.approx(expected_z, rel=1e-12), label
            # the reported method, passed back to scipy, reproduces the "auto" result
            if method == "auto":
                used = stats.PermutationMethod() if res.method == "permutation" else res.method
                again = stats.wilcoxon(d, zero_method=zero_method, method=used, correction=correction,
                                       alternative=alternative)
                assert again.pvalue == ref.pvalue, label
            n_zero = int(np.sum(d == 0))
            assert res.n_zero == n_zero
            assert res.n_used == (d.size - n_zero if zero_method == "wilcox" else d.size)
            ranked = d.size - n_zero if zero_method == "wilcox" else d.size
            total_ranks = ranked * (ranked + 1) / 2
            if zero_method == "pratt":
                total_ranks -= stats.rankdata(np.abs(d))[d == 0].sum()
            assert res.r_plus + res.r_minus == pytest.approx(total_ranks), label


@pytest.mark.slow  # heavy for `make check`'s inner loop; runs in `make test`
def test_auto_method_labels():
    assert wilcoxon(CORN).method == "exact"
    assert wilcoxon([1, 2, 2, -3, 4]).method == "permutation"  # tie, n <= 13
    assert wilcoxon([1, 0, 2, -3, 4]).method == "permutation"  # zero, n <= 13
    assert wilcoxon(np.r_[np.arange(1, 14), 0.0]).method == "asymptotic"  # zero, n = 14
    boundary = np.r_[np.arange(1, 12), 11.0, -2.0]  # n = 13 with a tie: the largest permutation case
    res = wilcoxon(boundary)
    assert res.method == "permutation"
    assert res.pvalue == stats.wilcoxon(boundary).pvalue
    assert wilcoxon(np.arange(1, 52, dtype=float)).method == "asymptotic"  # n > 50


def test_missing_pairs_are_counted_and_dropped():
    x = np.array(DEPRESSION_X + [np.nan, 2.0, 1.0])
    y = np.array(DEPRESSION_Y + [1.0, np.nan, None], dtype=float)
    res = wilcoxon(x, y, alternative="greater")
    clean = wilcoxon(DEPRESSION_X, DEPRESSION_Y, alternative="greater")
    assert res.n_missing == 3 and clean.n_missing == 0
    assert (res.statistic, res.pvalue, res.hodges_lehmann) == (clean.statistic, clean.pvalue, clean.hodges_lehmann)
    hl = hodges_lehmann(x, y)
    assert hl.n_missing == 3 and hl.n == 9


def test_mu_shifts_the_differences():
    d = np.round(np.array(DEPRESSION_X) - np.array(DEPRESSION_Y), 9)
    for mu in (0.2, -0.05, 0.43):  # 0.43 makes one difference zero
        res = wilcoxon(DEPRESSION_X, DEPRESSION_Y, mu=mu, zero_method="pratt")
        ref = stats.wilcoxon(np.round(d - mu, 9), zero_method="pratt")
        assert (res.statistic, res.pvalue) == (ref.statistic, ref.pvalue)
    assert wilcoxon(DEPRESSION_X, DEPRESSION_Y, mu=0.43).n_zero == 1
    # with no zero created, the HL estimate does not depend on mu (R adds mu back)
    shifted = wilcoxon(DEPRESSION_X, DEPRESSION_Y, mu=0.2)
    hl = hodges_lehmann(DEPRESSION_X, DEPRESSION_Y)
    assert shifted.hodges_lehmann == pytest.approx(hl.estimate, abs=1e-12)
    assert (shifted.ci_low, shifted.ci_high) == pytest.approx((hl.ci_low, hl.ci_high), abs=1e-12)


# ------------------------------------------------------------------ edge cases


def test_no_pairs_all_missing_and_all_zero_are_errors():
    with pytest.raises(ValueError, match="no pairs"):
        wilcoxon([])
    with pytest.raises(ValueError, match="all 2 pairs have a missing value"):
        wilcoxon([np.nan, 1.0], [2.0, np.nan])
    with pytest.raises(ValueError, match="all 4 differences are zero"):
        wilcoxon([3, 4, 5, 6], [3, 4, 5, 6])
    with pytest.raises(ValueError, match="all 20 differences are zero"):
        wilcoxon(np.zeros(20))  # scipy: NaN here (and p = 1 for n <= 13): no sign information either way
    with pytest.raises(ValueError, match="all 3 differences are zero"):
        hodges_lehmann([1, 1, 1], [1, 1, 1])
    with pytest.raises(ValueError, match="pair up"):
        wilcoxon([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="infinite"):
        wilcoxon([1, np.inf])


def test_bad_options_are_named():
    with pytest.raises(ValueError, match="zero_method"):
        wilcoxon(CORN, zero_method="drop")
    with pytest.raises(ValueError, match="method"):
        wilcoxon(CORN, method="permutation")
    with pytest.raises(ValueError, match="alternative"):
        wilcoxon(CORN, alternative="two_sided")
    # R's spelling is accepted (API convention)
    assert wilcoxon(CORN, alternative="two.sided") == wilcoxon(CORN)
    with pytest.raises(ValueError, match="conf_level"):
        wilcoxon(CORN, conf_level=95)
    with pytest.raises(ValueError, match="correction"):
        wilcoxon(CORN, correction="yes")


def test_single_pair():
    with pytest.warns(RuntimeWarning, match="not achievable with 1 non-zero"):
        res = wilcoxon([5.0], [3.0])  # the test is fine; its HL interval degenerates, as the docstring says
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wilcoxon([5.0], [3.0], conf_level=None)
    with pytest.warns(RuntimeWarning, match="not achievable"):
        hl = hodges_lehmann([5.0], [3.0])
    assert (hl.estimate, hl.ci_low, hl.ci_high, hl.n) == (2.0, 2.0, 2.0, 1)
    ref = stats.wilcoxon([2.0])
    assert (res.statistic, res.pvalue) == (ref.statistic, ref.pvalue) == (0.0, 1.0)
    assert (res.n_used, res.method) == (1, "exact")
    # R: with one difference the only Walsh average is the interval, with coverage 0
    assert (res.hodges_lehmann, res.ci_low, res.ci_high) == (2.0, 2.0, 2.0)
    assert res.achieved_conf_level == 0.0
    assert sign_test([5.0], [3.0]).pvalue == 1.0


def test_zero_differences_with_each_zero_method():
    d = [0, 0, 1, 2, 3, -1, 4, 5]
    wil, pra, zsp = (wilcoxon(d, zero_method=z) for z in ("wilcox", "pratt", "zsplit"))
    assert (wil.n_used, pra.n_used, zsp.n_used) == (6, 8, 8)
    assert all(r.n_zero == 2 for r in (wil, pra, zsp))
    # pratt ranks the zeros (1.5 each) and drops them; zsplit splits their 3 between R+ and R-
    assert (pra.r_plus, pra.r_minus) == (3.5 + 5 + 6 + 7 + 8, 3.5)
    assert (zsp.r_plus, zsp.r_minus) == (pra.r_plus + 1.5, pra.r_minus + 1.5)
    # the Hodges-Lehmann interval removes the zeros (as R), so it is the same for all three
    assert wil.hodges_lehmann == pra.hodges_lehmann == zsp.hodges_lehmann
    assert wil.ci_method == "asymptotic"  # zeros present: R's rule leaves the exact branch


# ------------------------------------------------------------------ Hodges-Lehmann


def _brute_walsh(d):
    return sorted((d[i] + d[j]) / 2 for i in range(len(d)) for j in range(i, len(d)))


def test_hodges_lehmann_is_the_median_of_walsh_averages():
    rng = np.random.default_rng(3)
    for n in (1, 2, 5, 10, 17):
        d = rng.normal(size=n).round(5)
        d = d[d != 0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            hl = hodges_lehmann(d)
        assert hl.estimate == pytest.approx(float(np.median(_brute_walsh(list(d)))), abs=1e-12)


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
@pytest.mark.parametrize("conf_level", [0.8, 0.9, 0.95, 0.99])
def test_exact_interval_inverts_scipys_exact_test(alternative, conf_level):
    """The CI is the set of shifts theta the exact signed-rank test does not reject (Bauer 1972)."""
    rng = np.random.default_rng(11)
    alpha = 1 - conf_level
    for n in (10, 14, 20):  # large enough for 99 % to be attainable
        d = rng.normal(0.5, 1, n).round(4)
        hl = hodges_lehmann(d, conf_level=conf_level, alternative=alternative, method="exact")
        walsh = np.array(_brute_walsh(list(d)))
        points = np.unique(walsh)
        # test at every point strictly between consecutive distinct Walsh averages, and outside them
        probes = np.r_[points[0] - 1, (points[:-1] + points[1:]) / 2, points[-1] + 1]
        pvals = np.array([stats.wilcoxon(d - t, method="exact", alternative=alternative).pvalue for t in probes])
        accepted = probes[pvals >= alpha * (1 - 1e-9)]
        lo = points[points < accepted.min()].max() if (points < accepted.min()).any() else -np.inf
        hi = points[points > accepted.max()].min() if (points > accepted.max()).any() else np.inf
        if alternative == "greater":
            hi = np.inf
        if alternative == "less":
            lo = -np.inf
        assert (hl.ci_low, hl.ci_high) == (lo, hi), (n, alternative, conf_level)
        assert hl.achieved_conf_level >= conf_level - 1e-12


def test_depression_interval_matches_r_index_rule():
    # R's .wilcox_test_one_cint_exact (stats/R/wilcox.test.R): qu <- qsignrank(alpha/2, n), interval
    # (W[qu], W[n(n+1)/2 - qu + 1]); for n = 9 and alpha = 0.05, qsignrank(0.025, 9) = 6 (psignrank(5, 9) =
    # 10/512 < 0.025 <= psignrank(6, 9) = 14/512, Wilcoxon's generating-function counts)
    d = list(np.round(np.array(DEPRESSION_X) - np.array(DEPRESSION_Y), 9))
    walsh = _brute_walsh(d)
    hl = hodges_lehmann(DEPRESSION_X, DEPRESSION_Y)
    assert (hl.ci_low, hl.ci_high) == (walsh[5], walsh[39]) == (0.01, 0.786)
    assert hl.estimate == pytest.approx(0.46, abs=1e-12)
    assert hl.achieved_conf_level == 1 - 2 * 10 / 512
    assert hl.method == "exact"


def test_signrank_table_matches_scipy_exact_pvalues():
    for n in range(1, 21):
        cdf = paired._signrank_cdf(n)
        total = n * (n + 1) // 2
        assert cdf[-1] == pytest.approx(1.0, abs=1e-12)
        for v in sorted({0, 1, total // 3, total // 2, total - 1, total}):
            # signs chosen greedily from the largest rank so that R+ = v exactly
            signs, left = -np.ones(n), v
            for rank in range(n, 0, -1):
                if rank <= left:
                    signs[rank - 1], left = 1, left - rank
            d = signs * np.arange(1, n + 1)
            p_less = stats.wilcoxon(d, method="exact", alternative="less").pvalue
            assert cdf[v] == pytest.approx(p_less, rel=1e-12, abs=1e-300), (n, v)


def test_asymptotic_and_auto_interval():
    rng = np.random.default_rng(5)
    d = rng.normal(1, 2, 45).round(6)
    exact = hodges_lehmann(d, method="exact")
    approx = hodges_lehmann(d, method="asymptotic")
    walsh = np.array(_brute_walsh(list(d)))
    # normal-approximation critical value differs from the exact one by at most one order statistic
    lo_pos = np.searchsorted(walsh, [exact.ci_low, approx.ci_low])
    assert abs(lo_pos[0] - lo_pos[1]) <= 1
    assert approx.achieved_conf_level == pytest.approx(exact.achieved_conf_level, abs=0.005)
    assert exact.estimate == approx.estimate
    assert hodges_lehmann(d).method == "exact"  # n < 50, no ties, no zeros (R's rule)
    assert hodges_lehmann(rng.normal(size=60).round(4)).method == "asymptotic"
    with pytest.warns(RuntimeWarning, match="not achievable"):
        assert hodges_lehmann([1, 2, 2, 3, -1]).method == "asymptotic"  # ties
    with pytest.raises(ValueError, match="method"):
        hodges_lehmann(d, method="uniroot")


def test_small_n_interval_warns_like_r():
    # n = 5: P(V = 0) = 1/32 > 0.025, so no interval reaches 95 %; R warns and uses (W_1, W_15)
    with pytest.warns(RuntimeWarning, match="not achievable"):
        hl = hodges_lehmann([1.0, 2.5, 3.0, 4.5, 6.0])
    assert (hl.ci_low, hl.ci_high) == (1.0, 6.0)
    assert hl.achieved_conf_level == 1 - 2 / 32


# ------------------------------------------------------------------ minimum attainable p


def test_min_attainable_p_reference_table():
    # statistics-notes section 3.6 (n = 13): exact 2.44e-4, asymptotic no ties 1.47e-3,
    # all tied 3.11e-4, all tied + continuity correction 3.63e-4
    assert min_attainable_p(13) == pytest.approx(2.44e-4, abs=5e-7)
    assert min_attainable_p(13, "sign") == pytest.approx(2.44e-4, abs=5e-7)
    assert min_attainable_p(13, method="asymptotic", ties="none") == pytest.approx(1.47e-3, abs=5e-6)
    assert min_attainable_p(13, method="asymptotic") == pytest.approx(3.11e-4, abs=5e-7)
    assert min_attainable_p(13, method="asymptotic", correction=True) == pytest.approx(3.63e-4, abs=5e-7)
    # the kit's reason for the check: the abstract's activity-pain "p<0.0001" with n = 13
    assert min(min_attainable_p(13, t, m) for t in ("wilcoxon", "sign") for m in ("exact", "asymptotic")) > 1e-4


@pytest.mark.parametrize("n", [1, 2, 5, 13, 20, 40, 60])
@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_min_attainable_p_equals_scipy_on_the_extreme_data(n, alternative):
    sign = -1.0 if alternative == "less" else 1.0
    distinct = sign * np.arange(1, n + 1, dtype=float)
    tied = sign * np.ones(n)
    if n <= 50:  # scipy's exact distribution
        assert min_attainable_p(n, method="exact", alternative=alternative) == pytest.approx(
            stats.wilcoxon(distinct, method="exact", alternative=alternative).pvalue, rel=1e-12)
    if 2 <= n <= 10:  # tied data: the exact permutation test gives the same minimum
        assert min_attainable_p(n, method="exact", alternative=alternative) == pytest.approx(
            stats.wilcoxon(tied, method=stats.PermutationMethod(), alternative=alternative).pvalue, rel=1e-12)
    assert min_attainable_p(n, "sign", "exact", alternative=alternative) == pytest.approx(
        stats.binomtest(n if sign > 0 else 0, n, alternative=alternative).pvalue, rel=1e-12)
    for correction in (False, True):
        for ties, data in (("none", distinct), ("any", tied)):
            ref = stats.wilcoxon(data, method="asymptotic", correction=correction, alternative=alternative)
            got = min_attainable_p(n, method="asymptotic", ties=ties, correction=correction, alternative=alternative)
            assert got == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-300), (ties, correction)


def _partitions(n, largest=None):
    largest = n if largest is None else largest
    if n == 0:
        yield ()
        return
    for part in range(min(n, largest), 0, -1):
        for rest in _partitions(n - part, part):
            yield (part,) + rest


@pytest.mark.slow
def test_all_tied_is_the_most_extreme_tie_structure_by_brute_force():
    # every integer partition of n is a tie structure; the smallest tie-corrected variance wins.
    # Enumerated for n <= 30; for n <= 60 the same maximum over all partitions by dynamic programming.
    for n in range(1, 31):
        assert max(sum(t ** 3 - t for t in parts) for parts in _partitions(n)) == n ** 3 - n
    best = [0] * 61
    for m in range(1, 61):
        best[m] = max(t ** 3 - t + best[m - t] for t in range(1, m + 1))
        assert best[m] == m ** 3 - m
    # and on data: every tie structure for n <= 9, every zero count, all three zero methods
    for n in range(1, 10):
        floor = min_attainable_p(n, method="asymptotic", ties="any")
        floor_cc = min_attainable_p(n, method="asymptotic", ties="any", correction=True)
        for parts in _partitions(n):
            values = np.repeat(np.arange(1, len(parts) + 1, dtype=float), parts)
            for n_zero in range(0, n):
                data = values.copy()
                data[:n_zero] = 0.0  # zeros replace the smallest values
                for zero_method in ("wilcox", "pratt", "zsplit"):
                    p = stats.wilcoxon(data, zero_method=zero_method, method="asymptotic").pvalue
                    p_cc = stats.wilcoxon(data, zero_method=zero_method, method="asymptotic", correction=True).pvalue
                    assert p >= floor * (1 - 1e-12)
                    assert p_cc >= floor_cc * (1 - 1e-12)


def test_sign_asymptotic_matches_normal_and_yates_formulas():
    for n in (5, 13, 30):
        # without correction z = sqrt(n): the same as the all-tied signed-rank statistic (scipy)
        assert min_attainable_p(n, "sign", "asymptotic") == pytest.approx(
            stats.wilcoxon(np.ones(n), method="asymptotic").pvalue, rel=1e-12)
        # with correction: R prop.test's one-sample Yates chi-square, (|x - n/2| - 1/2)^2 / (n/4), 1 df
        yates = (n / 2 - 0.5) ** 2 / (n / 4)
        assert min_attainable_p(n, "sign", "asymptotic", correction=True) == pytest.approx(
            stats.chi2.sf(yates, 1), rel=1e-12)


def test_min_attainable_p_validation():
    assert min_attainable_p(1) == 1.0
    with pytest.raises(ValueError, match="positive integer"):
        min_attainable_p(0)
    with pytest.raises(ValueError, match="positive integer"):
        min_attainable_p(2.5)
    with pytest.raises(ValueError, match="unknown test"):
        min_attainable_p(5, "jonckheere")
    assert min_attainable_p(5, "t") == 0.0          # a t-test has no floor (sacro_kit.forensics.attainable)
    with pytest.raises(ValueError, match="ties"):
        min_attainable_p(5, method="asymptotic", ties="some")


@pytest.mark.filterwarnings("ignore:requested conf_level:RuntimeWarning")  # the 3-value sample
def test_walsh_selection_equals_sorting(monkeypatch):
    """Counting by distinct values and sampled selection (Monahan-style) must equal the sorted averages exactly."""
    rng = np.random.default_rng(2024)
    samples = [rng.normal(size=300).round(6), rng.integers(-5, 6, 400).astype(float), rng.normal(size=600).round(2),
               np.r_[rng.normal(size=250) * 1e-300, rng.normal(size=50) * 1e6], np.array([-2.5, -2.5, 1.0])]

    def all_intervals():
        return [[hodges_lehmann(d, method="asymptotic", alternative=alt, conf_level=c)
                 for alt in ("two-sided", "greater", "less") for c in (0.9, 0.95, 0.5)] for d in samples]

    monkeypatch.setattr(paired, "_DISTINCT_LIMIT", 0)  # reference: sort every Walsh average
    reference = all_intervals()
    monkeypatch.setattr(paired, "_DISTINCT_LIMIT", 1500)  # counting over pairs of distinct values
    assert all_intervals() == reference
    monkeypatch.setattr(paired, "_DISTINCT_LIMIT", 0)  # compiled selection: exact counting, tiny brackets
    monkeypatch.setattr(paired, "_WALSH_SORT_LIMIT", 0)
    monkeypatch.setattr(_walsh, "COLLECT_LIMIT", 300)
    monkeypatch.setattr(_walsh, "SAMPLE_SIZE", 500)
    assert all_intervals() == reference
    d = np.sort(samples[2])
    i, j = np.triu_indices(d.size)
    walsh = np.sort((d[i] + d[j]) / 2.0)
    ranks = [1, 2, 1000, walsh.size // 2, walsh.size // 2 + 1, walsh.size - 1, walsh.size]
    assert _walsh.select(d, ranks) == {r: walsh[r - 1] for r in ranks}


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
@pytest.mark.parametrize("collect_limit", [100_000, 50, 1])
def test_walsh_selection_is_exact_on_hard_samples(monkeypatch, collect_limit):
    """Ties by the thousand, 300 orders of magnitude in one sample, and brackets forced down to single values."""
    rng = np.random.default_rng(77)
    monkeypatch.setattr(_walsh, "COLLECT_LIMIT", collect_limit)
    samples = [rng.normal(size=3000), rng.normal(size=2500).round(1), rng.integers(-3, 4, 2200) * 0.5,
               np.r_[rng.normal(size=2500) * 1e-300, rng.normal(size=500) * 1e6], np.full(2100, 7.25)]
    for d in samples:
        d = np.sort(d)
        i, j = np.triu_indices(d.size)
        walsh = np.sort((d[i] + d[j]) / 2.0)
        ranks = [1, 2, walsh.size // 3, walsh.size // 2, walsh.size // 2 + 1, walsh.size - 1, walsh.size]
        ranks += [int(r) for r in rng.integers(1, walsh.size + 1, 10)]
        assert _walsh.select(d, ranks) == {r: walsh[r - 1] for r in ranks}
    with pytest.raises(ValueError, match="ranks must lie in"):
        _walsh.select(np.arange(3.0), [7])


def test_large_sample_is_feasible():
    d = np.random.default_rng(9).normal(0.1, 1, 20_000)
    res = wilcoxon(d)
    assert res.method == "asymptotic" and res.ci_method == "asymptotic"
    assert res.ci_low < res.hodges_lehmann < res.ci_high
    with pytest.raises(ValueError, match="method='asymptotic'"):
        hodges_lehmann(d, method="exact")


def test_wilcoxon_without_interval_matches_scipy_and_skips_hl():
    # conf_level=None: the test alone, for very large samples; p-value still exactly scipy's.
    rng = np.random.default_rng(11)
    x, y = rng.integers(0, 11, 500), rng.integers(0, 11, 500)
    res = wilcoxon(x, y, method="asymptotic", conf_level=None)
    ref = stats.wilcoxon(x - y, method="asymptotic")
    assert res.pvalue == ref.pvalue and res.statistic == ref.statistic
    assert np.isnan(res.hodges_lehmann) and np.isnan(res.ci_low) and res.ci_method == "none"


def test_paired_t_refuses_constant_differences():
    # Issue 13: t = inf, p = 0 was returned; R's t.test stops with "data are essentially constant"
    # (t.test(c(2, 3, 4), c(1, 2, 3), paired = TRUE), R 4.2.2)
    with pytest.raises(ValueError, match="constant differences"):
        paired_t([2, 3, 4], [1, 2, 3])
    with pytest.raises(ValueError, match="all 3 paired differences equal 0"):
        paired_t([1, 2, 3], [1, 2, 3])
    with pytest.raises(ValueError, match="constant"):
        paired_t([5.0, 6.0, np.nan, 7.0], [4.0, 5.0, 1.0, 6.0])  # constant among complete pairs
    # a tiny real spread is a valid test
    res = paired_t([2, 3, 4.001], [1, 2, 3])
    assert np.isfinite(res.statistic) and res.df == 2


def test_exact_conditional_p_is_fast_and_exact_at_n_57():
    # Issue 13 benchmark: n = 57 tied pain scores, exact conditional p in < 10 ms (timed in benchmarks/,
    # never asserted here); this checks the answer against brute-force enumeration of a smaller tied case.
    rng = np.random.default_rng(57)
    d = (rng.integers(0, 11, 12) - rng.integers(0, 11, 12)).astype(float)
    d[:2] = 0
    for zero_method in ("wilcox", "pratt"):
        ranked = d if zero_method == "pratt" else d[d != 0]
        ranks = stats.rankdata(np.abs(ranked))[ranked != 0]
        signs = ranked[ranked != 0] > 0
        observed = ranks[signs].sum()
        flips = np.array(list(itertools.product([0, 1], repeat=ranks.size)), dtype=bool)
        totals = (flips * ranks).sum(axis=1)
        centre = ranks.sum() / 2
        brute = {"less": np.mean(totals <= observed + 1e-9), "greater": np.mean(totals >= observed - 1e-9),
                 "two-sided": min(1.0, np.mean(np.abs(totals - centre) >= abs(observed - centre) - 1e-9))}
        for alternative, expected in brute.items():
            got = paired.exact_signed_rank_p(d, zero_method=zero_method, alternative=alternative)
            assert got == pytest.approx(expected, rel=1e-12), (zero_method, alternative)


def test_results_unpack_like_scipy_and_tabulate():
    statistic, pvalue = wilcoxon(CORN)
    ref = stats.wilcoxon(CORN)
    assert (statistic, pvalue) == (ref.statistic, ref.pvalue)
    estimate, low, high = hodges_lehmann(CORN)
    assert low <= estimate <= high
    assert tuple(sign_test([2] * 10, [1] * 10)) == (10, sign_test([2] * 10, [1] * 10).pvalue)
    t, p = paired_t([1, 2, 3.5], [0, 0, 0])
    assert (t, p) == tuple(stats.ttest_rel([1, 2, 3.5], [0, 0, 0]))
    frame = wilcoxon(CORN).to_frame()
    assert frame.shape[0] == 1 and frame.loc[0, "distribution"] == "signrank"
    assert repr(wilcoxon(CORN)).startswith("WilcoxonResult(statistic=24")
