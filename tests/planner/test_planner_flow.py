"""The exact fallback: b-matching of visits, then edge colouring into rounds."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.planner.flow import colour_rounds, distribute


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.lists(st.integers(0, 6), min_size=2, max_size=7),
       st.integers(1, 7))
def test_distribute_then_colour_gives_valid_rounds(people: int, caps: list[int],
                                                   need: int) -> None:
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
