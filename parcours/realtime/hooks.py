"""What happens when a socket connects or leaves: its first state, and the presence counts."""

from __future__ import annotations

import logging
import uuid
from collections import Counter, defaultdict
from typing import Any

from flask import Flask

from parcours import process
from parcours.domain import rooms
from parcours.domain.actors import Actor
from parcours.domain.vocabulary import STAFF
from parcours.extensions import db, socketio
from parcours.realtime.publisher import send
from parcours.schemas.live import AnnouncementSchema, RosterSchema, dump_state
from parcours.services.broadcasts import Broadcast
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

    def __init__(self, app: Flask) -> None:
        self.config = app.config  # the timings are read at use: a test may change them
        self.counts: dict[int, Counter[str]] = defaultdict(Counter)
        self.pending: set[int] = set()
        self.dirty: set[int] = set()
        self.process = uuid.uuid4().hex[:12]

    @property
    def debounce_s(self) -> float:
        """Seconds between a change and its push (PRESENCE_DEBOUNCE_S)."""
        return float(self.config.get("PRESENCE_DEBOUNCE_S", 1.0))

    @property
    def heartbeat_s(self) -> float:
        """Seconds between repeats while this process has sockets (PRESENCE_HEARTBEAT_S)."""
        return float(self.config.get("PRESENCE_HEARTBEAT_S", 20.0))

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
            data = self.message(event_id)
            send([Broadcast(rooms.role_room(event_id, role), "presence", data) for role in STAFF])
            if not any(self.counts[event_id].values()):
                break
            waited = 0.0
            while waited < self.heartbeat_s and event_id not in self.dirty:
                socketio.sleep(self.debounce_s)
                waited += self.debounce_s
        self.pending.discard(event_id)


def connect_payload(actor: Actor, sid: str) -> list[Broadcast]:
    """Read what a new socket needs to draw: state, roster for hosts, latest news.

    Read before anything is sent, so the database connection can go back to the pool first
    (parcours.realtime.namespace); the socket's id is a room of its own.
    """
    session = db.session()
    first = [Broadcast(sid, "state", dump_state(clock.state_of(session, actor.event_id)))]
    if actor.role == "host" and actor.station_id is not None:
        snap = clock.load_snapshot(session, get_event(session, actor.event_id))
        roster = live.rosters(session, snap, [actor.station_id])[actor.station_id]
        first.append(Broadcast(sid, "roster", RosterSchema().dump(roster)))
    latest = live.active_announcements(session, actor.event_id, 1)
    if latest:
        first.append(Broadcast(sid, "announcement", AnnouncementSchema().dump(latest[0])))
    return first


def on_connected(
    actor: Actor, sid: str, counted: bool = True, payload: list[Broadcast] | None = None
) -> None:
    """Send the new socket what it needs to draw (connect_payload, read before if given)."""
    first = list(connect_payload(actor, sid) if payload is None else payload)
    counter = process.presence()
    if counted:
        counter.add(actor.event_id, actor.role, 1)
    if actor.is_staff():
        first.append(Broadcast(sid, "presence", counter.message(actor.event_id)))
    send(first)  # a socket's id is a room of its own


def on_disconnected(actor: Actor, sid: str, counted: bool = True) -> None:
    """Count the socket out (a console's own screen preview was never counted)."""
    if counted:
        process.presence().add(actor.event_id, actor.role, -1)
