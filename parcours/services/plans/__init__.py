"""The rotation plan of an event: compute, read, move by hand, lock, re-plan the open rounds.

Placements of rounds that have started (the clock says which) are never changed by the
planner: they are handed to it as ``fixed``. Every stored change is announced to the event's
room as ``plan`` so that phones and tablets fetch their route again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from parcours import planner
from parcours.domain.actors import Actor
from parcours.domain.errors import Conflict, NotFound, Unprocessable
from parcours.domain.vocabulary import STAFF
from parcours.planner.model import norm_org
from parcours.services.common import audit, get_event, require_live
from parcours.services.plans.changes import describe_changes, fill_open_rounds
from parcours.services.plans.data import (
    announce,
    build_instance,
    evaluate_rows,
    event_for,
    is_locked,
    latest_run,
    parcours_segment,
    plan_json,
    present_people,
    started_rounds,
    stored_rows,
    writable,
)
from parcours.services.plans.edits import lock_plan, move_participant, set_locked, unlock_plan
from parcours.storage import Assignment, Event, Participant, PlanRun, Segment

Progress = Callable[[float, dict[str, Any]], None]
REPLANNERS = STAFF
__all__ = [
    "compute_plan",
    "get_plan",
    "lock_plan",
    "move_participant",
    "replan_open_rounds",
    "set_locked",
    "unlock_plan",
]


def get_plan(
    session: Session, actor: Actor | None, event_id: int, segment_id: int | None = None
) -> dict[str, Any]:
    """Return the stored plan of a parcours (None: the first; 404 while there is none)."""
    event = event_for(session, actor, event_id, "organiser")
    segment = parcours_segment(session, event.id, segment_id)
    run = latest_run(session, segment.id)
    if run is None:
        raise NotFound("There is no plan yet.", {"plan": ["not computed yet"]})
    return plan_json(session, segment, run)


def compute_plan(
    session: Session,
    event_id: int,
    seed: int = 0,
    time_limit: float = 10.0,
    mode: str | None = None,
    actor: Actor | None = None,
    progress: Progress | None = None,
    priority: str | None = None,
    segment_id: int | None = None,
) -> dict[str, Any]:
    """Compute and store the plan; rounds that have started keep their placements.

    ``priority`` is "preferences" (wishes before fewer repeats, the default) or
    "encounters"; None keeps the one of the last plan. ``segment_id`` plans that parcours
    alone (avoiding the encounters of those before); None plans every parcours whose plan
    is not locked, in agenda order, the first in the answer, the others under ``segments``.
    """
    event = event_for(session, actor, event_id, "organiser")
    first = parcours_segment(session, event.id, segment_id)
    chosen = [first]
    if segment_id is None:
        chosen = [s for s in [first, *later_parcours(session, event.id)] if not s.plan_locked]
    writable(event, chosen[0] if chosen else first)  # locked: 409 (every parcours, or this one)
    results = []
    for index, segment in enumerate(chosen):
        event = get_event(session, event_id)
        options = (seed, time_limit, mode if index == 0 else None, priority, segment.id)
        ticks = _share(progress, index, len(chosen))
        data = _plan_and_store(session, event, actor, options, ticks, "plan.compute")
        named = index > 0 or segment.id != parcours_segment(session, event_id).id
        results.append(
            {"segment_id": segment.id, "title": segment.title, **data} if named else data
        )
    result = results[0]
    if len(results) > 1 or (segment_id is None and later_parcours(session, event_id)):
        result["segments"] = results[1:]
    return result


def _share(progress: Progress | None, index: int, count: int) -> Progress | None:
    """Return the progress callback of the ``index``-th of ``count`` parcours planned in a row.

    Every parcours gets it (it also lets the server's other green threads run while the
    planner searches); its fraction is of the whole run: parcours 2 of 2 goes from 0.5 to 1.
    """
    if progress is None or count <= 1:
        return progress

    def tick(fraction: float, detail: dict[str, Any]) -> None:
        progress((index + min(max(fraction, 0.0), 1.0)) / count, detail)

    return tick


def replan_open_rounds(
    session: Session,
    actor: Actor | None,
    event_id: int,
    seed: int = 0,
    time_limit: float = 5.0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Re-plan the rounds not yet started for who is present now (no-shows out, latecomers in).

    A locked plan (its cards are printed) keeps every route of a present participant: only the
    absent leave the open rounds and whoever has no station there gets one (nobody moves).
    The answer carries ``changes``: who left, who was placed, whose route moved.
    """
    event = event_for(session, actor, event_id, *REPLANNERS)
    require_live(event)
    segment = open_parcours(session, event)
    later = segment.id != parcours_segment(session, event.id).id
    started = started_rounds(session, event, segment)
    if started >= segment.rounds:
        raise Conflict(
            "Every round of the parcours has started; there is nothing left to re-plan.",
            {"plan": ["no open rounds"]},
        )
    before = stored_rows(session, segment.id)
    if is_locked(event, segment):
        if latest_run(session, segment.id) is None:
            raise Conflict("Compute a plan first.", {"plan": ["not computed yet"]})
        result = fill_open_rounds(session, actor, event, segment, started)
    else:
        options: tuple[Any, ...] = (seed, time_limit, None, None)
        if later:  # the clock is in a later parcours: re-plan that one
            options += (segment.id,)
        result = _plan_and_store(session, event, actor, options, progress, "plan.replan")
    segment = session.get(Segment, segment.id) or segment
    result["changes"] = describe_changes(session, event.id, segment, before, started)
    result["changes"]["locked"] = is_locked(event, segment)
    return result


@dataclass(frozen=True)
class Prepared:
    """What the planner gets, and what storing its answer needs to know."""

    inst: planner.Instance
    event_id: int
    segment_id: int
    started: int
    offset: int
    left_out: tuple[int, ...] = ()


def who_fits(
    people: list[Participant], keep: set[int], places: int
) -> tuple[list[Participant], list[Participant]]:
    """Split the present people into those the stations can hold each round and the rest.

    People already walking (placed in a started round) come first, then everyone else in the
    order they were added or registered: a flood of late registrations never costs anyone
    their place, and never makes the plan fail.
    """
    if len(people) <= places:
        return people, []
    ordered = [p for p in people if p.id in keep] + [p for p in people if p.id not in keep]
    chosen = {p.id for p in ordered[: max(0, places)]}
    return [p for p in people if p.id in chosen], [p for p in people if p.id not in chosen]


def open_parcours(session: Session, event: Event) -> Segment:
    """Return the first parcours (agenda order) with a round not yet started."""
    first = parcours_segment(session, event.id)
    for segment in [first, *later_parcours(session, event.id)]:
        if started_rounds(session, event, segment) < segment.rounds:
            return segment
    return first


def later_parcours(session: Session, event_id: int) -> list[Segment]:
    """Return the parcours segments with rounds after the first, in agenda order."""
    first = parcours_segment(session, event_id)
    query = (
        select(Segment)
        .where(Segment.event_id == event_id, Segment.kind == "parcours", Segment.rounds > 0)
        .where(Segment.position > first.position)
        .order_by(Segment.position)
    )
    return list(session.scalars(query))


def _history(session: Session, event: Event, segment: Segment) -> dict[str, Any]:
    """Return who met whom and who visited which station in the parcours before ``segment``."""
    met: set[tuple[int, int]] = set()
    visited: dict[int, set[int]] = {}
    for earlier in event.segments:
        if earlier.kind != "parcours" or earlier.position >= segment.position:
            continue
        at: dict[tuple[int, int], list[int]] = {}
        for p, r, s, _ in stored_rows(session, earlier.id):
            at.setdefault((r, s), []).append(p)
            visited.setdefault(p, set()).add(s)
        for members in at.values():
            met.update((a, b) for a in members for b in members if a < b)
    return {
        "met_before": frozenset(met),
        "visited_before": {p: frozenset(s) for p, s in visited.items()},
    }


def _feasible_history(inst: planner.Instance) -> planner.Instance:
    """Drop the earlier visits of those who have too few other stations left (then of all)."""
    usable = {s.id for s in inst.stations if s.capacity > 0}
    own = {
        p.id: {
            s.id
            for s in inst.stations
            if p.organisation and norm_org(p.organisation) in {norm_org(o) for o in s.organisations}
        }
        for p in inst.participants
    }
    keep = {
        pid: seen
        for pid, seen in inst.visited_before.items()
        if len(usable - seen - own.get(pid, set()) - set(_avoid_of(inst, pid))) >= inst.rounds
    }
    inst = replace(inst, visited_before=keep)
    if planner.check(inst):  # capacities do not allow it: revisits of earlier stations are fine
        inst = replace(inst, visited_before={})
    return inst


def _avoid_of(inst: planner.Instance, pid: int) -> frozenset[int]:
    return next((p.avoid for p in inst.participants if p.id == pid), frozenset())


def _prepare(
    session: Session,
    event: Event,
    mode: str | None,
    priority: str | None = None,
    segment: Segment | None = None,
) -> Prepared:
    """Build the instance: who is present (as many as fit), placements of started rounds fixed.

    A later parcours segment also gets the encounters and station visits of the
    parcours before it, to avoid them.
    """
    segment = segment or parcours_segment(session, event.id)
    writable(event, segment)
    first = segment.id == parcours_segment(session, event.id).id
    started = started_rounds(session, event, segment)
    fixed = {(p, r): s for p, r, s, _ in stored_rows(session, segment.id) if r <= started}
    offset = started if started and not fixed else 0  # nothing kept: plan what is left
    mode = mode or segment.mode or "individual"
    places = sum(max(0, s.capacity) for s in event.stations)
    people, left_out = who_fits(present_people(session, event.id), {p for p, _r in fixed}, places)
    inst = build_instance(event, segment, people, mode, fixed, offset)
    if priority is None:  # keep the organiser's last choice
        last = latest_run(session, segment.id)
        priority = str((last.metrics if last else {}).get("priority") or "preferences")
    inst = replace(inst, priority=priority)
    if not first:
        inst = _feasible_history(replace(inst, **_history(session, event, segment)))
    ids = tuple(p.id for p in left_out)
    return Prepared(inst, event.id, segment.id, started, offset, ids)


def _run(prep: Prepared, seed: int, time_limit: float, progress: Progress | None) -> Any:
    """Run the planner; an infeasible instance is a 422 with one line per problem."""
    try:
        return planner.plan(prep.inst, seed=seed, time_limit=time_limit, progress=progress)
    except planner.PlanInfeasible as err:
        raise Unprocessable(
            "The plan cannot keep the hard rules: " + "; ".join(err.problems),
            {"plan": err.problems},
        ) from None


def _plan_and_store(
    session: Session,
    event: Event,
    actor: Actor | None,
    options: tuple[Any, ...],
    progress: Progress | None,
    action: str,
) -> dict[str, Any]:
    """Read the event, plan outside any transaction, then store the open rounds and announce."""
    seed, time_limit, mode, priority = options[:4]
    segment_id = options[4] if len(options) > 4 else None
    prep = _prepare(
        session, event, mode, priority, session.get(Segment, segment_id) if segment_id else None
    )
    session.commit()  # no transaction stays open while the planner runs for seconds
    result = _run(prep, seed, time_limit, progress)
    event = get_event(session, prep.event_id)
    session.refresh(event)
    segment = session.get(Segment, prep.segment_id) or parcours_segment(session, event.id)
    writable(event, segment)  # it may have been locked while the planner ran
    segment.mode = prep.inst.mode
    _store(session, segment, result, prep.started, prep.offset)
    metrics = dict(result.metrics)
    if prep.offset:  # the planner saw only the rounds left; measure the whole parcours
        metrics = dict(
            evaluate_rows(session, event, segment, prep.started),
            seed=seed,
            seconds=result.metrics.get("seconds", 0.0),
        )
    metrics.update(kept_rounds=prep.started, manual_moves=0, priority=prep.inst.priority)
    # who could not be placed because the stations are full (listed on the plan page too)
    metrics.update(not_placed=len(prep.left_out), not_placed_ids=list(prep.left_out))
    run = PlanRun(
        event_id=event.id, segment_id=segment.id, mode=segment.mode, seed=seed, metrics=metrics
    )
    session.add(run)
    audit(
        session,
        event.id,
        actor.label if actor else "system",
        action,
        mode=segment.mode,
        seed=seed,
        kept_rounds=prep.started,
        participants=len(prep.inst.participants),
        not_placed=len(prep.left_out),
    )
    session.commit()
    announce(event.id, segment.id, action, prep.started)
    return plan_json(session, segment, run)


def _store(
    session: Session, segment: Segment, result: planner.PlanResult, started: int, offset: int
) -> None:
    """Replace the segment's placements of the open rounds with the planner's."""
    session.execute(
        delete(Assignment).where(Assignment.segment_id == segment.id, Assignment.round > started)
    )
    groups = result.groups or {}
    for pid, rnd, sid in result.assignments:
        rnd += offset
        if rnd <= started:
            continue
        session.add(
            Assignment(
                event_id=segment.event_id,
                segment_id=segment.id,
                participant_id=pid,
                round=rnd,
                station_id=sid,
                group_no=groups.get(pid),
            )
        )
