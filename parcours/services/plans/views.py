"""What the plan pages and the printouts show: grid, encounters, routes, station rosters."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.domain.vocabulary import KINDS
from parcours.services.common import require_event
from parcours.services.event_day.clock import load_snapshot, position
from parcours.services.plans.data import (
    all_parcours,
    first_round,
    is_locked,
    latest_run,
    started_rounds,
    stored_rows,
)
from parcours.storage import AccessToken, Event, Participant, Segment, Station

KIND_ORDER = KINDS


def first_parcours(event: Event) -> Segment | None:
    """Return the event's first parcours with rounds, if any."""
    return next(iter(all_parcours(event)), None)


def chosen_parcours(session: Session, event: Event, segment_id: int | None) -> Segment | None:
    """Return the parcours a page is about: ``segment_id`` if it is one of the event's, else
    the one the clock is in or comes to next (before the start: the first), else the last."""
    segments = all_parcours(event)
    asked = next((s for s in segments if s.id == segment_id), None)
    if asked is not None or not segments:
        return asked
    return position(load_snapshot(session, event)).segment or segments[0]


def overview(
    session: Session, actor: Actor, event_id: int, segment_id: int | None = None
) -> dict[str, Any]:
    """Return everything the plan page shows about one parcours (empty parts before planning)."""
    event = require_event(session, actor, event_id, "organiser")
    segment = chosen_parcours(session, event, segment_id)
    data: dict[str, Any] = {"event": event, "segment": segment, "run": None, "rows": []}
    data["segments"] = all_parcours(event)
    if segment is None:
        return data
    run = latest_run(session, segment.id)
    rows = stored_rows(session, segment.id) if run else []
    people = {p.id: p for p in event.participants}
    started = started_rounds(session, event, segment)
    data.update(run=run, rows=rows, started=started, people=people)
    data["locked"] = is_locked(event, segment)
    running = next(  # re-planning works on the parcours that is running or next
        (s for s in data["segments"] if started_rounds(session, event, s) < s.rounds), segment
    )
    data["replan_segment"] = running
    data["grid"] = grid(event, segment, rows, people)
    data["encounters"] = encounters(rows, people)
    before = first_round(event, segment)
    data["without_route"] = without_route(rows, people, segment.rounds, started, before)
    return data


def grid(
    event: Event, segment: Segment, rows: list[Any], people: dict[int, Participant]
) -> list[dict[str, Any]]:
    """Return one row per station with one cell per round: who, how many, which kinds."""
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pid, rnd, sid, _group in rows:
        cells[(sid, rnd)].append(pid)
    visits = Counter((pid, sid) for pid, _rnd, sid, _group in rows)
    out = []
    for station in event.stations:
        line = []
        for rnd in range(1, segment.rounds + 1):
            pids = sorted(cells.get((station.id, rnd), []), key=lambda p: _name(people, p))
            kinds = Counter(people[p].kind if p in people else "other" for p in pids)
            line.append({
                "round": rnd,
                "people": [{"id": p, "name": _name(people, p),
                            "revisit": visits[(p, station.id)] > 1 and not _stays(people, p)}
                           for p in pids],
                "count": len(pids),
                "over": len(pids) > station.capacity,
                "kinds": [(k, kinds[k]) for k in KIND_ORDER if kinds[k]],
            })  # fmt: skip
        out.append({"station": station, "cells": line})
    return out


def _stays(people: dict[int, Participant], pid: int) -> bool:
    """Return whether someone stays at one station by design (a repeat visit is no breach)."""
    person = people.get(pid)
    return bool(person and person.stay_put)


def _name(people: dict[int, Participant], pid: int) -> str:
    person = people.get(pid)
    return person.name if person else f"#{pid}"


def encounters(rows: list[Any], people: dict[int, Participant]) -> dict[str, Any]:
    """Return the distinct people each participant meets, and a histogram of those counts."""
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pid, rnd, sid, _group in rows:
        groups[(rnd, sid)].append(pid)
    met: dict[int, set[int]] = {pid: set() for pid, _r, _s, _g in rows}
    for members in groups.values():
        for a, b in combinations(members, 2):
            met[a].add(b)
            met[b].add(a)
    counts = Counter(len(others) for others in met.values())
    low, high = (min(counts), max(counts)) if counts else (0, 0)
    histogram = [(str(n), counts.get(n, 0)) for n in range(low, high + 1)]
    per_person = sorted((len(o), _name(people, p)) for p, o in met.items())
    return {"histogram": histogram, "fewest": per_person[:3], "people": len(met)}


def without_route(
    rows: list[Any],
    people: dict[int, Participant],
    rounds: int,
    started: int,
    first: int = 0,
) -> list[Participant]:
    """Return present participants with no station in some round still to come that they are
    here for (``first``: the parcours rounds of the agenda before this one, as absent rounds
    count on across parcours)."""
    placed = Counter(pid for pid, rnd, _s, _g in rows if rnd > started)

    def need(person: Participant) -> int:
        away = {int(r) for r in person.absent_rounds or () if str(r).isascii() and str(r).isdigit()}
        return sum(1 for r in range(started + 1, rounds + 1) if first + r not in away)

    return sorted(
        (p for p in people.values() if p.present and placed[p.id] < need(p)),
        key=lambda p: p.name,
    )


def participant_tokens(session: Session, event_id: int) -> dict[int, str]:
    """Return each participant's (first, unrevoked) personal token."""
    query = (
        select(AccessToken.participant_id, AccessToken.token)
        .where(AccessToken.event_id == event_id, AccessToken.role == "participant")
        .where(AccessToken.revoked_at.is_(None))
        .order_by(AccessToken.id)
    )
    out: dict[int, str] = {}
    for pid, token in session.execute(query).all():
        if pid is not None:
            out.setdefault(pid, token)
    return out


def _printed(event: Event, segment_id: int | None) -> list[Segment]:
    """Return the parcours a printout covers: ``segment_id`` alone, else every one."""
    segments = all_parcours(event)
    if segment_id is None:
        return segments
    return [s for s in segments if s.id == segment_id] or segments


def route_cards(
    session: Session, actor: Actor, event_id: int, segment_id: int | None = None
) -> list[dict[str, Any]]:
    """Return one card per participant with a route: person, token and, per parcours
    (``segment_id`` alone, else every one), the round-by-round stations."""
    event = require_event(session, actor, event_id, "organiser")
    stations = {s.id: s for s in event.stations}
    routes: dict[int, dict[int, list[tuple[int, Station]]]] = defaultdict(dict)
    segments = _printed(event, segment_id)
    for segment in segments:
        for pid, rnd, sid, _group in stored_rows(session, segment.id):
            routes[pid].setdefault(segment.id, []).append((rnd, stations[sid]))
    tokens = participant_tokens(session, event.id)
    people = sorted((p for p in event.participants if p.id in routes), key=lambda p: p.name)
    return [
        {
            "person": p,
            "token": tokens.get(p.id),
            "parts": [(s, routes[p.id][s.id]) for s in segments if s.id in routes[p.id]],
            "route": next(iter(routes[p.id].values())),  # the first parcours it has
        }
        for p in people
    ]


def station_rosters(
    session: Session, actor: Actor, event_id: int, segment_id: int | None = None
) -> list[dict[str, Any]]:
    """Return one entry per station: the station and, per parcours (``segment_id`` alone, else
    every one), its people per round."""
    event = require_event(session, actor, event_id, "organiser")
    people = {p.id: p for p in event.participants}
    segments = _printed(event, segment_id)
    roster: dict[tuple[int, int, int], list[str]] = defaultdict(list)
    for segment in segments:
        for pid, rnd, sid, _group in stored_rows(session, segment.id):
            roster[(segment.id, sid, rnd)].append(_name(people, pid))
    out = []
    for station in event.stations:
        parts = [
            (seg, [(r, sorted(roster.get((seg.id, station.id, r), [])))
                   for r in range(1, seg.rounds + 1)])
            for seg in segments
        ]  # fmt: skip
        first = parts[0][1] if parts else []
        out.append({"station": station, "parts": parts, "rounds": first})
    return out
