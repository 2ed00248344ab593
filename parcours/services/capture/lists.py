"""What capture shows back: a station's follow-ups, one's own records, people search."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.domain.errors import Forbidden, NotFound
from parcours.services.common import require_event
from parcours.storage import CheckIn, FollowUp, Note, Participant, Station, WallCard


def station_follow_ups(
    session: Session, actor: Actor, event_id: int, station_id: int
) -> list[tuple[FollowUp, Participant]]:
    """Return a station's follow-up requests for its host or the organiser, oldest first."""
    event = require_event(session, actor, event_id, "organiser", "host")
    if actor.role == "host" and actor.station_id != station_id:
        raise Forbidden("A station host sees only the follow-ups of their own station.")
    station = session.get(Station, station_id)
    if station is None or station.event_id != event.id:
        raise NotFound("No such station.")
    rows = session.execute(
        select(FollowUp, Participant)
        .join(Participant, Participant.id == FollowUp.participant_id)
        .where(FollowUp.station_id == station_id)
        .order_by(FollowUp.created_at, FollowUp.id)
    )
    return [(f, p) for f, p in rows]


def sharing_with(session: Session, station_id: int, participant_id: int | None = None) -> set[int]:
    """Return who shared their contact with a station (consent per person and station)."""
    stmt = select(FollowUp.participant_id).where(
        FollowUp.station_id == station_id, FollowUp.share_contact.is_(True)
    )
    if participant_id is not None:
        stmt = stmt.where(FollowUp.participant_id == participant_id)
    return set(session.scalars(stmt.distinct()))


def contact_of(person: Participant, shared: bool) -> dict[str, Any]:
    """Return who asked: details only where the participant agreed, else a pseudonym."""
    out: dict[str, Any] = {"pseudonym": person.pseudonym}
    for key in ("name", "organisation", "email", "phone"):
        out[key] = getattr(person, key) if shared else None
    return out


def find_people(
    session: Session, actor: Actor, event_id: int, query: str, limit: int = 20
) -> list[Participant]:
    """Return participants whose name or organisation contains the query (hosts, staff)."""
    event = require_event(session, actor, event_id, "host", "organiser", "facilitator")
    stmt = select(Participant).where(Participant.event_id == event.id)
    words = [w for w in query.split() if w][:4]
    for word in words:
        like = f"%{word.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(Participant.name.ilike(like) | Participant.organisation.ilike(like))
    return list(session.scalars(stmt.order_by(Participant.name).limit(limit)))


def own_records(session: Session, participant_id: int) -> dict[str, list[Any]]:
    """Return a participant's own notes, follow-ups, check-ins and wall cards, newest first."""
    from parcours.schemas.capture import CheckInOut, FollowUpOut, NoteOut, WallCardOut

    def rows(model: Any, column: Any) -> list[Any]:
        stmt = select(model).where(column == participant_id).order_by(model.id.desc())
        return list(session.scalars(stmt))

    check_ins = rows(CheckIn, CheckIn.participant_id)
    wanted = select(Station.id, Station.name).where(
        Station.id.in_({c.station_id for c in check_ins})
    )
    names = {sid: name for sid, name in session.execute(wanted).all()}
    return {
        "notes": NoteOut(many=True).dump(rows(Note, Note.participant_id)),
        "follow_ups": FollowUpOut(many=True).dump(rows(FollowUp, FollowUp.participant_id)),
        "check_ins": [
            {**CheckInOut().dump(c), "station_name": names.get(c.station_id, "")} for c in check_ins
        ],
        "wall_cards": WallCardOut(many=True).dump(rows(WallCard, WallCard.participant_id)),
    }
