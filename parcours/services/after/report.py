"""The event's report: counts for the press release, live or (after shred) from EventStats."""

from __future__ import annotations

from collections import Counter
from itertools import groupby
from statistics import mean, median
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from parcours.storage import queries
from parcours.storage.base import utcnow
from parcours.storage.capture import CheckIn, EventStats, FollowUp, Lead, Note, WallCard
from parcours.storage.models import Assignment, Event, Participant, Segment, Station

VERSION = 1
HIDDEN_CARDS = ("rejected", "hidden", "deleted")


def _by_station(session: Session, model: Any, event_id: int, *where: Any) -> dict[int, int]:
    return queries.count_by(session, model, "station_id", event_id, *where)


def _contacts_shared(session: Session, event_id: int) -> dict[int, int]:
    """Return per station how many people shared their contact with it.

    The consent rule of every view and export: a person's contact details reach a station once
    they agreed in any of their requests to it, so a contact is a (person, station) pair.
    """
    pairs = (
        select(FollowUp.station_id, FollowUp.participant_id)
        .where(FollowUp.event_id == event_id, FollowUp.share_contact.is_(True))
        .distinct()
        .subquery()
    )
    stmt = select(pairs.c.station_id, func.count()).group_by(pairs.c.station_id)
    return {sid: n for sid, n in session.execute(stmt) if sid is not None}


def _grouped(session: Session, column: Any, model: Any, event_id: int) -> dict[str, int]:
    stmt = select(column, func.count()).where(model.event_id == event_id).group_by(column)
    return {str(key): n for key, n in session.execute(stmt)}


def encounters(session: Session, event_id: int) -> dict[int, int]:
    """Return for each planned participant how many others they met (same station and round)."""
    stmt = (
        select(
            Assignment.segment_id,
            Assignment.round,
            Assignment.station_id,
            Assignment.participant_id,
        )
        .where(Assignment.event_id == event_id)
        .order_by(Assignment.segment_id, Assignment.round, Assignment.station_id)
    )
    rows = session.execute(stmt, execution_options={"yield_per": 2000})
    bit: dict[int, int] = {}
    met: dict[int, int] = {}
    for _key, group in groupby(rows, key=lambda r: (r[0], r[1], r[2])):
        members = [r[3] for r in group]
        mask = 0
        for pid in members:
            mask |= bit.setdefault(pid, 1 << len(bit))
        for pid in members:
            met[pid] = met.get(pid, 0) | mask
    return {pid: (mask & ~bit[pid]).bit_count() for pid, mask in met.items()}


def _plain(number: float) -> float | int:
    return int(number) if float(number).is_integer() else round(number, 1)


def encounter_summary(counts: dict[int, int]) -> dict[str, Any]:
    """Return the distribution of "new people met" with mean, median and maximum."""
    values = list(counts.values())
    histogram = Counter(values)
    top = max(values, default=0)
    return {
        "participants": len(values),
        "distribution": [[k, histogram.get(k, 0)] for k in range(top + 1)] if values else [],
        "mean": _plain(round(mean(values), 1)) if values else 0,
        "median": _plain(median(values)) if values else 0,
        "max": top,
    }


def _stations(session: Session, event_id: int, counted: list[int]) -> list[dict[str, Any]]:
    planned = _by_station(session, Assignment, event_id, Assignment.participant_id.in_(counted))
    checks = _by_station(session, CheckIn, event_id)
    follow_ups = _by_station(session, FollowUp, event_id)
    shared = _contacts_shared(session, event_id)
    leads = _by_station(session, Lead, event_id)
    stations = session.scalars(
        select(Station).where(Station.event_id == event_id).order_by(Station.position)
    )
    return [
        {
            "id": s.id,
            "code": s.code,
            "name": s.name,
            "kind": s.kind,
            "planned_visits": planned.get(s.id, 0),
            "check_ins": checks.get(s.id, 0),
            "follow_ups": follow_ups.get(s.id, 0),
            "contacts_shared": shared.get(s.id, 0),
            "leads": leads.get(s.id, 0),
        }
        for s in stations
    ]


def _topics(session: Session, event_id: int) -> tuple[list[Any], list[Any]]:
    stmt = (
        select(FollowUp.station_id, FollowUp.topic, func.count())
        .where(FollowUp.event_id == event_id)
        .group_by(FollowUp.station_id, FollowUp.topic)
    )
    per_station = [[sid, topic, n] for sid, topic, n in session.execute(stmt)]
    totals: Counter[str] = Counter()
    for _sid, topic, n in per_station:
        totals[topic] += n
    by_topic = [[t, n] for t, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    per_station.sort(key=lambda r: (r[0], -r[2], r[1]))
    return by_topic, per_station


def _people(session: Session, event_id: int) -> tuple[list[int], int]:
    """Return the ids of the people the report counts and the number of duplicate records.

    Counted: present, each e-mail address once. Someone marked absent did not come; a second
    record with an e-mail address already on the list (imported, then registered again) is the
    same person.
    """
    rows = session.execute(
        select(Participant.id, Participant.email, Participant.present)
        .where(Participant.event_id == event_id)
        .order_by(Participant.id)
    )
    seen: set[str] = set()
    ids: list[int] = []
    duplicates = 0
    for pid, email, present in rows:
        key = (email or "").strip().lower()
        if key and key in seen:
            duplicates += 1
            continue
        if key:
            seen.add(key)
        if present:
            ids.append(pid)
    return ids, duplicates


def counted_people(session: Session, event_id: int) -> list[int]:
    """Return the ids of the people the report counts (present, each e-mail address once)."""
    return _people(session, event_id)[0]


def _participants(session: Session, event_id: int) -> dict[str, Any]:
    where = Participant.event_id == event_id
    registered = session.scalar(select(func.count()).where(where)) or 0
    ids, duplicates = _people(session, event_id)
    counted = set(ids)
    rows = session.execute(
        select(Participant.id, Participant.organisation, Participant.kind, Participant.source)
        .where(where)
        .order_by(Participant.id)
    ).all()
    mine = [row for row in rows if row[0] in counted]
    return {
        "total": len(mine),
        "registered": registered,
        "absent": registered - duplicates - len(mine),
        "duplicates": duplicates,
        "present": len(mine),
        "self_registered": sum(1 for row in mine if row[3] == "self"),
        "organisations": len({row[1].strip().lower() for row in mine if row[1].strip()}),
        "by_kind": dict(Counter(row[2] for row in mine)),
    }


def _wall(session: Session, event_id: int) -> dict[str, Any]:
    votes = select(func.coalesce(func.sum(WallCard.votes), 0)).where(WallCard.event_id == event_id)
    return {
        "total": sum(_grouped(session, WallCard.kind, WallCard, event_id).values()),
        "votes": int(session.scalar(votes) or 0),
        "by_kind": _grouped(session, WallCard.kind, WallCard, event_id),
        "by_status": _grouped(session, WallCard.status, WallCard, event_id),
    }


def compute_stats(session: Session, event: Event) -> dict[str, Any]:
    """Return every count the report needs; no names, no texts (it outlives shred)."""
    by_topic, per_station_topic = _topics(session, event.id)
    rounds = session.scalar(
        select(func.coalesce(func.sum(Segment.rounds), 0)).where(
            Segment.event_id == event.id, Segment.kind == "parcours"
        )
    )
    notes = _grouped(session, func.substr(Note.author, 1, 1), Note, event.id)
    return {
        "version": VERSION,
        "computed_at": utcnow().isoformat(),
        "rounds": int(rounds or 0),
        "participants": _participants(session, event.id),
        "stations": _stations(session, event.id, counted_people(session, event.id)),
        "follow_ups": {
            "total": sum(n for _t, n in by_topic),
            "contacts_shared": sum(_contacts_shared(session, event.id).values()),
            "by_topic": by_topic,
            "by_station_topic": per_station_topic,
        },
        "leads": {"total": sum(_by_station(session, Lead, event.id).values())},
        "check_ins": {"total": sum(_by_station(session, CheckIn, event.id).values())},
        "notes": {
            "total": sum(notes.values()),
            "participants": notes.get("p", 0),
            "hosts": notes.get("h", 0),
        },  # fmt: skip
        "encounters": encounter_summary(encounters(session, event.id)),
        "wall": _wall(session, event.id),
    }


def top_cards(session: Session, event_id: int, limit: int = 15) -> list[dict[str, Any]]:
    """Return the wall cards with the most votes (texts: only before shred)."""
    stmt = (
        select(WallCard.kind, WallCard.text, WallCard.votes)
        .where(WallCard.event_id == event_id, WallCard.status.not_in(HIDDEN_CARDS))
        .order_by(WallCard.votes.desc(), WallCard.id)
        .limit(limit)
    )
    return [{"kind": k, "text": t, "votes": v} for k, t, v in session.execute(stmt)]


def report_data(session: Session, event: Event) -> dict[str, Any]:
    """Return the report's figures: stored ones after shred, else computed now."""
    stored = session.get(EventStats, event.id)
    if event.shredded_at is not None and stored is not None:
        return {**stored.data, "from_store": True, "top_cards": []}
    stats = compute_stats(session, event)
    return {**stats, "from_store": False, "top_cards": top_cards(session, event.id)}
