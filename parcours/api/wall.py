"""The workshop wall: post, upvote, moderate, read; every change goes out as a `wall` event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise Invalid("card_id: must be a card id", {"card_id": ["must be a positive integer"]})
    return int(value)


@operation(
    "post_wall_card",
    "POST",
    "/wall",
    summary="Post an idea or a question to the workshop wall (shown after approval)",
    roles=("participant",),
    request=WallCardIn,
    response=WallCardOut,
    socket="wall_card",
    limited=True,
)
def post_wall_card(call: Call) -> Result:
    assert call.actor is not None
    card, fresh = wall.post_card(call.session, call.actor, load(WallCardIn(), call.body))
    if fresh:
        publish_card(card)
    return (201 if fresh else 200), {**WallCardOut().dump(card), "mine": True}


@operation(
    "vote_wall_card",
    "POST",
    "/wall/<int:card_id>/vote",
    summary="Upvote a card on the wall (once per participant)",
    roles=("participant",),
    request=WallVoteIn,
    response=WallCardOut,
    socket="wall_vote",
    limited=True,
)
def vote_wall_card(call: Call) -> Result:
    assert call.actor is not None
    data = load(WallVoteIn(), call.body if call.body is not None else {})
    card, counted = wall.vote(call.session, call.actor, card_id_of(call))
    if counted:
        publish_card(card)
    body = {**WallCardOut().dump(card), "voted": True}
    if data.get("client_id"):
        body["vote_client_id"] = data["client_id"]
    return (201 if counted else 200), body


@operation(
    "moderate_wall_card",
    "POST",
    "/events/<int:event_id>/wall/<int:card_id>",
    summary="Approve, hide or highlight a wall card",
    roles=wall.MODERATORS,
    request=WallModerateIn,
    response=WallCardOut,
    socket="wall_moderate",
    limited=True,
)
def moderate_wall_card(call: Call) -> Result:
    assert call.actor is not None
    data = load(WallModerateIn(), call.body)
    card = wall.moderate(
        call.session, call.actor, call.params["event_id"], card_id_of(call), data["status"]
    )
    publish_card(card)
    return 200, WallCardOut().dump(card)


@operation(
    "get_wall",
    "GET",
    "/events/<int:event_id>/wall",
    summary="The wall: moderators see every card, screen and phones the approved ones",
    roles=("organiser", "facilitator", "screen", "participant", "host"),
    response=WallCardOut,
)
def get_wall(call: Call) -> Result:
    assert call.actor is not None
    return 200, wall.list_cards(call.session, call.actor, call.params["event_id"])
