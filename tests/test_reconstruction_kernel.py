"""The compiled chain and the stacked verification (issue 14 §4: 1,000 verified cohorts in seconds).

The law itself is checked by exhaustive enumeration in test_reconstruction_law.py; these tests check that the
compiled kernel keeps its running statistics true to its state, that it is deterministic and does not depend on how
its steps are split into calls, that the edge of a p window goes to scipy, and that the stacked verification used
by ``reconstruct`` agrees with ``verify_cohort`` on valid and on broken cohorts.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from sacro_kit.forensics import reconstruction as R
from sacro_kit.forensics.reconstruction import chain as _chain
from sacro_kit.forensics.reconstruction.verification import _verify_stacked
from sacro_kit.io.card import load_reported


@pytest.fixture(scope="module")
def card():
    return load_reported()


@pytest.fixture(scope="module")
def plan(card):
    return R._plan(card, None, "up_or_down", None, R.RECONSTRUCTION_COUNT_MAX)


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
@pytest.mark.subprocess
def test_import_does_not_load_numba():
    code = "import sys, sacro_kit; sacro_kit.load_reported(); print('numba' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_kernel_bookkeeping_matches_its_state(plan):
    chain = _chain.start_chain(plan, 7)
    chain.run(20_000)
    assert chain.valid_all()
    st, mg, bk = chain._kernel_state[:3]
    X, keys, counts, sums, items, where, msize = st
    for c, column_counts in enumerate(chain.counts):  # recomputed from X
        if column_counts is not None:
            assert counts[c, : len(column_counts)].tolist() == column_counts
    assert sums.tolist() == chain.sums
    for c in range(X.shape[1]):
        members = set(np.flatnonzero(X[:, c] >= 0).tolist())
        assert msize[c] == len(members) and set(items[c, : msize[c]].tolist()) == members
        assert all(where[c, p] == k for k, p in enumerate(items[c, : msize[c]].tolist()))
    # equal rows have equal keys and distinct rows distinct keys
    assert len(set(keys.tolist())) == len(chain.rows)
    assert Counter(keys.tolist()).most_common(1)[0][1] == chain.rows.most_common(1)[0][1]
    resp, dcount, pos, neg = bk[4], bk[7], bk[8], bk[9]
    for k, block in enumerate(chain.blocks):
        block.fill(chain.P)
        assert resp[k] == block.resp and dcount[k].tolist() == block.d
        assert pos[k, : block.top].tolist() == block.pos and neg[k, : block.top].tolist() == block.neg


def test_chain_is_deterministic_and_split_invariant(plan):
    one = _chain.start_chain(plan, 11)
    one.run(5_000)
    two = _chain.start_chain(plan, 11)
    for steps in (1, 999, 37, 3_963):
        two.run(steps)
    assert np.array_equal(one.X, two.X)
    assert np.array_equal(one.proposed, two.proposed) and np.array_equal(one.accepted, two.accepted)
    other = _chain.start_chain(plan, 12)
    other.run(5_000)
    assert not np.array_equal(one.X, other.X)


def test_edge_of_the_p_window_is_decided_by_scipy(plan):
    chain = _chain.start_chain(plan, 3)
    chain.run(1)
    bk = chain._kernel_state[2]
    k = next(k for k, b in enumerate(chain.blocks) if b.window is not None)
    pos, neg = bk[8], bk[9]
    # a window reduced to this state's z: every proposal that keeps the block's z is on the edge
    bk[12][k] = bk[13][k] = R._signed_rank_z(pos[k].tolist(), neg[k].tolist())
    chain.run(20_000)
    edge_block, edge_hist, edge_ok, nedge, _ = chain._kernel_state[6]
    from sacro_kit.forensics.reconstruction import _p_satisfied, _p_value

    assert nedge[0] >= 1
    T = edge_hist.shape[1] // 2
    for e in range(int(nedge[0])):
        h = edge_hist[e]
        d = np.concatenate([np.repeat(np.arange(T), h[:T]), -np.repeat(np.arange(T), h[T:])]).astype(float)
        assert bool(edge_ok[e]) == _p_satisfied(_p_value(d, np.zeros_like(d)), chain.blocks[edge_block[e]].spec.p)


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
def test_stacked_verification_agrees_with_verify_cohort(card, plan):
    cohorts = R.reconstruct(card, n_cohorts=40, seed=5, verify=False)
    rng = np.random.default_rng(0)
    names = [c for c in cohorts[0].columns if c != "patient_id"]
    frames = []
    for i in range(120):
        frame = cohorts[i % len(cohorts)].copy()
        if i >= len(cohorts):  # a broken copy: one value moved, added or removed
            column = names[rng.integers(len(names))]
            j = int(rng.integers(len(frame)))
            value = frame[column].to_numpy(dtype=float, na_value=np.nan)[j]
            if column == "pain_decreased":
                frame.loc[j, column] = None if value == value else True
            elif value == value and i % 4:
                frame.loc[j, column] = value + rng.choice([-1, 1]) * (0.5 if "weeks" in column else 1)
            else:
                frame.loc[j, column] = None if value == value else 1
        frames.append(frame)
    columns = {name: np.stack([f[name].to_numpy(dtype=float, na_value=np.nan) for f in frames]) for name in names}
    stacked = _verify_stacked(columns, card, plan.method, "up_or_down", plan.decimals)
    one_by_one = np.array([bool(R.verify_cohort(f, card)["ok"].all()) for f in frames])
    assert one_by_one[: len(cohorts)].all() and not one_by_one.all()
    assert stacked.tolist() == one_by_one.tolist()


def test_reconstruct_refuses_a_cohort_the_stacked_check_fails(card, monkeypatch):
    from sacro_kit.forensics.reconstruction import verification

    def broken(columns, *args):
        ok = np.ones(next(iter(columns.values())).shape[0], bool)
        ok[1] = False
        return ok

    monkeypatch.setattr(verification, "_verify_stacked", broken)
    with pytest.raises(RuntimeError, match="cohort 1 .*stacked verification"):
        R._reconstruct(card, 3, 2014, None, verify=True)
