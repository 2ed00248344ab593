"""Two real server processes serve one event through Redis: what one process does (the
facilitator's `next`, an announcement, the clock's own advance) reaches the sockets of the
other, writes on one are read on the other, and two tickers advance a deadline once."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from tests.conftest import EXAMPLES, Server, auth, missing
from tests.realtime.clients import LiveClient, close_all, connect_many
from tests.realtime.test_live_server import create, post_clock

REDIS_URL = os.environ.get("PARCOURS_TEST_REDIS_URL", "")
pytestmark = [pytest.mark.server]
MODES = ["eventlet", "gevent"]
Pair = tuple[Server, Server]


class QueueClient(LiveClient):
    """A /live client that also keeps the announcements it received."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(url, token)
        self.announcements: list[dict[str, Any]] = []
        self.sio.on("announcement", self._on_announcement, namespace="/live")

    def _on_announcement(self, data: dict[str, Any]) -> None:
        with self.changed:
            self.announcements.append(data)
            self.changed.notify_all()


@pytest.fixture(scope="module", params=MODES)
def pair(request: Any, tmp_path_factory: Any) -> Iterator[Pair]:
    """Start servers A and B on one SQLite file (WAL) and one Redis channel of their own."""
    if not REDIS_URL:
        missing("PARCOURS_TEST_REDIS_URL is not set (no Redis)")
    tmp: Path = tmp_path_factory.mktemp(f"queue-{request.param}")
    env = {
        "PARCOURS_MESSAGE_QUEUE": REDIS_URL,
        "PARCOURS_MESSAGE_QUEUE_CHANNEL": f"parcours-test-{uuid.uuid4().hex}",
    }
    a, b = Server(tmp, request.param, env), Server(tmp, request.param, env)
    assert a.database_url == b.database_url  # same tmp folder: the very same database file
    done = a.cli("db", "upgrade")
    assert done.returncode == 0, done.stderr
    try:
        yield a.start(), b.start()
    finally:
        a.stop()
        b.stop()


def get(server: Server, path: str, token: str) -> Any:
    response = requests.get(f"{server.url}/api/v1{path}", headers=auth(token), timeout=20)
    assert response.status_code == 200, response.text
    return response.json()


def count_rows(server: Server, event_id: int, action: str) -> int:
    """Count the event's audit entries of one action, straight from the shared database."""
    from parcours.storage import AuditEntry

    engine = create_engine(server.database_url)
    try:
        with Session(engine) as session:
            query = select(func.count()).where(
                AuditEntry.event_id == event_id, AuditEntry.action == action
            )
            return int(session.scalar(query) or 0)
    finally:
        engine.dispose()


def connect_b(b: Server, info: dict[str, Any]) -> tuple[list[QueueClient], list[QueueClient]]:
    """Connect every phone, the first station's host and the screen to B."""
    phones = [QueueClient(b.url, p["token"]) for p in info["participants"]]
    staff = [
        QueueClient(b.url, info["stations"][0]["host_token"]),
        QueueClient(b.url, info["screen_token"]),
    ]
    for client in [*phones, *staff]:
        client.connect()
    assert all(c.wait(lambda c: bool(c.states), 30) for c in [*phones, *staff])
    return phones, staff


def test_what_happens_on_a_reaches_sockets_on_b(pair: Pair) -> None:
    a, b = pair
    info = create(a, EXAMPLES / "small.toml")
    token = info["facilitator_token"]
    phones, staff = connect_b(b, info)
    facilitator = LiveClient(a.url, token).connect()  # A's own sockets hear it too
    everyone = [*phones, *staff, facilitator]
    try:
        assert post_clock(a, info, token, action="start").status_code == 200
        state = post_clock(a, info, token, action="next").json()
        assert state["round"] == 1
        assert all(c.wait_state(lambda s: s["version"] == state["version"], 30) for c in everyone)
        assert {c.states[-1]["round"] for c in everyone} == {1}

        text = "Kaffee und Kuchen im Foyer"
        response = requests.post(
            f"{a.url}/api/v1/events/{info['event_id']}/announcements",
            json={"text": text},
            headers=auth(token),
            timeout=20,
        )
        assert response.status_code == 201, response.text
        assert all(
            c.wait(lambda c: any(x["text"] == text for x in c.announcements), 30)
            for c in [*phones, *staff]
        )
    finally:
        close_all(everyone)


def test_a_note_written_on_b_is_read_on_a(pair: Pair) -> None:
    a, b = pair
    info = create(a, EXAMPLES / "small.toml")
    person = info["participants"][0]
    phone = QueueClient(b.url, person["token"]).connect()
    try:
        body = {"client_id": str(uuid.uuid4()), "text": "Ausbildung ab März?"}
        ack = phone.sio.call("note", body, namespace="/live", timeout=20)
        assert ack["status"] == 201, ack
        me = get(a, "/me", person["token"])
        assert [(n["client_id"], n["text"]) for n in me["notes"]] == [
            (body["client_id"], body["text"])
        ]
    finally:
        phone.close()


def settle(servers: Pair, wait_s: float) -> None:
    """Let both tickers run a few more passes (each sleeps at most ~1 s between passes)."""
    time.sleep(wait_s)
    for server in servers:
        assert server.proc is not None and server.proc.poll() is None


def test_two_tickers_advance_a_deadline_exactly_once(pair: Pair) -> None:
    a, b = pair
    info = create(a, EXAMPLES / "small.toml")
    token = info["facilitator_token"]
    post_clock(a, info, token, action="start")
    post_clock(a, info, token, action="next")
    # round 1 of the parcours now ends in about 4 s: both tickers sleep towards that deadline
    state = post_clock(a, info, token, action="extend", seconds=-56).json()
    assert state["round"] == 1 and state["auto_advance"] is True
    tokens = [p["token"] for p in info["participants"]]
    clients = [
        *connect_many(a.url, [info["screen_token"], *tokens[:3]]),
        *connect_many(b.url, [info["screen_token"], *tokens[3:]]),
    ]
    try:
        assert all(c.wait_state(lambda s: s["round"] == 2, 30) for c in clients)
        settle(pair, 2.5)  # a second advance, if any, would happen and be broadcast by now

        def advances(c: LiveClient) -> list[int]:
            return [s["version"] for s in c.states if s["version"] > state["version"]]

        got = [advances(c) for c in clients]  # one broadcast per deadline, not one per ticker
        assert got == [[state["version"] + 1]] * len(clients)
        final = get(b, f"/events/{info['event_id']}/state", token)
        assert (final["round"], final["version"]) == (2, state["version"] + 1)
        assert count_rows(a, info["event_id"], "clock.auto") == 1
        for server in pair:
            assert "clock ticker pass failed" not in server.log.read_text()
    finally:
        close_all(clients)
