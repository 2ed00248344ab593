"""Groups mode: fixed groups walk together, one group per station and round.

Groups are dealt by kind so each mixes kinds of organisation; routes follow a cyclic
Latin square (group g is at station g + r in round r) whenever capacities allow, and
a bipartite matching per round otherwise.  A short local search then swaps members
between groups and stations between groups to win preferences, keep forbidden pairs
apart and even out kinds.
"""

from __future__ import annotations

import time
from collections import Counter
from random import Random
from typing import Any

from parcours.planner.prep import Problem
from parcours.planner.search import Budget
from parcours.planner.state import Weights


def _sizes(n: int, count: int) -> list[int]:
    """Return ``count`` group sizes as even as possible, summing to ``n``."""
    return [n // count + (1 if g < n % count else 0) for g in range(count)]


def _initial_groups(prob: Problem) -> tuple[list[list[int]], set[int]]:
    """Return the groups and the participants that may still change group."""
    if prob.closed:
        last = prob.closed[-1]
        by_station: dict[int, list[int]] = {}
        for (p, r), s in sorted(prob.fixed.items()):
            if r == last:
                by_station.setdefault(s, []).append(p)
        walking = [by_station[s] for s in sorted(by_station)]
        placed = {p for g in walking for p in g}
        late = [p for p in range(prob.n) if p not in placed]
        for p in late:
            min(walking, key=lambda g: (len(g), walking.index(g))).append(p)
        return walking, set(late)
    usable = sum(1 for c in prob.cap if c > 0)
    count = min(usable, prob.n)
    sizes = _sizes(prob.n, count)
    freq = Counter(prob.kind)
    order = sorted(range(prob.n), key=lambda p: (-freq[prob.kind[p]], prob.kind[p], p))
    groups: list[list[int]] = [[] for _ in range(count)]
    g, step = 0, 1
    for p in order:
        while len(groups[g]) >= sizes[g]:
            g, step = _snake(g, step, count)
        groups[g].append(p)
        g, step = _snake(g, step, count)
    return groups, set(range(prob.n))


def _snake(g: int, step: int, count: int) -> tuple[int, int]:
    """Return the next group index when dealing back and forth."""
    if 0 <= g + step < count:
        return g + step, step
    return g, -step


def _match(options: list[list[int]]) -> list[int] | None:
    """Return a station per group (Kuhn's algorithm, options in preference order)."""
    owner: dict[int, int] = {}

    def grab(g: int, seen: set[int]) -> bool:
        for s in options[g]:
            if s in seen:
                continue
            seen.add(s)
            if s not in owner or grab(owner[s], seen):
                owner[s] = g
                return True
        return False

    for g in range(len(options)):
        if not grab(g, set()):
            return None
    result = [-1] * len(options)
    for s, g in owner.items():
        result[g] = s
    return result


def _routes(prob: Problem, groups: list[list[int]]) -> list[list[int]] | None:
    """Return station per group and round (-1 in closed rounds), or None if impossible."""
    stations = [s for s in range(prob.m) if prob.cap[s] > 0]
    visited = [0] * len(groups)
    for g, members in enumerate(groups):
        for p in members:  # own and avoided stations of any member count as visited
            visited[g] |= prob.visited_closed(p) | prob.avoid[p]
    routes = [[-1] * prob.rounds for _ in groups]
    for i, r in enumerate(prob.open):
        options = []
        for g, members in enumerate(groups):
            k = len(stations)
            ring = [stations[(g + i + j) % k] for j in range(k)]
            options.append(
                [s for s in ring if prob.cap[s] >= len(members) and not (visited[g] >> s) & 1]
            )
        chosen = _match(options)
        if chosen is None:
            return None
        for g, s in enumerate(chosen):
            routes[g][r] = s
            visited[g] |= 1 << s
    return routes


def group_problems(prob: Problem) -> list[str]:
    """Return why groups mode cannot route the groups, if it cannot."""
    groups, _ = _initial_groups(prob)
    if _routes(prob, groups) is not None:
        return []
    biggest = max((len(g) for g in groups), default=0)
    return [
        f"groups mode: {len(groups)} groups of up to {biggest} participants cannot "
        f"walk {len(prob.open)} rounds without revisits through stations with "
        f"capacities {sorted(prob.cap, reverse=True)}"
    ]


def inherent_repeats(prob: Problem) -> int:
    """Return the repeats that walking in even groups forces (members meet every round)."""
    usable = sum(1 for c in prob.cap if c > 0)
    if not usable or not prob.n:
        return 0
    sizes = _sizes(prob.n, min(usable, prob.n))
    return sum(s * (s - 1) // 2 for s in sizes) * max(0, prob.rounds - 1)


class _GroupCost:
    """Cost of a group assignment: forbidden pairs, preferences, same-kind pairs."""

    def __init__(self, prob: Problem, routes: list[list[int]]) -> None:
        self.prob = prob
        self.routes = routes
        self.wt = Weights.for_problem(prob)

    def member(self, p: int, g: int) -> int:
        """Return the preference cost of participant ``p`` walking with group ``g``."""
        wt, prob = self.wt, self.prob
        got = 0
        for r in prob.open:
            s = self.routes[g][r]
            got += wt.interest * (prob.interests[p] >> s & 1) + wt.must * (prob.must[p] >> s & 1)
            got -= wt.forbidden * (prob.avoid[p] >> s & 1)  # never an own or avoided station
        return -got

    def group(self, members: list[int], g: int) -> int:
        """Return the full cost of group ``g`` with ``members``."""
        prob, wt = self.prob, self.wt
        cost = sum(self.member(p, g) for p in members)
        kinds = Counter(prob.kind[p] for p in members)
        cost += wt.mixing * sum(c * (c - 1) // 2 for c in kinds.values())
        orgs = Counter(prob.org[p] for p in members if prob.colleagues[p])
        cost += 4 * wt.mixing * sum(c * (c - 1) // 2 for c in orgs.values())  # colleagues apart
        mask = sum(1 << p for p in members)
        cost += wt.forbidden * sum((prob.forbidden[p] & mask).bit_count() for p in members) // 2
        return cost


def _improve(
    prob: Problem,
    groups: list[list[int]],
    movable: set[int],
    routes: list[list[int]],
    rng: Random,
    budget: Budget,
) -> dict[str, Any]:
    """Swap members and route stations while that does not make things worse."""
    cost = _GroupCost(prob, routes)
    pool = sorted(movable)
    where = {p: g for g, members in enumerate(groups) for p in members}
    iterations = min(budget.max_iterations, 20 * max(len(pool), 1) + 2000)
    for it in range(iterations):
        if it % 256 == 0 and time.perf_counter() > budget.deadline:
            return {"iterations": it, "stopped_by": "time"}
        if len(pool) >= 2 and rng.random() < 0.7:
            p, q = rng.sample(pool, 2)
            g, h = where[p], where[q]
            if g == h:
                continue
            before = cost.group(groups[g], g) + cost.group(groups[h], h)
            gi, hi = groups[g].index(p), groups[h].index(q)
            groups[g][gi], groups[h][hi] = q, p
            if cost.group(groups[g], g) + cost.group(groups[h], h) <= before:
                where[p], where[q] = h, g
            else:
                groups[g][gi], groups[h][hi] = p, q
        elif prob.open and len(groups) >= 2:
            _swap_route(prob, groups, routes, cost, rng)
    return {"iterations": iterations, "stopped_by": "iterations"}


def _swap_route(
    prob: Problem, groups: list[list[int]], routes: list[list[int]], cost: _GroupCost, rng: Random
) -> None:
    """Exchange the stations of two groups in one open round if it does not hurt."""
    r = prob.open[rng.randrange(len(prob.open))]
    g, h = rng.sample(range(len(groups)), 2)
    a, b = routes[g][r], routes[h][r]
    others_g = {routes[g][x] for x in prob.open if x != r}
    others_h = {routes[h][x] for x in prob.open if x != r}
    if (
        b in others_g
        or a in others_h
        or prob.cap[b] < len(groups[g])
        or prob.cap[a] < len(groups[h])
    ):
        return
    if any((prob.visited_closed(p) | prob.avoid[p]) >> b & 1 for p in groups[g]) or any(
        (prob.visited_closed(p) | prob.avoid[p]) >> a & 1 for p in groups[h]
    ):
        return
    before = cost.group(groups[g], g) + cost.group(groups[h], h)
    routes[g][r], routes[h][r] = b, a
    if cost.group(groups[g], g) + cost.group(groups[h], h) > before:
        routes[g][r], routes[h][r] = a, b


def solve_groups(
    prob: Problem, seed: int, budget: Budget
) -> tuple[list[list[int]], list[int], dict[str, Any]]:
    """Return station per participant and round, each participant's group, search stats."""
    groups, movable = _initial_groups(prob)
    routes = _routes(prob, groups)
    if routes is None:
        from parcours.planner.model import PlanInfeasible

        raise PlanInfeasible(group_problems(prob))
    stats = _improve(prob, groups, movable, routes, Random(seed), budget)
    grid = [[-1] * prob.rounds for _ in range(prob.n)]
    group_of = [-1] * prob.n
    for (p, r), s in prob.fixed.items():
        grid[p][r] = s
    for g, members in enumerate(groups):
        for p in members:
            group_of[p] = g + 1
            for r in prob.open:
                grid[p][r] = routes[g][r]
    return grid, group_of, stats
