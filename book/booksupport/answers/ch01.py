"""Answers for chapter 1 (the paper and its reported numbers)."""

from booksupport.answers import answer


@answer("ch1-ex1", tol=0.05)
def _followed_up_percent(cohort, card):
    return 100 * card["followed_up"].n.value / card["treated"].n.value
