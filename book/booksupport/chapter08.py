"""Facts the prose of chapter 8 (how far to trust the numbers) cites (book-support code, not the library)."""

from __future__ import annotations

import pandas as pd

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


def _labels(methods) -> str:
    return ", ".join(sk.METHOD_LABEL[m] for m in methods) if methods else "none"


def precision_facts(card, wide) -> dict:
    """Examples of the two readings from the card's own medians and quartiles: ``per_value_example`` (what a value
    printed at its precision stands for) and ``card_wide_example`` (a coarser value read at ``wide`` decimals)."""
    values = [v for c in card if c.kind == "paired_summary" and c.pre.center_label == "median"
              for s in (c.pre, c.post) for v in (s.q1, s.center, s.q3)]
    fine = next((v for v in values if v.decimals == wide), values[0])
    coarse = next((v for v in values if v.decimals < wide), None)

    def span(v) -> str:
        half = 0.5 * 10 ** -v.decimals
        return f'"{v.text}" is {v.value - half:.{v.decimals + 1}f} to {v.value + half:.{v.decimals + 1}f}'

    per_value = span(fine) + (f", {span(coarse)}" if coarse is not None else "")
    card_wide = (f'a "{coarse.text}" printed beside "{fine.text}" is read as {coarse.value:.{wide}f}'
                 if coarse is not None else "every value is already printed at that precision")
    return {"per_value_example": per_value, "card_wide_example": card_wide}


def fitting_facts(card, readings, fits) -> dict:
    """The quartile definitions that could print every median (IQR) of the card, each printed value read at its own
    precision (``fitting``, ``n_fitting``), and the card-wide reading as a sensitivity sentence (``wide_sentence``):
    ``readings`` is the chapter's ``sk.quartile_fits(card)`` table."""
    wide = sk.card_decimals(card)
    wide_fits = tuple(m for m in sk.QUANTILE_METHODS if all(m in f for f in readings["fits_card_wide"]))
    changed = int(sum(a != b for a, b in zip(readings["fits"], readings["fits_card_wide"])))
    outcome = ("the same definitions fit" if wide_fits == tuple(fits)
               else f"{len(wide_fits)} definition(s) would fit ({_labels(wide_fits)})")
    rows = "no summary changes its verdict" if changed == 0 else f"{changed} of {len(readings)} summaries change"
    return {**precision_facts(card, wide), "fitting": _labels(fits), "n_fitting": len(fits),
            "n_readings": len(readings),
            "wide_sentence": (f"Read card-wide instead, every value at the card's {wide} decimal(s) (so that "
                              f"{precision_facts(card, wide)['card_wide_example']}, which the print "
                              f"does not claim), {outcome} and {rows}: a sensitivity reading, never the verdict.")}


def impossible_p_facts(impossible) -> dict:
    """How many printed p-values no test can give at their n, and their claims."""
    return {"n_impossible_p": len(impossible),
            "impossible_claims": ", ".join(impossible["claim"]) if len(impossible) else "none"}


def count_facts(method, counts, wide) -> dict:
    """The quartile definition the sample counts use, and how much the card-wide reading at ``wide`` decimals (the
    sensitivity column of ``counts``) narrows them: the smallest and largest share of the per-value count it keeps."""
    printed = counts[counts["sorted samples that print it"] > 0]  # a summary no sample prints has no share
    share = 100 * printed["card-wide reading (sensitivity)"] / printed["sorted samples that print it"]
    share = share if len(share) else pd.Series([100.0])
    return {"count_method": sk.METHOD_LABEL[method], "count_decimals": wide,
            "wide_share_min": float(share.min()), "wide_share_max": float(share.max())}


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


def rest_before_samples(card, method) -> int:
    """Exercise 8.2's answer: how many sorted samples print rest pain's summary before, each printed value read at
    its own precision."""
    rest = card["rest_pain"]
    return sk.count_samples(rest.n, rest.pre.q1.text, rest.pre.center.text, rest.pre.q3.text, quantile_type=method)
