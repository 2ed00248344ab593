"""Organiser accounts: passwords (hashed with scrypt) and the server side of each login."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from parcours.domain.errors import Conflict, Invalid, NotFound
from parcours.services.common import audit
from parcours.services.unit import unit_of_work
from parcours.storage import Organiser, OrganiserSession, utcnow

SESSION_DAYS = 31


def create_organiser(
    session: Session, email: str, password: str, name: str = "", admin: bool = False
) -> Organiser:
    """Create an organiser account; the e-mail address must be new."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise Invalid("email: must be an e-mail address", {"email": ["must be an e-mail address"]})
    _check_password(password)
    if find_organiser(session, email) is not None:
        raise Conflict(f"An organiser with the address {email} exists already.")
    organiser = Organiser(
        email=email, name=name, password_hash=generate_password_hash(password), is_admin=admin
    )
    session.add(organiser)
    session.flush()
    audit(session, None, f"organiser:{organiser.id}", "organiser.create", admin=admin)
    session.commit()
    return organiser


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise Invalid("password: at least 8 characters", {"password": ["at least 8 characters"]})
    if len(password) > 200:
        raise Invalid("password: at most 200 characters", {"password": ["at most 200 characters"]})


def find_organiser(session: Session, email: str) -> Organiser | None:
    """Return the organiser with this e-mail address (case-insensitive)."""
    return session.scalar(select(Organiser).where(func.lower(Organiser.email) == email.lower()))


def require_organiser(session: Session, email: str) -> Organiser:
    """Return the organiser with this e-mail address, or say that there is none."""
    organiser = find_organiser(session, email.strip())
    if organiser is None:
        raise NotFound(
            f"No organiser has the address {email.strip()}; create one with "
            "`parcours organiser create EMAIL`.",
            {"owner": [f"no organiser has the address {email.strip()}"]},
        )
    return organiser


@cache
def _stand_in_hash() -> str:
    """Return a hash to check against when no account matches (same work as a real one)."""
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(session: Session, email: str, password: str) -> Organiser | None:
    """Return the organiser if the password matches; unknown addresses take the same time."""
    organiser = find_organiser(session, email.strip())
    stored = organiser.password_hash if organiser is not None else _stand_in_hash()
    matches = check_password_hash(stored, password)  # always run: no timing hint of accounts
    return organiser if organiser is not None and matches else None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def open_session(session: Session, organiser: Organiser) -> str:
    """Record a login on the server; return the key the browser's cookie carries."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(
        delete(OrganiserSession).where(
            OrganiserSession.organiser_id == organiser.id, OrganiserSession.expires_at < now
        )
    )
    session.add(
        OrganiserSession(
            organiser_id=organiser.id,
            key_hash=_digest(key),
            expires_at=now + timedelta(days=SESSION_DAYS),
        )
    )
    audit(session, None, f"organiser:{organiser.id}", "organiser.login")
    session.commit()
    return key


def session_organiser(session: Session, organiser_id: int, key: str) -> Organiser | None:
    """Return the organiser of a login that is still open on the server, else None."""
    row = session.scalar(
        select(OrganiserSession).where(
            OrganiserSession.key_hash == _digest(key),
            OrganiserSession.organiser_id == organiser_id,
        )
    )
    if row is None or row.expires_at <= utcnow():
        return None
    return session.get(Organiser, organiser_id)


def close_session(session: Session, key: str) -> None:
    """End one login on the server: its cookie opens nothing any more."""
    row = session.scalar(select(OrganiserSession).where(OrganiserSession.key_hash == _digest(key)))
    if row is not None:
        audit(session, None, f"organiser:{row.organiser_id}", "organiser.logout")
        session.delete(row)
    session.commit()


def set_password(
    session: Session, organiser: Organiser, password: str, keep_key: str | None = None
) -> int:
    """Set a new password and end every other login of the organiser; return how many ended."""
    _check_password(password)
    organiser.password_hash = generate_password_hash(password)
    stmt = delete(OrganiserSession).where(OrganiserSession.organiser_id == organiser.id)
    if keep_key is not None:
        stmt = stmt.where(OrganiserSession.key_hash != _digest(keep_key))
    ended = int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]
    audit(session, None, f"organiser:{organiser.id}", "organiser.password", ended_sessions=ended)
    session.commit()
    return ended


@unit_of_work
def change_password(
    session: Session, organiser: Organiser, current: str, new: str, keep_key: str | None
) -> int:
    """Check the current password, then set the new one (other logins end)."""
    if not check_password_hash(organiser.password_hash, current):
        raise Invalid("current_password: wrong password", {"current_password": ["wrong password"]})
    return set_password(session, organiser, new, keep_key)
