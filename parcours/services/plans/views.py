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
from parcours.services.plans.data import latest_run, started_rounds, stored_rows
from parcours.storage import AccessToken, Event, Participant, Segment, Station

KIND_ORDER = KINDS


def first_parcours(event: Event) -> Segment | None:
    """Return the event's first parcours with rounds, if any."""
    return next((s for s in event.segments if s.kind == "parcours" and s.rounds > 0), None)


def overview(session: Session, actor: Actor, event_id: int) -> dict[str, Any]:
    """Return everything the plan page shows; the plan parts are empty before planning."""
    event = require_event(session, actor, event_id, "organiser")
    segment = first_parcours(event)
    data: dict[str, Any] = {"event": event, "segment": segment, "run": None, "rows": []}
    if segment is None:
        return data
    run = latest_run(session, segment.id)
    rows = stored_rows(session, segment.id) if run else []
    people = {p.id: p for p in event.participants}
    started = started_rounds(session, event, segment)
    data.update(run=run, rows=rows, started=started, people=people)
    data["grid"] = grid(event, segment, rows, people)
    data["encounters"] = encounters(rows, people)
    data["without_route"] = without_route(rows, people, segment.rounds, started)
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
                            "revisit": visits[(p, station.id)] > 1} for p in pids],
                "count": len(pids),
                "over": len(pids) > station.capacity,
                "kinds": [(k, kinds[k]) for k in KIND_ORDER if kinds[k]],
            })  # fmt: skip
        out.append({"station": station, "cells": line})
    return out


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
    rows: list[Any], people: dict[int, Participant], rounds: int, started: int
) -> list[Participant]:
    """Return present participants with no station in some round still to come."""
    placed = Counter(pid for pid, rnd, _s, _g in rows if rnd > started)
    need = rounds - started
    return sorted(
        (p for p in people.values() if p.present and need > 0 and placed[p.id] < need),
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


def route_cards(session: Session, actor: Actor, event_id: int) -> list[dict[str, Any]]:
    """Return one card per participant with a route: person, token and round-by-round stations."""
    event = require_event(session, actor, event_id, "organiser")
    segment = first_parcours(event)
    if segment is None:
        return []
    stations = {s.id: s for s in event.stations}
    routes: dict[int, list[tuple[int, Station]]] = defaultdict(list)
    for pid, rnd, sid, _group in stored_rows(session, segment.id):
        routes[pid].append((rnd, stations[sid]))
    tokens = participant_tokens(session, event.id)
    people = sorted((p for p in event.participants if p.id in routes), key=lambda p: p.name)
    return [{"person": p, "token": tokens.get(p.id), "route": routes[p.id]} for p in people]


def station_rosters(session: Session, actor: Actor, event_id: int) -> list[dict[str, Any]]:
    """Return one entry per station: the station and its people per round."""
    event = require_event(session, actor, event_id, "organiser")
    segment = first_parcours(event)
    people = {p.id: p for p in event.participants}
    rows = stored_rows(session, segment.id) if segment else []
    rounds = segment.rounds if segment else 0
    roster: dict[tuple[int, int], list[str]] = defaultdict(list)
    for pid, rnd, sid, _group in rows:
        roster[(sid, rnd)].append(_name(people, pid))
    return [
        {
            "station": s,
            "rounds": [(r, sorted(roster.get((s.id, r), []))) for r in range(1, rounds + 1)],
        }
        for s in event.stations
    ]
