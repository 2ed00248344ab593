"""Replace a leaked link: a new token for a role of the event; the old one ends at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from parcours.domain import rooms
from parcours.domain.actors import Actor
from parcours.domain.errors import Invalid
from parcours.services.broadcasts import EndSockets, publish
from parcours.services.capture import participant_of, station_of
from parcours.services.common import audit, issue_token, require_event, require_live
from parcours.services.unit import unit_of_work
from parcours.storage import AccessToken, Event, Participant, new_personal_code, utcnow
from parcours.storage.queries import host_tokens, role_token

ROTATABLE = ("facilitator", "screen", "host", "participant")
STAFF_LINKS = ("facilitator", "screen", "organiser")


def link_tokens(session: Session, event_id: int) -> dict[str, Any]:
    """Return the tokens behind the event's links: each staff role's and each station's host's."""
    tokens: dict[str, Any] = {role: role_token(session, event_id, role) for role in STAFF_LINKS}
    tokens["hosts"] = host_tokens(session, event_id)
    return tokens


@dataclass
class Rotated:
    """A replaced link: the new token and the row ids of the tokens that ended."""

    role: str
    token: str
    station_id: int | None = None
    participant_id: int | None = None
    personal_code: str | None = None
    ended: list[int] = field(default_factory=list)


@unit_of_work
def rotate_link(
    session: Session,
    actor: Actor,
    event_id: int,
    role: str,
    station_id: int | None = None,
    participant_id: int | None = None,
) -> Rotated:
    """Give a role (one station's host, one participant) a new link and end the old ones.

    A host's new link also ends the kiosk tokens started from the old one. A participant's new
    link comes with a new personal code, which also ends their printed badge code: route card
    and badge must be printed again. The sockets of the ended tokens are disconnected, here and
    in every other server process.
    """
    event = require_event(session, actor, event_id, "organiser")
    ids, person = _holder(session, event, role, station_id, participant_id)
    ended_roles = [role, "kiosk"] if role == "host" else [role]
    old = _open_tokens(session, event.id, ended_roles, ids)
    now = utcnow()
    for row in old:
        row.revoked_at = now
    new = issue_token(session, event.id, role, **ids)
    if person is not None:
        person.personal_code = new_personal_code()
    audit(
        session,
        event.id,
        actor.label,
        "link.rotate",
        role=role,
        ended=[row.id for row in old],
        **{k: v for k, v in ids.items() if v is not None},
    )
    # told before the commit: once it succeeds this is delivered even if a later step fails
    publish(EndSockets(tuple(rooms.token_room(row.id) for row in old)))
    session.commit()
    return Rotated(
        role,
        new.token,
        ids.get("station_id"),
        ids.get("participant_id"),
        person.printed_code if person is not None else None,
        [row.id for row in old],
    )


def _holder(
    session: Session,
    event: Event,
    role: str,
    station_id: int | None,
    participant_id: int | None,
) -> tuple[dict[str, int | None], Participant | None]:
    """Check who gets the new link; return its token's ids and the participant, if one."""
    if role not in ROTATABLE:
        raise Invalid(
            "role: must be one of " + ", ".join(ROTATABLE),
            {"role": ["must be one of " + ", ".join(ROTATABLE)]},
        )
    if role == "host":
        if station_id is None:
            raise Invalid("station_id: required for a host link", {"station_id": ["required"]})
        return {"station_id": station_of(session, event.id, station_id, "station_id").id}, None
    if role == "participant":
        require_live(event)
        if participant_id is None:
            raise Invalid(
                "participant_id: required for a participant link", {"participant_id": ["required"]}
            )
        person = participant_of(session, event, participant_id, "participant_id")
        return {"participant_id": person.id}, person
    return {}, None


def _open_tokens(
    session: Session, event_id: int, roles: list[str], ids: dict[str, int | None]
) -> list[AccessToken]:
    """Return the unrevoked tokens of these roles (of one station or participant, if named)."""
    stmt = select(AccessToken).where(
        AccessToken.event_id == event_id,
        AccessToken.role.in_(roles),
        AccessToken.revoked_at.is_(None),
    )
    if "station_id" in ids:
        stmt = stmt.where(AccessToken.station_id == ids["station_id"])
    if "participant_id" in ids:
        stmt = stmt.where(AccessToken.participant_id == ids["participant_id"])
    return list(session.scalars(stmt))
