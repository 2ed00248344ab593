"""Reads the pages and adapters need: one row by id or code, lists to show; no rules, no writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from parcours.storage import AccessToken, Clock, Event, Organiser, Participant, Station


def station(session: Session, station_id: int | None) -> Station | None:
    """Return the station with this id, if any."""
    return session.get(Station, station_id) if station_id is not None else None


def participant(session: Session, participant_id: int | None) -> Participant | None:
    """Return the participant with this id, if any."""
    return session.get(Participant, participant_id) if participant_id is not None else None


def event(session: Session, event_id: int | None) -> Event | None:
    """Return the event with this id, if any."""
    return session.get(Event, event_id) if event_id is not None else None


def organiser(session: Session, organiser_id: int | None) -> Organiser | None:
    """Return the organiser account with this id, if any."""
    return session.get(Organiser, organiser_id) if organiser_id is not None else None


def clock(session: Session, event_id: int) -> Clock | None:
    """Return the event's clock row, if it has one yet."""
    return session.get(Clock, event_id)


def event_by_join_code(session: Session, code: str) -> Event | None:
    """Return the event with this (normalised) join code, if any."""
    return session.scalar(select(Event).where(Event.join_code == code))


def event_of_token(session: Session, token: str) -> Event | None:
    """Return the event a token belongs to, revoked or not."""
    event_id = session.scalar(select(AccessToken.event_id).where(AccessToken.token == token))
    return event(session, event_id)


def participants_by_name(session: Session, event_id: int) -> list[Participant]:
    """Return the participants of an event, ordered by name."""
    stmt = select(Participant).where(Participant.event_id == event_id)
    return list(session.scalars(stmt.order_by(Participant.name)))


def host_tokens(session: Session, event_id: int) -> dict[int, str]:
    """Return each station's (first, unrevoked) host token."""
    rows = session.execute(
        select(AccessToken.station_id, AccessToken.token)
        .where(AccessToken.event_id == event_id, AccessToken.role == "host")
        .where(AccessToken.revoked_at.is_(None))
        .order_by(AccessToken.id)
    )
    out: dict[int, str] = {}
    for station_id, token in rows:
        if station_id is not None:
            out.setdefault(station_id, token)
    return out


def dashboard(session: Session, organiser: Organiser) -> dict[str, Any]:
    """Return the events an organiser may open, newest first, and their participant counts."""
    mine = Event.organiser_id == organiser.id
    visible = or_(mine, Event.organiser_id.is_(None)) if organiser.is_admin else mine
    events = session.scalars(
        select(Event).where(visible).order_by(Event.starts_at.desc(), Event.id.desc())
    )
    rows = session.execute(
        select(Participant.event_id, func.count()).group_by(Participant.event_id)
    )
    return {"events": list(events), "counts": {event_id: number for event_id, number in rows}}
