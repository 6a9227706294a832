"""The ``sacro-kit`` command line (also ``python -m sacro_kit``).

``sacro-kit check CARD.yaml [CARD ...]`` checks every printed number of each card and prints a verdict table,
inconsistent rows first, each with its one-line reason; ``--report out.md`` or ``--report out.html`` writes a report
with the proofs; ``sacro-kit check --csv claims.csv`` checks a table of many papers' claims, one row per claim
(columns in :data:`CSV_COLUMNS`, documented in ``docs/cards.md``). The exit status is 1 when anything is inconsistent,
2 when a card or table cannot be read, and 0 otherwise.
"""

from __future__ import annotations

import argparse
import html
import sys
import time
from pathlib import Path

import pandas as pd

from sacro_kit.io.card import CardError
from sacro_kit.io.card_table import CSV_COLUMNS, load_card_table

_STATUS_LABEL = {"inconsistent": "INCONSISTENT", "unverifiable": "unverifiable", "consistent": "consistent"}


# --------------------------------------------------------------------------------------------------------------------
# Output


def _table_text(frame: pd.DataFrame, *, brief: bool) -> str:
    lines = []
    shown = frame[frame.status != "consistent"] if brief else frame
    header = f"{'verdict':<13} {'where':<34} {'check':<46} printed"
    lines.append(header)
    lines.append("-" * len(header))
    for _, row in shown.iterrows():
        where = f"{row['source']}:{row['line']}" if pd.notna(row["line"]) else row["source"]
        where = f"{where} {row['claim']}"
        lines.append(f"{_STATUS_LABEL[row['status']]:<13} {where:<34} {row['check']:<46} {row['printed']}")
        reason = row["verdict"] if row["status"] == "unverifiable" else row["reason"]
        lines.append(f"{'':<13} -> {reason}")
    return "\n".join(lines)


def _summary_line(frame: pd.DataFrame) -> str:
    counts = frame.status.value_counts()
    return (
        f"{int(counts.get('inconsistent', 0))} inconsistent, {int(counts.get('unverifiable', 0))} unverifiable, "
        f"{int(counts.get('consistent', 0))} consistent ({len(frame)} checks)"
    )


def _markdown(results: list[tuple], elapsed: float) -> str:
    out = [
        "# sacro-kit check report",
        "",
        "Verdicts: *consistent* (the printed numbers can all be true), *inconsistent* (they cannot: the proof "
        "says why), *unverifiable: why* (the numbers alone cannot settle it). Every value is read at its own "
        "printed precision.",
        "",
    ]
    for label, study, frame in results:
        out += [
            f"## {study.id}",
            "",
            f"{study.citation}  ",
            f"Card: `{label}`  ",
            f"Result: {_summary_line(frame)}",
            "",
            "| verdict | line | claim | check | printed | reason |",
            "|---|---|---|---|---|---|",
        ]
        for _, row in frame.iterrows():
            cells = [
                row["verdict"],
                "" if pd.isna(row["line"]) else str(row["line"]),
                row["claim"],
                row["check"],
                row["printed"],
                row["reason"],
            ]
            out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
        out += ["", "### Proofs", ""]
        for i, row in frame.iterrows():
            out += [f"{i + 1}. **{row['claim']} — {row['check']}** ({row['verdict']}): {row['detail']}"]
        out.append("")
    out.append(f"Checked in {elapsed:.1f} s by sacro-kit.")
    return "\n".join(out) + "\n"


def _html(results: list[tuple], elapsed: float) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>sacro-kit check report</title><style>",
        "body{font-family:system-ui,sans-serif;max-width:70rem;margin:1rem auto;padding:0 1rem;line-height:1.4}",
        "table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #ccc;padding:.25rem;"
        "vertical-align:top;text-align:left}.inconsistent{background:#fde2e2}.unverifiable{background:#f4f4f4}",
        "details{margin:.2rem 0}code{font-size:.9em}</style></head><body>",
        "<h1>sacro-kit check report</h1>",
        "<p>Verdicts: <em>consistent</em> (the printed numbers can all be true), <em>inconsistent</em> (they "
        "cannot: the proof says why), <em>unverifiable: why</em> (the numbers alone cannot settle it). Every "
        "value is read at its own printed precision.</p>",
    ]
    for label, study, frame in results:
        parts += [
            f"<h2>{esc(study.id)}</h2>",
            f"<p>{esc(study.citation)}<br>Card: <code>{esc(label)}</code><br>Result: {esc(_summary_line(frame))}</p>",
            "<table><thead><tr><th>verdict</th><th>line</th><th>claim</th><th>check</th><th>printed</th>"
            "<th>reason and proof</th></tr></thead><tbody>",
        ]
        for _, row in frame.iterrows():
            line = "" if pd.isna(row["line"]) else str(row["line"])
            parts.append(
                f'<tr class="{esc(row["status"])}"><td>{esc(row["verdict"])}</td><td>{line}</td>'
                f"<td>{esc(row['claim'])}</td><td>{esc(row['check'])}</td><td>{esc(row['printed'])}</td>"
                f"<td>{esc(row['reason'])}<details><summary>proof</summary>{esc(row['detail'])}"
                "</details></td></tr>"
            )
        parts.append("</tbody></table>")
    parts.append(f"<p>Checked in {elapsed:.1f} s by sacro-kit.</p></body></html>")
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------------------------------------
# Commands


def check(
    cards: list[str],
    *,
    csv_path: str | None = None,
    report: str | None = None,
    brief: bool = False,
    rounding: str = "up_or_down",
    out=None,
) -> int:
    """Run ``sacro-kit check``; return the exit status (1 when anything is inconsistent)."""
    from sacro_kit.forensics.checking import check_card
    from sacro_kit.io.card_schema import load_card

    out = out or sys.stdout
    start = time.perf_counter()
    loaded = []
    for name in cards:
        loaded.append((name, load_card(name)))
    if csv_path is not None:
        loaded += [(f"{csv_path} [{c.study.id}]", c) for c in load_card_table(csv_path)]
    if not loaded:
        raise CardError("nothing to check: name one or more cards, or a table with --csv")
    results, frames = [], []
    for label, card in loaded:
        frame = check_card(card, rounding=rounding)
        results.append((label, card.study, frame))
        tagged = frame.assign(source=Path(label.split(" [")[0]).name, card=card.study.id)
        frames.append(tagged)
    combined = pd.concat(frames, ignore_index=True)
    order = {"inconsistent": 0, "unverifiable": 1, "consistent": 2}
    combined = combined.sort_values("status", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    elapsed = time.perf_counter() - start
    print(_table_text(combined, brief=brief), file=out)
    print("", file=out)
    for label, study, frame in results:
        print(f"{study.id} ({label}): {_summary_line(frame)}", file=out)
    print(f"checked in {elapsed:.1f} s", file=out)
    if report is not None:
        target = Path(report)
        if target.suffix.lower() in (".html", ".htm"):
            target.write_text(_html(results, elapsed), encoding="utf-8")
        elif target.suffix.lower() == ".md":
            target.write_text(_markdown(results, elapsed), encoding="utf-8")
        else:
            raise CardError(f"--report {report}: write a .md or a .html report")
        print(f"report with the proofs: {target}", file=out)
    return 1 if (combined.status == "inconsistent").any() else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sacro-kit", description="Check the printed numbers of published papers.")
    commands = parser.add_subparsers(dest="command", required=True)
    checker = commands.add_parser(
        "check",
        help="check reported-statistics cards (YAML) or a table of claims (CSV)",
        description="Check every printed number of each card; inconsistent rows first. "
        "Exit status 1 when anything is inconsistent.",
    )
    checker.add_argument("cards", nargs="*", metavar="CARD.yaml", help="reported-statistics cards (schema 1 or 2)")
    checker.add_argument(
        "--csv",
        dest="csv_path",
        metavar="claims.csv",
        help=f"a table of claims, one per row; columns: {', '.join(CSV_COLUMNS)}",
    )
    checker.add_argument("--report", metavar="out.md|out.html", help="also write a report with every proof")
    checker.add_argument("--brief", action="store_true", help="list only inconsistent and unverifiable rows")
    checker.add_argument(
        "--rounding",
        default="up_or_down",
        choices=("up_or_down", "half_up", "half_down", "half_even"),
        help="how the paper rounded (default: either way at a tie, as scrutiny does)",
    )
    args = parser.parse_args(argv)
    try:
        return check(args.cards, csv_path=args.csv_path, report=args.report, brief=args.brief, rounding=args.rounding)
    except (CardError, FileNotFoundError) as error:
        print(f"sacro-kit: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
