"""Answer keys of chapters 2, 3 and 7: each key equals an independent computation on the shipped cohort and card
(numpy, pandas, statsmodels, or the numbers printed in the abstract), and check_answer accepts it and rejects others.
"""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

import sacro_kit as sk
from booksupport.exercises import check_answer, exercises


def rest_pairs(cohort):
    return cohort[["rest_pre", "rest_post"]].dropna().astype(float)


def expected_values(cohort) -> dict[str, float]:
    """Each answer computed without sacro_kit."""
    activity = cohort[["activity_pre", "activity_post"]].notna().all(axis=1)
    followed = cohort["followup_weeks"].notna()
    no_rest_pair = cohort[["rest_pre", "rest_post"]].isna().any(axis=1)
    pairs = rest_pairs(cohort)
    decreased = cohort["pain_decreased"].dropna().astype(bool)
    n_all = len(cohort)
    needed = next((m for m in range(n_all - len(decreased) + 1)
                   if proportion_confint(int(decreased.sum()) + m, n_all, alpha=0.05, method="wilson")[0] > 0.6),
                  float("nan"))
    differences = np.concatenate([(pairs["rest_pre"] - pairs["rest_post"]).to_numpy(),
                                  np.zeros(n_all - len(pairs))])
    return {
        "ch2-ex1": 100 * activity.sum() / n_all,
        "ch2-ex2": 100 * decreased.sum() / n_all,
        "ch2-ex3": int((followed & no_rest_pair).sum()),
        "ch3-ex1": float(np.quantile(pairs["rest_pre"], 0.75, method="linear")),
        "ch3-ex2": float(np.subtract(*np.quantile(pairs["rest_post"], [0.75, 0.25], method="weibull"))),
        "ch3-ex3": int((pairs["rest_pre"] == pairs["rest_post"]).sum()),
        "ch7-ex1": 100 * decreased.sum() / n_all,
        "ch7-ex2": needed,
        "ch7-ex3": float(np.median(differences)),
    }


KEYS = ["ch2-ex1", "ch2-ex2", "ch2-ex3", "ch3-ex1", "ch3-ex2", "ch3-ex3", "ch7-ex1", "ch7-ex2", "ch7-ex3"]


def test_every_exercise_has_a_key():
    assert set(KEYS) <= set(exercises())


@pytest.mark.parametrize("exercise", KEYS)
def test_key_matches_independent_computation(exercise, cohort, card):
    expected = expected_values(cohort)[exercise]
    assert np.isfinite(expected), "the shipped cohort should give every exercise an answer"
    assert check_answer(exercise, expected, cohort=cohort, card=card).correct
    assert not check_answer(exercise, expected + 1, cohort=cohort, card=card).correct
    assert not check_answer(exercise, None, cohort=cohort, card=card).correct


def test_keys_agree_with_the_abstract(cohort, card):
    # Dougherty 2014 abstract: 57 treated, 13 with activity scores, 37 of 45 with decreased pain.
    assert check_answer("ch2-ex1", 100 * 13 / 57, cohort=cohort, card=card).correct
    assert check_answer("ch2-ex2", 100 * 37 / 57, cohort=cohort, card=card).correct
    assert check_answer("ch7-ex1", 100 * 37 / 57, cohort=cohort, card=card).correct


def test_check_answer_message_does_not_reveal_the_answer(cohort, card):
    result = check_answer("ch7-ex2", 999, cohort=cohort, card=card)
    assert repr(result) == "ch7-ex2: not yet. Check your working and try again."


def test_keys_follow_another_cohort(cohort, card):
    # The keys are computed from the cohort they are given: drop the last ten patients and the answers follow.
    smaller = cohort.iloc[:-10].reset_index(drop=True)
    expected = expected_values(smaller)
    for exercise in ("ch2-ex1", "ch2-ex3", "ch3-ex1", "ch3-ex3", "ch7-ex3"):
        assert check_answer(exercise, expected[exercise], cohort=smaller, card=card).correct
    assert check_answer("ch3-ex2", expected["ch3-ex2"], cohort=smaller, card=card).correct
