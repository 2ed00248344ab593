"""The workshop wall: post, upvote, moderate, read; every change goes out as a `wall` event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parcours.api.once import store_once
from parcours.domain import rooms
from parcours.domain.errors import Invalid
from parcours.operations import Call, Result, operation
from parcours.schemas.capture import WallCardIn, WallCardOut, WallModerateIn, WallVoteIn
from parcours.schemas.common import load
from parcours.services.broadcasts import Broadcast, publish
from parcours.services.capture import wall

if TYPE_CHECKING:
    from parcours.storage import WallCard

PUBLIC_ROLES = ("screen", "participant")


def publish_card(card: WallCard) -> None:
    """Send a card's change: all of it to moderators, only shown cards to screen and phones."""
    full = WallCardOut().dump(card)
    for role in wall.MODERATORS:
        publish(Broadcast(rooms.role_room(card.event_id, role), "wall", {"card": full}))
    if card.status in wall.SHOWN:
        public = {"card": full}
    elif card.status == "hidden":
        public = {"card": {"id": card.id, "status": "hidden"}}  # remove it, without its text
    else:
        return
    for role in PUBLIC_ROLES:
        publish(Broadcast(rooms.role_room(card.event_id, role), "wall", public))


def card_id_of(call: Call) -> int:
    """Return the card id from the path (HTTP) or from _params (socket)."""
    value: Any = call.params.get("card_id")
    if (
        isinstance(value, bool)
        or not isinstance(value, int | str)
        or not (str(value).isascii() and str(value).isdigit())
    ):
        raise Invalid("card_id: must be a card id", {"card_id": ["must be a positive integer"]})
    return int(value)


@operation(
    "POST /wall",
    roles=("participant",),
    request=WallCardIn,
    response=WallCardOut,
    socket="wall_card",
    limited=True,
)
def post_wall_card(call: Call) -> Result:
    """Post an idea or a question to the workshop wall (shown after approval)"""
    return store_once(
        call, WallCardIn(), wall.post_card, mine, lambda _c, card, _b: publish_card(card)
    )


def mine(card: WallCard) -> dict[str, Any]:
    """Return a card as its author sees it."""
    return {**WallCardOut().dump(card), "mine": True}


@operation(
    "POST /wall/<int:card_id>/vote",
    roles=("participant",),
    request=WallVoteIn,
    response=WallCardOut,
    socket="wall_vote",
    limited=True,
)
def vote_wall_card(call: Call) -> Result:
    """Upvote a card on the wall (once per participant)"""
    data = load(WallVoteIn(), call.body if call.body is not None else {})
    card, counted = wall.vote(call.session, call.who, card_id_of(call))
    if counted:
        publish_card(card)
    body = {**WallCardOut().dump(card), "voted": True}
    if data.get("client_id"):
        body["vote_client_id"] = data["client_id"]
    return (201 if counted else 200), body


@operation(
    "POST /events/<int:event_id>/wall/<int:card_id>",
    roles=wall.MODERATORS,
    request=WallModerateIn,
    response=WallCardOut,
    socket="wall_moderate",
    limited=True,
)
def moderate_wall_card(call: Call) -> Result:
    """Approve, hide or highlight a wall card"""
    data = load(WallModerateIn(), call.body)
    card = wall.moderate(*call.in_event, card_id_of(call), data["status"])
    publish_card(card)
    return 200, WallCardOut().dump(card)


@operation(
    "GET /events/<int:event_id>/wall",
    roles=("organiser", "facilitator", "screen", "participant", "host"),
    response=WallCardOut,
)
def get_wall(call: Call) -> Result:
    """The wall: moderators see every card, screen and phones the approved ones"""
    return 200, wall.list_cards(*call.in_event)
