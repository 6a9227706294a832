"""Tests for sacro_kit.stats.missing: best/worst case, tipping point, no-change imputation.

Cohorts are small synthetic frames written here with the cohort schema's column names; the claims
(which column, which threshold) come from the shipped card, as in the book.
"""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from scipy import stats
from statsmodels.stats.proportion import binom_test, proportion_confint, proportions_ztest

from sacro_kit.io.card import load_reported
from sacro_kit.stats.missing import best_worst_case, binary_outcome, no_change_sensitivity, tipping_point
from sacro_kit.stats.responders import responders


CARD = load_reported()


def binary_cohort(yes: int, no: int, missing: int) -> pd.DataFrame:
    values = [True] * yes + [False] * no + [None] * missing
    return pd.DataFrame({"patient_id": [f"P{i}" for i in range(len(values))],
                         "pain_decreased": pd.array(values, dtype="boolean")})


def paired_cohort(pre, post) -> pd.DataFrame:
    return pd.DataFrame({"rest_pre": pd.array(pre, dtype="Int64"), "rest_post": pd.array(post, dtype="Int64")})


# ---------------------------------------------------------------------------------------------------------------
# counting the binary outcome


def test_binary_outcome_counts_proportion_claim(card):
    counts = binary_outcome(binary_cohort(6, 2, 2), card, "pain_decreased")
    assert (counts.k, counts.n_observed, counts.n_missing, counts.n_excluded, counts.n_total) == (6, 8, 2, 0, 10)


def test_binary_outcome_counts_responder_claim_like_responders(card):
    # card: rest_responders = at least a 30 % decrease (relative). Hand count: 10->7 (30 %, responder),
    # 10->8 (20 %), 8->8 (0 %), 0->0 (baseline 0: excluded), 5->? and ?->3 (missing), 7->1 (86 %, responder).
    pre = [10, 10, 8, 0, 5, None, 7]
    post = [7, 8, 8, 0, None, 3, 1]
    counts = binary_outcome(paired_cohort(pre, post), card, "rest_responders")
    assert (counts.k, counts.n_observed, counts.n_missing, counts.n_excluded) == (2, 4, 2, 1)
    reference = responders([np.nan if v is None else v for v in pre], [np.nan if v is None else v for v in post],
                           0.30, "relative")
    assert (counts.k, counts.n_observed, counts.n_missing, counts.n_excluded) == \
        (reference.k, reference.n, reference.n_missing, reference.n_zero_baseline)


def test_binary_outcome_accepts_integer_zero_one(card):
    cohort = pd.DataFrame({"pain_decreased": pd.array([1, 0, 1, None], dtype="Int64")})
    assert binary_outcome(cohort, card, "pain_decreased").k == 2


def test_binary_outcome_rejects_non_binary_values(card):
    cohort = pd.DataFrame({"pain_decreased": pd.array([1, 2, None], dtype="Int64")})
    with pytest.raises(ValueError, match="0/1"):
        binary_outcome(cohort, card, "pain_decreased")


@pytest.mark.parametrize("outcome, message", [("nonsense", "no claim"), ("rest_pain", "needs one of"),
                                              (3, "key of a claim")])
def test_binary_outcome_rejects_wrong_claims(card, outcome, message):
    with pytest.raises(ValueError, match=message):
        binary_outcome(binary_cohort(1, 1, 1), card, outcome)


def test_missing_column_is_named(card):
    with pytest.raises(ValueError, match="pain_decreased"):
        binary_outcome(pd.DataFrame({"x": [1]}), card, "pain_decreased")


# ---------------------------------------------------------------------------------------------------------------
# best / worst case


def test_best_worst_case_counts_and_statsmodels_wilson(card):
    table = best_worst_case(binary_cohort(6, 2, 2), card)
    assert table[["k", "n"]].to_numpy().tolist() == [[6, 8], [8, 10], [6, 10]]
    assert table["imputed_success"].tolist() == [0, 2, 0]
    assert table["imputed_failure"].tolist() == [0, 0, 2]
    for row in table.itertuples():
        low, high = proportion_confint(row.k, row.n, alpha=0.05, method="wilson")
        assert row.proportion == row.k / row.n
        assert row.ci_low == pytest.approx(low, abs=1e-12)
        assert row.ci_high == pytest.approx(high, abs=1e-12)
    assert table.attrs["n_missing"] == 2


def test_best_worst_case_matches_newcombe_1998_table():
    """Newcombe RG. Stat Med 1998;17:857-872 (doi:10.1002/(SICI)1097-0258(19980430)17:8<857::AID-SIM777>3.0.CO;2-E),
    Table II, method 3 (Wilson score, no continuity correction) and method 5 (Clopper-Pearson)."""
    card = load_reported()
    # 1 success among 20 followed up, 9 without follow-up: the worst case is 1/29 -> 0.0061 to 0.1718 (Wilson),
    # 0.0009 to 0.1776 (Clopper-Pearson).
    worst = best_worst_case(binary_cohort(1, 19, 9), card).loc["worst case"]
    assert (worst.k, worst.n) == (1, 29)
    assert (round(worst.ci_low, 4), round(worst.ci_high, 4)) == (0.0061, 0.1718)
    worst_cp = best_worst_case(binary_cohort(1, 19, 9), card, ci_method="clopper-pearson").loc["worst case"]
    assert (round(worst_cp.ci_low, 4), round(worst_cp.ci_high, 4)) == (0.0009, 0.1776)
    # 81/263 -> 0.2553 to 0.3662; 0/20 -> 0 to 0.1611 (Wilson)
    complete = best_worst_case(binary_cohort(81, 182, 0), card).loc["complete case"]
    assert (round(complete.ci_low, 4), round(complete.ci_high, 4)) == (0.2553, 0.3662)
    zero = best_worst_case(binary_cohort(0, 20, 0), card).loc["complete case"]
    assert (round(zero.ci_low, 4), round(zero.ci_high, 4)) == (0.0, 0.1611)


def test_best_worst_case_brackets_every_completion(card):
    table = best_worst_case(binary_cohort(5, 3, 4), card)
    for m in range(5):  # whatever m of the 4 missing improved, the all-patient proportion lies between the extremes
        assert table.loc["worst case", "proportion"] <= (5 + m) / 12 <= table.loc["best case", "proportion"]


def test_best_worst_case_without_missing_is_complete_case(card):
    table = best_worst_case(binary_cohort(7, 3, 0), card)
    assert table.loc["best case"].equals(table.loc["worst case"])
    assert table.loc["best case", "proportion"] == table.loc["complete case", "proportion"]


def test_best_worst_case_conf_level_and_bad_input(card):
    table = best_worst_case(binary_cohort(6, 2, 2), card, conf_level=0.9)
    low, high = proportion_confint(8, 10, alpha=0.10, method="wilson")
    assert table.loc["best case", "ci_low"] == pytest.approx(low, abs=1e-12)
    with pytest.raises(ValueError, match="conf_level"):
        best_worst_case(binary_cohort(6, 2, 2), card, conf_level=95)
    with pytest.raises(ValueError, match="method"):
        best_worst_case(binary_cohort(6, 2, 2), card, ci_method="bayes")


# ---------------------------------------------------------------------------------------------------------------
# tipping point


def test_tipping_point_hand_computed():
    # n = 20: the Wilson lower limit exceeds 1/2 exactly when the score statistic (k/20 - 1/2)/sqrt(1/80) exceeds
    # z_0.975 = 1.95996, i.e. k - 10 > 1.95996 * sqrt(5) = 4.383, i.e. k >= 15. With 12 observed successes,
    # 3 of the 5 missing patients must have improved.
    tp = tipping_point(binary_cohort(12, 3, 5), load_reported())
    assert tp.table["m"].tolist() == [0, 1, 2, 3, 4, 5]
    assert tp.table["k"].tolist() == [12, 13, 14, 15, 16, 17]
    assert tp.table["holds"].tolist() == [False, False, False, True, True, True]
    assert (tp.m_needed, tp.tipping_point) == (3, 3)
    assert not tp.holds_worst_case and tp.holds_best_case
    assert "flips at m = 3" in tp.verdict


def test_tipping_point_matches_statsmodels(card):
    tp = tipping_point(binary_cohort(30, 9, 11), card)
    expected_m = None
    for row in tp.table.itertuples():
        low, high = proportion_confint(row.k, row.n, alpha=0.05, method="wilson")
        assert (row.ci_low, row.ci_high) == (pytest.approx(low, abs=1e-12), pytest.approx(high, abs=1e-12))
        _, p = proportions_ztest(row.k, row.n, value=0.5, alternative="larger", prop_var=0.5)
        assert row.pvalue == pytest.approx(p, rel=1e-10)
        if expected_m is None and low > 0.5:
            expected_m = row.m
    assert tp.m_needed == expected_m


def test_tipping_point_clopper_pearson_uses_exact_binomial_test(card):
    tp = tipping_point(binary_cohort(20, 10, 8), card, ci_method="clopper-pearson", null=0.6)
    assert tp.test == "exact binomial test"
    for row in tp.table.itertuples():
        low, _ = proportion_confint(row.k, row.n, alpha=0.05, method="beta")
        assert row.ci_low == pytest.approx(low, abs=1e-9)
        assert row.pvalue == pytest.approx(binom_test(row.k, row.n, 0.6, alternative="larger"), rel=1e-10)
        assert row.holds == (row.pvalue < 0.025)


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
@settings(max_examples=60, deadline=None)
@given(yes=st.integers(0, 40), no=st.integers(0, 40), missing=st.integers(0, 15),
       null=st.sampled_from([0.3, 0.5, 0.7]), method=st.sampled_from(["wilson", "clopper-pearson"]))
def test_tipping_point_interval_and_test_agree(yes, no, missing, null, method):
    if yes + no + missing == 0:
        return
    tp = tipping_point(binary_cohort(yes, no, missing), CARD, null=null, ci_method=method)
    # the interval inverts the one-sided test: lower limit above the null <=> p < alpha/2 (away from ties at 1e-9)
    for row in tp.table.itertuples():
        if abs(row.pvalue - 0.025) > 1e-9:
            assert row.holds == (row.pvalue < 0.025)
    holds = tp.table["holds"].to_numpy()
    assert (np.diff(holds.astype(int)) >= 0).all()  # more improved patients never undo the conclusion
    if tp.m_needed is not None:
        assert holds[tp.m_needed] and (tp.m_needed == 0 or not holds[tp.m_needed - 1])
    else:
        assert not holds.any()


def test_tipping_point_never_flips_either_way(card):
    always = tipping_point(binary_cohort(18, 1, 1), card)
    assert (always.m_needed, always.tipping_point) == (0, None)
    assert "never flips" in always.verdict
    never = tipping_point(binary_cohort(2, 10, 3), card)
    assert (never.m_needed, never.tipping_point) == (None, None)
    assert "never holds" in never.verdict and "m_needed=None" in repr(never)


@pytest.mark.parametrize("kwargs, message", [({"method": "wald"}, "method"), ({"null": 1.0}, "null"),
                                             ({"null": True}, "null"), ({"conf_level": 0}, "conf_level")])
def test_tipping_point_bad_input(card, kwargs, message):
    with pytest.raises(ValueError, match=message):
        tipping_point(binary_cohort(5, 5, 5), card, **kwargs)


def test_tipping_point_on_responders(card):
    cohort = paired_cohort([10, 8, 6, 9, 7, None, None, 5], [3, 6, 2, 2, 7, 4, None, None])
    tp = tipping_point(cohort, card, "rest_responders")
    # responders (>= 30 % decrease): 10->3, 6->2, 9->2 -> k = 3 of 5 evaluable, 3 incomplete pairs
    assert (tp.k_observed, tp.n_observed, tp.n_missing) == (3, 5, 3)
    assert tp.table["n"].unique().tolist() == [8]


# ---------------------------------------------------------------------------------------------------------------
# no-change imputation


def test_no_change_sensitivity_matches_scipy(card):
    # 14 complete pairs, so scipy uses its normal approximation (its exact permutation test is slow)
    pre = [7, 8, 6, 9, 5, 8, 7, 10, 4, 6, 9, 8, 7, 6, None, 7, None]
    post = [2, 3, 4, 4, 5, 6, 3, 2, 5, 1, 7, 8, 2, 3, 3, None, None]
    table = no_change_sensitivity(paired_cohort(pre, post), card, "rest_pain")
    complete = [(a, b) for a, b in zip(pre, post) if a is not None and b is not None]
    d = np.array([a - b for a, b in complete], dtype=float)
    d0 = np.concatenate([d, np.zeros(3)])
    assert table["n_pairs"].tolist() == [14, 17, 17, 17, 14, 17]
    assert table["n_imputed"].tolist() == [0, 3, 3, 3, 0, 3]
    assert table["method"].tolist() == ["asymptotic"] * 4 + ["exact"] * 2
    for row in table[table["test"] == "Wilcoxon"].itertuples():
        data = d if row.n_imputed == 0 else d0
        ref = stats.wilcoxon(data, zero_method=row.zero_method, method="asymptotic")
        assert (row.statistic, row.pvalue) == (ref.statistic, pytest.approx(ref.pvalue, rel=1e-12))
        assert row.median_decrease == np.median(data)
    signs = table[table["test"] == "sign"]
    # complete pairs: 11 decreases, 2 unchanged (5 -> 5, 8 -> 8), 1 increase (4 -> 5); imputed zeros add no sign
    assert signs["statistic"].tolist() == [11.0, 11.0]
    expected = stats.binomtest(11, 12, 0.5).pvalue
    assert signs["pvalue"].tolist() == [pytest.approx(expected), pytest.approx(expected)]


def test_zero_imputation_leaves_wilcox_and_sign_tests_unchanged(card):
    table = no_change_sensitivity(paired_cohort([9, 8, 7, 6, 9, 8, 7, None, 3], [2, 2, 3, 6, 1, 8, 5, 4, None]),
                                  card, "rest_pain")
    wilcox = table[(table["test"] == "Wilcoxon") & (table["zero_method"] == "wilcox")]
    assert wilcox["pvalue"].nunique() == 1 and wilcox["statistic"].nunique() == 1
    sign = table[table["test"] == "sign"]
    assert sign["pvalue"].nunique() == 1
    # ... but the median change over everyone is pulled towards zero by the invented zeros
    assert table.loc[1, "median_decrease"] < table.loc[0, "median_decrease"]


def test_no_change_sensitivity_rejects_unpaired_claims(card):
    with pytest.raises(ValueError, match="needs one of"):
        no_change_sensitivity(paired_cohort([1], [1]), card, "pain_decreased")
