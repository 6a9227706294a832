"""Random-effects meta-analysis and meta-regression of study-level effects, following metafor's ``rma.uni``.

The estimators of tau^2 (REML, ML, DL, PM, HE, SJ, EB, HS and the common-effect model), the heterogeneity
statistics, the Knapp-Hartung adjustment, moderators (meta-regression with QM and R^2), Q-profile confidence
intervals for tau^2, I^2 and H^2 (``confint``), leave-one-out and influence diagnostics (``leave1out``,
``influence``), Egger's regression test (``regtest``), trim-and-fill (``trimfill``) and subgroup analyses reproduce
metafor 3.8 (Viechtbauer 2010) step by step, so every number can be checked against metafor output; the
frozen references are in ``tests/reference/metafor.json`` (made by ``tests/reference/make_r_metafor.R``).
Effect sizes for single-arm pre/post studies come from :func:`mean_change` and :func:`standardized_mean_change`
(metafor ``escalc`` measures "MC" and "SMCR"/"SMCC"), and :func:`correlation_sensitivity` repeats the pooling
over assumed pre/post correlations, as the Cochrane Handbook (v6, section 6.5.2.8) asks whenever a correlation
is imputed.

References
----------
Viechtbauer W. Conducting meta-analyses in R with the metafor package. J Stat Softw 2010;36(3):1-48.
    doi:10.18637/jss.v036.i03
Viechtbauer W. Bias and efficiency of meta-analytic variance estimators in the random-effects model.
    J Educ Behav Stat 2005;30(3):261-293. doi:10.3102/10769986030003261 (REML by Fisher scoring)
DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials 1986;7(3):177-188.
    doi:10.1016/0197-2456(86)90046-2
Paule RC, Mandel J. Consensus values and weighting factors. J Res Natl Bur Stand 1982;87(5):377-385.
    doi:10.6028/jres.087.022
Hedges LV, Olkin I. Statistical methods for meta-analysis. Academic Press 1985 (HE estimator).
Sidik K, Jonkman JN. A simple confidence interval for meta-analysis. Stat Med 2002;21(21):3153-3159.
    doi:10.1002/sim.1262 (SJ estimator)
Morris CN. Parametric empirical Bayes inference: theory and applications. J Am Stat Assoc 1983;78(381):47-55.
    doi:10.1080/01621459.1983.10477920 (EB estimator)
Hunter JE, Schmidt FL. Methods of meta-analysis. 2nd ed. Sage 2004 (HS estimator).
Viechtbauer W. Confidence intervals for the amount of heterogeneity in meta-analysis. Stat Med 2007;26(1):37-52.
    doi:10.1002/sim.2514 (Q-profile method)
Viechtbauer W, Cheung MW-L. Outlier and influence diagnostics for meta-analysis. Res Synth Methods
    2010;1(2):112-125. doi:10.1002/jrsm.11
Egger M, Davey Smith G, Schneider M, Minder C. Bias in meta-analysis detected by a simple, graphical test.
    BMJ 1997;315(7109):629-634. doi:10.1136/bmj.315.7109.629
Duval S, Tweedie R. Trim and fill. Biometrics 2000;56(2):455-463. doi:10.1111/j.0006-341X.2000.00455.x
Knapp G, Hartung J. Improved tests for a random effects meta-regression with a single covariate.
    Stat Med 2003;22(17):2693-2710. doi:10.1002/sim.1482
Higgins JPT, Thompson SG. Quantifying heterogeneity in a meta-analysis. Stat Med 2002;21(11):1539-1558.
    doi:10.1002/sim.1186
Raudenbush SW. Analyzing effect sizes: random-effects models. In: Cooper H et al. (eds), The handbook of
    research synthesis and meta-analysis, 2nd ed. Russell Sage 2009, 295-315 (R^2 of a meta-regression).
Borenstein M, Hedges LV, Higgins JPT, Rothstein HR. Introduction to meta-analysis. Wiley 2009, chapter 19
    (subgroup analyses, Q-between from separate estimates of tau^2).
Morris SB. Distribution of the standardized mean change effect size for meta-analysis on repeated
    measures. Br J Math Stat Psychol 2000;53(1):17-29. doi:10.1348/000711000159150
Higgins JPT, Li T, Deeks JJ (eds). Chapter 6: Choosing effect measures and computing estimates of
    effect. Cochrane Handbook for Systematic Reviews of Interventions, version 6, section 6.5.2.8.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from sacro_kit._results import Result

__all__ = [
    "MetaResult",
    "MetaRegressionResult",
    "HeterogeneityCI",
    "LeaveOneOut",
    "Influence",
    "EggerTest",
    "TrimFill",
    "SubgroupAnalysis",
    "meta_analysis",
    "heterogeneity_ci",
    "leave_one_out",
    "influence",
    "egger_test",
    "trim_and_fill",
    "subgroup_analysis",
    "min_k",
    "mean_change",
    "standardized_mean_change",
    "correlation_sensitivity",
    "META_METHODS",
    "MIN_K",
]

META_METHODS = ("REML", "ML", "DL", "PM", "HE", "SJ", "EB", "HS", "FE")

#: metafor's tolerance for its ll0 check (``control$tol = .Machine$double.eps^0.25``).
_LL0_TOL = np.finfo(float).eps ** 0.25
_THRESHOLD = 1e-10  # change in tau^2 at which Fisher scoring stops (metafor's default is 1e-5)
_MAXITER = 1000
_EPS = np.finfo(float).eps

#: Smallest number of studies at which each method means something; the sources are cited in :func:`min_k`.
MIN_K = {
    "tau2": 5,  # heterogeneity estimates rest on k - 1 df (Viechtbauer 2005; Langan 2019)
    "egger_test": 10,  # tests for funnel asymmetry (Sterne et al. 2011, BMJ 343:d4002)
    "trim_and_fill": 10,  # same rule, the method being a funnel-asymmetry method (Sterne et al. 2011)
    "meta_regression": 10,  # about ten studies per moderator (Cochrane Handbook v6, section 10.11.5.1)
    "subgroups": 10,  # the same rule for each factor, and at least 2 studies in every subgroup
    "influence": 3,  # leaving one out must leave a model with k - 1 >= 2 studies
}


def min_k(method: str, n_moderators: int = 1) -> int:
    """The smallest number of studies at which ``method`` is usually taken to mean something.

    ``"egger_test"`` and ``"trim_and_fill"``: 10 (Sterne JAC et al., Recommendations for examining and
    interpreting funnel plot asymmetry, BMJ 2011;343:d4002). ``"meta_regression"`` and ``"subgroups"``: 10 per
    moderator (Cochrane Handbook v6, section 10.11.5.1, "at least ten studies for each characteristic").
    ``"tau2"``: 5 (below that, every estimator of tau^2 is very imprecise; Viechtbauer 2005, Langan D et al.
    Res Synth Methods 2019;10(1):83-98). ``"influence"``: 3 (leaving one study out must leave two).

    Parameters
    ----------
    method : {"tau2", "egger_test", "trim_and_fill", "meta_regression", "subgroups", "influence"}
        The analysis (a key of :data:`MIN_K`).
    n_moderators : int, default 1
        Number of moderators (or factors); multiplies the minimum for ``"meta_regression"`` and
        ``"subgroups"`` and is ignored for the other methods.

    Returns
    -------
    int
        The smallest number of studies k.

    References
    ----------
    Sterne JAC et al. Recommendations for examining and interpreting funnel plot asymmetry in meta-analyses of
    randomised controlled trials. BMJ 2011;343:d4002. Cochrane Handbook v6, section 10.11.5.1.

    Examples
    --------
    >>> min_k("egger_test"), min_k("meta_regression", n_moderators=2)
    (10, 20)
    """
    if method not in MIN_K:
        raise ValueError(f"method must be one of {sorted(MIN_K)}, got {method!r}")
    per = MIN_K[method]
    return per * int(n_moderators) if method in ("meta_regression", "subgroups") else per


# ---------------------------------------------------------------- the engine (metafor rma.uni)


@dataclass(frozen=True)
class _Fit:
    beta: np.ndarray
    vb: np.ndarray
    tau2: float
    tau2_se: float | None
    s2w: float
    qe: float
    qe_pvalue: float
    i2: float
    h2: float
    vt: float
    w: np.ndarray
    ddf: int | None
    notes: tuple[str, ...]


def _as_vector(name: str, values) -> np.ndarray:
    if isinstance(values, (str, bytes)):
        raise ValueError(f"{name} must be numbers, got the string {values!r}")
    raw = np.asarray(values, dtype=object).ravel()
    try:
        arr = np.array([math.nan if x is None or x is pd.NA else x for x in raw], dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers, got {raw.tolist()}") from None
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(arr)):
        bad = [i for i, x in enumerate(arr) if not np.isfinite(x)]
        raise ValueError(f"{name} contains missing or infinite values at positions {bad}: {arr.tolist()}")
    return arr


def _inv(a: np.ndarray) -> np.ndarray:
    return np.linalg.inv(a)


def _p_matrix(w: np.ndarray, X: np.ndarray) -> np.ndarray:
    """P = W - W X (X'WX)^-1 X'W."""
    wx = X * w[:, None]
    return np.diag(w) - wx @ _inv(X.T @ wx) @ wx.T


def _rss(y: np.ndarray, P: np.ndarray) -> float:
    return float(y @ P @ y)


def _q_function(tau2: float, y: np.ndarray, v: np.ndarray, X: np.ndarray) -> float:
    """metafor .QE.func: the generalised Q statistic Y'P(tau^2)Y."""
    return _rss(y, _p_matrix(1 / (v + tau2), X))


def _loglik(y: np.ndarray, v: np.ndarray, X: np.ndarray, tau2: float, restricted: bool) -> float:
    """ML or REML log-likelihood as metafor's ll0 check computes it (without the REMLf constant)."""
    k, p = X.shape
    w = 1 / (v + tau2)
    wx = X * w[:, None]
    xwx = X.T @ wx
    beta = np.linalg.solve(xwx, wx.T @ y)
    rss = float(np.sum(w * (y - X @ beta) ** 2))
    if restricted:
        return float(
            -0.5 * (k - p) * math.log(2 * math.pi)
            - 0.5 * np.sum(np.log(v + tau2))
            - 0.5 * np.linalg.slogdet(xwx)[1]
            - 0.5 * rss
        )
    return float(-0.5 * k * math.log(2 * math.pi) - 0.5 * np.sum(np.log(v + tau2)) - 0.5 * rss)


def _tau2(y: np.ndarray, v: np.ndarray, X: np.ndarray, method: str) -> tuple[float, float | None, list[str]]:
    """tau^2 and its standard error by ``method``, following metafor 3.8's rma.uni line by line."""
    k, p = X.shape
    notes: list[str] = []
    ymc = y - y.mean()
    V = np.diag(v)
    if method == "HS":
        w = 1 / v
        P = _p_matrix(w, X)
        tau2 = max(0.0, (_rss(ymc, P) - k) / w.sum())
        se = math.sqrt(1 / w.sum() ** 2 * (2 * (k - p) + 4 * tau2 * np.trace(P) + 2 * tau2**2 * np.sum(P * P)))
        return tau2, se, notes
    if method == "DL":
        w = 1 / v
        P = _p_matrix(w, X)
        trp = np.trace(P)
        tau2 = max(0.0, (_rss(ymc, P) - (k - p)) / trp)
        se = math.sqrt(1 / trp**2 * (2 * (k - p) + 4 * tau2 * trp + 2 * tau2**2 * np.sum(P * P)))
        return tau2, se, notes
    if method == "SJ":
        tau0 = float(np.mean(ymc**2))  # var(y) (k - 1) / k
        P = _p_matrix(1 / (v + tau0), X)
        PV = P @ V
        tau2 = max(0.0, tau0 * _rss(ymc, P) / (k - p))
        se = math.sqrt(
            tau0**2 / (k - p) ** 2 * (2 * np.sum(PV * PV.T) + 4 * tau2 * np.sum(PV * P) + 2 * tau2**2 * np.sum(P * P))
        )
        return tau2, se, notes
    if method == "PM":
        target = k - p
        if _q_function(0.0, ymc, v, X) < target:
            tau2 = 0.0
        else:
            upper = 100.0
            while _q_function(upper, ymc, v, X) > target:
                upper *= 10
                if upper > 1e15:
                    raise RuntimeError("Paule-Mandel: could not bracket tau^2")
            tau2 = float(
                optimize.brentq(
                    lambda t: _q_function(t, ymc, v, X) - target, 0.0, upper, xtol=1e-15, rtol=4 * _EPS, maxiter=1000
                )
            )
        w = 1 / (v + tau2)
        return tau2, math.sqrt(2 * k**2 / (k - p) / w.sum() ** 2), notes
    # HE, and the starting value of ML, REML and EB
    H = np.eye(k) - X @ _inv(X.T @ X) @ X.T
    PV0 = H @ V
    tau2 = (_rss(ymc, H) - np.trace(PV0)) / (k - p)
    if method == "HE":
        tau2 = max(0.0, tau2)
        se = math.sqrt(1 / (k - p) ** 2 * (2 * np.sum(PV0 * PV0.T) + 4 * tau2 * np.trace(PV0) + 2 * tau2**2 * (k - p)))
        return tau2, se, notes
    tau2 = max(0.0, tau2)
    for _ in range(_MAXITER + 1):
        w = 1 / (v + tau2)
        P = _p_matrix(w, X)
        if method == "ML":
            Py = P @ ymc
            adj = (Py @ Py - w.sum()) / np.sum(w**2)
        elif method == "REML":
            Py = P @ ymc
            adj = (Py @ Py - np.trace(P)) / np.sum(P * P)
        else:  # EB
            adj = (_rss(ymc, P) * k / (k - p) - k) / w.sum()
        if not np.isfinite(adj):
            adj = 0.0
        while tau2 + adj < 0:
            adj /= 2
        old, tau2 = tau2, float(tau2 + adj)
        if abs(tau2 - old) <= _THRESHOLD:
            break
    else:
        raise RuntimeError(f"Fisher scoring for {method} did not converge in {_MAXITER} iterations")
    if method in ("ML", "REML"):
        restricted = method == "REML"
        if _loglik(ymc, v, X, 0.0, restricted) - _loglik(ymc, v, X, tau2, restricted) > _LL0_TOL and tau2 > _THRESHOLD:
            notes.append(f"{method} Fisher scoring stopped at a local maximum; tau^2 set to 0 as metafor does")
            tau2 = 0.0
    w = 1 / (v + tau2)
    if method == "ML":
        se = math.sqrt(2 / np.sum(w**2))
    elif method == "REML":
        P = _p_matrix(w, X)
        se = math.sqrt(2 / np.sum(P * P))
    else:
        se = math.sqrt(2 * k**2 / (k - p) / w.sum() ** 2)
    return tau2, se, notes


def _fit(
    y: np.ndarray, v: np.ndarray, X: np.ndarray, method: str, knapp_hartung: bool, tau2: float | None = None
) -> _Fit:
    """Fit the (mixed-effects) model; ``tau2`` fixes tau^2 instead of estimating it."""
    k, p = X.shape
    notes: list[str] = []
    tau2_se: float | None = None
    if tau2 is not None:
        tau2 = float(tau2)
    elif method == "FE":
        tau2 = 0.0
    elif k == p:
        tau2 = 0.0
        notes.append(f"k = {k}: tau^2 cannot be estimated and is set to 0 (as metafor does)")
    else:
        tau2, tau2_se, more = _tau2(y, v, X, method)
        notes += more
    w = 1 / (v + tau2)
    wx = X * w[:, None]
    vb = _inv(X.T @ wx)
    beta = vb @ (wx.T @ y)
    s2w = 1.0
    ddf: int | None = None
    if knapp_hartung:
        if method == "FE":
            notes.append("Knapp-Hartung is meant for random-effects models (metafor warns likewise)")
        rss = float(np.sum(w * (y - X @ beta) ** 2))
        s2w = rss / (k - p) if rss > _EPS else 0.0
        ddf = k - p
    vb = s2w * vb
    if k > p:
        w_fe = 1 / v
        P = _p_matrix(w_fe, X)
        qe = max(0.0, _rss(y - y.mean(), P))
        qe_p = float(stats.chi2.sf(qe, k - p))
        vt = (k - p) / np.trace(P)
        if method == "FE":
            i2 = max(0.0, 100 * (qe - (k - p)) / qe) if qe > 0 else 0.0
            h2 = qe / (k - p)
        else:
            i2 = 100 * tau2 / (vt + tau2)
            h2 = tau2 / vt + 1
    else:
        qe, qe_p, i2, h2, vt = 0.0, 1.0, 0.0, 1.0, 0.0
    return _Fit(
        beta=beta,
        vb=vb,
        tau2=float(tau2),
        tau2_se=tau2_se,
        s2w=float(s2w),
        qe=float(qe),
        qe_pvalue=qe_p,
        i2=float(i2),
        h2=float(h2),
        vt=float(vt),
        w=w,
        ddf=ddf,
        notes=tuple(notes),
    )


def _crit(conf_level: float, ddf: int | None) -> float:
    alpha = 1 - conf_level
    return float(stats.t.isf(alpha / 2, ddf) if ddf is not None else stats.norm.isf(alpha / 2))


def _pvalue(statistic: float, ddf: int | None) -> float:
    return float(2 * (stats.t.sf(abs(statistic), ddf) if ddf is not None else stats.norm.sf(abs(statistic))))


# ---------------------------------------------------------------- results


def _floats(values) -> tuple[float, ...]:
    return tuple(float(x) for x in np.asarray(values, dtype=float).ravel())


@dataclass(frozen=True, repr=False)
class MetaResult(Result):
    """One pooled estimate with its heterogeneity statistics, as printed by metafor's ``rma()``.

    ``statistic`` is a z value, or a t value with ``df`` = k - 1 under Knapp-Hartung; unpacking gives
    ``statistic, pvalue`` (scipy's order). ``i2`` (percent) and ``h2`` use metafor's definitions: for
    random-effects models I^2 = tau^2 / (tau^2 + v~) with the "typical" within-study variance
    v~ = (k - 1) / (sum w - sum w^2 / sum w) (Higgins & Thompson 2002), for the fixed-effect model
    I^2 = (Q - (k - 1)) / Q. The prediction interval is metafor's ``predict()``: estimate +/- crit *
    sqrt(se^2 + tau^2) with crit from the normal distribution, or from t with k - 1 df when Knapp-Hartung
    is used; it is None for the fixed-effect model. ``weights`` are percentages (1 / (v_i + tau^2),
    normalised). ``warnings`` records anything the fit had to decide on the user's behalf.
    ``to_frame()`` is one row of the summary; :meth:`studies` is the per-study table; :meth:`confint` the
    Q-profile intervals for tau^2, tau, I^2 and H^2.
    """

    _unpack: ClassVar[tuple[str, ...]] = ("statistic", "pvalue")

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    statistic: float
    pvalue: float
    df: int | None
    tau2: float
    tau2_se: float | None
    tau: float
    i2: float
    h2: float
    q: float
    q_df: int
    q_pvalue: float
    pi_low: float | None
    pi_high: float | None
    k: int
    method: str
    knapp_hartung: bool
    conf_level: float
    weights: tuple[float, ...] = field(repr=False)
    yi: tuple[float, ...] = field(repr=False)
    vi: tuple[float, ...] = field(repr=False)
    labels: tuple[str, ...] = field(repr=False)
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row: every scalar field (the per-study table is :meth:`studies`)."""
        row = {
            name: value
            for name, value in self.to_dict().items()
            if name not in ("weights", "yi", "vi", "labels", "warnings")
        }
        row["warnings"] = "; ".join(self.warnings)
        return pd.DataFrame([row])

    def studies(self) -> pd.DataFrame:
        """One row per study: label, yi, vi, se, its own (normal) CI at ``conf_level``, weight (%)."""
        yi = np.asarray(self.yi)
        se = np.sqrt(np.asarray(self.vi))
        crit = stats.norm.isf((1 - self.conf_level) / 2)
        return pd.DataFrame(
            {
                "label": list(self.labels),
                "yi": yi,
                "vi": np.asarray(self.vi),
                "se": se,
                "ci_low": yi - crit * se,
                "ci_high": yi + crit * se,
                "weight": np.asarray(self.weights),
            }
        )

    def confint(self, conf_level: float | None = None) -> HeterogeneityCI:
        """Q-profile confidence intervals for tau^2, tau, I^2 and H^2 (metafor ``confint(res)``).

        See :func:`heterogeneity_ci`.
        """
        return heterogeneity_ci(self, conf_level=conf_level)

    def __str__(self) -> str:
        name = "Fixed-effect model" if self.method == "FE" else f"Random-effects model (tau^2 estimator: {self.method})"
        stat = f"t({self.df}) = {self.statistic:.4f}" if self.df is not None else f"z = {self.statistic:.4f}"
        lines = [
            f"{name}, k = {self.k}",
            f"estimate {self.estimate:.4f} (SE {self.se:.4f}), {self.conf_level:.0%} CI "
            f"{self.ci_low:.4f} to {self.ci_high:.4f}; {stat}, p = {self.pvalue:.4g}",
            f"tau^2 = {self.tau2:.4f}, I^2 = {self.i2:.2f}%, H^2 = {self.h2:.2f}; "
            f"Q({self.q_df}) = {self.q:.4f}, p = {self.q_pvalue:.4g}",
        ]
        if self.pi_low is not None:
            lines.append(f"prediction interval {self.pi_low:.4f} to {self.pi_high:.4f}")
        lines += [f"note: {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass(frozen=True, repr=False)
class MetaRegressionResult(Result):
    """A mixed-effects meta-regression, as metafor's ``rma(yi, vi, mods = ...)`` prints it.

    ``coef``, ``se``, ``statistic``, ``pvalue``, ``ci_low``, ``ci_high`` are tuples in the order of ``names``
    (the intercept first). ``qm`` is the omnibus test of every moderator (not the intercept): a Wald
    chi-square with ``qm_df`` df, or, with Knapp-Hartung, an F statistic with (``qm_df``, ``df``) df.
    ``q``/``q_df``/``q_pvalue`` is the test of residual heterogeneity (QE), ``tau2`` the residual
    between-study variance, ``i2``/``h2`` residual heterogeneity, and ``r2`` the percentage of tau^2
    accounted for by the moderators, max(0, 100 (tau^2_RE - tau^2) / tau^2_RE) with tau^2_RE from the
    model without moderators (metafor's default; 0 when tau^2_RE = 0; for the common-effect model the
    adjusted R^2 of the weighted regression). Unpacking gives ``qm, qm_pvalue``.
    """

    _unpack: ClassVar[tuple[str, ...]] = ("qm", "qm_pvalue")

    names: tuple[str, ...]
    coef: tuple[float, ...]
    se: tuple[float, ...]
    statistic: tuple[float, ...]
    pvalue: tuple[float, ...]
    ci_low: tuple[float, ...]
    ci_high: tuple[float, ...]
    qm: float
    qm_df: int
    qm_pvalue: float
    df: int | None
    tau2: float
    tau2_se: float | None
    i2: float
    h2: float
    r2: float | None
    q: float
    q_df: int
    q_pvalue: float
    k: int
    method: str
    knapp_hartung: bool
    conf_level: float
    X: tuple[tuple[float, ...], ...] = field(repr=False)
    weights: tuple[float, ...] = field(repr=False)
    yi: tuple[float, ...] = field(repr=False)
    vi: tuple[float, ...] = field(repr=False)
    labels: tuple[str, ...] = field(repr=False)
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per coefficient: term, estimate, se, statistic, pvalue, ci_low, ci_high."""
        return pd.DataFrame(
            {
                "term": list(self.names),
                "estimate": self.coef,
                "se": self.se,
                "statistic": self.statistic,
                "pvalue": self.pvalue,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
            }
        )

    def predict(self, newmods) -> pd.DataFrame:
        """Predicted average effect at moderator values ``newmods`` (rows x moderators, without the intercept),
        with its CI and prediction interval (metafor ``predict(res, newmods = ...)``)."""
        x = np.atleast_2d(np.asarray(newmods, dtype=float))
        if x.shape[1] != len(self.names) - 1 and x.shape[0] == len(self.names) - 1:
            x = x.T
        if x.shape[1] != len(self.names) - 1:
            raise ValueError(f"newmods needs {len(self.names) - 1} column(s), one per moderator {self.names[1:]}")
        Xn = np.column_stack([np.ones(len(x)), x])
        beta = np.asarray(self.coef)
        vb = self._vb()
        pred = Xn @ beta
        se = np.sqrt(np.einsum("ij,jk,ik->i", Xn, vb, Xn))
        crit = _crit(self.conf_level, self.df)
        pi_se = np.sqrt(se**2 + self.tau2)
        return pd.DataFrame(
            {
                "pred": pred,
                "se": se,
                "ci_low": pred - crit * se,
                "ci_high": pred + crit * se,
                "pi_low": pred - crit * pi_se,
                "pi_high": pred + crit * pi_se,
            }
        )

    def _vb(self) -> np.ndarray:
        X = np.asarray(self.X)
        fit = _fit(np.asarray(self.yi), np.asarray(self.vi), X, self.method, self.knapp_hartung, tau2=self.tau2)
        return fit.vb

    def confint(self, conf_level: float | None = None) -> HeterogeneityCI:
        """Q-profile intervals for the residual tau^2, tau, I^2 and H^2 (metafor ``confint``)."""
        return heterogeneity_ci(self, conf_level=conf_level)

    def __str__(self) -> str:
        test = (
            f"F({self.qm_df}, {self.df}) = {self.qm:.4f}"
            if self.df is not None
            else f"QM({self.qm_df}) = {self.qm:.4f}"
        )
        lines = [
            f"Mixed-effects model (tau^2 estimator: {self.method}), k = {self.k}",
            f"residual tau^2 = {self.tau2:.4f}, I^2 = {self.i2:.2f}%, R^2 = "
            f"{'NA' if self.r2 is None else f'{self.r2:.2f}%'}; QE({self.q_df}) = {self.q:.4f}, "
            f"p = {self.q_pvalue:.4g}",
            f"test of moderators: {test}, p = {self.qm_pvalue:.4g}",
        ]
        for i, name in enumerate(self.names):
            lines.append(
                f"  {name}: {self.coef[i]:.4f} (SE {self.se[i]:.4f}), {self.conf_level:.0%} CI "
                f"{self.ci_low[i]:.4f} to {self.ci_high[i]:.4f}, p = {self.pvalue[i]:.4g}"
            )
        lines += [f"note: {w}" for w in self.warnings]
        return "\n".join(lines)


def _labels(labels, k: int) -> tuple[str, ...]:
    if labels is None:
        return tuple(f"Study {i + 1}" for i in range(k))
    out = tuple(str(x) for x in labels)
    if len(out) != k:
        raise ValueError(f"{len(out)} labels for {k} studies")
    return out


def _design(mods, k: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """Model matrix [1, mods] and the column names; moderators must be numeric and complete."""
    if isinstance(mods, pd.Series):
        mods = mods.to_frame(mods.name if mods.name is not None else "mod1")
    if isinstance(mods, Mapping):
        mods = pd.DataFrame(dict(mods))
    if isinstance(mods, pd.DataFrame):
        names = [str(c) for c in mods.columns]
        columns = [mods[c] for c in mods.columns]
    else:
        arr = np.asarray(mods, dtype=object)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise ValueError(f"mods must be one moderator (a vector) or a table of moderators, got shape {arr.shape}")
        names = [f"mod{j + 1}" for j in range(arr.shape[1])] if arr.shape[1] > 1 else ["mod"]
        columns = [pd.Series(arr[:, j]) for j in range(arr.shape[1])]
    out = []
    for name, col in zip(names, columns):
        values = pd.Series(np.asarray(col, dtype=object).ravel())
        if len(values) != k:
            raise ValueError(f"moderator {name!r} has {len(values)} values for {k} studies")
        numeric = pd.to_numeric(values, errors="coerce")
        bad_text = [i for i in range(k) if pd.isna(numeric.iloc[i]) and not pd.isna(values.iloc[i])]
        if bad_text:
            raise ValueError(
                f"moderator {name!r} is not numeric at positions {bad_text} "
                f"({[values.iloc[i] for i in bad_text]}); for a categorical moderator use "
                "subgroup_analysis() or dummy columns"
            )
        missing = [i for i in range(k) if pd.isna(numeric.iloc[i])]
        if missing:
            raise ValueError(
                f"moderator {name!r} is missing at positions {missing}; drop those studies first "
                "(nothing is dropped silently)"
            )
        out.append(numeric.to_numpy(float))
    X = np.column_stack([np.ones(k), *out])
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise ValueError(
            f"the moderators {names} are collinear with each other or the intercept "
            "(a moderator that does not vary cannot be estimated)"
        )
    return X, ("intrcpt", *names)


def _check_inputs(yi, vi, method: str, conf_level: float) -> tuple[np.ndarray, np.ndarray, str]:
    y = _as_vector("yi", yi)
    v = _as_vector("vi", vi)
    if y.size != v.size:
        raise ValueError(f"yi and vi differ in length ({y.size} vs {v.size})")
    if np.any(v <= 0):
        raise ValueError(f"sampling variances must be positive, got {v.tolist()}")
    method = str(method).upper()
    if method in ("EE", "CE"):
        method = "FE"
    if method not in META_METHODS:
        raise ValueError(f"method must be one of {META_METHODS}, got {method!r}")
    if not isinstance(conf_level, (int, float)) or not 0 < conf_level < 1:
        raise ValueError(f"conf_level must lie in (0, 1), got {conf_level!r}")
    return y, v, method


def meta_analysis(
    yi,
    vi,
    *,
    method: str = "REML",
    knapp_hartung: bool = False,
    conf_level: float = 0.95,
    labels: Sequence[str] | None = None,
    mods=None,
):
    """Pool effect sizes ``yi`` with sampling variances ``vi`` (metafor ``rma(yi, vi, method=...)``).

    method (tau^2 estimator), each as metafor 3.8 computes it:

    - ``"REML"`` (default), ``"ML"``: Fisher scoring from the Hedges estimate with step halving at 0,
      stopping when tau^2 changes by <= 1e-10; a fit whose likelihood is below that at tau^2 = 0 is set to 0.
    - ``"EB"`` (empirical Bayes, Morris 1983): the same scoring on (k/(k-p) Q_w - k) / sum w.
    - ``"DL"`` (DerSimonian-Laird), ``"HE"`` (Hedges, unweighted method of moments), ``"HS"``
      (Hunter-Schmidt: (Q - k) / sum w with w = 1/v), ``"SJ"`` (Sidik-Jonkman: tau0 Q_w / (k - p) with
      tau0 = sum (y - ybar)^2 / k and weights 1/(v + tau0)), all truncated at 0;
    - ``"PM"`` (Paule-Mandel, root of Q(tau^2) = k - p by Brent's method), and ``"FE"`` (common effect,
      tau^2 = 0; "EE" and "CE" are accepted spellings).

    ``knapp_hartung=True`` is metafor's ``test="knha"``: the variance of the estimates is multiplied by
    sum w_i (y_i - x_i b)^2 / (k - p) (not truncated at 1) and tests, confidence and prediction intervals use
    t with k - p df. ``mods`` (a vector, a 2-D array, a DataFrame or a dict of numeric columns, one value per
    study) fits a meta-regression with an intercept and returns a :class:`MetaRegressionResult` with QM and
    R^2; without it the result is a :class:`MetaResult`.

    Edge cases follow metafor: with k = 1 the only study is returned with tau^2 = 0, Q = 0 (df 0, p = 1),
    I^2 = 0 and H^2 = 1, and a prediction interval equal to the CI; Knapp-Hartung needs k > p and raises
    otherwise. With k = 2 every estimator works, but tau^2 rests on one degree of freedom (said in
    ``warnings``); see :func:`min_k` for where each method starts to mean something.

    Parameters
    ----------
    yi : array_like of float
        Effect sizes, one per study.
    vi : array_like of float
        Their sampling variances (all positive), in the same order.
    method : {"REML", "ML", "DL", "PM", "HE", "SJ", "EB", "HS", "FE"}, default "REML"
        Estimator of tau^2 (case-insensitive; "EE" and "CE" mean "FE").
    knapp_hartung : bool, default False
        Use the Knapp-Hartung adjustment (t tests with k - p df).
    conf_level : float, default 0.95
        Level of the confidence and prediction intervals, in (0, 1).
    labels : sequence of str, optional
        Study labels; ``None`` gives "Study 1", "Study 2", ...
    mods : array_like, DataFrame or dict, optional
        Numeric moderators, one value per study (no missing values); given, the model is a meta-regression.

    Returns
    -------
    MetaResult or MetaRegressionResult
        Without ``mods`` a :class:`MetaResult` (``estimate``, ``se``, ``ci_low``/``ci_high``, ``statistic``,
        ``pvalue``, ``tau2``, ``i2``, ``h2``, ``q``/``q_pvalue``, ``pi_low``/``pi_high``, ``k``, ``weights``,
        ``warnings``, ...); with ``mods`` a :class:`MetaRegressionResult` (``names``, ``coef``, ``se``, ...,
        ``qm``/``qm_pvalue``, residual ``tau2`` and ``r2``).

    References
    ----------
    Viechtbauer W. Conducting meta-analyses in R with the metafor package. J Stat Softw 2010;36(3):1-48.
    DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials 1986;7(3):177-188.
    Knapp G, Hartung J. Improved tests for a random effects meta-regression with a single covariate.
    Stat Med 2003;22(17):2693-2710.

    Examples
    --------
    >>> r = meta_analysis([0.2, 0.5, 0.9], [0.04, 0.05, 0.06], method="DL")
    >>> round(r.estimate, 4), round(r.tau2, 4), r.k
    (0.5142, 0.0717, 3)
    >>> statistic, pvalue = r
    >>> reg = meta_analysis([0.2, 0.5, 0.9, 0.4], [0.04, 0.05, 0.06, 0.05], mods=[1, 2, 3, 2])
    >>> reg.names, round(reg.coef[1], 4)
    (('intrcpt', 'mod'), 0.34)
    """
    y, v, method = _check_inputs(yi, vi, method, conf_level)
    k = y.size
    labels_t = _labels(labels, k)
    if mods is not None:
        return _meta_regression(y, v, mods, method, knapp_hartung, conf_level, labels_t)
    if knapp_hartung and k < 2:
        raise ValueError("Knapp-Hartung uses t with k - 1 df and needs at least 2 studies")
    X = np.ones((k, 1))
    fit = _fit(y, v, X, method, knapp_hartung)
    notes = list(fit.notes)
    if k == 2 and method != "FE":
        notes.append("k = 2: tau^2 is estimated from a single degree of freedom")
    estimate = float(fit.beta[0])
    se = math.sqrt(fit.vb[0, 0])
    crit = _crit(conf_level, fit.ddf)
    statistic = estimate / se if se > 0 else math.copysign(math.inf, estimate)
    pi_low = pi_high = None
    if method != "FE":
        pi_se = math.sqrt(se**2 + fit.tau2)
        pi_low, pi_high = estimate - crit * pi_se, estimate + crit * pi_se
    return MetaResult(
        estimate=estimate,
        se=se,
        ci_low=estimate - crit * se,
        ci_high=estimate + crit * se,
        statistic=float(statistic),
        pvalue=_pvalue(statistic, fit.ddf),
        df=fit.ddf,
        tau2=fit.tau2,
        tau2_se=fit.tau2_se,
        tau=math.sqrt(fit.tau2),
        i2=fit.i2,
        h2=fit.h2,
        q=fit.qe,
        q_df=k - 1,
        q_pvalue=fit.qe_pvalue,
        pi_low=pi_low,
        pi_high=pi_high,
        k=k,
        method=method,
        knapp_hartung=bool(knapp_hartung),
        conf_level=float(conf_level),
        weights=_floats(100 * fit.w / fit.w.sum()),
        yi=_floats(y),
        vi=_floats(v),
        labels=labels_t,
        warnings=tuple(notes),
    )


def _meta_regression(y, v, mods, method, knapp_hartung, conf_level, labels_t) -> MetaRegressionResult:
    k = y.size
    X, names = _design(mods, k)
    p = X.shape[1]
    if k <= p:
        raise ValueError(f"{k} studies cannot estimate {p} coefficients (intercept and {p - 1} moderator(s))")
    fit = _fit(y, v, X, method, knapp_hartung)
    notes = list(fit.notes)
    se = np.sqrt(np.diag(fit.vb))
    stat = fit.beta / se
    crit = _crit(conf_level, fit.ddf)
    btt = slice(1, p)
    m = p - 1
    qm = float(fit.beta[btt] @ _inv(fit.vb[btt, btt]) @ fit.beta[btt])
    if knapp_hartung:
        qm /= m
        qm_p = float(stats.f.sf(qm, m, k - p))
    else:
        qm_p = float(stats.chi2.sf(qm, m))
    if method == "FE":
        w = 1 / v
        ybar = np.sum(w * y) / w.sum()
        rss = np.sum(w * (y - X @ fit.beta) ** 2)
        tss = np.sum(w * (y - ybar) ** 2)
        r2 = max(0.0, 100 * (1 - (1 - (1 - rss / tss)) * (k - 1) / (k - p))) if tss > 0 else 0.0
    else:
        tau2_re = _fit(y, v, np.ones((k, 1)), method, knapp_hartung).tau2
        r2 = 0.0 if tau2_re == 0 else max(0.0, 100 * (tau2_re - fit.tau2) / tau2_re)
    per_mod = k / m
    if per_mod < MIN_K["meta_regression"]:
        notes.append(
            f"k = {k} for {m} moderator(s): fewer than {MIN_K['meta_regression']} studies per moderator "
            "(Cochrane Handbook 10.11.5.1); the moderator test has little power and R^2 is unreliable"
        )
    return MetaRegressionResult(
        names=names,
        coef=_floats(fit.beta),
        se=_floats(se),
        statistic=_floats(stat),
        pvalue=tuple(_pvalue(s, fit.ddf) for s in stat),
        ci_low=_floats(fit.beta - crit * se),
        ci_high=_floats(fit.beta + crit * se),
        qm=qm,
        qm_df=m,
        qm_pvalue=qm_p,
        df=fit.ddf,
        tau2=fit.tau2,
        tau2_se=fit.tau2_se,
        i2=fit.i2,
        h2=fit.h2,
        r2=float(r2),
        q=fit.qe,
        q_df=k - p,
        q_pvalue=fit.qe_pvalue,
        k=k,
        method=method,
        knapp_hartung=bool(knapp_hartung),
        conf_level=float(conf_level),
        X=tuple(tuple(float(a) for a in row) for row in X),
        weights=_floats(100 * fit.w / fit.w.sum()),
        yi=_floats(y),
        vi=_floats(v),
        labels=labels_t,
        warnings=tuple(notes),
    )


def _model_matrix(result) -> np.ndarray:
    if isinstance(result, MetaRegressionResult):
        return np.asarray(result.X, dtype=float)
    if isinstance(result, MetaResult):
        return np.ones((result.k, 1))
    raise TypeError(f"expected a MetaResult or MetaRegressionResult from meta_analysis(), got {type(result).__name__}")


# ---------------------------------------------------------------- confint: Q-profile intervals


@dataclass(frozen=True, repr=False)
class HeterogeneityCI(Result):
    """Q-profile confidence intervals for tau^2, tau, I^2 (%) and H^2 (metafor ``confint.rma.uni``, type "QP").

    The bounds solve Q(tau^2) = chi^2 quantiles (k - p df) for the generalised Q statistic (Viechtbauer 2007).
    ``lower_note``/``upper_note`` are metafor's signs: "<" when the bound lies below the searched interval's
    lower end (so the interval is a null set when the upper bound is "<" too, ``ci_null``), ">" when it lies
    beyond ``tau2_max`` = max(100, 10 tau^2) and the bound printed is that end. I^2 and H^2 bounds use the
    fitted model's typical within-study variance. ``to_frame()`` has one row per parameter, as R prints it.
    Unpacking gives ``tau2_low, tau2_high``.
    """

    _unpack: ClassVar[tuple[str, ...]] = ("tau2_low", "tau2_high")

    tau2: float
    tau2_low: float
    tau2_high: float
    tau: float
    tau_low: float
    tau_high: float
    i2: float
    i2_low: float
    i2_high: float
    h2: float
    h2_low: float
    h2_high: float
    k: int
    conf_level: float
    method: str
    lower_note: str
    upper_note: str
    ci_null: bool

    def to_frame(self) -> pd.DataFrame:
        """One row per parameter (tau^2, tau, I^2(%), H^2): estimate, ci_low, ci_high."""
        return pd.DataFrame(
            {
                "parameter": ["tau^2", "tau", "I^2(%)", "H^2"],
                "estimate": [self.tau2, self.tau, self.i2, self.h2],
                "ci_low": [self.tau2_low, self.tau_low, self.i2_low, self.h2_low],
                "ci_high": [self.tau2_high, self.tau_high, self.i2_high, self.h2_high],
            }
        )


def heterogeneity_ci(result, conf_level: float | None = None) -> HeterogeneityCI:
    """Q-profile CIs for the (residual) heterogeneity of ``result`` (metafor ``confint(res)``).

    Parameters
    ----------
    result : MetaResult or MetaRegressionResult
        A random-effects fit from :func:`meta_analysis` with at least 2 studies (not ``method="FE"``).
    conf_level : float, optional
        Level of the intervals, in (0, 1); ``None`` (default) uses the ``conf_level`` of ``result``.

    Returns
    -------
    HeterogeneityCI
        ``tau2``, ``tau``, ``i2``, ``h2`` with their ``_low``/``_high`` bounds, ``lower_note``/``upper_note``
        (metafor's "<" and ">" signs) and ``ci_null``; ``to_frame()`` has one row per parameter.

    References
    ----------
    Viechtbauer W. Confidence intervals for the amount of heterogeneity in meta-analysis. Stat Med
    2007;26(1):37-52. doi:10.1002/sim.2514

    Examples
    --------
    >>> r = meta_analysis([0.2, 0.5, 0.9, 0.1, 1.2], [0.04, 0.05, 0.06, 0.03, 0.05])
    >>> ci = r.confint()
    >>> round(ci.tau2_low, 4) <= round(r.tau2, 4) <= round(ci.tau2_high, 4)
    True
    """
    X = _model_matrix(result)
    k, p = X.shape
    if k == 1:
        raise ValueError("confint needs at least 2 studies (metafor stops likewise: k = 1)")
    if result.method == "FE":
        raise ValueError("the common-effect model has no random-effects component to give an interval for")
    level = result.conf_level if conf_level is None else float(conf_level)
    if not 0 < level < 1:
        raise ValueError(f"conf_level must lie in (0, 1), got {conf_level!r}")
    y, v = np.asarray(result.yi), np.asarray(result.vi)
    alpha = 1 - level
    crit_u = float(stats.chi2.isf(alpha / 2, k - p))
    crit_l = float(stats.chi2.ppf(alpha / 2, k - p))
    tau2_min, tau2_max = min(0.0, result.tau2), max(100.0, 10 * result.tau2)

    def q(t):
        return _q_function(t, y, v, X)

    def root(target):
        return float(
            optimize.brentq(lambda t: q(t) - target, tau2_min, tau2_max, xtol=1e-15, rtol=4 * _EPS, maxiter=1000)
        )

    q_min, q_max = q(tau2_min), q(tau2_max)
    lb_sign = ub_sign = ""
    ci_null = False
    if q_min < crit_l:
        lb = ub = tau2_min
        lb_sign = ub_sign = "<"
        ci_null = tau2_min <= 0
    else:
        if q_max > crit_l:
            ub, ub_sign = tau2_max, ">"
        else:
            ub = root(crit_l)
    if q_max > crit_u:
        lb = ub = tau2_max
        lb_sign = ub_sign = ">"
    elif q_min < crit_u:
        lb = tau2_min
    else:
        lb = root(crit_u)
    vt = _fit(y, v, X, result.method, result.knapp_hartung, tau2=result.tau2).vt

    def i2(t):
        return 100 * t / (vt + t)

    def h2(t):
        return t / vt + 1

    return HeterogeneityCI(
        tau2=result.tau2,
        tau2_low=lb,
        tau2_high=ub,
        tau=math.sqrt(result.tau2),
        tau_low=math.sqrt(max(lb, 0)),
        tau_high=math.sqrt(max(ub, 0)),
        i2=result.i2,
        i2_low=i2(lb),
        i2_high=i2(ub),
        h2=result.h2,
        h2_low=h2(lb),
        h2_high=h2(ub),
        k=k,
        conf_level=level,
        method=result.method,
        lower_note=lb_sign,
        upper_note=ub_sign,
        ci_null=ci_null,
    )


# ---------------------------------------------------------------- leave-one-out and influence


@dataclass(frozen=True, repr=False)
class LeaveOneOut(Result):
    """The model refitted k times, each time without one study (metafor ``leave1out``).

    Tuples in study order: the pooled ``estimate`` without study i, its ``se``, ``statistic`` (z, or t with
    Knapp-Hartung), ``pvalue``, ``ci_low``/``ci_high``, ``q``/``q_pvalue``, ``tau2``, ``i2``, ``h2``.
    ``to_frame()`` has one row per omitted study. Unpacking gives ``estimate, ci_low, ci_high``.
    """

    _unpack: ClassVar[tuple[str, ...]] = ("estimate", "ci_low", "ci_high")

    labels: tuple[str, ...]
    estimate: tuple[float, ...]
    se: tuple[float, ...]
    statistic: tuple[float, ...]
    pvalue: tuple[float, ...]
    ci_low: tuple[float, ...]
    ci_high: tuple[float, ...]
    q: tuple[float, ...]
    q_pvalue: tuple[float, ...]
    tau2: tuple[float, ...]
    i2: tuple[float, ...]
    h2: tuple[float, ...]
    method: str
    knapp_hartung: bool

    def to_frame(self) -> pd.DataFrame:
        """One row per omitted study."""
        return pd.DataFrame(
            {
                "omitted": list(self.labels),
                "estimate": self.estimate,
                "se": self.se,
                "statistic": self.statistic,
                "pvalue": self.pvalue,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "q": self.q,
                "q_pvalue": self.q_pvalue,
                "tau2": self.tau2,
                "i2": self.i2,
                "h2": self.h2,
            }
        )


def _refit(result, keep: np.ndarray, X: np.ndarray | None = None):
    y, v = np.asarray(result.yi)[keep], np.asarray(result.vi)[keep]
    labels = [result.labels[i] for i in np.flatnonzero(keep)]
    if X is None:
        return meta_analysis(
            y, v, method=result.method, knapp_hartung=result.knapp_hartung, conf_level=result.conf_level, labels=labels
        )
    return _fit(y, v, X[keep], result.method, result.knapp_hartung)


def leave_one_out(result: MetaResult) -> LeaveOneOut:
    """Leave-one-out sensitivity analysis of an intercept-only model (metafor ``leave1out(res)``).

    Parameters
    ----------
    result : MetaResult
        A model without moderators from :func:`meta_analysis`, with at least 2 studies; each refit uses its
        ``method``, ``knapp_hartung`` and ``conf_level``.

    Returns
    -------
    LeaveOneOut
        Tuples in study order (the fit without study i): ``estimate``, ``se``, ``statistic``, ``pvalue``,
        ``ci_low``, ``ci_high``, ``q``, ``q_pvalue``, ``tau2``, ``i2``, ``h2``, with the ``labels``;
        ``to_frame()`` has one row per omitted study.

    References
    ----------
    Viechtbauer W, Cheung MW-L. Outlier and influence diagnostics for meta-analysis. Res Synth Methods
    2010;1(2):112-125. doi:10.1002/jrsm.11

    Examples
    --------
    >>> r = meta_analysis([0.2, 0.5, 0.9, 0.4], [0.04, 0.05, 0.06, 0.05])
    >>> [round(x, 3) for x in leave_one_out(r).estimate]
    [0.585, 0.481, 0.354, 0.514]
    """
    if not isinstance(result, MetaResult):
        raise TypeError("leave_one_out() works on a model without moderators (a MetaResult), as metafor's leave1out")
    if result.k < 2:
        raise ValueError("leave-one-out needs at least 2 studies")
    cols: dict[str, list[float]] = {
        c: []
        for c in ("estimate", "se", "statistic", "pvalue", "ci_low", "ci_high", "q", "q_pvalue", "tau2", "i2", "h2")
    }
    for i in range(result.k):
        keep = np.ones(result.k, dtype=bool)
        keep[i] = False
        try:
            r = _refit(result, keep)
            vals = dict(
                estimate=r.estimate,
                se=r.se,
                statistic=r.statistic,
                pvalue=r.pvalue,
                ci_low=r.ci_low,
                ci_high=r.ci_high,
                q=r.q,
                q_pvalue=r.q_pvalue,
                tau2=r.tau2,
                i2=r.i2,
                h2=r.h2,
            )
        except (ValueError, RuntimeError):  # e.g. Knapp-Hartung with one study left, or no convergence
            vals = {c: math.nan for c in cols}
        for c in cols:
            cols[c].append(float(vals[c]))
    return LeaveOneOut(
        labels=result.labels,
        method=result.method,
        knapp_hartung=result.knapp_hartung,
        **{c: tuple(x) for c, x in cols.items()},
    )


@dataclass(frozen=True, repr=False)
class Influence(Result):
    """Outlier and influence diagnostics (metafor ``influence.rma.uni``; Viechtbauer & Cheung 2010).

    Per study (tuples in study order): externally studentized residual ``rstudent``, ``dffits``, Cook's
    distance ``cook_d``, covariance ratio ``cov_r``, ``tau2_del`` and ``q_del`` (tau^2 and QE with the study
    left out), ``hat`` value, ``weight`` (%), ``dfbetas`` (one tuple per coefficient, in ``names`` order) and
    ``influential``, metafor's rule: ``|DFFITS| > 3 sqrt(p / (k - p))``, or pchisq(Cook's D, p) > 0.5, or
    hat > 3 p / k, or any ``|DFBETAS| > 1``. ``to_frame()`` has one row per study. Unpacking gives
    ``rstudent, influential``.
    """

    _unpack: ClassVar[tuple[str, ...]] = ("rstudent", "influential")

    labels: tuple[str, ...]
    rstudent: tuple[float, ...]
    dffits: tuple[float, ...]
    cook_d: tuple[float, ...]
    cov_r: tuple[float, ...]
    tau2_del: tuple[float, ...]
    q_del: tuple[float, ...]
    hat: tuple[float, ...]
    weight: tuple[float, ...]
    dfbetas: tuple[tuple[float, ...], ...]
    names: tuple[str, ...]
    influential: tuple[bool, ...]
    k: int
    p: int

    def to_frame(self) -> pd.DataFrame:
        """One row per study: the diagnostics, DFBETAS columns ``dfbetas_<term>`` and ``influential``."""
        frame = pd.DataFrame(
            {
                "label": list(self.labels),
                "rstudent": self.rstudent,
                "dffits": self.dffits,
                "cook_d": self.cook_d,
                "cov_r": self.cov_r,
                "tau2_del": self.tau2_del,
                "q_del": self.q_del,
                "hat": self.hat,
                "weight": self.weight,
            }
        )
        for name, col in zip(self.names, self.dfbetas):
            frame[f"dfbetas_{name}"] = col
        frame["influential"] = list(self.influential)
        return frame


def influence(result) -> Influence:
    """Influence diagnostics of a fitted model, with or without moderators (metafor ``influence(res)``).

    Parameters
    ----------
    result : MetaResult or MetaRegressionResult
        A fit from :func:`meta_analysis` with at least 2 studies.

    Returns
    -------
    Influence
        Per study (tuples in study order): ``rstudent``, ``dffits``, ``cook_d``, ``cov_r``, ``tau2_del``,
        ``q_del``, ``hat``, ``weight`` (%), ``dfbetas`` (one tuple per coefficient in ``names``) and
        ``influential`` (metafor's rule); ``to_frame()`` has one row per study.

    References
    ----------
    Viechtbauer W, Cheung MW-L. Outlier and influence diagnostics for meta-analysis. Res Synth Methods
    2010;1(2):112-125. doi:10.1002/jrsm.11

    Examples
    --------
    >>> r = meta_analysis([0.2, 0.5, 0.9, 0.4, 2.5], [0.04, 0.05, 0.06, 0.05, 0.04])
    >>> inf = influence(r)
    >>> inf.labels[inf.cook_d.index(max(inf.cook_d))], inf.influential[-1]
    ('Study 5', True)
    """
    X = _model_matrix(result)
    k, p = X.shape
    if k == 1:
        raise ValueError("influence diagnostics need at least 2 studies (metafor stops likewise: k = 1)")
    y, v = np.asarray(result.yi), np.asarray(result.vi)
    full = _fit(y, v, X, result.method, result.knapp_hartung, tau2=result.tau2)
    beta = full.beta
    svb = _inv(full.vb)
    w = 1 / (v + result.tau2)
    wx = X * w[:, None]
    hat = np.einsum("ij,jk,ik->i", X, _inv(X.T @ wx), wx)
    n: dict[str, list[float]] = dict(rstudent=[], dffits=[], cook_d=[], cov_r=[], tau2_del=[], q_del=[])
    dfbs = np.full((k, p), np.nan)
    for i in range(k):
        keep = np.ones(k, dtype=bool)
        keep[i] = False
        try:
            if keep.sum() < p or (result.knapp_hartung and keep.sum() <= p) or np.linalg.matrix_rank(X[keep]) < p:
                raise ValueError("too few studies left")
            d = _refit(result, keep, X)
        except (ValueError, RuntimeError, np.linalg.LinAlgError):  # as metafor: that row is NA
            for c in n:
                n[c].append(math.nan)
            continue
        xi = X[i]
        delpred = float(xi @ d.beta)
        vdel = float(xi @ d.vb @ xi)
        pred = float(xi @ beta)
        dffits = (pred - delpred) / math.sqrt(d.s2w * hat[i] * (d.tau2 + v[i]))
        vb_del = _inv(X.T @ (X / (v + d.tau2)[:, None]))
        dfb = beta - d.beta
        dfbs[i] = dfb / np.sqrt(d.s2w * np.diag(vb_del))
        resid = y[i] - delpred
        if abs(resid) < 100 * _EPS:
            resid = 0.0
        se_resid = math.sqrt(v[i] * d.s2w + vdel + d.tau2 * d.s2w)
        n["rstudent"].append(resid / se_resid)
        n["dffits"].append(dffits)
        n["cook_d"].append(float(dfb @ svb @ dfb))
        n["cov_r"].append(float(np.linalg.det(d.vb) / np.linalg.det(full.vb)))
        n["tau2_del"].append(d.tau2)
        n["q_del"].append(d.qe)
    weight = 100 * w / w.sum()
    arr = {c: np.asarray(x, dtype=float) for c, x in n.items()}
    with np.errstate(invalid="ignore"):
        flag = (
            (np.abs(arr["dffits"]) > 3 * math.sqrt(p / (k - p)) if k > p else np.zeros(k, bool))
            | (stats.chi2.cdf(arr["cook_d"], p) > 0.5)
            | (hat > 3 * p / k)
            | np.any(np.abs(dfbs) > 1, axis=1)
        )
    names = result.names if isinstance(result, MetaRegressionResult) else ("intrcpt",)
    return Influence(
        labels=result.labels,
        **{c: _floats(a) for c, a in arr.items()},
        hat=_floats(hat),
        weight=_floats(weight),
        dfbetas=tuple(_floats(dfbs[:, j]) for j in range(p)),
        names=names,
        influential=tuple(bool(x) for x in flag),
        k=k,
        p=p,
    )


# ---------------------------------------------------------------- small-study effects


@dataclass(frozen=True, repr=False)
class EggerTest(Result):
    """Regression test for funnel-plot asymmetry (metafor ``regtest``; Egger et al. 1997).

    ``statistic`` (z, or t with ``df``) and ``pvalue`` test the coefficient of ``predictor`` added to the
    model; ``limit_estimate`` with ``limit_ci_low``/``limit_ci_high`` is the intercept, the estimate as the
    standard error (or variance) goes to 0 (metafor's "limit estimate"; None for other predictors).
    ``model`` is "rma" (the fitted model's method, with the predictor as moderator; metafor's default) or
    "lm" (weighted least squares with multiplicative dispersion, Egger's original test). ``small_k`` is True
    when k is below :func:`min_k` ("egger_test"). Unpacking gives ``statistic, pvalue``.
    """

    _unpack: ClassVar[tuple[str, ...]] = ("statistic", "pvalue")

    statistic: float
    pvalue: float
    df: int | None
    slope: float
    slope_se: float
    limit_estimate: float | None
    limit_ci_low: float | None
    limit_ci_high: float | None
    model: str
    predictor: str
    method: str
    k: int
    small_k: bool


def egger_test(result: MetaResult, *, model: str = "rma", predictor: str = "sei", ni=None) -> EggerTest:
    """Egger's regression test of funnel-plot asymmetry (metafor ``regtest(res, model=, predictor=)``).

    ``predictor``: "sei" (standard error, default), "vi", or with ``ni`` (sample sizes) "ni", "ninv",
    "sqrtni", "sqrtninv". With k below 10 the test has too little power to mean anything
    (Sterne et al. 2011); the result says so in ``small_k`` rather than refusing.

    Parameters
    ----------
    result : MetaResult
        A model without moderators from :func:`meta_analysis`.
    model : {"rma", "lm"}, default "rma"
        "rma": the fitted model's method with the predictor as moderator (metafor's default); "lm": weighted
        least squares with multiplicative dispersion (Egger's original test).
    predictor : {"sei", "vi", "ni", "ninv", "sqrtni", "sqrtninv"}, default "sei"
        The variable regressed on; the last four need ``ni``.
    ni : array_like of int, optional
        Sample sizes of the studies, in study order (only for the sample-size predictors).

    Returns
    -------
    EggerTest
        ``statistic`` (z, or t with ``df``) and ``pvalue`` for the predictor's coefficient, ``slope`` and
        ``slope_se``, the ``limit_estimate`` with ``limit_ci_low``/``limit_ci_high`` (None for the sample-size
        predictors), ``model``, ``predictor``, ``method``, ``k`` and ``small_k``.

    References
    ----------
    Egger M, Davey Smith G, Schneider M, Minder C. Bias in meta-analysis detected by a simple, graphical test.
    BMJ 1997;315(7109):629-634. doi:10.1136/bmj.315.7109.629

    Examples
    --------
    >>> r = meta_analysis([0.2, 0.5, 0.9, 0.4, 1.5], [0.01, 0.05, 0.09, 0.03, 0.2])
    >>> t = egger_test(r)
    >>> round(t.statistic, 3), t.small_k
    (3.516, True)
    """
    if not isinstance(result, MetaResult):
        raise TypeError("egger_test() works on a model without moderators (a MetaResult)")
    model = str(model).lower()
    if model not in ("rma", "lm"):
        raise ValueError(f"model must be 'rma' or 'lm', got {model!r}")
    y, v = np.asarray(result.yi), np.asarray(result.vi)
    k = result.k
    if predictor in ("sei", "vi"):
        z = np.sqrt(v) if predictor == "sei" else v
    elif predictor in ("ni", "ninv", "sqrtni", "sqrtninv"):
        if ni is None:
            raise ValueError(f"predictor {predictor!r} needs the sample sizes ni")
        nn = _as_vector("ni", ni)
        if nn.size != k:
            raise ValueError(f"ni has {nn.size} values for {k} studies")
        z = {"ni": nn, "ninv": 1 / nn, "sqrtni": np.sqrt(nn), "sqrtninv": 1 / np.sqrt(nn)}[predictor]
    else:
        raise ValueError(f"predictor must be one of sei, vi, ni, ninv, sqrtni, sqrtninv, got {predictor!r}")
    X = np.column_stack([np.ones(k), z])
    if k < 3 or np.linalg.matrix_rank(X) < 2:
        raise ValueError(f"the regression test needs at least 3 studies with different {predictor} (k = {k})")
    limit = predictor in ("sei", "vi", "ninv", "sqrtninv")
    if model == "rma":
        fit = _fit(y, v, X, result.method, result.knapp_hartung)
        se = np.sqrt(np.diag(fit.vb))
        ddf = fit.ddf
        b = fit.beta
    else:
        w = 1 / v
        wx = X * w[:, None]
        xtwx_inv = _inv(X.T @ wx)
        b = xtwx_inv @ (wx.T @ y)
        ddf = k - 2
        sigma2 = float(np.sum(w * (y - X @ b) ** 2)) / ddf
        se = np.sqrt(np.diag(sigma2 * xtwx_inv))
    stat = float(b[1] / se[1])
    crit = _crit(result.conf_level, ddf)
    return EggerTest(
        statistic=stat,
        pvalue=_pvalue(stat, ddf),
        df=ddf,
        slope=float(b[1]),
        slope_se=float(se[1]),
        limit_estimate=float(b[0]) if limit else None,
        limit_ci_low=float(b[0] - crit * se[0]) if limit else None,
        limit_ci_high=float(b[0] + crit * se[0]) if limit else None,
        model=model,
        predictor=predictor,
        method=result.method if model == "rma" else "lm",
        k=k,
        small_k=k < MIN_K["egger_test"],
    )


@dataclass(frozen=True, repr=False)
class TrimFill(Result):
    """Trim-and-fill (metafor ``trimfill``; Duval & Tweedie 2000).

    ``k0`` studies estimated missing on ``side`` ("left" or "right", chosen as metafor does from the sign of
    Egger-type regression slope when not given) by ``estimator`` (L0, R0 or Q0), with ``se_k0`` (and
    ``p_k0`` for R0). ``filled_yi``/``filled_vi`` are the imputed studies (mirror images about the trimmed
    estimate), ``result`` the model refitted to the observed plus filled studies (same tau^2 estimator, z
    tests, as metafor 3.8 does), ``original`` the model given. ``small_k`` is True when k is below
    :func:`min_k` ("trim_and_fill"). Unpacking gives ``k0, result``.
    """

    _unpack: ClassVar[tuple[str, ...]] = ("k0", "result")

    k0: int
    se_k0: float
    p_k0: float | None
    side: str
    estimator: str
    filled_yi: tuple[float, ...]
    filled_vi: tuple[float, ...]
    result: MetaResult
    original: MetaResult
    small_k: bool

    def to_frame(self) -> pd.DataFrame:
        """One row per study, observed then filled, with column ``filled``."""
        frame = self.result.studies()
        frame["filled"] = [False] * self.original.k + [True] * self.k0
        return frame


def trim_and_fill(
    result: MetaResult, *, side: str | None = None, estimator: str = "L0", maxiter: int = 100
) -> TrimFill:
    """Trim-and-fill of an intercept-only model (metafor ``trimfill(res, side=, estimator=)``).

    The side, when not given, is where the regression of yi on sqrt(vi) (same estimator) says studies are
    missing: "right" if its slope is negative, else "left". The iteration trims the k0 most extreme studies on
    the other side, re-estimates, and recomputes k0 from the signed ranks of the centred effects until k0 stops
    changing; k0 is max(0, round(.)). Filled studies are 2 b - y_i of the k0 most extreme studies.

    Parameters
    ----------
    result : MetaResult
        A model without moderators from :func:`meta_analysis`, with at least 3 studies.
    side : {"left", "right"}, optional
        Side of the funnel on which studies are missing; ``None`` (default) chooses it from the regression
        slope as above.
    estimator : {"L0", "R0", "Q0"}, default "L0"
        Estimator of the number of missing studies k0.
    maxiter : int, default 100
        Maximum number of trim-and-re-estimate iterations.

    Returns
    -------
    TrimFill
        ``k0``, ``se_k0``, ``p_k0`` (R0 only), ``side``, ``estimator``, the imputed ``filled_yi``/``filled_vi``,
        ``result`` (the model refitted with the filled studies), ``original`` and ``small_k``; ``to_frame()``
        has one row per observed and filled study.

    References
    ----------
    Duval S, Tweedie R. Trim and fill. Biometrics 2000;56(2):455-463. doi:10.1111/j.0006-341X.2000.00455.x

    Examples
    --------
    >>> r = meta_analysis([0.2, 0.5, 0.9, 0.4, 1.5, 0.3, 0.45], [0.01, 0.05, 0.09, 0.03, 0.2, 0.02, 0.04])
    >>> tf = trim_and_fill(r)
    >>> tf.side, tf.k0
    ('left', 4)
    """
    if not isinstance(result, MetaResult):
        raise TypeError("trim_and_fill() works on a model without moderators (a MetaResult), as metafor's trimfill")
    if result.k < 3:
        raise ValueError(f"trim-and-fill needs at least 3 studies (k = {result.k})")
    estimator = str(estimator).upper()
    if estimator not in ("L0", "R0", "Q0"):
        raise ValueError(f"estimator must be 'L0', 'R0' or 'Q0', got {estimator!r}")
    y0, v0 = np.asarray(result.yi), np.asarray(result.vi)
    method = result.method
    if side is None:
        slope = _fit(y0, v0, np.column_stack([np.ones(result.k), np.sqrt(v0)]), method, False).beta[1]
        side = "right" if slope < 0 else "left"
    elif side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    y = -y0 if side == "right" else y0.copy()
    order = np.argsort(y, kind="stable")
    y, v = y[order], v0[order]
    k = y.size
    k0, k0_prev, it = 0, -1, 0
    beta = 0.0
    se_k0 = 0.0
    yc = y.copy()
    while k0 != k0_prev:
        k0_prev = k0
        it += 1
        if it > maxiter:
            raise RuntimeError("trim-and-fill did not converge")
        beta = float(_fit(y[: k - k0], v[: k - k0], np.ones((k - k0, 1)), method, False).beta[0])
        yc = y - beta
        ranks = stats.rankdata(np.abs(yc), method="ordinal")
        signed = np.sign(yc) * ranks
        if estimator == "R0":
            neg = -signed[signed < 0]
            if neg.size == 0:
                raise ValueError("R0: no study lies below the trimmed estimate")
            k0f = (k - neg.max()) - 1
            se_k0 = math.sqrt(2 * max(0.0, k0f) + 2)
        else:
            sr = float(np.sum(signed[signed > 0]))
            if estimator == "L0":
                k0f = (4 * sr - k * (k + 1)) / (2 * k - 1)
            else:
                disc = 2 * k**2 - 4 * sr + 0.25
                if disc < 0:
                    raise ValueError(
                        f"Q0: the estimator is undefined here (2 k^2 - 4 S_r + 1/4 = {disc:g} < 0); "
                        "metafor fails likewise; use L0 or R0"
                    )
                k0f = k - 0.5 - math.sqrt(disc)
            var_sr = (
                k * (k + 1) * (2 * k + 1)
                + 10 * k0f**3
                + 27 * k0f**2
                + 17 * k0f
                - 18 * k * k0f**2
                - 18 * k * k0f
                + 6 * k**2 * k0f
            ) / 24
            if estimator == "L0":
                se_k0 = 4 * _sqrt_or_nan(var_sr) / (2 * k - 1)
            else:
                se_k0 = 2 * _sqrt_or_nan(var_sr) / _sqrt_or_nan((k - 0.5) ** 2 - k0f * (2 * k - k0f - 1))
        k0 = int(max(0, _round_half_even(k0f)))
        se_k0 = se_k0 if math.isnan(se_k0) else max(0.0, se_k0)  # NaN stays NaN, as R's max(0, NaN)
    if k0 > 0:
        yc2 = -(yc - beta) if side == "right" else yc - beta
        fill_y = -yc2[k - k0 :]
        fill_v = v[k - k0 :]
        labels = list(result.labels) + [f"Filled {i + 1}" for i in range(k0)]
        filled = meta_analysis(
            np.concatenate([y0, fill_y]),
            np.concatenate([v0, fill_v]),
            method=method,
            conf_level=result.conf_level,
            labels=labels,
        )
    else:
        fill_y = fill_v = np.array([])
        filled = result
    p_k0 = None
    if estimator == "R0":
        m = np.arange(-1, k0)
        p_k0 = float(1 - np.sum(special.comb(m + 1, m + 1) * 0.5 ** (m + 2)))
    return TrimFill(
        k0=k0,
        se_k0=float(se_k0),
        p_k0=p_k0,
        side=side,
        estimator=estimator,
        filled_yi=_floats(fill_y),
        filled_vi=_floats(fill_v),
        result=filled,
        original=result,
        small_k=result.k < MIN_K["trim_and_fill"],
    )


def _sqrt_or_nan(x: float) -> float:
    """sqrt as R computes it: NaN for a negative argument (the SE of k0 is then undefined)."""
    return math.sqrt(x) if x >= 0 else math.nan


def _round_half_even(x: float) -> float:
    """R's round(): IEC 60559 round half to even."""
    return float(np.round(x))


# ---------------------------------------------------------------- subgroups


@dataclass(frozen=True, repr=False)
class SubgroupAnalysis(Result):
    """Per-subgroup pooled estimates and two tests of subgroup differences.

    ``subgroups`` is a DataFrame (one row per subgroup: group, k, estimate, se, ci_low, ci_high, pvalue, tau2,
    i2, q, q_df, q_pvalue) from separate fits, each with its own tau^2. ``q_between`` (df ``q_between_df``,
    ``q_between_pvalue``) tests the subgroup estimates for equality, treating them as independent with their
    own standard errors (a common-effect model on the subgroup estimates; Borenstein et al. 2009, ch. 19, the
    separate-tau^2 version). ``qm`` (``qm_df``, ``qm_pvalue``; F with ``qm_ddf`` under Knapp-Hartung) is the
    moderator test of one meta-regression with group dummies and a single tau^2 shared by all subgroups
    (metafor ``rma(yi, vi, mods = ~ factor(group))``). ``notes`` says where k is too small. Unpacking gives
    ``q_between, q_between_pvalue``.
    """

    _unpack: ClassVar[tuple[str, ...]] = ("q_between", "q_between_pvalue")

    subgroups: pd.DataFrame = field(repr=False)
    q_between: float
    q_between_df: int
    q_between_pvalue: float
    qm: float
    qm_df: int
    qm_ddf: int | None
    qm_pvalue: float
    regression: MetaRegressionResult | None = field(repr=False)
    method: str
    knapp_hartung: bool
    k: int
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """The per-subgroup table."""
        return self.subgroups.copy()


def subgroup_analysis(
    yi,
    vi,
    groups,
    *,
    method: str = "REML",
    knapp_hartung: bool = False,
    conf_level: float = 0.95,
    labels: Sequence[str] | None = None,
) -> SubgroupAnalysis:
    """Pool each subgroup separately and test whether the subgroups differ.

    ``groups`` gives each study's subgroup (missing values are refused: say which subgroup a study belongs
    to, or leave it out before calling). The subgroup order is the order of first appearance; the first is the
    reference level of the moderator test. Both tests are returned (see :class:`SubgroupAnalysis`): the
    Q-between test from separate fits, and the moderator test with a common tau^2; they differ whenever the
    subgroups' tau^2 differ. A subgroup of one study is its own estimate with tau^2 = 0.

    Parameters
    ----------
    yi, vi : array_like of float
        Effect sizes and their sampling variances, one per study.
    groups : sequence
        Each study's subgroup label (no missing or blank values).
    method : str, default "REML"
        Estimator of tau^2, as in :func:`meta_analysis`.
    knapp_hartung : bool, default False
        Knapp-Hartung adjustment of the per-subgroup fits and the moderator test.
    conf_level : float, default 0.95
        Level of the per-subgroup confidence intervals.
    labels : sequence of str, optional
        Study labels; ``None`` gives "Study 1", "Study 2", ...

    Returns
    -------
    SubgroupAnalysis
        ``subgroups`` (DataFrame, one row per subgroup: group, k, estimate, se, ci_low, ci_high, pvalue, tau2,
        i2, q, q_df, q_pvalue), ``q_between`` with ``q_between_df``/``q_between_pvalue``, the moderator test
        ``qm``/``qm_df``/``qm_ddf``/``qm_pvalue`` with its ``regression``, and ``notes``.

    References
    ----------
    Borenstein M, Hedges LV, Higgins JPT, Rothstein HR. Introduction to meta-analysis. Wiley 2009, chapter 19.
    Viechtbauer W. Conducting meta-analyses in R with the metafor package. J Stat Softw 2010;36(3):1-48.

    Examples
    --------
    >>> s = subgroup_analysis([0.2, 0.5, 0.9, 0.4, 1.1, 1.3], [0.04, 0.05, 0.06, 0.05, 0.04, 0.05],
    ...                       ["a", "a", "b", "a", "b", "b"])
    >>> s.subgroups["group"].tolist(), s.q_between_df
    (['a', 'b'], 1)
    """
    y, v, method = _check_inputs(yi, vi, method, conf_level)
    k = y.size
    labels_t = _labels(labels, k)
    g = pd.Series(list(groups) if not isinstance(groups, pd.Series) else groups.tolist(), dtype=object)
    if len(g) != k:
        raise ValueError(f"groups has {len(g)} values for {k} studies")
    missing = [i for i in range(k) if pd.isna(g.iloc[i]) or str(g.iloc[i]).strip() == ""]
    if missing:
        raise ValueError(
            f"groups is missing at positions {missing} ({[labels_t[i] for i in missing]}); "
            "assign a subgroup or leave those studies out before calling"
        )
    g = g.astype(str)
    levels = list(dict.fromkeys(g))
    if len(levels) < 2:
        raise ValueError(f"need at least 2 subgroups, got {levels}")
    rows = []
    notes: list[str] = []
    for level in levels:
        sel = (g == level).to_numpy()
        kh = knapp_hartung and sel.sum() >= 2
        r = meta_analysis(
            y[sel],
            v[sel],
            method=method,
            knapp_hartung=kh,
            conf_level=conf_level,
            labels=[labels_t[i] for i in np.flatnonzero(sel)],
        )
        if sel.sum() == 1:
            notes.append(f"subgroup {level!r} has one study: its estimate is that study's, with tau^2 = 0")
        elif sel.sum() < MIN_K["tau2"]:
            notes.append(f"subgroup {level!r} has k = {int(sel.sum())}: its tau^2 is very imprecise")
        rows.append(
            {
                "group": level,
                "k": r.k,
                "estimate": r.estimate,
                "se": r.se,
                "ci_low": r.ci_low,
                "ci_high": r.ci_high,
                "pvalue": r.pvalue,
                "tau2": r.tau2,
                "i2": r.i2,
                "q": r.q,
                "q_df": r.q_df,
                "q_pvalue": r.q_pvalue,
            }
        )
    table = pd.DataFrame(rows)
    est = table["estimate"].to_numpy(float)
    w = 1 / table["se"].to_numpy(float) ** 2
    mu = np.sum(w * est) / w.sum()
    qb = float(np.sum(w * (est - mu) ** 2))
    qb_df = len(levels) - 1
    dummies = pd.DataFrame({f"group[{lev}]": (g == lev).astype(float).to_numpy() for lev in levels[1:]})
    reg = None
    qm = qm_p = math.nan
    qm_ddf = None
    if k > len(levels):
        reg = meta_analysis(
            y, v, method=method, knapp_hartung=knapp_hartung, conf_level=conf_level, labels=labels_t, mods=dummies
        )
        qm, qm_p, qm_ddf = reg.qm, reg.qm_pvalue, reg.df
    else:
        notes.append(f"k = {k} with {len(levels)} subgroups leaves no residual df: no moderator test")
    if k < min_k("subgroups", qb_df):
        notes.append(
            f"k = {k} for {qb_df} subgroup contrast(s): fewer than {MIN_K['subgroups']} studies per "
            "contrast (Cochrane Handbook 10.11.5.1); a test of subgroup differences has little power and "
            "is observational, not randomised"
        )
    return SubgroupAnalysis(
        subgroups=table,
        q_between=qb,
        q_between_df=qb_df,
        q_between_pvalue=float(stats.chi2.sf(qb, qb_df)),
        qm=float(qm),
        qm_df=qb_df,
        qm_ddf=qm_ddf,
        qm_pvalue=float(qm_p),
        regression=reg,
        method=method,
        knapp_hartung=bool(knapp_hartung),
        k=k,
        notes=tuple(notes),
    )


def _broadcast(**arrays) -> dict[str, np.ndarray]:
    names = list(arrays)
    try:
        values = np.broadcast_arrays(*(np.asarray(arrays[n], dtype=float) for n in names))
    except ValueError:
        raise ValueError(f"{', '.join(names)} must have matching lengths") from None
    out = {n: np.atleast_1d(x).astype(float) for n, x in zip(names, values)}
    for n, x in out.items():
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{n} contains missing or infinite values: {x.tolist()}")
    if np.any(out["n"] < 1) or np.any(out["n"] != np.round(out["n"])):
        raise ValueError(f"n must be positive integers, got {out['n'].tolist()}")
    if np.any(np.abs(out["r"]) > 1):
        raise ValueError(f"r must lie in [-1, 1], got {out['r'].tolist()}")
    for n in ("sd_pre", "sd_post"):
        if n in out and np.any(out[n] < 0):
            raise ValueError(f"{n} must be non-negative, got {out[n].tolist()}")
    return out


def mean_change(m_pre, sd_pre, m_post, sd_post, n, r=0.5) -> pd.DataFrame:
    """Raw mean change pre minus post and its sampling variance (metafor ``escalc(measure="MC")``).

    yi = m_pre - m_post, so a **decrease** in pain is **positive**; this is escalc's m1i - m2i with
    m1i = pre. vi = (sd_pre^2 + sd_post^2 - 2 r sd_pre sd_post) / n, where r is the (usually unreported,
    hence assumed) within-person correlation of the pre and post scores. Inputs broadcast; the result
    has one row per study with columns ``yi``, ``vi``, ``sd_change``.

    Parameters
    ----------
    m_pre, sd_pre, m_post, sd_post : float or array_like
        Means and SDs before and after, per study.
    n : int or array_like
        Number of patients with both scores.
    r : float or array_like, default 0.5
        Assumed correlation of pre and post scores.

    Returns
    -------
    pandas.DataFrame
        One row per study: ``yi``, ``vi``, ``sd_change``.

    References
    ----------
    Viechtbauer W (2010). Conducting meta-analyses in R with the metafor package. J Stat Softw 36(3):1-48
    (``escalc(measure = "MC")``). Borenstein M et al. (2009). Introduction to Meta-Analysis, Wiley, ch. 4.

    Examples
    --------
    >>> mean_change(7.5, 0.8, 3.3, 1.0, 16, r=0.5).round(4).to_dict("records")
    [{'yi': 4.2, 'vi': 0.0525, 'sd_change': 0.9165}]
    """
    x = _broadcast(m_pre=m_pre, sd_pre=sd_pre, m_post=m_post, sd_post=sd_post, n=n, r=r)
    var_change = x["sd_pre"] ** 2 + x["sd_post"] ** 2 - 2 * x["r"] * x["sd_pre"] * x["sd_post"]
    return pd.DataFrame({"yi": x["m_pre"] - x["m_post"], "vi": var_change / x["n"], "sd_change": np.sqrt(var_change)})


def _bias_correction(m: np.ndarray) -> np.ndarray:
    """Hedges' exact small-sample factor c(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)) (metafor .cmicalc)."""
    with np.errstate(invalid="ignore"):
        c = np.exp(special.gammaln(m / 2) - 0.5 * np.log(m / 2) - special.gammaln((m - 1) / 2))
    return np.where(m <= 1, np.nan, c)


def standardized_mean_change(m_pre, sd_pre, m_post, sd_post, n, r=0.5, *, measure: str = "SMCR") -> pd.DataFrame:
    """Standardized mean change, bias-corrected, as metafor ``escalc`` with m1i = pre, m2i = post.

    ``measure="SMCR"`` (raw-score standardisation, Becker 1988; Morris 2000):
    yi = c(n - 1) (m_pre - m_post) / sd_pre, vi = 2 (1 - r) / n + yi^2 / (2 n).
    ``sd_post`` is not used by SMCR (pass None if unknown).
    ``measure="SMCC"`` (change-score standardisation, needs ``sd_post``):
    yi = c(n - 1) (m_pre - m_post) / sd_change, vi = 1 / n + yi^2 / (2 n).
    c(m) is the exact bias correction Gamma(m/2) / (sqrt(m/2) Gamma((m - 1)/2)); it needs n >= 3.
    Positive values mean a decrease (improvement in pain).

    Parameters
    ----------
    m_pre, sd_pre, m_post : float or array_like
        Means before and after and the SD before, per study.
    sd_post : float, array_like or None
        SD after; needed for ``measure="SMCC"``, unused (may be None) for ``"SMCR"``.
    n : int or array_like
        Number of patients with both scores (at least 3).
    r : float or array_like, default 0.5
        Assumed correlation of pre and post scores.
    measure : {"SMCR", "SMCC"}, default "SMCR"
        Standardise by the SD before (SMCR) or by the SD of the change scores (SMCC).

    Returns
    -------
    pandas.DataFrame
        One row per study: ``yi`` (the standardized mean change) and ``vi`` (its sampling variance).

    References
    ----------
    Morris SB. Distribution of the standardized mean change effect size for meta-analysis on repeated
    measures. Br J Math Stat Psychol 2000;53(1):17-29. doi:10.1348/000711000159150
    Viechtbauer W. Conducting meta-analyses in R with the metafor package. J Stat Softw 2010;36(3):1-48
    (``escalc(measure = "SMCR")``, ``"SMCC"``).

    Examples
    --------
    >>> standardized_mean_change(7.5, 0.8, 3.3, 1.0, 16, r=0.5).round(4).to_dict("records")
    [{'yi': 4.9823, 'vi': 0.8382}]
    """
    measure = str(measure).upper()
    if measure not in ("SMCR", "SMCC"):
        raise ValueError(f"measure must be 'SMCR' or 'SMCC', got {measure!r}")
    if measure == "SMCC" and sd_post is None:
        raise ValueError("measure='SMCC' needs sd_post to form the SD of the change scores")
    x = _broadcast(m_pre=m_pre, sd_pre=sd_pre, m_post=m_post, n=n, r=r, sd_post=sd_post if sd_post is not None else 0.0)
    if np.any(x["n"] < 3):
        raise ValueError(f"the bias correction c(n - 1) needs n >= 3, got {x['n'].tolist()}")
    c = _bias_correction(x["n"] - 1)
    diff = x["m_pre"] - x["m_post"]
    if measure == "SMCR":
        if np.any(x["sd_pre"] <= 0):
            raise ValueError("sd_pre must be positive to standardize")
        yi = c * diff / x["sd_pre"]
        vi = 2 * (1 - x["r"]) / x["n"] + yi**2 / (2 * x["n"])
    else:
        sd_change = np.sqrt(x["sd_pre"] ** 2 + x["sd_post"] ** 2 - 2 * x["r"] * x["sd_pre"] * x["sd_post"])
        if np.any(sd_change <= 0):
            raise ValueError("the SD of the change scores must be positive to standardize")
        yi = c * diff / sd_change
        vi = 1 / x["n"] + yi**2 / (2 * x["n"])
    return pd.DataFrame({"yi": yi, "vi": vi})


SENSITIVITY_COLUMNS = ("mean_pre", "sd_pre", "mean_post", "sd_post", "n")


def correlation_sensitivity(
    studies_frame: pd.DataFrame,
    r_values: Iterable[float] = (0.0, 0.2, 0.4, 0.5, 0.6, 0.8, 0.9),
    *,
    method: str = "REML",
    knapp_hartung: bool = False,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Pool the raw mean change at each assumed within-person correlation r.

    ``studies_frame`` needs columns ``mean_pre, sd_pre, mean_post, sd_post, n`` (as produced by
    :func:`sacro_kit.io.literature.pooling_table`); if it has an ``eligible`` column only eligible rows are
    pooled. Returns one row per r with the pooled estimate, CI, prediction interval, tau^2, I^2 and Q.
    Imputed correlations leave each study's mean change unchanged but move its variance, hence the
    weights, the CI and the heterogeneity statistics; the Cochrane Handbook (v6, 6.5.2.8) asks for
    exactly this sensitivity analysis.

    Parameters
    ----------
    studies_frame : pandas.DataFrame
        One row per study with ``mean_pre``, ``sd_pre``, ``mean_post``, ``sd_post`` and ``n``; optional
        ``eligible`` (only True rows are pooled) and ``label``.
    r_values : iterable of float, default (0.0, 0.2, 0.4, 0.5, 0.6, 0.8, 0.9)
        The assumed pre/post correlations.
    method : str, default "REML"
        Estimator of tau^2, as in :func:`meta_analysis`.
    knapp_hartung : bool, default False
        Knapp-Hartung adjustment.
    conf_level : float, default 0.95
        Level of the confidence and prediction intervals.

    Returns
    -------
    pandas.DataFrame
        One row per r: ``r``, ``k``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``pi_low``, ``pi_high``,
        ``pvalue``, ``tau2``, ``i2``, ``q``, ``q_pvalue``, ``method``, ``knapp_hartung``.

    References
    ----------
    Higgins JPT, Li T, Deeks JJ (eds). Chapter 6: Choosing effect measures and computing estimates of
    effect. Cochrane Handbook for Systematic Reviews of Interventions, version 6, section 6.5.2.8.

    Examples
    --------
    >>> studies = pd.DataFrame({"mean_pre": [7.5, 6.9, 8.1], "sd_pre": [0.8, 1.2, 1.0],
    ...                         "mean_post": [3.3, 4.0, 2.9], "sd_post": [1.0, 1.5, 1.8], "n": [16, 25, 12]})
    >>> table = correlation_sensitivity(studies, [0.2, 0.8])
    >>> table[["r", "estimate", "tau2"]].round(3).to_dict("list")
    {'r': [0.2, 0.8], 'estimate': [4.054, 4.078], 'tau2': [1.102, 1.248]}
    """
    missing = [c for c in SENSITIVITY_COLUMNS if c not in studies_frame.columns]
    if missing:
        raise ValueError(f"studies_frame lacks columns {missing}")
    rows = studies_frame
    if "eligible" in rows.columns:
        rows = rows[rows["eligible"].astype(bool)]
    if rows.empty:
        raise ValueError("no eligible studies to pool")
    labels = rows["label"].astype(str).tolist() if "label" in rows.columns else None
    out = []
    for r in r_values:
        eff = mean_change(rows["mean_pre"], rows["sd_pre"], rows["mean_post"], rows["sd_post"], rows["n"], r=r)
        res = meta_analysis(
            eff["yi"], eff["vi"], method=method, knapp_hartung=knapp_hartung, conf_level=conf_level, labels=labels
        )
        out.append(
            {
                "r": float(r),
                "k": res.k,
                "estimate": res.estimate,
                "se": res.se,
                "ci_low": res.ci_low,
                "ci_high": res.ci_high,
                "pi_low": res.pi_low,
                "pi_high": res.pi_high,
                "pvalue": res.pvalue,
                "tau2": res.tau2,
                "i2": res.i2,
                "q": res.q,
                "q_pvalue": res.q_pvalue,
                "method": res.method,
                "knapp_hartung": res.knapp_hartung,
            }
        )
    return pd.DataFrame(out)
