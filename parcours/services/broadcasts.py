"""What a use case tells the open pages, as values: the services decide, realtime sends.

A service commits first, then hands its `Broadcast`s (an event to a room) and `EndSockets`
(the sockets of tokens that ended) to `publish`. The app's publisher
(parcours.realtime.publisher, bound in init_app) sends them: rooms, the message queue, the
other processes. Services import nothing from realtime, api or web.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context

EXTENSION = "parcours_publisher"


@dataclass(frozen=True)
class Broadcast:
    """One event to every socket of one room (names from parcours.domain.rooms)."""

    room: str
    event: str
    payload: Any


@dataclass(frozen=True)
class EndSockets:
    """End the open sockets in these rooms (their token ended), in every process."""

    rooms: tuple[str, ...]


Message = Broadcast | EndSockets
Publisher = Callable[[Sequence[Message]], None]


def publish(*messages: Message) -> None:
    """Hand messages to the app's publisher, after the commit (no app: nobody listens)."""
    if not messages or not has_app_context():
        return
    publisher: Publisher | None = current_app.extensions.get(EXTENSION)
    if publisher is not None:
        publisher(messages)
