"""API conventions of issue 11 that cut across modules (CONTRIBUTING.md, "API conventions")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sacro_kit as sk


@pytest.mark.parametrize("pre, post", [
    ([5, 6, 7, 8, 9, 10, 4], [1, 1, 2, 2, 3, 1, 3]),          # ties, no zeros, n = 7
    ([5, 6, 7, 8, 9, 10, 11], [1, 2, 3, 4, 5, 6, 7.5]),      # untied
    (list(range(60)), [v - 1 - (v % 3) * 0.1 for v in range(60)]),  # n > 50
])
def test_auto_reports_the_method_it_passed_to_scipy(pre, post):
    res = sk.wilcoxon(pre, post)  # method="auto"
    d = np.round(np.asarray(pre, float) - np.asarray(post, float), 9)
    scipy_method = stats.PermutationMethod() if res.method == "permutation" else res.method
    if res.method != "exact" or np.unique(np.abs(d[d != 0])).size == d[d != 0].size:
        ref = stats.wilcoxon(d, method=scipy_method)
        assert res.pvalue == pytest.approx(ref.pvalue, rel=1e-12)


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_none_nan_and_pd_na_all_mean_missing_in_wilcoxon(missing):
    pre = pd.array([5, 6, 7, 8, 9, 10], dtype="object")
    pre[5] = missing
    post = [1, 1, 2, 2, 3, 1]
    res = sk.wilcoxon(list(pre), post)
    ref = sk.wilcoxon([5, 6, 7, 8, 9], [1, 1, 2, 2, 3])
    assert (res.statistic, res.pvalue) == (ref.statistic, ref.pvalue)


def test_r_spelling_of_two_sided_is_accepted():
    pre, post = [5, 6, 7, 8, 9], [1, 1, 2, 2, 3]
    assert sk.wilcoxon(pre, post, alternative="two.sided").pvalue == sk.wilcoxon(pre, post).pvalue


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_meta_analysis_names_a_missing_effect_whatever_its_spelling(missing):
    yi = pd.array([0.1, 0.2, 0.3, 0.4], dtype="object")
    yi[2] = missing
    with pytest.raises(ValueError, match=r"yi contains missing .* positions \[2\]"):
        sk.meta_analysis(list(yi), [0.01, 0.02, 0.01, 0.02])


def test_every_result_class_is_a_result():
    import dataclasses

    from sacro_kit._results import Result

    data_containers = {"ReportedCard", "Printed", "Card", "StaticExplorer"}  # loaded inputs and views, not results
    classes = {n: getattr(sk, n) for n in sk._API if isinstance(getattr(sk, n), type)}
    results = {n: c for n, c in classes.items() if dataclasses.is_dataclass(c) and n not in data_containers}
    assert not [n for n, c in results.items() if not issubclass(c, Result)]
    low, high = sk.proportion_ci(22, 29)
    assert (low, high) == (sk.proportion_ci(22, 29).low, sk.proportion_ci(22, 29).high)
    assert sk.proportion_ci(22, 29).to_frame().shape[0] == 1


@pytest.mark.parametrize("analysis", ["binary_outcome", "best_worst_case", "tipping_point", "no_change_sensitivity"])
def test_a_card_is_passed_one_way(analysis):
    """CONTRIBUTING: a loaded card of either schema, or None for the default card; all give the same answer."""
    import pandas as pd

    cohort = sk.load_cohort()
    fn = getattr(sk, analysis)
    outcome = "rest_pain" if analysis == "no_change_sensitivity" else "pain_decreased"
    results = [fn(cohort, card, outcome) for card in (None, sk.load_reported(), sk.load_card())]
    for other in results[1:]:
        if isinstance(other, pd.DataFrame):
            pd.testing.assert_frame_equal(results[0], other)
        else:
            assert repr(other) == repr(results[0])
    with pytest.raises(TypeError, match="card must be a loaded card"):
        fn(cohort, 42, outcome)


def test_figures_checks_and_reconstruction_take_either_schema():
    """hdoc review: these read a schema-1 view only; a schema-2 card (sk.load_card()) must work the same."""
    import matplotlib

    matplotlib.use("Agg")
    cohort, old, new = sk.load_cohort(), sk.load_reported(), sk.load_card()
    assert sk.card_decimals(old) == sk.card_decimals(new) == sk.card_decimals(None)
    assert sk.fitting_methods(old) == sk.fitting_methods(new)
    for draw in (lambda c: sk.attrition_figure(cohort, c), lambda c: sk.slope_plot(cohort, "rest", card=c),
                 lambda c: sk.responder_plot(cohort, c)):
        assert [t.get_text() for t in draw(old).axes[0].texts] == [t.get_text() for t in draw(new).axes[0].texts]
    first, second = sk.verify_cohort(cohort, old), sk.verify_cohort(cohort, new)
    pd.testing.assert_frame_equal(first, second)
