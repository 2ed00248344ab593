"""Synthetic instances for the CLI, the tests and the benchmark."""

from __future__ import annotations

import math
from random import Random

from parcours.planner.model import Instance, PlanParticipant, PlanStation

DEMO_KINDS = ("company", "authority", "chamber", "organisation", "other")


def synthetic_instance(
    participants: int,
    stations: int,
    rounds: int,
    capacity: int | None = None,
    *,
    mode: str = "individual",
) -> Instance:
    """Return ids 0..P-1 and 0..S-1, every station with ``capacity`` (default ceil(P/S))."""
    cap = capacity if capacity is not None else math.ceil(participants / max(stations, 1))
    return Instance(
        participants=tuple(PlanParticipant(id=i) for i in range(participants)),
        stations=tuple(PlanStation(id=j, capacity=cap) for j in range(stations)),
        rounds=rounds,
        mode=mode,
    )


def demo_instance(
    seed: int = 0,
    participants: int = 100,
    stations: int = 12,
    rounds: int = 6,
    *,
    mode: str = "individual",
) -> Instance:
    """Return a demo-like event: mixed kinds, capacities around 10, 2-3 interests each."""
    rng = Random(seed)
    caps = [8 + j % 5 for j in range(stations)]
    while sum(caps) < participants + stations:
        caps[rng.randrange(stations)] += 1
    station_list = tuple(PlanStation(id=100 + j, capacity=c) for j, c in enumerate(caps))
    weights = (40, 15, 15, 20, 10)
    people = []
    for i in range(participants):
        kind = rng.choices(DEMO_KINDS, weights=weights)[0]
        picks = rng.sample(range(stations), rng.choice((2, 3)))
        people.append(
            PlanParticipant(
                id=1000 + i,
                kind=kind,
                interests=frozenset(100 + j for j in picks),
            )
        )
    return Instance(participants=tuple(people), stations=station_list, rounds=rounds, mode=mode)
