"""Rotation planner: who goes to which station in which round.

Pure Python, deterministic for a seed.  See ``docs/planner.md`` for the algorithm.
"""

from __future__ import annotations

from parcours.planner.bounds import bounds
from parcours.planner.checks import check
from parcours.planner.metrics import evaluate
from parcours.planner.model import (
    Instance,
    PlanInfeasible,
    PlanParticipant,
    PlanResult,
    PlanStation,
)
from parcours.planner.solver import plan
from parcours.planner.synthetic import demo_instance, synthetic_instance

__all__ = [
    "Instance",
    "PlanInfeasible",
    "PlanParticipant",
    "PlanResult",
    "PlanStation",
    "bounds",
    "check",
    "demo_instance",
    "evaluate",
    "plan",
    "synthetic_instance",
]
