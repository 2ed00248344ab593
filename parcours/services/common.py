"""Small pieces every use case needs: codes, tokens, audit entries, event lookup."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.domain.errors import Conflict, Forbidden, NotFound, ParcoursError
from parcours.storage import AccessToken, AuditEntry, Event

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code(length: int) -> str:
    """Return a short code without look-alike characters (no 0/O, 1/I)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_token() -> str:
    """Return a fresh bearer token."""
    return secrets.token_urlsafe(24)


def issue_token(session: Session, event_id: int, role: str, **ids: int | None) -> AccessToken:
    """Create and add an access token for one role of an event."""
    token = AccessToken(token=new_token(), event_id=event_id, role=role, **ids)
    session.add(token)
    return token


def audit(session: Session, event_id: int | None, actor: str, action: str, **detail: Any) -> None:
    """Record what was done and by whom."""
    session.add(AuditEntry(event_id=event_id, actor=actor, action=action, detail=detail))


def get_event(session: Session, event_id: int) -> Event:
    """Return the event or raise NotFound."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound("No such event.")
    return event


def require_event(session: Session, actor: Actor, event_id: int, *roles: str) -> Event:
    """Return the event if the actor belongs to it and has one of the roles."""
    if actor.event_id != event_id:
        raise NotFound("No such event.")
    if roles and actor.role not in roles:
        raise Forbidden(f"The role '{actor.role}' may not do this.")
    return get_event(session, event_id)


def require_live(event: Event) -> None:
    """Refuse writes to an event whose personal data was deleted."""
    if event.shredded_at is not None:
        raise Conflict("The personal data of this event has been deleted; nothing can be added.")


def role_token(session: Session, event_id: int, role: str) -> str | None:
    """Return the (first) token of a staff role of the event."""
    return session.scalar(
        select(AccessToken.token)
        .where(AccessToken.event_id == event_id, AccessToken.role == role)
        .where(AccessToken.revoked_at.is_(None))
        .order_by(AccessToken.id)
        .limit(1)
    )


P = ParamSpec("P")
R = TypeVar("R")


def unit_of_work(
    use_case: Callable[Concatenate[Session, P], R],
) -> Callable[Concatenate[Session, P], R]:
    """Run a use case as one unit of work: it commits what it did; if it refuses, nothing stays.

    The one place where a refused use case is rolled back, so pages and operations never roll
    back themselves (parcours.operations.run also rolls back whatever a handler refused).
    """

    @functools.wraps(use_case)
    def run(session: Session, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return use_case(session, *args, **kwargs)
        except ParcoursError:
            session.rollback()
            raise

    return run
