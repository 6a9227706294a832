"""Every figure a chapter draws is legible on a phone (issue 10 §5).

A 390 px wide phone gives a figure 342 CSS px (measured in Chromium). A notebook stores each Figure as a PNG saved
with ``bbox_inches="tight"``; text of ``pt`` points in that PNG, ``W`` px wide at ``dpi``, then shows
``pt / 72 * dpi * 342 / W`` px high. These tests draw each figure function the chapters call, on the data and with
the arguments the chapters use, and require the smallest text to be at least 10 px on that display. The browser test
(tests/built_book/test_book_in_browser.py) measures the same on every figure of every built page, from the size
each PNG records (style.PNG_TEXT_KEY) and the width Chromium shows it at.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from PIL import Image  # noqa: E402

import sacro_kit as sk  # noqa: E402
from sacro_kit.plotting import style  # noqa: E402

BOOK = Path(__file__).resolve().parents[1] / "book"
sys.path.insert(0, str(BOOK))
from booksupport import synthesis  # noqa: E402

MIN_PX = style.MIN_TEXT_PX
PAIRS = {"rest": ("rest_pre", "rest_post"), "activity": ("activity_pre", "activity_post")}


def rendered_min_px(fig, display_px=style.DISPLAY_WIDTH_PX):
    """Independent of style.smallest_text_px: the PNG's width from the saved bytes, sizes from every Text artist."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    buffer.seek(0)
    width = Image.open(buffer).size[0]
    fig.draw_without_rendering()
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes) / 72 * fig.dpi * display_px / width, width


@pytest.fixture(scope="module")
def data():
    card = sk.load_reported()
    cohort = sk.load_cohort()
    return card, cohort


def chapter_figures(card, cohort):
    """The figure calls of chapters 2-9 (book/0N_*.ipynb), with the chapters' arguments."""
    yield "ch2 attrition", lambda: sk.attrition_figure(cohort, card)
    yield "ch3 slope rest", lambda: sk.slope_plot(cohort, "rest", card=card)
    yield "ch3 slope activity", lambda: sk.slope_plot(cohort, "activity", card=card)
    yield "ch3 note", lambda: sk.note_figure("No rest pain on this card.")
    yield "ch4 differences", lambda: sk.differences_plot(cohort, PAIRS)
    yield "ch4 min p", lambda: sk.min_p_plot(range(5, 31), mark_n=30, mark_p=1e-4, mark_relation="<")
    yield (
        "ch4 spread",
        lambda: sk.spread_plot(
            [0.0004, 0.0011, 0.0009, 0.003],
            mark=0.001,
            mark_label="reported p < 0.001",
            observed=0.0011,
            observed_label="the cohort used above",
            log=True,
            xlabel="activity pain: Wilcoxon two-sided p (normal approximation, continuity correction)",
        ),
    )
    yield (
        "ch5 responders",
        lambda: sk.responder_plot(
            cohort, card, variables=("rest_pre", "rest_post"), kind="relative", threshold=0.3, title="rest pain"
        ),
    )
    yield "ch6 counts", lambda: sk.paired_counts_plot(cohort, ("opioids_pre", "opioids_post"), unit="opioids")
    yield (
        "ch6 distributions",
        lambda: sk.paired_distributions_plot(cohort, ("opioids_pre", "opioids_post"), unit="opioids"),
    )
    for claim in ("pain_decreased", "rest_responders"):
        if claim in card:
            yield (
                f"ch7 tipping {claim}",
                lambda claim=claim: sk.tipping_point_plot(
                    sk.tipping_point(cohort, card, claim, null=0.5, conf_level=0.95)
                ),
            )
    table = synthesis.synthesis_table(card, "rest_pain", r=0.5)
    result = synthesis.pool_eligible(table)
    seed = table.loc[table["from_card"], "label"].tolist() or None
    yield "ch9 conversion", lambda: synthesis.conversion_plot(synthesis.conversion_table(card))
    yield (
        "ch9 forest",
        lambda: sk.forest_plot(result, highlight=seed, xlabel="Mean change in pain, before minus after (points)"),
    )
    by_r = sk.correlation_sensitivity(table, (0.0, 0.2, 0.4, 0.5, 0.6, 0.8, 0.9))
    by_r_kh = sk.correlation_sensitivity(table, (0.0, 0.2, 0.4, 0.5, 0.6, 0.8, 0.9), knapp_hartung=True)
    yield "ch9 correlation", lambda: synthesis.correlation_plot(by_r, kh_sensitivity=by_r_kh, mark_r=0.5)
    yield (
        "ch9 funnel",
        lambda: sk.funnel_plot(sk.trim_and_fill(result), highlight=seed, xlabel="Mean change in pain (points)"),
    )


@pytest.mark.slow  # heavy for `make check`'s inner loop; runs in `make test`
def test_every_chapter_figure_is_legible_at_390px(data):
    card, cohort = data
    too_small = {}
    measured = {}
    for name, draw in chapter_figures(card, cohort):
        fig = draw()
        px, width = rendered_min_px(fig)
        measured[name] = (round(px, 2), width)
        # the size each notebook PNG records (style.smallest_text_px) is checked on every figure of the built book by
        # the browser test, so each figure is saved once here
        if px < MIN_PX:
            too_small[name] = (round(px, 2), width)
    assert len(measured) >= 15, measured
    assert not too_small, f"smallest text (px at {style.DISPLAY_WIDTH_PX} px display, PNG width px): {too_small}"


def test_the_measure_can_fail():
    fig = style.new_figure((10.0, 3.0))  # a desktop-wide figure with 8 pt text: about 3.9 px on a phone
    ax = fig.add_subplot()
    ax.set_xlabel("x", fontsize=8)
    ax.tick_params(labelsize=8)
    assert style.smallest_text_px(fig) < 5
    assert rendered_min_px(fig)[0] < 5


def test_figure_functions_leave_the_callers_rcparams_alone():
    before = dict(matplotlib.rcParams)
    matplotlib.rcParams["legend.fontsize"] = 5
    try:
        sk.note_figure("a note")
        assert matplotlib.rcParams["legend.fontsize"] == 5
    finally:
        matplotlib.rcParams.update(before)
