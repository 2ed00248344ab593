"""A batch of writes in one transaction (the group-commit writer, parcours.realtime.writer).

The writer runs up to a hundred notes in one transaction in which nothing else runs: every note
of the batch would read the same event, clock and round, and each would look up its author's
planned station with a query of its own. The writer marks its session as a batch (`begin`,
naming the participants who write in it); the use cases then read what is the same for the
whole batch once (`once`) and the planned stations of all its participants in one query. On any
other session (a write over HTTP, a note one by one) the reads run as they are.

What is read once is what the batch's first write saw. On SQLite the batch holds the write lock,
so nothing changes meanwhile; on PostgreSQL a clock that moves during the few milliseconds of a
batch is seen by the next batch, as if this batch had run a moment earlier.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")
KEY = "parcours_batch"  # in Session.info, SQLAlchemy's own place for a session's extra data


class Batch:
    """What a batch's writes share: who writes in it, and the reads made once."""

    def __init__(self, participant_ids: Collection[int], fast: bool = False) -> None:
        self.participant_ids = frozenset(participant_ids)
        self.fast = fast
        self.memo: dict[Hashable, Any] = {}


def begin(session: Session, participant_ids: Collection[int], fast: bool = False) -> None:
    """Mark session as one batch of writes by these participants (and hosts).

    fast: the batch runs in one transaction without a savepoint per write, and a write that
    fails ends the whole try (the writer runs the batch again, a savepoint per write): a write
    then only flushes where it would commit (`commit`), the batch commits once."""
    session.info[KEY] = Batch(participant_ids, fast)


def commit(session: Session) -> None:
    """Commit a write; in a fast batch only flush it (the batch's one commit follows)."""
    found = current(session)
    if found is not None and found.fast:
        session.flush()
    else:
        session.commit()


def current(session: Session) -> Batch | None:
    """Return the batch session runs, or None for a write of its own."""
    found = session.info.get(KEY)
    return found if isinstance(found, Batch) else None


def once(session: Session, key: Hashable, read: Callable[[], T]) -> T:
    """Return read(), made once per batch under key (every time outside a batch)."""
    batch = current(session)
    if batch is None:
        return read()
    if key not in batch.memo:
        batch.memo[key] = read()
    return batch.memo[key]  # type: ignore[no-any-return]
