"""Delete an event's personal data (CONTRACT §6), keeping the counts the report needs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from parcours.domain import rooms
from parcours.domain.actors import Actor
from parcours.services.after.report import compute_stats
from parcours.services.broadcasts import Broadcast, EndSockets, publish
from parcours.services.common import audit, get_event, require_event
from parcours.services.privacy.scrub import REPLACEMENT, personal_values, scrub_event
from parcours.services.unit import unit_of_work
from parcours.storage import capture
from parcours.storage.base import Base, utcnow
from parcours.storage.capture import Announcement, FollowUp, Lead, Note, WallCard
from parcours.storage.db import purge_deleted
from parcours.storage.models import AccessToken, Event, Participant, Station

log = logging.getLogger(__name__)
SYSTEM = "system:retention"
TYPED_TOPIC = REPLACEMENT  # what a typed follow-up topic becomes; catalogue topics stay


@dataclass
class ShredResult:
    """What a shred did: when, whether it had run before, and how many rows it touched."""

    event_id: int
    shredded_at: datetime
    already: bool = False
    deleted: dict[str, int] = field(default_factory=dict)


def shred(session: Session, actor: Actor, event_id: int) -> ShredResult:
    """Let the event's organiser delete its personal data."""
    require_event(session, actor, event_id, "organiser")
    return shred_event(session, event_id, by=actor.label)


@unit_of_work
def shred_event(
    session: Session, event_id: int, *, by: str, now: datetime | None = None
) -> ShredResult:
    """Store the counts, delete names, contacts, notes, messages and wall cards; commit."""
    event = get_event(session, event_id)
    if event.shredded_at is not None:
        return ShredResult(event.id, event.shredded_at, already=True)
    now = now or utcnow()
    # Claim the event by compare-and-set before anything else: with several server processes
    # (each runs the retention task) or an organiser pressing the button at the same moment,
    # exactly one shred runs; the other waits on the row, finds it taken and reports "already".
    # The claim is rolled back with everything else if the shred fails.
    claim = session.execute(
        update(Event)
        .where(Event.id == event_id, Event.shredded_at.is_(None))
        .values(shredded_at=now)
        .execution_options(synchronize_session=False)
    )
    if _count(claim) != 1:
        session.rollback()
        done = session.scalar(select(Event.shredded_at).where(Event.id == event_id))
        return ShredResult(event_id, done or now, already=True)
    deleted_topics = _scrub_typed_topics(session, event_id)  # before the stats: not in by_topic
    _store_stats(session, event_id, compute_stats(session, event))
    values = personal_values(session, event_id)
    deleted = _delete_texts(session, event_id)
    deleted["participants"] = _pseudonymise(session, event_id)
    deleted["tokens_revoked"] = _revoke_tokens(session, event_id, now)
    deleted["values_scrubbed"] = scrub_event(session, event_id, values)
    deleted["typed_topics"] = deleted_topics
    event.shredded_at = now
    audit(session, event_id, by, "event.shred", deleted=deleted)
    publish(  # first "closed", so open pages hear it before their sockets end
        Broadcast(rooms.event_room(event_id), "closed", {"event_id": event_id}),
        EndSockets((rooms.role_room(event_id, "participant"),)),  # their links ended
    )
    session.commit()  # what was told above is delivered from here on, whatever follows
    try:
        purge_deleted(session.get_bind(), touched_tables())  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - the shred is committed; the space is freed next time
        log.warning(
            "event %s is shredded, but freeing the deleted pages failed", event_id, exc_info=True
        )
    return ShredResult(event_id, now, deleted=deleted)


def touched_tables() -> list[str]:
    """Return the tables a shred may delete from or rewrite (the scrub searches them all)."""
    return [t.name for t in Base.metadata.sorted_tables if t.name != "organisers"]


def _scrub_typed_topics(session: Session, event_id: int) -> int:
    """Replace follow-up topics a person typed; keep the ones from the station's catalogue."""
    changed = 0
    stations = session.scalars(select(Station).where(Station.event_id == event_id))
    for station in stations:
        known = [t for t in (station.topics or []) if isinstance(t, str)]
        result = session.execute(
            update(FollowUp)
            .where(
                FollowUp.event_id == event_id,
                FollowUp.station_id == station.id,
                FollowUp.topic.not_in(known),
                FollowUp.topic != "",
                FollowUp.topic != TYPED_TOPIC,
            )
            .values(topic=TYPED_TOPIC),
            execution_options={"synchronize_session": False},
        )
        changed += _count(result)
    return changed


def _store_stats(session: Session, event_id: int, data: dict[str, Any]) -> None:
    stats = session.get(capture.EventStats, event_id)
    if stats is None:
        session.add(capture.EventStats(event_id=event_id, data=data, computed_at=utcnow()))
    else:
        stats.data, stats.computed_at = data, utcnow()
    session.flush()


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _delete_texts(session: Session, event_id: int) -> dict[str, int]:
    cards = select(WallCard.id).where(WallCard.event_id == event_id)

    def run(statement: Any) -> int:
        return _count(session.execute(statement, execution_options={"synchronize_session": False}))

    out = {
        "notes": run(delete(Note).where(Note.event_id == event_id)),
        "wall_votes": run(delete(capture.WallVote).where(capture.WallVote.card_id.in_(cards))),
        "wall_cards": run(delete(WallCard).where(WallCard.event_id == event_id)),
        "announcements": run(delete(Announcement).where(Announcement.event_id == event_id)),
        "messages": run(
            update(FollowUp)
            .where(FollowUp.event_id == event_id, FollowUp.message != "")
            .values(message="")
        ),
        "lead_notes": run(
            update(Lead)
            .where(Lead.event_id == event_id, (Lead.note != "") | (Lead.topic != ""))
            .values(note="", topic="")
        ),
    }
    run(update(Station).where(Station.event_id == event_id).values(host=""))
    return out


def _pseudonymise(session: Session, event_id: int) -> int:
    ids = list(session.scalars(select(Participant.id).where(Participant.event_id == event_id)))
    if ids:
        session.execute(
            update(Participant),
            [
                {"id": i, "name": f"P-{i:04d}", "organisation": "", "email": None, "phone": None}
                for i in ids
            ],
        )
    return len(ids)


def _revoke_tokens(session: Session, event_id: int, now: datetime) -> int:
    result = session.execute(
        update(AccessToken)
        .where(
            AccessToken.event_id == event_id,
            AccessToken.role == "participant",
            AccessToken.revoked_at.is_(None),
        )
        .values(revoked_at=now),
        execution_options={"synchronize_session": False},
    )
    return _count(result)
