"""The live run of show: state, clock actions, announcements, route, roster, board."""

from __future__ import annotations

from parcours.domain import rooms
from parcours.domain.vocabulary import EVERYONE, STAFF
from parcours.operations import Call, Result, operation
from parcours.realtime import hooks
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


@operation(
    "get_state",
    "GET",
    "/events/<int:event_id>/state",
    summary="The live snapshot of the clock",
    roles=EVERYONE,
    response=StateSchema,
)
def get_state(call: Call) -> Result:
    assert call.actor is not None
    return 200, dump_state(clock.get_state(call.session, call.actor, call.params["event_id"]))


@operation(
    "clock",
    "POST",
    "/events/<int:event_id>/clock",
    summary="Start, pause, resume, extend, next, previous or finish",
    roles=STAFF,
    request=ClockActionSchema,
    response=StateSchema,
    socket="clock",
)
def drive_clock(call: Call) -> Result:
    assert call.actor is not None
    data = load(CLOCK_ACTION, call.body)
    event_id = call.params["event_id"]
    state = clock.apply_action(
        call.session, call.actor, event_id, data["action"], data.get("seconds")
    )
    return 200, hooks.after_clock_change(event_id, state)  # the same object as broadcast


@operation(
    "announce",
    "POST",
    "/events/<int:event_id>/announcements",
    summary="Show an announcement on the screen and the phones",
    roles=STAFF,
    request=AnnouncementInSchema,
    response=AnnouncementSchema,
    socket="announce",
)
def announce(call: Call) -> Result:
    assert call.actor is not None
    data = load(AnnouncementInSchema(), call.body)
    item = live.announce(
        call.session, call.actor, call.params["event_id"], data["text"], data["minutes"]
    )
    body = AnnouncementSchema().dump(item)
    publish(Broadcast(rooms.event_room(item.event_id), "announcement", body))
    return 201, body


@operation(
    "end_announcement",
    "DELETE",
    "/events/<int:event_id>/announcements/<int:announcement_id>",
    summary="Take an announcement off the screen and the phones now",
    roles=STAFF,
    response=AnnouncementSchema,
)
def end_announcement(call: Call) -> Result:
    assert call.actor is not None
    item = live.end_announcement(
        call.session, call.actor, call.params["event_id"], call.params["announcement_id"]
    )
    publish(Broadcast(rooms.event_room(item.event_id), "announcement_end", {"id": item.id}))
    return 200, AnnouncementSchema().dump(item)


@operation(
    "list_announcements",
    "GET",
    "/events/<int:event_id>/announcements",
    summary="The latest announcements, newest first",
    roles=EVERYONE,
    response=AnnouncementSchema,
)
def list_announcements(call: Call) -> Result:
    assert call.actor is not None
    items = live.recent_announcements(call.session, call.actor, call.params["event_id"])
    return 200, AnnouncementSchema(many=True).dump(items)


@operation(
    "me",
    "GET",
    "/me",
    summary="A participant's route, current station, notes and follow-ups",
    roles=("participant",),
    response=MeSchema,
)
def me(call: Call) -> Result:
    assert call.actor is not None
    data = live.build_me(call.session, call.actor)
    return 200, {**data, **MeSchema().dump(data)}  # keys added by other modules pass through


@operation(
    "roster",
    "GET",
    "/events/<int:event_id>/stations/<int:station_id>/roster",
    summary="Who is expected at a station this round, and who checked in",
    roles=("host",) + STAFF,
    response=RosterSchema,
)
def roster(call: Call) -> Result:
    assert call.actor is not None
    params = call.params
    data = live.roster(call.session, call.actor, params["event_id"], params["station_id"])
    return 200, RosterSchema().dump(data)


@operation(
    "rotation",
    "GET",
    "/events/<int:event_id>/rotation",
    summary="The rotation board: who (or which group) goes to which station in each round",
    roles=("screen",) + STAFF,
    response=RotationSchema,
)
def rotation(call: Call) -> Result:
    assert call.actor is not None
    return 200, RotationSchema().dump(
        live.rotation(call.session, call.actor, call.params["event_id"])
    )
