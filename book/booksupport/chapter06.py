"""Facts and sentences the prose of chapter 6 (opioids) cites (book-support code, not the library)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

PRE, POST = "opioids_pre", "opioids_post"
DIRECTIONS = ("decreased", "unchanged", "increased")


def _pairs(cohort) -> tuple[np.ndarray, np.ndarray]:
    both = cohort[[PRE, POST]].dropna().astype(int)
    return both[PRE].to_numpy(), both[POST].to_numpy()


def _printed_p(claim) -> str:
    if claim.p is None:
        return ""
    return f" (p{claim.p.text})" if claim.p.relation != "=" else f" (p = {claim.p.text})"


def card_facts(opioids, change) -> dict:
    """What the card reports about opioids, as two sentences: the medians (``opioid_sentence``) and the directions
    of change (``direction_sentence``)."""
    if opioids is not None:
        s = f"{opioids.pre.center.text} (IQR {opioids.pre.q1.text}–{opioids.pre.q3.text})"
        t = f"{opioids.post.center.text} (IQR {opioids.post.q1.text}–{opioids.post.q3.text})"
        opioid_sentence = (f"The median number of opioids prescribed per patient fell from {s} before the procedure "
                           f"to {t} after{_printed_p(opioids)}, in {opioids.n} patients.")
    else:
        opioid_sentence = "The card reports no summary of the opioid counts."
    if change is not None:
        direction_sentence = (f"Of {change.n} patients, {change.decreased.k} ({change.decreased.percent.text}) had "
                              f"fewer opioids after, {change.unchanged.k} ({change.unchanged.percent.text}) the same "
                              f"number and {change.increased.k} ({change.increased.percent.text}) more.")
    else:
        direction_sentence = "The card reports no direction counts for the opioids."
    return {"opioid_sentence": opioid_sentence, "direction_sentence": direction_sentence}


def direction_facts(cohort, change) -> dict:
    """How many patients of the cohort had fewer, the same and more opioids after (``cohort_<direction>``), whether
    that matches the card (``match_sentence``), and the commonest move between two counts."""
    pre, post = _pairs(cohort)
    counts = {"decreased": int((post < pre).sum()), "unchanged": int((post == pre).sum()),
              "increased": int((post > pre).sum())}
    if change is not None:
        if all(counts[d] == getattr(change, d).k for d in counts):
            match_sentence = "These are exactly the counts the paper reports."
        else:
            match_sentence = "These differ from the counts the paper reports: " + ", ".join(
                f"{d} {counts[d]} here vs {getattr(change, d).k} reported" for d in counts) + "."
    else:
        match_sentence = "The card has no direction counts to compare them with."
    moves = pd.crosstab(pre, post).stack()  # noqa: PD013 (a Series indexed by (before, after))
    moves = moves[[a != b for a, b in moves.index]].sort_values(ascending=False, kind="stable")
    facts = {f"cohort_{direction}": k for direction, k in counts.items()}
    facts.update({
        "cohort_n": int(pre.size), "cohort_missing": int(len(cohort) - pre.size), "match_sentence": match_sentence,
        "top_move": f"from {moves.index[0][0]} to {moves.index[0][1]}" if len(moves) else "none",
        "top_move_k": int(moves.iloc[0]) if len(moves) else 0,
        "n_values": int(np.unique(np.r_[pre, post]).size),
    })
    return facts


def median_facts(cohort) -> dict:
    """The medians before and after, patients at zero, and how few extra prescriptions would move the median after
    (``median_sentence``)."""
    pre, post = _pairs(cohort)
    median_post = float(np.median(post))
    bumped = np.sort(post).astype(float)
    shift = 0
    for i in np.flatnonzero(bumped <= median_post)[::-1]:  # give one more opioid to patients at or below the median
        bumped[i] += 1
        shift += 1
        if np.median(bumped) > median_post:
            break
    return {
        "median_pre": float(np.median(pre)), "median_post": median_post,
        "at_zero_pre": int((pre == 0).sum()), "at_zero_post": int((post == 0).sum()),
        "median_sentence": (f"The median after the procedure is {median_post:g}; had just {shift} of the patients at "
                            "or below it been prescribed one more opioid, the median after would have been higher."),
        "moved": int((pre != post).sum()),
        "moved_not_median": int(((pre != post) & ~((pre == np.median(pre)) & (post == np.median(post)))).sum()),
    }


def _card_sign_test(change):
    return stats.binomtest(change.decreased.k, change.decreased.k + change.increased.k, 0.5)


def sign_test_facts(from_cohort, opioids, change) -> dict:
    """The cohort's sign test, and the sign test from the card's own direction counts compared with the printed
    p-value (``card_sign_sentence``)."""
    if change is not None:
        from_card = _card_sign_test(change)
        reported_p = opioids.p if opioids is not None else None
        sentence = (f"From the paper's own counts ({change.decreased.k} decreases against {change.increased.k} "
                    f"increases, {change.unchanged.k} unchanged set aside) the two-sided sign test gives "
                    f"p = {from_card.pvalue:.2e}.")
        if reported_p is not None and opioids.test is None:
            ok = from_card.pvalue < reported_p.value if reported_p.relation == "<" else \
                round(from_card.pvalue, reported_p.decimals) == reported_p.value
            sentence += (f" The paper attaches p{reported_p.text} to the medians without naming the test; the sign "
                         f"test is {'consistent' if ok else 'not consistent'} with it.")
        elif reported_p is not None:
            sentence += (f" The paper's p-value ({reported_p.text}) comes from a different test "
                         f"({opioids.test}), so the two need not agree.")
    else:
        sentence = "The card has no direction counts, so the test cannot be computed from the paper."
    return {"cohort_sign_p": float(from_cohort.pvalue), "cohort_sign_n": int(from_cohort.n_used),
            "card_sign_sentence": sentence}


def wilcoxon_facts(cohort, table) -> dict:
    """The ties among the changes, and the range of valid Wilcoxon p-values with each zero rule's (``w_rules``)."""
    pre, post = _pairs(cohort)
    d = (pre - post)[pre != post]
    valid = table[table["valid"]]
    return {
        "distinct_changes": int(np.unique(np.abs(d)).size),
        "largest_tie": int(np.unique(np.abs(d), return_counts=True)[1].max()),
        "n_zero": int((pre == post).sum()),
        "w_pmin": float(valid["pvalue"].min()), "w_pmax": float(valid["pvalue"].max()),
        "w_rules": ", ".join(f"{r.zero_method} {r.pvalue:.2e}" for r in valid[valid["method"] == "auto"].itertuples()),
    }


def exercise_facts(cohort, change) -> dict:
    """The exercises' numbers: the card's sign test (n and p; 0 and NaN without direction counts) and the patients
    who went from one opioid to none."""
    pre, post = _pairs(cohort)
    return {"card_sign_n": int(change.decreased.k + change.increased.k) if change is not None else 0,
            "card_sign_p": float(_card_sign_test(change).pvalue) if change is not None else float("nan"),
            "one_to_none": int(((pre == 1) & (post == 0)).sum())}
