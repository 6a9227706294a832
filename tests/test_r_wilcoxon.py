"""sacro_kit's exact signed-rank inference against frozen R output (no R needed to run these tests).

Reference values: ``tests/reference/r_wilcoxon.json``, written by ``tests/reference/make_r_wilcoxon.R`` with
R 4.2.2, coin 1.4-2 and exactRankTests 0.8-35 (Debian packages). Functions matched:

* coin::wilcoxsign_test(pre ~ post, distribution = "exact", zero.method = "Pratt"/"Wilcoxon") -- exact
  conditional p-values (Hothorn T, Hornik K, van de Wiel MA, Zeileis A. A Lego system for conditional
  inference. Am Stat 2006;60:257-263; Streitberg B, Roehmel J. Exact distributions for permutations and rank
  tests. Statistical Software Newsletter 1986;12:10-17), and coin::statistic() of the asymptotic test (signed Z);
* exactRankTests::wilcox.exact(pre, post, paired = TRUE, conf.int = TRUE) -- exact conditional p-values with
  zeros dropped, Hodges-Lehmann estimate and confidence bounds with ties (Hothorn T, Hornik K. exactRankTests,
  CRAN);
* stats::wilcox.test(pre, post, paired = TRUE, exact = TRUE, conf.int = TRUE) on untied data (n up to 50).

Cases: issue 13's example (25 pairs, 20 zero differences), 40 seeded pain-score samples (n = 6..80) with ties
and zeros, 10 half-point-scale samples, and 6 untied samples including n = 50.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from sacro_kit.stats.paired import exact_signed_rank_p, hodges_lehmann, wilcoxon

REFERENCE = json.loads((Path(__file__).parent / "reference" / "r_wilcoxon.json").read_text())
CASES = [c for c in REFERENCE["cases"] if "coin" in c]
ALTERNATIVES = {"two.sided": "two-sided", "less": "less", "greater": "greater"}
ZERO = {"Pratt": "pratt", "Wilcoxon": "wilcox"}
# small samples cannot reach the requested level: the widest interval, with a RuntimeWarning (tested in test_paired)
pytestmark = pytest.mark.filterwarnings("ignore:requested conf_level:RuntimeWarning")
#: p-values are sums of up to 2^n probabilities computed in floating point by both programs
P_TOL = dict(rel=1e-9, abs=1e-14)


def _ids(cases):
    return [c["label"] for c in cases]


def _bound(value):
    return None if value is None else float(value)


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_exact_conditional_p_equals_coin(case):
    pre, post = np.array(case["pre"], float), np.array(case["post"], float)
    for zm, ours in ZERO.items():
        for alt_r, alt in ALTERNATIVES.items():
            expected = case["coin"][zm]["p"][alt_r]
            assert exact_signed_rank_p(pre - post, zero_method=ours, alternative=alt) == pytest.approx(expected, **P_TOL)
            res = wilcoxon(pre, post, method="exact", zero_method=ours, alternative=alt, conf_level=None)
            assert res.pvalue == pytest.approx(expected, **P_TOL), (zm, alt)


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_signed_z_equals_coin_statistic(case):
    pre, post = np.array(case["pre"], float), np.array(case["post"], float)
    for zm, ours in ZERO.items():
        res = wilcoxon(pre, post, method="asymptotic", zero_method=ours, conf_level=None)
        assert res.zstatistic == pytest.approx(case["coin"][zm]["z"], rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_exact_p_and_hodges_lehmann_equal_wilcox_exact(case):
    pre, post = np.array(case["pre"], float), np.array(case["post"], float)
    for ref in case["wilcox_exact"]:
        alt, level = ALTERNATIVES[ref["alternative"]], ref["conf_level"]
        res = wilcoxon(pre, post, method="exact", alternative=alt, conf_level=level)
        assert res.pvalue == pytest.approx(ref["p"], **P_TOL)
        assert res.r_plus == ref["statistic"]
        hl = hodges_lehmann(pre, post, method="exact", alternative=alt, conf_level=level)
        low, high = _bound(ref["ci"][0]), _bound(ref["ci"][1])
        assert hl.ci_low == (-math.inf if low is None else pytest.approx(low, abs=1e-12)), (alt, level)
        assert hl.ci_high == (math.inf if high is None else pytest.approx(high, abs=1e-12)), (alt, level)
        assert hl.estimate == pytest.approx(ref["estimate"], abs=1e-12)
        assert (res.hodges_lehmann, res.ci_low, res.ci_high) == (hl.estimate, hl.ci_low, hl.ci_high)


UNTIED = [c for c in CASES if "wilcox_test" in c]


@pytest.mark.parametrize("case", UNTIED, ids=_ids(UNTIED))
def test_untied_exact_equals_wilcox_test(case):
    pre, post = np.array(case["pre"], float), np.array(case["post"], float)
    for ref in case["wilcox_test"]:
        alt = ALTERNATIVES[ref["alternative"]]
        res = wilcoxon(pre, post, method="exact", alternative=alt)
        assert res.distribution == "signrank"
        assert res.pvalue == pytest.approx(ref["p"], **P_TOL)
        low, high = _bound(ref["ci"][0]), _bound(ref["ci"][1])
        assert res.ci_low == (-math.inf if low is None else pytest.approx(low, abs=1e-12))
        assert res.ci_high == (math.inf if high is None else pytest.approx(high, abs=1e-12))
        assert res.hodges_lehmann == pytest.approx(ref["estimate"], abs=1e-12)


def test_fixture_covers_what_issue_13_asks():
    tied = [c for c in CASES if "wilcox_test" not in c]
    assert len(tied) >= 40
    n_p = sum(6 + len(c["wilcox_exact"]) for c in tied)
    assert n_p >= 240
    assert any(len(c["pre"]) == 50 for c in UNTIED)


def test_issue13_example():
    # 25 pairs, 20 zero differences, differences -2, -1, +1, +1, +1 (issue 13): coin's exact conditional p
    # (Pratt) is 1; the untied table gave 0.0096.
    case = REFERENCE["cases"][0]
    res = wilcoxon(case["pre"], case["post"], method="exact", zero_method="pratt")
    assert res.pvalue == 1.0 == case["coin"]["Pratt"]["p"]["two.sided"]
    assert res.distribution == "conditional"
