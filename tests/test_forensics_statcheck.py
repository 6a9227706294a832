"""statcheck's recomputation of p from a printed statistic, against statcheck's documented test cases.

Every case is copied from the statcheck R package's tests (github.com/MicheleNuijten/statcheck, commit b288d94,
26 Jul 2024), file and test name given; statcheck's VAR_ERROR TRUE is our "inconsistent", FALSE "consistent".
Expected p-values are recomputed here with scipy.stats (R's pt/pf/pchisq/pnorm, as statcheck's compute_p.R uses).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

import sacro_kit as sk

T, F = True, False   # statcheck "error"


def beyond(bound: float, direction: int) -> str:
    """statcheck's tests paste() the exact bound of the correct p range (15 significant digits), a knife edge decided
    by the last binary digit; we print it one unit of the 12th significant digit beyond the bound, on the side the
    statcheck test intends (our check is lenient exactly at a boundary, so that rounding noise never makes an
    "inconsistent")."""
    return f"{bound * (1 + direction * 1e-11):.12g}"


def error(*args, **kwargs) -> bool:
    r = sk.recompute_p(*args, **kwargs)
    assert r.verdict in ("consistent", "inconsistent"), r.detail
    return r.verdict == "inconsistent"


def test_simple_errors_statcheck():
    # test-error.R, "simple errors are classified as such"
    assert error("t", "2.20", ".03", df=28)              # t(28) = 2.20, p = .03
    assert error("F", "2.20", ".15", df=2, df2=28)       # F(2, 28) = 2.20, p = .15
    assert error("r", ".22", ".26", df=28)               # r(28) = .22, p = .26
    assert error("chi2", "22.20", ".79", df=28)          # chi2(28) = 22.20, p = .79
    assert error("z", "2.20", ".04")                     # z = 2.20, p = .04
    assert error("Q", "22.20", ".79", df=28)             # Q(28) = 22.20, p = .79


def test_negative_statistics_statcheck():
    # test-error.R, "p-values of negative tests are correctly classified"
    assert not error("z", "-2.42", "0.016")
    assert error("t", "-2.20", ".03", df=28)


def test_inexact_p_statcheck():
    # test-error.R, "inexactly reported p-values are correctly classified"
    assert error("t", "2.20", "ns", df=28)
    assert error("t", "2.20", "> .05", df=28)
    assert not error("t", "2.0", "< .05", df=28)


def test_decision_errors_are_errors_statcheck():
    # test-error.R, "decision errors are also classified as errors"
    assert error("t", "1.20", ".03", df=28)
    assert error("t", "2.20", ".30", df=28)


def test_correct_rounding_statcheck():
    # test-error.R, "correctly rounded p-values are not considered errors"
    for stat, p in (("2", ".02"), ("2", ".14"), ("2.2", ".03"), ("2.2", ".04"), ("2.20", ".036"), ("2.20", ".037")):
        assert not error("t", stat, p, df=28), (stat, p)


def test_one_tailed_tests_statcheck():
    # test-error.R, "OneTailedTests considers everything as one-tailed"
    assert not error("t", "2.20", ".02", df=28, alternative="one-sided")
    assert error("t", "2.20", ".04", df=28, alternative="one-sided")
    # "automated one-tailed test detection works": t(28) = 2.20, p = .018 is an error unless the text says one-tailed
    assert error("t", "2.20", ".018", df=28)
    assert error("t", "2.20", ".01", df=28, one_tailed_in_text=True)
    r = sk.recompute_p("t", "2.20", ".018", df=28, one_tailed_in_text=True)
    assert r.verdict == "consistent" and "one-tailed" in r.detail and r.tails == 1
    # the corrected p is pt(2.20, 28, lower.tail = FALSE) (statcheck's VAR_COMPUTED_P check)
    assert r.p_low <= stats.t.sf(2.20, 28) <= r.p_high
    # without the flag the detail still points at the one-tailed reading
    assert "one-tailed p" in sk.recompute_p("t", "2.20", ".018", df=28).detail


def test_p_zero_statcheck():
    # test-error.R, "you can adapt whether p = .000 is counted as inconsistent or not"
    assert error("t", "22.20", ".000", df=28, p_zero_error=True)
    assert not error("t", "22.20", ".000", df=28)          # pZeroError = FALSE; our default (p < .0005)
    assert error("t", "22.20", "< .000", df=28)            # "p < .000" is always an error


def test_exact_statistic_cases_statcheck():
    # test-error.R, "cases where t = ... are correctly classified"
    lowp, upp = 2 * stats.t.sf(2.25, 28), 2 * stats.t.sf(2.15, 28)
    assert not error("t", "2.2", ".036", df=28)
    assert not error("t", "2.2", "< .08", df=28)
    assert not error("t", "2.2", "> .02", df=28)
    assert error("t", "2.2", f"> {beyond(upp, +1)}", df=28)
    assert error("t", "2.2", f"< {beyond(lowp, -1)}", df=28)
    for p in (".08", ".02", "> .08", "< .02"):
        assert error("t", "2.2", p, df=28), p


def test_statistic_below_bound_statcheck():
    # test-error.R, "cases where t < ... are correctly classified"
    lowp, upp = 2 * stats.t.sf(2.25, 28), 2 * stats.t.sf(2.15, 28)
    for p in (f"> {beyond(upp, -1)}", ".08", "> .08", "< .08", "> .02"):
        assert not error("t", "< 2.2", p, df=28), p
    for p in (f"= {beyond(lowp, -1)}", f"< {beyond(lowp, -1)}", "< .02", ".02"):
        assert error("t", "< 2.2", p, df=28), p


def test_statistic_above_bound_statcheck():
    # test-error.R, "cases where t > ... are correctly classified"
    upp = 2 * stats.t.sf(2.15, 28)
    for p in (f"< {beyond(upp, +1)}", ".02", "> .02", "< .02", "< .08"):
        assert not error("t", "> 2.2", p, df=28), p
    for p in (f"= {beyond(upp, +1)}", f"> {beyond(upp, +1)}", "> .08", ".08"):
        assert error("t", "> 2.2", p, df=28), p


def test_decision_errors_statcheck():
    # test-decisionerror.R, "simple decision errors are classified as such"
    cases = [("t", "2.20", ".06", dict(df=28)), ("t", "1.20", ".03", dict(df=28)),
             ("F", "22.20", ".06", dict(df=2, df2=28)), ("F", "2.20", ".03", dict(df=2, df2=28)),
             ("r", ".22", ".03", dict(df=28)), ("r", ".52", ".06", dict(df=28)),
             ("chi2", "2.20", ".03", dict(df=28)), ("chi2", "52.20", ".06", dict(df=28)),
             ("z", "1.20", ".03", {}), ("z", "2.20", ".06", {}),
             ("Q", "2.20", ".03", dict(df=28)), ("Q", "52.20", ".06", dict(df=28))]
    for name, stat, p, kw in cases:
        r = sk.recompute_p(name, stat, p, **kw)
        assert r.verdict == "inconsistent" and r.decision_error, (name, stat, p)
    # "decision errors are correctly classified when alpha levels are changed"
    for stat, p, alpha in (("2.20", ".06", .05), ("1.20", ".03", .05), ("2.20", ".11", .10), ("1.20", ".09", .10),
                           ("5.20", ".02", .01), ("1.20", ".005", .01)):
        assert sk.recompute_p("t", stat, p, df=28, alpha=alpha).decision_error, (stat, p, alpha)
    # "... argument p = alpha": t(28) = 2.20, p = .05 is not a decision error (p = alpha counts as significant)
    assert not sk.recompute_p("t", "2.20", ".05", df=28).decision_error
    assert not sk.recompute_p("t", "2.20", ".10", df=28, alpha=.10).decision_error


def test_recomputed_p_values_statcheck():
    # test-compute-pvalues.R: the computed p at the printed statistic lies inside our recomputed range
    cases = [("t", "2.20", dict(df=28), 2 * stats.t.sf(2.20, 28)),
             ("F", "2.20", dict(df=2, df2=28), stats.f.sf(2.20, 2, 28)),
             ("r", ".22", dict(df=28), 2 * stats.t.sf(.22 / math.sqrt((1 - .22 ** 2) / 28), 28)),
             ("z", "2.20", {}, 2 * stats.norm.sf(2.20)),
             ("chi2", "22.20", dict(df=28), stats.chi2.sf(22.20, 28)),
             ("Q", "22.20", dict(df=28), stats.chi2.sf(22.20, 28))]
    for name, stat, kw, computed in cases:
        r = sk.recompute_p(name, stat, ".5", **kw)
        assert r.p_low <= computed <= r.p_high


def test_card_engineer_example():
    # tests/test_card_schema.py: 2 * t.sf(2.31, 15) = 0.0356, so "t(15) = 2.31, p = 0.036" is consistent and
    # "p = 0.01" is not
    assert not error("t", "2.31", "0.036", df=15)
    assert error("t", "2.31", "0.01", df=15)


# --------------------------------------------------------------------------------------------------------------------
# Mann-Whitney U


@pytest.mark.parametrize("n1,n2", [(3, 3), (4, 5), (5, 6)])
def test_u_exact_matches_enumeration(n1, n2):
    # exact untied distribution of U by enumeration of every assignment of ranks
    null = []
    for idx in itertools.combinations(range(n1 + n2), n1):
        ranks = np.array(idx) + 1
        null.append(ranks.sum() - n1 * (n1 + 1) / 2)
    null = np.array(null)
    for u in range(n1 * n2 + 1):
        p = min(1.0, 2 * min(np.mean(null <= u), np.mean(null >= u)))
        printed = f"{p:.3f}"
        r = sk.recompute_p("U", str(u), printed, n=n1, n2=n2)
        assert r.verdict == "consistent", (u, printed, r.detail)
        assert r.p_low <= p + 1e-12 and p - 1e-12 <= r.p_high or "normal" in r.detail


def test_u_needs_group_sizes_and_range():
    assert sk.recompute_p("U", "3", "0.03").verdict.startswith("unverifiable")
    assert sk.recompute_p("U", "40", "0.03", n=5, n2=6).verdict.startswith("unverifiable")
    assert sk.recompute_p("U", "0", "0.5", n=5, n2=5).verdict == "inconsistent"   # U = 0: exact p = 2/252


def test_unknown_statistic_and_bad_df():
    assert sk.recompute_p("H", "3.2", "0.03", df=2).verdict.startswith("unverifiable")
    assert sk.recompute_p("t", "3.2", "0.03").verdict.startswith("unverifiable")
    assert sk.recompute_p("F", "-1", "0.03", df=(1, 2)).verdict == "inconsistent"
    with pytest.raises(ValueError, match="as printed"):
        sk.recompute_p("t", 2.2, "0.03", df=28)
