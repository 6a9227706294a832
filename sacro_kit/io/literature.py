"""The published sacroplasty studies, loaded with validation and turned into a pooling table.

``data/literature/studies.csv`` holds one row per study arm and follow-up time point, each number backed
by a verbatim quote in ``data/literature/provenance.md``. It is generated from the studies' cards
(:mod:`sacro_kit.io.literature_cards`; ``python -m sacro_kit.io.literature --write``), where each study is described once. :func:`load_studies` checks every cell and
never drops a row; it adds a ``row_id`` (row 1 = first data row, as in ``provenance.md``), the file
``line``, and flags taken from ``notes.md`` (unverified authors, mixed etiology, between-arm p-values,
SD-vs-SE doubt, possible patient overlap). :func:`pooling_table` picks one time point per arm, converts
medians/IQRs to means/SDs (:func:`sacro_kit.stats.meansd.estimate_mean_sd`), computes the mean change and
its variance (:func:`sacro_kit.stats.meta.mean_change`) and says, row by row, why a row cannot be pooled.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from sacro_kit.io.resources import DATA_DIR
from sacro_kit.stats.meansd import estimate_mean_sd
from sacro_kit.stats.meta import mean_change

__all__ = ["StudiesError", "load_studies", "pooling_table", "STUDIES_COLUMNS", "STUDIES_PATH", "FLAG_COLUMNS"]

#: Default location of the extracted study table (copied from the shared literature folder).
STUDIES_PATH = DATA_DIR / "literature" / "studies.csv"

STUDIES_COLUMNS = (
    "study_id",
    "year",
    "journal",
    "doi_or_pmid",
    "design",
    "n",
    "guidance",
    "scale",
    "timepoint_label",
    "timepoint_weeks",
    "stat_kind",
    "pre_center",
    "pre_spread_low",
    "pre_spread_high",
    "pre_sd",
    "post_center",
    "post_spread_low",
    "post_spread_high",
    "post_sd",
    "p_value_text",
    "leak_count",
    "source_kind",
    "source_url",
)
_INTEGER_COLUMNS = ("year", "n", "leak_count")
_FLOAT_COLUMNS = (
    "timepoint_weeks",
    "pre_center",
    "pre_spread_low",
    "pre_spread_high",
    "pre_sd",
    "post_center",
    "post_spread_low",
    "post_spread_high",
    "post_sd",
)
STAT_KINDS = ("median_iqr", "mean_sd", "mean_only")
UNVERIFIED_PREFIX = "UNVERIFIED-AUTHOR"

#: Flags derived from notes.md, in the order they are reported.
FLAG_COLUMNS = ("unverified_author", "mixed_etiology", "between_arm_p", "sd_or_se_doubt", "overlap_risk")

# (flag, study_id prefix, reason) from notes.md; between_arm_p and unverified_author are detected from the cells.
_STUDY_FLAGS = (
    (
        "mixed_etiology",
        "Gupta 2014",
        "mixed etiology: cancer-related 55%, osteoporotic 30%, minor trauma 15% (notes.md section 3)",
    ),
    (
        "sd_or_se_doubt",
        "Andresen 2017",
        "dispersions unusually small for a VAS; '±' may be an SE, not an SD (notes.md section 4e)",
    ),
    (
        "overlap_risk",
        "Andresen 2017",
        "same centre/authors as other Heide reports and Prokop 2016; patients may overlap (notes.md section 4d)",
    ),
    (
        "overlap_risk",
        "Prokop 2016",
        "multicentre with the Heide group (Andresen 2017); patients may overlap (notes.md section 4d)",
    ),
    (
        "overlap_risk",
        "Choi 2017",
        "same hospital and senior author as Heo & Park 2017 (not in this file); patients may overlap "
        "(notes.md section 4c); time points after day 1 inferred from a truncated abstract (section 4b)",
    ),
)


class StudiesError(ValueError):
    """The study table is malformed; ``problems`` lists every offending cell as 'file:line: column: message'."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        shown = "\n  ".join(self.problems[:20])
        more = f"\n  ... and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the study table:\n  {shown}{more}")


_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


def _parse_number(text: str, integer: bool) -> float | None:
    """A cell as a number: ASCII digits and a decimal point only (no ``2_9``, no other scripts' digits)."""
    text = text.strip()
    if text == "":
        return None
    if not _PLAIN_NUMBER.fullmatch(text):
        raise ValueError("not a plain decimal number")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    if integer and value != int(value):
        raise ValueError("not an integer")
    if integer and abs(value) > 2**53:
        raise ValueError("too large")
    return value


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line, cells), ...]) of a UTF-8 CSV (BOM allowed); StudiesError for anything unreadable."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise StudiesError(
            [f"{path}:{line}: (file): byte {data[error.start]:#04x} is not UTF-8 text; save the table as UTF-8"]
        ) from None
    previous = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise StudiesError([f"{path}:{start}: (row): not valid CSV: {error}"]) from None
    finally:
        csv.field_size_limit(previous)
    if not rows:
        raise StudiesError([f"{path}:1: (file): empty; expected a header naming {', '.join(STUDIES_COLUMNS)}"])
    return rows[0][1], rows[1:]


def load_studies(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate ``studies.csv``; return every row with ``row_id``, ``line``, ``label`` and flags.

    Checks: the header has exactly the expected columns; numeric cells are numbers (``year``, ``n``,
    ``leak_count`` integers; ``n`` positive or empty); ``stat_kind`` is one of median_iqr, mean_sd,
    mean_only; the spread cells match the kind (IQR bounds for medians with q1 <= median <= q3, an SD
    >= 0 for means, none for mean_only); ``source_url`` is an http(s) address. All problems are
    collected and raised together as :class:`StudiesError` naming file, line and column. Rows are
    never dropped. ``label`` is safe to print: rows whose authors are unverified are labelled without
    any author name.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The studies table; default the shipped ``data/literature/studies.csv`` (package data).

    Returns
    -------
    pandas.DataFrame
        Every row of the file with ``row_id``, ``line``, ``label`` and the flag columns added.

    Raises
    ------
    StudiesError
        Every problem at once, naming file, line and column.

    References
    ----------
    The studies and their sources are listed in ``data/literature/provenance.md``.

    Examples
    --------
    >>> studies = load_studies()
    >>> len(studies), studies.loc[0, "study_id"], int(studies.loc[0, "n"])
    (25, 'Dougherty 2014', 29)
    """
    path = Path(path) if path is not None else STUDIES_PATH
    problems: list[str] = []
    records: list[dict] = []
    header_cells, rows = _read_rows(path)
    header = [name.strip() for name in header_cells]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    missing = [c for c in STUDIES_COLUMNS if c not in header]
    extra = [c for c in header if c not in STUDIES_COLUMNS]
    if missing or extra or duplicated:
        problems += [f"{path}:1: {c}: expected column is missing" for c in missing]
        problems += [f"{path}:1: {c}: unexpected column" for c in extra]
        problems += [f"{path}:1: {c}: duplicated column (it appears {header.count(c)} times)" for c in duplicated]
        raise StudiesError(problems)
    position = {name: index for index, name in enumerate(header)}
    for row_id, (line, cells) in enumerate(rows, start=1):
        where = f"{path}:{line}"
        if len(cells) != len(header):
            problems.append(f"{where}: (row): wrong number of fields ({len(cells)}, the header has {len(header)})")
            continue
        rec: dict = {"row_id": row_id, "line": line}
        for col in STUDIES_COLUMNS:
            cell = cells[position[col]]
            if col in _INTEGER_COLUMNS or col in _FLOAT_COLUMNS:
                try:
                    rec[col] = _parse_number(cell, col in _INTEGER_COLUMNS)
                except ValueError as error:
                    kind = "an integer" if col in _INTEGER_COLUMNS else "a number"
                    shown = cell if len(cell) <= 60 else f"{cell[:60]}... ({len(cell):,} characters)"
                    problems.append(f"{where}: {col}: expected {kind} or empty, got {shown!r} ({error})")
                    rec[col] = None
            else:
                rec[col] = cell.strip()
        problems += [f"{where}: {msg}" for msg in _row_problems(rec)]
        records.append(rec)
    if problems:
        raise StudiesError(problems)
    frame = pd.DataFrame.from_records(records, columns=["row_id", "line", *STUDIES_COLUMNS])
    for col in _INTEGER_COLUMNS:
        frame[col] = pd.array([None if pd.isna(v) else int(v) for v in frame[col]], dtype="Int64")
    for col in _FLOAT_COLUMNS:
        frame[col] = pd.to_numeric(frame[col], errors="raise").astype(float)
    return _add_flags(frame)


def _row_problems(rec: dict) -> list[str]:
    out = []
    if not rec["study_id"]:
        out.append("study_id: empty")
    if not re.match(r"https?://\S+$", rec["source_url"]):
        out.append(f"source_url: expected an http(s) address, got {rec['source_url']!r}")
    if rec["n"] is not None and rec["n"] < 1:
        out.append(f"n: expected a positive integer or empty, got {rec['n']:g}")
    if rec["leak_count"] is not None and rec["leak_count"] < 0:
        out.append(f"leak_count: expected a count >= 0, got {rec['leak_count']:g}")
    if rec["leak_count"] is not None and rec["n"] is not None and rec["leak_count"] > rec["n"]:
        out.append(f"leak_count: {rec['leak_count']:g} exceeds n = {rec['n']:g}")
    kind = rec["stat_kind"]
    if kind not in STAT_KINDS:
        out.append(f"stat_kind: expected one of {', '.join(STAT_KINDS)}, got {kind!r}")
        return out
    if rec["pre_center"] is None:
        out.append("pre_center: every row needs a pre-procedure value")
    for side in ("pre", "post"):
        center, low, high, sd = (rec[f"{side}_{c}"] for c in ("center", "spread_low", "spread_high", "sd"))
        if kind == "median_iqr":
            if sd is not None:
                out.append(f"{side}_sd: a median_iqr row must not carry an SD")
            if center is None:
                if low is not None or high is not None:
                    out.append(f"{side}_spread_low/high: IQR given without a median")
                continue
            if low is None or high is None:
                out.append(f"{side}_spread_low/high: a median_iqr row needs both IQR bounds")
            elif not low <= center <= high:
                out.append(f"{side}_center: quartiles out of order (q1 {low:g}, median {center:g}, q3 {high:g})")
        else:
            if low is not None or high is not None:
                out.append(f"{side}_spread_low/high: a {kind} row must not carry IQR bounds")
            if kind == "mean_only" and sd is not None:
                out.append(f"{side}_sd: a mean_only row must not carry an SD")
            if kind == "mean_sd":
                if (center is None) != (sd is None):
                    out.append(f"{side}_sd: a mean_sd row needs the mean and the SD together")
                if sd is not None and sd < 0:
                    out.append(f"{side}_sd: an SD cannot be negative, got {sd:g}")
    return out


def _add_flags(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    unverified = frame["study_id"].str.startswith(UNVERIFIED_PREFIX)
    frame["label"] = [
        "[authors unverified] " + sid[len(UNVERIFIED_PREFIX) :].strip() if flag else sid
        for sid, flag in zip(frame["study_id"], unverified)
    ]
    flags = {name: np.zeros(len(frame), dtype=bool) for name in FLAG_COLUMNS}
    reasons: list[list[str]] = [[] for _ in range(len(frame))]
    for i, (sid, ptext, unv) in enumerate(zip(frame["study_id"], frame["p_value_text"], unverified)):
        if unv:
            flags["unverified_author"][i] = True
            reasons[i].append("authors not verified: never cite by an author name (notes.md section 3)")
        if "between-arm" in ptext:
            flags["between_arm_p"][i] = True
            reasons[i].append("printed p-value compares the arms, not pre vs post (notes.md section 2)")
        for name, prefix, why in _STUDY_FLAGS:
            if sid.startswith(prefix):
                flags[name][i] = True
                reasons[i].append(why)
    for name in FLAG_COLUMNS:
        frame[name] = flags[name]
    frame["flag_notes"] = ["; ".join(r) for r in reasons]
    return frame


def _scale_bounds(text: str) -> tuple[float, float] | None:
    match = re.search(r"(\d+(?:\.\d+)?)\s*[-\u2013]\s*(\d+(?:\.\d+)?)", text)
    return (float(match.group(1)), float(match.group(2))) if match else None


def pooling_table(
    studies: pd.DataFrame | None = None,
    *,
    timepoint: str | float = "first",
    r: float = 0.5,
    mean_method: str = "luo",
    sd_method: str | None = None,
    xi_eta: str = "formula",
    default_scale: tuple[float, float] | None = (0, 10),
    exclude_flags: Iterable[str] = (),
) -> pd.DataFrame:
    """One row per study arm at its first (or last) reported time point, ready for :func:`meta_analysis`.

    For each ``study_id`` the row with the smallest (``timepoint="first"``) or largest (``"last"``)
    ``timepoint_weeks`` is taken, or, when ``timepoint`` is a number of weeks, the row closest to it (ties go to
    the earlier row in the file); unknown weeks sort after known ones; ties by file order. One row per arm is the
    rule that keeps each patient once: the arm's other time points are the same patients again. Several rows
    of one arm at the same time point are different outcomes of the same patients (Dougherty: pain at
    rest, n = 29, and with activity, n = 13): the row with the largest n is used and the others are
    listed as not eligible, since pooling both would count patients twice.

    Means/SDs: ``mean_sd`` rows are used as reported; ``median_iqr`` rows are converted with
    :func:`estimate_mean_sd` (``mean_method``, ``sd_method``, ``xi_eta``), on the scale stated in the
    ``scale`` cell, or ``default_scale`` when none is stated (said so in ``conversion``). The effect is
    the raw mean change pre minus post (a decrease in pain is positive) with variance from the assumed
    pre/post correlation ``r`` (:func:`mean_change`).

    A row is eligible only with n, pre and post means and SDs; otherwise ``eligible`` is False and
    ``reason`` says why. ``exclude_flags`` (any of ``FLAG_COLUMNS``) marks flagged rows not eligible too,
    for sensitivity analyses. Rows are never silently dropped.

    Parameters
    ----------
    studies : pandas.DataFrame, optional
        As :func:`load_studies` returns it; default the shipped table.
    timepoint : "first", "last" or float, default "first"
        Which time point of each arm: the first, the last, or the one closest to this many weeks.
    r : float, default 0.5
        Assumed correlation of pre and post scores, for the variance of the mean change.
    mean_method : str, default "luo"
        How a median and IQR become a mean (:func:`estimate_mean_sd`).
    sd_method : str, optional
        How they become an SD; default the method :func:`estimate_mean_sd` chooses.
    xi_eta : {"formula", "table"}, default "formula"
        Wan's closed-form divisors or their table (:func:`estimate_mean_sd`).
    default_scale : (float, float) or None, default (0, 10)
        The score range assumed where a row states none (said so in ``conversion``).
    exclude_flags : iterable of str, default ()
        Rows with any of these flags (``FLAG_COLUMNS``) are not eligible.

    Returns
    -------
    pandas.DataFrame
        One row per study arm and outcome with the means, SDs, effect (pre minus post), its variance,
        ``eligible``, ``reason`` and ``conversion``.

    References
    ----------
    Wan X et al. (2014). Estimating the sample mean and standard deviation from the sample size, median, range
    and/or interquartile range. BMC Med Res Methodol 14:135. Luo D et al. (2018). Optimally estimating the
    sample mean from the sample size, median, mid-range, and/or mid-quartile range. Stat Methods Med Res
    27(6):1785-1805. Borenstein M et al. (2009). Introduction to Meta-Analysis, ch. 4 (the variance of a mean
    change from an assumed pre/post correlation).

    Examples
    --------
    >>> table = pooling_table()
    >>> int(table["eligible"].sum()), len(table)
    (9, 13)
    """
    target = None
    if isinstance(timepoint, (int, float)) and not isinstance(timepoint, bool):
        if not math.isfinite(timepoint) or timepoint < 0:
            raise ValueError(f"timepoint in weeks must be a finite number >= 0, got {timepoint!r}")
        target = float(timepoint)
    elif timepoint not in ("first", "last"):
        raise ValueError(f"timepoint must be 'first', 'last' or a follow-up in weeks, got {timepoint!r}")
    exclude_flags = tuple(exclude_flags)
    unknown = [f for f in exclude_flags if f not in FLAG_COLUMNS]
    if unknown:
        raise ValueError(f"exclude_flags must be among {FLAG_COLUMNS}, got {unknown}")
    if not -1 <= r <= 1:
        raise ValueError(f"r must lie in [-1, 1], got {r!r}")
    studies = load_studies() if studies is None else studies
    missing = [c for c in ("row_id", "label", *STUDIES_COLUMNS, *FLAG_COLUMNS) if c not in studies.columns]
    if missing:
        raise ValueError(f"studies lacks columns {missing}; use load_studies()")

    rows = []
    for _, arm in studies.groupby("study_id", sort=False):
        weeks = arm["timepoint_weeks"]
        key = (weeks - target).abs() if target is not None else (weeks if timepoint == "first" else -weeks)
        order = arm.assign(_unknown=weeks.isna(), _w=key)
        order = order.sort_values(["_unknown", "_w", "row_id"], kind="stable")
        chosen_week = order.iloc[0]["timepoint_weeks"]
        same = order[
            (order["timepoint_weeks"] == chosen_week) | (order["timepoint_weeks"].isna() & pd.isna(chosen_week))
        ]
        if pd.isna(chosen_week):
            same = order.iloc[:1]
        same = same.assign(_n=same["n"].astype("Float64").fillna(-1)).sort_values(
            ["_n", "row_id"], ascending=[False, True], kind="stable"
        )
        kept = same.iloc[0]
        rows.append(_pool_row(kept, r, mean_method, sd_method, xi_eta, default_scale, exclude_flags, None))
        for _, other in same.iloc[1:].iterrows():
            rows.append(
                _pool_row(
                    other,
                    r,
                    mean_method,
                    sd_method,
                    xi_eta,
                    default_scale,
                    exclude_flags,
                    f"another outcome of the same patients at this time point (row {int(kept['row_id'])} used)",
                )
            )
    out = pd.DataFrame(rows)
    return out.sort_values("row_id", kind="stable").reset_index(drop=True)


def _pool_row(
    row: pd.Series,
    r: float,
    mean_method: str,
    sd_method: str | None,
    xi_eta: str,
    default_scale,
    exclude_flags: tuple,
    duplicate_reason: str | None,
) -> dict:
    reasons: list[str] = [duplicate_reason] if duplicate_reason else []
    n = None if pd.isna(row["n"]) else int(row["n"])
    if n is None:
        reasons.append("n not reported")
    scale = _scale_bounds(row["scale"])
    scale_note = ""
    if scale is None and default_scale is not None:
        low, high = (float(x) for x in default_scale)
        scale = (low, high)
        scale_note = f"; scale range not stated, {scale[0]:g}-{scale[1]:g} assumed"
    values = {"mean_pre": np.nan, "sd_pre": np.nan, "mean_post": np.nan, "sd_post": np.nan}
    warnings: list[str] = []
    kind = row["stat_kind"]
    if pd.isna(row["post_center"]):
        reasons.append("post-procedure value not reported")
    if kind == "mean_sd":
        conversion = "reported mean (SD)"
        for side in ("pre", "post"):
            values[f"mean_{side}"] = row[f"{side}_center"]
            values[f"sd_{side}"] = row[f"{side}_sd"]
    elif kind == "mean_only":
        conversion = "reported mean only"
        values["mean_pre"] = row["pre_center"]
        values["mean_post"] = row["post_center"]
        reasons.append("no SD reported")
    else:
        conversion = "median (IQR) converted"
        if n is None:
            reasons.append("median (IQR) cannot be converted without n")
        else:
            for side in ("pre", "post"):
                if pd.isna(row[f"{side}_center"]):
                    continue
                try:
                    est = estimate_mean_sd(
                        n,
                        q1=row[f"{side}_spread_low"],
                        median=row[f"{side}_center"],
                        q3=row[f"{side}_spread_high"],
                        mean_method=mean_method,
                        sd_method=sd_method,
                        scale=scale,
                        xi_eta=xi_eta,
                    )
                except ValueError as exc:
                    reasons.append(f"{side}: conversion failed ({exc})")
                    continue
                values[f"mean_{side}"], values[f"sd_{side}"] = est.mean, est.sd
                conversion = (
                    f"median (IQR) converted: {est.mean_method} mean, {est.sd_method} SD "
                    f"({est.scenario}, {est.constants})"
                )
                warnings += [f"{side}: {w}" for w in est.warnings]
    if kind == "median_iqr":
        conversion += scale_note
    flagged = [f for f in exclude_flags if bool(row[f])]
    reasons += [f"excluded by flag {f}" for f in flagged]
    if not reasons and any(pd.isna(values[c]) for c in values):
        reasons.append("mean or SD missing")
    eligible = not reasons
    yi = vi = np.nan
    if eligible:
        eff = mean_change(values["mean_pre"], values["sd_pre"], values["mean_post"], values["sd_post"], n, r=r)
        yi, vi = float(eff["yi"].iloc[0]), float(eff["vi"].iloc[0])
    out = {
        "row_id": int(row["row_id"]),
        "study_id": row["study_id"],
        "label": row["label"],
        "year": row["year"],
        "n": row["n"],
        "stat_kind": kind,
        "timepoint_label": row["timepoint_label"],
        "timepoint_weeks": row["timepoint_weeks"],
        **{k: float(v) for k, v in values.items()},
        "conversion": conversion,
        "conversion_warnings": "; ".join(warnings),
        "r": float(r),
        "yi": yi,
        "vi": vi,
        "eligible": eligible,
        "reason": "; ".join(reasons),
    }
    out.update({f: bool(row[f]) for f in FLAG_COLUMNS})
    out["flag_notes"] = row["flag_notes"]
    out["source_url"] = row["source_url"]
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m sacro_kit.io.literature --write``: write ``studies.csv`` from the cards (``--check``: compare)."""
    import argparse
    import sys

    from sacro_kit.io.literature_cards import studies_csv_text

    parser = argparse.ArgumentParser(
        prog="python -m sacro_kit.io.literature",
        description="Build the literature table (studies.csv) from the studies' cards and their literature: blocks.",
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help=f"write the table to --out (default {STUDIES_PATH})")
    action.add_argument("--check", action="store_true", help="exit 1 if --out differs from what the cards give")
    action.add_argument("--print", action="store_true", help="write the table to standard output")
    parser.add_argument("--out", type=Path, default=STUDIES_PATH, help="the table's path")
    args = parser.parse_args(argv)
    text = studies_csv_text()
    if args.print:
        sys.stdout.write(text)
        return 0
    if args.check:
        same = args.out.is_file() and args.out.read_bytes() == text.encode("utf-8")
        print(f"{args.out}: {'is what the cards give' if same else 'differs from what the cards give; run --write'}")
        return 0 if same else 1
    args.out.write_bytes(text.encode("utf-8"))
    print(f"wrote {args.out} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
