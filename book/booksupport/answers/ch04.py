"""Answers for chapter 4 (did pain go down? paired rank tests and the smallest attainable p)."""

from booksupport.answers import answer
from sacro_kit.stats.paired import min_attainable_p, wilcoxon


@answer("ch4-ex1", tol=5e-6)
def _smallest_exact_p_at_activity_n(cohort, card):
    return min_attainable_p(card["activity_pain"].n, "wilcoxon", "exact")


@answer("ch4-ex2", tol=0)
def _pairs_needed_for_reported_p(cohort, card):
    bound = card["activity_pain"].p.value
    n = 1
    while min_attainable_p(n, "wilcoxon", "exact") >= bound:
        n += 1
    return n


@answer("ch4-ex3", tol=0.005)
def _rest_hodges_lehmann(cohort, card):
    pre, post = card["rest_pain"].variables
    return wilcoxon(cohort[pre], cohort[post]).hodges_lehmann
