"""Cards with groups (issue 12 item 3): every group reconstructed on its own patients under its own claims, tests
between groups reported as "not reproduced", and a clear error for the shapes reconstruct does not support."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sacro_kit import chain_diagnostics, load_card, reconstruct, verify_cohort
from sacro_kit.forensics.reconstruction import cohort_csv

DATA = Path(__file__).parent / "data"
ARMS = DATA / "groups_two_arms.yaml"


def _edited(tmp_path, old: str, new: str):
    text = ARMS.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "card.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_card(path)


@pytest.fixture(scope="module")
def arms():
    card = load_card(ARMS)
    return card, reconstruct(card, n_cohorts=4, seed=7)


def test_each_group_gets_its_own_patients_and_reproduces_its_own_claims(arms):
    card, cohorts = arms
    for cohort in cohorts:
        assert cohort["group"].tolist() == ["ct"] * 6 + ["carm"] * 5
        assert cohort["patient_id"].is_unique and cohort["patient_id"].str.startswith(("ct-", "carm-")).all()
        assert cohort[["rest_pre", "rest_post"]].notna().all().all()
        table = verify_cohort(cohort, card)
        assert table["ok"].all()  # everything reproducible is reproduced
        assert set(table.loc[table["group"] == "ct", "claim"]) == {"groups", "rest_ct"}
        assert set(table.loc[table["group"] == "carm", "claim"]) == {"groups", "rest_carm", "responders_carm"}
        # the CT arm's own p, under its named test, and the C-arm responders, on the C-arm patients only
        carm = cohort[cohort["group"] == "carm"]
        halved = (carm["rest_pre"] - carm["rest_post"]) * 2 >= carm["rest_pre"]
        assert int(halved.sum()) == 3
        assert table.attrs["p_tests"]["ct/rest_ct"].startswith("Wilcoxon signed-rank")


def test_a_test_between_groups_is_reported_not_reproduced(arms):
    card, cohorts = arms
    table = verify_cohort(cohorts[0], card)
    row = table.set_index("claim").loc["arms_post"]
    assert row.ok is pd.NA and row.note.startswith("not reproduced:") and row.reported == "0.4"
    assert row.recomputed  # the p this cohort gives, for reference (Mann-Whitney U on the post scores)
    assert table.attrs["p_tests"]["arms_post"].startswith("not reproduced:")
    assert cohorts[0].attrs["not_reproduced"] == ["arms_post: Mann-Whitney U: ct vs carm at post"]


def test_grouped_reconstruction_is_deterministic_and_writes_its_group_column(arms):
    card, cohorts = arms
    again = reconstruct(card, n_cohorts=2, seed=7)
    for a, b in zip(cohorts, again):
        pd.testing.assert_frame_equal(a, b)
    assert not cohorts[0].equals(reconstruct(card, n_cohorts=1, seed=8)[0])
    text = cohort_csv(cohorts[0])
    assert text.splitlines()[0].startswith("patient_id,group,") and "\nct-R01,ct," in text


def test_pooled_claims_on_a_card_with_groups_are_a_clear_error(tmp_path):
    pooled = _edited(tmp_path, "  rest_carm:\n    kind: summary\n    outcome: rest_pain\n    group: carm\n",
                     "  rest_carm:\n    kind: summary\n    outcome: rest_pain\n")
    with pytest.raises(ValueError, match="rest_carm: a summary of all groups together"):
        reconstruct(pooled, seed=1)


def test_a_group_without_a_size_is_a_clear_error(tmp_path):
    card = _edited(tmp_path, "carm: {label: C-arm, n: 5}", "carm: {label: C-arm}")
    with pytest.raises(ValueError, match="group 'carm' has no size"):
        reconstruct(card, seed=1)


def test_a_third_time_point_gets_its_own_column_in_its_group(tmp_path):
    # formerly a NotImplementedError; now the C-arm's "late" time point is a column of its own (rest_late), paired
    # with the baseline (tests/test_reconstruction_timepoints.py covers several time points in full)
    text = ARMS.read_text(encoding="utf-8").replace("  post: {label: after}\n",
                                                     "  post: {label: after}\n  late: {label: a year on}\n")
    text = text.replace("cohort: {pre: rest_pre, post: rest_post}", "cohort: {pre: rest_pre, post: rest_post, late: rest_late}")
    text = text.replace('      - {at: post, median: "1", q1: "1", q3: "2"}\n',
                        '      - {at: post, median: "1", q1: "1", q3: "2"}\n'
                        '      - {at: late, median: "1", q1: "0", q3: "1"}\n')
    path = tmp_path / "card.yaml"
    path.write_text(text, encoding="utf-8")
    card = load_card(path)
    cohort = reconstruct(card, seed=1)[0]
    table = verify_cohort(cohort, card)
    assert table["ok"].all()
    assert {"rest_carm (pre vs post)", "rest_carm (pre vs late)"} <= set(table.loc[table["group"] == "carm", "claim"])
    assert cohort.loc[cohort["group"] == "carm", "rest_late"].notna().all()
    assert cohort.loc[cohort["group"] == "ct", "rest_late"].isna().all()


def test_a_grouped_card_needs_a_grouped_cohort_and_one_group_functions_refuse_it(arms):
    card, cohorts = arms
    with pytest.raises(ValueError, match="needs a 'group' column"):
        verify_cohort(cohorts[0].drop(columns="group"), card)
    with pytest.raises(ValueError, match="has claims on groups"):
        chain_diagnostics(card, steps=10)


def test_the_groups_are_drawn_independently_from_child_seeds(arms):
    card, cohorts = arms
    seeds = cohorts[0].attrs["group_seeds"]
    assert len(set(seeds.values())) == 2 and np.all([isinstance(s, int) for s in seeds.values()])


@pytest.mark.slow
def test_the_command_line_writes_a_grouped_cohort_only_where_asked_and_it_verifies(tmp_path, run_main):
    import warnings

    from sacro_kit import load_cohort
    from sacro_kit.forensics.reconstruction import main

    work = tmp_path / "work"
    work.mkdir()
    command = ["--card", ARMS, "--seed", "3"]
    status, stdout, _ = run_main(main, command, work)
    assert status == 0 and list(work.iterdir()) == [] and stdout.startswith("patient_id,group,")
    out = tmp_path / "arms.csv"
    status, _, _ = run_main(main, command + ["--out", out], work)
    assert status == 0 and list(work.iterdir()) == [] and out.read_text(encoding="utf-8") == stdout
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # load_cohort keeps the group column as an extra text column, and says so
        loaded = load_cohort(out)
    table = verify_cohort(loaded, load_card(ARMS))
    assert table["ok"].all() and int(table["ok"].isna().sum()) == 1  # the between-arm test: not reproduced
