"""The cohort loader: every malformed file is refused with its file, line and column; good files load exactly."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from sacro_kit.io import resources as config
from sacro_kit.io.cohort import COHORT_COLUMNS, MAX_LISTED, CohortError, CohortWarning, attrition, load_cohort

HEADER = ",".join(COHORT_COLUMNS)
# patient_id,pain_weeks,followup_weeks,pain_decreased,rest_pre,rest_post,activity_pre,activity_post,opioids_pre,...
GOOD_ROWS = [
    "P01,3,2.5,1,7,2,10,6,1,0",
    "P02,,,,,,,,2,2",            # no follow-up, nothing recorded but opioids
    "P03,2.0,1,0,8,3,,,1,1",     # "2.0" weeks; rest only
    "P04,5,5,1,4,1,9,4,0,0",
]
GOOD = HEADER + "\n" + "\n".join(GOOD_ROWS) + "\n"


def _write(tmp_path: Path, text: str | bytes, name: str = "cohort.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def _with_row(row: str, *, at: int = 1) -> str:
    """GOOD with one data row replaced (``at`` is 0-based among data rows; file line = at + 2)."""
    rows = list(GOOD_ROWS)
    rows[at] = row
    return HEADER + "\n" + "\n".join(rows) + "\n"


def _refused(path: Path, *located: str) -> CohortError:
    with pytest.raises(CohortError) as raised:
        load_cohort(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: "), message
    assert "count the header as line 1" in message
    for text in located:
        assert text in message, message
    return raised.value


# ---------------------------------------------------------------------------------------------------------------------
# Good files


def test_good_cohort_values_and_dtypes(tmp_path):
    path = _write(tmp_path, GOOD)
    cohort = load_cohort(path)
    assert list(cohort.columns) == list(COHORT_COLUMNS)
    assert {c: str(t) for c, t in cohort.dtypes.items()} == {c: spec.dtype for c, spec in COHORT_COLUMNS.items()}
    assert len(cohort) == len(path.read_text(encoding="utf-8").splitlines()) - 1  # no row lost: one per data line
    assert cohort.attrs == {"source": str(path), "extra_columns": [], "lines": [2, 3, 4, 5]}
    assert cohort["patient_id"].tolist() == ["P01", "P02", "P03", "P04"]
    assert cohort["pain_weeks"].tolist()[:1] == [3.0] and cohort["pain_weeks"].isna().tolist() == [
        False, True, False, False]
    assert cohort.loc[0, "followup_weeks"] == 2.5 and cohort.loc[2, "pain_weeks"] == 2.0
    assert cohort["pain_decreased"].tolist()[0] is True and cohort.loc[2, "pain_decreased"] == False  # noqa: E712
    assert cohort["rest_pre"].tolist()[0] == 7
    # empty cells are missing, never zero
    row = cohort.iloc[1]
    assert all(row[c] is pd.NA for c in COHORT_COLUMNS if c not in ("patient_id", "opioids_pre", "opioids_post"))
    assert (row["opioids_pre"], row["opioids_post"]) == (2, 2)


def test_round_trip(tmp_path):
    first = load_cohort(_write(tmp_path, GOOD))
    text = first.astype({"pain_decreased": "Int64"}).to_csv(index=False, na_rep="")
    second = load_cohort(_write(tmp_path, text, "again.csv"))
    pd.testing.assert_frame_equal(first, second)


def test_bom_and_crlf_load_like_the_plain_file(tmp_path):
    plain = load_cohort(_write(tmp_path, GOOD))
    windows = load_cohort(_write(tmp_path, b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode(), "excel.csv"))
    pd.testing.assert_frame_equal(plain, windows)
    assert windows.attrs["lines"] == [2, 3, 4, 5]


def test_whitespace_cells_are_empty_and_values_are_trimmed(tmp_path):
    cohort = load_cohort(_write(tmp_path, _with_row("  P02 , , \t,  ,,  , , ,2 , 2")))
    assert cohort.loc[1, "patient_id"] == "P02"
    assert cohort.iloc[1][["pain_weeks", "followup_weeks", "pain_decreased", "rest_pre"]].isna().all()
    assert (cohort.loc[1, "opioids_pre"], cohort.loc[1, "opioids_post"]) == (2, 2)


def test_integral_decimals_are_accepted_for_integers(tmp_path):
    cohort = load_cohort(_write(tmp_path, _with_row("P02,,,1.0,7.0,2.00,,,1.,0")))
    assert cohort.loc[1, ["rest_pre", "rest_post", "opioids_pre"]].tolist() == [7, 2, 1]
    assert cohort.loc[1, "pain_decreased"] == True  # noqa: E712


def test_columns_in_any_order(tmp_path):
    names = list(COHORT_COLUMNS)[::-1]
    rows = [",".join(reversed(row.split(","))) for row in GOOD_ROWS]
    cohort = load_cohort(_write(tmp_path, ",".join(names) + "\n" + "\n".join(rows) + "\n"))
    pd.testing.assert_frame_equal(cohort, load_cohort(_write(tmp_path, GOOD, "plain.csv")), check_like=False)


def test_extra_columns_are_kept_unchanged_with_a_warning(tmp_path):
    text = HEADER + ",site,comment\n" + "\n".join(f"{row},A, kept as is " for row in GOOD_ROWS) + "\n"
    with pytest.warns(CohortWarning, match="extra columns kept as text, not validated: site, comment"):
        cohort = load_cohort(_write(tmp_path, text))
    assert cohort.attrs["extra_columns"] == ["site", "comment"]
    assert list(cohort.columns) == list(COHORT_COLUMNS) + ["site", "comment"]
    assert cohort["comment"].tolist() == [" kept as is "] * 4


def test_no_warning_without_extra_columns(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_cohort(_write(tmp_path, GOOD))


def test_trailing_blank_lines_are_ignored(tmp_path):
    cohort = load_cohort(_write(tmp_path, GOOD + "\n,,,,,,,,,\n\n"))
    assert len(cohort) == len(GOOD_ROWS)


def test_quoted_cells(tmp_path):
    cohort = load_cohort(_write(tmp_path, _with_row('"P,02","",,,,,,,"2",2')))
    assert cohort.loc[1, "patient_id"] == "P,02" and cohort.loc[1, "opioids_pre"] == 2


def test_default_path_from_environment(tmp_path, monkeypatch):
    _write(tmp_path, GOOD, "mine.csv")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(config.COHORT_ENV, "mine.csv")
    assert load_cohort().attrs["source"] == str(tmp_path / "mine.csv")


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.csv"):
        load_cohort(tmp_path / "nowhere.csv")


# ---------------------------------------------------------------------------------------------------------------------
# Malformed files: file, line (header = line 1) and column named


@pytest.mark.parametrize("cell, fragment", [
    ("11", "is out of range; expected an integer from 0 to 10"),
    ("-1", "is out of range; expected an integer from 0 to 10"),
    ("7.5", "is not a whole number; expected an integer from 0 to 10"),
    ("seven", "is not a number; expected an integer from 0 to 10"),
    ("1e1", "is not a number"),
    ("NaN", "is not a number"),
])
def test_bad_nrs_score(tmp_path, cell, fragment):
    path = _write(tmp_path, _with_row(f"P02,,,,{cell},,,,2,2"))
    error = _refused(path, f"line 3, column rest_pre (E): '{cell}' {fragment}")
    assert [(p.line, p.column, p.value) for p in error.problems] == [(3, "rest_pre", cell)]


@pytest.mark.parametrize("cell, fragment", [
    ("-1", "is out of range; expected an integer >= 0"),
    ("1.5", "is not a whole number; expected an integer >= 0"),
])
def test_bad_opioid_count(tmp_path, cell, fragment):
    _refused(_write(tmp_path, _with_row(f"P02,,,,,,,,2,{cell}", at=3)),
             f"line 5, column opioids_post (J): '{cell}' {fragment}")


def test_negative_weeks(tmp_path):
    _refused(_write(tmp_path, _with_row("P02,-2,,,,,,,2,2")), "line 3, column pain_weeks (B): '-2' is out of range")


def test_decimal_comma(tmp_path):
    _refused(_write(tmp_path, _with_row('P02,,"2,5",,,,,,2,2')),
             "line 3, column followup_weeks (C): '2,5' uses a decimal comma")


def test_pain_decreased_not_zero_or_one(tmp_path):
    _refused(_write(tmp_path, _with_row("P02,,,yes,,,,,2,2")),
             "line 3, column pain_decreased (D): 'yes' is not a number; expected 0 or 1")


def test_empty_patient_id(tmp_path):
    _refused(_write(tmp_path, _with_row(" ,,,,,,,,2,2")), "line 3, column patient_id (A): ' ' is empty")


def test_duplicate_patient_ids_name_both_lines(tmp_path):
    _refused(_write(tmp_path, _with_row("P01,,,,,,,,2,2", at=2)),
             "line 4, column patient_id (A): 'P01' duplicates the patient_id on line 2")


def test_missing_required_column(tmp_path):
    text = GOOD.replace("rest_pre", "rest_before", 1)
    _refused(_write(tmp_path, text), "line 1, column rest_pre: required column is missing",
             "did you mean 'rest_before'?")


def test_duplicate_column_names(tmp_path):
    text = HEADER + ",rest_pre\n" + "\n".join(row + ",1" for row in GOOD_ROWS) + "\n"
    _refused(_write(tmp_path, text), "line 1, column rest_pre (K): duplicate column name; column E")


def test_empty_file(tmp_path):
    _refused(_write(tmp_path, ""), "line 1: the file is empty")


def test_blank_file(tmp_path):
    _refused(_write(tmp_path, "\r\n\n"), "line 1: the file is empty")


def test_blank_first_line(tmp_path):
    _refused(_write(tmp_path, "\n" + GOOD), "line 1: the first line is empty")


def test_header_only_file_is_an_error(tmp_path):
    _refused(_write(tmp_path, HEADER + "\r\n"), "line 1: the header has no data rows")


def test_semicolon_separated_export(tmp_path):
    text = HEADER.replace(",", ";") + "\n" + "\n".join(r.replace(",", ";").replace("2.5", "2,5") for r in GOOD_ROWS)
    _refused(_write(tmp_path, text), "line 1: the header is separated by semicolons, not commas",
             "CSV (comma delimited)")


def test_tab_separated_export(tmp_path):
    _refused(_write(tmp_path, GOOD.replace(",", "\t")), "line 1: the header is separated by tabs")


@pytest.mark.parametrize("name, reason", [
    ("name", "name"), ("Name", "name"), ("First Name", "name"), ("LastName", "name"), ("patient_name", "name"),
    ("surname", "surname"), ("MRN", "mrn"), ("medical_record_number", "medical record"),
    ("Medical Record", "medical record"),
    ("DOB", "dob"), ("date_of_birth", "birth"), ("BirthDate", "birth"), ("address", "address"),
    ("Phone", "phone"), ("email", "email"), ("e-mail", "e mail"), ("SSN", "ssn"), ("zip_code", "zip"),
])
def test_direct_identifier_columns_are_refused(tmp_path, name, reason):
    text = HEADER + f",{name}\n" + "\n".join(row + ",x" for row in GOOD_ROWS) + "\n"
    _refused(_write(tmp_path, text), f"line 1, column {name} (K): looks like a direct identifier ({reason}). Remove")


@pytest.mark.parametrize("name", ["drug_name", "site", "age", "sex", "filename"])
def test_innocent_extra_columns_are_not_identifiers(tmp_path, name):
    text = HEADER + f",{name}\n" + "\n".join(row + ",x" for row in GOOD_ROWS) + "\n"
    with pytest.warns(CohortWarning, match=name):
        assert load_cohort(_write(tmp_path, text)).attrs["extra_columns"] == [name]


def test_short_row(tmp_path):
    _refused(_write(tmp_path, _with_row("P02,,,,,,,,2")), "line 3: has 9 cells but the header has 10")


def test_long_row(tmp_path):
    _refused(_write(tmp_path, _with_row("P02,,,,,,,,2,2,")), "line 3: has 11 cells but the header has 10")


def test_blank_line_between_rows(tmp_path):
    text = HEADER + "\n" + GOOD_ROWS[0] + "\n\n" + "\n".join(GOOD_ROWS[1:]) + "\n"
    _refused(_write(tmp_path, text), "line 3: empty line between data rows")


def test_unclosed_quote(tmp_path):
    _refused(_write(tmp_path, _with_row('"P02,,,,,,,,2,2')), "line 3: not valid CSV", "runs to line 5")


def test_not_utf8(tmp_path):
    text = GOOD.encode() + "P05,,,,,,,,1,1,café\n".encode("latin-1")
    _refused(_write(tmp_path, text), "line 6: byte 0xe9 is not UTF-8", "CSV UTF-8")


def test_line_numbers_follow_the_file_across_a_multiline_cell(tmp_path):
    text = HEADER + ',note\n' + GOOD_ROWS[0] + ',"two\nlines"\n' + GOOD_ROWS[1] + ",\nP03,,,,12,,,,1,1,\n"
    with pytest.warns(CohortWarning):
        assert load_cohort(_write(tmp_path, text.replace(",12,", ",1,"))).attrs["lines"] == [2, 4, 5]
    _refused(_write(tmp_path, text, "bad.csv"), "line 5, column rest_pre (E): '12'")


def test_all_problems_are_reported_at_once(tmp_path):
    rows = ["P01,x,,,11,,,,1,1", "P01,,-3,2,,7.5,,,1.5,-1"]
    error = _refused(_write(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n"), "8 problems")
    assert [(p.line, p.column) for p in error.problems] == [
        (2, "pain_weeks"), (2, "rest_pre"), (3, "patient_id"), (3, "followup_weeks"), (3, "pain_decreased"),
        (3, "rest_post"), (3, "opioids_pre"), (3, "opioids_post")]


def test_long_problem_lists_are_summarised(tmp_path):
    rows = [f"P{i},,,,11,,,,1,1" for i in range(MAX_LISTED + 5)]
    error = _refused(_write(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n"),
                     f"{MAX_LISTED + 5} problems", "... and 5 more")
    assert len(error.problems) == MAX_LISTED + 5
    assert str(error).count("column rest_pre") == MAX_LISTED


# ---------------------------------------------------------------------------------------------------------------------
# Attrition


def test_attrition_shows_overlap_and_missing_follow_up(tmp_path):
    rows = [
        "A,,2,1,5,2,8,4,1,0",   # followed up, rest and activity
        "B,,2,1,5,2,,,1,0",     # followed up, rest only
        "C,,,,5,2,,,1,0",       # rest post without follow-up time
        "D,,,,,,9,5,1,0",       # activity post without follow-up time, no rest
        "E,,3,,,,,,1,0",        # followed up, no scores
        "F,,,,6,,,,1,0",        # rest pre only
    ]
    table = attrition(load_cohort(_write(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")))
    # Counted by hand from the six rows above.
    assert table["stage"].tolist() == ["treated", "followed up", "rest pain pre and post",
                                       "activity pain pre and post"]
    assert table["claim"].tolist() == ["treated", "followed_up", "rest_pain", "activity_pain"]
    assert table["n"].tolist() == [6, 3, 3, 2]
    assert table["lost_from_previous"].tolist() == [pd.NA, 3, 1, 2]
    assert table["not_in_previous"].tolist() == [pd.NA, 0, 1, 1]
    assert table["without_followup"].tolist() == [3, 0, 1, 1]
    assert "1 of these have no follow-up time" in table.loc[2, "note"]
    assert "1 not in the previous stage (the stages do not nest)" in table.loc[3, "note"]


def test_attrition_matches_the_abstract_sample_sizes(tmp_path):
    from sacro_kit.io.card import load_reported

    card = load_reported()
    lines = [HEADER]
    for i in range(57):
        followed, rest, activity = i < 45, i < 29, i < 13
        lines.append(",".join([f"P{i}", "", "1" if followed else "", "", *(["5", "2"] if rest else ["", ""]),
                               *(["9", "5"] if activity else ["", ""]), "1", "0"]))
    table = attrition(load_cohort(_write(tmp_path, "\n".join(lines) + "\n")))
    # Reference: the sample sizes printed in the abstract (57, 45, 29, 13), as held by the card.
    assert table["n"].tolist() == [int(card["treated"].n.value), int(card["followed_up"].n.value),
                                   card["rest_pain"].n, card["activity_pain"].n] == [57, 45, 29, 13]
    assert table["lost_from_previous"].tolist()[1:] == [12, 16, 16]


def test_attrition_needs_its_columns():
    with pytest.raises(ValueError, match="followup_weeks"):
        attrition(pd.DataFrame({"patient_id": ["a"]}))
