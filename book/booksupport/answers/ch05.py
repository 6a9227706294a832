"""Answers for chapter 5 (responders: thresholds, responder curves and Wilson intervals)."""

from booksupport.answers import answer
from sacro_kit.stats.responders import proportion_ci, responders


@answer("ch5-ex1", tol=0)
def _rest_responders_at_half(cohort, card):
    return responders(cohort["rest_pre"], cohort["rest_post"], 0.50, "relative").k


@answer("ch5-ex2", tol=0.05)
def _reported_wilson_upper_percent(cohort, card):
    claim = card["rest_responders"]
    return 100 * proportion_ci(claim.k, claim.n, "wilson").high


@answer("ch5-ex3", tol=0)
def _rest_responders_two_points(cohort, card):
    return responders(cohort["rest_pre"], cohort["rest_post"], 2, "absolute").k
