"""booksupport.synthesis: the card's cohort among the published studies.

Reference values: the cohort conversions in shared/reference/statistics-notes.md section 4 (Wan 2014 S2 and Luo 2018
S2 on the card's quartiles, closed-form eta), statsmodels' combine_effects (DerSimonian-Laird and the Knapp-Hartung
"wls" row, "verified, mainly compared to R metafor" per its docstring), an independent REML fit by direct
maximisation of the restricted likelihood (scipy.optimize), and scipy.stats.norm for the share of a normal curve
outside the scale. The formulas are written out here from the papers, not taken from the package.
"""

from __future__ import annotations

import doctest
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects

import booksupport.synthesis as synthesis
from sacro_kit.io.card import load_reported
from sacro_kit.io.resources import default_card_path
from sacro_kit.io.literature import FLAG_COLUMNS, load_studies, pooling_table
from sacro_kit.stats.meta import meta_analysis
from booksupport.synthesis import (card_study_row, conversion_plot, conversion_table, correlation_plot,
                                 pool_eligible, sensitivity_analyses, synthesis_table)


@pytest.fixture(scope="module")
def studies():
    return load_studies()


@pytest.fixture(scope="module")
def table(card, studies):
    return synthesis_table(card, studies=studies)


def luo_mean_s2(n, q1, m, q3):
    # Luo et al. 2018 (SMMR 27(6):1785), scenario S2
    return (0.7 + 0.39 / n) * (q1 + q3) / 2 + (0.3 - 0.39 / n) * m


def wan_sd_s2(n, q1, q3):
    # Wan et al. 2014 (BMC MRM 14:135), eq. 15 with eta(n) = 2 Phi^-1((0.75 n - 0.125) / (n + 0.25))
    return (q3 - q1) / (2 * stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25)))


def reml_tau2(y, v):
    """REML tau^2 by maximising the restricted log-likelihood directly (not by Fisher scoring)."""
    def negative(t):
        w = 1 / (v + t)
        mu = np.sum(w * y) / np.sum(w)
        return 0.5 * (np.sum(np.log(v + t)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2))
    best = optimize.minimize_scalar(negative, bounds=(0, 100), method="bounded", options={"xatol": 1e-12})
    return best.x if negative(best.x) < negative(0.0) else 0.0


def edited_card(tmp_path: Path, replacements: dict[str, str]) -> Path:
    text = default_card_path().read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "other_card.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------------------------
# card_study_row


def test_card_row_carries_the_cards_numbers(card, studies):
    row = card_study_row(card, studies=studies).iloc[0]
    claim = card["rest_pain"]
    assert row["row_id"] == studies["row_id"].max() + 1
    assert row["n"] == claim.n
    assert (row["pre_center"], row["pre_spread_low"], row["pre_spread_high"]) == (
        claim.pre.center.value, claim.pre.q1.value, claim.pre.q3.value)
    assert (row["post_center"], row["post_spread_low"], row["post_spread_high"]) == (
        claim.post.center.value, claim.post.q1.value, claim.post.q3.value)
    assert row["stat_kind"] == "median_iqr" and row["source_kind"] == "card"
    assert row["label"] == "Dougherty 2014 (this cohort)"
    assert not any(row[f] for f in FLAG_COLUMNS)
    assert "0-10" in row["scale"]


def test_card_row_rejects_claims_that_cannot_be_converted(card):
    with pytest.raises(ValueError, match="has no claim 'nope'"):
        card_study_row(card, "nope")
    with pytest.raises(ValueError, match="paired pre/post summary"):
        card_study_row(card, "treated")


def test_card_row_rejects_a_mean_with_an_iqr(tmp_path):
    path = edited_card(tmp_path, {'{at: pre, median: "7", q1: "4", q3: "8.5"}': '{at: pre, mean: "7", q1: "4", q3: "8.5"}',
                                  '{at: post, median: "2", q1: "1", q3: "3.5"}': '{at: post, mean: "2", q1: "1", q3: "3.5"}'})
    with pytest.raises(ValueError, match="only a median"):
        card_study_row(load_reported(path), "rest_pain")


# ---------------------------------------------------------------------------------------------------------------
# synthesis_table


def test_card_row_conversion_matches_published_formulas(card, table):
    row = table[table["from_card"]].iloc[0]
    claim = card["rest_pain"]
    n = claim.n
    pre = (claim.pre.q1.value, claim.pre.center.value, claim.pre.q3.value)
    post = (claim.post.q1.value, claim.post.center.value, claim.post.q3.value)
    assert row["mean_pre"] == pytest.approx(luo_mean_s2(n, *pre), abs=1e-12)
    assert row["sd_pre"] == pytest.approx(wan_sd_s2(n, pre[0], pre[2]), abs=1e-12)
    # statistics-notes section 4: rest pre Luo 6.465, SD 3.509; rest post Luo 2.178, SD 1.949
    assert (round(row["mean_pre"], 3), round(row["sd_pre"], 3)) == (6.465, 3.509)
    assert (round(row["mean_post"], 3), round(row["sd_post"], 3)) == (2.178, 1.949)
    # metafor escalc(measure = "MC"): yi = m1 - m2, vi = (sd1^2 + sd2^2 - 2 r sd1 sd2) / n
    r = 0.5
    assert row["yi"] == pytest.approx(row["mean_pre"] - row["mean_post"], abs=1e-12)
    assert row["vi"] == pytest.approx((row["sd_pre"] ** 2 + row["sd_post"] ** 2
                                       - 2 * r * row["sd_pre"] * row["sd_post"]) / n, abs=1e-12)


def test_shipped_rows_of_the_same_publication_are_set_aside(table, studies):
    same = table[table["study_id"] == "Dougherty 2014"]
    assert len(same) == int((studies["study_id"] == "Dougherty 2014").sum()) == 2
    assert not same["eligible"].any()
    assert same["reason"].str.startswith("same publication as the card").all()
    assert same["yi"].isna().all() and same["vi"].isna().all()
    assert int(table["from_card"].sum()) == 1 and bool(table.loc[table["from_card"], "eligible"].iloc[0])


def test_other_rows_are_exactly_the_literature_pooling_table(table, studies):
    literature = pooling_table(studies)
    others = table[~table["from_card"] & (table["study_id"] != "Dougherty 2014")].reset_index(drop=True)
    expected = literature[literature["study_id"] != "Dougherty 2014"].reset_index(drop=True)
    pd.testing.assert_frame_equal(others[expected.columns], expected)


def test_without_a_claim_the_table_is_the_literature(card, studies):
    out = synthesis_table(card, None, studies=studies)
    assert not out["from_card"].any()
    pd.testing.assert_frame_equal(out.drop(columns=["from_card", "guidance", "guidance_group"]), pooling_table(studies))
    assert set(out["guidance_group"]) <= {"CT", "fluoroscopy", "navigation", "not reported"}
    assert synthesis_table(None, studies=studies)["eligible"].sum() == pooling_table(studies)["eligible"].sum()


def test_another_card_follows_the_card_and_keeps_the_seed_paper(tmp_path, studies):
    path = edited_card(tmp_path, {
        'doi: "10.1136/neurintsurg-2012-010599"': 'doi: "10.9999/another-study"',
        'pmid: "23345629"': 'pmid: "99999999"',
        'id: dougherty2014': 'id: otherstudy',
        '{at: pre, median: "7", q1: "4", q3: "8.5"}': '{at: pre, median: "8", q1: "6", q3: "9"}',
    })
    other = load_reported(path)
    out = synthesis_table(other, studies=studies)
    mine = out[out["from_card"]].iloc[0]
    assert mine["label"] == "This cohort (otherstudy)"
    assert mine["mean_pre"] == pytest.approx(luo_mean_s2(29, 6, 8, 9), abs=1e-12)
    shipped = out[(out["study_id"] == "Dougherty 2014")]
    assert shipped["eligible"].sum() == 1   # the rest-pain row of the seed paper is pooled like any other study
    assert int(out["eligible"].sum()) == 10


def test_exclude_flags_and_r_reach_the_pooling_table(card, studies):
    out = synthesis_table(card, studies=studies, r=0.8, exclude_flags=["mixed_etiology"])
    assert not out.loc[out["label"] == "Gupta 2014", "eligible"].iloc[0]
    assert (out["r"] == 0.8).all()


# ---------------------------------------------------------------------------------------------------------------
# pool_eligible


def test_pool_matches_statsmodels_dersimonian_laird_and_knapp_hartung(table):
    rows = table[table["eligible"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels warns that per-study t intervals need nobs; not used here
        ref = combine_effects(rows["yi"].to_numpy(), rows["vi"].to_numpy(), method_re="dl", use_t=True)
        frame = ref.summary_frame()
    dl = pool_eligible(table, method="DL")
    assert dl.tau2 == pytest.approx(ref.tau2, rel=1e-10)
    assert dl.estimate == pytest.approx(frame.loc["random effect", "eff"], rel=1e-12)
    kh = pool_eligible(table, method="DL", knapp_hartung=True)
    assert kh.se == pytest.approx(frame.loc["random effect wls", "sd_eff"], rel=1e-10)
    assert (kh.ci_low, kh.ci_high) == pytest.approx(
        (frame.loc["random effect wls", "ci_low"], frame.loc["random effect wls", "ci_upp"]), rel=1e-10)


def test_pool_reml_matches_direct_maximisation(table):
    rows = table[table["eligible"]]
    y, v = rows["yi"].to_numpy(), rows["vi"].to_numpy()
    result = pool_eligible(table)
    assert result.k == len(rows)
    assert result.labels == tuple(rows["label"])
    assert result.tau2 == pytest.approx(reml_tau2(y, v), abs=1e-6)
    w = 1 / (v + result.tau2)
    assert result.estimate == pytest.approx(np.sum(w * y) / np.sum(w), rel=1e-12)


def test_pool_needs_eligible_rows(table):
    with pytest.raises(ValueError, match="no eligible rows"):
        pool_eligible(table.assign(eligible=False))
    with pytest.raises(ValueError, match="lacks columns"):
        pool_eligible(table.drop(columns="vi"))


# ---------------------------------------------------------------------------------------------------------------
# sensitivity_analyses


def test_sensitivity_rows_refit_the_right_subsets(card, studies, table):
    out = sensitivity_analyses(card, studies=studies).set_index("analysis")
    eligible = table[table["eligible"]]
    assert out.loc["all eligible rows", "k"] == len(eligible)
    assert out.loc["without this cohort", "k"] == len(eligible) - 1
    assert out.loc["without this cohort", "excluded"] == "Dougherty 2014 (this cohort)"
    flagged = eligible[list(FLAG_COLUMNS)].any(axis=1)
    kept = eligible[~flagged]
    assert out.loc["without every flagged row", "k"] == len(kept)
    direct = meta_analysis(kept["yi"], kept["vi"])
    direct_kh = meta_analysis(kept["yi"], kept["vi"], knapp_hartung=True)
    row = out.loc["without every flagged row"]
    assert row["estimate"] == pytest.approx(direct.estimate, rel=1e-12)
    assert (row["kh_ci_low"], row["kh_ci_high"]) == pytest.approx((direct_kh.ci_low, direct_kh.ci_high), rel=1e-12)
    gupta = out.loc["without rows flagged: mixed etiology"]
    assert gupta["excluded"] == "Gupta 2014" and gupta["k"] == len(eligible) - 1
    # flags that touch no eligible row (between-arm p, SD or SE) add no analysis
    assert not any("SD or SE" in name or "between-arm" in name for name in out.index)


def test_latest_time_point_uses_the_last_row_of_each_arm(card, studies):
    out = sensitivity_analyses(card, studies=studies).set_index("analysis")
    latest = synthesis_table(card, studies=studies, timepoint="last")
    choi = latest[latest["study_id"] == "Choi 2017"].iloc[0]
    last_week = studies.loc[studies["study_id"] == "Choi 2017", "timepoint_weeks"].max()
    assert choi["timepoint_weeks"] == last_week
    assert "Choi 2017 (later time point)" in out.loc["latest time point of each arm", "excluded"]


# ---------------------------------------------------------------------------------------------------------------
# conversion_table and plots

# statistics-notes section 4 (cohort conversions, S2, closed-form eta): (Wan mean, Luo mean, SD)
NOTES = {("rest_pain", "pre"): (6.50, 6.465, 3.509), ("rest_pain", "post"): (2.167, 2.178, 1.949),
         ("activity_pain", "pre"): (9.50, 9.453, 1.246), ("activity_pain", "post"): (5.60, 5.562, 2.326),
         ("opioids", "pre"): (1.333, 1.353, 0.761), ("opioids", "post"): (0.333, 0.353, 0.761)}


def test_conversion_table_matches_the_reference_conversions(card):
    out = conversion_table(card)
    assert set(zip(out["claim"], out["side"])) == set(NOTES)
    for row in out.itertuples():
        wan, luo, sd = NOTES[(row.claim, row.side)]
        # the notes print three decimals, rounded half up (9.4525 -> 9.453): compare within half a unit of the last digit
        assert (row.mean_wan, row.mean_luo, row.sd) == pytest.approx((wan, luo, sd), abs=5e-4 + 1e-12)
        assert row.mean_wan == pytest.approx((row.q1 + row.median + row.q3) / 3, abs=1e-12)  # Wan 2014 eq. 14
    rest_pre = out[(out["claim"] == "rest_pain") & (out["side"] == "pre")].iloc[0]
    assert round(rest_pre.sd_table, 3) == 3.505   # statistics-notes section 4: Table-2 eta gives 3.505


def test_outside_scale_is_the_normal_mass_beyond_the_bounds(card):
    out = conversion_table(card)
    for row in out.itertuples():
        low = row.scale_min
        high = row.scale_max if not pd.isna(row.scale_max) else math.inf
        expected = stats.norm.cdf(low, row.mean_luo, row.sd) + stats.norm.sf(high, row.mean_luo, row.sd)
        assert row.outside_scale == pytest.approx(expected, rel=1e-12)


def test_conversion_warnings_name_ceiling_floor_and_skew(card):
    out = conversion_table(card).set_index(["claim", "side"])["warnings"]
    assert "ceiling effect" in out[("activity_pain", "pre")]      # quartiles 8.5, 10, 10 on a 0-10 scale
    assert "floor effect" in out[("opioids", "post")]             # quartiles 0, 0, 1, count with minimum 0
    assert "skewed" in out[("opioids", "pre")]
    assert out[("rest_pain", "pre")] == "" and out[("rest_pain", "post")] == ""


def test_conversion_plot_has_one_visible_panel_per_row(card):
    table = conversion_table(card)
    fig = conversion_plot(table)
    assert isinstance(fig, Figure)
    assert sum(ax.get_visible() for ax in fig.axes) == len(table)
    with pytest.raises(ValueError, match="empty"):
        conversion_plot(table.iloc[:0])


def test_correlation_plot_draws_every_r(table):
    from sacro_kit.stats.meta import correlation_sensitivity
    r_values = [0.0, 0.5, 0.9]
    z = correlation_sensitivity(table, r_values)
    kh = correlation_sensitivity(table, r_values, knapp_hartung=True)
    fig = correlation_plot(z, kh_sensitivity=kh, mark_r=0.5)
    ax = fig.axes[0]
    assert len(ax.collections) == 2   # z and Knapp-Hartung interval bars
    assert list(ax.lines[0].get_xdata()) == r_values
    with pytest.raises(ValueError, match="needs columns"):
        correlation_plot(z.drop(columns="ci_low"))


def test_docstring_examples():
    assert doctest.testmod(synthesis, optionflags=doctest.ELLIPSIS).failed == 0


# ---------------------------------------------------------------- one SD rule for every row (issue 10, chapter 9)

def test_card_row_takes_guidance_and_follow_up_from_its_publication(card, studies):
    row = card_study_row(card, studies=studies)
    assert row.loc[0, "guidance"] == "CT" and row.loc[0, "timepoint_weeks"] == 2.5
    assert "follow-up from the study table" in row.loc[0, "timepoint_label"]


def test_guidance_groups_are_never_guessed():
    assert [synthesis.guidance_group(t) for t in ("CT", "fluoroscopy (C-arm)", "navigation-guided (x)", "", None)] == \
        ["CT", "fluoroscopy", "navigation", "not reported", "not reported"]
    with pytest.raises(ValueError, match="fits none"):
        synthesis.guidance_group("ultrasound")


def test_sd_rule_applies_to_every_row_with_an_sd(card, studies):
    table = synthesis.synthesis_table(card, studies=studies)
    rule = synthesis.sd_rule(table)
    with_sd = table[table["sd_pre"].notna() | table["sd_post"].notna()]
    assert len(rule) == len(with_sd)
    # the rule is the stated threshold on the smallest SD, for pooled and unpooled rows alike
    smallest = with_sd[["sd_pre", "sd_post"]].min(axis=1).to_numpy()
    assert rule["implausible_sd"].tolist() == (smallest < synthesis.SD_FLOOR).tolist()
    # the Andresen arms (the extraction's SD-or-SE doubt) are flagged by the same rule, and so are pooled rows
    andresen = rule[rule["label"].str.startswith("Andresen")]
    assert len(andresen) == 2 and andresen["implausible_sd"].all() and not andresen["eligible"].any()
    assert (rule["implausible_sd"] & rule["eligible"]).sum() >= 1
    # SE reading: SD = SE * sqrt(n), possible only below the Bhatia-Davis bound on a 0-10 scale
    choi = rule[rule["label"] == "Choi 2017"].iloc[0]
    assert choi["sd_post_if_se"] == pytest.approx(1.6 * 4)
    assert choi["se_reading_possible"] is False or choi["se_reading_possible"] == False  # noqa: E712
    assert 1.6 * 4 > math.sqrt(4.1 * 5.9 * 16 / 15)
    with pytest.raises(ValueError, match="floor"):
        synthesis.sd_rule(table, floor=0)


def test_sd_sensitivity_pools_what_it_says(card, studies):
    table = synthesis.synthesis_table(card, studies=studies)
    out = synthesis.sd_sensitivity(table, floors=(1.0,))
    eligible = table[table["eligible"]]
    main = out.iloc[0]
    direct = meta_analysis(eligible["yi"], eligible["vi"])
    assert main["k"] == direct.k and main["estimate"] == pytest.approx(direct.estimate, rel=1e-12)
    rule = synthesis.sd_rule(eligible).set_index("row_id")
    flagged = eligible[eligible["row_id"].map(rule["implausible_sd"]).astype(bool)]
    excl = out[out["handling"] == "excluded"].iloc[0]
    kept = eligible[~eligible["row_id"].isin(flagged["row_id"])]
    assert excl["k"] == len(kept)
    assert excl["estimate"] == pytest.approx(meta_analysis(kept["yi"], kept["vi"]).estimate, rel=1e-12)
    as_se = out[out["handling"] == "read as SE"].iloc[0]
    impossible = [lab for lab in flagged["label"] if not rule.set_index("label").loc[lab, "se_reading_possible"]]
    assert as_se["k"] == len(eligible) - len(impossible)
    authors = out[out["handling"] == "authors"].iloc[0]
    assert authors["k"] == int((~eligible["unverified_author"]).sum())


def test_k_requirements_say_which_methods_the_data_support():
    need = synthesis.k_requirements(9, k_regression=4, subgroup_sizes=[4, 3, 1, 1]).set_index("method")
    assert bool(need.loc["leave-one-out and influence", "enough"])
    assert not need.loc["Egger's regression test", "enough"] and need.loc["Egger's regression test", "needed"] == 10
    assert need.loc["meta-regression", "k"] == 4 and not need.loc["meta-regression", "enough"]
    assert not need.loc["test of subgroup differences", "enough"]
    big = synthesis.k_requirements(40, subgroup_sizes=[20, 20]).set_index("method")
    assert big["enough"].all()
    assert not synthesis.k_requirements(40, subgroup_sizes=[39, 1]).set_index("method").loc[
        "test of subgroup differences", "enough"]
