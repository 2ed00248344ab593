"""Revocation across processes (issue 10, items 2 and 3): two real servers share one database
and one Redis. A kiosk left on server A, a host link replaced on A and a participant removed on
A disconnect the sockets those tokens hold on server B at once; a write over such a socket is
refused either way."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import EXAMPLES, Server, auth, missing
from tests.realtime.clients import LiveClient
from tests.realtime.test_live_server import create

REDIS_URL = os.environ.get("PARCOURS_TEST_REDIS_URL", "")
pytestmark = [pytest.mark.server]


class WatchedClient(LiveClient):
    """A /live client that notes when the server disconnected it."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(url, token, reconnect=False)
        self.gone = threading.Event()
        self.sio.on("disconnect", self._on_disconnect, namespace="/live")

    def _on_disconnect(self, *_args: Any) -> None:
        self.gone.set()


@pytest.fixture(scope="module")
def pair(tmp_path_factory: Any) -> Iterator[tuple[Server, Server]]:
    """Start servers A and B (eventlet) on one SQLite file and one Redis channel of their own."""
    if not REDIS_URL:
        missing("PARCOURS_TEST_REDIS_URL is not set (no Redis)")
    tmp: Path = tmp_path_factory.mktemp("revoke-queue")
    env = {
        "PARCOURS_MESSAGE_QUEUE": REDIS_URL,
        "PARCOURS_MESSAGE_QUEUE_CHANNEL": f"parcours-test-{uuid.uuid4().hex}",
    }
    a, b = Server(tmp, "eventlet", env), Server(tmp, "eventlet", env)
    done = a.cli("db", "upgrade")
    assert done.returncode == 0, done.stderr
    try:
        yield a.start(), b.start()
    finally:
        a.stop()
        b.stop()


def post(server: Server, path: str, token: str, body: Any) -> requests.Response:
    return requests.post(f"{server.url}/api/v1{path}", json=body, headers=auth(token), timeout=20)


def test_tokens_ended_on_a_disconnect_their_sockets_on_b(pair: tuple[Server, Server]) -> None:
    a, b = pair
    info = create(a, EXAMPLES / "small.toml")
    station = info["stations"][0]
    started = post(a, "/kiosk", station["host_token"], {"pin": "2468"})
    assert started.status_code == 201, started.text
    kiosk = started.json()["token"]
    deniz = info["participants"][1]
    clients = {
        "kiosk": WatchedClient(b.url, kiosk),
        "host2": WatchedClient(b.url, info["stations"][1]["host_token"]),
        "deniz": WatchedClient(b.url, deniz["token"]),
        "screen": WatchedClient(b.url, info["screen_token"]),
    }
    try:
        for client in clients.values():
            client.connect()
        assert all(c.wait(lambda c: bool(c.states), 30) for c in clients.values())
        # the kiosk leaves on A: its socket on B ends
        assert post(a, "/kiosk/exit", kiosk, {"pin": "2468"}).status_code == 200
        assert clients["kiosk"].gone.wait(20)
        # a replaced host link and a replaced participant link, on A: their sockets on B end
        rotate = f"/events/{info['event_id']}/links/rotate"
        body = {"role": "host", "station_id": info["stations"][1]["id"]}
        assert post(a, rotate, info["organiser_token"], body).status_code == 200
        assert clients["host2"].gone.wait(20)
        body = {"role": "participant", "participant_id": deniz["id"]}
        assert post(a, rotate, info["organiser_token"], body).status_code == 200
        assert clients["deniz"].gone.wait(20)
        assert clients["screen"].sio.connected and not clients["screen"].gone.is_set()
    finally:
        for client in clients.values():
            client.close()


def test_a_socket_on_b_cannot_write_once_its_token_ended_on_a(
    pair: tuple[Server, Server],
) -> None:
    """Issue 10's reproduction: a kiosk socket opened before the exit wrote with 201."""
    a, b = pair
    info = create(a, EXAMPLES / "small.toml")
    station = info["stations"][0]
    kiosk = post(a, "/kiosk", station["host_token"], {"pin": "2468"}).json()["token"]
    client = WatchedClient(b.url, kiosk)
    try:
        client.connect()
        assert client.wait(lambda c: bool(c.states), 30)
        assert post(a, "/kiosk/exit", kiosk, {"pin": "2468"}).status_code == 200
        jana = info["participants"][0]
        body = {
            "client_id": str(uuid.uuid4()),
            "participant_token": jana["token"],
            "topic": "Ausbildung",
            "share_contact": True,
        }
        try:
            ack = client.sio.call("kiosk_follow_up", body, namespace="/live", timeout=5)
        except Exception:  # disconnected already: nothing can be written
            ack = None
        assert ack is None or ack["status"] == 401, ack
        listed = requests.get(
            f"{a.url}/api/v1/events/{info['event_id']}/stations/{station['id']}/follow-ups",
            headers=auth(station["host_token"]),
            timeout=20,
        )
        assert listed.status_code == 200 and listed.json() == []
    finally:
        client.close()
