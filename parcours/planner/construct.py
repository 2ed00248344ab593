"""Initial plans: greedy round-by-round placement, with exact fallbacks.

The greedy places units one round at a time at the station where they meet the
fewest people already met (in the spirit of Triska & Musliu's greedy initialisation
for the Social Golfer Problem), guided by preferences, kinds and loads.  When a unit
finds every unvisited station full, an augmenting path shifts others to make room.
"""

from __future__ import annotations

from collections import deque
from random import Random

from parcours.planner.flow import colour_rounds, distribute
from parcours.planner.state import State, wsum

Class = tuple[list[int], list[int]]  # (units, per-station cap counted in units)


def _fits(st: State, r: int, u: int, b: int, count: list[int], ccap: list[int]) -> bool:
    """Return whether unit ``u`` may be placed at ``b`` in round ``r`` now."""
    return not (st.vis[u] >> b) & 1 and count[b] < ccap[b] and st.load[r][b] + st.w[u] <= st.cap[b]


def _score(st: State, r: int, u: int, b: int) -> int:
    """Return the greedy cost of placing unit ``u`` at station ``b`` in round ``r``."""
    wt = st.wt
    g = st.gm[r][b]
    wu = st.w[u]
    kc = st.kc[r][b]
    return (
        wt.repeat * wu * wsum(st.met1[u] & g, st.dm)
        + wt.forbidden * (st.forb[u] & g).bit_count()
        - st.pref[u][b]
        + wt.mixing * sum(kc[k] for k in st.kinds[u])
        + wt.load * wu * st.load[r][b]
    )


def _augment(
    st: State, r: int, u: int, count: list[int], ccap: list[int], members: set[int]
) -> bool:
    """Place ``u`` in round ``r`` by shifting same-class units along a path; or fail."""
    m = len(st.cap)
    parent: dict[int, tuple[int, int]] = {}
    queue: deque[int] = deque()
    for b in range(m):
        if st.cap[b] and not (st.vis[u] >> b) & 1:
            parent[b] = (-1, u)
            queue.append(b)
    while queue:
        t = queue.popleft()
        if count[t] < ccap[t] and st.load[r][t] + st.w[u] <= st.cap[t]:
            while True:
                prev, who = parent[t]
                if prev < 0:
                    st.add(who, r, t)
                    count[t] += 1
                    return True
                st.move(who, r, t)
                count[t] += 1
                count[prev] -= 1
                t = prev
        for x in list(st.mem[r][t]):
            if x not in members:
                continue
            for b in range(m):
                if b not in parent and st.cap[b] and not (st.vis[x] >> b) & 1:
                    parent[b] = (t, x)
                    queue.append(b)
    return False


def greedy(
    st: State,
    rounds: list[int],
    rng: Random,
    classes: list[Class],
    hint: list[list[int]] | None = None,
) -> bool:
    """Fill ``rounds`` greedily, class by class; return False when a unit cannot be placed."""
    m = len(st.cap)
    for r in rounds:
        for units, ccap in classes:
            count = [0] * m
            members = set(units)
            order = units[:]
            rng.shuffle(order)
            rest = []
            for u in order:
                h = hint[u][r] if hint is not None and u < len(hint) else -1
                if h >= 0 and _fits(st, r, u, h, count, ccap):
                    st.add(u, r, h)
                    count[h] += 1
                else:
                    rest.append(u)
            for u in rest:
                options = [b for b in range(m) if _fits(st, r, u, b, count, ccap)]
                if options:
                    scored = [(_score(st, r, u, b), rng.random(), b) for b in options]
                    b = min(scored)[2]
                    st.add(u, r, b)
                    count[b] += 1
                elif not _augment(st, r, u, count, ccap, members):
                    return False
    return True


def clear(st: State, rounds: list[int]) -> None:
    """Remove every unit from ``rounds``."""
    for r in rounds:
        for u in range(st.U):
            if st.st[u][r] >= 0:
                st.remove(u, r)


def by_flow(st: State, rounds: list[int]) -> bool:
    """Fill ``rounds`` with single units by b-matching and edge colouring."""
    need = len(rounds)
    usable = sum(1 << s for s, c in enumerate(st.cap) if c > 0)
    allowed = [usable & ~st.vis[u] for u in range(st.U)]
    chosen = distribute(need, allowed, [need * c for c in st.cap])
    if chosen is None:
        return False
    plan = colour_rounds(chosen, need, len(st.cap))
    for u, stations in enumerate(plan):
        for r, s in zip(rounds, stations, strict=True):
            st.add(u, r, s)
    return True
