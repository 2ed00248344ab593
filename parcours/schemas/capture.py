"""What phones and tablets write during the event, and how it is shown back."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates

from parcours.schemas.common import (
    UUID_PATTERN,
    Person,
    StrictSchema,
    Text,
    WrittenOut,
    client_id_field,
)

NOTE_MAX = 2000
MESSAGE_MAX = 2000
TOPIC_MAX = 200
CARD_MAX = 280
STATION_CODE_MAX = 16
CARD_KINDS = ("idea", "question")
CARD_STATUSES = ("approved", "hidden", "highlighted")


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be empty")


def text(maximum: int, *, required: bool) -> fields.String:
    """Return a stripped free-text field: required ones may not be blank; no control characters."""
    checks: list[Any] = [validate.Length(max=maximum)]
    if required:
        checks.insert(0, validate.Length(min=1, max=maximum))
        checks.append(_not_blank)
        return Text(required=True, validate=checks)
    return Text(load_default="", validate=checks)


def record_id(required: bool = True) -> fields.Integer:
    """Return a field for the id of a station, participant or card."""
    if required:
        return fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    return fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1)
    )


class NoteIn(StrictSchema):
    """A note by a participant (any station) or a host (their own station)."""

    client_id = client_id_field()
    station_id = record_id(required=False)
    round = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=99)
    )
    text = text(NOTE_MAX, required=True)


class ContactRequestIn(StrictSchema):
    """What a "please contact me" says, from a phone or from a station's tablet."""

    client_id = client_id_field()
    topic = text(TOPIC_MAX, required=True)
    message = text(MESSAGE_MAX, required=False)
    share_contact = fields.Boolean(required=True, truthy={True}, falsy={False})

    @validates("topic")
    def _one_line(self, value: str, **_: Any) -> None:
        if "\n" in value or "\r" in value:
            raise ValidationError("must be one line")


class FollowUpIn(ContactRequestIn):
    """A participant's "please contact me" to a station."""

    station_id = record_id()


class LeadIn(StrictSchema):
    """A host's "we will follow up" about a participant."""

    client_id = client_id_field()
    participant_id = record_id()
    topic = text(TOPIC_MAX, required=False)
    note = text(MESSAGE_MAX, required=False)


class CheckInIn(StrictSchema):
    """A participant arrived at a station: the code from its QR or typed by hand."""

    client_id = client_id_field()
    station_code = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^\s*[0-9A-Za-z-]{2,16}\s*$", error="must be a station code of 2 to 16 letters"
        ),
    )


class WallCardIn(StrictSchema):
    """A short card for the workshop wall."""

    client_id = client_id_field()
    text = text(CARD_MAX, required=True)
    kind = fields.String(load_default="idea", validate=validate.OneOf(CARD_KINDS))


class WallVoteIn(StrictSchema):
    """An upvote; the client_id only lets the outbox match the answer."""

    client_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(UUID_PATTERN, error="must be a UUID"),
    )


class WallModerateIn(StrictSchema):
    """The facilitator's decision about a card."""

    status = fields.String(required=True, validate=validate.OneOf(CARD_STATUSES))


class NoteOut(WrittenOut):
    station_id = fields.Integer(allow_none=True)
    round = fields.Integer(allow_none=True)
    text = fields.String()
    via = fields.String()


class FollowUpOut(WrittenOut):
    """A follow-up as its author sees it."""

    station_id = fields.Integer()
    topic = fields.String()
    message = fields.String()
    share_contact = fields.Boolean()
    via = fields.String()


class ContactOut(Schema):
    """Who asked: contact details only where they agreed, else only a pseudonym."""

    pseudonym = fields.String()
    name = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class StationFollowUpOut(FollowUpOut):
    """A follow-up as the station's host and the organiser see it.

    share_contact is what the person answered in this request; participant holds their contact
    details when they shared them with this station in any request (consent per person and
    station, the same rule as every export), else only a pseudonym.
    """

    participant = fields.Nested(ContactOut)
    contact_shared = fields.Boolean()


class LeadOut(WrittenOut):
    station_id = fields.Integer()
    participant_id = fields.Integer()
    topic = fields.String()
    note = fields.String()


class CheckInOut(WrittenOut):
    station_id = fields.Integer()
    station_name = fields.String()
    round = fields.Integer(allow_none=True)
    via = fields.String()


class PersonOut(Person):
    """A participant as a host may see them when picking one for a lead."""


class WallCardOut(WrittenOut):
    kind = fields.String()
    text = fields.String()
    status = fields.String()
    votes = fields.Integer()
    segment_id = fields.Integer(allow_none=True)
