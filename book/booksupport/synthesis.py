"""Put the book's own cohort among the published studies: tidy tables and figures for the synthesis chapter.

The literature engine (:mod:`sacro_kit.io.literature`, :mod:`sacro_kit.stats.meta`, :mod:`sacro_kit.stats.meansd`) works on the
shipped study table. This module adds the cohort the reader is working on, built from the *card* (so a reader who
points ``SACRO_KIT_CARD`` at another study pools that study), and gathers the repeated steps of the chapter into
small functions that return DataFrames or Figures:

- :func:`card_study_row`: one row in the study-table schema, built from a paired median/IQR claim of a card;
- :func:`synthesis_table`: the pooling table of the literature plus that row, with the shipped rows of the same
  publication set aside (same patients), every exclusion stated;
- :func:`pool_eligible`: the random-effects model on the eligible rows;
- :func:`sensitivity_analyses`: the pooled estimate without this cohort, without each flagged doubt, without every
  flagged row, and at the latest time point;
- :func:`conversion_table` and :func:`conversion_plot`: every paired median/IQR of the card converted to a mean and
  SD, with the engine's warnings and the share of the fitted normal curve lying outside the scale;
- :func:`correlation_plot`: the pooled estimate and its confidence interval against the assumed correlation r.

References
----------
Wan X, Wang W, Liu J, Tong T. BMC Med Res Methodol 2014;14:135. doi:10.1186/1471-2288-14-135
Luo D, Wan X, Liu J, Tong T. Stat Methods Med Res 2018;27(6):1785-1805. doi:10.1177/0962280216669183
Shi J, Luo D, Wan X, et al. Detecting the skewness of data from the five-number summary and its application
    in meta-analysis. Stat Methods Med Res 2023;32(7):1338-1360. doi:10.1177/09622802231172043
Higgins JPT, Li T, Deeks JJ (eds). Cochrane Handbook v6, chapter 6, section 6.5.2.8 (imputed correlations
    need a sensitivity analysis).
"""

from __future__ import annotations

import math
from typing import Iterable, Optional, Sequence

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from scipy import stats

from sacro_kit.io.card import PairedSummaryClaim, ReportedCard
from sacro_kit.io.literature import FLAG_COLUMNS, STUDIES_COLUMNS, load_studies, pooling_table
from sacro_kit.stats.meansd import estimate_mean_sd
from sacro_kit.stats.meta import MetaResult, meta_analysis
from sacro_kit.plotting.style import FIGURE_WIDTH, SMALL, TITLE, new_figure, styled

__all__ = ["card_study_row", "guidance_group", "GUIDANCE_GROUPS", "synthesis_table", "pool_eligible", "sensitivity_analyses", "conversion_table",
           "conversion_plot", "correlation_plot", "CARD_SOURCE", "sd_rule", "sd_sensitivity", "SD_FLOOR", "k_requirements"]

#: ``conversion`` text prefix of the row that comes from the card (also in column ``source``).
CARD_SOURCE = "card"

_FLAG_WORDS = {
    "unverified_author": "unverified authors",
    "mixed_etiology": "mixed etiology",
    "between_arm_p": "between-arm p-values",
    "sd_or_se_doubt": "SD or SE unclear",
    "overlap_risk": "possible patient overlap",
}


def _paired_median_claim(card: ReportedCard, claim: str) -> PairedSummaryClaim:
    if claim not in card:
        raise ValueError(f"the card {card.path.name} has no claim {claim!r}")
    found = card[claim]
    if not isinstance(found, PairedSummaryClaim):
        raise ValueError(f"claim {claim!r} is a {found.kind} claim; a paired pre/post summary is needed")
    labels = {found.pre.center_label, found.post.center_label}
    if labels != {"median"}:
        raise ValueError(f"claim {claim!r} reports a {' and a '.join(sorted(labels - {'median'}))} with its IQR; "
                         "only a median with its quartiles can be converted to a mean and SD")
    return found


def _scale_bounds(card: ReportedCard, found: PairedSummaryClaim) -> tuple[Optional[float], Optional[float]]:
    scale = card.scales.get(found.scale)
    if scale is None:
        return None, None
    return scale.min, scale.max


def _same_publication(studies: pd.DataFrame, card: ReportedCard) -> np.ndarray:
    """Rows of the study table that report the card's own publication (matched by DOI or PMID)."""
    keys = []
    if card.study.doi:
        keys.append(card.study.doi.lower().removeprefix("doi:").strip())
    if card.study.pmid:
        keys.append(f"pmid:{str(card.study.pmid).strip()}")
    if not keys:
        return np.zeros(len(studies), dtype=bool)
    ids = studies["doi_or_pmid"].fillna("").str.lower().str.replace(" ", "", regex=False)
    return np.array([any(k.replace(" ", "") in text for k in keys) for text in ids], dtype=bool)


def card_study_row(card: ReportedCard, claim: str = "rest_pain", *, studies: Optional[pd.DataFrame] = None,
                   label: Optional[str] = None) -> pd.DataFrame:
    """One row in the :func:`~sacro_kit.io.literature.load_studies` schema, built from a paired median/IQR claim.

    The row carries the claim's n, pre and post medians and quartiles (``stat_kind="median_iqr"``) and the
    scale's bounds from the card, so :func:`~sacro_kit.io.literature.pooling_table` converts it like any other
    median/IQR row. Its label is the label of the same publication in ``studies`` (matched by the card's DOI
    or PMID) with "(this cohort)" added, or "This cohort (<study id>)" when the publication is not in the
    table. ``row_id`` is one past the table's last; all flags are False (the card's numbers are quoted from
    the paper, see ``data/reported``). The card does not record image guidance or follow-up time: when the
    publication is in ``studies``, ``guidance`` and ``timepoint_weeks`` are taken from its first row there (and
    ``timepoint_label`` says so); otherwise they are empty.

    >>> from sacro_kit.io.card import load_reported
    >>> row = card_study_row(load_reported())
    >>> row.loc[0, "label"], int(row.loc[0, "n"]), float(row.loc[0, "pre_center"])
    ('Dougherty 2014 (this cohort)', 29, 7.0)
    """
    found = _paired_median_claim(card, claim)
    studies = load_studies() if studies is None else studies
    same = _same_publication(studies, card)
    low, high = _scale_bounds(card, found)
    scale_name = card.scales[found.scale].label if found.scale in card.scales else found.scale
    scale_text = f"{scale_name}; {low:g}-{high:g}" if low is not None and high is not None else scale_name
    if label is None:
        label = f"{studies.loc[same, 'label'].iloc[0]} (this cohort)" if same.any() else f"This cohort ({card.study.id})"
    p_text = f"p{found.p.text}" if found.p is not None and found.p.relation != "=" else (
        f"p = {found.p.text}" if found.p is not None else "")
    # Image guidance and follow-up time are not on the card; the shipped rows of the same publication give them.
    guidance, weeks, when = "", None, f"as reported on the card ({claim})"
    if same.any():
        first_row = studies.loc[same].iloc[0]
        guidance = str(first_row["guidance"])
        if pd.notna(first_row["timepoint_weeks"]):
            weeks = float(first_row["timepoint_weeks"])
            when = f"{when}; follow-up from the study table: {first_row['timepoint_label']}"
    row = {
        "study_id": label, "year": None, "journal": "", "doi_or_pmid": card.study.doi or "",
        "design": card.study.design or "", "n": found.n, "guidance": guidance, "scale": scale_text,
        "timepoint_label": when, "timepoint_weeks": weeks,
        "stat_kind": "median_iqr",
        "pre_center": found.pre.center.value, "pre_spread_low": found.pre.q1.value,
        "pre_spread_high": found.pre.q3.value, "pre_sd": None,
        "post_center": found.post.center.value, "post_spread_low": found.post.q1.value,
        "post_spread_high": found.post.q3.value, "post_sd": None,
        "p_value_text": p_text, "leak_count": None, "source_kind": CARD_SOURCE,
        "source_url": f"https://doi.org/{card.study.doi}" if card.study.doi else str(card.path),
    }
    first = int(studies["row_id"].max()) + 1 if len(studies) else 1
    frame = pd.DataFrame([{"row_id": first, "line": None, **row}], columns=["row_id", "line", *STUDIES_COLUMNS])
    for col in ("year", "n", "leak_count"):
        frame[col] = pd.array([None if v is None else int(v) for v in frame[col]], dtype="Int64")
    for col in ("timepoint_weeks", "pre_center", "pre_spread_low", "pre_spread_high", "pre_sd", "post_center",
                "post_spread_low", "post_spread_high", "post_sd"):
        frame[col] = pd.to_numeric(frame[col]).astype(float)
    frame["label"] = label
    for flag in FLAG_COLUMNS:
        frame[flag] = False
    frame["flag_notes"] = ""
    return frame


#: Image-guidance groups of :func:`guidance_group`, in the order the chapter reports them.
GUIDANCE_GROUPS = ("CT", "fluoroscopy", "navigation", "not reported")


def guidance_group(text) -> str:
    """The image-guidance group of a ``guidance`` cell: "CT", "fluoroscopy", "navigation" or "not reported".

    The rule reads the cell's first word(s): "CT..." is CT guidance, "fluoroscopy..." or "C-arm" fluoroscopy,
    "navigation..." navigation; an empty cell is "not reported" (a group of its own, never guessed). Any other
    text raises, so a new kind of guidance in the data cannot be filed silently.

    >>> [guidance_group(t) for t in ("CT", "fluoroscopy (C-arm)", "", None)]
    ['CT', 'fluoroscopy', 'not reported', 'not reported']
    """
    if text is None or (isinstance(text, float) and math.isnan(text)) or str(text).strip() == "":
        return "not reported"
    t = str(text).strip().lower()
    if t == "ct" or t.startswith("ct ") or t.startswith("ct-") or t.startswith("ct,"):
        return "CT"
    if t.startswith("fluoroscop") or "c-arm" in t:
        return "fluoroscopy"
    if t.startswith("navigation"):
        return "navigation"
    raise ValueError(f"guidance {text!r} fits none of {GUIDANCE_GROUPS}; extend guidance_group()")


def _add_guidance(out: pd.DataFrame, studies: pd.DataFrame) -> pd.DataFrame:
    guidance = dict(zip(studies["row_id"].astype(int), studies["guidance"].fillna("")))
    out["guidance"] = out["row_id"].map(guidance).fillna("")
    out["guidance_group"] = out["guidance"].map(guidance_group)
    return out


def synthesis_table(card: Optional[ReportedCard] = None, claim: Optional[str] = "rest_pain", *,
                    studies: Optional[pd.DataFrame] = None, r: float = 0.5, timepoint: str = "first",
                    exclude_flags: Iterable[str] = (), mean_method: str = "luo", sd_method: Optional[str] = None,
                    xi_eta: str = "formula") -> pd.DataFrame:
    """The pooling table of the literature with the card's cohort added as one more row.

    Calls :func:`~sacro_kit.io.literature.pooling_table` on the shipped studies plus :func:`card_study_row`, then
    marks the shipped rows of the card's own publication not eligible (their ``reason`` then says so, replacing
    any other), so the cohort is counted once and follows the card. Column ``from_card`` is True for the card's row. With
    ``claim=None`` (or no card) the table is the literature alone and nothing is set aside. Other arguments go
    to :func:`~sacro_kit.io.literature.pooling_table`.

    >>> from sacro_kit.io.card import load_reported
    >>> table = synthesis_table(load_reported())
    >>> int(table["eligible"].sum()), int(table["from_card"].sum())
    (9, 1)
    """
    studies = load_studies() if studies is None else studies
    if card is None or claim is None:
        out = pooling_table(studies, timepoint=timepoint, r=r, mean_method=mean_method, sd_method=sd_method,
                            xi_eta=xi_eta, exclude_flags=exclude_flags)
        out["from_card"] = False
        return _add_guidance(out, studies)
    row = card_study_row(card, claim, studies=studies)
    combined = pd.concat([studies, row], ignore_index=True)
    out = pooling_table(combined, timepoint=timepoint, r=r, mean_method=mean_method, sd_method=sd_method,
                        xi_eta=xi_eta, exclude_flags=exclude_flags)
    out = _add_guidance(out, combined)
    card_id = int(row.loc[0, "row_id"])
    out["from_card"] = out["row_id"] == card_id
    same_ids = set(studies.loc[_same_publication(studies, card), "row_id"].astype(int))
    for i in out.index[out["row_id"].isin(same_ids)]:
        out.loc[i, "reason"] = f"same publication as the card: its patients enter once, as row {card_id} " \
                               f"(from the card's {claim!r} claim)"
        out.loc[i, "eligible"] = False
        out.loc[i, ["yi", "vi"]] = np.nan
    return out


def pool_eligible(table: pd.DataFrame, *, method: str = "REML", knapp_hartung: bool = False,
                  conf_level: float = 0.95) -> MetaResult:
    """Random-effects meta-analysis (:func:`~sacro_kit.stats.meta.meta_analysis`) of the eligible rows of ``table``.

    >>> from sacro_kit.io.card import load_reported
    >>> pool_eligible(synthesis_table(load_reported())).k
    9
    """
    missing = [c for c in ("yi", "vi", "eligible", "label") if c not in table.columns]
    if missing:
        raise ValueError(f"table lacks columns {missing}; use synthesis_table() or pooling_table()")
    rows = table[table["eligible"].astype(bool)]
    if rows.empty:
        raise ValueError("no eligible rows to pool")
    return meta_analysis(rows["yi"], rows["vi"], method=method, knapp_hartung=knapp_hartung,
                         conf_level=conf_level, labels=rows["label"].tolist())


def _summary(name: str, excluded: Sequence[str], table: pd.DataFrame, method: str, conf_level: float) -> dict:
    z = pool_eligible(table, method=method, conf_level=conf_level)
    kh = pool_eligible(table, method=method, knapp_hartung=True, conf_level=conf_level) if z.k >= 2 else None
    return {"analysis": name, "excluded": "; ".join(excluded), "k": z.k, "estimate": z.estimate,
            "ci_low": z.ci_low, "ci_high": z.ci_high,
            "kh_ci_low": kh.ci_low if kh else np.nan, "kh_ci_high": kh.ci_high if kh else np.nan,
            "pi_low": z.pi_low, "pi_high": z.pi_high, "tau2": z.tau2, "i2": z.i2}


def sensitivity_analyses(card: Optional[ReportedCard] = None, claim: Optional[str] = "rest_pain", *,
                         studies: Optional[pd.DataFrame] = None, r: float = 0.5, method: str = "REML",
                         conf_level: float = 0.95) -> pd.DataFrame:
    """The pooled mean change under the main analysis and under each way of setting doubtful rows aside.

    One row per analysis: all eligible rows; without the card's cohort (when there is one); without the rows
    carrying each flag of :data:`~sacro_kit.io.literature.FLAG_COLUMNS` that touches an eligible row; without every
    flagged row; and with each arm's latest instead of first time point. Columns: ``analysis``, ``excluded``
    (labels of eligible rows dropped), ``k``, ``estimate``, the z-based CI (``ci_low``, ``ci_high``), the
    Knapp-Hartung CI (``kh_ci_low``, ``kh_ci_high``; NaN when k < 2), the prediction interval, ``tau2`` and ``i2``.
    """
    base = synthesis_table(card, claim, studies=studies, r=r)
    eligible = base[base["eligible"]]
    rows = [_summary("all eligible rows", [], base, method, conf_level)]
    if base["from_card"].any():
        without = base.assign(eligible=base["eligible"] & ~base["from_card"])
        rows.append(_summary("without this cohort", eligible.loc[eligible["from_card"], "label"].tolist(),
                             without, method, conf_level))
    for flag in FLAG_COLUMNS:
        hit = eligible[eligible[flag]]
        if hit.empty:
            continue
        rows.append(_summary(f"without rows flagged: {_FLAG_WORDS[flag]}", hit["label"].tolist(),
                             base.assign(eligible=base["eligible"] & ~base[flag]), method, conf_level))
    any_flag = eligible[list(FLAG_COLUMNS)].any(axis=1)
    if any_flag.any():
        rows.append(_summary("without every flagged row", eligible.loc[any_flag, "label"].tolist(),
                             base.assign(eligible=base["eligible"] & ~base[list(FLAG_COLUMNS)].any(axis=1)),
                             method, conf_level))
    latest = synthesis_table(card, claim, studies=studies, r=r, timepoint="last")
    first_ids = set(eligible["row_id"])
    moved = latest.loc[latest["eligible"] & ~latest["row_id"].isin(first_ids), "label"].tolist()
    rows.append(_summary("latest time point of each arm", [f"{x} (later time point)" for x in moved], latest,
                         method, conf_level))
    return pd.DataFrame(rows)


def conversion_table(card: ReportedCard, claims: Optional[Sequence[str]] = None, *,
                     xi_eta: str = "formula") -> pd.DataFrame:
    """Every paired median/IQR of the card converted to a mean and SD, with what the conversion assumes.

    One row per claim and side (pre, post): n, the printed quartiles, the scale bounds, Luo's and Wan's means,
    Wan's SD (``sd``) and the same SD with Wan's tabulated divisor (``sd_table``), Shi et al.'s (2023) skewness
    statistic with its 5% critical value, the engine's warnings, and ``outside_scale``: the share of the normal
    curve N(Luo mean, Wan SD) that lies below the scale's minimum or above its maximum, which real scores on a
    bounded scale can never do. ``claims`` defaults to every paired summary with a median centre.

    >>> from sacro_kit.io.card import load_reported
    >>> t = conversion_table(load_reported(), ["rest_pain"])
    >>> t[["side", "mean_luo", "sd"]].round(3).values.tolist()
    [['pre', 6.465, 3.509], ['post', 2.178, 1.949]]
    """
    if claims is None:
        claims = [c.key for c in card if isinstance(c, PairedSummaryClaim)
                  and c.pre.center_label == c.post.center_label == "median"]
    rows = []
    for key in claims:
        found = _paired_median_claim(card, key)
        low, high = _scale_bounds(card, found)
        bounds = (low if low is not None else -math.inf, high if high is not None else math.inf)
        scale = bounds if (low is not None or high is not None) else None
        for side in ("pre", "post"):
            summary = getattr(found, side)
            q = {"q1": summary.q1.value, "median": summary.center.value, "q3": summary.q3.value}
            luo = estimate_mean_sd(found.n, **q, mean_method="luo", scale=scale, xi_eta=xi_eta)
            wan = estimate_mean_sd(found.n, **q, mean_method="wan", scale=scale, xi_eta=xi_eta)
            tabled = estimate_mean_sd(found.n, **q, mean_method="luo", scale=scale, xi_eta="table")
            outside = float(stats.norm.cdf(bounds[0], luo.mean, luo.sd) + stats.norm.sf(bounds[1], luo.mean, luo.sd))
            rows.append({"claim": key, "side": side, "n": found.n, **q, "scale_min": low, "scale_max": high,
                         "mean_luo": luo.mean, "mean_wan": wan.mean, "sd": luo.sd, "sd_table": tabled.sd,
                         "skewness": luo.skewness, "skewness_critical": luo.skewness_critical,
                         "outside_scale": outside, "warnings": "; ".join(luo.warnings)})
    return pd.DataFrame(rows)


@styled
def conversion_plot(table: pd.DataFrame, *, ncols: int = 1) -> Figure:
    """One panel per row of :func:`conversion_table`: the normal curve the conversion assumes, the printed
    quartiles (ticks), the scale's bounds (grey lines) and, shaded, the part of the curve outside the scale.

    >>> from sacro_kit.io.card import load_reported
    >>> len(conversion_plot(conversion_table(load_reported(), ["rest_pain"])).axes)
    2
    """
    if table.empty:
        raise ValueError("the conversion table is empty: the card has no paired median/IQR claims")
    pal = sns.color_palette("colorblind")
    k = len(table)
    nrows = math.ceil(k / ncols)
    fig = new_figure((FIGURE_WIDTH * ncols, 2.1 * nrows + 0.4))  # one column: legible on a phone
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, (_, row) in zip(axes, table.iterrows()):
        lo = row["scale_min"] if pd.notna(row["scale_min"]) else row["mean_luo"] - 4 * row["sd"]
        hi = row["scale_max"] if pd.notna(row["scale_max"]) else row["mean_luo"] + 4 * row["sd"]
        pad = max(0.35 * (hi - lo), 2 * row["sd"])
        x = np.linspace(lo - pad, hi + pad, 600)
        y = stats.norm.pdf(x, row["mean_luo"], row["sd"])
        ax.plot(x, y, color=pal[0], lw=1.6)
        for mask in (x < lo, x > hi):
            ax.fill_between(x[mask], y[mask], color=pal[3], alpha=0.45, lw=0)
        for bound in (row["scale_min"], row["scale_max"]):
            if pd.notna(bound):
                ax.axvline(bound, color="0.45", lw=1.0)
        top = float(y.max())
        for name, style in (("q1", ":"), ("median", "-"), ("q3", ":")):
            ax.vlines(row[name], 0, 1.05 * top, color="black", ls=style, lw=1.2)
        ax.set_ylim(0, 1.2 * top)
        ax.set_yticks([])
        ax.set_title(f"{row['claim']}, {row['side']} (n = {int(row['n'])}): "
                     f"{row['outside_scale']:.0%} outside", fontsize=TITLE)
        ax.set_xlabel(f"mean {row['mean_luo']:.2f}, SD {row['sd']:.2f}", fontsize=SMALL)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
    for ax in axes[k:]:
        ax.set_visible(False)
    return fig


@styled
def correlation_plot(sensitivity: pd.DataFrame, *, kh_sensitivity: Optional[pd.DataFrame] = None,
                     mark_r: Optional[float] = None, ax=None) -> Figure:
    """Pooled estimate (points) and its CI (bars) against the assumed within-person correlation r, from
    :func:`~sacro_kit.stats.meta.correlation_sensitivity`; ``kh_sensitivity`` adds the Knapp-Hartung CIs beside them
    (dashed), and ``mark_r`` draws a vertical line at the r of the main analysis.

    >>> from sacro_kit.stats.meta import correlation_sensitivity
    >>> from sacro_kit.io.card import load_reported
    >>> s = correlation_sensitivity(synthesis_table(load_reported()), [0.2, 0.5, 0.8])
    >>> type(correlation_plot(s, mark_r=0.5)).__name__
    'Figure'
    """
    needed = ("r", "estimate", "ci_low", "ci_high")
    for name, frame in (("sensitivity", sensitivity), ("kh_sensitivity", kh_sensitivity)):
        if frame is not None and [c for c in needed if c not in frame.columns]:
            raise ValueError(f"{name} needs columns {needed}; use correlation_sensitivity()")
    pal = sns.color_palette("colorblind")
    if ax is None:
        fig = new_figure((FIGURE_WIDTH, 4.2))
        ax = fig.add_subplot()
    else:
        fig = ax.get_figure()
    shift = 0.012 if kh_sensitivity is not None else 0.0
    r = sensitivity["r"].to_numpy()
    ax.vlines(r - shift, sensitivity["ci_low"], sensitivity["ci_high"], color=pal[0], lw=2.2,
              label="95% CI (z)" if kh_sensitivity is not None else "95% CI")
    if kh_sensitivity is not None:
        rk = kh_sensitivity["r"].to_numpy()
        ax.vlines(rk + shift, kh_sensitivity["ci_low"], kh_sensitivity["ci_high"], color=pal[1], lw=2.2,
                  ls="--", label="95% CI (Knapp-Hartung)")
    ax.plot(r, sensitivity["estimate"], "o", color="black", ms=5, label="pooled mean change")
    if mark_r is not None:
        ax.axvline(mark_r, color="0.6", lw=1.0, ls=":", label=f"main analysis (r = {mark_r:g})")
    ax.set_xlabel("assumed correlation r between pre and post scores")
    ax.set_ylabel("pooled mean change (points)")
    if ax.get_figure() is fig and fig.get_layout_engine() is not None:
        fig.legend(loc="outside lower center", ncols=2, fontsize=SMALL, frameon=False)
    else:
        ax.legend(loc="best", fontsize=SMALL, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


# ---------------------------------------------------------------- one rule for implausible SDs

#: The SD rule's threshold: on the 0-10 pain scales of these studies, an SD of individual patients' scores below
#: this many points (a tenth of the scale) is implausible and more likely a standard error.
SD_FLOOR = 1.0
_SCALE = (0.0, 10.0)


def _max_sd(mean: float, n: float, low: float = _SCALE[0], high: float = _SCALE[1]) -> float:
    """Largest sample SD that n scores in [low, high] with this mean can have (Bhatia-Davis, n / (n - 1))."""
    return math.sqrt(max(0.0, (mean - low) * (high - mean)) * n / (n - 1)) if n > 1 else 0.0


def sd_rule(table: pd.DataFrame, floor: float = SD_FLOOR) -> pd.DataFrame:
    """Apply the SD rule to **every** row of a pooling table that has an SD, pooled or not.

    The rule: a row whose smallest SD (before or after) is below ``floor`` points on the 0-10 scale is flagged
    ``implausible_sd``: pain scores of individual patients do not cluster that tightly, and a printed "±" of that
    size is more likely a standard error. For each flagged row the table also gives the SDs it would have if the
    printed values were SEs (SD = SE sqrt(n), both time points, since a paper uses one convention), and whether
    those SDs are possible at all for n scores on a 0-10 scale with the printed means (the largest possible
    sample SD is sqrt(mean (10 - mean) n / (n - 1))). Rows without n get no SE reading.

    Returns one row per table row with an SD: ``row_id``, ``label``, ``n``, ``eligible`` (for the main analysis),
    ``sd_pre``, ``sd_post``, ``smallest_sd``, ``implausible_sd``, ``sd_pre_if_se``, ``sd_post_if_se``,
    ``se_reading_possible``, ``unverified_author``.

    >>> from sacro_kit.io.card import load_reported
    >>> rule = sd_rule(synthesis_table(load_reported()))
    >>> int(rule["implausible_sd"].sum()) >= 1
    True
    """
    if floor <= 0:
        raise ValueError(f"floor must be positive, got {floor!r}")
    missing = [c for c in ("row_id", "label", "n", "sd_pre", "sd_post", "mean_pre", "mean_post", "eligible")
               if c not in table.columns]
    if missing:
        raise ValueError(f"table lacks columns {missing}; use synthesis_table()")
    rows = table[table["sd_pre"].notna() | table["sd_post"].notna()]
    out = []
    for _, r in rows.iterrows():
        sds = [x for x in (r["sd_pre"], r["sd_post"]) if pd.notna(x)]
        smallest = min(sds)
        flagged = smallest < floor
        n = None if pd.isna(r["n"]) else float(r["n"])
        pre_se = post_se = math.nan
        possible = None
        if flagged and n is not None:
            pre_se, post_se = r["sd_pre"] * math.sqrt(n), r["sd_post"] * math.sqrt(n)
            possible = bool(pre_se <= _max_sd(r["mean_pre"], n) and post_se <= _max_sd(r["mean_post"], n))
        out.append({"row_id": int(r["row_id"]), "label": r["label"], "n": n, "eligible": bool(r["eligible"]),
                    "sd_pre": r["sd_pre"], "sd_post": r["sd_post"], "smallest_sd": smallest,
                    "implausible_sd": bool(flagged), "sd_pre_if_se": pre_se, "sd_post_if_se": post_se,
                    "se_reading_possible": possible,
                    "unverified_author": bool(r.get("unverified_author", False))})
    return pd.DataFrame(out)


def _pooled_row(name: str, handling: str, floor: Optional[float], rows: pd.DataFrame, excluded: Sequence[str],
                method: str, conf_level: float) -> dict:
    if len(rows) == 0:
        raise ValueError(f"{name}: no rows left to pool")
    z = meta_analysis(rows["yi"], rows["vi"], method=method, conf_level=conf_level, labels=rows["label"].tolist())
    kh = (meta_analysis(rows["yi"], rows["vi"], method=method, knapp_hartung=True, conf_level=conf_level)
          if z.k >= 2 else None)
    return {"analysis": name, "handling": handling, "floor": floor, "k": z.k, "excluded": "; ".join(excluded),
            "estimate": z.estimate, "ci_low": z.ci_low, "ci_high": z.ci_high,
            "kh_ci_low": kh.ci_low if kh else np.nan, "kh_ci_high": kh.ci_high if kh else np.nan,
            "pi_low": z.pi_low, "pi_high": z.pi_high, "tau2": z.tau2, "i2": z.i2}


def sd_sensitivity(table: pd.DataFrame, floors: Iterable[float] = (0.5, 0.75, SD_FLOOR, 1.25, 1.5), *,
                   method: str = "REML", conf_level: float = 0.95) -> pd.DataFrame:
    """How the pooled mean change depends on the SD rule, applied the same way to every pooled row.

    Rows of the result: the main analysis (every eligible row as printed); for each ``floor``, the pooled result
    without every row the rule flags, and with the flagged rows' dispersions read as standard errors
    (SD = SE sqrt(n); a row whose SE reading is impossible on the scale is then left out, and ``excluded`` says
    so); without the rows whose authors could not be identified; and without both those and the rows flagged at
    :data:`SD_FLOOR`. Columns as :func:`sensitivity_analyses`, plus ``handling`` and ``floor``.
    """
    from sacro_kit.stats.meta import mean_change  # local: meta imports nothing from here

    eligible = table[table["eligible"].astype(bool)]
    rows = [_pooled_row("all eligible rows as printed (main analysis)", "as printed", None, eligible, [], method,
                        conf_level)]
    for floor in floors:
        rule = sd_rule(eligible, floor).set_index("row_id")
        flagged = eligible[eligible["row_id"].map(rule["implausible_sd"]).fillna(False).astype(bool)]
        if flagged.empty:
            rows.append(_pooled_row(f"SD < {floor:g}: no pooled row flagged", "none flagged", floor, eligible, [],
                                    method, conf_level))
            continue
        kept = eligible[~eligible["row_id"].isin(flagged["row_id"])]
        rows.append(_pooled_row(f"without rows with an SD < {floor:g}", "excluded", floor, kept,
                                flagged["label"].tolist(), method, conf_level))
        as_se = eligible.copy()
        dropped = []
        for i, r in flagged.iterrows():
            info = rule.loc[int(r["row_id"])]
            if not info["se_reading_possible"]:
                dropped.append(f"{r['label']} (as SE its SD would be impossible on the scale)")
                as_se = as_se.drop(index=i)
                continue
            eff = mean_change(r["mean_pre"], info["sd_pre_if_se"], r["mean_post"], info["sd_post_if_se"], r["n"],
                              r=r["r"])
            as_se.loc[i, "vi"] = float(eff["vi"].iloc[0])
        rows.append(_pooled_row(f"SDs < {floor:g} read as standard errors", "read as SE", floor, as_se, dropped,
                                method, conf_level))
    unverified = eligible[eligible["unverified_author"].astype(bool)]
    if not unverified.empty:
        rows.append(_pooled_row("without rows whose authors are unverified", "authors", None,
                                eligible[~eligible["unverified_author"].astype(bool)], unverified["label"].tolist(),
                                method, conf_level))
        rule = sd_rule(eligible, SD_FLOOR).set_index("row_id")
        bad = eligible["unverified_author"].astype(bool) | eligible["row_id"].map(rule["implausible_sd"]).fillna(
            False).astype(bool)
        rows.append(_pooled_row(f"without unverified authors and SDs < {SD_FLOOR:g}", "both", SD_FLOOR,
                                eligible[~bad], eligible.loc[bad, "label"].tolist(), method, conf_level))
    return pd.DataFrame(rows)


def k_requirements(k: int, *, k_regression: Optional[int] = None, n_moderators: int = 1,
                   subgroup_sizes: Optional[Sequence[int]] = None) -> pd.DataFrame:
    """Which methods the number of studies supports: one row per method with the k available, the k needed
    (:func:`sacro_kit.stats.meta.min_k`, with its source) and ``enough`` (True/False).

    ``k`` is the number of pooled studies; ``k_regression`` the number with the moderator known (default ``k``);
    ``subgroup_sizes`` the studies per subgroup (the subgroup test also needs 2 or more in every subgroup).

    >>> k_requirements(9, k_regression=4, subgroup_sizes=[4, 3, 1, 1])[["method", "k", "needed", "enough"]].values.tolist()[:2]
    [['τ², I² and their intervals', 9, 5, True], ['leave-one-out and influence', 9, 3, True]]
    """
    from sacro_kit.stats.meta import min_k

    k_regression = k if k_regression is None else int(k_regression)
    rows = [
        ("\u03c4\u00b2, I\u00b2 and their intervals", k, min_k("tau2"), "Langan et al. 2019; Viechtbauer 2005"),
        ("leave-one-out and influence", k, min_k("influence"), "one study left out must leave two"),
        ("Egger's regression test", k, min_k("egger_test"), "Sterne et al. 2011"),
        ("trim-and-fill", k, min_k("trim_and_fill"), "Sterne et al. 2011"),
        ("meta-regression", k_regression, min_k("meta_regression", n_moderators),
         "Cochrane Handbook 10.11.5.1 (10 per moderator)"),
    ]
    if subgroup_sizes is not None:
        sizes = [int(s) for s in subgroup_sizes]
        rows.append(("test of subgroup differences", sum(sizes), min_k("subgroups", max(1, len(sizes) - 1)),
                     "Cochrane Handbook 10.11.5.1 (10 per contrast)"))
    out = pd.DataFrame(rows, columns=["method", "k", "needed", "source"])
    out["enough"] = out["k"] >= out["needed"]
    if subgroup_sizes is not None:
        out.loc[out["method"] == "test of subgroup differences", "enough"] &= min(sizes) >= 2
        out.loc[out["method"] == "test of subgroup differences", "k"] = sum(sizes)
    return out[["method", "k", "needed", "enough", "source"]]
