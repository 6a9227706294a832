"""Figures of the cohort itself: the attrition flow and paired slope plots of pre/post scores.

Each function draws on a Matplotlib Figure that is not registered with pyplot (unless an ``ax`` is
given), returns that Figure and never calls ``plt.show()``, so a notebook shows it exactly once.
Colours come from seaborn's colour-blind-safe palette, and no information is carried by colour
alone (line styles and text repeat it).

References
----------
Schulz KF, Altman DG, Moher D, for the CONSORT Group. CONSORT 2010 statement. BMJ 2010;340:c332.
doi:10.1136/bmj.c332 (the flow diagram of patients through a study).
Weissgerber TL, Milic NM, Winham SJ, Garovic VD. Beyond bar and line graphs: time for a new data
presentation paradigm. PLoS Biol 2015;13(4):e1002128. doi:10.1371/journal.pbio.1002128 (show paired
data as one line per subject).
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch

from sacro_kit._compat import renamed_arguments
from sacro_kit.io.cohort import attrition
from sacro_kit.plotting.style import FIGURE_WIDTH, SMALL, TEXT, TITLE, new_figure, styled
from sacro_kit.stats.quantiles import Method, describe

__all__ = ["attrition_figure", "slope_plot", "tipping_point_plot", "note_figure"]


def _figure_and_axes(ax, figsize):
    if ax is None:
        fig = new_figure(figsize)
        return fig, fig.add_subplot()
    return ax.get_figure(), ax


def _reported_n(card, key: str) -> int | None:
    """The n a card prints for claim ``key`` (None when the card or the claim is absent)."""
    if card is None:
        return None
    claim = card.get(key)
    if claim is None:
        return None
    n = claim.n
    if n is None:
        return None
    return int(n.value) if hasattr(n, "value") else int(n)


def _lost_label(stage: str) -> str:
    return "not followed up" if stage == "followed up" else f"without {stage}"


@styled
def attrition_figure(cohort: pd.DataFrame, card=None, *, ax=None) -> Figure:
    """Flow diagram of the cohort from treated patients to each analysed subgroup, with counts and losses.

    One box per stage of :func:`sacro_kit.attrition` (treated, followed up, rest pain pre and post,
    activity pain pre and post) holding its n and its share of the treated patients; beside each
    arrow, a box with the patients lost from the stage above (and, when stages do not nest, those
    new to this stage). With a reported ``card``, each box also shows the n the paper printed for the
    matching claim and whether the cohort agrees. A horizontal bar under each count is drawn to
    scale (full width = treated) so the funnel is visible at a glance.

    Parameters
    ----------
    cohort : pandas.DataFrame
        One row per treated patient, with the columns :func:`sacro_kit.attrition` reads (``followup_weeks``,
        ``rest_pre``, ``rest_post``, ``activity_pre``, ``activity_post``); at least one patient.
    card : ReportedCard, optional
        A card from :func:`sacro_kit.load_reported`; each box then shows the n the card prints for its claim.
        None (default): the cohort's counts only.
    ax : matplotlib.axes.Axes, optional
        Draw on this axes (and return its figure) instead of a new Figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the flow diagram.

    References
    ----------
    Schulz KF, Altman DG, Moher D, for the CONSORT Group. CONSORT 2010 statement. BMJ 2010;340:c332.
    doi:10.1136/bmj.c332

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> cohort = pd.DataFrame({"followup_weeks": [1.0, 2.0, None], "rest_pre": [7, 5, None],
    ...                        "rest_post": [2, None, None], "activity_pre": [9, None, None],
    ...                        "activity_post": [6, None, None]})
    >>> fig = attrition_figure(cohort)
    >>> type(fig).__name__
    'Figure'
    >>> plt.close(fig)
    >>> fig = attrition_figure(cohort, sk.load_reported())
    >>> fig.axes[0].texts[0].get_text().splitlines()[:3]
    ['Treated', 'n = 3', 'paper reports n = 57 (cohort']
    >>> plt.close(fig)
    """
    from sacro_kit.io.card_schema import as_reported_card

    card = None if card is None else as_reported_card(card)  # either schema; None: no card
    table = attrition(cohort)
    if len(table) == 0 or int(table["n"].iloc[0]) == 0:
        raise ValueError("the cohort has no patients: nothing to draw")
    pal = sns.color_palette("colorblind")
    fill, edge, loss_fill = (*pal[0], 0.13), pal[0], "0.94"
    k = len(table)
    fig, ax = _figure_and_axes(ax, (FIGURE_WIDTH, 1.6 * k + 0.3))
    total = int(table["n"].iloc[0])

    x_main, width, height, step = 0.32, 0.62, 0.8, 1.25
    x_side, side_width = 0.825, 0.33
    for i, row in enumerate(table.itertuples(index=False)):
        y = -i * step
        n = int(row.n)
        ax.add_patch(
            FancyBboxPatch(
                (x_main - width / 2, y - height / 2),
                width,
                height,
                boxstyle="round,pad=0.0,rounding_size=0.04",
                facecolor=fill,
                edgecolor=edge,
                linewidth=1.2,
            )
        )
        share = "" if i == 0 else f" ({100 * n / total:.0f}% of treated)"
        lines = [f"{row.stage[:1].upper()}{row.stage[1:]}", f"n = {n}{share}"]
        reported = _reported_n(card, row.claim)
        if reported is not None:
            agree = "matches" if reported == n else f"cohort differs by {n - reported:+d}"
            lines.append(f"paper reports n = {reported} ({agree})")
        text = "\n".join(textwrap.fill(line, 34) for line in lines)
        ax.text(x_main, y + 0.06, text, ha="center", va="center", fontsize=SMALL, linespacing=1.3)
        bar = (width - 0.08) * n / total
        ax.add_patch(
            FancyBboxPatch(
                (x_main - (width - 0.08) / 2, y - height / 2 + 0.07),
                bar,
                0.06,
                boxstyle="square,pad=0",
                facecolor=edge,
                edgecolor="none",
            )
        )
        if i == 0:
            continue
        y_prev = y + step
        ax.annotate(
            "",
            xy=(x_main, y + height / 2),
            xytext=(x_main, y_prev - height / 2),
            arrowprops=dict(arrowstyle="-|>", color="0.25", lw=1.2, shrinkA=0, shrinkB=0),
        )
        y_mid = (y_prev - height / 2 + y + height / 2) / 2
        side = [f"{int(row.lost_from_previous)} {_lost_label(row.stage)}"]
        if row.not_in_previous is not pd.NA and int(row.not_in_previous) > 0:
            side.append(f"{int(row.not_in_previous)} not in the stage above")
        ax.annotate(
            "",
            xy=(x_side - side_width / 2, y_mid),
            xytext=(x_main, y_mid),
            arrowprops=dict(arrowstyle="-|>", color="0.45", lw=1.0, linestyle="--", shrinkA=0, shrinkB=0),
        )
        side = [textwrap.fill(line, 18) for line in side]
        side_height = 0.16 + 0.15 * sum(line.count("\n") + 1 for line in side)
        ax.add_patch(
            FancyBboxPatch(
                (x_side - side_width / 2, y_mid - side_height / 2),
                side_width,
                side_height,
                boxstyle="round,pad=0.0,rounding_size=0.03",
                facecolor=loss_fill,
                edgecolor="0.45",
                linewidth=0.9,
                linestyle="--",
            )
        )
        ax.text(x_side, y_mid, "\n".join(side), ha="center", va="center", fontsize=SMALL, color="0.15")
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(-(k - 1) * step - height / 2 - 0.05, height / 2 + 0.05)
    ax.set_axis_off()
    return fig


def _paired_columns(cohort: pd.DataFrame, outcome: str) -> tuple[str, str]:
    if not isinstance(outcome, str) or not outcome:
        raise ValueError(f"outcome must be a column prefix such as 'rest' (for rest_pre/rest_post), got {outcome!r}")
    pre, post = f"{outcome}_pre", f"{outcome}_post"
    absent = [c for c in (pre, post) if c not in cohort.columns]
    if absent:
        prefixes = sorted({c[:-4] for c in cohort.columns if c.endswith("_pre") and f"{c[:-4]}_post" in cohort.columns})
        raise ValueError(
            f"the cohort has no column {', '.join(map(repr, absent))}; paired outcomes: "
            f"{', '.join(map(repr, prefixes))}"
        )
    return pre, post


@renamed_arguments(method="quantile_type")
@styled
def slope_plot(
    cohort: pd.DataFrame,
    outcome: str = "rest",
    *,
    card=None,
    quantile_type: Method = 7,
    ax=None,
    title: str | None = None,
) -> Figure:
    """Each patient's score before and after as a line, with tied patients merged and the medians drawn on top.

    Integer scores tie a lot, so identical (pre, post) pairs are drawn once with a line width that
    grows with the number of patients sharing them, and the number of patients at each score is
    printed beside each axis. Lines are styled by direction (decreased solid, unchanged dotted,
    increased dashed) as well as coloured. The median before and after (under quantile
    definition ``method``; for odd n every definition agrees) is the thick black line. Only
    patients with both scores are drawn; the title says how many.

    ``outcome`` is the column prefix: "rest" draws ``rest_pre`` against ``rest_post``. With a
    ``card``, the y axis spans the card's scale for the variable and is labelled with it.

    Parameters
    ----------
    cohort : pandas.DataFrame
        One row per patient, with columns ``<outcome>_pre`` and ``<outcome>_post``; at least one complete pair.
    outcome : str, default "rest"
        The column prefix of the paired outcome.
    card : ReportedCard, optional
        A card from :func:`sacro_kit.load_reported`, whose scale for ``<outcome>_pre`` sets the y axis and its
        label. None (default): the range of the data, labelled "score".
    quantile_type : int or "tukey", default 7
        Quantile definition of the medians (Hyndman-Fan type 1-9 or "tukey"); ``method=`` is a deprecated
        alias.
    ax : matplotlib.axes.Axes, optional
        Draw on this axes (and return its figure) instead of a new Figure.
    title : str, optional
        Axes title; default "<pre> and <post>: <n> patients with both scores".

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the slope plot, with a legend of the directions and the medians below the axes.

    References
    ----------
    Weissgerber TL, Milic NM, Winham SJ, Garovic VD. Beyond bar and line graphs: time for a new data
    presentation paradigm. PLoS Biol 2015;13(4):e1002128. doi:10.1371/journal.pbio.1002128

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> cohort = pd.DataFrame({"rest_pre": [7, 7, 8, 5, None], "rest_post": [2, 2, 8, 6, 3]})
    >>> fig = slope_plot(cohort, "rest")
    >>> type(fig).__name__
    'Figure'
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:4]
    ['decreased (2)', 'unchanged (1)', 'increased (1)', 'median 7 → 4']
    >>> plt.close(fig)
    >>> fig = slope_plot(cohort, "rest", card=sk.load_reported())
    >>> fig.axes[0].get_ylabel()
    '11-point numerical rating scale (0-10)'
    >>> plt.close(fig)
    """
    from sacro_kit.io.card_schema import as_reported_card

    card = None if card is None else as_reported_card(card)  # either schema; None: no card
    method = quantile_type
    pre, post = _paired_columns(cohort, outcome)
    pairs = cohort[[pre, post]].astype("Float64").dropna().astype(float)
    if pairs.empty:
        raise ValueError(f"no patient has both {pre} and {post}: nothing to draw")
    n = len(pairs)
    groups = pairs.groupby([pre, post]).size().rename("count").reset_index()
    change = groups[pre] - groups[post]
    groups["direction"] = np.select([change > 0, change < 0], ["decreased", "increased"], "unchanged")

    pal = sns.color_palette("colorblind")
    styles: dict[str, tuple[Any, Any]] = {
        "decreased": (pal[0], "-"),
        "unchanged": (pal[7], ":"),
        "increased": (pal[1], "--"),
    }
    fig, ax = _figure_and_axes(ax, (FIGURE_WIDTH, 5.6))
    for row in groups.itertuples(index=False):
        color, style = styles[row.direction]
        ax.plot(
            [0, 1],
            [getattr(row, pre), getattr(row, post)],
            color=color,
            linestyle=style,
            linewidth=1.2 + 1.6 * (row.count - 1),
            alpha=0.75,
            solid_capstyle="round",
            zorder=2,
        )

    for x, column, ha, offset in ((0, pre, "right", -0.07), (1, post, "left", 0.07)):
        at_score = pairs[column].value_counts().sort_index()
        sns.scatterplot(
            x=np.full(len(at_score), x),
            y=at_score.index.to_numpy(),
            size=at_score.to_numpy(),
            sizes=(25, 25 + 30 * int(at_score.max())),
            size_norm=(1, max(int(at_score.max()), 2)),
            color="0.3",
            legend=False,
            ax=ax,
            zorder=3,
        )
        for score, count in at_score.items():
            ax.text(x + offset, score, f"{count}", ha=ha, va="center", fontsize=SMALL, color="0.25")

    med_pre = describe(pairs[pre], quantile_type=method).median
    med_post = describe(pairs[post], quantile_type=method).median
    ax.plot([0, 1], [med_pre, med_post], color="black", linewidth=3.2, marker="D", markersize=8, zorder=4)

    counts = groups.groupby("direction")["count"].sum()
    handles = [
        Line2D(
            [], [], color=styles[d][0], linestyle=styles[d][1], linewidth=2.2, label=f"{d} ({int(counts.get(d, 0))})"
        )
        for d in ("decreased", "unchanged", "increased")
    ]
    handles.append(
        Line2D([], [], color="black", linewidth=3.2, marker="D", label=f"median {med_pre:g} \u2192 {med_post:g}")
    )
    handles.append(Line2D([], [], color="0.5", linewidth=4.4, label="thicker line = more patients"))
    handles.append(
        Line2D(
            [],
            [],
            color="0.3",
            marker="o",
            linestyle="none",
            label="point and number beside it:\npatients at that score",
        )
    )
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.06),  # below the axes: the figure stays narrow enough for a phone
        ncols=2,
        frameon=False,
        fontsize=SMALL,
        title=f"patients (n = {n})",
        title_fontsize=SMALL,
    )

    label = "score"
    low, high = float(pairs.min().min()), float(pairs.max().max())
    if card is not None:
        try:
            scale = card.scale_of(pre)
        except KeyError:
            scale = None
        if scale is not None:
            label = scale.label
            low = float(scale.min) if scale.min is not None else low
            high = float(scale.max) if scale.max is not None else high
    ax.set_ylim(low - 0.6, high + 0.6)
    if high - low <= 20:
        ax.set_yticks(np.arange(np.floor(low), np.ceil(high) + 1))
    ax.set_xlim(-0.3, 1.3)
    ax.set_xticks([0, 1], ["before", "after"])
    ax.set_ylabel(label)
    ax.set_title(
        textwrap.fill(title if title is not None else f"{pre} and {post}: {n} patients with both scores", 44),
        fontsize=TITLE,
    )
    sns.despine(ax=ax, bottom=True)
    ax.tick_params(axis="x", length=0)
    return fig


@styled
def tipping_point_plot(result, *, ax=None, title: str | None = None) -> Figure:
    """The proportion improved among all patients, with its interval, for every number m of missing patients improved.

    Draws a :class:`sacro_kit.stats.missing.TippingPoint`: one point and interval per m, filled where the
    conclusion holds (lower limit above the null) and hollow where it does not, the null as a dashed
    line, the complete-case proportion as a dotted line, and the tipping point (if any) marked.

    Parameters
    ----------
    result : TippingPoint
        What :func:`sacro_kit.tipping_point` returns.
    ax : matplotlib.axes.Axes, optional
        Draw on this axes (and return its figure) instead of a new Figure.
    title : str, optional
        Axes title; default "<outcome>: proportion improved and <level> <interval> interval".

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the plot, with a legend.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> from sacro_kit.stats.missing import tipping_point
    >>> card = {"better": SimpleNamespace(kind="proportion", variable="better")}
    >>> cohort = pd.DataFrame({"better": pd.array([1] * 12 + [0] * 3 + [None] * 5, dtype="Int64")})
    >>> fig = tipping_point_plot(tipping_point(cohort, card, "better"))
    >>> type(fig).__name__
    'Figure'
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['tipping point m = 3']
    >>> plt.close(fig)
    """
    table = result.table
    pal = sns.color_palette("colorblind")
    fig, ax = _figure_and_axes(ax, (FIGURE_WIDTH, 3.9))
    m = table["m"].to_numpy()
    pct = 100 * table["proportion"].to_numpy()
    low, high = 100 * table["ci_low"].to_numpy(), 100 * table["ci_high"].to_numpy()
    holds = table["holds"].to_numpy(dtype=bool)
    ax.vlines(m, low, high, color=pal[0], linewidth=1.6, zorder=2)
    ax.scatter(
        m[holds],
        pct[holds],
        s=42,
        color=pal[0],
        edgecolor=pal[0],
        zorder=3,
        label="conclusion holds (lower limit above the null)",
    )
    ax.scatter(
        m[~holds],
        pct[~holds],
        s=42,
        facecolor="white",
        edgecolor=pal[3],
        linewidth=1.5,
        zorder=3,
        label="conclusion fails",
    )
    ax.axhline(
        100 * result.null, color="0.3", linestyle="--", linewidth=1.0, label=f"null: {100 * result.null:g}% improved"
    )
    if result.n_observed:
        ax.axhline(
            100 * result.k_observed / result.n_observed,
            color=pal[2],
            linestyle=":",
            linewidth=1.4,
            label=f"complete case: {result.k_observed} of {result.n_observed}",
        )
    if result.tipping_point is not None:
        ax.axvline(result.tipping_point - 0.5, color=pal[3], linewidth=1.0, alpha=0.6)
        ax.text(
            result.tipping_point - 0.4,
            98,
            f"tipping point m = {result.tipping_point}",
            color="0.2",
            fontsize=SMALL,
            va="top",
        )
    ax.set_ylim(0, 100)
    ax.set_xlim(-0.7, result.n_missing + 0.7)
    if result.n_missing <= 30:
        ax.set_xticks(m[:: -(-result.n_missing // 12)])  # at most about 13 ticks: they stay legible on a phone
    ax.set_xlabel(textwrap.fill(f"m = patients without the outcome assumed improved (of {result.n_missing})", 44))
    ax.set_ylabel(f"improved among all {int(table['n'].iloc[0])} patients (%)")
    method = {"wilson": "Wilson", "clopper-pearson": "Clopper-Pearson"}.get(result.ci_method, result.ci_method)
    level = f"{100 * result.conf_level:g}% {method} interval"
    ax.set_title(
        textwrap.fill(title if title is not None else f"{result.outcome}: proportion improved and {level}", 44),
        fontsize=TITLE,
    )
    ax.legend(loc="lower right", fontsize=SMALL, frameon=True, framealpha=0.9)
    sns.despine(ax=ax)
    return fig


@styled
def note_figure(message: str, *, figsize=(FIGURE_WIDTH, 1.2)) -> Figure:
    """A figure holding only ``message``: what a chapter shows where its data have nothing to draw.

    A book chapter refers to each figure by name, so a section skipped for want of data (a claim the
    reader's card does not have) still needs a figure under that name; this one says why it is empty.

    Parameters
    ----------
    message : str
        The text to show (not empty).
    figsize : (float, float), default (FIGURE_WIDTH, 1.2)
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        One axes, switched off, holding the message centred.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = note_figure("This card reports no rest pain.")
    >>> fig.axes[0].texts[0].get_text()
    'This card reports no rest pain.'
    >>> plt.close(fig)
    """
    if not isinstance(message, str) or not message.strip():
        raise ValueError("note_figure needs a non-empty message")
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=TEXT, color="0.25", wrap=True)
    ax.set_axis_off()
    return fig
