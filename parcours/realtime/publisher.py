"""The one publisher: sends what the services return to the open pages, after the commit.

Broadcasts go to a room of /live (through the message queue when there is one, so every
process's sockets hear them); EndSockets end the sockets of tokens that ended, in every
process (parcours.realtime.revoke). The data is stored by then: a broken queue is logged and
never undoes it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import Flask

from parcours.realtime import emit, revoke
from parcours.services.broadcasts import EXTENSION, Broadcast, Message

log = logging.getLogger(__name__)


def send(messages: Sequence[Message]) -> None:
    """Send broadcasts and end sockets, in order."""
    for message in messages:
        try:
            if isinstance(message, Broadcast):
                emit.publish(message.event, message.payload, message.room)
            else:
                revoke.disconnect_rooms(list(message.rooms))
        except Exception:  # the data is stored; a broken queue must not undo that
            log.exception("could not publish %s", message)


def init_publisher(app: Flask) -> None:
    """Make this module the app's publisher (parcours.services.broadcasts.publish)."""
    app.extensions[EXTENSION] = send
