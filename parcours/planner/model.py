"""Public data types of the rotation planner."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MODES = ("individual", "groups")
PRIORITIES = ("preferences", "encounters")


def norm_org(name: str) -> str:
    """Return an organisation name as compared: case and spacing ignored."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class PlanParticipant:
    """One person to route through the stations."""

    id: int
    kind: str = "other"
    interests: frozenset[int] = frozenset()
    must_visit: frozenset[int] = frozenset()
    organisation: str = ""  # never sent to a station of this organisation; colleagues apart
    avoid: frozenset[int] = frozenset()  # stations never to visit
    stay: bool = False  # stays at one station through all rounds (counted in its capacity)
    absent: frozenset[int] = frozenset()  # rounds (from 1) the participant is not there


@dataclass(frozen=True)
class PlanStation:
    """One station with the number of people it can host per round."""

    id: int
    capacity: int
    kind: str = "other"
    organisations: frozenset[str] = frozenset()  # whose station it is (name, organisation)


@dataclass(frozen=True)
class Instance:
    """Everything the planner needs to know about one event.

    ``fixed`` maps ``(participant_id, round)`` (rounds from 1) to a station id for
    rounds that have already started.  Every round up to the last round named in
    ``fixed`` is *closed*: it is kept exactly as given and only participants with a
    fixed placement in it count as present there.  Later rounds are *open* and are
    planned for every participant of the instance.
    """

    participants: tuple[PlanParticipant, ...]
    stations: tuple[PlanStation, ...]
    rounds: int
    mode: str = "individual"
    forbidden_pairs: frozenset[tuple[int, int]] = frozenset()
    fixed: Mapping[tuple[int, int], int] = field(default_factory=dict)
    priority: str = "preferences"  # or "encounters": fewer repeats before more interests
    # earlier parcours segments of the same day: pairs who met there (met again costs a
    # repeat) and stations each participant visited there (not visited again if possible)
    met_before: frozenset[tuple[int, int]] = frozenset()
    visited_before: Mapping[int, frozenset[int]] = field(default_factory=dict)


@dataclass
class PlanResult:
    """A plan: one station per participant and round, plus its metrics."""

    assignments: list[tuple[int, int, int]]
    metrics: dict[str, Any]
    groups: dict[int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict of metrics and assignments."""
        data: dict[str, Any] = {
            "metrics": dict(self.metrics),
            "assignments": [
                {"participant_id": p, "round": r, "station_id": s} for p, r, s in self.assignments
            ],
        }
        if self.groups is not None:
            data["groups"] = [
                {"participant_id": p, "group": g} for p, g in sorted(self.groups.items())
            ]
        return data


class PlanInfeasible(ValueError):
    """Raised by ``plan`` when a hard rule cannot be met; ``problems`` says why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)
