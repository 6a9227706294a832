"""Answers for chapter 8 (consistency checks and reconstruction)."""

from sacro_kit.forensics.consistency import check_percentage, fitting_methods
from booksupport.answers import answer
from sacro_kit.forensics.reconstruction import count_samples


@answer("ch8-ex1")
def _counts_printing_the_percentage(cohort, card):
    claim = next(c for c in card if c.kind == "proportion")
    return sum(check_percentage(k, claim.n, claim.percent.text).consistent for k in range(claim.n + 1))


@answer("ch8-ex2")
def _rest_pre_samples(cohort, card):
    rest = card["rest_pain"]
    methods = fitting_methods(card, decimals=0)  # each printed value at its own precision, as the checks read it
    return count_samples(rest.n, rest.pre.q1.text, rest.pre.center.text, rest.pre.q3.text,
                         quantile_type=methods[0] if methods else 7)
