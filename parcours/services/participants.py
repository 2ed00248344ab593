"""Participants: self-registration and what the organiser sees of them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from parcours.domain.errors import Invalid, NotFound
from parcours.services.common import audit, issue_token
from parcours.services.plan_latecomers import place_after_registration
from parcours.services.registration import check_room
from parcours.storage import AccessToken, Event, Participant, Station, utcnow


def join(session: Session, join_code: str, data: dict[str, Any]) -> tuple[Participant, str]:
    """Register a participant by the event's join code; consent was checked by the schema."""
    event = session.scalar(  # locked (PostgreSQL): joins of one event count one at a time
        select(Event).where(Event.join_code == join_code.upper()).with_for_update()
    )
    if event is None:
        raise NotFound("No event with this join code.")
    check_room(session, event)  # open, not shredded, not full (409)
    station_ids = set(session.scalars(select(Station.id).where(Station.event_id == event.id)))
    unknown = [i for i in data["interests"] if i not in station_ids]
    if unknown:
        raise Invalid(
            "interests: unknown station",
            {"interests": [f"no station with id {i}" for i in unknown]},
        )
    participant = Participant(
        event_id=event.id,
        name=data["name"].strip(),
        organisation=data["organisation"].strip(),
        kind=data["kind"],
        email=data["email"],
        phone=data["phone"],
        language=data["language"],
        interests=sorted(set(data["interests"])),
        source="self",
        consent_at=utcnow(),
    )
    session.add(participant)
    session.flush()
    token: AccessToken = issue_token(
        session, event.id, "participant", participant_id=participant.id
    )
    audit(session, event.id, f"participant:{participant.id}", "participant.join")
    session.commit()
    place_after_registration(session, event.id, participant.id)  # a route if a plan exists
    return participant, token.token


def list_participants(session: Session, event_id: int) -> list[Participant]:
    """Return the event's participants in order."""
    return list(
        session.scalars(
            select(Participant).where(Participant.event_id == event_id).order_by(Participant.id)
        )
    )


def token_of(session: Session, participant_id: int) -> str | None:
    """Return a participant's personal token."""
    return session.scalar(
        select(AccessToken.token).where(
            AccessToken.participant_id == participant_id, AccessToken.revoked_at.is_(None)
        )
    )
