"""Property tests (hypothesis) of the reconstruction: exact counts and verified cohorts, for arbitrary inputs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sacro_kit as sk

METHODS = st.sampled_from(sk.QUANTILE_METHODS)


def _printed(value: float) -> str:
    return f"{value:g}"


@pytest.mark.slow
@settings(derandomize=True, max_examples=60, deadline=None)
@given(sample=st.lists(st.integers(0, 4), min_size=1, max_size=7), method=METHODS)
def test_count_samples_equals_brute_force(sample, method):
    # Take the quartiles some real sample prints, then count by enumerating every sorted sample of that size.
    n = len(sample)
    q1, med, q3 = (sk.quantile(sample, p, quantile_type=method) for p in (0.25, 0.5, 0.75))
    printed = tuple(_printed(v) for v in (q1, med, q3))
    decimals = max(len(t.split(".")[1]) if "." in t else 0 for t in printed)
    brute = 0
    for candidate in itertools.combinations_with_replacement(range(5), n):
        got = [sk.quantile(candidate, p, quantile_type=method) for p in (0.25, 0.5, 0.75)]
        # "prints as t" under the kit's default rounding ("up_or_down": a tie may round either way)
        if all(abs(g - float(t)) <= 0.5 * 10.0 ** -decimals + 1e-12 for g, t in zip(got, printed)):
            brute += 1
    counted = sk.count_samples(n, *printed, quantile_type=method, scale=(0, 4), decimals=decimals)
    assert counted >= 1  # the sample itself prints these numbers
    assert counted == brute


@pytest.mark.slow
@settings(derandomize=True, max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_every_reconstructed_cohort_passes_verification(seed):
    card = sk.load_reported()
    cohort = sk.reconstruct(card, n_cohorts=1, seed=seed, verify=False)[0]
    table = sk.verify_cohort(cohort, card)
    assert table["ok"].dropna().all(), table[table["ok"].eq(False)]
    assert len(cohort) == card["treated"].n.value
    assert np.array_equal(cohort["patient_id"].notna(), np.ones(len(cohort), bool))
