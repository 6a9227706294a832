"""The joint chain's step loop, compiled with numba (imported only when a chain runs, never by ``import sacro_kit``).

Part of :mod:`sacro_kit.forensics.reconstruction`. These functions are a line-for-line port of the moves described in
:mod:`sacro_kit.forensics.reconstruction.chain` (the law and the detailed-balance argument are there), on arrays:
the state is an ``(n, C)`` integer matrix (weeks as lattice indices, scores as values, -1 for missing) with running
value counts, sums, member lists and block statistics (``block_of[c]`` lists every block naming column c: the time
points of one outcome share their baseline column); the random numbers are read in order from a buffer of
uniforms that the caller refills from its ``numpy.random.Generator``, so a chain is deterministic for its seed and
does not depend on how its steps are split into calls. A step whose Wilcoxon z falls within 1e-9 of the printed
p's window cannot be decided here: the step is undone, the uniforms rewound, and the caller decides that
histogram with scipy (as ``verify_cohort`` would), stores the decision and runs the step again.

Compiled with ``cache=True`` (the machine code is kept beside this file, or in numba's user cache).
"""

from __future__ import annotations

import math

import numba

#: Status codes of :func:`run`.
DONE, NEED_UNIFORMS, NEED_EDGE = 0, 1, 2

# no reference counting (the caller owns every array, and nothing is allocated here): the counting of an
# array's references at each use would cost more than the step itself
_njit = numba.njit(cache=True, nogil=True, _nrt=False)  # type: ignore[call-overload]  # _nrt: numba's own flag


@_njit
def _digit(x, low):
    return 0 if x < 0 else x - low + 1


@_njit
def _block_add(bk, b, a, v, sign):
    hit, want_r, resp, dcount, pos, neg = bk[2], bk[3], bk[4], bk[7], bk[8], bk[9]
    if want_r[b] >= 0:
        resp[b] += sign * hit[b, a, v]
    if v < a:
        dcount[b, 0] += sign
        pos[b, a - v] += sign
    elif v == a:
        dcount[b, 1] += sign
    else:
        dcount[b, 2] += sign
        neg[b, v - a] += sign


@_njit
def _set(st, mg, bk, c, i, value):
    """Set column c of patient i, keeping counts, sums, members, row keys and block statistics current."""
    X, keys, counts, sums, items, where, msize = st[0], st[1], st[2], st[3], st[4], st[5], st[6]
    lows, mult, is_margin, has_sum, units = mg[0], mg[1], mg[2], mg[3], mg[4]
    block_of, bpre, bpost = bk[10], bk[0], bk[1]
    old = X[i, c]
    if old == value:
        return
    for q in range(block_of.shape[1]):  # every block naming column c (time points of one outcome share one)
        b = block_of[c, q]
        if b < 0:
            break
        a, v = X[i, bpre[b]], X[i, bpost[b]]
        if a >= 0 and v >= 0:
            _block_add(bk, b, a, v, -1)
    low = lows[c]
    if is_margin[c]:
        if old >= 0:
            counts[c, old - low] -= 1
            if has_sum[c]:
                sums[c] -= units[c, old - low]
        if value >= 0:
            counts[c, value - low] += 1
            if has_sum[c]:
                sums[c] += units[c, value - low]
    if old < 0:
        where[c, i] = msize[c]
        items[c, msize[c]] = i
        msize[c] += 1
    elif value < 0:
        k = where[c, i]
        last = items[c, msize[c] - 1]
        msize[c] -= 1
        where[c, i] = -1
        if last != i:
            items[c, k] = last
            where[c, last] = k
    keys[i] += (_digit(value, low) - _digit(old, low)) * mult[c]
    X[i, c] = value
    for q in range(block_of.shape[1]):
        b = block_of[c, q]
        if b < 0:
            break
        a, v = X[i, bpre[b]], X[i, bpost[b]]
        if a >= 0 and v >= 0:
            _block_add(bk, b, a, v, 1)


@_njit
def _margin_ok(st, mg, c, at):
    """Whether column c's sorted sample prints every constrained quantile (and its mean)."""
    counts, sums = st[2], st[3]
    npos, positions, nun, un_pi, un_mask = mg[5], mg[6], mg[7], mg[8], mg[9]
    npair, pr_pi, pr_pi2, pr_mask = mg[10], mg[11], mg[12], mg[13]
    has_sum, sum_ok, sum_len, size = mg[3], mg[14], mg[15], mg[16]
    k = 0
    cumulative = 0
    for v in range(size[c]):
        m = counts[c, v]
        if m == 0:
            continue
        cumulative += m
        while k < npos[c] and positions[c, k] <= cumulative:
            at[k] = v
            k += 1
        if k == npos[c]:
            break
    for u in range(nun[c]):
        if not un_mask[c, u, at[un_pi[c, u]]]:
            return False
    for q in range(npair[c]):
        if not pr_mask[c, q, at[pr_pi[c, q]], at[pr_pi2[c, q]]]:
            return False
    if has_sum[c]:
        total = sums[c]
        if total < 0 or total >= sum_len[c] or not sum_ok[c, total]:
            return False
    return True


@_njit
def _signed_rank_z(pos, neg, b):
    """|z| of the Wilcoxon signed-rank test from the difference histograms (``pairing._signed_rank_z``)."""
    below = 0
    r_plus = 0.0
    ties = 0
    for v in range(1, pos.shape[1]):
        t = pos[b, v] + neg[b, v]
        if t:
            r_plus += pos[b, v] * (below + (t + 1) / 2)
            below += t
            ties += t * t * t - t
    if not below:
        return 0.0
    se = math.sqrt((below * (below + 1) * (2 * below + 1) - ties / 2) / 24)
    diff = r_plus - below * (below + 1) / 4
    if se == 0.0 or diff == 0.0:
        return 0.0
    return abs(diff - math.copysign(0.5, diff)) / se


@_njit
def _paired_t_abs(pos, neg, n, b):
    """|t| of the paired t-test on n pairs from the difference histograms (``pairing._test_statistic``)."""
    s1 = 0.0
    s2 = 0.0
    for v in range(1, pos.shape[1]):
        s1 += v * (pos[b, v] - neg[b, v])
        s2 += v * v * (pos[b, v] + neg[b, v])
    if n < 2:
        return 0.0
    var = (s2 - s1 * s1 / n) / (n - 1)
    if var > 0.0:
        return abs(s1 / n) / math.sqrt(var / n)
    return math.inf if s1 != 0.0 else 0.0


@_njit
def _block_ok(bk, ed, b):
    """1 if block b's statistics reproduce the card, 0 if not, 2 if scipy must decide (an edge of the p window)."""
    want_r, resp, has_d, want_d, dcount, pos, neg = bk[3], bk[4], bk[5], bk[6], bk[7], bk[8], bk[9]
    has_win, wlow, whigh = bk[11], bk[12], bk[13]
    if want_r[b] >= 0 and resp[b] != want_r[b]:
        return 0
    if has_d[b]:
        for k in range(3):
            if dcount[b, k] != want_d[b, k]:
                return 0
    if has_win[b]:
        btest = bk[14]
        if btest[b] == 1:  # the sign test: decided exactly by its table of (decreases, increases)
            return 1 if bk[16][b, dcount[b, 0], dcount[b, 2]] else 0
        z = _signed_rank_z(pos, neg, b) if btest[b] == 0 else _paired_t_abs(pos, neg, bk[15][b], b)
        low, high = wlow[b], whigh[b]
        if not (low + 1e-9 < z < high - 1e-9):
            if z < low - 1e-9 or z > high + 1e-9:
                return 0
            # the edge of the window: a decision scipy made before for this histogram, or ask for one
            edge_block, edge_hist, edge_ok, nedge, query = ed[0], ed[1], ed[2], ed[3], ed[4]
            top = pos.shape[1]
            for e in range(nedge[0]):
                if edge_block[e] != b:
                    continue
                same = True
                for v in range(top):
                    if edge_hist[e, v] != pos[b, v] or edge_hist[e, top + v] != neg[b, v]:
                        same = False
                        break
                if same:
                    return 1 if edge_ok[e] else 0
            query[0] = b
            for v in range(top):
                query[1 + v] = pos[b, v]
                query[1 + top + v] = neg[b, v]
            return 2
    return 1


@_njit
def _blocks_ok(bk, ed, touched, ntouched):
    """The worst verdict of the blocks listed in touched[:ntouched] (0 fails, 2 undecided, 1 all pass)."""
    verdict = 1
    for t in range(ntouched):
        r = _block_ok(bk, ed, touched[t])
        if r == 0:
            return 0
        if r == 2:
            verdict = 2
    return verdict


@_njit
def _patient_ok(st, pr, i):
    """The rules linking one patient's columns: pairs within their pool, decreases are pain decreases."""
    X = st[0]
    follow_col, pd_col, followed_only, pain_pre, pain_post = pr[0], pr[1], pr[2], pr[3], pr[4]
    if follow_col >= 0 and X[i, follow_col] < 0:
        for c in followed_only:
            if X[i, c] >= 0:
                return False
    if pd_col >= 0 and X[i, pd_col] != 1:
        for k in range(pain_pre.size):
            a, v = X[i, pain_pre[k]], X[i, pain_post[k]]
            if a >= 0 and v >= 0 and v < a:
                return False
    return True


@_njit
def _log_w_change(keys, old_keys, patients, npat, LOG_FACT, candidates):
    """log prod m_r! after minus before, when ``patients[:npat]`` had the row keys ``old_keys[:npat]``.

    Only the rows that changed can change a multiplicity: each distinct old or new key of those patients is counted
    in the current cohort (m after) and with the changed patients' old keys put back (m before).
    """
    n = keys.size
    ncand = 0
    for t in range(2 * npat):
        r = keys[patients[t]] if t < npat else old_keys[t - npat]
        seen = False
        for q in range(ncand):
            if candidates[q] == r:
                seen = True
                break
        if not seen:
            candidates[ncand] = r
            ncand += 1
    change = 0.0
    for q in range(ncand):
        r = candidates[q]
        m_new = 0
        for p in range(n):
            if keys[p] == r:
                m_new += 1
        m_old = m_new
        for t in range(npat):
            if keys[patients[t]] == r:
                m_old -= 1
            if old_keys[t] == r:
                m_old += 1
        change += LOG_FACT[m_new] - LOG_FACT[m_old]
    return change


@_njit
def _log_prod_m(keys, buf, LOG_FACT):
    """log prod m_r! over the distinct row keys (sorted in ``buf`` by insertion: n is small)."""
    n = keys.size
    for t in range(n):
        x = keys[t]
        r = t - 1
        while r >= 0 and buf[r] > x:
            buf[r + 1] = buf[r]
            r -= 1
        buf[r + 1] = x
    total = 0.0
    run_length = 1
    for t in range(1, n + 1):
        if t < n and buf[t] == buf[t - 1]:
            run_length += 1
        else:
            total += LOG_FACT[run_length]
            run_length = 1
    return total


@_njit
def _bisect_right(a, start, length, x):
    """First index i in [0, length) with a[start + i] > x (``length`` if none), as ``bisect.bisect_right``."""
    lo, hi = 0, length
    while lo < hi:
        mid = (lo + hi) // 2
        if x < a[start + mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


@_njit
def _sample(sm, mg, c, U, upos, out, weights):
    """One uniform admissible sorted sample of column c as value indices (``_SortedSampler.sample_indices``)."""
    sm_n, with_sum, final, final_off, final_len, cum, cum_off = sm[0], sm[1], sm[2], sm[3], sm[4], sm[5], sm[6]
    width, table, table_off, steps, steps_off, scum, scum_off, pinned = (
        sm[7],
        sm[8],
        sm[9],
        sm[10],
        sm[11],
        sm[12],
        sm[13],
        sm[14],
    )
    units, size = mg[4], mg[16][c]
    n = sm_n[c]
    f0, fl = final_off[c], final_len[c]
    k = _bisect_right(final, f0, fl, U[upos + n - 1] * final[f0 + fl - 1])
    if not with_sum[c]:
        b = k
        out[n - 1] = b
        for j in range(n - 1, 0, -1):
            start = cum_off[c] + ((j - 1) * size + b) * size
            b = _bisect_right(cum, start, size, U[upos + j - 1] * cum[start + size - 1])
            out[j - 1] = b
        return
    w = width[c]
    b, s = k // w, k % w
    out[n - 1] = b
    for j in range(n - 1, 0, -1):
        s -= units[c, b]
        if pinned[c, j]:
            total = 0.0
            for v in range(size):
                if steps[steps_off[c] + ((j - 1) * size + v) * size + b]:
                    total += table[table_off[c] + ((j - 1) * size + v) * w + s]
                weights[v] = total
            b = _bisect_right(weights, 0, size, U[upos + j - 1] * weights[size - 1])
        else:
            start = scum_off[c] + ((j - 1) * w + s) * size
            b = _bisect_right(scum, start, b + 1, U[upos + j - 1] * scum[start + b])
        out[j - 1] = b


@_njit
def _undo(st, mg, bk, ch_g, ch_p, ch_old, nch):
    for t in range(nch - 1, -1, -1):
        _set(st, mg, bk, ch_g[t], ch_p[t], ch_old[t])


@_njit
def run(st, mg, bk, pr, mv, sm, ed, scratch, LOG_FACT, U, upos, steps, need):
    """Run up to ``steps`` Metropolis steps from uniform ``upos`` of ``U``.

    Returns (steps done, next uniform, status): ``DONE``; ``NEED_UNIFORMS`` when fewer than ``need`` uniforms are
    left; ``NEED_EDGE`` when a step needs scipy's decision on the histogram written to ``ed[4]`` (the step is undone
    and not counted, so running again repeats it with the same uniforms).
    """
    X, keys, items, msize = st[0], st[1], st[4], st[6]
    lows, size, counts = mg[0], mg[16], st[2]
    block_of = bk[10]
    mv_cum, mv_kind, mv_col, mv_group, mv_gsize, mv_chk_block, mv_chk_patient, proposed, accepted = (
        mv[0],
        mv[1],
        mv[2],
        mv[3],
        mv[4],
        mv[5],
        mv[6],
        mv[7],
        mv[8],
    )
    n = X.shape[0]
    (
        ch_g,
        ch_p,
        ch_v,
        ch_old,
        patients,
        old_keys,
        touched,
        order,
        noise,
        fresh,
        old_counts,
        candidates,
        at,
        weights,
        buf,
    ) = scratch
    done = 0
    while done < steps:
        if upos + need > U.size:
            return done, upos, NEED_UNIFORMS
        start_pos = upos
        uu, v1, v2, v3 = U[upos], U[upos + 1], U[upos + 2], U[upos + 3]
        upos += 4
        k = _bisect_right(mv_cum, 0, mv_cum.size, uu)
        if k >= mv_cum.size:
            k = mv_cum.size - 1
        kind, c = mv_kind[k], mv_col[k]
        proposed[k] += 1
        done += 1
        nch = 0
        npat = 0
        check_margins = 0  # 0 none, 1 column c, 2 the block's two columns
        if kind == 1:  # refresh: a fresh uniform sorted sample dealt out in rank order, ties at random
            m = msize[c]
            low = lows[c]
            for t in range(m):
                noise[t] = U[upos + t]
            upos += m
            # insertion sort of the members by (value, noise)
            for t in range(m):
                order[t] = t
            for t in range(1, m):
                x = order[t]
                xv, xn = X[items[c, x], c], noise[x]
                r = t - 1
                while r >= 0:
                    y = order[r]
                    yv = X[items[c, y], c]
                    if yv > xv or (yv == xv and noise[y] > xn):
                        order[r + 1] = y
                        r -= 1
                    else:
                        break
                order[r + 1] = x
            _sample(sm, mg, c, U, upos, fresh, weights)
            upos += sm[0][c]
            for v in range(size[c]):
                old_counts[v] = counts[c, v]
            for t in range(m):
                p = items[c, t]
                patients[t] = p
                old_keys[t] = keys[p]
            npat = m
            before = _log_prod_m(keys, buf, LOG_FACT)
            for rank in range(m):
                p = items[c, order[rank]]
                ch_g[nch] = c
                ch_p[nch] = p
                ch_old[nch] = X[p, c]
                nch += 1
                _set(st, mg, bk, c, p, fresh[rank] + low)
            proposal = 0.0
            for v in range(size[c]):
                proposal += LOG_FACT[old_counts[v]] - LOG_FACT[counts[c, v]]
            ntouched = 0
            for q in range(block_of.shape[1]):
                if block_of[c, q] < 0:
                    break
                touched[ntouched] = block_of[c, q]
                ntouched += 1
            verdict = _blocks_ok(bk, ed, touched, ntouched)
            if verdict == 1:
                for t in range(npat):
                    if not _patient_ok(st, pr, patients[t]):
                        verdict = 0
                        break
            if verdict == 2:
                _undo(st, mg, bk, ch_g, ch_p, ch_old, nch)
                proposed[k] -= 1
                return done - 1, start_pos, NEED_EDGE
            u_acc = U[upos]
            upos += 1
            if verdict == 1:
                change = _log_prod_m(keys, buf, LOG_FACT) - before + proposal
                if change >= 0 or u_acc < math.exp(change):
                    accepted[k] += 1
                    continue
            _undo(st, mg, bk, ch_g, ch_p, ch_old, nch)
            continue
        if kind == 4:  # two members of a block (or of several sharing columns): each value moves by -1, 0 or +1
            m = msize[c]
            i, j = items[c, int(v1 * m)], items[c, int(v2 * m)]
            width = mv_gsize[k]  # the columns moved: the move's group, pre and post of a block first
            shifts_at = upos
            upos += 2 * width
            if i == j:
                continue
            outside = False
            for t in range(2 * width):
                shift = int(U[shifts_at + t] * 3) - 1
                if shift == 0:
                    continue
                g = mv_group[k, t % width]
                p = i if t < width else j
                value = X[p, g] + shift
                if not (0 <= value - lows[g] < size[g]):
                    outside = True
                    break
                ch_g[nch] = g
                ch_p[nch] = p
                ch_v[nch] = value
                nch += 1
            if outside or nch == 0:
                continue
            patients[0], patients[1] = i, j
            npat = 2
            check_margins = 2
        elif kind == 0:  # one lattice step of one member's value
            m = msize[c]
            i = items[c, int(v1 * m)]
            value = X[i, c] + (1 if v2 < 0.5 else -1)
            if not (0 <= value - lows[c] < size[c]):
                continue
            ch_g[0], ch_p[0], ch_v[0] = c, i, value
            nch = 1
            patients[0] = i
            npat = 1
            check_margins = 1
        else:  # swaps: among the members of c (kind 2) or among all patients (kind 3)
            if kind == 2:
                m = msize[c]
                if m < 2:
                    continue
                i, j = items[c, int(v1 * m)], items[c, int(v2 * m)]
            else:
                i, j = int(v1 * n), int(v2 * n)
            if i == j:
                continue
            for t in range(mv_gsize[k]):
                g = mv_group[k, t]
                vi, vj = X[i, g], X[j, g]
                if vi != vj:
                    ch_g[nch], ch_p[nch], ch_v[nch] = g, i, vj
                    ch_g[nch + 1], ch_p[nch + 1], ch_v[nch + 1] = g, j, vi
                    nch += 2
            if nch == 0:
                continue
            patients[0], patients[1] = i, j
            npat = 2
        for t in range(npat):
            old_keys[t] = keys[patients[t]]
        for t in range(nch):
            ch_old[t] = X[ch_p[t], ch_g[t]]
            _set(st, mg, bk, ch_g[t], ch_p[t], ch_v[t])
        verdict = 1
        if check_margins == 1:
            if not _margin_ok(st, mg, c, at):
                verdict = 0
        elif check_margins == 2:
            for t in range(mv_gsize[k]):
                if not _margin_ok(st, mg, mv_group[k, t], at):
                    verdict = 0
                    break
        if verdict == 1 and mv_chk_block[k]:
            ntouched = 0
            for t in range(nch):
                for r in range(block_of.shape[1]):
                    b = block_of[ch_g[t], r]
                    if b < 0:
                        break
                    new = True
                    for q in range(ntouched):
                        if touched[q] == b:
                            new = False
                            break
                    if new:
                        touched[ntouched] = b
                        ntouched += 1
            verdict = _blocks_ok(bk, ed, touched, ntouched)
        if verdict == 1 and mv_chk_patient[k]:
            for t in range(npat):
                if not _patient_ok(st, pr, patients[t]):
                    verdict = 0
                    break
        if verdict == 2:
            _undo(st, mg, bk, ch_g, ch_p, ch_old, nch)
            proposed[k] -= 1
            return done - 1, start_pos, NEED_EDGE
        if verdict == 1:
            change = _log_w_change(keys, old_keys, patients, npat, LOG_FACT, candidates)
            if change >= 0 or v3 < math.exp(change):
                accepted[k] += 1
                continue
        _undo(st, mg, bk, ch_g, ch_p, ch_old, nch)
    return done, upos, DONE
