"""Individual mode: every participant is placed in every open round."""

from __future__ import annotations

import time
from dataclasses import dataclass
from random import Random
from typing import Any

from parcours.planner.bounds import (
    forced_repeats,
    min_pairs,
    zero_repeat_interest_losses,
)
from parcours.planner.construct import Class, by_flow, clear, greedy
from parcours.planner.dealing import construction_hints
from parcours.planner.model import PlanInfeasible
from parcours.planner.moves import best_move
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
