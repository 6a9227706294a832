"""The reported-statistics card: a study's published figures, exactly as printed, with their quotes.

A card is a YAML file (schema ``sacro_kit.reported-card/1``, described in ``data/README.md``). Printed numbers stay
strings because their precision is evidence ("6.8" says something "6.80" would not); counts are integers. Loading
validates everything and raises :class:`CardError` naming the file, the line and the key path of the first problem.

>>> card = load_reported()
>>> card["rest_pain"].post.q3
Printed(text='3.5', value=3.5, relation='=', decimals=1, is_percent=False)
>>> card["rest_pain"].post.q3.interval
(3.45, 3.55)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NoReturn, Protocol, Union, overload

import pandas as pd
import yaml

from sacro_kit.io.cohort import COHORT_COLUMNS, Column
from sacro_kit.io.resources import default_card_path
from sacro_kit.io.yaml_reader import compose_yaml, read_yaml_text

SCHEMA = "sacro_kit.reported-card/1"
CENTER_LABELS = ("mean", "median")
THRESHOLD_KINDS = ("relative", "absolute")
SCALE_TYPES = ("integer", "real")


class CardError(ValueError):
    """A reported card that cannot be trusted: the message names the file, line and key path."""


# --------------------------------------------------------------------------------------------------------------------
# Printed numbers

_PRINTED = re.compile(r"(?P<rel><=|>=|≤|≥|<|>|=)?\s*(?P<num>[+\-−]?(?:\d+(?:\.\d+)?|\.\d+))\s*(?P<pct>%)?")
_RELATIONS = {None: "=", "=": "=", "<": "<", ">": ">", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">="}


@dataclass(frozen=True)
class Printed:
    """A number as printed in a paper: its text, value, relation, printed decimals and whether it is a percentage.

    ``value`` of a percentage is in percent units (``"82%"`` -> 82.0). ``interval`` is the half-open range
    ``[low, high)`` of true values that print this way when rounded half up to ``decimals`` places; the
    endpoints are exactly the values whose printing depends on the rounding rule. For ``"<x"`` / ``"<=x"`` the
    range starts at 0 (printed figures here are non-negative: counts, scores, p-values, percentages) unless x <= 0;
    for ``">x"`` / ``">=x"`` it runs to infinity.

    >>> Printed.parse("6.8").interval
    (6.75, 6.85)
    >>> Printed.parse("<0.0001").interval
    (0.0, 0.0001)
    """

    text: str
    value: float
    relation: str
    decimals: int
    is_percent: bool

    @classmethod
    def parse(cls, text: str) -> Printed:
        """Parse ``"6.8"``, ``"<0.0001"``, ``"82%"``, ``"≤ 0.05"``; raise ValueError on anything else."""
        if not isinstance(text, str):
            raise ValueError(f"{text!r} is not a printed string; quote it in YAML so its precision is kept")
        stripped = text.strip()
        match = _PRINTED.fullmatch(stripped)
        if match is None:
            hint = " (decimal comma? write a point)" if re.fullmatch(r"[<>=≤≥]*\s*\d+,\d+\s*%?", stripped) else ""
            raise ValueError(f"{text!r} is not a number{hint}")
        number = match["num"].replace("−", "-")
        digits = Decimal(number)
        decimals = len(number.split(".")[1]) if "." in number else 0
        return cls(stripped, float(digits), _RELATIONS[match["rel"]], decimals, match["pct"] is not None)

    @property
    def interval(self) -> tuple[float, float]:
        """Half-open ``[low, high)`` range of true values consistent with the printed text (see class doc)."""
        match = _PRINTED.fullmatch(self.text)
        assert match is not None, "Printed.parse accepted this text"
        exact = Decimal(match["num"].replace("−", "-"))
        if self.relation == "=":
            half = Decimal(5).scaleb(-(self.decimals + 1))
            return float(exact - half), float(exact + half)
        if self.relation in ("<", "<="):
            return (0.0 if exact > 0 else -math.inf), float(exact)
        return float(exact), math.inf

    def __str__(self) -> str:
        return self.text


# --------------------------------------------------------------------------------------------------------------------
# Card contents


@dataclass(frozen=True)
class Scale:
    """The measurement scale of a cohort variable (``max=None``: unbounded)."""

    name: str
    type: str
    min: float | None
    max: float | None
    label: str
    quote: str | None = None


@dataclass(frozen=True)
class Study:
    """Bibliographic facts of the study the card reports."""

    id: str
    citation: str
    doi: str | None
    pmid: str | None
    source: str | None
    design: str | None
    period_first: int | None
    period_last: int | None
    period_quote: str | None


@dataclass(frozen=True)
class Summary:
    """A printed centre with its quartiles, e.g. median 6 (IQR 4-6.8)."""

    center: Printed
    q1: Printed
    q3: Printed
    center_label: str


@dataclass(frozen=True)
class DirectionCount:
    """How many patients moved in one direction, and the printed percentage."""

    k: int
    percent: Printed


@dataclass(frozen=True)
class CountClaim:
    """A printed head count (``of``: the key of the count it is a subset of)."""

    key: str
    kind: str
    variable: str
    n: Printed
    of: str | None
    quote: str


@dataclass(frozen=True)
class SummaryClaim:
    """A centre and IQR of one variable (``n=None``: the paper does not say how many)."""

    key: str
    kind: str
    variable: str
    scale: str
    n: int | None
    summary: Summary
    quote: str


@dataclass(frozen=True)
class ProportionClaim:
    """k of n patients with a yes/no variable true, and the printed percentage."""

    key: str
    kind: str
    variable: str
    k: int
    n: int
    percent: Printed
    quote: str


@dataclass(frozen=True)
class PairedSummaryClaim:
    """Pre and post summaries of a paired variable, with the printed p-value (``test=None``: not named)."""

    key: str
    kind: str
    variables: tuple[str, str]
    scale: str
    n: int
    pre: Summary
    post: Summary
    p: Printed | None
    test: str | None
    quote: str


@dataclass(frozen=True)
class ResponderClaim:
    """k of n patients improved by at least ``threshold`` (a fraction of baseline, or scale points)."""

    key: str
    kind: str
    variables: tuple[str, str]
    threshold: float
    threshold_kind: str
    k: int
    n: int
    percent: Printed
    quote: str


@dataclass(frozen=True)
class DirectionClaim:
    """How many of n patients decreased, stayed unchanged and increased between pre and post."""

    key: str
    kind: str
    variables: tuple[str, str]
    n: int
    decreased: DirectionCount
    unchanged: DirectionCount
    increased: DirectionCount
    quote: str


Claim = Union[CountClaim, SummaryClaim, ProportionClaim, PairedSummaryClaim, ResponderClaim, DirectionClaim]

_FRAME_COLUMNS = ["key", "kind", "field", "printed", "value", "relation", "decimals", "n", "quote"]


@dataclass(frozen=True, repr=False)
class ReportedCard:
    """A validated card: ``card["rest_pain"]``, ``card.get(key)``, ``for claim in card``, ``card.to_frame()``."""

    path: Path
    study: Study
    scales: Mapping[str, Scale]
    claims: Mapping[str, Claim]
    #: The schema-2 card this is the cohort view of (None for a card read from a version-1 file).
    card2: Any = field(default=None, compare=False)

    def __getitem__(self, key: str) -> Claim:
        try:
            return self.claims[key]
        except KeyError:
            raise KeyError(f"{self.path.name} has no claim {key!r}; it has {', '.join(self.claims)}") from None

    def get(self, key: str, default: Any = None) -> Claim | Any:
        return self.claims.get(key, default)

    def __iter__(self) -> Iterator[Claim]:
        return iter(self.claims.values())

    def __len__(self) -> int:
        return len(self.claims)

    def __contains__(self, key: object) -> bool:
        return key in self.claims

    def keys(self) -> tuple[str, ...]:
        return tuple(self.claims)

    def __repr__(self) -> str:
        return f"ReportedCard({self.study.id!r}, {len(self.claims)} claims, path={str(self.path)!r})"

    @property
    def reconstruction_decimals(self) -> int | None:
        """The reporting precision the schema-2 card declares for the reconstruction (``reconstruction.decimals``).

        None when it declares none (a version-1 card never does): the reconstruction then reads each printed value
        at its own precision.
        """
        return getattr(self.card2, "reconstruction_decimals", None)

    @property
    def reconstruction_why(self) -> str | None:
        """The card's evidence for :attr:`reconstruction_decimals` (``reconstruction.why``), or None."""
        return getattr(self.card2, "reconstruction_why", None)

    def scale_of(self, variable: str) -> Scale:
        """The scale of a cohort variable: the one its claims name, else the cohort schema's default name."""
        for claim in self:
            scale = getattr(claim, "scale", None)
            if scale is not None and variable in _claim_variables(claim):
                return self.scales[scale]
        column = COHORT_COLUMNS.get(variable)
        if column is not None and column.scale is not None and column.scale in self.scales:
            return self.scales[column.scale]
        raise KeyError(f"{self.path.name} defines no scale for variable {variable!r}")

    def to_frame(self) -> pd.DataFrame:
        """One row per reported number: key, kind, field, printed, value, relation, decimals, n, quote.

        Counts k appear as their integer (``printed`` is then the integer's text, not the words of the paper).
        """
        rows = []
        for claim in self:
            for name, number, n in _numbers(claim):
                if isinstance(number, Printed):
                    printed, value, relation, decimals = number.text, number.value, number.relation, number.decimals
                else:
                    printed, value, relation, decimals = str(number), float(number), "=", 0
                rows.append((claim.key, claim.kind, name, printed, value, relation, decimals, n, claim.quote))
        frame = pd.DataFrame(rows, columns=_FRAME_COLUMNS)
        frame["n"] = frame["n"].astype("Int64")
        frame["decimals"] = frame["decimals"].astype("Int64")
        return frame


def _claim_variables(claim: Claim) -> tuple[str, ...]:
    return tuple(claim.variables) if hasattr(claim, "variables") else (claim.variable,)


def _summary_numbers(prefix: str, summary: Summary):
    return [(f"{prefix}center", summary.center), (f"{prefix}q1", summary.q1), (f"{prefix}q3", summary.q3)]


def _numbers(claim: Claim):
    """(field, Printed-or-int, n) for every number a claim reports."""
    if isinstance(claim, CountClaim):
        return [("n", claim.n, int(claim.n.value))]
    if isinstance(claim, SummaryClaim):
        return [(f, v, claim.n) for f, v in _summary_numbers("", claim.summary)]
    if isinstance(claim, (ProportionClaim, ResponderClaim)):
        return [("k", claim.k, claim.n), ("percent", claim.percent, claim.n)]
    if isinstance(claim, PairedSummaryClaim):
        items = _summary_numbers("pre.", claim.pre) + _summary_numbers("post.", claim.post)
        if claim.p is not None:
            items.append(("p", claim.p))
        return [(f, v, claim.n) for f, v in items]
    items = []
    for direction in ("decreased", "unchanged", "increased"):
        count = getattr(claim, direction)
        items += [(f"{direction}.k", count.k, claim.n), (f"{direction}.percent", count.percent, claim.n)]
    return items


# --------------------------------------------------------------------------------------------------------------------
# Reading YAML with line numbers


class _Locating(Protocol):
    """What a validator reports through: the line of a key path, and a failure naming file, line and key."""

    def line(self, keys: tuple) -> int | None: ...

    def fail(self, keys: tuple, message: str, line: int | None = None) -> NoReturn: ...


class _Source:
    """The parsed YAML plus the line of every key path, for error messages."""

    def __init__(self, path: Path):
        self.path = path
        self.lines: dict[tuple, int] = {}
        text = read_yaml_text(path, CardError)
        node, loader = compose_yaml(path, text, CardError)
        try:
            self.data = None if node is None else self._build(loader, node, ())
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
            where = f":{mark.line + 1}" if mark is not None else ""
            problem = getattr(error, "problem", None) or str(error)
            raise CardError(f"{path}{where}: not valid YAML: {problem}") from None
        finally:
            loader.dispose()

    def _build(self, loader, node, keys: tuple):
        self.lines[keys] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            loader.flatten_mapping(node)
            result = {}
            for key_node, value_node in node.value:
                key = loader.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    self.fail(keys, f"key {key!r} is not a name", line=key_node.start_mark.line + 1)
                key = str(key)
                if key in result:
                    self.fail(
                        keys + (key,),
                        f"duplicate key (first at line {self.lines[keys + (key,)]})",
                        line=key_node.start_mark.line + 1,
                    )
                self.lines[keys + (key,)] = key_node.start_mark.line + 1
                result[key] = self._build(loader, value_node, keys + (key,))
                self.lines[keys + (key,)] = key_node.start_mark.line + 1
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self._build(loader, item, keys + (i,)) for i, item in enumerate(node.value)]
        return loader.construct_object(node, deep=True)

    def line(self, keys: tuple) -> int | None:
        while keys not in self.lines and keys:
            keys = keys[:-1]
        return self.lines.get(keys)

    def fail(self, keys: tuple, message: str, line: int | None = None) -> NoReturn:
        line = line if line is not None else self.line(keys)
        where = f":{line}" if line is not None else ""
        dotted = ".".join(str(k) for k in keys) or "(top level)"
        raise CardError(f"{self.path}{where}: {dotted}: {message}")


# --------------------------------------------------------------------------------------------------------------------
# Validation

_MISSING = object()


class _Validator:
    def __init__(self, source: _Locating, columns: Mapping[str, Column] | None = None):
        self.src = source
        # the columns a claim may name: the cohort schema, plus (in a schema-2 card's cohort view) the extra score
        # columns its outcomes map time points to
        self.columns = COHORT_COLUMNS if columns is None else columns

    def mapping(self, value, keys, required=(), optional=()) -> dict:
        if not isinstance(value, dict):
            self.src.fail(keys, f"expected a mapping of keys, got {_show(value)}")
        for name in required:
            if name not in value:
                self.src.fail(keys + (name,), "missing (required)")
        allowed = set(required) | set(optional)
        for name in value:
            if name not in allowed:
                self.src.fail(keys + (name,), f"unknown key; expected one of {', '.join(sorted(allowed))}")
        return value

    @overload
    def text(self, value, keys, allow_none: Literal[False] = ...) -> str: ...
    @overload
    def text(self, value, keys, allow_none: bool) -> str | None: ...
    def text(self, value, keys, allow_none=False) -> str | None:
        if value is None and allow_none:
            return None
        if not isinstance(value, str) or not value.strip():
            self.src.fail(keys, f"expected non-empty text, got {_show(value)}")
        return value

    @overload
    def integer(self, value, keys, minimum: int = ..., allow_none: Literal[False] = ...) -> int: ...
    @overload
    def integer(self, value, keys, minimum: int = ..., *, allow_none: bool) -> int | None: ...
    def integer(self, value, keys, minimum=0, allow_none=False) -> int | None:
        if value is None and allow_none:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.src.fail(keys, f"expected an integer, got {_show(value)}")
        if value < minimum:
            self.src.fail(keys, f"{value} is below {minimum}")
        return value

    @overload
    def number(self, value, keys, allow_none: Literal[False] = ...) -> float: ...
    @overload
    def number(self, value, keys, allow_none: bool) -> float | None: ...
    def number(self, value, keys, allow_none=False) -> float | None:
        if value is None and allow_none:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.src.fail(keys, f"expected a number, got {_show(value)}")
        return value

    def choice(self, value, keys, choices) -> str:
        if value not in choices:
            self.src.fail(keys, f"{_show(value)} is not one of {', '.join(choices)}")
        return value

    def printed(self, value, keys, percent=False) -> Printed:
        if isinstance(value, dict):
            self.mapping(value, keys, required=("printed",))
            keys, value = keys + ("printed",), value["printed"]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.src.fail(keys, f"{value!r} must be a quoted string exactly as printed (precision is evidence)")
        try:
            number = Printed.parse(value)
        except ValueError as error:
            self.src.fail(keys, str(error))
        if percent and not number.is_percent:
            self.src.fail(keys, f"{number.text!r} is a percentage and must be printed with '%'")
        if not percent and number.is_percent:
            self.src.fail(keys, f"{number.text!r} must not be a percentage here")
        if percent and not (number.interval[0] <= 100 and number.interval[1] >= 0):
            self.src.fail(keys, f"{number.text!r} is not between 0% and 100%")
        return number

    def variable(self, value, keys) -> str:
        if value not in self.columns:
            self.src.fail(keys, f"{_show(value)} is not a cohort column; expected one of {', '.join(self.columns)}")
        return value

    def k_of_n(self, k, n, keys):
        if k > n:
            self.src.fail(keys, f"k = {k} exceeds n = {n}")


def _show(value) -> str:
    return "nothing" if value is None else repr(value)


def _study(v: _Validator, raw, keys=("study",)) -> Study:
    raw = v.mapping(raw, keys, required=("id", "citation"), optional=("doi", "pmid", "source", "design", "period"))
    period = raw.get("period")
    first = last = quote = None
    if period is not None:
        pk = keys + ("period",)
        v.mapping(period, pk, required=("first_year", "last_year"), optional=("printed", "quote"))
        v.text(period.get("printed"), pk + ("printed",), allow_none=True)
        first = v.integer(period["first_year"], pk + ("first_year",))
        last = v.integer(period["last_year"], pk + ("last_year",))
        quote = v.text(period.get("quote"), pk + ("quote",), allow_none=True)
        if first > last:
            v.src.fail(pk + ("last_year",), f"last_year {last} is before first_year {first}")
    return Study(
        id=v.text(raw["id"], keys + ("id",)),
        citation=v.text(raw["citation"], keys + ("citation",)),
        doi=v.text(raw.get("doi"), keys + ("doi",), allow_none=True),
        pmid=v.text(raw.get("pmid"), keys + ("pmid",), allow_none=True),
        source=v.text(raw.get("source"), keys + ("source",), allow_none=True),
        design=v.text(raw.get("design"), keys + ("design",), allow_none=True),
        period_first=first,
        period_last=last,
        period_quote=quote,
    )


def _scale(v: _Validator, name: str, raw, keys) -> Scale:
    raw = v.mapping(raw, keys, required=("type", "label"), optional=("min", "max", "quote"))
    low = v.number(raw.get("min"), keys + ("min",), allow_none=True)
    high = v.number(raw.get("max"), keys + ("max",), allow_none=True)
    if low is not None and high is not None and low >= high:
        v.src.fail(keys + ("max",), f"max {high} is not above min {low}")
    return Scale(
        name,
        v.choice(raw["type"], keys + ("type",), SCALE_TYPES),
        low,
        high,
        v.text(raw["label"], keys + ("label",)),
        v.text(raw.get("quote"), keys + ("quote",), allow_none=True),
    )


def _summary(v: _Validator, raw, keys, center_label: str, scale: Scale) -> Summary:
    raw = v.mapping(raw, keys, required=("center", "q1", "q3"))
    center, q1, q3 = (v.printed(raw[f], keys + (f,)) for f in ("center", "q1", "q3"))
    for name, number in (("center", center), ("q1", q1), ("q3", q3)):
        if number.relation != "=":
            v.src.fail(keys + (name, "printed"), f"{number.text!r}: a centre or quartile must be a plain number")
        low, high = number.interval
        if (scale.min is not None and high <= scale.min) or (scale.max is not None and low > scale.max):
            v.src.fail(keys + (name, "printed"), f"{number.text!r} is outside scale {scale.name!r} ({_range(scale)})")
    if q1.interval[0] > q3.interval[1]:
        v.src.fail(keys + ("q3", "printed"), f"q3 {q3.text!r} is below q1 {q1.text!r}")
    if center_label == "median" and (center.interval[1] < q1.interval[0] or center.interval[0] > q3.interval[1]):
        v.src.fail(keys + ("center", "printed"), f"median {center.text!r} lies outside its IQR {q1.text}-{q3.text}")
    return Summary(center, q1, q3, center_label)


def _range(scale: Scale) -> str:
    return f"{'-inf' if scale.min is None else scale.min} to {'inf' if scale.max is None else scale.max}"


def _scale_ref(v: _Validator, raw, keys, scales: Mapping[str, Scale], variables) -> Scale:
    if raw not in scales:
        v.src.fail(keys, f"unknown scale {_show(raw)}; the card defines {', '.join(scales) or 'no scales'}")
    scale = scales[raw]
    for variable in variables:
        column = v.columns[variable]
        if column.type not in SCALE_TYPES:
            v.src.fail(keys, f"cohort column {variable!r} is {column.type}, not a number on a scale")
        if column.type == "integer" and scale.type != "integer":
            v.src.fail(keys, f"scale {raw!r} is {scale.type} but cohort column {variable!r} holds integers")
        wider_low = column.min is not None and (scale.min is None or scale.min < column.min)
        wider_high = column.max is not None and (scale.max is None or scale.max > column.max)
        if wider_low or wider_high:
            v.src.fail(
                keys,
                f"scale {raw!r} ({_range(scale)}) is wider than cohort column {variable!r} "
                f"({column.min} to {'inf' if column.max is None else column.max})",
            )
    return scale


def _variables(v: _Validator, raw, keys) -> tuple[str, str]:
    if not isinstance(raw, list) or len(raw) != 2:
        v.src.fail(keys, f"expected a list of two cohort columns [pre, post], got {_show(raw)}")
    pre, post = (v.variable(name, keys + (i,)) for i, name in enumerate(raw))
    if pre == post:
        v.src.fail(keys, f"pre and post are the same column {pre!r}")
    if v.columns[pre].type != v.columns[post].type:
        v.src.fail(keys, f"{pre!r} and {post!r} have different types")
    return pre, post


_COMMON = ("kind", "quote")
_FIELDS = {
    "count": (("variable", "n"), ("of",)),
    "summary": (("variable", "scale", "center_label", "center", "q1", "q3"), ("n",)),
    "proportion": (("variable", "k", "n", "percent"), ()),
    "paired_summary": (("variables", "scale", "n", "center_label", "pre", "post"), ("p", "test")),
    "responders": (("variables", "threshold", "threshold_kind", "k", "n", "percent"), ()),
    "paired_direction": (("variables", "n", "decreased", "unchanged", "increased"), ()),
}
KINDS = tuple(_FIELDS)


def _claim(v: _Validator, key: str, raw, scales: Mapping[str, Scale]) -> Claim:
    keys = ("claims", key)
    v.mapping(raw, keys, required=("kind",), optional=set(_COMMON) | {f for r, o in _FIELDS.values() for f in r + o})
    kind = v.choice(raw["kind"], keys + ("kind",), KINDS)
    required, optional = _FIELDS[kind]
    v.mapping(raw, keys, required=_COMMON + required, optional=optional)
    quote = v.text(raw["quote"], keys + ("quote",))
    at = lambda *fields: keys + fields  # noqa: E731

    if kind == "count":
        head = v.printed(raw["n"], at("n"))
        if head.relation != "=" or head.decimals or head.value < 0:
            v.src.fail(at("n", "printed"), f"{head.text!r} is not a head count (a non-negative integer)")
        of = v.text(raw.get("of"), at("of"), allow_none=True)
        return CountClaim(key, kind, v.variable(raw["variable"], at("variable")), head, of, quote)

    if kind == "summary":
        variable = v.variable(raw["variable"], at("variable"))
        scale = _scale_ref(v, raw["scale"], at("scale"), scales, (variable,))
        label = v.choice(raw["center_label"], at("center_label"), CENTER_LABELS)
        n = v.integer(raw.get("n"), at("n"), minimum=1, allow_none=True)
        summary = _summary(v, {f: raw[f] for f in ("center", "q1", "q3")}, keys, label, scale)
        return SummaryClaim(key, kind, variable, scale.name, n, summary, quote)

    if kind == "proportion":
        variable = v.variable(raw["variable"], at("variable"))
        if v.columns[variable].type != "boolean":
            v.src.fail(at("variable"), f"{variable!r} is not a yes/no (0/1) column")
        k, n = v.integer(raw["k"], at("k")), v.integer(raw["n"], at("n"), minimum=1)
        v.k_of_n(k, n, at("k"))
        return ProportionClaim(key, kind, variable, k, n, v.printed(raw["percent"], at("percent"), True), quote)

    variables = _variables(v, raw["variables"], at("variables"))
    n = v.integer(raw["n"], at("n"), minimum=1)

    if kind == "paired_summary":
        scale = _scale_ref(v, raw["scale"], at("scale"), scales, variables)
        label = v.choice(raw["center_label"], at("center_label"), CENTER_LABELS)
        pre = _summary(v, raw["pre"], at("pre"), label, scale)
        post = _summary(v, raw["post"], at("post"), label, scale)
        p = None if raw.get("p") is None else v.printed(raw["p"], at("p"))
        if p is not None and (p.interval[0] > 1 or p.interval[1] < 0):
            v.src.fail(at("p", "printed"), f"{p.text!r} is not a p-value between 0 and 1")
        test = v.text(raw.get("test"), at("test"), allow_none=True)
        return PairedSummaryClaim(key, kind, variables, scale.name, n, pre, post, p, test, quote)

    if kind == "responders":
        threshold = v.number(raw["threshold"], at("threshold"))
        threshold_kind = v.choice(raw["threshold_kind"], at("threshold_kind"), THRESHOLD_KINDS)
        if threshold_kind == "relative" and not 0 < threshold <= 1:
            v.src.fail(at("threshold"), f"a relative threshold is a fraction in (0, 1] (0.30 for 30%), got {threshold}")
        if threshold <= 0:
            v.src.fail(at("threshold"), f"threshold must be positive, got {threshold}")
        k = v.integer(raw["k"], at("k"))
        v.k_of_n(k, n, at("k"))
        percent = v.printed(raw["percent"], at("percent"), True)
        return ResponderClaim(key, kind, variables, float(threshold), threshold_kind, k, n, percent, quote)

    counts = {}
    for direction in ("decreased", "unchanged", "increased"):
        part = v.mapping(raw[direction], at(direction), required=("k", "percent"))
        k = v.integer(part["k"], at(direction, "k"))
        v.k_of_n(k, n, at(direction, "k"))
        counts[direction] = DirectionCount(k, v.printed(part["percent"], at(direction, "percent"), True))
    return DirectionClaim(key, kind, variables, n, quote=quote, **counts)


def _check_links(v: _Validator, claims: Mapping[str, Claim]) -> None:
    """Cross-claim rules: ``of`` names a count at least as large; a variable has one scale throughout."""
    scale_of: dict[str, tuple[str, str]] = {}
    for claim in claims.values():
        if isinstance(claim, CountClaim) and claim.of is not None:
            parent = claims.get(claim.of)
            if not isinstance(parent, CountClaim):
                v.src.fail(("claims", claim.key, "of"), f"{claim.of!r} is not a count claim of this card")
            if claim.n.value > parent.n.value:
                v.src.fail(
                    ("claims", claim.key, "n", "printed"), f"{claim.n.text} exceeds the {parent.n.text} of {claim.of!r}"
                )
        scale = getattr(claim, "scale", None)
        if scale is not None:
            for variable in _claim_variables(claim):
                first = scale_of.setdefault(variable, (scale, claim.key))
                if first[0] != scale:
                    v.src.fail(
                        ("claims", claim.key, "scale"),
                        f"{variable!r} is on scale {first[0]!r} in claim {first[1]!r}, not {scale!r}",
                    )


def _parse_v1(source: _Source) -> ReportedCard:
    """Validate the parsed YAML of a version-1 card."""
    v = _Validator(source)
    raw = v.mapping(source.data, (), required=("schema", "study", "claims"), optional=("scales",))
    if raw["schema"] != SCHEMA:
        source.fail(("schema",), f"{_show(raw['schema'])} is not {SCHEMA!r}")
    study = _study(v, raw["study"])
    raw_scales = raw.get("scales") or {}
    v.mapping(raw_scales, ("scales",), optional=tuple(raw_scales) if isinstance(raw_scales, dict) else ())
    scales = {name: _scale(v, name, spec, ("scales", name)) for name, spec in raw_scales.items()}
    raw_claims = v.mapping(
        raw["claims"],
        ("claims",),
        required=("treated",),
        optional=tuple(raw["claims"]) if isinstance(raw["claims"], dict) else (),
    )
    claims = {key: _claim(v, key, spec, scales) for key, spec in raw_claims.items()}
    if claims["treated"].kind != "count":
        source.fail(("claims", "treated", "kind"), "'treated' must be a count claim")
    _check_links(v, claims)
    return ReportedCard(source.path, study, MappingProxyType(scales), MappingProxyType(claims))


def load_reported(path: str | Path | None = None) -> ReportedCard:
    """Load and validate a reported card (default: ``$SACRO_KIT_CARD`` or ``data/reported/dougherty2014.yaml``).

    Reads both schemas: a schema-2 card (``sacro_kit.reported-card/2``) is returned as its cohort view
    (:func:`sacro_kit.io.card_schema.cohort_view`; the schema-2 card itself is ``.card2``), a version-1 card as it is.
    Raises FileNotFoundError for a missing file and :class:`CardError` for any problem with its contents.
    For checking any paper's card use :func:`sacro_kit.io.card_schema.load_card`, which needs no cohort columns.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The file; default ``$SACRO_KIT_CARD`` if set, else the shipped
        Dougherty 2014 card (``data/reported/dougherty2014.yaml``, package data).

    Returns
    -------
    ReportedCard
        The claims, by key (``card["rest_pain"]``), each number a :class:`Printed` that keeps its printed text.

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    CardError
        A problem with the contents, naming the file, line and key.

    Examples
    --------
    >>> load_reported()["rest_responders"].percent.text
    '76%'
    """
    path = Path(path) if path is not None else default_card_path()
    if not path.is_file():
        raise FileNotFoundError(f"no reported card at {path} (set SACRO_KIT_CARD or pass a path)")
    from sacro_kit.io import card_schema

    source = card_schema.read_yaml(path)
    schema = source.data.get("schema") if isinstance(source.data, dict) else None
    if schema == card_schema.SCHEMA_V2:
        return card_schema.cohort_view(card_schema._parse_v2(source))
    if isinstance(source.data, dict) and "schema" in source.data and schema != SCHEMA:
        source.fail(
            ("schema",),
            f"{_show(schema)} is not {card_schema.SCHEMA_V2!r} (or the older {SCHEMA!r}); "
            f"start the card with the line 'schema: {card_schema.SCHEMA_V2}'",
        )
    return _parse_v1(source)


# --------------------------------------------------------------------------------------------------------------------
# Card against cohort


def _available(cohort: pd.DataFrame, claim: Claim) -> int:
    variables = _claim_variables(claim)
    if variables == ("patient_id",):
        return len(cohort)
    return int(cohort[list(variables)].notna().all(axis=1).sum())


def check_card_against_cohort(card: ReportedCard, cohort: pd.DataFrame) -> pd.DataFrame:
    """Compare every claim's n with the cohort rows that could support it; raise CardError if any n is impossible.

    A claim about ``followup_weeks`` with n = 45 needs at least 45 rows where ``followup_weeks`` is recorded
    (for paired claims, both columns); ``treated`` needs 45 rows in all. A cohort with *more* usable rows than a
    claim's n is allowed (``status`` "cohort has more") because a reader may analyse a superset; *fewer* is
    impossible and raises :class:`CardError` listing every such claim. Claims without n (``pain_duration``)
    are listed with status "n not reported". Returns the comparison table.

    Parameters
    ----------
    card : ReportedCard
        A card as :func:`load_reported` returns it.
    cohort : pandas.DataFrame
        A cohort as :func:`load_cohort` returns it.

    Returns
    -------
    pandas.DataFrame
        One row per claim: ``key, kind, variables, reported_n, available_n, status``.

    Raises
    ------
    CardError
        Some claim's n is larger than the cohort rows that could support it (every such claim listed).

    Examples
    --------
    >>> table = check_card_against_cohort(sk.load_reported(), sk.load_cohort())
    >>> table["status"].value_counts().to_dict()
    {'equal': 9, 'n not reported': 1}
    """
    needed = {v for claim in card for v in _claim_variables(claim)}
    absent = sorted(needed - set(cohort.columns))
    source = cohort.attrs.get("source", "the cohort")
    if absent:
        raise CardError(f"{card.path}: the card refers to columns missing from {source}: {', '.join(absent)}")
    rows, problems = [], []
    for claim in card:
        n = int(claim.n.value) if isinstance(claim, CountClaim) else claim.n
        available = _available(cohort, claim)
        if n is None:
            status = "n not reported"
        elif n > available:
            status = "impossible"
            what = (
                "rows"
                if _claim_variables(claim) == ("patient_id",)
                else f"rows with {' and '.join(_claim_variables(claim))} recorded"
            )
            problems.append(f"claims.{claim.key}.n: the card reports n = {n} but {source} has only {available} {what}")
        else:
            status = "equal" if n == available else "cohort has more"
        rows.append((claim.key, claim.kind, ", ".join(_claim_variables(claim)), n, available, status))
    if problems:
        raise CardError(f"{card.path}: the card does not fit {source}:\n  " + "\n  ".join(problems))
    table = pd.DataFrame(rows, columns=["key", "kind", "variables", "reported_n", "available_n", "status"])
    table["reported_n"] = table["reported_n"].astype("Int64")
    return table
