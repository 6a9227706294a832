"""Can the printed numbers all be true at once? Exact consistency checks of a reported card.

Three families of checks, each exact (integer and rational arithmetic, exhaustive where it searches):

* **Percentages** against k/n at the printed precision -- the GRIM idea of Brown & Heathers (2017) applied
  to proportions: 37/45 = 82.2 % prints as "82%"; parts must add up to their whole and their percentages to
  about 100.
* **Medians and quartiles** of integer data (the GRIM analogue no existing tool offers): every sample
  quantile is a weighted pair of order statistics whose positions depend only on n and the definition
  (:func:`sacro_kit.stats.quantiles.order_statistic`), so a printed triple "7 (IQR 4-8.5)" is attainable by
  n integer scores under a definition iff some non-decreasing values at those few positions reproduce
  it. :func:`quartile_types` searches those assignments exhaustively and says which of Hyndman & Fan's
  nine definitions (and Tukey's hinges) could have printed the triple.
* **p-values** against the smallest p a rank test can reach with n pairs
  (:func:`sacro_kit.stats.paired.min_attainable_p`); "<0.0001" from 13 pairs is impossible for every
  Wilcoxon signed-rank or sign test, whatever the ties -- only a parametric test could give it.

Printed values are read as the interval they round from. The rounding rule is a parameter
(``"up_or_down"``, the default, accepts ties rounded either way, as scrutiny does; ``"half_up"``,
``"half_down"``, ``"half_even"``). :func:`check_reported` and :func:`fitting_methods` read each printed value at
its own precision ("7" is 6.5 to 7.5, "6.8" is 6.75 to 6.85, whatever else the card prints); ``decimals=k`` reads
every centre and quartile at k decimals or more instead, a sensitivity reading that is never the verdict. The
reconstruction reads a card at the reporting precision the card declares (``reconstruction: {decimals: k, why:
...}``), else per value too. The Dougherty card declares one decimal, its assumption with its evidence: the abstract
prints 8.5, 6.8, 2.5 and 3.5 beside 10 and 7, read as rounding to one decimal and dropping trailing zeros, so for its
reconstruction "7" means 7.0 (6.95 to 7.05), not anything from 6.5 to 7.5.

References
----------
Brown NJL, Heathers JAJ. The GRIM test: a simple technique detects numerous anomalies in the reporting of
results in psychology. Soc Psychol Personal Sci 2017;8(4):363-369. doi:10.1177/1948550616673876
Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50(4):361-365.
doi:10.1080/00031305.1996.10473566
Jung L. scrutiny: Error detection in science (R package), GRIM rounding conventions.
https://lhdjung.github.io/scrutiny/
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import pandas as pd

from sacro_kit.forensics._exact import round_exact  # one exact rounding for every check
from sacro_kit.stats.quantiles import QUANTILE_METHODS, OrderStatistic, check_method, order_statistic

#: Rounding conventions a printed number may have come from ("up_or_down": either tie direction).
ROUNDING_RULES = ("up_or_down", "half_up", "half_down", "half_even")

#: Upper end assumed for a count scale the card leaves open (``max: null``). Quartile attainability does not
#: depend on it once it reaches the largest printed quartile; check_reported says so in its detail.
OPEN_SCALE_CHECK_MAX = 20

VERDICTS = ("consistent", "inconsistent", "unverifiable")  # statuses; a verdict is "unverifiable: <why>"
_COLUMNS = ["claim", "check", "printed", "verdict", "detail"]
_P_LEVELS = (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4))
_P_LABELS = ("Q1", "median", "Q3")


# --------------------------------------------------------------------------------------------------------------------
# Printed numbers as exact rationals


@dataclass(frozen=True)
class _Target:
    """One printed number read exactly: its text, exact value and the decimals it was rounded to."""

    label: str
    text: str
    value: Fraction
    decimals: int


def _plain_number(text: str, what: str) -> tuple[Fraction, int]:
    """(exact value, printed decimals) of a plain decimal string such as "6.8", "10" or "82%"."""
    stripped = text.strip().rstrip("%").strip().replace("−", "-")
    try:
        number = Decimal(stripped)
    except InvalidOperation:
        raise ValueError(f"{what}: {text!r} is not a printed number") from None
    if not number.is_finite() or "e" in stripped.lower():
        raise ValueError(f"{what}: {text!r} is not a plain decimal number")
    decimals = len(stripped.split(".")[1]) if "." in stripped else 0
    return Fraction(number), decimals


def _printed_text(value, what: str) -> str:
    """The printed text of a str, an int, a float, or a card ``Printed``.

    A float is read as its shortest decimal form (``1.5`` -> ``"1.5"``): exact, but without trailing zeros, so its
    precision is the coarsest that prints it (``2.50`` passed as a float is read at one decimal, which widens the
    rounding interval and can never make a consistent report look inconsistent). Pass a string (``"2.50"``) or
    ``decimals=`` to state the printed precision.
    """
    if hasattr(value, "text") and hasattr(value, "relation"):
        if value.relation != "=":
            raise ValueError(f"{what}: {value.text!r} is a bound, not a printed value")
        return value.text
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and math.isfinite(value) and "e" not in repr(value):
        return repr(value)
    raise ValueError(
        f"{what}: pass a number (a float such as 1.5, or the printed string such as '6.80' to keep "
        f"its trailing zeros, or a card Printed), not {value!r}"
    )


def _check_rounding(rounding: str) -> str:
    if rounding not in ROUNDING_RULES:
        raise ValueError(f"rounding must be one of {', '.join(map(repr, ROUNDING_RULES))}; got {rounding!r}")
    return rounding


def _prints_as(value: Fraction, target: Fraction, decimals: int, rounding: str) -> bool:
    """Whether ``value`` rounds to ``target`` at ``decimals`` places under the rounding convention."""
    if rounding == "up_or_down":
        return round_exact(value, decimals, "half_up") == target or round_exact(value, decimals, "half_down") == target
    return round_exact(value, decimals, rounding) == target


def _read_triple(q1, median, q3, decimals: int | None) -> tuple[_Target, _Target, _Target]:
    """The printed Q1, median, Q3 (strings, card Printed, or one card Summary passed as ``q1``)."""
    if hasattr(q1, "center") and hasattr(q1, "q3"):
        if median is not None or q3 is not None:
            raise ValueError("pass either a Summary or the three printed values, not both")
        q1, median, q3 = q1.q1, q1.center, q1.q3
    if median is None or q3 is None:
        raise ValueError("need the printed Q1, median and Q3")
    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0):
        raise ValueError(f"decimals must be a non-negative integer or None, got {decimals!r}")
    targets = []
    for label, printed in zip(("Q1", "median", "Q3"), (q1, median, q3)):
        text = _printed_text(printed, label)
        value, places = _plain_number(text, label)
        targets.append(_Target(label, text, value, max(places, decimals or 0)))
    q1_target, median_target, q3_target = targets
    return q1_target, median_target, q3_target


# --------------------------------------------------------------------------------------------------------------------
# Lattices and the order statistics behind quartiles


@dataclass(frozen=True)
class _Lattice:
    """The values a measurement can take: low, low + step, ..., high (exact)."""

    low: Fraction
    high: Fraction
    step: Fraction

    @property
    def values(self) -> list[Fraction]:
        count = int((self.high - self.low) / self.step)
        return [self.low + i * self.step for i in range(count + 1)]

    def describe(self) -> str:
        step = "" if self.step == 1 else f" in steps of {_show(self.step)}"
        return f"{_show(self.low)}-{_show(self.high)}{step}"


def _exact_number(value, what: str) -> Fraction:
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, got {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))
    try:
        return Fraction(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None


def _lattice(scale, step) -> _Lattice:
    try:
        low, high = scale
    except (TypeError, ValueError):
        raise ValueError(f"scale must be a (min, max) pair, got {scale!r}") from None
    low, high = _exact_number(low, "scale min"), _exact_number(high, "scale max")
    step = _exact_number(step, "step")
    if step <= 0:
        raise ValueError(f"step must be positive, got {step}")
    if high < low:
        raise ValueError(f"scale max {high} is below scale min {low}")
    if (high - low) % step:
        raise ValueError(f"the scale {low}..{high} is not a whole number of steps of {step}")
    return _Lattice(low, high, step)


def _show(x: Fraction) -> str:
    """A readable exact number: 7, 8.5, 6.75, 2.333333."""
    if x.denominator == 1:
        return str(x.numerator)
    as_float = float(x)
    text = f"{as_float:.6f}".rstrip("0").rstrip(".")
    return text


def _formula(stat: OrderStatistic) -> str:
    if stat.gamma == 0:
        return f"x({stat.lo})"
    return f"{1 - stat.gamma}·x({stat.lo}) + {stat.gamma}·x({stat.hi})"


def _value_of(stat: OrderStatistic, assignment: dict[int, Fraction]) -> Fraction:
    return (1 - stat.gamma) * assignment[stat.lo] + stat.gamma * assignment[stat.hi]


def _half_unit(decimals: int) -> Fraction:
    return Fraction(1, 2 * 10**decimals)


def _witness(
    n: int, constraints: Sequence[tuple[_Target, OrderStatistic]], lattice: _Lattice, rounding: str
) -> dict[int, Fraction] | None:
    """A non-decreasing assignment of lattice values to the pinned order statistics reproducing every target.

    Exhaustive depth-first search over the (at most six) pinned positions in increasing order, pruned by
    the printed intervals. Any such assignment extends to a full sample (fill the other positions with
    the neighbouring pinned value), so it exists iff the printed values are attainable.
    """
    positions = sorted({p for _, s in constraints for p in (s.lo, s.hi)})
    values = lattice.values
    top = values[-1]
    assignment: dict[int, Fraction] = {}

    def plausible(last: int) -> bool:
        for target, stat in constraints:
            low = target.value - _half_unit(target.decimals)
            high = target.value + _half_unit(target.decimals)
            if stat.lo in assignment and stat.hi in assignment:
                if not _prints_as(_value_of(stat, assignment), target.value, target.decimals, rounding):
                    return False
            elif stat.lo in assignment:
                a = assignment[stat.lo]
                if a > high or (1 - stat.gamma) * a + stat.gamma * top < low:
                    return False
        return True

    def search(i: int, start: int) -> bool:
        if i == len(positions):
            return True
        position = positions[i]
        for index in range(start, len(values)):
            assignment[position] = values[index]
            if plausible(position) and search(i + 1, index):
                return True
        del assignment[position]
        return False

    return dict(assignment) if search(0, 0) else None


def _pinned(n: int, p: Fraction, method) -> OrderStatistic:
    """The order statistics of the p-quantile, with a full weight on x(hi) written as x(hi) alone."""
    stat = order_statistic(n, p, method)
    return OrderStatistic(stat.hi, stat.hi, Fraction(0)) if stat.gamma == 1 else stat


def _constraints(n: int, targets, method) -> list[tuple[_Target, OrderStatistic]]:
    return [(t, _pinned(n, p, method)) for t, p in zip(targets, _P_LEVELS)]


def _check_n(n) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    return n


def _method_name(method) -> str:
    return "Tukey hinges" if method == "tukey" else f"type {method}"


@dataclass(frozen=True)
class _TypeVerdict:
    method: object
    fits: bool
    formulas: str
    evidence: str  # a witness sample's pinned values, or why none exists
    witness: dict | None = None


def _type_verdicts(n: int, targets, lattice: _Lattice, rounding: str, methods) -> list[_TypeVerdict]:
    out = []
    for method in methods:
        method = check_method(method)
        constraints = _constraints(n, targets, method)
        formulas = "; ".join(f"{t.label} = {_formula(s)}" for t, s in constraints)
        found = _witness(n, constraints, lattice, rounding)
        if found is not None:
            values = ", ".join(f"x({p})={_show(v)}" for p, v in sorted(found.items()))
            got = ", ".join(f"{t.label} {_show(_value_of(s, found))}" for t, s in constraints)
            out.append(_TypeVerdict(method, True, formulas, f"e.g. {values} gives {got}", found))
            continue
        reason = None
        for target, stat in constraints:
            if _witness(n, [(target, stat)], lattice, rounding) is None:
                what = "no value on {} makes" if stat.gamma == 0 else "no values on {} make"
                reason = (
                    f"{target.label} = {_formula(stat)}, and {what.format(lattice.describe())} it print "
                    f"as {target.text}"
                )
                break
        if reason is None:
            reason = "each printed value is attainable alone, but not all three with the values in order"
        out.append(_TypeVerdict(method, False, formulas, reason))
    return out


def quartile_types(
    n: int,
    q1,
    median=None,
    q3=None,
    scale=(0, 10),
    step=1,
    *,
    rounding: str = "up_or_down",
    decimals: int | None = None,
    methods: Iterable = QUANTILE_METHODS,
) -> tuple:
    """The quantile definitions under which n values on the lattice ``scale[0]..scale[1]`` (by ``step``) can
    print as the given Q1, median and Q3.

    Each printed value stands for the interval it rounds from ("6.8" -> 6.75 to 6.85 under ``rounding``;
    ``decimals`` reads every value at least at that precision, e.g. decimals=1 reads "7" as 7.0). For each
    of Hyndman & Fan's types 1-9 and Tukey's hinges the quartiles are weighted pairs of order statistics
    at positions fixed by n (:func:`sacro_kit.stats.quantiles.order_statistic`); the search over non-decreasing
    lattice values at those positions is exhaustive, so the answer is exact, never sampled.

    ``q1`` may be a card ``Summary`` (then leave ``median`` and ``q3`` out); values are strings or card
    ``Printed`` so that their precision is known.

    Parameters
    ----------
    n : int
        Number of values summarised (a positive integer).
    q1 : str, card Printed or card Summary
        The printed Q1, or a whole card ``Summary`` (then ``median`` and ``q3`` are left out).
    median, q3 : str or card Printed, optional
        The printed median and Q3 (a float is read at its shortest decimal form).
    scale : (min, max), default (0, 10)
        Bounds of the lattice of possible values.
    step : number, default 1
        Lattice spacing (``Fraction(1, 3)`` for prorated scores); the scale must be a whole number of steps.
    rounding : {"up_or_down", "half_up", "half_down", "half_even"}, default "up_or_down"
        How the printed values were rounded (``"up_or_down"``: ties either way).
    decimals : int, optional
        Read every value at least at this many decimals (decimals=1 reads "7" as 7.0).
    methods : iterable, default QUANTILE_METHODS
        Definitions to try: Hyndman-Fan types 1-9 and ``"tukey"``.

    Returns
    -------
    tuple
        The fitting definitions (ints 1-9 and/or ``"tukey"``), in the order of ``methods``; empty if none fits.

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50(4):361-365.
    doi:10.1080/00031305.1996.10473566

    Examples
    --------
    >>> quartile_types(29, "4", "7", "8.5")
    (4, 5, 6)
    >>> quartile_types(13, "4", "6", "6.8")
    (4, 5)
    """
    n = _check_n(n)
    rounding = _check_rounding(rounding)
    targets = _read_triple(q1, median, q3, decimals)
    lattice = _lattice(scale, step)
    return tuple(v.method for v in _type_verdicts(n, targets, lattice, rounding, methods) if v.fits)


def quartile_type_table(
    n: int,
    q1,
    median=None,
    q3=None,
    scale=(0, 10),
    step=1,
    *,
    rounding: str = "up_or_down",
    decimals: int | None = None,
    methods: Iterable = QUANTILE_METHODS,
) -> pd.DataFrame:
    """:func:`quartile_types` with its proof: one row per definition (method, fits, order statistics, evidence,
    witness).

    ``evidence`` describes a witness (pinned order statistics reproducing the printed values) where the definition
    fits, and the reason none exists where it does not; ``witness`` is that assignment as {position: value}
    (None where the definition does not fit). Any full sample with these values at these positions, in order,
    prints as given.

    Parameters
    ----------
    n : int
        Number of values summarised (a positive integer).
    q1 : str, card Printed or card Summary
        The printed Q1, or a whole card ``Summary`` (then ``median`` and ``q3`` are left out).
    median, q3 : str or card Printed, optional
        The printed median and Q3 (a float is read at its shortest decimal form).
    scale : (min, max), default (0, 10)
        Bounds of the lattice of possible values.
    step : number, default 1
        Lattice spacing (``Fraction(1, 3)`` for prorated scores); the scale must be a whole number of steps.
    rounding : {"up_or_down", "half_up", "half_down", "half_even"}, default "up_or_down"
        How the printed values were rounded (``"up_or_down"``: ties either way).
    decimals : int, optional
        Read every value at least at this many decimals (decimals=1 reads "7" as 7.0).
    methods : iterable, default QUANTILE_METHODS
        Definitions to try: Hyndman-Fan types 1-9 and ``"tukey"``.

    Returns
    -------
    pandas.DataFrame
        One row per definition in ``methods``: ``method``, ``fits`` (bool), ``order_statistics`` (the formulas of
        Q1, median and Q3), ``evidence`` and ``witness`` (dict or None).

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50(4):361-365.
    doi:10.1080/00031305.1996.10473566

    Examples
    --------
    >>> table = quartile_type_table(29, "4", "7", "8.5")
    >>> table.columns.tolist()
    ['method', 'fits', 'order_statistics', 'evidence', 'witness']
    >>> bool(quartile_type_table(29, "4", "7", "8.5").set_index("method").loc[7, "fits"])
    False
    """
    n = _check_n(n)
    rounding = _check_rounding(rounding)
    targets = _read_triple(q1, median, q3, decimals)
    lattice = _lattice(scale, step)
    rows = [
        (
            v.method,
            v.fits,
            v.formulas,
            v.evidence,
            None if v.witness is None else {p: float(x) for p, x in sorted(v.witness.items())},
        )
        for v in _type_verdicts(n, targets, lattice, rounding, methods)
    ]
    return pd.DataFrame(rows, columns=["method", "fits", "order_statistics", "evidence", "witness"])


# --------------------------------------------------------------------------------------------------------------------
# Percentages (GRIM for proportions)


@dataclass(frozen=True)
class PercentageCheck:
    """Whether a printed percentage can be k/n (and which k of 0..n could have printed it).

    ``consistent``: with k given, 100 k / n rounds to the printed value; with k None, some k does (GRIM).
    """

    k: int | None
    n: int
    printed: str
    percent: float | None
    consistent: bool
    consistent_k: tuple[int, ...]
    rounding: str

    @property
    def detail(self) -> str:
        ks = ", ".join(map(str, self.consistent_k)) if self.consistent_k else "none"
        if self.k is None:
            return f"{self.printed} of n = {self.n} is attainable for k = {ks}"
        verb = "prints" if self.consistent else "does not print"
        return (
            f"{self.k}/{self.n} = {_show(Fraction(100 * self.k, self.n))}% {verb} as {self.printed} "
            f"(k values of 0..{self.n} that print so: {ks})"
        )


def check_percentage(k: int | None, n: int, printed, *, rounding: str = "up_or_down") -> PercentageCheck:
    """Is ``printed`` (e.g. "82%") what k of n gives at the printed precision? (GRIM for a proportion.)

    Exact: 100 k / n is rounded to the printed decimals under ``rounding`` and compared; ``consistent_k``
    lists every count that would print the same, so ``k=None`` asks only whether any count could.
    Brown & Heathers (2017), doi:10.1177/1948550616673876.

    >>> check_percentage(37, 45, "82%").consistent
    True
    >>> check_percentage(None, 50, "7%").consistent_k
    ()
    """
    n = _check_n(n)
    rounding = _check_rounding(rounding)
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= n):
        raise ValueError(f"k must be an integer from 0 to n = {n}, got {k!r}")
    text = _printed_text(printed, "percentage")
    target, places = _plain_number(text, "percentage")
    shown = text if text.strip().endswith("%") else f"{text}%"
    half = _half_unit(places)
    first = max(0, math.floor((target - half) * n / 100))
    last = min(n, math.ceil((target + half) * n / 100))
    candidates = tuple(c for c in range(first, last + 1) if _prints_as(Fraction(100 * c, n), target, places, rounding))
    if k is None:
        return PercentageCheck(None, n, shown, None, bool(candidates), candidates, rounding)
    return PercentageCheck(k, n, shown, 100 * k / n, k in candidates, candidates, rounding)


# --------------------------------------------------------------------------------------------------------------------
# p-values

#: Rank tests the abstract might have used, as arguments to paired.min_attainable_p.
_P_CANDIDATES = (
    ("exact Wilcoxon signed-rank", dict(test="wilcoxon", method="exact", ties="none")),
    ("Wilcoxon normal approximation, untied", dict(test="wilcoxon", method="asymptotic", ties="none")),
    ("the same with continuity correction", dict(test="wilcoxon", method="asymptotic", ties="none", correction=True)),
    (
        "Wilcoxon normal approximation, all differences tied (the most extreme tie pattern)",
        dict(test="wilcoxon", method="asymptotic", ties="any"),
    ),
    (
        "the same with continuity correction (R's default)",
        dict(test="wilcoxon", method="asymptotic", ties="any", correction=True),
    ),
    ("exact sign test", dict(test="sign", method="exact")),
    ("sign test, normal approximation", dict(test="sign", method="asymptotic")),
)


def _p_reachable(p_min: float, printed) -> bool:
    """Whether a test whose p can go down to ``p_min`` can print as ``printed``."""
    relation, value = printed.relation, Fraction(Decimal(printed.text.lstrip("<>=≤≥ ")))
    if relation == "<":
        return p_min < value
    if relation == "<=":
        return p_min <= value
    if relation in (">", ">="):
        return True
    return p_min <= value + _half_unit(printed.decimals)


# --------------------------------------------------------------------------------------------------------------------
# The whole card


def card_decimals(card) -> int:
    """Reporting precision of centres and quartiles: the most decimals any of them is printed with.

    Parameters
    ----------
    card : ReportedCard
        A card as :func:`sacro_kit.load_reported` gives it (an iterable of claims).

    Returns
    -------
    int
        The largest number of decimals among the printed medians/means and quartiles of its summaries (0 if
        none has decimals).

    Examples
    --------
    >>> card_decimals(sk.load_reported())
    1
    """
    from sacro_kit.io.card_schema import as_reported_card

    card = as_reported_card(card)  # either schema, or None for the default card
    places = [0]
    for claim in card:
        summaries = []
        if claim.kind == "summary":
            summaries = [claim.summary]
        elif claim.kind == "paired_summary":
            summaries = [claim.pre, claim.post]
        for s in summaries:
            places += [s.center.decimals, s.q1.decimals, s.q3.decimals]
    return max(places)


def _summary_text(summary) -> str:
    return f"{summary.center.text} (IQR {summary.q1.text}–{summary.q3.text})"


def _integer_lattice(scale, count_max: int) -> _Lattice:
    """Lattice of an integer scale; ``count_max`` closes a scale with no stated maximum."""
    return _lattice((scale.min or 0, scale.max if scale.max is not None else count_max), 1)


def _summary_types(n, summary, lattice, rounding, decimals):
    targets = _read_triple(summary, None, None, decimals)
    return _type_verdicts(n, targets, lattice, rounding, QUANTILE_METHODS)


def check_reported(
    card=None, *, rounding: str = "up_or_down", decimals: int | None = None, count_max: int | None = None
) -> pd.DataFrame:
    """Check every claim of a reported card for internal consistency; one row per check, inconsistent rows first.

    ``card`` is a schema-2 card (:func:`sacro_kit.io.card_schema.load_card`), a card from :func:`load_reported`, a path
    or None (the default card). Columns: ``claim``, ``check``, ``printed``, ``verdict`` ("consistent",
    "inconsistent" or "unverifiable: <why>"), ``status`` (its first word), ``reason`` (one line), ``detail`` (the
    proof) and ``line`` (of the card). Every printed value is read at its own precision; ``decimals`` reads centres
    and quartiles at least at that many decimals instead (a sensitivity reading). Open scales are never closed
    silently: the detail says which maximum was used and whether the verdict depends on it. See
    :func:`sacro_kit.forensics.checking.check_card`.

    ``count_max`` is deprecated and ignored (it used to close open scales at 20).

    Parameters
    ----------
    card : Card, ReportedCard, str, pathlib.Path or None, default None
        The card to check; None is the default card.
    rounding : {"up_or_down", "half_up", "half_down", "half_even"}, default "up_or_down"
        How the printed values were rounded.
    decimals : int, optional
        Read every centre and quartile at least at this many decimals (a sensitivity reading).
    count_max : int, optional
        Deprecated and ignored; passing it warns (DeprecationWarning).

    Returns
    -------
    pandas.DataFrame
        One row per check, inconsistent rows first: ``claim``, ``check``, ``printed``, ``verdict``, ``status``,
        ``reason``, ``detail``, ``line``.

    References
    ----------
    Brown NJL, Heathers JAJ. The GRIM test: a simple technique detects numerous anomalies in the reporting of
    results in psychology. Soc Psychol Personal Sci 2017;8(4):363-369. doi:10.1177/1948550616673876
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50(4):361-365.

    Examples
    --------
    >>> table = check_reported()
    >>> table.loc[table.claim == "activity_pain", "verdict"].tolist()[0]
    'inconsistent'
    """
    from sacro_kit.forensics.checking import check_card

    if count_max is not None:
        warnings.warn(
            "check_reported(count_max=...) is deprecated and ignored: open scales are checked at the "
            "smallest maximum that reaches the printed values and at a maximum beyond which nothing "
            "changes",
            DeprecationWarning,
            stacklevel=2,
        )
    return check_card(card, rounding=rounding, decimals=decimals)


def fitting_methods(
    card, *, rounding: str = "up_or_down", decimals: int | None = None, count_max: int = OPEN_SCALE_CHECK_MAX
) -> tuple:
    """The quantile definitions that fit every integer-scale median/IQR of the card, in QUANTILE_METHODS order.

    Parameters
    ----------
    card : ReportedCard
        A card as :func:`sacro_kit.load_reported` gives it.
    rounding : {"up_or_down", "half_up", "half_down", "half_even"}, default "up_or_down"
        How the printed values were rounded.
    decimals : int, optional
        Read every centre and quartile at least at this many decimals (a sensitivity reading, or the precision a
        card declares for its reconstruction, which passes it explicitly); None (default) reads each printed value
        at its own precision, as the checks do (the same as ``decimals=0``). Before 0.2.0 None meant
        :func:`card_decimals` of the card (the card-wide reading).
    count_max : int, default OPEN_SCALE_CHECK_MAX (20)
        Maximum assumed for an integer scale the card leaves open.

    Returns
    -------
    tuple
        The definitions (ints 1-9 and/or ``"tukey"``) under which every median/IQR summary on an integer scale
        is attainable, in :data:`QUANTILE_METHODS` order.

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50(4):361-365.
    doi:10.1080/00031305.1996.10473566

    Examples
    --------
    >>> from sacro_kit.io.card import load_reported
    >>> fitting_methods(load_reported())
    (4, 5)
    """
    from sacro_kit.io.card_schema import as_reported_card

    card = as_reported_card(card)  # either schema, or None for the default card
    rounding = _check_rounding(rounding)
    common = set(QUANTILE_METHODS)
    summaries: tuple = ()
    for claim in card:
        if claim.kind == "paired_summary" and claim.pre.center_label == "median":
            summaries = (claim.pre, claim.post)
        elif claim.kind == "summary" and claim.summary.center_label == "median" and claim.n is not None:
            summaries = (claim.summary,)
        else:
            continue
        scale = card.scales[claim.scale]
        if scale.type != "integer":
            continue
        lattice = _integer_lattice(scale, count_max)
        for s in summaries:
            common &= {v.method for v in _summary_types(claim.n, s, lattice, rounding, decimals) if v.fits}
    return tuple(m for m in QUANTILE_METHODS if m in common)


def __getattr__(name: str):
    if name == "COUNT_MAX":  # renamed in 0.2.0: two modules had one name for two different limits
        warnings.warn(
            "sacro_kit.forensics.consistency.COUNT_MAX is deprecated; use OPEN_SCALE_CHECK_MAX",
            DeprecationWarning,
            stacklevel=2,
        )
        return OPEN_SCALE_CHECK_MAX
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
