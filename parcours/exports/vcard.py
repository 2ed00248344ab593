"""vCard 4.0 (RFC 6350): one card per participant who agreed to share their contact."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from itertools import groupby
from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy import select

from parcours.exports.scope import ExportScope, Person
from parcours.storage import FollowUp, utcnow

NAMESPACE = uuid.UUID("6f1c2a52-4e0b-4d4e-9a51-3f0e7a2d9c11")
LINE_OCTETS = 75


def escape(text: str) -> str:
    """Escape a text value: backslash, comma, semicolon and line breaks."""
    text = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    if len(line) * 4 <= LINE_OCTETS or len(line.encode("utf-8")) <= LINE_OCTETS:
        return line + "\r\n"
    out: list[str] = []
    current, size, limit = [], 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n ".join(out) + "\r\n"


def split_name(name: str) -> tuple[str, str]:
    """Return (family, given) by the last word; FN keeps the name as written."""
    words = name.split()
    if len(words) < 2:
        return name, ""
    return words[-1], " ".join(words[:-1])


def card(scope: ExportScope, person: Person, requests: list[Any]) -> str:
    """Return one vCard for a person and their follow-up requests."""
    family, given = split_name(person.name)
    uid = uuid.uuid5(NAMESPACE, f"{scope.event.id}:{person.id}")
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"UID:urn:uuid:{uid}", f"FN:{escape(person.name)}"]
    lines.append(f"N:{escape(family)};{escape(given)};;;")
    if person.organisation:
        lines.append(f"ORG:{escape(person.organisation)}")
    if person.email:
        lines.append(f"EMAIL;TYPE=work:{escape(person.email)}")
    if person.phone:
        lines.append(f"TEL;TYPE=work,voice;VALUE=text:{escape(person.phone)}")
    lines.append(f"NOTE:{escape(_note(scope, requests))}")
    lines.append("CATEGORIES:parcours")
    lines.append("REV:" + utcnow().strftime("%Y%m%dT%H%M%SZ"))
    lines.append("END:VCARD")
    return "".join(fold(line) for line in lines)


def _note(scope: ExportScope, requests: list[Any]) -> str:
    parts = [scope.event.title]
    for r in requests:
        text = f"{scope.station_name(r.station_id)}: {r.topic}"
        if r.via == "kiosk":  # kiosk entries stay marked as such in every export
            text += f" ({scope.via(r.via)})"
        parts.append(text + (f" – {r.message}" if r.message else ""))
    return "\n".join(parts) if len(parts) > 1 else _("Met at %(event)s", event=parts[0])


def consented_requests(scope: ExportScope) -> Iterator[tuple[Person, list[Any]]]:
    """Yield each participant who agreed to share, with their requests, for the scope.

    The consent rule (ExportScope.consent): per person and station, so a card lists every
    request of the person to a station they shared their contact with.
    """
    stmt = select(
        FollowUp.participant_id, FollowUp.station_id, FollowUp.topic, FollowUp.message, FollowUp.via
    ).where(FollowUp.event_id == scope.event.id)
    if scope.station_id is not None:
        stmt = stmt.where(FollowUp.station_id == scope.station_id)
    stmt = stmt.order_by(FollowUp.participant_id, FollowUp.id)
    rows = scope.session.execute(stmt, execution_options={"yield_per": 500})
    consent = scope.consent
    for participant_id, group in groupby(rows, key=lambda r: r.participant_id):
        person = scope.people.get(participant_id)
        shared = [r for r in group if (r.participant_id, r.station_id) in consent]
        if person is not None and shared:
            yield person, shared


def write_cards(out: IO[bytes], scope: ExportScope) -> int:
    """Write the scope's consented contacts as vCards; return how many."""
    count = 0
    if scope.event.shredded_at is not None:
        return count  # names and contact details are gone: nothing to hand out
    for person, requests in consented_requests(scope):
        out.write(card(scope, person, requests).encode("utf-8"))
        count += 1
    return count
