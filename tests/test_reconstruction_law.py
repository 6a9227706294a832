"""The reconstruction sampler's law, checked against exhaustive enumeration (issue 14 §1).

The documented law: cohorts are drawn from the uniform law over the distinct joint cohorts (multisets of patient
rows) that reproduce every printed number. Two small synthetic cards (tests/data/enum_*.yaml) have few enough valid
joint cohorts to list them all by brute force (tests/enumeration.py: itertools candidates kept when numpy's
quantiles, scipy's Wilcoxon test and plain counts reproduce the card -- no reconstruction code involved). The
sampler's draws must cover exactly that set, with frequencies whose total-variation distance from uniform is within
what sampling noise gives (the noise distribution is simulated: exact uniform multinomial draws of the same size).
Before this sampler, the distances were 0.32 and 0.35 at these draw counts (noise means 0.08 and 0.17).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

import enumeration as E
from sacro_kit.forensics.reconstruction import chain as _chain
from sacro_kit.io.card import load_reported
from sacro_kit.forensics.reconstruction import _plan, reconstruct

#: The reading of printed precision the enumeration (tests/enumeration.py, ``joint_cohorts(decimals=1)``) and the
#: sampler share: every centre and quartile at one decimal or more. These synthetic version-1 cards declare no
#: reconstruction precision (their default is each value at its own), so the reading is passed explicitly; the law
#: checked here does not depend on it (tests/test_reconstruction_precision.py checks the per-value default).
DECIMALS = 1

#: Allowance over the 99.9th percentile of independent-draw noise for the chain's residual autocorrelation.
AUTOCORRELATION_ALLOWANCE = 1.2


def _draws(card, n_draws: int, seed: int):
    plan = _plan(card, 7, "up_or_down", DECIMALS, 4)
    chain, keys = _chain.multiset_draws(plan, n_draws, seed)

    def as_rows(key):
        rows = [tuple(None if row[b.pre_col] < 0 else (row[b.pre_col], row[b.post_col]) for b in chain.blocks)
                for row in key]
        return tuple(sorted(rows, key=repr))

    return Counter(as_rows(k) for k in keys)


@pytest.mark.parametrize("name, n_draws, expected_size", [("enum_single_pair", 2000, 79),
                                                          ("enum_two_blocks", 3000, 576)])
@pytest.mark.slow
def test_sampler_is_uniform_over_distinct_joint_cohorts(name, n_draws, expected_size):
    card = load_reported(E.CARDS / f"{name}.yaml")
    _, support = E.joint_cohorts(card, 7, DECIMALS)
    assert len(support) == expected_size
    counts = _draws(card, n_draws, seed=1)
    assert set(counts) <= set(support), "the sampler drew a cohort that does not reproduce the card"
    tv = E.total_variation(counts, support)
    noise = E.noise_tv(len(support), n_draws, seed=2, repeats=400)
    bound = AUTOCORRELATION_ALLOWANCE * float(np.quantile(noise, 0.999))
    assert tv <= bound, f"TV {tv:.3f} from uniform exceeds {bound:.3f} (noise mean {noise.mean():.3f})"


def test_reconstruct_returns_the_chain_draws_and_verifies_them():
    # reconstruct's frames are the chain's states: the same multisets, each passing verify_cohort
    card = load_reported(E.CARDS / "enum_two_blocks.yaml")
    _, support = E.joint_cohorts(card, 7, DECIMALS)
    cohorts = reconstruct(card, n_cohorts=30, seed=4, quantile_type=7, decimals=DECIMALS)
    assert {E.cohort_key(c, card) for c in cohorts} <= set(support)
    assert len({E.cohort_key(c, card) for c in cohorts}) > 15


def test_the_old_law_fails_this_test():
    # the check can fail: a sampler that favours one cohort is caught at the same noise bound
    card = load_reported(E.CARDS / "enum_single_pair.yaml")
    _, support = E.joint_cohorts(card, 7, DECIMALS)
    biased = Counter({key: (3 if k < len(support) // 3 else 1) for k, key in enumerate(support)})
    scale = 2000 // sum(biased.values())
    biased = Counter({k: v * scale for k, v in biased.items()})
    noise = E.noise_tv(len(support), sum(biased.values()), seed=2, repeats=400)
    assert E.total_variation(biased, support) > AUTOCORRELATION_ALLOWANCE * float(np.quantile(noise, 0.999))
