"""The smallest and largest p-value a test can give at the printed group sizes, and whether a printed p is reachable.

Rank and exact tests have a floor: with 13 pairs no Wilcoxon signed-rank or sign test can give p < 0.000244,
whatever the data. A printed p below the floor of the named test, at the printed n, cannot have come from that
test. The floors here are exact (closed forms with their proofs in ``detail``; enumeration for Kruskal-Wallis and
Fisher), computed for every test in the controlled vocabulary:

* ``"wilcoxon"`` (signed-rank) and ``"sign"``: n non-zero paired differences;
* ``"rank-sum"`` (Wilcoxon rank-sum = Mann-Whitney U): group sizes n and n2;
* ``"kruskal"`` (Kruskal-Wallis): group sizes (n, n2, ...) or k groups of n;
* ``"friedman"``: n blocks (patients), k treatments (time points);
* ``"fisher"`` (Fisher's exact test, 2 x 2): group sizes n and n2, any column totals.

Parametric tests (t, paired t, ANOVA, chi-squared, z) have no floor above 0 and are reported as such.

References
----------
Mann HB, Whitney DR. On a test of whether one of two random variables is stochastically larger than the other.
Ann Math Stat 1947;18(1):50-60. doi:10.1214/aoms/1177730491
Kruskal WH, Wallis WA. Use of ranks in one-criterion variance analysis. J Am Stat Assoc 1952;47(260):583-621.
doi:10.1080/01621459.1952.10483441
Friedman M. The use of ranks to avoid the assumption of normality implicit in the analysis of variance. J Am Stat
Assoc 1937;32(200):675-701. doi:10.1080/01621459.1937.10503522
Fisher RA. Statistical Methods for Research Workers, 5th ed., section 21.02. Oliver & Boyd, 1934.
Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods, 3rd ed. Wiley, 2014 (tie corrections).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar

import numpy as np
from scipy import stats

from sacro_kit._results import Result
from sacro_kit.forensics._exact import CONSISTENT, INCONSISTENT, unverifiable

ALTERNATIVES = ("two-sided", "greater", "less")
METHODS = ("exact", "asymptotic")

#: Canonical test names and the spellings papers use for them (matched whole, after normalising case, dashes,
#: apostrophes, parenthetical remarks and the words "test"/"exact"/"the"; never by substring).
TEST_NAMES: dict[str, tuple[str, ...]] = {
    "wilcoxon": (
        "wilcoxon",
        "wilcoxon signed rank",
        "signed rank",
        "wilcoxon signed ranks",
        "wilcoxon matched pairs",
        "wilcoxon matched pairs signed rank",
    ),
    "sign": ("sign",),
    "rank-sum": (
        "rank sum",
        "wilcoxon rank sum",
        "mann whitney",
        "mann whitney u",
        "mann whitney wilcoxon",
        "u",
        "wilcoxon mann whitney",
        "wilcoxon two sample",
    ),
    "kruskal": ("kruskal wallis", "kruskal wallis h", "kruskal"),
    "friedman": ("friedman", "friedman anova", "friedman two way anova", "friedmans anova"),
    "fisher": ("fisher", "fishers", "fisher irwin"),
    "paired-t": ("paired t", "paired samples t", "paired student t", "dependent t", "paired student s t"),
    "t": (
        "t",
        "student t",
        "students t",
        "welch t",
        "welch",
        "independent t",
        "independent samples t",
        "two sample t",
        "unpaired t",
    ),
    "anova": ("anova", "one way anova", "f", "analysis of variance", "repeated measures anova"),
    "chi2": ("chi squared", "chi square", "pearson chi squared", "pearson chi square", "χ2", "χ²", "chi2"),
    "z": ("z", "normal"),
}
RANK_TESTS = ("wilcoxon", "sign", "rank-sum", "kruskal", "friedman", "fisher")
NO_FLOOR_TESTS = ("paired-t", "t", "anova", "chi2", "z")
_LABEL = {
    "wilcoxon": "Wilcoxon signed-rank test",
    "sign": "sign test",
    "rank-sum": "Wilcoxon rank-sum (Mann-Whitney) test",
    "kruskal": "Kruskal-Wallis test",
    "friedman": "Friedman test",
    "fisher": "Fisher's exact test",
    "paired-t": "paired t-test",
    "t": "t-test",
    "anova": "ANOVA F-test",
    "chi2": "chi-squared test",
    "z": "z-test",
}


def _normalise(name: str) -> str:
    text = name.lower().replace("–", "-").replace("—", "-").replace("’", "'")
    text = re.sub(r"\([^)]*\)", " ", text)  # parenthetical remarks: "(two-sided, alpha 0.05)"
    text = text.replace("'s", "s").replace("'", "")
    text = re.sub(r"[-_/,.:;]", " ", text)
    words = [w for w in text.split() if w not in {"test", "tests", "exact", "the", "of", "a"}]
    return " ".join(words)


_ALIASES = {_normalise(alias): canonical for canonical, aliases in TEST_NAMES.items() for alias in aliases}
_ALIASES.update({canonical: canonical for canonical in TEST_NAMES})


def canonical_test(name: str) -> str | None:
    """The canonical name of a printed test name, or None if it is not in the vocabulary.

    Whole-name matching, never substrings: "paired t-test (two-sided significance level 0.05)" is a paired t-test,
    "Wilcoxon rank-sum" is the rank-sum test, not the signed-rank test.

    Parameters
    ----------
    name : str
        The test's name as printed ("Mann-Whitney U test", "Wilcoxon signed-rank", ...); case, dashes,
        apostrophes, parenthetical remarks and the words "test", "exact", "the", "of", "a" are ignored.

    Returns
    -------
    str or None
        A key of :data:`TEST_NAMES` ("wilcoxon", "sign", "rank-sum", "kruskal", "friedman", "fisher",
        "paired-t", "t", "anova", "chi2", "z"), or None for a name outside the vocabulary.

    Examples
    --------
    >>> canonical_test("paired t-test (two-sided significance level 0.05)"), canonical_test("Wilcoxon rank-sum")
    ('paired-t', 'rank-sum')
    >>> canonical_test("Mann–Whitney U test"), canonical_test("Fisher's exact test"), canonical_test("Jonckheere")
    ('rank-sum', 'fisher', None)

    References
    ----------
    Issue 12 of sacro_kit (substring matching called a paired t-test a sign test).
    """
    if not isinstance(name, str):
        raise ValueError(f"a test name must be a string, got {name!r}")
    return _ALIASES.get(_normalise(name))


def _choice(value, allowed, what):
    if isinstance(value, str) and value.lower().replace(".", "-") in allowed:
        return value.lower().replace(".", "-")
    raise ValueError(f"{what} must be one of {', '.join(map(repr, allowed))}; got {value!r}")


def _test(test) -> str:
    canonical = canonical_test(test) if isinstance(test, str) else None
    if canonical is None:
        raise ValueError(f"unknown test {test!r}; known: {', '.join(TEST_NAMES)} (and the spellings in TEST_NAMES)")
    return canonical


def _size(value, what) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, repr=False)
class AttainableP(Result):
    """The range of p-values a test can give at the given sizes: ``min_p`` (the floor) to ``max_p``, with proof."""

    _unpack: ClassVar[tuple[str, ...]] = ("min_p", "max_p")
    min_p: float
    max_p: float
    test: str
    method: str
    sizes: tuple
    alternative: str
    ties: str
    correction: bool
    detail: str


@dataclass(frozen=True, repr=False)
class PValueCheck(Result):
    """Whether a printed p-value lies within what the named test can give at the printed sizes."""

    _unpack: ClassVar[tuple[str, ...]] = ("verdict", "detail")
    verdict: str
    printed: str
    test: str
    sizes: tuple
    floors: tuple  # ((variant label, min_p, max_p), ...)
    detail: str

    @property
    def consistent(self) -> bool | None:
        return True if self.verdict == CONSISTENT else False if self.verdict == INCONSISTENT else None


# --------------------------------------------------------------------------------------------------------------------
# Floors, test by test


def _kw_sizes(n, n2, k) -> tuple[int, ...]:
    if isinstance(n, (list, tuple, np.ndarray)):
        sizes = tuple(_size(v, "group size") for v in n)
        if n2 is not None or k is not None:
            raise ValueError("give the group sizes either as a sequence n or as n, n2 / k, not both")
    elif n2 is not None:
        sizes = (_size(n, "n"), _size(n2, "n2"))
        if k is not None and k != 2:
            raise ValueError("n and n2 give two groups; pass a sequence of sizes for more")
    else:
        if k is None:
            raise ValueError("Kruskal-Wallis needs the group sizes: n as a sequence, or n per group and k groups")
        sizes = (_size(n, "n"),) * _size(k, "k")
    if len(sizes) < 2:
        raise ValueError("Kruskal-Wallis needs at least two groups")
    return sizes


def _kw_h(sums: Sequence[int], sizes: Sequence[int]) -> Fraction:
    total = sum(sizes)
    return Fraction(12, total * (total + 1)) * sum(Fraction(r * r, m) for r, m in zip(sums, sizes)) - 3 * (total + 1)


def _kw_extreme(sizes: tuple[int, ...]) -> tuple[Fraction, int, int]:
    """(largest H, how many labelled assignments reach it, how many assignments in all) for untied ranks.

    The largest H puts every group on a contiguous block of ranks (proof in :func:`attainable_p`), so only the k!
    orders of the blocks need evaluating.
    """
    total = sum(sizes)
    best, count = None, 0
    for order in set(itertools.permutations(range(len(sizes)))):
        sums, start = [0] * len(sizes), 0
        for g in order:
            m = sizes[g]
            sums[g] = m * start + m * (m + 1) // 2
            start += m
        h = _kw_h(sums, sizes)
        if best is None or h > best:
            best, count = h, 1
        elif h == best:
            count += 1
    assignments = math.factorial(total)
    for m in sizes:
        assignments //= math.factorial(m)
    assert best is not None  # at least one order of the blocks
    return best, count, assignments


def _fisher_range(n1: int, n2: int, alternative: str) -> tuple[float, tuple[int, int, int]]:
    """Smallest p of Fisher's exact test over every 2 x 2 table with row totals n1, n2: (p, (a, c, m))."""
    best, where = 1.0, (0, 0, 0)
    total = n1 + n2
    for m in range(total + 1):  # m = first column total
        lo, hi = max(0, m - n2), min(n1, m)
        support = np.arange(lo, hi + 1)
        pmf = stats.hypergeom.pmf(support, total, n1, m)
        if alternative == "two-sided":
            # scipy.stats.fisher_exact: tables no more likely than the observed one (relative tolerance 1e-7)
            p = np.array([pmf[pmf <= q * (1 + 1e-7)].sum() for q in pmf])
        elif alternative == "greater":
            p = np.array([pmf[i:].sum() for i in range(pmf.size)])
        else:
            p = np.array([pmf[: i + 1].sum() for i in range(pmf.size)])
        i = int(np.argmin(p))
        if p[i] < best:
            best, where = float(min(1.0, p[i])), (int(support[i]), int(m - support[i]), m)
    return best, where


def attainable_p(
    n,
    test: str = "wilcoxon",
    method: str = "exact",
    *,
    n2: int | None = None,
    k: int | None = None,
    ties: str = "any",
    correction: bool = False,
    alternative: str = "two-sided",
) -> AttainableP:
    """The smallest and largest p-value ``test`` can give at the given sizes, with the proof in ``detail``.

    Parameters
    ----------
    n : int or sequence of int
        Non-zero paired differences (signed-rank, sign), the first group's size (rank-sum, Fisher), blocks
        (Friedman), or the group sizes (Kruskal-Wallis; or the size of each of ``k`` groups).
    test : str
        A name from :data:`TEST_NAMES` ("wilcoxon", "sign", "rank-sum", "kruskal", "friedman", "fisher", or a
        spelling such as "Mann-Whitney U"); parametric tests have no floor (min_p = 0).
    method : {"exact", "asymptotic"}
        Exact permutation distribution, or the normal / chi-squared approximation (scipy's formulas).
    n2 : int, optional
        Second group size (rank-sum, Fisher; two-group Kruskal-Wallis).
    k : int, optional
        Number of groups (Kruskal-Wallis with equal groups) or treatments / time points (Friedman).
    ties : {"any", "none"}
        "none": untied data. "any": the smallest p over every tie structure (the default; a printed p below it is
        impossible whatever the ties).
    correction : bool
        Continuity correction of the normal approximation (signed-rank, sign, rank-sum).
    alternative : {"two-sided", "greater", "less"}

    Returns
    -------
    AttainableP
        ``min_p``, ``max_p`` (unpacks as ``low, high = ...``) and ``detail`` (the arithmetic).

    Notes
    -----
    Floors at the extreme (every statistic as far from its null centre as it can be):

    * signed-rank and sign, exact: only the all-same-sign pattern is that extreme, p = 1/2^n one-sided,
      min(1, 2/2^n) two-sided. This is the untied argument; an exact conditional test on tied data (or with
      zeros) counts the observed sign pattern among the 2^n equally likely ones too, so it never goes lower.
    * rank-sum, exact: only the assignment putting one group on the lowest (or highest) ranks is that extreme, out
      of C(n + n2, n): p = 1/C(n + n2, n) one-sided, 2/C(n + n2, n) two-sided (scipy doubles the smaller tail).
    * Kruskal-Wallis, exact: H is largest only when each group holds a contiguous block of ranks (exchange
      argument: swapping a larger value out of a group with the lower mean rank raises sum R_i^2/n_i by
      2d(mean_B - mean_A) + d^2(1/n_A + 1/n_B) > 0), so the floor is (orders of blocks reaching the largest H) /
      (n_1 + ... + n_k)! / (n_1! ... n_k!). With ties the observed assignment's relabellings among equal-sized
      groups remain, so the floor over tie structures is (prod over sizes of (groups of that size)!) / that total.
    * Friedman, exact: Q is largest, n(k - 1), when every block ranks the treatments the same way; the k! common
      orders give p = k!/(k!)^n, also with ties (the k! relabellings of the observed data always count).
    * Fisher: every 2 x 2 table with these row totals is enumerated (scipy's two-sided rule).
    * Asymptotic: the same extremes in the normal or chi-squared approximation; with ``ties="any"`` the extreme
      with every group (or every difference) tied within itself, which makes the tie-corrected statistic its
      largest possible value (signed-rank z = sqrt(n), rank-sum z = sqrt(N - 1), H = N - 1).

    Examples
    --------
    >>> import sacro_kit as sk
    >>> low, high = sk.attainable_p(13)
    >>> f"{low:.3g}", high
    ('0.000244', 1.0)
    >>> f"{sk.min_attainable_p(4, 'rank-sum', n2=4):.4f}"      # 2 / C(8, 4) = 2/70
    '0.0286'
    >>> f"{sk.min_attainable_p(5, 'friedman', k=3):.2e}"       # 3!/(3!)^5
    '7.72e-04'

    References
    ----------
    Mann & Whitney (1947), doi:10.1214/aoms/1177730491; Kruskal & Wallis (1952), doi:10.1080/01621459.1952.10483441;
    Friedman (1937), doi:10.1080/01621459.1937.10503522; Hollander, Wolfe & Chicken (2014).
    """
    test = _test(test)
    method = _choice(method, METHODS, "method")
    ties = _choice(ties, ("any", "none"), "ties")
    alternative = _choice(alternative, ALTERNATIVES + ("two-sided",), "alternative")
    if correction not in (True, False):
        raise ValueError(f"correction must be True or False, got {correction!r}")
    sides = 2 if alternative == "two-sided" else 1
    shift = 0.5 if correction else 0.0

    def out(low, high, sizes, detail):
        return AttainableP(
            float(min(1.0, low)),
            float(min(1.0, high)),
            test,
            method,
            sizes,
            alternative,
            ties,
            bool(correction),
            detail,
        )

    if test in NO_FLOOR_TESTS:
        return out(
            0.0,
            1.0,
            (n,),
            f"A {_LABEL[test]} has no floor: its p tends to 0 as the statistic grows, so any "
            "printed p in (0, 1] is attainable at any sample size.",
        )

    if test in ("wilcoxon", "sign"):
        n = _size(n, "n")
        label = _LABEL[test]
        if method == "exact":
            low = sides * 0.5**n
            return out(
                low,
                1.0,
                (n,),
                f"Exact {label}, {n} non-zero differences: only the pattern with all {n} differences of one sign "
                f"is most extreme, probability 1/2^{n}; {'doubled (two-sided): ' if sides == 2 else ''}"
                f"p = {'2' if sides == 2 else '1'}/2^{n} = {min(1.0, low):.4g}. This is the untied argument; ties "
                "or zeros cannot lower it (the observed sign pattern is always one of the 2^n counted). The "
                "central statistic has p = 1.",
            )
        if test == "sign":
            z = (n / 2 - shift) / (math.sqrt(n) / 2)
            low = sides * stats.norm.sf(z)
            high = 1.0 if (n % 2 == 0 or correction or sides == 1) else 2 * stats.norm.sf(1 / math.sqrt(n))
            if sides == 1:
                high = stats.norm.cdf((n / 2 + shift) / (math.sqrt(n) / 2))
            return out(
                low,
                high,
                (n,),
                f"Sign test, normal approximation, n = {n}: all differences one way gives "
                f"z = (n/2{' - 0.5' if correction else ''})/(sqrt(n)/2) = {z:.4g}, p = {min(1, low):.4g}.",
            )
        mu = n * (n + 1) / 4
        tie_term = (n**3 - n) if ties == "any" else 0
        sigma = math.sqrt((n * (n + 1) * (2 * n + 1) - tie_term / 2) / 24)
        z = (mu - shift) / sigma
        low = sides * stats.norm.sf(z)
        if sides == 1:
            high = stats.norm.cdf((mu + shift) / sigma)
        elif ties == "any" and n >= 2 or correction or (n * (n + 1) // 2) % 2 == 0:
            high = 1.0
        else:
            high = 2 * stats.norm.sf(0.5 / sigma)
        how = (
            "every difference tied (one tie group: sigma = (n+1)sqrt(n)/4, the largest z over all tie structures, "
            "since sum(t^3 - t) is superadditive)"
            if ties == "any"
            else "no ties"
        )
        return out(
            low,
            high,
            (n,),
            f"Signed-rank normal approximation, n = {n}, all differences one sign, {how}: "
            f"z = (n(n+1)/4{' - 0.5' if correction else ''})/sigma = {z:.4g}, p = {min(1, low):.4g}.",
        )

    if test in ("rank-sum", "fisher"):
        if n2 is None:
            raise ValueError(f"the {_LABEL[test]} needs both group sizes: n and n2")
        n1, n2 = _size(n, "n"), _size(n2, "n2")
        total = n1 + n2
        if test == "fisher":
            low, (a, c, m) = _fisher_range(n1, n2, alternative)
            return out(
                low,
                1.0,
                (n1, n2),
                f"Fisher's exact test ({alternative}), rows of {n1} and {n2}: all {total + 1} possible column "
                f"totals and every table enumerated; the smallest p is {low:.4g}, for the table "
                f"[[{a}, {n1 - a}], [{c}, {n2 - c}]] (column total {m}). A table at the mode has p = 1.",
            )
        if method == "exact":
            ways = math.comb(total, n1)
            low = sides / ways
            return out(
                low,
                1.0,
                (n1, n2),
                f"Exact rank-sum test, groups of {n1} and {n2}: only the assignment of one group to the "
                f"{n1} lowest (or highest) ranks is that extreme, 1 of C({total}, {n1}) = {ways}; "
                f"p = {sides}/{ways} = {min(1.0, low):.4g}"
                + (" (two-sided: scipy doubles the smaller tail)" if sides == 2 else "")
                + ". Ties cannot lower it (the observed assignment is always counted). The central U has p = 1.",
            )
        mu = n1 * n2 / 2
        if ties == "any":
            z = math.sqrt(total - 1) * (1 - shift / mu) if mu else 0.0
            how = (
                "each group tied within itself and the groups apart: the tie-corrected z is then sqrt(N - 1), "
                "its largest possible value (z^2/(N - 1) is the share of the rank variance between groups)"
            )
        else:
            sigma = math.sqrt(n1 * n2 * (total + 1) / 12)
            z = (mu - shift) / sigma
            how = "untied"
        low = sides * stats.norm.sf(z)
        untied_sigma = math.sqrt(n1 * n2 * (total + 1) / 12)
        if sides == 1:
            high = stats.norm.cdf((mu + shift) / untied_sigma) if ties == "none" else 1.0
        elif ties == "any" or correction or (n1 * n2) % 2 == 0:
            high = 1.0
        else:
            high = 2 * stats.norm.sf(0.5 / untied_sigma)
        return out(
            low,
            high,
            (n1, n2),
            f"Rank-sum normal approximation, groups of {n1} and {n2}, complete "
            f"separation, {how}: z = {z:.4g}, p = {min(1, low):.4g}.",
        )

    if test == "kruskal":
        sizes = _kw_sizes(n, n2, k)
        total = sum(sizes)
        df = len(sizes) - 1
        best, count, assignments = _kw_extreme(sizes)
        if method == "exact":
            if ties == "any":
                relabel = 1
                for size in set(sizes):
                    relabel *= math.factorial(sizes.count(size))
                low = relabel / assignments
                note = (
                    f"; over tie structures the floor is the {relabel} relabelling(s) of equal-sized groups "
                    f"that always tie with the observed data: {relabel}/{assignments} = {low:.4g}"
                )
            else:
                low, note = count / assignments, ""
            return out(
                low,
                1.0,
                sizes,
                f"Exact Kruskal-Wallis test, groups of {', '.join(map(str, sizes))}: the largest H = "
                f"{float(best):.6g} needs each group on a contiguous block of ranks; {count} of the "
                f"{assignments} equally likely assignments reach it, so untied p >= {count}/{assignments} = "
                f"{count / assignments:.4g}{note}. The smallest H has p = 1.",
            )
        h = Fraction(total - 1) if ties == "any" else best
        low = stats.chi2.sf(float(h), df)
        how = (
            "groups tied within themselves and apart, where the tie-corrected H reaches its maximum N - 1"
            if ties == "any"
            else "untied ranks in contiguous blocks"
        )
        return out(
            low,
            1.0,
            sizes,
            f"Kruskal-Wallis chi-squared approximation, groups of {', '.join(map(str, sizes))}: "
            f"the largest H is {float(h):.6g} ({how}), p = chi2.sf(H, {df}) = {low:.4g}.",
        )

    if test == "friedman":
        blocks = _size(n, "n (blocks)")
        if k is None:
            raise ValueError("the Friedman test needs k, the number of treatments (time points)")
        k = _size(k, "k")
        if k < 2:
            raise ValueError("the Friedman test needs k >= 2 treatments")
        if method == "exact":
            low = float(Fraction(math.factorial(k), math.factorial(k) ** blocks))
            return out(
                low,
                1.0,
                (blocks, k),
                f"Exact Friedman test, {blocks} blocks of {k} treatments: Q is largest, n(k - 1) = "
                f"{blocks * (k - 1)}, only when every block ranks the treatments in the same order; the {k}! "
                f"common orders out of ({k}!)^{blocks} give p = {k}!/({k}!)^{blocks} = {low:.4g} (also with "
                "ties: relabelling the treatments of the observed data always counts). The smallest Q has p = 1.",
            )
        q = blocks * (k - 1)
        low = stats.chi2.sf(q, k - 1)
        return out(
            low,
            1.0,
            (blocks, k),
            f"Friedman chi-squared approximation, {blocks} blocks of {k}: the largest "
            f"(tie-corrected) Q is n(k - 1) = {q} (Kendall's W = 1), p = chi2.sf({q}, {k - 1}) = {low:.4g}.",
        )
    raise AssertionError(test)  # pragma: no cover


def min_attainable_p(
    n,
    test: str = "wilcoxon",
    method: str = "exact",
    *,
    n2: int | None = None,
    k: int | None = None,
    ties: str = "any",
    correction: bool = False,
    alternative: str = "two-sided",
) -> float:
    """The smallest p-value ``test`` can give at these sizes (a float); :func:`attainable_p` has the proof.

    A printed p below it cannot have come from that test. For the signed-rank and sign tests ``n`` is the number
    of non-zero differences (zeros only lower the effective n or, with Pratt's or zsplit handling, raise the
    minimum).

    Parameters
    ----------
    n : int or sequence of int
        Non-zero paired differences (signed-rank, sign), the first group's size (rank-sum, Fisher), blocks
        (Friedman), or the group sizes (Kruskal-Wallis; or the size of each of ``k`` groups).
    test : str, default "wilcoxon"
        A name from :data:`TEST_NAMES` or a spelling of one (see :func:`canonical_test`).
    method : {"exact", "asymptotic"}, default "exact"
        Exact permutation distribution, or the normal / chi-squared approximation.
    n2 : int, optional
        Second group size (rank-sum, Fisher; two-group Kruskal-Wallis).
    k : int, optional
        Number of groups (Kruskal-Wallis with equal groups) or treatments / time points (Friedman).
    ties : {"any", "none"}, default "any"
        "none": untied data; "any": the extreme over every tie structure.
    correction : bool, default False
        Continuity correction of the normal approximation (signed-rank, sign, rank-sum).
    alternative : {"two-sided", "greater", "less"}, default "two-sided"

    Returns
    -------
    float
        The floor, ``attainable_p(...).min_p``.

    Examples
    --------
    >>> f"{min_attainable_p(13):.3g}", f"{min_attainable_p(13, method='asymptotic', ties='none'):.3g}"
    ('0.000244', '0.00147')
    >>> f"{min_attainable_p(5, 'rank-sum', n2=5):.5f}"      # 2 / C(10, 5)
    '0.00794'

    References
    ----------
    Mann & Whitney (1947), doi:10.1214/aoms/1177730491; Kruskal & Wallis (1952), doi:10.1080/01621459.1952.10483441;
    Friedman (1937), doi:10.1080/01621459.1937.10503522.
    """
    return attainable_p(n, test, method, n2=n2, k=k, ties=ties, correction=correction, alternative=alternative).min_p


def max_attainable_p(
    n,
    test: str = "wilcoxon",
    method: str = "exact",
    *,
    n2: int | None = None,
    k: int | None = None,
    ties: str = "any",
    correction: bool = False,
    alternative: str = "two-sided",
) -> float:
    """The largest p-value ``test`` can give at these sizes (1 for the exact tests; below 1 for some normal
    approximations, e.g. the untied signed-rank test when n(n + 1)/2 is odd).

    Parameters
    ----------
    n : int or sequence of int
        Non-zero paired differences (signed-rank, sign), the first group's size (rank-sum, Fisher), blocks
        (Friedman), or the group sizes (Kruskal-Wallis; or the size of each of ``k`` groups).
    test : str, default "wilcoxon"
        A name from :data:`TEST_NAMES` or a spelling of one (see :func:`canonical_test`).
    method : {"exact", "asymptotic"}, default "exact"
        Exact permutation distribution, or the normal / chi-squared approximation.
    n2 : int, optional
        Second group size (rank-sum, Fisher; two-group Kruskal-Wallis).
    k : int, optional
        Number of groups (Kruskal-Wallis with equal groups) or treatments / time points (Friedman).
    ties : {"any", "none"}, default "any"
        "none": untied data; "any": the extreme over every tie structure.
    correction : bool, default False
        Continuity correction of the normal approximation (signed-rank, sign, rank-sum).
    alternative : {"two-sided", "greater", "less"}, default "two-sided"

    Returns
    -------
    float
        The largest attainable p, ``attainable_p(...).max_p``.

    Examples
    --------
    >>> max_attainable_p(5), f"{max_attainable_p(5, method='asymptotic', ties='none'):.4f}"
    (1.0, '0.8927')

    References
    ----------
    Hollander, Wolfe & Chicken, Nonparametric Statistical Methods, 3rd ed. (2014), sections 3.1 and 4.1.
    """
    return attainable_p(n, test, method, n2=n2, k=k, ties=ties, correction=correction, alternative=alternative).max_p


# --------------------------------------------------------------------------------------------------------------------
# A printed p against the floor


_P_PATTERN = re.compile(r"^\s*(?:p\s*)?(<=|>=|≤|≥|<|>|=)?\s*([0-9]*\.?[0-9]+)\s*$", re.IGNORECASE)


def _read_p(printed) -> tuple[str, Fraction, Fraction, bool, bool, str]:
    """(relation, low, high, low included, high included, text) of a printed p such as "0.008", "< .001"."""
    if hasattr(printed, "text") and not isinstance(printed, str):
        relation = getattr(printed, "relation", "=")
        text = printed.text
        if relation != "=" and not text.lstrip().startswith(("<", ">", "≤", "≥")):
            text = f"{relation}{text}"
    elif isinstance(printed, str):
        text = printed
    else:
        raise ValueError(f"pass the p-value as printed (a string such as '0.008' or '<0.001'), not {printed!r}")
    match = _P_PATTERN.match(text.replace("−", "-"))
    if not match:
        raise ValueError(f"{text!r} is not a printed p-value (expected e.g. '0.008', '< .001', 'p = 0.03')")
    relation, number = match.group(1) or "=", match.group(2)
    value = Fraction(number)
    decimals = len(number.split(".")[1]) if "." in number else 0
    relation = {"≤": "<=", "≥": ">="}.get(relation, relation)
    if relation == "=":
        half = Fraction(1, 2 * 10**decimals)
        return relation, max(value - half, Fraction(0)), min(value + half, Fraction(1)), True, True, text.strip()
    if relation in ("<", "<="):
        return relation, Fraction(0), value, False, relation == "<=", text.strip()
    return relation, value, Fraction(1), relation == ">=", True, text.strip()


def _variants(test: str, method: str | None):
    if test in ("wilcoxon", "rank-sum"):
        all_ = [
            ("exact", "exact", dict(method="exact")),
            ("normal approximation", "asymptotic", dict(method="asymptotic", correction=False)),
            (
                "normal approximation with continuity correction",
                "asymptotic",
                dict(method="asymptotic", correction=True),
            ),
        ]
    elif test == "sign":
        all_ = [
            ("exact (binomial)", "exact", dict(method="exact")),
            ("normal approximation", "asymptotic", dict(method="asymptotic", correction=False)),
            (
                "normal approximation with continuity correction",
                "asymptotic",
                dict(method="asymptotic", correction=True),
            ),
        ]
    elif test in ("kruskal", "friedman"):
        all_ = [
            ("exact", "exact", dict(method="exact")),
            ("chi-squared approximation", "asymptotic", dict(method="asymptotic")),
        ]
    else:
        all_ = [("exact", "exact", dict(method="exact"))]
    if method is None:
        return all_
    method = _choice(method, METHODS, "method")
    chosen = [v for v in all_ if v[1] == method]
    if not chosen:
        raise ValueError(f"the {_LABEL[test]} has no {method} method here")
    return chosen


def check_attainable_p(
    p,
    n,
    *,
    test: str,
    n2: int | None = None,
    k: int | None = None,
    method: str | None = None,
    ties: str = "any",
    alternative: str = "two-sided",
) -> PValueCheck:
    """Can the named test give the printed p at the printed sizes?

    The printed p stands for the interval its decimals allow ("0.008": 0.0075 to 0.0085; "<0.001": below 0.001).
    It is "inconsistent" only if that interval lies wholly below the floor (or above the largest p) of every
    variant of the test considered -- exact and asymptotic, with and without continuity correction, unless
    ``method`` says which -- at the most lenient tie structure (``ties="any"``). A p between the floor and the
    largest p is "consistent": the floor does not rule it out (whether that exact value occurs depends on the data,
    which the check does not have). An unknown test is "unverifiable".

    Parameters
    ----------
    p : str or printed value
        The p-value as printed: "0.008", "< .001", "p = 0.03" (a float is refused: its decimals are lost), or
        an object with ``text`` and ``relation`` such as a parsed card value.
    n : int or sequence of int
        The printed sizes, as for :func:`attainable_p`.
    test : str
        The test the paper names (any spelling :func:`canonical_test` knows).
    n2 : int, optional
        Second group size (rank-sum, Fisher; two-group Kruskal-Wallis).
    k : int, optional
        Number of groups (Kruskal-Wallis) or treatments / time points (Friedman).
    method : {"exact", "asymptotic"}, optional
        Only that variant of the test; ``None`` (default) considers every variant.
    ties : {"any", "none"}, default "any"
        Tie structure of the floors (see :func:`attainable_p`).
    alternative : {"two-sided", "greater", "less"}, default "two-sided"

    Returns
    -------
    PValueCheck
        ``verdict`` ("consistent", "inconsistent" or "unverifiable: ..."), ``printed``, ``test`` (canonical
        name), ``sizes``, ``floors`` ((variant, min_p, max_p) for each variant considered) and ``detail`` (the
        arithmetic in words); unpacking gives ``verdict, detail``.

    Examples
    --------
    >>> import sacro_kit as sk
    >>> sk.check_attainable_p("<0.0001", 13, test="Wilcoxon signed-rank").verdict
    'inconsistent'
    >>> sk.check_attainable_p("0.008", 13, test="Wilcoxon signed-rank").verdict      # above the floor 0.000244
    'consistent'
    >>> sk.check_attainable_p("<0.0001", 13, test="paired t-test (two-sided significance level 0.05)").verdict
    'consistent'

    References
    ----------
    Dougherty RW et al. J NeuroIntervent Surg 2014;6(1):57-60 (the "<0.0001" from 13 pairs); floors as in
    :func:`attainable_p`.
    """
    relation, low, high, low_in, high_in, text = _read_p(p)
    canonical = canonical_test(test) if isinstance(test, str) else None
    sizes = (
        tuple(n)
        if isinstance(n, (list, tuple))
        else (n,) + ((n2,) if n2 is not None else ()) + ((k,) if k is not None else ())
    )
    if canonical is None:
        return PValueCheck(
            unverifiable(f"unknown test {test!r}"),
            text,
            str(test),
            sizes,
            (),
            f"{test!r} is not in the vocabulary of tests ({', '.join(sorted(TEST_NAMES))}), so its "
            "attainable p-values are unknown.",
        )
    if canonical in NO_FLOOR_TESTS:
        return PValueCheck(
            CONSISTENT,
            text,
            canonical,
            sizes,
            ((_LABEL[canonical], 0.0, 1.0),),
            f"The paper names a {_LABEL[canonical]} ({test!r}), which has no floor: any p in (0, 1] is "
            f"attainable, so {text} cannot be ruled out by the sample size.",
        )
    floors = []
    for label, _, kwargs in _variants(canonical, method):
        r = attainable_p(n, canonical, n2=n2, k=k, ties=ties, alternative=alternative, **kwargs)
        floors.append((label, r.min_p, r.max_p, r.detail))

    def reaches(lo_p, hi_p) -> bool:
        # [lo_p, hi_p] attainable range vs the printed interval
        lo_ok = Fraction(hi_p) > low or (low_in and Fraction(hi_p) == low)
        hi_ok = Fraction(lo_p) < high or (high_in and Fraction(lo_p) == high)
        return lo_ok and hi_ok

    reachable = [f for f in floors if reaches(f[1], f[2])]
    shown = "; ".join(f"{label}: p from {lo_p:.3g} to {hi_p:.3g}" for label, lo_p, hi_p, _ in floors)
    wording = {
        "=": f"{text} means p in [{float(low):.6g}, {float(high):.6g}]",
        "<": f"{text} means p < {float(high):.6g}",
        "<=": f"{text} means p ≤ {float(high):.6g}",
        ">": f"{text} means p > {float(low):.6g}",
        ">=": f"{text} means p ≥ {float(low):.6g}",
    }[relation]
    proof = floors[0][3]
    if reachable:
        label = reachable[0][0]
        detail = (
            f"{_LABEL[canonical]} at sizes {', '.join(map(str, sizes))} ({alternative}): {shown}. {wording}, "
            f"within reach of the {label} variant. {proof}"
        )
        if relation == "=" and low > Fraction(reachable[0][1]):
            detail += (
                " The printed value lies above the floor, so the floor does not rule it out; whether this "
                "exact value occurs depends on the data."
            )
        return PValueCheck(CONSISTENT, text, canonical, sizes, tuple(f[:3] for f in floors), detail)
    below = all(Fraction(f[1]) >= high for f in floors)
    detail = (
        f"{_LABEL[canonical]} at sizes {', '.join(map(str, sizes))} ({alternative}): {shown}. {wording}, "
        f"{'below the smallest' if below else 'above the largest'} p any variant can give, whatever the data"
        f"{' and ties' if ties == 'any' else ''}. {proof}"
    )
    return PValueCheck(INCONSISTENT, text, canonical, sizes, tuple(f[:3] for f in floors), detail)
