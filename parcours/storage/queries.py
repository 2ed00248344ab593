"""The queries several layers share: one row by id, key or code, counts and lists to show.

No rules and no writes: services decide what a missing row means; pages and adapters reach
these through `parcours.services.lookups` (they do not import storage).
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from parcours.storage.base import Base
from parcours.storage.models import AccessToken, Clock, Event, Organiser, Participant, Station

M = TypeVar("M", bound=Base)


def one_by(session: Session, model: type[M], **keys: Any) -> M | None:
    """Return the one row of the model with these column values, if any."""
    return session.scalar(select(model).filter_by(**keys))


def by_id(session: Session, model: type[M], row_id: int | None) -> M | None:
    """Return the row of the model with this id, if any (None for no id)."""
    return session.get(model, row_id) if row_id is not None else None


def station(session: Session, station_id: int | None) -> Station | None:
    """Return the station with this id, if any."""
    return by_id(session, Station, station_id)


def participant(session: Session, participant_id: int | None) -> Participant | None:
    """Return the participant with this id, if any."""
    return by_id(session, Participant, participant_id)


def event(session: Session, event_id: int | None) -> Event | None:
    """Return the event with this id, if any."""
    return by_id(session, Event, event_id)


def organiser(session: Session, organiser_id: int | None) -> Organiser | None:
    """Return the organiser account with this id, if any."""
    return by_id(session, Organiser, organiser_id)


def clock(session: Session, event_id: int) -> Clock | None:
    """Return the event's clock row, if it has one yet."""
    return session.get(Clock, event_id)


def event_by_join_code(session: Session, code: str) -> Event | None:
    """Return the event with this (normalised) join code, if any."""
    return one_by(session, Event, join_code=code)


def event_of_token(session: Session, token: str) -> Event | None:
    """Return the event a token belongs to, revoked or not."""
    event_id = session.scalar(select(AccessToken.event_id).where(AccessToken.token == token))
    return event(session, event_id)


def station_by_code(session: Session, event_id: int, code: str) -> Station | None:
    """Return the event's station with this check-in code (any case), or None."""
    wanted = code.strip().upper()
    return session.scalar(
        select(Station).where(Station.event_id == event_id, func.upper(Station.code) == wanted)
    )


def participants_by_name(session: Session, event_id: int) -> list[Participant]:
    """Return the participants of an event, ordered by name."""
    stmt = select(Participant).where(Participant.event_id == event_id)
    return list(session.scalars(stmt.order_by(Participant.name)))


def _live_tokens(event_id: int, role: str) -> Any:
    return (
        select(AccessToken.station_id, AccessToken.token)
        .where(AccessToken.event_id == event_id, AccessToken.role == role)
        .where(AccessToken.revoked_at.is_(None))
        .order_by(AccessToken.id)
    )


def role_token(session: Session, event_id: int, role: str) -> str | None:
    """Return the (first, unrevoked) token of a staff role of the event."""
    row = session.execute(_live_tokens(event_id, role).limit(1)).first()
    return row.token if row is not None else None


def host_tokens(session: Session, event_id: int) -> dict[int, str]:
    """Return each station's (first, unrevoked) host token."""
    out: dict[int, str] = {}
    for station_id, token in session.execute(_live_tokens(event_id, "host")):
        if station_id is not None:
            out.setdefault(station_id, token)
    return out


def count_by(
    session: Session, model: Any, column: str, event_id: int, *where: Any
) -> dict[int, int]:
    """Return how many rows of the event's model each value of a column has (None left out)."""
    key = getattr(model, column)
    stmt = select(key, func.count()).where(model.event_id == event_id, *where).group_by(key)
    return {value: n for value, n in session.execute(stmt) if value is not None}


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
