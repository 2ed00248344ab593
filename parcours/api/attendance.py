"""Attendance from the console: the list, and bulk present/absent (late arrivals placed)."""

from __future__ import annotations

from parcours.domain.vocabulary import STAFF
from parcours.operations import Call, Result, operation
from parcours.schemas.attendance import AttendanceOut, AttendanceSetSchema
from parcours.schemas.common import load
from parcours.services.event_day import attendance


@operation("GET /events/<int:event_id>/attendance", roles=STAFF, response=AttendanceOut)
def get_attendance(call: Call) -> Result:
    """Who is here: every participant with present/absent, late, places still to come"""
    return 200, AttendanceOut().dump(attendance.attendance(*call.in_event))


@operation(
    "POST /events/<int:event_id>/attendance",
    roles=STAFF,
    request=AttendanceSetSchema,
    response=AttendanceOut,
)
def set_attendance(call: Call) -> Result:
    """Mark participants present or absent: the absent leave the rounds to come, arrivals get a
    route there (nobody else moves, also on a locked plan)
    """
    data = load(AttendanceSetSchema(), call.body)
    result = attendance.set_attendance(*call.in_event, data["participant_ids"], data["present"])
    return 200, AttendanceOut().dump(result)
