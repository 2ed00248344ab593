"""Hard rules and valid bounds on many random instances (hypothesis)."""

from __future__ import annotations

import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.planner import (
    Instance,
    PlanParticipant,
    PlanStation,
    bounds,
    check,
    evaluate,
    plan,
)
from tests.planner.conftest import assert_hard_rules

KINDS = ("company", "authority", "chamber", "organisation", "other")


@st.composite
def instances(draw: st.DrawFn, mode: str = "individual") -> Instance:
    """Draw a feasible instance: rounds <= stations, capacity >= ceil(P/S)."""
    stations = draw(st.integers(2, 8))
    people = draw(st.integers(1, 40))
    rounds = draw(st.integers(1, stations))
    base = math.ceil(people / stations)
    caps = [base + draw(st.integers(0, 2)) for _ in range(stations)]
    station_ids = list(range(10, 10 + stations))
    participants = []
    for i in range(people):
        interests = draw(st.frozensets(st.sampled_from(station_ids), max_size=3))
        must = draw(st.frozensets(st.sampled_from(station_ids), max_size=1))
        participants.append(
            PlanParticipant(
                id=100 + i, kind=draw(st.sampled_from(KINDS)), interests=interests, must_visit=must
            )
        )
    pairs = draw(
        st.frozensets(
            st.tuples(st.integers(100, 99 + people), st.integers(100, 99 + people)), max_size=5
        )
    )
    return Instance(
        participants=tuple(participants),
        stations=tuple(
            PlanStation(id=i, capacity=c) for i, c in zip(station_ids, caps, strict=True)
        ),
        rounds=rounds,
        mode=mode,
        forbidden_pairs=frozenset(p for p in pairs if p[0] != p[1]),
    )


FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FAST
@given(instances(), st.integers(0, 3))
def test_individual_plans_keep_hard_rules_and_bounds(inst: Instance, seed: int) -> None:
    assert check(inst) == []
    result = plan(inst, seed=seed, time_limit=5, max_iterations=150)
    assert_hard_rules(inst, result.assignments)
    m = result.metrics
    assert m["revisits"] == m["capacity_overruns"] == m["unplaced"] == 0
    assert m["repeated_encounters"] >= m["forced_repeats"], "forced repeats is no lower bound"
    assert m["distinct_encounters"] <= m["max_distinct_encounters"]
    assert m["preference_hits"] <= m["preference_max"]
    assert m["must_visit_missed"] >= m["must_visit_min_missed"]
    again = evaluate(inst, result.assignments)
    for key in ("repeated_encounters", "distinct_encounters", "preference_hits", "load_spread"):
        assert again[key] == m[key]
    json.dumps(result.to_json())


@FAST
@given(instances(mode="groups"), st.integers(0, 3))
def test_group_plans_keep_hard_rules_and_walk_together(inst: Instance, seed: int) -> None:
    problems = check(inst)
    if problems:  # uneven capacities may not fit the even groups
        assert all("groups mode" in p for p in problems)
        return
    result = plan(inst, seed=seed, time_limit=5, max_iterations=150)
    assert_hard_rules(inst, result.assignments)
    assert result.groups is not None
    where = {(p, r): s for p, r, s in result.assignments}
    for p, g in result.groups.items():
        for q, h in result.groups.items():
            if g == h:
                assert all(where[(p, r)] == where[(q, r)] for r in range(1, inst.rounds + 1))
    sizes = sorted(list(result.groups.values()).count(g) for g in set(result.groups.values()))
    assert sizes[-1] - sizes[0] <= 1
    assert result.metrics["repeated_encounters"] >= bounds(inst)["forced_repeats"]


@FAST
@given(instances(), st.integers(1, 7), st.integers(0, 2))
def test_replanning_keeps_the_past(inst: Instance, cut: int, seed: int) -> None:
    first = plan(inst, seed=seed, time_limit=5, max_iterations=60)
    cut = min(cut, inst.rounds)
    fixed = {(p, r): s for p, r, s in first.assignments if r <= cut}
    late = PlanParticipant(id=999, kind="other")
    stayed = inst.participants[1:] + (late,)  # the first participant is a no-show
    again = Instance(participants=stayed, stations=inst.stations, rounds=inst.rounds, fixed=fixed)
    assert check(again) == []
    result = plan(again, seed=seed, time_limit=5, max_iterations=60)
    rows = {(p, r): s for p, r, s in result.assignments}
    for (p, r), s in fixed.items():
        if p != inst.participants[0].id:
            assert rows[(p, r)] == s
    assert all(r > cut for p, r, _ in result.assignments if p == 999)
    assert all(p != inst.participants[0].id for p, _, _ in result.assignments)
    assert_hard_rules(again, result.assignments, first_open=cut + 1)
    m = result.metrics
    assert m["repeated_encounters"] >= m["forced_repeats"]
