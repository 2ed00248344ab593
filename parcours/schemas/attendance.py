"""Attendance on the console: who is here, bulk present/absent."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from parcours.schemas.common import StrictSchema
from parcours.schemas.event import ParticipantPublicSchema


class AttendanceSetSchema(StrictSchema):
    """POST /events/{id}/attendance: mark some participants present or absent."""

    participant_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1)),
        required=True,
        validate=validate.Length(min=1, max=5000),
    )
    present = fields.Boolean(required=True)


class AttendeeOut(ParticipantPublicSchema):
    """A participant on the attendance console."""

    present = fields.Boolean()
    late = fields.Boolean(metadata={"description": "arrived late or registered after the plan"})
    open_places = fields.Integer(metadata={"description": "stations in the rounds to come"})


class AttendanceOut(Schema):
    event_id = fields.Integer()
    closed = fields.Boolean()
    locked = fields.Boolean()
    kept_rounds = fields.Integer()
    open_rounds = fields.Integer()
    present = fields.Integer()
    participants = fields.List(fields.Nested(AttendeeOut))
    changed = fields.List(fields.Integer())
