"""Spread across reconstructions: ranges, responder bands and the chain's mixing diagnostic.

Part of :mod:`sacro_kit.forensics.reconstruction` (the law, the method and the assumptions are documented there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sacro_kit._compat import renamed_arguments
from sacro_kit._results import Result
from sacro_kit.forensics.reconstruction.drawing import reconstruct
from sacro_kit.forensics.reconstruction.planning import (
    DEFAULT_SEED,
    RECONSTRUCTION_COUNT_MAX,
    _check_seed,
    _load_card,
    _plan,
)
from sacro_kit.forensics.reconstruction.verification import _complete


@dataclass(frozen=True)
class ReconstructionRange(Result):
    """How an unreported statistic varies across reconstructed cohorts (all consistent with the paper).

    ``quantiles`` maps a probability to the quantile of ``values`` (numpy's default linear definition).
    """

    name: str
    n_cohorts: int
    seed: int
    quantile_type: object
    min: float
    max: float
    quantiles: dict = field(repr=False)
    values: tuple = field(repr=False)

    @property
    def median(self) -> float:
        return float(np.median(self.values))

    @property
    def method(self) -> object:
        """Deprecated name of :attr:`quantile_type`."""
        import warnings

        warnings.warn("ReconstructionRange.method is deprecated; use quantile_type", DeprecationWarning, stacklevel=2)
        return self.quantile_type

    def __str__(self) -> str:
        q = self.quantiles
        return (
            f"{self.name}: {self.min:.4g} to {self.max:.4g} across {self.n_cohorts} reconstructions "
            f"(5-95%: {q.get(0.05, float('nan')):.4g} to {q.get(0.95, float('nan')):.4g})"
        )


@renamed_arguments(method="quantile_type")
def reconstruction_range(
    card,
    statistic: Callable[[pd.DataFrame], float],
    n_cohorts: int = 200,
    seed: int = DEFAULT_SEED,
    quantile_type=None,
    *,
    name: str | None = None,
    probabilities: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
) -> ReconstructionRange:
    """The range of an unreported statistic (a function cohort -> number) over ``n_cohorts`` reconstructions.

    Every cohort reproduces the paper, so the spread is what the published summaries leave undetermined
    (given this reconstruction's assumptions; see the module docstring). The cohorts come from ``LAW``: the
    uniform law over the distinct joint cohorts (multisets of patient rows) that reproduce every printed number.


    Parameters
    ----------
    card : ReportedCard, Card or None, default None
        The card whose printed numbers every cohort reproduces (either schema, a card file, or None for the default
        card: ``$SACRO_KIT_CARD``, else the shipped one).
    statistic : callable
        A function of one cohort (a DataFrame in the loader schema) returning a number.
    n_cohorts : int, default 200
        How many reconstructed cohorts to evaluate it on.
    seed : int, default DEFAULT_SEED (2014)
        Seed of the chain; the same seed gives the same cohorts.
    quantile_type : int, str or None, default None
        The Hyndman-Fan quantile definition the paper used (1-9 or ``"tukey"``); None takes the first that fits
        every printed median/IQR. ``method=`` before 0.2.0, still accepted with a DeprecationWarning.
    name : str, optional
        What to call the statistic in the result (default: the function's name).
    probabilities : sequence of float, default (0.05, 0.25, 0.5, 0.75, 0.95)
        The quantiles of the values to report.

    Returns
    -------
    ReconstructionRange
        ``name, n_cohorts, seed, quantile_type, min, max``, ``quantiles`` (probability -> value), the ``values``
        themselves and their ``median``.

    Examples
    --------
    >>> r = reconstruction_range(None, lambda c: c["rest_post"].mean(), n_cohorts=20)
    >>> r.min <= r.median <= r.max
    True
    """
    if not callable(statistic):
        raise ValueError("statistic must be a function taking a cohort DataFrame and returning a number")
    card = _load_card(card)
    cohorts = reconstruct(card, n_cohorts=n_cohorts, seed=seed, quantile_type=quantile_type)
    values = np.array([float(statistic(c)) for c in cohorts])
    if np.isnan(values).any():
        raise ValueError("the statistic returned NaN for some reconstructed cohorts")
    probabilities = tuple(float(p) for p in probabilities)
    quantiles = {p: float(q) for p, q in zip(probabilities, np.quantile(values, probabilities))}
    label = str(name or getattr(statistic, "__name__", "statistic"))
    return ReconstructionRange(
        label,
        int(n_cohorts),
        _check_seed(seed),
        cohorts[0].attrs["quantile_method"],
        float(values.min()),
        float(values.max()),
        quantiles,
        tuple(values.tolist()),
    )


@renamed_arguments(method="quantile_type")
def responder_band(
    card=None,
    variables: tuple[str, str] = ("rest_pre", "rest_post"),
    kind: str = "relative",
    thresholds=None,
    n_cohorts: int = 200,
    seed: int = DEFAULT_SEED,
    quantile_type=None,
) -> pd.DataFrame:
    """Responder proportion at each threshold across reconstructed cohorts: the band the paper leaves open.

    One row per threshold: ``threshold, min, p05, median, p95, max`` of the proportion of patients whose
    score fell by at least the threshold (``sacro_kit.responder_curve`` on each cohort). Default thresholds:
    0 to 1 by 0.05 (relative) or 0 to 10 by 0.5 points (absolute). At the reported threshold (30 %) every
    cohort gives the reported 22/29; elsewhere the band shows how much the published numbers leave open. The
    cohorts come from ``LAW``: the uniform law over the distinct joint cohorts (multisets of patient rows) that
    reproduce every printed number.


    Parameters
    ----------
    card : ReportedCard, Card or None, default None
        The card whose printed numbers every cohort reproduces (either schema, a card file, or None for the default
        card: ``$SACRO_KIT_CARD``, else the shipped one).
    variables : tuple of str, default ("rest_pre", "rest_post")
        The cohort columns of the baseline and follow-up scores.
    kind : {"relative", "absolute"}, default "relative"
        Thresholds as fractions of baseline or as scale points.
    thresholds : array_like, optional
        The thresholds; default 0 to 1 by 0.05 (relative) or 0 to 10 by 0.5 (absolute).
    n_cohorts : int, default 200
        How many reconstructed cohorts make the band.
    seed : int, default DEFAULT_SEED (2014)
        Seed of the chain; the same seed gives the same cohorts.
    quantile_type : int, str or None, default None
        The Hyndman-Fan quantile definition the paper used (1-9 or ``"tukey"``); None takes the first that fits
        every printed median/IQR. ``method=`` before 0.2.0, still accepted with a DeprecationWarning.

    Returns
    -------
    pandas.DataFrame
        One row per threshold: ``threshold, min, p05, median, p95, max`` of the responder proportion.

    Examples
    --------
    >>> band = responder_band(n_cohorts=20)
    >>> band.loc[band.threshold == 0.3, ["min", "max"]].round(4).values.tolist()
    [[0.7586, 0.7586]]
    """
    from sacro_kit.stats.responders import responder_curve

    if thresholds is None:
        thresholds = np.arange(0, 21) / 20 if kind == "relative" else np.arange(0, 21) / 2
    grid = np.asarray(thresholds, dtype=float).ravel()
    card = _load_card(card)
    cohorts = reconstruct(card, n_cohorts=n_cohorts, seed=seed, quantile_type=quantile_type)
    curves = np.array(
        [
            responder_curve(*_complete(c, variables), kind=kind, thresholds=grid)["proportion"].to_numpy()
            for c in cohorts
        ]
    )
    band = pd.DataFrame(
        {
            "threshold": grid,
            "min": curves.min(axis=0),
            "p05": np.quantile(curves, 0.05, axis=0),
            "median": np.median(curves, axis=0),
            "p95": np.quantile(curves, 0.95, axis=0),
            "max": curves.max(axis=0),
        }
    )
    band.attrs.update(
        variables=tuple(variables),
        kind=kind,
        n_cohorts=int(n_cohorts),
        seed=int(seed),
        quantile_method=cohorts[0].attrs["quantile_method"],
    )
    return band


@renamed_arguments(method="quantile_type")
def chain_diagnostics(
    card=None, *, steps: int | None = None, record_every: int = 10, seed: int = DEFAULT_SEED, quantile_type=None
) -> pd.DataFrame:
    """The mixing diagnostic of the reconstruction chain: autocorrelation times and acceptance rates.

    Runs the chain ``reconstruct`` uses (after its burn-in) for ``steps`` steps (default: 200 kept cohorts' worth),
    recording cheap statistics of the state every ``record_every`` steps -- per paired claim the mean change, the
    count of changes of at least half the baseline and the pre and post sums; the sums of the weeks columns; the
    log of prod(m_r!) -- and returns one row per statistic with its integrated autocorrelation time in steps
    (Sokal's automatic window), the thinning ``reconstruct`` applies, and the effective number of independent
    cohorts per 100 kept (100 * thin / (2 * tau), at most 100). ``attrs["acceptance"]`` holds the acceptance rate
    of every move type.


    Parameters
    ----------
    card : ReportedCard, Card or None, default None
        The card whose printed numbers every cohort reproduces (either schema, a card file, or None for the default
        card: ``$SACRO_KIT_CARD``, else the shipped one).
    steps : int, optional
        Steps to run after the burn-in; default 200 kept cohorts' worth (200 * the thinning).
    record_every : int, default 10
        Record the statistics every this many steps.
    seed : int, default DEFAULT_SEED (2014)
        Seed of the chain; the same seed gives the same cohorts.
    quantile_type : int, str or None, default None
        The Hyndman-Fan quantile definition the paper used (1-9 or ``"tukey"``); None takes the first that fits
        every printed median/IQR. ``method=`` before 0.2.0, still accepted with a DeprecationWarning.

    Returns
    -------
    pandas.DataFrame
        One row per recorded statistic: ``statistic``, ``autocorrelation_steps``, ``thin_steps``,
        ``effective_per_100``; ``attrs["acceptance"]`` maps each move type to its acceptance rate.

    References
    ----------
    Sokal A (1997). Monte Carlo methods in statistical mechanics: foundations and new algorithms. In: Functional
    Integration, NATO ASI Series 361:131-192 (the integrated autocorrelation time and its automatic window).

    Examples
    --------
    >>> table = chain_diagnostics(steps=2000)
    >>> list(table.columns)
    ['statistic', 'autocorrelation_steps', 'thin_steps', 'effective_per_100']
    """
    from sacro_kit.forensics.reconstruction.chain import (
        _autocorrelation_time,
        chain_statistics,
        start_chain,
        thin_steps,
    )

    card = _load_card(card)
    plan = _plan(card, quantile_type, "up_or_down", None, RECONSTRUCTION_COUNT_MAX)
    thin = thin_steps(plan)
    steps = int(steps if steps is not None else 200 * thin)
    if isinstance(record_every, bool) or not isinstance(record_every, int) or record_every < 1:
        raise ValueError(f"record_every must be a positive integer, got {record_every!r}")
    chain = start_chain(plan, _check_seed(seed))
    records = []
    for _ in range(max(4, steps // record_every)):
        chain.run(record_every)
        records.append(chain_statistics(chain))
    rows = []
    for name in records[0]:
        tau = _autocorrelation_time(np.array([r[name] for r in records])) * record_every
        rows.append((name, float(tau), thin, float(min(100.0, 100 * thin / (2 * tau)))))
    table = pd.DataFrame(rows, columns=["statistic", "autocorrelation_steps", "thin_steps", "effective_per_100"])
    table.attrs["acceptance"] = chain.acceptance()
    return table
