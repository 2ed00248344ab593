"""Attendance from the console: the list, and bulk present/absent (late arrivals placed)."""

from __future__ import annotations

from parcours.domain.vocabulary import STAFF
from parcours.operations import Call, Result, operation
from parcours.schemas.attendance import AttendanceOut, AttendanceSetSchema
from parcours.schemas.common import load
from parcours.services.event_day import attendance


@operation(
    "get_attendance",
    "GET",
    "/events/<int:event_id>/attendance",
    summary="Who is here: every participant with present/absent, late, places still to come",
    roles=STAFF,
    response=AttendanceOut,
)
def get_attendance(call: Call) -> Result:
    assert call.actor is not None
    return 200, AttendanceOut().dump(
        attendance.attendance(call.session, call.actor, call.params["event_id"])
    )


@operation(
    "set_attendance",
    "POST",
    "/events/<int:event_id>/attendance",
    summary="Mark participants present or absent: the absent leave the rounds to come, "
    "arrivals get a route there (nobody else moves, also on a locked plan)",
    roles=STAFF,
    request=AttendanceSetSchema,
    response=AttendanceOut,
)
def set_attendance(call: Call) -> Result:
    assert call.actor is not None
    data = load(AttendanceSetSchema(), call.body)
    result = attendance.set_attendance(
        call.session, call.actor, call.params["event_id"], data["participant_ids"], data["present"]
    )
    return 200, AttendanceOut().dump(result)
