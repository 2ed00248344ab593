"""Read a participant list from CSV: UTF-8 or Excel's cp1252, ';' or ',', German or English headers.

Pure Python, no Flask: parse_csv() turns the uploaded bytes into rows, each with its own errors,
so that the preview can mark bad rows before anything is saved.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError

from parcours.schemas.common import flatten, form_number
from parcours.schemas.setup import CsvParticipantSchema

MAX_ROWS = 2000
HEADERS = {
    "name": ("name", "vollständigername", "teilnehmer", "teilnehmerin", "fullname"),
    "first_name": ("vorname", "firstname", "givenname"),
    "last_name": ("nachname", "familienname", "lastname", "surname", "familyname"),
    "organisation": (
        "organisation",
        "organization",
        "firma",
        "unternehmen",
        "institution",
        "company",
        "einrichtung",
    ),
    "kind": ("art", "kind", "typ", "type", "kategorie", "category"),
    "email": ("email", "mail", "emailadresse", "emailaddress"),
    "phone": ("telefon", "phone", "tel", "telefonnummer", "handy", "mobil", "mobile"),
    "language": ("sprache", "language", "lang"),
    "interests": ("interessen", "interests", "stationen", "stations", "interesse"),
    "avoid": ("meiden", "avoid", "nichtzu", "nichtbesuchen", "neverat"),
    "stay_put": ("bleibt", "stayput", "ortsfest", "stationär", "stationaer", "immobil"),
    "absent_rounds": ("abwesend", "absent", "absentrounds", "abwesenderunden", "away"),
}
YES = ("ja", "yes", "j", "y", "x", "1", "true", "wahr")
NO = ("", "nein", "no", "n", "0", "false", "falsch", "-")
# Accepted values of the "Art" column (compared without case, spaces and punctuation). A value
# not listed here imports as "other" with a warning, or as the kind the organiser picks for it.
KIND_WORDS = {
    "company": (
        "company", "unternehmen", "firma", "betrieb", "arbeitgeber", "arbeitgeberin", "employer",
        "wirtschaft", "privatwirtschaft", "gmbh", "ag", "handwerksbetrieb", "business",
    ),
    "authority": (
        "authority", "behörde", "behoerde", "amt", "verwaltung", "kommune", "stadt", "landkreis",
        "öffentlicheverwaltung", "öffentlicherdienst", "agenturfürarbeit", "jobcenter",
        "ausländerbehörde", "publicauthority", "government",
    ),
    "organisation": (
        "organisation", "organization", "verein", "verband", "träger", "ngo", "ev",
        "bildungsträger", "wohlfahrtsverband", "initiative", "stiftung", "beratungsstelle",
        "association", "nonprofit", "charity",
    ),
    "chamber": (
        "chamber", "kammer", "ihk", "hwk", "handwerkskammer", "industrieundhandelskammer",
        "handelskammer",
    ),
    "jobseeker": (
        "jobseeker", "refugee", "geflüchtete", "geflüchteter", "geflüchteteperson", "geflüchtet",
        "gefluechtete", "flüchtling", "arbeitsuchend", "arbeitsuchende", "arbeitsuchender",
        "arbeitssuchend", "arbeitssuchende", "arbeitssuchender", "jobsuchend", "jobsuchende",
        "bewerber", "bewerberin", "fachkraft", "migrant", "migrantin", "zugewanderte",
        "neuzugewanderte", "newcomer", "applicant",
    ),
    "volunteer": (
        "volunteer", "ehrenamt", "ehrenamtlich", "ehrenamtliche", "ehrenamtlicher", "freiwillige",
        "freiwilliger", "pate", "patin", "mentor", "mentorin",
    ),
    "other": (
        "other", "sonstige", "sonstiges", "andere", "privat", "privatperson", "gast", "presse",
    ),
}  # fmt: skip
# What the import page lists as accepted values (each maps to its kind through KIND_WORDS).
KIND_EXAMPLES = {
    "company": ("Unternehmen", "Firma", "Betrieb", "Arbeitgeber", "company"),
    "authority": ("Behörde", "Amt", "Verwaltung", "Kommune", "Jobcenter", "authority"),
    "organisation": ("Verein", "Verband", "Träger", "Bildungsträger", "Stiftung", "NGO"),
    "chamber": ("Kammer", "IHK", "HWK", "Handwerkskammer", "chamber"),
    "jobseeker": ("Geflüchtete Person", "Arbeitsuchende", "Bewerber/in", "refugee", "job seeker"),
    "volunteer": ("Ehrenamt", "Ehrenamtliche", "Freiwillige", "Pate", "Patin", "volunteer"),
    "other": ("Sonstiges", "Andere", "Privatperson", "Gast", "Presse", "other"),
}
LANGUAGE_WORDS = {
    "de": ("de", "deutsch", "german", "ger"),
    "en": ("en", "englisch", "english", "eng"),
    "uk": ("uk", "ukrainisch", "ukrainian", "ukr", "українська"),
    "ar": ("ar", "arabisch", "arabic", "ara", "العربية"),
    "fa": ("fa", "farsi", "persisch", "persian", "dari", "fas", "prs", "فارسی"),
    "tr": ("tr", "türkisch", "turkish", "tur", "türkçe"),
    "ru": ("ru", "russisch", "russian", "rus", "русский"),
}


@dataclass
class CsvRow:
    """One data row: its line in the file, the values read and what is wrong with them."""

    line: int
    raw: dict[str, str]
    data: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    unknown_kind: str = ""  # an "Art" value not in KIND_WORDS: imported as data["kind"]

    @property
    def ok(self) -> bool:
        """Return whether the row can be imported."""
        return not self.errors


@dataclass
class CsvResult:
    """The parsed file: detected format, recognised columns, rows and file-level problems."""

    encoding: str = "utf-8"
    delimiter: str = ";"
    columns: dict[str, str] = field(default_factory=dict)  # header -> field
    ignored: list[str] = field(default_factory=list)
    rows: list[CsvRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def good(self) -> list[CsvRow]:
        """Return the rows without errors."""
        return [r for r in self.rows if r.ok]

    @property
    def bad(self) -> list[CsvRow]:
        """Return the rows with errors."""
        return [r for r in self.rows if not r.ok]

    @property
    def unknown_kinds(self) -> dict[str, int]:
        """Return each unknown "Art" value (as written first) with the number of its rows."""
        first: dict[str, str] = {}
        counts: dict[str, int] = {}
        for row in self.rows:
            if row.unknown_kind:
                written = first.setdefault(kind_key(row.unknown_kind), row.unknown_kind)
                counts[written] = counts.get(written, 0) + 1
        return counts


def decode(raw: bytes) -> tuple[str, str]:
    """Return the text and its encoding: UTF-8 (with or without BOM), else Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def detect_delimiter(text: str) -> str:
    """Return ';', ',' or a tab: whichever the header line uses most (';' on a tie)."""
    header = text.lstrip().splitlines()[0] if text.strip() else ""
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"


def _key(header: str) -> str:
    return re.sub(r"[^a-zäöüß]", "", header.strip().lower())


def map_headers(headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """Map header names to fields; return the mapping and the headers that were not understood."""
    lookup = {alias: name for name, aliases in HEADERS.items() for alias in aliases}
    mapping: dict[str, str] = {}
    ignored: list[str] = []
    for header in headers:
        name = lookup.get(_key(header))
        if name and name not in mapping.values():
            mapping[header] = name
        elif header.strip():
            ignored.append(header)
    return mapping, ignored


def parse_csv(
    raw: bytes,
    station_refs: dict[str, int] | None = None,
    existing_emails: Iterable[str] = (),
    kind_choices: dict[str, str] | None = None,
) -> CsvResult:
    """Parse a participant CSV; station_refs maps lower-cased names, codes and templates to ids.

    kind_choices maps unknown "Art" values (as kind_key() keys them) to the kind the organiser
    picked; any other unknown value imports as "other".
    """
    text, encoding = decode(raw)
    result = CsvResult(encoding=encoding, delimiter=detect_delimiter(text))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=result.delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        result.problems.append("the file is empty")
        return result
    result.columns, result.ignored = map_headers(headers)
    fields_found = set(result.columns.values())
    if "name" not in fields_found and not {"first_name", "last_name"} & fields_found:
        result.problems.append("no column for the name (Name, Vorname/Nachname)")
        return result
    known = {e.lower() for e in existing_emails if e}
    seen: set[str] = set()
    refs = station_refs or {}
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(result.rows) >= MAX_ROWS:
                result.problems.append(f"more than {MAX_ROWS} rows: the rest was not read")
                break
            row = _row(reader.line_num, headers, values, result.columns, refs, kind_choices or {})
            _check_duplicate(row, known, seen)
            result.rows.append(row)
    except csv.Error as err:
        result.problems.append(f"line {reader.line_num}: {err}")
    return result


def _row(
    line: int,
    headers: list[str],
    values: list[str],
    columns: dict[str, str],
    refs: dict[str, int],
    kind_choices: dict[str, str],
) -> CsvRow:
    raw = {columns[h]: v.strip() for h, v in zip(headers, values, strict=False) if h in columns}
    errors: dict[str, list[str]] = {}
    if len(values) > len(headers) and any(v.strip() for v in values[len(headers) :]):
        errors["_row"] = [f"{len(values)} values but only {len(headers)} columns"]
    data: dict[str, Any] = {}
    name = raw.get("name") or " ".join(
        p for p in (raw.get("first_name", ""), raw.get("last_name", "")) if p
    )
    data["name"] = name
    for key in ("organisation", "email", "phone"):
        if raw.get(key):
            data[key] = raw[key]
    data["kind"], unknown = _kind(raw.get("kind", ""), kind_choices)
    data["language"] = _word(raw.get("language", ""), LANGUAGE_WORDS, "de", "language", errors)
    data["interests"] = _interests(raw.get("interests", ""), refs, errors)
    data["avoid"] = _interests(raw.get("avoid", ""), refs, errors, "avoid")
    stay = raw.get("stay_put", "").strip().lower()
    if stay not in YES + NO:
        errors.setdefault("stay_put", []).append(f"unknown value '{stay}': use ja or nein")
    data["stay_put"] = stay in YES
    data["absent_rounds"] = _rounds(raw.get("absent_rounds", ""), errors)
    try:
        data = CsvParticipantSchema().load(data)
    except ValidationError as err:
        for path, msgs in flatten(err.messages).items():
            errors.setdefault(path, []).extend(msgs)
    return CsvRow(line=line, raw=raw, data=data, errors=errors, unknown_kind=unknown)


def kind_key(value: str) -> str:
    """Return how an "Art" value is compared: lower case, letters only ("Geflüchtete Person")."""
    return re.sub(r"[^a-zäöüß]", "", value.strip().lower())


KIND_LOOKUP = {kind_key(alias): kind for kind, aliases in KIND_WORDS.items() for alias in aliases}


def _kind(value: str, choices: dict[str, str]) -> tuple[str, str]:
    """Return the kind of an "Art" value and, when it is not a known word, the value itself."""
    key = kind_key(value)
    if not key:
        return "other", ""
    if key in KIND_LOOKUP:
        return KIND_LOOKUP[key], ""
    return choices.get(key, "other"), value.strip()


def _word(
    value: str, words: dict[str, tuple[str, ...]], default: str, key: str, errors: dict[str, Any]
) -> str:
    value = value.strip().lower()
    if not value:
        return default
    for name, aliases in words.items():
        if value in aliases:
            return name
    errors.setdefault(key, []).append(f"unknown value '{value}'")
    return default


def _rounds(value: str, errors: dict[str, list[str]]) -> list[int]:
    """Return round numbers from "5, 6" or "3-4"."""
    out: set[int] = set()
    for part in re.split(r"[|,;\s]+", value.strip()):
        low, dash, high = part.partition("-")
        one, first, last = form_number(part), form_number(low), form_number(high)
        if one is not None and 1 <= one <= 100:
            out.add(one)
        elif dash and first is not None and last is not None and 1 <= first <= last <= 100:
            out.update(range(first, last + 1))
        elif part:
            errors.setdefault("absent_rounds", []).append(f"not a round: '{part}'")
    return sorted(out)


def _interests(
    value: str, refs: dict[str, int], errors: dict[str, list[str]], key: str = "interests"
) -> list[int]:
    ids: list[int] = []
    for part in re.split(r"[|,;\n]", value):
        ref = part.strip().lower()
        if not ref:
            continue
        if ref in refs:
            if refs[ref] not in ids:
                ids.append(refs[ref])
        else:
            errors.setdefault(key, []).append(f"no station '{part.strip()}'")
    return ids


def _check_duplicate(row: CsvRow, known: set[str], seen: set[str]) -> None:
    email = str(row.data.get("email") or "").lower()
    if not email:
        return
    if email in known:
        row.errors.setdefault("email", []).append("is already registered for this event")
    elif email in seen:
        row.errors.setdefault("email", []).append("appears twice in the file")
    seen.add(email)
