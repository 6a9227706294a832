"""The joint chain: a Metropolis sampler whose stationary law is uniform over distinct joint cohorts.

The law. A joint cohort is a **multiset of patient rows** (a patient's row: every column the card constrains).
The target is the uniform law over the distinct multisets that reproduce every printed number (under the
documented assumptions). The chain runs on *labelled* cohorts (row i belongs to patient i); a multiset with
row multiplicities m_r has n! / prod(m_r!) labellings, so the labelled law

    pi(x)  proportional to  prod_r m_r(x)!   on the valid labelled cohorts, 0 elsewhere,

has exactly the uniform law over multisets as its image (n! / prod m_r! labellings, each of weight prod m_r!).

The moves. Each step picks a move type with a fixed probability; each type is a proposal kernel q on labelled
cohorts, and the step accepts y with probability min(1, [pi(y) q(y -> x)] / [pi(x) q(x -> y)]), so every move is in
detailed balance with pi and pi is stationary:

* **swaps** -- exchange one attribute between two patients drawn uniformly from a set the swap does not change
  (the post value of a pair among that pair's members; a whole pair, with its missingness, among all patients; the
  follow-up block -- follow-up time, pain_decreased and the pain scores measured at follow-up -- among all patients;
  pain_decreased among those who have it). A transposition is its own inverse: q(x -> y) = q(y -> x).
  An outcome at several time points (blocks sharing a column) also has a swap of the shared column among its
  members, and its all-columns swap moves every time point's column together.
* **steps** -- move one patient's value of one column one lattice step up or down (direction by a fair coin); the
  reverse step has the same probability: symmetric.
* **refreshes** -- replace one column's values by a fresh sorted sample S' drawn *uniformly* over the admissible
  sorted samples (the exact counting tables of ``counting``), given to the patients in the current rank order (ties
  broken uniformly at random). The proposal has q(x -> y) / q(y -> x) = prod m(S')! / prod m(S)! (S the current
  sorted sample, m its value multiplicities), which the acceptance ratio corrects. Refreshes jump between
  admissible margins that no sequence of single steps connects.

A **two-patient step** moves each value of two members in a group of columns (a block's pre and post, or every
time point of an outcome) by -1, 0 or +1, each with probability 1/3: the reverse shifts have the same probability, so
it is symmetric too. Where blocks share a column (time points of one outcome), a change of that column is checked
against every block that names it: the chain still accepts exactly the valid cohorts, and its law is unchanged.

Only valid cohorts are ever accepted (a proposal that breaks a printed number is rejected), and pi(y)/pi(x) is the
ratio of the row-multiplicity factorials (the **Metropolis correction for the multiset count**). Mixing diagnostic:
:func:`chain_diagnostics` runs the chain and reports acceptance per move type and the integrated autocorrelation
time of statistics the book reports; ``reconstruct`` keeps one cohort every ``thin`` steps after ``burn_in`` steps.
Exhaustive enumeration of two small cards (tests/test_reconstruction_law.py) checks the law end to end.

Implementation. :class:`JointChain` sets up the chain in Python and checks its start; the steps run compiled
(numba) in :mod:`sacro_kit.forensics.reconstruction._kernel`, the same moves and acceptance rule on arrays, with the
multiplicities m_r read from integer keys of the rows. Since December 2026 the uniforms are drawn from the seeded
generator in blocks and read in order (a two-patient step's shifts and a refresh's draws included), so the cohorts a
seed gives differ from those of the earlier pure-Python chain (same law; tests/test_reconstruction_law.py checks
it); a seed still gives the same cohorts on every run, however the steps are split into calls.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

#: Steps of the chain per patient before the first cohort, and between kept cohorts (times the number of time points
#: of an outcome at more than two: :func:`thin_steps`).
BURN_IN_PER_PATIENT = 200
THIN_PER_PATIENT = 20


def _time_point_factor(plan) -> int:
    """The most columns that paired blocks sharing columns join (an outcome's time points), when more than two; else 1.

    The moves change one or two columns at a time, so a cohort with k linked time-point columns needs about k/2 times
    the steps of a pre/post pair to decorrelate: tests/test_reconstruction_timepoints.py measured, on its tiny
    three-time-point card, a total-variation distance from uniform of 0.113 at 20 steps per patient between kept
    cohorts, 0.080 at 40 and 0.059 at 60 (independent draws: mean 0.064). Thinning by k (60 steps per patient at
    three time points) puts the kept cohorts at the noise of independent draws; a pre/post card is unchanged.
    """
    components: list[set[str]] = []
    for spec in plan.pairs:
        pair = set(spec.variables)
        joined = [c for c in components if c & pair]
        for c in joined:
            components.remove(c)
            pair |= c
        components.append(pair)
    return max([1] + [len(c) for c in components if len(c) > 2])


def thin_steps(plan) -> int:
    """Steps between kept cohorts: ``THIN_PER_PATIENT * n``, times the time points of the widest linked outcome."""
    return THIN_PER_PATIENT * plan.n_treated * _time_point_factor(plan)


def burn_in_steps(plan) -> int:
    """Steps before the first kept cohort: ``BURN_IN_PER_PATIENT * n``, times the same factor as :func:`thin_steps`."""
    return BURN_IN_PER_PATIENT * plan.n_treated * _time_point_factor(plan)


_PAIN_PAIRS = (("rest_pre", "rest_post"), ("activity_pre", "activity_post"))


class _Margin:
    """The admissible sorted samples of one column (a ``_SortedSampler``): fast membership test on counts."""

    def __init__(self, sampler, low=None, step=None):
        self.sampler = sampler
        self.n = sampler.n
        self.size = len(sampler.values)
        # the rule as per-position masks (from the sampler's tables)
        self.unary = {j: m.tolist() for j, m in sampler.unary.items()}
        self.pair = {j: m.tolist() for j, m in sampler.pair_masks.items()}
        self.positions = sorted(set(self.unary) | set(self.pair) | {j + 1 for j in self.pair})
        self.sum_ok = sampler.sum_allowed  # None, or a list of bools indexed by the sum in lattice units
        self.units = getattr(sampler, "units", None) if self.sum_ok is not None else None

    def ok(self, counts: list[int], total: int = 0) -> bool:
        """Whether the sorted sample with these value counts prints every constrained quantile (and mean)."""
        at = {}
        positions = self.positions
        k = 0
        cumulative = 0
        for v, c in enumerate(counts):
            if not c:
                continue
            cumulative += c
            while k < len(positions) and positions[k] <= cumulative:
                at[positions[k]] = v
                k += 1
            if k == len(positions):
                break
        for j, mask in self.unary.items():
            if not mask[at[j]]:
                return False
        for j, mask in self.pair.items():
            if not mask[at[j]][at[j + 1]]:
                return False
        if self.sum_ok is not None:
            if total >= len(self.sum_ok) or not self.sum_ok[total]:
                return False
        return True


_LOG_FACTORIAL = [math.lgamma(k + 1) for k in range(2001)]


class _Block:
    """Running statistics of one paired claim: responder and direction counts, signed-rank histogram."""

    def __init__(self, spec, pre_col: int, post_col: int, pain_score: bool):
        self.spec = spec
        self.pre_col, self.post_col = pre_col, post_col
        self.pain_score = pain_score
        top = int(max(spec.pre.array.max(), spec.post.array.max())) + 1
        self.top = top
        if spec.responder is not None:
            threshold, kind, self.want_r = spec.responder
            num, den = threshold.numerator, threshold.denominator
            self.hit = [
                [int((a - b) * den >= num * (a if kind == "relative" else 1)) for b in range(top)] for a in range(top)
            ]
        else:
            self.want_r = None
        self.want_d = spec.direction
        self.window = None
        self.test = spec.test
        if spec.p is not None:
            from sacro_kit.forensics.reconstruction.pairing import _test_window

            self.window = _test_window(spec.test, spec.p, spec.n)
        self.resp = 0
        self.d = [0, 0, 0]
        self.pos = [0] * top
        self.neg = [0] * top

    def fill(self, P) -> None:
        """Recompute the statistics from the patient rows ``P``."""
        self.resp = 0
        self.d = [0, 0, 0]
        self.pos = [0] * self.top
        self.neg = [0] * self.top
        for row in P:
            a, b = row[self.pre_col], row[self.post_col]
            if a >= 0 and b >= 0:
                self.add(a, b, 1)

    def add(self, a: int, b: int, sign: int) -> None:
        if self.want_r is not None:
            self.resp += sign * self.hit[a][b]
        self.d[0 if b < a else (1 if b == a else 2)] += sign
        if a > b:
            self.pos[a - b] += sign
        elif b > a:
            self.neg[b - a] += sign

    def ok(self, P) -> bool:
        if self.want_r is not None and self.resp != self.want_r:
            return False
        if self.want_d is not None and tuple(self.d) != self.want_d:
            return False
        if self.window is not None and self.test != "wilcoxon":
            from sacro_kit.forensics.reconstruction.pairing import _histogram_ok

            return _histogram_ok(self.test, self.spec.p, self.spec.n, (*self.pos, *self.neg))
        if self.window is not None:
            from sacro_kit.forensics.reconstruction import _signed_rank_z

            low, high = self.window
            z = _signed_rank_z(self.pos, self.neg)
            if not (low + 1e-9 < z < high - 1e-9):
                if z < low - 1e-9 or z > high + 1e-9:
                    return False
                # at the edge of the window scipy decides, as verify_cohort does
                from sacro_kit.forensics.reconstruction import _p_satisfied, _p_value

                pairs = [(row[self.pre_col], row[self.post_col]) for row in P if row[self.pre_col] >= 0]
                pre = np.array([a for a, _ in pairs], float)
                post = np.array([b for _, b in pairs], float)
                return _p_satisfied(_p_value(pre, post), self.spec.p)
        return True


class JointChain:
    """The Metropolis chain on labelled cohorts of one plan (see the module docstring for the law and the moves).

    The state is ``X``, an ``(n, C)`` integer matrix (row i = patient i; columns ``names``; weeks as lattice
    indices, scores as values, -1 for missing). :meth:`run` executes the steps in the compiled kernel
    (:mod:`sacro_kit.forensics.reconstruction._kernel`), reading uniforms in order from ``rng``; :meth:`valid_all`
    rechecks the state in plain Python, from ``X`` alone.
    """

    def __init__(self, plan, start, rng: np.random.Generator):
        from sacro_kit.forensics.reconstruction import _weeks_values

        self.plan = plan
        self.rng = rng
        self.n = plan.n_treated
        names: list[str] = []
        margins: list = []  # per column: _Margin or None
        lows: list[int] = []
        if plan.pain is not None:
            names.append("pain_weeks")
            margins.append(_Margin(plan.pain, None, None))
            lows.append(0)
        if plan.n_followed is not None:
            names.append("followup_weeks")
            margins.append(_Margin(plan.followup, None, None))
            lows.append(0)
        self.blocks: list[_Block] = []
        for spec in plan.pairs:
            index = []
            for k, variable in enumerate(spec.variables):
                if variable in names:  # a column shared with an earlier block (time points of one outcome)
                    index.append(names.index(variable))
                    continue
                names.append(variable)
                sampler = spec.pre if k == 0 else spec.post
                margins.append(_Margin(sampler, None, None))
                lows.append(int(sampler.values[0]))
                index.append(len(names) - 1)
            self.blocks.append(_Block(spec, index[0], index[1], tuple(spec.variables) in _PAIN_PAIRS))
        self.pd_col = None
        if plan.decreased is not None:
            names.append("pain_decreased")
            margins.append(None)
            lows.append(0)
            self.pd_col = len(names) - 1
        self.names, self.margins, self.lows = names, margins, lows
        weeks = {float(v): i for i, v in enumerate(_weeks_values())}
        self.weeks = [float(v) for v in _weeks_values()]
        # the state: weeks as lattice indices, scores as values, -1 = missing
        cols = []
        for name in names:
            values = start[name].to_numpy(dtype=float, na_value=np.nan)
            if name in ("pain_weeks", "followup_weeks"):
                cols.append([-1 if x != x else weeks[x] for x in values])
            else:
                cols.append([-1 if x != x else int(x) for x in values])
        self.X = np.array(cols, dtype=np.int64).T.copy()
        self.follow_col = names.index("followup_weeks") if "followup_weeks" in names else None
        self.pain_col = names.index("pain_weeks") if "pain_weeks" in names else None
        self.units = [None if margin is None else margin.units for margin in margins]
        self.block_of: dict[int, list[_Block]] = {}  # column -> the blocks that name it
        for block in self.blocks:
            for c in (block.pre_col, block.post_col):
                self.block_of.setdefault(c, []).append(block)
        self.components = _components(self.blocks)
        self.pain_pairs = (
            [(b.pre_col, b.post_col) for b in self.blocks if b.pain_score] if self.pd_col is not None else []
        )
        # columns that travel with follow-up: its time, pain_decreased and pairs drawn among the followed-up
        self.pd_pool_followed = (
            self.pd_col is not None and self.follow_col is not None and plan.decreased[1] <= plan.n_followed
        )
        self.followed_only = []
        if self.follow_col is not None:
            if self.pd_pool_followed:
                self.followed_only.append(self.pd_col)
            for block, spec in zip(self.blocks, plan.pairs):
                if spec.pool == "followed":
                    self.followed_only += [c for c in (block.pre_col, block.post_col) if c not in self.followed_only]
        self._move_table()
        self._kernel_state: list[Any] | None = None
        self._uniforms = np.empty(0)
        self._next = 0
        if not self.valid_all():
            raise RuntimeError(
                "the chain's start is not a valid cohort; this is a bug in sacro_kit.forensics.reconstruction"
            )

    def _move_table(self) -> None:
        """Move types: (weight, kind, column); kinds 0 step, 1 refresh, 2 swap among members, 3 swap among all,
        4 two-patient step. Per move: the columns a swap exchanges, and which checks it needs (block statistics,
        patient rules)."""
        moves, groups, checks = [], [], []
        pd_rules = self.pd_col is not None

        def add(weight, kind, column, group=(), block=False, patient=False):
            moves.append((weight, kind, column))
            groups.append(tuple(group))
            checks.append((block, patient))

        for c, margin in enumerate(self.margins):
            if margin is None:
                continue
            in_block = c in self.block_of
            pain = pd_rules and any(c in pair for pair in self.pain_pairs)
            add(1.0, 0, c, block=in_block, patient=pain)
            add(0.1, 1, c)
        if self.pain_col is not None:
            add(0.5, 3, self.pain_col, (self.pain_col,))
        if self.follow_col is not None:
            add(0.5, 2, self.follow_col, (self.follow_col,))
            if self.plan.n_followed < self.n:
                add(1.0, 3, self.follow_col, [self.follow_col] + self.followed_only, patient=True)
        swapped: set[int] = set()  # columns with a swap among their members
        travelling: set[int] = set()  # components with a swap of all their columns
        for block in self.blocks:
            pain = pd_rules and block.pain_score
            component = next(c for c in self.components if block.pre_col in c)
            if block.post_col not in swapped:
                add(2.0, 2, block.post_col, (block.post_col,), block=True, patient=pain)
                swapped.add(block.post_col)
            if component[0] not in travelling:
                # the block's columns travel together, with every column of the outcome's other time points
                add(1.0, 3, component[0], component, patient=True)
                travelling.add(component[0])
            add(2.0, 4, block.pre_col, (block.pre_col, block.post_col), block=True, patient=pain)
        for component in self.components:
            if len(component) > 2:
                # time points of one outcome: a shared column swapped alone, and every column of two patients stepped
                pain = pd_rules and any(b.pain_score for b in self.block_of[component[0]])
                for c in component:
                    if c not in swapped:
                        add(2.0, 2, c, (c,), block=True, patient=pain)
                        swapped.add(c)
                add(2.0, 4, component[0], component, block=True, patient=pain)
        if self.pd_col is not None:
            fixed = self.pd_pool_followed and self.plan.decreased[1] == self.plan.n_followed
            add(1.0, 2 if fixed else 3, self.pd_col, (self.pd_col,), patient=True)
        weights = np.array([m[0] for m in moves])
        self._cumulative = np.cumsum(weights / weights.sum())
        self._cumulative[-1] = 1.0
        self._moves, self._groups, self._checks = moves, groups, checks
        self.proposed = np.zeros(len(moves), np.int64)
        self.accepted = np.zeros(len(moves), np.int64)

    def acceptance(self) -> dict:
        """Acceptance rate per move type, keyed by (kind, column)."""
        kinds = {0: "step", 1: "refresh", 2: "swap", 3: "swap (with missingness)", 4: "two-patient step"}
        out = {}
        for k, (_, kind, c) in enumerate(self._moves):
            name = kinds[kind]
            if kind == 4 and len(self._groups[k]) > 2:
                name += " (every time point)"
            elif kind == 4 and len(self.block_of.get(c, ())) > 1:  # one of several blocks sharing column c
                name += f" with {self.names[self._groups[k][1]]}"
            label = (
                name,
                self.names[c]
                if kind != 3 or self._groups[k] != (self.follow_col,) + tuple(self.followed_only)
                else "follow-up block",
            )
            out[label] = (self.accepted[k] / self.proposed[k]) if self.proposed[k] else float("nan")
        return out

    # ---------------------------------------------------------------------------------------------------------
    @property
    def P(self) -> list[list[int]]:
        """The state as a list of patient rows (a copy)."""
        return self.X.tolist()

    @property
    def counts(self) -> list[list[int] | None]:
        """Per column: the value counts of its members (None for a column without a margin)."""
        out: list[list[int] | None] = []
        for c, margin in enumerate(self.margins):
            if margin is None:
                out.append(None)
                continue
            column = self.X[:, c]
            out.append(np.bincount(column[column >= 0] - self.lows[c], minlength=margin.size).tolist())
        return out

    @property
    def sums(self) -> list[int]:
        """Per column with a printed mean: the sum of its members in lattice units (0 elsewhere)."""
        return [
            0 if units is None or counts is None else sum(k * u for k, u in zip(counts, units))
            for counts, units in zip(self.counts, self.units)
        ]

    @property
    def rows(self) -> Counter:
        """The multiset of patient rows (row tuple: multiplicity)."""
        return Counter(map(tuple, self.X.tolist()))

    def _patient_ok(self, row) -> bool:
        """The rules linking one patient's columns: pairs within their pool, decreases are pain decreases."""
        if self.follow_col is not None and row[self.follow_col] < 0:
            for c in self.followed_only:
                if row[c] >= 0:
                    return False
        if self.pd_col is not None and row[self.pd_col] != 1:
            for pre_col, post_col in self.pain_pairs:
                a, b = row[pre_col], row[post_col]
                if a >= 0 and b >= 0 and b < a:
                    return False
        return True

    def valid_all(self) -> bool:
        """Whether the current state reproduces every printed number (recomputed in plain Python from ``X``)."""
        P = self.P
        counts, sums = self.counts, self.sums
        for c, margin in enumerate(self.margins):
            if margin is not None and not margin.ok(counts[c], sums[c]):
                return False
        for block in self.blocks:
            block.fill(P)
            if not block.ok(P):
                return False
        return all(self._patient_ok(row) for row in P)

    # ---------------------------------------------------------------------------------------------------------
    def _arrays(self):
        """The kernel's view of the chain: tuples of arrays (state, margins, blocks, patient rules, moves,
        samplers, edge decisions), built once; the state arrays are then updated in place by the kernel."""
        n, C = self.X.shape
        X = self.X
        margins = self.margins
        sizes = [2 if m is None else m.size for m in margins]
        S = max(sizes)
        lows = np.array(self.lows, np.int64)
        size = np.array(sizes, np.int64)
        mult = np.ones(C, np.int64)
        for c in range(1, C):
            mult[c] = mult[c - 1] * (sizes[c - 1] + 1)
        is_margin = np.array([m is not None for m in margins])
        has_sum = np.array([m is not None and m.units is not None for m in margins])
        units = np.zeros((C, S), np.int64)
        sum_len = np.zeros(C, np.int64)
        W = max([1] + [len(m.sum_ok) for m in margins if m is not None and m.sum_ok is not None])
        sum_ok = np.zeros((C, W), bool)
        npos, nun, npair = (np.zeros(C, np.int64) for _ in range(3))
        Pm = max([1] + [len(m.positions) for m in margins if m is not None])
        Um = max([1] + [len(m.unary) for m in margins if m is not None])
        Qm = max([1] + [len(m.pair) for m in margins if m is not None])
        positions = np.zeros((C, Pm), np.int64)
        un_pi, pr_pi, pr_pi2 = np.zeros((C, Um), np.int64), np.zeros((C, Qm), np.int64), np.zeros((C, Qm), np.int64)
        un_mask, pr_mask = np.zeros((C, Um, S), bool), np.zeros((C, Qm, S, S), bool)
        for c, m in enumerate(margins):
            if m is None:
                continue
            if m.units is not None:
                units[c, : m.size] = m.units
                sum_len[c] = len(m.sum_ok)
                sum_ok[c, : len(m.sum_ok)] = m.sum_ok
            npos[c] = len(m.positions)
            positions[c, : npos[c]] = m.positions
            index = {j: k for k, j in enumerate(m.positions)}
            nun[c] = len(m.unary)
            for u, (j, mask) in enumerate(m.unary.items()):
                un_pi[c, u] = index[j]
                un_mask[c, u, : m.size] = mask
            npair[c] = len(m.pair)
            for q, (j, mask) in enumerate(m.pair.items()):
                pr_pi[c, q], pr_pi2[c, q] = index[j], index[j + 1]
                pr_mask[c, q, : m.size, : m.size] = mask
        digits = np.where(X >= 0, X - lows[None, :] + 1, 0)
        keys = (digits * mult[None, :]).sum(axis=1).astype(np.int64)
        counts = np.zeros((C, S), np.int64)
        for c, column_counts in enumerate(self.counts):
            if column_counts is not None:
                counts[c, : len(column_counts)] = column_counts
        sums = np.array(self.sums, np.int64)
        items = np.full((C, n), -1, np.int64)
        where = np.full((C, n), -1, np.int64)
        msize = np.zeros(C, np.int64)
        for c in range(C):
            members = np.flatnonzero(X[:, c] >= 0)
            items[c, : members.size] = members
            where[c, members] = np.arange(members.size)
            msize[c] = members.size
        st = (X, keys, counts, sums, items, where, msize)
        mg = (
            lows,
            mult,
            is_margin,
            has_sum,
            units,
            npos,
            positions,
            nun,
            un_pi,
            un_mask,
            npair,
            pr_pi,
            pr_pi2,
            pr_mask,
            sum_ok,
            sum_len,
            size,
        )
        # blocks: running statistics as in _Block
        B = len(self.blocks)
        T = max([1] + [b.top for b in self.blocks])
        bpre = np.array([b.pre_col for b in self.blocks], np.int64)
        bpost = np.array([b.post_col for b in self.blocks], np.int64)
        hit = np.zeros((B, T, T), np.int64)
        want_r = np.full(B, -1, np.int64)
        has_d = np.zeros(B, bool)
        want_d = np.zeros((B, 3), np.int64)
        has_win = np.zeros(B, bool)
        wlow, whigh = np.zeros(B), np.zeros(B)
        P = self.P
        for k, block in enumerate(self.blocks):
            block.fill(P)
            if block.want_r is not None:
                want_r[k] = block.want_r
                hit[k, : block.top, : block.top] = block.hit
            if block.want_d is not None:
                has_d[k] = True
                want_d[k] = block.want_d
            if block.window is not None:
                has_win[k] = True
                wlow[k], whigh[k] = block.window
        resp = np.array([b.resp for b in self.blocks], np.int64)
        dcount = np.array([b.d for b in self.blocks], np.int64).reshape(B, 3)
        pos = np.zeros((B, T), np.int64)
        neg = np.zeros((B, T), np.int64)
        for k, block in enumerate(self.blocks):
            pos[k, : block.top] = block.pos
            neg[k, : block.top] = block.neg
        # the blocks of each column (-1 padded): two or more where time points of one outcome share a column
        K = max([1] + [len(v) for v in self.block_of.values()])
        block_of = np.full((C, K), -1, np.int64)
        for c, column_blocks in self.block_of.items():
            for q, block in enumerate(column_blocks):
                block_of[c, q] = self.blocks.index(block)
        # the test of each block's p: 0 signed-rank (z window), 1 sign test (a table of the non-zero signs),
        # 2 paired t (|t| window); scipy decides the edges of a window
        codes = {"wilcoxon": 0, "sign": 1, "paired-t": 2}
        btest = np.array([codes[b.test] for b in self.blocks], np.int64)
        bn = np.array([b.spec.n for b in self.blocks], np.int64)
        sign_ok = np.zeros((B, n + 1, n + 1), bool)
        for k, block in enumerate(self.blocks):
            if block.window is not None and block.test == "sign":
                sign_ok[k] = _sign_table(block.spec, n)
        bk = (
            *(bpre, bpost, hit, want_r, resp, has_d, want_d, dcount, pos, neg, block_of, has_win, wlow, whigh),
            *(btest, bn, sign_ok),
        )
        pr = (
            -1 if self.follow_col is None else self.follow_col,
            -1 if self.pd_col is None else self.pd_col,
            np.array(self.followed_only, np.int64),
            np.array([a for a, _ in self.pain_pairs], np.int64),
            np.array([b for _, b in self.pain_pairs], np.int64),
        )
        M = len(self._moves)
        G = max(1, max(len(g) for g in self._groups))
        mv_group = np.zeros((M, G), np.int64)
        for k, group in enumerate(self._groups):
            mv_group[k, : len(group)] = group
        mv = (
            self._cumulative,
            np.array([m[1] for m in self._moves], np.int64),
            np.array([m[2] for m in self._moves], np.int64),
            mv_group,
            np.array([len(g) for g in self._groups], np.int64),
            np.array([b for b, _ in self._checks], bool),
            np.array([p for _, p in self._checks], bool),
            self.proposed,
            self.accepted,
        )
        sm = _sampler_arrays(margins, n)
        edges = (
            np.zeros(8, np.int64),
            np.zeros((8, 2 * T), np.int64),
            np.zeros(8, bool),
            np.zeros(1, np.int64),
            np.zeros(1 + 2 * T, np.int64),
        )
        cap = 2 * n + 8
        scratch = (
            *(np.zeros(cap, np.int64) for _ in range(4)),  # a move's changes: column, patient, new and old value
            np.zeros(n, np.int64),  # patients
            np.zeros(n, np.int64),  # their old row keys
            np.zeros(B + 1, np.int64),  # blocks touched
            np.zeros(n, np.int64),  # rank order of a refresh
            np.zeros(n),  # its tie-breaking noise
            np.zeros(n, np.int64),  # its fresh sorted sample
            np.zeros(S, np.int64),  # its old value counts
            np.zeros(2 * n, np.int64),  # distinct row keys
            np.zeros(Pm, np.int64),  # values at the constrained positions
            np.zeros(S),  # sampler weights
            np.zeros(n, np.int64),  # sorted row keys
        )
        return [st, mg, bk, pr, mv, sm, edges, scratch]

    def _decide_edge(self) -> None:
        """scipy's decision for the histogram the kernel asked about (as verify_cohort computes p), stored."""
        from sacro_kit.forensics.reconstruction import _p_satisfied, _p_value

        state = self._kernel_state
        assert state is not None, "the kernel asks about an edge only while it runs"
        edge_block, edge_hist, edge_ok, nedge, query = state[6]
        T = (query.size - 1) // 2
        b = int(query[0])
        pos, neg = query[1 : 1 + T], query[1 + T :]
        block = self.blocks[b]
        if block.test != "wilcoxon":
            from sacro_kit.forensics.reconstruction.pairing import _histogram_ok

            ok = _histogram_ok(block.test, block.spec.p, block.spec.n, tuple(query[1:].tolist()))
        else:
            d = np.concatenate([np.repeat(np.arange(T), pos), -np.repeat(np.arange(T), neg)]).astype(float)
            ok = _p_satisfied(_p_value(d, np.zeros_like(d)), block.spec.p)
        e = int(nedge[0])
        if e == edge_block.size:
            edge_block = np.concatenate([edge_block, np.zeros(e, np.int64)])
            edge_hist = np.concatenate([edge_hist, np.zeros_like(edge_hist)])
            edge_ok = np.concatenate([edge_ok, np.zeros(e, bool)])
        edge_block[e], edge_hist[e], edge_ok[e] = b, query[1:], ok
        nedge[0] = e + 1
        state[6] = (edge_block, edge_hist, edge_ok, nedge, query)

    def run(self, steps: int) -> None:
        """Run ``steps`` Metropolis steps (in the compiled kernel; uniforms drawn from ``rng`` in blocks)."""
        from sacro_kit.forensics.reconstruction import _kernel

        if self._kernel_state is None:
            self._kernel_state = self._arrays()
        state = self._kernel_state
        # the most uniforms one step reads (a refresh; a two-patient step over many columns)
        need = max(2 * self.n + 9, 5 + 2 * max(len(g) for g in self._groups))
        steps = int(steps)
        while steps > 0:
            done, self._next, status = _kernel.run(
                *state, _LOG_FACTORIAL_ARRAY, self._uniforms, self._next, steps, need
            )
            steps -= done
            if status == _kernel.NEED_UNIFORMS:
                chunk = max(4096, min(1 << 18, 6 * steps + need))
                self._uniforms = np.concatenate([self._uniforms[self._next :], self.rng.random(chunk)])
                self._next = 0
            elif status == _kernel.NEED_EDGE:
                self._decide_edge()

    # ---------------------------------------------------------------------------------------------------------
    def frame(self):
        """The current cohort in the loader schema (row i = patient i)."""
        from sacro_kit.forensics.reconstruction import _frame

        data, decreased = self.values()
        return _frame(data, decreased)

    def values(self) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The current cohort as float arrays with NaN for missing: the eight value columns and pain_decreased."""
        n = self.n
        data = {name: np.full(n, np.nan) for name in _VALUE_COLUMNS}
        decreased = np.full(n, np.nan)
        weeks = np.array(self.weeks)
        for c, name in enumerate(self.names):
            column = self.X[:, c]
            missing = column < 0
            if name in ("pain_weeks", "followup_weeks"):
                values = weeks[np.where(missing, 0, column)]
            else:
                values = column.astype(float)
            values[missing] = np.nan
            if name == "pain_decreased":
                decreased = values
            else:
                data[name] = values
        return data, decreased


def _components(blocks) -> list[tuple[int, ...]]:
    """The columns of blocks that share columns, joined (time points of one outcome), in order of first use."""
    components: list[list[int]] = []
    for block in blocks:
        pair = [block.pre_col, block.post_col]
        joined = [c for c in components if set(c) & set(pair)]
        merged: list[int] = []
        for c in joined:
            merged += c
            components.remove(c)
        merged += [c for c in pair if c not in merged]
        components.append(merged)
    return sorted((tuple(c) for c in components), key=lambda c: min(c))


_VALUE_COLUMNS = (
    "pain_weeks",
    "followup_weeks",
    "rest_pre",
    "rest_post",
    "activity_pre",
    "activity_post",
    "opioids_pre",
    "opioids_post",
)

_LOG_FACTORIAL_ARRAY = np.array(_LOG_FACTORIAL)


def _sign_table(spec, n: int) -> np.ndarray:
    """ok[a, b]: whether the sign test on a decreases and b increases prints as the spec's p (an (n+1, n+1) table)."""
    from sacro_kit.forensics.reconstruction.pairing import _test_p
    from sacro_kit.forensics.reconstruction.planning import _p_satisfied

    table = np.zeros((n + 1, n + 1), bool)
    for a in range(spec.n + 1):
        for b in range(spec.n + 1 - a):
            if a + b:
                d = np.concatenate([np.ones(a), -np.ones(b)])
                p = _test_p("sign", d)
                table[a, b] = p is not None and _p_satisfied(p, spec.p)
    return table


def _sampler_arrays(margins, n: int):
    """The sorted-sample samplers' tables of every margin column, flattened for the kernel."""
    C = len(margins)
    sm_n = np.zeros(C, np.int64)
    with_sum = np.zeros(C, bool)
    width = np.ones(C, np.int64)
    pinned = np.zeros((C, n + 1), bool)
    offsets = {name: np.zeros(C, np.int64) for name in ("final", "cum", "table", "steps", "scum")}
    final_len = np.zeros(C, np.int64)
    parts: dict[str, list] = {name: [] for name in offsets}
    filled = dict.fromkeys(offsets, 0)

    def put(name, c, array):
        flat = np.ascontiguousarray(array).ravel()
        offsets[name][c] = filled[name]
        parts[name].append(flat)
        filled[name] += flat.size

    for c, margin in enumerate(margins):
        if margin is None:
            continue
        sampler = margin.sampler
        sm_n[c] = sampler.n
        put("final", c, np.array(sampler.final, float))
        final_len[c] = len(sampler.final)
        if not sampler.with_sum:
            put("cum", c, np.array(sampler.cumulative, float))
        else:
            with_sum[c] = True
            width[c] = sampler.width
            put("table", c, np.array(sampler.table, float))
            put("steps", c, np.array(sampler.steps, bool))
            put("scum", c, np.array(sampler.cumulative, float))
            for j in sampler.pinned_steps:
                pinned[c, j] = True

    def joined(name, dtype):
        return np.concatenate(parts[name]).astype(dtype) if parts[name] else np.zeros(1, dtype)

    return (
        sm_n,
        with_sum,
        joined("final", float),
        offsets["final"],
        final_len,
        joined("cum", float),
        offsets["cum"],
        width,
        joined("table", float),
        offsets["table"],
        joined("steps", bool),
        offsets["steps"],
        joined("scum", float),
        offsets["scum"],
        pinned,
    )


def _autocorrelation_time(x: np.ndarray) -> float:
    """Integrated autocorrelation time (in records) with Sokal's automatic window (c = 5)."""
    x = np.asarray(x, float) - np.mean(x)
    n = x.size
    if n < 4 or not np.any(x):
        return 1.0
    f = np.fft.rfft(x, 2 * n)
    acf = np.fft.irfft(f * np.conj(f))[:n]
    acf /= acf[0]
    tau = 1.0
    for m in range(1, n):
        tau += 2 * acf[m]
        if m >= 5 * tau:
            break
    return max(tau, 1.0)


def chain_statistics(chain: JointChain) -> dict[str, float]:
    """Cheap summaries of the chain's state whose autocorrelation shows how fast the chain mixes."""
    out: dict[str, float] = {}
    P = chain.P
    for block in chain.blocks:
        pairs = [(row[block.pre_col], row[block.post_col]) for row in P if row[block.pre_col] >= 0]
        drops = [a - b for a, b in pairs]
        out[f"{block.spec.key}: mean change"] = sum(drops) / len(drops)
        out[f"{block.spec.key}: changes >= half of baseline"] = sum(2 * d >= a for (a, _), d in zip(pairs, drops))
        out[f"{block.spec.key}: pre sum"] = sum(a for a, _ in pairs)
        out[f"{block.spec.key}: post sum"] = sum(b for _, b in pairs)
    for c in (chain.pain_col, chain.follow_col):
        if c is not None:
            column_counts = chain.counts[c] or []
            out[f"{chain.names[c]}: sum"] = (
                chain.sums[c] if chain.units[c] is not None else sum(k * v for v, k in enumerate(column_counts))
            )
    if chain.follow_col is not None and chain.blocks:
        out["overlap of the first two blocks"] = (
            sum(1 for row in P if all(row[b.pre_col] >= 0 for b in chain.blocks[:2])) if len(chain.blocks) > 1 else 0
        )
    out["log prod m!"] = sum(_LOG_FACTORIAL[m] for m in chain.rows.values())
    return out


def start_chain(plan, seed: int):
    """The chain of ``reconstruct``: started from a valid cohort drawn with ``seed``, burnt in."""
    from sacro_kit.forensics.reconstruction import _MAX_ATTEMPTS, _draw_cohort

    rng = np.random.default_rng(np.random.SeedSequence(seed))
    for _attempt in range(_MAX_ATTEMPTS):
        start = _draw_cohort(plan, rng)
        if start is not None:
            break
    else:
        raise RuntimeError(
            f"no cohort satisfying every constraint found in {_MAX_ATTEMPTS} attempts "
            f"(seed {seed}); the reported statistics may not fit together"
        )
    chain = JointChain(plan, start, rng)
    chain.run(burn_in_steps(plan))
    return chain


def multiset_draws(plan, n_draws: int, seed: int):
    """The distinct-cohort keys (sorted tuples of patient rows) of the cohorts ``reconstruct`` would return."""
    chain = start_chain(plan, seed)
    keys = []
    for _ in range(n_draws):
        chain.run(thin_steps(plan))
        keys.append(tuple(sorted(tuple(row) for row in chain.P)))
    return chain, keys
