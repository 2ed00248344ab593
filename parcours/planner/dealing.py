"""Dealing a construction's routes to people: Hungarian assignment, station relabelling,
repair of own and avoided stations, and the annealed polish (``construction_hints``)."""

from __future__ import annotations

from random import Random

from parcours.planner.assign import assign
from parcours.planner.bounds import (
    _interest_slots,
    zero_repeat_interest_losses,
)
from parcours.planner.designs import Start, starts
from parcours.planner.polish import Routes, polish
from parcours.planner.prep import Problem

Grid = list[list[int]]  # station per participant and round, -1 when absent


def _masks(words: list[list[int]]) -> list[int]:
    return [sum(1 << s for s in w if s >= 0) for w in words]


def _org_rows(prob: Problem, rows: list[int]) -> dict[int, set[int]]:
    """Return rows of the squares for each organisation with colleagues, first fit.

    Routes of one row never share a station, so colleagues dealt into one row
    never meet; bigger organisations spill into further rows.
    """
    space: dict[int, int] = {}
    for x in rows:
        space[x] = space.get(x, 0) + 1
    sizes: dict[int, int] = {}
    for p in range(prob.n):
        if prob.colleagues[p]:
            sizes[prob.org[p]] = sizes.get(prob.org[p], 0) + 1
    out: dict[int, set[int]] = {}
    for org, size in sorted(sizes.items(), key=lambda item: (-item[1], item[0])):
        out[org] = set()
        for x in sorted(space, key=lambda x: (space[x] < size, -space[x], x)):
            if size <= 0:
                break
            if space[x]:
                take = min(size, space[x])
                space[x] -= take
                size -= take
                out[org].add(x)
    return out


HUNGARIAN_WORK = 12_000_000  # rows² × columns all dealing of one plan may spend (~1-2 s)


def _greedy_assign(cost: list[list[int]]) -> list[int]:
    """Return a column per row, rows with the most to win choosing first (no optimality)."""
    order = sorted(range(len(cost)), key=lambda p: (min(cost[p]), p))
    taken: set[int] = set()
    out = [-1] * len(cost)
    for p in order:
        row = cost[p]
        best = min((c, w) for w, c in enumerate(row) if w not in taken)[1]
        out[p] = best
        taken.add(best)
    return out


def _deal(
    prob: Problem,
    words: list[list[int]],
    rows: list[int] | None = None,
    work: list[int] | None = None,
) -> list[int]:
    """Return the route (index into ``words``) of each participant, winning the most wishes.

    Any two routes of a construction meet at most once, so *which* participant walks
    *which* route is free: a minimum-cost assignment (Hungarian method) gives each
    participant a route through as many of its must-visits and interests as possible
    and, second to one interest, puts colleagues into one row of the squares (routes
    of one row never meet).  ``words`` may hold more routes than participants.
    """
    masks = _masks(words)
    big = 4 * (prob.rounds + 1)
    homes = _org_rows(prob, rows) if rows is not None and any(prob.colleagues) else {}
    cost = [
        [
            2 * _worth(prob, p, mk, big)
            + int(rows is not None and prob.org[p] in homes and rows[w] not in homes[prob.org[p]])
            for w, mk in enumerate(masks)
        ]
        for p in range(prob.n)
    ]
    size = prob.n * prob.n * len(words)
    if work is not None:
        if size > work[0]:  # large events: a greedy deal keeps planning within seconds
            return _greedy_assign(cost)
        work[0] -= size
    return assign(cost)


def _worth(prob: Problem, p: int, mask: int, big: int) -> int:
    """Return the cost of participant ``p`` walking through ``mask`` (lower is better)."""
    return (
        64 * big * (prob.avoid[p] & mask).bit_count()
        - big * (prob.must[p] & mask).bit_count()
        - (prob.interests[p] & mask).bit_count()
    )


def _repair(prob: Problem, words: list[list[int]], chosen: list[int]) -> list[int]:
    """Swap routes for unused ones until no station is over capacity, losing the fewest wishes."""
    chosen = chosen[:]
    load = [[0] * prob.m for _ in range(prob.rounds)]
    for c in chosen:
        for r, s in enumerate(words[c]):
            if s >= 0:
                load[r][s] += 1
    free = sorted(set(range(len(words))) - set(chosen))
    masks = _masks(words)
    big = 4 * (prob.rounds + 1)

    def over(r: int, s: int, value: int) -> int:
        return max(0, value - prob.cap[s])

    for _ in range(min(4 * prob.n, 400)):
        best: tuple[int, int, int, int] | None = None  # (overload change, cost, person, free)
        hot = {(r, s) for r in range(prob.rounds) for s in range(prob.m) if over(r, s, load[r][s])}
        if not hot:
            break
        for p, c in enumerate(chosen):
            if not any((r, s) in hot for r, s in enumerate(words[c])):
                continue
            for j, d in enumerate(free):
                delta = 0
                for r in range(prob.rounds):
                    a, b = words[c][r], words[d][r]
                    if a == b:
                        continue
                    if a >= 0:
                        delta += over(r, a, load[r][a] - 1) - over(r, a, load[r][a])
                    if b >= 0:
                        delta += over(r, b, load[r][b] + 1) - over(r, b, load[r][b])
                if delta >= 0:
                    continue
                cost = _worth(prob, p, masks[d], big) - _worth(prob, p, masks[c], big)
                if best is None or (delta, cost) < best[:2]:
                    best = (delta, cost, p, j)
        if best is None:
            break
        _, _, p, j = best
        c, d = chosen[p], free[j]
        for r in range(prob.rounds):
            if words[c][r] >= 0:
                load[r][words[c][r]] -= 1
            if words[d][r] >= 0:
                load[r][words[d][r]] += 1
        chosen[p], free[j] = d, c
    return chosen


def _relabel(prob: Problem, words: list[list[int]], pool: list[list[int]]) -> list[list[int]]:
    """Return ``pool`` with stations renamed so that the routes ``words`` (dealt to the
    participants in order) serve preferences and fit capacities best."""
    m = prob.m
    usable = [s for s in range(m) if prob.cap[s] > 0]
    loads = [[0] * m for _ in range(prob.rounds)]
    for w in words:
        for r, s in enumerate(w):
            if s >= 0:
                loads[r][s] += 1
    big = 4 * (prob.rounds + 1)
    gain = [[0] * m for _ in range(m)]
    for p, w in enumerate(words):
        for s in {x for x in w if x >= 0}:
            row = gain[s]
            for t in usable:
                row[t] += (
                    big * (prob.must[p] >> t & 1)
                    + (prob.interests[p] >> t & 1)
                    - 64 * big * (prob.avoid[p] >> t & 1)
                )
    huge = 1 << 30
    cost = [
        [
            huge * sum(max(0, loads[r][i] - prob.cap[j]) for r in range(prob.rounds))
            - 2 * gain[i][j]
            - int(i == j)
            for j in usable
        ]
        for i in usable
    ]
    perm = assign(cost)
    rename = {i: usable[perm[k]] for k, i in enumerate(usable)}
    return [[rename[s] if s >= 0 else -1 for s in w] for w in pool]


POLISH_ITERATIONS = 60_000  # annealing moves per start, at most
POLISH_WORK = 120_000  # annealing moves for all starts of a plan of up to 100 people
RANDOM_DEAL = 60_000  # participants × routes up to which dealing starts at random


def wish_target(prob: Problem) -> int:
    """Return a bound on what the participants win on routes without repeats.

    In the units of ``polish.Annealer.cost`` halved: ``-big`` per must-visit and
    ``-1`` per interest, with the interests no zero-repeat plan serves added back.
    """
    big = 4 * (prob.rounds + 1)
    need = len(prob.open)
    usable = sum(1 << s for s in range(prob.m) if prob.cap[s] > 0)
    total = zero_repeat_interest_losses(prob)
    for p in range(prob.n):
        allowed = usable & ~prob.avoid[p]
        musts = min(need, (prob.must[p] & allowed).bit_count())
        total -= big * musts + _interest_slots(
            need, musts, prob.must[p] & allowed, prob.interests[p] & allowed
        )
    return total


def _dealt(prob: Problem, start: Start, usable: list[int], work: list[int]) -> Dealt:
    """Return the routes of ``start`` over real stations, dealt by the Hungarian method."""
    spare = start.spare
    if prob.n * prob.n * (prob.n + len(spare)) * 3 > work[0]:
        spare = []  # too big to deal optimally: keep the cells whose loads already fit
    pool = [[usable[s] if s >= 0 else -1 for s in w] for w in start.grid + spare]
    rows = start.rows + start.spare_rows[: len(spare)]
    chosen = list(range(prob.n))
    liked = any(prob.interests) or any(prob.must) or any(prob.avoid)
    if liked:
        for _ in range(2):
            chosen = _deal(prob, pool, rows, work)
            pool = _relabel(prob, [pool[c] for c in chosen], pool)
    if liked or any(prob.colleagues):
        chosen = _deal(prob, pool, rows, work)
        chosen = _repair(prob, pool, chosen)
    return pool, rows, chosen


Dealt = tuple[list[list[int]], list[int], list[int]]  # routes, their rows, route per person


def construction_hints(
    prob: Problem, rng: Random | None = None
) -> list[tuple[str, list[list[int]]]]:
    """Return zero-repeat starts from MOLS (see ``designs``), fitted to preferences.

    With wishes, an annealing (``polish``) deals routes (kept and unused cells) and
    renames stations from a random deal until the wishes reach their bound for plans
    without repeats.  Short of it, the Hungarian dealing (``_dealt``) is polished too
    and the better of the two is kept.
    """
    rng = rng or Random(0)
    usable = sorted((s for s in range(prob.m) if prob.cap[s] > 0), key=lambda s: (-prob.cap[s], s))
    caps = [prob.cap[s] for s in usable]
    out = []
    liked = any(prob.interests) or any(prob.must) or any(prob.avoid)
    work = [HUNGARIAN_WORK]
    target = wish_target(prob) if liked else 0
    moves = [POLISH_WORK * 100 // max(100, prob.n)]  # fewer for large events
    for start in starts(caps, prob.n, prob.rounds):
        if not liked:
            pool, _, chosen = _dealt(prob, start, usable, work)
            out.append((start.name, [pool[c] for c in chosen]))
            continue
        grid, done = _polished(prob, start, usable, (work, moves), rng, target)
        out.append((start.name, grid))
        if done:  # no other construction serves more wishes without repeats
            break
    return out


def _polished(
    prob: Problem,
    start: Start,
    usable: list[int],
    budgets: tuple[list[int], list[int]],
    rng: Random,
    target: int,
) -> tuple[list[list[int]], bool]:
    """Return the routes of ``start`` dealt by annealing (see ``construction_hints``) and
    whether they reach the bound.  Large events start from the Hungarian dealing."""
    work, moves = budgets
    best: tuple[int, Routes] | None = None
    spare = start.spare if prob.n * (prob.n + len(start.spare)) <= 4 * HUNGARIAN_WORK else []
    if prob.n * (prob.n + len(spare)) <= RANDOM_DEAL:
        pool = [[usable[s] if s >= 0 else -1 for s in w] for w in start.grid + spare]
        rows = start.rows + start.spare_rows[: len(spare)]
        walk = list(range(len(pool)))
        rng.shuffle(walk)
        routes = Routes(pool, walk, usable, {s: s for s in usable})
        steps = min(POLISH_ITERATIONS, moves[0])
        cost, done = polish(prob, routes, rows, _homes(prob, rows), rng, target, steps)
        moves[0] -= steps
        if done:
            return routes.dealt(prob.n), True
        best = (cost, routes)
    pool, rows, chosen = _dealt(prob, start, usable, work)
    rest = sorted(set(range(len(pool))) - set(chosen))
    other = Routes(pool, chosen + rest, usable, {s: s for s in usable})
    steps = min(POLISH_ITERATIONS // 4, moves[0])
    cost, done = polish(prob, other, rows, _homes(prob, rows), rng, target, steps)
    moves[0] -= steps
    if best is not None and best[0] < cost:
        other = best[1]
    return other.dealt(prob.n), done


def _homes(prob: Problem, rows: list[int]) -> dict[int, set[int]]:
    return _org_rows(prob, rows) if any(prob.colleagues) else {}
