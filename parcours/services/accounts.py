"""Organiser accounts: create and check passwords (hashed with scrypt)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from parcours.domain.errors import Conflict, Invalid
from parcours.services.common import audit
from parcours.storage import Organiser


def create_organiser(session: Session, email: str, password: str, name: str = "") -> Organiser:
    """Create an organiser account; the e-mail address must be new."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise Invalid("email: must be an e-mail address", {"email": ["must be an e-mail address"]})
    if len(password) < 8:
        raise Invalid("password: at least 8 characters", {"password": ["at least 8 characters"]})
    if find_organiser(session, email) is not None:
        raise Conflict(f"An organiser with the address {email} exists already.")
    organiser = Organiser(email=email, name=name, password_hash=generate_password_hash(password))
    session.add(organiser)
    session.flush()
    audit(session, None, f"organiser:{organiser.id}", "organiser.create")
    session.commit()
    return organiser


def find_organiser(session: Session, email: str) -> Organiser | None:
    """Return the organiser with this e-mail address (case-insensitive)."""
    return session.scalar(select(Organiser).where(func.lower(Organiser.email) == email.lower()))


def authenticate(session: Session, email: str, password: str) -> Organiser | None:
    """Return the organiser if the password matches."""
    organiser = find_organiser(session, email.strip())
    if organiser is None or not check_password_hash(organiser.password_hash, password):
        return None
    return organiser
