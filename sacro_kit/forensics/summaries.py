"""Medians, quartiles, ranges, percentages and parts of a whole: can the printed summaries be true at once?

Every printed value keeps its own precision: "5.8" means 5.75 to 5.85 whatever the other numbers of the paper print
(a "0.25" elsewhere does not make it 5.795 to 5.805). The card-wide reading -- every value at the most decimals any
value has -- is shown only as a sensitivity row, never as the verdict.

Quantiles of values on a lattice (integers, steps of 1/3 or 5 degrees) are weighted pairs of order statistics at
positions fixed by n and the Hyndman-Fan definition, so a printed "7 (IQR 4-8.5)" is attainable iff some
non-decreasing lattice values at those few positions reproduce it; the search over those values is exhaustive. A
scale with no stated maximum is closed without loss: the pinned order statistics cannot exceed a bound that follows
from the printed values themselves (shown in the detail), and the detail says whether a smaller maximum would change
the verdict.

References
----------
Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50(4):361-365.
doi:10.1080/00031305.1996.10473566
Brown NJL, Heathers JAJ. The GRIM test. Soc Psychol Personal Sci 2017;8(4):363-369. doi:10.1177/1948550616673876
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import pandas as pd

from sacro_kit._results import Result
from sacro_kit.forensics._exact import (
    CONSISTENT,
    INCONSISTENT,
    Printed,
    check_n,
    check_rounding,
    exact_number,
    printed,
    prints_as,
    show,
    show_fraction,
    unverifiable,
)


def _quantiles():
    import sacro_kit as sk

    return sk.QUANTILE_METHODS, sk.order_statistic


def _method_name(method) -> str:
    return "Tukey hinges" if method == "tukey" else f"type {method}"


# --------------------------------------------------------------------------------------------------------------------
# Percentages


@dataclass(frozen=True, repr=False)
class PercentageCheck(Result):
    """Whether a printed percentage can be k of n, and which k (or n) could have printed it.

    ``consistent_k``: every k of 0..n printing as the percentage (n given). ``consistent_n``: every n printing it
    with the given k (k given, n not), or None when there is no upper limit (``smallest_n`` then says where the
    fitting n begin).
    """

    _unpack: ClassVar[tuple[str, ...]] = ("verdict", "detail")
    verdict: str
    k: int | None
    n: int | None
    printed: str
    percent: float | None
    consistent_k: tuple
    consistent_n: tuple | None
    smallest_n: int | None
    rounding: str
    detail: str

    @property
    def consistent(self) -> bool | None:
        return True if self.verdict == CONSISTENT else False if self.verdict == INCONSISTENT else None


def _ks_for(n: int, target: Printed, rounding: str) -> tuple[int, ...]:
    first = max(0, math.floor(target.low * n / 100))
    last = min(n, math.ceil(target.high * n / 100))
    return tuple(c for c in range(first, last + 1) if prints_as(Fraction(100 * c, n), target, rounding))


def _listing(values, limit=8) -> str:
    values = list(values)
    if not values:
        return "none"
    if len(values) > limit and values == list(range(values[0], values[-1] + 1)):
        return f"{values[0]} to {values[-1]}"
    return ", ".join(map(str, values[:limit])) + (", ..." if len(values) > limit else "")


def check_percentage(
    k: int | None = None,
    n: int | None = None,
    printed_percent=None,
    *,
    rounding: str = "up_or_down",
    n_max: int = 10_000,
) -> PercentageCheck:
    """Is the printed percentage k of n at its printed precision? With k or n missing: which values fit.

    * k and n: 100 k / n is rounded exactly to the printed decimals and compared (GRIM for a proportion);
    * n only ("93 % (n = 45)"): every k of 0..n that prints so (none: inconsistent);
    * k only ("42 patients (93 %)"): every n that prints so -- a finite range when the percentage is above 0;
    * neither: the smallest n at which some k prints as the percentage (any larger n has its own fitting k once
      n reaches 100 / (width of the rounding interval)).

    Parameters
    ----------
    k, n : int or None
        Count and denominator as printed (None: not printed).
    printed_percent : str
        The percentage as printed ("82%", "82.2", "93 %"); strings keep their precision, floats are refused.
    rounding : {"up_or_down", "half_up", "half_down", "half_even"}
    n_max : int
        Largest denominator searched when n is not printed.

    Returns
    -------
    PercentageCheck
        ``verdict``, ``detail``, ``consistent_k``, ``consistent_n``, ``smallest_n``; ``consistent`` as a bool.

    Examples
    --------
    >>> import sacro_kit as sk
    >>> sk.check_percentage(37, 45, "82%").verdict
    'consistent'
    >>> sk.check_percentage(None, 45, "93%").consistent_k       # 42/45 = 93.3 %
    (42,)
    >>> sk.check_percentage(42, None, "93%").consistent_n
    (45,)
    >>> sk.check_percentage(None, None, "93%").smallest_n       # 13/14 = 92.9 %
    14

    References
    ----------
    Brown & Heathers (2017), doi:10.1177/1948550616673876.
    """
    rounding = check_rounding(rounding)
    if printed_percent is None:
        raise ValueError("check_percentage needs the printed percentage")
    target = printed(printed_percent, "percentage", percent=True)
    shown = target.text if target.text.strip().endswith("%") else f"{target.text}%"
    if n is not None:
        n = check_n(n)
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 0 or (n is not None and k > n)):
        raise ValueError(
            f"k must be an integer from 0 to n = {n}, got {k!r}"
            if n is not None
            else f"k must be a non-negative integer, got {k!r}"
        )
    head = f"{shown} means {target.interval()} % (rounding {rounding})"

    def result(verdict, detail, ks=(), ns=None, smallest=None):
        percent = 100 * k / n if k is not None and n is not None else None
        return PercentageCheck(verdict, k, n, shown, percent, tuple(ks), ns, smallest, rounding, detail)

    if target.value < 0 or target.value > 100:
        return result(INCONSISTENT, f"{shown} is outside 0-100 %: no count of patients gives it.")

    if n is not None:
        ks = _ks_for(n, target, rounding)
        if k is None:
            if ks:
                return result(
                    CONSISTENT,
                    f"{head}; of n = {n}, k = {_listing(ks)} print so "
                    f"(e.g. {ks[0]}/{n} = {show(Fraction(100 * ks[0], n))} %).",
                    ks,
                )
            near = math.floor(target.value * n / 100)
            return result(
                INCONSISTENT,
                f"{head}; no k of 0..{n} prints so: {near}/{n} = "
                f"{show(Fraction(100 * near, n))} % and {near + 1}/{n} = "
                f"{show(Fraction(100 * (near + 1), n))} %.",
                ks,
            )
        value = Fraction(100 * k, n)
        ok = k in ks
        return result(
            CONSISTENT if ok else INCONSISTENT,
            f"{k}/{n} = {show(value)} % {'prints' if ok else 'does not print'} as {shown} ({head}; k values "
            f"of 0..{n} that print so: {_listing(ks)}).",
            ks,
        )

    if k is not None:
        if k == 0:
            ok = prints_as(Fraction(0), target, rounding)
            return result(
                CONSISTENT if ok else INCONSISTENT,
                f"0 of any n is 0 %, which {'prints' if ok else 'does not print'} as {shown}.",
                (),
                None,
                1 if ok else None,
            )
        if target.high <= 0:
            return result(INCONSISTENT, f"{head}; {k} > 0 of any n is more than 0 %.")
        first = max(k, math.floor(100 * k / target.high))
        last = math.ceil(100 * k / target.low) if target.low > 0 else None
        if last is None or last - first > n_max:
            stop = first + n_max
            ns: tuple[int, ...] = tuple(
                m for m in range(max(first, 1), stop + 1) if prints_as(Fraction(100 * k, m), target, rounding)
            )
            return result(
                CONSISTENT if ns else INCONSISTENT,
                f"{head}; {k} of n prints so for n = {_listing(ns)} (searched to {stop}; the range has no upper end).",
                (),
                None,
                ns[0] if ns else None,
            )
        ns = tuple(m for m in range(max(first, 1), last + 1) if prints_as(Fraction(100 * k, m), target, rounding))
        if ns:
            return result(
                CONSISTENT,
                f"{head}; {k} of n prints so exactly for n = {_listing(ns)} "
                f"(100·{k}/n in the interval needs {show(100 * k / target.high)} ≤ n ≤ "
                f"{show(100 * k / target.low)}).",
                (),
                ns,
                ns[0],
            )
        return result(
            INCONSISTENT,
            f"{head}; 100·{k}/n lies in the interval only for "
            f"{show(100 * k / target.high)} ≤ n ≤ {show(100 * k / target.low)}, and no whole n "
            f"≥ {k} there prints as {shown}.",
            (),
            (),
        )

    for m in range(1, n_max + 1):
        ks = _ks_for(m, target, rounding)
        if ks:
            return result(
                CONSISTENT,
                f"{head}; no n printed: the smallest n that can give it is {m} "
                f"(k = {ks[0]}: {ks[0]}/{m} = {show(Fraction(100 * ks[0], m))} %).",
                (),
                None,
                m,
            )
    return result(unverifiable(f"no n up to {n_max} gives {shown}"), f"{head}; searched n = 1..{n_max}.")


# --------------------------------------------------------------------------------------------------------------------
# Order statistics on a lattice


@dataclass(frozen=True)
class _Pin:
    """A printed summary as a weighted pair of order statistics: (1 - gamma) x(lo) + gamma x(hi)."""

    label: str
    target: Printed
    lo: int
    hi: int
    gamma: Fraction

    def formula(self) -> str:
        return f"x({self.lo})" if self.gamma == 0 else f"{1 - self.gamma}·x({self.lo}) + {self.gamma}·x({self.hi})"

    def value(self, a: dict) -> Fraction:
        return (1 - self.gamma) * a[self.lo] + self.gamma * a[self.hi]


def _pin(label: str, target: Printed, n: int, p, method) -> _Pin:
    _, order_statistic = _quantiles()
    stat = order_statistic(n, p, method)
    if stat.gamma == 1:
        return _Pin(label, target, stat.hi, stat.hi, Fraction(0))
    return _Pin(label, target, stat.lo, stat.hi, Fraction(stat.gamma))


def _search(pins: Sequence[_Pin], values: Sequence[Fraction], rounding: str) -> dict | None:
    """Non-decreasing lattice values at the pinned positions reproducing every printed target, or None.

    Exhaustive depth-first search in position order. Each position only tries the lattice values its pins allow
    (a lone order statistic inside its printed interval; the lower of a weighted pair no higher than the interval's
    top and high enough for the pair to reach it; the upper one solving the pair's interval given the lower), so
    wide lattices cost nothing. Any assignment extends to a full sample (fill the free positions with the
    neighbouring pinned value), so one exists iff the printed values are attainable together.
    """
    positions = sorted({p for pin in pins for p in (pin.lo, pin.hi)})
    first, top = values[0], values[-1]
    step = values[1] - values[0] if len(values) > 1 else Fraction(1)
    last_index = len(values) - 1
    assignment: dict[int, Fraction] = {}
    as_lo = {p: [pin for pin in pins if pin.lo == p] for p in positions}
    as_hi = {p: [pin for pin in pins if pin.hi == p and pin.gamma != 0] for p in positions}

    def window(position: int, floor: Fraction) -> tuple[int, int]:
        low, high = floor, top
        for pin in as_lo[position]:
            high = min(high, pin.target.high)
            if pin.gamma == 0:
                low = max(low, pin.target.low)
            else:
                low = max(low, (pin.target.low - pin.gamma * top) / (1 - pin.gamma))
        for pin in as_hi[position]:
            a = assignment[pin.lo]
            low = max(low, (pin.target.low - (1 - pin.gamma) * a) / pin.gamma)
            high = min(high, (pin.target.high - (1 - pin.gamma) * a) / pin.gamma)
        return max(0, math.ceil((low - first) / step)), min(last_index, math.floor((high - first) / step))

    def fits(position: int) -> bool:
        for pin in as_lo[position] + as_hi[position]:
            if (
                pin.lo in assignment
                and pin.hi in assignment
                and not prints_as(pin.value(assignment), pin.target, rounding)
            ):
                return False
        return True

    def go(i: int, floor: Fraction) -> bool:
        if i == len(positions):
            return True
        position = positions[i]
        start, stop = window(position, floor)
        for index in range(start, stop + 1):
            assignment[position] = values[index]
            if fits(position) and go(i + 1, values[index]):
                return True
        assignment.pop(position, None)
        return False

    return dict(assignment) if go(0, first) else None


def _why_not(pins, values, rounding, lattice_text) -> str:
    for pin in pins:
        if _search([pin], values, rounding) is None:
            what = "no value" if pin.gamma == 0 else "no values"
            return (
                f"{pin.label} = {pin.formula()}, and {what} on {lattice_text} make{'s' if pin.gamma == 0 else ''} "
                f"it print as {pin.target.text} ({pin.target.interval()})"
            )
    return "each printed value is attainable alone, but not all of them with the values in order"


@dataclass(frozen=True)
class _Scale:
    low: Fraction
    high: Fraction | None
    step: Fraction
    open_high: bool


def _scale(scale, step) -> _Scale:
    step = exact_number(step, "step")
    if step <= 0:
        raise ValueError(f"step must be positive, got {show(step)}")
    try:
        low, high = scale
    except (TypeError, ValueError):
        raise ValueError(
            f"scale must be a (min, max) pair (max may be None for an open scale), got {scale!r}"
        ) from None
    if low is None:
        raise ValueError(
            "scale min must be given (a scale open at both ends leaves the lattice unanchored); "
            "use the smallest possible score, e.g. 0"
        )
    low = exact_number(low, "scale min")
    if high is None:
        return _Scale(low, None, step, True)
    high = exact_number(high, "scale max")
    if high < low:
        raise ValueError(f"scale max {show(high)} is below scale min {show(low)}")
    if (high - low) % step:
        raise ValueError(f"the scale {show(low)}..{show(high)} is not a whole number of steps of {show_fraction(step)}")
    return _Scale(low, high, step, False)


def _lattice(low: Fraction, high: Fraction, step: Fraction) -> list[Fraction]:
    return [low + i * step for i in range(int((high - low) / step) + 1)]


def _describe(low, high, step) -> str:
    return f"{show(low)}-{show(high)}" + ("" if step == 1 else f" in steps of {show_fraction(step)}")


def _ceil_lattice(x: Fraction, low: Fraction, step: Fraction) -> Fraction:
    return low + max(0, math.ceil((x - low) / step)) * step


def _open_bound(pin_sets, low: Fraction, step: Fraction) -> tuple[Fraction, Fraction, str]:
    """(lossless closing maximum, smallest sensible maximum, the reason) for a scale with no stated maximum.

    Every pinned value is at most the value at the highest pinned position, x(hi) of some pin with
    (1 - g) x(lo) + g x(hi) <= H and x(lo) >= scale min, so x(hi) <= (H - (1 - g) min) / g (g > 0), or x(lo) <= H
    (g = 0). A maximum at or above the largest such bound therefore admits every witness an open scale admits.
    """
    bound, why = low, ""
    largest_printed = low
    for pins in pin_sets:
        for pin in pins:
            largest_printed = max(largest_printed, pin.target.low)
            if pin.gamma == 0:
                b, text = pin.target.high, f"{pin.label} = {pin.formula()} ≤ {show(pin.target.high)}"
            else:
                b = (pin.target.high - (1 - pin.gamma) * low) / pin.gamma
                text = (
                    f"{pin.label} = {pin.formula()} ≤ {show(pin.target.high)} with x({pin.lo}) ≥ {show(low)} "
                    f"forces x({pin.hi}) ≤ {show(b)}"
                )
            if b > bound:
                bound, why = b, text
    closing = _ceil_lattice(bound, low, step)
    smallest = _ceil_lattice(largest_printed, low, step)
    return closing, smallest, why


# --------------------------------------------------------------------------------------------------------------------
# Median and IQR


@dataclass(frozen=True, repr=False)
class MedianIQRCheck(Result):
    """Which quantile definitions can print a median and IQR from n lattice values, with the proof of each.

    ``fits``: the fitting definitions (Hyndman-Fan types 1-9, "tukey"). ``definitions``: one row per definition
    (method, fits, order statistics, evidence, witness). ``sensitivity``: the definitions that would fit if every
    value were read at ``card_decimals`` (the card-wide reading), or None. ``scale_used``: the lattice searched.
    """

    _unpack: ClassVar[tuple[str, ...]] = ("verdict", "detail")
    verdict: str
    n: int
    printed: str
    fits: tuple
    definitions: tuple
    sensitivity: tuple | None
    scale_used: str
    rounding: str
    detail: str

    @property
    def consistent(self) -> bool | None:
        return True if self.verdict == CONSISTENT else False if self.verdict == INCONSISTENT else None

    def table(self) -> pd.DataFrame:
        """One row per definition: method, fits, order_statistics, evidence, witness."""
        return pd.DataFrame(
            list(self.definitions), columns=["method", "fits", "order_statistics", "evidence", "witness"]
        )


def _read_values(labels, values, decimals_at_least: int | None = None) -> list[Printed]:
    out = []
    for label, value in zip(labels, values):
        p = printed(value, label)
        if decimals_at_least is not None and decimals_at_least > p.decimals:
            p = Printed(p.text, p.value, decimals_at_least)
        out.append(p)
    return out


def _evaluate(n, pin_builder, targets, sc: _Scale, rounding, methods):
    """Per-definition verdicts on the scale (closing an open maximum losslessly); returns rows, lattice text, note."""
    pin_sets = {m: pin_builder(m, targets) for m in methods}
    note = ""
    if sc.open_high:
        closing, smallest, why = _open_bound(pin_sets.values(), sc.low, sc.step)
        high = max(closing, sc.low + sc.step)
        lattice_text = _describe(sc.low, high, sc.step)
        note = (
            f" The scale has no stated maximum; checked on {lattice_text}, which loses nothing: no pinned order "
            f"statistic can exceed {show(high)} ({why})."
        )
    else:
        assert sc.high is not None  # a closed scale states its maximum
        high = sc.high
        lattice_text = _describe(sc.low, high, sc.step)
    values = _lattice(sc.low, high, sc.step)
    rows: list[tuple[Any, bool, str, str, dict[Any, float] | None]] = []
    for method in methods:
        pins = pin_sets[method]
        formulas = "; ".join(f"{p.label} = {p.formula()}" for p in pins)
        found = _search(pins, values, rounding)
        if found is not None:
            got = ", ".join(f"{p.label} {show(p.value(found))}" for p in pins)
            evidence = ", ".join(f"x({k})={show(v)}" for k, v in sorted(found.items())) + f" gives {got}"
            rows.append((method, True, formulas, evidence, {k: float(v) for k, v in sorted(found.items())}))
        else:
            rows.append((method, False, formulas, _why_not(pins, values, rounding, lattice_text), None))
    if sc.open_high:
        small_values = _lattice(sc.low, max(smallest, sc.low + sc.step), sc.step)
        small_fits = [m for m in methods if _search(pin_sets[m], small_values, rounding) is not None]
        fits = [r[0] for r in rows if r[1]]
        if small_fits == fits:
            note += (
                f" Any maximum from {show(max(smallest, sc.low + sc.step))} (the largest printed value) up gives "
                "the same answer, so the verdict does not depend on the maximum."
            )
        else:
            note += (
                f" With a maximum of {show(max(smallest, sc.low + sc.step))} (the largest printed value) the "
                f"fitting definitions would be {', '.join(map(_method_name, small_fits)) or 'none'}: the "
                "verdict depends on how high the scale goes."
            )
    return rows, lattice_text, note


def _quartile_pins(n):
    def build(method, targets):
        q1, med, q3 = targets
        return [
            _pin("Q1", q1, n, Fraction(1, 4), method),
            _pin("median", med, n, Fraction(1, 2), method),
            _pin("Q3", q3, n, Fraction(3, 4), method),
        ]

    return build


def check_median_iqr(
    n: int,
    q1,
    median,
    q3,
    *,
    scale=(0, 10),
    step=1,
    rounding: str = "up_or_down",
    methods=None,
    card_decimals: int | None = None,
) -> MedianIQRCheck:
    """Which quantile definitions can print "median (IQR q1-q3)" from n values on the scale's lattice, with proofs.

    Each printed value is read at its own precision ("5.8": 5.75 to 5.85). For each of Hyndman & Fan's nine
    definitions and Tukey's hinges, Q1, median and Q3 are weighted pairs of order statistics at positions fixed by
    n; the search over non-decreasing lattice values at those positions is exhaustive, so each definition either
    gets a witness (pinned values that print as given) or the reason none exists.

    Parameters
    ----------
    n : int
        Number of values summarised.
    q1, median, q3 : str
        As printed ("4", "7", "8.5"); floats are refused (they lose trailing zeros).
    scale : (min, max)
        The measurement scale; ``max=None`` for a scale with no stated maximum (closed losslessly, see the
        module notes; the detail says which bound was used and whether the verdict depends on it).
    step : number
        Lattice spacing: 1 for integer scores, ``Fraction(1, 3)`` for prorated scores, 5 for goniometry.
    rounding : {"up_or_down", "half_up", "half_down", "half_even"}
    methods : iterable, optional
        Definitions to try (default: types 1-9 and "tukey").
    card_decimals : int, optional
        If given, also read every value at this many decimals (the card-wide reading) and report the fitting
        definitions in ``sensitivity`` -- never as the verdict.

    Returns
    -------
    MedianIQRCheck
        ``verdict`` ("consistent" if some definition fits), ``fits``, ``definitions`` (``table()``), ``detail``.

    Examples
    --------
    >>> import sacro_kit as sk
    >>> result = sk.check_median_iqr(29, "4", "7", "8.5", scale=(0, 10))
    >>> result.verdict, result.fits
    ('consistent', (4, 5, 6))
    >>> sk.check_median_iqr(27, "0.0", "3.0", "5.8", scale=(0, 10), card_decimals=2).sensitivity
    ()

    References
    ----------
    Hyndman & Fan (1996), doi:10.1080/00031305.1996.10473566.
    """
    n = check_n(n)
    rounding = check_rounding(rounding)
    all_methods, _ = _quantiles()
    methods = tuple(all_methods if methods is None else methods)
    sc = _scale(scale, step)
    labels = ("Q1", "median", "Q3")
    targets = _read_values(labels, (q1, median, q3))
    text = f"{targets[1].text} (IQR {targets[0].text}–{targets[2].text})"
    if not targets[0].low <= targets[1].high or not targets[1].low <= targets[2].high:
        return MedianIQRCheck(
            INCONSISTENT,
            n,
            text,
            (),
            (),
            None,
            "",
            rounding,
            f"The quartiles are out of order: Q1 {targets[0].text} ≤ median {targets[1].text} ≤ Q3 "
            f"{targets[2].text} fails even at the ends of their rounding intervals.",
        )
    rows, lattice_text, note = _evaluate(n, _quartile_pins(n), targets, sc, rounding, methods)
    fits = tuple(r[0] for r in rows if r[1])
    sensitivity = None
    sens_text = ""
    if card_decimals is not None:
        wide = _read_values(labels, (q1, median, q3), card_decimals)
        sens_rows, _, _ = _evaluate(n, _quartile_pins(n), wide, sc, rounding, methods)
        sensitivity = tuple(r[0] for r in sens_rows if r[1])
        sens_text = (
            f" Sensitivity (not the verdict): read card-wide at {card_decimals} decimals, the fitting "
            f"definitions would be {', '.join(map(_method_name, sensitivity)) or 'none'}."
        )
    reading = "; ".join(f"{t.text} means {t.interval()}" for t in targets)
    lines = [
        f"n = {n} values on {lattice_text}, each printed value read at its own precision ({reading}), rounding "
        f"{rounding}.{note} Fits: {', '.join(map(_method_name, fits)) or 'no definition'}."
    ]
    if fits:
        first = rows[[r[0] for r in rows].index(fits[0])]
        lines.append(
            f"Witness ({_method_name(first[0])}: {first[2]}): {first[3]}; fill the other positions with "
            "the neighbouring pinned value."
        )
    excluded = [r for r in rows if not r[1]]
    if excluded:
        lines.append("Excluded: " + "; ".join(f"{_method_name(r[0])} ({r[3]})" for r in excluded) + ".")
    verdict = CONSISTENT if fits else INCONSISTENT
    return MedianIQRCheck(
        verdict, n, text, fits, tuple(rows), sensitivity, lattice_text, rounding, " ".join(lines) + sens_text
    )


# --------------------------------------------------------------------------------------------------------------------
# Median and range


def _range_pins(n):
    def build(method, targets):
        low, med, high = targets
        return [
            _Pin("minimum", low, 1, 1, Fraction(0)),
            _pin("median", med, n, Fraction(1, 2), method),
            _Pin("maximum", high, n, n, Fraction(0)),
        ]

    return build


def check_median_range(
    n: int, minimum, median, maximum, *, scale=(0, 10), step=1, rounding: str = "up_or_down", methods=None
) -> MedianIQRCheck:
    """Can "median (range minimum-maximum)" come from n values on the lattice? Which median definitions fit.

    The minimum and maximum are single observations, x(1) and x(n), so each must itself be a lattice value that
    prints as printed: a "Min-Max" column of 1.5 and 0.5 cannot be minima of integer scores. The median is checked
    per definition as in :func:`check_median_iqr` (all definitions agree for odd n).

    Parameters
    ----------
    n : int
        Number of values summarised.
    minimum, median, maximum : str
        As printed ("2", "5", "9"); floats are refused (they lose trailing zeros).
    scale : (min, max), default (0, 10)
        The measurement scale; ``max=None`` for a scale with no stated maximum.
    step : number, default 1
        Lattice spacing: 1 for integer scores, ``Fraction(1, 3)`` for prorated scores, 5 for goniometry.
    rounding : {"up_or_down", "half_up", "half_down", "half_even"}, default "up_or_down"
    methods : iterable, optional
        Median definitions to try (default: Hyndman-Fan types 1-9 and "tukey").

    Returns
    -------
    MedianIQRCheck
        ``verdict`` ("consistent" if some definition fits), ``fits``, ``definitions`` (``table()``: one row per
        definition with its evidence and witness), ``scale_used`` and ``detail``.

    Examples
    --------
    >>> import sacro_kit as sk
    >>> sk.check_median_range(20, "2", "5", "9", scale=(0, 10)).verdict
    'consistent'
    >>> r = sk.check_median_range(20, "1.5", "5", "9", scale=(0, 10))
    >>> r.verdict, "single observation, x(1)" in r.detail
    ('inconsistent', True)

    References
    ----------
    Hyndman & Fan (1996), doi:10.1080/00031305.1996.10473566 (the median under each definition).
    """
    n = check_n(n)
    rounding = check_rounding(rounding)
    all_methods, _ = _quantiles()
    methods = tuple(all_methods if methods is None else methods)
    sc = _scale(scale, step)
    targets = _read_values(("minimum", "median", "maximum"), (minimum, median, maximum))
    text = f"{targets[1].text} (range {targets[0].text}–{targets[2].text})"
    reach = sc.high if sc.high is not None else _ceil_lattice(max(t.high for t in targets), sc.low, sc.step)
    lattice = _lattice(sc.low, max(reach, sc.low + sc.step), sc.step)
    for end, position in ((targets[0], 1), (targets[2], n)):
        pin = _Pin(
            "minimum" if position == 1 and end is targets[0] else "maximum", end, position, position, Fraction(0)
        )
        if _search([pin], lattice, rounding) is None:
            return MedianIQRCheck(
                INCONSISTENT,
                n,
                text,
                (),
                (),
                None,
                _describe(sc.low, lattice[-1], sc.step),
                rounding,
                f"The {pin.label} is a single observation, x({position}), so it must be a value on "
                f"the lattice {_describe(sc.low, lattice[-1], sc.step)}"
                f"{' (or above: the scale has no stated maximum)' if sc.open_high else ''}; none "
                f"prints as {end.text} ({end.interval()}). This holds for every quantile "
                "definition.",
            )
    rows, lattice_text, note = _evaluate(n, _range_pins(n), targets, sc, rounding, methods)
    fits = tuple(r[0] for r in rows if r[1])
    lines = [
        f"n = {n} values on {lattice_text}; the minimum is x(1) and the maximum x({n}), single observations; "
        f"each value read at its own precision, rounding {rounding}.{note} "
        f"Fits: {', '.join(map(_method_name, fits)) or 'no definition'}."
    ]
    if fits:
        first = rows[[r[0] for r in rows].index(fits[0])]
        lines.append(f"Witness ({_method_name(first[0])}: {first[2]}): {first[3]}.")
    else:
        lines.append("Excluded: " + "; ".join(f"{_method_name(r[0])} ({r[3]})" for r in rows) + ".")
    return MedianIQRCheck(
        CONSISTENT if fits else INCONSISTENT, n, text, fits, tuple(rows), None, lattice_text, rounding, " ".join(lines)
    )


# --------------------------------------------------------------------------------------------------------------------
# Parts of a whole


@dataclass(frozen=True, repr=False)
class PartsCheck(Result):
    """Whether printed parts add up to their whole (counts exactly; percentages within their rounding)."""

    _unpack: ClassVar[tuple[str, ...]] = ("verdict", "detail")
    verdict: str
    parts: tuple
    whole: int | None
    percents: tuple | None
    detail: str

    @property
    def consistent(self) -> bool | None:
        return True if self.verdict == CONSISTENT else False if self.verdict == INCONSISTENT else None


def check_parts(
    parts: Sequence[int] | None,
    whole: int | None = None,
    *,
    percents: Sequence | None = None,
    exhaustive: bool = True,
    rounding: str = "up_or_down",
) -> PartsCheck:
    """Do the parts add up to the whole, and their printed percentages to 100 within rounding?

    ``parts``: the counts (None where only percentages are printed); ``whole``: the total; ``percents``: the
    printed percentages of the parts (strings). ``exhaustive=False`` for parts that need not cover the whole
    (then the parts may add up to less). Each percentage is also checked against its part and the whole
    (:func:`check_percentage`).

    Parameters
    ----------
    parts : sequence of int or None
        The counts of the parts (non-negative integers); None where only percentages are printed.
    whole : int, optional
        The total the parts belong to.
    percents : sequence of str, optional
        The printed percentages of the parts ("82%", "11.1"), in the order of ``parts``.
    exhaustive : bool, default True
        Whether the parts cover the whole (their counts must then add up to it and their percentages to 100);
        False lets the counts add up to less and skips the 100 % check.
    rounding : {"up_or_down", "half_up", "half_down", "half_even"}, default "up_or_down"
        How the percentages were rounded.

    Returns
    -------
    PartsCheck
        ``verdict`` ("consistent" or "inconsistent"), ``parts``, ``whole``, ``percents`` (as printed) and
        ``detail`` (the sums in words); unpacking gives ``verdict, detail``.

    Examples
    --------
    >>> import sacro_kit as sk
    >>> sk.check_parts([37, 5, 3], 45, percents=["82%", "11%", "7%"]).verdict
    'consistent'
    >>> sk.check_parts([37, 5, 4], 45).detail
    '37 + 5 + 4 = 46, but the whole is 45.'

    References
    ----------
    Brown & Heathers (2017), doi:10.1177/1948550616673876 (the percentages, GRIM for proportions).
    """
    rounding = check_rounding(rounding)
    lines, ok = [], True
    counts = tuple(parts) if parts is not None else None
    if counts is not None:
        for c in counts:
            if isinstance(c, bool) or not isinstance(c, int) or c < 0:
                raise ValueError(f"parts must be non-negative integers, got {c!r}")
    if counts is not None and whole is not None:
        whole = check_n(whole, "whole", minimum=0)
        total = sum(counts)
        sums = " + ".join(map(str, counts))
        if total == whole or (not exhaustive and total <= whole):
            lines.append(
                f"{sums} = {total}"
                + (
                    f", the whole {whole}."
                    if total == whole
                    else f" ≤ the whole {whole} (the parts need not cover it)."
                )
            )
        else:
            ok = False
            lines.append(f"{sums} = {total}, but the whole is {whole}.")
    shown_percents = None
    if percents is not None:
        targets = [printed(p, "percentage", percent=True) for p in percents]
        shown_percents = tuple(t.text for t in targets)
        if counts is not None and len(counts) != len(targets):
            raise ValueError(f"{len(counts)} parts but {len(targets)} percentages")
        if exhaustive:
            percent_total = sum((t.value for t in targets), Fraction(0))
            slack = sum((t.half for t in targets), Fraction(0))
            within = abs(percent_total - 100) <= slack
            ok &= within
            lines.append(
                f"{' + '.join(t.text.rstrip('%').strip() for t in targets)} = {show(percent_total)} %; rounding each "
                f"part moves the sum from 100 by at most {show(slack)}, so "
                f"{'it can' if within else 'it cannot'} add up to 100."
            )
        if counts is not None and whole:
            for c, _t, raw in zip(counts, targets, percents):
                check = check_percentage(c, whole, raw, rounding=rounding)
                ok &= bool(check.consistent)
                if not check.consistent:
                    lines.append(check.detail)
    if not lines:
        raise ValueError("check_parts needs parts and a whole, or percentages")
    return PartsCheck(CONSISTENT if ok else INCONSISTENT, counts or (), whole, shown_percents, " ".join(lines))


# --------------------------------------------------------------------------------------------------------------------
# Every median (IQR) of a card


def quartile_fits(card=None, *, rounding: str = "up_or_down") -> pd.DataFrame:
    """Which quantile definitions fit each printed median (IQR) of a card, each value read at its own precision.

    One row per median (IQR) summary of the card's paired claims, before and after: :func:`check_median_iqr` on the
    printed text, on the claim's scale, with the card-wide reading (every value at :func:`card_decimals` places)
    as a sensitivity column -- never as the verdict. A definition that fits every row is one a single analysis of
    the paper could have used.

    Parameters
    ----------
    card : ReportedCard, Card, str, pathlib.Path or None, default None
        The card (None: the default card).
    rounding : {"up_or_down", "half_up", "half_down", "half_even"}, default "up_or_down"
        How the printed values were rounded.

    Returns
    -------
    pandas.DataFrame
        Columns ``claim``, ``time_point`` ("pre" or "post"), ``n``, ``printed``, ``fits`` (the fitting definitions,
        Hyndman-Fan types 1-9 and "tukey", each value at its own precision), ``fits_card_wide`` (the same with
        every value read at the card's most decimals: a sensitivity reading) and ``verdict``.

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50(4):361-365.
    doi:10.1080/00031305.1996.10473566

    Examples
    --------
    >>> import sacro_kit as sk
    >>> fits = sk.quartile_fits()
    >>> fits[["claim", "time_point", "printed", "fits"]].iloc[1].tolist()
    ['activity_pain', 'post', '6 (IQR 4–6.8)', (4, 5)]
    """
    from sacro_kit.forensics.consistency import card_decimals
    from sacro_kit.io.card_schema import as_reported_card

    card = as_reported_card(card)
    wide = card_decimals(card)
    rows = []
    for claim in card:
        if claim.kind != "paired_summary" or claim.pre.center_label != "median":
            continue
        scale = card.scales[claim.scale]
        for time_point, summary in (("pre", claim.pre), ("post", claim.post)):
            if summary.q1 is None or summary.q3 is None:
                continue
            check = check_median_iqr(
                claim.n, summary.q1.text, summary.center.text, summary.q3.text,
                scale=(scale.min, scale.max), rounding=rounding, card_decimals=wide,
            )  # fmt: skip
            rows.append(
                {
                    "claim": claim.key,
                    "time_point": time_point,
                    "n": claim.n,
                    "printed": check.printed,
                    "fits": check.fits,
                    "fits_card_wide": check.sensitivity,
                    "verdict": check.verdict,
                }
            )
    columns = ["claim", "time_point", "n", "printed", "fits", "fits_card_wide", "verdict"]
    return pd.DataFrame(rows, columns=columns)
