"""Compile the kit's numba kernels (``make kernels``, the first step of ``make test``'s kernel stream).

numba compiles a kernel on its first call and caches the machine code beside the source (``__pycache__``), so every
later process loads it in milliseconds. On a fresh clone that first call costs about 15 s of CPU; made here, once,
before the test workers, notebook kernels and the book build start, no two of them compile the same kernel at once.
This is not a test: it prints what it compiled and how long it took.
"""

from __future__ import annotations

import time

import numpy as np

import sacro_kit as sk


def main() -> None:
    start = time.perf_counter()
    sk.reconstruct(None, n_cohorts=1, seed=1)  # the reconstruction chain (forensics/reconstruction/_kernel.py)
    chain = time.perf_counter() - start
    rng = np.random.default_rng(0)
    sk.hodges_lehmann(rng.normal(size=5_000), rng.normal(size=5_000))  # the Walsh-average selection (stats/_walsh.py)
    walsh = time.perf_counter() - start - chain
    print(f"numba kernels ready: reconstruction chain {chain:.1f} s, Walsh selection {walsh:.1f} s")


if __name__ == "__main__":
    main()
