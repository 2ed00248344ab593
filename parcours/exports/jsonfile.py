"""JSON of the whole event: an event file that `parcours event create` loads, plus the records.

The top-level key "event_file" holds a valid event file (CONTRACT §2): stations carry their
codes, participants refer to stations by code. Records refer to participants by their index
in event_file.participants and to stations by code, so they can be loaded again as well.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import IO, Any

from sqlalchemy import select

from parcours.domain.vocabulary import STATION_FIELDS
from parcours.exports.scope import ExportScope
from parcours.storage import capture
from parcours.storage.base import utcnow
from parcours.storage.models import Assignment, Participant, Segment

FORMAT = "parcours-event"
VERSION = 1


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def event_head(scope: ExportScope) -> dict[str, Any]:
    """Return the [event] table of the event file."""
    event = scope.event
    head: dict[str, Any] = {"title": event.title, "venue": event.venue}
    if event.starts_at is not None:
        head["starts_at"] = event.starts_at.astimezone(scope.tz).isoformat()
    head.update(
        timezone=event.timezone,
        language=event.language,
        retention_days=event.retention_days,
        auto_advance=event.auto_advance,
    )
    if event.max_participants is not None:
        head["max_participants"] = event.max_participants
    return head


def segment_entry(seg: Segment) -> dict[str, Any]:
    """Return one [[agenda]] entry."""
    if seg.kind == "parcours":
        return {
            "title": seg.title,
            "kind": seg.kind,
            "rounds": seg.rounds,
            "round_minutes": seg.round_minutes,
            "transition_minutes": seg.transition_minutes,
            "mode": seg.mode,
        }
    return {"title": seg.title, "kind": seg.kind, "minutes": seg.minutes}


def station_entries(scope: ExportScope) -> list[dict[str, Any]]:
    """Return the [[stations]] entries, each with its code."""
    out = []
    for s in scope.stations.values():
        entry: dict[str, Any] = {"template": s.template} if s.template else {}
        entry.update(
            code=s.code,
            **{key: getattr(s, key) for key in STATION_FIELDS},
            topics=list(s.topics or []),
            questions=list(s.questions or []),
        )
        if s.organisation:
            entry["organisation"] = s.organisation
        out.append(entry)
    return out


def participant_entry(scope: ExportScope, p: Participant) -> dict[str, Any]:
    """Return one [[participants]] entry; interests refer to stations by code."""

    def codes(ids: list[Any]) -> list[str]:
        return [scope.stations[i].code for i in ids or [] if i in scope.stations]

    entry: dict[str, Any] = {"name": p.name, "organisation": p.organisation, "kind": p.kind}
    if p.email:
        entry["email"] = p.email
    if p.phone:
        entry["phone"] = p.phone
    entry.update(language=p.language, interests=codes(p.interests), must_visit=codes(p.must_visit))
    if p.avoid:
        entry["avoid"] = codes(p.avoid)
    if p.stay_put:
        entry["stay_put"] = True
    if p.absent_rounds:
        entry["absent_rounds"] = list(p.absent_rounds)
    return entry


def event_file(scope: ExportScope, people: list[Participant]) -> dict[str, Any]:
    """Return the event file of the event."""
    segments = scope.session.scalars(
        select(Segment).where(Segment.event_id == scope.event.id).order_by(Segment.position)
    )
    return {
        "event": event_head(scope),
        "agenda": [segment_entry(s) for s in segments],
        "stations": station_entries(scope),
        "participants": [participant_entry(scope, p) for p in people],
    }


def _records(
    scope: ExportScope, index: dict[int, int], segments: dict[int, int]
) -> dict[str, Callable[[], Iterator[dict[str, Any]]]]:
    stations = {sid: s.code for sid, s in scope.stations.items()}
    refs: dict[str, tuple[str, dict[int, Any]]] = {
        "participant_id": ("participant", index),
        "station_id": ("station", stations),
        "segment_id": ("segment", segments),
    }

    def rows(model: Any, names: tuple[str, ...]) -> Callable[[], Iterator[dict[str, Any]]]:
        def gen() -> Iterator[dict[str, Any]]:
            stmt = select(*(getattr(model, n) for n in names)).where(
                model.event_id == scope.event.id
            )
            result = scope.session.execute(
                stmt.order_by(model.id), execution_options={"yield_per": 500}
            )
            for row in result:
                item: dict[str, Any] = {}
                for name, value in zip(names, row, strict=True):
                    if name in refs:
                        key, lookup = refs[name]
                        item[key] = lookup.get(value) if value is not None else None
                    else:
                        item[name] = _iso(value) if isinstance(value, datetime) else value
                yield item

        return gen

    return {
        "follow_ups": rows(capture.FollowUp, ("participant_id", "station_id", "topic", "message",
                                              "share_contact", "via", "client_id", "created_at")),
        "leads": rows(capture.Lead, ("participant_id", "station_id", "topic", "note",
                                     "client_id", "created_at")),
        "notes": rows(capture.Note, ("author", "participant_id", "station_id", "round", "text",
                                     "via", "client_id", "created_at")),
        "check_ins": rows(capture.CheckIn, ("participant_id", "station_id", "round", "via",
                                            "client_id", "created_at")),
        "plan": rows(Assignment, ("segment_id", "participant_id", "round", "station_id",
                                  "group_no")),
        "wall_cards": rows(capture.WallCard, ("participant_id", "kind", "text", "status", "votes",
                                              "client_id", "created_at")),
        "announcements": rows(capture.Announcement, ("text", "created_at")),
    }  # fmt: skip


def write_event(out: IO[bytes], scope: ExportScope) -> None:
    """Write the whole event as one JSON document, record by record."""
    people = list(
        scope.session.scalars(
            select(Participant)
            .where(Participant.event_id == scope.event.id)
            .order_by(Participant.id)
        )
    )
    index = {p.id: i for i, p in enumerate(people)}
    stats = scope.session.get(capture.EventStats, scope.event.id)
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(utcnow()),
        "event": {
            "id": scope.event.id,
            "join_code": scope.event.join_code,
            "created_at": _iso(scope.event.created_at),
            "shredded_at": _iso(scope.event.shredded_at),
        },
        "event_file": event_file(scope, people),
        "stats": stats.data if stats else None,
    }

    def put(text: str) -> None:
        out.write(text.encode("utf-8"))

    put(json.dumps(head, ensure_ascii=False)[:-1] + ', "records": {')
    segments = {
        sid: pos
        for sid, pos in scope.session.execute(
            select(Segment.id, Segment.position).where(Segment.event_id == scope.event.id)
        )
    }
    for number, (kind, gen) in enumerate(_records(scope, index, segments).items()):
        put(("," if number else "") + json.dumps(kind) + ": [")
        for i, item in enumerate(gen()):
            put(("," if i else "") + "\n" + json.dumps(item, ensure_ascii=False))
        put("]")
    put("}}\n")
