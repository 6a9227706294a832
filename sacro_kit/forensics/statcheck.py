"""statcheck's check: recompute a p-value from a printed test statistic and its degrees of freedom.

A printed "t(28) = 2.20, p = .03" is checked the way statcheck (Nuijten et al.) does: the statistic stands for the
interval it rounds from (2.195 to 2.205), which gives a range of correct p-values; the printed p stands for its own
rounding interval (or a bound: "p < .05", "ns" = p > .05). The pair is inconsistent only when the two do not meet.
One-tailed readings follow statcheck: ``alternative="one-sided"`` treats the test as one-tailed (statcheck's
``OneTailedTests``); ``one_tailed_in_text=True`` (statcheck's ``OneTailedTxt``, for a paper that says "one-tailed",
"one-sided" or "directional") accepts a p that matches only as one-tailed, and says so. Tests: t, F, chi-squared
(also Cochran's Q), z, r (via t), and the Mann-Whitney U (exact and normal approximation, from the group sizes).

References
----------
Nuijten MB, Hartgerink CHJ, van Assen MALM, Epskamp S, Wicherts JM. The prevalence of statistical reporting errors
in psychology (1985-2013). Behav Res Methods 2016;48(4):1205-1226. doi:10.3758/s13428-015-0664-2
Epskamp S, Nuijten MB. statcheck: extract statistics from articles and recompute p values (R package).
https://github.com/MicheleNuijten/statcheck (R/error_test.R, R/compute_p.R, R/process_stats.R)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar

import numpy as np
from scipy import stats

from sacro_kit._results import Result
from sacro_kit.forensics._exact import CONSISTENT, INCONSISTENT, unverifiable

#: The statistics whose p can be recomputed, with their accepted spellings.
STATISTICS = {
    "t": ("t",),
    "F": ("f",),
    "chi2": ("chi2", "chi-squared", "chi-square", "χ2", "χ²", "x2"),
    "z": ("z",),
    "r": ("r",),
    "Q": ("q", "qb", "qw"),
    "U": ("u", "mann-whitney u"),
}
_ALIAS = {alias: name for name, aliases in STATISTICS.items() for alias in aliases}
_NUMBER = re.compile(r"^\s*(<=|>=|≤|≥|<|>|=)?\s*([-−]?[0-9]*\.?[0-9]+)\s*$")
_TOLERANCE = 1e-12


@dataclass(frozen=True, repr=False)
class RecomputedP(Result):
    """A printed p against the p recomputed from the printed statistic (statcheck's check)."""

    _unpack: ClassVar[tuple[str, ...]] = ("verdict", "detail")
    verdict: str
    statistic_name: str
    statistic: str
    df: tuple
    printed_p: str
    p_low: float | None
    p_high: float | None
    tails: int | None
    decision_error: bool
    detail: str

    @property
    def consistent(self) -> bool | None:
        return True if self.verdict == CONSISTENT else False if self.verdict == INCONSISTENT else None


def _read(text, what: str) -> tuple[str, Fraction, int]:
    if hasattr(text, "text") and not isinstance(text, str):
        relation = getattr(text, "relation", "=")
        text = text.text if relation == "=" or text.text.lstrip()[:1] in "<>≤≥" else f"{relation}{text.text}"
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise ValueError(f"{what}: pass the value as printed (a string such as '2.20'), not {text!r}")
    match = _NUMBER.match(str(text).replace("−", "-"))
    if not match:
        raise ValueError(f"{what}: {text!r} is not a printed number")
    relation = {"≤": "<=", "≥": ">=", None: "="}.get(match.group(1), match.group(1))
    number = match.group(2).replace("−", "-")
    decimals = len(number.split(".")[1]) if "." in number else 0
    return relation, Fraction(number), decimals


def _p_interval(p, alpha: float) -> tuple[float, float, bool, bool, str]:
    """(low, high, low included, high included, wording) of a printed p ("0.03", "<.05", "ns", "p = .000")."""
    text = p.text if hasattr(p, "text") and not isinstance(p, str) else p
    if isinstance(text, str) and text.strip().lower() in {"ns", "n.s.", "not significant"}:
        return alpha, 1.0, False, True, f"ns (read as p > {alpha:g}, as statcheck does)"
    cleaned = re.sub(r"^\s*p\s*", "", str(text), flags=re.IGNORECASE) if isinstance(text, str) else text
    relation, value, decimals = _read(cleaned if isinstance(p, str) else p, "p")
    v = float(value)
    if relation == "=":
        half = 0.5 / 10**decimals
        return (
            max(0.0, v - half),
            min(1.0, v + half),
            True,
            True,
            f"p = {cleaned.strip().lstrip('=').strip()} (from {max(0.0, v - half):.6g} to {min(1.0, v + half):.6g})",
        )
    if relation in ("<", "<="):
        return 0.0, v, False, relation == "<=", f"p {relation} {v:g}"
    return v, 1.0, relation == ">=", True, f"p {relation} {v:g}"


def _p_relation(p, alpha: float) -> tuple[str, float]:
    text = p.text if hasattr(p, "text") and not isinstance(p, str) else p
    if isinstance(text, str) and text.strip().lower() in {"ns", "n.s.", "not significant"}:
        return ">", alpha
    cleaned = re.sub(r"^\s*p\s*", "", str(text), flags=re.IGNORECASE) if isinstance(text, str) else text
    relation, value, _ = _read(cleaned if isinstance(p, str) else p, "p")
    return relation, float(value)


def _df_tuple(df, df2) -> tuple:
    values: tuple = ()
    if df is None:
        pass
    elif isinstance(df, (tuple, list)):
        values = tuple(df)
    else:
        values = (df,)
    if df2 is not None:
        values = values + (df2,)
    out: list = []
    for d in values:
        try:
            number = float(d.text if hasattr(d, "text") else d)
        except (TypeError, ValueError):
            raise ValueError(f"degrees of freedom must be numbers, got {d!r}") from None
        if not number > 0:
            raise ValueError(f"degrees of freedom must be positive, got {d!r}")
        out.append(number)
    return tuple(out)


def _u_data(u: int, n1: int, n2: int):
    """Untied samples x (n1) and y (n2) with exactly u pairs x > y, so that scipy computes U's p as it is."""
    counts, rest = [], u
    for _ in range(n1):
        c = min(n2, rest)
        counts.append(c)
        rest -= c
    x = np.array([c - 0.5 + i * 1e-6 for i, c in enumerate(sorted(counts))])
    return x, np.arange(n2, dtype=float)


def recompute_p(
    statistic_name: str,
    statistic,
    p,
    *,
    df=None,
    df2=None,
    n: int | None = None,
    n2: int | None = None,
    alternative: str = "two-sided",
    one_tailed_in_text: bool = False,
    alpha: float = 0.05,
    p_zero_error: bool = False,
) -> RecomputedP:
    """Does the printed p follow from the printed statistic? statcheck's check, with the proof in ``detail``.

    Parameters
    ----------
    statistic_name : {"t", "F", "chi2", "z", "r", "Q", "U"}
        The printed statistic (spellings in :data:`STATISTICS`).
    statistic : str
        As printed: "2.20", "-2.20", "<2.2" (statcheck reads "t(28) < 2.2" too).
    p : str
        As printed: "0.03", ".03", "< .05", "ns", "p = .000".
    df, df2 : number, optional
        Degrees of freedom: t, r, chi2 and Q take ``df``; F takes ``df, df2`` (or ``df=(df1, df2)``).
    n, n2 : int, optional
        Group sizes for U (every variant is tried: exact untied, normal approximation with and without continuity
        correction).
    alternative : {"two-sided", "one-sided"}
        "one-sided" halves the p of t, z, r and U (statcheck's ``OneTailedTests``); F, chi2 and Q are one-tailed
        by nature.
    one_tailed_in_text : bool
        The paper says "one-tailed", "one-sided" or "directional": a p that fits only one-tailed is accepted
        (statcheck's ``OneTailedTxt``), and the detail says so.
    alpha : float
        Significance level for "ns" and for the decision-error flag.
    p_zero_error : bool
        statcheck's ``pZeroError``: count "p = .000" as an error (default False: ".000" is read as p < .0005,
        its rounding interval, and the detail notes that p cannot be 0).

    Returns
    -------
    RecomputedP
        ``verdict``, ``p_low``/``p_high`` (the recomputed range), ``decision_error`` (significance at ``alpha``
        flips) and ``detail``.

    Examples
    --------
    statcheck's documented cases (tests/testthat/test-error.R):

    >>> import sacro_kit as sk
    >>> sk.recompute_p("t", "2.20", ".03", df=28).verdict          # "t(28) = 2.20, p = .03" is an error
    'inconsistent'
    >>> sk.recompute_p("t", "2.2", ".03", df=28).verdict           # t in [2.15, 2.25]: p .033 to .040
    'consistent'
    >>> sk.recompute_p("t", "2.20", ".03", df=28).detail.split(":")[1].strip()
    'the two-tailed p runs 0.03584 to 0.03662, but the printed p = .03 (from 0.025 to 0.035) does not meet it.'
    >>> sk.recompute_p("t", "2.2", ".03", df=28).verdict
    'consistent'
    >>> sk.recompute_p("t", "2.20", ".018", df=28, one_tailed_in_text=True).verdict
    'consistent'

    References
    ----------
    Nuijten et al. (2016), doi:10.3758/s13428-015-0664-2; statcheck R/error_test.R.
    """
    if not isinstance(statistic_name, str) or statistic_name.strip().lower() not in _ALIAS:
        why = f"p cannot be recomputed from a statistic named {statistic_name!r}"
        return RecomputedP(
            unverifiable(why),
            str(statistic_name),
            str(statistic),
            (),
            str(p),
            None,
            None,
            None,
            False,
            why + f" (known: {', '.join(STATISTICS)}).",
        )
    name = _ALIAS[statistic_name.strip().lower()]
    alternative = alternative.lower().replace(".", "-")
    if alternative in ("two-sided", "two-tailed"):
        tails = 2
    elif alternative in ("one-sided", "one-tailed", "less", "greater"):
        tails = 1
    else:
        raise ValueError(f"alternative must be 'two-sided' or 'one-sided', got {alternative!r}")
    relation, value, decimals = _read(statistic, "statistic")
    dfs = _df_tuple(df, df2)
    stat_text = (f"{relation} " if relation != "=" else "") + str(statistic).strip().lstrip("<>=≤≥ ")
    needs = {"t": 1, "r": 1, "chi2": 1, "Q": 1, "F": 2, "z": 0, "U": 0}[name]
    p_text = p.text if hasattr(p, "text") and not isinstance(p, str) else str(p)

    def unverifiable_result(why):
        return RecomputedP(unverifiable(why), name, stat_text, dfs, p_text, None, None, None, False, why + ".")

    def impossible_result(why):
        return RecomputedP(INCONSISTENT, name, stat_text, dfs, p_text, None, None, None, False, why)

    if len(dfs) != needs:
        return unverifiable_result(
            f"{name} needs {needs} degree(s) of freedom, got {len(dfs)}"
            if needs
            else f"{name} takes no degrees of freedom"
        )
    if name == "U" and (n is None or n2 is None):
        return unverifiable_result("a U statistic needs both group sizes (n and n2)")

    if name in ("F", "chi2", "Q") and value < 0:
        return impossible_result(f"{name} cannot be negative; {stat_text} is impossible.")
    if name == "r" and abs(value) > 1:
        return impossible_result(f"a correlation lies in [-1, 1]; {stat_text} is impossible.")

    half = Fraction(1, 2 * 10**decimals)
    magnitude = abs(value)
    if relation == "=":
        low_stat, high_stat = max(Fraction(0), magnitude - half), magnitude + half
    elif relation in ("<", "<="):
        low_stat, high_stat = Fraction(0), magnitude
    else:
        low_stat, high_stat = magnitude, None
    if name == "r":
        high_stat = min(high_stat, Fraction(1)) if high_stat is not None else Fraction(1)

    def p_of(x: float | None, sides: int, variant: str = "") -> float:
        if x is None:
            return 0.0
        if name == "t":
            return min(1.0, sides * stats.t.sf(x, dfs[0]))
        if name == "z":
            return min(1.0, sides * stats.norm.sf(x))
        if name == "r":
            if x >= 1:
                return 0.0
            t = x / math.sqrt((1 - x * x) / dfs[0])
            return min(1.0, sides * stats.t.sf(t, dfs[0]))
        if name == "F":
            return float(stats.f.sf(x, dfs[0], dfs[1]))
        return float(stats.chi2.sf(x, dfs[0]))

    p_lo, p_hi, p_lo_in, p_hi_in, wording = _p_interval(p, alpha)

    def meets(r_lo: float, r_hi: float) -> bool:
        above = r_hi > p_lo or (p_lo_in and r_hi >= p_lo - _TOLERANCE * max(p_lo, 1e-300))
        below = r_lo < p_hi or (p_hi_in and r_lo <= p_hi + _TOLERANCE * max(p_hi, 1e-300))
        return above and below

    def ranges(sides: int) -> list[tuple[str, float, float]]:
        if name != "U":
            lo = float(low_stat)
            hi = None if high_stat is None else float(high_stat)
            return [("", p_of(hi, sides), p_of(lo, sides))]
        assert n is not None and n2 is not None  # a U statistic without both sizes returned above
        n1, m2 = int(n), int(n2)
        mu = n1 * m2 / 2
        sigma = math.sqrt(n1 * m2 * (n1 + m2 + 1) / 12)
        # distance of U from its centre: the printed U is either tail's statistic
        u_lo = float(value - half) if relation == "=" else (0.0 if relation.startswith("<") else float(value))
        u_hi = float(value + half) if relation == "=" else (float(value) if relation.startswith("<") else n1 * m2)
        u_lo, u_hi = max(0.0, u_lo), min(float(n1 * m2), u_hi)
        if u_lo > u_hi:
            return []
        out = []
        dist = sorted([abs(u_lo - mu), abs(u_hi - mu)] + ([0.0] if u_lo <= mu <= u_hi else []))
        for label, c in (("normal approximation", 0.0), ("normal approximation with continuity correction", 0.5)):
            pz = [min(1.0, sides * stats.norm.sf(max(0.0, d - c) / sigma)) for d in (dist[0], dist[-1])]
            out.append((label, min(pz), max(pz)))
        integers = range(math.ceil(u_lo), math.floor(u_hi) + 1)
        if len(integers) and n1 + m2 <= 400:
            exact = []
            for u in integers:
                x, y = _u_data(u, n1, m2)
                if sides == 2:
                    exact.append(stats.mannwhitneyu(x, y, method="exact").pvalue)
                else:
                    exact.append(
                        min(
                            stats.mannwhitneyu(x, y, method="exact", alternative=side).pvalue
                            for side in ("less", "greater")
                        )
                    )
            out.insert(0, ("exact (untied)", min(exact), max(exact)))
        return out

    def judge(sides: int):
        found = ranges(sides)
        ok = [r for r in found if meets(r[1], r[2])]
        return found, ok

    head = (
        f"{name}"
        + (f"({', '.join(f'{d:g}' for d in dfs)})" if dfs else "")
        + f" {stat_text if relation != '=' else '= ' + stat_text}"
        + (f" (groups of {n} and {n2})" if name == "U" else "")
    )
    stat_range = "" if relation != "=" else f"; the statistic means {float(value - half):g} to {float(value + half):g}"
    one_tailed_kind = name in ("F", "chi2", "Q")
    sides = 1 if one_tailed_kind else tails
    found, ok = judge(sides)
    if not found:
        assert n is not None and n2 is not None  # only U has no range here, and U has both sizes
        return unverifiable_result(f"U = {stat_text} is outside 0..{n * n2} for groups of {n} and {n2}")

    def listing(rs):
        return "; ".join(f"{label + ': ' if label else ''}{lo:.4g} to {hi:.4g}" for label, lo, hi in rs)

    tail_word = "one-tailed" if sides == 1 else "two-tailed"
    if one_tailed_kind:
        tail_word = f"upper-tail {name}"
    zero_note = ""
    if p_text.strip().lstrip("p= ").strip() in (".000", "0.000", "0.00", ".00", "0"):
        zero_note = " A p-value cannot be exactly 0; the printed value is read as the interval it rounds from."
        if p_zero_error:
            return RecomputedP(
                INCONSISTENT,
                name,
                stat_text,
                dfs,
                p_text,
                found[0][1],
                found[0][2],
                sides,
                False,
                f"{head}: p printed as {p_text}, and p = 0 is impossible (statcheck's pZeroError).",
            )
    p_all_lo = min(r[1] for r in found)
    p_all_hi = max(r[2] for r in found)
    # statcheck's decision error: the printed p and the p of the printed statistic fall on different sides of alpha
    # (a printed p equal to alpha counts as significant, statcheck's default pEqualAlphaSig)
    p_relation, p_value = _p_relation(p, alpha)
    if p_relation in ("=", "<", "<="):
        printed_significant = p_value <= alpha
    elif p_value >= alpha:
        printed_significant = False
    else:
        printed_significant = None
    point = p_of(float(magnitude), sides) if name != "U" else (found[0][1] + found[0][2]) / 2
    decision = printed_significant is not None and printed_significant != (
        point <= alpha if printed_significant else point < alpha
    )
    if ok:
        detail = (
            f"{head}{stat_range}: the {tail_word} p runs {listing(found)}. The printed {wording} meets it"
            + (f" ({ok[0][0]})" if ok[0][0] else "")
            + f".{zero_note}"
        )
        return RecomputedP(CONSISTENT, name, stat_text, dfs, p_text, p_all_lo, p_all_hi, sides, False, detail)
    detail = (
        f"{head}{stat_range}: the {tail_word} p runs {listing(found)}, but the printed {wording} does not meet "
        f"it.{zero_note}"
    )
    if not one_tailed_kind and sides == 2:
        other, other_ok = judge(1)
        if other_ok:
            if one_tailed_in_text:
                return RecomputedP(
                    CONSISTENT,
                    name,
                    stat_text,
                    dfs,
                    p_text,
                    min(r[1] for r in other),
                    max(r[2] for r in other),
                    1,
                    False,
                    f"{head}{stat_range}: the two-tailed p ({listing(found)}) does not meet the printed "
                    f"{wording}, but the one-tailed p ({listing(other)}) does, and the paper says the "
                    "test is one-tailed (statcheck's OneTailedTxt correction).",
                )
            detail += (
                f" A one-tailed p ({listing(other)}) would match; if the paper states a one-sided test, pass "
                "one_tailed_in_text=True."
            )
    if decision:
        detail += f" This is also a decision error: the significance at alpha = {alpha:g} flips."
    return RecomputedP(INCONSISTENT, name, stat_text, dfs, p_text, p_all_lo, p_all_hi, sides, decision, detail)
