"""The exact fallback: b-matching of visits, then edge colouring into rounds."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.planner.flow import colour_rounds, distribute


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.lists(st.integers(0, 6), min_size=2, max_size=7), st.integers(1, 7))
def test_distribute_then_colour_gives_valid_rounds(people: int, caps: list[int], need: int) -> None:
    usable = [s for s, c in enumerate(caps) if c > 0]
    need = min(need, max(len(usable), 1))
    allowed = [sum(1 << s for s in usable)] * people
    chosen = distribute(need, allowed, [need * c for c in caps])
    feasible = sum(min(people, need * c) for c in caps) >= people * need and len(usable) >= need
    assert (chosen is not None) == feasible
    if chosen is None:
        return
    rounds = colour_rounds(chosen, need, len(caps))
    for p, row in enumerate(rounds):
        assert sorted(row) == sorted(chosen[p]) and len(set(row)) == need
    for r in range(need):
        loads = Counter(row[r] for row in rounds)
        assert all(loads[s] <= caps[s] for s in loads)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(0, 2), st.integers(0, 1000))
def test_assignment_is_minimal(rows: int, extra: int, salt: int) -> None:
    from itertools import permutations
    from random import Random

    from parcours.planner.assign import assign

    rng = Random(salt)
    cols = rows + extra
    cost = [[rng.randrange(-5, 6) for _ in range(cols)] for _ in range(rows)]
    got = assign(cost)
    assert len(set(got)) == rows
    best = min(sum(cost[i][p[i]] for i in range(rows)) for p in permutations(range(cols), rows))
    assert sum(cost[i][got[i]] for i in range(rows)) == best


def test_construction_hints_deal_routes_by_interest() -> None:
    from parcours.planner import demo_instance
    from parcours.planner.individual import construction_hints
    from parcours.planner.prep import prepare

    prob = prepare(demo_instance(0))
    hints = construction_hints(prob)
    assert hints
    for _name, hint in hints:
        assert len(hint) == prob.n
        assert len({tuple(row) for row in hint}) == prob.n  # distinct routes
        for i, row in enumerate(hint):
            assert len(set(row)) == len(row)
            for other in hint[i + 1 :]:
                assert sum(a == b for a, b in zip(row, other, strict=True)) <= 1
    hint = hints[0][1]
    hits = sum(
        (prob.interests[p] & sum(1 << s for s in row)).bit_count() for p, row in enumerate(hint)
    )
    assert hits >= 0.9 * sum(m.bit_count() for m in prob.interests[: prob.n])
