"""Benchmark the responder explorer's callback: what a reader waits for after moving the threshold slider.

Runs in-process, without a browser: builds the explorer on the shipped cohort and card (or $SACRO_KIT_COHORT /
$SACRO_KIT_CARD), then moves the slider through every threshold of each view, as the browser would (by setting
``slider.value``), and times the whole callback (recount + Wilson interval + moving artists + blit + PNG
encoding), plus its two halves. Prints a table of p50/p95/max in milliseconds. Timings, never pass/fail.

    .venv/bin/python benchmarks/bench_widget.py [--changes 200] [--n-cohorts 50]
"""

from __future__ import annotations

import argparse
import platform
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import sacro_kit as sk  # noqa: E402
from sacro_kit.widgets import threshold_grid  # noqa: E402


def _thresholds(kind: str, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` slider positions: a full sweep, then random jumps (never the same value twice in a row)."""
    grid = threshold_grid(kind)
    values = list(grid)
    while len(values) < count:
        nxt = rng.choice(grid)
        if nxt != values[-1]:
            values.append(nxt)
    return np.array(values[:count])


def _summary(label: str, seconds: list[float]) -> dict:
    ms = 1000 * np.asarray(seconds)
    return {"measure": label, "changes": ms.size, "p50_ms": np.percentile(ms, 50), "p95_ms": np.percentile(ms, 95),
            "max_ms": ms.max()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=200, help="threshold changes per view (>= 100)")
    parser.add_argument("--n-cohorts", type=int, default=50, help="reconstructed cohorts behind the band")
    parser.add_argument("--no-band", action="store_true", help="skip the reconstruction bands")
    args = parser.parse_args()
    if args.changes < 100:
        parser.error("--changes must be at least 100")

    cohort, card = sk.load_cohort(), sk.load_reported()
    start = time.perf_counter()
    explorer = sk.responder_explorer(cohort, card, band=False if args.no_band else None, n_cohorts=args.n_cohorts,
                                     seed=2014)
    build = time.perf_counter() - start

    rng = np.random.default_rng(2014)
    rows = []
    for variable in [value for _, value in explorer.variable_selector.options]:
        for kind in ("relative", "absolute"):
            explorer.update(variable=variable, kind=kind)
            total, compute, redraw = [], [], []
            for threshold in _thresholds(kind, args.changes, rng):
                t0 = time.perf_counter()
                explorer.slider.value = float(threshold)   # the browser's path: observer -> _refresh
                total.append(time.perf_counter() - t0)
                # the two halves, timed separately on the same threshold
                t0 = time.perf_counter()
                state = explorer._compute(variable, kind, float(threshold))
                t1 = time.perf_counter()
                explorer._move_artists(state)
                explorer._render()
                t2 = time.perf_counter()
                compute.append(t1 - t0)
                redraw.append(t2 - t1)
            for label, seconds in (("callback (total)", total), ("  compute", compute), ("  redraw + PNG", redraw)):
                rows.append({"view": f"{variable}/{kind}", **_summary(label, seconds)})
    explorer.close()

    table = pd.DataFrame(rows)
    print(f"responder explorer benchmark -- Python {platform.python_version()}, {platform.machine()}, "
          f"image {len(explorer.image.value) / 1024:.0f} KiB PNG")
    bands = "no bands" if args.no_band else f"{args.n_cohorts}-cohort bands for every view"
    print(f"build (curves, {bands}, first draw): {build:.2f} s")
    print(table.to_string(index=False, float_format="{:.1f}".format))
    everything = table[table["measure"] == "callback (total)"]
    print(f"worst p95 of the whole callback: {everything['p95_ms'].max():.1f} ms (target: well under 100 ms)")


if __name__ == "__main__":
    main()
