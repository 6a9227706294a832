"""Tests for sacro_kit.stats.meansd: mean/SD from medians, quartiles and ranges.

Reference values and where they come from are cited next to each number.
"""

import math
import numpy as np
import pytest
from scipy import integrate, special
from scipy.stats import norm

from sacro_kit.stats.meansd import (WAN_TABLE1_XI, WAN_TABLE2_ETA, MeanSD, estimate_mean_sd, wan_eta, wan_xi)


# ---------------------------------------------------------------- published package outputs

def test_luo_mean_s1_matches_metablue_example_output():
    # metaBLUE 1.0.0, Luo.mean(X = c(1, 4, 10), n = 30, type = "S1"): "$muhat [1] 4.356748"
    # (example output, https://rdrr.io/cran/metaBLUE/man/Luo.mean.html)
    r = estimate_mean_sd(30, min=1, median=4, max=10)
    assert r.scenario == "S1" and r.mean_method == "luo"
    assert r.mean == pytest.approx(4.356748, abs=5e-7)


def test_wan_sd_s1_matches_metablue_example_output():
    # metaBLUE 1.0.0, Wan.std(X = c(1, 4, 10), n = 30, type = "S1"): "$sigmahat [1] 2.205578"
    # (example output, https://rdrr.io/cran/metaBLUE/man/Wan.std.html)
    r = estimate_mean_sd(30, min=1, median=4, max=10)
    assert r.sd_method == "wan"
    assert r.sd == pytest.approx(2.205578, abs=5e-7)


# ---------------------------------------------------------------- the cohort's own conversions

# statistics-notes.md section 4, "Cohort conversions (S2, closed-form eta)", computed independently by the
# project's research notes from the abstract's medians/IQRs (Dougherty 2014: rest n = 29, activity n = 13,
# opioids n = 57): (q1, median, q3, n, Wan mean, Luo mean, SD), each printed to the decimals given.
COHORT = [
    ("rest pre", 4, 7, 8.5, 29, 6.50, 6.465, 3.509),
    ("rest post", 1, 2, 3.5, 29, 2.167, 2.178, 1.949),
    ("activity pre", 8.5, 10, 10, 13, 9.50, 9.453, 1.246),
    ("activity post", 4, 6, 6.8, 13, 5.60, 5.562, 2.326),
    ("opioids pre", 1, 1, 2, 57, 1.333, 1.353, 0.761),
    ("opioids post", 0, 0, 1, 57, 0.333, 0.353, 0.761),
]


def _half_unit(printed: float) -> float:
    decimals = len(f"{printed}".split(".")[1])
    return 0.5 * 10 ** -decimals + 1e-12


@pytest.mark.parametrize("name,q1,m,q3,n,wan_mean,luo_mean,sd", COHORT)
def test_cohort_conversions_match_the_notes(name, q1, m, q3, n, wan_mean, luo_mean, sd):
    luo = estimate_mean_sd(n, q1=q1, median=m, q3=q3)
    wan = estimate_mean_sd(n, q1=q1, median=m, q3=q3, mean_method="wan")
    assert luo.mean == pytest.approx(luo_mean, abs=_half_unit(luo_mean))
    assert wan.mean == pytest.approx(wan_mean, abs=_half_unit(wan_mean))
    assert luo.sd == pytest.approx(sd, abs=_half_unit(sd))
    assert wan.sd == luo.sd  # the SD does not depend on the mean estimator


def test_rest_pre_sd_with_wan_table2():
    # statistics-notes.md section 4: rest pre SD 3.509 with the closed form, "Table-2 eta: 3.505".
    # Wan 2014 Table 2 gives eta(29) = 1.284 (Q = 7), so SD = 4.5 / 1.284.
    r = estimate_mean_sd(29, q1=4, median=7, q3=8.5, xi_eta="table")
    assert r.eta == 1.284
    assert r.sd == pytest.approx(3.505, abs=5e-4)
    assert "Table 2" in r.constants


# ---------------------------------------------------------------- Wan's constants

def _expected_normal_order_statistic(r: int, n: int) -> float:
    """E[Z_(r:n)] for a standard normal sample, integrating x times the order-statistic density (log scale)."""
    log_c = math.lgamma(n + 1) - math.lgamma(r) - math.lgamma(n - r + 1) - 0.5 * math.log(2 * math.pi)

    def integrand(x):
        return x * math.exp(log_c - 0.5 * x * x + (r - 1) * special.log_ndtr(x) + (n - r) * special.log_ndtr(-x))
    mode = special.ndtri((r - 0.375) / (n + 0.25))
    value, _ = integrate.quad(integrand, mode - 12, mode + 12, points=[mode], epsabs=1e-13, epsrel=1e-12, limit=200)
    return value


def test_order_statistic_helper_is_exact_for_n_2():
    # E[max of 2 standard normals] = 1 / sqrt(pi) (a textbook closed form).
    assert _expected_normal_order_statistic(2, 2) == pytest.approx(1 / math.sqrt(math.pi), rel=1e-12)


# Table entries whose printed third decimal is rounded up from an exact value ending in ...45 (so they differ
# from the exact expectation by 5.1-5.5e-4 instead of <= 5e-4): Table 1 n = 12 (3.2585), Table 2 n = 49 and 97.
ROUNDED_UP = {("xi", 12), ("eta", 49), ("eta", 97)}


def test_wan_table1_is_the_expected_normal_range():
    # Wan 2014 Table 1 (https://bmcmedresmethodol.biomedcentral.com/articles/10.1186/1471-2288-14-135/tables/1):
    # xi(n) = E(range of n standard normals) = 2 E[Z_(n:n)], printed to 3 decimals; named values from the brief.
    assert WAN_TABLE1_XI[13 - 1] == 3.336 and WAN_TABLE1_XI[29 - 1] == 4.057 and WAN_TABLE1_XI[50 - 1] == 4.498
    for n in range(2, 51):
        tol = 5.5e-4 if ("xi", n) in ROUNDED_UP else 5.0e-4
        assert WAN_TABLE1_XI[n - 1] == pytest.approx(2 * _expected_normal_order_statistic(n, n), abs=tol), n


def test_wan_table2_is_twice_the_expected_upper_quartile_order_statistic():
    # Wan 2014 Table 2 (values as in R package meta's Wan2014.Table2): eta(n) for n = 4Q + 1 equals
    # 2 E[Z_(3Q+1:n)] (statistics-notes.md section 4).
    for q in range(1, 51):
        n = 4 * q + 1
        tol = 5.5e-4 if ("eta", n) in ROUNDED_UP else 5.0e-4
        assert WAN_TABLE2_ETA[q - 1] == pytest.approx(2 * _expected_normal_order_statistic(3 * q + 1, n), abs=tol), n


def test_closed_forms_follow_wan_2014_and_differ_from_the_tables():
    # Wan 2014 eqs 7 and 16: xi(n) = 2 Phi^-1((n - 0.375)/(n + 0.25)), eta(n) = 2 Phi^-1((0.75n - 0.125)/(n + 0.25));
    # statistics-notes.md section 4: the closed form gives xi(13) = 3.346, xi(29) = 4.053, xi(50) = 4.487.
    assert wan_xi(13) == pytest.approx(3.346, abs=5e-4)
    assert wan_xi(29) == pytest.approx(4.053, abs=5e-4)
    assert wan_xi(50) == pytest.approx(4.487, abs=5e-4)
    assert wan_eta(29) == pytest.approx(2 * norm.ppf((0.75 * 29 - 0.125) / 29.25), rel=1e-15)
    assert wan_eta(10 ** 6) == pytest.approx(2 * norm.ppf(0.75), abs=1e-5)  # 1.349 for large n


def test_table_option_falls_back_to_the_formula_where_no_table_value_exists():
    r = estimate_mean_sd(30, q1=2, median=4, q3=7, xi_eta="table")  # 30 is not 4Q + 1
    assert r.eta == pytest.approx(wan_eta(30), rel=1e-15)
    assert "closed form" in r.constants
    s = estimate_mean_sd(60, min=0, median=4, max=10, xi_eta="table")  # Table 1 stops at n = 50
    assert s.xi == pytest.approx(wan_xi(60), rel=1e-15)
    t = estimate_mean_sd(13, min=0, median=4, max=10, xi_eta="table")
    assert t.xi == 3.336 and t.sd == pytest.approx(10 / 3.336, rel=1e-12)


# ---------------------------------------------------------------- formulas, restated from independent sources

def test_s2_and_s3_formulas_as_in_r_meta():
    # R package meta, mean_sd_iqr() and mean_sd_iqr_range() (guido-s/meta, R/mean-sd-internal.R):
    # Luo S2 (eq. 15), Luo S3, Wan S3 mean (eq. 10), Shi S3 SD (Shi 2020 eq. 11) with theta1/theta2.
    n, a, q1, m, q3, b = 40, 1.0, 3.0, 5.0, 8.0, 12.0
    s2 = estimate_mean_sd(n, q1=q1, median=m, q3=q3)
    assert s2.mean == pytest.approx((0.7 + 0.39 / n) * (q1 + q3) / 2 + (0.3 - 0.39 / n) * m, rel=1e-14)
    s3 = estimate_mean_sd(n, min=a, q1=q1, median=m, q3=q3, max=b)
    luo3 = (2.2 / (2.2 + n ** 0.75) * (a + b) / 2 + (0.7 - 0.72 / n ** 0.55) * (q1 + q3) / 2
            + (0.3 + 0.72 / n ** 0.55 - 2.2 / (2.2 + n ** 0.75)) * m)
    assert s3.scenario == "S3" and s3.sd_method == "shi"
    assert s3.mean == pytest.approx(luo3, rel=1e-14)
    theta1 = (2 + 0.14 * n ** 0.6) * norm.ppf((n - 0.375) / (n + 0.25))
    theta2 = (2 + 2 / (0.07 * n ** 0.6)) * norm.ppf((0.75 * n - 0.125) / (n + 0.25))
    assert s3.sd == pytest.approx((b - a) / theta1 + (q3 - q1) / theta2, rel=1e-13)
    wan3 = estimate_mean_sd(n, min=a, q1=q1, median=m, q3=q3, max=b, mean_method="wan", sd_method="wan")
    assert wan3.mean == pytest.approx((a + 2 * q1 + 2 * m + 2 * q3 + b) / 8, rel=1e-14)
    assert wan3.sd == pytest.approx(0.5 * (b - a) / wan_xi(n) + 0.5 * (q3 - q1) / wan_eta(n), rel=1e-14)
    bland = estimate_mean_sd(n, min=a, q1=q1, median=m, q3=q3, max=b, mean_method="bland")
    assert bland.mean == wan3.mean  # Bland 2015 and Wan 2014 eq. 10 are the same S3 mean


def test_wan_s1_mean_includes_hozo_small_sample_term():
    # R meta mean_sd_range(method.mean = "Wan"): (min + 2 median + max)/4 + (min - 2 median + max)/(4n) (Wan eq. 2).
    r = estimate_mean_sd(30, min=1, median=4, max=10, mean_method="wan")
    assert r.mean == pytest.approx((1 + 8 + 10) / 4 + (1 - 8 + 10) / 120, rel=1e-14)


def test_hozo_rules_by_sample_size():
    # Hozo 2005 recommendations as summarised by Wan 2014 eq. 6 and coded in varameta's hozo_se():
    # n <= 15: sqrt(((a - 2m + b)^2 / 4 + (b - a)^2) / 12); 15 < n <= 70: range / 4; n > 70: range / 6.
    # Mean: Hozo eq. 4 for n <= 25, the median for n > 25 (statistics-notes.md section 4).
    small = estimate_mean_sd(10, min=2, median=5, max=12, mean_method="hozo", sd_method="hozo")
    assert small.sd == pytest.approx(math.sqrt(((2 - 10 + 12) ** 2 / 4 + 10 ** 2) / 12), rel=1e-14)
    assert small.mean == pytest.approx((2 + 10 + 12) / 4 + (2 - 10 + 12) / 40, rel=1e-14)
    middle = estimate_mean_sd(40, min=2, median=5, max=12, mean_method="hozo", sd_method="hozo")
    assert middle.sd == 2.5 and middle.mean == 5
    large = estimate_mean_sd(100, min=2, median=5, max=12, mean_method="hozo", sd_method="hozo")
    assert large.sd == pytest.approx(10 / 6, rel=1e-14)


# ---------------------------------------------------------------- warnings

def test_activity_pre_is_flagged_as_ceiling_censored_and_skewed():
    r = estimate_mean_sd(13, q1=8.5, median=10, q3=10, scale=(0, 10))
    text = " | ".join(r.warnings)
    assert "ceiling" in text and "median equals q3" in text and "skewed" in text
    # Shi et al. 2023 S2 critical value as coded in metamedian's describe_studies(): 2.65/sqrt(n) - 6/n^2
    assert r.skewness == pytest.approx(-1.0) and r.skewness_critical == pytest.approx(2.65 / math.sqrt(13) - 6 / 169)


def test_opioid_post_is_flagged_at_the_floor():
    r = estimate_mean_sd(57, q1=0, median=0, q3=1, scale=(0, 10))
    text = " | ".join(r.warnings)
    assert "floor" in text and "median equals q1" in text and "skewed" in text


def test_rest_pre_has_no_warning():
    r = estimate_mean_sd(29, q1=4, median=7, q3=8.5, scale=(0, 10))
    assert r.warnings == ()
    assert isinstance(r, MeanSD) and "mean 6.465" in str(r)


def test_s1_and_s3_skewness_critical_values_follow_metamedian():
    r1 = estimate_mean_sd(20, min=0, median=2, max=10)
    assert r1.skewness == pytest.approx(0.6) and r1.skewness_critical == pytest.approx(1 / math.log(29) + 2.5 / 21)
    r3 = estimate_mean_sd(20, min=0, q1=1, median=2, q3=4, max=10)
    c = 2.65 * math.log(12) / math.sqrt(20)
    assert r3.skewness == pytest.approx(max(c * 0.6, 1 / 3))
    assert r3.skewness_critical == pytest.approx(3 / math.sqrt(20) - 40 / 20 ** 3)


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("kwargs,match", [
    (dict(n=20, q1=5, median=4, q3=8), "out of order"),
    (dict(n=20, q1=3, q3=8), "median is required"),
    (dict(n=20, q1=3, median=3, q3=3), "zero IQR"),
    (dict(n=20, median=3), "need q1 and q3"),
    (dict(n=20, q1=3, median=4), "both q1 and q3"),
    (dict(n=20, min=1, median=4), "both min and max"),
    (dict(n=1, q1=3, median=4, q3=5), "sample size"),
    (dict(n=20.5, q1=3, median=4, q3=5), "sample size"),
    (dict(n=20, q1=3, median=4, q3=5, mean_method="bland"), "only for"),
    (dict(n=20, q1=3, median=4, q3=5, sd_method="shi"), "only for"),
    (dict(n=20, q1=3, median=4, q3=5, sd_method="hozo"), "only for"),
    (dict(n=20, q1=3, median=4, q3=5, mean_method="mean"), "mean_method"),
    (dict(n=20, q1=3, median=4, q3=5, xi_eta="tables"), "xi_eta"),
    (dict(n=20, q1=3, median=4, q3=12, scale=(0, 10)), "outside the scale"),
    (dict(n=20, q1=3, median=4, q3=5, scale=(10, 0)), "low < high"),
    (dict(n=20, q1="a", median=4, q3=5), "must be a number"),
])
def test_bad_input_raises_value_error(kwargs, match):
    n = kwargs.pop("n")
    with pytest.raises(ValueError, match=match):
        estimate_mean_sd(n, **kwargs)


def test_nan_quantile_counts_as_missing():
    r = estimate_mean_sd(20, min=np.nan, q1=3, median=4, q3=6, max=np.nan)
    assert r.scenario == "S2"
