"""Tests of sacro_kit.forensics.consistency: GRIM for percentages, quartile definitions, p-value floors, the seed card."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from sacro_kit.io.card import Printed, load_reported
from sacro_kit.forensics.consistency import (
    VERDICTS,
    check_percentage,
    check_reported,
    fitting_methods,
    quartile_type_table,
    quartile_types,
    round_exact,
)
from sacro_kit.stats.quantiles import QUANTILE_METHODS
from sacro_kit.forensics.reconstruction import count_samples



@pytest.fixture(scope="module")
def table(card):
    return check_reported(card)


def _row(table, claim, check):
    rows = table[(table.claim == claim) & (table.check == check)]
    assert len(rows) == 1, (claim, check, rows)
    return rows.iloc[0]


# ---------------------------------------------------------------------------------------------------------------------
# Percentages (GRIM)


def test_percentages_scrutiny_example():
    # scrutiny tests/testthat/test-grim.R (github.com/lhdjung/scrutiny): grim(6:16, 50, percent = TRUE)
    # -> T, F, T, F, T, F, T, F, T, F, T (with n = 50 only even whole percentages are attainable).
    expected = [True, False, True, False, True, False, True, False, True, False, True]
    got = [check_percentage(None, 50, f"{p}%").consistent for p in range(6, 17)]
    assert got == expected


def test_percentages_uninformative_when_n_reaches_precision():
    # Brown & Heathers 2017 (doi:10.1177/1948550616673876): GRIM has no power once n >= 10^decimals,
    # i.e. n >= 100 for whole percentages -- every printed value is attainable.
    assert all(check_percentage(None, 100, f"{p}%").consistent for p in range(101))
    assert all(check_percentage(None, 137, f"{p}%").consistent for p in range(101))


def test_percentages_rounding_rule_ambiguity():
    # 1/8 = 12.5 % exactly (hand arithmetic): half up prints 13 %, half even / half down print 12 %.
    assert check_percentage(1, 8, "13%", rounding="half_up").consistent
    assert not check_percentage(1, 8, "12%", rounding="half_up").consistent
    assert check_percentage(1, 8, "12%", rounding="half_even").consistent
    assert not check_percentage(1, 8, "13%", rounding="half_even").consistent
    assert check_percentage(1, 8, "12%").consistent and check_percentage(1, 8, "13%").consistent  # up_or_down
    # 3/8 = 37.5 %: half even rounds to the even 38
    assert check_percentage(3, 8, "38%", rounding="half_even").consistent
    assert not check_percentage(3, 8, "37%", rounding="half_even").consistent


def test_percentages_of_the_abstract(card):
    # 37/45 = 82.2 %, 22/29 = 75.9 %, 34/57 = 59.6 %, 15/57 = 26.3 %, 8/57 = 14.0 % (hand arithmetic)
    for k, n, printed in ((37, 45, "82%"), (22, 29, "76%"), (34, 57, "60%"), (15, 57, "26%"), (8, 57, "14%")):
        result = check_percentage(k, n, printed)
        assert result.consistent and result.consistent_k == (k,)
        assert result.percent == pytest.approx(100 * k / n)
    assert not check_percentage(36, 45, "82%").consistent          # 36/45 = 80 %
    assert check_percentage(37, 45, card["pain_decreased"].percent).consistent  # a card Printed works too


def test_percentage_input_errors():
    with pytest.raises(ValueError, match="k must be an integer"):
        check_percentage(46, 45, "82%")
    with pytest.raises(ValueError, match="rounding"):
        check_percentage(37, 45, "82%", rounding="banker")
    with pytest.raises(ValueError, match="not a printed number"):
        check_percentage(37, 45, "82,2%")
    # a float is exact and read as its shortest form (issue 11); a string keeps trailing zeros
    assert check_percentage(37, 45, 82.2) == check_percentage(37, 45, "82.2")
    with pytest.raises(ValueError, match="pass a number"):
        check_percentage(37, 45, float("nan"))


def test_round_exact_against_decimal_module():
    from decimal import ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
    modes = {"half_up": ROUND_HALF_UP, "half_down": ROUND_HALF_DOWN, "half_even": ROUND_HALF_EVEN}
    for numerator in range(-400, 401):
        value = Fraction(numerator, 40)
        exact = Decimal(numerator) / Decimal(40)
        for rule, mode in modes.items():
            expected = Fraction(exact.quantize(Decimal("0.1"), rounding=mode))
            assert round_exact(value, 1, rule) == expected, (value, rule)


# ---------------------------------------------------------------------------------------------------------------------
# Quartile definitions


def _fivenum_hinges(x):
    """R's fivenum() hinges (stats::fivenum source: n4 <- floor((n+3)/2)/2; 0.5*(x[floor(d)] + x[ceiling(d)]))."""
    x = np.sort(np.asarray(x, dtype=float))
    n = x.size
    n4 = math.floor((n + 3) / 2) / 2
    d = [n4, (n + 1) / 2, n + 1 - n4]
    return [0.5 * (x[math.floor(v) - 1] + x[math.ceil(v) - 1]) for v in d]


def _reference_quartiles(x, method):
    if method == "tukey":
        return _fivenum_hinges(x)
    names = {1: "inverted_cdf", 2: "averaged_inverted_cdf", 3: "closest_observation", 4: "interpolated_inverted_cdf",
             5: "hazen", 6: "weibull", 7: "linear", 8: "median_unbiased", 9: "normal_unbiased"}
    return list(np.quantile(np.asarray(x, dtype=float), [0.25, 0.5, 0.75], method=names[method]))


def _text(value: float) -> str:
    """Print at 2 decimals, trailing zeros dropped: exact for quarters and halves of integers."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@pytest.mark.slow
def test_quartile_types_equal_numpy_brute_force():
    # Exhaustive: for every integer sample with n <= 6 on 0..3, the printed (2-decimal) quartile triple of each
    # definition (numpy's methods, R's fivenum for hinges) must be reported attainable for exactly the
    # definitions that produce it on some sample.
    attainable: dict[tuple, set] = {}
    for n in range(1, 7):
        for sample in itertools.combinations_with_replacement(range(4), n):
            for method in QUANTILE_METHODS:
                triple = tuple(_text(v) for v in _reference_quartiles(sample, method))
                attainable.setdefault((n, triple), set()).add(method)
    for (n, triple), methods in attainable.items():
        assert set(quartile_types(n, *triple, scale=(0, 3), rounding="half_even", decimals=2)) == methods, (n, triple)


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
def test_quartile_types_sound_on_random_samples():
    # Random integer samples (0-10, n up to 40): the definition that produced a printed triple always fits it.
    rng = np.random.default_rng(20240)
    for _ in range(60):
        n = int(rng.integers(5, 41))
        sample = rng.integers(0, 11, n)
        method = QUANTILE_METHODS[int(rng.integers(len(QUANTILE_METHODS)))]
        triple = [_text(v) for v in _reference_quartiles(sample, method)]
        assert method in quartile_types(n, *triple, decimals=2), (n, method, triple)


def test_quartile_types_of_the_seed_summaries(card):
    rest, activity = card["rest_pain"], card["activity_pain"]
    # values read at the abstract's one-decimal precision
    assert quartile_types(29, rest.pre, decimals=1) == (4, 5, 6)
    assert quartile_types(29, rest.post, decimals=1) == (4, 5, 6)
    assert quartile_types(13, activity.pre, decimals=1) == (4, 5, 6)
    assert quartile_types(13, activity.post, decimals=1) == (4, 5)
    assert quartile_types(13, "4", "6", "6.8") == (4, 5)          # literal precision gives the same
    assert fitting_methods(card) == (4, 5)
    # R/numpy (type 7), SAS (type 2), types 1 and 3 and Tukey's hinges cannot print Q3 8.5 or 3.5 from 29 integers
    for excluded in (1, 2, 3, 7, "tukey"):
        assert count_samples(29, "4", "7", "8.5", quantile_type=excluded, decimals=1) == 0
        assert count_samples(29, "1", "2", "3.5", quantile_type=excluded, decimals=1) == 0
    # type 6 (SPSS, Minitab) gives only halves: Q3 6.75 ("6.8") is out of reach for 13 integers
    assert count_samples(13, "4", "6", "6.8", quantile_type=6, decimals=1) == 0


def test_witnesses_reproduce_the_printed_values():
    # Every witness that quartile_type_table shows extends to a full sample that numpy (or fivenum) summarises
    # as printed: each position takes the value pinned at or before it (the first pinned value before that).
    for n, triple in ((29, ("4", "7", "8.5")), (29, ("1", "2", "3.5")), (13, ("8.5", "10", "10")),
                      (13, ("4", "6", "6.8")), (57, ("1", "1", "2")), (57, ("0", "0", "1"))):
        table = quartile_type_table(n, *triple, scale=(0, 20), decimals=1)
        assert table.fits.any()
        for row in table[table.fits].itertuples():
            pinned = sorted(row.witness.items())
            sample = []
            for position in range(1, n + 1):
                earlier = [value for p, value in pinned if p <= position]
                sample.append(earlier[-1] if earlier else pinned[0][1])
            assert sample == sorted(sample)
            got = _reference_quartiles(sample, row.method)
            assert all(abs(g - float(t)) <= 0.05 + 1e-9 for g, t in zip(got, triple)), (row.method, got)
        assert table[~table.fits].witness.isna().all()


def test_quartile_type_inputs():
    # floats are read as their shortest form: 4.0 prints at one decimal, like "4.0"
    assert quartile_types(29, 4.0, 7.0, 8.5) == quartile_types(29, "4.0", "7.0", "8.5")
    with pytest.raises(ValueError, match="pass a number"):
        quartile_types(29, float("inf"), "7", "8.5")
    with pytest.raises(ValueError, match="n must be"):
        quartile_types(0, "4", "7", "8.5")
    with pytest.raises(ValueError, match="whole number of steps"):
        quartile_types(29, "4", "7", "8.5", scale=(0, 10), step=3)
    with pytest.raises(ValueError, match="bound"):
        quartile_types(29, Printed.parse("<4"), "7", "8.5")
    assert quartile_types(29, "4", "7", "8.5", methods=(6,)) == (6,)


# ---------------------------------------------------------------------------------------------------------------------
# p-values


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
def test_no_rank_test_reaches_p_below_0_0001_with_13_pairs():
    # scipy brute force over tie patterns of 13 differences (magnitudes 1..3, 0..2 zeros), every zero method and
    # continuity correction: the smallest p is above 0.0001, as check_reported says.
    smallest = 1.0
    for zeros in range(3):
        for magnitudes in itertools.combinations_with_replacement((1, 2, 3), 13 - zeros):
            d = np.array([0] * zeros + list(magnitudes), dtype=float)
            for zero_method in ("wilcox", "pratt", "zsplit"):
                for correction in (False, True):
                    p = stats.wilcoxon(d, zero_method=zero_method, correction=correction,
                                       method="asymptotic").pvalue
                    smallest = min(smallest, p)
    smallest = min(smallest, stats.wilcoxon(np.arange(1, 14), method="exact").pvalue,
                   stats.binomtest(13, 13).pvalue)
    assert 1e-4 < smallest < 3.2e-4   # 2.44e-4 exact signed-rank / sign test (statistics-notes §3.6)


def test_p_value_verdicts(table):
    activity = _row(table, "activity_pain", "p-value attainable by a rank test")
    assert activity.verdict == "inconsistent"
    assert "0.000244" in activity.detail and "only a parametric test" in activity.detail
    assert _row(table, "rest_pain", "p-value attainable by a rank test").verdict == "consistent"
    opioids = _row(table, "opioids", "p-value attainable by a rank test")
    assert opioids.verdict == "consistent"
    # sign test of 34 decreases vs 8 increases: scipy.stats.binomtest(8, 42) = 6.88e-05 (statistics-notes §3.5)
    assert f"{stats.binomtest(8, 42).pvalue:.3g}" == "6.88e-05"
    assert "6.88e-05" in opioids.detail


# ---------------------------------------------------------------------------------------------------------------------
# The whole card


def test_check_reported_shape(table):
    assert list(table.columns) == ["claim", "check", "printed", "verdict", "status", "reason", "detail", "line"]
    assert set(table.status) <= set(VERDICTS)
    assert (table.verdict.str.split(":").str[0] == table.status).all()
    assert table[table.status == "unverifiable"].verdict.str.match(r"unverifiable: \S").all()
    assert table.detail.str.len().min() > 10
    assert list(table.status) == sorted(table.status, key=["inconsistent", "unverifiable", "consistent"].index)


def test_check_reported_seed_verdicts(table):
    expected = {
        ("pain_decreased", "percentage vs k/n"): "consistent",
        ("rest_responders", "percentage vs k/n"): "consistent",
        ("opioid_change", "parts add up to n"): "consistent",
        ("opioid_change", "percentages add up to 100"): "consistent",
        ("opioid_change", "percentage vs k/n (decreased)"): "consistent",
        ("opioid_change", "percentage vs k/n (unchanged)"): "consistent",
        ("opioid_change", "percentage vs k/n (increased)"): "consistent",
        ("followed_up", "subset of treated"): "consistent",
        ("pain_duration", "mean printed with an IQR"): "unverifiable",
        ("followup_time", "quartile definition"): "unverifiable",
        ("rest_pain", "quartile definition (pre and post together)"): "consistent",
        ("activity_pain", "quartile definition (post)"): "consistent",
        ("opioids", "quartile definition (pre and post together)"): "consistent",
        ("all summaries", "one quartile definition for every integer-scale summary"): "consistent",
    }
    for (claim, check), verdict in expected.items():
        assert _row(table, claim, check).status == verdict, (claim, check)
    rest = _row(table, "rest_pain", "quartile definition (pre)").detail
    assert "Fits: type 4, type 5, type 6." in rest
    for name in ("type 1 (", "type 2 (", "type 3 (", "type 7 (", "Tukey hinges ("):
        assert name in rest.split("Excluded:")[1]
    assert "Fits: type 4, type 5." in _row(table, "activity_pain", "quartile definition (post)").detail
    assert _row(table, "all summaries", "one quartile definition for every integer-scale summary").printed \
        == "type 4, type 5"
    assert "37/45 = 82.222222% prints as 82%" in _row(table, "pain_decreased", "percentage vs k/n").detail


def test_check_reported_flags_a_wrong_card(card, tmp_path):
    # the same card with an impossible percentage and a median no integer sample of 13 gives under any definition
    text = card.path.read_text(encoding="utf-8").replace('percent: "82%"', 'percent: "81%"')
    text = text.replace('median: "6", q1: "4", q3: "6.8"', 'median: "6", q1: "4", q3: "6.1"')
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    table = check_reported(load_reported(bad))
    assert _row(table, "pain_decreased", "percentage vs k/n").verdict == "inconsistent"
    assert _row(table, "activity_pain", "quartile definition (post)").verdict == "inconsistent"
    # the impossible summary is flagged once, in its own row; the joint rows only combine summaries that fit
    assert _row(table, "all summaries", "one quartile definition for every integer-scale summary").verdict \
        == "consistent"
    assert (table.status == "inconsistent").sum() == 3  # with the activity p of the shipped card


def test_count_max_is_deprecated_and_changes_nothing(card):
    with pytest.warns(DeprecationWarning, match="count_max"):
        old = check_reported(card, count_max=2)
    assert old.verdict.tolist() == check_reported(card).verdict.tolist()


def test_a_named_test_narrows_the_p_check(card, tmp_path):
    text = card.path.read_text(encoding="utf-8")
    activity = text.index("  activity_pain:\n")

    def named(name):
        path = tmp_path / "named.yaml"
        path.write_text(text[:activity] + text[activity:].replace("{name: null,", f"{{name: {name},", 1),
                        encoding="utf-8")
        return check_reported(load_reported(path))

    table = named("paired t-test")  # in the vocabulary: a paired t p has no floor, and no statistic is printed
    row = _row(table, "activity_pain", "p-value attainable by the named test")
    assert row.verdict.startswith("unverifiable: a paired t-test p has no smallest attainable value")
    row = _row(named("Wilcoxon signed-rank"), "activity_pain", "p-value attainable by the named test")
    assert row.verdict == "inconsistent" and "sign test" not in row.detail
