"""Join, events, stations and participants."""

from __future__ import annotations

from flask import url_for

from parcours.domain.vocabulary import STAFF
from parcours.operations import Call, Result, operation
from parcours.operations.limits import JOIN_ADDRESS, check_address
from parcours.schemas.common import load
from parcours.schemas.event import (
    EventSchema,
    JoinResultSchema,
    JoinSchema,
    ParticipantPublicSchema,
    ParticipantSchema,
    RegistrationIn,
    RegistrationOut,
    StationSchema,
)
from parcours.services.common import require_event
from parcours.services.setup import participants as people
from parcours.services.setup import registration


@operation("POST /join/<join_code>", request=JoinSchema, response=JoinResultSchema)
def join(call: Call) -> Result:
    """Register yourself for an event"""
    check_address("join", JOIN_ADDRESS, call.client)  # a venue NAT passes, a script not
    data = load(JoinSchema(), call.body)
    participant, token = people.join(call.session, call.params["join_code"], data)
    url = url_for("participant.phone", token=token, _external=True)
    return 201, JoinResultSchema().dump({"participant": participant, "token": token, "url": url})


@operation("GET /events/<int:event_id>", roles=STAFF, response=EventSchema)
def get_event(call: Call) -> Result:
    """The event, agenda and stations"""
    event = require_event(*call.in_event, *STAFF)
    return 200, EventSchema().dump(event)


@operation(
    "GET /events/<int:event_id>/stations",
    roles=STAFF + ("screen", "host", "participant"),
    response=StationSchema,
)
def list_stations(call: Call) -> Result:
    """The event's stations"""
    event = require_event(*call.in_event)
    return 200, StationSchema(many=True).dump(event.stations)


@operation("GET /events/<int:event_id>/participants", roles=STAFF, response=ParticipantSchema)
def list_participants(call: Call) -> Result:
    """The event's participants (with contact details: organiser only)"""
    event = require_event(*call.in_event, *STAFF)
    rows = people.list_participants(call.session, event.id)
    if call.who.role == "organiser":
        return 200, ParticipantSchema(many=True).dump(rows)
    return 200, ParticipantPublicSchema(many=True).dump(rows)


@operation("GET /events/<int:event_id>/registration", roles=STAFF, response=RegistrationOut)
def get_registration(call: Call) -> Result:
    """Self-registration: open or closed, its cap, how many registered"""
    event = require_event(*call.in_event, *STAFF)
    return 200, RegistrationOut().dump(registration.state(call.session, event))


@operation(
    "POST /events/<int:event_id>/registration",
    roles=("organiser",),
    request=RegistrationIn,
    response=RegistrationOut,
    limited=True,
)
def set_registration(call: Call) -> Result:
    """Close or reopen self-registration, or set its cap (max_participants; null: places)"""
    data = load(RegistrationIn(), call.body)
    event = registration.update(*call.in_event, data)
    return 200, RegistrationOut().dump(registration.state(call.session, event))
