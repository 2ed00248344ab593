"""Evaluate every swap and relocation of one unit in one round, cheaply."""

from __future__ import annotations

from random import Random

from parcours.planner.state import State, wsum

Move = tuple[int, int, int]  # (delta, partner unit or -1 for a relocation, station)


def _popcount(x: int, _dm: int) -> int:
    """Return the number of set bits (``wsum`` without glued units)."""
    return x.bit_count()


def _mix_delta(kp: tuple[int, ...], kq: tuple[int, ...], ka: list[int], kb: list[int]) -> int:
    """Return the change in same-kind pairs when ``kp`` (in A) and ``kq`` (in B) swap."""
    if kp == kq:
        return 0
    if len(kp) == 1 and len(kq) == 1:  # single people: the common case, inlined
        k, j = kp[0], kq[0]
        return kb[k] - ka[k] + ka[j] - kb[j] + 2
    rest_a = list(ka)
    rest_b = list(kb)
    for k in kp:
        rest_a[k] -= 1
    for k in kq:
        rest_b[k] -= 1
    return sum(rest_b[k] - rest_a[k] for k in kp) + sum(rest_a[k] - rest_b[k] for k in kq)


def _relocate_delta(
    st: State, p: int, r: int, a: int, b: int, rep: int, forb: int, gain: int
) -> int:
    """Return the cost change of moving ``p`` from ``a`` to ``b`` given partial terms."""
    wt = st.wt
    wp = st.w[p]
    load = st.load[r]
    pairs = wp * (load[b] - (load[a] - wp))
    mix = 0
    if wt.mixing:
        ka, kb = st.kc[r][a], st.kc[r][b]
        kinds = st.kinds[p]
        mix = sum(kb[k] - ka[k] + kinds.count(k) for k in kinds)
    return wt.repeat * rep + wt.forbidden * forb - gain + wt.mixing * mix + wt.load * pairs


def best_move(
    st: State, p: int, r: int, rng: Random, tabu: list[int], it: int, slack: int
) -> Move | None:
    """Return the best move of ``p`` in round ``r``, ties broken at random (hot loop, inlined).

    A move involving a unit whose tabu tenure ``tabu[q]`` (for this round) runs past
    iteration ``it`` is kept only if its delta is below ``slack`` (aspiration).
    """
    wt = st.wt
    w_rep, w_forb, w_mix = wt.repeat, wt.forbidden, wt.mixing
    w, dm, met1, met2, forb, vis = st.w, st.dm, st.met1, st.met2, st.forb, st.vis
    pref, kinds, cap = st.pref, st.kinds, st.cap
    gm, mem, load, kc = st.gm[r], st.mem[r], st.load[r], st.kc[r]
    a = st.st[p][r]
    m_a = gm[a]
    wp = w[p]
    met1p, forbp, prefp, kp = met1[p], forb[p], pref[p], kinds[p]
    ws = wsum if dm else _popcount  # no glued units: a mask weighs its popcount
    out_p = wp * ws(met2[p] & m_a, dm)
    f_out_p = (forbp & m_a).bit_count()
    p_banned = tabu[p] > it
    best: Move | None = None
    ties = 0
    free = ~vis[p]
    for b in range(len(gm)):
        if not (free >> b) & 1 or not cap[b]:
            continue
        m_b = gm[b]
        in_p = wp * ws(met1p & m_b, dm)
        f_in_p = (forbp & m_b).bit_count()
        gain_p = prefp[b] - prefp[a]
        cands: list[Move] = []
        if load[b] + wp <= cap[b]:
            d = _relocate_delta(st, p, r, a, b, in_p - out_p, f_in_p - f_out_p, gain_p)
            cands.append((d, -1, b))
        kb = kc[b]
        for q in mem[b]:
            if w[q] != wp or (vis[q] >> a) & 1:
                continue
            met1q, forbq = met1[q], forb[q]
            rep = (
                in_p
                - wp * w[q] * ((met1p >> q) & 1)
                + w[q] * (ws(met1q & m_a, dm) - wp * ((met1q >> p) & 1))
                - out_p
                - w[q] * ws(met2[q] & m_b, dm)
            )
            fv = (
                f_in_p
                - ((forbp >> q) & 1)
                + (forbq & m_a).bit_count()
                - ((forbq >> p) & 1)
                - f_out_p
                - (forbq & m_b).bit_count()
            )
            d = w_rep * rep + w_forb * fv - gain_p - pref[q][a] + pref[q][b]
            if w_mix:
                d += w_mix * _mix_delta(kp, kinds[q], kc[a], kb)
            cands.append((d, q, b))
        for cand in cands:
            d, q = cand[0], cand[1]
            if (p_banned or (q >= 0 and tabu[q] > it)) and d >= slack:
                continue
            if best is None or d < best[0]:
                best, ties = cand, 1
            elif d == best[0]:
                ties += 1
                if rng.randrange(ties) == 0:
                    best = cand
    return best


def swap_delta(st: State, p: int, q: int, r: int) -> int:
    """Return the cost change of swapping ``p`` and ``q`` in round ``r`` (no rule checks)."""
    wt, w, dm = st.wt, st.w, st.dm
    a, b = st.st[p][r], st.st[q][r]
    m_a, m_b = st.gm[r][a], st.gm[r][b]
    ws = wsum if dm else _popcount
    met1p, met1q, forbp, forbq = st.met1[p], st.met1[q], st.forb[p], st.forb[q]
    rep = (
        w[p] * (ws(met1p & m_b, dm) - w[q] * ((met1p >> q) & 1))
        + w[q] * (ws(met1q & m_a, dm) - w[p] * ((met1q >> p) & 1))
        - w[p] * ws(st.met2[p] & m_a, dm)
        - w[q] * ws(st.met2[q] & m_b, dm)
    )
    fv = (
        (forbp & m_b).bit_count()
        - ((forbp >> q) & 1)
        + (forbq & m_a).bit_count()
        - ((forbq >> p) & 1)
        - (forbp & m_a).bit_count()
        - (forbq & m_b).bit_count()
    )
    d = (
        wt.repeat * rep
        + wt.forbidden * fv
        - st.pref[p][b]
        + st.pref[p][a]
        - st.pref[q][a]
        + st.pref[q][b]
    )
    if wt.mixing:
        d += wt.mixing * _mix_delta(st.kinds[p], st.kinds[q], st.kc[r][a], st.kc[r][b])
    return d


def move_delta(st: State, p: int, r: int, b: int) -> int:
    """Return the cost change of relocating ``p`` to ``b`` in round ``r`` (no rule checks)."""
    a = st.st[p][r]
    m_a, m_b = st.gm[r][a], st.gm[r][b]
    wp, dm = st.w[p], st.dm
    rep = wp * (wsum(st.met1[p] & m_b, dm) - wsum(st.met2[p] & m_a, dm))
    forb = (st.forb[p] & m_b).bit_count() - (st.forb[p] & m_a).bit_count()
    return _relocate_delta(st, p, r, a, b, rep, forb, st.pref[p][b] - st.pref[p][a])


def _best_partner(
    st: State, p: int, r: int, b: int, tabu: list[int], it: int
) -> tuple[int, int] | None:
    """Return (delta, partner or -1) for ``p`` taking station ``b`` in round ``r``."""
    a = st.st[p][r]
    best: tuple[int, int] | None = None
    if st.load[r][b] + st.w[p] <= st.cap[b]:
        best = (move_delta(st, p, r, b), -1)
    for q in st.mem[r][b]:
        if st.w[q] != st.w[p] or (st.vis[q] >> a) & 1 or tabu[q] > it:
            continue
        d = swap_delta(st, p, q, r)
        if best is None or d < best[0]:
            best = (d, q)
    return best


def best_rotation(
    st: State, p: int, r: int, tabu: list[list[int]], it: int
) -> tuple[int, int, int, int] | None:
    """Return (delta, other round, partner in r, partner in r2) of the best rotation.

    A rotation exchanges ``p``'s stations of rounds ``r`` and ``r2``: its set of
    stations (and so its preferences) stays the same.  In each round a partner
    standing at ``p``'s new station takes ``p``'s old one (or ``p`` just moves if
    there is room).  A partner standing at both places (rounds swapped) exchanges
    wholesale with ``p``.  Candidates are ranked by the sum of single-round deltas;
    the best is then evaluated exactly.
    """
    a = st.st[p][r]
    best: tuple[int, int, int, int] | None = None
    for r2 in st.prob.open:
        if r2 == r or tabu[r2][p] > it:
            continue
        b = st.st[p][r2]
        first = _best_partner(st, p, r, b, tabu[r], it)
        second = _best_partner(st, p, r2, a, tabu[r2], it)
        if first is not None and second is not None:
            d = first[0] + second[0]
            if best is None or d < best[0]:
                best = (d, r2, first[1], second[1])
        mask = st.gm[r][b] & st.gm[r2][a]
        while mask:
            low = mask & -mask
            q = low.bit_length() - 1
            mask ^= low
            if max(tabu[r][q], tabu[r2][q]) > it or st.w[q] != st.w[p]:
                continue
            d = swap_delta(st, p, q, r) + swap_delta(st, p, q, r2)
            if best is None or d < best[0]:
                best = (d, r2, q, q)
    if best is None:
        return None
    before = st.cost()
    st.rotate(p, r, best[1], best[2], best[3])
    exact = st.cost() - before
    st.rotate(p, r, best[1], best[2], best[3])
    return exact, best[1], best[2], best[3]
