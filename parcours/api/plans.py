"""The rotation plan: compute, read, re-plan the open rounds, move one person, lock."""

from __future__ import annotations

from typing import Any

from parcours.domain.vocabulary import STAFF
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
    from parcours.extensions import socketio

    socketio.sleep(0)


@operation(
    "compute_plan",
    "POST",
    "/events/<int:event_id>/plan",
    summary="Compute and store the rotation plan (rounds that have started are kept)",
    roles=ORGANISER,
    request=PlanRequestSchema,
    response=PlanSchema,
)
def compute_plan(call: Call) -> Result:
    assert call.actor is not None
    data = load(PlanRequestSchema(), call.body)
    result = plans.compute_plan(
        call.session,
        call.params["event_id"],
        seed=data["seed"],
        time_limit=data["time_limit"],
        mode=data["mode"],
        priority=data["priority"],
        segment_id=data["segment_id"],
        actor=call.actor,
        progress=cooperative,
    )
    return 201, result


@operation(
    "get_plan",
    "GET",
    "/events/<int:event_id>/plan",
    summary="The stored rotation plan: metrics and assignments (as `parcours plan --json`); "
    "?segment_id= names a later parcours",
    roles=ORGANISER,
    response=PlanSchema,
    query=("segment_id",),
)
def get_plan(call: Call) -> Result:
    assert call.actor is not None
    asked = {k: v for k, v in call.query.items() if k == "segment_id" and v != ""}
    segment_id = load(PlanQuery(), asked)["segment_id"]
    return 200, plans.get_plan(call.session, call.actor, call.params["event_id"], segment_id)


@operation(
    "replan_open_rounds",
    "POST",
    "/events/<int:event_id>/plan/replan",
    summary="Re-plan the rounds not yet started: no-shows out, latecomers in, the past kept",
    roles=STAFF,
    request=ReplanRequestSchema,
    response=PlanSchema,
)
def replan(call: Call) -> Result:
    assert call.actor is not None
    data = load(ReplanRequestSchema(), call.body)
    result = plans.replan_open_rounds(
        call.session,
        call.actor,
        call.params["event_id"],
        seed=data["seed"],
        time_limit=data["time_limit"],
        progress=cooperative,
    )
    return 200, result


@operation(
    "move_participant",
    "POST",
    "/events/<int:event_id>/plan/moves",
    summary="Put one participant at one station in one round by hand (metrics recomputed)",
    roles=ORGANISER,
    request=MoveSchema,
    response=PlanSchema,
)
def move(call: Call) -> Result:
    assert call.actor is not None
    data = load(MoveSchema(), call.body)
    result = plans.move_participant(
        call.session,
        call.actor,
        call.params["event_id"],
        data["participant_id"],
        data["round"],
        data["station_id"],
        data["segment_id"],
    )
    return 200, result


@operation(
    "lock_plan",
    "POST",
    "/events/<int:event_id>/plan/lock",
    summary='Lock ({"locked": true}) or unlock the plan; a locked plan refuses changes (409)',
    roles=ORGANISER,
    request=LockSchema,
    response=LockOut,
)
def lock(call: Call) -> Result:
    assert call.actor is not None
    data = load(LockSchema(), call.body)
    event_id = call.params["event_id"]
    segment_id = data["segment_id"]
    locked = plans.set_locked(call.session, call.actor, event_id, data["locked"], segment_id)
    return 200, {"event_id": event_id, "locked": locked, "segment_id": segment_id}
