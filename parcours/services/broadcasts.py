"""What a use case tells the open pages, as values: the services decide, realtime sends.

A use case adds its `Broadcast`s (an event to a room) and `EndSockets` (the sockets of tokens
that ended) to the open unit of work with `publish`; the unit of work
(parcours.operations.unit, around every operation, page request and background job) commits
and then hands them to the one publisher (parcours.realtime.publisher), or drops them when it
rolls back. Services import nothing from realtime, api or web.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from flask import has_app_context

from parcours import process


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
_OUTBOX: ContextVar[list[Message] | None] = ContextVar("parcours_outbox", default=None)


def publish(*messages: Message) -> None:
    """Tell the open pages, once the open unit of work has committed.

    Outside a unit of work (a script or a test calling a use case, which committed) the
    messages go to the publisher at once; without an app nobody listens.
    """
    outbox = _OUTBOX.get()
    if outbox is not None:
        outbox.extend(messages)
    else:
        deliver(messages)


def deliver(messages: Sequence[Message]) -> None:
    """Hand committed messages to the app's publisher (no app: nobody listens)."""
    if messages and has_app_context():
        process.publisher()(messages)


class Outbox(list[Message]):
    """The messages told while it is open (`open_outbox` ... `close`)."""

    def __init__(self) -> None:
        super().__init__()
        self._token = _OUTBOX.set(self)

    def close(self) -> None:
        """Stop collecting here (an outer outbox, if any, collects again)."""
        _OUTBOX.reset(self._token)


def open_outbox() -> Outbox:
    """Open an outbox: what `publish` is given until it is closed goes into it."""
    return Outbox()


@contextmanager
def collecting() -> Iterator[Outbox]:
    """Collect what `publish` is given inside the block."""
    outbox = open_outbox()
    try:
        yield outbox
    finally:
        outbox.close()
