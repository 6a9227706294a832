"""Sample quantiles under every common definition, and the order statistics behind them.

Hyndman & Fan (1996) list nine definitions (types 1-9); R's default is type 7, SAS's type 2,
SPSS and Minitab use type 6, and Tukey's hinges (R ``fivenum``) are a tenth rule. On small
integer samples they give visibly different IQRs, which is why a printed IQR is evidence about
the software that produced it.

References
----------
Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50(4):361-365.
doi:10.1080/00031305.1996.10473566
Tukey JW. Exploratory Data Analysis. Addison-Wesley, 1977 (hinges; R ``stats::fivenum``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar, Union

import numpy as np
import pandas as pd

from sacro_kit._compat import renamed_arguments
from sacro_kit._results import Result

Method = Union[int, str]

#: Every quantile definition the kit knows: Hyndman-Fan types 1-9 and Tukey's hinges.
QUANTILE_METHODS: tuple[Method, ...] = (1, 2, 3, 4, 5, 6, 7, 8, 9, "tukey")

#: numpy's name for each Hyndman-Fan type (numpy >= 1.22).
NUMPY_METHOD: dict[Method, str] = {
    1: "inverted_cdf",
    2: "averaged_inverted_cdf",
    3: "closest_observation",
    4: "interpolated_inverted_cdf",
    5: "hazen",
    6: "weibull",
    7: "linear",
    8: "median_unbiased",
    9: "normal_unbiased",
}

#: Where each definition is the default, for tables and prose.
METHOD_LABEL = {
    1: "type 1 (inverse ECDF; SAS PCTLDEF=3)",
    2: "type 2 (averaged inverse ECDF; SAS default, Stata)",
    3: "type 3 (nearest even order statistic; SAS PCTLDEF=2)",
    4: "type 4 (linear interpolation of the ECDF)",
    5: "type 5 (Hazen; piecewise linear midpoints)",
    6: "type 6 (Weibull; SPSS, Minitab)",
    7: "type 7 (R, numpy, pandas, Excel default)",
    8: "type 8 (median-unbiased; Hyndman-Fan's choice)",
    9: "type 9 (normal-unbiased)",
    "tukey": "Tukey hinges (R fivenum)",
}


def check_method(method: Method) -> Method:
    """Return ``method`` normalised (1-9 or ``"tukey"``), or raise ValueError naming the choices."""
    if isinstance(method, str) and method.lower() in {"tukey", "hinges", "fivenum"}:
        return "tukey"
    if isinstance(method, (int, np.integer)) and not isinstance(method, bool) and 1 <= int(method) <= 9:
        return int(method)
    raise ValueError(f"method must be a Hyndman-Fan type 1-9 or 'tukey', got {method!r}")


@dataclass(frozen=True)
class OrderStatistic:
    """A quantile as a weighted pair of order statistics: ``(1 - gamma) * x[lo] + gamma * x[hi]``.

    ``lo`` and ``hi`` are 1-based positions in the sorted sample (already clamped to 1..n), and
    ``gamma`` is exact (a Fraction), so reasoning about integer data involves no rounding.
    """

    lo: int
    hi: int
    gamma: Fraction

    def value(self, sorted_x) -> float:
        """Evaluate on an ascending sequence (1-based positions)."""
        a, b = sorted_x[self.lo - 1], sorted_x[self.hi - 1]
        return float((1 - self.gamma) * Fraction(a) + self.gamma * Fraction(b)) if self.gamma else float(a)


@renamed_arguments(method="quantile_type")
def order_statistic(n: int, p: float | Fraction, quantile_type: Method = 7) -> OrderStatistic:
    """Which order statistics make the ``p``-quantile of a sample of size ``n``, and how they are weighted.

    Implements Hyndman & Fan's Q(p) = (1 - gamma) x_j + gamma x_(j+1) with exact arithmetic.

    Parameters
    ----------
    n : int
        Sample size.
    p : float
        Probability in [0, 1]; a float stands for the decimal it prints as.
    quantile_type : int 1-9 or "tukey", default 7
        Hyndman-Fan definition (7 is R's and numpy's default, 6 SPSS's and Minitab's, 2 SAS's default) or Tukey's
        hinges (R's ``fivenum``).

    Returns
    -------
    OrderStatistic
        ``lo`` and ``hi``, the 1-based ranks of the order statistics, and ``gamma``, the exact weight of ``hi``.

    References
    ----------
    Hyndman RJ, Fan Y (1996). Sample quantiles in statistical packages. Am Stat 50(4):361-365.

    Examples
    --------
    >>> order_statistic(29, 0.75, quantile_type=6)
    OrderStatistic(lo=22, hi=23, gamma=Fraction(1, 2))
    """
    method = quantile_type
    method = check_method(method)
    if n < 1:
        raise ValueError("a quantile needs at least one observation")
    # A float p stands for the decimal the caller meant (0.1, not 0.1000000000000000055...).
    p_exact = Fraction(p).limit_denominator(10**6) if isinstance(p, float) else Fraction(p)
    if not 0 <= p_exact <= 1:
        raise ValueError(f"p must lie in [0, 1], got {float(p_exact)}")
    # a numpy integer n is the same cache key as the int: give the cache (and the result) the int
    return _order_statistic(int(n) if isinstance(n, np.integer) else n, p_exact, method)


# the consistency checks ask for the same few (n, p, type) triples hundreds of thousands of times
@functools.lru_cache(maxsize=4096)
def _order_statistic(n: int, p_exact: Fraction, method: Method) -> OrderStatistic:
    def clamp(i: int) -> int:
        return min(max(i, 1), n)

    if method == "tukey":
        n4 = Fraction(math.floor(Fraction(n + 3, 2)), 2)
        depth = {
            Fraction(0): Fraction(1),
            Fraction(1, 4): n4,
            Fraction(1, 2): Fraction(n + 1, 2),
            Fraction(3, 4): n + 1 - n4,
            Fraction(1): Fraction(n),
        }
        if p_exact not in depth:
            raise ValueError("Tukey hinges define only p = 0, 0.25, 0.5, 0.75 and 1")
        d = depth[p_exact]
        lo, hi = math.floor(d), math.ceil(d)
        return OrderStatistic(lo, hi, Fraction(0) if lo == hi else Fraction(1, 2))

    if method in (1, 2, 3):
        m = Fraction(-1, 2) if method == 3 else Fraction(0)
        np_m = n * p_exact + m
        j = math.floor(np_m)
        g = np_m - j
        if method == 1:
            gamma = Fraction(0) if g == 0 else Fraction(1)
        elif method == 2:
            gamma = Fraction(1, 2) if g == 0 else Fraction(1)
        else:
            gamma = Fraction(0) if (g == 0 and j % 2 == 0) else Fraction(1)
    else:
        alpha, beta = {
            4: (Fraction(0), Fraction(1)),
            5: (Fraction(1, 2), Fraction(1, 2)),
            6: (Fraction(0), Fraction(0)),
            7: (Fraction(1), Fraction(1)),
            8: (Fraction(1, 3), Fraction(1, 3)),
            9: (Fraction(3, 8), Fraction(3, 8)),
        }[int(method)]
        # m = alpha + p (1 - alpha - beta): Hyndman & Fan, eq. (1) and Table 1.
        np_m = n * p_exact + alpha + p_exact * (1 - alpha - beta)
        j = math.floor(np_m)
        gamma = np_m - j
    lo, hi = clamp(j), clamp(j + 1)
    if lo == hi or gamma == 0:
        return OrderStatistic(lo, lo, Fraction(0)) if gamma == 0 else OrderStatistic(hi, hi, Fraction(0))
    return OrderStatistic(lo, hi, gamma)


def _as_float(x: Iterable[float]) -> np.ndarray:
    """Values as a float array with every kind of missing (None, NaN, pandas NA) as NaN."""
    if isinstance(x, (pd.Series, pd.Index)):
        return x.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    try:
        return np.asarray(x, dtype=float).ravel()
    except TypeError:  # None or pandas NA among the values
        pass
    return pd.array(list(np.ravel(np.asarray(x, dtype=object))), dtype="Float64").to_numpy(dtype=float, na_value=np.nan)


def _finite(x: Iterable[float]) -> np.ndarray:
    arr = _as_float(x)
    return arr[~np.isnan(arr)]


@renamed_arguments(method="quantile_type")
def quantile(x: Iterable[float], p, quantile_type: Method = 7):
    """The ``p``-quantile(s) of ``x`` under Hyndman-Fan type ``quantile_type`` (1-9) or ``"tukey"`` hinges.

    Missing values (NaN) are ignored; use :func:`describe` to see how many there were.
    The discontinuous types 1-3 and Tukey's hinges (R's ``fivenum``) are computed in exact arithmetic
    by :func:`order_statistic` (a float p stands for the decimal it prints as), so they pick the same
    order statistics as R, whose ``quantile`` adds a 4-ulp fuzz for the same reason; the continuous
    types 4-9 are numpy's interpolation, equal to the exact rule to rounding.

    Parameters
    ----------
    x : array_like
        The sample; None, NaN and pd.NA mean missing (ignored).
    p : float or array_like
        Probability or probabilities in [0, 1].
    quantile_type : int 1-9 or "tukey", default 7
        Hyndman-Fan definition (7 is R's and numpy's default, 6 SPSS's and Minitab's, 2 SAS's default) or Tukey's
        hinges (R's ``fivenum``).

    Returns
    -------
    float or numpy.ndarray
        The quantile (a float for a scalar ``p``, an array otherwise).

    References
    ----------
    Hyndman RJ, Fan Y (1996). Sample quantiles in statistical packages. Am Stat 50(4):361-365.
    Tukey JW (1977). Exploratory Data Analysis. Addison-Wesley (hinges).

    Examples
    --------
    >>> quantile([1, 2, 3, 4, 5, 6], 0.25, quantile_type=6)
    1.75
    >>> quantile([1, 2, 3, 4, 5, 6], 0.25, quantile_type="tukey")
    2.0
    """
    method = quantile_type
    method = check_method(method)
    values = _finite(x)
    if values.size == 0:
        raise ValueError("quantile of an empty sample (no non-missing values)")
    scalar = np.ndim(p) == 0
    ps = np.atleast_1d(np.asarray(p, dtype=float))
    if np.any((ps < 0) | (ps > 1)):
        raise ValueError(f"p must lie in [0, 1], got {p!r}")
    if method in ("tukey", 1, 2, 3):
        # discontinuous definitions: which order statistic is chosen must not depend on rounding
        # (numpy computes n * p in floating point: 25 * 0.28 lands above 7 and picks x_(8), not x_(7))
        sorted_x = np.sort(values)
        out = np.array([order_statistic(values.size, float(q), method).value(sorted_x) for q in ps])
    else:
        out = np.quantile(values, ps, method=NUMPY_METHOD[method])  # type: ignore[call-overload]  # a str, not numpy's Literal
    return float(out[0]) if scalar else out


@dataclass(frozen=True)
class Description(Result):
    """Five-number summary of one variable, with the count of missing values shown, not hidden."""

    _unpack: ClassVar[tuple[str, ...]] = ("median", "q1", "q3")

    n: int
    n_missing: int
    median: float
    q1: float
    q3: float
    min: float
    max: float
    quantile_type: Method

    @property
    def method(self) -> Method:
        """Deprecated name of :attr:`quantile_type`."""
        import warnings

        warnings.warn("Description.method is deprecated; use quantile_type", DeprecationWarning, stacklevel=2)
        return self.quantile_type

    @property
    def iqr(self) -> float:
        return self.q3 - self.q1

    def __str__(self) -> str:
        return (
            f"median {self.median:g} (IQR {self.q1:g}-{self.q3:g}), range {self.min:g}-{self.max:g}, "
            f"n={self.n}, missing {self.n_missing}"
        )


@renamed_arguments(method="quantile_type")
def describe(x: Iterable[float], quantile_type: Method = 7) -> Description:
    """Median, quartiles, range and counts of ``x`` under one quantile definition.

    Parameters
    ----------
    x : array_like
        The sample; None, NaN and pd.NA mean missing (counted in ``n_missing``).
    quantile_type : int 1-9 or "tukey", default 7
        Hyndman-Fan definition (7 is R's and numpy's default, 6 SPSS's and Minitab's, 2 SAS's default) or Tukey's
        hinges (R's ``fivenum``).

    Returns
    -------
    Description
        ``n, n_missing, median, q1, q3, min, max`` and the definition used.

    References
    ----------
    Hyndman RJ, Fan Y (1996). Sample quantiles in statistical packages. Am Stat 50(4):361-365.

    Examples
    --------
    >>> describe([7, 8, None, 4], quantile_type=6)
    Description(n=3, n_missing=1, median=7.0, q1=4.0, q3=8.0, min=4.0, max=8.0, quantile_type=6)
    """
    method = quantile_type
    raw = _as_float(x)
    values = raw[~np.isnan(raw)]
    n_missing = int(raw.size - values.size)
    method = check_method(method)
    if values.size == 0:
        nan = float("nan")
        return Description(0, n_missing, nan, nan, nan, nan, nan, method)
    q1, med, q3 = quantile(values, [0.25, 0.5, 0.75], quantile_type=method)
    return Description(
        int(values.size), n_missing, float(med), float(q1), float(q3), float(values.min()), float(values.max()), method
    )
