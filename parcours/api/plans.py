"""The rotation plan: compute, read, re-plan the open rounds, move one person, lock."""

from __future__ import annotations

from typing import Any

from parcours.domain.vocabulary import STAFF
from parcours.extensions import socketio
from parcours.operations import Call, Result, operation
from parcours.schemas.common import load
from parcours.schemas.plans import (
    LockOut,
    LockSchema,
    MoveSchema,
    PlanQuery,
    PlanRequestSchema,
    PlanSchema,
    ReplanRequestSchema,
)
from parcours.services import plans

ORGANISER = ("organiser",)


def cooperative(_fraction: float, _detail: dict[str, Any]) -> None:
    """Let other green threads run while the planner searches (it reports a few times a second)."""
    socketio.sleep(0)


@operation(
    "POST /events/<int:event_id>/plan",
    roles=ORGANISER,
    request=PlanRequestSchema,
    response=PlanSchema,
)
def compute_plan(call: Call) -> Result:
    """Compute and store the rotation plan (rounds that have started are kept)"""
    data = load(PlanRequestSchema(), call.body)  # mode, seed, time_limit, priority, segment_id
    event_id, actor = call.params["event_id"], call.who
    result = plans.compute_plan(call.session, event_id, actor=actor, progress=cooperative, **data)
    return 201, result


@operation(
    "GET /events/<int:event_id>/plan", roles=ORGANISER, response=PlanSchema, query=("segment_id",)
)
def get_plan(call: Call) -> Result:
    """The stored rotation plan: metrics and assignments (as `parcours plan --json`); ?segment_id=
    names a later parcours
    """
    asked = {k: v for k, v in call.query.items() if k == "segment_id" and v != ""}
    segment_id = load(PlanQuery(), asked)["segment_id"]
    return 200, plans.get_plan(*call.in_event, segment_id)


@operation(
    "POST /events/<int:event_id>/plan/replan",
    roles=STAFF,
    request=ReplanRequestSchema,
    response=PlanSchema,
)
def replan_open_rounds(call: Call) -> Result:
    """Re-plan the rounds not yet started: no-shows out, latecomers in, the past kept"""
    data = load(ReplanRequestSchema(), call.body)  # seed, time_limit
    result = plans.replan_open_rounds(*call.in_event, progress=cooperative, **data)
    return 200, result


@operation(
    "POST /events/<int:event_id>/plan/moves",
    roles=ORGANISER,
    request=MoveSchema,
    response=PlanSchema,
)
def move_participant(call: Call) -> Result:
    """Put one participant at one station in one round by hand (metrics recomputed)"""
    data = load(MoveSchema(), call.body)
    where = data["participant_id"], data["round"], data["station_id"], data["segment_id"]
    result = plans.move_participant(*call.in_event, *where)
    return 200, result


@operation(
    "POST /events/<int:event_id>/plan/lock",
    roles=ORGANISER,
    request=LockSchema,
    response=LockOut,
)
def lock_plan(call: Call) -> Result:
    """Lock ({"locked": true}) or unlock the plan; a locked plan refuses changes (409)"""
    data = load(LockSchema(), call.body)
    event_id = call.params["event_id"]
    segment_id = data["segment_id"]
    locked = plans.set_locked(call.session, call.who, event_id, data["locked"], segment_id)
    return 200, {"event_id": event_id, "locked": locked, "segment_id": segment_id}
