"""The shipped CSV and the command line (python -m sacro_kit.forensics.reconstruction).

Part of :mod:`sacro_kit.forensics.reconstruction` (the law, the method and the assumptions are documented there).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sacro_kit.forensics.reconstruction.drawing import reconstruct
from sacro_kit.forensics.reconstruction.planning import DEFAULT_SEED


def cohort_csv(cohort: pd.DataFrame) -> str:
    """The cohort as CSV text for ``load_cohort``: schema columns, empty cells for missing, pain_decreased 0/1.

    A cohort of a card with groups (:func:`reconstruct` stacks the groups) keeps its ``group`` column, second; the
    score columns of an outcome at several time points beyond the schema follow the schema's columns.
    """
    from sacro_kit.io.cohort import COHORT_COLUMNS

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # a cohort of a card with groups has a group column after patient_id
    names = list(COHORT_COLUMNS)
    if "group" in cohort.columns:
        names.insert(1, "group")
    # score columns of time points beyond the schema (an outcome at several time points), after it, as integers
    names += [name for name in cohort.columns if name not in names]
    writer.writerow(names)
    for row in cohort[names].itertuples(index=False):
        cells = []
        for name, value in zip(names, row):
            column = COHORT_COLUMNS.get(name)
            if value is pd.NA or value is None:
                cells.append("")
            elif column is None:
                cells.append(str(int(value)) if isinstance(value, (int, np.integer)) else str(value))
            elif column.type == "boolean":
                cells.append("1" if bool(value) else "0")
            elif column.type == "integer":
                cells.append(str(int(value)))
            elif column.type == "real":
                cells.append(repr(float(value)))
            else:
                cells.append(str(value))
        writer.writerow(cells)
    return buffer.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sacro_kit.forensics.reconstruction --seed 2014 [--out PATH] [--card PATH] [--quantile-type TYPE]
    [--decimals K]``: one cohort.

    The CSV goes to standard output unless ``--out`` names a file: the command never writes over anything by
    default (the shipped cohort is regenerated with ``--out data/cohort_reconstructed.csv``).
    """
    parser = argparse.ArgumentParser(
        prog="python -m sacro_kit.forensics.reconstruction",
        description="Write a reconstructed (not real) patient-level cohort that "
        "reproduces every statistic of a reported card.",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output CSV file (default: standard output; nothing is written otherwise)",
    )
    parser.add_argument("--card", type=Path, default=None, help="reported card YAML (default: the Dougherty card)")
    parser.add_argument(
        "--quantile-type",
        default=None,
        metavar="TYPE",
        help="quantile definition 1-9 or tukey (default: the first that fits)",
    )
    # 0.1's spelling, as the Python API's method= became quantile_type=: accepted for one release, with a warning
    parser.add_argument("--method", dest="old_method", default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--decimals",
        type=int,
        default=None,
        metavar="K",
        help="read every printed centre and quartile at K decimals or more, a sensitivity reading (default: the "
        "precision the card declares in its reconstruction block, else each printed value at its own precision)",
    )
    args = parser.parse_args(argv)
    if args.decimals is not None and args.decimals < 0:
        parser.error(f"--decimals must be a non-negative integer, got {args.decimals}")
    if args.old_method is not None:
        if args.quantile_type is not None:
            parser.error("give --quantile-type only (--method is its deprecated spelling)")
        print(
            "warning: --method is deprecated and will be removed in the next release; use --quantile-type",
            file=sys.stderr,
        )
        args.quantile_type = args.old_method
    chosen = args.quantile_type
    quantile_type = None if chosen is None else (int(chosen) if chosen.isdigit() else chosen)
    cohort = reconstruct(args.card, n_cohorts=1, seed=args.seed, quantile_type=quantile_type, decimals=args.decimals)[0]
    if args.out is None:
        sys.stdout.write(cohort_csv(cohort))
        sys.stdout.flush()
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(cohort_csv(cohort), encoding="utf-8", newline="")
    print(
        f"wrote {len(cohort)} reconstructed patients (seed {args.seed}, quantile type "
        f"{cohort.attrs['quantile_method']}, {cohort.attrs['precision']}) to {args.out}",
        file=sys.stderr,
    )
    return 0
