"""Capture: notes, follow-ups, leads, check-ins and the station's follow-up list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parcours.api.after import station_file
from parcours.api.auth import secret
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
from parcours.services import capture, lookups
from parcours.services.broadcasts import Broadcast, publish
from parcours.services.capture import kiosk
from parcours.services.capture import lists as capture_lists

if TYPE_CHECKING:
    from parcours.storage import FollowUp, Participant

WRITE = {"limited": True}

# Schemas keep no state between calls: one instance each, built once instead of on every write.
NOTE_IN, NOTE_OUT = NoteIn(), NoteOut()
FOLLOW_UP_IN, FOLLOW_UP_OUT = FollowUpIn(), FollowUpOut()
LEAD_IN, LEAD_OUT = LeadIn(), LeadOut()
CHECK_IN_IN, CHECK_IN_OUT = CheckInIn(), CheckInOut()
STATION_FOLLOW_UP_OUT = StationFollowUpOut()


def created(fresh: bool) -> int:
    """Return 201 for a first write, 200 for a repeat of the same client_id."""
    return 201 if fresh else 200


@operation(
    "create_note",
    "POST",
    "/notes",
    summary="Write a note (participant: any station; host: their own station)",
    roles=("participant", "host"),
    request=NoteIn,
    response=NoteOut,
    socket="note",
    **WRITE,
)
def create_note(call: Call) -> Result:
    assert call.actor is not None
    note, fresh = capture.create_note(call.session, call.actor, load(NOTE_IN, call.body))
    return created(fresh), NOTE_OUT.dump(note)


@operation(
    "create_follow_up",
    "POST",
    "/follow-ups",
    summary="Ask a station to contact you (share your contact details only if you choose to)",
    roles=("participant",),
    request=FollowUpIn,
    response=FollowUpOut,
    socket="follow_up",
    **WRITE,
)
def create_follow_up(call: Call) -> Result:
    assert call.actor is not None
    row, fresh = capture.create_follow_up(call.session, call.actor, load(FOLLOW_UP_IN, call.body))
    if fresh:
        tell_station(call, row)
    return created(fresh), FOLLOW_UP_OUT.dump(row)


def tell_station(call: Call, row: Any) -> None:
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
    "withdraw_consent",
    "POST",
    "/follow-ups/<int:follow_up_id>/withdraw-consent",
    summary="Stop sharing your contact details with the station of one of your contact requests "
    "(consent is per person and station: all your requests to it stop sharing)",
    roles=("participant",),
    response=FollowUpOut,
    socket="withdraw_consent",
    **WRITE,
)
def withdraw_consent(call: Call) -> Result:
    assert call.actor is not None
    follow_up_id = call.params.get("follow_up_id")
    if isinstance(follow_up_id, bool) or not isinstance(follow_up_id, int) or follow_up_id < 1:
        raise Invalid(
            "follow_up_id: must be the id of a contact request",
            {"follow_up_id": ["must be a positive integer"]},
        )
    row, changed = capture.withdraw_consent(call.session, call.actor, follow_up_id)
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
    body = FOLLOW_UP_OUT.dump(row)
    call.session.rollback()  # end the read transaction
    return 200, body


@operation(
    "create_lead",
    "POST",
    "/leads",
    summary="Record that your station will follow up with a participant",
    roles=("host",),
    request=LeadIn,
    response=LeadOut,
    socket="lead",
    **WRITE,
)
def create_lead(call: Call) -> Result:
    assert call.actor is not None
    lead, fresh = capture.create_lead(call.session, call.actor, load(LEAD_IN, call.body))
    body = LEAD_OUT.dump(lead)
    if fresh:
        publish(Broadcast(rooms.station_room(lead.station_id), "lead", body))
    return created(fresh), body


@operation(
    "create_check_in",
    "POST",
    "/check-ins",
    summary="Check in at a station by its code (from its QR code or typed)",
    roles=("participant",),
    request=CheckInIn,
    response=CheckInOut,
    socket="check_in",
    **WRITE,
)
def create_check_in(call: Call) -> Result:
    assert call.actor is not None
    row, fresh = capture.create_check_in(call.session, call.actor, load(CHECK_IN_IN, call.body))
    station = lookups.station(call.session, row.station_id)
    body = {**CHECK_IN_OUT.dump(row), "station_name": station.name if station else ""}
    if fresh:
        push_roster(call, row.station_id)
    return created(fresh), body


def push_roster(call: Call, station_id: int) -> None:
    """Send the station's tablets their roster again: someone just checked in."""
    from parcours.schemas.live import RosterSchema
    from parcours.services.common import get_event
    from parcours.services.event_day import clock, live

    assert call.actor is not None
    snap = clock.load_snapshot(call.session, get_event(call.session, call.actor.event_id))
    roster = live.rosters(call.session, snap, [station_id])[station_id]
    publish(Broadcast(rooms.station_room(station_id), "roster", RosterSchema().dump(roster)))
    call.session.rollback()  # end the read transaction


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
    "station_follow_ups",
    "GET",
    "/events/<int:event_id>/stations/<int:station_id>/follow-ups",
    summary="A station's follow-up requests (JSON; ?format= for the export pack)",
    roles=("organiser", "host"),
    response=StationFollowUpOut,
    query=("format",),
)
def station_follow_ups(call: Call) -> Result:
    assert call.actor is not None
    fmt = (call.query.get("format") or "").strip().lower()
    rows = capture_lists.station_follow_ups(
        call.session, call.actor, call.params["event_id"], call.params["station_id"]
    )
    if fmt and fmt != "json":
        return _station_pack(call, fmt)
    shared = capture_lists.sharing_with(call.session, call.params["station_id"])
    return 200, [station_follow_up(row, person, person.id in shared) for row, person in rows]


def _station_pack(call: Call, fmt: str) -> Result:
    """Answer ?format= with the station's file (CSV, XLSX, vCard or ZIP pack)."""
    return station_file(call, fmt)


@operation(
    "find_people",
    "GET",
    "/events/<int:event_id>/people",
    summary="Find participants by name or organisation (?q=), e.g. to record a lead",
    roles=STATION_STAFF,
    response=PersonOut,
    query=("q",),
)
def find_people(call: Call) -> Result:
    assert call.actor is not None
    query = (call.query.get("q") or "").strip()[:80]
    rows = capture_lists.find_people(call.session, call.actor, call.params["event_id"], query)
    return 200, PersonOut(many=True).dump(rows)


@operation(
    "identify_person",
    "POST",
    "/events/<int:event_id>/people/identify",
    summary="Name the participant of a scanned route card or badge, e.g. to record a lead",
    roles=STATION_STAFF,
    request=WhoIn,
    response=PersonOut,
    **WRITE,
)
def identify_person(call: Call) -> Result:
    assert call.actor is not None
    who = load(WhoIn(), call.body)
    person = kiosk.identify_person(call.session, call.actor, call.params["event_id"], who, secret())
    return 200, PersonOut().dump(person)


@operation(
    "station_check_in_qr",
    "GET",
    "/events/<int:event_id>/stations/<int:station_id>/check-in-qr",
    summary="The QR code (SVG) participants scan to check in at a station: it holds the address"
    " /c/<code> (a camera app opens it; the page's scanner reads the code from it)",
    roles=STATION_STAFF,
    raw=True,
)
def station_check_in_qr(call: Call) -> Result:
    import io

    import segno
    from flask import Response

    from parcours.services.common import require_event

    assert call.actor is not None
    event = require_event(call.session, call.actor, call.params["event_id"])
    if call.actor.role == "host" and call.actor.station_id != call.params["station_id"]:
        raise Forbidden("A station host sees only their own station's code.")
    station = capture.station_of(call.session, event.id, call.params["station_id"], "station_id")
    out = io.BytesIO()
    from parcours.web.checkin import check_in_url

    url = check_in_url(station.code)
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=8, border=2)
    headers = {"Cache-Control": "private, max-age=3600"}
    return 200, Response(out.getvalue(), mimetype="image/svg+xml", headers=headers)
