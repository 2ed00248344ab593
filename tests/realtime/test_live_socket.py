"""The /live namespace through Flask-SocketIO's test client: state on connect, clock acks,
roles, rosters, announcements and presence."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.realtime.helpers import assign_round_robin


@pytest.fixture
def live(app: Any, make_event: Any) -> dict[str, Any]:
    """Return the small example event with a round-robin plan."""
    info = make_event("small")
    from parcours.extensions import db

    with app.app_context():
        info["route"] = assign_round_robin(db.session(), info["event_id"])
    app.config["PRESENCE_DEBOUNCE_S"] = 0.05
    return info


@pytest.fixture
def connect(app: Any) -> Callable[[str], Any]:
    """Return a factory of connected test clients of /live."""
    from parcours.extensions import socketio

    made: list[Any] = []

    def factory(token: str) -> Any:
        sock = socketio.test_client(app, namespace="/live", auth={"token": token})
        made.append(sock)
        return sock

    yield factory
    for sock in made:
        if sock.is_connected("/live"):
            sock.disconnect("/live")


def events(sock: Any, name: str) -> list[Any]:
    return [m["args"][0] for m in sock.get_received("/live") if m["name"] == name]


def wait_for(sock: Any, name: str, check: Callable[[Any], bool], timeout: float = 5) -> Any:
    """Return the first received `name` payload that passes check (polling the test client)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for data in events(sock, name):
            if check(data):
                return data
        time.sleep(0.02)
    raise AssertionError(f"no {name} event passed the check")


def test_state_on_connect(connect: Any, live: dict[str, Any]) -> None:
    sock = connect(live["participants"][0]["token"])
    assert sock.is_connected("/live")
    (state,) = events(sock, "state")
    assert state["phase"] == "not_started" and state["event_id"] == live["event_id"]


def test_bad_token_is_refused(connect: Any, live: dict[str, Any]) -> None:
    assert not connect("not-a-token").is_connected("/live")


def test_clock_over_the_socket_is_acked_and_broadcast(connect: Any, live: dict[str, Any]) -> None:
    facilitator = connect(live["facilitator_token"])
    phones = [connect(p["token"]) for p in live["participants"][:3]]
    for sock in phones:
        sock.get_received("/live")
    ack = facilitator.emit("clock", {"action": "start"}, namespace="/live", callback=True)
    assert ack["status"] == 200 and ack["body"]["phase"] == "running"
    for sock in phones:
        (state,) = events(sock, "state")
        assert state == ack["body"]


def test_participant_cannot_drive_the_clock_over_the_socket(
    connect: Any, live: dict[str, Any]
) -> None:
    phone = connect(live["participants"][0]["token"])
    ack = phone.emit("clock", {"action": "start"}, namespace="/live", callback=True)
    assert ack["status"] == 403 and ack["body"]["error"]["code"] == "forbidden"
    bad = connect(live["facilitator_token"]).emit(
        "clock", {"action": "jump"}, namespace="/live", callback=True
    )
    assert bad["status"] == 400 and "action" in bad["body"]["error"]["fields"]


def test_host_gets_the_roster_on_connect_and_a_round_change_is_one_broadcast(
    app: Any, connect: Any, live: dict[str, Any]
) -> None:
    station = live["stations"][0]
    host = connect(station["host_token"])
    (roster,) = events(host, "roster")
    first = {pid for pid, route in live["route"].items() if route[0] == station["id"]}
    assert roster["round"] == 1 and {e["participant_id"] for e in roster["expected"]} == first
    facilitator = connect(live["facilitator_token"])
    for action in ("start", "next", "next"):
        facilitator.emit("clock", {"action": action}, namespace="/live", callback=True)
    received = host.get_received("/live")
    assert [m["name"] for m in received if m["name"] != "presence"] == ["state"] * 3
    from tests.conftest import auth

    url = f"/api/v1/events/{live['event_id']}/stations/{station['id']}/roster"
    latest = app.test_client().get(url, headers=auth(station["host_token"])).json
    second = {pid for pid, route in live["route"].items() if route[1] == station["id"]}
    assert latest["round"] == 2 and latest["upcoming"] is False
    assert {e["participant_id"] for e in latest["expected"]} == second


def test_announcement_reaches_phones_and_late_comers(connect: Any, live: dict[str, Any]) -> None:
    phone = connect(live["participants"][0]["token"])
    facilitator = connect(live["facilitator_token"])
    ack = facilitator.emit(
        "announce", {"text": "Raum 2 ist offen"}, namespace="/live", callback=True
    )
    assert ack["status"] == 201
    (item,) = events(phone, "announcement")
    assert item["text"] == "Raum 2 ist offen" and item["at"].endswith("Z")
    late = connect(live["participants"][1]["token"])
    assert [a["text"] for a in events(late, "announcement")] == ["Raum 2 ist offen"]


def test_presence_counts_connections_by_role(connect: Any, live: dict[str, Any]) -> None:
    facilitator = connect(live["facilitator_token"])
    phones = [connect(p["token"]) for p in live["participants"][:2]]
    connect(live["stations"][0]["host_token"])
    wanted = {"participants": 2, "hosts": 1, "screens": 0, "facilitators": 1}
    assert wait_for(facilitator, "presence", lambda d: {k: d[k] for k in wanted} == wanted)
    phones[0].disconnect("/live")
    assert wait_for(facilitator, "presence", lambda d: d["participants"] == 1)


def test_presence_names_its_process_and_repeats(
    app: Any, connect: Any, live: dict[str, Any]
) -> None:
    app.extensions.pop("parcours_presence", None)
    app.config.update(PRESENCE_DEBOUNCE_S=0.05, PRESENCE_HEARTBEAT_S=0.2)
    facilitator = connect(live["facilitator_token"])
    connect(live["participants"][0]["token"])
    assert wait_for(facilitator, "presence", lambda d: d["participants"] == 1)
    facilitator.get_received("/live")
    # nothing changes, yet the same process repeats its counts (a heartbeat for the console)
    again = wait_for(facilitator, "presence", lambda d: d["participants"] == 1)
    assert again["process"] and again["every_s"] == 0.2
