"""Capture: notes, follow-up requests, leads and check-ins, each stored exactly once (here);
the lists hosts and organisers read (capture.lists), the kiosk (capture.kiosk), the wall."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, RowMapping, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.domain.errors import Forbidden, Invalid, NotFound
from parcours.services import batch
from parcours.services.common import require_event, require_live
from parcours.services.event_day.clock import load_snapshot, position
from parcours.services.once import create_once, insert_once, store_once_by
from parcours.storage import queries
from parcours.storage.capture import CheckIn, FollowUp, Lead, Note
from parcours.storage.models import Assignment, Clock, Event, Participant, Segment, Station

NOTE_ROLES = ("participant", "host")

# The note is the write of a burst (everyone at the end of a round): its statements are built
# once, on the tables rather than the ORM classes, so SQLAlchemy reuses their cache keys and skips
# the ORM's result handling; the note is written and read back with Core.
NOTES, EVENTS, CLOCKS = Note.__table__, Event.__table__, Clock.__table__
SEGMENTS, ASSIGNMENTS = Segment.__table__, Assignment.__table__
_NOTE_CONTEXT = (
    select(EVENTS.c.shredded_at, CLOCKS.c.phase, CLOCKS.c.round, CLOCKS.c.segment_index)
    .select_from(EVENTS.outerjoin(CLOCKS, CLOCKS.c.event_id == EVENTS.c.id))
    .where(EVENTS.c.id == bindparam("event_id"))
)
_NOTE_BY_KEY = select(*NOTES.c).where(
    NOTES.c.event_id == bindparam("event_id"),
    NOTES.c.author == bindparam("author"),
    NOTES.c.client_id == bindparam("client_id"),
)
_NOTE_INSERT = insert(NOTES).returning(*NOTES.c)
# One statement for a new note: the insert does nothing (and returns no row) when the key is
# taken already (a repeat of the same client_id), which is then read (services.once.insert_once).
_NOTE_KEY = [NOTES.c.event_id, NOTES.c.author, NOTES.c.client_id]
_NOTE_INSERT_NEW = {
    "sqlite": sqlite_insert(NOTES)
    .on_conflict_do_nothing(index_elements=_NOTE_KEY)
    .returning(*NOTES.c),
    "postgresql": postgresql_insert(NOTES)
    .on_conflict_do_nothing(index_elements=_NOTE_KEY)
    .returning(*NOTES.c),
}
_CLOCK = select(CLOCKS.c.phase, CLOCKS.c.round, CLOCKS.c.segment_index).where(
    CLOCKS.c.event_id == bindparam("event_id")
)
_SEGMENT_AT = (
    select(SEGMENTS.c.kind, SEGMENTS.c.rounds)
    .where(SEGMENTS.c.event_id == bindparam("event_id"))
    .order_by(SEGMENTS.c.position)
    .offset(bindparam("index"))
    .limit(1)
)
_MOST_ROUNDS = select(func.max(SEGMENTS.c.rounds)).where(
    SEGMENTS.c.event_id == bindparam("event_id"), SEGMENTS.c.kind == "parcours"
)
# Through the event's segments: SQLite then finds the row by the unique (segment, participant,
# round) index instead of scanning every assignment (~0.4 ms per note with 6,000 of them).
_ASSIGNED_STATION = (
    select(ASSIGNMENTS.c.station_id)
    .select_from(ASSIGNMENTS.join(SEGMENTS, SEGMENTS.c.id == ASSIGNMENTS.c.segment_id))
    .where(
        SEGMENTS.c.event_id == bindparam("event_id"),
        ASSIGNMENTS.c.participant_id == bindparam("participant_id"),
        ASSIGNMENTS.c.round == bindparam("round"),
    )
    .order_by(ASSIGNMENTS.c.id.desc())
    .limit(1)
)
# The same for every participant of a batch of notes at once (parcours.services.batch); in id
# order, so that the dict built from it keeps the newest row, as the LIMIT 1 above does.
_ASSIGNED_STATIONS = (
    select(ASSIGNMENTS.c.participant_id, ASSIGNMENTS.c.station_id)
    .select_from(ASSIGNMENTS.join(SEGMENTS, SEGMENTS.c.id == ASSIGNMENTS.c.segment_id))
    .where(
        SEGMENTS.c.event_id == bindparam("event_id"),
        ASSIGNMENTS.c.participant_id.in_(bindparam("participant_ids", expanding=True)),
        ASSIGNMENTS.c.round == bindparam("round"),
    )
    .order_by(ASSIGNMENTS.c.id)
)


def writable_event(session: Session, actor: Actor, *roles: str) -> Event:
    """Return the actor's event if it still takes writes (not shredded)."""
    event = require_event(session, actor, actor.event_id, *roles)
    require_live(event)
    return event


def current_segment(session: Session, event: Event) -> Segment | None:
    """Return the segment the clock is in, or None before the start."""
    snap = load_snapshot(session, event)
    index = snap.fields.segment_index
    if snap.fields.phase == "not_started" or not 0 <= index < len(snap.segments):
        return None
    return snap.segments[index]


def current_round(session: Session, event: Event, ahead: bool = False) -> int | None:
    """Return the parcours round going on now; with ahead, also round 1 before it starts."""
    if ahead:
        return position(load_snapshot(session, event)).round
    return round_of(session, event.id, session.execute(_CLOCK, {"event_id": event.id}).first())


def round_of(session: Session, event_id: int, clock: Any) -> int | None:
    """Return the parcours round the clock (phase, round, segment_index) is in, if any."""
    if clock is None or clock.phase in ("not_started", "finished") or clock.segment_index < 0:
        return None  # the same answer as clock.position(), with one light query per write
    segment = session.execute(
        _SEGMENT_AT, {"event_id": event_id, "index": clock.segment_index}
    ).first()
    if segment is None or segment.kind != "parcours" or not segment.rounds:
        return None
    return max(1, clock.round)


def station_of(session: Session, event_id: int, station_id: int, field: str) -> Station:
    """Return a station of the event or raise Invalid naming the field."""
    station = session.get(Station, station_id)
    if station is None or station.event_id != event_id:
        raise Invalid(f"{field}: no such station", {field: [f"no station with id {station_id}"]})
    return station


def _check_round(session: Session, event_id: int, value: int | None) -> None:
    if value is None:
        return
    most = session.scalar(_MOST_ROUNDS, {"event_id": event_id}) or 0
    if value > most:
        problem = f"must be between 1 and {most}" if most else "this event has no rounds"
        raise Invalid(f"round: {problem}", {"round": [problem]})


def _note_context(session: Session, actor: Actor) -> Row[Any] | None:
    """Return the clock of the actor's event in one query (once per batch) if the event takes
    notes."""
    event_id = actor.event_id
    context = batch.once(
        session,
        ("note_context", event_id),
        lambda: session.execute(_NOTE_CONTEXT, {"event_id": event_id}).first(),
    )
    if context is None or context.shredded_at is not None or actor.role not in NOTE_ROLES:
        writable_event(session, actor, *NOTE_ROLES)  # raises what it raises for any write
    return context


def create_note(session: Session, actor: Actor, data: dict[str, Any]) -> tuple[RowMapping, bool]:
    """Store a note once per (author, client_id); a host writes only for their own station.

    The note comes back as a mapping of its columns, which the answer's schema reads by key
    (from a Row, marshmallow tries `row[name]`, fails and falls back to getattr)."""
    context = _note_context(session, actor)
    keys = {"event_id": actor.event_id, "author": actor.author_key, "client_id": data["client_id"]}
    find = lambda: session.execute(_NOTE_BY_KEY, keys).mappings().first()  # noqa: E731
    insert_new = _NOTE_INSERT_NEW.get(session.get_bind().dialect.name)
    if insert_new is not None:  # SQLite and PostgreSQL: one statement for a new note
        return insert_once(
            session,
            lambda: (
                session.execute(insert_new, _note_values(session, actor, data, context, keys))
                .mappings()
                .first()
            ),
            find,
        )
    return store_once_by(
        session,
        find,
        lambda: (
            session.execute(_NOTE_INSERT, _note_values(session, actor, data, context, keys))
            .mappings()
            .one()
        ),
    )


def _note_values(
    session: Session, actor: Actor, data: dict[str, Any], context: Row[Any] | None, keys: Any
) -> dict[str, Any]:
    """Check a new note's station and round; return the row to insert."""
    event_id = actor.event_id
    station_id = data["station_id"]
    if actor.role == "host":
        if station_id is not None and station_id != actor.station_id:
            raise Forbidden("A station host writes notes only for their own station.")
        station_id = actor.station_id
    elif station_id is not None:
        station_of(session, event_id, station_id, "station_id")
    _check_round(session, event_id, data["round"])
    round_no = data["round"] or batch.once(
        session, ("round", event_id), lambda: round_of(session, event_id, context)
    )
    if station_id is None and round_no is not None and actor.participant_id is not None:
        station_id = planned_station(session, event_id, actor.participant_id, round_no)
    via = "kiosk" if actor.kiosk else ("tablet" if actor.role == "host" else "phone")
    return {
        **keys,
        "participant_id": actor.participant_id,
        "station_id": station_id,
        "round": round_no,
        "text": data["text"],
        "via": via,
    }


def planned_station(
    session: Session, event_id: int, participant_id: int, round_no: int
) -> int | None:
    """Return the station the plan gives the participant in this round (None: no plan); in a
    batch of notes, read for all of its participants in one query."""
    group = batch.current(session)
    if group is None or participant_id not in group.participant_ids:
        return session.scalar(
            _ASSIGNED_STATION,
            {"event_id": event_id, "participant_id": participant_id, "round": round_no},
        )
    ids = sorted(group.participant_ids)
    stations: dict[int, int] = batch.once(
        session,
        ("planned_stations", event_id, round_no),
        lambda: {
            row.participant_id: row.station_id
            for row in session.execute(
                _ASSIGNED_STATIONS,
                {"event_id": event_id, "participant_ids": ids, "round": round_no},
            )
        },
    )
    return stations.get(participant_id)


def canonical_topic(station: Station, topic: str) -> str:
    """Return the station's own spelling of a catalogue topic, or the free text as given."""
    wanted = " ".join(topic.split()).casefold()
    for known in station.topics or []:
        if " ".join(str(known).split()).casefold() == wanted:
            return str(known)
    # a catalogue topic in a participant's language is stored as the station's own topic
    from parcours.station_texts import topic_key

    key = topic_key(station, station.event.language or "de", topic)
    return key if key is not None else topic.strip()


def create_follow_up(session: Session, actor: Actor, data: dict[str, Any]) -> tuple[FollowUp, bool]:
    """Store a participant's "please contact me" once per client_id."""
    event = writable_event(session, actor, "participant")
    keys = own_keys(event, actor, data)

    def build() -> FollowUp:
        station = station_of(session, event.id, data["station_id"], "station_id")
        return FollowUp(
            **keys,
            station_id=station.id,
            topic=canonical_topic(station, data["topic"]),
            message=data["message"],
            share_contact=data["share_contact"],
            via="kiosk" if actor.kiosk else "phone",
        )

    return create_once(session, FollowUp, keys, build)


def own_keys(event: Event, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Return the key of a participant's own write: event, participant and client_id."""
    return {
        "event_id": event.id,
        "participant_id": actor.participant_id,
        "client_id": data["client_id"],
    }


def withdraw_consent(
    session: Session, actor: Actor, follow_up_id: int
) -> tuple[FollowUp, list[FollowUp]]:
    """Withdraw the participant's consent to share their contact with a request's station.

    Consent is per person and station, so every request of the person to that station stops
    sharing. Return the request named and every request that changed.
    """
    from parcours.services.common import audit

    event = writable_event(session, actor, "participant")
    row = session.get(FollowUp, follow_up_id)
    if row is None or row.event_id != event.id or row.participant_id != actor.participant_id:
        raise NotFound("No such contact request of yours.")
    changed = list(
        session.scalars(
            select(FollowUp).where(
                FollowUp.event_id == event.id,
                FollowUp.participant_id == actor.participant_id,
                FollowUp.station_id == row.station_id,
                FollowUp.share_contact.is_(True),
            )
        )
    )
    for item in changed:
        item.share_contact = False
    if changed:
        audit(
            session,
            event.id,
            actor.label,
            "consent.withdraw",
            station_id=row.station_id,
            follow_ups=[item.id for item in changed],
        )
    session.commit()
    return row, changed


def participant_of(session: Session, event: Event, participant_id: int, field: str) -> Participant:
    """Return a participant of the event or raise Invalid naming the field."""
    person = session.get(Participant, participant_id)
    if person is None or person.event_id != event.id:
        raise Invalid(
            f"{field}: no such participant", {field: [f"no participant with id {participant_id}"]}
        )
    return person


def create_lead(session: Session, actor: Actor, data: dict[str, Any]) -> tuple[Lead, bool]:
    """Store a host's lead about a participant once per (station, client_id)."""
    event = writable_event(session, actor, "host")
    keys = {"event_id": event.id, "station_id": actor.station_id, "client_id": data["client_id"]}

    def build() -> Lead:
        person = participant_of(session, event, data["participant_id"], "participant_id")
        station = station_of(session, event.id, actor.station_id or 0, "station_id")
        topic = canonical_topic(station, data["topic"]) if data["topic"].strip() else ""
        return Lead(**keys, participant_id=person.id, topic=topic, note=data["note"])

    return create_once(session, Lead, keys, build)


def create_check_in(session: Session, actor: Actor, data: dict[str, Any]) -> tuple[CheckIn, bool]:
    """Store a check-in by station code once per client_id."""
    event = writable_event(session, actor, "participant")
    keys = own_keys(event, actor, data)

    def build() -> CheckIn:
        station = queries.station_by_code(session, event.id, data["station_code"])
        if station is None:
            raise Invalid(
                "station_code: no station with this code",
                {"station_code": ["no station of this event has this code"]},
            )
        round_no = current_round(session, event, ahead=True)  # arriving before round 1 counts
        via = "kiosk" if actor.kiosk else "phone"
        return CheckIn(**keys, station_id=station.id, round=round_no, via=via)

    return create_once(session, CheckIn, keys, build)
