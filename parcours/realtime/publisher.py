"""The one publisher: the only module that sends to Socket.IO clients.

What a use case tells (parcours.services.broadcasts: `Broadcast`, `EndSockets`) comes here
after its commit, handed over by the unit of work (parcours.operations.unit) that ran it;
the socket adapter sends a new socket its first state through here too. Broadcasts go to a
room of /live (through the message queue when there is one, so every process's sockets hear
them); EndSockets end the sockets of tokens that ended, in every process
(parcours.realtime.revoke). The data is stored by then: a broken queue is logged and never
undoes it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from parcours.extensions import socketio
from parcours.realtime import revoke
from parcours.services.broadcasts import Broadcast, Message

log = logging.getLogger(__name__)
NAMESPACE = "/live"


def send(messages: Sequence[Message]) -> None:
    """Send broadcasts and end sockets, in order."""
    for message in messages:
        try:
            if isinstance(message, Broadcast):
                socketio.emit(message.event, message.payload, to=message.room, namespace=NAMESPACE)
            else:
                revoke.disconnect_rooms(list(message.rooms))
        except Exception:  # the data is stored; a broken queue must not undo that
            log.exception("could not publish %s", message)


def send_here(broadcasts: Sequence[Broadcast]) -> None:
    """Send to this process's sockets only, not through the message queue (what this process
    missed while Redis was down: parcours.realtime.resync)."""
    for message in broadcasts:
        socketio.server.emit(
            message.event, message.payload, to=message.room, namespace=NAMESPACE, ignore_queue=True
        )
