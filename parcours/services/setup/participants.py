"""Participants: self-registration and what the organiser sees of them."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from parcours import planner
from parcours.domain.errors import AlreadyRegistered, Invalid, NotFound
from parcours.planner.model import norm_org
from parcours.services.common import audit, issue_token
from parcours.services.plans.data import build_instance, present_people
from parcours.services.plans.latecomers import place_after_registration
from parcours.services.setup.registration import check_room
from parcours.services.unit import unit_of_work
from parcours.storage import AccessToken, Event, Participant, Station, utcnow


@unit_of_work
def join(session: Session, join_code: str, data: dict[str, Any]) -> tuple[Participant, str]:
    """Register a participant by the event's join code; consent was checked by the schema."""
    event = session.scalar(  # locked (PostgreSQL): joins of one event count one at a time
        select(Event).where(Event.join_code == join_code.upper()).with_for_update()
    )
    if event is None:
        raise NotFound("No event with this join code.")
    check_room(session, event)  # open, not shredded, not full (409)
    if data.get("email") and registered_email(session, event.id, data["email"]):
        raise AlreadyRegistered(
            "This e-mail address is already registered for this event.",
            {"email": ["is already registered for this event"]},
        )
    _check_choices(session, event, data)
    participant = Participant(
        event_id=event.id,
        name=data["name"].strip(),
        organisation=data["organisation"].strip(),
        kind=data["kind"],
        email=data["email"],
        phone=data["phone"],
        language=data["language"],
        interests=sorted(set(data["interests"])),
        avoid=sorted(set(data.get("avoid") or [])),
        stay_put=bool(data.get("stay_put")),
        absent_rounds=sorted(set(data.get("absent_rounds") or [])),
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


def _check_choices(session: Session, event: Event, data: dict[str, Any]) -> None:
    """Refuse stations and rounds the event does not have (400 naming each field)."""
    station_ids = set(session.scalars(select(Station.id).where(Station.event_id == event.id)))
    errors: dict[str, list[str]] = {}
    for key in ("interests", "avoid"):
        unknown = [i for i in data.get(key) or [] if i not in station_ids]
        if unknown:
            errors[key] = [f"no station with id {i}" for i in unknown]
    both = sorted(set(data.get("avoid") or []) & set(data["interests"]))
    if both and "avoid" not in errors:
        errors["avoid"] = ["a station of interest cannot also be avoided"]
    rounds = sum(s.rounds for s in event.segments if s.kind == "parcours" and s.rounds > 0)
    beyond = [r for r in data.get("absent_rounds") or [] if r > rounds]
    if beyond:
        errors["absent_rounds"] = [f"no round {r}: the parcours have {rounds}" for r in beyond]
    if not errors:
        errors = _plan_problems(session, event, data)
    if errors:
        key = next(iter(errors))
        raise Invalid(f"{key}: {errors[key][0]}", errors)


def _may_visit(event: Event, organisation: str, avoid: set[int]) -> int:
    """Return how many stations the planner may send a person to (as planner.rules counts)."""
    own = norm_org(organisation)
    return sum(
        1
        for s in event.stations
        if s.capacity > 0
        and s.id not in avoid
        and not (own and own in {norm_org(o) for o in (s.name, s.organisation or "") if o})
    )


def _plan_problems(session: Session, event: Event, data: dict[str, Any]) -> dict[str, list[str]]:
    """Return why a self-registrant's avoid/stay_put would make the event's plan impossible.

    A person who moves needs as many stations they may visit as the longest parcours has
    rounds; one who stays put needs one. Then each parcours is checked as the planner checks
    it, with everyone present and the newcomer: if it could be planned with the newcomer
    choosing nothing but cannot with their choices, the choice is refused (a full event is
    check_room's matter, not this one's).
    """
    segments = [s for s in event.segments if s.kind == "parcours" and s.rounds > 0]
    if not segments:
        return {}
    avoid = set(data.get("avoid") or [])
    stay = bool(data.get("stay_put"))
    organisation = (data.get("organisation") or "").strip()
    need = 1 if stay else max(s.rounds for s in segments)
    if _may_visit(event, "", set()) < need:
        return {}  # not plannable for anyone yet (stations still to enter): not their choice
    left = _may_visit(event, organisation, avoid)
    if left < need:
        if avoid and _may_visit(event, organisation, set()) >= need:
            return {
                "avoid": [
                    f"leaves only {left} stations you may visit for {need} rounds: "
                    "please avoid fewer stations"
                ]
            }
        return {"organisation": [f"its own stations leave only {left} stations for {need} rounds"]}
    if not avoid and not stay:
        return {}
    people = present_people(session, event.id)

    def plannable(person_avoid: set[int], person_stay: bool) -> bool:
        newcomer = Participant(
            id=0,  # never stored: ids start at 1
            kind=data.get("kind") or "other",
            organisation=organisation,
            interests=sorted(set(data.get("interests") or [])),
            avoid=sorted(person_avoid),
            stay_put=person_stay,
            absent_rounds=sorted(set(data.get("absent_rounds") or [])),
        )
        return not any(
            planner.check(build_instance(event, s, [*people, newcomer], s.mode, {}))
            for s in segments
        )

    if plannable(avoid, stay) or not plannable(set(), False):  # the usual case: one check
        return {}
    if stay and not plannable(set(), True):
        return {
            "stay_put": [
                "no station has room for one more person who stays put: "
                "the plan would be impossible"
            ]
        }
    return {"avoid": ["with these stations avoided the plan would be impossible"]}


def registered_email(session: Session, event_id: int, email: str) -> Participant | None:
    """Return the participant of the event with this e-mail address (any case), if any."""
    return session.scalar(
        select(Participant)
        .where(Participant.event_id == event_id)
        .where(func.lower(Participant.email) == email.strip().lower())
        .limit(1)
    )


def _name_key(name: str) -> str:
    """Return a name folded for comparison: case, umlauts, accents, order of the words."""
    text = name.casefold()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c if c.isalnum() else " " for c in text if not unicodedata.combining(c))
    return " ".join(sorted(text.split()))


def likely_duplicates(people: list[Participant]) -> dict[int, list[Participant]]:
    """Return, per participant, the others with the same name (folded) or the same e-mail."""
    groups: dict[str, list[Participant]] = defaultdict(list)
    for person in people:
        key = _name_key(person.name)
        if key:
            groups["n:" + key].append(person)
        if person.email:
            groups["e:" + person.email.strip().lower()].append(person)
    out: dict[int, list[Participant]] = defaultdict(list)
    for members in groups.values():
        for person in members:
            for other in members:
                if other.id != person.id and other not in out[person.id]:
                    out[person.id].append(other)
    return {pid: others for pid, others in out.items() if others}


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
