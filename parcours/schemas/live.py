"""The live run of show: clock state, clock actions, announcements, route, roster, board."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields, validate

from parcours.domain.clock import ACTIONS, MAX_EXTEND_S
from parcours.domain.vocabulary import PHASES
from parcours.schemas.common import Person, StrictSchema
from parcours.schemas.event import SegmentSchema
from parcours.storage.capture import DEFAULT_ANNOUNCEMENT_MINUTES


class Instant(fields.DateTime):
    """A UTC instant as ISO 8601 with milliseconds and 'Z' (what Date.parse reads exactly)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError("not a datetime")
        utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


class SegmentRefSchema(SegmentSchema):
    """A segment as the clock state names it: the agenda item plus its index."""

    index = fields.Integer()


class NextStepSchema(Schema):
    segment = fields.Nested(SegmentRefSchema, allow_none=True)
    round = fields.Integer(allow_none=True)
    phase = fields.String()
    duration_s = fields.Integer()


class RoundTimeSchema(Schema):
    round = fields.Integer()
    starts_at = Instant(allow_none=True)  # None: the round is running
    ends_at = Instant()


class TimetableSchema(Schema):
    """Expected times of the parcours now running or next; `floating`: they move with time
    (paused, or not started after the planned start), so add the time since server_time."""

    segment_index = fields.Integer()
    ends_at = Instant()
    rounds = fields.List(fields.Nested(RoundTimeSchema))
    floating = fields.Boolean()


class StateSchema(Schema):
    server_time = Instant()
    event_id = fields.Integer()
    segment = fields.Nested(SegmentRefSchema, allow_none=True)
    round = fields.Integer(allow_none=True)
    rounds = fields.Integer()
    phase = fields.String(validate=validate.OneOf(PHASES))
    paused_phase = fields.String(allow_none=True)
    ends_at = Instant(allow_none=True)
    remaining_s = fields.Float(allow_none=True)
    duration_s = fields.Integer(allow_none=True)
    auto_advance = fields.Boolean()
    total_segments = fields.Integer()
    next = fields.Nested(NextStepSchema, allow_none=True)
    timetable = fields.Nested(TimetableSchema, allow_none=True)
    version = fields.Integer()


class ClockActionSchema(StrictSchema):
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    seconds = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=-MAX_EXTEND_S, max=MAX_EXTEND_S),
    )


class AnnouncementInSchema(StrictSchema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=500))
    minutes = fields.Integer(
        load_default=DEFAULT_ANNOUNCEMENT_MINUTES, validate=validate.Range(min=1, max=240)
    )


class AnnouncementSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    at = Instant(attribute="created_at")
    ends_at = Instant(attribute="shown_until")


class AnnouncementEndSchema(Schema):
    id = fields.Integer()


class StationRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    location = fields.String()
    kind = fields.String()


class RouteStepSchema(Schema):
    round = fields.Integer()
    station = fields.Nested(StationRefSchema)
    group_no = fields.Integer(allow_none=True)


class PersonRefSchema(Person):
    """A participant as their own phone names them."""


class MeSchema(Schema):
    participant = fields.Nested(PersonRefSchema)
    event = fields.Dict()
    segment_id = fields.Integer(allow_none=True)
    segment_index = fields.Integer(allow_none=True)
    mode = fields.String(allow_none=True)
    route = fields.List(fields.Nested(RouteStepSchema))
    current = fields.Nested(RouteStepSchema, allow_none=True)
    next = fields.Nested(RouteStepSchema, allow_none=True)
    notes = fields.List(fields.Raw())
    follow_ups = fields.List(fields.Raw())


class RosterEntrySchema(Schema):
    participant_id = fields.Integer()
    name = fields.String()
    organisation = fields.String()
    group_no = fields.Integer(allow_none=True)
    checked_in = fields.Boolean()


class RosterSchema(Schema):
    station_id = fields.Integer()
    segment_id = fields.Integer(allow_none=True)
    round = fields.Integer(allow_none=True)
    upcoming = fields.Boolean()
    expected = fields.List(fields.Nested(RosterEntrySchema))
    walk_ins = fields.List(fields.Nested(RosterEntrySchema))


class BoardCellSchema(Schema):
    station_id = fields.Integer()
    people = fields.List(fields.String())
    groups = fields.List(fields.Integer())


class BoardRoundSchema(Schema):
    round = fields.Integer()
    cells = fields.List(fields.Nested(BoardCellSchema))


class RotationSchema(Schema):
    segment_id = fields.Integer(allow_none=True)
    mode = fields.String(allow_none=True)
    stations = fields.List(fields.Nested(StationRefSchema))
    rounds = fields.List(fields.Nested(BoardRoundSchema))


_STATE = StateSchema()  # built once: dumping is stateless, building a schema is not cheap


def dump_state(state: dict[str, Any]) -> dict[str, Any]:
    """Return the state as JSON-ready data (the same object over HTTP and the socket)."""
    return dict(_STATE.dump(state))
