"""The sacro-kit command line: verdict table, reports with proofs, batch tables, exit status."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from sacro_kit.cli import CSV_COLUMNS, main

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "data" / "reported" / "dougherty2014.yaml"
GUPTA = REPO / "data" / "literature" / "cards" / "gupta2014.yaml"


def run(*args, capsys):
    status = main(list(map(str, args)))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_seed_check_flags_the_activity_p_first_and_exits_1(capsys):
    status, out, _ = run("check", SEED, capsys=capsys)
    assert status == 1
    lines = out.splitlines()
    assert lines[2].startswith("INCONSISTENT  dougherty2014.yaml:") and "activity_pain" in lines[2]
    assert "below the smallest p any Wilcoxon signed-rank or sign test can give with 13 pairs (0.000244)" in lines[3]
    assert "dougherty2014 (" in out and "1 inconsistent" in out


def test_a_consistent_paper_exits_0(capsys):
    status, out, _ = run("check", GUPTA, "--brief", capsys=capsys)
    assert status == 0 and "0 inconsistent, 0 unverifiable, 21 consistent" in out


def test_reports_carry_the_proofs(tmp_path, capsys):
    md, page = tmp_path / "out.md", tmp_path / "out.html"
    assert run("check", SEED, GUPTA, "--report", md, capsys=capsys)[0] == 1
    text = md.read_text(encoding="utf-8")
    assert "## dougherty2014" in text and "## gupta2014" in text and "### Proofs" in text
    assert "exact Wilcoxon signed-rank 0.000244" in text
    run("check", SEED, "--report", page, capsys=capsys)
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<details><summary>proof</summary>" in html
    assert "http" not in html.split("<body>")[0]  # offline: no external stylesheet or script


def test_batch_table(tmp_path, capsys):
    table = tmp_path / "claims.csv"
    table.write_text(
        ",".join(CSV_COLUMNS) + "\n"
        "Gupta 2014,FMS post,,27,0.25,1.0,2.8,,,,,,,,,,,0,,1\n"
        "Gupta 2014,response,,45,,,,,,,,93%,,,,,,,,\n"
        "Seed,activity,,13,,,,,,,,,,,<0.0001,,,,,\n"
        "Made up,score,,28,,,,5.19,,,,,,,,,,0,10,1\n"
        "Made up,t test,,16,,,,,,,,,,paired t,0.01,t = 2.31,15,,,\n",
        encoding="utf-8")
    status, out, _ = run("check", "--csv", table, capsys=capsys)
    assert status == 1
    assert "INCONSISTENT" in out and "claims.csv:6" in out  # the recomputed p of t(15) = 2.31 is 0.036, not 0.01
    assert "claims.csv:5" in out  # GRIM: 5.19 x 28 = 145.32, no integer total gives 5.19
    assert "93% of 45 fits k = 42" in out


def test_batch_errors_name_line_and_column(tmp_path, capsys):
    table = tmp_path / "claims.csv"
    table.write_text("paper,n,median,q1,q3\nA,ten,5,4,6\n", encoding="utf-8")
    status, _, err = run("check", "--csv", table, capsys=capsys)
    assert status == 2 and f"{table}:2: column n: 'ten' is not a whole number" in err


def test_bad_card_exits_2_with_file_line_key(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SEED.read_text(encoding="utf-8").replace('n: "57"', "n: 57", 1), encoding="utf-8")
    status, _, err = run("check", bad, capsys=capsys)
    assert status == 2 and f"{bad}:" in err and "claims.treated.n" in err


@pytest.mark.slow
@pytest.mark.subprocess
def test_python_dash_m_and_console_script():
    result = subprocess.run([sys.executable, "-m", "sacro_kit", "check", str(SEED), "--brief"], capture_output=True,
                            text=True, cwd=REPO)
    assert result.returncode == 1 and "INCONSISTENT" in result.stdout
    script = Path(sys.executable).with_name("sacro-kit")
    if script.exists():  # installed by `pip install -e .` (make install)
        assert subprocess.run([str(script), "check", str(GUPTA)], capture_output=True).returncode == 0
