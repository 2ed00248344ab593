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
    ParticipantSchema,
    RegistrationIn,
    RegistrationOut,
    StationSchema,
)
from parcours.services.common import require_event
from parcours.services.setup import participants as people
from parcours.services.setup import registration


@operation(
    "join",
    "POST",
    "/join/<join_code>",
    summary="Register yourself for an event",
    request=JoinSchema,
    response=JoinResultSchema,
)
def join(call: Call) -> Result:
    check_address("join", JOIN_ADDRESS, call.client)  # a venue NAT passes, a script not
    data = load(JoinSchema(), call.body)
    participant, token = people.join(call.session, call.params["join_code"], data)
    url = url_for("participant.phone", token=token, _external=True)
    return 201, JoinResultSchema().dump({"participant": participant, "token": token, "url": url})


@operation(
    "get_event",
    "GET",
    "/events/<int:event_id>",
    summary="The event, agenda and stations",
    roles=STAFF,
    response=EventSchema,
)
def get_event(call: Call) -> Result:
    assert call.actor is not None
    event = require_event(call.session, call.actor, call.params["event_id"], *STAFF)
    return 200, EventSchema().dump(event)


@operation(
    "list_stations",
    "GET",
    "/events/<int:event_id>/stations",
    summary="The event's stations",
    roles=STAFF + ("screen", "host", "participant"),
    response=StationSchema,
)
def list_stations(call: Call) -> Result:
    assert call.actor is not None
    event = require_event(call.session, call.actor, call.params["event_id"])
    return 200, StationSchema(many=True).dump(event.stations)


@operation(
    "list_participants",
    "GET",
    "/events/<int:event_id>/participants",
    summary="The event's participants (with contact details: organiser only)",
    roles=STAFF,
    response=ParticipantSchema,
)
def list_participants(call: Call) -> Result:
    assert call.actor is not None
    event = require_event(call.session, call.actor, call.params["event_id"], *STAFF)
    rows = people.list_participants(call.session, event.id)
    if call.actor.role == "organiser":
        return 200, ParticipantSchema(many=True).dump(rows)
    from parcours.schemas.event import ParticipantPublicSchema

    return 200, ParticipantPublicSchema(many=True).dump(rows)


@operation(
    "get_registration",
    "GET",
    "/events/<int:event_id>/registration",
    summary="Self-registration: open or closed, its cap, how many registered",
    roles=STAFF,
    response=RegistrationOut,
)
def get_registration(call: Call) -> Result:
    assert call.actor is not None
    event = require_event(call.session, call.actor, call.params["event_id"], *STAFF)
    return 200, RegistrationOut().dump(registration.state(call.session, event))


@operation(
    "set_registration",
    "POST",
    "/events/<int:event_id>/registration",
    summary="Close or reopen self-registration, or set its cap (max_participants; null: places)",
    roles=("organiser",),
    request=RegistrationIn,
    response=RegistrationOut,
    limited=True,
)
def set_registration(call: Call) -> Result:
    assert call.actor is not None
    data = load(RegistrationIn(), call.body)
    event = registration.update(call.session, call.actor, call.params["event_id"], data)
    return 200, RegistrationOut().dump(registration.state(call.session, event))
