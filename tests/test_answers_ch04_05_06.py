"""Answer keys of chapters 4-6: each gives the right value for the shipped cohort and card, computed here
independently (numpy/pandas counts, scipy, math.comb), and check_answer says correct / not yet."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from booksupport.exercises import check_answer, exercises


def pairs(cohort, pre, post):
    both = cohort[[pre, post]].dropna().astype(int)
    return both[pre].to_numpy(), both[post].to_numpy()


def independent_answers(cohort, card) -> dict[str, float]:
    answers = {}
    n_activity = card["activity_pain"].n
    # exact signed-rank p when all n differences share a sign and are untied: scipy's exact distribution
    answers["ch4-ex1"] = stats.wilcoxon(np.arange(1, n_activity + 1), method="exact").pvalue
    bound = card["activity_pain"].p.value
    answers["ch4-ex2"] = next(n for n in range(1, 100) if stats.binomtest(n, n).pvalue < bound)
    pre, post = pairs(cohort, "rest_pre", "rest_post")
    d = (pre - post)[pre != post]
    walsh = [(d[i] + d[j]) / 2 for i in range(d.size) for j in range(i, d.size)]
    answers["ch4-ex3"] = float(np.median(walsh))  # Hodges & Lehmann 1963: median of the Walsh averages

    keep = pre > 0
    answers["ch5-ex1"] = int(np.sum(2 * (pre[keep] - post[keep]) >= pre[keep]))  # >= 50 %, in integers
    claim = card["rest_responders"]
    answers["ch5-ex2"] = 100 * proportion_confint(claim.k, claim.n, method="wilson")[1]
    answers["ch5-ex3"] = int(np.sum(pre - post >= 2))

    change = card["opioid_change"]
    dec, inc = change.decreased.k, change.increased.k
    answers["ch6-ex1"] = dec + inc
    m = dec + inc
    answers["ch6-ex2"] = min(1.0, 2 * sum(math.comb(m, i) for i in range(min(dec, inc) + 1)) / 2 ** m)
    o_pre, o_post = pairs(cohort, "opioids_pre", "opioids_post")
    answers["ch6-ex3"] = int(pd.crosstab(o_pre, o_post).loc[1, 0])
    return answers


def test_every_exercise_has_a_key():
    assert {f"ch{c}-ex{i}" for c in (4, 5, 6) for i in (1, 2, 3)} <= set(exercises())


def test_published_values_of_the_card_based_answers(card):
    # R: 2 * psignrank(0, 13) = 0.0002441406; 2 / 2^15 = 6.1e-05 is the first exact p below 0.0001
    assert card["activity_pain"].n == 13
    assert check_answer("ch4-ex1", 0.000244)
    assert check_answer("ch4-ex2", 15)
    # R: prop.test(22, 29, correct = FALSE)$conf.int -> 0.5789240 0.8778158 (Wilson score interval)
    assert check_answer("ch5-ex2", 87.78)
    # R: binom.test(34, 42)$p.value -> 6.877e-05 (opioids: 34 decreased, 8 increased, 15 unchanged dropped)
    assert check_answer("ch6-ex1", 42)
    assert check_answer("ch6-ex2", 6.877e-5)


@pytest.mark.parametrize("exercise", [f"ch{c}-ex{i}" for c in (4, 5, 6) for i in (1, 2, 3)])
def test_key_is_right_for_the_shipped_cohort(cohort, card, exercise):
    value = independent_answers(cohort, card)[exercise]
    result = check_answer(exercise, value)
    assert result.correct, (exercise, value)
    assert repr(result) == f"{exercise}: correct."
    wrong = value + 1 if value >= 1 else value * 3 + 1e-3
    assert not check_answer(exercise, wrong)
    assert "not yet" in repr(check_answer(exercise, wrong))
    assert not check_answer(exercise, None)
