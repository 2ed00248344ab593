"""Give a participant who arrives after the plan was made a route, without moving anyone.

The open rounds (those the clock has not started) get one station each for the newcomer,
chosen greedily round by round: never a station already on their route, never a full one;
then must-visit stations, interests, the fewest people met again, the lowest load. A locked
plan is no obstacle: nobody else moves. A round without a free place stays empty (the plan
page lists such people). Only the newcomer's devices, the hosts of the stations chosen and the
screen are told (``plan``), not every phone of the event.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from parcours.domain import rooms
from parcours.planner.model import norm_org
from parcours.services.broadcasts import Broadcast, publish
from parcours.services.common import audit, get_event
from parcours.services.plans.data import (
    evaluate_rows,
    first_round,
    latest_run,
    started_rounds,
    stored_rows,
)
from parcours.storage import Assignment, Event, Participant, PlanRun, Segment, Station

log = logging.getLogger(__name__)
REASON = "plan.latecomer"


@dataclass
class Board:
    """The stored placements of one parcours, as the greedy choice needs them."""

    members: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(list))
    groups: dict[tuple[int, int], Counter[int]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    mine: dict[int, int] = field(default_factory=dict)  # round -> station of the newcomer


def place_latecomer(session: Session, event_id: int, participant_id: int) -> list[Assignment]:
    """Place a newcomer in the open rounds of every planned parcours; return the rows added."""
    event = get_event(session, event_id)
    person = session.get(Participant, participant_id)
    if person is None or person.event_id != event.id or not person.present:
        return []
    if event.shredded_at is not None:
        return []
    added: list[Assignment] = []
    parcours = [s for s in event.segments if s.kind == "parcours" and s.rounds > 0]
    for segment in parcours:
        added += _place_in(session, event, person, segment)
        event = get_event(session, event_id)
    return added


def _place_in(
    session: Session, event: Event, person: Participant, segment: Segment
) -> list[Assignment]:
    """Place a newcomer in the open rounds of one parcours' stored plan."""
    run = latest_run(session, segment.id)
    started = started_rounds(session, event, segment)
    if run is None or started >= segment.rounds:
        return []
    session.scalar(select(Segment.id).where(Segment.id == segment.id).with_for_update())
    board = _board(session, segment.id, person.id)
    added = _choose(session, event, segment, person, board, started)
    if not added:
        session.rollback()
        return []
    rounds = [a.round for a in added]
    audit(session, event.id, "system", REASON, participant_id=person.id, rounds=rounds)
    # told before the commit: delivered once it succeeds, even if the measuring below fails
    _tell(event.id, segment.id, person.id, sorted({a.station_id for a in added}), started)
    session.commit()  # short write: the route is stored before the metrics are measured
    _remeasure(session, event, segment, run, started)
    return added


def place_after_registration(session: Session, event_id: int, participant_id: int) -> None:
    """Place a newcomer right after their registration was stored; never fail the registration."""
    for attempt in (1, 2):  # two registrations at once may collide on SQLite: try once more
        try:
            place_latecomer(session, event_id, participant_id)
            return
        except Exception:
            session.rollback()
            if attempt == 2:
                log.exception("could not place participant %s in the plan", participant_id)


def _board(session: Session, segment_id: int, pid: int) -> Board:
    """Read who is where in which round, and where the newcomer already is."""
    board = Board()
    for p, rnd, sid, group in stored_rows(session, segment_id):
        if p == pid:
            board.mine[rnd] = sid
            continue
        board.members[(rnd, sid)].append(p)
        if group is not None:
            board.groups[(rnd, sid)][group] += 1
    return board


def _met(board: Board) -> Counter[int]:
    """Return how often the newcomer meets each person on their route so far."""
    met: Counter[int] = Counter()
    for rnd, sid in board.mine.items():
        met.update(board.members.get((rnd, sid), ()))
    return met


def _choose(
    session: Session,
    event: Event,
    segment: Segment,
    person: Participant,
    board: Board,
    started: int,
) -> list[Assignment]:
    """Pick one station per open round still empty for the newcomer, round by round.

    The participant rules hold: never their own organisation's station or one they
    avoid, nothing in rounds they are away, and one station for every round when
    they stay put.
    """
    must, liked = set(person.must_visit or ()), set(person.interests or ())
    org = norm_org(person.organisation or "")
    stations = [
        s
        for s in event.stations
        if s.id not in set(person.avoid or ())
        and not (org and org in {norm_org(s.name), norm_org(s.organisation or "")})
    ]
    first = first_round(event, segment)
    away = {r - first for r in person.absent_rounds or ()}
    todo = [
        r for r in range(started + 1, segment.rounds + 1) if r not in board.mine and r not in away
    ]
    fixed_station = _stay_station(stations, todo, board, must, liked) if person.stay_put else None
    if person.stay_put:
        stations = [fixed_station] if fixed_station is not None else []
    colleagues = {
        p.id
        for p in event.participants
        if org and p.id != person.id and norm_org(p.organisation or "") == org
    }
    added: list[Assignment] = []
    for rnd in todo:
        station = _best(stations, rnd, board, must, liked, colleagues, person.stay_put)
        if station is None:
            continue  # no free place in this round: the plan page lists the person
        board.mine[rnd] = station.id
        common = board.groups[(rnd, station.id)].most_common(1)
        row = Assignment(
            event_id=event.id,
            segment_id=segment.id,
            participant_id=person.id,
            round=rnd,
            station_id=station.id,
            group_no=common[0][0] if common and segment.mode == "groups" else None,
        )
        session.add(row)
        added.append(row)
    return added


def _stay_station(
    stations: list[Station], rounds: list[int], board: Board, must: set[int], liked: set[int]
) -> Station | None:
    """Return the station with room in every round for someone who stays put, or None."""
    best: tuple[Any, ...] | None = None
    choice = None
    for station in stations:
        loads = [len(board.members.get((rnd, station.id), [])) for rnd in rounds]
        if any(load >= station.capacity for load in loads):
            continue
        wish = 0 if station.id in must else 1 if station.id in liked else 2
        key = (wish, max(loads, default=0) / station.capacity, station.position, station.id)
        if best is None or key < best:
            best, choice = key, station
    return choice


def _best(
    stations: list[Station],
    rnd: int,
    board: Board,
    must: set[int],
    liked: set[int],
    colleagues: set[int] | None = None,
    stay: bool = False,
) -> Station | None:
    """Return the best station with a free place for one round, or None when all are full."""
    visited = set() if stay else set(board.mine.values())
    met = _met(board)
    best: tuple[Any, ...] | None = None
    choice = None
    for station in stations:
        here = board.members.get((rnd, station.id), [])
        if station.id in visited or len(here) >= station.capacity:
            continue
        wish = 0 if station.id in must else 1 if station.id in liked else 2
        repeats = sum(1 for p in here if met[p])
        mates = sum(1 for p in here if p in (colleagues or ()))
        key = (wish, repeats, mates, len(here) / station.capacity, station.position, station.id)
        if best is None or key < best:
            best, choice = key, station
    return choice


def _remeasure(
    session: Session, event: Event, segment: Segment, run: PlanRun, started: int
) -> None:
    """Recompute the run's metrics over the stored rows (reads first, then one short write)."""
    metrics = evaluate_rows(session, event, segment, started)
    session.refresh(run)  # another newcomer may have been counted meanwhile
    old = dict(run.metrics or {})
    metrics.update(
        seed=old.get("seed", run.seed),
        seconds=old.get("seconds", 0.0),
        kept_rounds=old.get("kept_rounds", 0),
        manual_moves=int(old.get("manual_moves", 0)),
        latecomers=int(old.get("latecomers", 0)) + 1,
    )
    run.metrics = metrics
    session.commit()


def _tell(event_id: int, segment_id: int, pid: int, station_ids: list[int], kept: int) -> None:
    """Tell the newcomer's devices, the hosts of the chosen stations and the screen."""
    data = {
        "event_id": event_id,
        "segment_id": segment_id,
        "reason": REASON,
        "kept_rounds": kept,
        "participant_id": pid,
    }
    targets = [
        rooms.participant_room(pid),
        *(rooms.station_room(sid) for sid in station_ids),
        rooms.role_room(event_id, "screen"),
    ]
    publish(*(Broadcast(room, "plan", data) for room in targets))
