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
from sqlalchemy import event
from sqlalchemy.orm import Session

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
_OUTBOX: ContextVar[Outbox | None] = ContextVar("parcours_outbox", default=None)


def publish(*messages: Message) -> None:
    """Tell the open pages, once the open unit of work has committed.

    Outside a unit of work (a script or a test calling a use case, which committed) the
    messages go to the publisher at once; without an app nobody listens.
    """
    outbox = _OUTBOX.get()
    if outbox is not None:
        outbox.extend(messages)
        if outbox.clean:  # right after a commit, before any new query: describes stored data
            outbox.committed.extend(messages)
    else:
        deliver(messages)


def deliver(messages: Sequence[Message]) -> None:
    """Hand committed messages to the app's publisher (no app: nobody listens)."""
    if messages and has_app_context():
        process.publisher()(messages)


class Outbox(list[Message]):
    """The messages told while it is open (`open_outbox` ... `close`), in order.

    If it watches a session, every successful commit of that session marks what was told so
    far as `committed`: those describe stored data and are delivered even if a later step of
    the same unit of work fails (parcours.services.unit). What is told after a commit and
    before the session's next query (`clean`: the usual "commit, then publish") counts as
    committed too.
    """

    def __init__(self, session: Session | None = None) -> None:
        super().__init__()
        self.session = session
        self.committed: list[Message] = []
        self.clean = False  # the session committed and has not begun a new transaction since
        self.parent = _OUTBOX.get()
        self._token = _OUTBOX.set(self)

    def settle(self) -> None:
        """Mark everything told so far as committed (its session committed)."""
        self.committed = list(self)
        self.clean = True

    def adopt(self, told: Sequence[Message], committed: Sequence[Message]) -> None:
        """Take what an inner outbox hands on (`told`; `committed` of it already stored)."""
        self.extend(told)
        self.committed.extend(committed)

    def close(self) -> None:
        """Stop collecting here (an outer outbox, if any, collects again)."""
        _OUTBOX.reset(self._token)


def open_outbox(session: Session | None = None) -> Outbox:
    """Open an outbox: what `publish` is given until it is closed goes into it. With a
    session, what was told before each of its commits is kept as `committed`."""
    return Outbox(session)


def hand_on(outbox: Outbox, *, failed: bool) -> None:
    """Close an inner outbox and hand what it told to the enclosing outbox, or, if there is
    none, to the publisher. After a failure only what was committed goes on."""
    outbox.close()
    told = list(outbox.committed) if failed else list(outbox)
    parent = _OUTBOX.get()
    if parent is not None:
        parent.adopt(told, outbox.committed)
    else:
        deliver(told)


@event.listens_for(Session, "after_commit")
def _settle_outboxes(session: Session) -> None:
    """Mark what the open outboxes watching this session were told as committed."""
    outbox = _OUTBOX.get()
    while outbox is not None:
        if outbox.session is session:
            outbox.settle()
        outbox = outbox.parent


@event.listens_for(Session, "after_begin")
def _dirty_outboxes(session: Session, _transaction: Any, _connection: Any) -> None:
    """The session talks to the database again: what is told now waits for the next commit."""
    outbox = _OUTBOX.get()
    while outbox is not None:
        if outbox.session is session:
            outbox.clean = False
        outbox = outbox.parent


@contextmanager
def collecting() -> Iterator[Outbox]:
    """Collect what `publish` is given inside the block."""
    outbox = open_outbox()
    try:
        yield outbox
    finally:
        outbox.close()
