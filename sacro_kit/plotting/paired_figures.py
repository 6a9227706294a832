"""Figures and small tables for the book's chapters on paired tests, responders and opioids (chapters 4-6).

Every plotting function draws on a Matplotlib :class:`~matplotlib.figure.Figure` that is not registered with
pyplot, returns it and never shows it, so a notebook displays each figure exactly once. Colours come from
seaborn's colour-blind-safe palette. Statistics come from :mod:`sacro_kit.stats.paired` and
:mod:`sacro_kit.stats.responders`; this module only arranges and draws them.

References
----------
Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bulletin 1945;1(6):80-83. doi:10.2307/3001968
Pratt JW. Remarks on zeros and ties in the Wilcoxon signed rank procedures. JASA 1959;54:655-667.
    doi:10.1080/01621459.1959.10501526
U.S. Food and Drug Administration. Guidance for industry. Patient-reported outcome measures: use in medical
    product development to support labeling claims. 2009. https://www.fda.gov/media/77832/download
    (the cumulative distribution of responses drawn by :func:`responder_plot`)
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator
from scipy import stats

from sacro_kit.plotting.style import FIGURE_WIDTH, SMALL, TITLE, new_figure, styled
from sacro_kit.stats.paired import min_attainable_p, wilcoxon
from sacro_kit.stats.responders import responder_curve

__all__ = [
    "PAIRED_VARIABLES",
    "min_p_table",
    "min_p_plot",
    "wilcoxon_table",
    "differences_plot",
    "responder_plot",
    "paired_counts_plot",
    "paired_distributions_plot",
    "reported_responders",
    "spread_plot",
]

#: The paired cohort variables the chapters analyse: short name -> (pre column, post column).
PAIRED_VARIABLES: dict[str, tuple[str, str]] = {
    "rest": ("rest_pre", "rest_post"),
    "activity": ("activity_pre", "activity_post"),
    "opioids": ("opioids_pre", "opioids_post"),
}

BAND_COLUMNS = ("threshold", "min", "p05", "median", "p95", "max")


def palette() -> dict[str, tuple]:
    """The kit's colour roles (cohort, band, reported, ...) from seaborn's colour-blind-safe palette."""
    pal = sns.color_palette("colorblind")
    return {
        "cohort": pal[0],
        "band": pal[1],
        "reported": pal[3],
        "exact": pal[0],
        "asym": pal[2],
        "tied": pal[4],
        "tied_cc": pal[7],
        "pre": pal[7],
        "post": pal[0],
        "zero": pal[3],
        "decrease": pal[2],
        "increase": pal[3],
    }


def _figure(figsize, nrows: int = 1, **kwargs) -> tuple[Figure, np.ndarray]:
    fig = new_figure(figsize)  # not registered with pyplot; shows as a PNG in a notebook
    axes = fig.subplots(nrows, 1, squeeze=False, **kwargs)[:, 0]  # panels stack: a phone is narrow
    return fig, axes


def complete_pairs(cohort: pd.DataFrame, variables: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Complete (pre, post) pairs of two cohort columns as float arrays."""
    if len(variables) != 2:
        raise ValueError(f"variables must name a pre and a post column, got {variables!r}")
    missing = [v for v in variables if v not in cohort.columns]
    if missing:
        raise ValueError(f"cohort has no column {', '.join(map(repr, missing))}")
    pre = cohort[variables[0]].to_numpy(dtype=float, na_value=np.nan)
    post = cohort[variables[1]].to_numpy(dtype=float, na_value=np.nan)
    complete = ~(np.isnan(pre) | np.isnan(post))
    return pre[complete], post[complete]


# --------------------------------------------------------------------------------------------------------------------
# Chapter 4: the smallest attainable p-value, and the Wilcoxon test under every setting


def min_p_table(ns: Sequence[int] = range(5, 31)) -> pd.DataFrame:
    """The smallest two-sided p-value each paired rank test can give with n non-zero pairs.

    Columns: ``n``; ``exact`` (exact signed-rank test = exact sign test = 2/2^n, also the exact permutation
    test of tied data); ``asymptotic`` (normal approximation, no ties); ``asymptotic_tied`` (normal approximation
    with its tie correction in the most favourable case, all ``|differences|`` tied); ``asymptotic_tied_cc`` (the
    same with the continuity correction R applies by default). Values from :func:`sacro_kit.min_attainable_p`.

    Parameters
    ----------
    ns : sequence of int, default range(5, 31)
        The numbers of non-zero pairs, one row each (at least one).

    Returns
    -------
    pandas.DataFrame
        One row per n: ``n``, ``exact``, ``asymptotic``, ``asymptotic_tied``, ``asymptotic_tied_cc``.

    References
    ----------
    Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bulletin 1945;1(6):80-83.
    doi:10.2307/3001968

    Examples
    --------
    >>> print(min_p_table([13]).to_string(index=False, float_format="{:.3g}".format))
     n    exact  asymptotic  asymptotic_tied  asymptotic_tied_cc
    13 0.000244     0.00147         0.000311            0.000363
    """
    ns = [int(n) for n in ns]
    if not ns:
        raise ValueError("ns must hold at least one number of pairs")
    rows = [
        (
            n,
            min_attainable_p(n, "wilcoxon", "exact"),
            min_attainable_p(n, "wilcoxon", "asymptotic", ties="none"),
            min_attainable_p(n, "wilcoxon", "asymptotic", ties="any"),
            min_attainable_p(n, "wilcoxon", "asymptotic", ties="any", correction=True),
        )
        for n in ns
    ]
    return pd.DataFrame(rows, columns=["n", "exact", "asymptotic", "asymptotic_tied", "asymptotic_tied_cc"])


_MIN_P_LABELS = {
    "exact": "exact signed-rank = exact sign test",
    "asymptotic": "normal approximation, no ties",
    "asymptotic_tied": "normal approximation, all tied (best case)",
    "asymptotic_tied_cc": "same, with continuity correction",
}


@styled
def min_p_plot(
    ns: Sequence[int] = range(5, 31),
    *,
    mark_n: int | None = None,
    mark_p: float | None = None,
    mark_label: str = "reported",
    mark_relation: str = "=",
) -> Figure:
    """Smallest attainable two-sided p against the number of non-zero pairs, on a log scale.

    With ``mark_n`` and ``mark_p`` a reported result is drawn as a point: below every curve at its n, no rank
    test could have produced it. The region below the lowest curve is shaded. ``mark_relation`` is the relation
    the paper printed ("<" for "p<0.0001"), so the legend says what the paper said.

    Parameters
    ----------
    ns : sequence of int, default range(5, 31)
        The numbers of non-zero pairs on the x axis (the rows of :func:`min_p_table`).
    mark_n : int, optional
        Number of pairs of a reported result to mark.
    mark_p : float, optional
        Its p-value (the point is drawn only when both ``mark_n`` and ``mark_p`` are given).
    mark_label : str, default "reported"
        Legend label of the marked point.
    mark_relation : str, default "="
        The relation the paper printed ("=", "<", ...), shown in the legend.

    Returns
    -------
    matplotlib.figure.Figure
        One axes: a curve per column of :func:`min_p_table`, the unreachable region shaded, and the mark.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = min_p_plot(range(5, 21), mark_n=13, mark_p=1e-4, mark_relation="<")
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][-1]
    'reported: p < 0.0001 at n = 13'
    >>> fig.axes[0].get_yscale()
    'log'
    >>> plt.close(fig)
    """
    table = min_p_table(ns)
    colours = palette()
    fig, (ax,) = _figure((FIGURE_WIDTH, 3.6))
    styles = {
        "exact": (colours["exact"], "-", "o"),
        "asymptotic": (colours["asym"], "--", None),
        "asymptotic_tied": (colours["tied"], "-.", None),
        "asymptotic_tied_cc": (colours["tied_cc"], ":", None),
    }
    for column, (colour, style, marker) in styles.items():
        ax.plot(
            table["n"],
            table[column],
            color=colour,
            linestyle=style,
            marker=marker,
            markersize=3.5,
            label=_MIN_P_LABELS[column],
        )
    floor = table[list(styles)].min(axis=1)
    low = min(floor.min(), mark_p if mark_p else np.inf) / 20
    ax.fill_between(table["n"], low, floor, color="0.9", zorder=0, label="no rank test can reach this")
    if mark_n is not None and mark_p is not None:
        ax.axhline(mark_p, color=colours["reported"], linewidth=0.8, alpha=0.6)
        ax.axvline(mark_n, color=colours["reported"], linewidth=0.8, alpha=0.6)
        ax.plot(
            [mark_n],
            [mark_p],
            marker="D",
            color=colours["reported"],
            linestyle="none",
            markersize=7,
            label=f"{mark_label}: p {mark_relation} {mark_p:g} at n = {mark_n}",
        )
    ax.set_yscale("log")
    ax.set_ylim(low, 1)
    ax.set_xlim(table["n"].min(), table["n"].max())
    ax.set_xlabel("number of non-zero paired differences, n")
    ax.set_ylabel("smallest attainable two-sided p")
    ax.legend(fontsize=SMALL, loc="lower left", frameon=True)
    ax.grid(True, which="major", linewidth=0.4, alpha=0.5)
    return fig


_SETTINGS = (
    ("auto", False, "scipy's default choice"),
    ("exact", False, "exact signed-rank distribution (conditional on ties and zeros)"),
    ("untied table", False, "the untied exact table, as scipy's method='exact' applies it even to tied data"),
    ("asymptotic", False, "normal approximation"),
    ("asymptotic", True, "normal approximation + continuity correction (R's default)"),
)


def wilcoxon_table(cohort: pd.DataFrame, variables: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """The Wilcoxon signed-rank p-value of each paired variable under every zero rule and method.

    One row per variable x zero rule (``wilcox``, ``pratt``, ``zsplit``) x setting (``auto``, ``exact``,
    ``untied table``, ``asymptotic``, ``asymptotic`` with continuity correction), from
    :func:`sacro_kit.wilcoxon`. Columns: variable, zero_method, method (requested), correction, method_used,
    distribution (the null distribution behind the p-value, as :class:`sacro_kit.WilcoxonResult` names it),
    n_used, n_zero, ties (a tied ``|difference|`` among the non-zero ones), statistic, pvalue, valid.
    ``exact`` is sacro_kit's: with ties or zeros it is the exact distribution conditional on them (coin,
    exactRankTests). ``untied table`` is what ``scipy.stats.wilcoxon(method="exact")`` computes: the
    distribution of untied ranks whatever the data; ``valid`` is False where that table is applied to data with
    zeros or ties, where it is not the distribution of the statistic (Pratt 1959).

    Parameters
    ----------
    cohort : pandas.DataFrame
        One row per patient; incomplete pairs are dropped per variable.
    variables : mapping of str to (str, str), optional
        Variable name -> (pre column, post column); default :data:`PAIRED_VARIABLES` (rest, activity, opioids).
        A variable with no complete pair or no non-zero difference is left out.

    Returns
    -------
    pandas.DataFrame
        15 rows per variable (3 zero rules x 5 settings) with the columns above.

    References
    ----------
    Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bulletin 1945;1(6):80-83.
    doi:10.2307/3001968
    Pratt JW. Remarks on zeros and ties in the Wilcoxon signed rank procedures. JASA 1959;54:655-667.
    doi:10.1080/01621459.1959.10501526

    Examples
    --------
    >>> import pandas as pd
    >>> t = wilcoxon_table(pd.DataFrame({"a": [5, 6, 7, 8], "b": [1, 1, 1, 1]}), {"x": ("a", "b")})
    >>> print(t.loc[0, "zero_method"], t.loc[0, "method_used"], t.loc[0, "pvalue"])
    wilcox exact 0.125
    """
    variables = dict(PAIRED_VARIABLES if variables is None else variables)
    rows = []
    for name, columns in variables.items():
        pre, post = complete_pairs(cohort, columns)
        if pre.size == 0 or np.all(pre == post):
            continue
        d = np.round(pre - post, 9)
        nonzero = d[d != 0]
        ties = bool(np.unique(np.abs(nonzero)).size < nonzero.size)
        for zero_method in ("wilcox", "pratt", "zsplit"):
            for method, correction, _ in _SETTINGS:
                res = wilcoxon(
                    pre,
                    post,
                    zero_method=zero_method,
                    method=method if method != "untied table" else "exact",
                    correction=correction,
                    conf_level=None,
                )
                zeros_ranked = res.n_zero > 0 and zero_method != "wilcox"
                statistic, pvalue, distribution = res.statistic, res.pvalue, res.distribution
                if method == "untied table":
                    ref = stats.wilcoxon(d, zero_method=zero_method, method="exact")
                    statistic, pvalue, distribution = float(ref.statistic), float(ref.pvalue), "signrank"
                valid = not (distribution == "signrank" and (ties or zeros_ranked))
                rows.append(
                    (
                        name,
                        zero_method,
                        method,
                        correction,
                        res.method,
                        distribution,
                        res.n_used,
                        res.n_zero,
                        ties,
                        statistic,
                        pvalue,
                        valid,
                    )
                )
    return pd.DataFrame(
        rows,
        columns=[
            "variable",
            "zero_method",
            "method",
            "correction",
            "method_used",
            "distribution",
            "n_used",
            "n_zero",
            "ties",
            "statistic",
            "pvalue",
            "valid",
        ],
    )


@styled
def differences_plot(
    cohort: pd.DataFrame,
    variables: Mapping[str, Sequence[str]] | None = None,
    *,
    titles: Mapping[str, str] | None = None,
) -> Figure:
    """Bar chart of the paired differences pre - post, one panel per variable: the data a rank test ranks.

    Zero differences (dropped or specially treated by every signed-rank rule) are drawn in a contrasting colour;
    the height of each bar is the size of a tie group. Positive differences are decreases.

    Parameters
    ----------
    cohort : pandas.DataFrame
        One row per patient; incomplete pairs are dropped per variable.
    variables : mapping of str to (str, str), optional
        Panel name -> (pre column, post column); default the rest and activity pairs of :data:`PAIRED_VARIABLES`.
    titles : mapping of str to str, optional
        Panel titles by variable name (default: the name); each title gets the number of pairs appended.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per variable, with a shared legend (non-zero and zero differences).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> fig = differences_plot(pd.DataFrame({"a": [5, 6, 7], "b": [1, 6, 2]}), {"x": ("a", "b")})
    >>> len(fig.axes), fig.axes[0].get_title()
    (1, 'x (n = 3 pairs)')
    >>> plt.close(fig)
    """
    variables = dict({k: v for k, v in PAIRED_VARIABLES.items() if k != "opioids"} if variables is None else variables)
    if not variables:
        raise ValueError("variables must name at least one (pre, post) pair")
    colours = palette()
    fig, axes = _figure((FIGURE_WIDTH, 0.4 + 2.7 * len(variables)), len(variables), sharey=False)
    for ax, (name, columns) in zip(axes, variables.items()):
        pre, post = complete_pairs(cohort, columns)
        d = pre - post
        values, counts = np.unique(d, return_counts=True)
        bars = ax.bar(values, counts, width=0.8, color=colours["cohort"])
        for value, bar in zip(values, bars):
            if value == 0:  # colour and hatch: never colour alone
                bar.set(facecolor=colours["zero"], hatch="//", edgecolor="white")
        ax.axvline(0, color="0.4", linewidth=0.8)
        title = (titles or {}).get(name, name)
        ax.set_title(f"{title} (n = {d.size} pairs)", fontsize=TITLE)
        ax.set_xlabel("pre - post (points; > 0 = pain decreased)")
        ax.set_ylabel("patients")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
    fig.legend(
        handles=[
            Patch(facecolor=colours["cohort"], label="non-zero difference"),
            Patch(facecolor=colours["zero"], hatch="//", edgecolor="white", label="zero difference"),
        ],
        fontsize=SMALL,
        loc="outside upper center",
        ncols=2,
        frameon=False,
    )
    return fig


@styled
def spread_plot(
    values: Sequence[float],
    *,
    mark: float | None = None,
    mark_label: str = "reported",
    observed: float | None = None,
    observed_label: str = "shipped cohort",
    xlabel: str = "value",
    log: bool = False,
) -> Figure:
    """Strip-and-box plot of one statistic across many reconstructed cohorts (e.g. a p-value).

    ``mark`` draws a reported bound as a vertical line, ``observed`` the value of the one cohort the book uses.

    Parameters
    ----------
    values : sequence of float
        The statistic in each reconstructed cohort (non-empty, all finite).
    mark : float, optional
        A reported value or bound, drawn as a dashed vertical line.
    mark_label : str, default "reported"
        Its legend label.
    observed : float, optional
        The value in the shipped cohort, drawn as an open circle.
    observed_label : str, default "shipped cohort"
        Its legend label.
    xlabel : str, default "value"
        Label of the x axis (wrapped at 48 characters).
    log : bool, default False
        Log scale on the x axis.

    Returns
    -------
    matplotlib.figure.Figure
        One axes: a horizontal box plot with the jittered values (seeded, so the figure is reproducible).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = spread_plot([0.1, 0.2, 0.3], mark=0.05, observed=0.2)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['3 reconstructed cohorts', 'shipped cohort', 'reported']
    >>> plt.close(fig)
    """
    shown = np.asarray(values, dtype=float)
    if shown.size == 0 or not np.isfinite(shown).all():
        raise ValueError("values must be a non-empty sequence of finite numbers")
    colours = palette()
    fig, (ax,) = _figure((FIGURE_WIDTH, 2.9))
    jitter = np.random.default_rng(0).uniform(-0.12, 0.12, shown.size)
    ax.boxplot(
        shown,
        orientation="horizontal",
        positions=[0],
        widths=0.5,
        showfliers=False,
        medianprops={"color": colours["cohort"]},
    )
    ax.scatter(
        shown,
        jitter,
        s=9,
        color=colours["band"],
        alpha=0.6,
        linewidths=0,
        zorder=3,
        label=f"{shown.size} reconstructed cohorts",
    )
    if observed is not None:
        ax.plot(
            [observed],
            [0],
            marker="o",
            markersize=8,
            markerfacecolor="none",
            markeredgewidth=1.5,
            color=colours["cohort"],
            linestyle="none",
            label=observed_label,
            zorder=4,
        )
    if mark is not None:
        ax.axvline(mark, color=colours["reported"], linestyle="--", linewidth=1.2, label=mark_label)
    if log:
        ax.set_xscale("log")
    ax.set_yticks([])
    ax.set_ylim(-0.5, 0.5)
    ax.set_xlabel(textwrap.fill(xlabel, 48))
    ax.legend(fontsize=SMALL, loc="upper center", bbox_to_anchor=(0.5, -0.5), ncols=2, frameon=False)
    return fig


# --------------------------------------------------------------------------------------------------------------------
# Chapter 5: responder curves


def reported_responders(card, variables: Sequence[str], kind: str) -> list:
    """The card's responder claims about ``variables`` with a ``kind`` ("relative"/"absolute") threshold."""
    if card is None:
        return []
    return [
        claim
        for claim in card
        if claim.kind == "responders" and tuple(claim.variables) == tuple(variables) and claim.threshold_kind == kind
    ]


def display_thresholds(kind: str, thresholds) -> np.ndarray:
    """Thresholds in display units: percent for relative thresholds, points for absolute ones."""
    values = np.asarray(thresholds, dtype=float)
    return 100 * values if kind == "relative" else values


def _xlabel(kind: str) -> str:
    return (
        "decrease of at least ... % of the baseline score" if kind == "relative" else "decrease of at least ... points"
    )


def check_band(band: pd.DataFrame | None) -> pd.DataFrame | None:
    if band is None:
        return None
    missing = [c for c in BAND_COLUMNS if c not in band.columns]
    if missing:
        raise ValueError(f"band needs the columns {', '.join(BAND_COLUMNS)}; missing {', '.join(missing)}")
    return band.sort_values("threshold", ignore_index=True)


@dataclass
class ResponderAxes:
    """Handles on the artists of a responder-curve axes, so an interactive view can move them in place."""

    curve: Line2D
    ci: object  # PolyCollection of the cohort's pointwise Wilson interval
    band_outer: object  # PolyCollection min..max across reconstructions (or None)
    band_inner: object  # PolyCollection p05..p95 across reconstructions (or None)
    band_median: Line2D | None
    reported: list
    cursor: Line2D  # vertical line at the current threshold
    point: Line2D  # the cohort's proportion at the current threshold
    point_ci: Line2D  # its Wilson interval


def draw_responder_axes(
    ax,
    curve: pd.DataFrame,
    kind: str,
    *,
    band: pd.DataFrame | None = None,
    reported: Sequence = (),
    threshold: float | None = None,
    cohort_label: str = "this cohort",
    animated: bool = False,
) -> ResponderAxes:
    """Draw a responder curve (a :func:`sacro_kit.responder_curve` frame) with its pointwise Wilson band,
    the spread of the proportion across reconstructed cohorts (``band``: columns threshold, min, p05, median,
    p95, max), the reported points and a marker at ``threshold``; return handles on the artists.

    The proportion responding at threshold t counts changes >= t, so the curve is left-continuous and is drawn
    with ``steps-pre`` over thresholds that include every observed change.
    """
    colours = palette()
    curve = curve.sort_values("threshold", ignore_index=True)
    x = display_thresholds(kind, curve["threshold"])
    band = check_band(band)
    band_outer = band_inner = band_median = None
    if band is not None:
        bx = display_thresholds(kind, band["threshold"])
        band_outer, band_inner = (
            ax.fill_between(
                bx,
                100 * band[low],
                100 * band[high],
                step="pre",
                color=colours["band"],
                alpha=alpha,
                linewidth=0,
                label=label,
            )
            for low, high, alpha, label in (
                ("min", "max", 0.18, "reconstructions: min-max"),
                ("p05", "p95", 0.35, "reconstructions: middle 90%"),
            )
        )
        (band_median,) = ax.plot(
            bx,
            100 * band["median"],
            drawstyle="steps-pre",
            color=colours["band"],
            linewidth=1.0,
            linestyle="--",
            label="reconstructions: median",
        )
    ci = ax.fill_between(
        x,
        100 * curve["ci_low"],
        100 * curve["ci_high"],
        step="pre",
        color=colours["cohort"],
        alpha=0.15,
        linewidth=0,
        label=f"{cohort_label}: 95% Wilson CI",
    )
    (line,) = ax.plot(
        x,
        100 * curve["proportion"],
        drawstyle="steps-pre",
        color=colours["cohort"],
        linewidth=1.8,
        label=f"{cohort_label}: % responders",
    )
    reported_artists = []
    for claim in reported:
        (artist,) = ax.plot(
            display_thresholds(kind, [claim.threshold]),
            [100 * claim.k / claim.n],
            marker="D",
            markersize=8,
            color=colours["reported"],
            linestyle="none",
            zorder=5,
            label=f"reported: {claim.k}/{claim.n}",
        )
        reported_artists.append(artist)
    start = 0.0 if threshold is None else float(threshold)
    at = curve.iloc[int(np.argmin(np.abs(curve["threshold"].to_numpy() - start)))]
    cursor = ax.axvline(
        display_thresholds(kind, [start])[0], color="0.3", linewidth=1.0, linestyle=":", animated=animated
    )
    (point_ci,) = ax.plot(
        display_thresholds(kind, [start] * 2),
        [100 * at["ci_low"], 100 * at["ci_high"]],
        color="0.15",
        linewidth=2.0,
        solid_capstyle="butt",
        animated=animated,
    )
    (point,) = ax.plot(
        display_thresholds(kind, [start]),
        [100 * at["proportion"]],
        marker="o",
        markersize=7,
        color="0.15",
        linestyle="none",
        zorder=6,
        animated=animated,
    )
    for artist in (cursor, point, point_ci):
        artist.set_visible(threshold is not None or animated)
    # thresholds below 0 (patients who got worse) are part of the curve but not of the question "how much better?"
    ax.set_xlim(0, 100 if kind == "relative" else max(10.0, float(x.max())))
    ax.set_ylim(0, 100)
    ax.set_xlabel(_xlabel(kind))
    ax.set_ylabel("patients responding (%)")
    ax.grid(True, linewidth=0.4, alpha=0.5)
    return ResponderAxes(line, ci, band_outer, band_inner, band_median, reported_artists, cursor, point, point_ci)


@styled
def responder_plot(
    cohort: pd.DataFrame,
    card=None,
    *,
    variables: Sequence[str] = ("rest_pre", "rest_post"),
    kind: str = "relative",
    band: pd.DataFrame | None = None,
    threshold: float | None = None,
    title: str | None = None,
) -> Figure:
    """Static responder curve: % of patients improving by at least each threshold (the FDA's cumulative
    distribution of responses), the cohort's pointwise 95% Wilson interval, the spread across reconstructed
    cohorts (``band`` from ``sacro_kit.forensics.reconstruction.responder_band``), and the card's reported responder count.

    ``threshold`` marks one threshold (default: the card's reported one, if any) with its proportion and CI.

    Parameters
    ----------
    cohort : pandas.DataFrame
        One row per patient; incomplete pairs are dropped.
    card : ReportedCard, optional
        A card from :func:`sacro_kit.load_reported`: its responder claims about ``variables`` with a ``kind``
        threshold are drawn as points. None (default): no reported points.
    variables : (str, str), default ("rest_pre", "rest_post")
        The pre and post columns.
    kind : {"relative", "absolute"}, default "relative"
        Thresholds as a fraction of the baseline score (shown in percent) or in points.
    band : pandas.DataFrame, optional
        Spread across reconstructed cohorts, columns ``threshold``, ``min``, ``p05``, ``median``, ``p95``,
        ``max``.
    threshold : float, optional
        The threshold to mark (a fraction for ``kind="relative"``).
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with the curve, its Wilson band, the optional band and reported points, and a legend.

    References
    ----------
    U.S. Food and Drug Administration. Guidance for industry. Patient-reported outcome measures: use in medical
    product development to support labeling claims. 2009.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> fig = responder_plot(pd.DataFrame({"a": [10, 8, 6], "b": [7, 6, 6]}), variables=("a", "b"), threshold=0.3)
    >>> len(fig.axes)
    1
    >>> plt.close(fig)
    >>> cohort = pd.DataFrame({"rest_pre": [8, 7, 9, 6, 8], "rest_post": [3, 6, 2, 6, 4]})
    >>> fig = responder_plot(cohort, sk.load_reported(), title="rest pain")
    >>> fig.axes[0].get_title(), [t.get_text() for t in fig.axes[0].get_legend().get_texts()][-1]
    ('rest pain', 'reported: 22/29')
    >>> plt.close(fig)
    """
    from sacro_kit.io.card_schema import as_reported_card

    card = None if card is None else as_reported_card(card)  # either schema; None: no card
    pre, post = complete_pairs(cohort, variables)
    curve = responder_curve(pre, post, kind)
    reported = reported_responders(card, variables, kind)
    if threshold is None and reported:
        threshold = reported[0].threshold
    fig, (ax,) = _figure((FIGURE_WIDTH, 3.8))
    draw_responder_axes(ax, curve, kind, band=band, reported=reported, threshold=threshold)
    if title:
        ax.set_title(title, fontsize=TITLE)
    ax.legend(fontsize=SMALL, loc="lower left", frameon=True)
    return fig


# --------------------------------------------------------------------------------------------------------------------
# Chapter 6: paired counts


@styled
def paired_counts_plot(
    cohort: pd.DataFrame, variables: Sequence[str] = ("opioids_pre", "opioids_post"), *, unit: str = "opioids"
) -> Figure:
    """Heat map of the pre x post cross-tabulation of a paired count: each cell is how many patients moved
    from a pre value (row) to a post value (column). The diagonal (unchanged) is outlined; cells left of it are
    decreases, right of it increases; the margin shows the totals of each direction.

    Parameters
    ----------
    cohort : pandas.DataFrame
        One row per patient; incomplete pairs are dropped (at least one must remain).
    variables : (str, str), default ("opioids_pre", "opioids_post")
        The pre and post columns (integer counts).
    unit : str, default "opioids"
        What is counted, for the axis labels.

    Returns
    -------
    matplotlib.figure.Figure
        One axes: the annotated heat map, titled with the numbers decreased, unchanged and increased.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> fig = paired_counts_plot(pd.DataFrame({"a": [1, 2, 0], "b": [0, 2, 1]}), ("a", "b"))
    >>> len(fig.axes)
    1
    >>> fig.axes[0].get_title().splitlines()[1]
    'unchanged 1 (outlined), increased 1'
    >>> plt.close(fig)
    """
    pre, post = complete_pairs(cohort, variables)
    if pre.size == 0:
        raise ValueError(f"no complete {variables[0]}/{variables[1]} pairs to tabulate")
    levels = np.arange(int(min(pre.min(), post.min())), int(max(pre.max(), post.max())) + 1)
    table = pd.crosstab(
        pd.Categorical(pre.astype(int), categories=levels),
        pd.Categorical(post.astype(int), categories=levels),
        dropna=False,
    )
    fig, (ax,) = _figure((FIGURE_WIDTH, 4.2))
    sns.heatmap(
        table,
        ax=ax,
        annot=True,
        fmt="d",
        cmap="Blues",
        cbar=False,
        linewidths=0.5,
        linecolor="white",
        square=True,
        annot_kws={"fontsize": SMALL},
    )
    for i in range(levels.size):
        ax.add_patch(Rectangle((i, i), 1, 1, fill=False, edgecolor="0.2", linewidth=1.5))
    decreased, unchanged, increased = int((post < pre).sum()), int((post == pre).sum()), int((post > pre).sum())
    ax.set_xlabel(f"{unit} after (post)")
    ax.set_ylabel(f"{unit} before (pre)")
    ax.set_title(
        f"decreased {decreased} (left of diagonal),\nunchanged {unchanged} (outlined), increased {increased}",
        fontsize=SMALL,
    )
    ax.tick_params(length=0)
    ax.tick_params(axis="y", labelrotation=0)
    return fig


@styled
def paired_distributions_plot(
    cohort: pd.DataFrame,
    variables: Sequence[str] = ("opioids_pre", "opioids_post"),
    *,
    unit: str = "opioids",
    labels: Sequence[str] = ("before", "after"),
) -> Figure:
    """Side-by-side bars of how many patients had each value before and after, with each median marked.

    Shows what a median hides on a count with few distinct values: a median moving from 1 to 0 says nothing
    about how many patients moved, or how far.

    Parameters
    ----------
    cohort : pandas.DataFrame
        One row per patient; incomplete pairs are dropped (at least one must remain).
    variables : (str, str), default ("opioids_pre", "opioids_post")
        The pre and post columns (integer counts).
    unit : str, default "opioids"
        What is counted, for the x-axis label.
    labels : (str, str), default ("before", "after")
        Legend labels of the two distributions (each gets its median appended).

    Returns
    -------
    matplotlib.figure.Figure
        One axes with the two sets of bars and the medians marked by triangles.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> fig = paired_distributions_plot(pd.DataFrame({"a": [1, 2, 0], "b": [0, 2, 1]}), ("a", "b"))
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['before (median 1)', 'after (median 1)']
    >>> plt.close(fig)
    """
    pre, post = complete_pairs(cohort, variables)
    if pre.size == 0:
        raise ValueError(f"no complete {variables[0]}/{variables[1]} pairs to plot")
    colours = palette()
    levels = np.arange(int(min(pre.min(), post.min())), int(max(pre.max(), post.max())) + 1)
    fig, (ax,) = _figure((FIGURE_WIDTH, 3.4))
    width = 0.4
    top = 0
    for offset, values, label, colour in (
        (-width / 2, pre, labels[0], colours["pre"]),
        (width / 2, post, labels[1], colours["post"]),
    ):
        counts = np.array([(values == level).sum() for level in levels])
        top = max(top, counts.max())
        bars = ax.bar(
            levels + offset, counts, width=width, color=colour, label=f"{label} (median {np.median(values):g})"
        )
        ax.bar_label(bars, fontsize=SMALL, padding=1)
    for offset, values, colour in ((-width / 2, pre, colours["pre"]), (width / 2, post, colours["post"])):
        ax.plot([np.median(values) + offset], [top * 1.12], marker="v", markersize=9, color=colour, linestyle="none")
    ax.set_ylim(0, top * 1.22)
    ax.set_xticks(levels)
    ax.set_xlabel(f"{unit} per patient")
    ax.set_ylabel("patients")
    ax.legend(fontsize=SMALL, title="triangles mark the medians", title_fontsize=SMALL, frameon=False)
    return fig
