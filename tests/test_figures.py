"""Tests for sacro_kit.plotting.paired_figures: tables against scipy on the same settings, figures through their artists.

Reference values: ``scipy.stats.wilcoxon`` / ``binomtest`` run here on the same data and settings; counts made
here with numpy/pandas on small synthetic cohorts.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from scipy import stats  # noqa: E402

from sacro_kit.plotting import paired_figures as figures  # noqa: E402
from sacro_kit.io.card import load_reported  # noqa: E402
from sacro_kit.stats.responders import responder_curve  # noqa: E402

CARD = load_reported()


def cohort_frame():
    return pd.DataFrame({
        "rest_pre": pd.array([7, 7, 8, 5, 6, 9, 4, 10, 3, None], dtype="Int64"),
        "rest_post": pd.array([2, 7, 8, 6, 1, 4, 2, 3, 3, 5], dtype="Int64"),
        "activity_pre": pd.array([10, 9, 10, 8, 10, None, None, None, None, None], dtype="Int64"),
        "activity_post": pd.array([6, 6, 4, 8, 5, None, None, None, None, None], dtype="Int64"),
        "opioids_pre": pd.array([1, 1, 2, 0, 3, 1, 0, 2, 1, 1], dtype="Int64"),
        "opioids_post": pd.array([0, 1, 0, 1, 1, 0, 0, 2, 0, 2], dtype="Int64"),
    })


# ------------------------------------------------------------------ chapter 4 tables


@pytest.mark.parametrize("n", [5, 9, 13, 16])
def test_min_p_table_is_what_scipy_gives_in_the_extreme_case(n):
    row = figures.min_p_table([n]).iloc[0]
    untied = np.arange(1, n + 1)       # all n differences positive, all |d| distinct
    tied = np.ones(n)                  # all positive and all tied
    assert row["exact"] == pytest.approx(stats.wilcoxon(untied, method="exact").pvalue, rel=1e-12)
    assert row["exact"] == pytest.approx(stats.binomtest(n, n).pvalue, rel=1e-12)  # = exact sign test
    assert row["asymptotic"] == pytest.approx(stats.wilcoxon(untied, method="asymptotic").pvalue, rel=1e-9)
    assert row["asymptotic_tied"] == pytest.approx(stats.wilcoxon(tied, method="asymptotic").pvalue, rel=1e-9)
    assert row["asymptotic_tied_cc"] == pytest.approx(
        stats.wilcoxon(tied, method="asymptotic", correction=True).pvalue, rel=1e-9)


def test_min_p_table_published_cutoffs():
    # 2 * psignrank(0, 13) = 2 / 2^13 = 0.000244140625 (R: psignrank(0, 13) * 2); p < 0.0001 first attainable
    # by an exact signed-rank test at n = 15 (2 / 2^15 = 6.1035e-05)
    table = figures.min_p_table(range(12, 17)).set_index("n")
    assert table.loc[13, "exact"] == 0.000244140625
    assert (table["exact"] < 1e-4).idxmax() == 15
    with pytest.raises(ValueError, match="at least one"):
        figures.min_p_table([])


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
def test_wilcoxon_table_matches_scipy_on_every_setting():
    cohort = cohort_frame()
    table = figures.wilcoxon_table(cohort, {"rest": ("rest_pre", "rest_post")})
    assert len(table) == 15
    pre = np.array([7, 7, 8, 5, 6, 9, 4, 10, 3], dtype=float)
    post = np.array([2, 7, 8, 6, 1, 4, 2, 3, 3], dtype=float)
    d = pre - post  # three zeros; |d| ties (5, 5), (2, ...)
    for row in table.itertuples():
        if row.method_used == "permutation" or row.method == "exact":
            # sacro_kit's exact test with ties is the conditional distribution: scipy's permutation test
            method = stats.PermutationMethod()
        else:
            method = row.method_used
        ref = stats.wilcoxon(d, zero_method=row.zero_method, method=method, correction=row.correction)
        assert row.pvalue == pytest.approx(ref.pvalue, rel=1e-12), row
        assert row.statistic == ref.statistic
        assert row.n_zero == 3
        assert row.n_used == (6 if row.zero_method == "wilcox" else 9)
    # scipy's auto picks the permutation test for <= 13 differences with ties or zeros
    assert set(table.loc[table["method"] == "auto", "method_used"]) == {"permutation"}
    # the untied exact table is not valid here (ties and zeros), and only that row is flagged; sacro_kit's
    # "exact" is the conditional distribution (equal to the permutation test for <= 13 differences)
    assert list(table.loc[~table["valid"], "method"]) == ["untied table"] * 3
    exact = table[table["method"] == "exact"].set_index("zero_method")
    auto = table[table["method"] == "auto"].set_index("zero_method")
    assert set(exact["distribution"]) == {"conditional"}
    np.testing.assert_allclose(exact["pvalue"], auto.loc[exact.index, "pvalue"], rtol=1e-12)


def test_wilcoxon_table_skips_unusable_variables():
    cohort = cohort_frame()
    cohort["activity_post"] = cohort["activity_pre"]
    table = figures.wilcoxon_table(cohort, {"activity": ("activity_pre", "activity_post")})
    assert table.empty
    with pytest.raises(ValueError, match="no column"):
        figures.wilcoxon_table(cohort, {"x": ("nope_pre", "nope_post")})


# ------------------------------------------------------------------ figures


def test_figures_are_not_registered_with_pyplot():
    plt.close("all")
    cohort = cohort_frame()
    made = [figures.min_p_plot(mark_n=13, mark_p=1e-4), figures.differences_plot(cohort),
            figures.responder_plot(cohort, CARD), figures.paired_counts_plot(cohort),
            figures.paired_distributions_plot(cohort), figures.spread_plot([0.1, 0.2], mark=0.05)]
    assert all(isinstance(fig, Figure) for fig in made)
    assert plt.get_fignums() == []


def test_min_p_plot_draws_the_table_and_the_mark():
    fig = figures.min_p_plot(range(5, 21), mark_n=13, mark_p=1e-4)
    ax = fig.axes[0]
    exact = next(line for line in ax.lines if line.get_label().startswith("exact"))
    assert list(exact.get_xdata()) == list(range(5, 21))
    assert list(exact.get_ydata()) == pytest.approx([2 / 2 ** n for n in range(5, 21)])
    mark = next(line for line in ax.lines if line.get_label().startswith("reported"))
    assert (mark.get_xdata()[0], mark.get_ydata()[0]) == (13, 1e-4)
    assert ax.get_yscale() == "log"


def test_differences_plot_bars_are_the_tie_groups():
    fig = figures.differences_plot(cohort_frame())
    rest_ax, activity_ax = fig.axes
    d = np.array([7, 7, 8, 5, 6, 9, 4, 10, 3]) - np.array([2, 7, 8, 6, 1, 4, 2, 3, 3])
    values, counts = np.unique(d, return_counts=True)
    bars = {round(p.get_x() + p.get_width() / 2): p.get_height() for p in rest_ax.patches}
    assert bars == dict(zip(values.tolist(), counts.tolist()))
    zero_bar = next(p for p in rest_ax.patches if round(p.get_x() + p.get_width() / 2) == 0)
    assert zero_bar.get_hatch() == "//"
    assert "n = 9 pairs" in rest_ax.get_title() and "n = 5 pairs" in activity_ax.get_title()


def test_responder_plot_draws_the_curve_the_band_and_the_reported_point():
    cohort = cohort_frame()
    grid = np.arange(101) / 100
    band = pd.DataFrame({"threshold": grid, "min": 0.1, "p05": 0.2, "median": 0.3, "p95": 0.4, "max": 0.5})
    fig = figures.responder_plot(cohort, CARD, band=band)
    ax = fig.axes[0]
    curve = responder_curve([7, 7, 8, 5, 6, 9, 4, 10, 3], [2, 7, 8, 6, 1, 4, 2, 3, 3], "relative")
    line = next(line for line in ax.lines if line.get_label() == "this cohort: % responders")
    assert list(line.get_ydata()) == pytest.approx(list(100 * curve["proportion"]))
    assert line.get_drawstyle() == "steps-pre"
    reported = next(line for line in ax.lines if line.get_label() == "reported: 22/29")  # the card's claim
    assert (reported.get_xdata()[0], reported.get_ydata()[0]) == pytest.approx((30, 100 * 22 / 29))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "reconstructions: middle 90%" in labels and "reconstructions: min-max" in labels
    # the marked threshold defaults to the reported one: 5 of 9 pairs fell by >= 30 %
    point = max(ax.lines, key=lambda line: line.get_zorder())
    assert (point.get_xdata()[0], point.get_ydata()[0]) == pytest.approx((30, 100 * 5 / 9))
    with pytest.raises(ValueError, match="band needs the columns"):
        figures.responder_plot(cohort, band=band.drop(columns="p05"))


def test_paired_counts_plot_annotates_the_crosstab():
    cohort = cohort_frame()
    fig = figures.paired_counts_plot(cohort)
    ax = fig.axes[0]
    pre = np.array([1, 1, 2, 0, 3, 1, 0, 2, 1, 1])
    post = np.array([0, 1, 0, 1, 1, 0, 0, 2, 0, 2])
    expected = pd.crosstab(pre, post).reindex(index=range(4), columns=range(4), fill_value=0)
    shown = [int(t.get_text()) for t in ax.texts]
    assert shown == expected.to_numpy().ravel().tolist()
    assert "decreased 5" in ax.get_title() and "unchanged 3" in ax.get_title() and "increased 2" in ax.get_title()


def test_paired_distributions_plot_counts_and_medians():
    fig = figures.paired_distributions_plot(cohort_frame())
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    pre = [1, 1, 2, 0, 3, 1, 0, 2, 1, 1]
    post = [0, 1, 0, 1, 1, 0, 0, 2, 0, 2]
    assert heights == [pre.count(v) for v in range(4)] + [post.count(v) for v in range(4)]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["before (median 1)", "after (median 0.5)"]


def test_reported_responders_matches_variables_and_kind():
    assert [c.key for c in figures.reported_responders(CARD, ("rest_pre", "rest_post"), "relative")] == \
        ["rest_responders"]
    assert figures.reported_responders(CARD, ("rest_pre", "rest_post"), "absolute") == []
    assert figures.reported_responders(None, ("rest_pre", "rest_post"), "relative") == []


def test_spread_plot_rejects_bad_values():
    with pytest.raises(ValueError, match="finite"):
        figures.spread_plot([0.1, float("nan")])
