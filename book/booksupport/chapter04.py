"""Facts and sentences the prose of chapter 4 (paired tests) cites (book-support code, not the library)."""

from __future__ import annotations

import numpy as np

import sacro_kit as sk


def _summary_text(s) -> str:
    return f"{s.center.text} (IQR {s.q1.text}–{s.q3.text})"


def printed_p(claim) -> str:
    """A claim's p-value as printed, for prose and figure labels: ``p<0.0001``, ``p = 0.03`` or ``no p-value``."""
    if claim is None or claim.p is None:
        return "no p-value"
    return f"p{claim.p.text}" if claim.p.relation != "=" else f"p = {claim.p.text}"


def _claim_sentence(card, key: str, label: str) -> str:
    claim = card.get(key)
    if claim is None:
        return f"The card reports no {label} result, so this chapter uses the cohort alone for it."
    p = f", {printed_p(claim)}" if claim.p is not None else ", with no p-value"
    return (f"Median {label} fell from {_summary_text(claim.pre)} to {_summary_text(claim.post)} "
            f"in {claim.n} patients{p}.")


def claim_facts(card) -> dict:
    """What the card reports for rest and activity pain, as sentences, and whether it names the test."""
    named = sorted({card[k].test for k in ("rest_pain", "activity_pain") if k in card and card[k].test})
    return {
        "rest_claim": _claim_sentence(card, "rest_pain", "rest pain"),
        "activity_claim": _claim_sentence(card, "activity_pain", "activity pain"),
        "test_named": f"names the test: {', '.join(named)}" if named else "does not name the test",
        "naming_sentence": (f"The card names the test ({', '.join(named)}) but not the zero rule or the method."
                            if named else "The card names none of them."),
    }


def difference_facts(cohort, pairs) -> dict:
    """For each variable of ``pairs``: pairs, zero differences, distinct non-zero sizes, and the share of non-zero
    differences that share their size with another (``<name>_tied_share``, %)."""
    facts = {}
    for name, (pre, post) in pairs.items():
        d = (cohort[pre] - cohort[post]).dropna().to_numpy(dtype=float)
        facts[f"{name}_pairs"] = int(d.size)
        facts[f"{name}_zeros"] = int((d == 0).sum())
        facts[f"{name}_distinct"] = int(np.unique(np.abs(d[d != 0])).size)
        facts[f"{name}_nonzero"] = int((d != 0).sum())
        _, counts = np.unique(np.abs(d[d != 0]), return_counts=True)
        facts[f"{name}_tied_share"] = float(100 * counts[counts > 1].sum() / max(counts.sum(), 1))
    return facts


def wilcoxon_facts(results) -> dict:
    """Each Wilcoxon result's p-value, method and rank sums: ``<name>_p``, ``_method``, ``_rminus``, ``_rplus``."""
    facts = {}
    for name, res in results.items():
        facts.update({f"{name}_p": float(res.pvalue), f"{name}_method": res.method,
                      f"{name}_rminus": float(res.r_minus), f"{name}_rplus": float(res.r_plus)})
    return facts


def setting_facts(table, names) -> dict:
    """The range of valid p-values per variable over every setting of ``sk.wilcoxon_table`` (``<name>_pmin``,
    ``_pmax``), and a sentence on the invalid rows."""
    valid = table[table["valid"]]
    facts = {}
    for name in names:
        rows = valid[valid["variable"] == name]
        facts[f"{name}_pmin"] = float(rows["pvalue"].min())
        facts[f"{name}_pmax"] = float(rows["pvalue"].max())
    invalid = table[~table["valid"]]
    if invalid.empty:
        facts["invalid_sentence"] = "There are no ties or zeros in this cohort, so every row is valid."
    else:
        smallest_valid = valid.groupby(["variable", "zero_method"])["pvalue"].min()
        ratio = smallest_valid / invalid.set_index(["variable", "zero_method"])["pvalue"]
        factor = float(np.maximum(ratio, 1 / ratio).max())
        facts["invalid_sentence"] = (f"In this cohort {len(invalid)} rows do so (marked ✗; the column valid of "
                                     f"sk.wilcoxon_table is False for them), and their p-value differs by a factor "
                                     f"of up to {factor:.3g} from the smallest valid one under the same zero rule.")
    return facts


def hodges_lehmann_facts(hl, cohort) -> dict:
    """Each Hodges-Lehmann estimate with its interval and achieved level, and rest pain's estimate with the zero
    differences kept (the median of all Walsh averages: ``rest_hl_with_zeros``)."""
    facts = {}
    for name, res in hl.items():
        facts.update({f"{name}_hl": float(res.estimate), f"{name}_hl_low": float(res.ci_low),
                      f"{name}_hl_high": float(res.ci_high), f"{name}_hl_level": float(100 * res.achieved_conf_level)})
    d = (cohort["rest_pre"] - cohort["rest_post"]).dropna().to_numpy(dtype=float)
    i, j = np.triu_indices(d.size)
    facts["rest_hl_with_zeros"] = float(np.median((d[i] + d[j]) / 2))
    return facts


def sign_test_facts(signs) -> dict:
    """Each sign test's p-value and counts of decreases and increases."""
    facts = {}
    for name, res in signs.items():
        facts.update({f"{name}_sign_p": float(res.pvalue), f"{name}_sign_dec": int(res.n_decreased),
                      f"{name}_sign_inc": int(res.n_increased)})
    return facts


def ceiling_facts(cohort, card) -> dict:
    """The top of the activity-pain scale and how many patients started there."""
    scale_max = card.scale_of("activity_pre").max
    return {"scale_max": int(scale_max),
            "at_ceiling": int((cohort[["activity_pre", "activity_post"]].dropna()["activity_pre"] == scale_max).sum())}


def paired_t_facts(tt) -> dict:
    """Each paired t-test's mean difference and p-value."""
    facts = {}
    for name, res in tt.items():
        facts.update({f"{name}_t_mean": float(res.mean_difference), f"{name}_t_p": float(res.pvalue)})
    return facts


def activity_p_facts(activity) -> dict:
    """The reported activity-pain sample size (0 without the claim) and p-value as printed."""
    return {"act_n": int(activity.n) if activity is not None and activity.n else 0, "act_p_text": printed_p(activity)}


FLOORS = ["exact", "asymptotic", "asymptotic_tied", "asymptotic_tied_cc"]


def min_p_facts(activity) -> dict:
    """Whether the reported activity-pain p-value is attainable at its n, as a sentence, with the exact floor, the
    n an exact test first reaches it at, and an example of a typo'd p."""
    has_p = activity is not None and activity.p is not None
    mark_n = activity.n if activity is not None else None
    floor = sk.min_p_table([mark_n]).iloc[0] if mark_n else None
    lowest = float(floor[FLOORS].min()) if floor is not None else None
    needed = next((n for n in range(1, 200) if sk.min_attainable_p(n) < activity.p.value), None) if has_p else None
    if has_p:
        verdict = ("is attainable by at least one rank test at this n" if lowest < activity.p.value else
                   "is below the floor of every rank test at this n")
        sentence = (f"The abstract reports activity pain for {mark_n} patients with {printed_p(activity)}. With "
                    f"{mark_n} pairs the exact signed-rank and sign tests cannot go below {floor['exact']:.2e}, and "
                    f"the most favourable normal approximation not below {floor[FLOORS[1:]].min():.2e}: the reported "
                    f"value {verdict}." + (f" An exact test first reaches it with {needed} pairs." if needed else ""))
    else:
        sentence = ("The card gives no activity-pain p-value, so there is nothing to check here; the table and the "
                    "figure still show each test's floor.")
    return {"act_floor_exact": float(floor["exact"]) if floor is not None else float("nan"),
            "act_n_needed": int(needed) if needed else 0,
            "typo_example": f'"p<{10 ** np.ceil(np.log10(lowest if lowest else 1e-3)):g}"',
            "minp_sentence": sentence}


def spread_facts(spread, activity) -> dict:
    """``spread_sentence``: the range of the activity-pain p-value across reconstructed cohorts (``spread`` from
    ``sk.reconstruction_range``, or None), and how many fall below 0.05 and below the reported value."""
    if spread is None:
        return {"spread_sentence": "This card cannot be reconstructed, so the spread across reconstructions is not "
                "shown."}
    values = np.asarray(spread.values)
    sentence = (f"Across {spread.n_cohorts} reconstructed cohorts the activity-pain Wilcoxon p-value runs "
                f"from {spread.min:.2g} to {spread.max:.2g}, with median "
                f"{spread.median:.2g}; {int((values < 0.05).sum())} of the {spread.n_cohorts} are below 0.05.")
    if activity is not None and activity.p is not None:
        below = int((values < activity.p.value).sum())
        sentence += f" {below} of them are below the reported value ({printed_p(activity)})."
    return {"spread_sentence": sentence}
