"""Tests for sacro_kit.widgets.static: the Vega-Lite responder explorer the HTML book runs without a kernel.

What the browser computes from the spec is checked in tests/built_book/test_explorer_in_browser.py (every threshold,
against sk.responders and sk.proportion_ci). Here: the spec embeds exactly the cohort's rows, the given band and the
card's reported points; it references nothing outside itself; the widget carries it in its display data; bad input
fails clearly; the PNG/SVG stills render offline and are deterministic.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import sacro_kit as sk
from sacro_kit.widgets.static import EXPLORER_CSS_CLASS, StaticExplorer, explorer_runtime_css, explorer_runtime_js
from sacro_kit.widgets import responder_explorer, threshold_grid

REST_PRE = [10, 10, 8, 8, 7, 7, 6, 5, 5, 4, 3, 2, 0, 9, None]
REST_POST = [7, 2, 6, 8, 3, 5, 1, 5, 2, 4, 1, 3, 1, 9, 4]


def cohort_frame(activity: bool = True) -> pd.DataFrame:
    frame = pd.DataFrame({"rest_pre": pd.array(REST_PRE, dtype="Int64"),
                          "rest_post": pd.array(REST_POST, dtype="Int64")})
    if activity:
        frame["activity_pre"] = pd.array([10, 9, 10, 8] + [None] * 11, dtype="Int64")
        frame["activity_post"] = pd.array([6, 6, 4, 8] + [None] * 11, dtype="Int64")
    return frame


def band(kind: str, low: float = 0.2, high: float = 0.6) -> pd.DataFrame:
    grid = threshold_grid(kind)
    frame = pd.DataFrame({"threshold": grid, "min": low, "p05": low + 0.05, "median": (low + high) / 2,
                          "p95": high - 0.05, "max": high})
    frame.attrs["n_cohorts"] = 50
    return frame


def datasets(explorer: StaticExplorer) -> dict:
    return explorer.spec["datasets"]


def test_spec_embeds_every_cohort_row_with_missing_values_as_null():
    explorer = sk.static_responder_explorer(cohort_frame(), band=False)
    rows = datasets(explorer)["rows"]
    assert len(rows) == 2 * len(REST_PRE)
    rest = [(r["pre"], r["post"]) for r in rows if r["variable"] == "rest"]
    assert rest == [(None if a is None else float(a), float(b)) for a, b in zip(REST_PRE, REST_POST)]
    assert explorer.rows == {"rest": 15, "activity": 15}
    assert explorer.variables == ("rest", "activity")


def test_spec_offers_the_slider_grids_and_selectors():
    params = {p["name"]: p for p in sk.static_responder_explorer(cohort_frame(), band=False).spec["params"]}
    assert params["rel"]["bind"] == {"input": "range", "min": 0, "max": 100, "step": 1,
                                     "name": "at least (% of baseline) "}
    assert params["abs"]["bind"]["min"] == 0 and params["abs"]["bind"]["max"] == 10 and params["abs"]["bind"]["step"] == 1
    assert params["variable"]["bind"]["options"] == ["rest", "activity"]
    assert params["kind"]["bind"]["options"] == ["relative", "absolute"]
    # the Wilson z is sacro_kit's own, to the last bit: scipy's ndtri(0.975)
    assert float(params["z"]["expr"]) == 1.959963984540054


def test_only_variables_with_complete_pairs_are_offered():
    explorer = sk.static_responder_explorer(cohort_frame(activity=False), band=False)
    assert explorer.variables == ("rest",)
    with pytest.raises(ValueError, match="no complete rest or activity pain pairs"):
        sk.static_responder_explorer(pd.DataFrame({"rest_pre": [None, 3.0], "rest_post": [2.0, None]}))


def test_band_is_embedded_per_grid_threshold_in_display_units():
    explorer = sk.static_responder_explorer(cohort_frame(), band={("rest", "relative"): band("relative"),
                                                                  ("rest", "absolute"): band("absolute", 0.1, 0.5)})
    rows = datasets(explorer)["band"]
    assert len(rows) == 101 + 11
    at30 = next(r for r in rows if r["key"] == "rest|relative|30")
    assert (at30["x"], at30["bmin"], at30["bmax"], at30["ncohorts"]) == (30, 0.2, 0.6, 50)
    assert {r["key"] for r in rows if r["kind"] == "absolute"} == {f"rest|absolute|{x}" for x in range(11)}
    assert "computed in Python when the book was built" in explorer.caption


def test_bad_band_keys_are_refused():
    with pytest.raises(ValueError, match=r"band keys must be \(variable, kind\)"):
        sk.static_responder_explorer(cohort_frame(), band={("opioids", "relative"): band("relative")})


def test_reported_points_come_from_the_card_and_set_the_start(card, cohort):
    explorer = sk.static_responder_explorer(cohort, card, band=False)
    reported = datasets(explorer)["reported"]
    claim = card["rest_responders"]
    assert reported == [{"key": "rest|relative|30", "variable": "rest", "kind": "relative", "x": 30,
                         "rk": claim.k, "rn": claim.n, "rp": claim.k / claim.n}]
    assert explorer.start == {"variable": "rest", "kind": "relative", "relative": 30, "absolute": 2}
    assert "Red diamond" in explorer.caption


def test_spec_is_self_contained_and_safe_in_a_script_element():
    explorer = sk.static_responder_explorer(cohort_frame(), band=False)
    text = explorer.to_json()
    assert "</" not in text
    assert "http:" not in text and "https:" not in text  # no schema URL, no data URL: the page loads nothing
    assert json.loads(text.replace("<\\/", "</")) == explorer.spec
    html = explorer.to_html(still=False)
    assert html.startswith(f'<div class="{EXPLORER_CSS_CLASS}"')
    assert '<script type="application/json" class="sk-explorer-spec">' in html
    assert "vegaEmbed" in explorer_runtime_js() and ".sk-explorer" in explorer_runtime_css()


@pytest.mark.slow  # heavy for `make check`'s inner loop; runs in `make test`
def test_stills_render_offline_and_are_deterministic():
    explorer = sk.static_responder_explorer(cohort_frame(), band=False)
    png = explorer.to_png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = explorer.to_svg()
    assert svg.startswith("<svg") and svg == explorer.to_svg()
    assert explorer.to_html() == explorer.to_html()
    assert 'class="sk-explorer-still" src="data:image/svg+xml;base64,' in explorer.to_html()


@pytest.mark.slow  # heavy for `make check`'s inner loop; runs in `make test`
def test_widget_display_carries_the_kernel_free_explorer():
    widget = responder_explorer(cohort_frame(), band={("rest", "relative"): band("relative")})
    try:
        bundle = widget._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle
        assert f'class="{EXPLORER_CSS_CLASS}"' in bundle["text/html"]
        assert bundle["text/plain"].startswith("ResponderExplorer")
        assert isinstance(bundle["image/png"], str)  # base64, as Jupyter stores it
        spec = widget.static_view().spec
        assert {r["key"] for r in spec["datasets"]["band"]} == {f"rest|relative|{x}" for x in range(101)}
    finally:
        widget.close()
    plain = responder_explorer(cohort_frame(), band=False, static=False)
    try:
        assert "text/html" not in plain._repr_mimebundle_()
    finally:
        plain.close()


def test_repr_says_what_is_embedded():
    explorer = sk.static_responder_explorer(cohort_frame(), band=False)
    assert repr(explorer) == ("StaticExplorer(rest: 15 rows, activity: 15 rows; start {'variable': 'rest', "
                              "'kind': 'relative', 'relative': 30, 'absolute': 2})")
