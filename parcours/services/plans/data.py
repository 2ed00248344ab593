"""Shared pieces of the rotation plan: the instance, stored rows, metrics, checks, the signal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from parcours import planner
from parcours.domain import rooms
from parcours.domain.actors import Actor
from parcours.domain.errors import Conflict, Invalid, Unprocessable
from parcours.services.broadcasts import Broadcast, publish
from parcours.services.common import audit, get_event, require_event, require_live
from parcours.services.event_day.clock import load_snapshot
from parcours.storage import Assignment, Event, Participant, PlanRun, Segment

Row = tuple[int, int, int, int | None]


def stored_rows(session: Session, segment_id: int) -> list[Row]:
    """Return (participant_id, round, station_id, group_no) of a parcours, by round."""
    query = (
        select(
            Assignment.participant_id,
            Assignment.round,
            Assignment.station_id,
            Assignment.group_no,
        )
        .where(Assignment.segment_id == segment_id)
        .order_by(Assignment.round, Assignment.participant_id)
    )
    return [(p, r, s, g) for p, r, s, g in session.execute(query).all()]


def present_people(session: Session, event_id: int) -> list[Participant]:
    """Return the participants who are here (no-shows are marked not present)."""
    query = (
        select(Participant)
        .where(Participant.event_id == event_id, Participant.present.is_(True))
        .order_by(Participant.id)
    )
    return list(session.scalars(query))


def _ids(values: Iterable[Any] | None) -> frozenset[int]:
    return frozenset(int(v) for v in values or () if str(v).isascii() and str(v).isdigit())


def first_round(event: Event, segment: Segment) -> int:
    """Return how many parcours rounds come before ``segment`` in the agenda.

    A participant's absent rounds count on across parcours segments: with two
    parcours of 4 rounds, round 5 is the first round of the second.
    """
    return sum(
        s.rounds
        for s in event.segments
        if s.kind == "parcours" and s.rounds > 0 and s.position < segment.position
    )


def build_instance(
    event: Event,
    segment: Segment,
    people: Iterable[Participant],
    mode: str,
    fixed: Mapping[tuple[int, int], int],
    offset: int = 0,
) -> planner.Instance:
    """Return the planner's view of the parcours: stations, people, rounds after ``offset``."""
    stations = tuple(
        planner.PlanStation(
            id=s.id,
            capacity=s.capacity,
            kind=s.kind,
            organisations=frozenset({s.name, s.organisation or ""} - {""}),
        )
        for s in event.stations
    )
    first = first_round(event, segment)
    participants = tuple(
        planner.PlanParticipant(
            id=p.id,
            kind=p.kind,
            interests=_ids(p.interests),
            must_visit=_ids(p.must_visit),
            organisation=p.organisation or "",
            avoid=_ids(p.avoid),
            stay=bool(p.stay_put),
            absent=frozenset(
                r - first - offset
                for r in _ids(p.absent_rounds)
                if 1 <= r - first - offset <= segment.rounds - offset
            ),
        )
        for p in people
    )
    return planner.Instance(
        participants=participants,
        stations=stations,
        rounds=segment.rounds - offset,
        mode=mode,
        fixed=dict(fixed),
    )


def evaluate_rows(session: Session, event: Event, segment: Segment, started: int) -> dict[str, Any]:
    """Return the planner's metrics of the stored rows (placements of started rounds fixed)."""
    rows = stored_rows(session, segment.id)
    offset = max(0, min((r for _, r, _, _ in rows), default=1) - 1)
    offset = min(offset, started)
    planned = {p for p, r, _, _ in rows if r > started}
    people = session.scalars(
        select(Participant)
        .where(Participant.event_id == event.id)
        .where(or_(Participant.present.is_(True), Participant.id.in_(planned)))
        .order_by(Participant.id)
    )
    fixed = {(p, r - offset): s for p, r, s, _ in rows if r <= started}
    inst = build_instance(event, segment, people, segment.mode, fixed, offset)
    return planner.evaluate(inst, [(p, r - offset, s) for p, r, s, _ in rows if r > offset])


def parcours_segment(session: Session, event_id: int, segment_id: int | None = None) -> Segment:
    """Return the parcours ``segment_id`` (None: the event's first parcours with rounds).

    No parcours at all is a 422; a ``segment_id`` that is not a parcours with rounds of this
    event is a 400 naming the field.
    """
    if segment_id is not None:
        segment = session.get(Segment, segment_id)
        if segment is None or segment.event_id != event_id or not _is_parcours(segment):
            raise Invalid(
                "segment_id: no parcours with rounds of this event",
                {"segment_id": ["no parcours with rounds of this event"]},
            )
        return segment
    segment = session.scalar(
        select(Segment)
        .where(Segment.event_id == event_id, Segment.kind == "parcours", Segment.rounds > 0)
        .order_by(Segment.position)
        .limit(1)
    )
    if segment is None:
        raise Unprocessable(
            "The agenda has no parcours with rounds; add one before planning.",
            {"plan": ["the agenda has no parcours with rounds"]},
        )
    return segment


def _is_parcours(segment: Segment) -> bool:
    return segment.kind == "parcours" and segment.rounds > 0


def all_parcours(event: Event) -> list[Segment]:
    """Return the event's parcours segments with rounds, in agenda order."""
    return sorted((s for s in event.segments if _is_parcours(s)), key=lambda s: s.position)


def is_locked(event: Event, segment: Segment | None) -> bool:
    """Return whether the plan of ``segment`` is locked (the whole plan, or this parcours)."""
    return bool(event.plan_locked or (segment is not None and segment.plan_locked))


def started_rounds(session: Session, event: Event, segment: Segment) -> int:
    """Return how many rounds of the parcours have started (the current one included)."""
    snap = load_snapshot(session, event)
    fields = snap.fields
    if fields.phase == "not_started":
        return 0
    if fields.phase == "finished":
        return segment.rounds
    index = next((i for i, s in enumerate(snap.segments) if s.id == segment.id), 0)
    if fields.segment_index != index:
        return segment.rounds if fields.segment_index > index else 0
    return max(0, min(fields.round, segment.rounds))


def latest_run(session: Session, segment_id: int) -> PlanRun | None:
    """Return the newest stored plan run of a parcours segment."""
    return session.scalar(
        select(PlanRun).where(PlanRun.segment_id == segment_id).order_by(PlanRun.id.desc()).limit(1)
    )


def plan_json(session: Session, segment: Segment, run: PlanRun) -> dict[str, Any]:
    """Return the stored plan in the CLI's shape: metrics, assignments (and groups)."""
    rows = stored_rows(session, segment.id)
    data: dict[str, Any] = {
        "metrics": dict(run.metrics),
        "assignments": [{"participant_id": p, "round": r, "station_id": s} for p, r, s, _ in rows],
    }
    if run.mode == "groups":
        groups = {p: g for p, _, _, g in rows if g is not None}
        data["groups"] = [{"participant_id": p, "group": g} for p, g in sorted(groups.items())]
    return data


def event_for(session: Session, actor: Actor | None, event_id: int, *roles: str) -> Event:
    """Return the event for the actor (None: the server or the command line)."""
    if actor is None:
        return get_event(session, event_id)
    event = require_event(session, actor, event_id, *roles)
    if event.organiser_id is None and actor.organiser_id is not None:
        event.organiser_id = actor.organiser_id
        audit(session, event.id, actor.label, "event.claim")
    return event


def writable(event: Event, segment: Segment | None = None) -> None:
    """Refuse changes to a locked plan (the whole plan, or ``segment``) or a shredded event."""
    require_live(event)
    if is_locked(event, segment):
        raise Conflict(
            "The plan is locked; unlock it before changing it.", {"plan": ["the plan is locked"]}
        )


def announce(event_id: int, segment_id: int, reason: str, kept: int) -> None:
    """Tell every client of the event that the plan changed (they fetch /me again)."""
    data = {"event_id": event_id, "segment_id": segment_id, "reason": reason, "kept_rounds": kept}
    publish(Broadcast(rooms.event_room(event_id), "plan", data))
