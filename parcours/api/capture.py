"""Capture: notes, follow-ups, leads, check-ins and the station's follow-up list."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import segno
from flask import Response

from parcours.api.after import station_file
from parcours.api.auth import secret
from parcours.api.once import store_once
from parcours.domain import rooms
from parcours.domain.errors import Forbidden, Invalid
from parcours.domain.vocabulary import STATION_STAFF
from parcours.operations import Call, Result, operation
from parcours.schemas.capture import (
    CheckInIn,
    CheckInOut,
    FollowUpIn,
    FollowUpOut,
    LeadIn,
    LeadOut,
    NoteIn,
    NoteOut,
    PersonOut,
    StationFollowUpOut,
)
from parcours.schemas.common import load
from parcours.schemas.kiosk import WhoIn
from parcours.schemas.live import RosterSchema
from parcours.services import capture, lookups
from parcours.services.broadcasts import Broadcast, publish
from parcours.services.capture import kiosk
from parcours.services.capture import lists as capture_lists
from parcours.services.common import get_event, require_event
from parcours.services.event_day import clock, live
from parcours.web.checkin import check_in_url

if TYPE_CHECKING:
    from parcours.storage import FollowUp, Participant

WRITE = {"limited": True}

# Schemas keep no state between calls: one instance each, built once instead of on every write.
NOTE_IN, NOTE_OUT = NoteIn(), NoteOut()
FOLLOW_UP_IN, FOLLOW_UP_OUT = FollowUpIn(), FollowUpOut()
LEAD_IN, LEAD_OUT = LeadIn(), LeadOut()
CHECK_IN_IN, CHECK_IN_OUT = CheckInIn(), CheckInOut()
STATION_FOLLOW_UP_OUT = StationFollowUpOut()


@operation(
    "POST /notes",
    roles=("participant", "host"),
    request=NoteIn,
    response=NoteOut,
    socket="note",
    limited=True,
)
def create_note(call: Call) -> Result:
    """Write a note (participant: any station; host: their own station)"""
    return store_once(call, NOTE_IN, capture.create_note, NOTE_OUT.dump)


@operation(
    "POST /follow-ups",
    roles=("participant",),
    request=FollowUpIn,
    response=FollowUpOut,
    socket="follow_up",
    limited=True,
)
def create_follow_up(call: Call) -> Result:
    """Ask a station to contact you (share your contact details only if you choose to)"""
    return store_once(
        call, FOLLOW_UP_IN, capture.create_follow_up, FOLLOW_UP_OUT.dump, tell_station
    )


def tell_station(call: Call, row: Any, _body: Any = None) -> None:
    """Send a new contact request to its station's host devices (never to a kiosk)."""
    person = lookups.participant(call.session, row.participant_id)
    if person is not None:
        shared = capture_lists.sharing_with(call.session, row.station_id, person.id)
        publish(
            Broadcast(
                rooms.station_room(row.station_id),
                "follow_up",
                station_follow_up(row, person, person.id in shared),
            )
        )


@operation(
    "POST /follow-ups/<int:follow_up_id>/withdraw-consent",
    roles=("participant",),
    response=FollowUpOut,
    socket="withdraw_consent",
    limited=True,
)
def withdraw_consent(call: Call) -> Result:
    """Stop sharing your contact details with the station of one of your contact requests (consent
    is per person and station: all your requests to it stop sharing)
    """
    follow_up_id = call.params.get("follow_up_id")
    if isinstance(follow_up_id, bool) or not isinstance(follow_up_id, int) or follow_up_id < 1:
        raise Invalid(
            "follow_up_id: must be the id of a contact request",
            {"follow_up_id": ["must be a positive integer"]},
        )
    row, changed = capture.withdraw_consent(call.session, call.who, follow_up_id)
    person = lookups.participant(call.session, row.participant_id)
    if changed and person is not None:  # the station's tablets show the pseudonym from now on
        for item in changed:
            publish(
                Broadcast(
                    rooms.station_room(item.station_id),
                    "follow_up",
                    station_follow_up(item, person, False),
                )
            )
    return 200, FOLLOW_UP_OUT.dump(row)


@operation(
    "POST /leads", roles=("host",), request=LeadIn, response=LeadOut, socket="lead", limited=True
)
def create_lead(call: Call) -> Result:
    """Record that your station will follow up with a participant"""
    return store_once(call, LEAD_IN, capture.create_lead, LEAD_OUT.dump, tell_lead)


def tell_lead(_call: Call, lead: Any, body: dict[str, Any]) -> None:
    """Show a new lead on its station's tablets."""
    publish(Broadcast(rooms.station_room(lead.station_id), "lead", body))


@operation(
    "POST /check-ins",
    roles=("participant",),
    request=CheckInIn,
    response=CheckInOut,
    socket="check_in",
    limited=True,
)
def create_check_in(call: Call) -> Result:
    """Check in at a station by its code (from its QR code or typed)"""
    return store_once(call, CHECK_IN_IN, capture.create_check_in, check_in_dump(call), tell_roster)


def check_in_dump(call: Call) -> Callable[[Any], dict[str, Any]]:
    """Return how a check-in is answered: with its station's name."""

    def dump(row: Any) -> dict[str, Any]:
        station = lookups.station(call.session, row.station_id)
        return {**CHECK_IN_OUT.dump(row), "station_name": station.name if station else ""}

    return dump


def tell_roster(call: Call, row: Any, _body: Any = None) -> None:
    """Send the station's tablets their roster again: someone just checked in."""
    station_id = row.station_id
    snap = clock.load_snapshot(call.session, get_event(call.session, call.who.event_id))
    roster = live.rosters(call.session, snap, [station_id])[station_id]
    publish(Broadcast(rooms.station_room(station_id), "roster", RosterSchema().dump(roster)))


def station_follow_up(row: FollowUp, person: Participant, shared: bool) -> dict[str, Any]:
    """Return a follow-up as the station sees it: contact details only with consent.

    shared: the person agreed to share their contact with this station (in any request).
    """
    return {
        **STATION_FOLLOW_UP_OUT.dump(row),
        "participant": capture_lists.contact_of(person, shared),
        "contact_shared": shared,
    }


@operation(
    "GET /events/<int:event_id>/stations/<int:station_id>/follow-ups",
    roles=("organiser", "host"),
    response=StationFollowUpOut,
    query=("format",),
)
def station_follow_ups(call: Call) -> Result:
    """A station's follow-up requests (JSON; ?format= for the export pack)"""
    fmt = (call.query.get("format") or "").strip().lower()
    rows = capture_lists.station_follow_ups(*call.in_event, call.params["station_id"])
    if fmt and fmt != "json":
        return _station_pack(call, fmt)
    shared = capture_lists.sharing_with(call.session, call.params["station_id"])
    return 200, [station_follow_up(row, person, person.id in shared) for row, person in rows]


def _station_pack(call: Call, fmt: str) -> Result:
    """Answer ?format= with the station's file (CSV, XLSX, vCard or ZIP pack)."""
    return station_file(call, fmt)


@operation(
    "GET /events/<int:event_id>/people",
    roles=STATION_STAFF,
    response=PersonOut,
    query=("q",),
)
def find_people(call: Call) -> Result:
    """Find participants by name or organisation (?q=), e.g. to record a lead"""
    query = (call.query.get("q") or "").strip()[:80]
    rows = capture_lists.find_people(*call.in_event, query)
    return 200, PersonOut(many=True).dump(rows)


@operation(
    "POST /events/<int:event_id>/people/identify",
    roles=STATION_STAFF,
    request=WhoIn,
    response=PersonOut,
    limited=True,
)
def identify_person(call: Call) -> Result:
    """Name the participant of a scanned route card or badge, e.g. to record a lead"""
    who = load(WhoIn(), call.body)
    person = kiosk.identify_person(*call.in_event, who, secret())
    return 200, PersonOut().dump(person)


@operation(
    "GET /events/<int:event_id>/stations/<int:station_id>/check-in-qr",
    roles=STATION_STAFF,
    raw=True,
)
def station_check_in_qr(call: Call) -> Result:
    """The QR code (SVG) participants scan to check in at a station: it holds the address /c/<code>
    (a camera app opens it; the page's scanner reads the code from it)
    """
    event = require_event(*call.in_event)
    if call.who.role == "host" and call.who.station_id != call.params["station_id"]:
        raise Forbidden("A station host sees only their own station's code.")
    station = capture.station_of(call.session, event.id, call.params["station_id"], "station_id")
    out = io.BytesIO()
    url = check_in_url(station.code)
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=8, border=2)
    headers = {"Cache-Control": "private, max-age=3600"}
    return 200, Response(out.getvalue(), mimetype="image/svg+xml", headers=headers)
