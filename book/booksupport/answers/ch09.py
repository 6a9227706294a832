"""Answers for chapter 9 (pooling the sacroplasty literature), computed from the card and the shipped studies.

The chapter places the card's ``rest_pain`` claim among the published studies; when a card has no usable paired
median/IQR ``rest_pain`` claim, the answers that need it are NaN (every answer is then "not yet", and the chapter
says why), never a number from another study.
"""

from __future__ import annotations

import math

from sacro_kit.io.card import PairedSummaryClaim
from booksupport.answers import answer
from sacro_kit.stats.meansd import estimate_mean_sd
from booksupport.synthesis import conversion_table, pool_eligible, synthesis_table

SEED = "rest_pain"


def _seed(card):
    claim = card.get(SEED)
    if not isinstance(claim, PairedSummaryClaim) or {claim.pre.center_label, claim.post.center_label} != {"median"}:
        return None
    return claim


@answer("ch9-ex1", tol=0.006)
def _wan_mean_before(cohort, card):
    """Wan et al.'s (2014) S2 mean, (q1 + median + q3) / 3, of the seed claim before the procedure."""
    claim = _seed(card)
    if claim is None:
        return math.nan
    return estimate_mean_sd(claim.n, q1=claim.pre.q1.value, median=claim.pre.center.value,
                            q3=claim.pre.q3.value, mean_method="wan").mean


@answer("ch9-ex2", tol=0.006)
def _pooled_change_at_r08(cohort, card):
    """REML pooled mean change of the eligible rows (card row included) with r = 0.8."""
    return pool_eligible(synthesis_table(card, SEED if _seed(card) is not None else None, r=0.8)).estimate


@answer("ch9-ex3", tol=0.06)
def _percent_outside_scale_before(cohort, card):
    """Percentage of N(Luo mean, Wan SD) of the seed claim before the procedure lying outside the scale."""
    if _seed(card) is None:
        return math.nan
    table = conversion_table(card, [SEED])
    return 100 * float(table.loc[table["side"] == "pre", "outside_scale"].iloc[0])
