"""Kiosk mode of a station tablet: enter and leave with the host's code, names, entries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import url_for

from parcours import process
from parcours.api.auth import secret
from parcours.api.capture import check_in_dump, tell_roster, tell_station
from parcours.api.once import Tell, UseCase, store_once
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
from parcours.services.broadcasts import Broadcast, publish
from parcours.services.capture import kiosk

WRITE = {"limited": True}


def signed(use_case: Callable[..., tuple[Any, bool]]) -> UseCase:
    """Return the kiosk use case with the app's secret (it checks badge codes with it)."""
    return lambda session, actor, data: use_case(session, actor, data, secret())


def tell_phone(kind: str) -> Tell:
    """Return how an entry of this kind made at a kiosk is shown on its person's phone."""

    def tell(_call: Call, row: Any, body: dict[str, Any]) -> None:
        if row.participant_id is not None:
            entry = {"kind": kind, "record": body}
            publish(Broadcast(rooms.participant_room(row.participant_id), "kiosk_entry", entry))

    return tell


@operation("POST /kiosk", roles=("host",), request=KioskPinIn, response=KioskStartOut)
def kiosk_start(call: Call) -> Result:
    """Turn the host's tablet into a kiosk for participants, guarded by a code of 4-8 digits"""
    data = load(KioskPinIn(), call.body)
    row = kiosk.start_kiosk(call.session, call.who, data["pin"])
    return 201, {"token": row.token, "url": url_for("kiosk.kiosk_page", token=row.token)}


@operation("POST /kiosk/exit", roles=("kiosk",), request=KioskPinIn, response=KioskExitOut)
def kiosk_exit(call: Call) -> Result:
    """Leave kiosk mode with the host's code: the kiosk token ends, the host page opens"""
    data = load(KioskPinIn(), call.body)
    token = call.token or ""
    host = kiosk.exit_kiosk(call.session, call.who, token, data["pin"], process.kiosk_pins())
    return 200, {"url": url_for("host.host", token=host)}


@operation("GET /kiosk/roster", roles=("kiosk",), response=KioskRosterOut)
def kiosk_roster(call: Call) -> Result:
    """Who is expected at the kiosk's station this round: names and organisations only"""
    return 200, KioskRosterOut().dump(kiosk.kiosk_roster(call.session, call.who))


@operation("GET /kiosk/people", roles=("kiosk",), response=KioskFoundOut, query=("q",))
def kiosk_people(call: Call) -> Result:
    """Find a participant by name (?q=) at the kiosk: names and organisations only; here=false: not
    at this station now, so an entry needs their personal code
    """
    query = (call.query.get("q") or "").strip()[:80]
    rows = kiosk.find_people(call.session, call.who, query)
    here = kiosk.here_now(call.session, call.who) if rows else set()
    found = [{**KioskPersonOut().dump(p), "here": p.id in here} for p in rows]
    return 200, KioskFoundOut(many=True).dump(found)


@operation(
    "POST /kiosk/identify", roles=("kiosk",), request=WhoIn, response=KioskPersonOut, limited=True
)
def kiosk_identify(call: Call) -> Result:
    """Name the participant of a scanned route card or badge, or of a typed personal code (name and
    organisation only)
    """
    who = load(WhoIn(), call.body)
    person = kiosk.identify(call.session, call.who, who, secret())
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
    return store_once(
        call, KioskNoteIn(), signed(kiosk.kiosk_note), NoteOut().dump, tell_phone("note")
    )


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
    use_case = signed(kiosk.kiosk_follow_up)
    return store_once(call, KioskFollowUpIn(), use_case, FollowUpOut().dump, tell_both)


def tell_both(call: Call, row: Any, body: dict[str, Any]) -> None:
    """A contact request made at a kiosk: to the station's tablets and the person's phone."""
    tell_station(call, row)
    tell_phone("follow_up")(call, row, body)


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
    use_case = signed(kiosk.kiosk_check_in)
    return store_once(call, KioskCheckInIn(), use_case, check_in_dump(call), tell_check_in)


def tell_check_in(call: Call, row: Any, body: dict[str, Any]) -> None:
    """A check-in made at a kiosk: to the person's phone and the station's roster."""
    tell_phone("check_in")(call, row, body)
    tell_roster(call, row)
