"""Facts and sentences the prose of chapter 7 (missing data) cites (book-support code, not the library)."""

from __future__ import annotations

import sacro_kit as sk


def level_facts(null, level, null_ex2) -> dict:
    """The conclusion tested, the confidence level and exercise 2's stricter claim, in percent."""
    return {"null_pct": 100 * null, "level_pct": 100 * level, "half_alpha_pct": 100 * (1 - level) / 2,
            "ex2_null_pct": 100 * null_ex2}


def best_worst_facts(cohort, card, level) -> dict:
    """The complete-case, best-case and worst-case ``pain_decreased`` proportions (``cc_*``, ``best_*``,
    ``worst_*``) with their intervals in percent, or ``skip_binary`` when the card has no such claim."""
    facts = {"n_treated": len(cohort)}
    if "pain_decreased" not in card:
        facts["skip_binary"] = ("This card reports no `pain_decreased` claim, so the next two sections have nothing "
                                "to analyse.")
        return facts
    bw = sk.best_worst_case(cohort, card, "pain_decreased", conf_level=level)
    for name, case in (("cc", "complete case"), ("best", "best case"), ("worst", "worst case")):
        row = bw.loc[case]
        facts.update({f"{name}_k": int(row.k), f"{name}_n": int(row.n), f"{name}_pct": float(100 * row.proportion),
                      f"{name}_low": float(100 * row.ci_low), f"{name}_high": float(100 * row.ci_high)})
    facts.update({"n_missing_binary": int(bw.attrs["n_missing"]), "reported_pct": card["pain_decreased"].percent.text,
                  "skip_binary": ""})
    return facts


def tipping_point_facts(tp) -> dict:
    """The ``pain_decreased`` tipping point's verdict and what it means (``tp_meaning``), or placeholders without
    one (``tp`` None)."""
    if tp is None:
        return {"tp_verdict": "not computed (no pain_decreased claim)", "tp_meaning": "", "tp_worst_low": float("nan"),
                "tp_null": 50.0}
    return {"tp_verdict": tp.verdict,
            "tp_meaning": ("This conclusion does not depend on who came back." if tp.m_needed == 0 else
                           "So this conclusion does depend on who came back."),
            "tp_worst_low": float(100 * tp.table["ci_low"].iloc[0]), "tp_null": float(100 * tp.null)}


def responder_tipping_facts(tp_resp, card) -> dict:
    """The rest-responder tipping point's counts and verdict, or ``skip_resp`` without the claim (``tp_resp``
    None)."""
    claim = card.get("rest_responders")
    facts = {"resp_threshold": "" if claim is None else (
        f"{100 * claim.threshold:g}%" if claim.threshold_kind == "relative" else f"{claim.threshold:g} points")}
    if tp_resp is None:
        facts.update({"skip_resp": "This card reports no `rest_responders` claim, so this analysis is skipped.",
                      "resp_k": 0, "resp_n": 0, "resp_missing": 0, "resp_total": 0, "resp_verdict": "not computed",
                      "resp_worst_pct": float("nan")})
        return facts
    facts.update({"skip_resp": "", "resp_k": tp_resp.k_observed, "resp_n": tp_resp.n_observed,
                  "resp_missing": tp_resp.n_missing, "resp_total": tp_resp.n_observed + tp_resp.n_missing,
                  "resp_verdict": tp_resp.verdict, "resp_worst_pct": float(100 * tp_resp.table["proportion"].iloc[0])})
    return facts


def no_change_facts(nc) -> dict:
    """The rest-pain results with the missing follow-up scores imputed as no change (``nc`` from
    ``sk.no_change_sensitivity``, or None: ``skip_rest``, zeros and NaN)."""
    if nc is None:
        facts = {"skip_rest": "This card reports no `rest_pain` claim, so this analysis is skipped.",
                 "nc_n": 0, "nc_imputed": 0}
        facts.update({name: float("nan") for name in ("nc_p_cc", "nc_p_sign", "nc_p_pratt", "nc_p_zsplit",
                                                       "nc_med_cc", "nc_med_all")})
        return facts
    return {
        "skip_rest": "",
        "nc_n": int(nc["n_pairs"].iloc[0]), "nc_imputed": int(nc["n_imputed"].iloc[1]),
        "nc_p_cc": float(nc["pvalue"].iloc[0]),
        "nc_p_sign": float(nc.loc[nc["test"] == "sign", "pvalue"].iloc[0]),
        "nc_p_pratt": float(nc.loc[(nc["zero_method"] == "pratt"), "pvalue"].iloc[0]),
        "nc_p_zsplit": float(nc.loc[(nc["zero_method"] == "zsplit"), "pvalue"].iloc[0]),
        "nc_med_cc": float(nc["median_decrease"].iloc[0]), "nc_med_all": float(nc["median_decrease"].iloc[1]),
    }


def stricter_claim_facts(cohort, card, null_ex2, level) -> dict:
    """Exercise 2's answer: the tipping point of ``pain_decreased`` against the stricter claim ``null_ex2``."""
    tp60 = (sk.tipping_point(cohort, card, "pain_decreased", null=null_ex2, conf_level=level)
            if "pain_decreased" in card else None)
    return {"ex2_m": "not defined" if tp60 is None or tp60.m_needed is None else int(tp60.m_needed),
            "ex2_verdict": tp60.verdict if tp60 is not None else "not computed"}
