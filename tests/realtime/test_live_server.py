"""The live clock on a real server process, under eventlet and gevent: fan-out to 200 phones,
roles at connect and for actions, and a SIGKILL mid-round that loses nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.conftest import EXAMPLES, Server
from tests.realtime.clients import LiveClient, close_all, connect_many
from tests.realtime.helpers import assign_on

pytestmark = pytest.mark.server
MODES = ["eventlet", "gevent"]


def crowd_file(tmp: Path, people: int) -> Path:
    """Write the small example with many invented participants."""
    text = (EXAMPLES / "small.toml").read_text(encoding="utf-8").split("[[participants]]")[0]
    for n in range(people):
        text += (
            f'\n[[participants]]\nname = "Testperson {n:03d}"\norganisation = "Beispiel e. V."\n'
        )
    path = tmp / "crowd.toml"
    path.write_text(text, encoding="utf-8")
    return path


def create(server: Server, path: Path) -> dict[str, Any]:
    import json

    done = server.cli("event", "create", str(path), "--json")
    assert done.returncode == 0, done.stderr
    info = dict(json.loads(done.stdout))
    info["route"] = assign_on(server.database_url, info["event_id"])
    return info


def post_clock(server: Server, info: dict[str, Any], token: str, **body: Any) -> Any:
    return requests.post(
        f"{server.url}/api/v1/events/{info['event_id']}/clock",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=20,
    )


@pytest.mark.parametrize("mode", MODES)
def test_next_reaches_200_phones_and_roles_are_enforced(
    server_factory: Any, tmp_path: Path, mode: str
) -> None:
    server = server_factory(mode).start()
    info = create(server, crowd_file(tmp_path, 200))
    phones = connect_many(server.url, [p["token"] for p in info["participants"]])
    facilitator = LiveClient(server.url, info["facilitator_token"]).connect()
    try:
        assert all(c.wait(lambda c: bool(c.states), 30) for c in phones)  # state on connect
        assert (
            post_clock(server, info, info["facilitator_token"], action="start").status_code == 200
        )
        ack = facilitator.clock("next")
        assert ack["status"] == 200 and ack["body"]["round"] == 1
        version = ack["body"]["version"]
        assert all(c.wait_state(lambda s: s["version"] == version, 60) for c in phones)
        got = {c.states[-1]["round"] for c in phones}
        assert got == {1}

        refused = phones[0].clock("next")  # a participant cannot drive the clock
        assert refused["status"] == 403
        http = post_clock(server, info, info["participants"][0]["token"], action="next")
        assert http.status_code == 403 and http.json()["error"]["code"] == "forbidden"
        with pytest.raises(socketio.exceptions.ConnectionError):
            LiveClient(server.url, "not-a-token", reconnect=False).connect()
    finally:
        close_all([*phones, facilitator])


@pytest.mark.xdist_group("faults")  # see tests/realtime/test_soak.py
@pytest.mark.parametrize("mode", MODES)
def test_sigkill_mid_round_keeps_the_clock_and_rearms_auto_advance(
    server_factory: Any, tmp_path: Path, mode: str
) -> None:
    server = server_factory(mode).start()
    info = create(server, EXAMPLES / "small.toml")
    token = info["facilitator_token"]
    post_clock(server, info, token, action="start")
    post_clock(server, info, token, action="next")
    # round 1 of the parcours now ends in about 8 seconds: time enough to restart before it
    state = post_clock(server, info, token, action="extend", seconds=-52).json()
    assert state["round"] == 1 and state["auto_advance"] is True
    clients = connect_many(server.url, [p["token"] for p in info["participants"]])
    try:
        seen = {id(c): len(c.states) for c in clients}

        def resent(c: LiveClient) -> list[dict[str, Any]]:
            return c.states[seen[id(c)] :]

        server.kill()
        server.start()
        url = f"{server.url}/api/v1/events/{info['event_id']}/state"
        after = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
        assert (after["round"], after["phase"]) == (1, "running")
        assert after["ends_at"] == state["ends_at"]  # the very same deadline
        for c in clients:  # every client reconnects by itself and is sent the state again
            assert c.wait(lambda c: c.connects >= 2, 30)
            assert c.wait(lambda c: any(s["ends_at"] == state["ends_at"] for s in resent(c)), 30)
        # the restarted server's ticker moves the parcours on at the stored deadline
        for c in clients:
            assert c.wait_state(lambda s: s["round"] == 2 and s["phase"] == "running", 30)
        final = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
        assert final["round"] == 2
    finally:
        close_all(clients)
