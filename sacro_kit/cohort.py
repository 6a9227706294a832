"""Patient-level cohort files: the schema, a strict loader, and the attrition table.

A cohort is a comma-separated UTF-8 file with one row per patient and the columns of :data:`COHORT_COLUMNS`
(see ``data/README.md``). :func:`load_cohort` reads every cell as text and validates it itself, so that a problem
is reported with the file, the line (the header is line 1, as in a spreadsheet), the column, the offending value
and what was expected -- and every problem at once, never a silently dropped or coerced row.

>>> cohort = load_cohort("data/cohort_reconstructed.csv")    # doctest: +SKIP
>>> attrition(cohort)                                          # doctest: +SKIP
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import warnings
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from sacro_kit.config import default_cohort_path


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


COHORT_COLUMNS: dict[str, Column] = {
    c.name: c
    for c in (
        Column("patient_id", "id", None, None, None, "string",
               "pseudonymous patient identifier (non-empty text, unique)", None),
        Column("pain_weeks", "real", 0, None, "weeks", "Float64",
               "duration of pain before the procedure, weeks", "not recorded"),
        Column("followup_weeks", "real", 0, None, "weeks", "Float64",
               "time from procedure to follow-up, weeks", "no follow-up"),
        Column("pain_decreased", "boolean", 0, 1, None, "boolean",
               "1 = pain decreased from initial pain at follow-up, 0 = it did not", "not recorded"),
        Column("rest_pre", "integer", 0, 10, "nrs", "Int64",
               "pain at rest before the procedure, NRS 0-10", "not recorded"),
        Column("rest_post", "integer", 0, 10, "nrs", "Int64",
               "pain at rest after the procedure, NRS 0-10", "not recorded"),
        Column("activity_pre", "integer", 0, 10, "nrs", "Int64",
               "pain with activity before the procedure, NRS 0-10", "not recorded"),
        Column("activity_post", "integer", 0, 10, "nrs", "Int64",
               "pain with activity after the procedure, NRS 0-10", "not recorded"),
        Column("opioids_pre", "integer", 0, None, "count", "Int64",
               "opioids prescribed before the procedure", "not recorded"),
        Column("opioids_post", "integer", 0, None, "count", "Int64",
               "opioids prescribed after the procedure", "not recorded"),
    )
}

#: How many problems a CohortError message lists before summarising the rest.
MAX_LISTED = 20


class CohortError(ValueError):
    """A cohort file that cannot be loaded as it stands; ``problems`` holds every :class:`Problem` found."""

    def __init__(self, path, problems: list["Problem"]):
        self.path = str(path)
        self.problems = tuple(problems)
        listed = [f"  {p}" for p in self.problems[:MAX_LISTED]]
        if len(self.problems) > MAX_LISTED:
            listed.append(f"  ... and {len(self.problems) - MAX_LISTED} more")
        count = f"{len(self.problems)} problem{'s' * (len(self.problems) != 1)}"
        super().__init__(f"{self.path}: {count} (line numbers count the header as line 1, "
                         f"as a spreadsheet numbers its rows):\n" + "\n".join(listed))


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
        what = "0 or 1"
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
    "mrn", "dob", "birth", "birthdate", "birthday", "dateofbirth", "address", "street", "zip", "zipcode",
    "postcode", "phone", "telephone", "mobile", "email", "ssn", "passport", "initials", "firstname",
    "lastname", "surname", "forename", "fullname", "givenname", "familyname", "medicalrecord",
}
_IDENTIFIER_PAIRS = {("medical", "record"), ("record", "number"), ("hospital", "number"), ("chart", "number"),
                     ("nhs", "number"), ("social", "security"), ("e", "mail"), ("postal", "code"),
                     ("insurance", "number")}
_NAME_WORDS = {"patient", "patients", "first", "last", "full", "given", "family", "middle", "maiden", "sur", "name",
               "names"}


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

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def _number(text: str, column: Column) -> tuple[object, str | None]:
    """(value, None) for a valid non-empty cell, or (None, what is wrong)."""
    if column.type == "id":
        return text, None
    if not _DECIMAL.fullmatch(text):
        if re.fullmatch(r"[+-]?\d+,\d+", text):
            return None, f"uses a decimal comma; write a decimal point; {_expected(column)}"
        return None, f"is not a number; {_expected(column)}"
    exact = Decimal(text)
    if column.type in ("integer", "boolean") and exact != exact.to_integral_value():
        return None, f"is not a whole number; {_expected(column)}"
    if (column.min is not None and exact < Decimal(column.min)) or (
            column.max is not None and exact > Decimal(column.max)):
        return None, f"is out of range; {_expected(column)}"
    if column.type == "real":
        return float(exact), None
    if column.type == "boolean":
        return bool(int(exact)), None
    return int(exact), None


# --------------------------------------------------------------------------------------------------------------------
# Loading


def _read_records(path: Path) -> list[tuple[int, list[str]]]:
    """(first line number, cells) for every record of the file; header included."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise CohortError(path, [Problem(line, None, None, None,
                                         f"byte {error.object[error.start]:#04x} is not UTF-8 text; save the file "
                                         "as 'CSV UTF-8 (comma delimited)'")]) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, start = [], 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        span = f" (this record runs to line {reader.line_num}: an unclosed quote?)" if reader.line_num > start else ""
        raise CohortError(path, [Problem(start, None, None, None, f"not valid CSV: {error}{span}")]) from None
    return records


def _check_header(header: list[str]) -> tuple[list[str], list[Problem]]:
    names = [name.strip() for name in header]
    problems: list[Problem] = []
    if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        separator = "semicolons" if ";" in names[0] else "tabs"
        problems.append(Problem(1, None, None, None,
                                f"the header is separated by {separator}, not commas: this looks like a spreadsheet "
                                "export in a locale that uses decimal commas. Export as 'CSV (comma delimited)' "
                                "with decimal points, or convert the file"))
        return names, problems
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            problems.append(Problem(1, None, _letter(index), None, f"column {_letter(index)} has no name"))
            continue
        if name in seen:
            problems.append(Problem(1, name, _letter(index), None,
                                    f"duplicate column name; column {_letter(seen[name])} has the same name"))
        seen.setdefault(name, index)
        reason = _identifier_reason(name)
        if reason is not None and name not in COHORT_COLUMNS:
            problems.append(Problem(1, name, _letter(index), None,
                                    f"looks like a direct identifier ({reason}). Remove this column (and any other "
                                    "identifying data) before loading: a cohort file carries only a pseudonymous "
                                    "patient_id"))
    for name in COHORT_COLUMNS:
        if name not in seen:
            close = difflib.get_close_matches(name, [n for n in names if n not in COHORT_COLUMNS], n=1)
            hint = f"; did you mean {close[0]!r}? Rename it to {name!r}" if close else ""
            problems.append(Problem(1, name, None, None,
                                    f"required column is missing{hint}. Required columns: "
                                    f"{', '.join(COHORT_COLUMNS)}"))
    return names, problems


def load_cohort(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate a cohort CSV (default ``$SACRO_KIT_COHORT`` or ``data/cohort_reconstructed.csv``).

    Returns one row per data line in file order: the schema columns in :data:`COHORT_COLUMNS` order with nullable
    dtypes (``string``, ``Float64``, ``boolean``, ``Int64``; empty cells are ``<NA>``, never 0), then any extra
    columns unchanged as text. ``attrs``: ``source`` (the path), ``extra_columns`` (their names), ``lines`` (the
    file line of each row, header = line 1). Extra columns also raise a :class:`CohortWarning`.

    Rules: UTF-8 with or without BOM, any line endings; cells are trimmed and a whitespace-only cell is empty;
    integer columns accept "7" or "7.0" (integral) but not "7.5"; no exponents, no decimal commas; fully empty
    lines at the end of the file are ignored, elsewhere they are an error; a header with no data rows is an error.
    Every problem is collected and raised together as :class:`CohortError`.

    >>> load_cohort("my_cohort.csv").dtypes["rest_pre"]       # doctest: +SKIP
    Int64Dtype()
    """
    path = Path(path) if path is not None else default_cohort_path()
    if not path.is_file():
        raise FileNotFoundError(f"no cohort file at {path} (set SACRO_KIT_COHORT or pass a path)")
    records = _read_records(path)
    while records and not any(cell.strip() for cell in records[-1][1]):
        records.pop()
    if not records:
        raise CohortError(path, [Problem(1, None, None, None, "the file is empty; expected a header line naming "
                                                               f"the columns {', '.join(COHORT_COLUMNS)}")])
    if not any(cell.strip() for cell in records[0][1]):
        raise CohortError(path, [Problem(1, None, None, None, "the first line is empty; the header naming the "
                                                               "columns must be line 1")])
    names, problems = _check_header(records[0][1])
    if problems:
        raise CohortError(path, problems)
    if len(records) == 1:
        raise CohortError(path, [Problem(1, None, None, None, "the header has no data rows below it; a cohort "
                                                               "needs at least one patient")])

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
            problems.append(Problem(line, None, None, None, f"has {cells_text} but the header has {len(names)}; "
                                                            "check for a stray or missing comma"))
            continue
        lines.append(line)
        for name, column in COHORT_COLUMNS.items():
            index = position[name]
            text = cells[index].strip()
            if not text:
                if column.missing is None:
                    problems.append(Problem(line, name, _letter(index), cells[index], f"is empty; {_expected(column)}"))
                values[name].append(pd.NA)
                continue
            value, wrong = _number(text, column)
            if wrong is not None:
                problems.append(Problem(line, name, _letter(index), cells[index], wrong))
            elif column.type == "id":
                if text in first_line_of_id:
                    problems.append(Problem(line, name, _letter(index), text,
                                            f"duplicates the patient_id on line {first_line_of_id[text]}; "
                                            "patient ids must be unique"))
                first_line_of_id.setdefault(text, line)
            values[name].append(value)
        for name in extra:
            raw_extra[name].append(cells[position[name]])
    if problems:
        raise CohortError(path, problems)

    frame = pd.DataFrame({name: pd.array(values[name], dtype=column.dtype)
                          for name, column in COHORT_COLUMNS.items()})
    for name in extra:
        frame[name] = pd.array(raw_extra[name], dtype="string")
    frame.attrs["source"] = str(path)
    frame.attrs["extra_columns"] = list(extra)
    frame.attrs["lines"] = list(lines)
    if extra:
        warnings.warn(f"{path}: extra columns kept as text, not validated: {', '.join(extra)} "
                      "(listed in df.attrs['extra_columns'])", CohortWarning, stacklevel=2)
    return frame


# --------------------------------------------------------------------------------------------------------------------
# Attrition

_STAGES = (
    ("treated", "treated", (), "every row of the cohort"),
    ("followed up", "followed_up", ("followup_weeks",), "followup_weeks recorded"),
    ("rest pain pre and post", "rest_pain", ("rest_pre", "rest_post"), "rest_pre and rest_post both recorded"),
    ("activity pain pre and post", "activity_pain", ("activity_pre", "activity_post"),
     "activity_pre and activity_post both recorded"),
)


def attrition(cohort: pd.DataFrame) -> pd.DataFrame:
    """How many patients remain at each stage of the analysis, and where the others went.

    Stages: treated (all rows), followed up (``followup_weeks`` recorded), rest pain pre and post both recorded,
    activity pain pre and post both recorded. Each stage counts the rows meeting *its own* criterion, so the counts
    match the n a paper prints, and the table shows how the stages overlap instead of assuming they nest:
    ``lost_from_previous`` = rows of the previous stage not in this one, ``not_in_previous`` = rows of this stage
    absent from the previous one, ``without_followup`` = rows of this stage with no follow-up time (post scores
    without a follow-up time are shown, not hidden). ``claim`` is the matching key of a reported card.

    >>> attrition(load_cohort())[["stage", "n"]]                 # doctest: +SKIP
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
    table = pd.DataFrame(rows, columns=["stage", "claim", "n", "lost_from_previous", "not_in_previous",
                                        "without_followup", "note"])
    for column in ("lost_from_previous", "not_in_previous"):
        table[column] = table[column].astype("Int64")
    return table
