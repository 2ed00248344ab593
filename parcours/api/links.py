"""Replace a leaked link (facilitator, screen, a station's host, a participant)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from parcours.operations import Call, Result, operation
from parcours.schemas.capture import record_id
from parcours.schemas.common import StrictSchema, load
from parcours.services.setup import links

PAGES = {"facilitator": "f", "screen": "s", "host": "h", "participant": "p"}


class LinkRotateIn(StrictSchema):
    """Which link to replace: a role, with the station of a host or the participant."""

    role = fields.String(required=True, validate=validate.OneOf(links.ROTATABLE))
    station_id = record_id(required=False)
    participant_id = record_id(required=False)


class LinkRotateOut(Schema):
    """The new link; the old one no longer works (HTTP and sockets)."""

    role = fields.String()
    token = fields.String()
    url = fields.String()
    station_id = fields.Integer(allow_none=True)
    participant_id = fields.Integer(allow_none=True)
    personal_code = fields.String(allow_none=True)


@operation(
    "rotate_link",
    "POST",
    "/events/<int:event_id>/links/rotate",
    summary="Replace a facilitator, screen, host (station_id) or participant (participant_id) "
    "link: the old one stops working at once, over HTTP and on open sockets",
    roles=("organiser",),
    request=LinkRotateIn,
    response=LinkRotateOut,
)
def rotate_link(call: Call) -> Result:
    assert call.actor is not None
    data = load(LinkRotateIn(), call.body)
    done = links.rotate_link(
        call.session,
        call.actor,
        call.params["event_id"],
        data["role"],
        station_id=data.get("station_id"),
        participant_id=data.get("participant_id"),
    )
    return 200, LinkRotateOut().dump(
        {
            "role": done.role,
            "token": done.token,
            "url": f"/{PAGES[done.role]}/{done.token}",
            "station_id": done.station_id,
            "participant_id": done.participant_id,
            "personal_code": done.personal_code,
        }
    )
