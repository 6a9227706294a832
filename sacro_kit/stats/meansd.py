"""Estimate a sample mean and SD from a median with its IQR and/or range, for meta-analysis.

Studies that report ``median (IQR)`` cannot enter an inverse-variance meta-analysis of means until a
mean and an SD are estimated from the quantiles. The closed-form estimators here all assume roughly
normal data; the result therefore carries warnings (skewness, values at the floor or ceiling of a
bounded scale) instead of pretending the conversion is exact.

Scenarios (Wan et al. 2014): S1 = {min, median, max}; S2 = {q1, median, q3}; S3 = all five.

References
----------
Hozo SP, Djulbegovic B, Hozo I. Estimating the mean and variance from the median, range, and the size of
    a sample. BMC Med Res Methodol 2005;5:13. doi:10.1186/1471-2288-5-13
Wan X, Wang W, Liu J, Tong T. Estimating the sample mean and standard deviation from the sample size,
    median, range and/or interquartile range. BMC Med Res Methodol 2014;14:135. doi:10.1186/1471-2288-14-135
Bland M. Estimating mean and standard deviation from the sample size, three quartiles, minimum, and
    maximum. Int J Stat Med Res 2015;4(1):57-64.
Luo D, Wan X, Liu J, Tong T. Optimally estimating the sample mean from the sample size, median,
    mid-range, and/or mid-quartile range. Stat Methods Med Res 2018;27(6):1785-1805. doi:10.1177/0962280216669183
Shi J, Luo D, Weng H, et al. Optimally estimating the sample standard deviation from the five-number
    summary. Res Synth Methods 2020;11(5):641-654. doi:10.1002/jrsm.1429
Shi J, Luo D, Wan X, et al. Detecting the skewness of data from the five-number summary and its
    application in meta-analysis. Stat Methods Med Res 2023;32(7):1338-1360.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from scipy.stats import norm

from sacro_kit._results import Result

__all__ = [
    "MeanSD",
    "estimate_mean_sd",
    "wan_xi",
    "wan_eta",
    "WAN_TABLE1_XI",
    "WAN_TABLE2_ETA",
    "MEAN_METHODS",
    "SD_METHODS",
]

MEAN_METHODS = ("luo", "wan", "hozo", "bland")
SD_METHODS = ("wan", "shi", "hozo")

#: Wan et al. (2014) Table 1: xi(n) for n = 1..50 (the expected range of a standard normal sample).
#: Transcribed from the published table (BMC Med Res Methodol 14:135, Table 1) and identical to
#: R package meta's internal ``Wan2014.Table1``.
WAN_TABLE1_XI = (
    0.000,
    1.128,
    1.693,
    2.059,
    2.326,
    2.534,
    2.704,
    2.847,
    2.970,
    3.078,
    3.173,
    3.259,
    3.336,
    3.407,
    3.472,
    3.532,
    3.588,
    3.640,
    3.689,
    3.735,
    3.778,
    3.819,
    3.858,
    3.895,
    3.931,
    3.964,
    3.997,
    4.027,
    4.057,
    4.086,
    4.113,
    4.139,
    4.165,
    4.189,
    4.213,
    4.236,
    4.259,
    4.280,
    4.301,
    4.322,
    4.341,
    4.361,
    4.379,
    4.398,
    4.415,
    4.433,
    4.450,
    4.466,
    4.482,
    4.498,
)

#: Wan et al. (2014) Table 2: eta(n) for n = 4Q + 1, Q = 1..50 (twice the expected (3Q+1)-th order
#: statistic of a standard normal sample), as in R package meta's internal ``Wan2014.Table2``.
WAN_TABLE2_ETA = (
    0.990,
    1.144,
    1.206,
    1.239,
    1.260,
    1.274,
    1.284,
    1.292,
    1.298,
    1.303,
    1.307,
    1.311,
    1.313,
    1.316,
    1.318,
    1.320,
    1.322,
    1.323,
    1.324,
    1.326,
    1.327,
    1.328,
    1.329,
    1.330,
    1.330,
    1.331,
    1.332,
    1.332,
    1.333,
    1.333,
    1.334,
    1.334,
    1.335,
    1.335,
    1.336,
    1.336,
    1.336,
    1.337,
    1.337,
    1.337,
    1.338,
    1.338,
    1.338,
    1.338,
    1.339,
    1.339,
    1.339,
    1.339,
    1.339,
    1.340,
)


def wan_xi(n: int) -> float:
    """Wan et al.'s closed form xi(n) = 2 Phi^-1((n - 0.375) / (n + 0.25)), the range divisor."""
    return float(2 * norm.ppf((n - 0.375) / (n + 0.25)))


def wan_eta(n: int) -> float:
    """Wan et al.'s closed form eta(n) = 2 Phi^-1((0.75 n - 0.125) / (n + 0.25)), the IQR divisor."""
    return float(2 * norm.ppf((0.75 * n - 0.125) / (n + 0.25)))


@dataclass(frozen=True)
class MeanSD(Result):
    """An estimated mean and SD, how they were obtained, and why they may mislead.

    ``xi`` and ``eta`` are the range and IQR divisors actually used (None when not used), and
    ``constants`` says whether they came from Wan's closed forms or Wan's tables. ``skewness`` is the
    quantile skewness statistic of Shi et al. (2023) for the scenario (Bowley's for S2) and
    ``skewness_critical`` its 5% critical value. ``warnings`` lists, in words, every reason to doubt
    the normal-theory conversion; nothing is printed or raised as a Python warning.
    """

    _unpack: ClassVar[tuple[str, ...]] = ("mean", "sd")

    mean: float
    sd: float
    scenario: str
    mean_method: str
    sd_method: str
    n: int
    xi: float | None
    eta: float | None
    constants: str
    skewness: float
    skewness_critical: float
    warnings: tuple[str, ...]

    def __str__(self) -> str:
        flag = f" ({len(self.warnings)} warning{'s' * (len(self.warnings) != 1)})" if self.warnings else ""
        return (
            f"mean {self.mean:.3f}, SD {self.sd:.3f} from {self.scenario} (n={self.n}; "
            f"{self.mean_method} mean, {self.sd_method} SD, {self.constants}){flag}"
        )


def _number(name: str, value) -> float | None:
    if value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if math.isnan(out):
        return None
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return out


def _sample_size(n) -> int:
    if isinstance(n, bool):
        raise ValueError(f"n must be an integer sample size >= 2, got {n!r}")
    try:
        as_float = float(n)
    except (TypeError, ValueError):
        raise ValueError(f"n must be an integer sample size >= 2, got {n!r}") from None
    if not math.isfinite(as_float) or as_float != int(as_float) or as_float < 2:
        raise ValueError(f"n must be an integer sample size >= 2, got {n!r}")
    return int(as_float)


def _divisors(n: int, use_xi: bool, use_eta: bool, xi_eta: str) -> tuple[float | None, float | None, str]:
    """Range and IQR divisors, from Wan's closed forms or (where they exist) Wan's tables."""
    xi = wan_xi(n) if use_xi else None
    eta = wan_eta(n) if use_eta else None
    if xi_eta == "formula":
        return xi, eta, "closed-form xi/eta (Wan 2014)"
    parts = []
    if use_xi:
        if n <= len(WAN_TABLE1_XI):
            xi = WAN_TABLE1_XI[n - 1]
            parts.append(f"xi({n}) = {xi:.3f} from Wan 2014 Table 1")
        else:
            parts.append(f"xi({n}) closed form (Table 1 stops at n = 50)")
    if use_eta:
        q, rest = divmod(n - 1, 4)
        if rest == 0 and 1 <= q <= len(WAN_TABLE2_ETA):
            eta = WAN_TABLE2_ETA[q - 1]
            parts.append(f"eta({n}) = {eta:.3f} from Wan 2014 Table 2")
        else:
            parts.append(f"eta({n}) closed form (Table 2 covers only n = 4Q + 1 <= 201)")
    return xi, eta, "; ".join(parts)


def _skewness_test(scenario: str, n: int, a, q1, m, q3, b) -> tuple[float, float]:
    """Shi et al. (2023) skewness statistic and its 5% critical value, as in metamedian's describe_studies()."""
    if scenario == "S1":
        return (a + b - 2 * m) / (b - a), 1 / math.log(n + 9) + 2.5 / (n + 1)
    bowley = (q1 + q3 - 2 * m) / (q3 - q1)
    if scenario == "S2":
        return bowley, 2.65 / math.sqrt(n) - 6 / n**2
    t1 = (a + b - 2 * m) / (b - a)
    # metamedian takes max(c*|T1|, T2); the absolute value of T2 is used here so that left skew counts too.
    return max(2.65 * math.log(0.6 * n) / math.sqrt(n) * abs(t1), abs(bowley)), 3 / math.sqrt(n) - 40 / n**3


def estimate_mean_sd(
    n,
    *,
    min=None,
    q1=None,
    median=None,
    q3=None,
    max=None,  # noqa: A002 - names as printed
    mean_method: str = "luo",
    sd_method: str | None = None,
    scale: tuple[float, float] | None = None,
    xi_eta: str = "formula",
) -> MeanSD:
    """Estimate the sample mean and SD from a median plus IQR (S2), range (S1) or both (S3).

    The scenario follows from which quantiles are given. Defaults follow R ``meta::metamean``: Luo et al.
    (2018) mean, Wan et al. (2014) SD for S1/S2 and Shi et al. (2020) SD for S3.

    Parameters
    ----------
    n : int
        Sample size (an integer >= 2).
    min, q1, median, q3, max : float, optional
        The reported quantiles; ``median`` is required, with ``q1`` and ``q3`` (S2), ``min`` and ``max`` (S1)
        or all four (S3). None or NaN means not reported.
    mean_method : {"luo", "wan", "bland", "hozo"}, default "luo"
        ``"luo"`` (S1, S2, S3; optimal weights, Luo 2018); ``"wan"`` (S1: Hozo's formula
        (a + 2m + b)/4 + (a - 2m + b)/(4n), Wan's eq. 2; S2: (q1 + m + q3)/3; S3: (a + 2q1 + 2m + 2q3 + b)/8);
        ``"bland"`` (S3 only, the same S3 formula as published by Bland 2015); ``"hozo"`` (S1 only, Hozo's
        recommendation: the formula above for n <= 25, the median itself for n > 25).
    sd_method : {"wan", "shi", "hozo"}, optional
        ``"wan"`` (S1: (b - a)/xi(n); S2: (q3 - q1)/eta(n); S3: the average of the two);
        ``"shi"`` (S3 only: (b - a)/theta1 + (q3 - q1)/theta2, Shi 2020 eq. 11); ``"hozo"`` (S1 only, Hozo's
        recommendation as summarised by Wan 2014 eq. 6: sqrt(((a - 2m + b)^2/4 + (b - a)^2)/12) for n <= 15,
        range/4 for 15 < n <= 70, range/6 for n > 70). ``None`` (default): ``"shi"`` for S3, ``"wan"``
        otherwise.
    scale : (float, float), optional
        The bounds of a bounded scale, e.g. ``(0, 10)`` for an 11-point NRS; quantiles at a bound
        (floor or ceiling) are reported in ``warnings`` because the data are then censored, not normal.
        Quantiles outside it are refused.
    xi_eta : {"formula", "table"}, default "formula"
        ``"formula"`` uses Wan's closed forms xi(n) = 2 Phi^-1((n - 0.375)/(n + 0.25)) and
        eta(n) = 2 Phi^-1((0.75n - 0.125)/(n + 0.25)) (as metaBLUE, estmeansd and metamedian do); ``"table"``
        uses Wan's exact Table 1 (xi, n <= 50) and Table 2 (eta, n = 4Q + 1 <= 201) where they exist and the
        closed form otherwise; ``constants`` in the result says which was used.

    Returns
    -------
    MeanSD
        ``mean`` and ``sd`` (unpacking gives ``mean, sd``), with ``scenario``, ``mean_method``, ``sd_method``,
        ``n``, the divisors ``xi``/``eta`` used, ``constants``, ``skewness`` with ``skewness_critical``, and
        ``warnings`` (words, never Python warnings).

    References
    ----------
    Wan X, Wang W, Liu J, Tong T. Estimating the sample mean and standard deviation from the sample size,
    median, range and/or interquartile range. BMC Med Res Methodol 2014;14:135. doi:10.1186/1471-2288-14-135
    Luo D, Wan X, Liu J, Tong T. Optimally estimating the sample mean from the sample size, median,
    mid-range, and/or mid-quartile range. Stat Methods Med Res 2018;27(6):1785-1805.
    Shi J, Luo D, Weng H, et al. Optimally estimating the sample standard deviation from the five-number
    summary. Res Synth Methods 2020;11(5):641-654. doi:10.1002/jrsm.1429
    Hozo SP, Djulbegovic B, Hozo I. Estimating the mean and variance from the median, range, and the size of
    a sample. BMC Med Res Methodol 2005;5:13. Bland M. Int J Stat Med Res 2015;4(1):57-64.

    Examples
    --------
    >>> r = estimate_mean_sd(29, q1=4, median=7, q3=8.5, scale=(0, 10))
    >>> round(r.mean, 3), round(r.sd, 3), r.scenario
    (6.465, 3.509, 'S2')
    >>> round(estimate_mean_sd(30, min=1, median=4, max=10).mean, 6)  # metaBLUE Luo.mean(c(1, 4, 10), 30, "S1")
    4.356748
    """
    n = _sample_size(n)
    q = _Quantiles(
        *(_number(k, v) for k, v in (("min", min), ("q1", q1), ("median", median), ("q3", q3), ("max", max)))
    )
    scenario = q.scenario()
    mean_method, sd_method = _chosen_methods(scenario, mean_method, sd_method, xi_eta)
    mean = _mean(mean_method, scenario, n, q)
    sd, xi, eta, constants = _sd(sd_method, scenario, n, q, xi_eta)
    stat, critical = _skewness_test(scenario, n, q.min, q.q1, q.median, q.q3, q.max)
    notes = _conversion_notes(q, n, mean, stat, critical, scale)
    return MeanSD(
        mean=float(mean),
        sd=float(sd),
        scenario=scenario,
        mean_method=mean_method,
        sd_method=sd_method,
        n=n,
        xi=xi,
        eta=eta,
        constants=constants,
        skewness=float(stat),
        skewness_critical=float(critical),
        warnings=tuple(notes),
    )


@dataclass(frozen=True)
class _Quantiles:
    """The reported five-number summary (None where not reported), checked by :meth:`scenario`."""

    min: float | None
    q1: float | None
    median: float | None
    q3: float | None
    max: float | None

    @property
    def has_range(self) -> bool:
        return self.min is not None and self.max is not None

    @property
    def has_iqr(self) -> bool:
        return self.q1 is not None and self.q3 is not None

    def given(self) -> list[tuple[str, float]]:
        """The reported quantiles in order, by name."""
        named = (("min", self.min), ("q1", self.q1), ("median", self.median), ("q3", self.q3), ("max", self.max))
        return [(k, v) for k, v in named if v is not None]

    def scenario(self) -> str:
        """ "S1" (range), "S2" (IQR) or "S3" (both), after checking the summary can be converted at all."""
        if self.median is None:
            raise ValueError("median is required for every scenario (S1, S2, S3)")
        if (self.min is None) != (self.max is None):
            raise ValueError("give both min and max, or neither")
        if (self.q1 is None) != (self.q3 is None):
            raise ValueError("give both q1 and q3, or neither")
        if not (self.has_range or self.has_iqr):
            raise ValueError("need q1 and q3 (S2), min and max (S1), or all five (S3) besides the median")
        ordered = self.given()
        for (k1, v1), (k2, v2) in zip(ordered, ordered[1:]):
            if v1 > v2:
                raise ValueError(f"quantiles out of order: {k1} = {v1:g} > {k2} = {v2:g}")
        if self.has_iqr and self.q3 == self.q1:
            raise ValueError(f"q1 = q3 = {self.q1:g}: a zero IQR gives no information on the SD")
        if self.has_range and self.max == self.min:
            raise ValueError(f"min = max = {self.min:g}: a zero range gives no information on the SD")
        return "S3" if self.has_range and self.has_iqr else ("S1" if self.has_range else "S2")


#: The scenarios each estimator is defined for.
_MEAN_SCENARIOS = {"luo": ("S1", "S2", "S3"), "wan": ("S1", "S2", "S3"), "hozo": ("S1",), "bland": ("S3",)}
_SD_SCENARIOS = {"wan": ("S1", "S2", "S3"), "shi": ("S3",), "hozo": ("S1",)}


def _chosen_methods(scenario: str, mean_method: str, sd_method: str | None, xi_eta: str) -> tuple[str, str]:
    """The mean and SD estimators, lower-cased and checked against the scenario (None: Shi for S3, else Wan)."""
    mean_method = str(mean_method).lower()
    if mean_method not in MEAN_METHODS:
        raise ValueError(f"mean_method must be one of {MEAN_METHODS}, got {mean_method!r}")
    sd_method = str("shi" if scenario == "S3" else "wan") if sd_method is None else str(sd_method).lower()
    if sd_method not in SD_METHODS:
        raise ValueError(f"sd_method must be one of {SD_METHODS}, got {sd_method!r}")
    if xi_eta not in ("formula", "table"):
        raise ValueError(f"xi_eta must be 'formula' or 'table', got {xi_eta!r}")
    if scenario not in _MEAN_SCENARIOS[mean_method]:
        raise ValueError(
            f"mean_method={mean_method!r} is defined only for {_MEAN_SCENARIOS[mean_method]}, not {scenario}"
        )
    if scenario not in _SD_SCENARIOS[sd_method]:
        raise ValueError(f"sd_method={sd_method!r} is defined only for {_SD_SCENARIOS[sd_method]}, not {scenario}")
    return mean_method, sd_method


def _values(q: _Quantiles) -> tuple[float, float, float, float, float]:
    """(min, q1, median, q3, max) with NaN for what the scenario does not use (never read by its formulas)."""
    nan = float("nan")
    return tuple(nan if v is None else v for v in (q.min, q.q1, q.median, q.q3, q.max))  # type: ignore[return-value]


def _mean(method: str, scenario: str, n: int, q: _Quantiles) -> float:
    """The estimated mean (formulas in :func:`estimate_mean_sd`'s ``mean_method``)."""
    a, lo, m, hi, b = _values(q)
    five_point = (a + 2 * lo + 2 * m + 2 * hi + b) / 8  # Wan S3, Bland 2015
    hozo = (a + 2 * m + b) / 4 + (a - 2 * m + b) / (4 * n)  # Hozo 2005; Wan S1
    if method == "luo":
        if scenario == "S1":
            w = 4 / (4 + n**0.75)
            return w * (a + b) / 2 + (1 - w) * m
        if scenario == "S2":
            return (0.7 + 0.39 / n) * (lo + hi) / 2 + (0.3 - 0.39 / n) * m
        w1 = 2.2 / (2.2 + n**0.75)
        w2 = 0.7 - 0.72 / n**0.55
        return w1 * (a + b) / 2 + w2 * (lo + hi) / 2 + (1 - w1 - w2) * m
    if method == "wan":
        return {"S1": hozo, "S2": (lo + m + hi) / 3, "S3": five_point}[scenario]
    if method == "bland":
        return five_point
    return hozo if n <= 25 else m  # hozo, S1


def _sd(method: str, scenario: str, n: int, q: _Quantiles, xi_eta: str):
    """The estimated SD with the divisors used: ``(sd, xi, eta, constants)``."""
    a, lo, m, hi, b = _values(q)
    if method == "hozo":
        if n <= 15:
            sd = math.sqrt(((a - 2 * m + b) ** 2 / 4 + (b - a) ** 2) / 12)
        else:
            sd = (b - a) / 4 if n <= 70 else (b - a) / 6
        return sd, None, None, "not used (Hozo's rules)"
    xi, eta, constants = _divisors(n, scenario in ("S1", "S3"), scenario in ("S2", "S3"), xi_eta)
    by_range = (b - a) / xi if xi else float("nan")
    by_iqr = (hi - lo) / eta if eta else float("nan")
    if method == "wan":
        sd = {"S1": by_range, "S2": by_iqr, "S3": 0.5 * by_range + 0.5 * by_iqr}[scenario]
    else:  # shi, S3: theta1 = (2 + 0.14 n^0.6) Phi^-1(.), theta2 = (2 + 2/(0.07 n^0.6)) Phi^-1(.)
        w = 1 / (1 + 0.07 * n**0.6)
        sd = w * by_range + (1 - w) * by_iqr
    return sd, xi, eta, constants


def _conversion_notes(q: _Quantiles, n: int, mean: float, stat: float, critical: float, scale) -> list[str]:
    """What makes a normal-theory conversion doubtful, in words: skewness, heaping, floor and ceiling."""
    notes: list[str] = []
    if abs(stat) > critical:
        notes.append(
            f"skewed: Shi et al. (2023) skewness statistic {stat:+.3f} exceeds its 5% critical value "
            f"{critical:.3f} for n = {n}; a normal-theory conversion is biased"
        )
    m = q.median
    if q.has_iqr and m in (q.q1, q.q3):
        which = "q1" if m == q.q1 else "q3"
        notes.append(
            f"median equals {which} ({m:g}): at least a quarter of the sample shares one value "
            "(heaped or censored data)"
        )
    if q.has_range and m in (q.min, q.max):
        which = "min" if m == q.min else "max"
        notes.append(f"median equals the {which} ({m:g}): at least half of the sample shares one value")
    if scale is not None:
        notes += _scale_notes(q.given(), mean, scale)
    return notes


def _scale_notes(ordered: list[tuple[str, float]], mean: float, scale) -> list[str]:
    """Quantiles at a bound of a bounded scale (censored data), or a mean outside it; quantiles outside it refused."""
    try:
        floor, ceiling = (float(x) for x in scale)
    except (TypeError, ValueError):
        raise ValueError(f"scale must be a (low, high) pair, got {scale!r}") from None
    if not floor < ceiling:
        raise ValueError(f"scale must be (low, high) with low < high, got {scale!r}")
    for k, v in ordered:
        if v < floor or v > ceiling:
            raise ValueError(f"{k} = {v:g} lies outside the scale {floor:g}-{ceiling:g}")
    notes = []
    at_floor = [k for k, v in ordered if v == floor]
    at_ceiling = [k for k, v in ordered if v == ceiling]
    if at_floor:
        notes.append(
            f"floor effect: {', '.join(at_floor)} at the scale minimum {floor:g}; the data are "
            "censored at the floor, so the normal-based mean and SD are unreliable"
        )
    if at_ceiling:
        notes.append(
            f"ceiling effect: {', '.join(at_ceiling)} at the scale maximum {ceiling:g}; the data "
            "are censored at the ceiling, so the normal-based mean and SD are unreliable"
        )
    if mean < floor or mean > ceiling:
        notes.append(f"estimated mean {mean:.3f} lies outside the scale {floor:g}-{ceiling:g}")
    return notes
