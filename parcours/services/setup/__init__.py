"""Before the day: the event's details, agenda and stations (here); event files (events),
participants (roster; self-registration: participants, registration) and links (setup.links)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from parcours.catalogue import load_catalogue
from parcours.domain.actors import Actor
from parcours.domain.errors import Conflict, Invalid
from parcours.schemas.common import load
from parcours.schemas.setup import (
    CatalogueStationInput,
    EventInput,
    SegmentInput,
    StationInput,
)
from parcours.services.common import (
    assign,
    audit,
    commit_audited,
    issue_token,
    new_code,
    require_event,
    row_of_event,
)
from parcours.services.setup.events import segment_from_data
from parcours.services.unit import unit_of_work
from parcours.storage import Clock, Event, Segment, Station

RUNNING = ("running", "paused", "transition")


def organiser_event(session: Session, actor: Actor, event_id: int) -> Event:
    """Return the event for an organiser; an unowned event (made by the CLI) becomes theirs."""
    event = require_event(session, actor, event_id, "organiser")
    if event.organiser_id is None and actor.organiser_id is not None:
        event.organiser_id = actor.organiser_id
        audit(session, event.id, actor.label, "event.claim")
    return event


def organiser_input(
    session: Session, actor: Actor, event_id: int, schema: Any, data: Any
) -> tuple[Event, dict[str, Any]]:
    """Check a form's input against the schema, then return the organiser's event and it."""
    values = load(schema, data)
    return organiser_event(session, actor, event_id), values


@unit_of_work
def update_event(session: Session, actor: Actor, event_id: int, data: Any) -> Event:
    """Change the event's title, venue, start, language, retention and registration cap."""
    event, values = organiser_input(session, actor, event_id, EventInput(), data)
    assign(event, values)
    commit_audited(session, actor, event.id, "event.update", fields=sorted(values))
    return event


# --------------------------------------------------------------------------- agenda


def _segment(session: Session, event: Event, segment_id: int) -> Segment:
    return row_of_event(session, Segment, event, segment_id, "No such agenda item.")


def _guard_running(session: Session, event: Event, position: int) -> None:
    """Refuse to move or remove an item the running clock has reached."""
    clock = session.get(Clock, event.id)
    if clock is not None and clock.phase in RUNNING and position <= clock.segment_index:
        raise Conflict("The event is running: items that have started can no longer be moved.")


@unit_of_work
def add_segment(session: Session, actor: Actor, event_id: int, data: Any) -> Segment:
    """Append an item to the agenda."""
    event, values = organiser_input(session, actor, event_id, SegmentInput(), data)
    segment = segment_from_data(event.id, len(event.segments), values)
    session.add(segment)
    session.flush()
    commit_audited(session, actor, event.id, "segment.add", segment_id=segment.id)
    return segment


@unit_of_work
def update_segment(
    session: Session, actor: Actor, event_id: int, segment_id: int, data: Any
) -> Segment:
    """Change an agenda item in place (the clock is left alone)."""
    event, values = organiser_input(session, actor, event_id, SegmentInput(), data)
    segment = _segment(session, event, segment_id)
    fresh = segment_from_data(event.id, segment.position, values)
    for key in ("title", "kind", "minutes", "rounds", "round_minutes", "transition_minutes"):
        setattr(segment, key, getattr(fresh, key))
    segment.mode = fresh.mode
    commit_audited(session, actor, event.id, "segment.update", segment_id=segment.id)
    return segment


def delete_segment(session: Session, actor: Actor, event_id: int, segment_id: int) -> None:
    """Remove an agenda item and close the gap."""
    event = organiser_event(session, actor, event_id)
    segment = _segment(session, event, segment_id)
    _guard_running(session, event, segment.position)
    event.segments.remove(segment)
    for position, item in enumerate(event.segments):
        item.position = position
    commit_audited(session, actor, event.id, "segment.delete", segment_id=segment_id)


def move_segment(session: Session, actor: Actor, event_id: int, segment_id: int, step: int) -> None:
    """Move an agenda item one place up (step -1) or down (+1)."""
    event = organiser_event(session, actor, event_id)
    segment = _segment(session, event, segment_id)
    items = list(event.segments)
    index = items.index(segment)
    other = index + (1 if step > 0 else -1)
    if not 0 <= other < len(items):
        return
    _guard_running(session, event, max(index, other))
    items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items):
        item.position = position
    commit_audited(session, actor, event.id, "segment.move", segment_id=segment_id, to=other)


# --------------------------------------------------------------------------- stations


def _station(session: Session, event: Event, station_id: int) -> Station:
    return row_of_event(session, Station, event, station_id, "No such station.")


def _free_code(session: Session, event: Event, wanted: str | None, own: int | None = None) -> str:
    used = {
        code: sid
        for code, sid in session.execute(
            select(Station.code, Station.id).where(Station.event_id == event.id)
        )
    }
    if wanted:
        if wanted in used and used[wanted] != own:
            raise Invalid(f"code: '{wanted}' is used by another station", {"code": ["is taken"]})
        return wanted
    code = new_code(4)
    while code in used:
        code = new_code(4)
    return code


@unit_of_work
def add_station(session: Session, actor: Actor, event_id: int, data: Any) -> Station:
    """Add a station from the form; it gets its own host token."""
    event, values = organiser_input(session, actor, event_id, StationInput(), data)
    values["code"] = _free_code(session, event, values.get("code"))
    return _insert_station(session, actor, event, values)


@unit_of_work
def add_station_from_catalogue(session: Session, actor: Actor, event_id: int, data: Any) -> Station:
    """Add a station from a catalogue template, in the event's language."""
    event, values = organiser_input(session, actor, event_id, CatalogueStationInput(), data)
    template = load_catalogue().get(values["template"])
    if template is None:
        raise Invalid("template: unknown", {"template": ["no such template in the catalogue"]})
    texts = template.localized(event.language)
    station = {
        "template": template.slug,
        "name": values.get("name") or texts["name"],
        "kind": template.kind,
        "description": texts["description"],
        "topics": texts["topics"],
        "questions": texts["questions"],
        "location": values["location"],
        "host": values["host"],
        "capacity": values.get("capacity") or template.capacity or 10,
        "organisation": values.get("organisation") or "",
        "code": _free_code(session, event, None),
    }
    return _insert_station(session, actor, event, station)


def _insert_station(
    session: Session, actor: Actor, event: Event, values: dict[str, Any]
) -> Station:
    position = max((s.position for s in event.stations), default=-1) + 1
    station = Station(event_id=event.id, position=position, **values)
    session.add(station)
    session.flush()
    issue_token(session, event.id, "host", station_id=station.id)
    commit_audited(session, actor, event.id, "station.add", station_id=station.id)
    return station


@unit_of_work
def update_station(
    session: Session, actor: Actor, event_id: int, station_id: int, data: Any
) -> Station:
    """Change a station's details."""
    event, values = organiser_input(session, actor, event_id, StationInput(), data)
    station = _station(session, event, station_id)
    values["code"] = _free_code(session, event, values.get("code") or station.code, station.id)
    assign(station, values)
    commit_audited(session, actor, event.id, "station.update", station_id=station.id)
    return station


def delete_station(session: Session, actor: Actor, event_id: int, station_id: int) -> None:
    """Remove a station; its host token, plan entries and interests in it go with it."""
    event = organiser_event(session, actor, event_id)
    station = _station(session, event, station_id)
    for person in event.participants:
        lists = (person.interests or [], person.must_visit or [], person.avoid or [])
        if any(station_id in ids for ids in lists):
            person.interests = [i for i in person.interests or [] if i != station_id]
            person.must_visit = [i for i in person.must_visit or [] if i != station_id]
            person.avoid = [i for i in person.avoid or [] if i != station_id]
    event.stations.remove(station)
    commit_audited(session, actor, event.id, "station.delete", station_id=station_id)


@unit_of_work
def create_blank_event(session: Session, organiser_id: int, data: Any) -> Event:
    """Create an event from the dashboard's short form (no agenda, stations or people yet)."""
    from parcours.services.setup.events import create_event

    values = load(EventInput(), data)
    event = create_event(session, {"event": values}, organiser_id=organiser_id)
    session.commit()
    return event


def create_from_file(session: Session, organiser_id: int, data: Any) -> Event:
    """Create an event from an uploaded event file; nothing is written on error."""
    from parcours.services.setup.events import create_event

    try:
        event = create_event(session, data, organiser_id=organiser_id)
    except Invalid:
        session.rollback()
        raise
    session.commit()
    return event
