"""The workshop wall: participants post cards, the facilitator moderates, everyone upvotes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.domain.errors import Conflict, NotFound
from parcours.domain.vocabulary import STAFF
from parcours.services.capture import current_segment, own_keys, writable_event
from parcours.services.common import audit, require_event
from parcours.services.once import create_once
from parcours.storage import WallCard, WallVote

SHOWN = ("approved", "highlighted")
MODERATORS = STAFF  # organiser and facilitator moderate


def post_card(session: Session, actor: Actor, data: dict[str, Any]) -> tuple[WallCard, bool]:
    """Store a participant's card once per client_id; it waits for the facilitator."""
    event = writable_event(session, actor, "participant")
    keys = own_keys(event, actor, data)

    def build() -> WallCard:
        segment = current_segment(session, event)
        return WallCard(
            **keys,
            segment_id=segment.id if segment is not None else None,
            kind=data["kind"],
            text=data["text"],
            status="pending",
        )

    return create_once(session, WallCard, keys, build)


def card_of(session: Session, event_id: int, card_id: int) -> WallCard:
    """Return a card of the event or raise NotFound."""
    card = session.get(WallCard, card_id)
    if card is None or card.event_id != event_id:
        raise NotFound("No such card.")
    return card


def vote(session: Session, actor: Actor, card_id: int) -> tuple[WallCard, bool]:
    """Count a participant's upvote once; return (card, counted now)."""
    event = writable_event(session, actor, "participant")
    card = card_of(session, event.id, card_id)
    if card.status not in SHOWN:
        raise Conflict("Only cards on the wall can be upvoted.")
    voted = session.scalar(
        select(WallVote.id).where(
            WallVote.card_id == card.id, WallVote.participant_id == actor.participant_id
        )
    )
    if voted is not None:
        return card, False
    session.add(WallVote(card_id=card.id, participant_id=actor.participant_id or 0))
    session.execute(update(WallCard).where(WallCard.id == card.id).values(votes=WallCard.votes + 1))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return card_of(session, event.id, card_id), False
    session.refresh(card)
    return card, True


def moderate(session: Session, actor: Actor, event_id: int, card_id: int, status: str) -> WallCard:
    """Approve, hide or highlight a card (facilitator, organiser)."""
    event = require_event(session, actor, event_id, *MODERATORS)
    if event.shredded_at is not None:
        raise Conflict("The personal data of this event has been deleted.")
    card = card_of(session, event.id, card_id)
    if card.status != status:
        audit(session, event.id, actor.label, "wall.moderate", card=card.id, status=status)
        card.status = status
        session.commit()
    return card


def list_cards(session: Session, actor: Actor, event_id: int) -> list[dict[str, Any]]:
    """Return the wall as the actor may see it: staff all cards, others the shown ones."""
    from parcours.schemas.capture import WallCardOut

    event = require_event(session, actor, event_id)
    stmt = select(WallCard).where(WallCard.event_id == event.id)
    if actor.role not in MODERATORS:
        shown = WallCard.status.in_(SHOWN)
        if actor.role == "participant":
            shown = shown | (WallCard.participant_id == actor.participant_id)
        stmt = stmt.where(shown)
    cards = list(session.scalars(stmt.order_by(WallCard.id)))
    mine: set[int] = set()
    if actor.role == "participant" and cards:
        mine = set(
            session.scalars(
                select(WallVote.card_id).where(WallVote.participant_id == actor.participant_id)
            )
        )
    out = []
    for card in cards:
        row = WallCardOut().dump(card)
        row["voted"] = card.id in mine
        if actor.role == "participant":
            row["mine"] = card.participant_id == actor.participant_id
        out.append(row)
    return out
