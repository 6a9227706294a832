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
* **steps** -- move one patient's value of one column one lattice step up or down (direction by a fair coin); the
  reverse step has the same probability: symmetric.
* **refreshes** -- replace one column's values by a fresh sorted sample S' drawn *uniformly* over the admissible
  sorted samples (the exact counting tables of ``counting``), given to the patients in the current rank order (ties
  broken uniformly at random). The proposal has q(x -> y) / q(y -> x) = prod m(S')! / prod m(S)! (S the current
  sorted sample, m its value multiplicities), which the acceptance ratio corrects. Refreshes jump between
  admissible margins that no sequence of single steps connects.

Only valid cohorts are ever accepted (a proposal that breaks a printed number is rejected), and pi(y)/pi(x) is the
ratio of the row-multiplicity factorials (the **Metropolis correction for the multiset count**). Mixing diagnostic:
:func:`chain_diagnostics` runs the chain and reports acceptance per move type and the integrated autocorrelation
time of statistics the book reports; ``reconstruct`` keeps one cohort every ``thin`` steps after ``burn_in`` steps.
Exhaustive enumeration of two small cards (tests/test_reconstruction_law.py) checks the law end to end.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter

import numpy as np

#: Steps of the chain per patient before the first cohort, and between kept cohorts.
BURN_IN_PER_PATIENT = 200
THIN_PER_PATIENT = 20

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
_LOG = [-math.inf] + [math.log(k) for k in range(1, 2001)]


class _Members:
    """A set of patient indices with uniform choice in O(1)."""

    def __init__(self, items):
        self.items = list(items)
        self.where = {p: k for k, p in enumerate(self.items)}

    def add(self, p: int) -> None:
        self.where[p] = len(self.items)
        self.items.append(p)

    def remove(self, p: int) -> None:
        k = self.where.pop(p)
        last = self.items.pop()
        if last != p:
            self.items[k] = last
            self.where[last] = k


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
        if spec.p is not None:
            from sacro_kit.forensics.reconstruction import _z_window

            self.window = _z_window(spec.p)
        self.resp = 0
        self.d = [0, 0, 0]
        self.pos = [0] * top
        self.neg = [0] * top

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
    """The Metropolis chain on labelled cohorts of one plan (see the module docstring for the law and the moves)."""

    def __init__(self, plan, start, rng: np.random.Generator):
        from sacro_kit.forensics.reconstruction import _weeks_values

        self.plan = plan
        self.rng = rng
        n = self.n = plan.n_treated
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
            for k, variable in enumerate(spec.variables):
                names.append(variable)
                sampler = spec.pre if k == 0 else spec.post
                margins.append(_Margin(sampler, None, None))
                lows.append(int(sampler.values[0]))
            self.blocks.append(_Block(spec, len(names) - 2, len(names) - 1, tuple(spec.variables) in _PAIN_PAIRS))
        self.pd_col = None
        if plan.decreased is not None:
            names.append("pain_decreased")
            margins.append(None)
            lows.append(0)
            self.pd_col = len(names) - 1
        self.names, self.margins, self.lows = names, margins, lows
        weeks = {float(v): i for i, v in enumerate(_weeks_values())}
        self.weeks = [float(v) for v in _weeks_values()]
        # the state: one list per column; weeks as lattice indices, scores as values, -1 = missing
        cols = []
        for name in names:
            values = start[name].to_numpy(dtype=float, na_value=np.nan)
            if name in ("pain_weeks", "followup_weeks"):
                cols.append([-1 if x != x else weeks[x] for x in values])
            else:
                cols.append([-1 if x != x else int(x) for x in values])
        self.P = [list(row) for row in zip(*cols)]
        self.follow_col = names.index("followup_weeks") if "followup_weeks" in names else None
        self.pain_col = names.index("pain_weeks") if "pain_weeks" in names else None
        # margins as value counts of the members (and the sum in lattice units, for a printed mean)
        self.counts, self.sums, self.units = [], [], []
        for c, margin in enumerate(margins):
            if margin is None:
                self.counts.append(None)
                self.sums.append(0)
                self.units.append(None)
                continue
            counts = [0] * margin.size
            for x in cols[c]:
                if x >= 0:
                    counts[x - lows[c]] += 1
            self.counts.append(counts)
            self.units.append(margin.units)
            self.sums.append(0 if margin.units is None else sum(k * u for k, u in zip(counts, margin.units)))
        self.members = [_Members(i for i in range(n) if cols[c][i] >= 0) for c in range(len(names))]
        for block in self.blocks:
            for a, b in zip(cols[block.pre_col], cols[block.post_col]):
                if a >= 0:
                    block.add(a, b, 1)
        self.block_of = {}
        for block in self.blocks:
            self.block_of[block.pre_col] = self.block_of[block.post_col] = block
        self.pain_pairs = (
            [(b.pre_col, b.post_col) for b in self.blocks if b.pain_score] if self.pd_col is not None else []
        )
        self.rows = Counter(tuple(row) for row in self.P)
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
                    self.followed_only += [block.pre_col, block.post_col]
        self._buffer = False
        self._move_table()
        self.proposed = Counter()
        self.accepted = Counter()
        if not self.valid_all():
            raise RuntimeError(
                "the chain's start is not a valid cohort; this is a bug in sacro_kit.forensics.reconstruction"
            )

    def _move_table(self) -> None:
        """Move types: (weight, kind, column); kinds 0 step, 1 refresh, 2 swap among members, 3 swap among all.
        Per move: the columns a swap exchanges, and which checks it needs (block statistics, patient rules)."""
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
        for block in self.blocks:
            pain = pd_rules and block.pain_score
            add(2.0, 2, block.post_col, (block.post_col,), block=True, patient=pain)
            add(1.0, 3, block.pre_col, (block.pre_col, block.post_col), patient=True)
            add(2.0, 4, block.pre_col, block=True, patient=pain)
        if self.pd_col is not None:
            fixed = self.pd_pool_followed and self.plan.decreased[1] == self.plan.n_followed
            add(1.0, 2 if fixed else 3, self.pd_col, (self.pd_col,), patient=True)
        weights = np.array([m[0] for m in moves])
        self._cumulative = np.cumsum(weights / weights.sum()).tolist()
        self._cumulative[-1] = 1.0
        self._moves, self._groups, self._checks = moves, groups, checks

    def acceptance(self) -> dict:
        """Acceptance rate per move type, keyed by (kind, column)."""
        kinds = {0: "step", 1: "refresh", 2: "swap", 3: "swap (with missingness)", 4: "two-patient step"}
        out = {}
        for k, (_, kind, c) in enumerate(self._moves):
            label = (
                kinds[kind],
                self.names[c]
                if k not in range(len(self._moves))
                or kind != 3
                or self._groups[k] != (self.follow_col,) + tuple(self.followed_only)
                else "follow-up block",
            )
            out[label] = (self.accepted[k] / self.proposed[k]) if self.proposed[k] else float("nan")
        return out

    # ---------------------------------------------------------------------------------------------------------
    def _set(self, c: int, i: int, value: int) -> None:
        """Set column c of patient i, keeping counts, sums, members and block statistics current."""
        row = self.P[i]
        old = row[c]
        if old == value:
            return
        block = self.block_of.get(c)
        if block is not None:
            a, b = row[block.pre_col], row[block.post_col]
            if a >= 0 and b >= 0:
                block.add(a, b, -1)
        counts = self.counts[c]
        if counts is not None:
            low = self.lows[c]
            units = self.units[c]
            if old >= 0:
                counts[old - low] -= 1
                if units is not None:
                    self.sums[c] -= units[old - low]
            if value >= 0:
                counts[value - low] += 1
                if units is not None:
                    self.sums[c] += units[value - low]
        if old < 0:
            self.members[c].add(i)
        elif value < 0:
            self.members[c].remove(i)
        row[c] = value
        if block is not None:
            a, b = row[block.pre_col], row[block.post_col]
            if a >= 0 and b >= 0:
                block.add(a, b, 1)

    def _fell(self, i: int) -> bool:
        row = self.P[i]
        for pre_col, post_col in self.pain_pairs:
            a, b = row[pre_col], row[post_col]
            if a >= 0 and b >= 0 and b < a:
                return True
        return False

    def _patient_ok(self, i: int) -> bool:
        """The rules linking one patient's columns: pairs within their pool, decreases are pain decreases."""
        row = self.P[i]
        if self.follow_col is not None and row[self.follow_col] < 0:
            for c in self.followed_only:
                if row[c] >= 0:
                    return False
        if self.pd_col is not None and row[self.pd_col] != 1 and self._fell(i):
            return False
        return True

    def _margins_ok(self, columns) -> bool:
        for c in columns:
            margin = self.margins[c]
            if margin is not None and not margin.ok(self.counts[c], self.sums[c]):
                return False
        return True

    def _blocks_ok(self, columns) -> bool:
        seen = set()
        for c in columns:
            block = self.block_of.get(c)
            if block is not None and block.pre_col not in seen:
                seen.add(block.pre_col)
                if not block.ok(self.P):
                    return False
        return True

    def valid_all(self) -> bool:
        columns = range(len(self.names))
        return (
            self._margins_ok(columns) and self._blocks_ok(columns) and all(self._patient_ok(i) for i in range(self.n))
        )

    # ---------------------------------------------------------------------------------------------------------
    def _log_w_change(self, old_rows, patients) -> float:
        """log prod m_r! after minus before, for the rows of ``patients`` (which were ``old_rows``)."""
        change = 0.0
        rows = self.rows
        for old in old_rows:
            m = rows[old]
            change -= _LOG[m]
            rows[old] = m - 1
        new_rows = [tuple(self.P[i]) for i in patients]
        for new in new_rows:
            m = rows[new] + 1
            change += _LOG[m]
            rows[new] = m
        self._new_rows = new_rows
        return change

    def _undo_rows(self, old_rows) -> None:
        rows = self.rows
        for new in self._new_rows:
            rows[new] -= 1
            if not rows[new]:
                del rows[new]
        for old in old_rows:
            rows[old] += 1

    def step(self) -> None:
        """One Metropolis step."""
        rng = self.rng
        u, v1, v2, v3 = rng.random(4).tolist() if not self._buffer else self._next4()
        k = bisect.bisect_left(self._cumulative, u)
        weight, kind, c = self._moves[k]
        self.proposed[k] += 1
        n = self.n
        P = self.P
        if kind == 1:  # refresh
            self._refresh(c, k)
            return
        if kind == 4:  # two members of a block: each of their four values moves by -1, 0 or +1
            members = self.members[c].items
            size = len(members)
            i, j = members[int(v1 * size)], members[int(v2 * size)]
            if i == j:
                return
            block = self.block_of[c]
            shifts = self.rng.integers(-1, 2, 4).tolist()
            changes = []
            for (g, p), shift in zip(
                ((block.pre_col, i), (block.post_col, i), (block.pre_col, j), (block.post_col, j)), shifts
            ):
                if shift:
                    value = P[p][g] + shift
                    if not 0 <= value - self.lows[g] < self.margins[g].size:
                        return
                    changes.append((g, p, value))
            if not changes:
                return
            patients = (i, j)
            margins = (block.pre_col, block.post_col)
        elif kind == 0:  # step
            members = self.members[c].items
            i = members[int(v1 * len(members))]
            value = P[i][c] + (1 if v2 < 0.5 else -1)
            if not 0 <= value - self.lows[c] < self.margins[c].size:
                return
            changes = ((c, i, value),)
            patients = (i,)
            margins = (c,)
        else:
            if kind == 2:  # swap among members
                members = self.members[c].items
                size = len(members)
                if size < 2:
                    return
                i, j = members[int(v1 * size)], members[int(v2 * size)]
            else:
                i, j = int(v1 * n), int(v2 * n)
            if i == j:
                return
            group = self._groups[k]
            pi, pj = P[i], P[j]
            changes = []
            for g in group:
                vi, vj = pi[g], pj[g]
                if vi != vj:
                    changes.append((g, i, vj))
                    changes.append((g, j, vi))
            if not changes:
                return
            patients = (i, j)
            margins = ()
        old_rows = [tuple(P[p]) for p in patients]
        before = [(g, p, P[p][g]) for g, p, _ in changes]
        for g, p, value in changes:
            self._set(g, p, value)
        checks = self._checks[k]
        ok = True
        if margins and not self._margins_ok(margins):
            ok = False
        if ok and checks[0] and not self._blocks_ok([g for g, _, _ in changes]):
            ok = False
        if ok and checks[1] and not all(self._patient_ok(p) for p in patients):
            ok = False
        if ok:
            change = self._log_w_change(old_rows, patients)
            if change >= 0 or v3 < math.exp(change):
                self.accepted[k] += 1
                return
            self._undo_rows(old_rows)
        for g, p, value in reversed(before):
            self._set(g, p, value)

    def _next4(self):
        raise NotImplementedError

    def _refresh(self, c: int, k: int) -> None:
        """A fresh uniform sorted sample for column c, dealt out in the current rank order (ties at random)."""
        rng = self.rng
        margin = self.margins[c]
        members = list(self.members[c].items)
        low = self.lows[c]
        P = self.P
        noise = rng.random(len(members)).tolist()
        order = sorted(range(len(members)), key=lambda m: (P[members[m]][c], noise[m]))
        fresh = margin.sampler.sample_indices(rng).tolist()
        before = [(p, P[p][c]) for p in members]
        old_counts = list(self.counts[c])
        old_rows = [tuple(P[p]) for p in members]
        for rank, m in enumerate(order):
            self._set(c, members[m], fresh[rank] + low)
        proposal = sum(_LOG_FACTORIAL[m] for m in old_counts) - sum(_LOG_FACTORIAL[m] for m in self.counts[c])
        if self._blocks_ok((c,)) and all(self._patient_ok(p) for p in members):
            change = self._log_w_change(old_rows, members) + proposal
            if change >= 0 or rng.random() < math.exp(change):
                self.accepted[k] += 1
                return
            self._undo_rows(old_rows)
        for p, value in before:
            self._set(c, p, value)

    def run(self, steps: int) -> None:
        for _ in range(steps):
            self.step()

    # ---------------------------------------------------------------------------------------------------------
    def frame(self):
        """The current cohort in the loader schema (row i = patient i)."""
        from sacro_kit.forensics.reconstruction import _frame

        n = self.n
        data = {
            name: np.full(n, np.nan)
            for name in (
                "pain_weeks",
                "followup_weeks",
                "rest_pre",
                "rest_post",
                "activity_pre",
                "activity_post",
                "opioids_pre",
                "opioids_post",
            )
        }
        decreased = np.full(n, np.nan)
        for name, col in zip(self.names, zip(*self.P)):
            if name in ("pain_weeks", "followup_weeks"):
                data[name] = np.array([np.nan if x < 0 else self.weeks[x] for x in col])
            elif name == "pain_decreased":
                decreased = np.array([np.nan if x < 0 else float(x) for x in col])
            else:
                data[name] = np.array([np.nan if x < 0 else float(x) for x in col])
        return _frame(data, decreased)


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
    out = {}
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
            out[f"{chain.names[c]}: sum"] = (
                chain.sums[c] if chain.units[c] is not None else sum(k * v for v, k in enumerate(chain.counts[c]))
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
    chain.run(BURN_IN_PER_PATIENT * plan.n_treated)
    return chain


def multiset_draws(plan, n_draws: int, seed: int):
    """The distinct-cohort keys (sorted tuples of patient rows) of the cohorts ``reconstruct`` would return."""
    chain = start_chain(plan, seed)
    keys = []
    for _ in range(n_draws):
        chain.run(THIN_PER_PATIENT * plan.n_treated)
        keys.append(tuple(sorted(tuple(row) for row in chain.P)))
    return chain, keys
