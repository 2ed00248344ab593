"""The station catalogue: one TOML file per kind of station in ``stations/``.

A template supplies the defaults an event file's ``[[stations]]`` entry refers to with
``template = "<slug>"``: the display name, the kind of host, a short description, the
follow-up topics participants can ask the station about and a few guiding questions for
the conversation at the table. German is the primary language; an optional ``[en]``
table carries the English texts in the same order, and optional ``[translations.<lang>]``
tables (uk, ar, fa, tr, ru) carry a participant's language: ``name``, ``description`` and
``topics`` (same number and order as the German topics), each optional.

No Flask here: the CLI, the event loader and the tests use this module directly. The schema
of a template file is in parcours.catalogue_schema.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from parcours.catalogue_schema import SLUG_RE, TEMPLATE_SCHEMA, flatten
from parcours.domain.vocabulary import KINDS, LANGUAGES

__all__ = [
    "KINDS",
    "LANGUAGES",
    "CatalogueError",
    "StationTemplate",
    "default_directory",
    "load_catalogue",
    "load_template",
]

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
        data = TEMPLATE_SCHEMA.load(raw)
    except ValidationError as exc:
        lines = flatten(exc.messages)
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
