"""The literature table is built from the studies' cards (sacro_kit.io.literature_cards): a study is described once."""

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from sacro_kit.io.card import CardError
from sacro_kit.io.card_schema import load_card
from sacro_kit.io.literature import STUDIES_PATH, load_studies, main
from sacro_kit.io.literature_cards import (LITERATURE_CARDS_DIR, SEED_CARD_PATH, literature_card_paths,
                                           studies_csv_text, studies_rows)


def test_shipped_csv_is_what_the_command_generates(tmp_path):
    # the committed studies.csv is, byte for byte, what the cards give (its SHA-256 stays the one provenance.md lists)
    assert studies_csv_text().encode("utf-8") == STUDIES_PATH.read_bytes()
    assert main(["--check"]) == 0
    out = tmp_path / "studies.csv"
    assert main(["--write", "--out", str(out)]) == 0
    pd.testing.assert_frame_equal(load_studies(out), load_studies())


@pytest.mark.slow
@pytest.mark.subprocess
def test_the_documented_command_writes_the_shipped_table(tmp_path):
    out = tmp_path / "studies.csv"
    subprocess.run([sys.executable, "-m", "sacro_kit.io.literature", "--write", "--out", str(out)],
                   check=True, capture_output=True)
    assert out.read_bytes() == STUDIES_PATH.read_bytes()


def test_every_literature_card_has_rows_and_every_row_a_card():
    paths = literature_card_paths()
    assert paths[0] == SEED_CARD_PATH and len(paths) == 1 + len(list(LITERATURE_CARDS_DIR.glob("*.yaml")))
    rows = studies_rows()
    assert len(rows) == 25
    # the numbers are the cards' printed strings: Gupta's "9.0" stays "9.0", Choi's "1.0" stays "1.0"
    assert (rows[6]["pre_center"], rows[6]["pre_spread_low"], rows[6]["post_spread_high"]) == ("9.0", "8.0", "5.8")
    assert rows[3]["post_sd"] == "1.0"
    # Andresen's "±" is neither SD nor SE on its card (pm), and the table's SD column carries it
    andresen = load_card(LITERATURE_CARDS_DIR / "andresen2017.yaml")
    assert andresen["vas_day2"].values[0].shape == "mean_pm"
    assert rows[9]["post_sd"] == "0.28" and rows[9]["leak_count"] == "0"
    # Prokop's leak counts come from its extravasation claims; Dougherty's weeks from its follow-up claim
    assert (rows[7]["leak_count"], rows[8]["leak_count"]) == ("0", "8")
    assert rows[0]["timepoint_weeks"] == "2.5"


def test_check_reports_a_stale_table(tmp_path, capsys):
    stale = tmp_path / "studies.csv"
    stale.write_bytes(STUDIES_PATH.read_bytes().replace(b"Choi 2017", b"Choi 2018", 1))
    assert main(["--check", "--out", str(stale)]) == 1
    assert "differs from what the cards give" in capsys.readouterr().out


def _copy(tmp_path, name, old, new):
    path = tmp_path / name
    text = (LITERATURE_CARDS_DIR / name).read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("name, old, new, message", [
    ("choi2017.yaml", "    - {row: 3, post: day1,", "    - {row: 3, post: day9,",
     r"choi2017\.yaml:\d+: literature\.rows\.0\.post: unknown time point 'day9'"),
    ("choi2017.yaml", "  outcome: vas\n  rows:", "  outcome: pain\n  rows:",
     r"choi2017\.yaml:\d+: literature\.outcome: unknown outcome 'pain'"),
    ("choi2017.yaml", "  scale: VAS 0-10\n", "  scale: VAS 0-10\n  colour: red\n",
     r"choi2017\.yaml:\d+: literature\.colour: unknown key"),
    ("kortman2013.yaml", "      p_value_text: p<0.001", "      p_value_text: p<0.01",
     r"kortman2013\.yaml:\d+: literature\.rows\.0\.p_value_text: 'p<0\.01' does not print the card's p '<0\.001'"),
    ("prokop2016.yaml", "leaks: extravasation_ct}", "leaks: treated_ct}",
     r"prokop2016\.yaml:\d+: literature\.groups\.ct\.leaks: 'treated_ct' is not a count or a proportion"),
    ("andresen2017.yaml", '  leak_quote: "Leakage could be ruled out for both procedures."\n', "",
     r"andresen2017\.yaml:\d+: literature\.leak_count: a leak_count needs its leak_quote"),
    ("trouvin2012.yaml", "literature:\n", "not_literature:\n", r"trouvin2012\.yaml:\d+: not_literature: unknown key"),
])
def test_a_bad_literature_block_is_refused_naming_file_line_and_key(tmp_path, name, old, new, message):
    path = _copy(tmp_path, name, old, new)
    with pytest.raises(CardError, match=message):
        studies_rows([path])


def test_rows_must_be_numbered_once_each(tmp_path):
    first = shutil.copy(LITERATURE_CARDS_DIR / "choi2017.yaml", tmp_path / "a.yaml")
    second = shutil.copy(LITERATURE_CARDS_DIR / "choi2017.yaml", tmp_path / "b.yaml")
    with pytest.raises(CardError, match=r"b\.yaml:\d+: literature\.rows\.0\.row: row 3 is also given by .*a\.yaml"):
        studies_rows([first, second])
    with pytest.raises(CardError, match=r"numbered 1 to 3 once each; missing \[1, 2\]"):
        studies_rows([first])
    card_without_block = _copy(tmp_path, "gupta2014.yaml", "\nliterature:", "\n# literature:")
    text = card_without_block.read_text(encoding="utf-8").split("\n# literature:")[0] + "\n"
    card_without_block.write_text(text, encoding="utf-8")
    with pytest.raises(CardError, match=r"gupta2014\.yaml:\d+: literature: missing: a literature card needs"):
        studies_rows([card_without_block])
