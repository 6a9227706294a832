"""Answers for chapter 6 (opioids: direction counts, the sign test and heavy ties)."""

from scipy import stats

from booksupport.answers import answer


@answer("ch6-ex1", tol=0)
def _sign_test_pairs_from_card(cohort, card):
    change = card["opioid_change"]
    return change.decreased.k + change.increased.k


@answer("ch6-ex2", tol=5e-7)
def _sign_test_p_from_card(cohort, card):
    change = card["opioid_change"]
    return stats.binomtest(change.decreased.k, change.decreased.k + change.increased.k, 0.5).pvalue


@answer("ch6-ex3", tol=0)
def _one_to_none(cohort, card):
    pre, post = card["opioid_change"].variables
    return int(((cohort[pre] == 1) & (cohort[post] == 0)).sum())
