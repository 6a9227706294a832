"""Card schema 2: what a paper prints, for any paper -- outcomes, scales, groups, time points, summaries and tests.

A schema-2 card (``schema: sacro_kit.reported-card/2``, described in ``docs/cards.md``) describes a paper as it prints
itself: any number of **outcomes**, each on its own **scale** (``min``, ``max`` or open, ``step`` -- rational steps
such as ``1/3`` are written as a string --, ``integer`` or ``real``, one item or the sum/mean of several); any number
of **groups** and **time points**; **claims** that each hold one sentence (or table row) of the paper with its quote:

* ``count``       -- a head count (``n``), optionally a subset ``of`` another count;
* ``summary``     -- ``values``: summary cells (median + IQR, median + range, mean ± SD or ± SE, a mean alone, a
  change score ``change: [from, to]``), each at a time point and in a group, and ``tests``: printed p-values of
  named tests (:data:`TEST_NAMES`) within a group (``within: [t0, t1]``) or between groups (``between: [g1, g2]``),
  with the optional printed ``statistic`` and ``df``;
* ``proportion``  -- k of n with a printed percentage (k or n may be missing, as papers print them);
* ``responders``  -- k of n improved by at least a threshold between two time points;
* ``direction``   -- how many decreased, stayed unchanged and increased.

Every printed value is a string, and keeps its own precision ("6.8" is 6.75 to 6.85 whatever else the card prints).
An optional top-level ``reconstruction: {decimals: k, why: "..."}`` block declares the reporting precision the
reconstruction assumes (every printed centre and quartile read at k decimals or more, with the card's evidence in
``why``): ``card.reconstruction_decimals`` and ``card.reconstruction_why``. Without it the reconstruction reads each
printed value at its own precision; the checks read each value at its own precision whatever the card declares.
:func:`load_card` validates a card and raises :class:`~sacro_kit.io.card.CardError` naming the file, the line and the key
path of the first problem. A version-1 card (``sacro_kit.reported-card/1``) loads too: it is converted, and
``card.converted_from`` says so. :func:`cohort_view` turns a schema-2 card whose outcomes name cohort columns into the
version-1 :class:`~sacro_kit.io.card.ReportedCard` the book and the reconstruction read.

>>> card = load_card()
>>> card["activity_pain"].tests[0].p.text, card["activity_pain"].values[1].stats["q3"].decimals
('<0.0001', 1)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NoReturn, overload

from sacro_kit.forensics.attainable import TEST_NAMES as _TEST_NAMES
from sacro_kit.forensics.attainable import canonical_test as _canonical_test
from sacro_kit.io.card import (
    CardError,
    Printed,
    ReportedCard,
    Study,
    _check_links,
    _claim,
    _scale,
    _Source,
    _study,
    _Validator,
    load_reported,
)
from sacro_kit.io.resources import default_card_path

SCHEMA_V1 = "sacro_kit.reported-card/1"
SCHEMA_V2 = "sacro_kit.reported-card/2"
SCALE_TYPES = ("integer", "real")
COMBINE = ("single", "sum", "mean")
STAT_FIELDS = ("median", "q1", "q3", "min", "max", "mean", "sd", "se", "pm")
KINDS = ("count", "summary", "proportion", "responders", "direction")

# --------------------------------------------------------------------------------------------------------------------
# The controlled vocabulary of tests

#: Canonical test names and their spellings: the controlled vocabulary of :mod:`sacro_kit.forensics.attainable`
#: (matched whole, never by substring: "Wilcoxon rank-sum" is not the signed-rank test).
TEST_NAMES = _TEST_NAMES
#: Tests that compare time points of the same patients, and tests that compare groups.
WITHIN_TESTS = ("wilcoxon", "sign", "paired-t", "friedman")
BETWEEN_TESTS = ("rank-sum", "kruskal", "fisher", "chi2", "t", "anova")
STATISTIC_NAMES = ("t", "F", "chi2", "z", "r", "Q", "U")


def canonical_test(name: str | None) -> str | None:
    """The controlled-vocabulary name of a printed test name (None when not named or not in the vocabulary).

    >>> canonical_test("Mann-Whitney U"), canonical_test("Jonckheere-Terpstra"), canonical_test(None)
    ('rank-sum', None, None)
    """
    return None if name is None else _canonical_test(name)


# --------------------------------------------------------------------------------------------------------------------
# The model


@dataclass(frozen=True)
class OutcomeScale:
    """The scale of an outcome's reported score. ``max=None``: the paper states no maximum (an open scale).

    ``step`` is the granularity of one item (None on a real-valued scale); a mean of ``items`` items moves in steps of
    ``step / items`` (:attr:`granularity`), a sum in steps of ``step``.
    """

    name: str
    type: str
    min: Fraction | None
    max: Fraction | None
    step: Fraction | None
    items: int
    combine: str
    label: str
    quote: str | None = None

    @property
    def granularity(self) -> Fraction | None:
        if self.step is None:
            return None
        return self.step / self.items if self.combine == "mean" else self.step

    def describe(self) -> str:
        low = "-inf" if self.min is None else _show(self.min)
        high = "open (no maximum stated)" if self.max is None else _show(self.max)
        grain = "real-valued" if self.granularity is None else f"step {_show(self.granularity)}"
        items = "" if self.items == 1 else f", {self.combine} of {self.items} items"
        return f"{low} to {high}, {grain}{items}"


@dataclass(frozen=True)
class Outcome:
    """A measured outcome: its label, scale (None for a yes/no outcome) and the cohort columns it maps to."""

    name: str
    label: str
    scale: OutcomeScale | None
    quote: str | None
    cohort: Mapping[str, str]  # time point -> cohort column ("" for an outcome without time points)


@dataclass(frozen=True)
class Group:
    name: str
    label: str
    n: int | None
    quote: str | None


@dataclass(frozen=True)
class TimePoint:
    name: str
    label: str
    weeks: float | None


@dataclass(frozen=True)
class Cell:
    """One printed summary: statistics of an outcome in a group at a time point (or of a change between two)."""

    outcome: str
    group: str | None
    at: str | None
    change: tuple[str, str] | None
    n: int | None
    stats: Mapping[str, Printed]
    line: int | None

    @property
    def shape(self) -> str:
        """Which summary this is: "median_iqr", "median_range", "mean_sd", "mean_se", "mean_iqr", "mean", ..."""
        have = set(self.stats)
        if {"median", "q1", "q3"} <= have:
            return "median_iqr"
        if {"median", "min", "max"} <= have:
            return "median_range"
        if {"mean", "sd"} <= have:
            return "mean_sd"
        if {"mean", "se"} <= have:
            return "mean_se"
        if {"mean", "q1", "q3"} <= have:
            return "mean_iqr"
        if {"mean", "pm"} <= have:
            return "mean_pm"
        return "+".join(f for f in STAT_FIELDS if f in have)

    def where(self) -> str:
        parts = []
        if self.group:
            parts.append(self.group)
        if self.change:
            parts.append(f"change {self.change[0]}→{self.change[1]}")
        elif self.at:
            parts.append(self.at)
        return ", ".join(parts)

    def text(self) -> str:
        s = self.stats
        shape = self.shape
        if shape == "median_iqr":
            return f"{s['median'].text} (IQR {s['q1'].text}–{s['q3'].text})"
        if shape == "median_range":
            return f"{s['median'].text} (range {s['min'].text}–{s['max'].text})"
        if shape in ("mean_sd", "mean_se"):
            spread = "sd" if shape == "mean_sd" else "se"
            extra = f" (range {s['min'].text}–{s['max'].text})" if "min" in s and "max" in s else ""
            return f"{s['mean'].text} ± {s[spread].text} ({spread.upper()}){extra}"
        if shape == "mean_iqr":
            return f"mean {s['mean'].text} (IQR {s['q1'].text}–{s['q3'].text})"
        if shape == "mean_pm":
            return f"{s['mean'].text} ± {s['pm'].text} (SD or SE, not stated)"
        return ", ".join(f"{k} {v.text}" for k, v in s.items())


@dataclass(frozen=True)
class TestSpec:
    """A printed p-value of a test: ``name`` as the card gives it, ``test`` its vocabulary name (None if unknown or
    not named), ``within`` (two or more time points) or ``between`` (two or more groups)."""

    name: str | None
    test: str | None
    outcome: str | None
    group: str | None
    at: str | None
    within: tuple[str, ...] | None
    between: tuple[str, ...] | None
    n: int | None
    p: Printed | None
    statistic_name: str | None
    statistic: Printed | None
    df: tuple[Printed, ...] | None
    line: int | None

    def describe(self) -> str:
        name = self.name if self.name is not None else "test not named"
        if self.within:
            what = f"{' vs '.join(self.within)}" + (f" in {self.group}" if self.group else "")
        elif self.between:
            what = f"{' vs '.join(self.between)}" + (f" at {self.at}" if self.at else "")
        else:
            what = ""
        return f"{name}: {what}".rstrip(": ")


@dataclass(frozen=True)
class CountClaim:
    key: str
    kind: str
    n: Printed
    of: str | None
    group: str | None
    outcome: str | None
    quote: str
    line: int | None


@dataclass(frozen=True)
class SummaryClaim:
    key: str
    kind: str
    outcome: str | None
    values: tuple[Cell, ...]
    tests: tuple[TestSpec, ...]
    quote: str
    line: int | None


@dataclass(frozen=True)
class ProportionClaim:
    key: str
    kind: str
    outcome: str | None
    group: str | None
    at: str | None
    k: int | None
    n: int | None
    percent: Printed | None
    quote: str
    line: int | None


@dataclass(frozen=True)
class DirectionCount:
    k: int
    percent: Printed | None


@dataclass(frozen=True)
class RespondersClaim:
    key: str
    kind: str
    outcome: str
    group: str | None
    start: str
    end: str
    threshold: float
    threshold_kind: str
    k: int
    n: int
    percent: Printed | None
    quote: str
    line: int | None


@dataclass(frozen=True)
class DirectionClaim:
    key: str
    kind: str
    outcome: str
    group: str | None
    start: str
    end: str
    n: int
    decreased: DirectionCount
    unchanged: DirectionCount
    increased: DirectionCount
    quote: str
    line: int | None


@dataclass(frozen=True, repr=False)
class Card:
    """A validated schema-2 card: ``card["rest_pain"]``, ``for claim in card``, ``card.outcomes``, ``card.groups``."""

    path: Path
    study: Study
    scales: Mapping[str, OutcomeScale]
    outcomes: Mapping[str, Outcome]
    groups: Mapping[str, Group]
    timepoints: Mapping[str, TimePoint]
    claims: Mapping[str, Any]
    converted_from: str | None = None
    _raw: Any = field(default=None, compare=False)
    #: The reporting precision the card declares for the reconstruction (its ``reconstruction: {decimals: k}``
    #: block): every printed centre and quartile read at k decimals or more. None: no declaration, so the
    #: reconstruction reads each printed value at its own precision. The checks never read it.
    reconstruction_decimals: int | None = None
    #: The card's evidence for that precision (``reconstruction.why``), or None.
    reconstruction_why: str | None = None

    def __getitem__(self, key: str):
        try:
            return self.claims[key]
        except KeyError:
            raise KeyError(f"{self.path.name} has no claim {key!r}; it has {', '.join(self.claims)}") from None

    def get(self, key: str, default: Any = None):
        return self.claims.get(key, default)

    def __iter__(self) -> Iterator:
        return iter(self.claims.values())

    def __len__(self) -> int:
        return len(self.claims)

    def __contains__(self, key: object) -> bool:
        return key in self.claims

    def keys(self) -> tuple[str, ...]:
        return tuple(self.claims)

    def __repr__(self) -> str:
        origin = f", converted from {self.converted_from}" if self.converted_from else ""
        return f"Card({self.study.id!r}, {len(self.claims)} claims, path={str(self.path)!r}{origin})"

    def group_n(self, group: str | None) -> int | None:
        return None if group is None or group not in self.groups else self.groups[group].n


def _show(x: Fraction) -> str:
    if x.denominator == 1:
        return str(x.numerator)
    text = f"{float(x):.6f}".rstrip("0").rstrip(".")
    return text if Fraction(text) == x else f"{x.numerator}/{x.denominator}"


# --------------------------------------------------------------------------------------------------------------------
# Reading


def read_yaml(path: Path) -> _Source:
    """The one place where card YAML is parsed (keeps line numbers for messages; the loader hardening lives here)."""
    return _Source(path)


class _V2(_Validator):
    def fraction(self, value, keys, allow_none=False, positive=False) -> Fraction | None:
        if value is None and allow_none:
            return None
        if isinstance(value, bool):
            self.src.fail(keys, f"expected a number, got {value!r}")
        try:
            if isinstance(value, float):
                number = Fraction(repr(value))
            elif isinstance(value, (int, str)):
                number = Fraction(str(value).strip())
            else:
                raise ValueError
        except (ValueError, ZeroDivisionError):
            self.src.fail(keys, f"expected a number or a fraction such as '1/3', got {value!r}")
        if positive and number <= 0:
            self.src.fail(keys, f"must be positive, got {value!r}")
        return number

    @overload
    def name(self, value, keys, known: Mapping, what: str, allow_none: Literal[False]) -> str: ...
    @overload
    def name(self, value, keys, known: Mapping, what: str, allow_none: bool = ...) -> str | None: ...
    def name(self, value, keys, known: Mapping, what: str, allow_none=True) -> str | None:
        if value is None and allow_none:
            return None
        if not isinstance(value, str) or value not in known:
            listed = ", ".join(known) or f"no {what}s"
            self.src.fail(keys, f"unknown {what} {value!r}; the card defines {listed}")
        return value


def _scale2(v: _V2, name: str, raw, keys) -> OutcomeScale:
    raw = v.mapping(
        raw, keys, required=("type",), optional=("min", "max", "step", "items", "combine", "label", "quote")
    )
    kind = v.choice(raw["type"], keys + ("type",), SCALE_TYPES)
    low = v.fraction(raw.get("min"), keys + ("min",), allow_none=True)
    high = v.fraction(raw.get("max"), keys + ("max",), allow_none=True)
    if low is not None and high is not None and low >= high:
        v.src.fail(keys + ("max",), f"max {_show(high)} is not above min {_show(low)}")
    step = v.fraction(raw.get("step"), keys + ("step",), allow_none=True, positive=True)
    if kind == "integer":
        if step is None:
            step = Fraction(1)
        elif step.denominator != 1:
            v.src.fail(
                keys + ("step",),
                f"an integer scale moves in whole steps, not {_show(step)}; write type: real with this step",
            )
    items = v.integer(raw.get("items", 1), keys + ("items",), minimum=1)
    combine = v.choice(raw.get("combine", "single" if items == 1 else None), keys + ("combine",), COMBINE)
    if (items == 1) != (combine == "single"):
        v.src.fail(
            keys + ("combine",),
            f"combine: {combine} with items: {items}; use single for one item, sum or mean for several",
        )
    if step is not None and low is not None and high is not None:
        span = (high - low) / (step * (items if combine == "sum" else 1))
        if span.denominator != 1:
            v.src.fail(
                keys + ("step",), f"{_show(low)} to {_show(high)} is not a whole number of steps of {_show(step)}"
            )
    label = v.text(raw.get("label", name), keys + ("label",))
    return OutcomeScale(
        name, kind, low, high, step, items, combine, label, v.text(raw.get("quote"), keys + ("quote",), allow_none=True)
    )


def _outcome(v: _V2, name: str, raw, keys, scales, timepoints) -> Outcome:
    raw = v.mapping(raw, keys, optional=("label", "scale", "quote", "cohort"))
    scale = raw.get("scale")
    if isinstance(scale, dict):
        scale = _scale2(v, name, scale, keys + ("scale",))
    elif scale is not None:
        scale = scales[v.name(scale, keys + ("scale",), scales, "scale")]
    cohort = raw.get("cohort")
    columns: dict[str, str] = {}
    if isinstance(cohort, str):
        columns[""] = cohort
    elif isinstance(cohort, dict):
        for point, column in cohort.items():
            v.name(point, keys + ("cohort", point), timepoints, "time point", allow_none=False)
            columns[point] = v.text(column, keys + ("cohort", point))
    elif cohort is not None:
        v.src.fail(keys + ("cohort",), "expected a cohort column, or a mapping time point -> cohort column")
    return Outcome(
        name,
        v.text(raw.get("label", name), keys + ("label",)),
        scale,
        v.text(raw.get("quote"), keys + ("quote",), allow_none=True),
        MappingProxyType(columns),
    )


def _group(v: _V2, name, raw, keys) -> Group:
    raw = v.mapping(raw, keys, optional=("label", "n", "quote"))
    return Group(
        name,
        v.text(raw.get("label", name), keys + ("label",)),
        v.integer(raw.get("n"), keys + ("n",), minimum=1, allow_none=True),
        v.text(raw.get("quote"), keys + ("quote",), allow_none=True),
    )


def _timepoint(v: _V2, name, raw, keys) -> TimePoint:
    raw = v.mapping(raw if raw is not None else {}, keys, optional=("label", "weeks"))
    weeks = v.number(raw.get("weeks"), keys + ("weeks",), allow_none=True)
    return TimePoint(name, v.text(raw.get("label", name), keys + ("label",)), weeks)


def _pair(v: _V2, raw, keys, known, what) -> tuple[str, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        v.src.fail(keys, f"expected a list of two or more {what}s, got {raw!r}")
    names = tuple(v.name(item, keys + (i,), known, what, allow_none=False) for i, item in enumerate(raw))
    if len(set(names)) != len(names):
        v.src.fail(keys, f"the same {what} twice: {list(names)}")
    return names


def _cell(v: _V2, raw, keys, defaults: dict, card) -> Cell:
    raw = v.mapping(raw, keys, optional=("outcome", "group", "at", "change", "n") + STAT_FIELDS)
    outcome = v.name(
        raw.get("outcome", defaults.get("outcome")), keys + ("outcome",), card["outcomes"], "outcome", allow_none=False
    )
    group = v.name(raw.get("group", defaults.get("group")), keys + ("group",), card["groups"], "group")
    at = v.name(raw.get("at"), keys + ("at",), card["timepoints"], "time point")
    change = None
    if raw.get("change") is not None:
        if at is not None:
            v.src.fail(keys + ("change",), "a cell is either at a time point or a change between two, not both")
        points = _pair(v, raw["change"], keys + ("change",), card["timepoints"], "time point")
        if len(points) != 2:
            v.src.fail(keys + ("change",), "a change is between two time points [from, to]")
        change = (points[0], points[1])
    n = v.integer(raw.get("n", defaults.get("n")), keys + ("n",), minimum=1, allow_none=True)
    if n is None and group is not None:
        n = card["groups"][group].n
    stats = {}
    for name in STAT_FIELDS:
        if name in raw:
            number = v.printed(raw[name], keys + (name,))
            if number.relation != "=" and name not in ("min", "max"):
                v.src.fail(keys + (name,), f"{number.text!r}: a summary statistic must be a plain number")
            stats[name] = number
    if not stats:
        v.src.fail(keys, f"no statistic; give some of {', '.join(STAT_FIELDS)}")
    for spread in ("sd", "se", "pm"):
        if spread in stats and "mean" not in stats:
            v.src.fail(keys + (spread,), f"{spread} without a mean")
        if spread in stats and stats[spread].interval[1] <= 0:
            v.src.fail(keys + (spread,), f"{stats[spread].text!r} is not a positive spread")
    if ("q1" in stats) != ("q3" in stats):
        v.src.fail(keys + ("q3" if "q1" in stats else "q1",), "quartiles come in pairs: give q1 and q3")
    if "q1" in stats and stats["q1"].interval[0] > stats["q3"].interval[1]:
        v.src.fail(keys + ("q3",), f"q3 {stats['q3'].text!r} is below q1 {stats['q1'].text!r}")
    if "min" in stats and "max" in stats and stats["min"].interval[0] > stats["max"].interval[1]:
        v.src.fail(keys + ("max",), f"max {stats['max'].text!r} is below min {stats['min'].text!r}")
    if "median" in stats and "q1" in stats:
        m, q1, q3 = stats["median"], stats["q1"], stats["q3"]
        if m.interval[1] < q1.interval[0] or m.interval[0] > q3.interval[1]:
            v.src.fail(keys + ("median",), f"median {m.text!r} lies outside its IQR {q1.text}-{q3.text}")
    scale = card["outcomes"][outcome].scale
    if scale is not None and change is None:
        for name, number in stats.items():
            if name in ("sd", "se", "pm") or number.relation != "=":
                continue
            low, high = number.interval
            if (scale.min is not None and high <= scale.min) or (scale.max is not None and low > scale.max):
                v.src.fail(keys + (name,), f"{number.text!r} is outside the scale of {outcome!r} ({scale.describe()})")
    return Cell(outcome, group, at, change, n, MappingProxyType(stats), v.src.line(keys))


def _test(v: _V2, raw, keys, defaults: dict, card) -> TestSpec:
    raw = v.mapping(
        raw, keys, optional=("name", "outcome", "group", "at", "within", "between", "n", "p", "statistic", "df")
    )
    name = v.text(raw.get("name"), keys + ("name",), allow_none=True)
    outcome = v.name(raw.get("outcome", defaults.get("outcome")), keys + ("outcome",), card["outcomes"], "outcome")
    group = v.name(raw.get("group", defaults.get("group")), keys + ("group",), card["groups"], "group")
    at = v.name(raw.get("at"), keys + ("at",), card["timepoints"], "time point")
    within = between = None
    if raw.get("within") is not None:
        within = _pair(v, raw["within"], keys + ("within",), card["timepoints"], "time point")
    if raw.get("between") is not None:
        if within is not None:
            v.src.fail(keys + ("between",), "a test is within a group (across time points) or between groups, not both")
        between = _pair(v, raw["between"], keys + ("between",), card["groups"], "group")
    n = v.integer(
        raw.get("n", defaults.get("n") if between is None else None), keys + ("n",), minimum=1, allow_none=True
    )
    if n is None and between is None and group is not None:
        n = card["groups"][group].n
    p = None
    if raw.get("p") is not None:
        p = v.printed(raw["p"], keys + ("p",))
        if p.interval[0] > 1 or p.interval[1] < 0:
            v.src.fail(keys + ("p",), f"{p.text!r} is not a p-value between 0 and 1")
    statistic_name = statistic = df = None
    if raw.get("statistic") is not None:
        sk = keys + ("statistic",)
        stat = v.mapping(raw["statistic"], sk, required=("name", "value"))
        statistic_name = v.choice(stat["name"], sk + ("name",), STATISTIC_NAMES)
        statistic = v.printed(stat["value"], sk + ("value",))
    if raw.get("df") is not None:
        values = raw["df"] if isinstance(raw["df"], list) else [raw["df"]]
        df = tuple(
            v.printed(str(x) if isinstance(x, int) and not isinstance(x, bool) else x, keys + ("df", i))
            for i, x in enumerate(values)
        )
    if p is None and statistic is None:
        v.src.fail(keys, "a test needs its printed p (and optionally its statistic and df)")
    return TestSpec(
        name,
        canonical_test(name),
        outcome,
        group,
        at,
        within,
        between,
        n,
        p,
        statistic_name,
        statistic,
        df,
        v.src.line(keys),
    )


def _claim2(v: _V2, key: str, raw, card) -> Any:
    keys = ("claims", key)
    v.mapping(
        raw,
        keys,
        required=("kind", "quote"),
        optional=(
            "outcome",
            "group",
            "at",
            "n",
            "of",
            "values",
            "tests",
            "k",
            "percent",
            "from",
            "to",
            "threshold",
            "threshold_kind",
            "decreased",
            "unchanged",
            "increased",
            "note",
        ),
    )
    kind = v.choice(raw["kind"], keys + ("kind",), KINDS)
    quote = v.text(raw["quote"], keys + ("quote",))
    line = v.src.line(keys)
    at = lambda *f: keys + f  # noqa: E731
    allowed = {
        "count": ("n", "of", "group", "outcome"),
        "summary": ("outcome", "group", "n", "values", "tests"),
        "proportion": ("outcome", "group", "at", "k", "n", "percent"),
        "responders": ("outcome", "group", "from", "to", "threshold", "threshold_kind", "k", "n", "percent"),
        "direction": ("outcome", "group", "from", "to", "n", "decreased", "unchanged", "increased"),
    }[kind]
    for name in raw:
        if name not in allowed + ("kind", "quote", "note"):
            v.src.fail(at(name), f"unknown key for a {kind} claim; expected one of {', '.join(allowed)}")
    outcome = v.name(raw.get("outcome"), at("outcome"), card["outcomes"], "outcome")
    group = v.name(raw.get("group"), at("group"), card["groups"], "group")

    if kind == "count":
        head = v.printed(raw.get("n"), at("n")) if "n" in raw else v.src.fail(at("n"), "missing (required)")
        if head.relation != "=" or head.decimals or head.value < 0:
            v.src.fail(at("n"), f"{head.text!r} is not a head count (a non-negative integer)")
        return CountClaim(
            key, kind, head, v.text(raw.get("of"), at("of"), allow_none=True), group, outcome, quote, line
        )

    if kind == "summary":
        defaults = {"outcome": outcome, "group": group, "n": raw.get("n")}
        values = raw.get("values") or []
        tests = raw.get("tests") or []
        if not isinstance(values, list) or not isinstance(tests, list):
            v.src.fail(keys, "values and tests are lists")
        if not values and not tests:
            v.src.fail(at("values"), "a summary claim needs values or tests")
        cells = tuple(_cell(v, item, at("values", i), defaults, card) for i, item in enumerate(values))
        specs = tuple(_test(v, item, at("tests", i), defaults, card) for i, item in enumerate(tests))
        return SummaryClaim(key, kind, outcome, cells, specs, quote, line)

    if kind == "proportion":
        k = v.integer(raw.get("k"), at("k"), allow_none=True)
        size = v.integer(raw.get("n"), at("n"), minimum=1, allow_none=True)
        if size is None and group is not None:
            size = card["groups"][group].n
        percent = None if raw.get("percent") is None else v.printed(raw["percent"], at("percent"), True)
        if sum(x is not None for x in (k, size, percent)) < 2:
            v.src.fail(keys, "a proportion needs two of k, n and percent")
        if k is not None and size is not None:
            v.k_of_n(k, size, at("k"))
        return ProportionClaim(
            key,
            kind,
            outcome,
            group,
            v.name(raw.get("at"), at("at"), card["timepoints"], "time point"),
            k,
            size,
            percent,
            quote,
            line,
        )

    for name in ("outcome", "from", "to", "n"):
        if raw.get(name) is None:
            v.src.fail(at(name), "missing (required)")
    assert outcome is not None  # checked just above
    start = v.name(raw["from"], at("from"), card["timepoints"], "time point", allow_none=False)
    end = v.name(raw["to"], at("to"), card["timepoints"], "time point", allow_none=False)
    n = v.integer(raw["n"], at("n"), minimum=1)
    if kind == "responders":
        threshold = v.number(raw.get("threshold"), at("threshold"))
        threshold_kind = v.choice(raw.get("threshold_kind"), at("threshold_kind"), ("relative", "absolute"))
        if threshold_kind == "relative" and not 0 < threshold <= 1:
            v.src.fail(at("threshold"), f"a relative threshold is a fraction in (0, 1] (0.30 for 30%), got {threshold}")
        if threshold <= 0:
            v.src.fail(at("threshold"), f"threshold must be positive, got {threshold}")
        k = v.integer(raw.get("k"), at("k"))
        v.k_of_n(k, n, at("k"))
        percent = None if raw.get("percent") is None else v.printed(raw["percent"], at("percent"), True)
        return RespondersClaim(
            key, kind, outcome, group, start, end, float(threshold), threshold_kind, k, n, percent, quote, line
        )
    counts = {}
    for direction in ("decreased", "unchanged", "increased"):
        part = v.mapping(raw.get(direction), at(direction), required=("k",), optional=("percent",))
        k = v.integer(part["k"], at(direction, "k"))
        v.k_of_n(k, n, at(direction, "k"))
        percent = None if part.get("percent") is None else v.printed(part["percent"], at(direction, "percent"), True)
        counts[direction] = DirectionCount(k, percent)
    return DirectionClaim(key, kind, outcome, group, start, end, n, quote=quote, line=line, **counts)


def _parse_v2(source: _Source) -> Card:
    v = _V2(source)
    raw = v.mapping(
        source.data,
        (),
        required=("schema", "study", "claims"),
        optional=("scales", "outcomes", "groups", "timepoints", "literature", "reconstruction"),
    )
    study = _study(v, raw["study"])
    reconstruction_decimals, reconstruction_why = _reconstruction(v, raw.get("reconstruction", _NO_BLOCK))

    def section(name):
        value = raw.get(name) or {}
        return v.mapping(value, (name,), optional=tuple(value) if isinstance(value, dict) else ())

    scales = {name: _scale2(v, name, spec, ("scales", name)) for name, spec in section("scales").items()}
    timepoints = {name: _timepoint(v, name, spec, ("timepoints", name)) for name, spec in section("timepoints").items()}
    groups = {name: _group(v, name, spec, ("groups", name)) for name, spec in section("groups").items()}
    outcomes = {
        name: _outcome(v, name, spec, ("outcomes", name), scales, timepoints)
        for name, spec in section("outcomes").items()
    }
    context = {"outcomes": outcomes, "groups": groups, "timepoints": timepoints}
    raw_claims = v.mapping(
        raw["claims"], ("claims",), optional=tuple(raw["claims"]) if isinstance(raw["claims"], dict) else ()
    )
    if not raw_claims:
        source.fail(("claims",), "a card needs at least one claim")
    claims = {key: _claim2(v, str(key), spec, context) for key, spec in raw_claims.items()}
    for claim in claims.values():
        if claim.kind == "count" and claim.of is not None:
            parent = claims.get(claim.of)
            if not isinstance(parent, CountClaim):
                source.fail(("claims", claim.key, "of"), f"{claim.of!r} is not a count claim of this card")
            if claim.n.value > parent.n.value:
                source.fail(("claims", claim.key, "n"), f"{claim.n.text} exceeds the {parent.n.text} of {claim.of!r}")
    return Card(
        source.path,
        study,
        MappingProxyType(scales),
        MappingProxyType(outcomes),
        MappingProxyType(groups),
        MappingProxyType(timepoints),
        MappingProxyType(claims),
        None,
        source,
        reconstruction_decimals,
        reconstruction_why,
    )


_NO_BLOCK = object()


def _reconstruction(v: _V2, raw) -> tuple[int | None, str | None]:
    """The optional ``reconstruction:`` block: the reporting precision the reconstruction assumes, and why.

    ``decimals`` (a non-negative integer) and ``why`` (non-empty text: the card's evidence) are both required; no
    block is (None, None): the reconstruction then reads each printed value at its own precision.
    """
    if raw is _NO_BLOCK:
        return None, None
    keys = ("reconstruction",)
    block = v.mapping(raw, keys, required=("decimals", "why"))
    decimals = v.integer(block["decimals"], keys + ("decimals",))
    why = v.text(block["why"], keys + ("why",)).strip()
    return decimals, why


def load_card(path: str | Path | None = None) -> Card:
    """Load and validate a card of either schema (default: ``$SACRO_KIT_CARD`` or the shipped Dougherty card).

    A version-1 card is converted (``card.converted_from == "sacro_kit.reported-card/1"``); anything else raises
    :class:`~sacro_kit.io.card.CardError` naming the file, line and key.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The file; default ``$SACRO_KIT_CARD`` if set, else the shipped Dougherty 2014 card (package data).

    Returns
    -------
    Card
        The schema-2 card: study, scales, outcomes, groups, time points and summary cells.

    Raises
    ------
    CardError
        Any problem, naming the file, line and key.

    Examples
    --------
    >>> load_card().study.id
    'dougherty2014'
    """
    path = Path(path) if path is not None else default_card_path()
    if not path.is_file():
        raise FileNotFoundError(f"no reported card at {path} (set SACRO_KIT_CARD or pass a path)")
    source = read_yaml(path)
    schema = source.data.get("schema") if isinstance(source.data, dict) else None
    if schema == SCHEMA_V1:
        from sacro_kit.io.card import _parse_v1

        return from_v1(_parse_v1(source), source)
    if schema != SCHEMA_V2:
        if not isinstance(source.data, dict):
            source.fail((), f"expected a mapping of keys, got {source.data!r}")
        source.fail(
            ("schema",),
            f"{schema!r} is not {SCHEMA_V2!r} (or the older {SCHEMA_V1!r}); "
            f"start the card with the line 'schema: {SCHEMA_V2}'",
        )
    return _parse_v2(source)


# --------------------------------------------------------------------------------------------------------------------
# Version 1 <-> schema 2

_V1_PAIRS = {"pre": 0, "post": 1}


def _outcome_name_v1(variables: tuple[str, str]) -> str:
    pre, post = variables
    if pre.endswith("_pre") and post.endswith("_post") and pre[:-4] == post[:-5]:
        return pre[:-4]
    return f"{pre}__{post}"


def from_v1(card: ReportedCard, source: _Source | None = None) -> Card:
    """The schema-2 reading of a validated version-1 card (nothing lost: every printed value and quote is kept)."""
    from sacro_kit.io import card as v1

    scales = {}
    for name, s in card.scales.items():
        step = Fraction(1) if s.type == "integer" else None
        scales[name] = OutcomeScale(
            name,
            s.type,
            None if s.min is None else Fraction(repr(s.min)),
            None if s.max is None else Fraction(repr(s.max)),
            step,
            1,
            "single",
            s.label,
            s.quote,
        )
    outcomes: dict[str, Outcome] = {}
    timepoints: dict[str, TimePoint] = {}

    def outcome_of(claim) -> str:
        scale = scales.get(getattr(claim, "scale", None) or "")
        if hasattr(claim, "variables"):
            name = _outcome_name_v1(claim.variables)
            for point in ("pre", "post"):
                timepoints.setdefault(point, TimePoint(point, point, None))
            columns = {"pre": claim.variables[0], "post": claim.variables[1]}
        else:
            name = claim.variable
            columns = {"": claim.variable}
        if name not in outcomes or (outcomes[name].scale is None and scale is not None):
            outcomes[name] = Outcome(name, name, scale, None, MappingProxyType(columns))
        return name

    claims: dict[str, Any] = {}
    for c in card:
        line = source.line(("claims", c.key)) if source is not None else None
        if isinstance(c, v1.CountClaim):
            outcome = None if c.variable == "patient_id" else outcome_of(c)
            claims[c.key] = CountClaim(c.key, "count", c.n, c.of, None, outcome, c.quote, line)
        elif isinstance(c, v1.SummaryClaim):
            outcome = outcome_of(c)
            stats = {c.summary.center_label: c.summary.center, "q1": c.summary.q1, "q3": c.summary.q3}
            cell = Cell(outcome, None, None, None, c.n, MappingProxyType(stats), line)
            claims[c.key] = SummaryClaim(c.key, "summary", outcome, (cell,), (), c.quote, line)
        elif isinstance(c, v1.PairedSummaryClaim):
            outcome = outcome_of(c)
            cells = tuple(
                Cell(
                    outcome,
                    None,
                    point,
                    None,
                    c.n,
                    MappingProxyType({s.center_label: s.center, "q1": s.q1, "q3": s.q3}),
                    line,
                )
                for point, s in (("pre", c.pre), ("post", c.post))
            )
            tests = (
                ()
                if c.p is None
                else (
                    TestSpec(
                        c.test,
                        canonical_test(c.test),
                        outcome,
                        None,
                        None,
                        ("pre", "post"),
                        None,
                        c.n,
                        c.p,
                        None,
                        None,
                        None,
                        line,
                    ),
                )
            )
            claims[c.key] = SummaryClaim(c.key, "summary", outcome, cells, tests, c.quote, line)
        elif isinstance(c, v1.ProportionClaim):
            claims[c.key] = ProportionClaim(
                c.key, "proportion", outcome_of(c), None, None, c.k, c.n, c.percent, c.quote, line
            )
        elif isinstance(c, v1.ResponderClaim):
            claims[c.key] = RespondersClaim(
                c.key,
                "responders",
                outcome_of(c),
                None,
                "pre",
                "post",
                c.threshold,
                c.threshold_kind,
                c.k,
                c.n,
                c.percent,
                c.quote,
                line,
            )
        elif isinstance(c, v1.DirectionClaim):
            counts = {
                d: DirectionCount(getattr(c, d).k, getattr(c, d).percent)
                for d in ("decreased", "unchanged", "increased")
            }
            claims[c.key] = DirectionClaim(
                c.key, "direction", outcome_of(c), None, "pre", "post", c.n, quote=c.quote, line=line, **counts
            )
    return Card(
        card.path,
        card.study,
        MappingProxyType(scales),
        MappingProxyType(outcomes),
        MappingProxyType({}),
        MappingProxyType(timepoints),
        MappingProxyType(claims),
        SCHEMA_V1,
        card,
    )


class _LineMap:
    """A version-1 key path's line in the schema-2 file (used while validating the cohort view)."""

    def __init__(self, card: Card, key_map: dict):
        self.path = card.path
        self.source = card._raw if isinstance(card._raw, _Source) else None
        self.key_map = key_map

    def line(self, keys):
        return None

    def fail(self, keys, message, line=None) -> NoReturn:
        target = self.key_map.get(keys[:2], keys[:2])
        line = self.source.line(target) if self.source is not None else None
        where = f":{line}" if line is not None else ""
        dotted = ".".join(str(k) for k in keys)
        raise CardError(
            f"{self.path}{where}: {dotted}: {message} (in the cohort view of this schema-2 card: "
            "its outcomes' cohort columns must fit the cohort schema)"
        )


def _plain(x: Fraction | None):
    return None if x is None else int(x) if x.denominator == 1 else float(x)


def _printed_raw(p: Printed | None):
    return None if p is None else {"printed": p.text}


def cohort_view(card: Card) -> ReportedCard:
    """The version-1 :class:`~sacro_kit.io.card.ReportedCard` of a schema-2 card whose outcomes name cohort columns.

    The book chapters, the bring-your-own-cohort path and the reconstruction read this view; it holds exactly the
    claims of a version-1 card (counts, one-variable summaries, pre/post summaries with their test, proportions,
    responders, directions), validated against the cohort schema as version-1 cards are. A claim the view cannot
    express raises :class:`~sacro_kit.io.card.CardError` naming it.
    """
    if card.converted_from == SCHEMA_V1 and isinstance(card._raw, ReportedCard):
        return card._raw
    raw_scales = {}
    for name, s in list(card.scales.items()) + [
        (o.name, o.scale) for o in card.outcomes.values() if o.scale is not None and o.scale.name == o.name
    ]:
        raw_scales[name] = {"type": s.type, "label": s.label, "min": _plain(s.min), "max": _plain(s.max)}
        if s.quote:
            raw_scales[name]["quote"] = s.quote
    problems = []

    def column(outcome: str | None, point: str, key: str) -> str:
        if outcome is None:
            return "patient_id"
        columns = card.outcomes[outcome].cohort
        if point not in columns:
            problems.append(
                f"claims.{key}: outcome {outcome!r} names no cohort column"
                + (f" for time point {point!r}" if point else "")
            )
            return "?"
        return columns[point]

    raw_claims = {}
    for c in card:
        if c.kind == "count":
            raw_claims[c.key] = {
                "kind": "count",
                "variable": column(c.outcome, "", c.key),
                "n": _printed_raw(c.n),
                "of": c.of,
                "quote": c.quote,
            }
        elif c.kind == "summary":
            scale = card.outcomes[c.outcome].scale if c.outcome else None
            if len(c.values) == 1 and not c.tests and c.values[0].at is None:
                cell = c.values[0]
                label = "median" if "median" in cell.stats else "mean"
                if set(cell.stats) != {label, "q1", "q3"} or scale is None:
                    problems.append(f"claims.{c.key}: the cohort view reads only a median or mean with its IQR")
                    continue
                raw_claims[c.key] = {
                    "kind": "summary",
                    "variable": column(c.outcome, "", c.key),
                    "scale": scale.name,
                    "n": cell.n,
                    "center_label": label,
                    "center": _printed_raw(cell.stats[label]),
                    "q1": _printed_raw(cell.stats["q1"]),
                    "q3": _printed_raw(cell.stats["q3"]),
                    "quote": c.quote,
                }
            elif len(c.values) == 2 and len(c.tests) <= 1 and [x.at for x in c.values] == ["pre", "post"]:
                pre, post = c.values
                label = "median" if "median" in pre.stats else "mean"
                if scale is None or any(set(x.stats) != {label, "q1", "q3"} for x in c.values) or pre.n != post.n:
                    problems.append(
                        f"claims.{c.key}: the cohort view reads pre and post medians (or means) with IQRs of the same n"
                    )
                    continue
                test = c.tests[0] if c.tests else None
                raw_claims[c.key] = {
                    "kind": "paired_summary",
                    "variables": [column(c.outcome, "pre", c.key), column(c.outcome, "post", c.key)],
                    "scale": scale.name,
                    "n": pre.n,
                    "center_label": label,
                    "pre": {
                        "center": _printed_raw(pre.stats[label]),
                        "q1": _printed_raw(pre.stats["q1"]),
                        "q3": _printed_raw(pre.stats["q3"]),
                    },
                    "post": {
                        "center": _printed_raw(post.stats[label]),
                        "q1": _printed_raw(post.stats["q1"]),
                        "q3": _printed_raw(post.stats["q3"]),
                    },
                    "p": None if test is None else _printed_raw(test.p),
                    "test": None if test is None else test.name,
                    "quote": c.quote,
                }
            elif _time_points(c) is not None and scale is not None:
                blocks = _time_point_blocks(c, scale, problems)
                for suffix, (start, end), test in blocks:
                    first, second = (next(x for x in c.values if x.at == at) for at in (start, end))
                    raw_claims[c.key + suffix] = {
                        "kind": "paired_summary",
                        "variables": [column(c.outcome, start, c.key), column(c.outcome, end, c.key)],
                        "scale": scale.name,
                        "n": first.n,
                        "center_label": "median",
                        "pre": {f: _printed_raw(first.stats[s]) for f, s in _TRIPLE},
                        "post": {f: _printed_raw(second.stats[s]) for f, s in _TRIPLE},
                        "p": None if test is None else _printed_raw(test.p),
                        "test": None if test is None else test.name,
                        "quote": c.quote,
                    }
            else:
                problems.append(f"claims.{c.key}: the cohort view reads one summary, or a pre and a post summary")
        elif c.kind == "proportion":
            if c.k is None or c.n is None or c.percent is None:
                problems.append(f"claims.{c.key}: the cohort view needs k, n and the percentage")
                continue
            raw_claims[c.key] = {
                "kind": "proportion",
                "variable": column(c.outcome, "", c.key),
                "k": c.k,
                "n": c.n,
                "percent": _printed_raw(c.percent),
                "quote": c.quote,
            }
        elif c.kind in ("responders", "direction"):
            variables = [column(c.outcome, c.start, c.key), column(c.outcome, c.end, c.key)]
            if c.kind == "responders":
                raw_claims[c.key] = {
                    "kind": "responders",
                    "variables": variables,
                    "threshold": c.threshold,
                    "threshold_kind": c.threshold_kind,
                    "k": c.k,
                    "n": c.n,
                    "percent": _printed_raw(c.percent),
                    "quote": c.quote,
                }
            else:
                raw_claims[c.key] = {
                    "kind": "paired_direction",
                    "variables": variables,
                    "n": c.n,
                    "quote": c.quote,
                    **{
                        d: {"k": getattr(c, d).k, "percent": _printed_raw(getattr(c, d).percent)}
                        for d in ("decreased", "unchanged", "increased")
                    },
                }
    if problems:
        raise CardError(
            f"{card.path}: this card cannot be read as a cohort card (the book chapters and the "
            "reconstruction need one; the checks do not -- use sacro_kit.load_card or sacro-kit check):"
            "\n  " + "\n  ".join(problems)
        )
    key_map = {("claims", k): ("claims", k) for k in raw_claims}
    key_map.update({("scales", k): ("scales", k) if k in card.scales else ("outcomes", k) for k in raw_scales})
    v = _Validator(_LineMap(card, key_map), _view_columns(card, raw_claims))
    scales = {name: _scale(v, name, spec, ("scales", name)) for name, spec in raw_scales.items()}
    if "treated" not in raw_claims or raw_claims["treated"]["kind"] != "count":
        raise CardError(f"{card.path}: the cohort view needs a count claim named 'treated' (everyone treated)")
    claims = {
        key: _claim(v, key, {k: x for k, x in spec.items() if x is not None or k in ("n", "p", "test")}, scales)
        for key, spec in raw_claims.items()
    }
    _check_links(v, claims)
    return ReportedCard(card.path, card.study, MappingProxyType(scales), MappingProxyType(claims), card)


_TRIPLE = (("center", "median"), ("q1", "q1"), ("q3", "q3"))


def _time_points(claim) -> list[str] | None:
    """The time points of a summary claim read as paired blocks: two or more cells of one outcome, each at its own
    time point (no change scores), unless it is the plain pre/post pair; None when the claim is not of that shape."""
    ats = [cell.at for cell in claim.values]
    if claim.outcome is None or len(ats) < 2 or None in ats or len(set(ats)) != len(ats):
        return None
    if any(cell.change is not None for cell in claim.values):
        return None
    if ats == ["pre", "post"] and len(claim.tests) <= 1:
        return None  # the version-1 shape, read as one paired summary under the claim's own key
    return ats


def _time_point_blocks(claim, scale, problems: list[str]) -> list[tuple[str, tuple[str, str], Any]]:
    """The paired blocks of a summary at several time points: one per test within two time points (with its p),
    then one from the first time point to each time point no test reaches (no p). Keys: the claim's key with
    ``" (a vs b)"``. Problems (another shape) are appended to ``problems`` and no block is returned."""
    ats = [cell.at for cell in claim.values]
    if any(set(cell.stats) != {"median", "q1", "q3"} for cell in claim.values):
        problems.append(f"claims.{claim.key}: the cohort view reads medians with IQRs at every time point")
        return []
    if len({cell.n for cell in claim.values}) != 1 or claim.values[0].n is None:
        problems.append(
            f"claims.{claim.key}: the cohort view reads time points of one outcome on the same patients: every "
            "time point needs the same n"
        )
        return []
    blocks: list[tuple[str, tuple[str, str], Any]] = []
    for test in claim.tests:
        within = tuple(test.within or ())
        if test.between or len(within) != 2 or not set(within) <= set(ats):
            problems.append(
                f"claims.{claim.key}: the cohort view reads tests within two of the claim's time points "
                f"({', '.join(ats)}); not {test.describe()}"
            )
            return []
        if any(pair == within for _, pair, _ in blocks):
            problems.append(f"claims.{claim.key}: two tests of {within[0]} vs {within[1]}")
            return []
        blocks.append((f" ({within[0]} vs {within[1]})", within, test))
    reached = {at for _, pair, _ in blocks for at in pair}
    for at in ats[1:]:
        if at not in reached:
            blocks.append((f" ({ats[0]} vs {at})", (ats[0], at), None))
            reached |= {ats[0], at}
    return blocks


def _view_columns(card: Card, raw_claims: dict) -> dict:
    """The columns the cohort view's claims may name: the cohort schema and the score columns that outcomes summarised
    at several time points map their time points to (integer columns on the outcome's scale)."""
    from sacro_kit.io.cohort import COHORT_COLUMNS, Column

    columns = dict(COHORT_COLUMNS)
    for spec in raw_claims.values():
        for name in spec.get("variables", ()):
            if name in columns or name == "?":
                continue
            outcome = next((o for o in card.outcomes.values() if name in o.cohort.values()), None)
            scale = None if outcome is None else outcome.scale
            if outcome is None or scale is None or scale.type != "integer":
                continue  # the validator names the column as no cohort column
            columns[name] = Column(
                name,
                "integer",
                None if scale.min is None else float(scale.min),
                None if scale.max is None else float(scale.max),
                scale.name,
                "Int64",
                f"{outcome.label}, time point {next(t for t, c in outcome.cohort.items() if c == name)}",
                "not measured",
            )
    return columns


def as_card(card=None) -> Card:
    """A schema-2 :class:`Card` from a Card, a version-1 or cohort-view ReportedCard, a path, or None (the default)."""
    if isinstance(card, Card):
        return card
    if isinstance(card, ReportedCard):
        return card.card2 if card.card2 is not None else from_v1(card)
    return load_card(card)


def as_reported_card(card=None) -> ReportedCard | Mapping:
    """The cohort view of a card, however the conventions allow it to be passed (CONTRIBUTING: one way).

    Parameters
    ----------
    card : ReportedCard, Card, str, pathlib.Path, mapping or None, default None
        A loaded card (:func:`sacro_kit.load_reported` or :func:`sacro_kit.load_card`), a card file, or None for
        the default card (``$SACRO_KIT_CARD``, else the shipped one). A plain mapping of claim key to claim (or an
        object that reads like one) is returned as it is (one-off analyses and tests build those by hand).

    Returns
    -------
    ReportedCard or mapping
        What the cohort analyses read claims from: ``card[key]`` and ``card.get(key)``.

    Examples
    --------
    >>> view = as_reported_card(load_card())
    >>> view["rest_pain"].kind, as_reported_card(None)["rest_pain"].n
    ('paired_summary', 29)
    """
    if isinstance(card, ReportedCard):
        return card
    if isinstance(card, Card):
        return cohort_view(card)
    if card is None or isinstance(card, (str, Path)):
        return load_reported(card)
    if isinstance(card, Mapping) or (hasattr(card, "get") and hasattr(card, "__iter__")):
        return card  # a mapping of claims, or a view that reads like one
    raise TypeError(f"card must be a loaded card, a card file or None (the default card), got {type(card).__name__}")
