"""Events, agenda segments, stations and participants as the API shows them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from parcours.schemas.common import (
    ParticipantIn,
    Person,
    StrictBoolean,
    StrictSchema,
)


class SegmentSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    title = fields.String()
    kind = fields.String()
    minutes = fields.Integer()
    rounds = fields.Integer()
    round_minutes = fields.Integer()
    transition_minutes = fields.Integer()
    mode = fields.String()
    plan_locked = fields.Boolean(
        metadata={"description": "a parcours' plan locked on its own (the event's locks all)"}
    )


class StationSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    template = fields.String(allow_none=True)
    name = fields.String()
    kind = fields.String()
    description = fields.String()
    location = fields.String()
    host = fields.String()
    capacity = fields.Integer()
    topics = fields.List(fields.String())
    questions = fields.List(fields.String())


class EventSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    venue = fields.String()
    starts_at = fields.DateTime(allow_none=True)
    timezone = fields.String()
    language = fields.String()
    retention_days = fields.Integer()
    join_code = fields.String()
    auto_advance = fields.Boolean()
    plan_locked = fields.Boolean()
    max_participants = fields.Integer(allow_none=True)
    registration_open = fields.Boolean()
    shredded_at = fields.DateTime(allow_none=True)
    agenda = fields.List(fields.Nested(SegmentSchema), attribute="segments")
    stations = fields.List(fields.Nested(StationSchema))


class ParticipantPublicSchema(Person):
    """What hosts and other participants may see of a person: no contact details."""

    kind = fields.String()


class ParticipantSchema(ParticipantPublicSchema):
    """What the organiser and the person themselves see."""

    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    language = fields.String()
    interests = fields.List(fields.Integer())
    must_visit = fields.List(fields.Integer())
    avoid = fields.List(fields.Integer())
    stay_put = fields.Boolean()
    absent_rounds = fields.List(fields.Integer())
    source = fields.String()
    consent_at = fields.DateTime(allow_none=True)
    present = fields.Boolean()


class JoinSchema(ParticipantIn):
    """Self-registration by the join code; consent must be given explicitly."""

    interests = fields.List(fields.Integer(), load_default=list, validate=validate.Length(max=30))
    # what the plan's rules need, all optional: stations not to be sent to (e.g. one's own
    # employer's), staying at one station (e.g. for mobility), rounds one is not there for
    avoid = fields.List(fields.Integer(), load_default=list, validate=validate.Length(max=30))
    stay_put = fields.Boolean(load_default=False)
    absent_rounds = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=100)),
        load_default=list,
        validate=validate.Length(max=100),
    )
    consent = fields.Boolean(
        required=True,
        validate=validate.Equal(True, error="must be true: please agree to how your data is used"),
    )


class JoinResultSchema(Schema):
    participant = fields.Nested(ParticipantSchema)
    token = fields.String()
    url = fields.String()


class RegistrationIn(StrictSchema):
    """Close or reopen self-registration, set its cap (null: the parcours' places)."""

    open = StrictBoolean()
    max_participants = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=100_000, error="must be between 1 and 100000"),
    )


class RegistrationOut(Schema):
    """Self-registration: open or not, the cap in force and how many have registered."""

    open = fields.Boolean()
    max_participants = fields.Integer(allow_none=True)  # the organiser's cap, if set
    places = fields.Integer(allow_none=True)  # the parcours' places per round
    cap = fields.Integer(allow_none=True)  # max_participants, else places; null: no cap
    registered = fields.Integer()
    remaining = fields.Integer(allow_none=True)
