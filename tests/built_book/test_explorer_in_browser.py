"""The responder explorer of the HTML book computes the same numbers as sacro_kit, in the reader's browser, offline.

The built chapter 5 is opened from file:// in headless Chromium with every other request blocked (browsing.py). For
each pain variable and threshold kind the test moves the slider to **every** grid threshold (relative 0-100 % in 1 %
steps, absolute 0-10 points), waits until the page shows that threshold, reads the displayed k, n, percentage and
95 % Wilson bounds, and asserts that they equal ``sk.responders`` / ``sk.proportion_ci`` at the displayed precision
(integers exactly, percentages to the 0.05 of one printed decimal), and that the full-precision values the readout
carries equal them to 1e-12. The chart's label at the threshold must show the same k/n, so the view, not only the
text, was recomputed. The band across reconstructed cohorts, precomputed when the book was built, must equal
``sk.responder_bands`` with the chapter's settings.

The same agreement is checked on a book built with the bring-your-own test cohort and card
(tests/test_byo_cohort.py makes them): only chapter 5 is built, into a temporary folder (tests/built_book/minibook.py),
in the background from the first browser test on (conftest.py), and the build time is printed. That build is also chapter 5's run on that cohort in ``make test`` (it fails on any error
output), in place of tests/test_byo_cohort.py's case, which the unit stream deselects. Screenshots of chapter 5 (desktop and 390 px, before and after moving the slider) go to
``_build/screenshots/``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import sacro_kit as sk
from browsing import BYO_CHAPTER, DESKTOP, HTML, PHONE, SHOTS
from sacro_kit.plotting.paired_figures import PAIRED_VARIABLES, reported_responders

CHAPTER = BYO_CHAPTER  # the chapter with the explorer, also built on the bring-your-own cohort
GRID = {"relative": range(0, 101), "absolute": range(0, 11)}
SLIDER = {"relative": "rel", "absolute": "abs"}

READ = """root => {
  const r = root.querySelector('.sk-explorer-readout');
  const get = c => r.querySelector(c);
  const label = root.querySelector('.sk-explorer-chart g.readout_marks text');
  return {key: r.dataset.key, k: get('.sk-k') && get('.sk-k').textContent, n: get('.sk-n') && get('.sk-n').textContent,
          pct: get('.sk-pct').textContent, lo: get('.sk-lo').textContent, hi: get('.sk-hi').textContent,
          pct_value: get('.sk-pct').dataset.value, lo_value: get('.sk-lo').dataset.value,
          hi_value: get('.sk-hi').dataset.value, band: get('.sk-band') && get('.sk-band').textContent,
          reported: get('.sk-reported') && get('.sk-reported').textContent, text: r.innerText,
          label: label && label.textContent};
}"""
MOVE = """([name, value]) => {
  const input = document.querySelector('.sk-explorer-controls input[name="' + name + '"]');
  input.value = String(value);
  input.dispatchEvent(new Event('input', {bubbles: true}));
}"""
SHOWN = """([key, label]) => {
  const root = document.querySelector('.sk-explorer');
  const text = root.querySelector('.sk-explorer-chart g.readout_marks text');
  return root.querySelector('.sk-explorer-readout').dataset.key === key && !!text && text.textContent === label;
}"""


def _pct(text: str) -> float:
    match = re.fullmatch(r"(\d+\.\d)%", text)
    assert match, f"percentages are printed with one decimal and a % sign, got {text!r}"
    return float(match.group(1))


def _expected(cohort: pd.DataFrame, variable: str, kind: str, x: int):
    pre, post = (cohort[c].to_numpy(dtype=float, na_value=np.nan) for c in PAIRED_VARIABLES[variable])
    threshold = x / 100 if kind == "relative" else float(x)
    result = sk.responders(pre, post, threshold, kind)
    ci = sk.proportion_ci(result.k, result.n, "wilson") if result.n else None
    return result, ci


def _set(page, variable: str, kind: str) -> None:
    page.check(f'.sk-explorer-controls input[name="variable"][value="{variable}"]')
    page.check(f'.sk-explorer-controls input[name="kind"][value="{kind}"]')


def sweep(page, cohort: pd.DataFrame, card) -> dict:
    """Move the slider over every grid threshold of every variable x kind; assert agreement; return counts."""
    variables = page.eval_on_selector_all('.sk-explorer-controls input[name="variable"]',
                                          "els => els.map(e => e.value)")
    assert variables, "the explorer offers no pain variable"
    root = page.query_selector(".sk-explorer")
    checked = {}
    for variable in variables:
        for kind, grid in GRID.items():
            _set(page, variable, kind)
            visible = page.is_visible(f'.sk-explorer-controls input[name="{SLIDER[kind]}"]')
            assert visible, f"the {kind} slider is hidden while {kind} thresholds are chosen"
            other = SLIDER["absolute" if kind == "relative" else "relative"]
            assert not page.is_visible(f'.sk-explorer-controls input[name="{other}"]'), "both sliders are shown"
            reported = {claim.threshold: claim for claim in
                        reported_responders(card, PAIRED_VARIABLES[variable], kind)} if card else {}
            for x in grid:
                result, ci = _expected(cohort, variable, kind, x)
                key = f"{variable}|{kind}|{x}"
                page.evaluate(MOVE, [SLIDER[kind], x])
                page.wait_for_function(SHOWN, arg=[key, f"{result.k}/{result.n}"], timeout=5_000)
                shown = root.evaluate(READ)
                where = f"{variable} pain, {kind} threshold {x}"
                assert (int(shown["k"]), int(shown["n"])) == (result.k, result.n), f"{where}: {shown['text']}"
                for name, value in (("pct", result.proportion), ("lo", ci.low), ("hi", ci.high)):
                    assert abs(_pct(shown[name]) - 100 * value) <= 0.05 + 1e-9, f"{where}: {name} {shown[name]}"
                    assert abs(float(shown[f"{name}_value"]) - value) <= 1e-12, f"{where}: {name} {shown[name]}"
                threshold = x / 100 if kind == "relative" else float(x)
                claim = next((c for t, c in reported.items() if abs(t - threshold) < 1e-9), None)
                if claim is None:
                    assert shown["reported"] is None, f"{where}: a reported point shown off the paper's threshold"
                else:
                    assert shown["reported"] == f"{claim.k}/{claim.n}", f"{where}: {shown['text']}"
                checked[(variable, kind)] = checked.get((variable, kind), 0) + 1
    return checked


def test_explorer_agrees_with_sacro_kit(reader, capsys):
    path = HTML / f"{CHAPTER}.html"
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make book` first")
    opened = reader(DESKTOP).open(path)
    checked = sweep(opened.page, sk.load_cohort(), sk.load_reported())
    assert not opened.problems(), "; ".join(opened.problems())
    assert sum(checked.values()) == len(checked) // 2 * (101 + 11)
    with capsys.disabled():
        print(f"\nexplorer agrees with sacro_kit at {sum(checked.values())} thresholds: {checked}")


def test_explorer_band_is_the_chapters_reconstruction_band(reader):
    """The band at every threshold equals sk.responder_bands(card, n_cohorts=<the chapter's>, seed=2014)."""
    page = reader(DESKTOP).open(HTML / f"{CHAPTER}.html").page
    root = page.query_selector(".sk-explorer")
    n_cohorts = int(re.search(r"(\d+) (?:reconstructed )?cohorts", root.evaluate(READ)["text"]).group(1))
    bands = sk.responder_bands(sk.load_reported(), n_cohorts=n_cohorts, seed=2014)
    for (variable, kind), band in bands.items():
        if band is None:
            continue
        _set(page, variable, kind)
        for x in GRID[kind][::5]:
            result, _ = _expected(sk.load_cohort(), variable, kind, x)
            page.evaluate(MOVE, [SLIDER[kind], x])
            page.wait_for_function(SHOWN, arg=[f"{variable}|{kind}|{x}", f"{result.k}/{result.n}"])
            row = band.iloc[int(np.argmin(np.abs(band["threshold"] - (x / 100 if kind == "relative" else x))))]
            low, high = (f"{100 * row[c]:.1f}%" for c in ("min", "max"))
            shown = root.evaluate(READ)["band"]
            assert shown == (low if row["min"] == row["max"] else f"{low} to {high}"), (variable, kind, x, shown)


@pytest.fixture(scope="module")
def byo_book(byo_book_build):
    """Chapter 5 built on the bring-your-own test cohort and card, in a folder of its own (started in the background at
    the first browser test: conftest.py)."""
    return byo_book_build.result()


def test_explorer_agrees_on_a_bring_your_own_cohort(reader, byo_book, capsys):
    path, cohort_path, card_path, seconds = byo_book
    cohort, card = sk.load_cohort(cohort_path), sk.load_reported(card_path)
    opened = reader(DESKTOP).open(path)
    text = opened.page.inner_text(".sk-explorer-readout")
    checked = sweep(opened.page, cohort, card)
    assert not opened.problems(), "; ".join(opened.problems())
    claim = card["rest_responders"]  # the explorer starts at the card's own responder claim, on its own cohort
    start = sk.responders(cohort.rest_pre, cohort.rest_post, claim.threshold, claim.threshold_kind)
    assert text.startswith(f"{start.k} of {start.n} patients"), text
    assert f"The paper reports {claim.k}/{claim.n}" in text, text
    with capsys.disabled():
        print(f"\nbring-your-own chapter 5 built in {seconds:.0f} s; explorer agrees at {sum(checked.values())} "
              f"thresholds: {checked}")


def _screenshot(page, target, viewport):
    """The explorer as a reader sees it: scrolled to just above its controls."""
    page.evaluate("() => { const e = document.querySelector('.sk-explorer'); "
                  "window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 90); }")
    page.wait_for_timeout(200)
    page.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 10_000, f"{target} looks empty"


@pytest.mark.parametrize("name, viewport", [("desktop", DESKTOP), ("phone", {**PHONE, "height": 1100})])
def test_chapter5_screenshots(reader, name, viewport):
    """Before and after moving the slider (30 % -> 60 %) and switching to activity pain."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    opened = reader(viewport).open(HTML / f"{CHAPTER}.html")
    page = opened.page
    before = page.inner_text(".sk-explorer-readout")
    _screenshot(page, SHOTS / f"ch05_{name}_before.png", viewport)
    page.evaluate(MOVE, ["rel", 60])
    page.wait_for_function("() => document.querySelector('.sk-explorer-readout').dataset.key.endsWith('|60')")
    after = page.inner_text(".sk-explorer-readout")
    assert after != before, "moving the slider did not change the readout"
    _screenshot(page, SHOTS / f"ch05_{name}_after.png", viewport)
    page.check('.sk-explorer-controls input[name="variable"][value="activity"]')
    page.wait_for_function("() => document.querySelector('.sk-explorer-readout').dataset.key"
                           ".startsWith('activity|')")
    _screenshot(page, SHOTS / f"ch05_{name}_activity.png", viewport)
    # a formula a reader must see typeset (the Wald interval, offline MathJax)
    page.evaluate("() => { const m = document.querySelector('article mjx-container'); "
                  "window.scrollTo(0, m.getBoundingClientRect().top + window.scrollY - 200); }")
    page.wait_for_timeout(200)
    page.screenshot(path=str(SHOTS / f"ch05_{name}_formula.png"))
    assert not opened.problems(), "; ".join(opened.problems())


def test_standalone_page_agrees_on_edge_cases(reader, tmp_path):
    """A page saved by StaticExplorer.save: zero baselines, worsening, missing values, k = 0 and k = n thresholds."""
    cohort = pd.DataFrame({
        "rest_pre": pd.array([10, 10, 8, 8, 7, 7, 6, 5, 5, 4, 3, 2, 0, 0, 9, None, 6], dtype="Int64"),
        "rest_post": pd.array([7, 2, 6, 8, 3, 5, 1, 5, 2, 4, 1, 3, 1, 0, 9, 4, None], dtype="Int64"),
        "activity_pre": pd.array([10, 9, 10, 8, 3] + [None] * 12, dtype="Int64"),
        "activity_post": pd.array([0, 6, 4, 8, 3] + [None] * 12, dtype="Int64"),
    })
    page_path = sk.static_responder_explorer(cohort).save(tmp_path / "explorer.html")
    opened = reader(PHONE).open(page_path)
    text = opened.page.inner_text(".sk-explorer-readout")
    checked = sweep(opened.page, cohort, None)
    assert not opened.problems(), "; ".join(opened.problems())
    width = opened.page.evaluate("document.documentElement.scrollWidth")
    assert checked == {(v, k): len(g) for v in ("rest", "activity") for k, g in GRID.items()}
    assert "2 patients with a baseline of 0 cannot have a relative decrease" in text, text
    assert "No band of reconstructed cohorts" in text, text
    assert width <= PHONE["width"], f"the saved page is {width} px wide on a 390 px phone"
