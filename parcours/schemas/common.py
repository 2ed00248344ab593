"""Helpers shared by the schemas: strict loading and readable field paths."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from parcours.domain.errors import Invalid
from parcours.domain.vocabulary import KINDS as KINDS  # the one definition (re-exported)
from parcours.domain.vocabulary import LANGUAGE_NAMES as LANGUAGE_NAMES
from parcours.domain.vocabulary import LANGUAGES as LANGUAGES
from parcours.domain.vocabulary import ORGANISER_LANGUAGES as ORGANISER_LANGUAGES
from parcours.domain.vocabulary import RTL_LANGUAGES as RTL_LANGUAGES
from parcours.schemas.error_messages import localize

LARGEST = 2**63 - 1  # the database's BIGINT; beyond it SQLite and PostgreSQL overflow
MAX_DEPTH = 32  # no request shape nests deeper; 20,000 levels would exhaust the stack
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Any character bad_text() may refuse (Cc is exactly U+0000-001F and U+007F-009F): a text with
# none of them (nearly every text) is passed by one regex search instead of a loop per character.
_SUSPECT = "\ud800-\udfff\u202a-\u202e\u2066-\u2069\x7f-\x9f"
_SUSPECT_LINE = re.compile(f"[\x00-\x1f{_SUSPECT}]")
_SUSPECT_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_SUSPECT}]")
PHONE_PATTERN = r"^[+0-9 ()/-]{3,40}$"
_NUMBER = re.compile(r"[0-9]{1,18}")  # ASCII digits only ("²".isdigit() is True); fits a BIGINT
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class StrictBoolean(fields.Boolean):
    """A JSON boolean: true or false only; "yes", 1 and "true" are refused."""

    default_error_messages = {"invalid": "must be true or false"}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def _bounded(field_obj: fields.Field) -> bool:
    """Tell whether an integer field already has a range inside the database's (one message)."""
    return any(
        isinstance(v, validate.Range)
        and v.min is not None
        and v.max is not None
        and v.min >= -LARGEST
        and v.max <= LARGEST
        for v in field_obj.validators
    )


def harden(field_obj: fields.Field, *, from_form: bool = False) -> None:
    """Bound every integer to the database's range; make booleans strict (JSON only)."""
    if isinstance(field_obj, fields.Integer) and not _bounded(field_obj):
        field_obj.validators = [
            *field_obj.validators,
            validate.Range(min=-LARGEST, max=LARGEST, error="must be at most {max}"),
        ]
    elif type(field_obj) is fields.Boolean and not from_form:
        field_obj.__class__ = StrictBoolean  # central: every JSON boolean of an input schema
    inner = getattr(field_obj, "inner", None)
    if isinstance(inner, fields.Field):
        harden(inner, from_form=from_form)


class StrictSchema(Schema):
    """Reject unknown fields: a typo should be an error, not silently dropped.

    Every integer is bounded to the database's range, and every boolean must be a JSON
    boolean, unless the schema reads a web form (`from_form = True`).
    """

    from_form = False

    class Meta:
        unknown = RAISE

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        """Harden each field as it is bound (subclasses call super first)."""
        harden(field_obj, from_form=self.from_form)


def form_number(text: str) -> int | None:
    """Return a form's whole number (1 to 18 ASCII digits, spaces around allowed), else None."""
    text = text.strip()
    return int(text) if _NUMBER.fullmatch(text) else None


def bad_text(value: str, *, multiline: bool) -> str | None:
    """Return why a text is refused (control, bidi or lone surrogate characters), or None."""
    if (_SUSPECT_TEXT if multiline else _SUSPECT_LINE).search(value) is None:
        return None
    for ch in value:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            return "must be valid Unicode text"
        if ch in BIDI_CONTROLS:
            return "must not contain bidirectional control characters"
        if unicodedata.category(ch) == "Cc" and not (multiline and ch in "\n\r\t"):
            return "must not contain control characters"
    return None


class Line(fields.String):
    """One line of text: stripped first, then checked; control and bidi characters refused."""

    multiline = False

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        problem = bad_text(text, multiline=self.multiline)
        if problem:
            raise ValidationError(problem)
        return text


class Text(Line):
    """Free text over several lines: like Line, but line breaks and tabs are kept."""

    multiline = True


def check_input(data: Any, path: str = "", depth: int = 0) -> dict[str, list[str]]:
    """Find values no schema should see: deep nesting, huge numbers, broken Unicode.

    Runs before every load, over HTTP and the socket alike, so that no OverflowError,
    RecursionError or UnicodeEncodeError reaches the database or the JSON encoder.
    """
    where = path or "_schema"
    if depth > MAX_DEPTH:
        return {where: [f"must not nest deeper than {MAX_DEPTH} levels"]}
    out: dict[str, list[str]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            sub = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and bad_text(key, multiline=True):
                out.setdefault(where, []).append("has a key that is not valid text")
                continue
            for name, msgs in check_input(value, sub, depth + 1).items():
                out.setdefault(name, []).extend(msgs)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            for name, msgs in check_input(value, f"{path}[{index}]", depth + 1).items():
                out.setdefault(name, []).extend(msgs)
    elif isinstance(data, bool):
        pass
    elif isinstance(data, int) and not -LARGEST <= data <= LARGEST:
        out[where] = [f"must be at most {LARGEST}"]
    elif isinstance(data, float) and (not math.isfinite(data) or abs(data) > LARGEST):
        out[where] = ["must be a finite number"]
    elif isinstance(data, str) and any(0xD800 <= ord(ch) <= 0xDFFF for ch in data):
        out[where] = ["must be valid Unicode text"]
    return out


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
    found = {path: [_lower(m) for m in msgs] for path, msgs in check_input(data).items()}
    if found:
        raise Invalid("; ".join(problems(found)), found)
    try:
        return schema.load(data)
    except ValidationError as err:
        flat = flatten(err.messages)
        raise Invalid("; ".join(problems(flat)), flat) from None


def name_field(required: bool = True, maximum: int = 120) -> fields.String:
    """Return a one-line name: stripped, then 1 to `maximum` characters (spaces only: refused)."""
    return Line(required=required, validate=validate.Length(min=1, max=maximum))


def text_field(maximum: int, required: bool = False, *, multiline: bool = False) -> fields.String:
    """Return a stripped text field with a maximum length (may be empty); one line unless told."""
    kind = Text if multiline else Line
    return kind(required=required, load_default="", validate=validate.Length(max=maximum))


def kind_field() -> fields.String:
    """Return the kind of a participant or station (one of KINDS; "other" when not given)."""
    return fields.String(load_default="other", validate=validate.OneOf(KINDS))


def language_field() -> fields.String:
    """Return the language someone reads parcours in (one of LANGUAGES; German when not given)."""
    return fields.String(load_default="de", validate=validate.OneOf(LANGUAGES))


class ParticipantIn(StrictSchema):
    """Who a participant is, as they write it on the join page or the organiser enters it."""

    name = name_field()
    organisation = text_field(200)
    kind = kind_field()
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    phone = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(PHONE_PATTERN, error="must be a phone number"),
    )
    language = language_field()


class Person(Schema):
    """A participant by name only: no contact details (hosts, kiosks and other participants)."""

    id = fields.Integer()
    name = fields.String()
    organisation = fields.String()


class WrittenOut(Schema):
    """What every entry a phone or tablet wrote shows back: its id, the client_id the device
    made for it (the outbox matches the answer by it) and when it was stored."""

    id = fields.Integer()
    client_id = fields.String()
    created_at = fields.DateTime()


class ClientId(fields.String):
    """The UUID a device makes for each write (any case in, lower case out)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).lower()


def client_id_field() -> fields.String:
    """Return the field for the UUID a device makes for each write."""
    return ClientId(
        required=True,
        validate=validate.Regexp(UUID_PATTERN, error="must be a UUID (made on the device)"),
    )
