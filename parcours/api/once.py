"""The shape of every "store once and tell a room" operation, written once.

A write carries its own client_id: the first one stores it (201) and tells the rooms that
show it; a repeat of the same client_id (a phone that retried) stores nothing, tells no one
and answers 200 with what was stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema
from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.operations import Call, Result
from parcours.schemas.common import load

UseCase = Callable[[Session, Actor, dict[str, Any]], tuple[Any, bool]]
Tell = Callable[[Call, Any, dict[str, Any]], None]


def created(fresh: bool) -> int:
    """Return 201 for a first write, 200 for a repeat of the same client_id."""
    return 201 if fresh else 200


def store_once(
    call: Call,
    schema: Schema,
    use_case: UseCase,
    dump: Callable[[Any], dict[str, Any]],
    tell: Tell | None = None,
) -> Result:
    """Load the body, run the use case, dump its row; tell the rooms of a first write only."""
    row, fresh = use_case(call.session, call.who, load(schema, call.body))
    body = dump(row)
    if fresh and tell is not None:
        tell(call, row, body)
    return created(fresh), body
