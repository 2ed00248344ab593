"""Who is here: the console's attendance list, bulk present/absent, and late arrivals.

Marking someone absent takes them out of the rounds not yet started (nobody else moves);
marking someone present again, or a person who registered after the plan was made, gets a
route in the open rounds at once (the latecomer rule). Both work on a locked plan.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.domain.errors import Invalid
from parcours.domain.vocabulary import STAFF
from parcours.services.common import audit, require_event, require_live
from parcours.services.event_day.clock import load_snapshot
from parcours.services.plans.changes import drop_open_rows, remeasure
from parcours.services.plans.data import (
    all_parcours,
    announce,
    is_locked,
    started_rounds,
    stored_rows,
)
from parcours.services.plans.latecomers import place_latecomer
from parcours.storage import AuditEntry, Event, Participant, PlanRun, Segment

ARRIVED = "attendance.arrived"


def _first_plan(session: Session, event_id: int) -> datetime | None:
    return session.scalar(
        select(PlanRun.created_at).where(PlanRun.event_id == event_id).order_by(PlanRun.id).limit(1)
    )


def _arrived(session: Session, event_id: int) -> set[int]:
    """Return who was marked as arrived late on the console."""
    rows = session.scalars(
        select(AuditEntry.detail).where(
            AuditEntry.event_id == event_id, AuditEntry.action == ARRIVED
        )
    )
    return {int(i) for detail in rows for i in (detail or {}).get("participant_ids", [])}


def _open_parcours(session: Session, event: Event) -> Segment | None:
    """Return the first parcours with a round not yet started (else the last, else None)."""
    segments = all_parcours(event)
    for segment in segments:
        if started_rounds(session, event, segment) < segment.rounds:
            return segment
    return segments[-1] if segments else None


def console_parcours(session: Session, event: Event) -> list[dict[str, Any]]:
    """Return every parcours as the console needs it: agenda index, title, rounds, lock, open.

    ``index`` is the item's place in the run of show (the clock's ``segment.index``);
    ``open`` marks the parcours that is running or next, the one re-planning changes.
    """
    agenda = sorted(event.segments, key=lambda s: s.position)
    index = {s.id: i for i, s in enumerate(agenda)}
    current = _open_parcours(session, event)
    return [
        {
            "segment_id": s.id,
            "index": index[s.id],
            "title": s.title,
            "rounds": s.rounds,
            "started": started_rounds(session, event, s),
            "locked": is_locked(event, s),
            "open": current is not None and s.id == current.id,
        }
        for s in all_parcours(event)
    ]


def attendance(session: Session, actor: Actor, event_id: int) -> dict[str, Any]:
    """Return everyone of the event with present/absent, late, and their open-round places.

    ``open_rounds`` and each person's ``open_places`` count the rounds not yet started of
    every parcours of the day (someone with fewer places than open rounds misses a station
    somewhere); ``kept_rounds`` and ``locked`` are those of the parcours running or next,
    named by ``segment_id``; ``segments`` gives the figures of each parcours.
    """
    event = require_event(session, actor, event_id, *STAFF)
    segment = _open_parcours(session, event)
    placed: dict[int, int] = defaultdict(int)
    parts = []
    for one in all_parcours(event):
        started = started_rounds(session, event, one)
        for pid, rnd, _sid, _group in stored_rows(session, one.id):
            if rnd > started:
                placed[pid] += 1
        parts.append(
            {
                "segment_id": one.id,
                "title": one.title,
                "kept_rounds": started,
                "open_rounds": one.rounds - started,
                "locked": is_locked(event, one),
            }
        )
    current = next((p for p in parts if segment and p["segment_id"] == segment.id), None)
    planned_at = _first_plan(session, event.id)
    arrived = _arrived(session, event.id)
    people = [
        {
            "id": p.id,
            "name": p.name,
            "organisation": p.organisation,
            "kind": p.kind,
            "present": bool(p.present),
            "late": p.id in arrived
            or (planned_at is not None and p.created_at is not None and p.created_at > planned_at),
            "open_places": placed[p.id],
        }
        for p in sorted(event.participants, key=lambda p: (p.name.casefold(), p.id))
    ]
    return {
        "event_id": event.id,
        "closed": event.shredded_at is not None,
        "segment_id": segment.id if segment else None,
        "locked": is_locked(event, segment),
        "kept_rounds": current["kept_rounds"] if current else 0,
        "open_rounds": sum(p["open_rounds"] for p in parts),
        "segments": parts,
        "present": sum(1 for p in people if p["present"]),
        "participants": people,
    }


def set_attendance(
    session: Session, actor: Actor, event_id: int, ids: list[int], present: bool
) -> dict[str, Any]:
    """Mark people present or absent; the absent leave the open rounds, arrivals get a route."""
    event = require_event(session, actor, event_id, *STAFF)
    require_live(event)
    wanted = sorted(set(ids))
    people = list(
        session.scalars(
            select(Participant).where(Participant.event_id == event.id, Participant.id.in_(wanted))
        )
    )
    unknown = sorted(set(wanted) - {p.id for p in people})
    if unknown:
        raise Invalid(
            "participant_ids: no such participant",
            {"participant_ids": [f"no participant with id {i}" for i in unknown]},
        )
    changed = [p.id for p in people if bool(p.present) != present]
    for person in people:
        person.present = present
    segments = all_parcours(event)
    started = {s.id: started_rounds(session, event, s) for s in segments}
    dropped = {
        s.id: drop_open_rows(session, s, changed, started[s.id]) if not present else 0
        for s in segments
    }
    label = actor.label
    audit(session, event.id, label, "attendance.set", present=present, participant_ids=changed)
    if present and changed and load_snapshot(session, event).fields.phase != "not_started":
        audit(session, event.id, label, ARRIVED, participant_ids=changed)
    for segment in segments:  # the absent left the open rounds of every parcours; told before
        if dropped[segment.id]:  # the commit, so it goes out even if a later step fails
            announce(event.id, segment.id, "attendance.absent", started[segment.id])
    session.commit()
    if segments and present:
        for pid in changed:
            place_latecomer(session, event.id, pid)  # every parcours; announces to whom it concerns
    for segment in segments:
        if dropped[segment.id]:
            remeasure(session, event, segment, started[segment.id])
    return {"changed": changed, **attendance(session, actor, event.id)}
