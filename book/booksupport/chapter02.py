"""Facts and sentences the prose of chapter 2 (attrition) cites (book-support code, not the library)."""

from __future__ import annotations

from booksupport.prose import Text


def attrition_facts(flow) -> dict:
    """Each stage's size (``n_<claim>``) and share of those treated (``pct_<claim>``), those not followed up, and a
    sentence on whether the stages nest."""
    n_by_stage = dict(zip(flow["claim"], flow["n"].astype(int)))
    n_treated = n_by_stage["treated"]
    nests = bool((flow["not_in_previous"].fillna(0) == 0).all())
    facts = {}
    for key, n in n_by_stage.items():
        facts[f"n_{key}"] = int(n)
        facts[f"pct_{key}"] = float(100 * n / n_treated)
    facts["n_not_followed"] = int(flow["lost_from_previous"].iloc[1])
    facts["nesting"] = Text(
        "Here every stage is contained in the one above it." if nests else
        "Here the stages do not nest: some patients enter a later stage without being in the one above it, which the "
        "side boxes of the figure show.")
    return facts


def comparison_facts(comparison) -> dict:
    """How many of the card's claims the cohort reproduces exactly, and how many carry a sample size."""
    return {"n_claims_equal": int((comparison["status"] == "equal").sum()),
            "n_claims_with_n": int(comparison["reported_n"].notna().sum())}


def _threshold_text(claim) -> str:
    return f"{100 * claim.threshold:g}%" if claim.threshold_kind == "relative" else f"{claim.threshold:g} points"


def denominator_facts(card) -> dict:
    """The ``pain_decreased`` and ``rest_responders`` proportions over those followed up and over those treated
    (0 and NaN when the card lacks the claim, with a sentence saying so)."""
    treated_n = int(card["treated"].n.value)
    facts = {"card_treated": treated_n}
    missing = []
    for short, key in (("dec", "pain_decreased"), ("resp", "rest_responders")):
        claim = card.get(key)
        if claim is None:
            missing.append(key)
        facts[f"{short}_k"] = claim.k if claim is not None else 0
        facts[f"{short}_n"] = claim.n if claim is not None else 0
        facts[f"{short}_pct_cc"] = float(100 * claim.k / claim.n) if claim is not None else float("nan")
        facts[f"{short}_pct_all"] = float(100 * claim.k / treated_n) if claim is not None else float("nan")
        facts[f"{short}_printed"] = claim.percent.text if claim is not None else "not reported"
    resp = card.get("rest_responders")
    facts["resp_threshold"] = "" if resp is None else _threshold_text(resp)
    facts["skip_claims"] = ("" if not missing else
                            f"(This card has no {' or '.join(missing)} claim; its row shows 0 and nan.)")
    return facts


def followed_without_pain_scores(cohort) -> int:
    """Exercise 2.3's answer: patients with a follow-up time but a missing rest-pain score."""
    return int((cohort["followup_weeks"].notna() & cohort[["rest_pre", "rest_post"]].isna().any(axis=1)).sum())
