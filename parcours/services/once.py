"""Idempotent writes: look a record up by its key (client_id and whose it is), else store it once.

A phone or tablet that lost the answer sends the same write again with the same client_id; two
copies may even arrive at the same moment. `create_once` answers both with the one record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from parcours.domain.errors import Conflict
from parcours.services import batch
from parcours.storage.base import Base
from parcours.storage.queries import one_by

T = TypeVar("T")
M = TypeVar("M", bound=Base)


def store_once_by(
    session: Session, find: Callable[[], T | None], store: Callable[[], T]
) -> tuple[T, bool]:
    """Return (found, False) if find() has it, else (store() committed, True).

    store() checks what it needs (it may refuse) and writes; if the same write won a race
    between our lookup and our commit, the unique key refuses ours and theirs is returned.
    """
    found = find()
    if found is not None:
        return found, False
    try:
        record = store()
        batch.commit(session)  # in a fast batch of notes, its one commit comes later
    except IntegrityError:
        session.rollback()  # the same write arrived twice at once: the other one won
        found = find()
        if found is None:
            raise
        return found, False
    return record, True


def insert_once(
    session: Session, insert_new: Callable[[], T | None], find: Callable[[], T | None]
) -> tuple[T, bool]:
    """Return (insert_new() committed, True), or (found, False) when the key was taken.

    insert_new() checks what it needs (it may refuse) and inserts with ON CONFLICT DO NOTHING
    on the write's key, returning the new row or None: one statement for a new write, where
    store_once_by needs a lookup first. A write that arrives twice at once is inserted once
    (PostgreSQL makes the second insert wait for the first transaction), and the second reads
    the first's row.
    """
    for _attempt in range(2):
        record = insert_new()
        if record is not None:
            batch.commit(session)  # in a fast batch of notes, its one commit comes later
            return record, True
        found = find()
        if found is not None:
            return found, False
    # taken, yet gone when read: only the event's shred deletes a write
    raise Conflict("The personal data of this event has been deleted; nothing can be added.")


def create_once(
    session: Session, model: type[M], keys: dict[str, Any], build: Callable[[], M]
) -> tuple[M, bool]:
    """Return the model's record with these keys, or add build()'s once; (record, created)."""

    def store() -> M:
        record = build()
        session.add(record)
        return record

    return store_once_by(session, lambda: one_by(session, model, **keys), store)
