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

from parcours.planner.group_forming import form_groups, group_problems
from parcours.planner.prep import Problem
from parcours.planner.search import Budget
from parcours.planner.state import Weights


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
            if _route_mask(prob, routes[h]) & prob.avoid[p] or (
                _route_mask(prob, routes[g]) & prob.avoid[q]
            ):
                continue  # never into a group passing an own or avoided station
            gi, hi = groups[g].index(p), groups[h].index(q)
            groups[g][gi], groups[h][hi] = q, p
            if cost.group(groups[g], g) + cost.group(groups[h], h) <= before:
                where[p], where[q] = h, g
            else:
                groups[g][gi], groups[h][hi] = p, q
        elif prob.open and len(groups) >= 2:
            _swap_route(prob, groups, routes, cost, rng)
    return {"iterations": iterations, "stopped_by": "iterations"}


def _route_mask(prob: Problem, route: list[int]) -> int:
    return sum(1 << route[r] for r in prob.open if route[r] >= 0)


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
    formed = form_groups(prob)
    if formed is None:
        from parcours.planner.model import PlanInfeasible

        raise PlanInfeasible(group_problems(prob))
    groups, movable, routes = formed
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
