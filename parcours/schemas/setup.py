"""What organisers send while preparing an event: its details, agenda, stations, participants."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import (
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from parcours.schemas.common import (
    ParticipantIn,
    StrictSchema,
    kind_field,
    language_field,
    name_field,
    text_field,
)
from parcours.schemas.eventfile import TomlDateTime, bounds, segment_schema


def _int(low: int, high: int, **kwargs: Any) -> fields.Integer:
    return fields.Integer(
        validate=bounds(low, high), error_messages={"invalid": "must be a whole number"}, **kwargs
    )


class EventInput(StrictSchema):
    """The event's details as the organiser edits them."""

    title = name_field(maximum=200)
    venue = text_field(200)
    starts_at = TomlDateTime(load_default=None, allow_none=True)
    timezone = fields.String(load_default="Europe/Berlin", validate=validate.Length(max=64))
    language = language_field()
    retention_days = _int(1, 3650, load_default=90)
    auto_advance = fields.Boolean(load_default=True)
    max_participants = _int(1, 100_000, load_default=None, allow_none=True)

    @validates_schema
    def _zone(self, data: dict[str, Any], **_: Any) -> None:
        try:
            ZoneInfo(data.get("timezone") or "Europe/Berlin")
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"timezone": ["unknown time zone"]}) from None

    @post_load
    def _local_time(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """Read a start time without offset (a datetime-local field) in the event's zone."""
        start = data.get("starts_at")
        if start is not None and start.tzinfo is None:
            data["starts_at"] = start.replace(tzinfo=ZoneInfo(data["timezone"]))
        return data


SegmentInput = segment_schema(StrictSchema, _int)  # one item of the run of show


class LinesField(fields.List):
    """A list of short texts; a textarea's lines are accepted too."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            value = [line.strip() for line in value.splitlines() if line.strip()]
        return super()._deserialize(value, attr, data, **kwargs)


class StationInput(StrictSchema):
    """A station as the organiser adds or edits it."""

    name = name_field(maximum=200)
    kind = kind_field()
    description = text_field(2000, multiline=True)
    location = text_field(120)
    organisation = text_field(200)  # its own people are never sent here
    host = text_field(120)
    capacity = _int(1, 500, load_default=10)
    code = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(
            r"^[A-Z0-9]{2,8}$", error="must be 2 to 8 capital letters or digits"
        ),
    )
    topics = LinesField(fields.String(validate=validate.Length(max=200)), load_default=list)
    questions = LinesField(fields.String(validate=validate.Length(max=300)), load_default=list)

    @pre_load
    def _upper_code(self, data: Any, **_: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("code"), str):
            data = {**data, "code": data["code"].strip().upper() or None}
        return data


class CatalogueStationInput(StrictSchema):
    """A station taken from the catalogue: the template and what differs at this event."""

    template = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(load_default=None, validate=validate.Length(max=200))
    location = text_field(120)
    host = text_field(120)
    capacity = _int(1, 500, load_default=None)
    organisation = text_field(200)


class ParticipantInput(ParticipantIn):
    """A participant as the organiser adds or edits them (interests are station ids)."""

    interests = fields.List(fields.Integer(), load_default=list, validate=validate.Length(max=50))
    must_visit = fields.List(fields.Integer(), load_default=list, validate=validate.Length(max=50))
    avoid = fields.List(fields.Integer(), load_default=list, validate=validate.Length(max=50))
    stay_put = fields.Boolean(load_default=False)
    absent_rounds = fields.List(
        fields.Integer(strict=False, validate=validate.Range(min=1, max=100)),
        load_default=list,
        validate=validate.Length(max=100),
    )
    present = fields.Boolean(load_default=True)


class CsvParticipantSchema(ParticipantInput):
    """One row of a participant CSV, after the header names were mapped."""


def clean_form(form: Any, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """Turn submitted form fields into a dict for a schema: no csrf_token, empty means absent."""
    out: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        if key in lists:
            out[key] = [v for v in form.getlist(key) if v.strip()]
            continue
        value = form.get(key, "").strip()
        if value != "":
            out[key] = value
    return out
