"""The plan: what every cohort of a card must reproduce, prepared once per card and settings.

Part of :mod:`sacro_kit.forensics.reconstruction` (the law, the method and the assumptions are documented there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np

from sacro_kit.forensics.consistency import fitting_methods
from sacro_kit.forensics.lattice import (
    Lattice as _Lattice,
)
from sacro_kit.forensics.lattice import (
    constraints as _constraints,
)
from sacro_kit.forensics.lattice import (
    lattice as _lattice,
)
from sacro_kit.forensics.lattice import (
    pinned as _pinned,
)
from sacro_kit.forensics.lattice import (
    prints_as as _prints_as,
)
from sacro_kit.forensics.lattice import (
    read_triple as _read_triple,
)
from sacro_kit.forensics.reconstruction.counting import _SortedSampler
from sacro_kit.stats.quantiles import check_method

#: The law every reconstruction is drawn from, in one sentence (chapters and docs quote it).
LAW = (
    "The reconstructed cohorts are drawn from the uniform law over the distinct joint cohorts (multisets of "
    "patient rows) that reproduce every printed number of the card, under the assumptions documented in "
    "sacro_kit.forensics.reconstruction."
)


RECONSTRUCTION_LAW = LAW


#: Seed of the shipped cohort (the paper's year).
DEFAULT_SEED = 2014


#: Weeks (pain duration, follow-up) are drawn on this lattice: 0.5 to 26 weeks in half-week steps.
WEEKS_LATTICE = (Fraction(1, 2), Fraction(26), Fraction(1, 2))


#: Upper end of the counts drawn per patient (opioid doses) when the card leaves the count scale open. Not the
#: consistency checks' ``OPEN_SCALE_CHECK_MAX``: a check must admit every count a paper could have, a reconstruction
#: draws plausible ones.
RECONSTRUCTION_COUNT_MAX = 4


#: The test that reproduces a reported p: Wilcoxon signed-rank as R's wilcox.test computes it with ties.
P_TEST: dict[str, Any] = {"zero_method": "wilcox", "method": "asymptotic", "correction": True}


P_TEST_LABEL = (
    "Wilcoxon signed-rank, zeros dropped, normal approximation with tie and continuity correction "
    "(R wilcox.test with ties)"
)


#: Paired pain scores whose decrease implies ``pain_decreased``.
PAIN_SCORE_PAIRS = (("rest_pre", "rest_post"), ("activity_pre", "activity_post"))


#: Whole-cohort attempts, and draws of one pair's margins, before giving up.
_MAX_ATTEMPTS = 200


_PAIR_ATTEMPTS = 100


#: Swap-chain lengths per patient: proposals to reach the constraints, accepted swaps to mix within them.
_DESCENT = 40


_MIXING = 3


_PATIENCE = 6


#: What a reconstruction's ``attrs["precision"]`` says when it reads each printed value at its own precision.
PER_VALUE = "each printed value at its own precision"


def reading(card, decimals: int | None = None) -> tuple[int | None, str]:
    """The reporting precision a reconstruction reads a card at, and the sentence that says which and why.

    ``decimals=None``: the precision the card declares (its ``reconstruction: {decimals: k, why: ...}`` block, as
    ``card.reconstruction_decimals``), else each printed value at its own precision (returned as None). An integer
    k reads every printed centre and quartile at k decimals or more (a sensitivity reading; 0 is the per-value
    reading). Percentages and p-values are always read at their own precision.

    >>> reading(None)[1].startswith("every centre and quartile at 1 decimal, as the card declares: the abstract")
    True
    >>> reading(None, 2)
    (2, 'every centre and quartile at 2 decimals or more (decimals=2: a sensitivity reading)')
    """
    if decimals is not None:
        if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)) or decimals < 0:
            raise ValueError(f"decimals must be a non-negative integer or None, got {decimals!r}")
        decimals = int(decimals)
        if decimals == 0:
            return 0, PER_VALUE
        return decimals, (
            f"every centre and quartile at {_places(decimals)} or more (decimals={decimals}: a sensitivity reading)"
        )
    if card is None:
        from sacro_kit.io.card_schema import as_reported_card

        card = as_reported_card(None)
    declared = getattr(card, "reconstruction_decimals", None)
    if declared is None:
        return None, PER_VALUE
    why = getattr(card, "reconstruction_why", None) or "no reason given"
    return int(declared), f"every centre and quartile at {_places(declared)}, as the card declares: {why}"


def _places(decimals: int) -> str:
    return f"{decimals} decimal" + ("" if decimals == 1 else "s")


@dataclass(frozen=True)
class _PairSpec:
    key: str
    variables: tuple[str, str]
    n: int
    pool: str  # "treated" or "followed"
    pre: _SortedSampler = field(repr=False)
    post: _SortedSampler = field(repr=False)
    responder: tuple[Fraction, str, int] | None  # threshold, kind, k
    direction: tuple[int, int, int] | None  # decreased, unchanged, increased
    p: object | None  # the card's Printed p, when its test can reach it
    test: str = "wilcoxon"  # the test the p is reproduced under: a name of P_TESTS


@dataclass(frozen=True)
class _Plan:
    n_treated: int
    n_followed: int | None
    followup: _SortedSampler | None = field(repr=False)
    pain_n: int | None
    pain: _SortedSampler | None = field(repr=False)
    pairs: tuple[_PairSpec, ...]
    decreased: tuple[int, int] | None  # k, n of pain_decreased
    method: object
    decimals: int  # every centre and quartile read at max(its own decimals, this); 0: each at its own precision
    rounding: str


def _weeks_values() -> list[Fraction]:
    low, high, step = WEEKS_LATTICE
    return _Lattice(low, high, step).values


def _scale_values(scale, count_max: int, minimum: Fraction | None = None) -> list[Fraction]:
    high = scale.max if scale.max is not None else count_max
    values = _lattice((scale.min or 0, high), 1).values
    return [v for v in values if minimum is None or v >= minimum]


def _summary_sampler(n: int, summary, values, method, decimals: int, rounding: str) -> _SortedSampler:
    """Sampler for one printed summary: median and quartiles pinned; a printed mean becomes a rule on the sum."""
    q1, center, q3 = _read_triple(summary, None, None, decimals)
    if summary.center_label == "median":
        return _SortedSampler(n, values, _constraints(n, (q1, center, q3), method), rounding)
    constraints = [(q1, _pinned(n, Fraction(1, 4), method)), (q3, _pinned(n, Fraction(3, 4), method))]
    half = Fraction(1, 2 * 10**center.decimals)
    return _SortedSampler(
        n,
        values,
        constraints,
        rounding,
        sum_ok=lambda total: _prints_as(total / n, center.value, center.decimals, rounding),
        sum_max=n * (center.value + half),
    )


#: The paired tests a printed p is reproduced under (vocabulary names of ``sacro_kit.forensics.attainable``), with
#: how each is computed. A card that names no test gets the first (``P_TEST``).
P_TESTS = {
    "wilcoxon": P_TEST_LABEL,
    "sign": "sign test, exact binomial on the non-zero differences (scipy.stats.binomtest, p = 1/2)",
    "paired-t": "paired t-test (scipy.stats.ttest_rel)",
}


@lru_cache(maxsize=256)
def _p_floor(n: int, test: str = "wilcoxon") -> float:
    """The smallest p ``test`` can give on ``n`` pairs, as it is computed here (0 for the paired t-test)."""
    from sacro_kit.stats.paired import min_attainable_p

    if test == "wilcoxon":
        return min_attainable_p(n, "wilcoxon", "asymptotic", ties="any", correction=True)
    if test == "sign":
        return min_attainable_p(n, "sign")
    return 0.0


def _p_reachable(floor: float, printed) -> bool:
    """Whether a p at or above ``floor`` (a test's smallest p) can print as ``printed``, in decimal arithmetic.

    ``"< x"``: the floor is below x. An exact ``"0.008"`` is the interval its decimals allow (0.0075 to 0.0085, both
    ends included: either rounding of a tie prints it), reachable when the floor is at most its top. ``"> x"``: a p of
    1 is always possible.
    """
    if printed.relation in ("<", "<="):
        return _p_satisfied(floor, printed)
    if printed.relation in (">", ">="):
        return True
    top = Decimal(printed.text.lstrip("<>=≤≥ ")) + Decimal(5).scaleb(-printed.decimals - 1)
    return Decimal(floor) <= top


def _p_test(claim) -> str:
    """The test a paired claim's printed p is reproduced under (a name of ``P_TESTS``); ValueError for another."""
    from sacro_kit.forensics.attainable import canonical_test

    name = getattr(claim, "test", None)
    if not name:
        return "wilcoxon"
    test = canonical_test(name)
    if test not in P_TESTS:
        raise ValueError(
            f"{claim.key}: the card names the test {name!r}; reconstruct reproduces a printed p of paired scores "
            "under the Wilcoxon signed-rank test, the sign test or the paired t-test only"
        )
    return test


def _p_satisfied(p: float, printed) -> bool:
    """Whether a computed p prints as the reported p (relation and precision), in decimal arithmetic."""
    bound = Decimal(printed.text.lstrip("<>=≤≥ "))
    exact = Decimal(p)
    if printed.relation == "<":
        return exact < bound
    if printed.relation == "<=":
        return exact <= bound
    if printed.relation == ">":
        return exact > bound
    if printed.relation == ">=":
        return exact >= bound
    return _decimal_prints(p, printed.text, printed.decimals, "up_or_down")


def _decimal_prints(value: float, text: str, decimals: int, rounding: str) -> bool:
    """Whether ``value`` rounds to ``text`` at ``decimals`` places (decimal module; independent of consistency)."""
    target = Decimal(text.strip().rstrip("%"))
    quantum = Decimal(1).scaleb(-decimals)
    exact = Decimal(value)
    modes = {
        "up_or_down": (ROUND_HALF_UP, ROUND_HALF_DOWN),
        "half_up": (ROUND_HALF_UP,),
        "half_down": (ROUND_HALF_DOWN,),
        "half_even": (ROUND_HALF_EVEN,),
    }[rounding]
    return any(exact.quantize(quantum, rounding=mode) == target for mode in modes)


def _build_plan(card, method, rounding: str, decimals: int, count_max: int) -> _Plan:
    claims = {c.key: c for c in card}
    n_treated = int(card["treated"].n.value)
    followed = claims.get("followed_up")
    follow_summary = next((c for c in card if c.kind == "summary" and c.variable == "followup_weeks"), None)
    n_followed = (
        int(followed.n.value) if followed is not None else (follow_summary.n if follow_summary is not None else None)
    )

    followup = None
    if n_followed is not None:
        if follow_summary is not None:
            if follow_summary.n is not None and follow_summary.n != n_followed:
                raise ValueError(f"{follow_summary.key}: n = {follow_summary.n} but {n_followed} were followed up")
            followup = _summary_sampler(n_followed, follow_summary.summary, _weeks_values(), method, decimals, rounding)
        else:
            followup = _SortedSampler(n_followed, _weeks_values(), [], rounding)
        if followup.total <= 0:
            raise ValueError(f"follow-up times cannot print as reported under {method!r}")

    pain_claim = next((c for c in card if c.kind == "summary" and c.variable == "pain_weeks"), None)
    pain = pain_n = None
    if pain_claim is not None:
        pain_n = pain_claim.n if pain_claim.n is not None else n_treated
        pain = _summary_sampler(pain_n, pain_claim.summary, _weeks_values(), method, decimals, rounding)
        if pain.total <= 0:
            raise ValueError(f"{pain_claim.key} cannot print as reported under {method!r}")
    for claim in card:
        if claim.kind == "summary" and claim.variable not in ("pain_weeks", "followup_weeks"):
            raise ValueError(
                f"reconstruct supports summary claims on pain_weeks and followup_weeks only, "
                f"not {claim.variable!r} ({claim.key})"
            )

    pool_followed = n_followed if n_followed is not None else n_treated
    pairs = []
    # a column shared by several blocks (time points of one outcome: pre vs w1, pre vs m6) has one margin, drawn
    # with every block's rule on it (a relative responder's baseline is never 0)
    no_zero = {tuple(c.variables)[0] for c in card if c.kind == "responders" and c.threshold_kind == "relative"}
    samplers: dict[str, tuple] = {}  # column -> (summary, n, sampler)
    for claim in card:
        if claim.kind != "paired_summary":
            continue
        scale = card.scales[claim.scale]
        if scale.type != "integer":
            raise ValueError(f"{claim.key}: reconstruct needs paired scores on an integer scale")
        responder = next(
            (c for c in card if c.kind == "responders" and tuple(c.variables) == tuple(claim.variables)), None
        )
        direction = next(
            (c for c in card if c.kind == "paired_direction" and tuple(c.variables) == tuple(claim.variables)), None
        )
        if responder is not None and responder.n != claim.n:
            raise ValueError(f"{responder.key}: n = {responder.n} differs from {claim.key} n = {claim.n}")
        if direction is not None and direction.n != claim.n:
            raise ValueError(f"{direction.key}: n = {direction.n} differs from {claim.key} n = {claim.n}")
        # a relative decrease from a baseline of 0 is undefined, so responders' n would lose those patients
        pre, post = (
            _column_sampler(samplers, claim, k, scale, count_max, no_zero, method, decimals, rounding) for k in (0, 1)
        )
        if pre.total <= 0 or post.total <= 0:
            raise ValueError(f"{claim.key} cannot print as reported under {method!r}")
        test = _p_test(claim) if claim.p is not None else "wilcoxon"
        p = claim.p if claim.p is not None and _p_reachable(_p_floor(claim.n, test), claim.p) else None
        if claim.n == n_treated:
            pool = "treated"
        elif claim.n <= pool_followed:
            pool = "followed"
        else:
            pool = "treated"
        pairs.append(
            _PairSpec(
                claim.key,
                tuple(claim.variables),
                claim.n,
                pool,
                pre,
                post,
                None
                if responder is None
                else (Fraction(repr(responder.threshold)), responder.threshold_kind, responder.k),
                None if direction is None else (direction.decreased.k, direction.unchanged.k, direction.increased.k),
                p,
                test,
            )
        )
    decreased_claim = next((c for c in card if c.kind == "proportion" and c.variable == "pain_decreased"), None)
    decreased = None if decreased_claim is None else (decreased_claim.k, decreased_claim.n)
    if decreased_claim is not None and decreased is not None and decreased[1] > n_treated:
        raise ValueError(f"{decreased_claim.key}: n = {decreased[1]} exceeds the {n_treated} treated")
    return _Plan(n_treated, n_followed, followup, pain_n, pain, tuple(pairs), decreased, method, decimals, rounding)


def _column_sampler(samplers: dict, claim, k: int, scale, count_max: int, no_zero, method, decimals, rounding: str):
    """The sampler of a paired claim's column ``k`` (0 pre, 1 post), shared with every block that names the column."""
    variable = tuple(claim.variables)[k]
    summary = claim.pre if k == 0 else claim.post
    known = samplers.get(variable)
    if known is not None:
        if known[0] != summary or known[1] != claim.n:
            raise ValueError(
                f"{claim.key}: column {variable!r} is summarised as {known[0]} of n = {known[1]} in another claim, "
                f"not as {summary} of n = {claim.n}"
            )
        return known[2]
    floor = Fraction(1) if variable in no_zero else None
    sampler = _summary_sampler(claim.n, summary, _scale_values(scale, count_max, floor), method, decimals, rounding)
    samplers[variable] = (summary, claim.n, sampler)
    return sampler


@lru_cache(maxsize=16)
def _cached_plan(claims: tuple, scales: tuple, method, rounding: str, decimals: int | None, count_max: int) -> _Plan:
    view = _CardView(dict(claims), dict(scales))
    return _plan_for(view, method, rounding, decimals, count_max)


@dataclass(frozen=True)
class _CardView:
    """The parts of a card a plan depends on (claims and scales), so that plans are cached by content."""

    claims: dict
    scales: dict

    def __iter__(self):
        return iter(self.claims.values())

    def __contains__(self, key) -> bool:
        return key in self.claims

    def __getitem__(self, key):
        return self.claims[key]

    def get(self, key, default=None):
        return self.claims.get(key, default)


def _plan_for(card, method, rounding: str, decimals: int | None, count_max: int) -> _Plan:
    """The plan at ``decimals`` as resolved by :func:`reading` (None: each printed value at its own precision)."""
    decimals = 0 if decimals is None else decimals
    if method is not None:
        return _build_plan(card, check_method(method), rounding, decimals, count_max)
    problems = []
    for candidate in fitting_methods(card, rounding=rounding, decimals=decimals):
        try:
            return _build_plan(card, candidate, rounding, decimals, count_max)
        except ValueError as error:
            problems.append(f"{candidate}: {error}")
    raise ValueError(
        "no quantile definition reproduces every printed summary" + (": " + "; ".join(problems) if problems else "")
    )


def _plan(card, method, rounding: str, decimals: int | None, count_max: int) -> _Plan:
    """The plan of a card; ``decimals=None`` is the card's declared precision, else each value at its own."""
    method = None if method is None else check_method(method)
    decimals = reading(card, decimals)[0]
    try:
        key = (tuple(card.claims.items()), tuple(card.scales.items()))
        hash(key)
    except TypeError:  # a card assembled by hand with unhashable parts: no caching
        return _plan_for(card, method, rounding, decimals, count_max)
    return _cached_plan(*key, method, rounding, decimals, count_max)


def _load_card(card):
    """The cohort view of a card passed any way the conventions allow (either schema, a file, None)."""
    from sacro_kit.forensics.reconstruction.groups import _uses_groups
    from sacro_kit.io.card_schema import Card, as_reported_card

    if isinstance(card, Card) and _uses_groups(card):
        raise ValueError(_GROUPED.format(card.path.name))
    view = as_reported_card(card)
    card2 = getattr(view, "card2", None)
    if isinstance(card2, Card) and _uses_groups(card2):
        raise ValueError(_GROUPED.format(card2.path.name))
    return view


_GROUPED = (
    "{} has claims on groups: reconstruct and verify_cohort take it group by group (each group on its own "
    "patients); this function reads a card of one group"
)


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer (results are reproducible only with one), got {seed!r}")
    return int(seed)
