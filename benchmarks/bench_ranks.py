"""Benchmarks of the rank tests' default calls (issue 13, item 5) and the exact conditional test (item 1).

``python benchmarks/bench_ranks.py [--quick]`` prints a table and writes its section of benchmarks/results.md
(between the ``bench:ranks`` markers; the rest of the file is left alone). ``benchmarks/run_all.py`` runs it too.
Never part of pass/fail. The machine is shared: the 1-, 5- and 15-minute load averages (``uptime``) are recorded
before and after, and every ratio is of two timings taken back to back in the same conditions.

Targets: ``sk.wilcoxon(pre, post)`` with its default Hodges-Lehmann interval <= 3x raw ``scipy.stats.wilcoxon``
at 10^5 pairs and < 2 s at 10^6, on integer 0-10 scores (as the engine benchmark) and on continuous differences
(every Walsh average distinct: the compiled selection of ``sacro_kit.stats._walsh``); the exact conditional p-value
of n = 57 tied pain scores < 10 ms; ``sk.responder_curve`` <= 1.2x a minimal numpy implementation of the same
curve (relative changes from pre/post, default threshold grid, counts and Wilson bounds).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import ndtri

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sacro_kit as sk  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_section  # noqa: E402  (benchmarks/_results.py)
from sacro_kit.stats.paired import exact_signed_rank_p  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.md"
BEGIN, END = "<!-- bench:ranks -->", "<!-- /bench:ranks -->"


def _times(fn, repeat: int) -> list[float]:
    fn()  # warm caches, imports and compiled code
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    if first < 5e-3:  # sub-millisecond calls: a median of a handful is noise; fill about half a second
        repeat = max(repeat, min(500, int(0.5 / max(first, 1e-5))))
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _fmt(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds >= 1 else f"{seconds * 1e3:.2f} ms"


def minimal_responder_curve(pre, post):
    """The least numpy that gives responder_curve's numbers (relative kind, default grid, Wilson bounds)."""
    a, b = np.asarray(pre, float), np.asarray(post, float)
    ok = ~(np.isnan(a) | np.isnan(b)) & (a != 0)
    rel = np.sort((a[ok] - b[ok]) / a[ok])
    thresholds = np.union1d(np.arange(101) / 100, rel)
    n = rel.size
    k = n - np.searchsorted(rel, thresholds - 1e-9, side="left")
    z = ndtri(0.975)
    p = k / n
    denom = 2 * (n + z ** 2)
    centre = (2 * n * p + z ** 2) / denom
    half = z / denom * np.sqrt(4 * n * p * (1 - p) + z ** 2)
    return thresholds, k, n, p, centre - half, centre + half


def minimal_responder_table(pre, post):
    """The minimal curve returned as responder_curve returns it: a DataFrame with the same columns.

    At 10^4 pairs pandas' DataFrame construction (~0.15 ms, fixed) is a third of the whole call, so the
    like-for-like ratio is against this; the arrays-only ratio is printed beside it.
    """
    thresholds, k, n, p, low, high = minimal_responder_curve(pre, post)
    return pd.DataFrame(
        {"threshold": thresholds, "k": k, "n": np.full(k.shape, n), "proportion": p, "ci_low": low, "ci_high": high},
        copy=False,
    )


def run(repeat: int, sizes) -> list[tuple[str, float, float, float, int, str]]:
    rows = []

    def add(name, times, note=""):
        med = statistics.median(times)
        rows.append((name, med, min(times), max(times), len(times), note))
        print(f"{name:<66} median {_fmt(med):>10}  (min {_fmt(min(times))}, n={len(times)}) {note}", flush=True)
        return med

    rng = np.random.default_rng(2014)
    for size in sizes:
        pre, post = rng.integers(0, 11, size), rng.integers(0, 11, size)
        d = pre - post
        reps = max(3, repeat // (3 if size >= 10**6 else 1))
        ours = add(f"sk.wilcoxon default (HL interval), {size:.0e} integer pairs",
                   _times(lambda: sk.wilcoxon(pre, post), reps))
        raw = add(f"  raw scipy.stats.wilcoxon, {size:.0e} pairs", _times(lambda: stats.wilcoxon(d), reps))
        target = "target <= 3x" if size == 10**5 else ("target < 2 s" if size == 10**6 else "")
        rows[-2] = rows[-2][:5] + (f"{ours / raw:.2f}x raw scipy {target}".strip(),)
        ours = add(f"sk.responder_curve, {size:.0e} pairs", _times(lambda: sk.responder_curve(pre, post), reps))
        raw = add(f"  minimal numpy responder curve, {size:.0e} pairs",
                  _times(lambda: minimal_responder_curve(pre, post), reps))
        table = add(f"  minimal numpy responder curve returned as the same DataFrame, {size:.0e} pairs",
                    _times(lambda: minimal_responder_table(pre, post), reps))
        rows[-3] = rows[-3][:5] + (
            f"{ours / table:.2f}x the minimal curve with the same DataFrame (target <= 1.2x); "
            f"{ours / raw:.2f}x its bare arrays",)
    for size in sizes:
        d = rng.normal(0.3, 1.0, size)
        reps = max(3, repeat // (3 if size >= 10**6 else 1))
        ours = add(f"sk.wilcoxon default (HL interval), {size:.0e} continuous differences",
                   _times(lambda: sk.wilcoxon(d), reps))
        raw = add(f"  raw scipy.stats.wilcoxon, {size:.0e} continuous", _times(lambda: stats.wilcoxon(d), reps))
        target = "target <= 3x" if size == 10**5 else ("target < 2 s" if size == 10**6 else "")
        rows[-2] = rows[-2][:5] + (f"{ours / raw:.2f}x raw scipy {target}".strip(),)
    pain = np.random.default_rng(57)
    pre57, post57 = pain.integers(3, 11, 57), pain.integers(0, 9, 57)
    d57 = (pre57 - post57).astype(float)

    from sacro_kit.stats import paired

    def exact57():
        paired._conditional_cdf_cached.cache_clear()  # time the whole computation, not the cache
        return exact_signed_rank_p(d57, zero_method="pratt")

    add("exact conditional p, n = 57 tied pain scores (Pratt, cache cleared)", _times(exact57, repeat * 5),
        "target < 10 ms")
    add("sk.wilcoxon(method='exact'), n = 57 tied pain scores, with exact tied HL interval",
        _times(lambda: (exact57(), sk.wilcoxon(pre57, post57, method="exact")), repeat * 5), "target < 10 ms (p)")
    return rows


def write(rows, load_before, load_after, command: str) -> None:
    lines = [BEGIN, "## Rank tests: default calls (issue 13)", "",
             f"Command: `{command}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
             f"Load average (1, 5, 15 min; 2 cores shared by every engineer) before: "
             f"{', '.join(f'{x:.2f}' for x in load_before)}; after: {', '.join(f'{x:.2f}' for x in load_after)}. "
             "Ratios compare timings taken back to back, so the load affects both sides.", "",
             "| benchmark | median | min | max | runs | note |", "|---|---:|---:|---:|---:|---|"]
    for name, med, lo, hi, n, note in rows:
        lines.append(f"| {name} | {_fmt(med)} | {_fmt(lo)} | {_fmt(hi)} | {n} | {note} |")
    lines.append(END)
    section = "\n".join(lines)
    write_section(RESULTS, BEGIN, END, section)
    print(f"written the rank-test section of {RESULTS.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and no 10^6 run")
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows = run(3 if args.quick else 7, (10**4, 10**5) if args.quick else (10**4, 10**5, 10**6))
    write(rows, load_before, os.getloadavg(), " ".join(["python"] + sys.argv))


if __name__ == "__main__":
    main()
