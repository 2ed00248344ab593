"""Kiosk mode of a station tablet: enter and leave with the host's code, names, entries."""

from __future__ import annotations

from flask import current_app, request, url_for

from parcours.api.auth import bearer
from parcours.api.capture import created, push_roster, tell_station
from parcours.api.limits import KIOSK_PINS, FailureGuard
from parcours.api.limits import guard as guard_named
from parcours.api.registry import Call, Result, operation
from parcours.schemas.capture import CheckInOut, FollowUpOut, NoteOut
from parcours.schemas.common import load
from parcours.schemas.kiosk import (
    KioskCheckInIn,
    KioskExitOut,
    KioskFollowUpIn,
    KioskNoteIn,
    KioskPersonOut,
    KioskPinIn,
    KioskRosterOut,
    KioskStartOut,
    WhoIn,
)
from parcours.services import kiosk
from parcours.storage import Station

WRITE = {"limited": True}
GUARD_KEY = "parcours_kiosk_pins"


def guard() -> FailureGuard:
    """Return the app's counter of wrong kiosk codes (5 a minute per kiosk token)."""
    found = guard_named("kiosk_pins", KIOSK_PINS)
    current_app.extensions[GUARD_KEY] = found
    return found


def secret() -> str:
    """Return the key that signs badge codes."""
    return str(current_app.config["SECRET_KEY"])


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
    token = bearer(request.headers.get("Authorization")) or ""
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
    summary="Find a participant by name (?q=) at the kiosk: names and organisations only",
    roles=("kiosk",),
    response=KioskPersonOut,
    query=("q",),
)
def kiosk_people(call: Call) -> Result:
    assert call.actor is not None
    query = (call.query.get("q") or "").strip()[:80]
    rows = kiosk.find_people(call.session, call.actor, query)
    return 200, KioskPersonOut(many=True).dump(rows)


@operation(
    "kiosk_identify",
    "POST",
    "/kiosk/identify",
    summary="Name the participant of a scanned route card or badge (name and organisation only)",
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
    return created(fresh), NoteOut().dump(note)


@operation(
    "kiosk_follow_up",
    "POST",
    "/kiosk/follow-ups",
    summary="Ask the kiosk's station to contact the participant named in the body, as their own",
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
    if fresh:
        tell_station(call, row)
    return created(fresh), FollowUpOut().dump(row)


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
    station = call.session.get(Station, row.station_id)
    body = {**CheckInOut().dump(row), "station_name": station.name if station else ""}
    if fresh:
        push_roster(call, row.station_id)
    return created(fresh), body
