"""Check every printed number of a schema-2 card: one row per check, each with its verdict and its proof.

Verdicts are "consistent", "inconsistent" or "unverifiable: <why>". A claim the numbers cannot test is never
"inconsistent": an unknown test, a p-value of a parametric test without its statistic, a real-valued scale, a
summary without its n are all "unverifiable" and say so. Every printed value is read at its own precision ("7" next
to "8.5" is 6.5 to 7.5). A scale with no stated maximum is never closed silently: the detail says which maximum the
check used and whether any other maximum could change the verdict.

The plain-number checks behind the rows live in :mod:`sacro_kit.forensics.consistency` and :mod:`sacro_kit.forensics`
(GRIM, GRIMMER, DEBIT, quartile lattices, percentages, smallest attainable p); this module only decides which
checks a card's claims permit and words the verdicts.

>>> table = check_card(sk.load_card())
>>> row = table[(table.claim == "activity_pain") & table.check.str.startswith("p-value")].iloc[0]
>>> row.verdict
'inconsistent'
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd
from scipy import stats

from sacro_kit.forensics.consistency import (
    _P_CANDIDATES,
    _half_unit,
    _lattice,
    _method_name,
    _p_reachable,
    _read_triple,
    _show,
    _type_verdicts,
    check_percentage,
)
from sacro_kit.io.card_schema import (
    BETWEEN_TESTS,
    TEST_NAMES,
    WITHIN_TESTS,
    Card,
    Cell,
    OutcomeScale,
    TestSpec,
    as_card,
)
from sacro_kit.stats.quantiles import QUANTILE_METHODS, order_statistic

COLUMNS = ["claim", "check", "printed", "verdict", "status", "reason", "detail", "line"]
STATUS_ORDER = {"inconsistent": 0, "unverifiable": 1, "consistent": 2}
#: Largest lattice searched when a scale is open (values per position; bigger open-scale searches are unverifiable).
OPEN_SCALE_LIMIT = 400


@dataclass(frozen=True)
class _Row:
    claim: str
    check: str
    printed: str
    verdict: str
    reason: str
    detail: str
    line: int | None

    @property
    def status(self) -> str:
        return self.verdict.split(":", 1)[0]


def _unverifiable(why: str) -> str:
    return f"unverifiable: {why}"


def _first_sentence(text: str) -> str:
    head = text.split(". ", 1)[0].strip()
    return head if head.endswith(".") else head + "."


# --------------------------------------------------------------------------------------------------------------------
# Medians and quartiles


def _open_top(scale: OutcomeScale, values: Iterable[Fraction], step: Fraction) -> Fraction:
    """The smallest maximum on the lattice that reaches every printed value (at its rounding interval)."""
    low = scale.min if scale.min is not None else Fraction(0)
    need = max(values)
    top = low + step * max(1, math.ceil((need - low) / step))
    return top


def _proof_top(n: int, targets, scale_low: Fraction, step: Fraction) -> Fraction:
    """A maximum beyond which no larger one changes which definitions fit.

    Every pinned order statistic is at most the upper one of Q3's pair, x(hi), and Q3 = (1-g) x(lo) + g x(hi) with
    x(lo) >= the scale minimum, so x(hi) <= (Q3's upper rounding edge - (1-g) min) / g. Values above that bound are
    never needed.
    """
    q3 = targets[2]
    edge = q3.value + _half_unit(q3.decimals)
    bound = edge
    for method in QUANTILE_METHODS:
        stat = order_statistic(n, Fraction(3, 4), method)
        g = Fraction(stat.gamma)
        if 0 < g < 1:
            bound = max(bound, (edge - (1 - g) * scale_low) / g)
    return scale_low + step * math.ceil((bound - scale_low) / step)


def _fits(n, targets, low, high, step, rounding):
    lattice = _lattice((low, high), step)
    return _type_verdicts(n, targets, lattice, rounding, QUANTILE_METHODS), lattice


def _quartile_check(n: int, cell: Cell, scale: OutcomeScale, rounding: str, decimals: int | None):
    """(verdict, reason, detail, fitting set) for a median and IQR of n values on ``scale``."""
    s = cell.stats
    targets = _read_triple(s["q1"], s["median"], s["q3"], decimals)
    step = _lattice_step(scale)
    low = scale.min if scale.min is not None else Fraction(0)
    open_note = ""
    reading = (
        "each value read at its own printed precision"
        if decimals is None
        else f"values read at {decimals} decimal(s) or more (card-wide reading)"
    )
    note = ""
    if scale.max is not None:
        verdicts, lattice = _fits(n, targets, low, scale.max, step, rounding)
    else:
        smallest = _open_top(scale, [t.value - _half_unit(t.decimals) for t in targets], step)
        proof = max(_proof_top(n, targets, low, step), smallest)
        verdicts, lattice = _fits(n, targets, low, smallest, step, rounding)
        if any(v.fits for v in verdicts):
            note = (
                f" The scale states no maximum: checked with maximum {_show(smallest)}, the smallest that reaches "
                f"the printed values; a larger maximum only adds possible values, so the verdict holds for any."
            )
            open_note = f" (open scale: holds for any maximum from {_show(smallest)})"
        elif (proof - low) / step <= OPEN_SCALE_LIMIT:
            wide, lattice = _fits(n, targets, low, proof, step, rounding)
            if any(v.fits for v in wide):
                needed = min(max(v.witness.values()) for v in wide if v.fits)
                note = (
                    f" The scale states no maximum: not attainable with maximum {_show(smallest)}, attainable "
                    f"with any maximum of at least {_show(needed)} (the witness below), so the verdict depends "
                    f"on the bound."
                )
                open_note = f" (open scale: needs a maximum of at least {_show(needed)})"
            else:
                note = (
                    f" The scale states no maximum: checked with maximum {_show(proof)}; no larger maximum can "
                    f"change this, because every pinned order statistic is at most x(hi) of Q3, and "
                    f"x(hi) <= {_show(proof)} for every definition (Q3's upper rounding edge minus the weight on "
                    "x(lo) at the scale minimum, divided by the weight on x(hi))."
                )
                open_note = " (open scale: for every maximum)"
            verdicts = wide
        else:
            why = (
                f"open scale: not attainable with a maximum up to {_show(smallest)}, and proving it for every "
                f"maximum needs a search up to {_show(proof)} (beyond the limit of {OPEN_SCALE_LIMIT} values)"
            )
            return _unverifiable(why), why + ".", why + ".", None
    fitting = [v for v in verdicts if v.fits]
    fits = {v.method for v in fitting}
    listing = ", ".join(_method_name(v.method) for v in fitting) or "no definition"
    detail = (
        f"n = {n} values on {lattice.describe()} ({scale.describe()}), {reading}, rounding {rounding}.{note} "
        f"Fits: {listing}."
    )
    if fitting:
        detail += f" Witness ({_method_name(fitting[0].method)}: {fitting[0].formulas}): {fitting[0].evidence}."
    excluded = [v for v in verdicts if not v.fits]
    if excluded:
        detail += " Excluded: " + "; ".join(f"{_method_name(v.method)} ({v.evidence})" for v in excluded) + "."
    if fitting:
        reason = f"attainable under {listing}{open_note}."
        return "consistent", reason, detail, fits
    reason = (
        f"no quantile definition gives {cell.text()} from {n} values on {lattice.describe()}{open_note}: "
        f"{excluded[0].evidence}."
    )
    return "inconsistent", reason, detail, fits


# --------------------------------------------------------------------------------------------------------------------
# Ranges, means, SDs


def _lattice_step(scale: OutcomeScale) -> Fraction:
    """The scale's step; the lattice checks are only made on scales that have one (a real-valued scale has none)."""
    step = scale.granularity
    if step is None:
        raise ValueError(f"a lattice check needs a scale with a step, not {scale.describe()}")
    return step


def _on_lattice(printed, scale: OutcomeScale) -> tuple[bool, str]:
    """Whether some value of the scale's lattice prints as ``printed`` (a minimum or maximum must be a data value)."""
    step = _lattice_step(scale)
    low_edge, high_edge = (Fraction(Decimal(str(x))) for x in printed.interval)
    base = scale.min if scale.min is not None else Fraction(0)
    first = base + step * math.ceil((low_edge - base) / step)
    candidates: list[Fraction] = []
    value = first
    while value <= high_edge and len(candidates) < 3:
        if low_edge <= value <= high_edge:
            candidates.append(value)
        value += step
    ok = bool(candidates) and (scale.max is None or candidates[0] <= scale.max)
    return ok, ", ".join(_show(c) for c in candidates)


def _range_rows(claim, cell: Cell, scale: OutcomeScale | None, line) -> list[_Row]:
    rows = []
    s = cell.stats
    printed = f"range {s['min'].text}–{s['max'].text}"
    if scale is None or scale.granularity is None:
        why = "real-valued scale: a minimum and maximum can be any values"
        return [
            _Row(
                claim.key,
                f"range on the scale ({cell.where() or 'all'})",
                printed,
                _unverifiable(why),
                why + ".",
                why + ".",
                line,
            )
        ]
    for name in ("min", "max"):
        ok, values = _on_lattice(s[name], scale)
        detail = f"The {name}imum of data on {scale.describe()} is a data value; " + (
            f"{values} prints as {s[name].text}."
            if ok
            else f"no value of the scale rounds to {s[name].text} ({s[name].interval[0]:g} to "
            f"{s[name].interval[1]:g}), so {s[name].text} cannot be a {name}imum."
        )
        rows.append(
            _Row(
                claim.key,
                f"{name}imum is a scale value ({cell.where() or 'all'})",
                s[name].text,
                "consistent" if ok else "inconsistent",
                _first_sentence(detail.split("; ", 1)[1]),
                detail,
                line,
            )
        )
    return rows


def _mean_in_range_row(claim, cell: Cell, line) -> _Row:
    s = cell.stats
    lo, hi = s["min"].interval[0], s["max"].interval[1]
    mean_lo, mean_hi = s["mean"].interval
    ok = mean_hi >= lo and mean_lo <= hi
    detail = (
        f"A mean lies between the minimum and the maximum: {s['mean'].text} against {s['min'].text}–{s['max'].text}."
    )
    return _Row(
        claim.key,
        f"mean within its range ({cell.where() or 'all'})",
        cell.text(),
        "consistent" if ok else "inconsistent",
        detail,
        detail,
        line,
    )


def _median_range_rows(claim, cell: Cell, scale, line) -> list[_Row]:
    rows = _range_rows(claim, cell, scale, line)
    s = cell.stats
    m = s["median"]
    ok = s["min"].interval[0] <= m.interval[1] and m.interval[0] <= s["max"].interval[1]
    detail = f"min {s['min'].text} ≤ median {m.text} ≤ max {s['max'].text}."
    rows.append(
        _Row(
            claim.key,
            f"median within its range ({cell.where() or 'all'})",
            cell.text(),
            "consistent" if ok else "inconsistent",
            detail,
            detail,
            line,
        )
    )
    return rows


def _forensics(name: str):
    try:
        import sacro_kit as sk

        return getattr(sk, name)
    except (AttributeError, ImportError):
        return None


def _granular_arguments(scale: OutcomeScale, change: bool) -> dict:
    step = scale.granularity
    arguments: dict[str, Any]
    if scale.combine == "mean":
        arguments = {"items": scale.items, "step": scale.step}
    else:
        arguments = {"items": 1, "step": step}
    if not change and scale.min is not None and scale.max is not None:
        arguments["scale"] = (scale.min, scale.max)
    return arguments


def _call_check(name: str, *args, **kwargs):
    """(verdict, detail) of a forensics check; an unavailable or refusing check is unverifiable, never inconsistent."""
    function = _forensics(name)
    if function is None:
        why = f"the {name.upper()} check is not available in this version of sacro_kit"
        return _unverifiable(why), why + "."
    try:
        result = function(*args, **kwargs)
    except (TypeError, ValueError) as error:
        why = f"{name} cannot read these numbers ({error})"
        return _unverifiable(why), why + "."
    return result.verdict, result.detail


def _mean_rows(claim, cell: Cell, scale: OutcomeScale | None, line) -> list[_Row]:
    s = cell.stats
    where = cell.where() or "all"
    rows = []
    if "min" in s and "max" in s:
        rows.append(_mean_in_range_row(claim, cell, line))
        rows += _range_rows(claim, cell, scale, line)
    if cell.n is None:
        why = "the number of patients behind this summary is not stated"
        rows.append(_Row(claim.key, f"GRIM ({where})", s["mean"].text, _unverifiable(why), why + ".", why + ".", line))
        return rows
    if scale is None or scale.granularity is None:
        why = "real-valued scale: GRIM and GRIMMER need granular data (integer scores or a stated step)"
        rows.append(_Row(claim.key, f"GRIM ({where})", s["mean"].text, _unverifiable(why), why + ".", why + ".", line))
        return rows
    arguments = _granular_arguments(scale, cell.change is not None)
    mean_text = s["mean"].text
    verdict, detail = _call_check("grim", mean_text, cell.n, **arguments)
    rows.append(
        _Row(
            claim.key,
            f"GRIM ({where})",
            f"mean {mean_text}, n = {cell.n}",
            verdict,
            _first_sentence(detail),
            detail,
            line,
        )
    )
    if "sd" in s:
        verdict, detail = _call_check("grimmer", mean_text, s["sd"].text, cell.n, **arguments)
        rows.append(
            _Row(
                claim.key,
                f"GRIMMER ({where})",
                f"{mean_text} ± {s['sd'].text}, n = {cell.n}",
                verdict,
                _first_sentence(detail),
                detail,
                line,
            )
        )
    elif "se" in s:
        verdict, detail = _call_check("grimmer", mean_text, s["se"].text, cell.n, dispersion="se", **arguments)
        rows.append(
            _Row(
                claim.key,
                f"GRIMMER ({where})",
                f"{mean_text} ± {s['se'].text} (SE), n = {cell.n}",
                verdict,
                _first_sentence(detail),
                detail,
                line,
            )
        )
    return rows


# --------------------------------------------------------------------------------------------------------------------
# p-values


def _floor_rows(claim, spec: TestSpec, n: int, candidates, named: bool, direction, line) -> _Row:
    from sacro_kit.stats.paired import min_attainable_p

    printed = spec.p
    assert printed is not None, "a floor row is made for a printed p only"
    found = []
    for label, kwargs in candidates:
        p = min_attainable_p(n, **kwargs)
        found.append((label, p, _p_reachable(p, printed)))
    listing = "; ".join(f"{label} {p:.3g}" for label, p, _ in found)
    reachable = [label for label, _, ok in found if ok]
    source = (
        f"The paper names the test ({spec.name})."
        if named
        else "The paper does not name the test; medians and IQRs are the summaries of a rank test, so the rank "
        "tests are tried."
    )
    detail = (
        f"{source} Smallest two-sided p with n = {n} pairs, all moving the same way: {listing}. "
        "Zero differences only lower the effective n."
    )
    if reachable:
        verdict = "consistent"
        reason = f"{printed.text} is reachable by the {reachable[0]}."
        detail += f" {printed.text} is reachable, e.g. by the {reachable[0]}."
    else:
        verdict = "inconsistent"
        smallest = min(p for _, p, _ in found)
        what = "this test" if named else "any Wilcoxon signed-rank or sign test"
        reason = f"{printed.text} is below the smallest p {what} can give with {n} pairs ({smallest:.3g})" + (
            "." if named else "; only a parametric test (e.g. a paired t-test) could give it."
        )
        detail += (
            f" None reaches {printed.text}: no {'such' if named else 'Wilcoxon signed-rank or sign'} test on "
            f"{n} pairs can give it"
            + ("." if named else "; only a parametric test (e.g. a paired t-test, whose p has no such floor) could.")
        )
    if direction is not None:
        down, up = direction.decreased.k, direction.increased.k
        if down + up:
            p = stats.binomtest(down, down + up, 0.5).pvalue
            ok = _p_reachable(p, printed)
            detail += (
                f" With the reported directions ({down} decreased, {up} increased, {direction.unchanged.k} "
                f"unchanged) the exact sign test gives p = {p:.3g}, which "
                f"{'prints' if ok else 'does not print'} as {printed.text}."
            )
    check = "p-value attainable by the named test" if named else "p-value attainable by a rank test"
    return _Row(claim.key, check, printed.text, verdict, reason, detail, line)


def _named_floor_row(claim, spec: TestSpec, sizes: dict, line) -> _Row:
    """A named rank or exact test's floor (and ceiling) at the printed sizes, by sacro_kit.forensics."""
    from sacro_kit.forensics.attainable import check_attainable_p

    assert spec.p is not None and spec.name is not None, "a named test's floor row needs its printed p and name"
    result = check_attainable_p(spec.p.text, test=spec.name, **sizes)
    shown = ", ".join(map(str, result.sizes))
    if result.verdict == "consistent":
        reason = f"{spec.p.text} is within the p-values the {_label(result.test)} can give at sizes {shown}."
    elif result.verdict == "inconsistent":
        smallest = min(f[1] for f in result.floors)
        reason = (
            f"{spec.p.text} is outside the p-values any variant of the {_label(result.test)} can give at sizes "
            f"{shown} (smallest {smallest:.3g})."
        )
    else:
        reason = result.detail
    return _Row(
        claim.key, "p-value attainable by the named test", spec.p.text, result.verdict, reason, result.detail, line
    )


def _recompute_row(claim, spec: TestSpec, card: Card, line) -> _Row:
    """statcheck's check (:func:`sacro_kit.forensics.statcheck.recompute_p`): the p a printed t, F, chi2, z, r, Q
    or U with its df (or group sizes) gives, against the printed p."""
    from sacro_kit.forensics.statcheck import recompute_p

    name, value, df = spec.statistic_name, spec.statistic, spec.df or ()
    assert spec.p is not None and name is not None and value is not None, "recomputed from a printed statistic and p"
    printed = (
        f"{name} = {value.text}" + (f", df = {', '.join(d.text for d in df)}" if df else "") + f", p {spec.p.text}"
    )
    sizes: dict[str, Any] = {}
    if name == "U" and spec.between is not None and len(spec.between) == 2:
        sizes = {"n": card.group_n(spec.between[0]), "n2": card.group_n(spec.between[1])}
    degrees = [int(d.value) if d.decimals == 0 else d.value for d in df]
    kwargs: dict[str, Any] = {"df": tuple(degrees)} if len(degrees) > 1 else ({"df": degrees[0]} if degrees else {})
    try:
        result = recompute_p("chi2" if name == "chi2" else name, value.text, spec.p.text, **kwargs, **sizes)
    except (TypeError, ValueError) as error:
        why = f"p cannot be recomputed from {printed} ({error})"
        return _Row(
            claim.key, "p recomputed from the statistic", printed, _unverifiable(why), why + ".", why + ".", line
        )
    if result.verdict == "inconsistent":
        reason = f"{printed}: the statistic gives p from {result.p_low:.3g} to {result.p_high:.3g}, not {spec.p.text}."
    elif result.verdict == "consistent":
        reason = f"{printed}: the statistic gives p from {result.p_low:.3g} to {result.p_high:.3g}."
    else:
        reason = result.detail
    return _Row(claim.key, "p recomputed from the statistic", printed, result.verdict, reason, result.detail, line)


def _label(test: str) -> str:
    from sacro_kit.forensics.attainable import _LABEL

    return _LABEL.get(test, test)


def _test_rows(claim, spec: TestSpec, card: Card, directions) -> list[_Row]:
    line = spec.line
    if spec.p is None:
        return []

    def unverifiable(check, why, printed=None):
        return _Row(claim.key, check, printed or spec.p.text, _unverifiable(why), why + ".", why + ".", line)

    if spec.name is not None and spec.test is None:
        why = f"unknown test {spec.name!r}"
        return [
            _Row(
                claim.key,
                "p-value and the named test",
                spec.p.text,
                _unverifiable(why),
                f"{why}: name one of {', '.join(TEST_NAMES)}, or leave the name out if the paper gives none.",
                f"{spec.name!r} is not in the vocabulary of tests ({', '.join(TEST_NAMES)}), so what p-values "
                "it can give is unknown.",
                line,
            )
        ]
    test = spec.test
    if test is not None and spec.between is not None and test in WITHIN_TESTS:
        return [
            unverifiable(
                "p-value and the named test",
                f"the {_label(test)} compares time points of the same "
                f"patients, but the card says this p compares groups ({', '.join(spec.between)})",
            )
        ]
    if test is not None and spec.within is not None and test in BETWEEN_TESTS:
        return [
            unverifiable(
                "p-value and the named test",
                f"the {_label(test)} compares groups, but the card says this "
                f"p compares time points ({', '.join(spec.within)})",
            )
        ]
    rows = []
    if spec.statistic is not None:
        rows.append(_recompute_row(claim, spec, card, line))
    if spec.between is not None:
        ns = [card.group_n(g) for g in spec.between]
        if test in ("rank-sum", "fisher", "kruskal"):
            if any(n is None for n in ns):
                rows.append(
                    unverifiable(
                        "p-value attainable by the named test",
                        f"the sizes of groups {', '.join(spec.between)} are not stated",
                    )
                )
            elif test == "kruskal":
                rows.append(_named_floor_row(claim, spec, {"n": tuple(ns)}, line))
            elif len(ns) == 2:
                rows.append(_named_floor_row(claim, spec, {"n": ns[0], "n2": ns[1]}, line))
            else:
                rows.append(
                    unverifiable(
                        "p-value attainable by the named test",
                        f"the {_label(test)} compares two groups, the card names {len(ns)}",
                    )
                )
        elif test is None:
            if not rows:
                rows.append(
                    unverifiable(
                        "p-value attainable by the test",
                        "the test is not named, so no floor applies to a between-group p",
                    )
                )
        elif not rows:
            rows.append(
                unverifiable(
                    "p-value attainable by the named test",
                    f"a {_label(test)} p has no smallest attainable value, and no statistic is printed to recompute it",
                )
            )
        return rows
    # within a group, across time points
    n = spec.n
    if n is None:
        return rows + [
            unverifiable("p-value attainable by the test", "the number of patients in the comparison is not stated")
        ]
    cells = [c for c in claim.values if c.at in (spec.within or ()) and c.group == spec.group]
    medians = bool(cells) and all(c.shape == "median_iqr" for c in cells)
    direction = directions.get((spec.outcome, spec.group))
    if test in ("wilcoxon", "sign"):
        rows.append(_named_floor_row(claim, spec, {"n": n}, line))
    elif test == "friedman":
        rows.append(_named_floor_row(claim, spec, {"n": n, "k": len(spec.within or ())}, line))
    elif test is None and medians and len(spec.within or ()) == 2:
        rows.append(_floor_rows(claim, spec, n, _P_CANDIDATES, False, direction, line))
    elif test is None:
        if not rows:
            why = (
                "the test is not named and the summaries are not medians: a parametric test's p has no floor, and "
                "no statistic is printed to recompute it"
            )
            if len(spec.within or ()) == 2:
                from sacro_kit.forensics.attainable import min_attainable_p

                floors = [min_attainable_p(n, **kwargs) for _, kwargs in _P_CANDIDATES]
                if not any(_p_reachable(p, spec.p) for p in floors):
                    why += (
                        f" (no signed-rank or sign test could give it: their smallest p with {n} pairs is "
                        f"{min(floors):.3g})"
                    )
            rows.append(unverifiable("p-value attainable by the test", why))
    elif not rows:
        rows.append(
            unverifiable(
                "p-value attainable by the named test",
                f"a {_label(test)} p has no smallest attainable value, and no statistic is printed to recompute it",
            )
        )
    return rows


# --------------------------------------------------------------------------------------------------------------------
# Percentages


def _percentage_row(key, check, k, n, percent, rounding, line) -> _Row:
    if k is not None and n is not None:
        result = check_percentage(k, n, percent, rounding=rounding)
        return _Row(
            key,
            check,
            percent.text,
            "consistent" if result.consistent else "inconsistent",
            result.detail + ".",
            result.detail + ".",
            line,
        )
    if n is not None:
        result = check_percentage(None, n, percent, rounding=rounding)
        detail = f"k is not printed. {result.detail}."
        verdict = "consistent" if result.consistent else "inconsistent"
        reason = (
            f"{percent.text} of {n} fits k = {', '.join(map(str, result.consistent_k))}."
            if result.consistent
            else f"no count k of {n} prints as {percent.text}."
        )
        return _Row(key, check, f"{percent.text} (n = {n})", verdict, reason, detail, line)
    # k without n: which denominators print this percentage?
    value, half = Fraction(Decimal(percent.text.rstrip("%").strip())), _half_unit(percent.decimals)
    if value - half <= 0:
        why = "with k printed but no n, a percentage of about 0 fits almost any n"
        return _Row(key, check, percent.text, _unverifiable(why), why + ".", why + ".", line)
    largest = math.floor(100 * k / (value - half)) if k else 0
    fits = [
        m
        for m in range(max(k, 1), min(largest, 100000) + 1)
        if check_percentage(k, m, percent, rounding=rounding).consistent
    ]
    if fits:
        shown = ", ".join(map(str, fits[:12])) + (" ..." if len(fits) > 12 else "")
        detail = f"n is not printed; {k}/n prints as {percent.text} for n = {shown}."
        return _Row(key, check, f"{percent.text} (k = {k})", "consistent", detail, detail, line)
    detail = f"n is not printed, and no n from {k} to {largest} gives {k}/n that prints as {percent.text}."
    return _Row(key, check, f"{percent.text} (k = {k})", "inconsistent", detail, detail, line)


# --------------------------------------------------------------------------------------------------------------------
# The card


def check_card(card=None, *, rounding: str = "up_or_down", decimals: int | None = None) -> pd.DataFrame:
    """Check every claim of a card (schema 2, or version 1 converted); one row per check, inconsistent rows first.

    Columns: ``claim``, ``check``, ``printed``, ``verdict`` ("consistent", "inconsistent" or
    "unverifiable: <why>"), ``status`` (the verdict's first word), ``reason`` (one line), ``detail`` (the proof)
    and ``line`` (the card line of the claim). ``decimals=None`` reads each value at its own printed precision;
    an integer reads every centre and quartile at least at that many decimals (a sensitivity reading, never the
    default).

    Parameters
    ----------
    card : Card, ReportedCard, str, pathlib.Path or None, default None
        A schema-2 card (:func:`sacro_kit.load_card`), a version-1 card (:func:`sacro_kit.load_reported`,
        converted), a card file, or None for the default card.
    rounding : {"up_or_down", "half_up", "half_down", "half_even"}, default "up_or_down"
        How the printed values were rounded (``"up_or_down"``: ties either way).
    decimals : int, optional
        Read every centre and quartile at least at this many decimals.

    Returns
    -------
    pandas.DataFrame
        One row per check, inconsistent rows first, with the columns above.

    References
    ----------
    Brown NJL, Heathers JAJ. The GRIM test: a simple technique detects numerous anomalies in the reporting of
    results in psychology. Soc Psychol Personal Sci 2017;8(4):363-369. doi:10.1177/1948550616673876
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50(4):361-365.

    Examples
    --------
    >>> table = check_card(sk.load_card())
    >>> sorted(set(table.status))
    ['consistent', 'inconsistent', 'unverifiable']
    """
    from sacro_kit.forensics.consistency import _check_rounding

    card = as_card(card)
    rounding = _check_rounding(rounding)
    rows: list[_Row] = []
    roots = [c for c in card if c.kind == "count" and c.of is None and c.group is None]
    root = roots[0] if len(roots) == 1 else None
    directions = {(c.outcome, c.group): c for c in card if c.kind == "direction"}
    summaries: dict[tuple, set] = {}
    joint: list[tuple[str, set]] = []

    def n_row(claim, n, group, line):
        limit = card.group_n(group) if group is not None else (int(root.n.value) if root is not None else None)
        if n is None or limit is None:
            return
        whole = f"group {group}" if group is not None else f"the {root.n.text} of {root.key}"
        ok = n <= limit
        detail = f"n = {n} {'does not exceed' if ok else 'exceeds'} {whole}."
        rows.append(
            _Row(claim.key, "n within its whole", str(n), "consistent" if ok else "inconsistent", detail, detail, line)
        )

    for claim in card:
        line = claim.line
        if claim.kind == "count":
            if claim.of is not None:
                parent = card[claim.of]
                ok = claim.n.value <= parent.n.value
                detail = f"{claim.n.text} of the {parent.n.text} counted in {claim.of}."
                rows.append(
                    _Row(
                        claim.key,
                        f"subset of {claim.of}",
                        claim.n.text,
                        "consistent" if ok else "inconsistent",
                        detail,
                        detail,
                        line,
                    )
                )
            continue
        if claim.kind == "summary":
            ns = sorted({c.n for c in claim.values if c.n is not None})
            for n in ns:
                n_row(claim, n, claim.values[0].group, line)
            claim_fits = []
            broken = False  # a summary no definition fits: its own row says so, and no joint row is added
            for cell in claim.values:
                outcome = card.outcomes[cell.outcome]
                scale = outcome.scale
                where = f" ({cell.where()})" if cell.where() else ""
                if cell.at is not None:
                    summaries.setdefault((cell.outcome, cell.group), set()).add(cell.n)
                shape = cell.shape
                if shape == "median_iqr":
                    if scale is None or scale.granularity is None:
                        why = (
                            "real-valued scale: any quantile definition can give these numbers, so their "
                            "granularity carries no evidence"
                        )
                        rows.append(
                            _Row(
                                claim.key,
                                f"quartile definition{where}",
                                cell.text(),
                                _unverifiable(why),
                                why + ".",
                                why + ".",
                                cell.line,
                            )
                        )
                    elif cell.n is None:
                        why = "the number of patients behind this summary is not stated"
                        rows.append(
                            _Row(
                                claim.key,
                                f"quartile definition{where}",
                                cell.text(),
                                _unverifiable(why),
                                why + ".",
                                why + ".",
                                cell.line,
                            )
                        )
                    else:
                        verdict, reason, detail, fits = _quartile_check(cell.n, cell, scale, rounding, decimals)
                        rows.append(
                            _Row(
                                claim.key,
                                f"quartile definition{where}",
                                cell.text(),
                                verdict,
                                reason,
                                detail,
                                cell.line,
                            )
                        )
                        if fits is not None:
                            claim_fits.append(fits)
                        if not fits:
                            broken = True
                    if "min" in cell.stats and "max" in cell.stats:
                        rows += _median_range_rows(claim, cell, scale, cell.line)
                elif shape == "median_range":
                    rows += _median_range_rows(claim, cell, scale, cell.line)
                elif shape == "mean_iqr":
                    why = (
                        "a mean printed with quartiles: a mean constrains the quartiles only loosely (it may even "
                        "lie outside them)"
                    )
                    rows.append(
                        _Row(
                            claim.key,
                            f"mean printed with an IQR{where}",
                            cell.text(),
                            _unverifiable(why),
                            why + ".",
                            why + ".",
                            cell.line,
                        )
                    )
                elif "mean" in cell.stats:
                    rows += _mean_rows(claim, cell, scale, cell.line)
                else:
                    why = f"a summary of {shape} alone has nothing to check"
                    rows.append(
                        _Row(
                            claim.key,
                            f"summary{where}",
                            cell.text(),
                            _unverifiable(why),
                            why + ".",
                            why + ".",
                            cell.line,
                        )
                    )
            if broken:
                claim_fits = []
            if len(claim_fits) > 1:
                common = set.intersection(*claim_fits)
                together = " and ".join(
                    dict.fromkeys(c.where() for c in claim.values if c.where() and c.shape == "median_iqr")
                )
                ordered = [m for m in QUANTILE_METHODS if m in common]
                listing = ", ".join(map(_method_name, ordered))
                if ordered:
                    rows.append(
                        _Row(
                            claim.key,
                            f"quartile definition ({together} together)",
                            " to ".join(c.text() for c in claim.values if c.shape == "median_iqr"),
                            "consistent",
                            f"fitting all: {listing}.",
                            f"Definitions fitting every summary of the claim: {listing}.",
                            line,
                        )
                    )
                else:
                    why = "no single quantile definition fits every summary of the claim (each fits alone)"
                    rows.append(
                        _Row(
                            claim.key,
                            f"quartile definition ({together} together)",
                            " to ".join(c.text() for c in claim.values if c.shape == "median_iqr"),
                            _unverifiable(why),
                            why + ".",
                            why + "; the paper may have used different software for different summaries.",
                            line,
                        )
                    )
                joint.append((claim.key, common))
            elif claim_fits:
                joint.append((claim.key, claim_fits[0]))
            for spec in claim.tests:
                rows += _test_rows(claim, spec, card, directions)
        elif claim.kind == "proportion":
            n_row(claim, claim.n, claim.group, line)
            if claim.percent is not None:
                rows.append(
                    _percentage_row(claim.key, "percentage vs k/n", claim.k, claim.n, claim.percent, rounding, line)
                )
        elif claim.kind == "responders":
            n_row(claim, claim.n, claim.group, line)
            if claim.percent is not None:
                rows.append(
                    _percentage_row(claim.key, "percentage vs k/n", claim.k, claim.n, claim.percent, rounding, line)
                )
        elif claim.kind == "direction":
            n_row(claim, claim.n, claim.group, line)
            parts = (claim.decreased, claim.unchanged, claim.increased)
            total = sum(p.k for p in parts)
            detail = f"{' + '.join(str(p.k) for p in parts)} = {total}, reported n = {claim.n}."
            rows.append(
                _Row(
                    claim.key,
                    "parts add up to n",
                    " + ".join(str(p.k) for p in parts),
                    "consistent" if total == claim.n else "inconsistent",
                    detail,
                    detail,
                    line,
                )
            )
            for name, part in zip(("decreased", "unchanged", "increased"), parts):
                if part.percent is not None:
                    rows.append(
                        _percentage_row(
                            claim.key, f"percentage vs k/n ({name})", part.k, claim.n, part.percent, rounding, line
                        )
                    )
            if all(p.percent is not None for p in parts):
                printed_sum = sum((Fraction(Decimal(p.percent.text.rstrip("%").strip())) for p in parts), Fraction(0))
                slack = sum((_half_unit(p.percent.decimals) for p in parts), Fraction(0))
                ok = abs(printed_sum - 100) <= slack
                detail = (
                    f"{' + '.join(p.percent.text.rstrip('%') for p in parts)} = {_show(printed_sum)}; rounding "
                    f"each part can move the sum away from 100 by at most {_show(slack)}."
                )
                rows.append(
                    _Row(
                        claim.key,
                        "percentages add up to 100",
                        " + ".join(p.percent.text for p in parts),
                        "consistent" if ok else "inconsistent",
                        detail,
                        detail,
                        line,
                    )
                )

    # responders and directions counted among the same patients as a summary
    for claim in card:
        if claim.kind in ("responders", "direction"):
            summary_ns = summaries.get((claim.outcome, claim.group), set()) - {None}
            if len(summary_ns) == 1:
                (n,) = summary_ns
                ok = n == claim.n
                detail = f"{claim.n} patients here vs {n} in the summaries of {claim.outcome}."
                rows.append(
                    _Row(
                        claim.key,
                        f"n equals the {claim.outcome} summaries' n",
                        str(claim.n),
                        "consistent" if ok else "inconsistent",
                        detail,
                        detail,
                        claim.line,
                    )
                )

    if len(joint) > 1:
        common = set(QUANTILE_METHODS)
        for _, s in joint:
            common &= s
        ordered = [m for m in QUANTILE_METHODS if m in common]
        per_claim = "; ".join(
            f"{key}: {', '.join(_method_name(m) for m in QUANTILE_METHODS if m in s) or 'none'}" for key, s in joint
        )
        listing = ", ".join(map(_method_name, ordered))
        detail = f"Definitions fitting each claim: {per_claim}. Fitting all: {listing or 'none'}."
        if ordered:
            rows.append(
                _Row(
                    "all summaries",
                    "one quartile definition for every integer-scale summary",
                    listing,
                    "consistent",
                    f"fitting all: {listing}.",
                    detail + " The software that printed the paper used one of these.",
                    None,
                )
            )
        else:
            why = "no single quantile definition fits every summary (each claim fits on its own)"
            rows.append(
                _Row(
                    "all summaries",
                    "one quartile definition for every integer-scale summary",
                    "none",
                    _unverifiable(why),
                    why + ".",
                    detail + " Different software or settings may have printed different summaries.",
                    None,
                )
            )

    frame = pd.DataFrame(
        [(r.claim, r.check, r.printed, r.verdict, r.status, r.reason, r.detail, r.line) for r in rows], columns=COLUMNS
    )
    frame["line"] = frame["line"].astype("Int64")
    frame = frame.sort_values("status", key=lambda s: s.map(STATUS_ORDER), kind="stable").reset_index(drop=True)
    frame.attrs.update(card=str(card.path), study=card.study.id, rounding=rounding, decimals=decimals)
    return frame
