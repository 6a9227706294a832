"""Facts and sentences the prose of chapter 5 (responders) cites (book-support code, not the library)."""

from __future__ import annotations

import numpy as np

import sacro_kit as sk
from booksupport import sentences

SCALE_TOP, SCALE_LOW = 10, 3  # two example starting scores on the 0-10 scale


def _threshold_text(threshold, kind) -> str:
    return f"{100 * threshold:g}%" if kind == "relative" else f"{threshold:g} points"


def threshold_facts(claim, threshold, kind, immpact, farrar) -> dict:
    """The literature's thresholds in percent, what a 2-point drop means from two starting scores, and the card's
    responder claim as a sentence (``claim_sentence``, ``rule_used``)."""
    facts = {f"immpact_{name}": 100 * value for name, value in immpact.items()}
    facts.update({"farrar_rel": 100 * farrar["relative"], "farrar_abs": farrar["absolute"],
                  "scale_top": SCALE_TOP, "scale_low": SCALE_LOW,
                  "drop_top": 100 * farrar["absolute"] / SCALE_TOP, "drop_low": 100 * farrar["absolute"] / SCALE_LOW})
    if claim is not None:
        unit = "%" if kind == "relative" else " points"
        shown = 100 * threshold if kind == "relative" else threshold
        facts["claim_sentence"] = (f"{claim.k} ({claim.percent.text}) of {claim.n} patients had at least a "
                                   f"{shown:g}{unit} decrease in rest pain.")
        facts["rule_used"] = f"this card's responder claim is {kind}."
    else:
        facts["claim_sentence"] = ("The card reports no responder count; this chapter uses the IMMPACT threshold "
                                   "instead.")
        facts["rule_used"] = "this card has no responder claim."
    facts["threshold_pct"] = 100 * threshold
    return facts


def _only(frame, pre, post, threshold, points) -> tuple[int, int]:
    """(responders by the relative rule only, by the absolute rule only) among the complete pairs."""
    both = frame[[pre, post]].dropna().astype(float)
    is_rel = np.asarray(sk.percent_change(both[pre], both[post])) >= threshold - 1e-9
    is_abs = (both[pre] - both[post]).to_numpy() >= points
    return int((is_rel & ~is_abs).sum()), int((is_abs & ~is_rel).sum())


def rule_facts(cohort, claim, rel, absolute, threshold, kind, farrar) -> dict:
    """The relative and absolute responder counts, the patients only one rule counts (rest pain), whether the
    relative count reproduces the card's, and ``rules_compared``: the lesson worded from rest and activity pain."""
    only_rel, only_abs = _only(cohort, "rest_pre", "rest_post", threshold, farrar["absolute"])
    reproduces = claim is not None and (rel.k, rel.n) == (claim.k, claim.n)
    return {
        "rel_k": int(rel.k), "rel_n": int(rel.n), "abs_k": int(absolute.k), "abs_n": int(absolute.n),
        "only_rel": only_rel, "only_abs": only_abs, "zero_baseline": int(rel.n_zero_baseline),
        "zero_baseline_sentence": sentences.zero_baseline(int(rel.n_zero_baseline)),
        "reproduces": ("reproduces the reported count exactly" if reproduces else
                       "does not reproduce a reported count (or the card has none)"),
        "rules_compared": sentences.rules_compared(
            rest=(only_rel, only_abs),
            activity=_only(cohort, "activity_pre", "activity_post", threshold, farrar["absolute"]),
            threshold_text=_threshold_text(threshold, kind), points=farrar["absolute"]),
    }


def interval_facts(k, n) -> dict:
    """The Wilson 95% interval of k of n, in percent, and its width in percentage points."""
    wilson = sk.proportion_ci(k, n, "wilson")
    return {"ci_k": int(k), "ci_n": int(n), "wilson_p": 100 * wilson.proportion, "wilson_low": 100 * wilson.low,
            "wilson_high": 100 * wilson.high, "wilson_width": 100 * (wilson.high - wilson.low)}


def curve_facts(pre, post) -> dict:
    """``curve_start``: where the responder curve starts, at threshold 0 and just above it."""
    curve = sk.responder_curve(pre, post)
    at_zero, above_zero = (curve[curve["threshold"] >= 0].iloc[i] for i in (0, 1))  # 0, then the smallest decrease
    return {"curve_start": sentences.curve_start((int(at_zero.k), int(at_zero.n)),
                                                 (int(above_zero.k), int(above_zero.n)))}


def band_facts(bands, kind, threshold, n_cohorts, immpact, farrar) -> dict:
    """What the band across reconstructed cohorts shows: at the reported threshold (``band_sentence``), at another
    threshold (``other_*``) and where it is widest (``widest``, ``widest_at``); NaN and "-" without a band."""
    band = bands.get(("rest", kind))
    if band is None:
        facts = {key: float("nan") for key in ("other_min", "other_max", "other_p05", "other_p95", "widest")}
        facts.update({"band_sentence": "The card does not support a reconstruction, so no band is drawn.",
                      "other_threshold": "-", "widest_at": "-"})
        return facts
    at = band.set_index(np.round(band["threshold"], 9))
    fixed = at.loc[round(threshold, 9)]
    if fixed["min"] == fixed["max"]:
        band_sentence = (f"At the reported threshold every one of the {n_cohorts} reconstructions has "
                         f"{100 * fixed['min']:.1f}% responders: the paper pins that number down.")
    else:
        band_sentence = (f"Even at the reported threshold the reconstructions range from {100 * fixed['min']:.1f}% "
                         f"to {100 * fixed['max']:.1f}%.")
    relative = kind == "relative"
    other = at.loc[round(immpact["substantial"], 9)] if relative else at.loc[float(farrar["absolute"])]
    widths = band["max"] - band["min"]
    return {
        "band_sentence": band_sentence,
        "other_threshold": f"{100 * immpact['substantial']:.0f}%" if relative else f"{farrar['absolute']} points",
        "other_min": 100 * float(other["min"]), "other_max": 100 * float(other["max"]),
        "other_p05": 100 * float(other["p05"]), "other_p95": 100 * float(other["p95"]),
        "widest": 100 * float(widths.max()),
        "widest_at": (f"{100 * band['threshold'][widths.idxmax()]:.0f}%" if relative else
                      f"{band['threshold'][widths.idxmax()]:g} points"),
    }


def halved_count(cohort, immpact) -> int:
    """Exercise 5.1's answer: patients whose rest pain at least halved (IMMPACT's substantial threshold)."""
    return int(sk.responders(cohort["rest_pre"], cohort["rest_post"], immpact["substantial"], "relative").k)
