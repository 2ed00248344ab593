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
    open_places = fields.Integer(
        metadata={"description": "stations in the rounds to come, of every parcours of the day"}
    )


class AttendanceParcoursOut(Schema):
    """One parcours of the day on the attendance console."""

    segment_id = fields.Integer()
    title = fields.String()
    kept_rounds = fields.Integer(metadata={"description": "rounds started (kept as they are)"})
    open_rounds = fields.Integer(metadata={"description": "rounds not yet started"})
    locked = fields.Boolean()


class AttendanceOut(Schema):
    event_id = fields.Integer()
    closed = fields.Boolean()
    segment_id = fields.Integer(
        allow_none=True, metadata={"description": "the parcours running or next"}
    )
    locked = fields.Boolean(metadata={"description": "the plan of the parcours running or next"})
    kept_rounds = fields.Integer(metadata={"description": "of the parcours running or next"})
    open_rounds = fields.Integer(
        metadata={"description": "rounds not yet started, of every parcours of the day"}
    )
    segments = fields.List(fields.Nested(AttendanceParcoursOut))
    present = fields.Integer()
    participants = fields.List(fields.Nested(AttendeeOut))
    changed = fields.List(fields.Integer())
