"""The schema of a station template (``stations/*.toml``): fields, limits and error lines.

parcours.catalogue loads the files and builds a StationTemplate from what this schema accepts;
``flatten`` turns marshmallow's nested errors into one ``path: message`` line each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from parcours.domain.vocabulary import KINDS, LANGUAGES, ORGANISER_LANGUAGES

# The further languages a template may carry for participants ([translations.<lang>]).
TRANSLATION_LANGUAGES = tuple(lang for lang in LANGUAGES if lang not in ORGANISER_LANGUAGES)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

NAME_MAX = 120
DESCRIPTION_MAX = 1000
ITEM_MAX = 120
QUESTION_MAX = 300
TOPICS_MAX = 12
QUESTIONS_MAX = 12

_TYPE_MESSAGES = {
    "required": "is required",
    "null": "must not be null",
}


class _Text(fields.String):
    """A string that must not be blank and has a maximum length."""

    def __init__(self, max_length: int, **kwargs: Any):
        super().__init__(
            validate=[
                _not_blank,
                validate.Length(max=max_length, error=f"must be at most {max_length} characters"),
            ],
            error_messages={**_TYPE_MESSAGES, "invalid": "must be a string"},
            **kwargs,
        )


class _Count(fields.Integer):
    """A whole number (no floats, no booleans)."""

    def __init__(self, **kwargs: Any):
        super().__init__(
            strict=True,
            error_messages={**_TYPE_MESSAGES, "invalid": "must be a whole number"},
            **kwargs,
        )

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be empty")


def _text_list(
    item_max: int, *, non_empty: bool, max_items: int, required: bool = False
) -> fields.List[Any]:
    def size(values: list[str]) -> None:
        if non_empty and not values:
            raise ValidationError("must not be empty")
        if len(values) > max_items:
            raise ValidationError(f"must have at most {max_items} entries")

    return fields.List(
        _Text(item_max),
        required=required,
        validate=[size, _no_duplicates],
        error_messages={**_TYPE_MESSAGES, "invalid": "must be a list of strings"},
    )


def _no_duplicates(values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        key = value.strip().casefold()
        if key in seen:
            raise ValidationError(f"duplicate entry {value!r}")
        seen.add(key)


class _Strict(Schema):
    error_messages = {
        "unknown": "unknown key",
        "type": "must be a table",
    }

    class Meta:
        unknown = RAISE


class _EnglishSchema(_Strict):
    name = _Text(NAME_MAX)
    description = _Text(DESCRIPTION_MAX)
    topics = _text_list(ITEM_MAX, non_empty=True, max_items=TOPICS_MAX)
    questions = _text_list(QUESTION_MAX, non_empty=False, max_items=QUESTIONS_MAX)


class _TranslationSchema(_Strict):
    # room for a German name explained once in brackets
    name = _Text(NAME_MAX * 2)
    description = _Text(DESCRIPTION_MAX)
    topics = _text_list(ITEM_MAX * 2, non_empty=True, max_items=TOPICS_MAX)
    questions = _text_list(QUESTION_MAX, non_empty=False, max_items=QUESTIONS_MAX)


class _TemplateSchema(_Strict):
    slug = fields.String(
        required=True,
        validate=validate.Regexp(
            SLUG_RE, error="must contain only a-z, 0-9 and single hyphens (e.g. 'welcome-center')"
        ),
        error_messages={**_TYPE_MESSAGES, "invalid": "must be a string"},
    )
    name = _Text(NAME_MAX, required=True)
    kind = fields.String(
        required=True,
        validate=validate.OneOf(KINDS, error="must be one of {choices} (not {input!r})"),
        error_messages={**_TYPE_MESSAGES, "invalid": "must be a string"},
    )
    description = _Text(DESCRIPTION_MAX, required=True)
    topics = _text_list(ITEM_MAX, non_empty=True, max_items=TOPICS_MAX, required=True)
    questions = _text_list(QUESTION_MAX, non_empty=False, max_items=QUESTIONS_MAX)
    capacity = _Count(validate=validate.Range(min=1, error="must be at least 1"))
    en = fields.Nested(
        _EnglishSchema,
        error_messages={**_TYPE_MESSAGES, "type": "must be a table", "invalid": "must be a table"},
    )

    translations = fields.Dict(
        keys=fields.String(
            validate=validate.OneOf(
                TRANSLATION_LANGUAGES, error="must be one of {choices} (not {input!r})"
            )
        ),
        values=fields.Nested(_TranslationSchema),
        error_messages={**_TYPE_MESSAGES, "invalid": "must be a table"},
    )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _same_topics_in_translations(
        self, data: dict[str, Any], original: Any, **kwargs: Any
    ) -> None:
        tables = original.get("translations") if isinstance(original, Mapping) else None
        german = original.get("topics") if isinstance(original, Mapping) else None
        if not isinstance(tables, Mapping) or not isinstance(german, list) or not german:
            return
        errors: dict[str, Any] = {}
        for lang, table in tables.items():
            topics = table.get("topics") if isinstance(table, Mapping) else None
            if isinstance(topics, list) and len(topics) != len(german):
                errors[lang] = {
                    "topics": [
                        f"must have the same number of entries as the German topics "
                        f"({len(topics)} instead of {len(german)})"
                    ]
                }
        if errors:
            raise ValidationError({"translations": errors})

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _same_shape_in_english(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        # Compare the raw lists: a list with a bad entry is only partly in ``data``.
        en = original.get("en") if isinstance(original, Mapping) else None
        if not isinstance(en, Mapping):
            return
        errors: dict[str, Any] = {}
        for key in ("topics", "questions"):
            german, english = original.get(key, []), en.get(key)
            if not isinstance(german, list) or not isinstance(english, list):
                continue
            if key == "topics" and not german:
                continue  # "topics: must not be empty" already says it
            if len(german) != len(english):
                errors[key] = [
                    f"must have the same number of entries as the German {key} "
                    f"({len(english)} instead of {len(german)})"
                ]
        if errors:
            raise ValidationError({"en": errors})


TEMPLATE_SCHEMA = _TemplateSchema()


def flatten(messages: Any, path: str = "") -> list[str]:
    """Turn marshmallow's nested error dict into ``"path: message"`` lines."""
    out: list[str] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            if key == "_schema":
                sub = path
            elif isinstance(key, int):
                sub = f"{path}[{key}]"
            else:
                sub = f"{path}.{key}" if path else str(key)
            out.extend(flatten(value, sub))
    elif isinstance(messages, list | tuple):
        for value in messages:
            out.extend(flatten(value, path))
    else:
        out.append(f"{path}: {messages}" if path else str(messages))
    return out
