"""The literature table built from the studies' cards: every study is described once, in its card.

Each card of ``data/literature/cards/`` (and the seed card ``data/reported/dougherty2014.yaml``) has a
``literature:`` block naming the rows of ``data/literature/studies.csv`` it gives (docs/cards.md, "The literature
table"). The numbers of a row (n, the pre and post summaries, the weeks, the leak count) are read from the card's
claims, groups and time points, exactly as printed; the block adds only what a card has no other place for (the
table's study label, journal, year, guidance, the wording of its scale and time point, the printed p as the table
words it). :func:`studies_rows` builds the rows, :func:`studies_csv_text` the CSV, and
``python -m sacro_kit.io.literature --write`` writes the shipped ``studies.csv`` (``--check`` says whether it is
what the cards give). Every problem is a :class:`~sacro_kit.io.card.CardError` naming the file, line and key.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, cast

from sacro_kit.io.card import CardError
from sacro_kit.io.card_schema import _V2, Card, Cell, CountClaim, ProportionClaim, SummaryClaim, TestSpec, load_card
from sacro_kit.io.resources import DATA_DIR

__all__ = ["LITERATURE_CARDS_DIR", "SEED_CARD_PATH", "literature_card_paths", "studies_rows", "studies_csv_text"]

#: The literature cards (one per study); each has a ``literature:`` block.
LITERATURE_CARDS_DIR = DATA_DIR / "literature" / "cards"
#: The seed paper's card, which also describes the seed paper's rows of the literature table.
SEED_CARD_PATH = DATA_DIR / "reported" / "dougherty2014.yaml"

# Keys of the literature block: table-wide values, which a group or a row may override.
_TEXT_KEYS = ("study_id", "journal", "design", "guidance", "scale", "source_kind", "source_url")
_SHARED_KEYS = _TEXT_KEYS + (
    "year",
    "outcome",
    "pre",
    "timepoint_label",
    "weeks_from",
    "p_value_text",
    "leaks",
    "leak_count",
    "leak_quote",
)
_ROW_KEYS = ("row", "group", "post")
_URL = re.compile(r"https?://\S+")


def literature_card_paths() -> list[Path]:
    """The cards the shipped table is built from: the seed card, then ``data/literature/cards/*.yaml`` by name."""
    return [SEED_CARD_PATH, *sorted(LITERATURE_CARDS_DIR.glob("*.yaml"))]


def _text(value) -> str:
    return "" if value is None else str(value)


def _cells(card: Card, outcome: str, group: str | None, at: str) -> list[Cell]:
    return [
        cell
        for claim in card.claims.values()
        if isinstance(claim, SummaryClaim)
        for cell in claim.values
        if cell.outcome == outcome and cell.group == group and cell.at == at and cell.change is None
    ]


def _tests(card: Card, outcome: str, group: str | None, pre: str, post: str) -> list[TestSpec]:
    out = []
    for claim in card.claims.values():
        if not isinstance(claim, SummaryClaim):
            continue
        for test in claim.tests:
            if (test.outcome or claim.outcome) != outcome or test.p is None:
                continue
            within = test.within is not None and tuple(test.within) == (pre, post) and test.group == group
            between = test.between is not None and group in test.between and test.at == post
            if within or between:
                out.append(test)
    return out


def _kind(cell: Cell) -> str:
    shape = cell.shape
    if shape == "median_iqr":
        return "median_iqr"
    if "mean" in cell.stats and ("sd" in cell.stats or "pm" in cell.stats):
        return "mean_sd"
    if set(cell.stats) == {"mean"}:
        return "mean_only"
    return shape


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _card_rows(card: Card) -> list[tuple[int, dict[str, str], tuple]]:
    """(row number, {column: cell text}, key path of the row) for every row of the card's ``literature:`` block."""
    source = card._raw
    v = _V2(source)
    raw = source.data.get("literature")
    top = ("literature",)
    if raw is None:
        source.fail(top, "missing: a literature card needs a literature: block naming its rows of studies.csv")
    v.mapping(raw, top, required=("study_id", "rows"), optional=_SHARED_KEYS + ("groups",))
    groups_raw = raw.get("groups") or {}
    v.mapping(groups_raw, top + ("groups",), optional=tuple(groups_raw) if isinstance(groups_raw, dict) else ())
    for name, spec in groups_raw.items():
        if name not in card.groups:
            source.fail(top + ("groups", name), f"unknown group {name!r}; the card defines {', '.join(card.groups)}")
        v.mapping(spec, top + ("groups", name), optional=_SHARED_KEYS)
    rows = raw["rows"]
    if not isinstance(rows, list) or not rows:
        source.fail(top + ("rows",), "expected a list of rows, each {row: N, outcome: ..., post: ...}")
    study = card.study
    ids = [f"doi:{study.doi}" if study.doi else "", f"PMID:{study.pmid}" if study.pmid else ""]
    url = _URL.search(study.source or "")
    out = []
    for i, row in enumerate(rows):
        keys = top + ("rows", i)
        v.mapping(row, keys, required=("row", "post"), optional=_ROW_KEYS + _SHARED_KEYS)
        number = v.integer(row["row"], keys + ("row",), minimum=1)
        group = v.name(row.get("group"), keys + ("group",), card.groups, "group")
        post = v.name(row["post"], keys + ("post",), card.timepoints, "time point", allow_none=False)
        layers: list[tuple[tuple[Any, ...], dict]] = [(top, raw)]
        if group is not None and group in groups_raw:
            layers.append((top + ("groups", group), groups_raw[group]))
        layers.append((keys, row))

        def pick(key, default=None, layers=layers):
            found, where = default, None
            for path, layer in layers:
                if key in layer:
                    found, where = layer[key], path + (key,)
            return found, where

        outcome, where = pick("outcome")
        if where is None:
            source.fail(keys, "no outcome: name the card's outcome of this row (outcome: vas)")
        outcome = v.name(outcome, where, card.outcomes, "outcome", allow_none=False)
        pre, where = pick("pre", "pre")
        pre = v.name(pre, where or keys + ("pre",), card.timepoints, "time point", allow_none=False)
        values: dict[str, str] = {}
        for key in _TEXT_KEYS:
            value, where = pick(key)
            if where is not None:
                values[key] = _text(v.text(value, where))
        values.setdefault("design", study.design or "")
        values.setdefault("guidance", "")
        values.setdefault("source_kind", "primary")
        if "source_url" not in values:
            if url is None:
                source.fail(keys, "no source_url: give one, or a URL in study.source")
            values["source_url"] = url.group(0) if url is not None else ""
        if "scale" not in values:
            scale = card.outcomes[outcome].scale
            values["scale"] = scale.label if scale is not None else ""
        year, where = pick("year")
        values["year"] = "" if where is None else str(v.integer(year, where, minimum=1))
        values.setdefault("journal", "")
        values["doi_or_pmid"] = "; ".join(x for x in ids if x)

        before, after = (_cells(card, outcome, group, at) for at in (pre, post))
        for at, found in ((pre, before), (post, after)):
            if len(found) > 1:
                source.fail(
                    keys, f"{len(found)} summaries of {outcome!r} at {at!r}" + (f" in {group!r}" if group else "")
                )
        if not before:
            source.fail(
                keys + ("pre",),
                f"the card has no summary of {outcome!r} at {pre!r}" + (f" in {group!r}" if group else ""),
            )
        first, second = before[0], (after[0] if after else None)
        kind = _kind(first)
        if kind not in ("median_iqr", "mean_sd", "mean_only"):
            source.fail(
                keys + ("pre",), f"a {first.shape} summary has no place in the table (median_iqr, mean_sd, mean_only)"
            )
        if second is not None and _kind(second) != kind:
            source.fail(
                keys + ("post",), f"the summary at {post!r} is {second.shape}, the one at {pre!r} {first.shape}"
            )
        values["stat_kind"] = kind
        ns = {c.n for c in (first, second) if c is not None and c.n is not None}
        if len(ns) > 1:
            source.fail(keys, f"the summaries at {pre!r} and {post!r} have different n ({sorted(ns)})")
        values["n"] = str(ns.pop()) if ns else ""
        for side, cell in (("pre", first), ("post", second)):
            s = {} if cell is None else cell.stats
            if kind == "median_iqr":
                values[f"{side}_center"] = s["median"].text if "median" in s else ""
                values[f"{side}_spread_low"] = s["q1"].text if "q1" in s else ""
                values[f"{side}_spread_high"] = s["q3"].text if "q3" in s else ""
                values[f"{side}_sd"] = ""
            else:
                values[f"{side}_center"] = s["mean"].text if "mean" in s else ""
                values[f"{side}_spread_low"] = values[f"{side}_spread_high"] = ""
                spread = s.get("sd") or s.get("pm")
                values[f"{side}_sd"] = spread.text if spread is not None else ""

        weeks_claim, where = pick("weeks_from")
        if weeks_claim is not None:
            claim = card.claims.get(weeks_claim)
            if not isinstance(claim, SummaryClaim) or len(claim.values) != 1:
                source.fail(
                    where, f"{weeks_claim!r} is not a summary claim with one value (its median or mean is the weeks)"
                )
            stats = cast(SummaryClaim, claim).values[0].stats
            center = stats.get("median") or stats.get("mean")
            if center is None:
                source.fail(where, f"{weeks_claim!r} has no median or mean")
            values["timepoint_weeks"] = center.text if center is not None else ""
        else:
            weeks = card.timepoints[post].weeks
            values["timepoint_weeks"] = "" if weeks is None else f"{weeks:g}"
        label, where = pick("timepoint_label")
        values["timepoint_label"] = _text(v.text(label, where)) if where is not None else card.timepoints[post].label

        p_text, where = pick("p_value_text")
        values["p_value_text"] = "" if where is None else _text(v.text(p_text, where))
        for test in _tests(card, outcome, group, pre, post):
            assert test.p is not None
            if _squash(test.p.text) not in _squash(values["p_value_text"]):
                source.fail(
                    keys + ("p_value_text",),
                    f"{values['p_value_text']!r} does not print the card's p {test.p.text!r} "
                    f"(test at line {test.line})",
                )

        leaks, where = pick("leaks")
        count, count_where = pick("leak_count")
        if where is not None and count_where is not None:
            source.fail(count_where, "give leaks (a claim of the card) or leak_count, not both")
        if where is not None:
            claim = card.claims.get(leaks)
            if isinstance(claim, ProportionClaim) and claim.k is not None:
                values["leak_count"] = str(claim.k)
            elif isinstance(claim, CountClaim):
                values["leak_count"] = claim.n.text
            else:
                source.fail(where, f"{leaks!r} is not a count or a proportion with k on this card")
        elif count_where is not None:
            values["leak_count"] = str(v.integer(count, count_where, minimum=0))
            quote, quote_where = pick("leak_quote")
            if quote_where is None:
                source.fail(count_where, "a leak_count needs its leak_quote (the sentence that gives it)")
            v.text(quote, quote_where)
        else:
            values["leak_count"] = ""
        out.append((number, values, keys))
    return out


def studies_rows(paths: Iterable[str | Path] | None = None) -> list[dict[str, str]]:
    """Every row of the literature table, from the cards' ``literature:`` blocks, in the order of their ``row``.

    Parameters
    ----------
    paths : iterable of str or pathlib.Path, optional
        The cards; default :func:`literature_card_paths` (the shipped ones).

    Returns
    -------
    list of dict
        One mapping of column name to cell text per row, in the columns of ``studies.csv``.

    Raises
    ------
    CardError
        A card that cannot be read, a row that cannot be built, or row numbers that are not 1, 2, ... once each,
        naming the file, line and key.

    Examples
    --------
    >>> rows = studies_rows()
    >>> len(rows), rows[0]["study_id"], rows[0]["pre_center"]
    (25, 'Dougherty 2014', '7')
    """
    from sacro_kit.io.literature import STUDIES_COLUMNS

    paths = literature_card_paths() if paths is None else [Path(p) for p in paths]
    found: dict[int, tuple[Path, tuple, dict[str, str]]] = {}
    for path in paths:
        card = load_card(path)
        for number, values, keys in _card_rows(card):
            if number in found:
                other = found[number][0]
                card._raw.fail(keys + ("row",), f"row {number} is also given by {other}")
            found[number] = (path, keys, values)
    expected = list(range(1, len(found) + 1))
    if sorted(found) != expected:
        gaps = sorted(set(expected) - set(found))
        raise CardError(f"literature rows must be numbered 1 to {len(found)} once each; missing {gaps}")
    return [{c: found[i][2][c] for c in STUDIES_COLUMNS} for i in expected]


def studies_csv_text(paths: Sequence[str | Path] | None = None) -> str:
    """The literature table as CSV text (the bytes of the shipped ``studies.csv``: CRLF lines, minimal quoting)."""
    from sacro_kit.io.literature import STUDIES_COLUMNS

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(STUDIES_COLUMNS)
    for row in studies_rows(paths):
        writer.writerow([row[c] for c in STUDIES_COLUMNS])
    return buffer.getvalue()
