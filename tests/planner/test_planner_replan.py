"""Re-planning after rounds have started: the constructions go on from the closed rounds."""

from __future__ import annotations

from dataclasses import replace

import pytest

from parcours.planner import Instance, PlanParticipant, plan, synthetic_instance
from parcours.planner.individual import construction_hints
from parcours.planner.prep import prepare
from parcours.planner.replan import _clean, continued_hints, fresh_hints
from tests.planner.conftest import assert_hard_rules


def _played(inst: Instance, rounds: int, seed: int = 0, past: Instance | None = None) -> dict:
    """Return the placements of the first ``rounds`` rounds of a plan of ``past or inst``."""
    first = plan(past or inst, seed=seed, time_limit=10)
    return {(p, r): s for p, r, s in first.assignments if r <= rounds}


def _replan(inst: Instance, fixed: dict, seed: int) -> dict:
    result = plan(replace(inst, fixed=fixed), seed=seed, time_limit=10)
    rows = result.assignments
    assert {(p, r): s for p, r, s in rows if (p, r) in fixed} == {
        key: s for key, s in fixed.items() if key[0] in {p.id for p in inst.participants}
    }, "closed rounds are kept exactly"
    closed = max(r for _, r in fixed)
    assert_hard_rules(inst, rows, first_open=closed + 1)
    return result.metrics


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_96_12_6_after_two_rounds_goes_on_without_repeats(seed: int) -> None:
    inst = synthetic_instance(96, 12, 6)
    m = _replan(inst, _played(inst, 2, seed), seed + 10)
    assert m["repeated_encounters"] == 0 and m["revisits"] == 0
    assert "continued" in m["construction"]


def test_no_shows_and_late_arrivals_after_two_rounds() -> None:
    """96/12/6 with stations of 9: 3 no-shows, 6 late arrivals take unused cells."""
    inst = synthetic_instance(96, 12, 6, capacity=9)
    fixed = _played(inst, 2)
    people = inst.participants[3:] + tuple(PlanParticipant(id=500 + i) for i in range(6))
    m = _replan(replace(inst, participants=people), fixed, 1)
    assert m["repeated_encounters"] == 0 and m["revisits"] == 0 and m["capacity_overruns"] == 0


def test_120_12_6_after_three_rounds() -> None:
    """Three closed rounds: the labelling of the squares must reproduce the third one."""
    inst = synthetic_instance(120, 12, 6)
    m = _replan(inst, _played(inst, 3), 4)
    assert m["repeated_encounters"] == 0 and m["revisits"] == 0


def test_any_past_without_repeats_fits_two_columns() -> None:
    """Two rounds played from another plan (another construction's labelling): still 0."""
    inst = synthetic_instance(96, 12, 6)
    fixed = _played(inst, 2, seed=3, past=synthetic_instance(96, 12, 2))
    prob = prepare(replace(inst, fixed=fixed))
    hints = continued_hints(prob)
    assert hints and _clean(prob, hints[0][1])
    m = _replan(inst, fixed, 5)
    assert m["repeated_encounters"] == 0 and m["revisits"] == 0


def test_fresh_construction_for_the_open_rounds_never_revisits() -> None:
    """The open-rounds construction forbids every station visited in the closed rounds."""
    inst = synthetic_instance(96, 12, 6)
    fixed = _played(inst, 2)
    prob = prepare(replace(inst, fixed=fixed))
    hints = fresh_hints(prob, construction_hints)
    assert hints
    for _, grid in hints[:1]:
        for p, word in enumerate(grid):
            stations = [s for s in word if s >= 0]
            assert len(stations) == len(prob.open) == len(set(stations))
            assert not any(prob.visited_closed(p) >> s & 1 for s in stations)


def test_before_any_round_nothing_is_continued() -> None:
    prob = prepare(synthetic_instance(96, 12, 6))
    assert continued_hints(prob) == [] and fresh_hints(prob, construction_hints) == []


def test_the_continued_start_is_deterministic() -> None:
    inst = synthetic_instance(96, 12, 6, capacity=9)
    fixed = _played(inst, 2)
    people = inst.participants[3:] + tuple(PlanParticipant(id=500 + i) for i in range(6))
    again = replace(inst, participants=people, fixed=fixed)
    assert continued_hints(prepare(again)) == continued_hints(prepare(again))
    assert plan(again, seed=3).assignments == plan(again, seed=3).assignments
