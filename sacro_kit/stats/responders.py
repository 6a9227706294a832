"""Responder analysis: who improved by at least a threshold, and how sure we are of the proportion.

A "responder" on a pain scale is a patient whose score fell by at least a threshold -- relative
(IMMPACT: >= 30 % moderately, >= 50 % substantially important; Dworkin et al. 2008) or absolute
(about 2 points on a 0-10 scale; Farrar et al. 2001). The paper behind the kit reports 22 of 29
patients with at least a 30 % decrease in rest pain. This module counts responders exactly, puts a
confidence interval on the proportion, and draws the whole responder curve over every threshold
(the cumulative distribution of responses advocated by the FDA PRO guidance).

Boundary cases are counted as responders. The relative change is computed as the ratio
``(pre - post) / pre`` (for integer scores this is the correctly rounded double of the exact fraction,
so 10 -> 7 gives exactly the double ``0.3``), never by scaling the threshold (``0.28 * 25`` is
``7.000000000000001``, which would miss 25 -> 18, exactly 28 %). The comparison is
``change >= threshold - 1e-9`` (in the threshold's units) so that decimal data also land on the
boundary (``8.2 - 6.0`` is ``2.1999999999999993``); no two genuinely different scores are that close.

References
----------
Dworkin RH et al. Interpreting the clinical importance of treatment outcomes in chronic pain clinical
trials: IMMPACT recommendations. J Pain 2008;9(2):105-121. doi:10.1016/j.jpain.2007.09.005
Farrar JT et al. Clinical importance of changes in chronic pain intensity measured on an 11-point
numerical pain rating scale. Pain 2001;94(2):149-158. doi:10.1016/S0304-3959(01)00349-9
Brown LD, Cai TT, DasGupta A. Interval estimation for a binomial proportion. Stat Sci
2001;16(2):101-133. doi:10.1214/ss/1009213286
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import ndtri

from sacro_kit._compat import renamed_arguments
from sacro_kit._results import Result

#: Tolerance for "at least the threshold" (threshold units: a fraction, or scale points).
TOLERANCE = 1e-9

CI_METHODS = ("wilson", "clopper-pearson", "agresti-coull", "jeffreys", "wald")
_KINDS = ("relative", "absolute")


#: scipy's spelling (``binomtest(...).proportion_ci(method="exact")``) of the Clopper-Pearson interval.
_CI_ALIASES = {"exact": "clopper-pearson"}


def _check_ci(method: str, conf_level: float) -> tuple[str, float]:
    if isinstance(method, str):
        method = _CI_ALIASES.get(method.lower(), method)
    if not isinstance(method, str) or method.lower() not in CI_METHODS:
        raise ValueError(
            f"ci_method must be one of {', '.join(map(repr, CI_METHODS))} (or 'exact' for "
            f"'clopper-pearson'); got {method!r}"
        )
    if not (isinstance(conf_level, (int, float, np.floating)) and 0 < conf_level < 1):
        raise ValueError(f"conf_level must lie strictly between 0 and 1, got {conf_level!r}")
    return method.lower(), float(conf_level)


def _ci_arrays(k: np.ndarray, n: np.ndarray, method: str, conf_level: float) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised two-sided intervals for k successes of n (n >= 1), for responder curves.

    Wilson uses scipy's own arithmetic (``scipy.stats._binomtest``, after Newcombe 1998) so the
    numbers match ``binomtest(k, n).proportion_ci("wilson")``; Clopper-Pearson uses the beta
    quantiles that scipy's root-finder solves for (they agree to ~1e-12).
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    alpha = 1.0 - conf_level
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        if method == "wilson":
            z = ndtri(0.5 + 0.5 * conf_level)
            denom = 2 * (n + z**2)
            center = (2 * n * p + z**2) / denom
            delta = z / denom * np.sqrt(4 * n * p * (1 - p) + z**2)
            low, high = center - delta, center + delta
        elif method == "clopper-pearson":
            low = stats.beta.ppf(alpha / 2, k, n - k + 1)
            high = stats.beta.isf(alpha / 2, k + 1, n - k)
        elif method == "jeffreys":
            low = stats.beta.ppf(alpha / 2, k + 0.5, n - k + 0.5)
            high = stats.beta.isf(alpha / 2, k + 0.5, n - k + 0.5)
        else:
            z = stats.norm.isf(alpha / 2)
            if method == "agresti-coull":
                n_tilde = n + z**2
                p_tilde = (k + z**2 / 2) / n_tilde
                half = z * np.sqrt(p_tilde * (1 - p_tilde) / n_tilde)
                low, high = p_tilde - half, p_tilde + half
            else:  # wald
                half = z * np.sqrt(p * (1 - p) / n)
                low, high = p - half, p + half
            low, high = np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)
    # k = 0 and k = n: the bounds are 0 and 1 (Brown, Cai & DasGupta 2001, section 4.1.2 for Jeffreys)
    low = np.where(k == 0, 0.0, low)
    high = np.where(k == n, 1.0, high)
    return low, high


@dataclass(frozen=True)
class ProportionCI(Result):
    """A proportion k/n with a two-sided confidence interval."""

    _unpack: ClassVar[tuple[str, ...]] = ("low", "high")

    k: int
    n: int
    proportion: float
    low: float
    high: float
    method: str
    conf_level: float

    def __str__(self) -> str:
        return (
            f"{self.k}/{self.n} = {100 * self.proportion:.1f}% "
            f"({100 * self.conf_level:g}% CI {100 * self.low:.1f}-{100 * self.high:.1f}%, {self.method})"
        )


def _count(value, name: str) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer, float, np.floating))
        or not float(value).is_integer()
    ):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    return int(value)


@renamed_arguments(method="ci_method")
def proportion_ci(k: int, n: int, ci_method: str = "wilson", conf_level: float = 0.95) -> ProportionCI:
    """Two-sided confidence interval for a binomial proportion k/n.

    Methods (Brown, Cai & DasGupta 2001 recommend Wilson or Jeffreys for small n):
    ``"wilson"`` score interval and ``"clopper-pearson"`` exact interval from
    ``scipy.stats.binomtest(k, n).proportion_ci`` (R: ``prop.test(correct = FALSE)`` and
    ``binom.test``); ``"jeffreys"`` equal-tailed Beta(k + 1/2, n - k + 1/2) quantiles with the
    bounds set to 0 at k = 0 and 1 at k = n as Brown et al. do (statsmodels does not);
    ``"agresti-coull"`` (Agresti & Coull 1998, doi:10.1080/00031305.1998.10480550) and ``"wald"``
    normal intervals, clipped to [0, 1] as statsmodels clips them.
    k = 0 and k = n are valid; n = 0 gives NaN proportion and limits (nothing was observed).

    Parameters
    ----------
    k : int
        Number of events (responders), 0 <= k <= n.
    n : int
        Number of patients.
    ci_method : {"wilson", "clopper-pearson", "jeffreys", "agresti-coull", "wald"}, default "wilson"
        The interval method.
    conf_level : float, default 0.95
        Level of the interval.

    Returns
    -------
    ProportionCI
        ``k, n, proportion, low, high``, the method and the level.

    References
    ----------
    Brown LD, Cai TT, DasGupta A (2001). Interval estimation for a binomial proportion. Stat Sci 16(2):101-133.
    Wilson EB (1927). Probable inference, the law of succession, and statistical inference. JASA 22(158):209-212.
    Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits illustrated in the case of the
    binomial. Biometrika 26(4):404-413.

    Examples
    --------
    >>> print(proportion_ci(22, 29))
    22/29 = 75.9% (95% CI 57.9-87.8%, wilson)
    """
    method = ci_method
    method, conf_level = _check_ci(method, conf_level)
    k, n = _count(k, "k"), _count(n, "n")
    if n < 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        nan = float("nan")
        return ProportionCI(k, n, nan, nan, nan, method, conf_level)
    if method in ("wilson", "clopper-pearson"):
        ci = stats.binomtest(k, n).proportion_ci(
            confidence_level=conf_level, method="wilson" if method == "wilson" else "exact"
        )
        low, high = float(ci.low), float(ci.high)
    else:
        lows, highs = _ci_arrays(np.array([k]), np.array([n]), method, conf_level)
        low, high = float(lows[0]), float(highs[0])
    return ProportionCI(k, n, k / n, low, high, method, conf_level)


# --------------------------------------------------------------------------------------------
# changes and responders


def _pair_arrays(pre, post) -> tuple[np.ndarray, np.ndarray]:
    try:
        a = np.asarray(pre, dtype=float).ravel()
        b = np.asarray(post, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise ValueError("pre and post must be numeric (None/NaN mark a missing value)") from exc
    if a.shape != b.shape:
        raise ValueError(f"pre and post must pair up: got {a.size} and {b.size} values")
    if np.isinf(a).any() or np.isinf(b).any():
        raise ValueError("pre and post must not contain infinite values")
    return a, b


def percent_change(pre, post) -> np.ndarray:
    """Relative decrease ``(pre - post) / pre`` as a fraction (0.30 = a 30 % decrease).

    NaN where a value is missing or the baseline is 0 (a relative change from 0 is undefined).
    Negative values are increases.

    Parameters
    ----------
    pre, post : array_like
        Baseline and follow-up scores of each patient, of equal length; None, NaN and pd.NA mean missing (the
        patient is counted in ``n_missing``).

    Returns
    -------
    numpy.ndarray
        ``(pre - post) / pre`` per patient, float, NaN where undefined.

    Examples
    --------
    >>> percent_change([10, 8, 0, 5], [7, 8, 3, None]).tolist()
    [0.3, 0.0, nan, nan]
    """
    a, b = _pair_arrays(pre, post)
    out = np.full(a.shape, np.nan)
    ok = ~(np.isnan(a) | np.isnan(b)) & (a != 0)
    out[ok] = (a[ok] - b[ok]) / a[ok]
    return out


@dataclass(frozen=True)
class ResponderResult(Result):
    """Responders among complete pairs: k of n with a confidence interval.

    For ``kind="relative"``, baseline-0 pairs cannot be responders and are excluded from ``n``
    (counted in ``n_zero_baseline``); incomplete pairs are counted in ``n_missing``.
    """

    _unpack: ClassVar[tuple[str, ...]] = ("proportion", "ci_low", "ci_high")

    k: int
    n: int
    proportion: float
    ci_low: float
    ci_high: float
    threshold: float
    kind: str
    n_zero_baseline: int
    n_missing: int
    ci_method: str = "wilson"
    conf_level: float = 0.95


def _changes(pre, post, kind: str) -> tuple[np.ndarray, int, int]:
    """Changes of the evaluable pairs, and the counts of missing and zero-baseline pairs."""
    if not isinstance(kind, str) or kind.lower() not in _KINDS:
        raise ValueError(f"kind must be 'relative' or 'absolute', got {kind!r}")
    kind = kind.lower()
    a, b = _pair_arrays(pre, post)
    change = a - b  # NaN wherever either is missing
    missing = np.isnan(change)
    n_missing = int(np.count_nonzero(missing))
    if kind == "absolute":
        return (change[~missing] if n_missing else change), n_missing, 0
    if (a < 0).any():  # NaN < 0 is False: only observed baselines can fail
        raise ValueError("a relative change needs non-negative baseline scores")
    zero = a == 0
    n_zero = int(np.count_nonzero(zero & ~missing))  # a zero baseline with a missing follow-up is missing
    if n_missing or n_zero:
        keep = ~(missing | zero)
        a, change = a[keep], change[keep]
    change /= a
    return change, n_missing, n_zero


def _check_threshold(threshold) -> float:
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float, np.integer, np.floating))
        or not np.isfinite(threshold)
    ):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    return float(threshold)


def responders(
    pre, post, threshold: float, kind: str = "relative", *, ci_method: str = "wilson", conf_level: float = 0.95
) -> ResponderResult:
    """Count patients whose score decreased by at least ``threshold``, with a CI for the proportion.

    ``kind="relative"``: threshold is a fraction of baseline (0.30 = "at least a 30 % decrease");
    ``kind="absolute"``: threshold is in scale points of decrease. Boundary cases count (see the
    module docstring). Negative thresholds are allowed (e.g. -0.2: "worsened by at most 20 %").

    Parameters
    ----------
    pre, post : array_like
        Baseline and follow-up scores of each patient, of equal length; None, NaN and pd.NA mean missing (the
        patient is counted in ``n_missing``).
    threshold : float
        Smallest decrease that counts as a response: a fraction of baseline (``kind="relative"``) or scale points
        (``kind="absolute"``).
    kind : {"relative", "absolute"}, default "relative"
        How ``threshold`` is read.
    ci_method : {"wilson", "clopper-pearson", "jeffreys", "agresti-coull", "wald"}, default "wilson"
        The interval for the proportion (:func:`proportion_ci`).
    conf_level : float, default 0.95
        Level of the interval.

    Returns
    -------
    ResponderResult
        ``k`` responders of ``n``, the proportion and its interval (``ci_low``, ``ci_high``), and the patients left
        out for a missing score (``n_missing``) or, for a relative threshold, a zero baseline (``n_zero_baseline``).

    References
    ----------
    Farrar JT et al. (2001). Clinical importance of changes in chronic pain intensity measured on an 11-point
    numerical pain rating scale. Pain 94(2):149-158 (the 30 % decrease as a responder definition).

    Examples
    --------
    >>> r = responders([10, 8, 6, 0, 7], [7, 6, 6, 2, None], 0.30)
    >>> (r.k, r.n, r.n_zero_baseline, r.n_missing)
    (1, 3, 1, 1)
    """
    threshold = _check_threshold(threshold)
    ci_method, conf_level = _check_ci(ci_method, conf_level)
    change, n_missing, n_zero = _changes(pre, post, kind)
    k = int(np.count_nonzero(change >= threshold - TOLERANCE))
    ci = proportion_ci(k, int(change.size), ci_method, conf_level)
    return ResponderResult(
        k,
        int(change.size),
        ci.proportion,
        ci.low,
        ci.high,
        threshold,
        kind.lower(),
        n_zero,
        n_missing,
        ci_method,
        conf_level,
    )


_GRIDS = {"relative": np.arange(101) / 100, "absolute": np.arange(21) / 2}
for _grid in _GRIDS.values():
    _grid.flags.writeable = False


def _default_thresholds(kind: str, observed: np.ndarray) -> np.ndarray:
    grid = _GRIDS[kind]
    if not observed.size:
        return grid.copy()
    # ``observed`` is sorted: its distinct values in one pass (np.unique would sort it again)
    values = observed[np.concatenate(([True], observed[1:] != observed[:-1]))]
    # an observed value within the tolerance of a grid value is that grid value
    pos = np.searchsorted(grid, values).clip(1, grid.size - 1)
    near = np.minimum(np.abs(values - grid[pos - 1]), np.abs(values - grid[pos])) <= TOLERANCE
    values = values[~near]
    if values.size > 1:  # and observed values equal up to rounding are one value
        values = values[np.concatenate(([True], np.diff(values) > TOLERANCE))]
    return np.sort(np.concatenate([grid, values]))


def responder_curve(
    pre, post, kind: str = "relative", *, thresholds=None, ci_method: str = "wilson", conf_level: float = 0.95
) -> pd.DataFrame:
    """Proportion of responders at every threshold: the responder (cumulative response) curve.

    One row per threshold with columns ``threshold, k, n, proportion, ci_low, ci_high``; each row
    equals :func:`responders` at that threshold. Default thresholds: a 1 % grid 0..1 (relative) or
    a 0.5-point grid 0..10 (absolute), plus every observed change, so the step function is exact.
    The changes are sorted once and counted with ``searchsorted``, so 10^6 pairs take well under a
    second. ``df.attrs`` records kind, ci_method, conf_level, n_missing and n_zero_baseline.

    Parameters
    ----------
    pre, post : array_like
        Baseline and follow-up scores of each patient, of equal length; None, NaN and pd.NA mean missing (the
        patient is counted in ``n_missing``).
    kind : {"relative", "absolute"}, default "relative"
        Thresholds as fractions of baseline or as scale points.
    thresholds : array_like, optional
        The thresholds to tabulate; default a grid plus every observed change (see above).
    ci_method : {"wilson", "clopper-pearson", "jeffreys", "agresti-coull", "wald"}, default "wilson"
        The interval for the proportion (:func:`proportion_ci`).
    conf_level : float, default 0.95
        Level of the interval.

    Returns
    -------
    pandas.DataFrame
        One row per threshold: ``threshold, k, n, proportion, ci_low, ci_high``; ``attrs`` as above.

    References
    ----------
    Farrar JT et al. (2001). Pain 94(2):149-158 (cumulative proportion of responders by percent change).

    Examples
    --------
    >>> responder_curve([10, 8, 6], [7, 6, 6], thresholds=[0.25, 0.3, 0.5])[["threshold", "k", "n"]]
       threshold  k  n
    0       0.25  2  3
    1       0.30  1  3
    2       0.50  0  3
    """
    ci_method, conf_level = _check_ci(ci_method, conf_level)
    change, n_missing, n_zero = _changes(pre, post, kind)
    kind = kind.lower()
    ordered = np.sort(change)
    if thresholds is None:
        grid = _default_thresholds(kind, ordered)
    else:
        grid = np.asarray(thresholds, dtype=float).ravel()
        if not np.isfinite(grid).all():
            raise ValueError("thresholds must be finite numbers")
    n = int(ordered.size)
    k = n - np.searchsorted(ordered, grid - TOLERANCE, side="left")
    if n:
        low, high = _ci_arrays(k, np.full(k.shape, n), ci_method, conf_level)
        proportion = k / n
    else:
        low = high = proportion = np.full(grid.shape, np.nan)
    frame = pd.DataFrame(
        {"threshold": grid, "k": k, "n": np.full(k.shape, n), "proportion": proportion, "ci_low": low, "ci_high": high},
        copy=False,
    )
    frame.attrs.update(
        kind=kind, ci_method=ci_method, conf_level=conf_level, n_missing=n_missing, n_zero_baseline=n_zero
    )
    return frame
