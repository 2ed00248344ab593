"""Prepare an event's participants: add, edit, remove and import them (organiser only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from parcours.domain import rooms
from parcours.domain.actors import Actor
from parcours.domain.errors import Invalid
from parcours.schemas.common import load
from parcours.schemas.setup import ParticipantInput
from parcours.services.broadcasts import EndSockets, publish
from parcours.services.common import assign, audit, commit_audited, require_live, row_of_event
from parcours.services.plans.latecomers import place_after_registration
from parcours.services.setup import organiser_event, organiser_input
from parcours.services.setup.events import add_participant
from parcours.services.setup.participants import registered_email
from parcours.services.unit import unit_of_work
from parcours.storage import Event, Participant


def _participant(session: Session, event: Event, participant_id: int) -> Participant:
    return row_of_event(session, Participant, event, participant_id, "No such participant.")


def _check_station_ids(event: Event, values: dict[str, Any]) -> None:
    known = {s.id for s in event.stations}
    errors = {
        key: [f"no station with id {i}" for i in values.get(key, []) if i not in known]
        for key in ("interests", "must_visit", "avoid")
    }
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise Invalid("unknown station", errors)
    for key in ("interests", "must_visit", "avoid", "absent_rounds"):
        if key in values:
            values[key] = sorted(set(values[key]))


@unit_of_work
def add_person(session: Session, actor: Actor, event_id: int, data: Any) -> Participant:
    """Add one participant with their personal token."""
    event, values = organiser_input(session, actor, event_id, ParticipantInput(), data)
    require_live(event)
    _check_station_ids(event, values)
    if values.get("email") and registered_email(session, event.id, values["email"]):
        raise Invalid(
            "email: is already registered for this event",
            {"email": ["is already registered for this event"]},
        )
    person = _insert_person(session, event, values, "organiser")
    commit_audited(session, actor, event.id, "participant.add", participant_id=person.id)
    place_after_registration(session, event.id, person.id)  # a route if a plan exists
    return person


def _insert_person(
    session: Session, event: Event, values: dict[str, Any], source: str
) -> Participant:
    ids = {k: values.pop(k, []) for k in ("interests", "must_visit", "avoid")}
    present = values.pop("present", True)
    person, _token = add_participant(session, event, values, {}, source=source)
    person.interests, person.must_visit = ids["interests"], ids["must_visit"]
    person.avoid = ids["avoid"]
    person.present = present
    return person


@unit_of_work
def update_person(
    session: Session, actor: Actor, event_id: int, participant_id: int, data: Any
) -> Participant:
    """Change a participant's details."""
    event, values = organiser_input(session, actor, event_id, ParticipantInput(), data)
    require_live(event)
    person = _participant(session, event, participant_id)
    _check_station_ids(event, values)
    assign(person, values)
    commit_audited(session, actor, event.id, "participant.update", participant_id=person.id)
    return person


def delete_person(session: Session, actor: Actor, event_id: int, participant_id: int) -> None:
    """Remove a participant with everything they wrote and their token."""
    event = organiser_event(session, actor, event_id)
    person = _participant(session, event, participant_id)
    event.participants.remove(person)
    audit(session, event.id, actor.label, "participant.delete", participant_id=participant_id)
    session.commit()
    publish(EndSockets((rooms.participant_room(participant_id),)))  # their link ended


def import_people(
    session: Session, actor: Actor, event_id: int, rows: list[dict[str, Any]]
) -> list[Participant]:
    """Add many participants at once (rows already checked by the CSV preview); all or nothing."""
    event = organiser_event(session, actor, event_id)
    require_live(event)
    added: list[Participant] = []
    for index, row in enumerate(rows):
        try:
            values = load(ParticipantInput(), row)
            _check_station_ids(event, values)
        except Invalid as err:
            session.rollback()
            fields = {f"rows[{index}].{k}": v for k, v in err.fields.items()}
            raise Invalid(f"row {index + 1}: {err.message}", fields) from None
        added.append(_insert_person(session, event, values, "csv"))
    commit_audited(session, actor, event.id, "participant.import", count=len(added))
    return added


def station_refs(event: Event) -> dict[str, int]:
    """Return the names a CSV may use for the event's stations: name, code, template, id."""
    refs: dict[str, int] = {}
    for station in event.stations:
        for ref in (station.name, station.code, station.template, str(station.id)):
            if ref:
                refs.setdefault(ref.strip().lower(), station.id)
    return refs
