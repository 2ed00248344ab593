"""Operations: each is one use case, reachable over HTTP (parcours.api) and the socket
(parcours.realtime) alike. This package knows neither: an adapter builds a `Call`, `run` checks
the caller's role and limits, runs the handler as one unit of work (parcours.operations.unit:
commit, then the broadcasts it told go to the publisher) and turns expected failures into
(status, body).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema
from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.domain.errors import Forbidden, ParcoursError, Unauthorized
from parcours.operations.errors import from_exception
from parcours.operations.limits import check_rate, check_size
from parcours.operations.unit import unit_of_work

Result = tuple[int, Any]


@dataclass
class Call:
    """What a handler gets: the session, the caller, path parameters, body and query.

    `token` is the bearer token the caller used and `client` their network address (rate
    limits per address): an operation reads them here, never from the request.
    """

    session: Session
    actor: Actor | None
    params: dict[str, Any]
    body: Any
    query: dict[str, str] = field(default_factory=dict)
    token: str | None = None
    client: str | None = None

    @property
    def who(self) -> Actor:
        """The caller, for operations that name their roles (`admit` refused a call without)."""
        if self.actor is None:
            raise Unauthorized("A bearer token is required (Authorization: Bearer <token>).")
        return self.actor

    @property
    def in_event(self) -> tuple[Session, Actor, int]:
        """The session, the caller and the event of the path: what most use cases take first."""
        return self.session, self.who, self.params["event_id"]


@dataclass(frozen=True)
class Operation:
    """One operation with what the OpenAPI document says about it."""

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


Handler = Callable[[Call], Result]


def operation(
    route: str, *, name: str | None = None, **options: Any
) -> Callable[[Handler], Handler]:
    """Register a handler as an operation: route is "METHOD /path", the OpenAPI summary is the
    handler's docstring and the operation's name the handler's (unless `name` says another)."""
    method, path = route.split(" ", 1)

    def wrap(handler: Handler) -> Handler:
        summary = " ".join((handler.__doc__ or "").split())
        key = name or handler.__name__
        OPERATIONS[key] = Operation(key, method, path, handler, summary, **options)
        return handler

    return wrap


def admit(op: Operation, call: Call) -> None:
    """Check the body's size, the caller's role and the write rate; raise what refuses it."""
    if op.limited:
        check_size(call.body)  # HTTP bodies were capped already; socket payloads are here
    if op.roles is not None and call.who.role not in op.roles:
        raise Forbidden(f"The role '{call.who.role}' may not do this.")
    if op.limited and call.actor is not None:
        check_rate(f"{call.actor.event_id}:{call.actor.label}")


def run(op: Operation, call: Call) -> Result:
    """Check the caller's role and run the handler as one unit of work (commit, then publish
    what it told; roll back on error); turn expected failures into (status, body)."""
    try:
        with unit_of_work(call.session):
            admit(op, call)
            return op.handler(call)
    except ParcoursError as err:
        return from_exception(err)
