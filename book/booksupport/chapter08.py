"""Facts the prose of chapter 8 (how far to trust the numbers) cites (book-support code, not the library)."""

from __future__ import annotations

import sacro_kit as sk


def _example(card):
    return next(c for c in card if c.kind == "proportion")


def example_facts(card) -> dict:
    """The worked examples in the text, from the card's own numbers: its first proportion (``ex_k``, ``ex_n``,
    ``ex_pct``, ``ex_exact``) and a printed half-point quartile (``ex_quartile``)."""
    example = _example(card)
    halves = [s.q3.text for c in card if c.kind == "paired_summary" for s in (c.pre, c.post) if "." in s.q3.text]
    return {"ex_k": example.k, "ex_n": example.n, "ex_pct": example.percent.text,
            "ex_exact": 100 * example.k / example.n,
            "ex_quartile": f'"{halves[0]}"' if halves else "a non-integer value"}


def check_facts(checks) -> dict:
    """How many checks ``sk.check_reported`` ran, and how many are consistent, inconsistent and unverifiable."""
    summary = checks.groupby("status").size()
    return {"n_checks": len(checks), "n_consistent": int(summary.get("consistent", 0)),
            "n_inconsistent": int(summary.get("inconsistent", 0)),
            "n_unverifiable": int(summary.get("unverifiable", 0))}


def fitting_facts(fits) -> dict:
    """The quartile definitions that could print the card, by name, and how many."""
    return {"fitting": ", ".join(sk.METHOD_LABEL[m] for m in fits) if fits else "none", "n_fitting": len(fits)}


def impossible_p_facts(impossible) -> dict:
    """How many printed p-values no test can give at their n, and their claims."""
    return {"n_impossible_p": len(impossible),
            "impossible_claims": ", ".join(impossible["claim"]) if len(impossible) else "none"}


def count_facts(method, decimals) -> dict:
    """The quartile definition and the precision the sample counts use."""
    return {"count_method": sk.METHOD_LABEL[method], "count_decimals": decimals}


def verification_facts(verified) -> dict:
    """How many of ``sk.verify_cohort``'s rows the cohort reproduces, of how many, and how many do not apply."""
    return {"n_verified": int(verified["ok"].eq(True).sum()), "n_rows_verified": len(verified),
            "n_not_applicable": int(verified["ok"].isna().sum())}


def reconstruction_facts(n_draws, activity_p, halved, cohort) -> dict:
    """The ranges across reconstructed cohorts of the activity-pain p-value and of the share whose rest pain at
    least halved (%), beside the shipped cohort's share."""
    return {"n_draws": n_draws, "act_p_min": activity_p.min, "act_p_max": activity_p.max,
            "halved_min": 100 * halved.min, "halved_max": 100 * halved.max,
            "shipped_halved": 100 * sk.responders(cohort["rest_pre"], cohort["rest_post"], 0.5).proportion}


def consistent_counts(card) -> int:
    """Exercise 8.1's answer: how many counts k of the example's n print as its percentage."""
    example = _example(card)
    return sum(sk.check_percentage(k, example.n, example.percent.text).consistent for k in range(example.n + 1))


def rest_before_samples(card, method, decimals) -> int:
    """Exercise 8.2's answer: how many sorted samples print rest pain's summary before."""
    rest = card["rest_pain"]
    return sk.count_samples(rest.n, rest.pre.q1.text, rest.pre.center.text, rest.pre.q3.text, quantile_type=method,
                            decimals=decimals)
