"""API operations: each is one use case, reachable over HTTP and over the socket alike."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema
from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.domain.errors import Forbidden, ParcoursError

Result = tuple[int, Any]


@dataclass
class Call:
    """What a handler gets: the session, the caller, path parameters, body and query."""

    session: Session
    actor: Actor | None
    params: dict[str, Any]
    body: Any
    query: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    """One API operation with what the OpenAPI document says about it."""

    name: str
    method: str
    path: str
    handler: Callable[[Call], Result]
    summary: str
    roles: tuple[str, ...] | None = None
    request: type[Schema] | None = None
    response: type[Schema] | None = None
    query: tuple[str, ...] = ()
    raw: bool = False  # the handler returns a Flask response (files), not JSON
    socket: str | None = None  # the /live event name that runs the same operation
    limited: bool = False  # a write: body-size cap and the per-token rate limit apply

    @property
    def openapi_path(self) -> str:
        """Return the path with {name} placeholders."""
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.path)


OPERATIONS: dict[str, Operation] = {}
API_MODULES = (
    "parcours.api.events",
    "parcours.api.live",
    "parcours.api.capture",
    "parcours.api.plans",
    "parcours.api.after",
    "parcours.api.kiosk",
    "parcours.api.links",
    "parcours.api.attendance",
)


def load_operations() -> dict[str, Operation]:
    """Import every API module that exists, so that its operations register."""
    import importlib

    for name in API_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
    return OPERATIONS


_SOCKET_OPERATIONS: dict[str, Operation] = {}


def socket_operations() -> dict[str, Operation]:
    """Return the operations reachable over the socket, by event name (indexed on first use)."""
    if not _SOCKET_OPERATIONS:  # asked for every socket event: index once, not per event
        _SOCKET_OPERATIONS.update({op.socket: op for op in load_operations().values() if op.socket})
    return _SOCKET_OPERATIONS


def operation(
    name: str, method: str, path: str, *, summary: str, **options: Any
) -> Callable[[Callable[[Call], Result]], Callable[[Call], Result]]:
    """Register a handler as an API operation."""

    def wrap(handler: Callable[[Call], Result]) -> Callable[[Call], Result]:
        OPERATIONS[name] = Operation(name, method, path, handler, summary, **options)
        return handler

    return wrap


def admit(op: Operation, call: Call) -> None:
    """Check the body's size, the caller's role and the write rate; raise what refuses it."""
    if op.limited:
        from parcours.api.limits import check_size

        check_size(call.body)  # HTTP bodies were capped already; socket payloads are here
    if op.roles is not None:
        if call.actor is None:
            from parcours.domain.errors import Unauthorized

            raise Unauthorized("A bearer token is required (Authorization: Bearer <token>).")
        if call.actor.role not in op.roles:
            raise Forbidden(f"The role '{call.actor.role}' may not do this.")
    if op.limited and call.actor is not None:
        from parcours.api.limits import check_rate

        check_rate(f"{call.actor.event_id}:{call.actor.label}")


def run(op: Operation, call: Call) -> Result:
    """Check the caller's role, run the handler, turn expected failures into (status, body)."""
    from parcours.api.errors import from_exception

    try:
        admit(op, call)
        return op.handler(call)
    except ParcoursError as err:
        call.session.rollback()
        return from_exception(err)
