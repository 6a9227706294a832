"""Timings of the reconstruction (issue 14 §4; never part of pass/fail), written to their section of results.md.

Run: ``python benchmarks/bench_reconstruct.py [--cohorts 1000] [--quick]``. Targets: 1,000 verified cohorts < 10 s
(in this process, and as the call a user makes in a new process; the first call on a machine also compiles the chain);
the 100 cohorts the chapters share computed once per build (cache); ``count_samples`` < 0.1 s on 0-100 and < 1 s on
0-1000 for n <= 500 with a quartile between two values; an impossible size refused at once. Wall and CPU times are
both reported because the machine is shared (the load average is recorded before and after).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.md"
BEGIN, END = "<!-- reconstruction: begin -->", "<!-- reconstruction: end -->"

import sacro_kit as sk  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_section  # noqa: E402  (benchmarks/_results.py)

R = importlib.import_module("sacro_kit.forensics.reconstruction")
from sacro_kit.forensics.reconstruction import chain as _chain  # noqa: E402


def timed(function, repeat: int = 1):
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return result, sorted(walls)[len(walls) // 2], sorted(cpus)[len(cpus) // 2]


def fresh_process(n_cohorts: int, env: dict | None = None):
    """Wall and CPU time of ``sk.reconstruct(n_cohorts=...)`` in a new Python process (reconstruction cache off;
    ``n_cohorts=0``: only ``import sacro_kit`` and the default card, the part any first call pays)."""
    import resource
    import subprocess

    code = "import sacro_kit as sk; card = sk.load_reported()"
    if n_cohorts:
        code += f"; sk.reconstruct(card, n_cohorts={n_cohorts})"
    environment = {**os.environ, R.CACHE_ENV: "off", **(env or {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=environment, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return None, wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def run(n_cohorts: int, repeat: int) -> list[tuple]:
    rows = []
    card = sk.load_reported()
    for top, n in ((100, 29), (100, 500), (1000, 29), (1000, 500)):
        # Q1 and Q3 between two values under type 7 (positions 125.75 and 375.25 at n = 500)
        _, wall, cpu = timed(lambda: R.count_samples(n, "20.5", "50.5", "70.5", method=7, scale=(0, top)), repeat)
        target = "< 0.1 s" if top == 100 else "< 1 s"
        rows.append((f"count_samples n={n} on 0-{top}, quartiles between two values", wall, cpu,
                     f"target {target}"))
    start = time.perf_counter()
    try:
        R.count_samples(100_000, "200.5", "500.5", "700.5", method=7, scale=(0, 1000))
    except ValueError:
        pass
    rows.append(("count_samples n=100000 on 0-1000 (refused: beyond a minute)", time.perf_counter() - start, 0.0,
                 "clear error at once"))
    os.environ[R.CACHE_ENV] = "off"
    R._cached_plan.cache_clear()
    _, wall, cpu = timed(lambda: R._plan(card, None, "up_or_down", None, R.RECONSTRUCTION_COUNT_MAX))
    rows.append(("reconstruction plan (counting tables of 8 margins, built once per card)", wall, cpu, ""))
    _, wall, cpu = timed(lambda: R._reconstruct(card, 1, 1, None, verify=False))
    rows.append(("first chain of a process: numba imported, its cached machine code loaded (1 cohort)", wall, cpu,
                 "once per process"))
    _, wall, cpu = timed(lambda: R._reconstruct(card, n_cohorts, 1, None, verify=False))
    rows.append((f"{n_cohorts} cohorts, not verified (chain: thin {_chain.THIN_PER_PATIENT} x 57 steps; DataFrames)", wall,
                 cpu, ""))
    cohorts, wall, cpu = timed(lambda: R._reconstruct(card, n_cohorts, 1, None, verify=True))
    rows.append((f"{n_cohorts} verified cohorts", wall, cpu, "target < 10 s for 1,000"))
    # the call a user makes, in a new process: Python, import, the card's plan, numba and the cached machine code
    _, wall, cpu = fresh_process(0)
    rows.append(("new process: Python, `import sacro_kit` and the default card only (pandas, scipy)", wall, cpu,
                 "what any first call pays"))
    _, wall, cpu = fresh_process(n_cohorts)
    rows.append((f"{n_cohorts} verified cohorts, `sk.reconstruct` in a new process (all included)", wall, cpu,
                 "target < 10 s for 1,000"))
    with tempfile.TemporaryDirectory(prefix="sacro_kit-numba-") as empty:
        _, wall, cpu = fresh_process(n_cohorts, {"NUMBA_CACHE_DIR": empty})
    rows.append((f"{n_cohorts} verified cohorts, new process, first on the machine (chain compiled)", wall, cpu,
                 "once per machine and version"))
    _, wall, cpu = timed(lambda: [R.verify_cohort(c, card) for c in cohorts[:50]])
    rows.append(("verify_cohort, per cohort (mean of 50)", wall / 50, cpu / 50, ""))
    folder = tempfile.mkdtemp(prefix="sacro_kit-bench-")
    os.environ[R.CACHE_ENV] = folder
    R._MEMORY.clear()
    _, wall, cpu = timed(lambda: sk.reconstruct(card, n_cohorts=100, seed=2014))
    rows.append(("100 shared chapter cohorts, first call (computed, written to the cache)", wall, cpu, ""))
    R._MEMORY.clear()
    _, wall, cpu = timed(lambda: sk.reconstruct(card, n_cohorts=100, seed=2014), repeat)
    rows.append(("100 shared chapter cohorts, later call in a new kernel (read from the cache)", wall, cpu,
                 "computed once per build"))
    table = sk.chain_diagnostics(card, steps=60 * _chain.THIN_PER_PATIENT * 57)
    for _, row in table.sort_values("autocorrelation_steps", ascending=False).head(3).iterrows():
        rows.append((f"mixing: {row.statistic}", row.autocorrelation_steps, 0.0,
                     f"autocorrelation time in steps; {row.effective_per_100:.0f} effective per 100 kept"))
    return rows


def write(rows, load_before, load_after, command: str) -> None:
    lines = [BEGIN, "## Reconstruction (issue 14 §4)", "",
             f"Command: `{command}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Load average (1, 5, 15 "
             f"min; 2 cores shared by every engineer) before: {', '.join(f'{x:.2f}' for x in load_before)}; after: "
             f"{', '.join(f'{x:.2f}' for x in load_after)}. CPU time is this process's own; wall time includes "
             "waiting for the shared cores.", "",
             "| benchmark | wall | CPU | note |", "|---|---:|---:|---|"]
    for name, wall, cpu, note in rows:
        if name.startswith("mixing"):
            lines.append(f"| {name} | {wall:.0f} steps | | {note} |")
        else:
            lines.append(f"| {name} | {_fmt(wall)} | {_fmt(cpu) if cpu else ''} | {note} |")
    lines.append(END)
    section = "\n".join(lines)
    write_section(RESULTS, BEGIN, END, section)
    print(section)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cohorts", type=int, default=1000, help="cohorts for the joint timing (default 1000)")
    parser.add_argument("--quick", action="store_true", help="one repeat")
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows = run(args.cohorts, 1 if args.quick else 3)
    write(rows, load_before, os.getloadavg(), " ".join(["python"] + sys.argv))


if __name__ == "__main__":
    main()
