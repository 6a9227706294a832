"""GRIM, GRIMMER and DEBIT: can a printed mean (and SD) come from n granular values? Exact, with proofs.

Data on a lattice -- integer item scores, a sum of ``items`` integer items, a prorated score in steps of 1/3, an angle
in steps of 5 degrees, a binary 0/1 variable -- can only have certain means and SDs. Each check here decides exactly
(rational arithmetic, exhaustive search) whether the printed values are attainable and puts its proof in ``detail``:
a witness sample that reproduces every printed value, or the arithmetic that rules every sample out.

Conventions: printed values are strings ("5.19", not 5.19), so that trailing zeros keep their precision; a printed
value stands for the interval it rounds from under ``rounding`` ("up_or_down", the default, accepts a tie rounded
either way, as scrutiny does). The SD is the sample SD (n - 1 denominator). Person scores lie on the lattice
``lo + k * step / items`` (k = 0, 1, ...), where ``lo`` is the scale minimum (0 when no scale is given). A scale
with no stated maximum is never closed silently: GRIM needs no bound, and GRIMMER bounds every value by Samuelson's
inequality (no value lies further than (n - 1) / sqrt(n) sample SDs from the mean), which loses nothing -- the
detail says so.

References
----------
Brown NJL, Heathers JAJ. The GRIM test: a simple technique detects numerous anomalies in the reporting of results in
psychology. Soc Psychol Personal Sci 2017;8(4):363-369. doi:10.1177/1948550616673876
Anaya J. The GRIMMER test: a method for testing the validity of reported measures of variability. PeerJ Preprints
2016;4:e2400v1. doi:10.7287/peerj.preprints.2400v1
Allard A. Analytic-GRIMMER: a new way of testing the possibility of standard deviations (2018).
https://aurelienallard.netlify.app/post/anaytic-grimmer-possibility-standard-deviations/
Heathers JAJ, Brown NJL. DEBIT: a simple consistency test for binary data (2019). https://osf.io/5vb3u/
Jung L. scrutiny: error detection in science (R package). https://lhdjung.github.io/scrutiny/
Samuelson PA. How deviant can you be? J Am Stat Assoc 1968;63(324):1522-1525. doi:10.1080/01621459.1968.10480944
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar

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
    sqrt_prints_as,
    unverifiable,
)

#: Nodes the exact GRIMMER witness search may visit before it gives up ("unverifiable", never "inconsistent").
SEARCH_BUDGET = 400_000


# --------------------------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, repr=False)
class GrimResult(Result):
    """GRIM: whether a printed mean is attainable by n values on the lattice.

    ``sums``: the number of lattice units above the scale minimum the n values must add up to (every count of
    units whose mean prints as the printed mean; at most the first 50). ``witness``: a sample reproducing the mean
    as ((value, how many), ...), or None.
    """

    _unpack: ClassVar[tuple[str, ...]] = ("verdict", "detail")
    verdict: str
    mean: str
    n: int
    items: int
    step: Fraction
    sums: tuple
    witness: tuple | None
    rounding: str
    detail: str

    @property
    def consistent(self) -> bool | None:
        return _as_bool(self.verdict)


@dataclass(frozen=True, repr=False)
class GrimmerResult(Result):
    """GRIMMER: whether a printed mean and SD are attainable together by n values on the lattice.

    ``witness`` is a sample reproducing both, as ((value, how many), ...), or None.
    """

    _unpack: ClassVar[tuple[str, ...]] = ("verdict", "detail")
    verdict: str
    mean: str
    sd: str
    n: int
    items: int
    step: Fraction
    scale: tuple | None
    witness: tuple | None
    rounding: str
    detail: str

    @property
    def consistent(self) -> bool | None:
        return _as_bool(self.verdict)


@dataclass(frozen=True, repr=False)
class DebitResult(Result):
    """DEBIT: whether a printed mean and SD are those of n binary (0/1) values; ``ks`` are the counts of ones that
    print as the mean, ``witness_k`` one that also prints as the SD."""

    _unpack: ClassVar[tuple[str, ...]] = ("verdict", "detail")
    verdict: str
    mean: str
    sd: str
    n: int
    ks: tuple
    witness_k: int | None
    rounding: str
    detail: str

    @property
    def consistent(self) -> bool | None:
        return _as_bool(self.verdict)


def _as_bool(verdict: str) -> bool | None:
    return True if verdict == CONSISTENT else False if verdict == INCONSISTENT else None


# --------------------------------------------------------------------------------------------------------------------
# The lattice of person scores


@dataclass(frozen=True)
class _Grain:
    offset: Fraction  # scale minimum (0 without a scale)
    unit: Fraction  # step / items: the smallest change of a person's score
    top: int | None  # largest number of units (None: open scale)
    text: str  # for the detail

    def value(self, units) -> Fraction:
        return self.offset + self.unit * units


def _grain(n: int, items, step, scale) -> _Grain:
    items = check_n(items, "items")
    step = exact_number(step, "step")
    if step <= 0:
        raise ValueError(f"step must be positive, got {step}")
    unit = step / items
    what = "integer" if unit == 1 else f"values in steps of {show_fraction(unit)}"
    if items > 1:
        what = (
            f"means of {items} items in steps of {show_fraction(step)} (person scores in steps of "
            f"{show_fraction(unit)})"
        )
    if scale is None:
        return _Grain(Fraction(0), unit, None, f"{n} {what}, no scale bounds")
    try:
        low, high = scale
    except (TypeError, ValueError):
        raise ValueError(f"scale must be a (min, max) pair, got {scale!r}") from None
    low = exact_number(low, "scale min")
    if high is None:
        return _Grain(low, unit, None, f"{n} {what} from {show(low)} up (no stated maximum)")
    high = exact_number(high, "scale max")
    if high < low:
        raise ValueError(f"scale max {show(high)} is below scale min {show(low)}")
    span = (high - low) / unit
    if span.denominator != 1:
        raise ValueError(f"the scale {show(low)}..{show(high)} is not a whole number of steps of {show_fraction(unit)}")
    return _Grain(low, unit, int(span), f"{n} {what} on {show(low)}-{show(high)}")


def _unit_sums(target: Printed, n: int, grain: _Grain, rounding: str) -> tuple[list[int], tuple[int, int]]:
    """Every total T (in units above the offset) with offset + unit * T / n printing as ``target``; and the two
    totals around the printed value (for the proof when none prints)."""
    scale = Fraction(n) / grain.unit
    first = math.floor((target.low - grain.offset) * scale)
    last = math.ceil((target.high - grain.offset) * scale)
    if grain.top is not None:
        first, last = max(first, 0), min(last, n * grain.top)
    elif grain.offset != 0:
        first = max(first, 0)
    totals = [t for t in range(first, last + 1) if prints_as(grain.value(Fraction(t, n)), target, rounding)]
    around = math.floor((target.value - grain.offset) * scale)
    return totals, (around, around + 1)


def _near_equal(n: int, total: int) -> tuple[int, int, int]:
    """(q, how many at q + 1, how many at q) of the near-equal split of ``total`` units over n values."""
    q, r = divmod(total, n)
    return q, r, n - r


def _witness_text(grain: _Grain, counts) -> str:
    parts = [f"{c} × {show(grain.value(u))}" for u, c in counts if c]
    return ", ".join(parts)


# --------------------------------------------------------------------------------------------------------------------
# GRIM


def grim(mean, n: int, *, items: int = 1, step=1, scale=None, rounding: str = "up_or_down") -> GrimResult:
    """GRIM: can ``n`` values on the lattice have a mean that prints as ``mean``?

    The n values (each the mean of ``items`` items scored in steps of ``step``) add up to a whole number T of
    units of ``step / items``, so their mean is one of the fractions offset + (step / items) T / n. GRIM asks
    whether any of them rounds to the printed mean. Exact: the candidate T are enumerated and each mean is
    rounded in rational arithmetic.

    Parameters
    ----------
    mean : str
        The mean as printed ("5.19"); an int is read as printed with no decimals. Floats are refused (5.10 and
        5.1 are the same float).
    n : int
        Sample size.
    items : int, default 1
        Number of items averaged into each person's score (scrutiny's ``items``).
    step : number, default 1
        Spacing of an item's scores (1/3 for a prorated score, 5 for goniometry in 5-degree steps).
    scale : (min, max) or None
        The item scale; its minimum anchors the lattice and the maximum bounds the total. ``None`` or a maximum
        of ``None``: no bound is needed for GRIM and none is assumed.
    rounding : {"up_or_down", "half_up", "half_down", "half_even"}

    Returns
    -------
    GrimResult
        ``verdict`` ("consistent" or "inconsistent"), ``detail`` (the arithmetic, with a witness sample or the two
        nearest attainable means), ``sums`` and ``witness``.

    Examples
    --------
    scrutiny's documented example (``?scrutiny::grim``): a mean of 5.19 is impossible with n = 28, possible with 32.

    >>> import sacro_kit as sk
    >>> sk.grim("5.19", 28).verdict, sk.grim("5.19", 32).verdict
    ('inconsistent', 'consistent')
    >>> sk.grim("5.19", 28).detail.split(";")[0]
    '28 integer, no scale bounds: the mean is T/28 for a whole total T'

    References
    ----------
    Brown & Heathers (2017), doi:10.1177/1948550616673876; scrutiny ``grim()``.
    """
    n = check_n(n)
    rounding = check_rounding(rounding)
    target = printed(mean, "mean")
    grain = _grain(n, items, step, scale)
    totals, around = _unit_sums(target, n, grain, rounding)
    form = (
        f"T/{n}"
        if grain.offset == 0 and grain.unit == 1
        else f"{show(grain.offset)} + {show_fraction(grain.unit)}·T/{n}"
        if grain.offset
        else f"{show_fraction(grain.unit)}·T/{n}"
    )
    head = (
        f"{grain.text}: the mean is {form} for a whole total T"
        + (f" of units of {show_fraction(grain.unit)}" if grain.unit != 1 else "")
        + f"; {target.text} means {target.interval()} (rounding {rounding})"
    )
    if totals:
        t = totals[0]
        q, up, at = _near_equal(n, t)
        witness = tuple((u, c) for u, c in ((q, at), (q + 1, up)) if c)
        listing = ", ".join(map(str, totals[:6])) + (", ..." if len(totals) > 6 else "")
        detail = (
            f"{head}. T = {listing} fit{'s' if len(totals) == 1 else ''}: {form.replace('T', str(t))} = "
            f"{show_fraction(grain.value(Fraction(t, n)))} prints as {target.text}. Witness: "
            f"{_witness_text(grain, witness)}."
        )
        if grain.top is None:
            detail += " No scale bound was used or needed."
        return GrimResult(
            CONSISTENT,
            target.text,
            n,
            int(items),
            Fraction(step),
            tuple(totals[:50]),
            tuple((grain.value(u), c) for u, c in witness),
            rounding,
            detail,
        )
    below, above = (grain.value(Fraction(t, n)) for t in around)
    detail = (
        f"{head}. No T works: the attainable means nearest to it are T = {around[0]}: "
        f"{show_fraction(below)} and T = {around[1]}: {show_fraction(above)}, both outside "
        f"{target.interval()}."
    )
    if grain.top is not None and not (0 <= around[0] and around[1] <= n * grain.top):
        detail = (
            f"{head}. No T works: the mean must lie between the scale bounds "
            f"{show(grain.value(0))} and {show(grain.value(grain.top))}."
        )
    return GrimResult(INCONSISTENT, target.text, n, int(items), Fraction(step), (), None, rounding, detail)


# --------------------------------------------------------------------------------------------------------------------
# GRIMMER


def _q_bounds(r: int, s: int, lo: int, hi: int) -> tuple[int, int] | None:
    """Smallest and largest sum of squares of r integers in [lo, hi] adding up to s (None: no such integers)."""
    if r == 0:
        return (0, 0) if s == 0 else None
    if not r * lo <= s <= r * hi:
        return None
    q, b = divmod(s, r)
    smallest = (r - b) * q * q + b * (q + 1) ** 2
    if hi == lo:
        return smallest, smallest
    k, e = divmod(s - r * lo, hi - lo)
    if k >= r:
        return smallest, r * hi * hi
    largest = k * hi * hi + (lo + e) ** 2 + (r - k - 1) * lo * lo
    return smallest, largest


class _Budget(Exception):
    pass


def _find_sample(n: int, total: int, squares: int, lo: int, hi: int, budget: list[int]) -> dict[int, int] | None:
    """Counts {value: how many} of n integers in [lo, hi] with the given sum and sum of squares, or None.

    Exhaustive depth-first search from the largest value down, pruned by the exact smallest and largest sum of
    squares the remaining values can have; failed states are remembered. Raises _Budget when the search is too big.
    """
    failed: set = set()
    counts: dict[int, int] = {}

    def search(v: int, r: int, s: int, q: int) -> bool:
        if r == 0:
            return s == 0 and q == 0
        if v < lo:
            return False
        key = (v, r, s, q)
        if key in failed:
            return False
        budget[0] -= 1
        if budget[0] < 0:
            raise _Budget
        bounds = _q_bounds(r, s, lo, v)
        if bounds is None or not bounds[0] <= q <= bounds[1]:
            failed.add(key)
            return False
        if v == lo:
            ok = r * lo == s and r * lo * lo == q
            if ok:
                counts[v] = r
            else:
                failed.add(key)
            return ok
        most = r if v == 0 else min(r, q // (v * v))
        for c in range(most, -1, -1):
            if search(v - 1, r - c, s - c * v, q - c * v * v):
                if c:
                    counts[v] = c
                return True
        failed.add(key)
        return False

    return dict(sorted(counts.items())) if search(hi, n, total, squares) else None


def _isqrt_frac_floor(x: Fraction) -> int:
    """floor(sqrt(x)) for a non-negative Fraction, exactly."""
    return math.isqrt(x.numerator * x.denominator) // x.denominator if x.denominator == 1 else _floor_sqrt(x)


def _floor_sqrt(x: Fraction) -> int:
    guess = math.isqrt(math.floor(x))
    while (guess + 1) ** 2 <= x:
        guess += 1
    while guess * guess > x:
        guess -= 1
    return guess


def grimmer(
    mean, sd, n: int, *, items: int = 1, step=1, scale=None, rounding: str = "up_or_down", dispersion: str = "sd"
) -> GrimmerResult:
    """GRIMMER: can ``n`` values on the lattice have a mean and SD printing as ``mean`` and ``sd``?

    In units u of ``step / items`` above the scale minimum the values are integers with total T and sum of squares
    Q; the sample variance is unit² (Q - T²/n)/(n - 1). The check enumerates every T allowed by the mean (GRIM),
    every whole Q allowed by the SD's rounding interval, keeps those with Q ≡ T (mod 2) (as u² ≡ u), and then
    searches exhaustively for n integers with that T and Q -- within the scale, or, on an open scale, within
    Samuelson's bound (no value lies further than (n - 1)/sqrt(n) SDs from the mean), which holds for every sample
    and so closes nothing. Stricter than scrutiny's Analytic-GRIMMER (whose parity test is a necessary condition)
    and never stricter than the truth: "consistent" comes with a witness sample, "inconsistent" with the failed
    condition.

    Parameters
    ----------
    mean, sd : str
        As printed ("5.23", "2.55").
    n : int
        Sample size (at least 2).
    items, step, scale, rounding
        As in :func:`grim`.
    dispersion : {"sd", "se"}
        What ``sd`` is: the sample SD (default) or the standard error of the mean, SD/sqrt(n) (a paper printing
        "mean ± SE"); the SE is checked at its own printed precision.

    Returns
    -------
    GrimmerResult
        ``verdict`` ("consistent", "inconsistent", or "unverifiable: ..." if the search exceeds its budget),
        ``detail`` and ``witness``.

    Examples
    --------
    scrutiny's documented example (``?scrutiny::grimmer``): 5.23 ± 2.55 is impossible with n = 35 and possible
    with n = 31.

    >>> import sacro_kit as sk
    >>> sk.grimmer("5.23", "2.55", 35).verdict, sk.grimmer("5.23", "2.55", 31).verdict
    ('inconsistent', 'consistent')

    References
    ----------
    Anaya (2016), doi:10.7287/peerj.preprints.2400v1; Allard (2018); scrutiny ``grimmer()``; Samuelson (1968),
    doi:10.1080/01621459.1968.10480944.
    """
    n = check_n(n)
    rounding = check_rounding(rounding)
    m, s = printed(mean, "mean"), printed(sd, "sd")
    if s.value < 0:
        raise ValueError(f"sd: {s.text!r} is negative")
    if dispersion not in ("sd", "se"):
        raise ValueError(f"dispersion must be 'sd' or 'se', got {dispersion!r}")
    factor = n if dispersion == "se" else 1
    label = "SE" if dispersion == "se" else "SD"
    grain = _grain(n, items, step, scale)
    scale_t = None if scale is None else tuple(scale)

    def result(verdict, detail, witness=None):
        return GrimmerResult(
            verdict,
            m.text,
            s.text,
            n,
            int(items),
            Fraction(step),
            scale_t,
            None if witness is None else tuple((grain.value(u), c) for u, c in witness.items()),
            rounding,
            detail,
        )

    if n < 2:
        return result(unverifiable("an SD needs n >= 2"), "A sample SD of one value is undefined.")
    totals, _ = _unit_sums(m, n, grain, rounding)
    g = grim(mean, n, items=items, step=step, scale=scale, rounding=rounding)
    if not totals:
        return result(INCONSISTENT, f"GRIM fails, so no SD can help. {g.detail}")
    unit2 = grain.unit**2
    head = (
        f"{grain.text}. In units of {show_fraction(grain.unit)} the values are integers with total T and sum "
        f"of squares Q, and SD² = {show_fraction(unit2) + '·' if unit2 != 1 else ''}(Q − T²/{n})/{n - 1}. "
        f"The mean allows T = {', '.join(map(str, totals[:6]))}{', ...' if len(totals) > 6 else ''}; "
        f"{s.text} means {label} in {s.interval()}" + (f", i.e. SD² = {n}·SE²." if factor > 1 else ".")
    )
    budget = [SEARCH_BUDGET]
    reasons: list[str] = []
    searched = 0
    gave_up = False
    for t in totals:
        mean_t = Fraction(t, n)
        low_sd = max(s.low, Fraction(0))
        q_low = math.ceil(mean_t * t + (n - 1) * factor * low_sd**2 / unit2)
        q_high = math.floor(mean_t * t + (n - 1) * factor * s.high**2 / unit2)
        fitting = [
            q
            for q in range(q_low, q_high + 1)
            if sqrt_prints_as(unit2 * (q - mean_t * t) / ((n - 1) * factor), s, rounding)
        ]
        parity = [q for q in fitting if (q - t) % 2 == 0]
        if not fitting:
            reasons.append(
                f"T = {t}: no whole Q gives an {label} in {s.interval()} (Q would lie in "
                f"[{show(mean_t * t + (n - 1) * factor * low_sd**2 / unit2)}, "
                f"{show(mean_t * t + (n - 1) * factor * s.high**2 / unit2)}])"
            )
            continue
        if not parity:
            reasons.append(
                f"T = {t}: Q = {', '.join(map(str, fitting))} give{'s' if len(fitting) == 1 else ''} "
                f"the SD, but Q must have the parity of T = {t} (u² ≡ u mod 2)"
            )
            continue
        for q in parity:
            d = q - mean_t * t
            if grain.top is not None:
                lo, hi = 0, grain.top
                bound_text = "the scale"
            else:
                reach = d * (n - 1) / n  # Samuelson: (u_i - mean)^2 <= D (n-1)/n
                root = _floor_sqrt(reach)
                lo, hi = math.floor(mean_t) - root - 1, math.ceil(mean_t) + root + 1
                while (mean_t - lo) ** 2 > reach:
                    lo += 1
                while (hi - mean_t) ** 2 > reach:
                    hi -= 1
                if grain.offset != 0 or scale is not None:
                    lo = max(lo, 0)
                bound_text = (
                    f"Samuelson's bound ({show(grain.value(lo))} to {show(grain.value(hi))}, which every "
                    "sample with this mean and SD obeys; no scale maximum was assumed, so the verdict does not depend on one)"
                )
            searched += 1
            try:
                found = None
                # Narrow windows around the mean first (a natural-looking witness, found fast); only the full
                # range can prove that no sample exists.
                spread = math.ceil(float(s.high) * math.sqrt(factor) / float(grain.unit))
                for width in (2 * spread, 3 * spread):
                    a, b = max(lo, math.floor(mean_t) - width), min(hi, math.ceil(mean_t) + width)
                    if (a, b) == (lo, hi):
                        break
                    found = _find_sample(n, t, q, a, b, budget)
                    if found is not None:
                        break
                if found is None:
                    found = _find_sample(n, t, q, lo, hi, budget)
            except _Budget:
                gave_up = True
                reasons.append(f"T = {t}, Q = {q}: search budget exhausted")
                break
            if found is not None:
                sd_value = unit2 * d / (n - 1)
                shown_sd = (
                    f"SD sqrt({show_fraction(sd_value)}) = {float(sd_value) ** 0.5:.6g}"
                    if factor == 1
                    else f"SE sqrt({show_fraction(sd_value / factor)}) = {float(sd_value / factor) ** 0.5:.6g}"
                )
                detail = (
                    f"{head} T = {t} with Q = {q} gives mean {show_fraction(grain.value(mean_t))} and "
                    f"{shown_sd}, printing as {m.text} "
                    f"and {s.text}. Witness: {_witness_text(grain, found.items())} (found by exhaustive "
                    f"search within {bound_text})."
                )
                return result(CONSISTENT, detail, found)
            reasons.append(
                f"T = {t}, Q = {q}: no {n} integers within {bound_text.split(' (')[0]} have this sum and "
                "sum of squares (exhaustive search)"
            )
        if gave_up:
            break
    if gave_up:
        return result(
            unverifiable(f"the exact search exceeded {SEARCH_BUDGET} steps"),
            f"{head} " + "; ".join(reasons[-3:]) + ". Necessary conditions (GRIM, SD interval, parity) "
            "pass; a witness was not found within the budget.",
        )
    shown = reasons if len(reasons) <= 8 else reasons[:8] + [f"... {len(reasons) - 8} more totals alike"]
    tail = ""
    if grain.top is None:
        tail = (
            " No scale maximum was assumed (any search used Samuelson's bound, which every sample obeys), so the "
            "verdict does not depend on one."
        )
    return result(INCONSISTENT, f"{head} " + "; ".join(shown) + "." + tail)


# --------------------------------------------------------------------------------------------------------------------
# DEBIT


def debit(mean, sd, n: int, *, rounding: str = "up_or_down") -> DebitResult:
    """DEBIT: are a printed mean and SD those of ``n`` binary (0/1) values?

    k ones among n values have mean k/n and sample SD sqrt(k (n - k) / (n (n - 1))). The check tries every k whose
    mean prints as ``mean`` and asks, exactly, whether its SD prints as ``sd``. This is the discrete form of
    Heathers & Brown's test (scrutiny's ``debit()`` checks the continuous DEBIT line against the rounding box; both
    agree on scrutiny's documented cases, see the tests).

    Parameters
    ----------
    mean, sd : str
        Printed mean (a proportion, 0 to 1) and sample SD.
    n : int
        Sample size (at least 2).
    rounding : {"up_or_down", "half_up", "half_down", "half_even"}

    Returns
    -------
    DebitResult

    Examples
    --------
    The vignette's example (scrutiny ``vignette("debit")``): 0.35, 0.18, n = 20.

    >>> import sacro_kit as sk
    >>> result = sk.debit("0.35", "0.18", 20)
    >>> result.verdict
    'inconsistent'
    >>> sk.debit("0.35", "0.49", 20).verdict
    'consistent'

    References
    ----------
    Heathers & Brown (2019), https://osf.io/5vb3u/; scrutiny ``debit()``.
    """
    n = check_n(n, minimum=2)
    rounding = check_rounding(rounding)
    m, s = printed(mean, "mean"), printed(sd, "sd")
    if not 0 <= m.value <= 1 or not 0 <= s.value <= 1:
        raise ValueError(f"DEBIT needs a binary mean and SD between 0 and 1, got mean {m.text!r}, sd {s.text!r}")
    ks = [k for k in range(n + 1) if prints_as(Fraction(k, n), m, rounding)]
    head = (
        f"{n} binary values: k ones give mean k/{n} and SD sqrt(k({n} − k)/({n}·{n - 1})); {m.text} means "
        f"{m.interval()}, {s.text} means {s.interval()} (rounding {rounding})."
    )

    def var(k):
        return Fraction(k * (n - k), n * (n - 1))

    if not ks:
        return DebitResult(
            INCONSISTENT,
            m.text,
            s.text,
            n,
            (),
            None,
            rounding,
            f"{head} No k of 0..{n} gives a mean printing as {m.text} (GRIM).",
        )
    for k in ks:
        if sqrt_prints_as(var(k), s, rounding):
            return DebitResult(
                CONSISTENT,
                m.text,
                s.text,
                n,
                tuple(ks),
                k,
                rounding,
                f"{head} Witness: k = {k} ones and {n - k} zeros: mean {show_fraction(Fraction(k, n))}"
                f", SD {float(var(k)) ** 0.5:.6g}.",
            )
    sds = [float(var(k)) ** 0.5 for k in ks]
    listing = (
        ", ".join(f"k = {k}: {v:.5g}" for k, v in zip(ks, sds))
        if len(ks) <= 6
        else f"k = {ks[0]}..{ks[-1]}: SD from {min(sds):.5g} to {max(sds):.5g}"
    )
    return DebitResult(
        INCONSISTENT,
        m.text,
        s.text,
        n,
        tuple(ks),
        None,
        rounding,
        f"{head} The means allow {listing}; none prints as {s.text}.",
    )
