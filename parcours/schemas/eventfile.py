"""The event file (TOML) of CONTRACT §2."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from marshmallow import ValidationError as MError
from marshmallow import fields, validate, validates_schema

from parcours.domain.vocabulary import SEGMENT_KINDS
from parcours.planner.model import MODES
from parcours.schemas.common import (
    KINDS,
    PHONE_PATTERN,
    StrictBoolean,
    StrictSchema,
    kind_field,
    language_field,
    name_field,
    text_field,
)


class WholeNumber(fields.Integer):
    """An integer as TOML writes it: 2.5, "7" and true are refused, not rounded or converted."""

    default_error_messages = {"invalid": "must be a whole number"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def bounds(low: int, high: int) -> list[validate.Validator]:
    """Return validators with the messages of CONTRACT §2: "must be at least 1"."""
    return [
        validate.Range(min=low, error="must be at least {min}"),
        validate.Range(max=high, error="must be at most {max}"),
    ]


def count(low: int, high: int, **kwargs: Any) -> WholeNumber:
    """Return a strict whole-number field between low and high."""
    return WholeNumber(validate=bounds(low, high), **kwargs)


class FileSection(StrictSchema):
    """A table of the event file: an unknown key is named as such."""

    error_messages = {"unknown": "unknown field", "type": "must be a table"}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        """Word the usual type errors the way the rest of the messages read."""
        super().on_bind_field(field_name, field_obj)
        field_obj.error_messages = {
            **field_obj.error_messages,
            "required": "is required",
            "null": "must not be empty",
        }
        if type(field_obj) is fields.String:
            field_obj.error_messages["invalid"] = "must be text"
        if isinstance(field_obj, fields.List):
            field_obj.error_messages["invalid"] = "must be a list"
        if isinstance(field_obj, fields.Boolean | StrictBoolean):
            field_obj.error_messages["invalid"] = "must be true or false"


class TomlDateTime(fields.Field):
    """Accept a TOML datetime (already parsed) or an ISO 8601 string."""

    default_error_messages = {"invalid": "must be a date and time like 2026-08-29T08:30:00+02:00"}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        if isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                pass
        raise self.make_error("invalid")

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return value.isoformat() if value else None


class EventSection(FileSection):
    title = name_field(maximum=200)
    venue = text_field(200)
    starts_at = TomlDateTime(load_default=None)
    timezone = fields.String(load_default="Europe/Berlin")
    language = language_field()
    retention_days = count(1, 3650, load_default=90)
    auto_advance = fields.Boolean(load_default=True)
    max_participants = count(1, 100_000, load_default=None)  # cap on registrations


def segment_schema(base: type[StrictSchema], number: Callable[..., fields.Field]) -> type:
    """Return the one schema of a run-of-show item, on base, with number() for its counts.

    The event file (TOML: strict whole numbers) and the organiser's form (text fields) load the
    same shape; only how a number is read differs. A parcours needs rounds and round minutes.
    """

    class Segment(base):  # type: ignore[valid-type,misc]
        title = name_field(maximum=200)
        kind = fields.String(load_default="talk", validate=validate.OneOf(SEGMENT_KINDS))
        minutes = number(1, 600, load_default=None)
        rounds = number(1, 30, load_default=None)
        round_minutes = number(1, 120, load_default=None)
        transition_minutes = number(0, 30, load_default=0)
        mode = fields.String(load_default="individual", validate=validate.OneOf(MODES))

        @validates_schema
        def _shape(self, data: dict[str, Any], **_: Any) -> None:
            if data.get("kind") == "parcours":
                missing = {
                    k: ["is required for a parcours"]
                    for k in ("rounds", "round_minutes")
                    if data.get(k) is None
                }
                if missing:
                    raise MError(missing)
            elif data.get("minutes") is None:
                raise MError({"minutes": ["is required"]})

    return Segment


SegmentSection = segment_schema(FileSection, count)


class StationSection(FileSection):
    template = fields.String(load_default=None)
    name = fields.String(load_default=None, validate=validate.Length(min=1, max=200))
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    description = fields.String(load_default=None, validate=validate.Length(max=2000))
    location = text_field(120)
    host = text_field(120)
    code = fields.String(
        load_default=None,
        validate=validate.Regexp(
            r"^[A-Z0-9]{2,8}$", error="must be 2 to 8 capital letters or digits"
        ),
    )
    capacity = count(1, 500, load_default=None)
    organisation = text_field(200)
    topics = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=None)
    questions = fields.List(
        fields.String(validate=validate.Length(min=1, max=300)), load_default=None
    )


class ParticipantSection(FileSection):
    name = name_field()
    organisation = text_field(200)
    kind = kind_field()
    email = fields.Email(load_default=None)
    phone = fields.String(load_default=None, validate=validate.Regexp(PHONE_PATTERN))
    language = language_field()
    interests = fields.List(fields.String(), load_default=list)
    must_visit = fields.List(fields.String(), load_default=list)
    avoid = fields.List(fields.String(), load_default=list)
    stay_put = fields.Boolean(load_default=False)
    absent_rounds = fields.List(count(1, 100), load_default=list)


class EventFileSchema(FileSection):
    event = fields.Nested(EventSection, required=True)
    agenda = fields.List(fields.Nested(SegmentSection), load_default=list)
    stations = fields.List(fields.Nested(StationSection), load_default=list)
    participants = fields.List(fields.Nested(ParticipantSection), load_default=list)
