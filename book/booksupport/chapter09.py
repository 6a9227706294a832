"""Facts, sentences and tables the prose of chapter 9 (the literature) cites (book-support code, not the library)."""

from __future__ import annotations

import pandas as pd
from scipy import stats

import sacro_kit as sk
from booksupport.prose import join, num
from booksupport.synthesis import SD_FLOOR, k_requirements, pool_eligible, synthesis_table

R_EX2 = 0.8  # exercise 2's assumed pre/post correlation


def interval(lo, hi, digits: int = 2) -> str:
    """``lo to hi`` with ``digits`` decimals: ``interval(1.234, 2.5)`` -> ``'1.23 to 2.50'``."""
    return f"{lo:.{digits}f} to {hi:.{digits}f}"


def _printed(summary) -> str:
    return f"{summary.center.text} (IQR {summary.q1.text}–{summary.q3.text})"


def setting_facts(r_main, r_values) -> dict:
    """The main analysis's assumed correlation, the correlations of the sensitivity analysis, and the constant of
    the IQR-to-SD conversion for large samples (``eta_inf``)."""
    return {"r_main": r_main, "eta_inf": 2 * float(stats.norm.ppf(0.75)),
            "r_values": ", ".join(f"{r:g}" for r in r_values)}


def study_overview(studies) -> pd.DataFrame:
    """One row per study arm: its label, size, design, how it was reported and how many time points."""
    return (studies.groupby("study_id", sort=False)
            .agg(study=("label", "first"), n=("n", "first"), design=("design", "first"),
                 reported_as=("stat_kind", "first"), time_points=("timepoint_label", "nunique"))
            .reset_index(drop=True))


def literature_facts(studies) -> dict:
    """How many rows, publications and arms the study table holds, and how each arm was reported."""
    publication = studies["doi_or_pmid"].where(studies["doi_or_pmid"] != "", studies["source_url"])
    kinds = studies.drop_duplicates("study_id")["stat_kind"].value_counts()
    return {"lit_rows": len(studies), "lit_publications": int(publication.nunique()),
            "lit_arms": int(studies["study_id"].nunique()), "lit_median_iqr": int(kinds.get("median_iqr", 0)),
            "lit_mean_sd": int(kinds.get("mean_sd", 0)), "lit_mean_only": int(kinds.get("mean_only", 0))}


def _quartiles_of(rows) -> str:
    if rows.empty:
        return "none on this card"
    return "; ".join(f"{r.claim} {r.side} ({r.q1:g}, {r.median:g}, {r.q3:g})" for r in rows.itertuples())


def conversion_facts(conv, seed, seed_problem) -> dict:
    """What the median/IQR to mean/SD conversion of the card gives and warns about: a worked example
    (``conv_example``), the rows with each warning, the worst fit, and how the seed claim's conversion fares."""
    none = seed_problem or "The card's own cohort does not enter the pooled analysis."
    if conv.empty:
        facts = {key: "none on this card" for key in ("ceiling_rows", "floor_rows", "skew_rows", "worst_name")}
        facts.update({"conv_example": "The card has no paired median/IQR summaries, so there is nothing to convert.",
                      "seed_conv_sentence": none, "worst_pct": 0.0, "n_warned": 0, "n_converted": 0})
        return facts
    ex = conv[(conv["claim"] == seed) & (conv["side"] == "pre")]
    ex = (ex if len(ex) else conv).iloc[0]
    example = (f"For example, {ex['claim']} {ex['side']} (n = {int(ex['n'])}; median {ex['median']:g}, IQR "
               f"{ex['q1']:g}–{ex['q3']:g}) gives a Wan mean of {ex['mean_wan']:.2f}, a Luo mean of "
               f"{ex['mean_luo']:.2f} and an SD of {ex['sd']:.2f} ({ex['sd_table']:.2f} with Wan's tabulated divisor "
               "instead of the formula).")
    worst = conv.loc[conv["outside_scale"].idxmax()]
    seed_rows = conv[conv["claim"] == seed]
    if len(seed_rows):
        doubt = "its conversion carries warnings" if (seed_rows["warnings"] != "").any() else \
            "its quartiles sit inside the scale and raise no warning"
        seed_sentence = (f"The seed cohort enters the pooled analysis below through its {seed} claim: {doubt}, yet "
                         f"its fitted curves put {100 * seed_rows['outside_scale'].iloc[0]:.0f}% (before) and "
                         f"{100 * seed_rows['outside_scale'].iloc[1]:.0f}% (after) outside the scale, so treat "
                         "that row's mean change as approximate.")
    else:
        seed_sentence = none
    return {
        "conv_example": example,
        "ceiling_rows": _quartiles_of(conv[conv["warnings"].str.contains("ceiling effect")]),
        "floor_rows": _quartiles_of(conv[conv["warnings"].str.contains("floor effect")]),
        "skew_rows": _quartiles_of(conv[conv["warnings"].str.contains("skewed")]),
        "worst_name": f"{worst['claim']} {worst['side']}", "worst_pct": 100 * float(worst["outside_scale"]),
        "n_warned": int((conv["warnings"] != "").sum()), "n_converted": len(conv),
        "seed_conv_sentence": seed_sentence,
    }


def table_facts(card, seed, seed_problem, table, studies) -> dict:
    """The pooling table's size, what it excludes, where the seed row comes from (``seed_sentence``), an example of
    an SD that reads like a standard error, and the studies whose authors could not be identified."""
    eligible = table[table["eligible"]]
    seed_label = table.loc[table["from_card"], "label"].tolist()
    andresen = studies[studies["sd_or_se_doubt"] & studies["post_sd"].notna()]
    smallest = andresen.loc[andresen["post_sd"].idxmin()]
    unverified = studies[studies["unverified_author"]]
    if seed is not None:
        claim = card[seed]
        seed_sentence = (f"The row {seed_label[0]} is built from the card's {seed} claim: {claim.n} patients, median "
                         f"{_printed(claim.pre)} before and {_printed(claim.post)} after. It follows the card, so a "
                         "reader who points SACRO_KIT_CARD at another study pools that study here.")
    else:
        seed_sentence = seed_problem
    return {"seed_sentence": seed_sentence, "table_rows": len(table), "k_main": len(eligible),
            "n_excluded": int((~table["eligible"]).sum()), "n_patients": int(eligible["n"].sum()),
            "andresen_example": f"{smallest['post_center']:g} ± {smallest['post_sd']:g}", "sd_floor": num(SD_FLOOR),
            "n_unverified": int(unverified["study_id"].nunique()), "unverified_small_n": int(unverified["n"].min())}


def sd_rule_facts(rule) -> dict:
    """How many rows the SD rule flags, how many of them are pooled (by label), and how many of those cannot be
    standard errors either."""
    flagged = rule[rule["implausible_sd"]]
    pooled = flagged[flagged["eligible"]]
    return {"n_sd_flagged": len(flagged), "n_sd_flagged_pooled": len(pooled),
            "sd_flagged_pooled": join(pooled["label"]) if len(pooled) else "none",
            "n_se_impossible": int((pooled["se_reading_possible"] == False).sum())}  # noqa: E712


def sd_sensitivity_facts(sd_table) -> dict:
    """The pooled change over every SD floor and handling, and at the stated floor with the flagged rows excluded
    or read as standard errors."""
    at_floor = sd_table[sd_table["floor"] == SD_FLOOR].set_index("handling")
    return {"sd_range": interval(sd_table["estimate"].min(), sd_table["estimate"].max()),
            "sd_excl_k": int(at_floor.loc["excluded", "k"]),
            "sd_excl_est": num(at_floor.loc["excluded", "estimate"], 2),
            "sd_excl_ci": interval(at_floor.loc["excluded", "ci_low"], at_floor.loc["excluded", "ci_high"]),
            "sd_se_est": num(at_floor.loc["read as SE", "estimate"], 2),
            "sd_se_i2": num(at_floor.loc["read as SE", "i2"], 1), "sd_main_i2": num(sd_table.loc[0, "i2"], 1)}


def pooled_facts(result, result_kh) -> dict:
    """The pooled estimate with its Wald and Knapp-Hartung intervals, and the ranges of the studies' effects and
    weights."""
    return {"est": result.estimate, "ci_z": interval(result.ci_low, result.ci_high),
            "ci_kh": interval(result_kh.ci_low, result_kh.ci_high), "kh_df": int(result_kh.df),
            "yi_range": interval(min(result.yi), max(result.yi), 1),
            "w_range": interval(min(result.weights), max(result.weights), 1)}


def heterogeneity_facts(result, result_kh) -> dict:
    """tau², tau, I², Q with its df and p, and the prediction intervals."""
    return {"tau2": result.tau2, "tau": result.tau, "i2": result.i2, "q": result.q, "q_df": result.q_df,
            "q_p": result.q_pvalue, "pi_z": interval(result.pi_low, result.pi_high),
            "pi_kh": interval(result_kh.pi_low, result_kh.pi_high)}


def heterogeneity_ci_facts(het_ci) -> dict:
    """The Q-profile intervals of tau², tau and I²."""
    return {"tau2_ci": interval(het_ci.tau2_low, het_ci.tau2_high), "tau_ci": interval(het_ci.tau_low, het_ci.tau_high),
            "i2_ci": interval(het_ci.i2_low, het_ci.i2_high, 1)}


def correlation_facts(by_r) -> dict:
    """How the estimate, the interval's width and I² vary with the assumed correlation."""
    width = by_r["ci_high"] - by_r["ci_low"]
    return {"r_est_range": interval(by_r["estimate"].min(), by_r["estimate"].max()),
            "r_width_range": interval(width.min(), width.max()),
            "r_i2_range": interval(by_r["i2"].min(), by_r["i2"].max(), 1)}


def sensitivity_facts(sensitivity) -> dict:
    """The pooled result without every flagged row (``strict_sentence``) and the range over every sensitivity
    analysis."""
    strict = sensitivity[sensitivity["analysis"] == "without every flagged row"]
    if len(strict):
        s = strict.iloc[0]
        sentence = (f"Without every flagged row, {int(s['k'])} rows remain and the pooled change is "
                    f"{s['estimate']:.2f} points (95% CI {interval(s['ci_low'], s['ci_high'])}; Knapp–Hartung "
                    f"{interval(s['kh_ci_low'], s['kh_ci_high'])}).")
    else:
        sentence = "No pooled row carries a flag."
    return {"strict_sentence": sentence,
            "sens_est_range": interval(sensitivity["estimate"].min(), sensitivity["estimate"].max())}


def influence_facts(loo, infl) -> dict:
    """The leave-one-out range with the studies at either end, the influential studies (``infl_sentence``) and the
    largest studentized residual."""
    frame, big = loo.to_frame(), infl.to_frame()
    influential = big.loc[big["influential"], "label"]
    if big["influential"].any():
        sentence = (f"{join(influential)} meet{'s' if big['influential'].sum() == 1 else ''} metafor's criteria for "
                    "an influential study.")
    else:
        sentence = "No study meets metafor's criteria for an influential study."
    return {"loo_range": interval(frame["estimate"].min(), frame["estimate"].max()),
            "loo_low_label": frame.loc[frame["estimate"].idxmin(), "omitted"],
            "loo_high_label": frame.loc[frame["estimate"].idxmax(), "omitted"],
            "infl_sentence": sentence,
            "rstudent_max_label": big.loc[big["rstudent"].abs().idxmax(), "label"],
            "rstudent_max": num(big["rstudent"].abs().max(), 2)}


def subgroup_facts(by_guidance) -> dict:
    """The subgroups' sizes, the test between them, and how many studies such a test needs."""
    sizes = by_guidance.subgroups.set_index("group")["k"]
    return {"sub_sizes": join(f"{g} {int(n)}" for g, n in sizes.items()), "sub_singletons": int((sizes == 1).sum()),
            "qb": num(by_guidance.q_between, 2), "qb_df": by_guidance.q_between_df,
            "qb_p": num(by_guidance.q_between_pvalue, 2), "qm": num(by_guidance.qm, 2),
            "qm_p": num(by_guidance.qm_pvalue, 2), "sub_needed": sk.min_k("subgroups", by_guidance.q_between_df)}


def time_facts(by_time, timed, studies) -> dict:
    """The meta-regression on follow-up time: its k, the time span, the slope with its interval, how many studies
    it needs, and how many arms report several time points."""
    multi = studies.groupby("study_id")["timepoint_weeks"].nunique()
    return {"k_timed": by_time.k,
            "timed_range": interval(timed["timepoint_weeks"].min(), timed["timepoint_weeks"].max(), 1),
            "slope": num(by_time.coef[1], 2), "slope_ci": interval(by_time.ci_low[1], by_time.ci_high[1]),
            "reg_needed": sk.min_k("meta_regression"), "n_multi_arms": int((multi > 1).sum())}


def small_study_facts(egger, filled) -> dict:
    """Egger's test and trim-and-fill (``tf_sentence``), and how many studies a funnel plot needs."""
    if filled.k0:
        tf_sentence = (f"trim-and-fill imputes {filled.k0} studies on the {filled.side} side (pooled change after "
                       f"filling {filled.result.estimate:.2f} points)")
    else:
        tf_sentence = f"trim-and-fill finds no study missing (it looked on the {filled.side} side)"
    return {"funnel_min_k": sk.min_k("egger_test"), "egger_z": num(egger.statistic, 2),
            "egger_p": num(egger.pvalue, 2), "tf_k0": filled.k0, "tf_side": filled.side, "tf_sentence": tf_sentence}


def k_facts(result, by_time, by_guidance) -> dict:
    """The methods this number of studies is enough for, and those it is not (see ``k_requirements``)."""
    need = k_requirements(result.k, k_regression=by_time.k, subgroup_sizes=by_guidance.subgroups["k"])
    return {"k_ok": "; ".join(need.loc[need["enough"], "method"]) or "none of them",
            "k_not_ok": "; ".join(need.loc[~need["enough"], "method"]) or "none of them"}


def attrition_facts(card, seed) -> dict:
    """``attrition_sentence``: how many of the treated patients the seed claim covers."""
    treated, rest = card.get("treated"), card.get(seed) if seed else None
    if treated is None or rest is None:
        return {"attrition_sentence": "The card does not say how many treated patients the pain summary covers."}
    return {"attrition_sentence": (f"In the seed paper itself, the rest-pain summary covers {rest.n} of the "
                                   f"{int(treated.n.value)} treated patients; those without a follow-up score may "
                                   "well differ from those with one.")}


def exercise_facts(card, seed, seed_problem, conv, studies) -> dict:
    """The exercises' solutions: the seed claim's Wan mean before and share outside the scale, the pooled change
    with ``R_EX2``, and the seed scale's bounds (``seed_bounds_text``)."""
    bounds = card.scales[card[seed].scale] if seed is not None and card[seed].scale in card.scales else None
    ex2 = pool_eligible(synthesis_table(card, seed, studies=studies, r=R_EX2))
    facts = {"seed_bounds_text": (f"below {bounds.min:g} or above {bounds.max:g}" if bounds is not None and
                                  bounds.min is not None and bounds.max is not None else "outside the scale"),
             "r_ex2": R_EX2, "ex2_answer": f"{ex2.estimate:.2f}"}
    if seed is not None:
        before = conv.loc[(conv["claim"] == seed) & (conv["side"] == "pre")].iloc[0]
        facts.update({"ex1_answer": f"{before['mean_wan']:.2f}", "ex3_answer": f"{100 * before['outside_scale']:.1f}%"})
    else:
        facts.update({"ex1_answer": f"not available: {seed_problem}", "ex3_answer": f"not available: {seed_problem}"})
    return facts


def card_check_facts(checks_found) -> dict:
    """Across the literature's cards: how many were checked, with how many checks, how many unverifiable, and the
    cards holding numbers that cannot all be true (``flag_sentence``)."""
    flagged = checks_found[checks_found["inconsistent"] > 0]
    lit_found = checks_found[checks_found["card"] != "this chapter's card"]
    if len(flagged):
        sentence = (f"Numbers that cannot all be true were found on {', '.join(flagged['card'])}: "
                    f"{'; '.join(flagged['what was found'])}")
    else:
        sentence = "No card holds a number that the others rule out."
    return {"cards_checked": len(lit_found), "lit_checks": int(lit_found["checks"].sum()),
            "lit_unverifiable": int(lit_found["unverifiable"].sum()),
            "lit_inconsistent_cards": int((lit_found["inconsistent"] > 0).sum()), "flag_sentence": sentence}
