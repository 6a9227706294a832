"""Bring your own cohort: every chapter runs unchanged on another cohort and card.

A small synthetic cohort (24 patients) is written here, and its reported-statistics card is computed from it, the way a
user would transcribe their own paper. Every book chapter is then executed with SACRO_KIT_COHORT and SACRO_KIT_CARD
pointing at these files; a chapter that hard-codes the seed paper's numbers or cannot cope with other counts fails here.

``make test`` runs each chapter once per cohort: the chapters' cases here are its lab stream's ``byo`` phase (the unit
stream deselects them), except chapter 5, whose run on this cohort is the mini book the browser test builds and opens
(tests/built_book/conftest.py and test_explorer_in_browser.py; the build fails on any error output). ``make unit`` runs
every case.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml
from nbclient import NotebookClient

import sacro_kit as sk
from sacro_kit.io import resources as config

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = sorted(BOOK.glob("*.ipynb"))
METHOD = 6  # the quantile definition this "paper" used (SPSS's); the chapters must discover it themselves


def _cohort(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 24
    followed = np.arange(n) < 19
    rest_pre = rng.integers(4, 11, n)
    rest_post = np.clip(rest_pre - rng.integers(-1, 6, n), 0, 10)
    act_pre = np.clip(rest_pre + rng.integers(0, 3, n), 0, 10)
    act_post = np.clip(act_pre - rng.integers(-1, 5, n), 0, 10)
    op_pre = rng.integers(0, 4, n)
    op_post = np.clip(op_pre - rng.integers(-1, 3, n), 0, None)
    has_rest = followed & (np.arange(n) < 15)
    has_act = followed & (np.arange(n) % 2 == 0)
    decreased = (rest_post < rest_pre) | (act_post < act_pre)
    frame = pd.DataFrame({
        "patient_id": [f"B{i:02d}" for i in range(1, n + 1)],
        "pain_weeks": rng.integers(1, 9, n).astype(float),
        "followup_weeks": np.where(followed, rng.integers(1, 7, n).astype(float), np.nan),
        "pain_decreased": np.where(followed, decreased.astype(float), np.nan),
        "rest_pre": np.where(has_rest, rest_pre, np.nan),
        "rest_post": np.where(has_rest, rest_post, np.nan),
        "activity_pre": np.where(has_act, act_pre, np.nan),
        "activity_post": np.where(has_act, act_post, np.nan),
        "opioids_pre": op_pre.astype(float),
        "opioids_post": op_post.astype(float),
    })
    return frame


def _printed(value: float) -> dict:
    return {"printed": f"{value:g}"}


def _summary(values, method=METHOD) -> dict:
    d = sk.describe(values, quantile_type=method)
    return {"center": _printed(d.median), "q1": _printed(d.q1), "q3": _printed(d.q3)}


def _p(x, y) -> dict:
    p = sk.wilcoxon(x, y).pvalue
    return {"printed": "<0.001" if p < 0.001 else f"{p:.3f}"}


def _card(frame: pd.DataFrame) -> dict:
    def pair(a, b):
        both = frame[[a, b]].dropna()
        return both[a].to_numpy(), both[b].to_numpy()

    rest, act, op = pair("rest_pre", "rest_post"), pair("activity_pre", "activity_post"), pair("opioids_pre", "opioids_post")
    followed = frame["followup_weeks"].dropna()
    dec = frame["pain_decreased"].dropna()
    resp = sk.responders(*rest, threshold=0.30)
    sign = sk.sign_test(*op)
    n = len(frame)
    pct = lambda k, m: {"printed": f"{100 * k / m:.0f}%"}  # noqa: E731
    quote = "synthetic test card"
    return {
        "schema": "sacro_kit.reported-card/1",
        "study": {"id": "byo_test", "citation": "Synthetic cohort for the bring-your-own-cohort test.", "doi": "none",
                  "pmid": "none", "source": "test", "design": "synthetic",
                  "period": {"printed": "2020 to 2021", "first_year": 2020, "last_year": 2021, "quote": quote}},
        "scales": {"nrs": {"type": "integer", "min": 0, "max": 10, "label": "NRS 0-10"},
                   "count": {"type": "integer", "min": 0, "max": None, "label": "opioids"},
                   "weeks": {"type": "real", "min": 0, "max": None, "label": "weeks"}},
        "claims": {
            "treated": {"kind": "count", "variable": "patient_id", "n": {"printed": str(n)}, "quote": quote},
            "pain_duration": {"kind": "summary", "variable": "pain_weeks", "scale": "weeks", "n": n,
                              "center_label": "median", **_summary(frame["pain_weeks"]), "quote": quote},
            "followed_up": {"kind": "count", "variable": "followup_weeks", "n": {"printed": str(len(followed))},
                            "of": "treated", "quote": quote},
            "followup_time": {"kind": "summary", "variable": "followup_weeks", "scale": "weeks", "n": len(followed),
                              "center_label": "median", **_summary(followed), "quote": quote},
            "pain_decreased": {"kind": "proportion", "variable": "pain_decreased", "k": int(dec.sum()), "n": len(dec),
                               "percent": pct(dec.sum(), len(dec)), "quote": quote},
            "activity_pain": {"kind": "paired_summary", "variables": ["activity_pre", "activity_post"], "scale": "nrs",
                              "n": len(act[0]), "center_label": "median", "pre": _summary(act[0]),
                              "post": _summary(act[1]), "p": _p(*act), "test": "Wilcoxon signed-rank", "quote": quote},
            "rest_pain": {"kind": "paired_summary", "variables": ["rest_pre", "rest_post"], "scale": "nrs",
                          "n": len(rest[0]), "center_label": "median", "pre": _summary(rest[0]),
                          "post": _summary(rest[1]), "p": _p(*rest), "test": "Wilcoxon signed-rank", "quote": quote},
            "rest_responders": {"kind": "responders", "variables": ["rest_pre", "rest_post"], "threshold": 0.30,
                                "threshold_kind": "relative", "k": resp.k, "n": resp.n,
                                "percent": pct(resp.k, resp.n), "quote": quote},
            "opioids": {"kind": "paired_summary", "variables": ["opioids_pre", "opioids_post"], "scale": "count",
                        "n": len(op[0]), "center_label": "median", "pre": _summary(op[0]), "post": _summary(op[1]),
                        "p": _p(*op), "test": "Wilcoxon signed-rank", "quote": quote},
            "opioid_change": {"kind": "paired_direction", "variables": ["opioids_pre", "opioids_post"], "n": len(op[0]),
                              "decreased": {"k": sign.n_decreased, "percent": pct(sign.n_decreased, len(op[0]))},
                              "unchanged": {"k": sign.n_unchanged, "percent": pct(sign.n_unchanged, len(op[0]))},
                              "increased": {"k": sign.n_increased, "percent": pct(sign.n_increased, len(op[0]))},
                              "quote": quote},
        },
    }


@pytest.fixture(scope="module")
def byo_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("byo")
    frame = _cohort()
    cohort_path = folder / "my_cohort.csv"
    frame.to_csv(cohort_path, index=False, float_format="%g")
    card_path = folder / "my_card.yaml"
    card_path.write_text(yaml.safe_dump(_card(frame), sort_keys=False, allow_unicode=True), encoding="utf-8")
    return cohort_path, card_path


def test_the_byo_files_are_valid_inputs(byo_files):
    cohort_path, card_path = byo_files
    cohort = sk.load_cohort(cohort_path)
    card = sk.load_reported(card_path)
    assert len(cohort) == card["treated"].n.value == 24


def test_there_are_chapters_to_run():
    assert len(CHAPTERS) >= 1


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_runs_on_another_cohort(chapter, byo_files, monkeypatch):
    cohort_path, card_path = byo_files
    monkeypatch.setenv(config.COHORT_ENV, str(cohort_path))
    monkeypatch.setenv(config.CARD_ENV, str(card_path))
    nb = nbformat.read(chapter, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(BOOK)}})
    client.execute()  # raises CellExecutionError, naming the cell and the error, on any failure
    errors = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
              if out.get("output_type") == "error"]
    assert not errors


def test_make_test_runs_the_deselected_chapter_in_the_browser_stream():
    """`make test` runs every chapter here but one, and that one is the chapter the browser test builds on this cohort."""
    import re

    root = BOOK.parent
    makefile = (root / "Makefile").read_text()
    # the unit stream leaves every chapter run to the lab stream's byo phase, which runs this module
    assert re.search(r"^test-stream-unit: export UNIT_ARGS := .*--deselect "
                     r"tests/test_byo_cohort\.py::test_chapter_runs_on_another_cohort$", makefile, re.M)
    lab_stream = re.search(r"^test-stream-lab:.*\n\t(.*)$", makefile, re.M)
    assert lab_stream is not None and "$(call PHASE,byo)" in lab_stream.group(1)
    assert re.search(r"^byo: .*\n\t.*pytest.* tests/test_byo_cohort\.py", makefile, re.M)
    deselected = re.findall(r"test_chapter_runs_on_another_cohort\[(\w+)\]", makefile)
    built = re.search(r'^BYO_CHAPTER = "book/(\w+)"', (root / "tests/built_book/browsing.py").read_text(), re.M)
    assert built is not None
    assert deselected == [built.group(1)], (deselected, built.group(1))
    assert (BOOK / f"{built.group(1)}.ipynb") in CHAPTERS
