"""Bearer tokens: resolve the caller to an Actor."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.domain.errors import Unauthorized
from parcours.storage import AccessToken


def actor_for_token(session: Session, token: str | None) -> Actor:
    """Return the Actor a token stands for, or raise Unauthorized."""
    return token_actor(session, token)[0]


def token_actor(session: Session, token: str | None) -> tuple[Actor, int]:
    """Return the Actor a token stands for and the token's row id, or raise Unauthorized."""
    if not token or not isinstance(token, str):
        raise Unauthorized("A bearer token is required (Authorization: Bearer <token>).")
    row = session.scalar(
        select(AccessToken).where(AccessToken.token == token, AccessToken.revoked_at.is_(None))
    )
    if row is None:
        raise Unauthorized("The token is unknown or was revoked.")
    actor = Actor(
        role=row.role,
        event_id=row.event_id,
        station_id=row.station_id,
        participant_id=row.participant_id,
    )
    return actor, row.id


def token_actors(session: Session, tokens: set[str]) -> dict[str, tuple[Actor, int]]:
    """Return {token: (Actor, row id)} for those of tokens that are valid, in one query."""
    if not tokens:
        return {}
    t = AccessToken.__table__.c  # columns only: no ORM objects for a batch of notes
    rows = session.execute(
        select(t.id, t.token, t.role, t.event_id, t.station_id, t.participant_id).where(
            t.token.in_(tokens), t.revoked_at.is_(None)
        )
    )
    return {
        row.token: (
            Actor(
                role=row.role,
                event_id=row.event_id,
                station_id=row.station_id,
                participant_id=row.participant_id,
            ),
            row.id,
        )
        for row in rows
    }
