"""The unit of work: commit on success, then publish what the use case told; on error roll
back and drop it.

Every operation runs in one (parcours.operations.run), and so do page requests and background
jobs (their adapters call `unit_of_work` or `send`). The publisher is the one bound in
init_app (parcours.process.publisher): this package knows no sockets.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy.orm import Session

from parcours import process
from parcours.services.broadcasts import Message, collecting


@contextmanager
def unit_of_work(session: Session) -> Iterator[None]:
    """Run the block as one unit: commit it, then publish what it told; roll back on error."""
    with collecting() as told:
        try:
            yield
        except BaseException:
            session.rollback()
            raise  # what it told is dropped with the outbox
        session.commit()
    send(told)


def send(messages: Sequence[Message]) -> None:
    """Hand committed messages to the app's publisher."""
    if messages:
        process.publisher()(messages)
