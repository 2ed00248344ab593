"""Self-registration: its cap (max_participants, by default the parcours' places per round) and
the organiser's switch to close and reopen it.

The cap counts every participant of the event, however they came in (file, CSV, form, phone):
the parcours has that many places per round. Organisers may still add people above it by hand;
the plan then routes as many as fit and lists the others (parcours.services.plans).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.domain.errors import Conflict, Invalid
from parcours.services.common import commit_audited, require_event, require_live
from parcours.storage import Event, Participant, Segment, Station


def parcours_places(session: Session, event_id: int) -> int | None:
    """Return the places per round of the event's parcours (sum of capacities); None without."""
    has_parcours = session.scalar(
        select(func.count())
        .select_from(Segment)
        .where(Segment.event_id == event_id, Segment.kind == "parcours", Segment.rounds > 0)
    )
    if not has_parcours:
        return None
    total = session.scalar(
        select(func.coalesce(func.sum(Station.capacity), 0)).where(Station.event_id == event_id)
    )
    return int(total or 0)


def registered(session: Session, event_id: int) -> int:
    """Return how many participants the event has."""
    return int(
        session.scalar(
            select(func.count()).select_from(Participant).where(Participant.event_id == event_id)
        )
        or 0
    )


def cap(session: Session, event: Event) -> int | None:
    """Return the registration cap in force: the organiser's, else the parcours' places."""
    if event.max_participants is not None:
        return int(event.max_participants)
    return parcours_places(session, event.id)


def state(session: Session, event: Event) -> dict[str, Any]:
    """Return the registration's state: open, its cap and where it comes from, and the count."""
    limit = cap(session, event)
    count = registered(session, event.id)
    return {
        "open": bool(event.registration_open) and event.shredded_at is None,
        "max_participants": event.max_participants,
        "places": parcours_places(session, event.id),
        "cap": limit,
        "registered": count,
        "remaining": None if limit is None else max(0, limit - count),
    }


def check_room(session: Session, event: Event) -> None:
    """Refuse a self-registration while registration is closed or the event is full (409)."""
    require_live(event)
    if not event.registration_open:
        raise Conflict(
            "Self-registration for this event is closed; please ask the organisers at the desk.",
            {"registration": ["closed"]},
        )
    limit = cap(session, event)
    if limit is not None and registered(session, event.id) >= limit:
        raise Conflict(
            f"This event is full: all {limit} places are taken. Please ask the organisers at "
            "the desk.",
            {"registration": [f"full: {limit} places"]},
        )


def update(session: Session, actor: Actor, event_id: int, data: dict[str, Any]) -> Event:
    """Close or reopen self-registration and/or set its cap (None: the parcours' places)."""
    event = require_event(session, actor, event_id, "organiser")
    require_live(event)
    if "open" in data:
        event.registration_open = bool(data["open"])
    if "max_participants" in data:
        value = data["max_participants"]
        if value is not None and not 1 <= int(value) <= 100_000:
            raise Invalid(
                "max_participants: must be between 1 and 100000",
                {"max_participants": ["must be between 1 and 100000"]},
            )
        event.max_participants = value
    commit_audited(session, actor, event.id, "registration.update", **data)
    return event
