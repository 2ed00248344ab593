"""Inputs after the event: export formats and the shred confirmation."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from parcours.exports import FORMATS, STATION_FORMATS
from parcours.schemas.common import StrictSchema


class EventExportQuery(StrictSchema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(FORMATS))


class StationExportQuery(StrictSchema):
    format = fields.String(
        load_default="json", validate=validate.OneOf(("json", "html", *STATION_FORMATS))
    )


class ShredRequest(StrictSchema):
    """The API's shred body: optional; {"confirm": false} does nothing."""

    confirm = fields.Boolean(load_default=True)


class ShredForm(StrictSchema):
    """The organiser page's confirmation: a ticked box and the event's join code typed in."""

    from_form = True

    csrf_token = fields.String(load_default=None)
    understood = fields.String(
        required=True, validate=validate.Equal("yes", error="please confirm that you understand")
    )
    join_code = fields.String(required=True, validate=validate.Length(min=1, max=16))


class ShredResultSchema(Schema):
    event_id = fields.Integer()
    shredded_at = fields.DateTime()
    already = fields.Boolean()
    deleted = fields.Dict(keys=fields.String(), values=fields.Integer())
