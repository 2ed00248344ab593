"""Bounds on instances whose answer is known, and plans that reach them."""

from __future__ import annotations

import pytest

from parcours.planner import Instance, PlanParticipant, PlanStation, bounds, plan
from parcours.planner import synthetic_instance as synth
from parcours.planner.fields import best_field, field_hint, field_tables


@pytest.mark.parametrize("q", [2, 3, 4, 5, 7, 8, 9, 25])
def test_field_tables_are_fields(q: int) -> None:
    add, mul = field_tables(q)
    for x in range(1, q):
        assert sorted(mul[x]) == list(range(q)), "a non-zero element has no inverse"
    for x in range(q):
        assert add[0][x] == x and mul[1][x] == x
        for y in range(q):
            for z in range(0, q, max(1, q // 5)):
                assert mul[x][add[y][z]] == add[mul[x][y]][mul[x][z]]


def test_affine_plane_hint_meets_every_pair_at_most_once() -> None:
    hint = field_hint(20, 4, list(range(5)))  # GF(5): 5 * 4 lines, 4 slopes
    assert hint is not None
    for i, row in enumerate(hint):
        assert len(set(row)) == 4
        for other in hint[i + 1 :]:
            assert sum(a == b for a, b in zip(row, other, strict=True)) <= 1
    assert best_field(100, 6, 20) == 19


def test_two_stations_force_every_second_round_meeting() -> None:
    inst = synth(10, 2, 2)  # each group must move to the other station as a whole
    b = bounds(inst)
    assert b["forced_repeats"] == 20
    result = plan(inst, time_limit=2)
    assert result.metrics["repeated_encounters"] == 20
    assert result.metrics["optimal"] is True


def test_groups_larger_than_stations_force_pigeonhole_repeats() -> None:
    b = bounds(synth(150, 10, 6))
    # 15 people of a group spread over the 9 other stations: 6 pairs meet again,
    # 60 per round, in each of the 5 later rounds (the brief's count gives 250).
    assert b["forced_repeats"] == 300
    assert b["forced_by"] == "pigeonhole"
    assert b["max_distinct_encounters"] == 6300 - 300


@pytest.mark.parametrize(
    ("people", "stations", "rounds", "distinct"),
    [
        (100, 20, 6, 1200),
        (300, 25, 6, 9900),
        (20, 5, 4, 120),
    ],
)
def test_zero_repeat_instances_reach_the_bound(
    people: int, stations: int, rounds: int, distinct: int
) -> None:
    inst = synth(people, stations, rounds)
    b = bounds(inst)
    assert b["forced_repeats"] == 0
    assert b["max_distinct_encounters"] == distinct
    m = plan(inst, time_limit=10).metrics
    assert m["repeated_encounters"] == 0
    assert m["distinct_encounters"] == distinct
    assert m["distinct_fraction"] == 1.0
    assert m["optimal"] is True
    assert m["stopped_by"] == "bound"


def test_counting_bound_when_meetings_exceed_pairs() -> None:
    inst = synth(6, 2, 2, capacity=6)  # every round could hold everyone at one station
    b = bounds(inst)
    assert b["forced_repeats"] >= 0
    assert b["max_distinct_encounters"] == 15


def test_preference_bounds() -> None:
    people = tuple(
        PlanParticipant(id=i, interests=frozenset({0, 1, 2}), must_visit=frozenset({3}))
        for i in range(4)
    )
    stations = tuple(PlanStation(id=j, capacity=4) for j in range(4))
    inst = Instance(participants=people, stations=stations, rounds=2)
    b = bounds(inst)
    assert b["max_preference_hits"] == 8  # two rounds, three interests each
    assert b["max_preference_hits_lex"] == 4  # one round each left after the must-visit
    assert b["min_must_visit_missed"] == 0
    m = plan(inst, time_limit=2).metrics
    assert m["must_visit_missed"] == 0
    assert m["preference_hits"] == 4
    assert m["optimal"] is True


def test_must_visit_beyond_capacity_is_bounded() -> None:
    people = tuple(PlanParticipant(id=i, must_visit=frozenset({0})) for i in range(6))
    stations = (PlanStation(id=0, capacity=2), PlanStation(id=1, capacity=6))
    inst = Instance(participants=people, stations=stations, rounds=1)
    assert bounds(inst)["min_must_visit_missed"] == 4
    m = plan(inst, time_limit=2).metrics
    assert m["must_visit_missed"] == 4
    assert m["optimal"] is True
