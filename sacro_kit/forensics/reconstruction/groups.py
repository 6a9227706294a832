"""Cards with groups: every group reconstructed on its own patients, under its own claims.

Part of :mod:`sacro_kit.forensics.reconstruction` (the law, the method and the assumptions are documented there).

A schema-2 card whose claims name groups (two arms of a trial, say) describes separate patients: each group is
split off as a card of its own (its cells, its within-group tests, its counts, proportions, responders and
directions, with a ``treated`` count of the group's size) and reconstructed by the one-group machinery; the
cohorts are stacked with a ``group`` column, patient ids prefixed by the group. The groups are drawn independently
(child seeds of the seed), so the joint law is the product of the groups' uniform laws: uniform over the distinct
joint cohorts of every group together.

What is not a constraint of the reconstruction, and is reported instead of being ignored: a test **between** groups
(Mann-Whitney, t, ...): :func:`verify_cohort` shows its recomputed p (for the tests it can recompute) with ``ok``
``<NA>`` and a note beginning "not reproduced:". Shapes the split cannot express are a ValueError naming the claim: a
summary, proportion or test of all groups pooled, or a count of an outcome without a group. An outcome at several
time points is drawn in each group as one column per time point (see the package docstring); :func:`refusal` says
why a card cannot be reconstructed at all (a mean ± SD, a real-valued scale with no step, ...).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

#: What verify_cohort says of a between-group test (the reconstruction draws each group on its own).
NOT_REPRODUCED = (
    "not reproduced: reconstruct draws each group on its own patients, so a test between groups is no constraint of "
    "the reconstruction"
)


def schema2_of(card):
    """The schema-2 card behind ``card`` (a Card, a ReportedCard, a path or None), or None for a hand-built mapping."""
    from sacro_kit.io.card import ReportedCard
    from sacro_kit.io.card_schema import Card, as_card

    if isinstance(card, Card):
        return card
    if isinstance(card, ReportedCard):
        return card.card2
    if card is None or isinstance(card, (str, Path)):
        return as_card(card)
    return None


def _uses_groups(card2) -> bool:
    for claim in card2:
        if getattr(claim, "group", None) is not None:
            return True
        for cell in getattr(claim, "values", ()):
            if cell.group is not None:
                return True
        for test in getattr(claim, "tests", ()):
            if test.group is not None or test.between:
                return True
    return False


#: How a refusal names what a summary prints (``Cell.shape``).
_PRINTS = {
    "mean_sd": "mean ± SD",
    "mean_se": "mean ± SE",
    "mean_pm": "mean ± SD or SE (which is not stated)",
    "median_range": "a median with its range",
    "mean": "a mean alone",
    "median": "a median alone",
}

#: Columns drawn on the weeks lattice (``WEEKS_LATTICE``): real-valued outcomes reconstruct can draw.
_WEEKS_COLUMNS = ("pain_weeks", "followup_weeks")


def refusal(card2) -> str | None:
    """Why ``reconstruct`` cannot draw cohorts for this schema-2 card, in one sentence naming the claim; else None.

    The reconstruction draws scores on a lattice (integer scores, or weeks on ``WEEKS_LATTICE``) whose sorted samples
    are pinned by printed medians and quartiles (a mean only beside its IQR). A summary printed another way (mean ±
    SD, mean ± SE, a median with its range), an outcome on a real-valued scale with no step, or a time point the
    outcome maps to no cohort column cannot be drawn; the card can still be checked (``sacro-kit check``).
    """
    for claim in card2:
        if claim.kind != "summary":
            continue
        for cell in claim.values:
            outcome = card2.outcomes.get(cell.outcome)
            scale = None if outcome is None else outcome.scale
            if scale is None:
                continue
            columns = tuple(outcome.cohort.values())
            lattice = scale.granularity is not None or scale.type == "integer" or set(columns) & set(_WEEKS_COLUMNS)
            grain = "" if lattice else ", real-valued with no step"
            parts = ([f"group {cell.group}"] if cell.group else []) + (
                [f"time point {cell.at}"] if cell.at and cell.change is None else []
            )
            where = f" ({', '.join(parts)})" if parts else ""
            if cell.shape not in ("median_iqr", "mean_iqr"):
                what = _PRINTS.get(cell.shape, f"only {cell.shape.replace('+', ', ')}")
                return (
                    f"claims.{claim.key} prints {what}{where} on scale {scale.name!r}{grain}: reconstruct draws scores "
                    "on a lattice from medians and quartiles (a mean only beside its IQR), which this card does not "
                    "print, so it cannot be reconstructed (check it with sacro-kit check)"
                )
            if not lattice:
                return (
                    f"claims.{claim.key} prints medians{where} on scale {scale.name!r}, real-valued with no step: "
                    "reconstruct draws scores on a lattice, so the scale needs a step (or integer type)"
                )
            if cell.change is not None:
                return (
                    f"claims.{claim.key} prints a change score{where}: reconstruct draws the scores at each time "
                    "point, not their changes, so it cannot reconstruct this card (check it with sacro-kit check)"
                )
            if (cell.at or "") not in outcome.cohort:
                point = f"time point {cell.at!r}" if cell.at else "its single value"
                return (
                    f"claims.{claim.key}: outcome {outcome.name!r} maps no cohort column to {point} (outcomes."
                    f"{outcome.name}.cohort): reconstruct has no column to draw those scores into"
                )
    return None


def refuse(card) -> None:
    """ValueError with :func:`refusal`'s sentence when ``card`` (any form) is a schema-2 card reconstruct cannot draw."""
    card2 = schema2_of(card)
    if card2 is None:
        return
    reason = refusal(card2)
    if reason is not None:
        raise ValueError(f"{card2.path.name}: {reason}")


def grouped(card):
    """The schema-2 card if ``card`` has claims on groups, else None."""
    card2 = schema2_of(card)
    if card2 is None:
        return None
    return card2 if _uses_groups(card2) else None


def _group_size(card2, group: str) -> int:
    size = card2.groups[group].n
    if size is None:
        counts = [
            int(c.n.value) for c in card2 if c.kind == "count" and c.group == group and c.outcome is None and not c.of
        ]
        size = counts[0] if counts else None
    if size is None:
        raise ValueError(
            f"group {group!r} has no size: give it n (groups: {{{group}: {{n: ...}}}}) or a count claim of the "
            "group, so that reconstruct knows how many patients to draw"
        )
    return int(size)


def split(card2) -> tuple[dict, list]:
    """One card per group (its own claims; a ``treated`` count of its size) and the between-group tests.

    Returns ``(cards, between)``: ``cards`` maps each group used by a claim to its card, ``between`` lists
    ``(claim key, TestSpec)`` of the tests between groups. ValueError names a claim the split cannot express.
    """
    from sacro_kit.io.card import Printed
    from sacro_kit.io.card_schema import CountClaim

    used = [
        g
        for g in card2.groups
        if any(
            getattr(c, "group", None) == g
            or any(cell.group == g for cell in getattr(c, "values", ()))
            or any(t.group == g for t in getattr(c, "tests", ()))
            for c in card2
        )
    ]
    if not used:
        raise ValueError(f"{card2.path}: only tests between groups name the groups; no group has claims to reproduce")
    between = [(c.key, t) for c in card2 if c.kind == "summary" for t in c.tests if t.between]

    def pooled(claim, what: str):
        return ValueError(
            f"{claim.key}: {what} of all groups together on a card with groups; reconstruct draws each group on its "
            "own patients and reproduces claims of one group (give the claim a group, or leave it out to reconstruct)"
        )

    cards = {}
    for group in used:
        size = _group_size(card2, group)
        claims = {
            "treated": CountClaim(
                "treated", "count", Printed.parse(str(size)), None, None, None, f"group {group}: {size} patients", None
            )
        }
        for claim in card2:
            if claim.kind == "count":
                if claim.outcome is None and (claim.group == group or claim.group is None):
                    continue  # the group's size (the treated count above) or the total, checked by verify_cohort
                if claim.group is None:
                    raise pooled(claim, "a count")
                if claim.group == group:
                    claims[claim.key] = replace(claim, group=None, of=None if claim.of is None else "treated")
            elif claim.kind == "summary":
                if any(cell.group is None for cell in claim.values):
                    raise pooled(claim, "a summary")
                if any(t.group is None and not t.between for t in claim.tests):
                    raise pooled(claim, "a test within time points")
                cells = tuple(replace(cell, group=None) for cell in claim.values if cell.group == group)
                tests = tuple(replace(t, group=None) for t in claim.tests if t.group == group and not t.between)
                if cells or tests:
                    claims[claim.key] = replace(claim, values=cells, tests=tests)
            elif claim.group is None:
                raise pooled(claim, f"a {claim.kind} claim")
            elif claim.group == group:
                claims[claim.key] = replace(claim, group=None)
        cards[group] = replace(
            card2,
            groups=MappingProxyType({}),
            claims=MappingProxyType(claims),
            converted_from=None,
            _raw=None,
        )
    return cards, between


def group_seed(seed: int, index: int) -> int:
    """The seed of the ``index``-th group's chain: a child of ``seed`` (numpy SeedSequence), the same on every run."""
    return int(np.random.SeedSequence([int(seed), int(index)]).generate_state(1, np.uint32)[0])


def common_method(cards: dict, method, rounding: str, decimals):
    """The quantile definition every group is reconstructed under: ``method``, or the first that fits every group."""
    from sacro_kit.forensics.consistency import fitting_methods
    from sacro_kit.io.card_schema import as_reported_card

    if method is not None:
        return method
    fitting = None
    for group, card in cards.items():
        fits = fitting_methods(as_reported_card(card), rounding=rounding, decimals=decimals)
        fitting = list(fits) if fitting is None else [m for m in fitting if m in fits]
        if not fitting:
            raise ValueError(
                f"no quantile definition reproduces every printed summary of every group (group {group!r} leaves none)"
            )
    return fitting[0] if fitting else None


def stack(parts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One cohort of the groups' cohorts: a ``group`` column after ``patient_id``, ids prefixed by the group."""
    frames = []
    for group, cohort in parts.items():
        frame = cohort.copy()
        frame["patient_id"] = pd.array([f"{group}-{x}" for x in frame["patient_id"]], dtype="string")
        frame.insert(1, "group", pd.array([group] * len(frame), dtype="string"))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def between_rows(cohort: pd.DataFrame, card2, between) -> list[tuple]:
    """verify_cohort's rows for the tests between groups: the recomputed p for reference, ``ok`` <NA>, and why."""
    from scipy import stats

    rows = []
    for key, test in between:
        named = test.test
        statistic = f"p ({test.name or 'test not named'}, {' vs '.join(test.between)}" + (
            f" at {test.at})" if test.at else ")"
        )
        recomputed, how = "", ""
        outcome = card2.outcomes.get(test.outcome) if test.outcome else None
        column = None if outcome is None else outcome.cohort.get(test.at or "", None)
        if column is not None and column in cohort.columns and named in ("rank-sum", "t", "kruskal", "anova"):
            samples = [cohort.loc[cohort["group"] == g, column].dropna().to_numpy(float) for g in test.between]
            if all(s.size for s in samples):
                if named == "rank-sum" and len(samples) == 2:
                    p = stats.mannwhitneyu(*samples, alternative="two-sided").pvalue
                    how = "Mann-Whitney U, two-sided (scipy default)"
                elif named == "t" and len(samples) == 2:
                    p = stats.ttest_ind(*samples).pvalue
                    how = "Student t, two-sided"
                elif named == "kruskal":
                    p = stats.kruskal(*samples).pvalue
                    how = "Kruskal-Wallis"
                elif named == "anova":
                    p = stats.f_oneway(*samples).pvalue
                    how = "one-way ANOVA"
                else:
                    p = None
                if p is not None and p == p:
                    recomputed = f"{p:.3g}"
        note = NOT_REPRODUCED + (f"; recomputed with {how} for reference" if recomputed else "")
        rows.append((key, statistic, "" if test.p is None else test.p.text, recomputed, pd.NA, note))
    return rows
