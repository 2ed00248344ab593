"""Kiosk mode of a station tablet: enter and leave with the host's code, names, entries."""

from __future__ import annotations

from typing import Any

from flask import url_for

from parcours import process
from parcours.api.auth import secret
from parcours.api.capture import created, push_roster, tell_station
from parcours.domain import rooms
from parcours.operations import Call, Result, operation
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
from parcours.services import kiosk, lookups
from parcours.services.broadcasts import Broadcast, publish

WRITE = {"limited": True}


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


@operation("POST /kiosk", roles=("host",), request=KioskPinIn, response=KioskStartOut)
def kiosk_start(call: Call) -> Result:
    """Turn the host's tablet into a kiosk for participants, guarded by a code of 4-8 digits"""
    assert call.actor is not None
    data = load(KioskPinIn(), call.body)
    row = kiosk.start_kiosk(call.session, call.actor, data["pin"])
    return 201, {"token": row.token, "url": url_for("kiosk.kiosk_page", token=row.token)}


@operation("POST /kiosk/exit", roles=("kiosk",), request=KioskPinIn, response=KioskExitOut)
def kiosk_exit(call: Call) -> Result:
    """Leave kiosk mode with the host's code: the kiosk token ends, the host page opens"""
    assert call.actor is not None
    data = load(KioskPinIn(), call.body)
    token = call.token or ""
    host = kiosk.exit_kiosk(call.session, call.actor, token, data["pin"], process.kiosk_pins())
    return 200, {"url": url_for("host.host", token=host)}


@operation("GET /kiosk/roster", roles=("kiosk",), response=KioskRosterOut)
def kiosk_roster(call: Call) -> Result:
    """Who is expected at the kiosk's station this round: names and organisations only"""
    assert call.actor is not None
    return 200, KioskRosterOut().dump(kiosk.kiosk_roster(call.session, call.actor))


@operation("GET /kiosk/people", roles=("kiosk",), response=KioskFoundOut, query=("q",))
def kiosk_people(call: Call) -> Result:
    """Find a participant by name (?q=) at the kiosk: names and organisations only; here=false: not
    at this station now, so an entry needs their personal code
    """
    assert call.actor is not None
    query = (call.query.get("q") or "").strip()[:80]
    rows = kiosk.find_people(call.session, call.actor, query)
    here = kiosk.here_now(call.session, call.actor) if rows else set()
    found = [{**KioskPersonOut().dump(p), "here": p.id in here} for p in rows]
    return 200, KioskFoundOut(many=True).dump(found)


@operation(
    "POST /kiosk/identify", roles=("kiosk",), request=WhoIn, response=KioskPersonOut, limited=True
)
def kiosk_identify(call: Call) -> Result:
    """Name the participant of a scanned route card or badge, or of a typed personal code (name and
    organisation only)
    """
    assert call.actor is not None
    who = load(WhoIn(), call.body)
    person = kiosk.identify(call.session, call.actor, who, secret())
    return 200, KioskPersonOut().dump(person)


@operation(
    "POST /kiosk/notes",
    roles=("kiosk",),
    request=KioskNoteIn,
    response=NoteOut,
    socket="kiosk_note",
    limited=True,
)
def kiosk_note(call: Call) -> Result:
    """Write a note at the kiosk for the participant named in the body, as their own"""
    assert call.actor is not None
    data = load(KioskNoteIn(), call.body)
    note, fresh = kiosk.kiosk_note(call.session, call.actor, data, secret())
    body = NoteOut().dump(note)
    if fresh:
        tell_participant(note.participant_id, "note", body)
    return created(fresh), body


@operation(
    "POST /kiosk/follow-ups",
    roles=("kiosk",),
    request=KioskFollowUpIn,
    response=FollowUpOut,
    socket="kiosk_follow_up",
    limited=True,
)
def kiosk_follow_up(call: Call) -> Result:
    """Ask the kiosk's station to contact the participant named in the body, as their own; contact
    details are shared only when their own code names them (else: pseudonym)
    """
    assert call.actor is not None
    data = load(KioskFollowUpIn(), call.body)
    row, fresh = kiosk.kiosk_follow_up(call.session, call.actor, data, secret())
    body = FollowUpOut().dump(row)
    if fresh:
        tell_station(call, row)
        tell_participant(row.participant_id, "follow_up", body)
    return created(fresh), body


@operation(
    "POST /kiosk/check-ins",
    roles=("kiosk",),
    request=KioskCheckInIn,
    response=CheckInOut,
    socket="kiosk_check_in",
    limited=True,
)
def kiosk_check_in(call: Call) -> Result:
    """Check the participant named in the body in at the kiosk's station"""
    assert call.actor is not None
    data = load(KioskCheckInIn(), call.body)
    row, fresh = kiosk.kiosk_check_in(call.session, call.actor, data, secret())
    station = lookups.station(call.session, row.station_id)
    body = {**CheckInOut().dump(row), "station_name": station.name if station else ""}
    if fresh:
        tell_participant(row.participant_id, "check_in", body)
        push_roster(call, row.station_id)
    return created(fresh), body
