"""Tests for sacro_kit.quantile / order_statistic / describe: numpy, an exact re-derivation, and published outputs."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from sacro_kit.stats.quantiles import (NUMPY_METHOD, QUANTILE_METHODS, describe, order_statistic, quantile)

HF_TYPES = range(1, 10)
# p values that are exact in binary plus common decimals
PROBS = [0, 0.05, 0.1, 0.125, 0.2, 0.25, 1 / 3, 0.4, 0.5, 0.6, 2 / 3, 0.75, 0.8, 0.875, 0.9, 0.95, 1]


def _hyndman_fan(sample, p: Fraction, hf_type: int) -> Fraction:
    """Q_i(p) = (1 - gamma) x_j + gamma x_(j+1), straight from R's ?quantile (Hyndman & Fan 1996), in exact arithmetic."""
    x = sorted(Fraction(v) for v in sample)
    n = len(x)

    def order(j):  # 1-based, clamped to the sample as R does
        return x[min(max(j, 1), n) - 1]

    if hf_type <= 3:
        m = Fraction(-1, 2) if hf_type == 3 else Fraction(0)
        j = math.floor(n * p + m)
        g = n * p + m - j
        if hf_type == 1:
            gamma = Fraction(0) if g == 0 else Fraction(1)
        elif hf_type == 2:
            gamma = Fraction(1, 2) if g == 0 else Fraction(1)
        else:
            gamma = Fraction(0) if (g == 0 and j % 2 == 0) else Fraction(1)
    else:
        # p(k) = (k - alpha) / (n - alpha - beta + 1), i.e. m = alpha + p (1 - alpha - beta)
        alpha, beta = {4: (0, 1), 5: (Fraction(1, 2), Fraction(1, 2)), 6: (0, 0), 7: (1, 1),
                       8: (Fraction(1, 3), Fraction(1, 3)), 9: (Fraction(3, 8), Fraction(3, 8))}[hf_type]
        m = alpha + p * (1 - alpha - beta)
        j = math.floor(n * p + m)
        gamma = n * p + m - j
    return (1 - gamma) * order(j) + gamma * order(j + 1)


def _samples():
    rng = np.random.default_rng(1996)
    for n in list(range(1, 16)) + [29, 57]:
        for _ in range(3):
            yield rng.integers(0, 11, n)


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
@pytest.mark.parametrize("hf_type", HF_TYPES)
def test_every_type_matches_numpy_and_the_exact_definition(hf_type):
    for sample in _samples():
        got = quantile(sample, PROBS, quantile_type=hf_type)
        ref = np.quantile(sample, PROBS, method=NUMPY_METHOD[hf_type])
        np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12)
        for p, value in zip(PROBS, got):
            exact = _hyndman_fan(sample, Fraction(p).limit_denominator(10 ** 6), hf_type)
            assert value == pytest.approx(float(exact), abs=1e-12), (list(sample), p, hf_type)
            # order_statistic is the same rule with exact weights
            assert order_statistic(len(sample), p, hf_type).value(np.sort(sample)) == pytest.approx(float(exact), abs=1e-12)


def test_numpy_method_names():
    # numpy.quantile documentation: the nine H&F methods under these names
    assert NUMPY_METHOD == {1: "inverted_cdf", 2: "averaged_inverted_cdf", 3: "closest_observation",
                            4: "interpolated_inverted_cdf", 5: "hazen", 6: "weibull", 7: "linear",
                            8: "median_unbiased", 9: "normal_unbiased"}
    assert QUANTILE_METHODS == (1, 2, 3, 4, 5, 6, 7, 8, 9, "tukey")


# ------------------------------------------------------------------ published outputs


def test_r_type7_and_type5_published_outputs():
    # Math StackExchange "Five number summary & quantile", R: quantile(c(7, 12, 9, 1)) -> 1.00 5.50 8.00 9.75 12.00
    assert quantile([7, 12, 9, 1], [0, 0.25, 0.5, 0.75, 1], quantile_type=7).tolist() == [1, 5.5, 8, 9.75, 12]
    # Ask Sage "Unexpected result from r.quantile": R quantile of 89 90 86 96 84 100 85 96 88 89:
    # type 7 -> 84.0 86.5 89.0 94.5 100.0; type = 5 -> 84 86 89 96 100
    marks = [89, 90, 86, 96, 84, 100, 85, 96, 88, 89]
    assert quantile(marks, [0, 0.25, 0.5, 0.75, 1], quantile_type=7).tolist() == [84, 86.5, 89, 94.5, 100]
    assert quantile(marks, [0, 0.25, 0.5, 0.75, 1], quantile_type=5).tolist() == [84, 86, 89, 96, 100]
    # TIBCO TERR (R-compatible) ?quantile examples: quantile(1:9) -> 1 3 5 7 9;
    # probs = seq(0, 1, .1) -> 1.0 1.8 2.6 3.4 4.2 5.0 5.8 6.6 7.4 8.2 9.0
    assert quantile(range(1, 10), [0, 0.25, 0.5, 0.75, 1]).tolist() == [1, 3, 5, 7, 9]
    np.testing.assert_allclose(quantile(range(1, 10), np.arange(11) / 10),
                               [1.0, 1.8, 2.6, 3.4, 4.2, 5.0, 5.8, 6.6, 7.4, 8.2, 9.0], atol=1e-12)


def test_type6_published_outputs():
    # talkstats.com "Minitab Quartiles": Minitab on 6 4 9 3 2 4 11 8 6 7 gives Q1 = 3.750, Q3 = 8.250
    y = [6, 4, 9, 3, 2, 4, 11, 8, 6, 7]
    assert quantile(y, [0.25, 0.75], quantile_type=6).tolist() == [3.75, 8.25]
    # GrapeCity Spread formula reference: QUARTILE.EXC({11,21,42,27,18,29,32,52},1) gives 18.75
    assert quantile([11, 21, 42, 27, 18, 29, 32, 52], 0.25, quantile_type=6) == 18.75
    # Google Sheets QUARTILE.EXC help: 6 7 15 36 39 40 41 42 43 47 49 -> quartiles 15, 40, 43
    sheet = [6, 7, 15, 36, 39, 40, 41, 42, 43, 47, 49]
    assert quantile(sheet, [0.25, 0.5, 0.75], quantile_type=6).tolist() == [15, 40, 43]


def test_tukey_hinges_are_r_fivenum():
    # fivenum(1:10) = 1.0 3.0 5.5 8.0 10.0 (TIBCO TERR ?fivenum example; also the R documentation)
    five = [0, 0.25, 0.5, 0.75, 1]
    assert quantile(range(1, 11), five, quantile_type="tukey").tolist() == [1, 3, 5.5, 8, 10]
    # same page: y <- c(1, 3, NA, 9); fivenum(y) = 1 2 3 6 9 (NA dropped)
    assert quantile([1, 3, np.nan, 9], five, quantile_type="tukey").tolist() == [1, 2, 3, 6, 9]
    # Math StackExchange: fivenum(c(7, 12, 9, 1)) = 1.0 4.0 8.0 10.5 12.0; fivenum(c(2, 5, 8, 15, 8)) = 2 5 8 8 15
    assert quantile([7, 12, 9, 1], five, quantile_type="tukey").tolist() == [1, 4, 8, 10.5, 12]
    assert quantile([2, 5, 8, 15, 8], five, quantile_type="tukey").tolist() == [2, 5, 8, 8, 15]
    with pytest.raises(ValueError):
        quantile([1, 2, 3], 0.1, quantile_type="tukey")


def test_hinges_equal_type7_quartiles_for_odd_n_only():
    # R ?boxplot.stats: "The hinges equal the quartiles for odd n ... and differ for even n"
    rng = np.random.default_rng(5)
    differ_even = 0
    for n in range(1, 40):
        x = rng.normal(size=n)
        hinges = quantile(x, [0.25, 0.75], quantile_type="tukey")
        quartiles = quantile(x, [0.25, 0.75], quantile_type=7)
        if n % 2:
            np.testing.assert_allclose(hinges, quartiles, atol=1e-12)
        else:
            differ_even += not np.allclose(hinges, quartiles)
    assert differ_even >= 15  # for even n >= 4 they differ


def test_hinge_positions_by_brute_force():
    # Tukey: the hinges are the medians of the lower and upper halves, each including the median when n is odd
    rng = np.random.default_rng(8)
    for n in range(1, 30):
        x = np.sort(rng.integers(0, 100, n)).astype(float)
        half = (n + 1) // 2
        lower, upper = x[:half], x[n - half:]
        assert quantile(x, 0.25, quantile_type="tukey") == np.median(lower)
        assert quantile(x, 0.75, quantile_type="tukey") == np.median(upper)
        assert quantile(x, 0.5, quantile_type="tukey") == np.median(x)


def test_quartile_lattice_of_the_papers_sample_sizes():
    # statistics-notes section 2.3: with integer data and n = 29 or 13, type 6 quartiles fall on halves,
    # types 4/5 on quarters, types 1/2/3/7 and hinges on integers
    for n in (13, 29):
        for p in (0.25, 0.75):
            assert order_statistic(n, p, 6).gamma in (0, Fraction(1, 2))
            assert order_statistic(n, p, 7).gamma == 0
            assert order_statistic(n, p, "tukey").gamma == 0
            assert order_statistic(n, p, 5).gamma.denominator in (1, 2, 4)
    assert order_statistic(29, 0.75, 6) == order_statistic(29, Fraction(3, 4), 6)


# ------------------------------------------------------------------ describe and missing values


def test_describe_counts_missing_values():
    d = describe([7, 8, None, 4, np.nan, 10], quantile_type=6)
    assert (d.n, d.n_missing) == (4, 2)
    assert (d.min, d.max) == (4.0, 10.0)
    assert (d.q1, d.median, d.q3) == tuple(quantile([7, 8, 4, 10], [0.25, 0.5, 0.75], quantile_type=6))
    assert d.iqr == d.q3 - d.q1
    empty = describe([None, np.nan])
    assert (empty.n, empty.n_missing) == (0, 2) and math.isnan(empty.median)
    assert describe([1, 2, 3]).n_missing == 0


@pytest.mark.parametrize("method", QUANTILE_METHODS)
def test_describe_agrees_with_quantile_for_every_method(method):
    x = [3, 7, 7, 2, 9, 10, 4, 6, 8, 1, 5, 7, 8]
    d = describe(x, quantile_type=method)
    assert (d.q1, d.median, d.q3) == tuple(quantile(x, [0.25, 0.5, 0.75], quantile_type=method))
    assert d.quantile_type == method


def test_quantile_input_errors():
    with pytest.raises(ValueError, match="empty"):
        quantile([np.nan], 0.5)
    with pytest.raises(ValueError):
        quantile([1, 2], 1.5)
    with pytest.raises(ValueError, match="method"):
        quantile([1, 2], 0.5, quantile_type=10)
    with pytest.raises(ValueError, match="method"):
        quantile([1, 2], 0.5, quantile_type="R")


@pytest.mark.slow  # heavy for `make check`'s inner loop; runs in `make test`
def test_quantile_equals_order_statistic_on_every_n_p_type():
    # Issue 13: numpy's floating n * p put types 1-3 on the wrong side of exact boundaries (n = 25, p = 0.28:
    # 25 * 0.28 = 7.000000000000001). R's quantile() adds a 4-ulp fuzz and picks x_(7); so does order_statistic.
    rng = np.random.default_rng(13)
    probs = np.unique(np.r_[np.arange(0, 101, 2) / 100, 0.07, 0.28, 0.35, 0.57, 0.85, 1 / 3, 2 / 3, 0.125, 0.375])
    mismatches = []
    for n in range(1, 41):
        x = np.sort(rng.permutation(np.arange(1, n + 1) * 1.5 + rng.normal(0, 0.1, n)))
        for hf_type in range(1, 10):
            got = quantile(x, probs, quantile_type=hf_type)
            for p, value in zip(probs, got):
                exact = order_statistic(n, float(p), hf_type).value(x)
                if hf_type <= 3 and value != exact or hf_type > 3 and abs(value - exact) > 1e-9:
                    mismatches.append((n, p, hf_type, value, exact))
    assert mismatches == []
    x = np.arange(1.0, 26.0)
    assert quantile(x, 0.28, quantile_type=1) == 7.0 == order_statistic(25, 0.28, 1).value(x)
    assert np.quantile(x, 0.28, method="inverted_cdf") == 8.0  # numpy's answer, the bug this guards against
