"""Loader benchmarks (issue 14 section 2): a 10^6-row cohort against pandas, and cards at and past the size limit.

Run: ``.venv/bin/python benchmarks/bench_loaders.py [--rows N]``. Each measurement runs in a fresh subprocess, so
the peak resident memory (``VmHWM``) is that call's own. Prints the machine's load average with the figures.
Targets: ``load_cohort`` <= 3x ``pandas.read_csv`` time and <= 2x its peak resident memory;
any card loaded or refused < 1 s.
Never part of pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_MEASURE = textwrap.dedent("""
    import json, sys, time
    kind, path = sys.argv[1], sys.argv[2]
    import pandas as pd
    import sacro_kit as sk

    def high_water_mib():  # VmHWM is this process's own peak (ru_maxrss would include the parent's, across exec)
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    base = high_water_mib()
    start = time.perf_counter()
    outcome = "loaded"
    try:
        if kind == "pandas":
            pd.read_csv(path)
        elif kind == "cohort":
            sk.load_cohort(path)
        else:
            sk.load_reported(path)
    except ValueError as error:
        outcome = type(error).__name__
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_mib": high_water_mib(), "import_mib": base, "outcome": outcome}))
""")


def measure(kind: str, path: Path, repeat: int = 3) -> dict:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", _MEASURE, kind, str(path)], capture_output=True, text=True,
                             check=True, cwd=ROOT)
        runs.append(json.loads(out.stdout))
    best = min(runs, key=lambda r: r["seconds"])
    best["median_seconds"] = sorted(r["seconds"] for r in runs)[len(runs) // 2]
    return best


def big_cohort(path: Path, rows: int) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(2014)
    pd.DataFrame({
        "patient_id": [f"P{i:07d}" for i in range(rows)],
        "pain_weeks": rng.integers(0, 40, rows) / 2, "followup_weeks": rng.integers(0, 20, rows) / 2,
        "pain_decreased": rng.integers(0, 2, rows), "rest_pre": rng.integers(0, 11, rows),
        "rest_post": rng.integers(0, 11, rows), "activity_pre": rng.integers(0, 11, rows),
        "activity_post": rng.integers(0, 11, rows), "opioids_pre": rng.integers(0, 4, rows),
        "opioids_post": rng.integers(0, 4, rows),
    }).to_csv(path, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    from sacro_kit.io.yaml_reader import MAX_CARD_BYTES

    print(f"load average (1, 5, 15 min): {os.getloadavg()}; cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        cohort = folder / "cohort.csv"
        big_cohort(cohort, args.rows)
        pandas = measure("pandas", cohort)
        kit = measure("cohort", cohort)
        print(f"{args.rows:,}-row cohort: pandas.read_csv {pandas['median_seconds']:.2f} s, peak RSS "
              f"{pandas['peak_mib']:.0f} MiB; sk.load_cohort {kit['median_seconds']:.2f} s, peak RSS "
              f"{kit['peak_mib']:.0f} MiB -> {kit['median_seconds'] / pandas['median_seconds']:.2f}x time "
              f"(target <= 3x), {kit['peak_mib'] / pandas['peak_mib']:.2f}x peak memory (target <= 2x; "
              f"the process with pandas imported holds {pandas['import_mib']:.0f} MiB before reading)")

        seed = (ROOT / "data" / "reported" / "dougherty2014.yaml").read_text(encoding="utf-8")
        claims = seed.split("claims:", 1)[1]
        at_limit = seed
        copy = 0
        while len(at_limit.encode()) + len(claims) < MAX_CARD_BYTES:
            copy += 1
            at_limit += "\n".join(line.replace("  rest_", f"  rest{copy}_", 1) for line in claims.splitlines())
        cards = {
            "seed card": ROOT / "data" / "reported" / "dougherty2014.yaml",
            f"card just under {MAX_CARD_BYTES:,} bytes": folder / "limit.yaml",
            "card past the limit": folder / "past.yaml",
            "alias bomb (12 levels)": folder / "bomb.yaml",
        }
        cards[f"card just under {MAX_CARD_BYTES:,} bytes"].write_text(at_limit, encoding="utf-8")
        cards["card past the limit"].write_text(at_limit + "#" * MAX_CARD_BYTES, encoding="utf-8")
        bomb = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        bomb += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
        cards["alias bomb (12 levels)"].write_text("\n".join(bomb) + "\n", encoding="utf-8")
        for label, path in cards.items():
            result = measure("card", path)
            print(f"{label} ({path.stat().st_size:,} bytes): {result['outcome']} in "
                  f"{result['median_seconds'] * 1e3:.0f} ms (target < 1 s)")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
