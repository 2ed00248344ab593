"""The live run of show: state, clock actions, announcements, route, roster, board."""

from __future__ import annotations

from parcours.domain import rooms
from parcours.domain.vocabulary import EVERYONE, STAFF
from parcours.operations import Call, Result, operation
from parcours.schemas.common import load
from parcours.schemas.live import (
    AnnouncementInSchema,
    AnnouncementSchema,
    ClockActionSchema,
    MeSchema,
    RosterSchema,
    RotationSchema,
    StateSchema,
    dump_state,
)
from parcours.services.broadcasts import Broadcast, publish
from parcours.services.event_day import clock, live

CLOCK_ACTION = ClockActionSchema()  # loading is stateless: build the schema once


@operation("GET /events/<int:event_id>/state", roles=EVERYONE, response=StateSchema)
def get_state(call: Call) -> Result:
    """The live snapshot of the clock"""
    return 200, dump_state(clock.get_state(*call.in_event))


@operation(
    "POST /events/<int:event_id>/clock",
    roles=STAFF,
    request=ClockActionSchema,
    response=StateSchema,
    socket="clock",
    name="clock",
)
def drive_clock(call: Call) -> Result:
    """Start, pause, resume, extend, next, previous or finish"""
    data = load(CLOCK_ACTION, call.body)
    event_id = call.params["event_id"]
    state = clock.apply_action(
        call.session, call.who, event_id, data["action"], data.get("seconds")
    )
    data = dump_state(state)  # one broadcast to the event, nothing per participant or station
    publish(Broadcast(rooms.event_room(event_id), "state", data))
    return 200, data


@operation(
    "POST /events/<int:event_id>/announcements",
    roles=STAFF,
    request=AnnouncementInSchema,
    response=AnnouncementSchema,
    socket="announce",
)
def announce(call: Call) -> Result:
    """Show an announcement on the screen and the phones"""
    data = load(AnnouncementInSchema(), call.body)
    item = live.announce(*call.in_event, data["text"], data["minutes"])
    body = AnnouncementSchema().dump(item)
    publish(Broadcast(rooms.event_room(item.event_id), "announcement", body))
    return 201, body


@operation(
    "DELETE /events/<int:event_id>/announcements/<int:announcement_id>",
    roles=STAFF,
    response=AnnouncementSchema,
)
def end_announcement(call: Call) -> Result:
    """Take an announcement off the screen and the phones now"""
    item = live.end_announcement(*call.in_event, call.params["announcement_id"])
    publish(Broadcast(rooms.event_room(item.event_id), "announcement_end", {"id": item.id}))
    return 200, AnnouncementSchema().dump(item)


@operation("GET /events/<int:event_id>/announcements", roles=EVERYONE, response=AnnouncementSchema)
def list_announcements(call: Call) -> Result:
    """The latest announcements, newest first"""
    items = live.recent_announcements(*call.in_event)
    return 200, AnnouncementSchema(many=True).dump(items)


@operation("GET /me", roles=("participant",), response=MeSchema)
def me(call: Call) -> Result:
    """A participant's route, current station, notes and follow-ups"""
    data = live.build_me(call.session, call.who)
    return 200, {**data, **MeSchema().dump(data)}  # keys added by other modules pass through


@operation(
    "GET /events/<int:event_id>/stations/<int:station_id>/roster",
    roles=("host",) + STAFF,
    response=RosterSchema,
)
def roster(call: Call) -> Result:
    """Who is expected at a station this round, and who checked in"""
    params = call.params
    data = live.roster(call.session, call.who, params["event_id"], params["station_id"])
    return 200, RosterSchema().dump(data)


@operation(
    "GET /events/<int:event_id>/rotation", roles=("screen",) + STAFF, response=RotationSchema
)
def rotation(call: Call) -> Result:
    """The rotation board: who (or which group) goes to which station in each round"""
    return 200, RotationSchema().dump(live.rotation(*call.in_event))
