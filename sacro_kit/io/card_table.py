"""Batch tables of printed statistics: one CSV row per claim, one schema-2 card per paper.

``sacro-kit check --csv papers.csv`` checks many papers at once; :func:`load_card_table` reads the table into the
same cards a YAML file gives (:func:`sacro_kit.io.card_schema.load_card`), validated by the same code, with errors
that name the file, line and column.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn, cast

from sacro_kit.io.card import CardError, Study
from sacro_kit.io.card_schema import _V2, WITHIN_TESTS, Card, Group, TimePoint, _claim2, _outcome, canonical_test

__all__ = ["CSV_COLUMNS", "load_card_table"]

#: The columns of a batch table (``--csv``); every one is optional except ``paper``.
CSV_COLUMNS = (
    "paper",
    "outcome",
    "group",
    "n",
    "q1",
    "median",
    "q3",
    "mean",
    "sd",
    "min",
    "max",
    "percent",
    "k",
    "test",
    "p",
    "statistic",
    "df",
    "scale_min",
    "scale_max",
    "step",
)


class _CsvSource:
    """Stands in for a card's YAML source: maps a key path back to the CSV line and column it came from."""

    def __init__(self, path: Path, data: dict, where: dict):
        self.path, self.data, self.where = path, data, where

    def line(self, keys):
        return self.where.get(tuple(keys[:2]), (None,))[0]

    def fail(self, keys, message, line=None) -> NoReturn:
        line, columns = self.where.get(tuple(keys[:2]), (None, {}))
        field = next((str(k) for k in reversed(keys) if isinstance(k, str) and k in columns), None)
        column = columns.get(field, field) if field else None
        where = f":{line}" if line is not None else ""
        what = f"column {column}: " if column else ""
        raise CardError(f"{self.path}{where}: {what}{message}")


def _cell_text(row: dict, name: str) -> str | None:
    value = (row.get(name) or "").strip()
    return value or None


_STATISTIC = re.compile(r"^\s*(t|F|chi2|χ2|χ²|z|r|Q|U)\s*[=:]?\s*(.+)$")


def load_card_table(path) -> list[Card]:
    """Read a batch table of printed statistics (CSV, one claim per row) as one schema-2 card per paper.

    For checking many papers at once without writing a YAML card for each (``sacro-kit check --csv``). Every
    column but ``paper`` is optional (:data:`CSV_COLUMNS`): the sample size ``n`` (``n1+n2`` for two groups), a
    five-number or mean/SD summary, a percentage with or without its count ``k``, a test with its printed ``p``,
    ``statistic`` (``t = 2.31``) and ``df``, and the scale (``scale_min``, ``scale_max``, ``step``). The rows are
    validated exactly as a YAML card's claims are; an error names the file, the line and the column.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file (UTF-8; a byte-order mark is accepted).

    Returns
    -------
    list of Card
        One card per distinct ``paper``, in the order the papers first appear; each claim keeps its line
        (``"line 3"``) as its key, so a verdict points back to the row.

    Raises
    ------
    CardError
        A missing ``paper`` header, an unknown column, or a cell that is not what its column holds.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> table = pathlib.Path(tempfile.mkdtemp()) / "papers.csv"
    >>> _ = table.write_text("paper,n,mean,sd,scale_min,scale_max,step\\nSmith 2020,28,5.19,1.34,0,10,1\\n")
    >>> [card] = load_card_table(table)
    >>> card.study.id, list(card.claims)
    ('Smith 2020', ['line 2'])
    """
    path = Path(path)

    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "paper" not in [f.strip() for f in reader.fieldnames]:
        raise CardError(f"{path}:1: the header must name the column 'paper' (columns: {', '.join(CSV_COLUMNS)})")
    unknown = [f for f in reader.fieldnames if f.strip() not in CSV_COLUMNS]
    if unknown:
        raise CardError(
            f"{path}:1: unknown column(s) {', '.join(map(repr, unknown))}; expected some of {', '.join(CSV_COLUMNS)}"
        )
    papers: dict[str, list] = {}
    for index, raw in enumerate(reader):
        line = index + 2
        row = {k.strip(): v for k, v in raw.items() if k is not None}
        paper = _cell_text(row, "paper")
        if paper is None:
            raise CardError(f"{path}:{line}: column paper: empty; every row names its paper")
        papers.setdefault(paper, []).append((line, row))
    cards = []
    for paper, rows in papers.items():
        outcomes: dict[str, Any] = {}
        groups: dict[str, Group] = {}
        claims: dict[str, Any] = {}
        where: dict[tuple, tuple[int, dict[str, str]]] = {}
        data: dict[str, Any] = {"claims": {}}
        source = _CsvSource(path, data, where)
        v = _V2(cast(Any, source))  # the CSV source stands in for the YAML source the validator reports from
        timepoints: dict[str, TimePoint] = {}
        for line, row in rows:
            key = f"line {line}"
            name = f"r{line}"
            columns = {c: c for c in CSV_COLUMNS}
            columns.update({"median": "median", "min": "min", "max": "max", "type": "step", "step": "step"})
            where[("claims", key)] = (line, columns)
            where[("outcomes", name)] = (line, {"min": "scale_min", "max": "scale_max", "step": "step", "type": "step"})
            scale: dict[str, Any] = {}
            low, high, step = (_cell_text(row, c) for c in ("scale_min", "scale_max", "step"))
            if step is not None:
                scale = {"type": "integer" if re.fullmatch(r"\d+", step) else "real", "step": step}
            elif low is not None or high is not None:
                scale = {"type": "real"}
            if scale:
                scale.update({"min": low, "max": high})
            spec: dict[str, Any] = {"label": _cell_text(row, "outcome") or "outcome"}
            if scale:
                spec["scale"] = scale
            outcomes[name] = _outcome(v, name, spec, ("outcomes", name), {}, timepoints)
            n_text = _cell_text(row, "n")
            sizes = None
            if n_text is not None and re.fullmatch(r"\d+\s*[+/]\s*\d+", n_text):
                sizes = [int(x) for x in re.split(r"[+/]", n_text)]
            elif n_text is not None and not re.fullmatch(r"\d+", n_text):
                source.fail(("claims", key, "n"), f"{n_text!r} is not a whole number (or 'n1+n2' for two groups)")
            n = None if n_text is None or sizes else int(n_text)
            context = {"outcomes": outcomes, "groups": groups, "timepoints": timepoints}
            stats = {c: _cell_text(row, c) for c in ("q1", "median", "q3", "mean", "sd", "min", "max")}
            stats = {c: x for c, x in stats.items() if x is not None}
            percent, k = _cell_text(row, "percent"), _cell_text(row, "k")
            test, p = _cell_text(row, "test"), _cell_text(row, "p")
            made: list[tuple[str, dict[str, Any]]] = []
            if stats:
                made.append(
                    (
                        key if not (percent or p) else f"{key} summary",
                        {"kind": "summary", "outcome": name, "n": n, "values": [stats], "quote": paper},
                    )
                )
            if percent or k:
                if k is not None and not re.fullmatch(r"\d+", k):
                    source.fail(("claims", key, "k"), f"{k!r} is not a whole number")
                if percent is not None and not percent.endswith("%"):
                    percent += "%"
                made.append(
                    (
                        key if not (stats or p) else f"{key} percentage",
                        {
                            "kind": "proportion",
                            "outcome": name,
                            "n": n,
                            "k": None if k is None else int(k),
                            "percent": percent,
                            "quote": paper,
                        },
                    )
                )
            if p or _cell_text(row, "statistic"):
                spec_test: dict[str, Any] = {"name": test, "p": p}
                statistic = _cell_text(row, "statistic")
                if statistic is not None:
                    match = _STATISTIC.match(statistic)
                    if match is None:
                        source.fail(
                            ("claims", key, "statistic"),
                            f"{statistic!r}: write the statistic as 't = 2.31', 'F = 4.1', 'chi2 = 3.9' or 'z = 2.0'",
                        )
                    label = {"χ2": "chi2", "χ²": "chi2"}.get(match[1], match[1])
                    spec_test["statistic"] = {"name": label, "value": match[2].strip()}
                df_text = _cell_text(row, "df")
                if df_text is not None:
                    spec_test["df"] = [x.strip() for x in df_text.split(",")]
                canonical = canonical_test(test)
                if sizes is not None:
                    for i, size in enumerate(sizes):
                        groups[f"{name}g{i + 1}"] = Group(f"{name}g{i + 1}", f"group {i + 1}", size, None)
                    spec_test["between"] = [f"{name}g{i + 1}" for i in range(len(sizes))]
                elif canonical is None or canonical in WITHIN_TESTS:
                    for point in ("t0", "t1"):
                        timepoints.setdefault(point, TimePoint(point, point, None))
                    spec_test["within"] = ["t0", "t1"]
                made.append(
                    (
                        key if not (stats or percent or k) else f"{key} test",
                        {"kind": "summary", "outcome": name, "n": n, "tests": [spec_test], "quote": paper},
                    )
                )
            if not made:
                source.fail(("claims", key), "the row holds no statistic, percentage or p-value")
            for claim_key, spec in made:
                where[("claims", claim_key)] = (line, columns)
                claims[claim_key] = _claim2(v, claim_key, {k2: x for k2, x in spec.items() if x is not None}, context)
        study = Study(paper, paper, None, None, "batch table", None, None, None, None)
        cards.append(
            Card(
                path,
                study,
                MappingProxyType({}),
                MappingProxyType(outcomes),
                MappingProxyType(groups),
                MappingProxyType(timepoints),
                MappingProxyType(claims),
                None,
                None,
            )
        )
    return cards
