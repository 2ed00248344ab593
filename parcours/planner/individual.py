"""Individual mode: every participant is placed in every open round."""

from __future__ import annotations

import time
from dataclasses import dataclass
from random import Random
from typing import Any

from parcours.planner.assign import assign
from parcours.planner.bounds import (
    _interest_slots,
    forced_repeats,
    min_pairs,
    zero_repeat_interest_losses,
)
from parcours.planner.construct import Class, by_flow, clear, greedy
from parcours.planner.designs import Start, starts
from parcours.planner.model import PlanInfeasible
from parcours.planner.moves import best_move
from parcours.planner.polish import Routes, polish
from parcours.planner.prep import Problem
from parcours.planner.replan import replan_hints
from parcours.planner.reroute import TOTAL_NODES, reroute
from parcours.planner.search import Budget, Search
from parcours.planner.state import State, Weights
from parcours.planner.tabu import Tabu

Grid = list[list[int]]  # station per participant and round, -1 when absent
TABU_STEP_COST = 3  # plain search iterations per tabu step in the budget


def new_state(prob: Problem, units: list[tuple[int, ...]]) -> State:
    """Return a state with the closed rounds placed as fixed."""
    st = State(prob, units, Weights.for_problem(prob))
    for (p, r), s in sorted(prob.fixed.items(), key=lambda item: (item[0][1], item[0][0])):
        st.add(p, r, s)
    return st


@dataclass
class Targets:
    """Bounds the search aims for, in the cost units of one state."""

    forced: int
    pref_best: list[int]
    pref_total: int
    lower: int


def targets(st: State, forced: int) -> Targets:
    """Return the targets of ``st`` (closed rounds placed, open rounds still empty)."""
    prob, wt = st.prob, st.wt
    need = len(prob.open)
    pref_best = []
    for u in range(st.U):
        options = [
            st.pref[u][s] for s in range(len(st.cap)) if st.cap[s] and not (st.vis[u] >> s) & 1
        ]
        pref_best.append(sum(sorted(options, reverse=True)[:need]))
    kinds = [prob.kind.count(k) for k in range(len(prob.kind_names))]
    mix = sum(min_pairs(c, prob.cap) for c in kinds) * need
    pairs = min_pairs(prob.n, prob.cap) * need
    pref_total = st.prefsum + sum(pref_best)
    lower = (
        wt.repeat * forced - pref_total + wt.mixing * (st.mix + mix) + wt.load * (st.pairs + pairs)
    )
    return Targets(forced, pref_best, pref_total, lower)


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


def _start(
    prob: Problem, rng: Random, forced: int, zero: list[Grid] | None = None
) -> tuple[State, Targets, str]:
    """Return the cheapest start (constructions first, then the greedy) and its targets.

    ``zero`` receives the cheapest start without repeats, if any.
    """
    singles: list[tuple[int, ...]] = [(p,) for p in range(prob.n)]
    classes: list[Class] = [(list(range(prob.n)), list(prob.cap))]
    hints: list[tuple[str, list[list[int]] | None]] = []
    if not prob.closed:
        hints += construction_hints(prob, rng)
    else:
        hints += replan_hints(prob, construction_hints)
    hints.append(("greedy", None))
    best: tuple[State, Targets, str] | None = None
    zero_cost = [0]
    for name, hint in hints:
        st = new_state(prob, singles)
        tg = targets(st, forced)
        if not greedy(st, prob.open, rng, classes, hint):
            clear(st, prob.open)
            if not by_flow(st, prob.open):
                raise PlanInfeasible(["no placement without revisits or overruns exists"])
            name = "b-matching"
        if zero is not None and st.rep == 0 and (not zero or st.cost() < zero_cost[0]):
            zero[:] = [_expand(st)]
            zero_cost[0] = st.cost()
        if best is not None and best[0].rep == 0 and best[2] != "greedy" and st.rep > 0:
            continue  # a zero-repeat construction beats any start with repeats: the
            # search wins the preferences from there (the greedy's cheaper start
            # would have traded repeats for them already)
        if best is None or _rank(prob, st) < _rank(prob, best[0]):
            best = (st, tg, name)
    assert best is not None
    return best


def _rank(prob: Problem, st: State) -> tuple[int, int]:
    """Return how a start compares: by cost; when re-planning, fewest repeats first.

    After rounds have been played a cheaper start with many repeats (a construction
    for the open rounds dealt for wishes) leads the search to more repeats than a
    continued construction with few; the search wins the wishes back from there.
    """
    return (st.rep, st.cost()) if prob.closed else (0, st.cost())


DESCENT_WORK = 5_000  # evaluations of one participant in one round (about 1 s at most)


def serve_wishes(st: State, rounds: list[int], rng: Random, pref_best: list[int]) -> int:
    """Serve the wishes a zero-repeat start misses, at the fewest repeats; return the moves.

    First each such participant gets a whole new route through all its wishes with
    the fewest repeats (``reroute``).  Then a steepest descent: among every swap and
    relocation, in every round, of every participant who still misses a wish, take
    the cheapest one that lowers the cost (with wishes first, serving a wish outweighs
    its repeats, so the cheapest such move serves one at the fewest repeats), until
    none does.  The search alone takes the first such move it meets for a random
    participant and pays more repeats.
    """
    calm = [0] * st.U
    moves = 0
    nodes = [TOTAL_NODES]
    for u in range(st.U):  # first a whole new route for each who misses a wish
        if nodes[0] > 0 and sum(st.pref[u][st.st[u][r]] for r in rounds) < pref_best[u]:
            moves += reroute(st, u, rounds, pref_best[u], nodes)
    work = DESCENT_WORK
    while work > 0:
        best: tuple[int, ...] | None = None  # delta, tie, unit, round, partner, station
        for u in range(st.U):
            if sum(st.pref[u][st.st[u][r]] for r in rounds) >= pref_best[u]:
                continue
            for r in rounds:
                work -= 1
                mv = best_move(st, u, r, rng, calm, 0, 0)
                if mv is not None and mv[0] < 0:
                    key = (mv[0], rng.randrange(1 << 20), u, r, mv[1], mv[2])
                    if best is None or key[:2] < best[:2]:
                        best = key
        if best is None:
            break
        _, _, u, r, q, b = best
        if q >= 0:
            st.swap(u, q, r)
        else:
            st.move(u, r, b)
        moves += 1
    return moves


def _expand(st: State) -> Grid:
    """Return the station per participant and round of a (possibly glued) state."""
    grid = [[-1] * st.prob.rounds for _ in range(st.prob.n)]
    for u, members in enumerate(st.units):
        for p in members:
            grid[p] = st.st[u][:]
    return grid


def solve(prob: Problem, seed: int, budget: Budget) -> tuple[Grid, dict[str, Any]]:
    """Return a plan for the open rounds of ``prob`` (closed rounds kept) and search stats."""
    rng = Random(seed)
    forced = forced_repeats(prob)[0]
    zero: list[Grid] = []
    st, tg, name = _start(prob, rng, forced, zero)
    stats: dict[str, Any] = {
        "iterations": 0,
        "stopped_by": "bound",
        "construction": name,
        "start_repeats": st.rep,
        "start_seconds": round(time.perf_counter() - budget.started, 3),
        "search": "none",
    }
    liked = any(prob.interests) or any(prob.must)
    if zero and prob.inst.priority == "preferences" and liked:
        stats["start_grid"] = zero[0]  # offered when the search trades repeats for wishes
    if prob.open and st.U and forced > 0:
        # repeats are unavoidable and nearly everyone is in conflict: steepest
        # descent over whole rounds (each step costs about ten plain iterations)
        tabu = Tabu(st, prob.open, rng, tg.lower, tg.pref_best)
        steps = max(10, budget.max_iterations // TABU_STEP_COST)
        stats["stopped_by"] = tabu.run(budget, steps)
        stats["search"] = "tabu"
        stats["iterations"] = tabu.iterations
    elif prob.open and st.U:
        short = zero_repeat_interest_losses(prob) if zero and st.rep == 0 else 0
        if (
            short
            and prob.inst.priority == "preferences"
            and st.prefsum >= tg.pref_total - st.wt.interest * short
        ):  # at the zero-repeat bound: every further wish costs repeats
            stats["served_by_descent"] = serve_wishes(st, prob.open, rng, tg.pref_best)
            stats["descent_repeats"] = st.rep
        search = Search(st, prob.open, rng, tg.lower, tg.pref_best)

        lost = 0  # with fewer repeats first, the wishes no zero-repeat plan serves
        if forced == 0 and prob.inst.priority == "encounters":
            lost = st.wt.interest * zero_repeat_interest_losses(prob)

        def primary() -> bool:
            return st.rep <= tg.forced and st.fviol == 0 and st.prefsum >= tg.pref_total - lost

        stats["stopped_by"] = search.run(budget, primary)
        stats["search"] = "local" if search.iterations else "none"
        stats["iterations"] = search.iterations
    return _expand(st), stats
