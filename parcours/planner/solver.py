"""Entry point: check, bound, construct, search, report."""

from __future__ import annotations

import time
from typing import Any

from parcours.planner.checks import check
from parcours.planner.individual import solve
from parcours.planner.metrics import evaluate
from parcours.planner.model import Instance, PlanInfeasible, PlanResult
from parcours.planner.prep import Problem, last_fixed_round, prepare
from parcours.planner.rules import drop_absent, settle, stayer_rows
from parcours.planner.search import Budget, Progress

ITERATIONS_PER_SECOND = 1200  # a conservative rate for ~100 participants on one core
STALL_BASE = 2000
STALL_PER_UNIT = 5


def default_budget(
    units: int, time_limit: float, max_iterations: int | None, progress: Progress | None
) -> Budget:
    """Return the search budget: iterations bound the work, the clock only caps it.

    The default iteration budget is what a slow machine manages within ``time_limit``
    (scaled down for large instances), so the same seed gives the same plan unless
    the machine is much slower or busier than expected.
    """
    started = time.perf_counter()
    if max_iterations is None:
        rate = min(ITERATIONS_PER_SECOND, 150_000 // max(units, 1))
        max_iterations = max(100, int(time_limit * rate))
    return Budget(
        max_iterations=max_iterations,
        patience=20_000,
        stall=STALL_BASE + STALL_PER_UNIT * units,
        deadline=started + max(0.0, time_limit),
        progress=progress,
        started=started,
    )


def plan(
    inst: Instance,
    *,
    seed: int = 0,
    time_limit: float = 10.0,
    progress: Progress | None = None,
    max_iterations: int | None = None,
) -> PlanResult:
    """Plan ``inst``; raise ``PlanInfeasible`` with the problems when a hard rule cannot hold.

    The result depends only on the instance and ``seed`` unless the time limit cuts
    the search short (the iteration budget normally ends it first).
    """
    if any(p.stay for p in inst.participants):
        return _plan_with_stayers(inst, seed, time_limit, progress, max_iterations)
    budget = default_budget(len(inst.participants), time_limit, max_iterations, progress)
    problems = check(inst)
    if problems:
        raise PlanInfeasible(problems)
    prob = prepare(inst)
    groups: dict[int, int] | None = None
    stats: dict[str, Any] = {}
    if inst.mode == "groups":
        from parcours.planner.groups import solve_groups

        grid, group_of, stats = solve_groups(prob, seed, budget)
        groups = {prob.pids[p]: g for p, g in enumerate(group_of)}
    else:
        grid, stats = solve(prob, seed, budget)
    assignments = sorted(_rows(prob, grid), key=lambda row: (row[1], row[0]))
    assignments = drop_absent(inst, assignments)
    alternative = stats.pop("start_grid", None)
    metrics = evaluate(inst, assignments)
    if alternative is not None and metrics["repeated_encounters"] > 0:
        _offer(inst, metrics, drop_absent(inst, _rows(prob, alternative)))
    metrics["seconds"] = round(time.perf_counter() - budget.started, 3)
    metrics["seed"] = seed
    metrics["priority"] = inst.priority
    metrics.update(stats)
    if progress is not None:
        progress(1.0, metrics)
    return PlanResult(assignments=assignments, metrics=metrics, groups=groups)


def _rows(prob: Problem, grid: list[list[int]]) -> list[tuple[int, int, int]]:
    """Return (participant id, round, station id) rows of a station-per-round grid."""
    return [
        (prob.pids[p], r + 1, prob.sids[s])
        for p, row in enumerate(grid)
        for r, s in enumerate(row)
        if s >= 0
    ]


def _offer(inst: Instance, metrics: dict[str, Any], rows: list[tuple[int, int, int]]) -> None:
    """Add the zero-repeat start as ``alternative`` when it has fewer repeats than the plan."""
    alt = evaluate(inst, rows)
    if alt["repeated_encounters"] < metrics["repeated_encounters"] and alt["hard_ok"]:
        metrics["alternative"] = {
            "priority": "encounters",
            "repeated_encounters": alt["repeated_encounters"],
            "preference_hits": alt["preference_hits"],
            "must_visit_missed": alt["must_visit_missed"],
            "preference_max": alt.get("preference_max_zero_repeats", alt["preference_max"]),
        }


def _plan_with_stayers(
    inst: Instance,
    seed: int,
    time_limit: float,
    progress: Progress | None,
    max_iterations: int | None,
) -> PlanResult:
    """Place the people who stay put first, plan the others around them."""
    from parcours.planner.checks import _basic_problems

    problems = _basic_problems(inst)
    if problems:
        raise PlanInfeasible(problems)
    chosen, rest = settle(inst)
    result = plan(
        rest, seed=seed, time_limit=time_limit, progress=None, max_iterations=max_iterations
    )
    first_open = last_fixed_round(inst) + 1
    rows = sorted(
        drop_absent(inst, result.assignments + stayer_rows(inst, chosen, first_open)),
        key=lambda row: (row[1], row[0]),
    )
    metrics = evaluate(inst, rows)
    for key in (
        "seconds",
        "iterations",
        "stopped_by",
        "construction",
        "start_repeats",
        "start_seconds",
        "search",
    ):
        if key in result.metrics:
            metrics[key] = result.metrics[key]
    metrics["seed"] = seed
    if progress is not None:
        progress(1.0, metrics)
    return PlanResult(assignments=rows, metrics=metrics, groups=result.groups)
