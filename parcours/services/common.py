"""Small pieces every use case needs: codes, tokens, audit entries, event lookup."""

from __future__ import annotations

import secrets
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.domain.errors import Conflict, Forbidden, NotFound
from parcours.storage import AccessToken, AuditEntry, Base, Event, queries

M = TypeVar("M", bound=Base)
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


def commit_audited(
    session: Session, actor: Actor, event_id: int | None, action: str, **detail: Any
) -> None:
    """Record what the actor did in the audit log and commit it together with the change."""
    audit(session, event_id, actor.label, action, **detail)
    session.commit()


def row_of_event(session: Session, model: type[M], event: Event, row_id: int, missing: str) -> M:
    """Return the model's row with this id if it belongs to the event, else raise NotFound."""
    row = session.get(model, row_id)
    if row is None or row.event_id != event.id:
        raise NotFound(missing)
    return row


def assign(row: Any, values: dict[str, Any]) -> None:
    """Set each of the values on the row."""
    for key, value in values.items():
        setattr(row, key, value)


def get_event(session: Session, event_id: int) -> Event:
    """Return the event or raise NotFound."""
    event = queries.event(session, event_id)
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
