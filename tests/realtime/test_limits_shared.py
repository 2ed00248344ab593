"""Limits hold across processes: two real servers share one Redis (PARCOURS_MESSAGE_QUEUE), and
the per-token write limit (HTTP and socket), the kiosk's wrong codes, failed organiser logins
and joins per address count together, as if there were one server."""

from __future__ import annotations

import os
import re
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
PER_MINUTE = 6
Pair = tuple[Server, Server]


@pytest.fixture(scope="module")
def pair(tmp_path_factory: Any) -> Iterator[Pair]:
    """Start servers A and B on one database and one Redis channel of their own."""
    if not REDIS_URL:
        missing("PARCOURS_TEST_REDIS_URL is not set (no Redis)")
    tmp: Path = tmp_path_factory.mktemp("limits")
    env = {
        "PARCOURS_MESSAGE_QUEUE": REDIS_URL,
        "PARCOURS_MESSAGE_QUEUE_CHANNEL": f"parcours-test-{uuid.uuid4().hex}",
        "PARCOURS_RATE_LIMIT": str(PER_MINUTE),
    }
    a, b = Server(tmp, "eventlet", env), Server(tmp, "eventlet", env)
    done = a.cli("db", "upgrade")
    assert done.returncode == 0, done.stderr
    try:
        yield a.start(), b.start()
    finally:
        a.stop()
        b.stop()


def post(server: Server, path: str, body: Any, token: str = "") -> requests.Response:
    headers = auth(token) if token else {}
    return requests.post(f"{server.url}/api/v1{path}", json=body, headers=headers, timeout=20)


def note(n: int) -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), "text": f"Notiz {n}"}


def test_the_write_limit_of_a_token_counts_on_both_servers(pair: Pair) -> None:
    a, b = pair
    info = create(a, EXAMPLES / "small.toml")
    token = info["participants"][0]["token"]
    phone = LiveClient(b.url, token).connect()
    try:
        over_http = [post(a, "/notes", note(i), token).status_code for i in range(3)]
        over_socket = [
            phone.sio.call("note", note(i), namespace="/live", timeout=20)["status"]
            for i in range(3, 6)
        ]
        assert over_http + over_socket == [201] * PER_MINUTE
        ack = phone.sio.call("note", note(7), namespace="/live", timeout=20)
        assert ack["status"] == 429 and ack["body"]["error"]["code"] == "rate_limited"
        refused = post(a, "/notes", note(8), token)
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        other = info["participants"][1]["token"]
        assert post(b, "/notes", note(9), other).status_code == 201  # per token
    finally:
        phone.close()


def test_wrong_kiosk_codes_count_on_both_servers(pair: Pair) -> None:
    a, b = pair
    info = create(a, EXAMPLES / "small.toml")
    started = post(a, "/kiosk", {"pin": "2468"}, info["stations"][0]["host_token"])
    assert started.status_code == 201, started.text
    kiosk = started.json()["token"]
    wrong = [post(s, "/kiosk/exit", {"pin": "1111"}, kiosk).status_code for s in (a, b) * 2]
    wrong.append(post(a, "/kiosk/exit", {"pin": "1111"}, kiosk).status_code)
    assert wrong == [403] * 5
    blocked = post(b, "/kiosk/exit", {"pin": "2468"}, kiosk)  # even the right code waits
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0


def login(server: Server, email: str, password: str) -> requests.Response:
    session = requests.Session()
    page = session.get(f"{server.url}/organiser/login", timeout=20).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    form = {"csrf_token": found.group(1), "email": email, "password": password}
    return session.post(
        f"{server.url}/organiser/login", data=form, allow_redirects=False, timeout=20
    )


def test_failed_logins_count_on_both_servers(pair: Pair) -> None:
    a, b = pair
    email, password = "orga@example.org", "richtig-geheim"
    done = a.cli("organiser", "create", email, "--password", password)
    assert done.returncode == 0, done.stderr
    answers = [login(s, email, "falsch-falsch").status_code for s in (a, b, a, b, a)]
    assert answers == [401] * 5
    locked = login(b, email, password)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0


def test_joins_per_address_count_on_both_servers(pair: Pair, tmp_path: Path) -> None:
    import json

    a, b = pair
    text = (EXAMPLES / "small.toml").read_text(encoding="utf-8")
    path = tmp_path / "big.toml"
    path.write_text(text.replace("max_participants = 40", "max_participants = 1000"), "utf-8")
    done = a.cli("event", "create", str(path), "--json")
    assert done.returncode == 0, done.stderr
    code = json.loads(done.stdout)["join_code"]
    body = {"name": "Gast", "consent": True}
    answers = [post(s, f"/join/{code}", body).status_code for s in (a, b) * 75]
    assert answers == [201] * 150  # one address (a venue NAT), both servers
    blocked = post(b, f"/join/{code}", body)
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
