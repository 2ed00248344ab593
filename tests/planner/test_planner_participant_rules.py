"""Own station, avoid, colleagues apart, stay put, absent rounds (hypothesis, random instances)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from parcours.planner import Instance, PlanParticipant, PlanStation, check, evaluate, plan

ORGS = ("Acme", "Bureau", "Chamber", "")
FAST = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def events(draw: st.DrawFn) -> Instance:
    """Draw an instance with roomy stations (rounds <= stations - 2, spare capacity)."""
    stations = draw(st.integers(4, 9))
    people = draw(st.integers(2, 36))
    rounds = draw(st.integers(1, stations - 2))
    base = math.ceil(people / stations) + 1
    station_ids = list(range(10, 10 + stations))
    owners = [draw(st.sampled_from(ORGS)) for _ in station_ids]
    return Instance(
        participants=tuple(
            PlanParticipant(
                id=100 + i,
                organisation=draw(st.sampled_from(ORGS)),
                interests=draw(st.frozensets(st.sampled_from(station_ids), max_size=2)),
                avoid=draw(st.frozensets(st.sampled_from(station_ids), max_size=1)),
            )
            for i in range(people)
        ),
        stations=tuple(
            PlanStation(
                id=s, capacity=base + draw(st.integers(0, 1)), organisations=frozenset({o} - {""})
            )
            for s, o in zip(station_ids, owners, strict=True)
        ),
        rounds=rounds,
    )


def _own(inst: Instance, pid: int) -> set[int]:
    p = next(x for x in inst.participants if x.id == pid)
    org = p.organisation.casefold()
    return {s.id for s in inst.stations if org and org in {o.casefold() for o in s.organisations}}


@FAST
@given(events())
def test_nobody_visits_own_or_avoided_station(inst: Instance) -> None:
    assume(not check(inst))
    result = plan(inst, seed=1, time_limit=5, max_iterations=300)
    avoid = {p.id: set(p.avoid) | _own(inst, p.id) for p in inst.participants}
    for pid, _, sid in result.assignments:
        assert sid not in avoid[pid]
    assert result.metrics["avoid_violations"] == 0
    assert result.metrics["hard_ok"]


@FAST
@given(events(), st.data())
def test_people_who_stay_put_keep_one_station_within_capacity(
    inst: Instance, data: st.DataObject
) -> None:
    stay = data.draw(st.sets(st.sampled_from([p.id for p in inst.participants]), max_size=3))
    inst = replace(
        inst, participants=tuple(replace(p, stay=p.id in stay) for p in inst.participants)
    )
    assume(not check(inst))
    result = plan(inst, seed=2, time_limit=5, max_iterations=300)
    where: dict[int, set[int]] = {}
    for pid, _, sid in result.assignments:
        where.setdefault(pid, set()).add(sid)
    caps = {s.id: s.capacity for s in inst.stations}
    loads = Counter((r, s) for _, r, s in result.assignments)
    assert all(load <= caps[s] for (_, s), load in loads.items())
    placed = Counter(pid for pid, _, _ in result.assignments)
    for p in inst.participants:
        assert placed[p.id] == inst.rounds
        if p.stay:
            assert len(where[p.id]) == 1
        else:
            assert len(where[p.id]) == inst.rounds  # no revisits
    m = result.metrics
    assert m["stay_put_moves"] == 0 and m["revisits"] == 0 and m["rule_stay_put"] == len(stay)
    assert m["hard_ok"]


@FAST
@given(events(), st.data())
def test_absent_rounds_get_no_placement(inst: Instance, data: st.DataObject) -> None:
    rounds = list(range(1, inst.rounds + 1))
    absent = {
        p.id: frozenset(data.draw(st.sets(st.sampled_from(rounds), max_size=inst.rounds)))
        for p in inst.participants
    }
    inst = replace(
        inst, participants=tuple(replace(p, absent=absent[p.id]) for p in inst.participants)
    )
    assume(not check(inst))
    result = plan(inst, seed=3, time_limit=5, max_iterations=300)
    got = {(p, r) for p, r, _ in result.assignments}
    for p in inst.participants:
        for r in rounds:
            assert ((p.id, r) in got) == (r not in p.absent)
    m = result.metrics
    assert m["absent_placed"] == 0 and m["unplaced"] == 0 and m["hard_ok"]


def test_colleagues_are_kept_apart_when_possible() -> None:
    """12 people of 3 organisations, 4 stations of 3: each organisation fills one row."""
    orgs = ["A", "B", "C"]
    inst = Instance(
        participants=tuple(PlanParticipant(id=i, organisation=orgs[i % 3]) for i in range(12)),
        stations=tuple(PlanStation(id=10 + s, capacity=3) for s in range(4)),
        rounds=3,
    )
    result = plan(inst, seed=0, time_limit=5)
    assert result.metrics["colleague_meetings"] == 0
    assert result.metrics["repeated_encounters"] == 0
    assert result.metrics["rule_organisations"] == 3


@FAST
@given(events())
def test_colleague_meetings_are_counted_honestly(inst: Instance) -> None:
    assume(not check(inst))
    result = plan(inst, seed=4, time_limit=5, max_iterations=300)
    org = {p.id: p.organisation for p in inst.participants if p.organisation}
    at: dict[tuple[int, int], list[int]] = {}
    for pid, r, sid in result.assignments:
        at.setdefault((r, sid), []).append(pid)
    expected = sum(
        c * (c - 1) // 2
        for members in at.values()
        for c in Counter(org[p] for p in members if p in org).values()
    )
    assert result.metrics["colleague_meetings"] == expected
    assert evaluate(inst, result.assignments)["colleague_meetings"] == expected


def test_avoiding_every_station_is_reported() -> None:
    inst = Instance(
        participants=(PlanParticipant(id=1, avoid=frozenset({10, 11})),),
        stations=(PlanStation(id=10, capacity=2), PlanStation(id=11, capacity=2)),
        rounds=1,
    )
    problems = check(inst)
    assert problems and "may visit" in problems[0]


@FAST
@given(events(), st.data())
def test_replanning_open_rounds_keeps_every_rule(inst: Instance, data: st.DataObject) -> None:
    """Plan, close the first round as it was planned, re-plan the rest: the rules still hold."""
    assume(inst.rounds >= 2)
    ids = [p.id for p in inst.participants]
    stay = data.draw(st.sets(st.sampled_from(ids), max_size=2))
    away = data.draw(st.sets(st.sampled_from(ids), max_size=3))
    inst = replace(
        inst,
        participants=tuple(
            replace(
                p, stay=p.id in stay, absent=frozenset({inst.rounds}) if p.id in away else p.absent
            )
            for p in inst.participants
        ),
    )
    assume(not check(inst))
    first = plan(inst, seed=5, time_limit=5, max_iterations=200)
    fixed = {(p, r): s for p, r, s in first.assignments if r == 1}
    again = plan(replace(inst, fixed=fixed), seed=6, time_limit=5, max_iterations=200)
    assert {(p, r, s) for p, r, s in again.assignments if r == 1} == {
        (p, r, s) for (p, r), s in fixed.items()
    }
    m = again.metrics
    assert m["avoid_violations"] == 0 and m["stay_put_moves"] == 0 and m["absent_placed"] == 0
    assert m["revisits"] == 0 and m["capacity_overruns"] == 0 and m["unplaced"] == 0


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
@given(events(), st.data())
def test_groups_mode_keeps_own_avoided_stations_and_stayers(
    inst: Instance, data: st.DataObject
) -> None:
    stay = data.draw(st.sets(st.sampled_from([p.id for p in inst.participants]), max_size=1))
    inst = replace(
        inst,
        mode="groups",
        participants=tuple(replace(p, stay=p.id in stay) for p in inst.participants),
    )
    assume(not check(inst))
    result = plan(inst, seed=7, time_limit=5, max_iterations=300)
    avoid = {p.id: set(p.avoid) | _own(inst, p.id) for p in inst.participants}
    for pid, _, sid in result.assignments:
        assert sid not in avoid[pid]
    m = result.metrics
    assert m["avoid_violations"] == 0 and m["stay_put_moves"] == 0 and m["hard_ok"]


def test_an_unknown_priority_is_reported() -> None:
    inst = Instance(
        participants=(PlanParticipant(id=1),),
        stations=(PlanStation(id=10, capacity=2),),
        rounds=1,
        priority="speed",
    )
    assert any("priority" in p for p in check(inst))


def _avoiders(avoid: list[set[int]], caps: list[int], rounds: int) -> Instance:
    return Instance(
        participants=tuple(
            PlanParticipant(id=100 + i, avoid=frozenset(a)) for i, a in enumerate(avoid)
        ),
        stations=tuple(PlanStation(id=10 + s, capacity=c) for s, c in enumerate(caps)),
        rounds=rounds,
        mode="groups",
    )


def test_groups_mode_regroups_people_by_the_stations_they_avoid() -> None:
    """Dealt in turn, every group would hold people avoiding different stations and
    could not be routed; grouped by what they avoid, each group walks around it."""
    from parcours.planner.group_forming import _initial_groups, _routes
    from parcours.planner.prep import prepare

    inst = _avoiders([{10 + i % 4} for i in range(12)], [3, 3, 3, 3], 3)
    prob = prepare(inst)
    assert _routes(prob, _initial_groups(prob)[0]) is None  # the kind deal alone fails
    assert check(inst) == []
    result = plan(inst, seed=0, time_limit=5)
    assert result.metrics["avoid_violations"] == 0 and result.metrics["hard_ok"]
    for pid, _, sid in result.assignments:
        assert sid != 10 + (pid - 100) % 4


def test_groups_mode_names_people_and_stations_when_truly_infeasible() -> None:
    """4 groups of 3 at 4 stations, 2 rounds: two groups pass station 11, so the 7 people
    who may not visit it do not fit into the other two (6 places). Individually they could."""
    avoid = [{11}] * 7 + [set()] * 5
    problems = check(_avoiders(avoid, [4, 4, 4, 4], 2))
    assert problems and "station 11" in problems[0] and "100, 101" in problems[0]
    assert "hold only 6" in problems[0] and "groups mode" in problems[0]
    assert check(replace(_avoiders(avoid, [4, 4, 4, 4], 2), mode="individual")) == []
    fits = _avoiders([{11}] * 6 + [set()] * 6, [4, 4, 4, 4], 2)
    assert check(fits) == []
    assert plan(fits, seed=0, time_limit=5).metrics["avoid_violations"] == 0
