"""Kiosk mode: the station tablet shared by participants, each entry written as one of them.

A host turns their tablet into a kiosk with a code of their own. The kiosk has its own token
(role "kiosk", bound to the station) that may only show names, and write a note, a "please
contact me" or a check-in for the participant picked for that one entry. Each entry is then
stored by the capture use cases exactly as if it came from that participant's phone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from parcours.domain import rooms
from parcours.domain.actors import Actor
from parcours.domain.errors import Forbidden, Invalid
from parcours.services import capture
from parcours.services.broadcasts import EndSockets, publish
from parcours.services.common import audit, issue_token, require_event, require_live
from parcours.services.event_day import clock, live
from parcours.storage import AccessToken, CheckIn, Event, FollowUp, Note, Participant, Station
from parcours.storage.base import utcnow

BADGE_MAC_CHARS = 12


class PinGuard(Protocol):
    """Counts wrong kiosk codes per kiosk token (parcours.operations.limits, shared)."""

    def check(self, key: str) -> None:
        """Raise TooMany while the key has used up its wrong tries."""

    def failed(self, key: str) -> None:
        """Count one wrong code."""

    def clear(self, key: str) -> None:
        """Forget the wrong codes of a key (it was left with the right one)."""


def start_kiosk(session: Session, actor: Actor, pin: str) -> AccessToken:
    """Make a kiosk token for the host's station, guarded by the host's code."""
    event = require_event(session, actor, actor.event_id, "host")
    require_live(event)
    if actor.station_id is None:
        raise Forbidden("Only a station's host can start kiosk mode.")
    row = issue_token(session, event.id, "kiosk", station_id=actor.station_id)
    row.kiosk_pin_hash = generate_password_hash(pin)
    audit(session, event.id, actor.label, "kiosk.start", station_id=actor.station_id)
    session.commit()
    return row


def exit_kiosk(session: Session, actor: Actor, token: str, pin: str, guard: PinGuard) -> str:
    """Check the host's code, retire the kiosk token; return the station's host token."""
    require_event(session, actor, actor.event_id, "kiosk")
    guard.check(token)
    row = session.scalar(
        select(AccessToken).where(AccessToken.token == token, AccessToken.role == "kiosk")
    )
    if row is None or not row.kiosk_pin_hash or not check_password_hash(row.kiosk_pin_hash, pin):
        guard.failed(token)
        raise Forbidden(
            "That is not the code that was set for this tablet.", {"pin": ["wrong code"]}
        )
    host = host_token(session, actor)
    if host is None:
        raise Forbidden("This station has no host link any more; ask the organiser.")
    row.revoked_at = utcnow()
    audit(session, actor.event_id, actor.label, "kiosk.exit", station_id=actor.station_id)
    session.commit()
    guard.clear(token)
    publish(EndSockets((rooms.token_room(row.id),)))  # its open sockets end now
    return host


def host_token(session: Session, actor: Actor) -> str | None:
    """Return the (first) host token of the kiosk's station."""
    return session.scalar(
        select(AccessToken.token)
        .where(AccessToken.event_id == actor.event_id, AccessToken.role == "host")
        .where(AccessToken.station_id == actor.station_id, AccessToken.revoked_at.is_(None))
        .order_by(AccessToken.id)
        .limit(1)
    )


def badge_code(
    secret: str, event_id: int, participant_id: int, personal_code: str | None = None
) -> str:
    """Return the code on a participant's name badge: it names them at a kiosk, it is no login.

    It is signed over the participant's personal code too, so replacing their link (which gives
    them a new personal code) also ends the badge printed before.
    """
    message = f"parcours-badge:{event_id}:{participant_id}:{personal_code or ''}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    mac = base64.b32encode(digest).decode().lower()[:BADGE_MAC_CHARS]
    return f"{participant_id}-{mac}"


def normal_code(raw: str) -> str:
    """Return a typed personal code as stored: upper case, without spaces and dashes."""
    return "".join(raw.split()).replace("-", "").upper()


def participant_for(
    session: Session, event: Event, who: dict[str, Any], secret: str
) -> tuple[Participant, bool]:
    """Return the participant an entry names and whether it named them by their own credential.

    A personal link code (route card), a signed badge code or the short personal code printed on
    both is a credential: whoever holds it is taken to be that person. A bare participant_id is
    only a name tapped on the list: no credential.
    """
    if who.get("participant_id") is not None:
        person = capture.participant_of(session, event, who["participant_id"], "participant_id")
        return person, False
    if who.get("participant_token") is not None:
        row = session.scalar(
            select(AccessToken).where(
                AccessToken.token == who["participant_token"],
                AccessToken.role == "participant",
                AccessToken.event_id == event.id,
                AccessToken.revoked_at.is_(None),
            )
        )
        if row is None or row.participant_id is None:
            raise Invalid(
                "participant_token: no participant of this event has this code",
                {"participant_token": ["no participant of this event has this code"]},
            )
        person = capture.participant_of(session, event, row.participant_id, "participant_token")
        return person, True
    if who.get("personal_code") is not None:
        return _by_personal_code(session, event, str(who["personal_code"])), True
    return _by_badge(session, event, str(who.get("badge") or ""), secret), True


def _by_personal_code(session: Session, event: Event, raw: str) -> Participant:
    code = normal_code(raw)
    person = session.scalar(
        select(Participant).where(
            Participant.event_id == event.id, Participant.personal_code == code
        )
    )
    if person is None or event.shredded_at is not None:
        raise Invalid(
            "personal_code: no participant of this event has this code",
            {"personal_code": ["no participant of this event has this code"]},
        )
    return person


def _by_badge(session: Session, event: Event, code: str, secret: str) -> Participant:
    pid = code.partition("-")[0]
    person = (
        session.get(Participant, int(pid))
        if pid.isascii() and pid.isdigit() and len(pid) <= 18
        else None
    )
    if person is None or person.event_id != event.id:
        expected = ""
    else:
        expected = badge_code(secret, event.id, person.id, person.personal_code)
    if not expected or not hmac.compare_digest(expected, code):
        raise Invalid(
            "badge: no participant of this event has this badge",
            {"badge": ["no participant of this event has this badge"]},
        )
    assert person is not None
    return person


def here_now(session: Session, actor: Actor) -> set[int]:
    """Return who the kiosk lists: planned at its station this round, or checked in there."""
    return {p["id"] for p in kiosk_roster(session, actor)["people"]}


def entry_person(
    session: Session, actor: Actor, event: Event, who: dict[str, Any], secret: str
) -> tuple[Participant, bool]:
    """Return the participant of one kiosk entry and whether their own credential named them.

    A name tapped on the list (a bare participant_id) is accepted only for the people the kiosk
    lists; anyone else needs their route card, badge or personal code (403 otherwise).
    """
    person, credential = participant_for(session, event, who, secret)
    if not credential and person.id not in here_now(session, actor):
        raise Forbidden(
            "This person is not expected at this station now: "
            "please scan their badge or route card, or type their personal code.",
            {"participant_id": ["not at this station now: a personal code is needed"]},
        )
    return person, credential


def as_participant(kiosk: Actor, person: Participant) -> Actor:
    """Return the participant as the actor of one kiosk entry (stored as theirs, via kiosk)."""
    return Actor(role="participant", event_id=kiosk.event_id, participant_id=person.id, kiosk=True)


def _kiosk_event(session: Session, actor: Actor) -> tuple[Event, Station]:
    event = require_event(session, actor, actor.event_id, "kiosk")
    station = session.get(Station, actor.station_id or 0)
    if station is None or station.event_id != event.id:
        raise Forbidden("This kiosk belongs to no station of the event.")
    return event, station


def identify(session: Session, actor: Actor, who: dict[str, Any], secret: str) -> Participant:
    """Return the participant a scanned or typed code names (name and organisation are shown)."""
    event, _station = _kiosk_event(session, actor)
    return participant_for(session, event, who, secret)[0]


def kiosk_note(
    session: Session, actor: Actor, data: dict[str, Any], secret: str
) -> tuple[Note, bool]:
    """Store a note for the participant of this entry; its station is this one unless given."""
    event, station = _kiosk_event(session, actor)
    person, _credential = entry_person(session, actor, event, data, secret)
    body = {
        "client_id": data["client_id"],
        "station_id": data.get("station_id") or station.id,
        "round": None,
        "text": data["text"],
    }
    return capture.create_note(session, as_participant(actor, person), body)


def kiosk_follow_up(
    session: Session, actor: Actor, data: dict[str, Any], secret: str
) -> tuple[FollowUp, bool]:
    """Store the participant's "please contact me" to this station.

    Their contact details are shared only when their own credential named them: a name tapped
    on the list leaves the request under their pseudonym, whatever share_contact says.
    """
    event, station = _kiosk_event(session, actor)
    person, credential = entry_person(session, actor, event, data, secret)
    body = {
        "client_id": data["client_id"],
        "station_id": station.id,
        "topic": data["topic"],
        "message": data["message"],
        "share_contact": bool(data["share_contact"]) and credential,
    }
    return capture.create_follow_up(session, as_participant(actor, person), body)


def kiosk_check_in(
    session: Session, actor: Actor, data: dict[str, Any], secret: str
) -> tuple[CheckIn, bool]:
    """Check the participant in at this station."""
    event, station = _kiosk_event(session, actor)
    person, _credential = entry_person(session, actor, event, data, secret)
    body = {"client_id": data["client_id"], "station_code": station.code}
    return capture.create_check_in(session, as_participant(actor, person), body)


def kiosk_roster(session: Session, actor: Actor) -> dict[str, Any]:
    """Return who is expected at this station this round (and who checked in): names only."""
    event, station = _kiosk_event(session, actor)
    full = live.rosters(session, clock.load_snapshot(session, event), [station.id])[station.id]
    people: dict[int, dict[str, Any]] = {}
    for entry in [*full["expected"], *full["walk_ins"]]:
        pid = entry["participant_id"]
        people[pid] = {"id": pid, "name": entry["name"], "organisation": entry["organisation"]}
    return {
        "station_id": station.id,
        "round": full["round"],
        "upcoming": full["upcoming"],
        "people": sorted(people.values(), key=lambda p: (p["name"].casefold(), p["id"])),
    }


def find_people(session: Session, actor: Actor, query: str, limit: int = 12) -> list[Participant]:
    """Return participants whose name contains every word of the query (2 letters at least)."""
    event, _station = _kiosk_event(session, actor)
    words = [w.replace("%", "").replace("_", "") for w in query.split()][:4]
    words = [w for w in words if w]
    if sum(len(w) for w in words) < 2:
        return []
    stmt = select(Participant).where(Participant.event_id == event.id)
    for word in words:
        stmt = stmt.where(Participant.name.ilike(f"%{word}%"))
    return list(session.scalars(stmt.order_by(Participant.name).limit(limit)))


def identify_person(
    session: Session, actor: Actor, event_id: int, who: dict[str, Any], secret: str
) -> Participant:
    """Return the participant a scanned route card or badge names (a host picking a lead)."""
    event = require_event(session, actor, event_id, "host", "organiser", "facilitator")
    return participant_for(session, event, who, secret)[0]
