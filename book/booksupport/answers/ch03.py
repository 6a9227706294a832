"""Answers for chapter 3 (describing pain scores: quartile definitions and slope plots)."""

from booksupport.answers import answer
from sacro_kit.stats.quantiles import describe


def _rest_pairs(cohort, card):
    return cohort[list(card["rest_pain"].variables)].dropna()


@answer("ch3-ex1", tol=0.005)
def _rest_pre_q3_type7(cohort, card):
    pairs = _rest_pairs(cohort, card)
    return describe(pairs[card["rest_pain"].variables[0]], quantile_type=7).q3


@answer("ch3-ex2", tol=0.005)
def _rest_post_iqr_type6(cohort, card):
    pairs = _rest_pairs(cohort, card)
    return describe(pairs[card["rest_pain"].variables[1]], quantile_type=6).iqr


@answer("ch3-ex3", tol=0)
def _rest_unchanged(cohort, card):
    pre, post = card["rest_pain"].variables
    pairs = _rest_pairs(cohort, card)
    return int((pairs[pre] == pairs[post]).sum())
