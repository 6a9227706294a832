"""Median/IQR, median/range, percentages and parts: exact checks against brute-force enumeration of every sorted
sample on small lattices (quartiles computed by numpy and by R's fivenum rule, not by the module), hypothesis
properties, and issue 12's regressions (per-value precision, open scales)."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sacro_kit as sk

SETTINGS = dict(derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NUMPY = {1: "inverted_cdf", 2: "averaged_inverted_cdf", 3: "closest_observation", 4: "interpolated_inverted_cdf",
         5: "hazen", 6: "weibull", 7: "linear", 8: "median_unbiased", 9: "normal_unbiased"}
METHODS = (1, 2, 3, 4, 5, 6, 7, 8, 9, "tukey")


def fivenum_quartiles(x):
    """R's stats::fivenum hinges (Tukey), written from R's source: n4 = floor((n + 3)/2)/2."""
    x = sorted(x)
    n = len(x)
    n4 = math.floor((n + 3) / 2) / 2
    out = []
    for d in (n4, (n + 1) / 2, n + 1 - n4):
        out.append(Fraction(x[math.floor(d) - 1] + x[math.ceil(d) - 1], 2))
    return out


def quartiles(sample, method):
    if method == "tukey":
        return fivenum_quartiles(sample)
    values = np.quantile(np.asarray(sample, dtype=float), [0.25, 0.5, 0.75], method=NUMPY[method])
    return [Fraction(float(v)).limit_denominator(10_000) for v in values]


def half_up(x: Fraction, d: int) -> str:
    k = math.floor(x * 10 ** d + Fraction(1, 2))
    sign = "-" if k < 0 else ""
    digits = str(abs(k)).rjust(d + 1, "0")
    return sign + (f"{digits[:-d]}.{digits[-d:]}" if d else digits)


# --------------------------------------------------------------------------------------------------------------------
# Median and IQR: brute force


@pytest.mark.parametrize("n,top,step", [(1, 4, 1), (2, 4, 1), (3, 4, 1), (4, 3, 1), (5, 3, 1), (6, 2, 1), (7, 2, 1),
                                        (8, 2, 1), (4, 1, Fraction(1, 3))])
@pytest.mark.slow
def test_median_iqr_equals_brute_force(n, top, step):
    lattice = [Fraction(i) * step for i in range(int(top / step) + 1)]
    attainable = {m: set() for m in METHODS}
    for sample in itertools.combinations_with_replacement(lattice, n):
        for m in METHODS:
            attainable[m].add(tuple(half_up(q, 1) for q in quartiles(sample, m)))
    candidates = set().union(*attainable.values())
    for triple in list(candidates):                  # every one-unit perturbation of one printed value
        for i in range(3):
            for delta in (Fraction(-1, 10), Fraction(1, 10)):
                changed = list(triple)
                changed[i] = half_up(Fraction(triple[i]) + delta, 1)
                candidates.add(tuple(changed))
    for q1, med, q3 in sorted(candidates):
        got = sk.check_median_iqr(n, q1, med, q3, scale=(0, top), step=step, rounding="half_up")
        expected = tuple(m for m in METHODS if (q1, med, q3) in attainable[m])
        assert got.fits == expected, (n, q1, med, q3, got.detail)
        assert got.verdict == ("consistent" if expected else "inconsistent")


@settings(max_examples=80, **SETTINGS)
@given(sample=st.lists(st.integers(0, 10), min_size=1, max_size=45), method=st.sampled_from(METHODS),
       places=st.tuples(*[st.integers(0, 2)] * 3))
def test_summary_of_a_random_sample_is_consistent_under_its_definition(sample, method, places):
    # each value printed at its own precision, as papers do
    texts = [half_up(q, d) for q, d in zip(quartiles(sample, method), places)]
    got = sk.check_median_iqr(len(sample), *texts, scale=(0, 10))
    assert method in got.fits, (texts, got.detail)
    assert got.verdict == "consistent"


@settings(max_examples=40, **SETTINGS)
@given(sample=st.lists(st.integers(0, 10), min_size=1, max_size=30), method=st.sampled_from(METHODS))
def test_witness_extends_to_a_full_sample_that_prints_as_given(sample, method):
    texts = [half_up(q, 1) for q in quartiles(sample, method)]
    got = sk.check_median_iqr(len(sample), *texts, scale=(0, 10), methods=[method], rounding="half_up")
    row = got.definitions[0]
    witness = {int(k): Fraction(v).limit_denominator(100) for k, v in row[4].items()}
    # fill every free position with the next pinned value at or below it (or the first pinned value)
    positions = sorted(witness)
    full = []
    for i in range(1, len(sample) + 1):
        below = [p for p in positions if p <= i]
        full.append(witness[below[-1]] if below else witness[positions[0]])
    assert [half_up(q, 1) for q in quartiles(full, method)] == texts


def test_median_iqr_scale_with_rational_step():
    # a prorated questionnaire in steps of 10/3 on 0-100: quartiles are averages of multiples of 10/3
    got = sk.check_median_iqr(12, "30.0", "45.0", "60.0", scale=(0, 100), step=Fraction(10, 3))
    assert got.verdict == "consistent"
    assert all(Fraction(v).limit_denominator(30) % Fraction(10, 3) == 0 for v in got.definitions[got.definitions.index(
        next(r for r in got.definitions if r[1]))][4].values())


# --------------------------------------------------------------------------------------------------------------------
# Regressions from issue 12


def test_per_value_precision_regression_gupta_2014():
    # Gupta 2014, AJNR Am J Neuroradiol, doi:10.3174/ajnr.A4027 (data/literature row "Gupta 2014"): VAS after
    # sacroplasty "3.0 (0.0-5.8)", n = 27. Issue 12: one "0.25" elsewhere on the card made every value a 3-decimal
    # one, "5.8" meaning 5.7995-5.8005, and no definition fitted. Read per value ("5.8" = 5.75 to 5.85) four do.
    got = sk.check_median_iqr(27, "0.0", "3.0", "5.8", scale=(0, 10), card_decimals=3)
    assert got.verdict == "consistent"
    assert got.fits == (4, 5, 8, 9)
    assert got.sensitivity == ()                     # the card-wide reading, shown but not the verdict
    assert "5.8 means [5.75, 5.85]" in got.detail and "Sensitivity (not the verdict)" in got.detail
    pre = sk.check_median_iqr(27, "8.0", "9.0", "10.0", scale=(0, 10), card_decimals=3)
    assert pre.verdict == "consistent" and set(got.fits) & set(pre.fits) == {4, 5, 8, 9}


def test_open_scale_knee_angles_regression():
    # Issue 12: knee range of motion 130-140 degrees on a scale with no stated maximum was silently closed at 20 and
    # declared impossible. Now the open scale is closed losslessly and the detail says so.
    got = sk.check_median_iqr(20, "130", "135", "140", scale=(0, None), step=5)
    assert got.verdict == "consistent"
    assert "no stated maximum" in got.detail and "does not depend on the maximum" in got.detail
    integer = sk.check_median_iqr(20, "130", "135", "140", scale=(0, None))
    assert integer.verdict == "consistent"


def test_open_scale_says_when_the_verdict_depends_on_the_maximum():
    # Gupta's VAS had no stated range: type 4 needs an x(21) of 8, above the largest printed value (5.8).
    got = sk.check_median_iqr(27, "0.0", "3.0", "5.8", scale=(0, None))
    assert "depends on how high the scale goes" in got.detail
    assert got.fits == (4, 5, 8, 9)


def test_open_scale_closing_is_lossless_by_brute_force():
    # For n = 5, every printed triple at one decimal attainable on 0..60 is attainable on the closed lattice used
    # for the open scale, and vice versa.
    n = 5
    big = [Fraction(i) for i in range(0, 61)]
    for q1, med, q3 in [("1.0", "2.0", "30.0"), ("0.5", "3.0", "20.5"), ("2.0", "2.5", "13.3"), ("1.0", "1.0", "1.0")]:
        closed = sk.check_median_iqr(n, q1, med, q3, scale=(0, 60), rounding="half_up")
        opened = sk.check_median_iqr(n, q1, med, q3, scale=(0, None), rounding="half_up")
        assert closed.fits == opened.fits, (q1, med, q3)
        assert len(big) == 61


def test_quartiles_out_of_order_are_inconsistent_with_reason():
    got = sk.check_median_iqr(10, "6", "4", "8")
    assert got.verdict == "inconsistent" and "out of order" in got.detail


def test_median_iqr_refuses_floats_and_bad_scales():
    with pytest.raises(ValueError, match="as printed"):
        sk.check_median_iqr(10, 4.0, "5", "6")
    with pytest.raises(ValueError, match="scale min"):
        sk.check_median_iqr(10, "4", "5", "6", scale=(None, None))
    with pytest.raises(ValueError, match="whole number of steps"):
        sk.check_median_iqr(10, "4", "5", "6", scale=(0, 11), step=5)


# --------------------------------------------------------------------------------------------------------------------
# Median and range


def test_min_max_that_are_not_lattice_values_regression():
    # Issue 12: a table labelled "Min-Max" whose values 1.5 and 0.5 cannot be minima of integer scores.
    r = sk.check_median_range(9, "1.5", "4", "8", scale=(0, 10))
    assert r.verdict == "inconsistent" and "single observation, x(1)" in r.detail
    assert sk.check_median_range(9, "1.5", "4", "8", scale=(0, 10), step=Fraction(1, 2)).verdict == "consistent"


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6])
def test_median_range_equals_brute_force(n):
    lattice = [Fraction(i) for i in range(5)]
    attainable = {m: set() for m in METHODS}
    for sample in itertools.combinations_with_replacement(lattice, n):
        for m in METHODS:
            med = quartiles(sample, m)[1]
            attainable[m].add((half_up(sample[0], 1), half_up(med, 1), half_up(sample[-1], 1)))
    everything = set().union(*attainable.values())
    candidates = set(everything)
    for lo, med, hi in everything:
        for delta in (Fraction(-1, 2), Fraction(1, 10), Fraction(1, 2)):
            candidates.add((lo, half_up(Fraction(med) + delta, 1), hi))
            candidates.add((half_up(Fraction(lo) + delta, 1), med, hi))
    for lo, med, hi in sorted(candidates):
        if Fraction(lo) < 0:
            continue
        got = sk.check_median_range(n, lo, med, hi, scale=(0, 4), rounding="half_up")
        assert got.fits == tuple(m for m in METHODS if (lo, med, hi) in attainable[m]), (lo, med, hi, got.detail)


# --------------------------------------------------------------------------------------------------------------------
# Percentages


def test_percentage_keeps_legacy_behaviour():
    # tests/test_consistency.py cases, through sk.check_percentage
    assert sk.check_percentage(37, 45, "82%").consistent
    assert not sk.check_percentage(36, 45, "82%").consistent
    assert sk.check_percentage(None, 50, "7%").consistent_k == ()
    assert sk.check_percentage(1, 8, "13%", rounding="half_up").consistent
    assert not sk.check_percentage(1, 8, "12%", rounding="half_up").consistent
    for bad in (dict(k=46, n=45, printed_percent="82%"), dict(k=37, n=45, printed_percent="82,2%"),
                dict(k=37, n=45, printed_percent=82.2)):
        with pytest.raises(ValueError):
            sk.check_percentage(**bad)


@pytest.mark.parametrize("n", [1, 7, 13, 45, 57, 100, 137])
def test_percentage_n_without_k_equals_brute_force(n):
    for d in (0, 1):
        prints = {}
        for k in range(n + 1):
            prints.setdefault(half_up(Fraction(100 * k, n), d), []).append(k)
        for tenths in range(0, 1001, 1 if d else 10):
            text = half_up(Fraction(tenths, 10), d) + "%"
            got = sk.check_percentage(None, n, text, rounding="half_up")
            assert got.consistent_k == tuple(prints.get(text[:-1], ())), (n, text)


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
@pytest.mark.parametrize("k", [0, 1, 2, 5, 13, 42])
def test_percentage_k_without_n_equals_brute_force(k):
    for p in range(0, 101):
        text = f"{p}%"
        # 100k/n prints as p (half up) iff (2p - 1) n <= 200k < (2p + 1) n, in integers
        expected = tuple(n for n in range(max(k, 1), 20_000) if (2 * p - 1) * n <= 200 * k < (2 * p + 1) * n)
        got = sk.check_percentage(k, None, text, rounding="half_up")
        if k == 0:
            assert got.consistent == (p == 0)
        elif p == 0:
            assert got.consistent_n is None       # open above: every n from 200k + 1 prints as 0 %
            assert got.smallest_n == (expected[0] if expected else None)
        else:
            assert got.consistent_n == expected, (k, text)


def test_percentage_without_k_or_n_real_paper():
    # Issue 12: "93 % (n = 45)" and, with no denominator, "93 %".
    assert sk.check_percentage(None, 45, "93 %").consistent_k == (42,)
    r = sk.check_percentage(None, None, "93 %")
    assert r.verdict == "consistent" and r.smallest_n == 14
    brute = min(n for n in range(1, 100) if any(half_up(Fraction(100 * k, n), 0) == "93" for k in range(n + 1)))
    assert brute == 14
    assert sk.check_percentage(None, None, "105%").verdict == "inconsistent"


# --------------------------------------------------------------------------------------------------------------------
# Parts of a whole


def test_parts_add_up():
    # the seed card's direction counts (Dougherty 2014): 37 decreased, 5 unchanged, 3 increased of 45
    assert sk.check_parts([37, 5, 3], 45, percents=["82%", "11%", "7%"]).verdict == "consistent"
    bad = sk.check_parts([37, 5, 4], 45)
    assert bad.verdict == "inconsistent" and "= 46" in bad.detail
    assert sk.check_parts([20, 20], 45, exhaustive=False).verdict == "consistent"
    # printed percentages summing to 102 with three integer parts: rounding moves the sum by at most 1.5
    assert sk.check_parts(None, None, percents=["34%", "34%", "34%"]).verdict == "inconsistent"
    assert sk.check_parts(None, None, percents=["33%", "33%", "33%"]).verdict == "consistent"


@settings(max_examples=60, **SETTINGS)
@given(n=st.integers(1, 15), values=st.lists(st.integers(0, 100), min_size=3, max_size=3),
       places=st.tuples(*[st.integers(0, 1)] * 3))
def test_fits_agree_with_the_exact_sample_count(n, values, places):
    # Cross-check against an independent algorithm: reconstruction's count_samples (a dynamic programme over the whole
    # sorted sample) counts the samples printing as the triple; a definition fits iff that count is positive.
    q1, med, q3 = sorted(Fraction(v, 10) for v in values)
    texts = [half_up(q, d) for q, d in zip((q1, med, q3), places)]
    got = sk.check_median_iqr(n, *texts, scale=(0, 10))
    for m in METHODS:
        count = sk.count_samples(n, *texts, quantile_type=m, scale=(0, 10))
        assert (m in got.fits) == (count > 0), (n, texts, m, count)
