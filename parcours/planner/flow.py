"""Exact feasibility: a b-matching of visits, split into rounds by edge colouring.

Every participant needs ``need`` distinct allowed stations; station ``s`` can take
``need * cap[s]`` visits.  If such a choice exists, an equitable edge colouring of
the bipartite participant/station graph (stations split into copies of degree at
most ``need``) turns it into rounds without revisits or capacity overruns.
"""

from __future__ import annotations

from collections import deque


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def _augment(
    p: int, allowed: list[int], held: list[set[int]], holders: list[set[int]], left: list[int]
) -> bool:
    """Give ``p`` one more station, re-routing other participants when needed."""
    start = [t for t in _bits(allowed[p]) if t not in held[p]]
    parent: dict[int, tuple[int, int]] = {t: (-1, p) for t in start}
    queue = deque(start)
    while queue:
        t = queue.popleft()
        if left[t] > 0:
            left[t] -= 1
            while True:
                prev, who = parent[t]
                held[who].add(t)
                holders[t].add(who)
                if prev < 0:
                    return True
                held[who].discard(prev)
                holders[prev].discard(who)
                t = prev
        for x in sorted(holders[t]):
            for u in _bits(allowed[x]):
                if u not in parent and u not in held[x]:
                    parent[u] = (t, x)
                    queue.append(u)
    return False


def distribute(need: int, allowed: list[int], supply: list[int]) -> list[list[int]] | None:
    """Pick ``need`` distinct allowed stations per participant within supplies, or None."""
    m = len(supply)
    left = list(supply)
    held: list[set[int]] = [set() for _ in allowed]
    holders: list[set[int]] = [set() for _ in range(m)]
    order = sorted(range(len(allowed)), key=lambda p: (allowed[p].bit_count(), p))
    for p in order:
        for _ in range(need):
            options = [t for t in _bits(allowed[p]) if t not in held[p] and left[t] > 0]
            if options:
                t = max(options, key=lambda s: (left[s], -s))
                left[t] -= 1
                held[p].add(t)
                holders[t].add(p)
            elif not _augment(p, allowed, held, holders, left):
                return None
    return [sorted(h) for h in held]


def _flip(at: list[list[int]], start: int, a: int, b: int) -> None:
    """Swap colours a and b along the alternating path leaving ``start`` by colour a."""
    path = []
    x, col = start, a
    while at[x][col] >= 0:
        y = at[x][col]
        path.append((x, y, col))
        x, col = y, (b if col == a else a)
    for x, y, col in path:
        at[x][col] = -1
        at[y][col] = -1
    for x, y, col in path:
        new = b if col == a else a
        at[x][new] = y
        at[y][new] = x


def colour_rounds(chosen: list[list[int]], need: int, m: int) -> list[list[int]]:
    """Order each participant's stations over ``need`` rounds; return station per round."""
    n = len(chosen)
    holders: list[list[int]] = [[] for _ in range(m)]
    for p, stations in enumerate(chosen):
        for s in stations:
            holders[s].append(p)
    copy_station: list[int] = []
    edges: list[tuple[int, int]] = []
    for s in range(m):
        for i, p in enumerate(holders[s]):
            if i % need == 0:
                copy_station.append(s)
            edges.append((p, n + len(copy_station) - 1))
    at = [[-1] * need for _ in range(n + len(copy_station))]
    for p, c in edges:
        a = at[p].index(-1)
        b = at[c].index(-1)
        if at[c][a] >= 0:
            _flip(at, c, a, b)
        at[p][a] = c
        at[c][a] = p
    return [[copy_station[at[p][r] - n] for r in range(need)] for p in range(n)]
