"""Facts, sentences and tables the prose of chapter 3 (describing the cohort) cites (book-support code)."""

from __future__ import annotations

import pandas as pd

import sacro_kit as sk


def skip_facts(pain_keys) -> dict:
    """``skip_pain``: a sentence when the card reports no paired pain scores, else empty."""
    return {"skip_pain": "" if pain_keys else "This card reports no paired pain scores, so this chapter has little to "
            "describe."}


def printed_quartiles(card, pain_keys) -> pd.DataFrame:
    """The card's printed median and quartiles, one row per variable, as printed."""
    return pd.DataFrame([
        {"variable": var, "n": card[key].n, "median": side.center.text, "q1": side.q1.text, "q3": side.q3.text}
        for key in pain_keys for var, side in zip(card[key].variables, (card[key].pre, card[key].post))
    ]).set_index("variable")


def type7_facts(cohort, card, pain_keys) -> dict:
    """How many printed medians and quartiles type 7 (R's default) reproduces, and an example of one it does not."""
    checks = sk.verify_cohort(cohort, card, quantile_type=7)
    checks = checks[checks["statistic"].str.contains("median|Q1|Q3")]
    pain7 = checks[checks["claim"].isin(pain_keys)]
    differ = pain7[~pain7["ok"]]
    example = ""
    if len(differ):
        example = (f"For example, {differ['claim'].iloc[0].replace('_', ' ')} {differ['statistic'].iloc[0]} is "
                   f"{differ['recomputed'].iloc[0]} on the cohort, but the paper printed {differ['reported'].iloc[0]}. "
                   "The patients are the same; the definition of a quartile is not.")
    return {"n_printed": len(pain7), "n_agree_7": int(pain7["ok"].sum()), "example_7": example}


def _ordinal(k: int) -> str:
    return f"{k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"


def _position(n: int, method) -> str:
    os_ = sk.order_statistic(n, 0.25, method)
    if os_.gamma == 0 or os_.lo == os_.hi:
        return f"the score of the {_ordinal(os_.lo)} patient in order"
    if os_.gamma == 1:
        return f"the score of the {_ordinal(os_.hi)} patient in order"
    return f"{float(os_.gamma):g} of the way from the {_ordinal(os_.lo)} to the {_ordinal(os_.hi)} patient's score"


def position_facts(pairs) -> dict:
    """Where types 2, 6 and 7 put the first quartile of rest pain (``pos2`` ...), and which definitions always
    return one patient's own score at these sample sizes (``single_methods``, ``sizes``)."""
    sizes = sorted({len(p) for p in pairs.values()})
    n_rest = len(pairs["rest_pain"]) if "rest_pain" in pairs else (sizes[0] if sizes else 1)

    def whole(method):
        return all(sk.order_statistic(n, p, method).gamma in (0, 1) for n in sizes for p in (0.25, 0.5, 0.75))

    single = [m for m in sk.QUANTILE_METHODS if whole(m)]
    facts = {"n_rest": n_rest}
    for method in (2, 6, 7):
        facts[f"pos{method}"] = _position(n_rest, method)
    facts["single_methods"] = ", ".join(("Tukey's hinges" if m == "tukey" else f"type {m}") for m in single) or "none"
    facts["sizes"] = " and ".join(str(n) for n in sizes)
    return facts


SOFTWARE = {7: "R / numpy / Excel INC (type 7)", 2: "SAS default (type 2)", 6: "SPSS (type 6)"}


def iqr_by_software(quartiles, card, pain_keys) -> pd.DataFrame:
    """The interquartile range of each variable as three programs' defaults compute it, from the table of
    quartiles by definition."""
    variables = [var for key in pain_keys for var in card[key].variables]
    label = sk.METHOD_LABEL
    table = pd.DataFrame({
        name: [f"{quartiles.loc[label[m], (var, 'q1')]:g} to {quartiles.loc[label[m], (var, 'q3')]:g}"
               for var in variables]
        for m, name in SOFTWARE.items()
    }, index=variables)
    table.index.name = "IQR of"
    return table


def q3_facts(card, quartiles) -> dict:
    """Rest pain's third quartile before, by type 7 and as printed (NaN and "not reported" without the claim)."""
    if "rest_pain" not in card:
        return {"q3_rest_pre_7": float("nan"), "q3_rest_pre_printed": "not reported"}
    return {"q3_rest_pre_7": float(quartiles.loc[sk.METHOD_LABEL[7], (card["rest_pain"].variables[0], "q3")]),
            "q3_rest_pre_printed": card["rest_pain"].pre.q3.text}


def _names(methods) -> str:
    return "; ".join(sk.METHOD_LABEL[m] for m in methods) if methods else "none"


def definition_facts(can_print, definitions) -> dict:
    """Which definitions could print the card and which reproduce it from the cohort, as sentences."""
    column = definitions["reproduces it from this cohort"]
    reproducing = [m for m in sk.QUANTILE_METHODS if column.loc[sk.METHOD_LABEL[m]]]
    if reproducing:
        sentence = (f"On this cohort, {len(reproducing)} of the ten definitions "
                    f"{'reproduces' if len(reproducing) == 1 else 'reproduce'} every printed median and quartile: "
                    f"{_names(reproducing)}; every other definition contradicts at least one printed number.")
    else:
        sentence = ("On this cohort no definition reproduces every printed median and quartile: the cohort and the "
                    "card disagree whatever software is assumed, and `sk.verify_cohort` shows where.")
    return {"can_print": _names(list(can_print)),
            "first_fit": sk.METHOD_LABEL[can_print[0]] if can_print else "none (no definition fits the card)",
            "reproducing_sentence": sentence}


def direction_facts(card, pairs) -> dict:
    """How many patients' rest (``rest_*``) and activity (``act_*``) pain went down, stayed the same or went up."""
    facts = {}
    for key, short in (("rest_pain", "rest"), ("activity_pain", "act")):
        down = same = up = 0
        if key in pairs:
            pre, post = card[key].variables
            change = pairs[key][pre] - pairs[key][post]
            down, same, up = int((change > 0).sum()), int((change == 0).sum()), int((change < 0).sum())
        facts.update({f"{short}_down": down, f"{short}_same": same, f"{short}_up": up, f"{short}_n": down + same + up})
    return facts


def iqr_after_spss(card, pairs) -> float:
    """Exercise 3.2's answer: the IQR of rest pain after, by SPSS's definition (type 6)."""
    if "rest_pain" not in pairs:
        return float("nan")
    return float(sk.describe(pairs["rest_pain"][card["rest_pain"].variables[1]], quantile_type=6).iqr)
