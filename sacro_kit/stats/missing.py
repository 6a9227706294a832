"""Missing outcomes: how far can the patients nobody measured move the paper's conclusions?

A case series that follows up 45 of 57 treated patients reports its proportions among the 45.
The patients without follow-up are not a random sample: those doing well may not come back, or
those still in pain may go elsewhere. Nothing in the data says which, so the honest analysis
brackets the answer (Higgins, White & Wood 2008; Gamble & Hollis 2005):

* :func:`best_worst_case` -- every patient without the outcome counted as a success (best case)
  or as a failure (worst case), beside the complete-case proportion;
* :func:`tipping_point` -- every split in between: m of the missing patients improved, the rest
  did not, and the smallest m at which the conclusion "more than half improved" still holds;
* :func:`no_change_sensitivity` -- a paired score (e.g. rest pain) with the missing pairs
  imputed as "no change" (zero differences), run through the Wilcoxon and sign tests.

Imputed values are assumptions, not data: every table here says how many values were invented.

References
----------
Higgins JPT, White IR, Wood AM. Imputation methods for missing outcome data in meta-analysis of
clinical trials. Clin Trials 2008;5(3):225-239. doi:10.1177/1740774508091600
Gamble C, Hollis S. Uncertainty method improved on best-worst case analysis in a binary
meta-analysis. J Clin Epidemiol 2005;58(6):579-588. doi:10.1016/j.jclinepi.2004.09.013
Wilson EB. Probable inference, the law of succession, and statistical inference. JASA
1927;22(158):209-212. doi:10.1080/01621459.1927.10502953
Pratt JW. Remarks on zeros and ties in the Wilcoxon signed rank procedures. JASA 1959;54:655-667.
doi:10.1080/01621459.1959.10501526
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sacro_kit._compat import renamed_arguments
from sacro_kit._results import Result
from sacro_kit.stats.paired import sign_test, wilcoxon
from sacro_kit.stats.responders import TOLERANCE, percent_change, proportion_ci

#: Interval methods whose "lower limit above p0" is exactly a one-sided test of p <= p0 at level (1 - conf)/2:
#: Wilson inverts the score test, Clopper-Pearson the exact binomial test.
TEST_FOR_INTERVAL = {"wilson": "score test", "clopper-pearson": "exact binomial test"}

_BINARY_KINDS = ("proportion", "responders")
_PAIRED_KINDS = ("paired_summary", "responders", "paired_direction")


@dataclass(frozen=True)
class BinaryOutcome(Result):
    """A yes/no outcome in a cohort: k successes among ``n_observed`` patients, ``n_missing`` unknown.

    ``n_excluded`` counts patients for whom the outcome cannot exist (a relative responder with a
    baseline score of 0); they are in no denominator.
    """

    key: str
    label: str
    k: int
    n_observed: int
    n_missing: int
    n_excluded: int

    @property
    def n_total(self) -> int:
        """Everyone the outcome could concern: observed plus missing."""
        return self.n_observed + self.n_missing


def _claim(card, outcome: str, kinds: tuple[str, ...]):
    from sacro_kit.io.card_schema import as_reported_card

    card = as_reported_card(card)
    if not isinstance(outcome, str):
        raise ValueError(f"outcome must be the key of a claim in the card, got {outcome!r}")
    claim = card.get(outcome)
    if claim is None:
        raise ValueError(f"the card has no claim {outcome!r}; it has {', '.join(card.keys())}")
    if claim.kind not in kinds:
        raise ValueError(f"claim {outcome!r} is a {claim.kind!r} claim; this analysis needs one of: {', '.join(kinds)}")
    return claim


def _columns(cohort: pd.DataFrame, names) -> None:
    if not isinstance(cohort, pd.DataFrame):
        raise ValueError(f"cohort must be a pandas DataFrame (see sacro_kit.load_cohort), got {type(cohort).__name__}")
    absent = [name for name in names if name not in cohort.columns]
    if absent:
        raise ValueError(f"the cohort has no column {', '.join(map(repr, absent))}")


def binary_outcome(cohort: pd.DataFrame, card=None, outcome: str = "pain_decreased") -> BinaryOutcome:
    """Count successes, observed and missing patients for a yes/no claim of the card, in the cohort.

    ``outcome`` is a claim key. A ``proportion`` claim names a 0/1 column (missing = empty cell); a
    ``responders`` claim defines success as a decrease of at least its threshold between its two
    columns (missing = either score absent; relative thresholds exclude baseline-0 patients).

    Parameters
    ----------
    cohort : pandas.DataFrame
        A cohort as :func:`sacro_kit.load_cohort` returns it.
    card : ReportedCard, Card or None, default None
        The card whose claim ``outcome`` defines the outcome; None is the default card (``$SACRO_KIT_CARD``, else
        the shipped one). A mapping of claim key to claim also works.
    outcome : str, default "pain_decreased"
        Key of a ``proportion`` or ``responders`` claim.

    Returns
    -------
    BinaryOutcome
        ``key, label, k`` (successes), ``n_observed``, ``n_missing`` and ``n_excluded`` (baseline 0 under a relative
        threshold).

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> claim = SimpleNamespace(kind="proportion", variable="improved")
    >>> card = {"improved": claim}
    >>> cohort = pd.DataFrame({"improved": pd.array([1, 1, 0, None], dtype="Int64")})
    >>> binary_outcome(cohort, card, "improved")
    BinaryOutcome(key='improved', label='improved', k=2, n_observed=3, n_missing=1, n_excluded=0)
    """
    claim = _claim(card, outcome, _BINARY_KINDS)
    if claim.kind == "proportion":
        _columns(cohort, [claim.variable])
        column = cohort[claim.variable]
        observed = column[column.notna()].astype(float)
        if not observed.isin([0.0, 1.0]).all():
            bad = sorted(set(observed[~observed.isin([0.0, 1.0])].tolist()))
            raise ValueError(f"column {claim.variable!r} must hold 0/1 (or True/False), found {bad}")
        return BinaryOutcome(
            outcome, claim.variable, int(observed.sum()), int(observed.size), int(column.isna().sum()), 0
        )
    pre_name, post_name = claim.variables
    _columns(cohort, [pre_name, post_name])
    pre = cohort[pre_name].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    post = cohort[post_name].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    complete = ~(np.isnan(pre) | np.isnan(post))
    if claim.threshold_kind == "relative":
        change = percent_change(pre, post)
        excluded = complete & (pre == 0)
    else:
        change = pre - post
        excluded = np.zeros(pre.shape, dtype=bool)
    evaluable = complete & ~excluded
    # "at least the threshold", with the same floating-point tolerance as sacro_kit.stats.responders
    k = int(np.count_nonzero(change[evaluable] >= claim.threshold - TOLERANCE))
    unit = "%" if claim.threshold_kind == "relative" else " points"
    amount = f"{100 * claim.threshold:g}" if claim.threshold_kind == "relative" else f"{claim.threshold:g}"
    label = f"decrease of at least {amount}{unit} ({pre_name} to {post_name})"
    return BinaryOutcome(outcome, label, k, int(evaluable.sum()), int((~complete).sum()), int(excluded.sum()))


def _check_conf(conf_level) -> float:
    if isinstance(conf_level, bool) or not isinstance(conf_level, (int, float, np.floating)) or not 0 < conf_level < 1:
        raise ValueError(f"conf_level must lie strictly between 0 and 1, got {conf_level!r}")
    return float(conf_level)


@renamed_arguments(method="ci_method")
def best_worst_case(
    cohort: pd.DataFrame,
    card=None,
    outcome: str = "pain_decreased",
    *,
    ci_method: str = "wilson",
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Complete-case, best-case and worst-case proportions of a yes/no outcome, with confidence intervals.

    Complete case: successes among the patients whose outcome is known (what the paper reports).
    Best case: every patient with a missing outcome counted as a success; worst case: as a failure.
    Both extremes use everyone (observed + missing) as denominator, so the true all-patient
    proportion lies between them whatever the missing patients did (Gamble & Hollis 2005).

    Returns a DataFrame indexed by ``scenario`` ("complete case", "best case", "worst case") with
    columns ``k, n, imputed_success, imputed_failure, proportion, ci_low, ci_high``;
    ``attrs`` records outcome, label, method, conf_level, n_missing and n_excluded.
    Intervals come from :func:`sacro_kit.proportion_ci` (``method``: "wilson" by default,
    Brown, Cai & DasGupta 2001).

    Parameters
    ----------
    cohort : pandas.DataFrame
        A cohort as :func:`sacro_kit.load_cohort` returns it.
    card : ReportedCard, Card or None, default None
        The card whose claim ``outcome`` defines the outcome; None is the default card (``$SACRO_KIT_CARD``, else
        the shipped one). A mapping of claim key to claim also works.
    outcome : str, default "pain_decreased"
        Key of a ``proportion`` or ``responders`` claim.
    ci_method : str, default "wilson"
        Interval method of :func:`sacro_kit.proportion_ci`.
    conf_level : float, default 0.95
        Level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by scenario, as described above.

    References
    ----------
    Gamble C, Hollis S (2005). Uncertainty method improved on best-worst case analysis in a binary
    meta-analysis. J Clin Epidemiol 58(6):579-588.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> card = {"better": SimpleNamespace(kind="proportion", variable="better")}
    >>> cohort = pd.DataFrame({"better": pd.array([1] * 6 + [0] * 2 + [None] * 2, dtype="Int64")})
    >>> table = best_worst_case(cohort, card, "better")
    >>> table[["k", "n"]].to_dict("index")
    {'complete case': {'k': 6, 'n': 8}, 'best case': {'k': 8, 'n': 10}, 'worst case': {'k': 6, 'n': 10}}
    """
    method = ci_method
    conf_level = _check_conf(conf_level)
    counts = binary_outcome(cohort, card, outcome)
    missing = counts.n_missing
    rows = [
        ("complete case", counts.k, counts.n_observed, 0, 0),
        ("best case", counts.k + missing, counts.n_total, missing, 0),
        ("worst case", counts.k, counts.n_total, 0, missing),
    ]
    records = []
    for scenario, k, n, success, failure in rows:
        ci = proportion_ci(k, n, ci_method=method, conf_level=conf_level)
        records.append(
            {
                "scenario": scenario,
                "k": k,
                "n": n,
                "imputed_success": success,
                "imputed_failure": failure,
                "proportion": ci.proportion,
                "ci_low": ci.low,
                "ci_high": ci.high,
            }
        )
    frame = pd.DataFrame.from_records(records).set_index("scenario")
    frame.attrs.update(
        outcome=outcome,
        label=counts.label,
        method=method,
        conf_level=conf_level,
        n_missing=missing,
        n_excluded=counts.n_excluded,
    )
    return frame


@dataclass(frozen=True)
class TippingPoint(Result):
    """Tipping-point analysis of a yes/no outcome over every split of the missing patients.

    ``table`` has one row per ``m`` = number of missing patients assumed to have improved
    (0 .. ``n_missing``; the others assumed not), with columns
    ``m, k, n, proportion, ci_low, ci_high, pvalue, holds``. The conclusion is "the proportion
    improved among all patients exceeds ``null``", and it *holds* when the lower limit of the
    two-sided ``conf_level`` interval exceeds ``null`` -- equivalently, when the one-sided
    ``test`` (the test that interval inverts) of p <= ``null`` gives ``pvalue`` < (1 - conf_level)/2.

    ``m_needed`` is the smallest m at which the conclusion holds (None if it fails even when every
    missing patient improved). ``tipping_point`` is the m where the conclusion flips as m runs
    from 0 upwards: ``m_needed`` when 0 < m_needed, else None (it never flips: it holds in the worst
    case already, or fails in the best case still); ``verdict`` says which in words.
    """

    outcome: str
    null: float
    conf_level: float
    ci_method: str
    test: str
    k_observed: int
    n_observed: int
    n_missing: int
    m_needed: int | None
    table: pd.DataFrame

    @property
    def tipping_point(self) -> int | None:
        return self.m_needed if self.m_needed else None

    @property
    def method(self) -> str:
        """Deprecated name of :attr:`ci_method` (the interval, not a test's computation)."""
        warnings.warn("TippingPoint.method is deprecated; use ci_method", DeprecationWarning, stacklevel=2)
        return self.ci_method

    @property
    def holds_worst_case(self) -> bool:
        return bool(self.table["holds"].iloc[0])

    @property
    def holds_best_case(self) -> bool:
        return bool(self.table["holds"].iloc[-1])

    @property
    def verdict(self) -> str:
        if self.m_needed is None:
            return "never holds: it fails even if every missing patient improved"
        if self.m_needed == 0:
            return "never flips: it holds even if no missing patient improved"
        return (
            f"flips at m = {self.m_needed}: it needs at least {self.m_needed} of the "
            f"{self.n_missing} missing patients to have improved"
        )

    def __repr__(self) -> str:
        return (
            f"TippingPoint(outcome={self.outcome!r}, null={self.null:g}, {self.ci_method} "
            f"{100 * self.conf_level:g}% CI, k_observed={self.k_observed}, n_observed={self.n_observed}, "
            f"n_missing={self.n_missing}, m_needed={self.m_needed}: {self.verdict})"
        )


def _one_sided_pvalue(k: int, n: int, null: float, test: str) -> float:
    """P-value of H0: p <= null against p > null."""
    if test == "score test":
        # the score statistic uses the null variance: the test the Wilson interval inverts
        z = (k / n - null) / np.sqrt(null * (1 - null) / n)
        return float(stats.norm.sf(z))
    return float(stats.binomtest(k, n, null, alternative="greater").pvalue)


@renamed_arguments(method="ci_method")
def tipping_point(
    cohort: pd.DataFrame,
    card=None,
    outcome: str = "pain_decreased",
    *,
    null: float = 0.5,
    ci_method: str = "wilson",
    conf_level: float = 0.95,
) -> TippingPoint:
    """How many of the patients without the outcome must have improved for "more than ``null`` improved" to hold.

    For m = 0 .. n_missing: k = observed successes + m over n = all patients (observed + missing).
    m = 0 is the worst case and m = n_missing the best case of :func:`best_worst_case`. The
    criterion is the lower confidence limit above ``null`` (default 50 %: "most patients
    improved"), rather than the point estimate above ``null``, so that the analysis asks whether
    the data would still *support* the conclusion, not merely lean towards it. ``ci_method`` is the
    interval: "wilson" (score test; Wilson 1927) or "clopper-pearson" (exact binomial test), the
    two whose limit-versus-test duality is exact, so table and p-values never disagree.

    Parameters
    ----------
    cohort : pandas.DataFrame
        A cohort as :func:`sacro_kit.load_cohort` returns it.
    card : ReportedCard, Card or None, default None
        The card whose claim ``outcome`` defines the outcome; None is the default card (``$SACRO_KIT_CARD``, else
        the shipped one). A mapping of claim key to claim also works.
    outcome : str, default "pain_decreased"
        Key of a ``proportion`` or ``responders`` claim.
    null : float, default 0.5
        The proportion the lower confidence limit must exceed.
    ci_method : {"wilson", "clopper-pearson"}, default "wilson"
        The interval (``method=`` before 0.2.0, still accepted with a DeprecationWarning).
    conf_level : float, default 0.95
        Level of the interval.

    Returns
    -------
    TippingPoint
        ``table`` (one row per m with ``m, k, n`` and whether the conclusion ``holds``) and ``tipping_point``, the
        smallest m for which it holds.

    References
    ----------
    Gamble C, Hollis S (2005). Uncertainty method improved on best-worst case analysis in a binary
    meta-analysis. J Clin Epidemiol 58(6):579-588.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> card = {"better": SimpleNamespace(kind="proportion", variable="better")}
    >>> cohort = pd.DataFrame({"better": pd.array([1] * 12 + [0] * 3 + [None] * 5, dtype="Int64")})
    >>> tp = tipping_point(cohort, card, "better")
    >>> tp.table[["m", "k", "n", "holds"]].iloc[:3]
       m   k   n  holds
    0  0  12  20  False
    1  1  13  20  False
    2  2  14  20  False
    >>> tp.tipping_point
    3
    """
    conf_level = _check_conf(conf_level)
    method = ci_method
    if not isinstance(method, str) or method.lower() not in TEST_FOR_INTERVAL:
        raise ValueError(
            f"ci_method must be one of {', '.join(map(repr, TEST_FOR_INTERVAL))} (intervals that "
            f"invert a one-sided test exactly); got {method!r}"
        )
    method = method.lower()
    if isinstance(null, bool) or not isinstance(null, (int, float, np.floating)) or not 0 < null < 1:
        raise ValueError(f"null must be a proportion strictly between 0 and 1, got {null!r}")
    null = float(null)
    counts = binary_outcome(cohort, card, outcome)
    n = counts.n_total
    if n == 0:
        raise ValueError(f"no patient has or lacks outcome {outcome!r}: nothing to analyse")
    test = TEST_FOR_INTERVAL[method]
    rows = []
    for m in range(counts.n_missing + 1):
        k = counts.k + m
        ci = proportion_ci(k, n, ci_method=method, conf_level=conf_level)
        rows.append(
            {
                "m": m,
                "k": k,
                "n": n,
                "proportion": ci.proportion,
                "ci_low": ci.low,
                "ci_high": ci.high,
                "pvalue": _one_sided_pvalue(k, n, null, test),
                "holds": bool(ci.low > null),
            }
        )
    table = pd.DataFrame.from_records(rows)
    holding = table.loc[table["holds"], "m"]
    m_needed = int(holding.iloc[0]) if len(holding) else None
    return TippingPoint(
        outcome, null, conf_level, method, test, counts.k, counts.n_observed, counts.n_missing, m_needed, table
    )


def no_change_sensitivity(
    cohort: pd.DataFrame, card=None, outcome: str = "rest_pain", *, method: str = "auto", alternative: str = "two-sided"
) -> pd.DataFrame:
    """Paired tests on the complete pairs, and again with every incomplete pair imputed as "no change".

    A patient with a missing pre or post score gets a difference of exactly 0. This answers "what
    if the unmeasured patients did not change?" -- one assumption among many, and the imputed
    zeros are not data: a test that counts them as observations is as precise as if they had been
    measured. How much they matter depends on how the test treats zeros, so every convention runs:

    * Wilcoxon, ``zero_method="wilcox"`` (Wilcoxon 1945; R's ``wilcox.test``): zeros dropped, so
      the imputation changes nothing;
    * Wilcoxon, ``"pratt"`` (Pratt 1959): zeros ranked, their ranks then dropped;
    * Wilcoxon, ``"zsplit"``: the zeros' ranks split between R+ and R-;
    * exact sign test: zeros carry no sign and are dropped, so nothing changes.

    Returns one row per analysis with columns ``data, test, zero_method, n_pairs, n_imputed,
    n_zero, n_used, statistic, pvalue, method, median_decrease`` (``method``: what the test used;
    median_decrease: the median of pre - post over the pairs
    analysed, zeros included: the imputation drags it towards 0 even where a test does not move).
    ``method`` and ``alternative`` go to :func:`sacro_kit.wilcoxon`.

    Parameters
    ----------
    cohort : pandas.DataFrame
        A cohort as :func:`sacro_kit.load_cohort` returns it.
    card : ReportedCard, Card or None, default None
        The card whose claim ``outcome`` defines the outcome; None is the default card (``$SACRO_KIT_CARD``, else
        the shipped one). A mapping of claim key to claim also works.
    outcome : str, default "rest_pain"
        Key of a ``paired_summary`` claim (its two columns are the pre and post scores).
    method : {"auto", "exact", "asymptotic"}, default "auto"
        Passed to :func:`sacro_kit.wilcoxon`.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        Passed to the tests.

    Returns
    -------
    pandas.DataFrame
        One row per analysis, columns as described above.

    References
    ----------
    Wilcoxon F (1945). Biometrics Bulletin 1(6):80-83. Pratt JW (1959). Remarks on zeros and ties in the
    Wilcoxon signed rank procedures. JASA 54(287):655-667.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> card = {"pain": SimpleNamespace(kind="paired_summary", variables=("pre", "post"))}
    >>> cohort = pd.DataFrame({"pre": [7, 8, 6, 9, 5, 8, 7, None], "post": [2, 3, 4, 4, 5, 6, 3, None]})
    >>> table = no_change_sensitivity(cohort, card, "pain")
    >>> table[["data", "test", "zero_method", "n_pairs", "n_used"]].to_numpy().tolist()[:4]
    [['complete pairs', 'Wilcoxon', 'wilcox', 7, 6], ['missing as no change', 'Wilcoxon', 'wilcox', 8, 6], ['missing as no change', 'Wilcoxon', 'pratt', 8, 8], ['missing as no change', 'Wilcoxon', 'zsplit', 8, 8]]
    """
    claim = _claim(card, outcome, _PAIRED_KINDS)
    pre_name, post_name = claim.variables
    _columns(cohort, [pre_name, post_name])
    pre = cohort[pre_name].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    post = cohort[post_name].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    complete = ~(np.isnan(pre) | np.isnan(post))
    n_imputed = int((~complete).sum())
    d_complete = pre[complete] - post[complete]
    d_imputed = np.concatenate([d_complete, np.zeros(n_imputed)])
    rows: list[dict] = []
    for data, d, imputed in (("complete pairs", d_complete, 0), ("missing as no change", d_imputed, n_imputed)):
        zero_methods = ("wilcox",) if imputed == 0 else ("wilcox", "pratt", "zsplit")
        for zero_method in zero_methods:
            with warnings.catch_warnings():
                # the Hodges-Lehmann interval wilcoxon() adds is not used here; its small-n warning is noise
                warnings.filterwarnings("ignore", message="requested conf_level", category=RuntimeWarning)
                res = wilcoxon(d, zero_method=zero_method, method=method, alternative=alternative)
            rows.append(
                {
                    "data": data,
                    "test": "Wilcoxon",
                    "zero_method": zero_method,
                    "n_pairs": int(d.size),
                    "n_imputed": imputed,
                    "n_zero": res.n_zero,
                    "n_used": res.n_used,
                    "statistic": res.statistic,
                    "pvalue": res.pvalue,
                    "method": res.method,
                    "median_decrease": float(np.median(d)),
                }
            )
    for data, d, imputed in (("complete pairs", d_complete, 0), ("missing as no change", d_imputed, n_imputed)):
        sign = sign_test(d, alternative=alternative)
        rows.append(
            {
                "data": data,
                "test": "sign",
                "zero_method": "dropped",
                "n_pairs": int(d.size),
                "n_imputed": imputed,
                "n_zero": sign.n_unchanged,
                "n_used": sign.n_used,
                "statistic": float(sign.statistic),
                "pvalue": sign.pvalue,
                "method": "exact",
                "median_decrease": float(np.median(d)),
            }
        )
    frame = pd.DataFrame.from_records(rows)
    frame.attrs.update(outcome=outcome, variables=(pre_name, post_name), method=method, alternative=alternative)
    return frame
