"""Tests for sacro_kit.stats.responders: proportion intervals, percent change, responders and responder curves."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from sacro_kit.stats.responders import (CI_METHODS, percent_change, proportion_ci, responder_curve, responders)

STATSMODELS_NAME = {"wilson": "wilson", "clopper-pearson": "beta", "agresti-coull": "agresti_coull",
                    "jeffreys": "jeffreys", "wald": "normal"}


# ------------------------------------------------------------------ proportion_ci: published values


def test_paper_22_of_29():
    # Dougherty et al. 2014 abstract: 22 (76%) of 29 patients had at least a 30% decrease in rest pain;
    # statistics-notes section 6: Wilson 57.9-87.8 %, Clopper-Pearson 56.5-89.7 %, Jeffreys 58.4-88.5 %,
    # Wald 60.3-91.4 % (computed with scipy/statsmodels)
    expected = {"wilson": (57.9, 87.8), "clopper-pearson": (56.5, 89.7), "jeffreys": (58.4, 88.5),
                "wald": (60.3, 91.4)}
    for method, (low, high) in expected.items():
        ci = proportion_ci(22, 29, method)
        assert round(100 * ci.proportion) == 76
        assert (round(100 * ci.low, 1), round(100 * ci.high, 1)) == (low, high), method
    # the notes print Agresti-Coull as 57.6-88.1 %; the upper limit is 0.880495 (statsmodels agrees,
    # see test_all_methods_match_statsmodels), which rounds to 88.0 %
    ac = proportion_ci(22, 29, "agresti-coull")
    assert round(100 * ac.low, 1) == 57.6 and ac.high == pytest.approx(0.8805, abs=5e-5)


def test_r_binom_test_clopper_pearson():
    # R ?binom.test (Conover 1971, p. 97f): binom.test(682, 925, p = 3/4): p-value = 0.3825,
    # 95 percent confidence interval 0.7076683 0.7654066
    assert stats.binomtest(682, 925, 0.75).pvalue == pytest.approx(0.3825, abs=5e-5)
    ci = proportion_ci(682, 925, "clopper-pearson")
    assert (ci.low, ci.high) == pytest.approx((0.7076683, 0.7654066), abs=5e-8)
    # R binom.test(9, 24, 1/6) output reproduced on a tutorial page ("r binom test confidence interval",
    # 2020): 95 percent confidence interval 0.1879929 0.5940636
    ci = proportion_ci(9, 24, "clopper-pearson")
    assert (ci.low, ci.high) == pytest.approx((0.1879929, 0.5940636), abs=5e-8)
    # influentialpoints.com "Confidence intervals of proportions": 5 of 25 seedlings, Conover's tables
    # and R binom.exact give 0.068 to 0.407
    ci = proportion_ci(5, 25, "clopper-pearson")
    assert (ci.low, ci.high) == pytest.approx((0.068, 0.407), abs=5e-4)


def test_published_wilson_wald_jeffreys_values():
    # stests::ci_p_wilson documentation examples: 15/50 -> 0.1910355 0.4375035; 50/50 -> 0.9286524 1;
    # 0/50 -> 6.9e-18 (i.e. 0) and 0.0713476
    assert (proportion_ci(15, 50).low, proportion_ci(15, 50).high) == pytest.approx((0.1910355, 0.4375035), abs=5e-8)
    assert (proportion_ci(50, 50).low, proportion_ci(50, 50).high) == pytest.approx((0.9286524, 1.0), abs=5e-8)
    assert proportion_ci(0, 50).low == 0.0 and proportion_ci(0, 50).high == pytest.approx(0.0713476, abs=5e-8)
    # RPubs worked example (mtcars, mpg >= 25: 6 of 32): Wald 0.05226615 0.32273385, Wilson 0.08889545 0.35309155
    wald, wilson = proportion_ci(6, 32, "wald"), proportion_ci(6, 32, "wilson")
    assert (wald.low, wald.high) == pytest.approx((0.05226615, 0.32273385), abs=5e-9)
    assert (wilson.low, wilson.high) == pytest.approx((0.08889545, 0.35309155), abs=5e-9)
    # Cross Validated answer (A/B test question 549558), R: 198 of 900:
    # Jeffreys qbeta(c(.025, .975), 198.5, 702.5) = 0.1938626 0.2479349; Wald 0.1929364 0.2470636
    jeff, wald = proportion_ci(198, 900, "jeffreys"), proportion_ci(198, 900, "wald")
    assert (jeff.low, jeff.high) == pytest.approx((0.1938626, 0.2479349), abs=5e-8)
    assert (wald.low, wald.high) == pytest.approx((0.1929364, 0.2470636), abs=5e-8)
    # math Q&A "what am I doing wrong in finding the confidence interval": 60 of 125, the interval that
    # adds two successes and two failures, (0.394, 0.567) -- Agresti-Coull's 95 % interval to 3 decimals
    ac = proportion_ci(60, 125, "agresti-coull")
    assert (ac.low, ac.high) == pytest.approx((0.394, 0.567), abs=5e-4)


@pytest.mark.parametrize("method", CI_METHODS)
def test_all_methods_match_statsmodels(method):
    for n in (1, 2, 5, 13, 29, 57, 200):
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            for conf in (0.9, 0.95, 0.99):
                ci = proportion_ci(k, n, method, conf)
                low, high = proportion_confint(k, n, alpha=1 - conf, method=STATSMODELS_NAME[method])
                if method == "jeffreys" and k == 0:
                    low = 0.0  # Brown, Cai & DasGupta 2001: lower bound 0 at x = 0 (statsmodels keeps the quantile)
                if method == "jeffreys" and k == n:
                    high = 1.0
                assert ci.low == pytest.approx(low, abs=1e-9), (k, n, conf)
                assert ci.high == pytest.approx(high, abs=1e-9), (k, n, conf)
                assert 0.0 <= ci.low <= ci.proportion <= ci.high <= 1.0


def test_wilson_and_exact_come_from_scipy_binomtest():
    for k, n in ((0, 7), (3, 7), (7, 7), (22, 29)):
        ref_w = stats.binomtest(k, n).proportion_ci(method="wilson")
        ref_e = stats.binomtest(k, n).proportion_ci(method="exact")
        assert (proportion_ci(k, n).low, proportion_ci(k, n).high) == (ref_w.low, ref_w.high)
        cp = proportion_ci(k, n, "clopper-pearson")
        assert (cp.low, cp.high) == (ref_e.low, ref_e.high)


def test_proportion_ci_edges_and_errors():
    empty = proportion_ci(0, 0)
    assert (empty.k, empty.n) == (0, 0)
    assert np.isnan(empty.proportion) and np.isnan(empty.low) and np.isnan(empty.high)
    for method in CI_METHODS:
        assert proportion_ci(0, 10, method).low == 0.0
        assert proportion_ci(10, 10, method).high == 1.0
    with pytest.raises(ValueError, match="0 <= k <= n"):
        proportion_ci(5, 3)
    with pytest.raises(ValueError, match="0 <= k <= n"):
        proportion_ci(-1, 3)
    with pytest.raises(ValueError, match="whole number"):
        proportion_ci(2.5, 5)
    with pytest.raises(ValueError, match="ci_method"):
        proportion_ci(2, 5, "score")
    # scipy's name for Clopper-Pearson (binomtest(...).proportion_ci(method="exact"))
    assert proportion_ci(2, 5, "exact") == proportion_ci(2, 5, "clopper-pearson")
    with pytest.raises(ValueError, match="conf_level"):
        proportion_ci(2, 5, conf_level=1.0)
    assert str(proportion_ci(22, 29)) == "22/29 = 75.9% (95% CI 57.9-87.8%, wilson)"


# ------------------------------------------------------------------ percent change and responders


def test_percent_change():
    out = percent_change([10, 8, 0, 5, np.nan, 4], [7, 8, 3, None, 2, 6])
    assert out[:2].tolist() == [0.3, 0.0]
    assert np.isnan(out[2]) and np.isnan(out[3]) and np.isnan(out[4])
    assert out[5] == -0.5
    with pytest.raises(ValueError, match="pair up"):
        percent_change([1, 2], [1])


def test_boundary_decrease_counts_exactly():
    pre = [10, 10, 10, 9, 8, 7, 3, 5]
    post = [7, 8, 6, 6, 5, 5, 2, 3]  # decreases 30 %, 20 %, 40 %, 33.3 %, 37.5 %, 28.6 %, 33.3 %, 40 %
    res = responders(pre, post, 0.30)
    assert (res.k, res.n) == (6, 8)
    brute = sum(1 for a, b in zip(pre, post) if 10 * (a - b) >= 3 * a)  # exact integer arithmetic
    assert res.k == brute
    assert responders(pre, post, 0.5).k == 0
    # scaling the threshold instead would miss 25 -> 18 (exactly 28 %): 0.28 * 25 > 7 in floating point
    assert 0.28 * 25 > 7
    assert responders([25], [18], 0.28).k == 1
    # every 1 % threshold on a 0-100 scale, every baseline and every integer follow-up: exact counts
    pre_all, post_all = np.meshgrid(np.arange(1, 101), np.arange(0, 101))
    pre_all, post_all = pre_all.ravel(), post_all.ravel()
    curve = responder_curve(pre_all, post_all, thresholds=np.arange(101) / 100)
    for pct, k in zip(range(101), curve["k"]):
        assert k == np.count_nonzero(100 * (pre_all - post_all) >= pct * pre_all), pct
    # absolute: 8.2 -> 6.0 is 2.2 points although 8.2 - 6.0 = 2.1999999999999993
    assert 8.2 - 6.0 < 2.2
    assert responders([8.2, 5, 4], [6.0, 3, 3], 2.2, kind="absolute").k == 1
    assert responders([5, 5, 5], [3, 4, 2], 2, kind="absolute").k == 2


def test_zero_baseline_and_missing_pairs():
    pre = [0, 0, 10, 8, np.nan, 6, 4]
    post = [0, 3, 5, 8, 2, None, 0]
    rel = responders(pre, post, 0.3)
    assert (rel.k, rel.n, rel.n_zero_baseline, rel.n_missing) == (2, 3, 2, 2)
    ab = responders(pre, post, 2, kind="absolute")
    # absolute change is defined from a zero baseline: 0 -> 0 (0) and 0 -> 3 (-3) are evaluable
    assert (ab.k, ab.n, ab.n_zero_baseline, ab.n_missing) == (2, 5, 0, 2)
    ci = proportion_ci(2, 3)
    assert (rel.proportion, rel.ci_low, rel.ci_high) == (ci.proportion, ci.low, ci.high)


def test_responders_errors():
    with pytest.raises(ValueError, match="kind"):
        responders([1], [0], 0.3, kind="percent")
    with pytest.raises(ValueError, match="threshold"):
        responders([1], [0], np.nan)
    with pytest.raises(ValueError, match="non-negative"):
        responders([-1, 2], [0, 1], 0.3)
    with pytest.raises(ValueError, match="method"):
        responders([1], [0], 0.3, ci_method="score")
    res = responders([0, np.nan], [1, 2], 0.3)  # nothing evaluable: n = 0, proportion undefined
    assert res.n == 0 and np.isnan(res.proportion)


def test_paper_rest_pain_style_cohort():
    # an illustrative 29-patient cohort with 22 responders at >= 30 % (the abstract's count)
    pre = np.array([7] * 29)
    post = np.array([4] * 22 + [6] * 7)  # 42.9 % and 14.3 % decreases
    res = responders(pre, post, 0.30)
    assert (res.k, res.n) == (22, 29)
    assert (res.ci_low, res.ci_high) == pytest.approx((0.5789, 0.8778), abs=5e-5)  # notes section 6 (Wilson)


# ------------------------------------------------------------------ responder curve


def _random_scores(seed, n):
    rng = np.random.default_rng(seed)
    pre = rng.integers(0, 11, n).astype(float)
    post = np.clip(pre - rng.integers(-2, 7, n), 0, 10)
    pre[rng.random(n) < 0.05] = np.nan
    return pre, post


@pytest.mark.parametrize("kind", ["relative", "absolute"])
@pytest.mark.parametrize("ci_method", CI_METHODS)
def test_curve_agrees_with_responders_at_every_threshold(kind, ci_method):
    pre, post = _random_scores(1, 120)
    curve = responder_curve(pre, post, kind, ci_method=ci_method)
    assert list(curve.columns) == ["threshold", "k", "n", "proportion", "ci_low", "ci_high"]
    assert curve["threshold"].is_monotonic_increasing and curve["threshold"].is_unique
    for row in curve.itertuples():
        ref = responders(pre, post, row.threshold, kind, ci_method=ci_method)
        assert (row.k, row.n) == (ref.k, ref.n), row.threshold
        assert row.proportion == ref.proportion
        assert row.ci_low == pytest.approx(ref.ci_low, abs=1e-10)
        assert row.ci_high == pytest.approx(ref.ci_high, abs=1e-10)
    assert curve.attrs["n_missing"] == int(np.isnan(pre).sum())


def test_curve_default_grid_and_observed_values():
    pre = [10, 8, 6, 9, 0]
    post = [7, 5, 6, 2, 1]  # relative: 0.3, 0.375, 0.0, 7/9 (0 baseline excluded)
    curve = responder_curve(pre, post)
    thresholds = curve["threshold"].to_numpy()
    assert np.all(np.isin(np.arange(101) / 100, thresholds))
    assert 0.375 in thresholds and 7 / 9 in thresholds
    assert len(thresholds) == 101 + 2  # 0.3 and 0.0 are already grid points
    assert curve.attrs["n_zero_baseline"] == 1
    assert (curve.set_index("threshold").loc[0.3, "k"], curve.set_index("threshold").loc[0.31, "k"]) == (3, 2)
    absolute = responder_curve(pre, post, "absolute")
    assert np.all(np.isin(np.arange(21) / 2, absolute["threshold"]))
    assert -1.0 in absolute["threshold"].to_numpy()  # 0 -> 1 is an observed increase of one point
    custom = responder_curve(pre, post, thresholds=[0.5, 0.1])
    assert custom["threshold"].tolist() == [0.5, 0.1] and custom["k"].tolist() == [1, 3]


def test_curve_is_a_non_increasing_step_function():
    pre, post = _random_scores(2, 500)
    curve = responder_curve(pre, post)
    assert np.all(np.diff(curve["k"]) <= 0)
    # exact at the observed steps: k just below and at each observed change
    change = percent_change(pre, post)
    change = change[~np.isnan(change)]
    for value in np.unique(change)[:10]:
        assert curve.loc[np.isclose(curve["threshold"], value, rtol=0, atol=1e-12), "k"].iloc[0] == np.sum(change >= value - 1e-9)


def test_curve_on_a_million_pairs():
    # Speed is measured in benchmarks/, never asserted here; this checks the large-input path is right.
    rng = np.random.default_rng(3)
    pre = rng.integers(0, 11, 1_000_000)
    post = rng.integers(0, 11, 1_000_000)
    curve = responder_curve(pre, post)
    assert curve["n"].iloc[0] == int(np.sum(pre != 0))
    row = curve.loc[np.isclose(curve["threshold"], 0.5)].iloc[0]
    assert row["k"] == responders(pre, post, 0.5).k
    pre_c, post_c = rng.random(1_000_000) * 10, rng.random(1_000_000) * 10
    curve_c = responder_curve(pre_c, post_c)
    assert len(curve_c) > 900_000
    assert isinstance(curve_c, pd.DataFrame)


def test_empty_curve():
    curve = responder_curve([0, 0], [1, 2])  # only zero baselines: nothing evaluable
    assert (curve["n"] == 0).all() and (curve["k"] == 0).all() and curve["proportion"].isna().all()


def test_benchmark_baseline_computes_the_same_curve():
    """benchmarks/bench_ranks.py times responder_curve against a minimal numpy version: it must be the same curve."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_ranks.py"
    spec = importlib.util.spec_from_file_location("bench_ranks", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rng = np.random.default_rng(10)
    pre, post = rng.integers(0, 11, 5000), rng.integers(0, 11, 5000)
    ours = responder_curve(pre, post)
    table = bench.minimal_responder_table(pre, post)
    pd.testing.assert_frame_equal(ours, table, check_exact=False, rtol=1e-12, check_dtype=False)
