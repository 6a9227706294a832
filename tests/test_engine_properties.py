"""Property tests (hypothesis, derandomized) for the paired-statistics engine."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from sacro_kit.stats.paired import min_attainable_p, sign_test, wilcoxon
from sacro_kit.stats.quantiles import NUMPY_METHOD, order_statistic, quantile
from sacro_kit.stats.responders import responder_curve, responders

SETTINGS = dict(derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])

nrs = st.integers(min_value=0, max_value=10)
pairs = st.lists(st.tuples(nrs, nrs), min_size=1, max_size=40)


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
@settings(max_examples=60, **SETTINGS)
@given(pairs=pairs, thresholds=st.lists(st.floats(-1, 1, allow_nan=False), min_size=2, max_size=8),
       kind=st.sampled_from(["relative", "absolute"]))
def test_responder_proportion_is_non_increasing_in_threshold(pairs, thresholds, kind):
    pre, post = (np.array(v, dtype=float) for v in zip(*pairs))
    scale = 1.0 if kind == "relative" else 10.0
    ordered = sorted(t * scale for t in thresholds)
    counts = [responders(pre, post, t, kind).k for t in ordered]
    assert all(a >= b for a, b in zip(counts, counts[1:]))
    curve = responder_curve(pre, post, kind)
    assert np.all(np.diff(curve["k"].to_numpy()) <= 0)
    for t in ordered:
        row = responder_curve(pre, post, kind, thresholds=[t])
        assert row["k"].iloc[0] == responders(pre, post, t, kind).k


@pytest.mark.slow  # heavy for `make check`'s inner loop; runs in `make test`
@settings(max_examples=80, **SETTINGS)
@given(x=st.lists(st.integers(0, 10), min_size=1, max_size=30), data=st.data(),
       zero_method=st.sampled_from(["wilcox", "pratt", "zsplit"]),
       method=st.sampled_from(["auto", "exact", "asymptotic"]), correction=st.booleans())
def test_wilcoxon_p_in_unit_interval_and_symmetric_under_swap(x, data, zero_method, method, correction):
    y = data.draw(st.lists(st.integers(0, 10), min_size=len(x), max_size=len(x)))
    assume(any(a != b for a, b in zip(x, y)))
    assume(method != "auto" or len(x) <= 10 or len(x) > 13)  # keep permutation tests small
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        forward = wilcoxon(x, y, zero_method=zero_method, method=method, correction=correction)
        backward = wilcoxon(y, x, zero_method=zero_method, method=method, correction=correction)
    assert 0.0 <= forward.pvalue <= 1.0
    assert forward.pvalue == pytest.approx(backward.pvalue, rel=1e-12, abs=1e-15)
    assert forward.statistic == backward.statistic
    assert (forward.r_plus, forward.r_minus) == (backward.r_minus, backward.r_plus)
    d = np.asarray(x, float) - np.asarray(y, float)
    tied = np.unique(np.abs(d[d != 0])).size < np.count_nonzero(d)
    if not (method == "exact" and tied):
        # exactRankTests' tied estimate (method="exact") uses ceiling(sum(r)/2): not antisymmetric in general
        assert forward.hodges_lehmann == pytest.approx(-backward.hodges_lehmann, abs=1e-12)


@settings(max_examples=80, **SETTINGS)
@given(sample=st.lists(st.one_of(st.integers(-50, 50), st.floats(-1e3, 1e3, allow_nan=False)), min_size=1, max_size=60),
       probs=st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=5))
def test_quantile_equals_numpy_for_every_type(sample, probs):
    ordered = np.sort(np.asarray(sample, dtype=float))
    for hf_type, name in NUMPY_METHOD.items():
        got = quantile(sample, probs, quantile_type=hf_type)
        if hf_type <= 3:
            # discontinuous types are exact (issue 13): numpy's floating n * p can pick the neighbouring order
            # statistic at an exact boundary (n = 25, p = 0.28); order_statistic is the exact rule
            expected = [order_statistic(len(sample), p, hf_type).value(ordered) for p in probs]
            np.testing.assert_array_equal(got, expected)
        else:
            np.testing.assert_array_equal(got, np.quantile(ordered, probs, method=name))


@pytest.mark.slow  # heavy for `make check`'s inner loop; runs in `make test`
@settings(max_examples=100, **SETTINGS)
@given(d=st.lists(st.integers(-5, 5), min_size=1, max_size=25), zero_method=st.sampled_from(["wilcox", "pratt", "zsplit"]),
       alternative=st.sampled_from(["two-sided", "greater", "less"]), correction=st.booleans())
def test_min_attainable_p_bounds_every_sample(d, zero_method, alternative, correction):
    nonzero = sum(v != 0 for v in d)
    assume(nonzero > 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        asym = wilcoxon(d, zero_method=zero_method, method="asymptotic", correction=correction, alternative=alternative)
        floor = min_attainable_p(nonzero, method="asymptotic", ties="any", correction=correction, alternative=alternative)
        assert asym.pvalue >= floor * (1 - 1e-12)
        if len(d) <= 10 or zero_method == "wilcox":
            # exact inference (scipy's exact distribution, or its permutation test with ties/zeros)
            exact = wilcoxon(d, zero_method=zero_method, method="auto", alternative=alternative) \
                if len(d) <= 10 else wilcoxon(d, method="exact", alternative=alternative)
            if exact.method != "asymptotic":
                assert exact.pvalue >= min_attainable_p(nonzero, alternative=alternative) * (1 - 1e-12)
    sign = sign_test(d, alternative=alternative)
    assert sign.pvalue >= min_attainable_p(sign.n_used, "sign", alternative=alternative) * (1 - 1e-12)
    assert sign.pvalue == stats.binomtest(sign.n_decreased, sign.n_used, alternative=alternative).pvalue
