"""The live API: state, clock actions by role, announcements, /me, roster and board."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import auth
from tests.realtime.helpers import assign_round_robin


@pytest.fixture
def live(app: Any, make_event: Any) -> dict[str, Any]:
    """Return the small example event with a round-robin plan."""
    info = make_event("small")
    from parcours.extensions import db

    with app.app_context():
        info["route"] = assign_round_robin(db.session(), info["event_id"])
    return info


def clock(client: Any, info: dict[str, Any], action: str, token: str | None = None, **extra: Any):
    return client.post(
        f"/api/v1/events/{info['event_id']}/clock",
        json={"action": action, **extra},
        headers=auth(token or info["facilitator_token"]),
    )


def test_state_before_the_start(client: Any, live: dict[str, Any]) -> None:
    response = client.get(
        f"/api/v1/events/{live['event_id']}/state", headers=auth(live["screen_token"])
    )
    assert response.status_code == 200
    state = response.json
    assert {"server_time", "segment", "round", "rounds", "phase", "ends_at", "remaining_s"} <= set(
        state
    )
    assert state["phase"] == "not_started" and state["ends_at"] is None
    assert state["segment"]["index"] == 0 and state["segment"]["kind"] == "talk"
    assert state["remaining_s"] == 60 and state["total_segments"] == 2
    assert state["server_time"].endswith("Z")


@pytest.mark.parametrize("who", ["organiser", "facilitator", "screen", "host", "participant"])
def test_any_token_of_the_event_reads_the_state(
    client: Any, live: dict[str, Any], who: str
) -> None:
    token = {
        "host": live["stations"][0]["host_token"],
        "participant": live["participants"][0]["token"],
    }.get(who) or live[f"{who}_token"]
    response = client.get(f"/api/v1/events/{live['event_id']}/state", headers=auth(token))
    assert response.status_code == 200


def test_state_of_another_event_or_without_token(client: Any, live: dict[str, Any]) -> None:
    url = f"/api/v1/events/{live['event_id'] + 99}/state"
    assert client.get(url, headers=auth(live["screen_token"])).status_code == 404
    assert client.get(f"/api/v1/events/{live['event_id']}/state").status_code == 401


def test_facilitator_drives_through_the_parcours(client: Any, live: dict[str, Any]) -> None:
    state = clock(client, live, "start").json
    assert state["phase"] == "running" and state["ends_at"].endswith("Z")
    state = clock(client, live, "next").json
    assert (state["segment"]["kind"], state["round"], state["rounds"]) == ("parcours", 1, 2)
    assert state["auto_advance"] is True
    assert state["next"]["round"] == 2
    state = clock(client, live, "pause").json
    assert state["phase"] == "paused" and state["ends_at"] is None and state["remaining_s"] > 0
    state = clock(client, live, "extend", seconds=30).json
    assert state["remaining_s"] > 60
    state = clock(client, live, "resume").json
    assert state["phase"] == "running"
    state = clock(client, live, "next").json
    assert state["round"] == 2 and state["auto_advance"] is False
    state = clock(client, live, "previous").json
    assert state["round"] == 1
    state = clock(client, live, "finish", token=live["organiser_token"]).json
    assert state["phase"] == "finished" and state["next"] is None


def test_participant_screen_and_host_cannot_drive_the_clock(
    client: Any, live: dict[str, Any]
) -> None:
    for token in (
        live["participants"][0]["token"],
        live["screen_token"],
        live["stations"][0]["host_token"],
    ):
        response = clock(client, live, "start", token=token)
        assert response.status_code == 403
        assert response.json["error"]["code"] == "forbidden"
    state = client.get(
        f"/api/v1/events/{live['event_id']}/state", headers=auth(live["screen_token"])
    ).json
    assert state["phase"] == "not_started"


def test_bad_clock_bodies_name_the_field(client: Any, live: dict[str, Any]) -> None:
    response = clock(client, live, "rewind")
    assert response.status_code == 400 and "action" in response.json["error"]["fields"]
    response = clock(client, live, "extend", seconds="soon")
    assert "seconds" in response.json["error"]["fields"]
    response = clock(client, live, "start", color="red")
    assert "color" in response.json["error"]["fields"]


def test_action_that_makes_no_sense_is_a_conflict(client: Any, live: dict[str, Any]) -> None:
    response = clock(client, live, "pause")
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"


def test_clock_actions_are_audited(app: Any, client: Any, live: dict[str, Any]) -> None:
    clock(client, live, "start")
    from sqlalchemy import select

    from parcours.extensions import db
    from parcours.storage import AuditEntry

    with app.app_context():
        actions = db.session().scalars(select(AuditEntry.action)).all()
    assert "clock.start" in actions


def test_announcements(client: Any, live: dict[str, Any]) -> None:
    url = f"/api/v1/events/{live['event_id']}/announcements"
    made = client.post(url, json={"text": "Kaffee ist da"}, headers=auth(live["facilitator_token"]))
    assert made.status_code == 201 and made.json["text"] == "Kaffee ist da" and made.json["at"]
    denied = client.post(url, json={"text": "x"}, headers=auth(live["participants"][0]["token"]))
    assert denied.status_code == 403
    blank = client.post(url, json={"text": "  "}, headers=auth(live["facilitator_token"]))
    assert blank.status_code == 400 and "text" in blank.json["error"]["fields"]
    listed = client.get(url, headers=auth(live["participants"][0]["token"])).json
    assert [a["text"] for a in listed] == ["Kaffee ist da"]


def test_me_gives_the_route_and_now_and_next(client: Any, live: dict[str, Any]) -> None:
    person = live["participants"][0]
    me = client.get("/api/v1/me", headers=auth(person["token"])).json
    assert me["participant"]["id"] == person["id"]
    assert [step["round"] for step in me["route"]] == [1, 2]
    assert [step["station"]["id"] for step in me["route"]] == live["route"][person["id"]]
    assert me["current"] is None and me["next"]["round"] == 1
    assert me["notes"] == [] and me["follow_ups"] == []
    clock(client, live, "start")
    clock(client, live, "next")
    me = client.get("/api/v1/me", headers=auth(person["token"])).json
    assert me["current"]["round"] == 1 and me["next"]["round"] == 2
    assert client.get("/api/v1/me", headers=auth(live["screen_token"])).status_code == 403


def test_roster_for_the_host_and_only_their_station(client: Any, live: dict[str, Any]) -> None:
    station = live["stations"][0]
    url = f"/api/v1/events/{live['event_id']}/stations/{station['id']}/roster"
    roster = client.get(url, headers=auth(station["host_token"])).json
    expected = {pid for pid, route in live["route"].items() if route[0] == station["id"]}
    assert roster["round"] == 1 and roster["upcoming"] is True
    assert {e["participant_id"] for e in roster["expected"]} == expected
    other = live["stations"][1]["host_token"]
    assert client.get(url, headers=auth(other)).status_code == 403


def test_rotation_board(client: Any, live: dict[str, Any]) -> None:
    url = f"/api/v1/events/{live['event_id']}/rotation"
    board = client.get(url, headers=auth(live["screen_token"])).json
    assert board["mode"] == "individual" and len(board["rounds"]) == 2
    placed = sum(len(cell["people"]) for cell in board["rounds"][0]["cells"])
    assert placed == len(live["participants"])
    assert client.get(url, headers=auth(live["participants"][0]["token"])).status_code == 403


def test_openapi_documents_the_live_operations(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "post" in paths["/events/{event_id}/clock"]
    assert "get" in paths["/events/{event_id}/state"]
    assert "get" in paths["/me"]
