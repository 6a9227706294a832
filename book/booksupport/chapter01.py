"""Facts the prose of chapter 1 (the question and the paper) cites (book-support code, not the library)."""

from __future__ import annotations


def card_facts(card) -> dict:
    """The study's size, period and the card's size: ``n_treated``, ``first_year``, ``last_year``, ``n_claims``,
    ``n_numbers``."""
    return {"n_treated": int(card["treated"].n.value), "first_year": card.study.period_first,
            "last_year": card.study.period_last, "n_claims": len(card.claims), "n_numbers": len(card.to_frame())}


def percentage_facts(percentages) -> dict:
    """How many percentage checks there are and how many are consistent: ``n_pct_checks``, ``n_pct_ok``."""
    return {"n_pct_checks": len(percentages), "n_pct_ok": int((percentages["verdict"] == "consistent").sum())}


def follow_up_facts(card) -> dict:
    """Exercise 1.1's answer: patients followed up, and as a percentage of those treated."""
    return {"n_followed": int(card["followed_up"].n.value),
            "pct_followed": 100 * card["followed_up"].n.value / card["treated"].n.value}
