"""Hard-rule feasibility checks, reported as human-readable problems."""

from __future__ import annotations

from collections import Counter

from parcours.planner.flow import distribute
from parcours.planner.model import MODES, PRIORITIES, Instance, PlanInfeasible
from parcours.planner.prep import Problem, last_fixed_round, prepare


def _basic_problems(inst: Instance) -> list[str]:
    """Return problems with the shape of the instance itself."""
    problems: list[str] = []
    if inst.mode not in MODES:
        problems.append(f"unknown mode {inst.mode!r}: use 'individual' or 'groups'")
    if inst.priority not in PRIORITIES:
        problems.append(f"unknown priority {inst.priority!r}: use 'preferences' or 'encounters'")
    if inst.rounds < 1:
        problems.append(f"rounds ({inst.rounds}) must be at least 1")
    for label, ids in (
        ("participant", [p.id for p in inst.participants]),
        ("station", [s.id for s in inst.stations]),
    ):
        dupes = sorted(i for i, c in Counter(ids).items() if c > 1)
        if dupes:
            problems.append(f"duplicate {label} ids: {dupes[:5]}")
    for s in inst.stations:
        if s.capacity < 0:
            problems.append(f"station {s.id} has a negative capacity ({s.capacity})")
    usable = sum(1 for s in inst.stations if s.capacity > 0)
    if inst.participants and inst.rounds > usable:
        what = "stations" if usable == len(inst.stations) else "stations with capacity"
        problems.append(
            f"rounds ({inst.rounds}) exceed {what} ({usable}): someone would visit a station twice"
        )
    return problems


def _fixed_problems(inst: Instance) -> list[str]:
    """Return problems with the fixed placements of closed rounds."""
    problems: list[str] = []
    pids = {p.id for p in inst.participants}
    sids = {s.id: s.capacity for s in inst.stations}
    seen: dict[tuple[int, int], int] = {}
    loads: Counter[tuple[int, int]] = Counter()
    for (pid, rnd), sid in sorted(inst.fixed.items()):
        if pid not in pids:
            continue  # a no-show: their past placements no longer matter
        if not 1 <= rnd <= inst.rounds:
            problems.append(
                f"fixed placement of participant {pid} in round {rnd}, "
                f"outside rounds 1..{inst.rounds}"
            )
            continue
        if sid not in sids:
            problems.append(
                f"fixed placement of participant {pid} in round {rnd} names unknown station {sid}"
            )
            continue
        if (pid, sid) in seen:
            problems.append(
                f"participant {pid} is fixed to station {sid} in rounds "
                f"{seen[(pid, sid)]} and {rnd}: a revisit"
            )
        seen[(pid, sid)] = rnd
        loads[(rnd, sid)] += 1
    for (rnd, sid), load in sorted(loads.items()):
        if load > sids[sid]:
            problems.append(
                f"station {sid} holds {load} > capacity {sids[sid]} "
                f"in round {rnd} (fixed placements)"
            )
    return problems


def _open_problems(prob: Problem) -> list[str]:
    """Return capacity and routing problems for the rounds still to plan."""
    if not prob.open or prob.n == 0:
        return []
    problems: list[str] = []
    total = sum(prob.cap)
    need = len(prob.open)
    if total < prob.n:
        first, last = prob.open[0] + 1, prob.open[-1] + 1
        when = f"round {first}" if need == 1 else f"rounds {first}-{last}"
        problems.append(f"total capacity {total} < {prob.n} participants in {when}")
    usable = sum(1 << s for s in range(prob.m) if prob.cap[s] > 0)
    allowed = [usable & ~prob.visited_closed(p) & ~prob.avoid[p] for p in range(prob.n)]
    for p in range(prob.n):
        if allowed[p].bit_count() < need:
            why = " they may visit" if prob.avoid[p] else ""
            problems.append(
                f"participant {prob.pids[p]} has only {allowed[p].bit_count()} unvisited "
                f"stations{why} for {need} remaining rounds"
            )
    if problems:
        return problems
    supply = [need * c for c in prob.cap]
    if distribute(need, allowed, supply) is None:
        span = f"{prob.open[0] + 1}-{prob.open[-1] + 1}" if need > 1 else str(prob.open[0] + 1)
        problems.append(
            f"stations cannot absorb {prob.n * need} visits in rounds {span} without "
            "revisits: capacities are too uneven for the stations still unvisited"
        )
    return problems


def check(inst: Instance) -> list[str]:
    """Return the hard-rule problems of ``inst``; an empty list means it can be planned."""
    problems = _basic_problems(inst)
    problems += _fixed_problems(inst)
    if problems:
        return problems
    if any(p.stay for p in inst.participants):
        # as ``plan`` does: people who stay put take their station first, the rest is
        # checked (and planned) around them
        from parcours.planner.rules import settle

        try:
            _, rest = settle(inst)
        except PlanInfeasible as exc:
            return exc.problems
        return check(rest)
    prob = prepare(inst)
    problems += _open_problems(prob)
    if not problems and inst.mode == "groups" and prob.open and prob.n:
        from parcours.planner.group_forming import group_problems

        problems += group_problems(prob)
    return problems


__all__ = ["check", "last_fixed_round"]
