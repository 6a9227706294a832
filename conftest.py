"""Set-up for the docstring examples (`pytest --doctest-modules sacro_kit`, run by `make check` and `make test`).

Examples run with a non-interactive Matplotlib backend, from the repository root, with ``np``, ``pd`` and ``sk`` already
imported; they draw no random numbers without an explicit seed, so they print the same on every run.
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import sacro_kit as sk  # noqa: E402

# scripts beside the tests, not test modules: importing them would run them under --doctest-modules
collect_ignore = ["tests/wheel_smoke.py", "tests/reference", "benchmarks"]


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace.update(np=np, pd=pd, sk=sk)
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
