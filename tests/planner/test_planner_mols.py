"""MOLS tables, products and the zero-repeat constructions fitted to events."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pytest

from parcours.planner import demo_instance, plan, synthetic_instance
from parcours.planner.designs import best_squares, cells, overload, starts
from parcours.planner.mols_data import published
from tests.planner.conftest import assert_hard_rules


def _latin(square: list[list[int]] | tuple[tuple[int, ...], ...], n: int) -> bool:
    rows = all(sorted(row) == list(range(n)) for row in square)
    cols = all(sorted(square[i][j] for i in range(n)) == list(range(n)) for j in range(n))
    return len(square) == n and rows and cols


def _orthogonal(a: object, b: object, n: int) -> bool:
    sa, sb = a, b
    assert isinstance(sa, list | tuple) and isinstance(sb, list | tuple)
    return len({(sa[i][j], sb[i][j]) for i in range(n) for j in range(n)}) == n * n


@pytest.mark.parametrize("order", sorted(published()))
def test_published_tables_are_latin_and_mutually_orthogonal(order: int) -> None:
    source, squares = published()[order]
    assert source
    expected = {10: 2, 12: 5, 14: 4, 15: 4, 18: 3}[order]
    assert len(squares) == expected
    for sq in squares:
        assert _latin(sq, order)
    for a, b in combinations(squares, 2):
        assert _orthogonal(a, b, order)


@pytest.mark.parametrize(
    ("order", "count"), [(6, 1), (10, 2), (12, 5), (20, 3), (21, 2), (36, 3), (35, 4), (25, 24)]
)
def test_best_squares_are_normalised_mols(order: int, count: int) -> None:
    sq = best_squares(order, 30)
    assert len(sq.squares) >= count
    for s in sq.squares:
        assert _latin(s, order)
        assert list(s[0]) == list(range(order))
    for a, b in combinations(sq.squares, 2):
        assert _orthogonal(a, b, order)


def _repeats_and_revisits(grid: list[list[int]]) -> tuple[int, int]:
    pairs: Counter[tuple[int, int]] = Counter()
    for r in range(len(grid[0])):
        at: dict[int, list[int]] = {}
        for p, word in enumerate(grid):
            if word[r] >= 0:
                at.setdefault(word[r], []).append(p)
        for group in at.values():
            pairs.update(combinations(group, 2))
    revisits = sum(len(w) - len(set(w)) for w in grid)
    return sum(pairs.values()) - len(pairs), revisits


def test_cells_meet_at_most_once_and_never_revisit() -> None:
    for order in (10, 12, 14, 15, 18):
        sq = best_squares(order, 10)
        grid = cells(sq, len(sq.squares) + 1)
        assert _repeats_and_revisits(grid) == (0, 0)


@pytest.mark.parametrize(
    ("people", "stations", "rounds", "name"),
    [
        (100, 12, 6, "MOLS(12)"),  # truncation: 100 of 132 cells
        (96, 12, 6, "MOLS(12)"),
        (120, 12, 6, "MOLS(12)"),
        (90, 10, 3, "MOLS(10)"),
        (140, 14, 5, "MOLS(14)"),
        (150, 15, 5, "MOLS(15)"),
        (180, 18, 4, "MOLS(18)"),
        (200, 20, 8, "GF(19) + 1 extra station"),  # extension
        (100, 20, 6, "GF(19) + 1 extra station"),
        (300, 30, 8, "GF(29) + 1 extra station"),
        (120, 20, 4, "GF(4) × GF(5)"),  # MacNeish product
    ],
)
def test_constructions_reach_zero_repeats_within_capacity(
    people: int, stations: int, rounds: int, name: str
) -> None:
    caps = [-(-people // stations)] * stations
    best = starts(caps, people, rounds)[0]
    assert best.name.startswith(name)
    assert best.covered == rounds
    assert overload(best.grid, caps) == 0
    assert _repeats_and_revisits(best.grid) == (0, 0)


@pytest.mark.parametrize(
    ("people", "stations", "rounds"),
    [(96, 12, 6), (120, 12, 6), (200, 20, 8), (140, 14, 5), (30, 6, 2)],
)
def test_plan_reaches_zero_repeats_with_any_seed(people: int, stations: int, rounds: int) -> None:
    inst = synthetic_instance(people, stations, rounds)
    for seed in (0, 1, 2):
        result = plan(inst, seed=seed, time_limit=10)
        assert_hard_rules(inst, result.assignments)
        assert result.metrics["repeated_encounters"] == 0
        assert result.metrics["construction"] != "greedy"


def test_demo_reaches_zero_repeats_and_every_interest() -> None:
    """The demo's uneven capacities (8-12): cells are dropped so loads fit."""
    for seed in (0, 1, 2):
        inst = demo_instance(seed)
        result = plan(inst, seed=seed, time_limit=10)
        assert_hard_rules(inst, result.assignments)
        m = result.metrics
        assert m["repeated_encounters"] == 0
        assert m["preference_hits"] == m["preference_max"]


def test_zero_repeat_alternative_is_offered_with_both_numbers() -> None:
    """Interests crowd onto five stations: preferences first trades repeats for them."""
    from dataclasses import replace
    from random import Random

    inst = demo_instance(0)
    rng = Random(1)
    people = tuple(
        replace(p, interests=frozenset(rng.sample([100, 101, 102, 103, 104], 3)))
        for p in inst.participants
    )
    inst = replace(inst, participants=people)
    first = plan(inst, seed=0, time_limit=10).metrics
    alt = first["alternative"]
    assert first["repeated_encounters"] > alt["repeated_encounters"] == 0
    assert first["preference_hits"] > alt["preference_hits"]
    chosen = plan(replace(inst, priority="encounters"), seed=0, time_limit=10).metrics
    assert chosen["repeated_encounters"] == 0
    assert chosen["preference_hits"] >= alt["preference_hits"]
    assert "alternative" not in chosen


def test_constructions_never_claim_more_than_is_known_to_exist() -> None:
    from parcours.planner.mols_data import known_lower_bound

    gaps = []
    for order in range(2, 61):
        known = known_lower_bound(order)
        assert known is not None
        ours = len(best_squares(order, order).squares)
        assert ours <= known, order  # a table or product beyond the Handbook would be a bug
        if ours < known:
            gaps.append(order)
    assert 12 not in gaps and 14 not in gaps and 18 not in gaps
    assert 20 in gaps  # 4 known (Handbook), 3 from GF(4) x GF(5) here
