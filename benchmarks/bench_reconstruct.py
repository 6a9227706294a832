"""Timings of the consistency checks and the cohort reconstruction (never part of pass/fail).

Run: ``python benchmarks/bench_reconstruct.py [--cohorts 1000]``. Targets: count_samples for n = 29 on 0-10 under
one definition well under 1 s; 1,000 verified joint cohorts under 10 s on one core.
"""

from __future__ import annotations

import argparse
import importlib
import time

from sacro_kit.io.card import load_reported
from sacro_kit.forensics.consistency import check_reported, quartile_types
from sacro_kit.stats.quantiles import QUANTILE_METHODS

R = importlib.import_module("sacro_kit.forensics.reconstruction")


def timed(label: str, function, *args, repeat: int = 1, **kwargs):
    start = time.perf_counter()
    for _ in range(repeat):
        result = function(*args, **kwargs)
    seconds = (time.perf_counter() - start) / repeat
    print(f"{label:<68s} {seconds * 1000:10.2f} ms")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cohorts", type=int, default=1000, help="cohorts for the joint timing (default 1000)")
    args = parser.parse_args()
    card = load_reported()

    for method in QUANTILE_METHODS:
        timed(f"count_samples(29, '4', '7', '8.5', method={method!r})", R.count_samples, 29, "4", "7", "8.5",
              method=method, decimals=1, repeat=5)
    timed("count_samples(57, '1', '1', '2', method=4, scale=(0, 20))", R.count_samples, 57, "1", "1", "2",
          method=4, scale=(0, 20), decimals=1, repeat=5)
    timed("quartile_types(29, '4', '7', '8.5') (all 10 definitions)", quartile_types, 29, "4", "7", "8.5",
          decimals=1, repeat=5)
    timed("check_reported(card)", check_reported, card, repeat=3)

    R._cached_plan.cache_clear()
    timed("reconstruction plan (DP tables for 8 margins, built once)", R._plan, card, None, "up_or_down", None,
          R.COUNT_MAX)
    cohorts, seconds = timed(f"reconstruct: {args.cohorts} joint cohorts, each verified", R.reconstruct, card,
                             n_cohorts=args.cohorts, seed=1)
    print(f"{'':<68s} {seconds / args.cohorts * 1000:10.2f} ms per cohort")
    _, seconds = timed(f"reconstruct: {args.cohorts} joint cohorts, verify=False", R.reconstruct, card,
                       n_cohorts=args.cohorts, seed=1, verify=False)
    print(f"{'':<68s} {seconds / args.cohorts * 1000:10.2f} ms per cohort")
    timed("verify_cohort (one cohort)", R.verify_cohort, cohorts[0], card, repeat=50)
    timed("responder_band(card, n_cohorts=200)", R.responder_band, card, n_cohorts=200)


if __name__ == "__main__":
    main()
