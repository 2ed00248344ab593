"""What the live pages show besides the clock: a participant's route, a station's roster,
the rotation board and announcements."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.domain.errors import Forbidden, Invalid, NotFound
from parcours.domain.vocabulary import STAFF
from parcours.services.capture.lists import own_records
from parcours.services.common import audit, require_event
from parcours.services.event_day.clock import Snapshot, load_snapshot, position
from parcours.storage import (
    Announcement,
    Assignment,
    CheckIn,
    Participant,
    Station,
    utcnow,
)
from parcours.storage.capture import DEFAULT_ANNOUNCEMENT_MINUTES


def _station_ref(station: Station) -> dict[str, Any]:
    return {
        "id": station.id,
        "name": station.name,
        "location": station.location,
        "kind": station.kind,
    }


def route_of(session: Session, segment_id: int, participant_id: int) -> list[dict[str, Any]]:
    """Return a participant's route through a parcours: [{round, station, group_no}]."""
    rows = session.execute(
        select(Assignment, Station)
        .join(Station, Station.id == Assignment.station_id)
        .where(Assignment.segment_id == segment_id, Assignment.participant_id == participant_id)
        .order_by(Assignment.round)
    ).all()
    return [{"round": a.round, "station": _station_ref(s), "group_no": a.group_no} for a, s in rows]


def build_me(session: Session, actor: Actor) -> dict[str, Any]:
    """Return what a participant's phone shows: who they are, their route, now and next."""
    if actor.role != "participant" or actor.participant_id is None:
        raise Forbidden("Only a participant has a route.")
    event = require_event(session, actor, actor.event_id)
    person = session.get(Participant, actor.participant_id)
    if person is None or person.event_id != event.id:
        raise NotFound("No such participant.")
    pos = position(load_snapshot(session, event))
    route = route_of(session, pos.segment.id, person.id) if pos.segment else []
    by_round = {step["round"]: step for step in route}
    now_round = None if pos.upcoming else pos.round
    next_round = 1 if pos.upcoming else (pos.round + 1 if pos.round else None)
    me: dict[str, Any] = {
        "participant": {"id": person.id, "name": person.name, "organisation": person.organisation},
        "event": {"id": event.id, "title": event.title},
        "segment_id": pos.segment.id if pos.segment else None,
        "segment_index": pos.index,
        "mode": pos.segment.mode if pos.segment else None,
        "route": route,
        "current": by_round.get(now_round) if now_round else None,
        "next": by_round.get(next_round) if next_round else None,
        "notes": [],
        "follow_ups": [],
    }
    me.update(own_records(session, person.id))  # the participant's notes and follow-ups
    return me


PERSON_COLUMNS = (Participant.id, Participant.name, Participant.organisation)


def _entry(
    pid: int, name: str, organisation: str, group_no: int | None, checked_in: bool
) -> dict[str, Any]:
    return {
        "participant_id": pid,
        "name": name,
        "organisation": organisation,
        "group_no": group_no,
        "checked_in": checked_in,
    }


def rosters(session: Session, snap: Snapshot, station_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Return, for each station, who is expected this round and who checked in."""
    pos = position(snap)
    out = {
        sid: {
            "station_id": sid,
            "segment_id": pos.segment.id if pos.segment else None,
            "round": pos.round,
            "upcoming": pos.upcoming,
            "expected": [],
            "walk_ins": [],
        }
        for sid in station_ids
    }
    if pos.segment is None or pos.round is None or not station_ids:
        return out
    rows = session.execute(
        select(Assignment.station_id, Assignment.group_no, *PERSON_COLUMNS)
        .join(Participant, Participant.id == Assignment.participant_id)
        .where(Assignment.segment_id == pos.segment.id, Assignment.round == pos.round)
        .where(Assignment.station_id.in_(station_ids))
        .order_by(Participant.name)
    ).all()
    checked = _checked_in(session, snap.event.id, station_ids, pos.round)
    for sid, group_no, pid, name, organisation in rows:
        entry = _entry(pid, name, organisation, group_no, pid in checked.get(sid, ()))
        out[sid]["expected"].append(entry)
    for sid, people in checked.items():
        others = people - {e["participant_id"] for e in out[sid]["expected"]}
        if not others:
            continue
        walk_ins = session.execute(select(*PERSON_COLUMNS).where(Participant.id.in_(others))).all()
        for pid, name, organisation in sorted(walk_ins, key=lambda r: r[1]):
            out[sid]["walk_ins"].append(_entry(pid, name, organisation, None, True))
    return out


def _checked_in(
    session: Session, event_id: int, station_ids: list[int], rnd: int
) -> dict[int, set[int]]:
    rows = session.execute(
        select(CheckIn.station_id, CheckIn.participant_id).where(
            CheckIn.event_id == event_id, CheckIn.station_id.in_(station_ids), CheckIn.round == rnd
        )
    ).all()
    out: dict[int, set[int]] = defaultdict(set)
    for sid, pid in rows:
        out[sid].add(pid)
    return out


def station_ids(session: Session, event_id: int) -> list[int]:
    """Return the ids of the event's stations."""
    return list(session.scalars(select(Station.id).where(Station.event_id == event_id)))


def roster(session: Session, actor: Actor, event_id: int, station_id: int) -> dict[str, Any]:
    """Return a station's roster for its host or the staff."""
    event = require_event(session, actor, event_id, "host", *STAFF)
    if actor.role == "host" and actor.station_id != station_id:
        raise Forbidden("A host sees only their own station.")
    station = session.get(Station, station_id)
    if station is None or station.event_id != event.id:
        raise NotFound("No such station.")
    return rosters(session, load_snapshot(session, event), [station_id])[station_id]


def rotation(session: Session, actor: Actor, event_id: int) -> dict[str, Any]:
    """Return the rotation board: for each round and station, who (or which group) goes there."""
    event = require_event(session, actor, event_id, "screen", *STAFF)
    pos = position(load_snapshot(session, event))
    stations = list(event.stations)
    board: dict[str, Any] = {
        "segment_id": pos.segment.id if pos.segment else None,
        "mode": pos.segment.mode if pos.segment else None,
        "stations": [_station_ref(s) for s in stations],
        "rounds": [],
    }
    if pos.segment is None:
        return board
    cells: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    rows = session.execute(
        select(Assignment.round, Assignment.station_id, Assignment.group_no, Participant.name)
        .join(Participant, Participant.id == Assignment.participant_id)
        .where(Assignment.segment_id == pos.segment.id)
        .order_by(Assignment.round, Participant.name)
    ).all()
    for rnd, sid, group_no, name in rows:
        cell = cells[rnd].setdefault(sid, {"station_id": sid, "people": [], "groups": []})
        cell["people"].append(name)
        if group_no is not None and group_no not in cell["groups"]:
            cell["groups"].append(group_no)
    for rnd in range(1, pos.segment.rounds + 1):
        row = [
            cells[rnd].get(s.id, {"station_id": s.id, "people": [], "groups": []}) for s in stations
        ]
        board["rounds"].append({"round": rnd, "cells": row})
    return board


def announce(
    session: Session,
    actor: Actor,
    event_id: int,
    text: str,
    minutes: int = DEFAULT_ANNOUNCEMENT_MINUTES,
) -> Announcement:
    """Store an announcement for the screen and the phones; it shows for `minutes`."""
    require_event(session, actor, event_id, *STAFF)
    if not text.strip():
        raise Invalid("text: must not be blank", {"text": ["must not be blank"]})
    now = utcnow()
    item = Announcement(
        event_id=event_id,
        text=text.strip(),
        created_at=now,
        ends_at=now + timedelta(minutes=minutes),
    )
    session.add(item)
    audit(session, event_id, actor.label, "announcement.create", minutes=minutes)
    session.commit()
    return item


def end_announcement(
    session: Session, actor: Actor, event_id: int, announcement_id: int
) -> Announcement:
    """Take an announcement off the screen and the phones now."""
    require_event(session, actor, event_id, *STAFF)
    item = session.get(Announcement, announcement_id)
    if item is None or item.event_id != event_id:
        raise NotFound("No such announcement.")
    now = utcnow()
    if item.shown_until > now:
        item.ends_at = now
        audit(session, event_id, actor.label, "announcement.end", id=announcement_id)
    session.commit()
    return item


def active_announcements(session: Session, event_id: int, limit: int = 5) -> list[Announcement]:
    """Return the announcements showing now, newest first (no actor check)."""
    now = utcnow()
    legacy = now - timedelta(minutes=DEFAULT_ANNOUNCEMENT_MINUTES)
    query = (
        select(Announcement)
        .where(Announcement.event_id == event_id)
        .where(
            or_(
                Announcement.ends_at > now,
                and_(Announcement.ends_at.is_(None), Announcement.created_at > legacy),
            )
        )
        .order_by(Announcement.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def recent_announcements(
    session: Session, actor: Actor, event_id: int, limit: int = 5
) -> list[Announcement]:
    """Return the latest announcements of the event, newest first."""
    require_event(session, actor, event_id)
    return latest_announcements(session, event_id, limit)


def latest_announcements(session: Session, event_id: int, limit: int = 5) -> list[Announcement]:
    """Return the latest announcements of an event, newest first (no actor check)."""
    query = (
        select(Announcement)
        .where(Announcement.event_id == event_id)
        .order_by(Announcement.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
