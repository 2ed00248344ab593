"""The station tablet in kiosk mode: the host's code, and entries written for one participant."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from parcours.schemas.capture import NOTE_MAX, ContactRequestIn, record_id, text
from parcours.schemas.common import Person, StrictSchema, client_id_field

WHO_FIELDS = ("participant_id", "participant_token", "badge", "personal_code")
TOKEN_PATTERN = r"^[0-9A-Za-z_-]{16,64}$"
BADGE_PATTERN = r"^[0-9]{1,9}-[a-z2-7]{8,32}$"
PERSONAL_CODE_PATTERN = r"^ *[A-Za-z2-9]{4} *-? *[A-Za-z2-9]{4} *$"  # ABCD-EFGH, as printed


def pin_field() -> fields.String:
    """Return the field for the host's kiosk code: 4 to 8 digits."""
    return fields.String(
        required=True, validate=validate.Regexp(r"^[0-9]{4,8}$", error="must be 4 to 8 digits")
    )


class KioskPinIn(StrictSchema):
    """The host's code to enter or leave kiosk mode."""

    pin = pin_field()


class KioskStartOut(Schema):
    """The kiosk token and the page the tablet opens with it."""

    token = fields.String()
    url = fields.String()


class KioskExitOut(Schema):
    """The host page the tablet goes back to."""

    url = fields.String()


class WhoIn(StrictSchema):
    """Exactly one way to name the participant an entry is for."""

    participant_id = record_id(required=False)
    participant_token = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(TOKEN_PATTERN, error="must be the code of a personal link"),
    )
    badge = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(BADGE_PATTERN, error="must be the code of a name badge"),
    )
    personal_code = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(
            PERSONAL_CODE_PATTERN, error="must be a personal code like ABCD-EFGH"
        ),
    )

    @validates_schema
    def _exactly_one(self, data: dict[str, Any], **_: Any) -> None:
        given = [name for name in WHO_FIELDS if data.get(name) is not None]
        if len(given) != 1:
            message = "name the participant with exactly one of " + ", ".join(WHO_FIELDS)
            raise ValidationError(message, "participant_id")


class KioskNoteIn(WhoIn):
    """A note written at the tablet for one participant (station: this one unless given)."""

    client_id = client_id_field()
    station_id = record_id(required=False)
    text = text(NOTE_MAX, required=True)


class KioskFollowUpIn(WhoIn, ContactRequestIn):
    """A participant's "please contact me" to this station, written at its tablet."""


class KioskCheckInIn(WhoIn):
    """A participant checks in at this station, at its tablet."""

    client_id = client_id_field()


class KioskPersonOut(Person):
    """A participant as the kiosk may show them: name and organisation, nothing else."""


class KioskFoundOut(KioskPersonOut):
    """A search result: here is false for someone the kiosk does not list (a code is needed)."""

    here = fields.Boolean()


class KioskRosterOut(Schema):
    """Who is expected at this station this round, names only."""

    station_id = fields.Integer()
    round = fields.Integer(allow_none=True)
    upcoming = fields.Boolean()
    people = fields.List(fields.Nested(KioskPersonOut))
