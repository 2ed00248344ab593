"""Exports as use cases: who may export what, in which language, recorded in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from flask_babel import force_locale
from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.domain.errors import Forbidden, Invalid, NotFound
from parcours.exports import csvfile, jsonfile, pack, vcard, xlsx
from parcours.exports.scope import ExportScope
from parcours.exports.summary import render_summary
from parcours.schemas.common import ORGANISER_LANGUAGES
from parcours.services.common import commit_audited, require_event
from parcours.storage import Event

Writer = Callable[[IO[bytes], ExportScope], object]

EVENT_WRITERS: dict[str, tuple[str, Writer]] = {
    "csv": ("follow-ups.csv", csvfile.write_table),
    "xlsx": ("event.xlsx", xlsx.write_event),
    "json": ("event.json", jsonfile.write_event),
    "vcf": ("contacts.vcf", vcard.write_cards),
    "zip": ("station-packs.zip", pack.write_all_packs),
}


def _write_html(out: IO[bytes], scope: ExportScope) -> None:
    out.write(render_summary(scope).encode("utf-8"))


STATION_WRITERS: dict[str, tuple[str, Writer]] = {
    "csv": ("follow-ups.csv", csvfile.write_table),
    "xlsx": ("follow-ups.xlsx", xlsx.write_station),
    "vcf": ("contacts.vcf", vcard.write_cards),
    "zip": ("pack.zip", pack.write_station_pack),
    "html": ("summary.html", _write_html),
}


def _run(scope: ExportScope, writer: tuple[str, Writer], out: IO[bytes]) -> str:
    stem, write = writer
    name, _dot, ext = stem.rpartition(".")
    # exports are for organisers and stations: German or English (an event in uk, ar, … -> German)
    language = scope.event.language if scope.event.language in ORGANISER_LANGUAGES else "de"
    with force_locale(language):
        write(out, scope)
    return scope.filename(name, ext)


def export_event(
    session: Session,
    actor: Actor,
    event_id: int,
    fmt: str,
    out: IO[bytes],
    pause: Callable[[], object] | None = None,
) -> str:
    """Write the whole event in a format to out; return the download's file name.

    pause, where given, is called now and then so that a server's other work goes on.
    """
    event = require_event(session, actor, event_id, "organiser")
    if fmt not in EVENT_WRITERS:
        raise Invalid(f"format: must be one of {', '.join(EVENT_WRITERS)}", {"format": ["unknown"]})
    filename = _run(ExportScope(session, event, pause=pause), EVENT_WRITERS[fmt], out)
    commit_audited(session, actor, event.id, "event.export", format=fmt)
    return filename


def station_scope(
    session: Session,
    actor: Actor,
    event_id: int,
    station_id: int,
    pause: Callable[[], object] | None = None,
) -> ExportScope:
    """Return the scope of one station for the organiser or that station's host."""
    event: Event = require_event(session, actor, event_id, "organiser", "host")
    if actor.role == "host" and actor.station_id != station_id:
        raise Forbidden("A host may export only their own station.")
    scope = ExportScope(session, event, station_id, pause=pause)
    if scope.station is None:
        raise NotFound("No such station in this event.")
    return scope


def export_station(
    session: Session,
    actor: Actor,
    event_id: int,
    station_id: int,
    fmt: str,
    out: IO[bytes],
    pause: Callable[[], object] | None = None,
) -> str:
    """Write a station's follow-ups (or its whole pack) to out; return the file name."""
    scope = station_scope(session, actor, event_id, station_id, pause)
    if fmt not in STATION_WRITERS:
        raise Invalid(
            f"format: must be one of {', '.join(STATION_WRITERS)}", {"format": ["unknown"]}
        )
    filename = _run(scope, STATION_WRITERS[fmt], out)
    commit_audited(session, actor, event_id, "station.export", format=fmt, station_id=station_id)
    return filename
