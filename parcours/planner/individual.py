"""Individual mode: every participant is placed in every open round."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Any

from parcours.planner.assign import assign
from parcours.planner.bounds import forced_repeats, min_pairs
from parcours.planner.construct import Class, by_flow, clear, greedy
from parcours.planner.designs import starts
from parcours.planner.model import PlanInfeasible
from parcours.planner.prep import Problem
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


def _deal(
    prob: Problem, words: list[list[int]], rows: list[int] | None = None
) -> tuple[list[list[int]], list[int] | None]:
    """Return ``words`` dealt to participants so that they win the most preferences.

    Any two routes of a construction meet at most once, so *which* participant walks
    *which* route is free: a minimum-cost assignment (Hungarian method) gives each
    participant a route through as many of its must-visits and interests as possible
    and, second to one interest, puts colleagues into one row of the squares (routes
    of one row never meet).  Returns the dealt routes and their rows.
    """
    masks = _masks(words)
    big = 4 * (prob.rounds + 1)
    homes = _org_rows(prob, rows) if rows is not None and any(prob.colleagues) else {}
    cost = [
        [
            2 * 64 * big * (prob.avoid[p] & mk).bit_count()
            - 2 * big * (prob.must[p] & mk).bit_count()
            - 2 * (prob.interests[p] & mk).bit_count()
            + int(rows is not None and prob.org[p] in homes and rows[w] not in homes[prob.org[p]])
            for w, mk in enumerate(masks)
        ]
        for p in range(prob.n)
    ]
    dealt = assign(cost)
    return [words[w] for w in dealt], (None if rows is None else [rows[w] for w in dealt])


def _relabel(prob: Problem, words: list[list[int]]) -> list[list[int]]:
    """Return ``words`` with stations renamed so that preferences and capacities fit best."""
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
    return [[rename[s] if s >= 0 else -1 for s in w] for w in words]


def construction_hints(prob: Problem) -> list[tuple[str, list[list[int]]]]:
    """Return zero-repeat starts from MOLS (see ``designs``), fitted to preferences."""
    usable = sorted((s for s in range(prob.m) if prob.cap[s] > 0), key=lambda s: (-prob.cap[s], s))
    caps = [prob.cap[s] for s in usable]
    out = []
    liked = any(prob.interests) or any(prob.must) or any(prob.avoid)
    for start in starts(caps, prob.n, prob.rounds):
        words = [[usable[s] if s >= 0 else -1 for s in w] for w in start.grid]
        rows: list[int] | None = start.rows
        if liked:
            for _ in range(2):
                words, rows = _deal(prob, words, rows)
                words = _relabel(prob, words)
        if liked or any(prob.colleagues):
            words, rows = _deal(prob, words, rows)
        out.append((start.name, words))
    return out


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
        hints += construction_hints(prob)
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
        if best is None or st.cost() < best[0].cost():
            best = (st, tg, name)
    assert best is not None
    return best


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
        search = Search(st, prob.open, rng, tg.lower, tg.pref_best)

        def primary() -> bool:
            return st.rep <= tg.forced and st.fviol == 0 and st.prefsum >= tg.pref_total

        stats["stopped_by"] = search.run(budget, primary)
        stats["search"] = "local" if search.iterations else "none"
        stats["iterations"] = search.iterations
    return _expand(st), stats
