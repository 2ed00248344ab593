"""A round change published while Redis was down still reaches every process's phones.

With several processes a state broadcast goes to the phones of its own process at once and to
the other processes through Redis (python-socketio's PubSubManager). A message published while
Redis is unreachable is dropped ("Cannot publish to redis... giving up"), so the phones on the
other processes would show the old round until the next clock change. Each process therefore
notes the highest `state` version it delivered to each event room, and its clock ticker (which
reads every running clock about once a second anyway) sends the current state to its own
sockets only (`ignore_queue`) when the database has been ahead of that for GRACE_S seconds.
Found by the soak (tests/realtime/test_soak.py: "next" pressed while Redis restarts).

Not only running clocks: a pause, a stop or a change of an event that does not auto-advance
is published the same way, so the ticker also sweeps (`Delivered.sweep`) every event that has
a room in this process and compares its clock's version, whatever the clock's phase.
"""

from __future__ import annotations

import time
from typing import Any

from parcours.domain import rooms
from parcours.domain.errors import ParcoursError
from parcours.extensions import socketio
from parcours.realtime.publisher import NAMESPACE, send_here
from parcours.schemas.live import dump_state
from parcours.services.broadcasts import Broadcast
from parcours.services.event_day import clock

GRACE_S = 2.0


class Delivered:
    """The state versions this process handed to its own sockets, per event room."""

    def __init__(self) -> None:
        self.versions: dict[str, int] = {}
        self.behind_since: dict[tuple[int, int], float] = {}

    def note(self, message: dict[str, Any]) -> None:
        """Record a message the manager delivers in this process (own or from Redis)."""
        if message.get("event") != "state" or message.get("namespace") != NAMESPACE:
            return
        data = message.get("data")
        first = data[0] if isinstance(data, list) and data else None
        room = message.get("room")
        if isinstance(first, dict) and isinstance(room, str):
            version = first.get("version")
            if isinstance(version, int) and version > self.versions.get(room, -1):
                self.versions[room] = version

    def watch(self, manager: Any) -> bool:
        """Wrap a pub/sub manager's local delivery; False for a single process (no queue)."""
        original = getattr(manager, "_handle_emit", None)
        if original is None or not hasattr(manager, "_publish"):
            return False

        def handle(message: dict[str, Any]) -> Any:
            self.note(message)
            return original(message)

        manager._handle_emit = handle
        return True

    def check(self, session: Any, event_id: int, version: int) -> bool:
        """Send the state to this process's sockets if it missed version; True if it did."""
        room = rooms.event_room(event_id)
        known = self.versions.get(room)
        if known is None:  # first sight (e.g. after a restart): sockets got it at connect
            self.versions[room] = version
            return False
        if version <= known:
            return False
        now = time.monotonic()
        since = self.behind_since.setdefault((event_id, version), now)
        if now - since < GRACE_S:
            return False  # the broadcast is probably on its way through Redis
        data = dump_state(clock.state_of(session, event_id))
        send_here([Broadcast(room, "state", data)])
        self.versions[room] = max(known, int(data.get("version", version)))
        self.behind_since = {k: v for k, v in self.behind_since.items() if k[0] != event_id}
        return True

    def sweep(self, session: Any, skip: set[int]) -> int:
        """Check every event with sockets in this process but those in skip (checked already);
        return how many were sent their state again."""
        local = set()
        for room in list(socketio.server.manager.rooms.get(NAMESPACE) or {}):
            kind, _sep, rest = str(room).partition(":")
            if kind == "event" and rest.isascii() and rest.isdigit():
                local.add(int(rest))
        sent = 0
        for event_id, version in clock.clock_versions(session, local - skip).items():
            try:
                sent += self.check(session, event_id, version)
            except ParcoursError:
                continue  # the event was just deleted: nothing to send
            finally:
                session.rollback()
        return sent
