"""Floors (smallest attainable p) of rank and exact tests: closed forms against brute-force enumeration of every
assignment or table, and against scipy on the extreme data. Regression tests for issue 12's wrong p verdicts."""

from __future__ import annotations

import itertools
import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

import sacro_kit as sk
from sacro_kit.forensics.attainable import canonical_test


def exact_two_sided(values, observed):
    """Two-sided exact p by doubling the smaller tail of an enumerated null distribution (scipy's rule)."""
    values = np.asarray(values, dtype=float)
    return min(1.0, 2 * min(np.mean(values <= observed + 1e-9), np.mean(values >= observed - 1e-9)))


@pytest.mark.parametrize("n1,n2", [(1, 1), (1, 4), (2, 2), (2, 5), (3, 3), (3, 4), (4, 4), (2, 7), (5, 5)])
def test_rank_sum_exact_floor_by_enumeration(n1, n2):
    ranks = range(1, n1 + n2 + 1)
    null = [sum(c) for c in itertools.combinations(ranks, n1)]            # rank sum of group 1, every assignment
    brute = min(exact_two_sided(null, w) for w in set(null))
    assert sk.min_attainable_p(n1, "rank-sum", n2=n2) == pytest.approx(brute, rel=1e-12)
    assert brute == pytest.approx(min(1, 2 / math.comb(n1 + n2, n1)), rel=1e-12)
    # scipy's exact Mann-Whitney on completely separated samples gives the same value
    x, y = np.arange(n1), np.arange(n1, n1 + n2)
    assert stats.mannwhitneyu(x, y, method="exact").pvalue == pytest.approx(brute, rel=1e-12)
    one_sided = min(np.mean(np.asarray(null) <= w) for w in set(null))
    assert sk.min_attainable_p(n1, "rank-sum", n2=n2, alternative="less") == pytest.approx(one_sided, rel=1e-12)


def test_rank_sum_exact_floor_documented_value():
    # 2/C(n1 + n2, n1) at the extreme (issue 12): groups of 9 and 9 give 2/48620.
    assert sk.min_attainable_p(9, "Mann-Whitney U", n2=9) == pytest.approx(2 / 48620, rel=1e-12)
    assert "C(18, 9) = 48620" in sk.attainable_p(9, "rank-sum", n2=9).detail


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
@pytest.mark.parametrize("n1,n2", [(2, 2), (2, 3), (2, 4), (3, 3)])
def test_rank_sum_asymptotic_floor_bounds_every_small_dataset(n1, n2):
    floor = sk.min_attainable_p(n1, "rank-sum", "asymptotic", n2=n2)              # ties="any"
    floor_cc = sk.min_attainable_p(n1, "rank-sum", "asymptotic", n2=n2, correction=True)
    untied = sk.min_attainable_p(n1, "rank-sum", "asymptotic", n2=n2, ties="none")
    seen = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for data in itertools.product(range(3), repeat=n1 + n2):
            x, y = data[:n1], data[n1:]
            if len(set(data)) < 2:
                continue
            p = stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=False).pvalue
            pc = stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=True).pvalue
            assert p >= floor * (1 - 1e-12) and pc >= floor_cc * (1 - 1e-12)
            seen.append(p)
    assert min(seen) == pytest.approx(floor, rel=1e-12)            # attained: each group tied, groups apart
    x, y = np.arange(n1), np.arange(n1, n1 + n2)
    assert stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=False).pvalue == pytest.approx(untied)


def kw_h(groups):
    data = np.concatenate(groups)
    ranks = stats.rankdata(data)
    total = len(data)
    h, start = 0.0, 0
    for g in groups:
        r = ranks[start:start + len(g)].sum()
        h += r * r / len(g)
        start += len(g)
    return 12 / (total * (total + 1)) * h - 3 * (total + 1)


@pytest.mark.parametrize("sizes", [(1, 2), (2, 2), (1, 1, 2), (2, 2, 2), (1, 2, 3), (2, 3, 3), (2, 2, 4), (3, 4)])
def test_kruskal_exact_floor_by_enumeration(sizes):
    total = sum(sizes)
    hs = []
    for perm in set(itertools.permutations(sum(([g] * m for g, m in enumerate(sizes)), []))):
        sums = [0] * len(sizes)
        for rank, g in enumerate(perm, start=1):
            sums[g] += rank
        hs.append(Fraction(12, total * (total + 1)) * sum(Fraction(r * r, m) for r, m in zip(sums, sizes))
                  - 3 * (total + 1))
    hs = np.array([float(h) for h in hs])
    brute = min(np.mean(hs >= h - 1e-12) for h in set(hs))
    assert sk.min_attainable_p(sizes, "kruskal", ties="none") == pytest.approx(brute, rel=1e-12)
    # with ties the floor can only be the relabellings of equal-sized groups, never more than the untied floor
    assert sk.min_attainable_p(sizes, "kruskal") <= brute * (1 + 1e-12)
    # asymptotic: scipy.stats.kruskal on untied, separated data gives the largest H
    groups = np.split(np.arange(total), np.cumsum(sizes)[:-1])
    best = sk.attainable_p(sizes, "kruskal", "asymptotic", ties="none")
    assert stats.kruskal(*groups).pvalue == pytest.approx(best.min_p, rel=1e-9)
    assert max(hs) == pytest.approx(stats.kruskal(*groups).statistic, rel=1e-12)


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
def test_kruskal_ties_any_floor_is_attained_and_bounds_small_datasets():
    sizes = (2, 2, 3)
    floor = sk.min_attainable_p(sizes, "kruskal", "asymptotic")        # H = N - 1 = 6
    tied = [np.zeros(2), np.ones(2), np.full(3, 2.0)]
    assert stats.kruskal(*tied).statistic == pytest.approx(6.0) and stats.kruskal(*tied).pvalue == pytest.approx(floor)
    for data in itertools.product(range(3), repeat=7):
        if len(set(data)) < 2:
            continue
        p = stats.kruskal(data[:2], data[2:4], data[4:]).pvalue
        assert p >= floor * (1 - 1e-12)


def test_kruskal_equal_groups_by_k():
    assert sk.min_attainable_p(3, "Kruskal-Wallis", k=3, ties="none") == pytest.approx(6 / 1680)


@pytest.mark.parametrize("blocks,k", [(2, 2), (3, 2), (6, 2), (2, 3), (3, 3), (4, 3), (2, 4)])
def test_friedman_exact_floor_by_enumeration(blocks, k):
    perms = list(itertools.permutations(range(1, k + 1)))
    qs = []
    for config in itertools.product(perms, repeat=blocks):
        sums = np.sum(config, axis=0)
        qs.append(12 / (blocks * k * (k + 1)) * np.sum(sums ** 2) - 3 * blocks * (k + 1))
    qs = np.array(qs)
    brute = min(np.mean(qs >= q - 1e-9) for q in set(np.round(qs, 9)))
    assert sk.min_attainable_p(blocks, "friedman", k=k) == pytest.approx(brute, rel=1e-12)
    assert max(qs) == pytest.approx(blocks * (k - 1))
    if k >= 3:
        same = np.tile(np.arange(k, dtype=float), (blocks, 1))
        assert stats.friedmanchisquare(*same.T).pvalue == pytest.approx(
            sk.min_attainable_p(blocks, "friedman", "asymptotic", k=k), rel=1e-12)
    if k == 2:   # Friedman with two treatments is the sign test
        assert sk.min_attainable_p(blocks, "friedman", k=2) == pytest.approx(sk.min_attainable_p(blocks, "sign"))


@pytest.mark.parametrize("n1,n2", [(1, 1), (2, 3), (3, 3), (4, 6), (5, 5), (7, 3)])
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_fisher_floor_by_enumerating_every_table(n1, n2, alternative):
    brute = min(stats.fisher_exact([[a, n1 - a], [c, n2 - c]], alternative=alternative).pvalue
                for a in range(n1 + 1) for c in range(n2 + 1))
    assert sk.min_attainable_p(n1, "fisher", n2=n2, alternative=alternative) == pytest.approx(brute, rel=1e-9)


def test_fisher_floor_equal_groups_is_two_over_binomial():
    assert sk.min_attainable_p(5, "Fisher's exact test", n2=5) == pytest.approx(2 / math.comb(10, 5), rel=1e-9)


@pytest.mark.parametrize("n", range(1, 13))
def test_signed_rank_and_sign_exact_floor_by_enumeration(n):
    null = [sum(r for r, s in zip(range(1, n + 1), signs) if s) for signs in itertools.product((0, 1), repeat=n)]
    brute = min(exact_two_sided(null, t) for t in set(null))
    assert sk.min_attainable_p(n) == pytest.approx(brute, rel=1e-12)
    assert sk.max_attainable_p(n) == 1.0 == max(exact_two_sided(null, t) for t in set(null))
    counts = [sum(signs) for signs in itertools.product((0, 1), repeat=n)]
    assert sk.min_attainable_p(n, "sign") == pytest.approx(min(exact_two_sided(counts, c) for c in set(counts)))


@pytest.mark.parametrize("n", [3, 4, 5, 6, 7])
def test_signed_rank_asymptotic_max_by_enumeration(n):
    # untied normal approximation without correction: the central T+ gives the largest p
    mu, sigma = n * (n + 1) / 4, math.sqrt(n * (n + 1) * (2 * n + 1) / 24)
    best = max(2 * stats.norm.sf(abs(t - mu) / sigma) for t in range(n * (n + 1) // 2 + 1))
    assert sk.max_attainable_p(n, method="asymptotic", ties="none") == pytest.approx(min(1.0, best))


def test_legacy_calls_keep_working():
    from sacro_kit.stats.paired import min_attainable_p as legacy

    assert legacy(13, "wilcoxon", "exact") == sk.min_attainable_p(13) == pytest.approx(2 / 2 ** 13)
    assert legacy(13, "wilcoxon", "asymptotic", ties="any", correction=True) == pytest.approx(3.63e-4, abs=5e-7)


# --------------------------------------------------------------------------------------------------------------------
# Names and printed p-values (issue 12 regressions)


def test_test_names_are_matched_whole_never_by_substring():
    # issue 12: "paired t-test (two-sided significance level 0.05)" was treated as a sign test, and
    # "Wilcoxon rank-sum" as the signed-rank test.
    assert canonical_test("paired t-test (two-sided significance level 0.05)") == "paired-t"
    assert canonical_test("Wilcoxon rank-sum") == "rank-sum"
    assert canonical_test("Wilcoxon rank-sum test") == "rank-sum"
    assert canonical_test("Wilcoxon signed-rank test") == "wilcoxon"
    assert canonical_test("sign test") == "sign"
    assert canonical_test("Kruskal–Wallis") == "kruskal"
    assert canonical_test("design-based test") is None and canonical_test("signed") is None


def test_paired_t_p_is_not_held_to_a_rank_floor():
    r = sk.check_attainable_p("<0.0001", 13, test="paired t-test (two-sided significance level 0.05)")
    assert r.verdict == "consistent" and "no floor" in r.detail


def test_unknown_test_is_unverifiable_not_inconsistent():
    r = sk.check_attainable_p("<0.0001", 13, test="Jonckheere-Terpstra")
    assert r.verdict == "unverifiable: unknown test 'Jonckheere-Terpstra'"


def test_exact_printed_p_above_the_floor_is_not_unattainable():
    # issue 12: verify_cohort called an exact printed 0.008 "unattainable by this test" though it is above the floor
    # (2/2^13 = 0.000244 for 13 pairs).
    for p in ("0.008", "0.011", "p = 0.008"):
        r = sk.check_attainable_p(p, 13, test="Wilcoxon signed-rank")
        assert r.verdict == "consistent", r.detail
        assert "above the floor" in r.detail
    assert sk.check_attainable_p("<0.0001", 13, test="Wilcoxon signed-rank").verdict == "inconsistent"
    assert sk.check_attainable_p("<0.0001", 13, test="sign test").verdict == "inconsistent"


def test_printed_p_interval_at_the_floor():
    # exact signed-rank, 8 pairs: floor 2/2^8 = 0.0078125, which prints as "0.008" (reachable), while "0.007"
    # (0.0065 to 0.0075) lies wholly below it.
    assert sk.check_attainable_p("0.008", 8, test="wilcoxon", method="exact").verdict == "consistent"
    r = sk.check_attainable_p("0.007", 8, test="wilcoxon", method="exact")
    assert r.verdict == "inconsistent"
    # a rank-sum p at its floor 2/C(10, 5) = 0.0079 with groups of 5
    assert sk.check_attainable_p("0.008", 5, test="Mann-Whitney", n2=5, method="exact").verdict == "consistent"
    assert sk.check_attainable_p("0.001", 5, test="Mann-Whitney", n2=5, method="exact").verdict == "inconsistent"
    assert sk.check_attainable_p(">0.05", 5, test="Mann-Whitney", n2=5).verdict == "consistent"


def test_result_conventions():
    low, high = sk.attainable_p(13)
    assert low == pytest.approx(2 / 2 ** 13) and high == 1.0
    verdict, detail = sk.check_attainable_p("0.03", 10, test="sign")
    assert verdict == "consistent" and "2/2^10" in detail
    assert sk.attainable_p(13).to_frame().shape == (1, 9)
    with pytest.raises(ValueError, match="n2"):
        sk.min_attainable_p(5, "rank-sum")
    with pytest.raises(ValueError, match="k"):
        sk.min_attainable_p(5, "friedman")
    with pytest.raises(ValueError, match="printed p-value"):
        sk.check_attainable_p("p is small", 13, test="sign")


# --------------------------------------------------------------------------------------------------------------------
# Frozen R references (tests/reference/make_r_floors.R -> r_floors.json; R 4.2 stats)

import json  # noqa: E402
from pathlib import Path  # noqa: E402

R = json.loads((Path(__file__).parent / "reference" / "r_floors.json").read_text())


def test_rank_sum_floors_equal_r():
    # R: wilcox.test(1:n1, n1 + 1:n2, exact = TRUE) (complete separation), and wilcox.test(rep(0, n1), rep(1, n2),
    # exact = FALSE, correct = FALSE / TRUE) (each group tied, groups apart): the ties="any" asymptotic floors.
    for row in R["rank_sum"]:
        n1, n2 = row["n1"], row["n2"]
        assert sk.min_attainable_p(n1, "rank-sum", n2=n2) == pytest.approx(row["exact"], rel=1e-12)
        if row["tied_asymptotic"] != {}:
            assert sk.min_attainable_p(n1, "rank-sum", "asymptotic", n2=n2) == pytest.approx(
                row["tied_asymptotic"], rel=1e-12)
            assert sk.min_attainable_p(n1, "rank-sum", "asymptotic", n2=n2, correction=True) == pytest.approx(
                row["tied_asymptotic_cc"], rel=1e-12)


def test_signed_rank_and_sign_floors_equal_r():
    # R: wilcox.test(1:n, exact = TRUE) and binom.test(n, n)
    for row in R["signed_rank"]:
        assert sk.min_attainable_p(row["n"]) == pytest.approx(row["exact"], rel=1e-12)
        assert sk.min_attainable_p(row["n"], "sign") == pytest.approx(row["sign"], rel=1e-12)


def test_fisher_floors_equal_r():
    # R: the smallest fisher.test p over every 2 x 2 table with row totals n1, n2
    for row in R["fisher"]:
        assert sk.min_attainable_p(row["n1"], "fisher", n2=row["n2"]) == pytest.approx(row["min_p"], rel=1e-9)


def test_kruskal_floors_equal_r():
    # R: kruskal.test on contiguous rank blocks (untied largest H) and on groups tied within themselves (H = N - 1)
    for row in R["kruskal"]:
        sizes = tuple(row["sizes"])
        untied = sk.attainable_p(sizes, "kruskal", "asymptotic", ties="none")
        assert untied.min_p == pytest.approx(row["untied_p"], rel=1e-12)
        assert sk.min_attainable_p(sizes, "kruskal", "asymptotic") == pytest.approx(row["tied_p"], rel=1e-12)
        assert row["tied_H"] == pytest.approx(sum(sizes) - 1)


def test_friedman_floors_equal_r():
    # R: friedman.test on blocks that all rank the treatments alike (Q = n(k - 1))
    for row in R["friedman"]:
        assert row["Q"] == pytest.approx(row["blocks"] * (row["k"] - 1))
        assert sk.min_attainable_p(row["blocks"], "friedman", "asymptotic", k=row["k"]) == pytest.approx(
            row["p"], rel=1e-12)
