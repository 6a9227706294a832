"""Answers for chapter 7 (missing data: best and worst case, tipping point, "no change" imputation)."""

from booksupport.answers import answer
from sacro_kit.stats.missing import best_worst_case, no_change_sensitivity, tipping_point


@answer("ch7-ex1", tol=0.05)
def _worst_case_percent(cohort, card):
    return 100 * best_worst_case(cohort, card, "pain_decreased").loc["worst case", "proportion"]


@answer("ch7-ex2", tol=0)
def _improved_needed_for_sixty_percent(cohort, card):
    m = tipping_point(cohort, card, "pain_decreased", null=0.6).m_needed
    return float("nan") if m is None else m


@answer("ch7-ex3", tol=0.01)
def _median_decrease_with_zeros(cohort, card):
    table = no_change_sensitivity(cohort, card, "rest_pain")
    return table.loc[table["data"] == "missing as no change", "median_decrease"].iloc[0]
