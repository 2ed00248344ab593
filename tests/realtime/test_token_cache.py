"""The socket's token cache (parcours.realtime.token_cache): a token found valid spares the next
writes their query, and the moment this process hears of an ended token it asks again."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.test_kiosk import live_socket
from tests.realtime.test_revocation import revoke_in_db


@pytest.fixture
def ev(make_event: Any) -> dict[str, Any]:
    return make_event("small")


def note() -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), "text": "Gespräch"}


def test_a_revocation_heard_by_this_process_ends_the_cached_token_at_once(
    app: Any, client: Any, ev: Any
) -> None:
    from parcours.realtime import revoke, token_cache

    jana, deniz = ev["participants"][0], ev["participants"][1]
    mine, other = live_socket(app, client, jana["token"]), live_socket(app, client, deniz["token"])
    for sock in (mine, other):  # valid: now in the cache
        assert sock.emit("note", note(), namespace="/live", callback=True)["status"] == 201
    assert jana["token"] in token_cache._valid
    revoke_in_db(app, jana["token"])  # ended in another process; its message arrives:
    with app.app_context():
        revoke.disconnect_local(["no-socket-of-this-process-is-in-this-room"])
    assert token_cache._valid == {}
    ack = mine.emit("note", note(), namespace="/live", callback=True)
    assert ack["status"] == 401 and ack["body"]["error"]["code"] == "unauthorized"
    assert other.emit("note", note(), namespace="/live", callback=True)["status"] == 201
