"""Loaders that nothing can fool (issue 14 section 2): regressions, round trips and a seeded fuzz corpus.

Every malformed input to a loader must raise that loader's error class (a ValueError) naming the file; nothing is
coerced silently; what the kit writes, what pandas writes, what R's ``write.csv`` writes and what a spreadsheet
exports all load. The fuzz corpus is made from the shipped files by seeded mutations, so it is the same on every run.
"""

from __future__ import annotations

import random
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import sacro_kit as sk
from sacro_kit.io.cohort import (COHORT_COLUMNS, MISSING_VALUES, CohortError, CohortWarning, _decode, _exact_frame,
                              _fast_frame, _missing_markers, load_cohort)
from sacro_kit.io.literature import StudiesError, load_studies

REPO = Path(__file__).resolve().parents[1]
COHORT = REPO / "data" / "cohort_reconstructed.csv"
STUDIES = REPO / "data" / "literature" / "studies.csv"
HEADER = ",".join(COHORT_COLUMNS)
GOOD_ROW = "P01,2.5,3,1,7,2,9,5,1,0"


def _write(tmp_path: Path, text: str | bytes, name: str = "cohort.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def _refused(path: Path, *fragments: str) -> str:
    with pytest.raises(CohortError) as raised:
        load_cohort(path)
    message = str(raised.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def _cohort(frame: pd.DataFrame) -> pd.DataFrame:
    """The schema columns only, for comparisons that must not depend on attrs."""
    out = frame[list(COHORT_COLUMNS)].copy()
    out.attrs = {}
    return out


# --------------------------------------------------------------------------------------------------------------------
# Regressions from the fuzzing report


@pytest.mark.parametrize("value", [str(2**63), str(2**64 + 5), "9" * 40])
def test_integers_beyond_int64_are_a_cohort_error(tmp_path, value):
    path = _write(tmp_path, f"{HEADER}\nP01,2.5,3,1,7,2,9,5,{value},0\n")
    _refused(path, "line 2, column opioids_pre (I)", "too large for a whole-number column")


def test_a_400_digit_real_is_not_infinity(tmp_path):
    path = _write(tmp_path, f"{HEADER}\nP01,{'9' * 400},3,1,7,2,9,5,1,0\n")
    message = _refused(path, "column pain_weeks (B)", "would become infinity")
    assert "400 characters" in message, "a long cell is quoted cut, with its length"


def test_a_real_too_small_for_a_float_is_not_zero(tmp_path):
    path = _write(tmp_path, f"{HEADER}\nP01,0.{'0' * 400}1,3,1,7,2,9,5,1,0\n")
    _refused(path, "column pain_weeks (B)", "would become 0")


@pytest.mark.parametrize("digits", ["\u0667", "\u096d", "\uff17", "\U0001d7d5", "\u0967\u0966"],
                         ids=["arabic-indic", "devanagari", "fullwidth", "math-bold", "devanagari-10"])
def test_only_ascii_digits_are_numbers(tmp_path, digits):
    path = _write(tmp_path, f"{HEADER}\nP01,2.5,3,1,{digits},2,9,5,1,0\n")
    _refused(path, "column rest_pre (E)", "not ASCII 0-9")


def test_a_huge_cell_is_reported_with_its_column(tmp_path):
    path = _write(tmp_path, f"{HEADER}\nP01,2.5,3,1,7,2,9,5,1,{'1' * 140_000}x\n")
    message = _refused(path, "line 2, column opioids_post (J)", "is not a number")
    assert len(message) < 2_000, "the message quotes the cell cut short"


def test_zero_and_numbers_can_never_be_missing_markers(tmp_path):
    path = _write(tmp_path, f"{HEADER}\n{GOOD_ROW}\n")
    for marker in ("0", " 0 ", "-99", "1.5", "true"):
        with pytest.raises(ValueError, match="cannot be a missing-value marker"):
            load_cohort(path, missing_values=("", marker))
    with pytest.raises(TypeError):
        load_cohort(path, missing_values="NA")


def test_missing_markers_are_configurable(tmp_path):
    path = _write(tmp_path, f"{HEADER}\nP01,-,3,1,7,2,9,5,1,0\n")
    _refused(path, "column pain_weeks (B)", "'-' is not a number")
    loaded = load_cohort(path, missing_values=("", "-"))
    assert loaded.loc[0, "pain_weeks"] is pd.NA
    stata = _write(tmp_path, f"{HEADER}\nP01,.,3,1,7,2,9,5,1,0\n", "stata.csv")
    assert load_cohort(stata).loc[0, "pain_weeks"] is pd.NA, "'.' (Stata) is a default marker"
    assert "." in MISSING_VALUES and "NA" in MISSING_VALUES and "0" not in MISSING_VALUES


def test_a_missing_patient_id_is_refused_whatever_the_marker(tmp_path):
    path = _write(tmp_path, f"{HEADER}\nNA,2.5,3,1,7,2,9,5,1,0\n")
    _refused(path, "column patient_id (A)", "is a missing-value marker")


# --------------------------------------------------------------------------------------------------------------------
# Round trips: what the kit, pandas, R and spreadsheets write


def test_shipped_cohort_round_trips_through_pandas(tmp_path):
    cohort = load_cohort(COHORT)
    plain = tmp_path / "plain.csv"
    cohort.to_csv(plain, index=False)
    pdt.assert_frame_equal(_cohort(load_cohort(plain)), _cohort(cohort))
    with_index = tmp_path / "with_index.csv"
    cohort.to_csv(with_index)
    with pytest.warns(CohortWarning, match="row numbers"):
        again = load_cohort(with_index)
    pdt.assert_frame_equal(_cohort(again), _cohort(cohort))
    assert list(again.columns) == list(COHORT_COLUMNS), "the index column is not kept as data"


def test_cohort_written_as_r_writes_it_loads(tmp_path):
    # R 4.2: write.csv(df, "r.csv") quotes strings and the header, writes NA, TRUE/FALSE, and row names 1..n.
    cohort = load_cohort(COHORT)
    lines = ['"",' + ",".join(f'"{c}"' for c in COHORT_COLUMNS)]
    for number, row in enumerate(cohort.itertuples(index=False), start=1):
        cells = [f'"{number}"']
        for name, value in zip(COHORT_COLUMNS, row):
            if value is pd.NA:
                cells.append("NA")
            elif name == "patient_id":
                cells.append(f'"{value}"')
            elif isinstance(value, (bool, np.bool_)):
                cells.append("TRUE" if value else "FALSE")
            else:
                cells.append(repr(float(value)).removesuffix(".0") if name.endswith("weeks") else str(value))
        lines.append(",".join(cells))
    path = _write(tmp_path, "\n".join(lines) + "\n", "r.csv")
    with pytest.warns(CohortWarning, match="R's row names"):
        loaded = load_cohort(path)
    pdt.assert_frame_equal(_cohort(loaded), _cohort(cohort))


def test_spreadsheet_export_loads(tmp_path):
    # A spreadsheet's "CSV UTF-8": byte-order mark, CRLF line ends, TRUE/FALSE, #N/A for a missing formula result.
    text = "\ufeff" + HEADER + "\r\n" + "P01,2.5,#N/A,TRUE,7,2,9,5,1,0\r\nP02,1,2,FALSE,8,3,,,0,0\r\n"
    loaded = load_cohort(_write(tmp_path, text))
    assert loaded["pain_decreased"].tolist() == [True, False]
    assert loaded["followup_weeks"].isna().tolist() == [True, False]
    assert loaded["activity_pre"].isna().tolist() == [False, True]


# --------------------------------------------------------------------------------------------------------------------
# The fast path and the exact path agree

_UNICODE_DIGITS = ["\u0662", "\u0968", "\uff12", "\U0001d7d0"]


def _mutations(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    choice = rng.randrange(16)
    line = rng.randrange(len(lines) - 1) if len(lines) > 1 else 0
    cells = lines[line].split(",")
    cell = rng.randrange(len(cells))
    if choice == 0:
        cells[cell] = rng.choice(["", " ", "NA", ".", "#N/A", "na", "-", "N/A "])
    elif choice == 1:
        cells[cell] = str(rng.choice([2**63, -(2**63) - 1, 10**400, 11, -1, 0, 10]))
    elif choice == 2:
        cells[cell] = rng.choice(["1e3", "inf", "nan", "1,5", "0x10", "2_9", "+3", "3.", ".5", "7.0", "7.5", "--1"])
    elif choice == 3:
        cells[cell] = rng.choice(_UNICODE_DIGITS) * rng.randint(1, 3)
    elif choice == 4:
        cells[cell] = rng.choice(["\x00", "\x0c", "\x1b", "\ufffe", "\u200b"]) + cells[cell]
    elif choice == 5:
        cells[cell] = '"' + cells[cell]
    elif choice == 6:
        cells[cell] = '"' + cells[cell] + '\n' + cells[cell] + '"'
    elif choice == 7:
        del cells[cell]
    elif choice == 8:
        cells.insert(cell, rng.choice(["", "x", "1"]))
    elif choice == 9:
        lines.insert(line, "")
    elif choice == 10:
        lines.insert(line, lines[line])
    elif choice == 11:
        cells[cell] = rng.choice(["True", "FALSE", "true", "tRuE", "yes", "1.0", "0.0"])
    elif choice == 12:
        cells[cell] = " " + cells[cell] + "\t"
    elif choice == 13:
        cells[cell] = "9" * rng.randint(14, 30) + rng.choice(["", ".5"])
    elif choice == 14:
        return text.replace("\n", rng.choice(["\r\n", "\r"]))
    else:
        return "\x00".join(text.split(",", rng.randint(0, 3)))
    lines[line] = ",".join(cells)
    return "\n".join(lines)


def _corpus(seed: int, size: int) -> list[str]:
    rng = random.Random(seed)
    base = COHORT.read_text(encoding="utf-8")
    short = "\n".join(base.split("\n")[:8]) + "\n"
    texts = []
    for _ in range(size):
        text = rng.choice([base, short])
        for _ in range(rng.randint(1, 3)):
            text = _mutations(rng, text)
        texts.append(text)
    return texts


@pytest.mark.slow  # heavy for `make check`'s inner loop; runs in `make test`
@pytest.mark.parametrize("distinct_limit", [20_000, 0], ids=["per-distinct-text", "vectorised-bytes"])
def test_fuzz_corpus_raises_only_cohort_errors_and_the_two_paths_agree(tmp_path, monkeypatch, distinct_limit):
    monkeypatch.setattr("sacro_kit.io.cohort._FAST_DISTINCT_LIMIT", distinct_limit)
    markers = _missing_markers(MISSING_VALUES)
    outcomes = {"loaded": 0, "refused": 0}
    for number, text in enumerate(_corpus(seed=2014, size=320)):
        path = _write(tmp_path, text, f"fuzz{number}.csv")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CohortWarning)
            try:
                loaded = load_cohort(path)
            except CohortError as error:
                assert str(path) in str(error)
                outcomes["refused"] += 1
                continue
            except Exception as error:  # pragma: no cover - the failure this test exists to catch
                pytest.fail(f"corpus file {number}: {type(error).__name__}: {error}\n{text[:300]!r}")
            outcomes["loaded"] += 1
            decoded = _decode(path)
            fast = _fast_frame(decoded, markers)
            exact = _exact_frame(path, decoded, markers)
        if fast is not None:
            pdt.assert_frame_equal(fast, exact, obj=f"corpus file {number}")
        assert fast is not None or exact is not None
        for name, column in COHORT_COLUMNS.items():
            if column.type in ("integer", "real"):
                values = loaded[name].dropna().astype(float)
                assert np.isfinite(values).all(), f"corpus file {number}: {name} holds a non-finite value"
        written = tmp_path / f"fuzz{number}.out.csv"
        loaded.to_csv(written, index=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CohortWarning)
            pdt.assert_frame_equal(_cohort(load_cohort(written)), _cohort(loaded))
    assert outcomes["loaded"] > 20 and outcomes["refused"] > 100, outcomes


def test_a_million_row_shape_takes_the_fast_path(tmp_path):
    """The shipped cohort repeated is a valid file the vectorised path accepts (benchmarks time it at 10^6 rows)."""
    rows = COHORT.read_text(encoding="utf-8").splitlines()
    body = [f"Q{i:06d}," + row.split(",", 1)[1] for i, row in enumerate(rows[1:] * 50)]
    text = rows[0] + "\n" + "\n".join(body) + "\n"
    assert _fast_frame(text, _missing_markers(MISSING_VALUES)) is not None
    assert len(load_cohort(_write(tmp_path, text))) == len(body)


# --------------------------------------------------------------------------------------------------------------------
# The study table


def _studies_refused(path: Path, *fragments: str) -> None:
    with pytest.raises(StudiesError) as raised:
        load_studies(path)
    message = str(raised.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message


def test_studies_accept_an_excel_byte_order_mark(tmp_path):
    path = _write(tmp_path, b"\xef\xbb\xbf" + STUDIES.read_bytes(), "studies.csv")
    pdt.assert_frame_equal(load_studies(path).drop(columns=[]), load_studies(STUDIES))


def test_studies_in_latin1_are_a_studies_error(tmp_path):
    text = STUDIES.read_text(encoding="utf-8").replace("Dougherty", "Dóugherty", 1)
    _studies_refused(_write(tmp_path, text.encode("latin-1"), "studies.csv"), ":2:", "not UTF-8")


def test_a_duplicated_study_column_is_an_error_not_a_silent_winner(tmp_path):
    lines = STUDIES.read_text(encoding="utf-8").splitlines()
    lines[0] += ",n"
    lines[1:] = [line + ",999" for line in lines[1:]]
    _studies_refused(_write(tmp_path, "\n".join(lines) + "\n", "studies.csv"), ":1: n: duplicated column")


@pytest.mark.parametrize("value", ["2_9", "\u0662\u0669", "\uff12\uff19", "1e1", "29 patients"])
def test_study_numbers_are_plain_ascii_decimals(tmp_path, value):
    lines = STUDIES.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    frame = pd.read_csv(STUDIES, dtype=str, keep_default_na=False)
    frame.loc[0, "n"] = value
    path = tmp_path / "studies.csv"
    frame.to_csv(path, index=False)
    assert header.index("n") >= 0
    _studies_refused(path, ":2: n: expected an integer or empty")


def test_an_oversized_study_cell_is_a_studies_error(tmp_path):
    frame = pd.read_csv(STUDIES, dtype=str, keep_default_na=False)
    frame.loc[1, "pre_center"] = "7" * 200_000
    path = tmp_path / "studies.csv"
    frame.to_csv(path, index=False)
    _studies_refused(path, ":3: pre_center", "200,000 characters")


def test_studies_fuzz_corpus_raises_only_studies_errors(tmp_path):
    rng = random.Random(9)
    base = STUDIES.read_text(encoding="utf-8")
    loaded = refused = 0
    for number in range(120):
        text = base
        for _ in range(rng.randint(1, 3)):
            text = _mutations(rng, text)
        path = _write(tmp_path, text, f"studies{number}.csv")
        try:
            load_studies(path)
            loaded += 1
        except StudiesError as error:
            assert str(path) in str(error)
            refused += 1
        except Exception as error:  # pragma: no cover
            pytest.fail(f"studies corpus file {number}: {type(error).__name__}: {error}")
    assert refused > 50, (loaded, refused)


def test_shipped_studies_round_trip_through_pandas(tmp_path):
    studies = load_studies(STUDIES)
    raw = pd.read_csv(STUDIES, dtype=str, keep_default_na=False)
    path = tmp_path / "studies.csv"
    raw.to_csv(path, index=False)
    pdt.assert_frame_equal(load_studies(path), studies)
    assert isinstance(sk.load_studies, object)


# --------------------------------------------------------------------------------------------------------------------
# Reported cards (YAML)

from sacro_kit.io.card import CardError, load_reported  # noqa: E402
from sacro_kit.io.card_schema import load_card  # noqa: E402
from sacro_kit.io.yaml_reader import MAX_CARD_BYTES, MAX_DEPTH  # noqa: E402

CARD = REPO / "data" / "reported" / "dougherty2014.yaml"


def _card_refused(path: Path, *fragments: str) -> str:
    with pytest.raises(CardError) as raised:
        load_reported(path)
    message = str(raised.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message
    return message


@pytest.mark.parametrize("character", ["\x0c", "\x00", "\x1b", "\ufffe", "\x7f", "\x9b"],
                         ids=["form-feed", "nul", "esc", "u+fffe", "del", "c1-csi"])
def test_control_characters_in_a_card_are_a_card_error_with_their_place(tmp_path, character):
    text = CARD.read_text(encoding="utf-8")
    index = text.index("\n", 200) + 3
    path = _write(tmp_path, text[:index] + character + text[index:], "card.yaml")
    line = text.count("\n", 0, index) + 1
    _card_refused(path, f":{line}: column 3: character U+{ord(character):04X}")


def test_recursive_aliases_are_refused(tmp_path):
    path = _write(tmp_path, "schema: &a [*a]\n", "card.yaml")
    _card_refused(path, ":1:", "anchors and aliases")


def test_an_alias_bomb_is_refused_before_it_grows(tmp_path):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    path = _write(tmp_path, "\n".join(lines) + "\n", "card.yaml")
    _card_refused(path, ":1:", "anchors and aliases")


def test_deep_nesting_is_refused(tmp_path):
    path = _write(tmp_path, "schema: " + "[" * 30 + "]" * 30 + "\n", "card.yaml")
    _card_refused(path, f"nested more than {MAX_DEPTH} levels")
    very_deep = _write(tmp_path, "schema: " + "[" * 50_000 + "]" * 50_000 + "\n", "deep.yaml")
    message = _card_refused(very_deep, ":1:")
    assert "nest" in message, "libyaml's own depth limit or ours: either way a CardError, no RecursionError"


def test_an_oversized_card_is_refused_unread(tmp_path):
    path = _write(tmp_path, "# " + "x" * MAX_CARD_BYTES + "\n", "card.yaml")
    _card_refused(path, "bytes; a card is at most")


@pytest.mark.slow  # heavy for `make check`'s inner loop; runs in `make test`
def test_card_fuzz_corpus_raises_only_card_errors(tmp_path):
    rng = random.Random(57)
    base = CARD.read_text(encoding="utf-8")
    pieces = ["&x ", "*x", "\x0c", "\x00", ": ", "- ", "{", "}", "[", "]", "'", '"', "\t", "  ", "\n", "!!python/object ",
              "? ", "|", ">", "%YAML 1.1\n", "---\n", "...\n", "\ufeff", "\U0001d7d0", "~", "null", "1e400", "&x [*x]"]
    loaded = refused = 0
    for number in range(300):
        text = base
        for _ in range(rng.randint(1, 4)):
            index = rng.randrange(len(text))
            if rng.random() < 0.3:
                text = text[:index] + text[index + rng.randint(1, 20):]
            else:
                text = text[:index] + rng.choice(pieces) + text[index:]
        path = _write(tmp_path, text, f"card{number}.yaml")
        for loader in (load_card, load_reported):
            try:
                loader(path)
                loaded += 1
            except CardError as error:
                assert str(path) in str(error)
                refused += 1
            except Exception as error:  # pragma: no cover - the failure this test exists to catch
                pytest.fail(f"card corpus file {number}, {loader.__name__}: {type(error).__name__}: {error}")
    assert refused > 300, (loaded, refused)
