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

from parcours.schemas.common import flatten
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
KIND_WORDS = {
    "company": ("company", "unternehmen", "firma", "betrieb", "arbeitgeber", "employer"),
    "authority": ("authority", "behörde", "behoerde", "amt", "verwaltung", "kommune"),
    "organisation": ("organisation", "organization", "verein", "verband", "träger", "ngo"),
    "chamber": ("chamber", "kammer", "ihk", "hwk"),
    "other": ("other", "sonstige", "sonstiges", "andere", "privat"),
}
LANGUAGE_WORDS = {
    "de": ("de", "deutsch", "german", "ger"),
    "en": ("en", "englisch", "english", "eng"),
}


@dataclass
class CsvRow:
    """One data row: its line in the file, the values read and what is wrong with them."""

    line: int
    raw: dict[str, str]
    data: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)

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
    raw: bytes, station_refs: dict[str, int] | None = None, existing_emails: Iterable[str] = ()
) -> CsvResult:
    """Parse a participant CSV; station_refs maps lower-cased names, codes and templates to ids."""
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
            row = _row(reader.line_num, headers, values, result.columns, refs)
            _check_duplicate(row, known, seen)
            result.rows.append(row)
    except csv.Error as err:
        result.problems.append(f"line {reader.line_num}: {err}")
    return result


def _row(
    line: int, headers: list[str], values: list[str], columns: dict[str, str], refs: dict[str, int]
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
    data["kind"] = _word(raw.get("kind", ""), KIND_WORDS, "other", "kind", errors)
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
    return CsvRow(line=line, raw=raw, data=data, errors=errors)


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
        if part.isdigit() and 1 <= int(part) <= 100:
            out.add(int(part))
        elif dash and low.isdigit() and high.isdigit() and 1 <= int(low) <= int(high) <= 100:
            out.update(range(int(low), int(high) + 1))
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
