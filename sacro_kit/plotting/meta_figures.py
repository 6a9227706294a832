"""Forest and funnel plots for a :class:`sacro_kit.stats.meta.MetaResult`, in the style of metafor's ``forest()``.

Both functions draw on a Matplotlib Figure that is not registered with pyplot (unless an ``ax`` is given),
return that Figure, and never call ``plt.show()``, so a notebook shows each plot exactly once. Colours
come from seaborn's colour-blind-safe palette.

References
----------
Lewis S, Clarke M. Forest plots: trying to see the wood and the trees. BMJ 2001;322(7300):1479-1480.
    doi:10.1136/bmj.322.7300.1479
Sterne JAC, Egger M. Funnel plots for detecting bias in meta-analysis: guidelines on choice of axis.
    J Clin Epidemiol 2001;54(10):1046-1055. doi:10.1016/S0895-4356(01)00377-8
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import Union

import numpy as np
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.transforms import blended_transform_factory, offset_copy
from scipy import stats

from sacro_kit.plotting.style import FIGURE_WIDTH, SMALL, new_figure, styled
from sacro_kit.stats.meta import MetaResult, TrimFill

__all__ = ["forest_plot", "funnel_plot"]

Highlight = Union[None, int, str, Iterable[int | str]]


def _palette():
    pal = sns.color_palette("colorblind")
    return {"study": "0.25", "pooled": pal[0], "highlight": pal[3], "pi": pal[0], "ref": "0.55"}


def _highlighted(highlight: Highlight, labels: Sequence[str]) -> set[int]:
    if highlight is None:
        return set()
    items = [highlight] if isinstance(highlight, (int, np.integer, str)) else list(highlight)
    out = set()
    for item in items:
        if isinstance(item, str):
            hits = [i for i, lab in enumerate(labels) if lab == item]
            if not hits:
                raise ValueError(f"highlight {item!r} matches no study label; labels are {list(labels)}")
            out.update(hits)
        elif isinstance(item, (int, np.integer)) and not isinstance(item, bool) and -len(labels) <= item < len(labels):
            out.add(int(item) % len(labels))
        else:
            raise ValueError(f"highlight must be a label or a study index, got {item!r}")
    return out


def _fixed(x: float, decimals: int) -> str:
    """x with a fixed number of decimals, never printed as '-0.00'."""
    text = f"{x:.{decimals}f}"
    return f"{0.0:.{decimals}f}" if float(text) == 0 else text


def _figure_and_axes(ax, figsize):
    if ax is None:
        fig = new_figure(figsize)
        return fig, fig.add_subplot()
    return ax.get_figure(), ax


@styled
def forest_plot(
    result: MetaResult,
    labels: Sequence[str] | None = None,
    ax=None,
    highlight: Highlight = None,
    *,
    xlabel: str = "Effect size",
    reference: float | None = 0.0,
    decimals: int = 2,
    label_width: int = 20,
) -> Figure:
    """Forest plot: one square per study (area proportional to its weight) with its CI, the pooled
    diamond, the prediction interval, and under each label its estimate, CI and weight.

    ``labels`` overrides the labels stored in ``result``; ``highlight`` (a label, an index, or several)
    draws those studies in a contrasting colour with a bold label, e.g. the seed cohort. The study
    CIs are normal-theory (estimate +/- z * sqrt(v_i)) at ``result.conf_level``, as metafor draws them.
    Labels longer than ``label_width`` characters wrap onto a second line (and are cut after it).

    metafor's ``forest()`` prints the numbers in a column right of the plot; on a figure narrow enough to read on a
    phone that column leaves the plot no room, so each row's label carries them on its last line instead.

    Parameters
    ----------
    result : MetaResult
        A fitted model from :func:`sacro_kit.meta_analysis`.
    labels : sequence of str, optional
        One label per study, overriding ``result.labels``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure (4.5 in wide, legible on a phone) by default.
    highlight : int, str or sequence of them, optional
        Studies (by label or index) drawn in the highlight colour with a bold label.
    xlabel : str, default "Effect size"
        Label of the effect axis.
    reference : float or None, default 0.0
        Where to draw the vertical no-effect line; None draws none.
    decimals : int, default 2
        Decimals of the estimates and bounds printed under each label.
    label_width : int, default 20
        Characters after which a label wraps onto a second line.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not registered with pyplot; display it or save it).

    References
    ----------
    Viechtbauer W (2010). Conducting meta-analyses in R with the metafor package. J Stat Softw 36(3):1-48
    (``forest()``).

    Examples
    --------
    >>> from sacro_kit.stats.meta import meta_analysis
    >>> fig = forest_plot(meta_analysis([0.2, 0.5, 0.9], [0.04, 0.05, 0.06], labels=["A", "B", "C"]), highlight="A")
    >>> [t.get_text().splitlines() for t in fig.axes[0].get_yticklabels()][:2]
    [['Estimate [95% CI], weight'], ['A', '0.20 [-0.19, 0.59], 36%']]
    """
    k = result.k
    labels = list(result.labels if labels is None else labels)
    if len(labels) != k:
        raise ValueError(f"{len(labels)} labels for {k} studies")
    marked = _highlighted(highlight, labels)
    colors = _palette()
    frame = result.studies()
    fig, ax = _figure_and_axes(ax, (FIGURE_WIDTH, 2.0 + 0.62 * (k + 3)))

    def fmt(x: float) -> str:
        return _fixed(x, decimals)

    ys = np.arange(k, 0, -1, dtype=float)
    w = frame["weight"].to_numpy()
    sizes = 25 + 175 * w / w.max()
    for i, y in enumerate(ys):
        color = colors["highlight"] if i in marked else colors["study"]
        ax.hlines(y, frame["ci_low"][i], frame["ci_high"][i], color=color, lw=1.3, zorder=2)
        ax.scatter([frame["yi"][i]], [y], marker="s", s=sizes[i], color=color, zorder=3, label="_nolegend_")

    y_pool = -0.2
    half = 0.32
    diamond = Polygon(
        [
            (result.ci_low, y_pool),
            (result.estimate, y_pool + half),
            (result.ci_high, y_pool),
            (result.estimate, y_pool - half),
        ],
        closed=True,
        facecolor=colors["pooled"],
        edgecolor=colors["pooled"],
        zorder=3,
    )
    ax.add_patch(diamond)
    if result.method == "FE":
        model = "Common-effect"
    else:
        model = f"Random-effects ({result.method}{', Knapp-Hartung' if result.knapp_hartung else ''})"
    ci_name = f"{result.conf_level:.0%} CI"
    y_head = k + 0.8
    tick_labels = [f"Estimate [{ci_name}], weight"]
    tick_labels += [
        textwrap.fill(lab, width=label_width, max_lines=2, placeholder="...")
        + f"\n{fmt(frame['yi'][i])} [{fmt(frame['ci_low'][i])}, {fmt(frame['ci_high'][i])}], {w[i]:.0f}%"
        for i, lab in enumerate(labels)
    ]
    tick_labels.append(
        textwrap.fill(model, width=label_width) + f"\n{fmt(result.estimate)} [{fmt(result.ci_low)}, "
        f"{fmt(result.ci_high)}], 100%"
    )
    tick_pos = [y_head, *ys, y_pool]
    y_pi = None
    if result.pi_low is not None and result.pi_high is not None:
        y_pi = -1.3
        ax.hlines(y_pi, result.pi_low, result.pi_high, color=colors["pi"], lw=1.6, zorder=2)
        ax.vlines([result.pi_low, result.pi_high], y_pi - 0.15, y_pi + 0.15, color=colors["pi"], lw=1.6)
        tick_labels.append(
            f"{result.conf_level:.0%} prediction interval\n[{fmt(result.pi_low)}, {fmt(result.pi_high)}]"
        )
        tick_pos.append(y_pi)
    bottom = (y_pi if y_pi is not None else y_pool) - 1.9
    top = k + 1.3
    if reference is not None:  # down to the last row only: the heterogeneity text sits below it
        last = (y_pi if y_pi is not None else y_pool) - 0.5
        ax.axvline(reference, ymin=(last - bottom) / (top - bottom), color=colors["ref"], lw=0.9, ls="--", zorder=1)

    ax.set_yticks(tick_pos)
    ax.set_yticklabels(tick_labels)
    for i, tick in enumerate(ax.get_yticklabels()):
        if i - 1 in marked:
            tick.set_color(colors["highlight"])
            tick.set_fontweight("bold")
        elif i in (0, k + 1):
            tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(bottom, top)
    ax.set_xlabel(xlabel if len(xlabel) <= 34 else textwrap.fill(xlabel, 34))
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)

    edge = blended_transform_factory(ax.transAxes, ax.transData)
    het = (
        f"Heterogeneity: I$^2$ = {result.i2:.1f}%\n"
        f"tau$^2$ = {result.tau2:.3f}, Q({result.q_df}) = {result.q:.2f}\n"
        f"p = {result.q_pvalue:.3g}"
    )
    ax.text(
        0.0,
        bottom + 0.05,
        het,
        transform=offset_copy(edge, fig=fig, x=2, units="points"),
        ha="left",
        va="bottom",
        color="0.3",
    )
    return fig


@styled
def funnel_plot(
    result: MetaResult | TrimFill, ax=None, *, xlabel: str = "Effect size", highlight: Highlight = None
) -> Figure:
    """Funnel plot: each study's effect against its standard error (axis inverted, precise studies on top),
    with the pooled estimate and the pseudo confidence region estimate +/- z * SE (metafor ``funnel()``).

    Given a :class:`~sacro_kit.stats.meta.TrimFill` (from :func:`~sacro_kit.stats.meta.trim_and_fill`), it draws, as
    metafor's ``funnel(trimfill(res))`` does, the observed studies, the filled studies as open circles, and
    the funnel around the estimate after filling (the estimate before filling as a dotted line).

    Parameters
    ----------
    result : MetaResult or TrimFill
        A fitted model (:func:`sacro_kit.meta_analysis`) or a trim-and-fill result (:func:`sacro_kit.trim_and_fill`).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.
    xlabel : str, default "Effect size"
        Label of the effect axis.
    highlight : int, str or sequence of them, optional
        Observed studies (by label or index) drawn in the highlight colour.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not registered with pyplot).

    References
    ----------
    Sterne JAC, Egger M (2001). Funnel plots for detecting bias in meta-analysis: guidelines on choice of axis.
    J Clin Epidemiol 54(10):1046-1055. Viechtbauer W (2010), J Stat Softw 36(3) (``funnel()``).

    Examples
    --------
    >>> from sacro_kit.stats.meta import meta_analysis
    >>> fig = funnel_plot(meta_analysis([0.2, 0.5, 0.9], [0.04, 0.05, 0.06]))
    >>> type(fig).__name__
    'Figure'
    """
    filled = None
    if isinstance(result, TrimFill):
        filled, result = result, result.result
    colors = _palette()
    frame = result.studies()
    n_obs = result.k - (filled.k0 if filled is not None else 0)
    marked = _highlighted(highlight, list(result.labels[:n_obs]))
    fig, ax = _figure_and_axes(ax, (FIGURE_WIDTH, 5.0))
    se_max = float(frame["se"].max()) * 1.1
    crit = stats.norm.isf((1 - result.conf_level) / 2)
    se_grid = np.array([0.0, se_max])
    ax.fill_betweenx(
        se_grid,
        result.estimate - crit * se_grid,
        result.estimate + crit * se_grid,
        color="0.92",
        zorder=0,
        label=f"pseudo {result.conf_level:.0%} region",
    )
    ax.plot(result.estimate - crit * se_grid, se_grid, color=colors["ref"], lw=0.9, ls="--")
    ax.plot(result.estimate + crit * se_grid, se_grid, color=colors["ref"], lw=0.9, ls="--")
    if filled is None:
        pooled_label = "pooled estimate"
    elif filled.k0 == 0:
        pooled_label = f"pooled estimate (trim-and-fill: none missing\non the {filled.side} side)"
    else:
        pooled_label = "pooled estimate after filling"
    ax.axvline(result.estimate, color=colors["pooled"], lw=1.2, label=pooled_label)
    if filled is not None and filled.k0 > 0:
        ax.axvline(
            filled.original.estimate, color=colors["pooled"], lw=1.0, ls=":", label="pooled estimate as observed"
        )
    plain = [i for i in range(n_obs) if i not in marked]
    ax.scatter(
        frame["yi"][plain],
        frame["se"][plain],
        color=colors["study"],
        edgecolor="white",
        s=45,
        zorder=3,
        label="studies",
    )
    if marked:
        chosen = sorted(marked)
        ax.scatter(
            frame["yi"][chosen],
            frame["se"][chosen],
            color=colors["highlight"],
            edgecolor="white",
            s=60,
            zorder=4,
            label=", ".join(result.labels[i] for i in chosen),
        )
    if filled is not None and filled.k0 > 0:
        ax.scatter(
            frame["yi"][n_obs:],
            frame["se"][n_obs:],
            facecolor="white",
            edgecolor=colors["study"],
            s=45,
            zorder=3,
            label=f"filled by trim-and-fill ({filled.k0}, {filled.side} side)",
        )
    ax.set_ylim(se_max, 0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Standard error")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=SMALL, frameon=False)  # below: narrow figure
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig
