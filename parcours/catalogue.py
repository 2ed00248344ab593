"""The station catalogue: one TOML file per kind of station in ``stations/``.

A template supplies the defaults an event file's ``[[stations]]`` entry refers to with
``template = "<slug>"``: the display name, the kind of host, a short description, the
follow-up topics participants can ask the station about and a few guiding questions for
the conversation at the table. German is the primary language; an optional ``[en]``
table carries the English texts in the same order, and optional ``[translations.<lang>]``
tables (uk, ar, fa, tr, ru) carry a participant's language: ``name``, ``description`` and
``topics`` (same number and order as the German topics), each optional.

No Flask here: the CLI, the event loader and the tests use this module directly.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from parcours.domain.vocabulary import KINDS, LANGUAGES, ORGANISER_LANGUAGES

__all__ = [
    "KINDS",
    "LANGUAGES",
    "CatalogueError",
    "StationTemplate",
    "default_directory",
    "load_catalogue",
    "load_template",
]

# The further languages a template may carry for participants ([translations.<lang>]).
TRANSLATION_LANGUAGES = tuple(lang for lang in LANGUAGES if lang not in ORGANISER_LANGUAGES)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

NAME_MAX = 120
DESCRIPTION_MAX = 1000
ITEM_MAX = 120
QUESTION_MAX = 300
TOPICS_MAX = 12
QUESTIONS_MAX = 12

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_directory() -> Path:
    """The repository's ``stations/`` directory."""
    return REPO_ROOT / "stations"


# --------------------------------------------------------------------------- errors


class CatalogueError(Exception):
    """One or more templates are invalid; ``problems`` has one line per problem.

    Each line names the file and the field path, e.g.
    ``stations/ihk.toml: topics: must not be empty``.
    """

    def __init__(self, problems: Iterable[str]):
        self.problems: list[str] = list(problems)
        super().__init__("\n".join(self.problems) or "invalid station catalogue")


# --------------------------------------------------------------------------- schema

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


_TEMPLATE_SCHEMA = _TemplateSchema()


def _flatten(messages: Any, path: str = "") -> list[str]:
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
            out.extend(_flatten(value, sub))
    elif isinstance(messages, list | tuple):
        for value in messages:
            out.extend(_flatten(value, path))
    else:
        out.append(f"{path}: {messages}" if path else str(messages))
    return out


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class StationTemplate:
    """A validated station template."""

    slug: str
    name: str
    kind: str
    description: str
    topics: tuple[str, ...]
    questions: tuple[str, ...] = ()
    capacity: int | None = None
    en: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)
    translations: dict[str, dict[str, Any]] = field(default_factory=dict, hash=False)
    path: Path | None = field(default=None, compare=False, repr=False)

    def localized(self, lang: str | None = "de") -> dict[str, Any]:
        """``name``, ``description``, ``topics`` and ``questions`` in ``lang``.

        ``lang`` may be ``"de"``, ``"en"`` or a tag like ``"en-GB"``; anything that is not
        English, and any English text the template lacks, falls back to German.
        """
        german: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "topics": list(self.topics),
            "questions": list(self.questions),
        }
        code = (lang or "de").replace("_", "-").split("-", 1)[0].strip().lower()
        table = self.en if code == "en" else self.translations.get(code, {})
        if not table:
            return german
        result = dict(german)
        for key in german:
            value = table.get(key)
            if value:
                result[key] = list(value) if isinstance(value, tuple | list) else value
        return result

    def speaks(self, lang: str | None) -> bool:
        """Tell whether the template has its own topics in ``lang`` (German always)."""
        code = (lang or "de").split("-", 1)[0].lower()
        if code == "de":
            return True
        table = self.en if code == "en" else self.translations.get(code, {})
        return bool(table.get("topics"))

    def to_dict(self) -> dict[str, Any]:
        """A plain, TOML/JSON-friendly dict of the template."""
        data: dict[str, Any] = {
            "slug": self.slug,
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "topics": list(self.topics),
            "questions": list(self.questions),
        }
        if self.capacity is not None:
            data["capacity"] = self.capacity
        if self.en:
            data["en"] = {
                key: list(value) if isinstance(value, tuple) else value
                for key, value in self.en.items()
            }
        if self.translations:
            data["translations"] = {
                lang: {k: list(v) if isinstance(v, tuple) else v for k, v in table.items()}
                for lang, table in self.translations.items()
            }
        return data


# --------------------------------------------------------------------------- loading


def _display(path: Path) -> str:
    resolved = path.resolve()
    try:
        return resolved.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def _read(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    where = _display(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh), []
    except tomllib.TOMLDecodeError as exc:
        return None, [f"{where}: not valid TOML: {exc}"]
    except UnicodeDecodeError:
        return None, [f"{where}: not valid UTF-8"]
    except OSError as exc:
        return None, [f"{where}: cannot be read: {exc.strerror or exc}"]


def _validate(path: Path, raw: dict[str, Any]) -> tuple[StationTemplate | None, list[str]]:
    where = _display(path)
    problems: list[str] = []
    try:
        data = _TEMPLATE_SCHEMA.load(raw)
    except ValidationError as exc:
        lines = _flatten(exc.messages)
        problems.extend(f"{where}: {line}" for line in lines)
        data = None

    slug = raw.get("slug")
    if not SLUG_RE.match(path.stem):
        problems.append(
            f"{where}: file name must be the slug (a-z, 0-9 and single hyphens) plus .toml"
        )
    elif isinstance(slug, str) and SLUG_RE.match(slug) and slug != path.stem:
        problems.append(
            f"{where}: slug: must match the file name ({slug!r} in {path.name}; "
            f"rename the file to {slug}.toml or set slug = {path.stem!r})"
        )
    if problems or data is None:
        return None, problems

    en_raw = data.get("en") or {}
    en: dict[str, Any] = {}
    for key in ("name", "description", "topics", "questions"):
        if key in en_raw:
            value = en_raw[key]
            en[key] = tuple(v.strip() for v in value) if isinstance(value, list) else value.strip()
    template = StationTemplate(
        slug=data["slug"],
        name=data["name"].strip(),
        kind=data["kind"],
        description=data["description"].strip(),
        topics=tuple(t.strip() for t in data["topics"]),
        questions=tuple(q.strip() for q in data.get("questions", [])),
        capacity=data.get("capacity"),
        en=en,
        translations={
            lang: {
                key: tuple(v.strip() for v in value) if isinstance(value, list) else value.strip()
                for key, value in table.items()
            }
            for lang, table in (data.get("translations") or {}).items()
        },
        path=path,
    )
    return template, []


def load_template(path: Path | str) -> StationTemplate:
    """Load and validate one template file; raises :class:`CatalogueError`."""
    path = Path(path)
    raw, problems = _read(path)
    if raw is None:
        raise CatalogueError(problems)
    template, problems = _validate(path, raw)
    if template is None:
        raise CatalogueError(problems)
    return template


def load_catalogue(directory: Path | str | None = None) -> dict[str, StationTemplate]:
    """Load every ``*.toml`` directly in ``directory`` (default: the repo's ``stations/``).

    Subdirectories (such as ``stations/examples/``) are ignored. Returns the templates
    keyed and sorted by slug. Raises :class:`CatalogueError` listing all problems of all
    files at once.
    """
    directory = Path(directory) if directory is not None else default_directory()
    if not directory.is_dir():
        raise CatalogueError([f"{_display(directory)}: station directory not found"])

    templates: dict[str, StationTemplate] = {}
    problems: list[str] = []
    for path in sorted(p for p in directory.glob("*.toml") if p.is_file()):
        raw, read_problems = _read(path)
        if raw is None:
            problems.extend(read_problems)
            continue
        template, template_problems = _validate(path, raw)
        problems.extend(template_problems)
        if template is not None:
            templates[template.slug] = template
    if problems:
        raise CatalogueError(problems)
    return dict(sorted(templates.items()))
