"""The tables every tabular export is made of: headers in the event's language, streamed rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from parcours.exports.scope import ExportScope
from parcours.storage import (
    Assignment,
    CheckIn,
    FollowUp,
    Lead,
    Note,
    Participant,
    Segment,
    WallCard,
)

BATCH = 500
PAUSE_EVERY = 200
Row = list[Any]


@dataclass(frozen=True)
class Table:
    """One kind of record: a sheet of the workbook."""

    key: str
    title: Any
    columns: tuple[Any, ...]
    rows: Callable[[ExportScope], Iterator[Row]]

    def headers(self) -> list[str]:
        """Return the column headers in the current language."""
        return [str(c) for c in self.columns]


def _stream(scope: ExportScope, stmt: Select[Any]) -> Iterator[Any]:
    rows = scope.session.execute(stmt, execution_options={"yield_per": BATCH})
    if scope.pause is None:
        yield from rows
        return
    for number, row in enumerate(rows):
        if number % PAUSE_EVERY == 0:
            scope.pause()
        yield row


def _person_cells(scope: ExportScope, participant_id: int | None, station_id: int | None) -> Row:
    shown = scope.shown(participant_id, station_id)
    person = scope.people.get(participant_id) if participant_id is not None else None
    kind = scope.word(person.kind) if person else ""
    return [shown.name, shown.organisation, kind, shown.email, shown.phone]


def _shared(scope: ExportScope, participant_id: int | None, station_id: int | None) -> str:
    """Return Yes/No: does the station see this person's contact details (the consent rule)."""
    return scope.word(scope.shown(participant_id, station_id).consented)


def _columns(model: Any, *names: str) -> Select[Any]:
    """Select these columns of the model, in this order."""
    return select(*(getattr(model, name) for name in names))


def _contact_query(scope: ExportScope, model: Any, *columns: str) -> Select[Any]:
    """Select the event's (or the station pack's) rows of a contact table, by station."""
    stmt = _columns(model, "created_at", "station_id", "participant_id", *columns)
    stmt = stmt.where(model.event_id == scope.event.id)
    if scope.station_id is not None:
        stmt = stmt.where(model.station_id == scope.station_id)
    return stmt.order_by(model.station_id, model.id)


def _contact_cells(scope: ExportScope, r: Any) -> list[Any]:
    """Return when, where and who of a follow-up or lead."""
    who = _person_cells(scope, r.participant_id, r.station_id)
    return [scope.local(r.created_at), scope.station_name(r.station_id), *who]


def follow_up_rows(scope: ExportScope) -> Iterator[Row]:
    """Yield the "please contact me" requests."""
    query = _contact_query(scope, FollowUp, "topic", "message", "share_contact", "via")
    for r in _stream(scope, query):
        shared = _shared(scope, r.participant_id, r.station_id)
        yield [*_contact_cells(scope, r), r.topic, r.message, shared, scope.via(r.via)]


def lead_rows(scope: ExportScope) -> Iterator[Row]:
    """Yield the hosts' "we will follow up" records."""
    for r in _stream(scope, _contact_query(scope, Lead, "topic", "note")):
        shared = _shared(scope, r.participant_id, r.station_id)
        yield [*_contact_cells(scope, r), r.topic, r.note, shared]


def contact_rows(scope: ExportScope) -> Iterator[Row]:
    """Yield follow-ups and leads in one list (the CSV export)."""
    follow_up, lead = _("Follow-up"), _("Lead")
    for row in follow_up_rows(scope):
        yield [follow_up, *row]
    tablet = scope.via("tablet")
    for row in lead_rows(scope):
        yield [lead, *row, tablet]


def _author(scope: ExportScope, author: str) -> str:
    kind, _sep, ident = author.partition(":")
    if kind == "h" and ident.isascii() and ident.isdigit():
        name = scope.station_name(int(ident))
        return scope.memo(author, lambda: _("Host: %(station)s", station=name))
    if kind == "p" and ident.isascii() and ident.isdigit():
        return scope.pseudonym(int(ident))
    return author


def note_rows(scope: ExportScope) -> Iterator[Row]:
    """Yield notes; a station's pack gets only its host's notes."""
    names = ("created_at", "author", "station_id", "round", "participant_id", "text", "via")
    stmt = _columns(Note, *names).where(Note.event_id == scope.event.id)
    if scope.station_id is not None:
        stmt = stmt.where(Note.author == f"h:{scope.station_id}")
    for r in _stream(scope, stmt.order_by(Note.id)):
        about = scope.shown(r.participant_id, r.station_id).name if r.author[:2] == "h:" else ""
        yield [
            scope.local(r.created_at),
            _author(scope, r.author),
            scope.station_name(r.station_id),
            r.round,
            about,
            r.text,
            scope.via(r.via),
        ]


def visit_rows(scope: ExportScope) -> Iterator[Row]:
    """Yield planned visits (the rotation plan) and check-ins."""
    plan = (
        select(Assignment.round, Assignment.station_id, Assignment.participant_id, Segment.title)
        .join(Segment, Segment.id == Assignment.segment_id)
        .where(Assignment.event_id == scope.event.id)
    )
    checks = select(
        CheckIn.round, CheckIn.station_id, CheckIn.participant_id, CheckIn.created_at, CheckIn.via
    ).where(CheckIn.event_id == scope.event.id)
    if scope.station_id is not None:
        plan = plan.where(Assignment.station_id == scope.station_id)
        checks = checks.where(CheckIn.station_id == scope.station_id)
    planned = _("Planned")
    several = len({s.id for s in scope.event.segments if s.kind == "parcours" and s.rounds}) > 1
    order = (Segment.position, Assignment.round, Assignment.station_id)
    for r in _stream(scope, plan.order_by(*order)):
        name = scope.station_name(r.station_id)
        record = f"{planned}: {r.title}" if several else planned  # which parcours
        yield [record, r.round, name, scope.pseudonym(r.participant_id), None, ""]
    checked = _("Check-in")
    for r in _stream(scope, checks.order_by(CheckIn.id)):
        name = scope.station_name(r.station_id)
        pseudonym = scope.pseudonym(r.participant_id)
        yield [checked, r.round, name, pseudonym, scope.local(r.created_at), scope.via(r.via)]


def participant_rows(scope: ExportScope) -> Iterator[Row]:
    """Yield the organiser's list of participants (contact details included)."""
    stmt = select(Participant).where(Participant.event_id == scope.event.id)
    for (p,) in _stream(scope, stmt.order_by(Participant.id)):
        interests = ", ".join(scope.station_name(i) for i in p.interests or [])
        yield [
            p.pseudonym,
            p.name,
            p.organisation,
            scope.word(p.kind),
            p.email or "",
            p.phone or "",
            p.language,
            p.source,
            scope.local(p.consent_at),
            scope.word(bool(p.present)),
            interests,
        ]


def _counts(scope: ExportScope, model: Any) -> dict[int, int]:
    stmt = (
        select(model.station_id, func.count())
        .where(model.event_id == scope.event.id)
        .group_by(model.station_id)
    )
    return {sid: n for sid, n in scope.session.execute(stmt) if sid is not None}


def station_rows(scope: ExportScope) -> Iterator[Row]:
    """Yield the stations with their counts."""
    planned, checks = _counts(scope, Assignment), _counts(scope, CheckIn)
    follow_ups, leads = _counts(scope, FollowUp), _counts(scope, Lead)
    for s in scope.stations.values():
        if scope.station_id is not None and s.id != scope.station_id:
            continue
        yield [
            s.code,
            s.name,
            scope.word(s.kind),
            s.location,
            s.host,
            s.capacity,
            ", ".join(s.topics or []),
            planned.get(s.id, 0),
            checks.get(s.id, 0),
            follow_ups.get(s.id, 0),
            leads.get(s.id, 0),
        ]


def wall_rows(scope: ExportScope) -> Iterator[Row]:
    """Yield the workshop-wall cards, most votes first."""
    names = ("created_at", "kind", "text", "status", "votes", "participant_id")
    stmt = _columns(WallCard, *names).where(WallCard.event_id == scope.event.id)
    for r in _stream(scope, stmt.order_by(WallCard.votes.desc(), WallCard.id)):
        author = scope.pseudonym(r.participant_id)
        yield [scope.local(r.created_at), r.kind, r.text, r.status, r.votes, author]
