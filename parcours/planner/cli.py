"""Pure helpers behind ``parcours plan`` (the command itself is mounted by the app)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from parcours.planner.solver import plan
from parcours.planner.synthetic import synthetic_instance


def synthetic_json(
    participants: int,
    stations: int,
    rounds: int,
    capacity: int | None = None,
    seed: int = 0,
    time_limit: float = 10.0,
    mode: str = "individual",
    priority: str = "preferences",
) -> dict[str, Any]:
    """Plan a synthetic instance and return ``PlanResult.to_json()``.

    Raises ``PlanInfeasible`` (with ``problems``) when the sizes break a hard rule.
    """
    inst = replace(
        synthetic_instance(participants, stations, rounds, capacity, mode=mode), priority=priority
    )
    return plan(inst, seed=seed, time_limit=time_limit).to_json()
