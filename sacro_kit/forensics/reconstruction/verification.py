"""Verification, independent of the drawing code: every reported statistic recomputed from a cohort.

Part of :mod:`sacro_kit.forensics.reconstruction` (the law, the method and the assumptions are documented there).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from sacro_kit._compat import renamed_arguments
from sacro_kit.forensics.consistency import fitting_methods
from sacro_kit.forensics.lattice import P_CANDIDATES as _P_CANDIDATES
from sacro_kit.forensics.lattice import check_rounding as _check_rounding
from sacro_kit.forensics.reconstruction.planning import (
    P_TEST,
    P_TEST_LABEL,
    P_TESTS,
    PAIN_SCORE_PAIRS,
    PER_VALUE,
    _decimal_prints,
    _load_card,
    _p_floor,
    _p_reachable,
    _p_satisfied,
    reading,
)
from sacro_kit.stats.quantiles import check_method


def _fmt(value) -> str:
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return f"{float(value):.10g}"


class _Rows:
    def __init__(self, rounding: str, decimals: int):
        self.rows: list[tuple] = []
        self.tests: dict[str, str] = {}  # claim -> the test its printed p was recomputed with
        self.rounding = rounding
        self.decimals = decimals

    def add(self, claim: str, statistic: str, reported: str, recomputed: str, ok, note: str = "") -> None:
        self.rows.append((claim, statistic, reported, recomputed, ok, note))

    def equal(self, claim: str, statistic: str, reported: int, recomputed: int, note: str = "") -> None:
        self.add(claim, statistic, str(reported), str(recomputed), int(reported) == int(recomputed), note)

    def printed(self, claim: str, statistic: str, printed, value: float, percent: bool = False) -> None:
        places = printed.decimals if percent else max(printed.decimals, self.decimals)
        if value != value:  # NaN: nothing to compare
            self.add(claim, statistic, printed.text, "NaN", False, "no data")
            return
        ok = _decimal_prints(value, printed.text, places, self.rounding)
        shown = f"{_fmt(value)}%" if percent else _fmt(value)
        note = "" if places == printed.decimals else f"read at {places} decimal(s)"
        self.add(claim, statistic, printed.text, shown, ok, note)


def _column(cohort, name: str) -> np.ndarray:
    """A column as floats with NaN for missing (``cohort`` may be a DataFrame or a dict of such arrays)."""
    if isinstance(cohort, dict):
        return cohort[name]
    column = cohort[name]
    if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
        # an extra column load_cohort kept as text (the score columns of an outcome at several time points)
        text = column.astype("string").str.strip()
        numbers = pd.to_numeric(text.mask(text == ""), errors="coerce")
        bad = text.notna() & (text != "") & numbers.isna()
        if bad.any():
            row = bad.to_numpy().nonzero()[0][0]
            raise ValueError(
                f"cohort column {name!r}, data row {row + 1} (patient {cohort.iloc[row].get('patient_id', '?')}): "
                f"{text.iloc[row]!r} is not a number; verify_cohort reads this column as the scores of a time point"
            )
        column = numbers
    return column.to_numpy(dtype=float, na_value=np.nan)


def _complete(cohort, variables) -> tuple[np.ndarray, np.ndarray]:
    pre, post = _column(cohort, variables[0]), _column(cohort, variables[1])
    both = ~(np.isnan(pre) | np.isnan(post))
    return pre[both], post[both]


def _unreachable_note(n: int, printed) -> str:
    return _unreachable_note_of(n, printed)


@lru_cache(maxsize=64)
def _unreachable_note_of(n: int, printed) -> str:
    from sacro_kit.stats.paired import min_attainable_p

    floors = [min_attainable_p(n, **kwargs) for _, kwargs in _P_CANDIDATES]
    if not any(_p_reachable(p, printed) for p in floors):
        return (
            f"unattainable (see check_reported): no rank test on {n} pairs reaches {printed.text} "
            f"(smallest possible p {min(floors):.3g}); recomputed p shown for reference"
        )
    return (
        f"unattainable by this test on {n} pairs (smallest p {_p_floor(n):.3g}; only an exact test could "
        "reach it, see check_reported); recomputed p shown for reference"
    )


@renamed_arguments(method="quantile_type")
def verify_cohort(
    cohort: pd.DataFrame, card=None, *, quantile_type=None, rounding: str = "up_or_down", decimals: int | None = None
) -> pd.DataFrame:
    """Recompute every reported statistic from a patient-level cohort and compare it with the card.

    Uses only the engine's plain public functions (``describe`` with the quantile ``method``, ``responders``,
    ``sign_test``, ``wilcoxon``, counts and means), never the reconstruction code path, so it can audit any
    cohort -- reconstructed or real. Columns: ``claim``, ``statistic``, ``reported`` (as printed),
    ``recomputed``, ``ok`` and ``note``. A printed value is reproduced when the recomputed value rounds to it
    (``rounding``) at its own precision, or -- for centres and quartiles -- at the reporting precision the reading
    gives: ``decimals`` when given, else the cohort's ``attrs["decimals"]`` (a reconstruction's own reading), else the
    precision the card declares (``reconstruction.decimals``), else each printed value at its own precision. The
    table's ``attrs["decimals"]`` and ``attrs["precision"]`` say which reading it used.
    A printed p is recomputed with the test the card names (Wilcoxon signed-rank as R computes it with ties,
    ``P_TEST``; the sign test; the paired t-test), or with ``P_TEST`` when the card names none; the ``statistic``
    column names the test, and ``attrs["p_tests"]`` maps each claim with a p to the test it was recomputed with.
    A printed exact p (``"0.008"``) is the interval its decimals allow (0.0075 to 0.0085).

    An outcome at several time points is checked block by block (claims such as ``"pain (pre vs w1)"``: both time
    points' medians and quartiles and the block's p under its named test), from the columns the outcome's ``cohort:``
    mapping names (numbers, or the text ``load_cohort`` keeps for columns outside the schema).

    A card with groups needs a cohort with a ``group`` column (as :func:`reconstruct` draws it): each group's patients
    are checked against that group's claims (the table then starts with a ``group`` column), the head counts of every
    group and of everyone are compared, and a test between groups is a row with ``ok`` <NA>, the recomputed p for
    reference (rank-sum, t, Kruskal-Wallis, ANOVA) and a note beginning "not reproduced:".

    ``ok`` is a nullable boolean: True/False for every statistic a cohort can reproduce, and <NA> (with a note)
    where nothing can be compared: a reported p that no cohort can reproduce because the test cannot reach it
    with that many pairs ("unattainable (see check_reported)"), or an n the paper does not state -- so ``verify_cohort(...)["ok"].all()`` (which skips <NA>) means
    "everything reproducible is reproduced". ``method=None`` takes ``cohort.attrs["quantile_method"]`` or else
    the first definition that fits the card.


    Parameters
    ----------
    cohort : pandas.DataFrame
        A cohort in the loader schema (:func:`sacro_kit.load_cohort`, or one of :func:`reconstruct`'s).
    card : ReportedCard, Card or None, default None
        The card whose printed numbers every cohort reproduces (either schema, a card file, or None for the default
        card: ``$SACRO_KIT_CARD``, else the shipped one).
    quantile_type : int, str or None, default None
        The quantile definition for centres and quartiles; None takes ``cohort.attrs["quantile_method"]`` or else
        the first definition that fits the card.
    rounding : str, default "up_or_down"
        How the paper rounded.
    decimals : int, optional
        Read every printed centre and quartile at this many decimals or more (a sensitivity reading); None reads
        the cohort's ``attrs["decimals"]``, else the card's declared precision, else each value at its own.

    Returns
    -------
    pandas.DataFrame
        One row per printed statistic: ``claim, statistic, reported, recomputed, ok, note``.

    Examples
    --------
    >>> from sacro_kit.forensics.reconstruction import reconstruct
    >>> table = verify_cohort(reconstruct(seed=1)[0])
    >>> bool(table["ok"].all()), sorted(table.loc[table["ok"].isna(), "claim"])
    (True, ['activity_pain', 'pain_duration'])
    """
    method = quantile_type
    from sacro_kit.forensics.reconstruction import groups
    from sacro_kit.stats.paired import sign_test
    from sacro_kit.stats.quantiles import describe
    from sacro_kit.stats.responders import responders

    card2 = groups.grouped(card)
    if card2 is not None:
        return _verify_groups(cohort, card2, method, rounding, decimals)
    card = _load_card(card)
    rounding = _check_rounding(rounding)
    decimals, precision = _reading_of(cohort, card, decimals)
    if method is None:
        method = cohort.attrs.get("quantile_method")
        if method is None:
            fitting = fitting_methods(card, rounding=rounding, decimals=decimals)
            if not fitting:
                raise ValueError("no quantile definition fits the card; pass method=")
            method = fitting[0]
    method = check_method(method)
    missing = sorted(
        {v for c in card for v in (c.variables if hasattr(c, "variables") else (c.variable,))} - set(cohort.columns)
    )
    if missing:
        raise ValueError(f"the cohort lacks columns the card refers to: {', '.join(missing)}")
    rows = _Rows(rounding, decimals or 0)
    columns = {name: _column(cohort, name) for name in cohort.columns if name != "patient_id"}

    for claim in card:
        key = claim.key
        if claim.kind == "count":
            count = len(cohort) if claim.variable == "patient_id" else int((~np.isnan(columns[claim.variable])).sum())
            what = "patients" if claim.variable == "patient_id" else f"patients with {claim.variable}"
            rows.equal(key, what, int(claim.n.value), count)

        elif claim.kind == "summary":
            values = columns[claim.variable]
            values = values[~np.isnan(values)]
            if claim.n is not None:
                rows.equal(key, "n", claim.n, values.size)
            else:
                rows.add(key, "n", "not reported", str(values.size), pd.NA, "the paper does not state n")
            summary = describe(values, quantile_type=method)
            s = claim.summary
            if s.center_label == "mean":
                rows.printed(key, "mean", s.center, float(np.mean(values)) if values.size else float("nan"))
            else:
                rows.printed(key, f"median (type {method})", s.center, summary.median)
            rows.printed(key, f"Q1 ({_method_label(method)})", s.q1, summary.q1)
            rows.printed(key, f"Q3 ({_method_label(method)})", s.q3, summary.q3)

        elif claim.kind == "proportion":
            values = columns[claim.variable]
            values = values[~np.isnan(values)]
            k, n = int((values != 0).sum()), int(values.size)
            rows.equal(key, "k", claim.k, k)
            rows.equal(key, "n", claim.n, n)
            rows.printed(key, "percent", claim.percent, 100 * k / n if n else float("nan"), percent=True)

        elif claim.kind == "paired_summary":
            pre, post = _complete(columns, claim.variables)
            rows.equal(key, "complete pairs", claim.n, pre.size)
            label = _method_label(method)
            for part, values, summary in (("pre", pre, claim.pre), ("post", post, claim.post)):
                d = describe(values, quantile_type=method)
                rows.printed(key, f"{part} median ({label})", summary.center, d.median)
                rows.printed(key, f"{part} Q1 ({label})", summary.q1, d.q1)
                rows.printed(key, f"{part} Q3 ({label})", summary.q3, d.q3)
            if claim.p is not None:
                _p_row(rows, key, claim, pre, post)

        elif claim.kind == "responders":
            pre, post = _complete(columns, claim.variables)
            result = responders(pre, post, claim.threshold, kind=claim.threshold_kind)
            rows.equal(key, "k", claim.k, result.k)
            rows.equal(
                key,
                "n",
                claim.n,
                result.n,
                f"{result.n_zero_baseline} zero baselines excluded" if result.n_zero_baseline else "",
            )
            rows.printed(
                key, "percent", claim.percent, 100 * result.k / result.n if result.n else float("nan"), percent=True
            )

        elif claim.kind == "paired_direction":
            pre, post = _complete(columns, claim.variables)
            signs = sign_test(pre, post)
            rows.equal(key, "n", claim.n, signs.n_used + signs.n_unchanged)
            total = signs.n_used + signs.n_unchanged
            for name, part, k in (
                ("decreased", claim.decreased, signs.n_decreased),
                ("unchanged", claim.unchanged, signs.n_unchanged),
                ("increased", claim.increased, signs.n_increased),
            ):
                rows.equal(key, name, part.k, k)
                rows.printed(key, f"{name} percent", part.percent, 100 * k / total, percent=True)

    _logic_rows(rows, columns, card)
    table = pd.DataFrame(rows.rows, columns=["claim", "statistic", "reported", "recomputed", "ok", "note"])
    table["ok"] = table["ok"].astype("boolean")
    table.attrs.update(
        method=method, rounding=rounding, decimals=decimals, precision=precision, p_tests=dict(rows.tests)
    )
    return table


def _reading_of(cohort: pd.DataFrame, card, decimals: int | None) -> tuple[int | None, str]:
    """The reading verify_cohort uses: ``decimals``, else the cohort's own (a reconstruction's attrs), else the
    card's declared precision, else each printed value at its own precision (:func:`reading`)."""
    if decimals is None and "decimals" in cohort.attrs:
        own = cohort.attrs["decimals"]
        if own is None:
            return None, cohort.attrs.get("precision") or PER_VALUE
        return int(own), cohort.attrs.get("precision") or reading(card, int(own))[1]
    return reading(card, decimals)


def _verify_groups(cohort: pd.DataFrame, card2, method, rounding: str, decimals: int | None) -> pd.DataFrame:
    """:func:`verify_cohort` of a card with groups: each group's patients against that group's claims (a ``group``
    column first), the head counts of the groups and of everyone, and the tests between groups ("not reproduced")."""
    from sacro_kit.forensics.reconstruction import groups

    if "group" not in cohort.columns:
        raise ValueError(
            f"the card {card2.path.name} has claims on groups ({', '.join(card2.groups)}); the cohort needs a "
            "'group' column naming each patient's group (reconstruct writes one)"
        )
    rounding = _check_rounding(rounding)
    cards, between = groups.split(card2)
    decimals, precision = _reading_of(cohort, card2, decimals)
    if method is None:
        method = cohort.attrs.get("quantile_method")
    if method is None:
        method = groups.common_method(cards, None, rounding, decimals)
    label = cohort["group"].astype("string")
    tables, p_tests = [], {}
    for group, sub in cards.items():
        part = cohort.loc[(label == group).fillna(False).to_numpy()].drop(columns="group").reset_index(drop=True)
        table = verify_cohort(part, sub, quantile_type=method, rounding=rounding, decimals=decimals or 0)
        table = table.loc[table["claim"] != "treated"]  # the group's size: a row of its own below
        table.insert(0, "group", group)
        tables.append(table)
        p_tests.update({f"{group}/{key}": test for key, test in table.attrs["p_tests"].items()})
    extra = []
    for claim in card2:
        if claim.kind == "count" and claim.outcome is None:
            if claim.group is None:
                extra.append(("", claim.key, "patients (all groups)", claim.n.text, str(len(cohort)), None, ""))
            else:
                size = int((label == claim.group).fillna(False).sum())
                extra.append((claim.group, claim.key, "patients in the group", claim.n.text, str(size), None, ""))
    rows = [(*row[:5], int(row[3]) == int(row[4]), row[6]) for row in extra]
    for group, name in ((g, n) for g, n in card2.groups.items() if g in cards):
        if name.n is not None:
            size = int((label == group).fillna(False).sum())
            rows.append((group, "groups", "patients in the group", str(name.n), str(size), name.n == size, ""))
    rows += [("", *row) for row in groups.between_rows(cohort, card2, between)]
    for key, _ in between:
        p_tests[key] = groups.NOT_REPRODUCED
    columns = ["group", "claim", "statistic", "reported", "recomputed", "ok", "note"]
    table = pd.concat([pd.DataFrame(rows, columns=columns), *tables], ignore_index=True)
    table["ok"] = table["ok"].astype("boolean")
    table.attrs.update(method=method, rounding=rounding, decimals=decimals, precision=precision, p_tests=p_tests)
    return table


def _p_row(rows: _Rows, key: str, claim, pre: np.ndarray, post: np.ndarray) -> None:
    """The printed p of a paired claim, recomputed with the test the card names (and saying which test it used).

    No test named: the Wilcoxon signed-rank test as R computes it with ties (``P_TEST``), the usual test for paired
    scores. A named Wilcoxon signed-rank, sign or paired t-test is recomputed with that test; any other named test
    (a between-group or unknown test) is ``<NA>`` with the reason, never a verdict.
    """
    from sacro_kit.forensics.attainable import canonical_test
    from sacro_kit.stats.paired import paired_t, sign_test, wilcoxon

    named = canonical_test(claim.test) if getattr(claim, "test", None) else None
    if getattr(claim, "test", None) and named is None:
        rows.tests[key] = f"not recomputed: unknown test {claim.test!r}"
        rows.add(key, f"p ({claim.test})", claim.p.text, "", pd.NA, f"unverifiable: unknown test {claim.test!r}")
        return
    rows.tests[key] = (
        P_TESTS[named or "wilcoxon"] + ("" if named else " (the card names no test)")
        if (named or "wilcoxon") in P_TESTS
        else f"not recomputed: {claim.test!r} is not a test of paired scores"
    )
    if named in (None, "wilcoxon"):
        p = wilcoxon(pre, post, **P_TEST, conf_level=None).pvalue if np.any(pre != post) else 1.0
        statistic = "p (Wilcoxon signed-rank, R default with ties)"
        label = P_TEST_LABEL + ("; the card names this test" if named else "; the card names no test")
        if _p_reachable(_p_floor(claim.n), claim.p):
            rows.add(key, statistic, claim.p.text, f"{p:.3g}", _p_satisfied(p, claim.p), label)
        else:
            rows.add(key, statistic, claim.p.text, f"{p:.3g}", pd.NA, _unreachable_note(claim.n, claim.p))
        return
    if named == "sign":
        statistic = "p (sign test, exact binomial)"
        try:
            p = float(sign_test(pre, post).pvalue)
        except ValueError as error:
            rows.add(key, statistic, claim.p.text, "", pd.NA, f"unverifiable: {error}")
            return
        if not _p_reachable(_p_floor(claim.n, "sign"), claim.p):
            rows.add(
                key,
                statistic,
                claim.p.text,
                f"{p:.3g}",
                pd.NA,
                f"unattainable by the sign test on {claim.n} pairs (smallest p {_p_floor(claim.n, 'sign'):.3g}); "
                "recomputed p shown for reference",
            )
            return
        rows.add(
            key,
            statistic,
            claim.p.text,
            f"{p:.3g}",
            _p_satisfied(p, claim.p),
            f"the card names the test: {claim.test!r}",
        )
        return
    if named == "paired-t":
        try:
            p = float(paired_t(pre, post).pvalue)
        except ValueError as error:
            rows.add(key, "p (paired t-test)", claim.p.text, "", pd.NA, f"unverifiable: {error}")
            return
        rows.add(
            key,
            "p (paired t-test)",
            claim.p.text,
            f"{p:.3g}",
            _p_satisfied(p, claim.p),
            f"the card names the test: {claim.test!r}",
        )
        return
    rows.add(
        key,
        f"p ({claim.test})",
        claim.p.text,
        "",
        pd.NA,
        f"unverifiable: the card names {claim.test!r} ({named}), not a test of paired scores that "
        "verify_cohort recomputes (Wilcoxon signed-rank, sign test, paired t-test)",
    )


def _method_label(method) -> str:
    return "Tukey hinges" if method == "tukey" else f"type {method}"


def _logic_rows(rows: _Rows, columns: dict[str, np.ndarray], card) -> None:
    """What the abstract implies without printing it: score decreases are pain decreases, scores need follow-up."""
    present = [pair for pair in PAIN_SCORE_PAIRS if all(v in columns for v in pair)]
    fell = np.zeros(columns["followup_weeks"].size, bool)
    for pre_name, post_name in present:
        fell |= columns[post_name] < columns[pre_name]
    if "pain_decreased" in card:
        bad = int((fell & ~(columns["pain_decreased"] == 1)).sum())
        rows.add(
            "pain_decreased",
            "a rest or activity score decrease has pain_decreased True",
            "implied",
            f"{bad} patients violate it",
            bad == 0,
            "a numerical decrease is a decrease; pain_decreased False means no score fell",
        )
    if "followed_up" in card:
        followed = ~np.isnan(columns["followup_weeks"])
        for claim in card:
            if claim.kind == "paired_summary" and tuple(claim.variables) in PAIN_SCORE_PAIRS:
                post = columns[claim.variables[1]]
                outside = int((~np.isnan(post) & ~followed).sum())
                rows.add(
                    claim.key,
                    "post-procedure scores only among followed-up patients",
                    "implied",
                    f"{outside} without follow-up",
                    outside == 0,
                )


def _stacked_quartiles(values: np.ndarray, method) -> np.ndarray:
    """Q1, median and Q3 of every row of ``values`` (NaN = missing) as :func:`describe` computes them: shape (3, N).

    Rows with the same number of values are computed together (numpy's interpolation for types 4-9, which is the
    same arithmetic along an axis as on one row; the exact order statistics of ``order_statistic`` for the
    discontinuous types and Tukey's hinges). A row without values gives NaN.
    """
    from fractions import Fraction

    from sacro_kit.stats.quantiles import NUMPY_METHOD, order_statistic

    counts = (~np.isnan(values)).sum(axis=1)
    ordered = np.sort(values, axis=1)  # NaN last
    out = np.full((3, values.shape[0]), np.nan)
    ps = (0.25, 0.5, 0.75)
    for k in np.unique(counts):
        if k == 0:
            continue
        rows = np.flatnonzero(counts == k)
        block = ordered[rows, :k]
        if method in ("tukey", 1, 2, 3):
            for q, p in enumerate(ps):
                position = order_statistic(int(k), p, method)
                low, high = block[:, position.lo - 1], block[:, position.hi - 1]
                if not position.gamma:
                    out[q, rows] = low
                    continue
                g = position.gamma
                pairs, inverse = np.unique(np.stack([low, high], axis=1), axis=0, return_inverse=True)
                exact = np.array([float((1 - g) * Fraction(a) + g * Fraction(b)) for a, b in pairs])
                out[q, rows] = exact[inverse.ravel()]
        else:
            # numpy's stubs want a Literal; NUMPY_METHOD's values are numpy's own method names
            out[:, rows] = np.quantile(block, ps, axis=1, method=NUMPY_METHOD[method])  # type: ignore[call-overload]
    return out


def _verify_stacked(columns: dict[str, np.ndarray], card, method, rounding: str, decimals: int) -> np.ndarray | None:
    """Whether each of N cohorts reproduces every printed number: ``verify_cohort(...)["ok"].all()`` for all at once.

    ``columns`` maps every cohort column (the loader's names, ``pain_decreased`` as 0/1) to an ``(N, n)`` float
    array, NaN for missing. The statistics are recomputed from these values alone, with numpy and scipy on the
    stacked arrays (quartiles as :func:`describe`, responders as :func:`responders`, directions as
    :func:`sign_test`, p as :func:`wilcoxon` with ``P_TEST``, the same rounding to the printed digits), so the check
    is independent of the chain that drew the cohorts. Returns None when the card has a claim it does not cover (a
    named test other than Wilcoxon's) or a cohort on which the engine would refuse a statistic (no pair, no sign):
    the caller then runs :func:`verify_cohort` cohort by cohort.
    """
    from scipy import stats

    from sacro_kit.forensics.attainable import canonical_test
    from sacro_kit.stats.responders import TOLERANCE

    first = next(iter(columns.values()))
    N, n = first.shape
    ok = np.ones(N, bool)

    def prints(printed, values: np.ndarray, percent: bool = False) -> np.ndarray:
        places = printed.decimals if percent else max(printed.decimals, decimals)
        unique, inverse = np.unique(values, return_inverse=True)
        verdicts = np.array(
            [v == v and _decimal_prints(float(v), printed.text, places, rounding) for v in unique.tolist()], bool
        )
        return verdicts[inverse.ravel()]

    def complete(variables) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        pre, post = columns[variables[0]], columns[variables[1]]
        both = ~(np.isnan(pre) | np.isnan(post))
        return np.where(both, pre, np.nan), np.where(both, post, np.nan), both

    def differences(pre: np.ndarray, post: np.ndarray) -> np.ndarray:
        return np.round(pre - post, 9) + 0.0  # as the engine's paired tests (NaN where a pair is incomplete)

    for claim in card:
        if claim.kind == "count":
            if claim.variable == "patient_id":
                ok &= int(claim.n.value) == n
            else:
                ok &= (~np.isnan(columns[claim.variable])).sum(axis=1) == int(claim.n.value)

        elif claim.kind == "summary":
            values = columns[claim.variable]
            size = (~np.isnan(values)).sum(axis=1)
            if claim.n is not None:
                ok &= size == int(claim.n)
            q1, median, q3 = _stacked_quartiles(values, method)
            s = claim.summary
            if s.center_label == "mean":
                center = np.array([np.mean(row[~np.isnan(row)]) if k else np.nan for row, k in zip(values, size)])
                ok &= prints(s.center, center)
            else:
                ok &= prints(s.center, median)
            ok &= prints(s.q1, q1)
            ok &= prints(s.q3, q3)

        elif claim.kind == "proportion":
            values = columns[claim.variable]
            present = ~np.isnan(values)
            k, size = (present & (values != 0)).sum(axis=1), present.sum(axis=1)
            ok &= (k == int(claim.k)) & (size == int(claim.n))
            with np.errstate(invalid="ignore", divide="ignore"):
                ok &= prints(claim.percent, np.where(size > 0, 100 * k / np.maximum(size, 1), np.nan), percent=True)

        elif claim.kind == "paired_summary":
            pre, post, both = complete(claim.variables)
            ok &= both.sum(axis=1) == int(claim.n)
            for values, summary in ((pre, claim.pre), (post, claim.post)):
                q1, median, q3 = _stacked_quartiles(values, method)
                ok &= prints(summary.center, median) & prints(summary.q1, q1) & prints(summary.q3, q3)
            if claim.p is not None:
                named = canonical_test(claim.test) if getattr(claim, "test", None) else None
                if getattr(claim, "test", None) and named is None:
                    continue  # unverifiable: <NA>
                if named not in (None, "wilcoxon"):
                    return None
                if not _p_reachable(_p_floor(claim.n), claim.p):
                    continue  # unattainable at this n: <NA>
                p = np.ones(N)
                d = differences(pre, post)
                moved = np.any((pre != post) & both, axis=1)
                size = both.sum(axis=1)
                for k in np.unique(size[moved]):
                    rows = np.flatnonzero(moved & (size == k))
                    block = np.sort(np.where(both[rows], d[rows], np.inf), axis=1)[:, :k]
                    p[rows] = stats.wilcoxon(block, axis=1, **P_TEST).pvalue
                ok &= np.array([_p_satisfied(float(x), claim.p) for x in p.tolist()], bool)

        elif claim.kind == "responders":
            pre, post, both = complete(claim.variables)
            threshold = claim.threshold
            if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer, np.floating)):
                return None  # responders() refuses it: verify_cohort says so
            threshold = float(threshold)
            if not np.isfinite(threshold):
                return None
            change = pre - post
            if claim.threshold_kind.lower() == "relative":
                if np.any(both & (pre < 0)):
                    return None
                both = both & (pre != 0)
                with np.errstate(invalid="ignore", divide="ignore"):
                    change = change / pre
            size = both.sum(axis=1)
            if np.any(size == 0):
                return None
            k = (both & (change >= threshold - TOLERANCE)).sum(axis=1)
            ok &= (k == int(claim.k)) & (size == int(claim.n))
            ok &= prints(claim.percent, 100 * k / size, percent=True)

        elif claim.kind == "paired_direction":
            pre, post, both = complete(claim.variables)
            d = differences(pre, post)
            decreased, increased = (both & (d > 0)).sum(axis=1), (both & (d < 0)).sum(axis=1)
            total = both.sum(axis=1)
            if np.any(decreased + increased == 0):
                return None
            ok &= total == int(claim.n)
            for part, k in (
                (claim.decreased, decreased),
                (claim.unchanged, total - decreased - increased),
                (claim.increased, increased),
            ):
                ok &= (k == int(part.k)) & prints(part.percent, 100 * k / total, percent=True)

        else:
            return None

    # what the abstract implies (as _logic_rows)
    present = [pair for pair in PAIN_SCORE_PAIRS if all(v in columns for v in pair)]
    fell = np.zeros((N, n), bool)
    for pre_name, post_name in present:
        fell |= columns[post_name] < columns[pre_name]
    if "pain_decreased" in card:
        ok &= ~np.any(fell & ~(columns["pain_decreased"] == 1), axis=1)
    if "followed_up" in card:
        followed = ~np.isnan(columns["followup_weeks"])
        for claim in card:
            if claim.kind == "paired_summary" and tuple(claim.variables) in PAIN_SCORE_PAIRS:
                ok &= ~np.any(~np.isnan(columns[claim.variables[1]]) & ~followed, axis=1)
    return ok
