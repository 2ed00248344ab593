"""The rotation plan of an event: compute, read, move by hand, lock, re-plan the open rounds.

Placements of rounds that have started (the clock says which) are never changed by the
planner: they are handed to it as ``fixed``. Every stored change is announced to the event's
room as ``plan`` so that phones and tablets fetch their route again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from parcours import planner
from parcours.domain.actors import Actor
from parcours.domain.errors import Conflict, NotFound, Unprocessable
from parcours.services.common import audit, get_event, require_live
from parcours.services.plan_changes import describe_changes, fill_open_rounds
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
from parcours.storage import Assignment, Event, Participant, PlanRun, Segment

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
) -> dict[str, Any]:
    """Compute and store the plan; rounds that have started keep their placements."""
    event = event_for(session, actor, event_id, "organiser")
    return _plan_and_store(
        session, event, actor, (seed, time_limit, mode), progress, "plan.compute"
    )


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
    segment = parcours_segment(session, event.id)
    started = started_rounds(session, event, segment)
    if started >= segment.rounds:
        raise Conflict(
            "Every round of the parcours has started; there is nothing left to re-plan.",
            {"plan": ["no open rounds"]},
        )
    before = stored_rows(session, segment.id)
    if event.plan_locked:
        if latest_run(session, segment.id) is None:
            raise Conflict("Compute a plan first.", {"plan": ["not computed yet"]})
        result = fill_open_rounds(session, actor, event, segment, started)
    else:
        options = (seed, time_limit, None)
        result = _plan_and_store(session, event, actor, options, progress, "plan.replan")
    segment = session.get(Segment, segment.id) or segment
    result["changes"] = describe_changes(session, event.id, segment, before, started)
    result["changes"]["locked"] = bool(event.plan_locked)
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


def _prepare(session: Session, event: Event, mode: str | None) -> Prepared:
    """Build the instance: who is present (as many as fit), placements of started rounds fixed."""
    writable(event)
    segment = parcours_segment(session, event.id)
    started = started_rounds(session, event, segment)
    fixed = {(p, r): s for p, r, s, _ in stored_rows(session, segment.id) if r <= started}
    offset = started if started and not fixed else 0  # nothing kept: plan what is left
    mode = mode or segment.mode or "individual"
    places = sum(max(0, s.capacity) for s in event.stations)
    people, left_out = who_fits(present_people(session, event.id), {p for p, _r in fixed}, places)
    inst = build_instance(event, segment, people, mode, fixed, offset)
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
    options: tuple[int, float, str | None],
    progress: Progress | None,
    action: str,
) -> dict[str, Any]:
    """Read the event, plan outside any transaction, then store the open rounds and announce."""
    seed, time_limit, mode = options
    prep = _prepare(session, event, mode)
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
    metrics.update(kept_rounds=prep.started, manual_moves=0)
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
