"""Helpers shared by the planner tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from parcours.planner import Instance


def assert_hard_rules(
    inst: Instance, rows: Iterable[tuple[int, int, int]], first_open: int = 1
) -> None:
    """Fail unless nobody revisits, no station overflows and everyone is placed once."""
    rows = list(rows)
    caps = {s.id: s.capacity for s in inst.stations}
    visits = Counter((p, s) for p, _, s in rows)
    assert max(visits.values(), default=1) == 1, "a participant visits a station twice"
    loads = Counter((r, s) for _, r, s in rows)
    for (r, s), load in loads.items():
        assert load <= caps[s], f"station {s} over capacity in round {r}"
    placed = Counter((p, r) for p, r, _ in rows)
    assert max(placed.values(), default=1) == 1, "a participant is placed twice in a round"
    for p in inst.participants:
        for r in range(first_open, inst.rounds + 1):
            assert (p.id, r) in placed, f"participant {p.id} unplaced in round {r}"
