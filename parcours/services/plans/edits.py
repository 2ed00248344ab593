"""Changes by hand to a stored plan: move one participant, lock and unlock the plan."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.domain.errors import Conflict, Invalid
from parcours.services.common import audit, require_live
from parcours.services.plans.data import (
    announce,
    evaluate_rows,
    event_for,
    is_locked,
    latest_run,
    parcours_segment,
    plan_json,
    started_rounds,
    writable,
)
from parcours.services.unit import unit_of_work
from parcours.storage import Assignment, Participant, Segment, Station


@unit_of_work
def move_participant(
    session: Session,
    actor: Actor | None,
    event_id: int,
    participant_id: int,
    rnd: int,
    station_id: int,
    segment_id: int | None = None,
) -> dict[str, Any]:
    """Put one participant at one station in one round of a parcours (None: the first) by
    hand; recompute the metrics."""
    event = event_for(session, actor, event_id, "organiser")
    segment = parcours_segment(session, event.id, segment_id)
    writable(event, segment)
    run = latest_run(session, segment.id)
    if run is None:
        raise Conflict("Compute a plan first.", {"plan": ["not computed yet"]})
    person, station = _target(session, event.id, participant_id, station_id)
    if not 1 <= rnd <= segment.rounds:
        message = f"must be between 1 and {segment.rounds}"
        raise Invalid(f"round: {message}", {"round": [message]})
    _place(session, segment, person.id, rnd, station.id)
    started = started_rounds(session, event, segment)
    metrics = evaluate_rows(session, event, segment, started)
    metrics.update(
        seed=run.seed,
        seconds=run.metrics.get("seconds", 0.0),
        kept_rounds=started,
        manual_moves=int(run.metrics.get("manual_moves", 0)) + 1,
    )
    run.metrics = metrics
    audit(
        session,
        event.id,
        actor.label if actor else "system",
        "plan.move",
        participant_id=person.id,
        round=rnd,
        station_id=station.id,
        segment_id=segment.id,
    )
    session.commit()
    announce(event.id, segment.id, "plan.move", started)
    return plan_json(session, segment, run)


def _target(
    session: Session, event_id: int, participant_id: int, station_id: int
) -> tuple[Participant, Station]:
    """Return the participant and the station of a move, both of this event."""
    person, station = session.get(Participant, participant_id), session.get(Station, station_id)
    if person is None or person.event_id != event_id:
        raise Invalid("participant_id: no such participant", {"participant_id": ["not found"]})
    if station is None or station.event_id != event_id:
        raise Invalid("station_id: no such station", {"station_id": ["not found"]})
    return person, station


def _place(session: Session, segment: Segment, pid: int, rnd: int, sid: int) -> None:
    """Write one placement; in groups mode the person joins the group already there."""
    row = session.scalar(
        select(Assignment).where(
            Assignment.segment_id == segment.id,
            Assignment.participant_id == pid,
            Assignment.round == rnd,
        )
    )
    there = session.scalars(
        select(Assignment.group_no).where(
            Assignment.segment_id == segment.id,
            Assignment.round == rnd,
            Assignment.station_id == sid,
            Assignment.participant_id != pid,
        )
    ).all()
    common = Counter(g for g in there if g is not None).most_common(1)
    group = common[0][0] if common else None
    if row is None:
        row = Assignment(
            event_id=segment.event_id,
            segment_id=segment.id,
            participant_id=pid,
            round=rnd,
            station_id=sid,
        )
        session.add(row)
    row.station_id, row.group_no = sid, group


@unit_of_work
def set_locked(
    session: Session,
    actor: Actor | None,
    event_id: int,
    locked: bool,
    segment_id: int | None = None,
) -> bool:
    """Lock or unlock the plan: the whole plan (``segment_id`` None) or one parcours' plan.

    A locked plan refuses recomputation and moves. Unlocking the whole plan also unlocks every
    parcours; a parcours stays locked while the whole plan is.
    """
    event = event_for(session, actor, event_id, "organiser")
    require_live(event)
    segment = None if segment_id is None else parcours_segment(session, event.id, segment_id)
    if segment is not None:
        segment.plan_locked = locked
    else:
        event.plan_locked = locked
        if not locked:
            for seg in event.segments:
                seg.plan_locked = False
    audit(
        session,
        event.id,
        actor.label if actor else "system",
        "plan.lock" if locked else "plan.unlock",
        **({"segment_id": segment.id} if segment else {}),
    )
    session.commit()
    return is_locked(event, segment)


def lock_plan(
    session: Session, actor: Actor | None, event_id: int, segment_id: int | None = None
) -> bool:
    """Lock the plan (or one parcours' plan)."""
    return set_locked(session, actor, event_id, True, segment_id)


def unlock_plan(
    session: Session, actor: Actor | None, event_id: int, segment_id: int | None = None
) -> bool:
    """Unlock the plan (or one parcours' plan)."""
    return set_locked(session, actor, event_id, False, segment_id)
