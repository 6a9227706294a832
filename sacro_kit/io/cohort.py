"""Patient-level cohort files: the schema, a strict loader, and the attrition table.

A cohort is a comma-separated UTF-8 file with one row per patient and the columns of :data:`COHORT_COLUMNS`
(see ``data/README.md``). :func:`load_cohort` reads every cell as text and validates it itself, so that a problem
is reported with the file, the line (the header is line 1, as in a spreadsheet), the column, the offending value
and what was expected -- and every problem at once, never a silently dropped or coerced row.

>>> cohort = load_cohort()  # the shipped cohort; load_cohort("my_cohort.csv") reads yours
>>> attrition(cohort)["n"].tolist()
[57, 45, 29, 13]
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import math
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from sacro_kit.io.resources import default_cohort_path


@dataclass(frozen=True)
class Column:
    """One column of the cohort schema."""

    name: str
    type: str  # "id", "real", "boolean" or "integer"
    min: float | None
    max: float | None
    scale: str | None  # the scale name a reported card uses for it
    dtype: str
    description: str
    missing: str | None  # meaning of an empty cell; None = empty cells are not allowed


#: The cohort schema: column name -> :class:`Column` (type, range, dtype, what a missing cell means).
COHORT_COLUMNS: dict[str, Column] = {
    c.name: c
    for c in (
        Column(
            "patient_id",
            "id",
            None,
            None,
            None,
            "string",
            "pseudonymous patient identifier (non-empty text, unique)",
            None,
        ),
        Column(
            "pain_weeks",
            "real",
            0,
            None,
            "weeks",
            "Float64",
            "duration of pain before the procedure, weeks",
            "not recorded",
        ),
        Column(
            "followup_weeks",
            "real",
            0,
            None,
            "weeks",
            "Float64",
            "time from procedure to follow-up, weeks",
            "no follow-up",
        ),
        Column(
            "pain_decreased",
            "boolean",
            0,
            1,
            None,
            "boolean",
            "1 = pain decreased from initial pain at follow-up, 0 = it did not",
            "not recorded",
        ),
        Column(
            "rest_pre", "integer", 0, 10, "nrs", "Int64", "pain at rest before the procedure, NRS 0-10", "not recorded"
        ),
        Column(
            "rest_post", "integer", 0, 10, "nrs", "Int64", "pain at rest after the procedure, NRS 0-10", "not recorded"
        ),
        Column(
            "activity_pre",
            "integer",
            0,
            10,
            "nrs",
            "Int64",
            "pain with activity before the procedure, NRS 0-10",
            "not recorded",
        ),
        Column(
            "activity_post",
            "integer",
            0,
            10,
            "nrs",
            "Int64",
            "pain with activity after the procedure, NRS 0-10",
            "not recorded",
        ),
        Column(
            "opioids_pre",
            "integer",
            0,
            None,
            "count",
            "Int64",
            "opioids prescribed before the procedure",
            "not recorded",
        ),
        Column(
            "opioids_post",
            "integer",
            0,
            None,
            "count",
            "Int64",
            "opioids prescribed after the procedure",
            "not recorded",
        ),
    )
}

#: How many problems a CohortError message lists before summarising the rest.
MAX_LISTED = 20

#: Cell texts read as missing by default: empty (pandas' ``to_csv``, spreadsheets), ``NA`` (R's ``write.csv``),
#: ``N/A`` and ``#N/A`` (spreadsheets), ``.`` (Stata). Pass ``missing_values=`` to :func:`load_cohort` to change
#: them; a marker that reads as a number (``0``, ``-99``) is refused, because it would turn data into "missing".
MISSING_VALUES: tuple[str, ...] = ("", "NA", "N/A", "#N/A", ".")

#: Texts a boolean column accepts, and what they mean (case-insensitive for the words): 0/1, and the
#: ``True``/``False`` that pandas writes and the ``TRUE``/``FALSE`` that R and spreadsheets write.
BOOLEAN_TEXTS: dict[str, bool] = {"0": False, "1": True, "false": False, "true": True}

#: The largest magnitude an integer column holds (pandas' Int64).
INT64_MAX = 2**63 - 1


class CohortError(ValueError):
    """A cohort file that cannot be loaded as it stands; ``problems`` holds every :class:`Problem` found."""

    def __init__(self, path, problems: list[Problem]):
        self.path = str(path)
        self.problems = tuple(problems)
        listed = [f"  {p}" for p in self.problems[:MAX_LISTED]]
        if len(self.problems) > MAX_LISTED:
            listed.append(f"  ... and {len(self.problems) - MAX_LISTED} more")
        count = f"{len(self.problems)} problem{'s' * (len(self.problems) != 1)}"
        super().__init__(
            f"{self.path}: {count} (line numbers count the header as line 1, "
            f"as a spreadsheet numbers its rows):\n" + "\n".join(listed)
        )


class CohortWarning(UserWarning):
    """Something the loader accepted but you should know about (e.g. extra columns it did not validate)."""


@dataclass(frozen=True)
class Problem:
    """One problem in a cohort file, located as a spreadsheet user sees it."""

    line: int
    column: str | None  # None: the whole line
    letter: str | None  # spreadsheet column letter (A, B, ...)
    value: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.column is not None:
            where += f", column {self.column}" + (f" ({self.letter})" if self.letter else "")
        value = "" if self.value is None else f"{self.value!r} "
        return f"{where}: {value}{self.message}"


def _letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _expected(column: Column) -> str:
    if column.type == "id":
        return "expected a non-empty, unique patient identifier"
    if column.type == "boolean":
        what = "0 or 1 (or True/False)"
    else:
        noun = "an integer" if column.type == "integer" else "a number"
        if column.max is not None:
            what = f"{noun} from {column.min:g} to {column.max:g}"
        else:
            what = f"{noun} >= {column.min:g}"
    return f"expected {what} (empty = {column.missing})"


# --------------------------------------------------------------------------------------------------------------------
# Direct identifiers

# Header words that make a column a direct identifier. A column named only with person words and "name"
# (name, first_name, PatientName) is refused; "drug_name" is not.
_IDENTIFIER_TOKENS = {
    "mrn",
    "dob",
    "birth",
    "birthdate",
    "birthday",
    "dateofbirth",
    "address",
    "street",
    "zip",
    "zipcode",
    "postcode",
    "phone",
    "telephone",
    "mobile",
    "email",
    "ssn",
    "passport",
    "initials",
    "firstname",
    "lastname",
    "surname",
    "forename",
    "fullname",
    "givenname",
    "familyname",
    "medicalrecord",
}
_IDENTIFIER_PAIRS = {
    ("medical", "record"),
    ("record", "number"),
    ("hospital", "number"),
    ("chart", "number"),
    ("nhs", "number"),
    ("social", "security"),
    ("e", "mail"),
    ("postal", "code"),
    ("insurance", "number"),
}
_NAME_WORDS = {
    "patient",
    "patients",
    "first",
    "last",
    "full",
    "given",
    "family",
    "middle",
    "maiden",
    "sur",
    "name",
    "names",
}


def _tokens(header: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", header)
    return [t for t in re.split(r"[^a-z0-9]+", spaced.lower()) if t]


def _identifier_reason(header: str) -> str | None:
    tokens = _tokens(header)
    for token in tokens:
        if token in _IDENTIFIER_TOKENS:
            return token
    for pair in zip(tokens, tokens[1:]):
        if pair in _IDENTIFIER_PAIRS:
            return " ".join(pair)
    if tokens and ("name" in tokens or "names" in tokens) and set(tokens) <= _NAME_WORDS:
        return "name"
    return None


# --------------------------------------------------------------------------------------------------------------------
# Cells

# Only ASCII digits are digits: Arabic-Indic, Devanagari, fullwidth or mathematical digits are refused, not read.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
# Real columns also take an exponent, as pandas writes floats of 1e16 and more ("9.2e+18"): still exact decimals.
_REAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+", re.ASCII)


def _number(text: str, column: Column) -> tuple[object, str | None]:
    """(value, None) for a valid non-empty cell, or (None, what is wrong)."""
    if column.type == "id":
        return text, None
    if column.type == "boolean" and text.lower() in BOOLEAN_TEXTS:
        return BOOLEAN_TEXTS[text.lower()], None
    if not (_REAL if column.type == "real" else _DECIMAL).fullmatch(text):
        if _DECIMAL_COMMA.fullmatch(text):
            return None, f"uses a decimal comma; write a decimal point; {_expected(column)}"
        if any(ch.isdigit() for ch in text) and not text.isascii():
            return None, f"has digits that are not ASCII 0-9; {_expected(column)}"
        return None, f"is not a number; {_expected(column)}"
    exact = Decimal(text)
    if column.type in ("integer", "boolean") and exact != exact.to_integral_value():
        return None, f"is not a whole number; {_expected(column)}"
    if (column.min is not None and exact < Decimal(column.min)) or (
        column.max is not None and exact > Decimal(column.max)
    ):
        return None, f"is out of range; {_expected(column)}"
    if column.type == "real":
        value = float(exact)
        if not math.isfinite(value):
            return None, f"is too large to be represented (it would become infinity); {_expected(column)}"
        if value == 0 and exact != 0:
            return None, f"is too small to be represented (it would become 0); {_expected(column)}"
        return value, None
    if column.type == "boolean":
        return bool(int(exact)), None
    if abs(exact) > INT64_MAX:
        return None, f"is too large for a whole-number column (at most {INT64_MAX}); {_expected(column)}"
    return int(exact), None


# --------------------------------------------------------------------------------------------------------------------
# Loading


@contextlib.contextmanager
def _no_field_size_limit() -> Iterator[None]:
    """Lift the csv module's 131,072-character cell limit while reading (a long cell is reported by column)."""
    previous = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CohortError(
            path,
            [
                Problem(
                    line,
                    None,
                    None,
                    None,
                    f"byte {error.object[error.start]:#04x} is not UTF-8 text; save the file "
                    "as 'CSV UTF-8 (comma delimited)'",
                )
            ],
        ) from None


def _read_records(path: Path, text: str) -> list[tuple[int, list[str]]]:
    """(first line number, cells) for every record of the file; header included."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, start = [], 1
    with _no_field_size_limit():
        try:
            for cells in reader:
                records.append((start, cells))
                start = reader.line_num + 1
        except csv.Error as error:
            span = (
                f" (this record runs to line {reader.line_num}: an unclosed quote?)" if reader.line_num > start else ""
            )
            raise CohortError(path, [Problem(start, None, None, None, f"not valid CSV: {error}{span}")]) from None
    return records


def _check_header(header: list[str]) -> tuple[list[str], list[Problem]]:
    names = [name.strip() for name in header]
    problems: list[Problem] = []
    if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        separator = "semicolons" if ";" in names[0] else "tabs"
        problems.append(
            Problem(
                1,
                None,
                None,
                None,
                f"the header is separated by {separator}, not commas: this looks like a spreadsheet "
                "export in a locale that uses decimal commas. Export as 'CSV (comma delimited)' "
                "with decimal points, or convert the file",
            )
        )
        return names, problems
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            problems.append(Problem(1, None, _letter(index), None, f"column {_letter(index)} has no name"))
            continue
        if name in seen:
            problems.append(
                Problem(
                    1,
                    name,
                    _letter(index),
                    None,
                    f"duplicate column name; column {_letter(seen[name])} has the same name",
                )
            )
        seen.setdefault(name, index)
        reason = _identifier_reason(name)
        if reason is not None and name not in COHORT_COLUMNS:
            problems.append(
                Problem(
                    1,
                    name,
                    _letter(index),
                    None,
                    f"looks like a direct identifier ({reason}). Remove this column (and any other "
                    "identifying data) before loading: a cohort file carries only a pseudonymous "
                    "patient_id",
                )
            )
    for name in COHORT_COLUMNS:
        if name not in seen:
            close = difflib.get_close_matches(name, [n for n in names if n not in COHORT_COLUMNS], n=1)
            hint = f"; did you mean {close[0]!r}? Rename it to {name!r}" if close else ""
            problems.append(
                Problem(
                    1,
                    name,
                    None,
                    None,
                    f"required column is missing{hint}. Required columns: {', '.join(COHORT_COLUMNS)}",
                )
            )
    return names, problems


def _missing_markers(missing_values: Iterable[str]) -> frozenset[str]:
    if isinstance(missing_values, str):
        raise TypeError("missing_values must be a collection of strings, e.g. ('', 'NA'), not one string")
    markers = []
    for marker in missing_values:
        if not isinstance(marker, str):
            raise TypeError(f"missing_values must hold strings; got {marker!r}")
        text = marker.strip()
        if _REAL.fullmatch(text) or text.lower() in BOOLEAN_TEXTS:
            raise ValueError(
                f"{marker!r} cannot be a missing-value marker: it reads as a value, so real data "
                "would silently become missing"
            )
        markers.append(text)
    return frozenset(markers)


def _row_labels(names: list[str], records: list[tuple[int, list[str]]]) -> bool:
    """True if column A is an unnamed column of row numbers 0..n-1 or 1..n (pandas' index, R's row names)."""
    if len(names) < 2 or names[0] or any(len(cells) != len(names) for _, cells in records[1:]):
        return False
    labels = [cells[0].strip() for _, cells in records[1:]]
    return bool(labels) and any(labels == [str(start + i) for i in range(len(labels))] for start in (0, 1))


_FAST_NUMBER_BYTES = np.frombuffer(b"0123456789.+-eE\0", dtype=np.uint8)
#: Above this many distinct texts in a numeric column, cells are checked by vectorised byte tests, not one by one.
_FAST_DISTINCT_LIMIT = 20_000


def _every_record_has(text: str, fields: int) -> bool:
    """Whether every record has exactly ``fields`` cells (pandas pads a short row with empty cells)."""
    if '"' in text:
        with _no_field_size_limit():
            return all(len(cells) == fields for cells in csv.reader(io.StringIO(text, newline="")))
    octets = np.frombuffer(text.encode(), dtype=np.uint8)
    ends = np.flatnonzero(octets == ord("\n"))
    if not len(ends) or ends[-1] != len(octets) - 1:
        ends = np.append(ends, len(octets))
    commas = np.searchsorted(np.flatnonzero(octets == ord(",")), ends)
    return bool((np.diff(commas, prepend=0) == fields - 1).all())


def _fast_numbers(texts: np.ndarray, column: Column, markers: frozenset[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """(values, missing) of one numeric or boolean column, or None if any cell needs the exact path."""
    codes, distinct = pd.factorize(texts)
    if len(distinct) <= _FAST_DISTINCT_LIMIT:
        values = np.zeros(len(distinct) + 1)
        missing = np.zeros(len(distinct) + 1, dtype=bool)
        for index, text in enumerate(distinct):
            text = text.strip()
            if text in markers:
                missing[index] = True
                continue
            value, wrong = _number(text, column)
            if wrong is not None:
                return None
            values[index] = float(value)  # type: ignore[arg-type]  # a number: _number checked the cell
        return values[codes], missing[codes]
    if column.type != "real":
        return None
    try:
        octets = np.asarray(texts, dtype="S")
    except UnicodeEncodeError:
        return None
    if octets.dtype.itemsize > 15:
        return None
    marker_bytes = [m.encode() for m in markers if m.isascii()]
    missing = np.isin(octets, marker_bytes)
    present = octets[~missing]
    if not np.isin(present.view(np.uint8), _FAST_NUMBER_BYTES).all():
        return None
    values = np.zeros(len(octets))
    try:
        values[~missing] = present.astype(np.float64)
    except ValueError:
        return None
    checked = values[~missing]
    if (column.min is not None and (checked < column.min).any()) or (
        column.max is not None and (checked > column.max).any()
    ):
        return None
    return values, missing


def _fast_frame(text: str, markers: frozenset[str]) -> pd.DataFrame | None:
    """The loaded cohort for a plainly valid file, by vectorised checks; None to let the exact path decide.

    Each distinct cell text is checked once by the same rules as the cell-by-cell path; a file with anything
    unusual (quoted line breaks, ragged rows, a header the exact path would warn or refuse about, an invalid cell)
    goes to the exact path, which reports every problem with its line. Both paths return the same frame.
    """
    if not text or ("\r" in text and text.count("\r") != text.count("\r\n")):
        return None
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (ValueError, pd.errors.ParserError, csv.Error):
        return None
    lines = text.count("\n") + (not text.endswith("\n"))
    if len(raw) != lines or len(raw) < 2:
        return None
    names = list(raw.iloc[0])
    if any(name != name.strip() for name in names) or not _every_record_has(text, len(names)):
        return None
    _, problems = _check_header(names)
    if problems:
        return None
    body = raw.iloc[1:].reset_index(drop=True)
    position = {name: index for index, name in enumerate(names)}
    columns: dict[str, object] = {}
    for name, column in COHORT_COLUMNS.items():
        texts = body[position[name]].to_numpy(dtype=object)
        if column.type == "id":
            ids = np.asarray(texts, dtype=str)
            if (
                (np.strings.strip(ids) != ids).any()
                or np.isin(ids, list(markers)).any()
                or len(pd.unique(texts)) != len(texts)
            ):
                return None
            columns[name] = pd.array(texts, dtype="string")
            continue
        parsed = _fast_numbers(texts, column, markers)
        if parsed is None:
            return None
        values, missing = parsed
        if column.type == "real":
            columns[name] = pd.arrays.FloatingArray(values, missing)
        elif column.type == "boolean":
            columns[name] = pd.arrays.BooleanArray(values.astype(bool), missing)
        else:
            columns[name] = pd.arrays.IntegerArray(values.astype(np.int64), missing)
    frame = pd.DataFrame(columns)
    for name in [n for n in names if n not in COHORT_COLUMNS]:
        frame[name] = pd.array(body[position[name]].to_numpy(dtype=object), dtype="string")
    frame.attrs["lines"] = list(range(2, len(frame) + 2))
    return frame


def _exact_frame(path: Path, text: str, markers: frozenset[str]) -> pd.DataFrame:
    """The cohort read cell by cell with exact decimal arithmetic; raises CohortError listing every problem."""
    records = _read_records(path, text)
    while records and not any(cell.strip() for cell in records[-1][1]):
        records.pop()
    if not records:
        raise CohortError(
            path,
            [
                Problem(
                    1,
                    None,
                    None,
                    None,
                    f"the file is empty; expected a header line naming the columns {', '.join(COHORT_COLUMNS)}",
                )
            ],
        )
    if not any(cell.strip() for cell in records[0][1]):
        raise CohortError(
            path,
            [Problem(1, None, None, None, "the first line is empty; the header naming the columns must be line 1")],
        )
    if _row_labels([c.strip() for c in records[0][1]], records):
        warnings.warn(
            f"{path}: column A has no name and holds the row numbers 1..n or 0..n-1 (a pandas index or "
            "R's row names); it was not loaded. Write the file with index=False (pandas) or "
            "row.names=FALSE (R) to avoid this",
            CohortWarning,
            stacklevel=3,
        )
        records = [(line, cells[1:]) for line, cells in records]
    names, problems = _check_header(records[0][1])
    if problems:
        raise CohortError(path, problems)
    if len(records) == 1:
        raise CohortError(
            path,
            [Problem(1, None, None, None, "the header has no data rows below it; a cohort needs at least one patient")],
        )

    position = {name: index for index, name in enumerate(names)}
    extra = [name for name in names if name not in COHORT_COLUMNS]
    values: dict[str, list] = {name: [] for name in COHORT_COLUMNS}
    raw_extra: dict[str, list[str]] = {name: [] for name in extra}
    lines: list[int] = []
    first_line_of_id: dict[str, int] = {}
    for line, cells in records[1:]:
        if not any(cell.strip() for cell in cells):
            problems.append(Problem(line, None, None, None, "empty line between data rows; delete it or fill it in"))
            continue
        if len(cells) != len(names):
            cells_text = f"{len(cells)} cell{'s' * (len(cells) != 1)}"
            problems.append(
                Problem(
                    line,
                    None,
                    None,
                    None,
                    f"has {cells_text} but the header has {len(names)}; check for a stray or missing comma",
                )
            )
            continue
        lines.append(line)
        for name, column in COHORT_COLUMNS.items():
            index = position[name]
            text_cell = cells[index].strip()
            if text_cell in markers:
                if column.missing is None:
                    what = "is empty" if not text_cell else "is a missing-value marker"
                    problems.append(Problem(line, name, _letter(index), cells[index], f"{what}; {_expected(column)}"))
                values[name].append(pd.NA)
                continue
            value, wrong = _number(text_cell, column)
            if wrong is not None:
                problems.append(Problem(line, name, _letter(index), _shown(cells[index]), wrong))
            elif column.type == "id":
                if text_cell in first_line_of_id:
                    problems.append(
                        Problem(
                            line,
                            name,
                            _letter(index),
                            text_cell,
                            f"duplicates the patient_id on line {first_line_of_id[text_cell]}; "
                            "patient ids must be unique",
                        )
                    )
                first_line_of_id.setdefault(text_cell, line)
            values[name].append(value)
        for name in extra:
            raw_extra[name].append(cells[position[name]])
    if problems:
        raise CohortError(path, problems)

    frame = pd.DataFrame({name: pd.array(values[name], dtype=column.dtype) for name, column in COHORT_COLUMNS.items()})
    for name in extra:
        frame[name] = pd.array(raw_extra[name], dtype="string")
    frame.attrs["lines"] = list(lines)
    return frame


def _shown(cell: str, limit: int = 60) -> str:
    """A cell as an error message quotes it: long cells are cut, with their length said."""
    return cell if len(cell) <= limit else f"{cell[:limit]}... ({len(cell):,} characters)"


def load_cohort(path: str | Path | None = None, *, missing_values: Iterable[str] = MISSING_VALUES) -> pd.DataFrame:
    """Load and validate a cohort CSV (default ``$SACRO_KIT_COHORT`` or ``data/cohort_reconstructed.csv``).

    Returns one row per data line in file order: the schema columns in :data:`COHORT_COLUMNS` order with nullable
    dtypes (``string``, ``Float64``, ``boolean``, ``Int64``; missing cells are ``<NA>``, never 0), then any extra
    columns unchanged as text. ``attrs``: ``source`` (the path), ``extra_columns`` (their names), ``lines`` (the
    file line of each row, header = line 1). Extra columns also raise a :class:`CohortWarning`.

    Rules: UTF-8 with or without BOM, any line endings; cells are trimmed; a cell equal to one of
    ``missing_values`` (default :data:`MISSING_VALUES`: empty, ``NA``, ``N/A``, ``#N/A``, ``.``) is missing, and
    a marker that reads as a number is refused; numbers use ASCII digits and a decimal point (no decimal commas,
    no other scripts' digits; only real columns take an exponent, as pandas writes floats from 1e16 up);
    integer columns accept "7" or "7.0" but not "7.5"; boolean columns
    accept 0/1 and True/False in any case; values too large for their column, or that would become infinite or
    0 as floats, are errors; fully empty lines at the end of the file are ignored, elsewhere they are an error; a
    header with no data rows is an error; an unnamed first column of row numbers (what ``DataFrame.to_csv()`` and
    R's ``write.csv`` add) is skipped with a :class:`CohortWarning`. Every problem is collected and raised
    together as :class:`CohortError`. What this loader returns, written with ``DataFrame.to_csv()``, loads again
    to the same frame.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The file; default ``$SACRO_KIT_COHORT`` if set, else the shipped
        reconstructed Dougherty 2014 cohort (package data).
    missing_values : iterable of str, default ("", "NA", "N/A", "#N/A", ".")
        Cell texts that mean missing.

    Returns
    -------
    pandas.DataFrame
        One row per patient, the :data:`COHORT_COLUMNS` with nullable dtypes, then any extra columns as text.

    Raises
    ------
    CohortError
        Every problem in the file at once, each with file, line, column, value and what was expected.

    Examples
    --------
    >>> import sacro_kit as sk
    >>> cohort = sk.load_cohort()
    >>> cohort.dtypes["rest_pre"]
    Int64Dtype()
    """
    markers = _missing_markers(missing_values)
    path = Path(path) if path is not None else default_cohort_path()
    if not path.is_file():
        raise FileNotFoundError(f"no cohort file at {path} (set SACRO_KIT_COHORT or pass a path)")
    text = _decode(path)
    frame = _fast_frame(text, markers)
    if frame is None:
        frame = _exact_frame(path, text, markers)
    extra = [name for name in frame.columns if name not in COHORT_COLUMNS]
    frame.attrs["source"] = str(path)
    frame.attrs["extra_columns"] = list(extra)
    if extra:
        warnings.warn(
            f"{path}: extra columns kept as text, not validated: {', '.join(extra)} "
            "(listed in df.attrs['extra_columns'])",
            CohortWarning,
            stacklevel=2,
        )
    return frame


# --------------------------------------------------------------------------------------------------------------------
# Attrition

_STAGES = (
    ("treated", "treated", (), "every row of the cohort"),
    ("followed up", "followed_up", ("followup_weeks",), "followup_weeks recorded"),
    ("rest pain pre and post", "rest_pain", ("rest_pre", "rest_post"), "rest_pre and rest_post both recorded"),
    (
        "activity pain pre and post",
        "activity_pain",
        ("activity_pre", "activity_post"),
        "activity_pre and activity_post both recorded",
    ),
)


def attrition(cohort: pd.DataFrame) -> pd.DataFrame:
    """How many patients remain at each stage of the analysis, and where the others went.

    Stages: treated (all rows), followed up (``followup_weeks`` recorded), rest pain pre and post both recorded,
    activity pain pre and post both recorded. Each stage counts the rows meeting *its own* criterion, so the counts
    match the n a paper prints, and the table shows how the stages overlap instead of assuming they nest:
    ``lost_from_previous`` = rows of the previous stage not in this one, ``not_in_previous`` = rows of this stage
    absent from the previous one, ``without_followup`` = rows of this stage with no follow-up time (post scores
    without a follow-up time are shown, not hidden). ``claim`` is the matching key of a reported card.

    Parameters
    ----------
    cohort : pandas.DataFrame
        A cohort as :func:`load_cohort` returns it.

    Returns
    -------
    pandas.DataFrame
        One row per stage: ``stage, claim, n, lost_from_previous, not_in_previous, without_followup, note``.

    References
    ----------
    Dougherty RW et al. (2014). J NeuroIntervent Surg 6(1):57-60: 57 treated, 45 followed up, pain at rest
    pre and post for 29 and with activity for 13 -- the counts of the shipped cohort below.

    Examples
    --------
    >>> attrition(load_cohort())[["stage", "n"]]
                            stage   n
    0                     treated  57
    1                 followed up  45
    2      rest pain pre and post  29
    3  activity pain pre and post  13
    """
    missing = [c for stage in _STAGES for c in stage[2] if c not in cohort.columns]
    if missing:
        raise ValueError(f"attrition needs cohort columns {', '.join(dict.fromkeys(missing))}")
    followed = cohort["followup_weeks"].notna()
    rows, previous = [], None
    for stage, claim, columns, criterion in _STAGES:
        member = cohort[list(columns)].notna().all(axis=1) if columns else pd.Series(True, index=cohort.index)
        member = member.astype(bool)
        without_followup = int((member & ~followed).sum())
        note = criterion
        if columns and stage != "followed up" and without_followup:
            note += f"; {without_followup} of these have no follow-up time"
        lost = None if previous is None else int((previous & ~member).sum())
        new = None if previous is None else int((member & ~previous).sum())
        if new:
            note += f"; {new} not in the previous stage (the stages do not nest)"
        rows.append((stage, claim, int(member.sum()), lost, new, without_followup, note))
        previous = member
    table = pd.DataFrame(
        rows, columns=["stage", "claim", "n", "lost_from_previous", "not_in_previous", "without_followup", "note"]
    )
    for column in ("lost_from_previous", "not_in_previous"):
        table[column] = table[column].astype("Int64")
    return table
