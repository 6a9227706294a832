"""Tests for sacro_kit.plotting.cohort_figures: what the figures draw must be exactly what the cohort holds.

The figures are checked through their artists (texts, lines, patches), against counts made here
independently with pandas on small synthetic cohorts.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from sacro_kit.io.card import load_reported  # noqa: E402
from sacro_kit.plotting.cohort_figures import attrition_figure, note_figure, slope_plot, tipping_point_plot  # noqa: E402

CARD = load_reported()


def cohort_frame(n_treated=12):
    """12 patients: 9 followed up, 7 with both rest scores (one without follow-up), 3 with both activity scores."""
    follow = [1.0, 2.0, 2.5, 3.0, 4.0, 5.0, 1.5, 0.5, 6.0, None, None, None]
    rest_pre = [7, 7, 7, 8, 5, 6, None, None, None, 9, None, None]
    rest_post = [2, 2, 2, 8, 6, 1, 3, None, None, 4, None, None]
    act_pre = [10, 9, 10, None, None, None, None, None, None, None, None, None]
    act_post = [6, 6, 4, None, None, None, None, None, None, None, None, None]
    return pd.DataFrame({
        "patient_id": pd.array([f"P{i}" for i in range(n_treated)], dtype="string"),
        "followup_weeks": pd.array(follow, dtype="Float64"),
        "rest_pre": pd.array(rest_pre, dtype="Int64"), "rest_post": pd.array(rest_post, dtype="Int64"),
        "activity_pre": pd.array(act_pre, dtype="Int64"), "activity_post": pd.array(act_post, dtype="Int64"),
    })


def texts(fig: Figure) -> list[str]:
    """Each text of the figure with its line breaks undone (figures wrap long lines to stay narrow for phones)."""
    return [" ".join(line.strip() for line in t.get_text().split("\n")) for ax in fig.axes for t in ax.texts]


# ---------------------------------------------------------------------------------------------------------------
# attrition figure


def test_attrition_figure_shows_every_count_and_loss():
    cohort = cohort_frame()
    fig = attrition_figure(cohort)
    assert isinstance(fig, Figure)
    shown = "\n".join(texts(fig))
    followed = cohort["followup_weeks"].notna()
    rest = cohort[["rest_pre", "rest_post"]].notna().all(axis=1)
    activity = cohort[["activity_pre", "activity_post"]].notna().all(axis=1)
    assert f"n = {len(cohort)}" in shown
    assert f"n = {followed.sum()} ({100 * followed.sum() / len(cohort):.0f}% of treated)" in shown
    assert f"n = {rest.sum()} ({100 * rest.sum() / len(cohort):.0f}% of treated)" in shown
    assert f"{(~followed).sum()} not followed up" in shown
    assert f"{(followed & ~rest).sum()} without rest pain pre and post" in shown
    # the stages do not nest: one patient has both rest scores but no follow-up time
    assert f"{(rest & ~followed).sum()} not in the stage above" in shown
    assert f"{(rest & ~activity).sum()} without activity pain pre and post" in shown
    assert "paper reports" not in shown


def test_attrition_figure_with_card_compares_reported_n():
    cohort = cohort_frame()
    shown = "\n".join(texts(attrition_figure(cohort, CARD)))
    # the shipped card prints n = 57 treated (dougherty2014.yaml, claims.treated); this cohort has 12
    assert f"paper reports n = {int(CARD['treated'].n.value)} (cohort differs by {12 - 57:+d})" in shown
    assert f"paper reports n = {CARD['activity_pain'].n}" in shown


def test_attrition_bars_are_to_scale():
    cohort = cohort_frame()
    fig = attrition_figure(cohort)
    ax = fig.axes[0]
    # the funnel bars are the thin, borderless rectangles, one per stage, widths proportional to n
    bars = [p for p in ax.patches if p.get_height() < 0.1]
    widths = np.array([b.get_width() for b in bars])
    counts = np.array([12, 9, 7, 3])  # counted by hand from cohort_frame's docstring
    assert widths / widths[0] == pytest.approx(counts / counts[0])


def test_attrition_figure_draws_on_given_axes_and_refuses_empty():
    from matplotlib.figure import Figure as F
    fig = F()
    ax = fig.add_subplot()
    assert attrition_figure(cohort_frame(), ax=ax) is fig
    empty = cohort_frame().iloc[:0]
    with pytest.raises(ValueError, match="no patients"):
        attrition_figure(empty)


# ---------------------------------------------------------------------------------------------------------------
# slope plot


def patient_lines(fig: Figure) -> list[Line2D]:
    ax = fig.axes[0]
    return [line for line in ax.lines if line.get_color() != "black"]


def test_slope_plot_merges_tied_pairs_with_count_weighted_width():
    cohort = cohort_frame()
    fig = slope_plot(cohort, "rest")
    pairs = cohort[["rest_pre", "rest_post"]].dropna()
    distinct = pairs.value_counts()
    lines = patient_lines(fig)
    assert len(lines) == len(distinct)
    for line in lines:
        (x0, x1), (y0, y1) = line.get_xdata(), line.get_ydata()
        assert (x0, x1) == (0, 1)
        count = distinct[(y0, y1)]
        assert line.get_linewidth() == pytest.approx(1.2 + 1.6 * (count - 1))
        expected_style = "-" if y1 < y0 else ("--" if y1 > y0 else ":")
        assert line.get_linestyle() == expected_style


def test_slope_plot_counts_beside_points_and_median():
    cohort = cohort_frame()
    fig = slope_plot(cohort, "rest")
    pairs = cohort[["rest_pre", "rest_post"]].dropna()
    numbers = [int(t) for t in texts(fig)]
    # every patient is counted once beside "before" and once beside "after"
    assert sum(numbers) == 2 * len(pairs)
    assert sorted(numbers) == sorted(pairs["rest_pre"].value_counts().tolist()
                                     + pairs["rest_post"].value_counts().tolist())
    median_line = [line for line in fig.axes[0].lines if line.get_color() == "black"]
    assert len(median_line) == 1
    # 7 complete pairs: pre 5,6,7,7,7,8,9 -> median 7; post 1,2,2,2,4,6,8 -> median 2 (odd n: the 4th value)
    assert list(median_line[0].get_ydata()) == [7.0, 2.0]
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "decreased (5)" in legend and "unchanged (1)" in legend and "increased (1)" in legend
    assert "median 7 \u2192 2" in legend


def test_slope_plot_uses_card_scale():
    fig = slope_plot(cohort_frame(), "activity", card=CARD)
    ax = fig.axes[0]
    scale = CARD.scales["nrs"]
    assert ax.get_ylabel() == scale.label
    assert ax.get_ylim() == pytest.approx((scale.min - 0.6, scale.max + 0.6))
    assert "3 patients with both scores" in " ".join(ax.get_title().split())


def test_slope_plot_bad_input():
    with pytest.raises(ValueError, match="'rest'"):
        slope_plot(cohort_frame(), "walking")
    empty = cohort_frame().assign(activity_post=pd.array([None] * 12, dtype="Int64"))
    with pytest.raises(ValueError, match="nothing to draw"):
        slope_plot(empty, "activity")


# ---------------------------------------------------------------------------------------------------------------
# tipping-point plot and note figure


def test_tipping_point_plot_marks_where_the_conclusion_holds():
    from sacro_kit.stats.missing import tipping_point
    cohort = pd.DataFrame({"pain_decreased": pd.array([True] * 12 + [False] * 3 + [None] * 5, dtype="boolean")})
    result = tipping_point(cohort, CARD)
    fig = tipping_point_plot(result)
    ax = fig.axes[0]
    filled, hollow = ax.collections[1], ax.collections[2]  # collections[0]: the interval lines
    holds = result.table["holds"]
    assert len(filled.get_offsets()) == int(holds.sum()) and len(hollow.get_offsets()) == int((~holds).sum())
    assert np.allclose(filled.get_offsets()[:, 1], 100 * result.table.loc[holds, "proportion"])
    null_lines = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert null_lines[0].get_ydata()[0] == pytest.approx(100 * result.null)
    assert f"tipping point m = {result.tipping_point}" in texts(fig)


def test_note_figure_holds_only_its_message():
    fig = note_figure("No rest pain on this card.")
    assert texts(fig) == ["No rest pain on this card."]
    with pytest.raises(ValueError, match="message"):
        note_figure("  ")


def test_figures_render_as_png_in_an_ipython_shell():
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    try:
        printers = shell.display_formatter.formatters["image/png"].type_printers
        printers.pop(Figure, None)
        slope_plot(cohort_frame(), "rest")
        assert Figure in printers
        png = shell.display_formatter.formatters["image/png"](slope_plot(cohort_frame(), "rest"))
        assert png.startswith("iVBOR") or png[:4] == b"\x89PNG"  # base64 or raw PNG signature
    finally:
        InteractiveShell.clear_instance()
