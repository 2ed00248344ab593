"""The rotation plan of an event: compute, read, move by hand, lock, re-plan the open rounds.

Placements of rounds that have started (the clock says which) are never changed by the
planner: they are handed to it as ``fixed``. Every stored change is announced to the event's
room as ``plan`` so that phones and tablets fetch their route again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from parcours import planner
from parcours.domain.actors import Actor
from parcours.domain.errors import Conflict, NotFound, Unprocessable
from parcours.services.common import audit, get_event
from parcours.services.plan_data import (
    announce,
    build_instance,
    evaluate_rows,
    event_for,
    latest_run,
    parcours_segment,
    plan_json,
    present_people,
    started_rounds,
    stored_rows,
    writable,
)
from parcours.services.plan_edits import lock_plan, move_participant, set_locked, unlock_plan
from parcours.storage import Assignment, Event, PlanRun, Segment

Progress = Callable[[float, dict[str, Any]], None]
REPLANNERS = ("organiser", "facilitator")
__all__ = [
    "compute_plan",
    "get_plan",
    "lock_plan",
    "move_participant",
    "replan_open_rounds",
    "set_locked",
    "unlock_plan",
]


def get_plan(session: Session, actor: Actor | None, event_id: int) -> dict[str, Any]:
    """Return the stored plan (404 while there is none)."""
    event = event_for(session, actor, event_id, "organiser")
    segment = parcours_segment(session, event.id)
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
) -> dict[str, Any]:
    """Compute and store the plan; rounds that have started keep their placements.

    ``priority`` is "preferences" (wishes before fewer repeats, the default) or
    "encounters"; None keeps the one of the last plan.
    """
    event = event_for(session, actor, event_id, "organiser")
    return _plan_and_store(
        session, event, actor, (seed, time_limit, mode, priority), progress, "plan.compute"
    )


def replan_open_rounds(
    session: Session,
    actor: Actor | None,
    event_id: int,
    seed: int = 0,
    time_limit: float = 5.0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Re-plan the rounds not yet started for who is present now (no-shows out, latecomers in)."""
    event = event_for(session, actor, event_id, *REPLANNERS)
    segment = parcours_segment(session, event.id)
    if started_rounds(session, event, segment) >= segment.rounds:
        raise Conflict(
            "Every round of the parcours has started; there is nothing left to re-plan.",
            {"plan": ["no open rounds"]},
        )
    return _plan_and_store(
        session, event, actor, (seed, time_limit, None, None), progress, "plan.replan"
    )


@dataclass(frozen=True)
class Prepared:
    """What the planner gets, and what storing its answer needs to know."""

    inst: planner.Instance
    event_id: int
    segment_id: int
    started: int
    offset: int


def _prepare(
    session: Session, event: Event, mode: str | None, priority: str | None = None
) -> Prepared:
    """Build the instance: who is present, with the placements of started rounds fixed."""
    writable(event)
    segment = parcours_segment(session, event.id)
    started = started_rounds(session, event, segment)
    fixed = {(p, r): s for p, r, s, _ in stored_rows(session, segment.id) if r <= started}
    offset = started if started and not fixed else 0  # nothing kept: plan what is left
    mode = mode or segment.mode or "individual"
    if priority is None:  # keep the organiser's last choice
        last = latest_run(session, segment.id)
        priority = str((last.metrics if last else {}).get("priority") or "preferences")
    inst = build_instance(event, segment, present_people(session, event.id), mode, fixed, offset)
    inst = replace(inst, priority=priority)
    return Prepared(inst, event.id, segment.id, started, offset)


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
    options: tuple[int, float, str | None, str | None],
    progress: Progress | None,
    action: str,
) -> dict[str, Any]:
    """Read the event, plan outside any transaction, then store the open rounds and announce."""
    seed, time_limit, mode, priority = options
    prep = _prepare(session, event, mode, priority)
    session.commit()  # no transaction stays open while the planner runs for seconds
    result = _run(prep, seed, time_limit, progress)
    event = get_event(session, prep.event_id)
    session.refresh(event)
    writable(event)  # it may have been locked while the planner ran
    segment = session.get(Segment, prep.segment_id) or parcours_segment(session, event.id)
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
