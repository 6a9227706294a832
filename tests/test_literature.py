"""Tests for sacro_kit.io.literature: loading, validating and pooling the extracted sacroplasty studies."""

import csv
import hashlib

import numpy as np
import pandas as pd
import pytest

from sacro_kit.io.literature import (FLAG_COLUMNS, STUDIES_COLUMNS, STUDIES_PATH, StudiesError, load_studies,
                                  pooling_table)
from sacro_kit.stats.meansd import estimate_mean_sd
from sacro_kit.stats.meta import correlation_sensitivity, meta_analysis

LITERATURE = STUDIES_PATH.parent
PROVENANCE_MARKER = (b"<!-- Everything below this line is the verbatim copy of shared/literature/provenance.md "
                     b"(its SHA-256 is in the table above). -->\n")


# ---------------------------------------------------------------- the shipped files

def test_copies_are_the_shared_files_and_provenance_is_recorded():
    # provenance.md is one file: a note on the copies (with their hashes), then the verbatim quote register
    note, marker, register = (LITERATURE / "provenance.md").read_bytes().partition(PROVENANCE_MARKER)
    assert marker, "provenance.md has lost the line that starts the verbatim quote register"
    copies = {name: (LITERATURE / name).read_bytes() for name in ("studies.csv", "notes.md", "README.md")}
    copies["provenance.md"] = register
    for name, content in copies.items():
        digest = hashlib.sha256(content).hexdigest()
        assert digest.encode() in note, name  # the note lists the hash of each copy


def test_load_keeps_every_row_traceable():
    studies = load_studies()
    assert len(studies) == 25  # notes.md: "25 rows, 10 studies, 12 study_id values"
    assert studies["study_id"].nunique() == 12
    assert studies["row_id"].tolist() == list(range(1, 26))
    assert studies["line"].tolist() == list(range(2, 27))
    assert set(STUDIES_COLUMNS) <= set(studies.columns)
    provenance = (LITERATURE / "provenance.md").read_text()
    for url in studies["source_url"]:
        assert url in provenance  # every row's source appears in the quote register


def test_values_match_the_quoted_abstract():
    # provenance.md quote D6 (Dougherty 2014 abstract): "median rest pain scores collected from 29 patients
    # decreased from 7 (IQR 4–8.5) to 2 (IQR 1–3.5)" and activity "from 13 patients ... from 10 (IQR 8.5–10)
    # ... to 6 (IQR 4–6.8)".
    studies = load_studies().set_index("row_id")
    rest, activity = studies.loc[1], studies.loc[2]
    assert (rest["n"], rest["pre_center"], rest["pre_spread_low"], rest["pre_spread_high"]) == (29, 7, 4, 8.5)
    assert (rest["post_center"], rest["post_spread_low"], rest["post_spread_high"]) == (2, 1, 3.5)
    assert (activity["n"], activity["pre_center"], activity["post_spread_high"]) == (13, 10, 6.8)
    # quote K5 (Kortman 2013): "9.2±1.1 ... to 1.9±1.7"
    kortman = studies.loc[6]
    assert (kortman["pre_center"], kortman["pre_sd"], kortman["post_center"], kortman["post_sd"]) == (9.2, 1.1, 1.9, 1.7)
    assert studies["n"].dtype == "Int64" and pd.isna(studies.loc[10, "n"])  # Andresen arm sizes not visible


def test_flags_from_notes():
    studies = load_studies()
    by = {f: set(studies.loc[studies[f], "row_id"]) for f in FLAG_COLUMNS}
    assert by["unverified_author"] == {18, 19, 20, 21, 25}
    assert by["mixed_etiology"] == {7}                               # Gupta 2014, notes.md section 3
    assert by["between_arm_p"] == {11, 12, 13, 15, 16, 17}           # Andresen months 6-18, notes.md section 2
    assert by["sd_or_se_doubt"] == set(range(10, 18))                # Andresen, notes.md section 4e
    assert {3, 8, 9, 10} <= by["overlap_risk"]                       # Choi, Prokop, Andresen
    unverified = studies[studies["unverified_author"]]
    assert all(label.startswith("[authors unverified]") for label in unverified["label"])
    assert not any("UNVERIFIED" in label for label in studies["label"])
    assert all(notes for notes in unverified["flag_notes"])


# ---------------------------------------------------------------- validation

def _write(tmp_path, rows, header=STUDIES_COLUMNS, name="bad.csv"):
    path = tmp_path / name
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _good_row(**changes):
    row = dict(study_id="Test 2020", year="2020", journal="J", doi_or_pmid="", design="retrospective", n="20",
               guidance="CT", scale="VAS 0-10", timepoint_label="1 week", timepoint_weeks="1", stat_kind="mean_sd",
               pre_center="8", pre_spread_low="", pre_spread_high="", pre_sd="1", post_center="3",
               post_spread_low="", post_spread_high="", post_sd="1.5", p_value_text="", leak_count="",
               source_kind="primary", source_url="https://example.org/paper")
    row.update(changes)
    return [row[c] for c in STUDIES_COLUMNS]


def test_a_valid_file_loads(tmp_path):
    frame = load_studies(_write(tmp_path, [_good_row(), _good_row(study_id="UNVERIFIED-AUTHOR X")]))
    assert len(frame) == 2 and frame.loc[1, "unverified_author"] and frame.loc[1, "label"] == "[authors unverified] X"


@pytest.mark.parametrize("changes,column", [
    (dict(n="twenty"), "n"),
    (dict(n="0"), "n"),
    (dict(n="12.5"), "n"),
    (dict(pre_center="8,5"), "pre_center"),
    (dict(stat_kind="median"), "stat_kind"),
    (dict(source_url=""), "source_url"),
    (dict(pre_sd=""), "pre_sd"),
    (dict(pre_sd="-1"), "pre_sd"),
    (dict(pre_spread_low="7", pre_spread_high="9"), "pre_spread_low/high"),
    (dict(stat_kind="median_iqr", pre_sd="", post_sd="", pre_spread_low="9", pre_spread_high="10",
          post_spread_low="2", post_spread_high="4"), "pre_center"),
    (dict(stat_kind="median_iqr", pre_sd="", post_sd="", pre_spread_low="7", pre_spread_high="9"),
     "post_spread_low/high"),
    (dict(stat_kind="mean_only", post_sd=""), "pre_sd"),
    (dict(leak_count="30"), "leak_count"),
    (dict(pre_center=""), "pre_center"),
])
def test_each_problem_names_file_line_and_column(tmp_path, changes, column):
    path = _write(tmp_path, [_good_row(), _good_row(**changes)])
    with pytest.raises(StudiesError) as info:
        load_studies(path)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert f"{path}:3: {column}" in message, message


def test_missing_column_is_reported(tmp_path):
    header = [c for c in STUDIES_COLUMNS if c != "pre_sd"]
    path = _write(tmp_path, [], header=header)
    with pytest.raises(StudiesError, match=r"bad.csv:1: pre_sd: expected column is missing"):
        load_studies(path)


def test_all_problems_are_collected(tmp_path):
    path = _write(tmp_path, [_good_row(n="x"), _good_row(stat_kind="?", source_url="ftp://x")])
    with pytest.raises(StudiesError) as info:
        load_studies(path)
    assert len(info.value.problems) == 3


# ---------------------------------------------------------------- pooling table

def test_pooling_table_first_time_point():
    table = pooling_table()
    assert table["row_id"].tolist() == [1, 2, 3, 6, 7, 8, 9, 10, 14, 18, 22, 23, 25]
    assert table["eligible"].sum() == 9
    reasons = table.set_index("row_id")["reason"]
    assert "same patients" in reasons[2] and "row 1 used" in reasons[2]  # Dougherty activity: same 29/13 cohort
    assert reasons[10] == "n not reported" and reasons[14] == "n not reported"  # Andresen arms
    assert "no SD reported" in reasons[22] and "post-procedure value not reported" in reasons[22]  # Trouvin
    assert (reasons[table.set_index("row_id")["eligible"]] == "").all()


def test_dougherty_row_uses_the_notes_conversion():
    # statistics-notes.md section 4: rest pre Luo 6.465, SD 3.509; rest post Luo 2.178, SD 1.949 (closed-form eta).
    row = pooling_table().set_index("row_id").loc[1]
    assert row["mean_pre"] == pytest.approx(6.465, abs=5e-4) and row["sd_pre"] == pytest.approx(3.509, abs=5e-4)
    assert row["mean_post"] == pytest.approx(2.178, abs=5e-4) and row["sd_post"] == pytest.approx(1.949, abs=5e-4)
    pre = estimate_mean_sd(29, q1=4, median=7, q3=8.5)
    post = estimate_mean_sd(29, q1=1, median=2, q3=3.5)
    assert row["yi"] == pytest.approx(pre.mean - post.mean, rel=1e-15)
    assert row["vi"] == pytest.approx((pre.sd ** 2 + post.sd ** 2 - pre.sd * post.sd) / 29, rel=1e-14)
    assert "luo mean, wan SD" in row["conversion"]


def test_reported_means_are_used_as_printed():
    # provenance.md quote C7 (Choi 2017): "7.5±0.8 was significantly reduced to 4.1±1.6" (one day)
    row = pooling_table(r=0.0).set_index("row_id").loc[3]
    assert (row["mean_pre"], row["sd_pre"], row["mean_post"], row["sd_post"]) == (7.5, 0.8, 4.1, 1.6)
    assert row["yi"] == pytest.approx(3.4) and row["vi"] == pytest.approx((0.64 + 2.56) / 16)
    assert row["conversion"] == "reported mean (SD)"


def test_gupta_conversion_warns_about_floor_and_ceiling():
    row = pooling_table().set_index("row_id").loc[7]
    assert "scale range not stated, 0-10 assumed" in row["conversion"]
    assert "ceiling" in row["conversion_warnings"] and "floor" in row["conversion_warnings"]


def test_last_time_point_and_flag_exclusion():
    last = pooling_table(timepoint="last")
    assert {5, 13, 17, 21, 24} <= set(last["row_id"])  # Choi 3 months, Andresen 18 months, Eur Radiol 48 weeks
    excluded = pooling_table(exclude_flags=("mixed_etiology", "unverified_author")).set_index("row_id")
    assert not excluded.loc[7, "eligible"] and "excluded by flag mixed_etiology" in excluded.loc[7, "reason"]
    assert not excluded.loc[18, "eligible"] and excluded["eligible"].sum() == 6


def test_time_point_closest_to_a_stated_follow_up():
    # Choi 2017: 0.14, 4.35, 13.04 weeks (rows 3-5); Eur Radiol: 1, 4, 24, 48 weeks (rows 18-21);
    # Andresen arms: 0.29, 26.09, 52.18, 78.27 weeks (rows 10-13 and 14-17).
    at4 = set(pooling_table(timepoint=4)["row_id"])
    assert {4, 19} <= at4 and not {3, 5, 18, 20} & at4
    at26 = set(pooling_table(timepoint=26)["row_id"])
    assert {5, 11, 15, 20} <= at26
    one_per_arm = pooling_table(timepoint=4)
    counted = one_per_arm[one_per_arm["reason"].str.contains("another outcome") == False]  # noqa: E712
    assert counted["study_id"].is_unique  # every arm's patients enter once
    with pytest.raises(ValueError, match="weeks"):
        pooling_table(timepoint=-1)


def test_r_changes_the_variances_not_the_effects():
    low, high = pooling_table(r=0.2), pooling_table(r=0.8)
    ok = low["eligible"]
    assert np.allclose(low.loc[ok, "yi"], high.loc[ok, "yi"])
    assert (high.loc[ok, "vi"] < low.loc[ok, "vi"]).all()


@pytest.mark.parametrize("kwargs,match", [
    (dict(timepoint="middle"), "timepoint"),
    (dict(exclude_flags=("nonsense",)), "exclude_flags"),
    (dict(r=2), "r must"),
])
def test_pooling_table_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pooling_table(**kwargs)


def test_table_feeds_the_meta_analysis_and_the_sensitivity_analysis():
    table = pooling_table()
    used = table[table["eligible"]]
    result = meta_analysis(used["yi"], used["vi"], labels=used["label"].tolist(), knapp_hartung=True)
    assert result.k == 9 and result.df == 8 and 0 < result.estimate < 10
    sens = correlation_sensitivity(table)
    assert (sens["k"] == 9).all() and len(sens) == 7
