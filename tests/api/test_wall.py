"""The workshop wall over HTTP and the socket: post, moderate, show, upvote once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.test_capture import Sender, count, host, person
from tests.conftest import auth


@pytest.fixture(params=["http", "socket"])
def send(request: Any, app: Any, client: Any) -> Iterator[Sender]:
    """Return a sender for each transport in turn."""
    sender = Sender(app, client, request.param)
    yield sender
    sender.close()


@pytest.fixture
def ev(make_event: Any) -> dict[str, Any]:
    """Return the small example event."""
    return make_event("small")


def wall_of(client: Any, ev: dict[str, Any], token: str) -> dict[int, dict[str, Any]]:
    """Return the wall as a token sees it, by card id."""
    answer = client.get(f"/api/v1/events/{ev['event_id']}/wall", headers=auth(token))
    assert answer.status_code == 200
    return {card["id"]: card for card in answer.get_json()}


def post(send: Sender, ev: dict[str, Any], text: str, who: int = 0) -> dict[str, Any]:
    status, card = send(
        person(ev, who),
        "wall_card",
        {"client_id": str(uuid.uuid4()), "text": text, "kind": "question"},
    )
    assert status == 201, card
    return dict(card)


def moderate(send: Sender, ev: dict[str, Any], card: dict[str, Any], status: str) -> Any:
    params = {"event_id": ev["event_id"], "card_id": card["id"]}
    return send(ev["facilitator_token"], "wall_moderate", {"status": status}, params)


def test_a_card_is_stored_once_and_waits_for_approval(
    send: Sender, app: Any, client: Any, ev: Any
) -> None:
    from parcours.storage import WallCard

    card = post(send, ev, "<img src=x onerror=alert(1)>")
    assert card["status"] == "pending" and card["client_id"] and card["mine"]
    body = {"client_id": card["client_id"], "text": "again", "kind": "question"}
    status, again = send(person(ev), "wall_card", body)
    assert status == 200 and again["id"] == card["id"] and again["text"] == card["text"]
    assert count(app, WallCard) == 1
    assert card["id"] not in wall_of(client, ev, ev["screen_token"])
    assert card["id"] not in wall_of(client, ev, person(ev, 1))
    assert wall_of(client, ev, person(ev, 0))[card["id"]]["mine"] is True
    assert wall_of(client, ev, ev["facilitator_token"])[card["id"]]["status"] == "pending"


def test_the_facilitator_approves_highlights_and_hides(send: Sender, client: Any, ev: Any) -> None:
    card = post(send, ev, "Mentoring")
    status, body = moderate(send, ev, card, "approved")
    assert (status, body["status"]) == (200, "approved")
    assert wall_of(client, ev, ev["screen_token"])[card["id"]]["text"] == "Mentoring"
    assert moderate(send, ev, card, "highlighted")[1]["status"] == "highlighted"
    assert wall_of(client, ev, person(ev, 3))[card["id"]]["status"] == "highlighted"
    assert moderate(send, ev, card, "hidden")[1]["status"] == "hidden"
    assert card["id"] not in wall_of(client, ev, ev["screen_token"])


def test_a_participant_upvotes_a_card_once(send: Sender, client: Any, ev: Any) -> None:
    card = post(send, ev, "Sprachkurse")
    status, error = send(person(ev, 1), "wall_vote", {}, {"card_id": card["id"]})
    assert status == 409, error  # not on the wall yet
    moderate(send, ev, card, "approved")
    status, voted = send(person(ev, 1), "wall_vote", {}, {"card_id": card["id"]})
    assert (status, voted["votes"], voted["voted"]) == (201, 1, True)
    status, again = send(
        person(ev, 1),
        "wall_vote",
        {"client_id": "1f51b0ad-69fa-5cc1-a91a-4ffdabd586af"},
        {"card_id": card["id"]},
    )
    assert (status, again["votes"]) == (200, 1)
    assert send(person(ev, 2), "wall_vote", {}, {"card_id": card["id"]})[1]["votes"] == 2
    seen = wall_of(client, ev, person(ev, 1))[card["id"]]
    assert seen["voted"] is True and seen["votes"] == 2
    assert wall_of(client, ev, person(ev, 4))[card["id"]]["voted"] is False


@pytest.mark.parametrize("who", ["host", "screen_token", "facilitator_token"])
def test_only_participants_post_and_vote(send: Sender, ev: Any, who: str) -> None:
    token = host(ev) if who == "host" else ev[who]
    body = {"client_id": "7de3aa61-c9b1-5fa9-b8ee-1dc525896ecd", "text": "x"}
    assert send(token, "wall_card", body)[0] == 403
    assert send(token, "wall_vote", {}, {"card_id": 1})[0] == 403


@pytest.mark.parametrize("who", ["host", "screen_token", "participant"])
def test_only_staff_moderates(send: Sender, ev: Any, who: str) -> None:
    card = post(send, ev, "Moderation")
    token = {"host": host(ev), "participant": person(ev, 1)}.get(who) or ev[who]
    params = {"event_id": ev["event_id"], "card_id": card["id"]}
    status, error = send(token, "wall_moderate", {"status": "approved"}, params)
    assert status == 403 and error["error"]["code"] == "forbidden"


def test_moderation_input_is_checked(send: Sender, ev: Any, make_event: Any) -> None:
    card = post(send, ev, "Checks")
    status, error = moderate(send, ev, card, "deleted")
    assert status == 400 and "status" in error["error"]["fields"]
    assert moderate(send, ev, {"id": 99999}, "approved")[0] == 404
    other = make_event("small")
    foreign = post(send, other, "Elsewhere")
    assert moderate(send, ev, foreign, "approved")[0] == 404
    assert send(person(ev), "wall_vote", {}, {"card_id": foreign["id"]})[0] == 404


def test_socket_wall_updates_reach_screen_and_facilitator(app: Any, client: Any, ev: Any) -> None:
    sender = Sender(app, client, "socket")
    try:
        screen = sender.socket(ev["screen_token"])
        console = sender.socket(ev["facilitator_token"])
        other = sender.socket(person(ev, 2))
        for sock in (screen, console, other):
            sock.get_received("/live")
        card = post(sender, ev, "<b>Patenschaften</b>")
        assert walls(console) == [card["id"]]
        assert walls(screen) == [] and walls(other) == []
        moderate(sender, ev, card, "approved")
        got = [m for m in screen.get_received("/live") if m["name"] == "wall"]
        assert got[0]["args"][0]["card"]["text"] == "<b>Patenschaften</b>"
        assert walls(other) == [card["id"]]
        moderate(sender, ev, card, "hidden")
        hidden = [m for m in screen.get_received("/live") if m["name"] == "wall"]
        assert hidden[0]["args"][0]["card"] == {"id": card["id"], "status": "hidden"}
    finally:
        sender.close()


def walls(sock: Any) -> list[int]:
    """Return the card ids of the `wall` events a test socket received since last asked."""
    return [m["args"][0]["card"]["id"] for m in sock.get_received("/live") if m["name"] == "wall"]
