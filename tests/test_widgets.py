"""Tests for sacro_kit.widgets: drive the responder explorer without a browser, as a reader's slider would.

Every number the explorer shows is checked against counts and intervals made here independently (numpy
counts, ``scipy.stats.binomtest(...).proportion_ci("wilson")``), and the moved artists and the rendered PNG
are checked too. Small synthetic cohorts; a synthetic reconstruction band, so nothing here depends on the
reconstruction engine except the last test.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402
from scipy import stats  # noqa: E402

from sacro_kit.io.card import load_reported  # noqa: E402
from sacro_kit.widgets import ResponderExplorer, responder_explorer, threshold_grid  # noqa: E402

CARD = load_reported()  # the shipped card: reports 22/29 rest-pain responders at >= 30 %

REST_PRE = [10, 10, 8, 8, 7, 7, 6, 5, 5, 4, 3, 2, 0, 9, None]
REST_POST = [7, 2, 6, 8, 3, 5, 1, 5, 2, 4, 1, 3, 1, 9, 4]
ACT_PRE = [10, 9, 10, 8, None, None, None, None, None, None, None, None, None, None, None]
ACT_POST = [6, 6, 4, 8, None, None, None, None, None, None, None, None, None, None, None]


def cohort_frame():
    return pd.DataFrame({
        "rest_pre": pd.array(REST_PRE, dtype="Int64"), "rest_post": pd.array(REST_POST, dtype="Int64"),
        "activity_pre": pd.array(ACT_PRE, dtype="Int64"), "activity_post": pd.array(ACT_POST, dtype="Int64"),
    })


def expected(pre, post, threshold, kind):
    """k, n and Wilson CI counted independently of sacro_kit."""
    pairs = [(a, b) for a, b in zip(pre, post) if a is not None and b is not None]
    if kind == "relative":
        pairs = [(a, b) for a, b in pairs if a > 0]
        # integer scores: (a - b) / a >= t  <=>  100 (a - b) >= round(100 t) a, exactly in integers
        k = sum(100 * (a - b) >= round(100 * threshold) * a for a, b in pairs)
    else:
        k = sum(a - b >= threshold for a, b in pairs)
    ci = stats.binomtest(k, len(pairs)).proportion_ci(method="wilson")
    return k, len(pairs), ci.low, ci.high


def synthetic_band(kind, low=0.2, high=0.6, fixed=None):
    grid = threshold_grid(kind)
    frame = pd.DataFrame({"threshold": grid, "min": low, "p05": low + 0.05, "median": (low + high) / 2,
                          "p95": high - 0.05, "max": high})
    if fixed is not None:  # a threshold the paper pins down: every reconstruction agrees
        at = np.isclose(grid, fixed[0])
        frame.loc[at, ["min", "p05", "median", "p95", "max"]] = fixed[1]
    frame.attrs["n_cohorts"] = 50
    return frame


BANDS = {("rest", "relative"): synthetic_band("relative", fixed=(0.30, 22 / 29)),
         ("rest", "absolute"): synthetic_band("absolute", 0.1, 0.5)}


@pytest.fixture
def explorer():
    widget = responder_explorer(cohort_frame(), CARD, band=BANDS)
    yield widget
    widget.close()


def png_size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def test_is_a_widget_with_the_controls(explorer):
    assert isinstance(explorer, ipywidgets.VBox)
    assert isinstance(explorer, ResponderExplorer)
    assert {type(c) for c in explorer.children} >= {ipywidgets.FloatSlider, ipywidgets.ToggleButtons,
                                                     ipywidgets.HTML, ipywidgets.Image}
    # starts at the card's reported threshold, on rest pain, relative
    assert (explorer.variable_selector.value, explorer.kind_toggle.value) == ("rest", "relative")
    assert explorer.slider.value == pytest.approx(0.30)
    assert (explorer.slider.min, explorer.slider.max, explorer.slider.readout_format) == (0.0, 1.0, ".0%")
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("threshold", [0.0, 0.25, 0.30, 0.5, 0.67, 1.0])
def test_slider_change_updates_text_and_markers(explorer, threshold):
    explorer.slider.value = threshold  # what the browser does
    k, n, low, high = expected(REST_PRE, REST_POST, threshold, "relative")
    state = explorer.state
    assert (state.k, state.n, state.threshold) == (k, n, threshold)
    assert state.ci_low == pytest.approx(low, abs=1e-12) and state.ci_high == pytest.approx(high, abs=1e-12)
    assert f"<b>{k} of {n}</b>" in explorer.text.value
    assert f"95% Wilson CI {100 * low:.1f}% to {100 * high:.1f}%" in explorer.text.value
    x, y = explorer.artists["point"].get_data()
    assert (x[0], y[0]) == pytest.approx((100 * threshold, 100 * k / n))
    assert explorer.artists["cursor"].get_xdata()[0] == pytest.approx(100 * threshold)
    assert list(explorer.artists["point_ci"].get_ydata()) == pytest.approx([100 * low, 100 * high])
    assert list(explorer.artists["side_ci"].get_ydata()) == pytest.approx([100 * low, 100 * high])


def test_zero_baseline_is_excluded_and_said(explorer):
    explorer.set_threshold(0.5)
    assert explorer.state.n == 13  # 15 rows: one missing pair, one baseline 0
    assert "baseline of 0" in explorer.text.value


def test_reported_point_is_exact_and_other_thresholds_uncertain(explorer):
    state = explorer.set_threshold(0.30)
    assert state.reported == (22, 29)
    assert state.band_min == state.band_max == pytest.approx(22 / 29)
    assert "Every one of the 50 reconstructed cohorts gives 75.9%" in explorer.text.value
    assert "22/29" in explorer.text.value
    assert explorer.artists["side_reported"].get_visible()
    assert explorer.artists["side_reported"].get_ydata()[0] == pytest.approx(100 * 22 / 29)
    state = explorer.set_threshold(0.40)
    assert state.reported is None and not explorer.artists["side_reported"].get_visible()
    assert (state.band_min, state.band_p05, state.band_p95, state.band_max) == pytest.approx((0.2, 0.25, 0.55, 0.6))
    assert "ranges from 20.0% to 60.0% (middle 90%: 25.0% to 55.0%)" in explorer.text.value
    assert list(explorer.artists["side_band_range"].get_ydata()) == pytest.approx([20, 60])


def test_kind_toggle_switches_to_points(explorer):
    explorer.kind_toggle.value = "absolute"
    assert (explorer.slider.min, explorer.slider.max, explorer.slider.step) == (0.0, 10.0, 1.0)
    # one slider per kind, the other hidden (a re-ranged browser slider would snap and echo a stale value)
    assert explorer.sliders["relative"].layout.display == "none" and explorer.slider.layout.display is None
    assert explorer.slider.value == 2.0  # Farrar's ~2 points when the card reports no absolute threshold
    explorer.slider.value = 3.0
    k, n, _, _ = expected(REST_PRE, REST_POST, 3, "absolute")
    assert (explorer.state.k, explorer.state.n, explorer.state.kind) == (k, n, "absolute")
    assert n == 14  # absolute changes keep the baseline-0 patient
    assert "at least 3 points" in explorer.text.value
    assert explorer.artists["point"].get_xdata()[0] == 3.0
    explorer.kind_toggle.value = "relative"
    assert explorer.slider.max == 1.0 and explorer.slider.value == pytest.approx(0.30)


def test_variable_selector_and_missing_band(explorer):
    explorer.variable_selector.value = "activity"
    k, n, _, _ = expected(ACT_PRE, ACT_POST, 0.30, "relative")
    assert (explorer.state.variable, explorer.state.k, explorer.state.n) == ("activity", k, n)
    assert explorer.state.band_min is None
    assert "No band" in explorer.text.value
    assert not explorer.artists["side_band_mid"].get_visible()
    assert explorer.artists["side_no_band"].get_visible()


def test_update_sets_everything_at_once(explorer):
    state = explorer.update(threshold=4, variable="activity", kind="absolute")
    k, n, _, _ = expected(ACT_PRE, ACT_POST, 4, "absolute")
    assert (state.variable, state.kind, state.threshold, state.k, state.n) == ("activity", "absolute", 4.0, k, n)


def test_blitting_leaves_no_trails(explorer):
    for threshold in (0.9, 0.1, 0.55, 0.3, 0.5):
        explorer.set_threshold(threshold)
    fresh = responder_explorer(cohort_frame(), CARD, band=BANDS)
    fresh.set_threshold(0.5)
    moved = np.asarray(Image.open(io.BytesIO(explorer.image.value)))
    direct = np.asarray(Image.open(io.BytesIO(fresh.image.value)))
    assert moved.shape == direct.shape and np.array_equal(moved, direct)
    fresh.close()


def test_image_changes_with_the_threshold(explorer):
    before = explorer.image.value
    explorer.set_threshold(0.8)
    assert explorer.image.value != before
    assert png_size(explorer.image.value) == png_size(before)


def test_without_card_or_band():
    widget = responder_explorer(cohort_frame())
    assert widget.state.reported is None and widget.state.band_min is None
    assert widget.slider.value == pytest.approx(0.30)  # IMMPACT's moderate threshold
    widget.close()


def test_bad_input():
    with pytest.raises(ValueError, match="no complete rest or activity"):
        responder_explorer(pd.DataFrame({"rest_pre": [None], "rest_post": [1], "activity_pre": [None],
                                         "activity_post": [None]}).astype("Int64"))
    with pytest.raises(ValueError, match="band keys"):
        responder_explorer(cohort_frame(), band={("rest", "percent"): synthetic_band("relative")})
    with pytest.raises(ValueError, match="band needs the columns"):
        responder_explorer(cohort_frame(), band={("rest", "relative"): pd.DataFrame({"threshold": [0.3]})})
    widget = responder_explorer(cohort_frame(), band=False)
    with pytest.raises(ValueError, match="outside the slider's range"):
        widget.set_threshold(1.5)
    with pytest.raises(ValueError, match="variable must be one of"):
        widget.update(variable="sleep")
    with pytest.raises(ValueError, match="kind must be"):
        widget.update(kind="percent")
    with pytest.raises(ValueError, match="kind must be"):
        threshold_grid("percent")
    widget.close()


@pytest.mark.slow
def test_responder_bands_equal_the_reconstruction_engines_band():
    # sacro_kit.forensics.reconstruction.responder_band is the reference definition; responder_bands shares one reconstruction
    import importlib

    reconstruct = importlib.import_module("sacro_kit.forensics.reconstruction")
    from sacro_kit.widgets import responder_bands

    bands = responder_bands(CARD, n_cohorts=8, seed=11)
    assert set(bands) == {(v, k) for v in ("rest", "activity") for k in ("relative", "absolute")}
    for (variable, kind), band in bands.items():
        reference = reconstruct.responder_band(CARD, variables=(f"{variable}_pre", f"{variable}_post"), kind=kind,
                                               thresholds=threshold_grid(kind), n_cohorts=8, seed=11)
        pd.testing.assert_frame_equal(band, reference[band.columns.tolist()])
        assert band.attrs["n_cohorts"] == 8
    # the paper's 22/29 at >= 30 % holds in every reconstruction
    at30 = bands[("rest", "relative")].set_index("threshold").loc[0.30]
    assert at30["min"] == at30["max"] == 22 / 29


def test_band_unavailable_is_said_not_hidden(monkeypatch):
    import importlib

    from sacro_kit.widgets import BandUnavailable, responder_bands

    def refuse(*args, **kwargs):
        raise ValueError("the reported statistics do not fit together")

    monkeypatch.setattr(importlib.import_module("sacro_kit.forensics.reconstruction"), "reconstruct", refuse)
    with pytest.warns(BandUnavailable, match="do not fit together"):
        bands = responder_bands(CARD, n_cohorts=5)
    assert all(band is None for band in bands.values())
    with pytest.warns(BandUnavailable):
        widget = responder_explorer(cohort_frame(), CARD)
    assert widget.state.band_min is None and "No band" in widget.text.value
    widget.close()


def test_threshold_between_grid_steps_is_counted_exactly(explorer):
    state = explorer.set_threshold(0.333)  # from code, not the slider: allowed, counted at exactly 0.333
    pairs = [(a, b) for a, b in zip(REST_PRE, REST_POST) if a is not None and b is not None and a > 0]
    assert state.k == sum((a - b) / a >= 0.333 for a, b in pairs) and state.n == len(pairs)
    assert state.band_min is None and "between two of its steps" in explorer.text.value
