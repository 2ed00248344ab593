"""Helpers shared by the schemas: strict loading and readable field paths."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from parcours.domain.errors import Invalid
from parcours.schemas.messages import localize

KINDS = ("company", "authority", "organisation", "chamber", "jobseeker", "volunteer", "other")
LANGUAGES = ("de", "en")


class StrictSchema(Schema):
    """Reject unknown fields: a typo should be an error, not silently dropped."""

    class Meta:
        unknown = RAISE


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into {"stations[3].capacity": ["..."]}."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key == "_schema":
                path = prefix or "_schema"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            for sub, msgs in flatten(value, path).items():
                out.setdefault(sub, []).extend(msgs)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "_schema"] = [_lower(m) for m in messages]
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            for sub, msgs in flatten(value, f"{prefix}[{index}]").items():
                out.setdefault(sub, []).extend(msgs)
    else:
        out[prefix or "_schema"] = [_lower(str(messages))]
    return out


def _lower(message: str) -> str:
    message = message.rstrip(".")
    return localize(message[:1].lower() + message[1:] if message else message)


def problems(fields_: dict[str, list[str]]) -> list[str]:
    """Return one line per problem: "path: message"."""
    return [f"{path}: {msg}" for path, msgs in sorted(fields_.items()) for msg in msgs]


def load(schema: Schema, data: Any) -> Any:
    """Load data with schema; raise Invalid with flattened field paths on failure."""
    if not isinstance(data, dict | list):
        raise Invalid("The request body must be a JSON object.", {"_schema": ["must be an object"]})
    try:
        return schema.load(data)
    except ValidationError as err:
        flat = flatten(err.messages)
        raise Invalid("; ".join(problems(flat)), flat) from None


def name_field(required: bool = True, maximum: int = 120) -> fields.String:
    """Return a trimmed, length-checked text field."""
    return fields.String(required=required, validate=validate.Length(min=1, max=maximum))


def text_field(maximum: int, required: bool = False) -> fields.String:
    """Return a free-text field with a maximum length (may be empty)."""
    return fields.String(required=required, load_default="", validate=validate.Length(max=maximum))


def client_id_field() -> fields.String:
    """Return the field for the UUID a device makes for each write."""
    return fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[0-9A-Za-z][0-9A-Za-z_-]{7,35}$",
            error="must be a UUID or a similar id of 8 to 36 letters, digits, '-' or '_'",
        ),
    )
