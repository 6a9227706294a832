"""Answer keys of chapter 9: each gives the right value for the shipped card and studies, computed here independently
(the published formulas written out, scipy.stats.norm, and REML by direct maximisation of the restricted
likelihood), and check_answer says correct / not yet. The chapter's self-checks pass cohort="not used": its answers
need no patient-level cohort.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import optimize, stats

from sacro_kit.io.card import load_reported
from sacro_kit.io.resources import default_card_path
from booksupport.exercises import check_answer, exercises
from booksupport.synthesis import synthesis_table

NO_COHORT = "not used"


def reml_estimate(y, v):
    """Random-effects mean with tau^2 maximising the restricted log-likelihood (Viechtbauer 2005, eq. 10)."""
    def negative(t):
        w = 1 / (v + t)
        mu = np.sum(w * y) / np.sum(w)
        return 0.5 * (np.sum(np.log(v + t)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2))
    best = optimize.minimize_scalar(negative, bounds=(0, 100), method="bounded", options={"xatol": 1e-12})
    tau2 = best.x if negative(best.x) < negative(0.0) else 0.0
    w = 1 / (v + tau2)
    return float(np.sum(w * y) / np.sum(w))


def independent_answers(card) -> dict[str, float]:
    rest = card["rest_pain"]
    n, (q1, m, q3) = rest.n, (rest.pre.q1.value, rest.pre.center.value, rest.pre.q3.value)
    answers = {"ch9-ex1": (q1 + m + q3) / 3}  # Wan et al. 2014, S2 mean
    # ex2: the pooled rows' means and SDs, the mean change variance at r = 0.8 (metafor escalc "MC"), REML by hand
    rows = synthesis_table(card)
    rows = rows[rows["eligible"]]
    r = 0.8
    y = (rows["mean_pre"] - rows["mean_post"]).to_numpy()
    v = ((rows["sd_pre"] ** 2 + rows["sd_post"] ** 2 - 2 * r * rows["sd_pre"] * rows["sd_post"]) / rows["n"]).to_numpy(float)
    answers["ch9-ex2"] = reml_estimate(y, v)
    # ex3: Luo et al. 2018 S2 mean, Wan et al. 2014 S2 SD, normal mass outside 0-10
    mean = (0.7 + 0.39 / n) * (q1 + q3) / 2 + (0.3 - 0.39 / n) * m
    sd = (q3 - q1) / (2 * stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25)))
    scale = card.scales[rest.scale]
    answers["ch9-ex3"] = 100 * (stats.norm.cdf(scale.min, mean, sd) + stats.norm.sf(scale.max, mean, sd))
    return answers


def test_every_exercise_has_a_key():
    assert {"ch9-ex1", "ch9-ex2", "ch9-ex3"} <= set(exercises())


def test_published_values(card):
    # Wan 2014 S2 mean of rest pain before, (4 + 7 + 8.5) / 3 = 6.5; statistics-notes section 4 prints 6.50
    assert check_answer("ch9-ex1", 6.5, cohort=NO_COHORT)
    assert check_answer("ch9-ex1", 6.50, cohort=NO_COHORT, card=card)
    assert not check_answer("ch9-ex1", 6.465, cohort=NO_COHORT)   # the Luo mean is not the answer


@pytest.mark.parametrize("exercise", ["ch9-ex1", "ch9-ex2", "ch9-ex3"])
def test_key_is_right_for_the_shipped_card(card, exercise):
    value = independent_answers(card)[exercise]
    assert check_answer(exercise, value, cohort=NO_COHORT, card=card)
    assert check_answer(exercise, round(value, 2), cohort=NO_COHORT, card=card)   # as the exercise asks
    assert not check_answer(exercise, value + 0.1, cohort=NO_COHORT, card=card)
    assert "give a number" in repr(check_answer(exercise, None, cohort=NO_COHORT, card=card))


def test_ex3_rounded_to_one_decimal_is_accepted(card):
    value = independent_answers(card)["ch9-ex3"]
    assert check_answer("ch9-ex3", round(value, 1), cohort=NO_COHORT, card=card)


def test_without_a_rest_pain_claim_nothing_is_correct(tmp_path: Path):
    text = default_card_path().read_text(encoding="utf-8")
    start = text.index("  rest_pain:\n")
    end = text.index("  # \"at least a 30% decrease\"")
    path = tmp_path / "no_rest.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    other = load_reported(path)
    assert "rest_pain" not in other
    for exercise in ("ch9-ex1", "ch9-ex3"):
        assert not check_answer(exercise, 6.5, cohort=NO_COHORT, card=other)
    # ex2 then pools the literature alone, the seed paper's shipped rest-pain row included
    rows = synthesis_table(other, None)
    rows = rows[rows["eligible"]]
    assert "Dougherty 2014" in set(rows["label"])
    y = (rows["mean_pre"] - rows["mean_post"]).to_numpy()
    v = ((rows["sd_pre"] ** 2 + rows["sd_post"] ** 2 - 1.6 * rows["sd_pre"] * rows["sd_post"]) / rows["n"]).to_numpy(float)
    expected = reml_estimate(y, v)
    assert check_answer("ch9-ex2", expected, cohort=NO_COHORT, card=other)
    assert not check_answer("ch9-ex2", expected + 0.1, cohort=NO_COHORT, card=other)
