"""Kiosk mode of a station tablet: enter and leave with the host's code, names, entries."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for

from parcours.api.auth import secret
from parcours.api.capture import created, push_roster, tell_station
from parcours.domain import rooms
from parcours.operations import Call, Result, operation
from parcours.operations.limits import KIOSK_PINS, FailureGuard
from parcours.operations.limits import guard as guard_named
from parcours.schemas.capture import CheckInOut, FollowUpOut, NoteOut
from parcours.schemas.common import load
from parcours.schemas.kiosk import (
    KioskCheckInIn,
    KioskExitOut,
    KioskFollowUpIn,
    KioskFoundOut,
    KioskNoteIn,
    KioskPersonOut,
    KioskPinIn,
    KioskRosterOut,
    KioskStartOut,
    WhoIn,
)
from parcours.services import lookups
from parcours.services.broadcasts import Broadcast, publish
from parcours.services.capture import kiosk

WRITE = {"limited": True}
GUARD_KEY = "parcours_kiosk_pins"


def guard() -> FailureGuard:
    """Return the app's counter of wrong kiosk codes (5 a minute per kiosk token)."""
    found = guard_named("kiosk_pins", KIOSK_PINS)
    current_app.extensions[GUARD_KEY] = found
    return found


def tell_participant(participant_id: int | None, kind: str, record: Any) -> None:
    """Show an entry made in a participant's name at a kiosk on their phone at once."""
    if participant_id is not None:
        publish(
            Broadcast(
                rooms.participant_room(participant_id),
                "kiosk_entry",
                {"kind": kind, "record": record},
            )
        )


@operation(
    "kiosk_start",
    "POST",
    "/kiosk",
    summary="Turn the host's tablet into a kiosk for participants, guarded by a code of 4-8 digits",
    roles=("host",),
    request=KioskPinIn,
    response=KioskStartOut,
)
def kiosk_start(call: Call) -> Result:
    assert call.actor is not None
    data = load(KioskPinIn(), call.body)
    row = kiosk.start_kiosk(call.session, call.actor, data["pin"])
    return 201, {"token": row.token, "url": url_for("kiosk.kiosk_page", token=row.token)}


@operation(
    "kiosk_exit",
    "POST",
    "/kiosk/exit",
    summary="Leave kiosk mode with the host's code: the kiosk token ends, the host page opens",
    roles=("kiosk",),
    request=KioskPinIn,
    response=KioskExitOut,
)
def kiosk_exit(call: Call) -> Result:
    assert call.actor is not None
    data = load(KioskPinIn(), call.body)
    token = call.token or ""
    host = kiosk.exit_kiosk(call.session, call.actor, token, data["pin"], guard())
    return 200, {"url": url_for("host.host", token=host)}


@operation(
    "kiosk_roster",
    "GET",
    "/kiosk/roster",
    summary="Who is expected at the kiosk's station this round: names and organisations only",
    roles=("kiosk",),
    response=KioskRosterOut,
)
def kiosk_roster(call: Call) -> Result:
    assert call.actor is not None
    return 200, KioskRosterOut().dump(kiosk.kiosk_roster(call.session, call.actor))


@operation(
    "kiosk_people",
    "GET",
    "/kiosk/people",
    summary="Find a participant by name (?q=) at the kiosk: names and organisations only; "
    "here=false: not at this station now, so an entry needs their personal code",
    roles=("kiosk",),
    response=KioskFoundOut,
    query=("q",),
)
def kiosk_people(call: Call) -> Result:
    assert call.actor is not None
    query = (call.query.get("q") or "").strip()[:80]
    rows = kiosk.find_people(call.session, call.actor, query)
    here = kiosk.here_now(call.session, call.actor) if rows else set()
    found = [{**KioskPersonOut().dump(p), "here": p.id in here} for p in rows]
    return 200, KioskFoundOut(many=True).dump(found)


@operation(
    "kiosk_identify",
    "POST",
    "/kiosk/identify",
    summary="Name the participant of a scanned route card or badge, or of a typed personal code "
    "(name and organisation only)",
    roles=("kiosk",),
    request=WhoIn,
    response=KioskPersonOut,
    **WRITE,
)
def kiosk_identify(call: Call) -> Result:
    assert call.actor is not None
    who = load(WhoIn(), call.body)
    person = kiosk.identify(call.session, call.actor, who, secret())
    return 200, KioskPersonOut().dump(person)


@operation(
    "kiosk_note",
    "POST",
    "/kiosk/notes",
    summary="Write a note at the kiosk for the participant named in the body, as their own",
    roles=("kiosk",),
    request=KioskNoteIn,
    response=NoteOut,
    socket="kiosk_note",
    **WRITE,
)
def kiosk_note(call: Call) -> Result:
    assert call.actor is not None
    data = load(KioskNoteIn(), call.body)
    note, fresh = kiosk.kiosk_note(call.session, call.actor, data, secret())
    body = NoteOut().dump(note)
    if fresh:
        tell_participant(note.participant_id, "note", body)
    return created(fresh), body


@operation(
    "kiosk_follow_up",
    "POST",
    "/kiosk/follow-ups",
    summary="Ask the kiosk's station to contact the participant named in the body, as their own; "
    "contact details are shared only when their own code names them (else: pseudonym)",
    roles=("kiosk",),
    request=KioskFollowUpIn,
    response=FollowUpOut,
    socket="kiosk_follow_up",
    **WRITE,
)
def kiosk_follow_up(call: Call) -> Result:
    assert call.actor is not None
    data = load(KioskFollowUpIn(), call.body)
    row, fresh = kiosk.kiosk_follow_up(call.session, call.actor, data, secret())
    body = FollowUpOut().dump(row)
    if fresh:
        tell_station(call, row)
        tell_participant(row.participant_id, "follow_up", body)
    return created(fresh), body


@operation(
    "kiosk_check_in",
    "POST",
    "/kiosk/check-ins",
    summary="Check the participant named in the body in at the kiosk's station",
    roles=("kiosk",),
    request=KioskCheckInIn,
    response=CheckInOut,
    socket="kiosk_check_in",
    **WRITE,
)
def kiosk_check_in(call: Call) -> Result:
    assert call.actor is not None
    data = load(KioskCheckInIn(), call.body)
    row, fresh = kiosk.kiosk_check_in(call.session, call.actor, data, secret())
    station = lookups.station(call.session, row.station_id)
    body = {**CheckInOut().dump(row), "station_name": station.name if station else ""}
    if fresh:
        tell_participant(row.participant_id, "check_in", body)
        push_roster(call, row.station_id)
    return created(fresh), body
