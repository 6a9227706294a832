"""Answers for chapter 2 (attrition: from everyone treated to the few analysed)."""

from sacro_kit.io.cohort import attrition
from booksupport.answers import answer


@answer("ch2-ex1", tol=0.05)
def _activity_percent_of_treated(cohort, card):
    counts = attrition(cohort).set_index("claim")["n"]
    return 100 * counts["activity_pain"] / counts["treated"]


@answer("ch2-ex2", tol=0.05)
def _known_decreased_percent_of_treated(cohort, card):
    return 100 * card["pain_decreased"].k / card["treated"].n.value


@answer("ch2-ex3", tol=0)
def _followed_up_without_rest_pair(cohort, card):
    followed = cohort["followup_weeks"].notna()
    no_pair = cohort[["rest_pre", "rest_post"]].isna().any(axis=1)
    return int((followed & no_pair).sum())
