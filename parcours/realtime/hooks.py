"""What happens when a socket connects or leaves, and after the clock changed."""

from __future__ import annotations

import logging
import uuid
from collections import Counter, defaultdict
from typing import Any

from flask import Flask, current_app

from parcours.domain.actors import Actor
from parcours.domain.vocabulary import STAFF
from parcours.extensions import db, socketio
from parcours.realtime import emit
from parcours.schemas.live import AnnouncementSchema, RosterSchema, dump_state
from parcours.services.common import get_event
from parcours.services.event_day import clock, live

log = logging.getLogger(__name__)
ROLE_KEYS = {
    "participant": "participants",
    "host": "hosts",
    "kiosk": "hosts",  # a station tablet in kiosk mode
    "screen": "screens",
    "facilitator": "facilitators",
    "organiser": "facilitators",
}


class Presence:
    """Count this process's sockets per event and role; tell the facilitators, debounced.

    Each push names its process, and a process repeats its counts every heartbeat while it has
    sockets of the event: with several processes behind a message queue the console adds up the
    latest counts of every process and forgets a process that stopped repeating.
    """

    def __init__(self, debounce_s: float = 1.0, heartbeat_s: float = 20.0) -> None:
        self.counts: dict[int, Counter[str]] = defaultdict(Counter)
        self.pending: set[int] = set()
        self.dirty: set[int] = set()
        self.debounce_s = debounce_s
        self.heartbeat_s = heartbeat_s
        self.process = uuid.uuid4().hex[:12]

    def add(self, event_id: int, role: str, delta: int) -> None:
        """Count a socket in (delta=1) or out (delta=-1) and schedule a push."""
        key = ROLE_KEYS.get(role, role)
        self.counts[event_id][key] = max(0, self.counts[event_id][key] + delta)
        self.dirty.add(event_id)
        if event_id not in self.pending:
            self.pending.add(event_id)
            socketio.start_background_task(self._push_loop, event_id)

    def snapshot(self, event_id: int) -> dict[str, int]:
        """Return {participants, hosts, screens, facilitators} connected to this process."""
        counts = self.counts.get(event_id, Counter())
        return {key: counts[key] for key in ("participants", "hosts", "screens", "facilitators")}

    def message(self, event_id: int) -> dict[str, Any]:
        """Return the presence event: this process's counts, its id and the heartbeat."""
        return {**self.snapshot(event_id), "process": self.process, "every_s": self.heartbeat_s}

    def _push_loop(self, event_id: int) -> None:
        """Push soon after a change, then every heartbeat while this process has sockets."""
        while True:
            socketio.sleep(self.debounce_s)
            self.dirty.discard(event_id)
            for role in STAFF:
                emit.to_role(event_id, role, "presence", self.message(event_id))
            if not any(self.counts[event_id].values()):
                break
            waited = 0.0
            while waited < self.heartbeat_s and event_id not in self.dirty:
                socketio.sleep(self.debounce_s)
                waited += self.debounce_s
        self.pending.discard(event_id)


def presence(app: Flask | None = None) -> Presence:
    """Return the app's presence counter (one per server process)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("parcours_presence")
    if found is None:
        found = Presence(
            float(app.config.get("PRESENCE_DEBOUNCE_S", 1.0)),
            float(app.config.get("PRESENCE_HEARTBEAT_S", 20.0)),
        )
        app.extensions["parcours_presence"] = found
    return found  # type: ignore[no-any-return]


def connect_payload(actor: Actor) -> list[tuple[str, Any]]:
    """Read what a new socket needs to draw: [(event, data)]: state, roster for hosts, news."""
    session = db.session()
    out: list[tuple[str, Any]] = [("state", dump_state(clock.state_of(session, actor.event_id)))]
    if actor.role == "host" and actor.station_id is not None:
        snap = clock.load_snapshot(session, get_event(session, actor.event_id))
        roster = live.rosters(session, snap, [actor.station_id])[actor.station_id]
        out.append(("roster", RosterSchema().dump(roster)))
    latest = live.active_announcements(session, actor.event_id, 1)
    if latest:
        out.append(("announcement", AnnouncementSchema().dump(latest[0])))
    return out


def on_connected(
    actor: Actor, sid: str, counted: bool = True, payload: list[tuple[str, Any]] | None = None
) -> None:
    """Send the new socket what it needs to draw (connect_payload, read before if given)."""
    for name, data in connect_payload(actor) if payload is None else payload:
        emit.to_sid(sid, name, data)
    counter = presence()
    if counted:
        counter.add(actor.event_id, actor.role, 1)
    if actor.is_staff():
        emit.to_sid(sid, "presence", counter.message(actor.event_id))


def on_disconnected(actor: Actor, sid: str, counted: bool = True) -> None:
    """Count the socket out (a console's own screen preview was never counted)."""
    if counted:
        presence().add(actor.event_id, actor.role, -1)


def after_clock_change(event_id: int, state: dict[str, Any]) -> dict[str, Any]:
    """Broadcast the new state once to the event; return it as sent.

    Nothing goes per participant or per station: phones know their route and host tablets
    fetch their roster when the round changed, so a round change is one broadcast whatever
    the number of people.
    """
    data = dump_state(state)
    emit.to_event(event_id, "state", data)
    return data


def announce(event_id: int, item: Any) -> None:
    """Broadcast an announcement to every client of the event."""
    emit.to_event(event_id, "announcement", AnnouncementSchema().dump(item))


def announcement_ended(event_id: int, announcement_id: int) -> None:
    """Tell every client of the event to take an announcement down."""
    emit.to_event(event_id, "announcement_end", {"id": announcement_id})
