"""Determinism, forbidden pairs, groups mode, infeasible inputs, evaluation, CLI."""

from __future__ import annotations

import json

import pytest

from parcours.planner import (
    Instance,
    PlanInfeasible,
    PlanParticipant,
    PlanStation,
    check,
    demo_instance,
    evaluate,
    plan,
    synthetic_instance,
)
from parcours.planner.cli import synthetic_json
from tests.planner.conftest import assert_hard_rules


def test_same_seed_same_plan() -> None:
    inst = demo_instance(3)
    one = plan(inst, seed=7, time_limit=60, max_iterations=400)
    two = plan(inst, seed=7, time_limit=60, max_iterations=400)
    assert one.assignments == two.assignments
    assert one.metrics["repeated_encounters"] == two.metrics["repeated_encounters"]


def test_demo_hits_every_interest_without_breaking_rules() -> None:
    inst = demo_instance(0)
    result = plan(inst, time_limit=3)
    assert_hard_rules(inst, result.assignments)
    m = result.metrics
    assert m["preference_hits"] == m["preference_max"] == m["preference_total"]
    assert m["single_kind_groups"] == 0
    assert m["load_spread"] <= 4


def test_forbidden_pairs_are_kept_apart() -> None:
    inst = synthetic_instance(30, 6, 5)
    pairs = frozenset((i, i + 1) for i in range(0, 30, 2))
    inst = Instance(
        participants=inst.participants, stations=inst.stations, rounds=5, forbidden_pairs=pairs
    )
    result = plan(inst, time_limit=5)
    assert result.metrics["forbidden_violations"] == 0
    where = {(p, r): s for p, r, s in result.assignments}
    for a, b in pairs:
        assert all(where[(a, r)] != where[(b, r)] for r in range(1, 6))


def test_groups_mode_balances_kinds() -> None:
    inst = demo_instance(1, mode="groups")
    result = plan(inst, time_limit=3)
    assert result.groups is not None
    assert len(set(result.groups.values())) == 12
    assert_hard_rules(inst, result.assignments)
    assert result.metrics["single_kind_groups"] == 0
    assert result.metrics["mode"] == "groups"
    assert result.to_json()["groups"][0].keys() == {"participant_id", "group"}


def test_groups_mode_replans_with_late_arrivals() -> None:
    inst = demo_instance(2, mode="groups")
    first = plan(inst, time_limit=3)
    fixed = {(p, r): s for p, r, s in first.assignments if r <= 2}
    late = tuple(PlanParticipant(id=5000 + i) for i in range(3))
    again = Instance(
        participants=inst.participants[2:] + late,
        stations=inst.stations,
        rounds=inst.rounds,
        mode="groups",
        fixed=fixed,
    )
    result = plan(again, time_limit=3)
    rows = {(p, r): s for p, r, s in result.assignments}
    assert all(rows[key] == s for key, s in fixed.items() if key in rows)
    assert all(r > 2 for p, r, _ in result.assignments if p >= 5000)
    assert_hard_rules(again, result.assignments, first_open=3)


@pytest.mark.parametrize(
    ("inst", "needle"),
    [
        (synthetic_instance(100, 6, 7), "rounds (7) exceed stations (6)"),
        (synthetic_instance(100, 10, 6, capacity=8), "total capacity 80 < 100 participants"),
        (
            Instance(
                participants=tuple(PlanParticipant(id=i) for i in range(10)),
                stations=(PlanStation(0, 10), PlanStation(1, 1), PlanStation(2, 1)),
                rounds=2,
            ),
            "cannot absorb 20 visits",
        ),
        (
            Instance(
                participants=(PlanParticipant(id=1),),
                stations=(PlanStation(0, 1), PlanStation(1, 1)),
                rounds=2,
                fixed={(1, 1): 0, (1, 2): 0},
            ),
            "a revisit",
        ),
        (
            Instance(
                participants=(PlanParticipant(id=1), PlanParticipant(id=2)),
                stations=(PlanStation(0, 1), PlanStation(1, 2)),
                rounds=2,
                fixed={(1, 1): 0, (2, 1): 0},
            ),
            "holds 2 > capacity 1",
        ),
        (
            Instance(
                participants=(PlanParticipant(id=1),),
                stations=(PlanStation(0, 1), PlanStation(1, 1)),
                rounds=2,
                fixed={(1, 1): 7},
            ),
            "unknown station 7",
        ),
        (
            Instance(
                participants=(PlanParticipant(id=1),),
                stations=(PlanStation(0, 1), PlanStation(1, 1), PlanStation(2, 1)),
                rounds=3,
                fixed={(1, 1): 0, (1, 2): 1},
                mode="weird",
            ),
            "unknown mode",
        ),
    ],
)
def test_infeasible_inputs_are_explained(inst: Instance, needle: str) -> None:
    problems = check(inst)
    assert any(needle in p for p in problems), problems
    with pytest.raises(PlanInfeasible) as caught:
        plan(inst, time_limit=1)
    assert caught.value.problems == problems


def test_fixed_rounds_can_leave_no_way_out() -> None:
    people = (PlanParticipant(id=1), PlanParticipant(id=2))
    roomy = (PlanStation(0, 2), PlanStation(1, 2))
    fixed = {(1, 1): 0, (2, 1): 0}
    assert check(Instance(participants=people, stations=roomy, rounds=2, fixed=fixed)) == []
    tight = (PlanStation(0, 2), PlanStation(1, 1))  # both must move to station 1 next
    problems = check(Instance(participants=people, stations=tight, rounds=2, fixed=fixed))
    assert any("cannot absorb 2 visits in rounds 2" in p for p in problems), problems


def test_evaluate_sees_a_manual_move() -> None:
    inst = synthetic_instance(20, 5, 3)
    result = plan(inst, time_limit=2)
    rows = list(result.assignments)
    p, r, _ = rows[0]
    other = next(s for q, rr, s in rows if q == p and rr != r)
    rows[0] = (p, r, other)
    m = evaluate(inst, rows)
    assert m["revisits"] == 1
    assert m["hard_ok"] is False and m["optimal"] is False
    assert (
        evaluate(
            inst,
            [{"participant_id": a, "round": b, "station_id": c} for a, b, c in result.assignments],
        )["revisits"]
        == 0
    )


def test_progress_is_reported() -> None:
    seen: list[float] = []
    plan(demo_instance(0), time_limit=2, progress=lambda f, m: seen.append(f))
    assert seen and seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen)


def test_cli_json_round_trips() -> None:
    data = synthetic_json(30, 6, 4, seed=1, time_limit=2)
    text = json.dumps(data)
    assert json.loads(text)["metrics"]["revisits"] == 0
    assert len(data["assignments"]) == 30 * 4
    assert set(data["assignments"][0]) == {"participant_id", "round", "station_id"}
    grouped = synthetic_json(30, 6, 4, time_limit=2, mode="groups")
    assert grouped["metrics"]["mode"] == "groups"
    with pytest.raises(PlanInfeasible):
        synthetic_json(30, 3, 4)
