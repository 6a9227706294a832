"""GRIM, GRIMMER and DEBIT against scrutiny's documented cases and against brute-force enumeration.

Reference values are copied from the R package scrutiny (github.com/lhdjung/scrutiny, commit a56a945, 2 Dec 2025);
each case names the file it comes from. Brute force enumerates every sorted sample on a small lattice and prints
its mean and SD with an independent exact rounding written here (not the module's).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sacro_kit as sk
from sacro_kit.forensics.granularity import _find_sample, _q_bounds

SETTINGS = dict(derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
t, f = True, False


# --------------------------------------------------------------------------------------------------------------------
# Independent printing (half up, exact) for brute force


def print_half_up(x: Fraction, d: int) -> str:
    """x >= 0 rounded half up to d decimals, exactly, as text."""
    return decimal_text(math.floor(x * 10 ** d + Fraction(1, 2)), d)


def decimal_text(k: int, d: int) -> str:
    """k / 10^d (k >= 0) as text with exactly d decimals."""
    if d == 0:
        return str(k)
    digits = str(k).rjust(d + 1, "0")
    return f"{digits[:-d]}.{digits[-d:]}"


def print_sqrt_half_up(y: Fraction, d: int) -> str:
    """sqrt(y) rounded half up to d decimals: the largest k with (k - 1/2)^2 <= y 100^d."""
    z = 4 * y * 100 ** d
    m = math.isqrt(math.floor(z))
    return decimal_text((m + 1) // 2, d)


def fmt(value: Fraction, d: int) -> str:
    return decimal_text(int(value * 10 ** d), d)


# --------------------------------------------------------------------------------------------------------------------
# GRIM: scrutiny's documented cases


def steps(start: str, stop: str, by: str) -> list[str]:
    a, b, h = Fraction(start), Fraction(stop), Fraction(by)
    d = len(by.split(".")[1]) if "." in by else 0
    out = []
    while a <= b:
        out.append(f"{float(a):.{d}f}")
        a += h
    return out


def test_grim_scrutiny_roxygen_examples():
    # scrutiny R/grim.R @examples: "A mean of 5.19 is not consistent with a sample size of 28 ... However, it is
    # consistent with a sample size of 32".
    assert sk.grim("5.19", 28).verdict == "inconsistent"
    assert sk.grim("5.19", 32).verdict == "consistent"


def test_grim_scrutiny_testthat_vectors():
    # scrutiny tests/testthat/test-grim.R, "Correct values are returned (basic)": seq_endpoint(5.19, 5.3), n = 28.
    assert [sk.grim(x, 28).consistent for x in steps("5.19", "5.30", "0.01")] == [f, f, t, f, f, f, t, f, f, f, t, f]
    # Same file, "`items` argument": seq_endpoint(0.150, 0.159), n = 120, items = 3 ...
    assert ([sk.grim(x, 120, items=3).consistent for x in steps("0.150", "0.159", "0.001")]
            == [t, f, f, t, f, f, t, f, t, f])
    # ... and seq_endpoint(0.80, 0.89), n = 28, items = 2.
    assert ([sk.grim(x, 28, items=2).consistent for x in steps("0.80", "0.89", "0.01")]
            == [t, f, t, f, t, f, t, t, t, t])


def test_grim_scrutiny_pigs1():
    # scrutiny data pigs1 (data/pigs1.rda, read with R's load()) and tests/testthat/test-grim-map.R consistency_exp.
    pigs1 = [("7.22", 32), ("4.74", 25), ("5.23", 29), ("2.57", 24), ("6.77", 27), ("2.68", 28), ("7.01", 29),
             ("7.38", 26), ("3.14", 27), ("6.89", 31), ("5.00", 25), ("0.24", 28)]
    expected = [t, f, f, f, f, t, f, t, f, f, t, f]
    assert [sk.grim(x, n).consistent for x, n in pigs1] == expected


def test_grim_percentages_scrutiny_vec5():
    # scrutiny tests/testthat/test-grim.R, "`percent` argument": seq_endpoint(6, 16) percent, n = 50.
    got = [sk.check_percentage(None, 50, f"{p}%").consistent for p in range(6, 17)]
    assert got == [t, f, t, f, t, f, t, f, t, f, t]


def test_grim_detail_is_a_proof():
    bad = sk.grim("5.19", 28)
    assert "145/28 (= 5.178571)" in bad.detail and "73/14 (= 5.214286)" in bad.detail
    good = sk.grim("5.19", 32)
    assert good.witness == ((5, 26), (6, 6)) and "166/32 = 5.1875" in good.detail
    verdict, detail = good                      # unpacks as (verdict, detail)
    assert verdict == "consistent" and detail == good.detail
    assert good.to_frame().shape[0] == 1


def test_grim_witness_reproduces_mean_for_rational_steps():
    # A prorated score in steps of 1/3 (10 items summed on 0-3, prorated): mean 4.41 of n = 9.
    res = sk.grim("4.41", 9, step=Fraction(1, 3), scale=(0, 30))
    values = [float(v) for v, c in res.witness for _ in range(c)]
    assert res.verdict == "consistent" and f"{np.mean(values):.2f}" == "4.41"
    # Goniometry in 5-degree steps: a mean of 132.1 from 8 knees is impossible (means are multiples of 5/8).
    assert sk.grim("132.1", 8, step=5).verdict == "inconsistent"
    assert sk.grim("132.5", 8, step=5).verdict == "consistent"


def test_grim_errors_are_clear():
    with pytest.raises(ValueError, match="as printed"):
        sk.grim(5.19, 28)
    with pytest.raises(ValueError, match="n must be"):
        sk.grim("5.19", 0)
    with pytest.raises(ValueError, match="rounding"):
        sk.grim("5.19", 28, rounding="banker")


@pytest.mark.parametrize("n", [1, 2, 3, 7, 12, 28, 45])
@pytest.mark.parametrize("d", [1, 2])
def test_grim_equals_brute_force(n, d):
    attainable = {print_half_up(Fraction(total, n), d) for total in range(0, 5 * n + 1)}
    for k in range(0, 5 * 10 ** d + 1):
        text = f"{k / 10 ** d:.{d}f}"
        assert (sk.grim(text, n, scale=(0, 5), rounding="half_up").verdict == "consistent") == (text in attainable)


# --------------------------------------------------------------------------------------------------------------------
# GRIMMER


PIGS5 = [("7.22", "5.30", 38), ("4.74", "6.55", 31), ("5.23", "2.55", 35), ("2.57", "2.57", 30),
         ("6.77", "2.18", 33), ("2.68", "2.59", 34), ("7.01", "6.68", 35), ("7.38", "3.65", 32),
         ("3.14", "5.32", 33), ("6.89", "4.18", 37), ("5.00", "2.18", 31), ("0.24", "6.43", 34)]


def test_grimmer_scrutiny_roxygen_examples():
    # scrutiny R/grimmer.R @examples: "A mean of 5.23 is not consistent with an SD of 2.55 and a sample size of 35
    # ... However, mean and SD are consistent with a sample size of 31".
    assert sk.grimmer("5.23", "2.55", 35).verdict == "inconsistent"
    assert sk.grimmer("5.23", "2.55", 31).verdict == "consistent"


def test_grimmer_scrutiny_pigs5():
    # scrutiny data pigs5 and tests/testthat/test-grimmer-map.R pigs5_exp$consistency (and $reason: rows 1, 5, 7, 9
    # "GRIM inconsistent", row 3 "GRIMMER inconsistent (test 3)" -- the parity test).
    expected = [f, t, f, t, f, t, f, t, f, t, t, t]
    results = [sk.grimmer(x, sd, n) for x, sd, n in PIGS5]
    assert [r.consistent for r in results] == expected
    for i in (0, 4, 6, 8):
        assert results[i].detail.startswith("GRIM fails")
    assert "parity" in results[2].detail
    for r in results:
        if r.consistent:
            check_witness(r)


def check_witness(r, d_mean=None, d_sd=None):
    values = np.array([float(v) for v, c in r.witness for _ in range(c)])
    assert values.size == r.n
    d_mean = d_mean or len(r.mean.split(".")[1])
    d_sd = d_sd or len(r.sd.split(".")[1])
    exact = [Fraction(v) for v, c in r.witness for _ in range(c)]
    mean = sum(exact) / r.n
    var = sum((x - mean) ** 2 for x in exact) / (r.n - 1)
    # up_or_down: either tie direction; the half-up print or the neighbouring half-down print must match
    lo = Fraction(r.mean) - Fraction(1, 2 * 10 ** d_mean)
    hi = Fraction(r.mean) + Fraction(1, 2 * 10 ** d_mean)
    assert lo <= mean <= hi
    slo = max(Fraction(r.sd) - Fraction(1, 2 * 10 ** d_sd), Fraction(0))
    shi = Fraction(r.sd) + Fraction(1, 2 * 10 ** d_sd)
    assert slo ** 2 <= var <= shi ** 2
    assert abs(np.std(values, ddof=1) - float(r.sd)) <= 0.5 * 10 ** -d_sd + 1e-12


def test_grimmer_documented_implementation_disagreements_get_witnesses():
    # scrutiny tests/testthat/test-grimmer.R, "Resolve disagreements": cases where grimmer_scalar() says TRUE and
    # Allard's aGrimmer() FALSE (n = 40 or 80, means at a rounding tie). An exact witness settles each one.
    cases = [("40", "16.03", "6.41"), ("40", "64.73", "25.89"), ("80", "64.73", "25.89"), ("80", "32.68", "13.07"),
             ("40", "64.27", "25.71"), ("80", "16.22", "6.49"), ("40", "256.03", "102.41"),
             ("40", "519.93", "207.97")]
    for n, x, sd in cases:
        r = sk.grimmer(x, sd, int(n))
        assert r.verdict == "consistent", (x, sd, n, r.detail)
        check_witness(r)


def test_grimmer_items():
    # scrutiny R/grimmer.R @examples: grimmer(x = "2.74", sd = "0.96", n = 63, items = 2) (no printed value there;
    # the witness is checked directly).
    r = sk.grimmer("2.74", "0.96", 63, items=2)
    assert r.verdict == "consistent"
    check_witness(r)
    assert all((2 * v).denominator == 1 for v, _ in r.witness)


def brute_force_pairs(n, values, d):
    """Every (mean, SD) pair, printed half up at d decimals, of n values from ``values`` (sorted samples)."""
    out = set()
    for sample in itertools.combinations_with_replacement(values, n):
        mean = sum(sample) / Fraction(n)
        var = sum((x - mean) ** 2 for x in sample) / (n - 1)
        out.add((print_half_up(mean, d), print_sqrt_half_up(var, d)))
    return out


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
@pytest.mark.parametrize("n,lattice,items,step,scale", [
    (2, range(0, 6), 1, 1, (0, 5)), (3, range(0, 6), 1, 1, (0, 5)), (4, range(1, 8), 1, 1, (1, 7)),
    (5, range(0, 5), 1, 1, (0, 4)), (6, range(0, 5), 1, 1, (0, 4)), (7, range(1, 5), 1, 1, (1, 4)),
    (4, [Fraction(k, 2) for k in range(2, 11)], 2, 1, (1, 5)),          # mean of 2 items on 1-5
    (4, [Fraction(k, 3) for k in range(0, 10)], 1, Fraction(1, 3), (0, 3)),   # prorated, steps of 1/3
    (4, list(range(120, 151, 5)), 1, 5, (120, 150)),                   # goniometry, 5-degree steps
])
def test_grimmer_equals_brute_force(n, lattice, items, step, scale):
    d = 2 if scale[1] < 100 else 1
    attainable = brute_force_pairs(n, [Fraction(v) for v in lattice], d)
    means = sorted({m for m, _ in attainable})
    sds = sorted({s for _, s in attainable})
    unit = Fraction(1, 10 ** d)
    candidates = set(attainable)
    for m, s in attainable:                     # perturb each attainable pair by one unit of the last decimal
        for dm, ds in itertools.product((-1, 0, 1), repeat=2):
            mm, ss = Fraction(m) + dm * unit, Fraction(s) + ds * unit
            if mm >= 0 and ss >= 0:
                candidates.add((fmt(mm, d), fmt(ss, d)))
    candidates |= {(means[0], sds[-1]), (means[-1], sds[-1])}
    for m, s in sorted(candidates):
        r = sk.grimmer(m, s, n, items=items, step=step, scale=scale, rounding="half_up")
        assert (r.verdict == "consistent") == ((m, s) in attainable), (m, s, r.detail)
        if r.witness:
            assert all(Fraction(scale[0]) <= v <= Fraction(scale[1]) for v, _ in r.witness)


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
@pytest.mark.parametrize("n", [2, 3, 4])
def test_grimmer_open_scale_equals_brute_force_on_a_wide_lattice(n):
    # On an open scale GRIMMER uses Samuelson's bound; for small SDs every value lies within a few units of the
    # mean, so brute force over -12..12 (wider than any bound used here) gives the full truth.
    lattice = [Fraction(v) for v in range(-12, 13)]
    d = 1
    attainable = set()
    for sample in itertools.combinations_with_replacement(lattice, n):
        mean = sum(sample) / Fraction(n)
        var = sum((x - mean) ** 2 for x in sample) / (n - 1)
        if 0 <= mean <= 2 and var <= 4:
            attainable.add((print_half_up(mean, d), print_sqrt_half_up(var, d)))
    for mk in range(0, 21):
        for sk_ in range(0, 21):
            m, s = f"{mk / 10:.1f}", f"{sk_ / 10:.1f}"
            if Fraction(s) + Fraction(1, 20) > 2 or Fraction(m) + Fraction(1, 20) > 2:
                continue                         # attainable set is only complete for SD <= 2, mean <= 2
            r = sk.grimmer(m, s, n, rounding="half_up")
            assert (r.verdict == "consistent") == ((m, s) in attainable), (m, s, n, r.detail)


def test_grimmer_small_n_gap_beyond_parity():
    # n = 2: values a, b have SD |a - b|/sqrt(2). Mean 1.0 needs a + b = 2 (T = 2); SD 2.00 needs Q = a² + b² = 6,
    # even like T, so the parity test passes, but then (a - b)² = 2Q - T² = 8 is not a square: no such pair.
    # scrutiny's Analytic-GRIMMER stops at parity; the exact search sees the gap.
    assert sk.grimmer("1.0", "2.83", 2).verdict == "consistent"      # a, b = -1, 3: SD sqrt(8) = 2.828
    r = sk.grimmer("1.0", "2.00", 2)
    assert r.verdict == "inconsistent" and "exhaustive search" in r.detail, r.detail


def test_grimmer_open_scale_says_which_bound_it_used():
    r = sk.grimmer("5.23", "2.55", 31)
    assert "Samuelson" in r.detail and "no scale maximum was assumed" in r.detail


@settings(max_examples=60, **SETTINGS)
@given(data=st.data(), n=st.integers(2, 40), items=st.sampled_from([1, 2, 3]))
def test_grimmer_summary_of_a_random_sample_is_consistent(data, n, items):
    # a person's score: the mean of `items` items on 1..7, i.e. an item sum from items to 7 * items over items
    sums = data.draw(st.lists(st.integers(items, 7 * items), min_size=n, max_size=n))
    values = [Fraction(v, items) for v in sums]
    n = len(values)
    mean = sum(values) / n
    var = sum((x - mean) ** 2 for x in values) / (n - 1)
    m_text, s_text = print_half_up(mean, 2), print_sqrt_half_up(var, 2)
    r = sk.grimmer(m_text, s_text, n, items=items, scale=(1, 7))
    assert r.verdict == "consistent", r.detail
    assert sk.grim(m_text, n, items=items, scale=(1, 7)).verdict == "consistent"


def test_q_bounds_and_search_against_enumeration():
    for r in range(1, 5):
        for lo, hi in ((0, 3), (-2, 2)):
            samples = list(itertools.combinations_with_replacement(range(lo, hi + 1), r))
            for s in range(r * lo, r * hi + 1):
                qs = [sum(x * x for x in c) for c in samples if sum(c) == s]
                assert _q_bounds(r, s, lo, hi) == (min(qs), max(qs))
                for q in range(min(qs) - 1, max(qs) + 2):
                    found = _find_sample(r, s, q, lo, hi, [10 ** 6])
                    assert (found is not None) == (q in qs)


# --------------------------------------------------------------------------------------------------------------------
# DEBIT


def test_debit_scrutiny_pigs3():
    # scrutiny data pigs3 and tests/testthat/test-debit.R out_expected (also test-debit-map.R df1_expected).
    pigs3 = [("0.53", "0.50"), ("0.44", "0.50"), ("0.77", "0.42"), ("0.19", "0.35"), ("0.34", "0.47"),
             ("0.93", "0.25"), ("0.12", "0.33")]
    assert [sk.debit(x, sd, 1683).consistent for x, sd in pigs3] == [t, t, t, f, t, t, t]


def test_debit_vignette_example_and_proof():
    # scrutiny vignettes/debit.Rmd, "DEBIT basics": debit(x = "0.35", sd = "0.18", n = 20). 7/20 = 0.35 has SD
    # sqrt(7 * 13 / (20 * 19)) = 0.48936, so 0.18 is impossible.
    r = sk.debit("0.35", "0.18", 20)
    assert r.verdict == "inconsistent" and r.ks == (7,) and "0.48936" in r.detail
    assert sk.debit("0.35", "0.49", 20).witness_k == 7


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
@pytest.mark.parametrize("n", [2, 3, 5, 10, 17, 30])
def test_debit_equals_brute_force(n):
    attainable = {(print_half_up(Fraction(k, n), 2), print_sqrt_half_up(Fraction(k * (n - k), n * (n - 1)), 2))
                  for k in range(n + 1)}
    for mk in range(0, 101, 1 if n <= 10 else 3):
        for sk_ in range(0, 71):
            m, s = f"{mk / 100:.2f}", f"{sk_ / 100:.2f}"
            assert (sk.debit(m, s, n, rounding="half_up").verdict == "consistent") == ((m, s) in attainable)


def test_debit_refuses_non_binary_summaries():
    with pytest.raises(ValueError, match="binary"):
        sk.debit("1.35", "0.18", 20)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_grimmer_with_a_standard_error_equals_brute_force(n):
    # "mean ± SE": SE = SD / sqrt(n), printed at its own precision
    lattice = [Fraction(v) for v in range(0, 5)]
    attainable = set()
    for sample in itertools.combinations_with_replacement(lattice, n):
        mean = sum(sample) / Fraction(n)
        var = sum((x - mean) ** 2 for x in sample) / (n - 1)
        attainable.add((print_half_up(mean, 2), print_sqrt_half_up(var / n, 2)))
    candidates = set(attainable)
    for m, s in attainable:
        for ds in (-1, 1):
            ss = Fraction(s) + ds * Fraction(1, 100)
            if ss >= 0:
                candidates.add((m, fmt(ss, 2)))
    for m, s in sorted(candidates):
        r = sk.grimmer(m, s, n, scale=(0, 4), rounding="half_up", dispersion="se")
        assert (r.verdict == "consistent") == ((m, s) in attainable), (m, s, r.detail)
