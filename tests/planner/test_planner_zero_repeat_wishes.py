"""Zero-repeat constructions against wishes, and the counting bounds checked by exhaustion.

The demo event (stations/examples/demo.toml) has 39 participants who want the same two
stations.  Without repeats at most R(R - 1) = 30 people visit both of two stations
(``bounds.pair_visit_limit``), so every zero-repeat plan misses 9 of its 259
interests, and every plan serving all 259 has at least 9 repeats.
"""

from __future__ import annotations

import dataclasses
from itertools import permutations
from random import Random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from bench.planner import demo_event
from parcours.planner import (
    Instance,
    PlanParticipant,
    PlanStation,
    bounds,
    evaluate,
    plan,
    synthetic_instance,
)
from parcours.planner.bounds import pair_visit_limit
from parcours.planner.individual import construction_hints
from parcours.planner.prep import prepare
from tests.planner.conftest import assert_hard_rules


def test_demo_event_bounds_trade_interests_against_repeats() -> None:
    b = bounds(demo_event())
    assert b["forced_repeats"] == 0
    assert b["max_preference_hits"] == 259
    assert b["zero_repeat_interest_losses"] == 9
    assert b["interest_repeats"] == 9


def test_demo_event_fewer_repeats_first_reaches_the_zero_repeat_interest_bound() -> None:
    inst = dataclasses.replace(demo_event(), priority="encounters")
    result = plan(inst, seed=3, time_limit=10, max_iterations=300)
    assert_hard_rules(inst, result.assignments)
    m = result.metrics
    assert m["repeated_encounters"] == 0
    assert m["avoid_violations"] == 0  # own stations
    assert m["preference_hits"] == m["preference_max_zero_repeats"] == 250
    assert m["optimal"] is True
    assert m["seconds"] < 10


def test_demo_event_default_offers_the_zero_repeat_plan_at_its_bound() -> None:
    inst = demo_event()
    result = plan(inst, seed=1, time_limit=10, max_iterations=300)
    assert_hard_rules(inst, result.assignments)
    m = result.metrics
    assert m["priority"] == "preferences"
    # the new routes and the descent serve every wish before the search starts
    assert m["served_by_descent"] >= 9
    assert m["preference_hits"] == 259
    assert m["repeated_encounters"] >= m["interest_repeats"] == 9
    assert m["repeated_encounters"] <= m["descent_repeats"]
    alt = m["alternative"]
    assert alt["repeated_encounters"] == 0
    assert alt["preference_hits"] == alt["preference_max"] == 250


def test_construction_dealing_reaches_the_bound_for_several_seeds() -> None:
    prob = prepare(demo_event())
    for seed in range(3):
        (name, grid), *_ = construction_hints(prob, Random(seed))
        rows = [
            (prob.pids[p], r + 1, prob.sids[s]) for p, w in enumerate(grid) for r, s in enumerate(w)
        ]
        m = evaluate(demo_event(), rows)
        assert name.startswith("MOLS(12)")
        assert (m["repeated_encounters"], m["revisits"], m["capacity_overruns"]) == (0, 0, 0)
        assert m["avoid_violations"] == 0
        assert m["preference_hits"] == 250


def _best(people: int, stations: int, cap: int, rounds: int, score: object) -> int:
    """Return the least repeats over all plans (people are interchangeable: a plan is a
    multiset of routes, chosen in order), by depth-first search with pruning.

    With ``score`` set, returns instead the most people visiting stations 0 and 1
    over all plans without repeats.
    """
    routes = list(permutations(range(stations), rounds))
    load = [[0] * stations for _ in range(rounds)]
    chosen: list[tuple[int, ...]] = []
    best = [10**9 if score is None else -1]

    def meet(a: tuple[int, ...], b: tuple[int, ...]) -> int:
        return max(0, sum(x == y for x, y in zip(a, b, strict=True)) - 1)

    def dfs(i: int, rep: int) -> None:
        if score is None and rep >= best[0]:
            return
        if len(chosen) == people:
            if score is None:
                best[0] = rep
            else:
                best[0] = max(best[0], sum(1 for w in chosen if 0 in w and 1 in w))
            return
        for j in range(i, len(routes)):
            w = routes[j]
            if any(load[r][s] >= cap for r, s in enumerate(w)):
                continue
            extra = sum(meet(w, v) for v in chosen)
            if score is not None and extra:
                continue
            for r, s in enumerate(w):
                load[r][s] += 1
            chosen.append(w)
            dfs(j, rep + extra)
            chosen.pop()
            for r, s in enumerate(w):
                load[r][s] -= 1

    dfs(0, 0)
    return best[0]


def test_forced_repeats_never_exceed_the_optimum_found_by_exhaustion() -> None:
    # capacity >= stations: repeats are forced in every pair of rounds; the bound is
    # reached in each of these cases
    for people, stations, cap, rounds in [
        (4, 2, 2, 2),
        (6, 2, 3, 2),
        (6, 3, 3, 2),
        (6, 3, 3, 3),
        (7, 3, 3, 3),
        (9, 3, 3, 3),
        (8, 3, 4, 3),
        (12, 4, 4, 2),
        (10, 4, 4, 3),
    ]:
        best = _best(people, stations, cap, rounds, None)
        forced = bounds(synthetic_instance(people, stations, rounds, cap))["forced_repeats"]
        assert forced == best, (people, stations, cap, rounds, forced, best)


def test_pair_visit_limit_holds_in_every_zero_repeat_plan() -> None:
    for people, stations, cap, rounds in [(6, 4, 2, 3), (8, 4, 2, 3), (9, 4, 3, 3), (9, 4, 3, 2)]:
        most = _best(people, stations, cap, rounds, True)
        assert 0 <= most <= pair_visit_limit(rounds, cap, cap), (people, stations, cap, rounds)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    order=hs.sampled_from([4, 5, 7]),
    seed=hs.integers(0, 10_000),
    wanted=hs.integers(0, 40),
)
def test_zero_repeat_constructions_never_beat_the_interest_bound(
    order: int, seed: int, wanted: int
) -> None:
    """Random wishes: the dealt construction stays at 0 repeats and within the bound."""
    rng = Random(seed)
    people = order * (order - 1) - rng.randrange(order)
    rounds = min(order, 4)
    interests = [
        frozenset(rng.sample(range(order), rng.randrange(3)))
        if i < wanted
        else frozenset({0, 1} if i % 2 else set())
        for i in range(people)
    ]
    inst = Instance(
        participants=tuple(PlanParticipant(id=i, interests=w) for i, w in enumerate(interests)),
        stations=tuple(PlanStation(id=j, capacity=order - 1) for j in range(order)),
        rounds=rounds,
        priority="encounters",
    )
    prob = prepare(inst)
    b = bounds(inst)
    for _, grid in construction_hints(prob, Random(seed)):
        rows = [
            (prob.pids[p], r + 1, prob.sids[s])
            for p, w in enumerate(grid)
            for r, s in enumerate(w)
            if s >= 0
        ]
        m = evaluate(inst, rows)
        if m["repeated_encounters"] == 0 and m["hard_ok"]:
            assert (
                m["preference_hits"] <= b["max_preference_hits"] - b["zero_repeat_interest_losses"]
            )


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=hs.integers(0, 10_000))
def test_serving_wishes_keeps_the_hard_rules(seed: int) -> None:
    """Wishes first from a zero-repeat start: new routes and the descent keep every rule."""
    rng = Random(seed)
    order = 7
    people = order * (order - 2) - rng.randrange(order)
    participants = tuple(
        PlanParticipant(
            id=i,
            interests=frozenset({0, 1}) if i % 3 else frozenset(rng.sample(range(order), 3)),
            organisation=f"Org {i % 9}",
        )
        for i in range(people)
    )
    stations = tuple(
        PlanStation(id=j, capacity=order - 1, organisations=frozenset({f"Org {j}"}))
        for j in range(order)
    )
    inst = Instance(participants=participants, stations=stations, rounds=4)
    result = plan(inst, seed=seed, time_limit=10, max_iterations=50)
    assert_hard_rules(inst, result.assignments)
    m = result.metrics
    assert m["avoid_violations"] == 0
    assert m["construction"] == "GF(7)"
