"""Changes during the event: re-plan the open rounds, keep the past, tell the phones."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest

from tests.conftest import auth

KINDS = ("company", "authority", "chamber", "organisation", "other")


def five_rounds() -> dict[str, Any]:
    """Return an event file: 5 stations of 3 places, 12 people, a parcours of 5 rounds."""
    return {
        "event": {"title": "Replan-Test", "language": "de"},
        "agenda": [
            {"title": "Begrüßung", "minutes": 5},
            {
                "title": "Parcours",
                "kind": "parcours",
                "rounds": 5,
                "round_minutes": 10,
                "transition_minutes": 0,
            },
        ],  # fmt: skip
        "stations": [
            {"name": f"Station {i + 1}", "kind": KINDS[i], "capacity": 3, "code": f"ST{i + 1}"}
            for i in range(5)
        ],
        "participants": [{"name": f"Person {i + 1:02d}", "kind": KINDS[i % 5]} for i in range(12)],
    }


@pytest.fixture
def event(app: Any, client: Any, make_event: Any) -> dict[str, Any]:
    """Return the event with a plan computed before the start."""
    info = make_event(five_rounds())
    response = client.post(
        f"/api/v1/events/{info['event_id']}/plan",
        json={"seed": 1, "time_limit": 1},
        headers=auth(info["organiser_token"]),
    )
    assert response.status_code == 201
    info["plan"] = response.json
    return info


def advance_to_round(client: Any, info: dict[str, Any], rnd: int) -> None:
    """Start the clock and press next until the parcours is in round rnd."""
    url = f"/api/v1/events/{info['event_id']}/clock"
    headers = auth(info["facilitator_token"])
    state = client.post(url, json={"action": "start"}, headers=headers).json
    while state["round"] != rnd:
        state = client.post(url, json={"action": "next"}, headers=headers).json
    assert state["phase"] == "running" and state["segment"]["kind"] == "parcours"


def mark_absent(app: Any, participant_id: int) -> None:
    from parcours.extensions import db
    from parcours.storage import Participant

    with app.app_context():
        session = db.session()
        person = session.get(Participant, participant_id)
        assert person is not None
        person.present = False
        session.commit()


def wait_for_plan(sock: Any, timeout: float = 5) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in sock.get_received("/live"):
            if message["name"] == "plan":
                return dict(message["args"][0])
        time.sleep(0.02)
    raise AssertionError("no plan event")


def by_round(plan: dict[str, Any], rounds: range) -> set[tuple[int, int, int]]:
    return {
        (r["participant_id"], r["round"], r["station_id"])
        for r in plan["assignments"]
        if r["round"] in rounds
    }


def test_replan_keeps_rounds_1_to_3_and_routes_the_rest(
    app: Any, client: Any, event: dict[str, Any]
) -> None:
    from parcours.extensions import socketio

    advance_to_round(client, event, 3)
    absent = event["participants"][0]["id"]
    mark_absent(app, absent)
    joined = client.post(
        f"/api/v1/join/{event['join_code']}", json={"name": "Late Lotte", "consent": True}
    )
    assert joined.status_code == 201
    late, late_token = joined.json["participant"]["id"], joined.json["token"]
    phone = socketio.test_client(app, namespace="/live", auth={"token": late_token})
    assert phone.is_connected("/live")
    phone.get_received("/live")

    response = client.post(
        f"/api/v1/events/{event['event_id']}/plan/replan",
        json={"seed": 2, "time_limit": 1},
        headers=auth(event["facilitator_token"]),
    )
    assert response.status_code == 200, response.json
    plan = response.json
    signal = wait_for_plan(phone)
    phone.disconnect("/live")
    assert signal["event_id"] == event["event_id"] and signal["kept_rounds"] == 3

    assert by_round(plan, range(1, 4)) == by_round(event["plan"], range(1, 4))
    later = [r for r in plan["assignments"] if r["round"] > 3]
    present = {p["id"] for p in event["participants"]} - {absent} | {late}
    for rnd in (4, 5):
        rows = [r for r in later if r["round"] == rnd]
        assert sorted(r["participant_id"] for r in rows) == sorted(present)
        assert max(Counter(r["station_id"] for r in rows).values()) <= 3
    visits = Counter((r["participant_id"], r["station_id"]) for r in plan["assignments"])
    assert max(visits.values()) == 1
    assert plan["metrics"]["hard_ok"] and plan["metrics"]["kept_rounds"] == 3

    me = client.get("/api/v1/me", headers=auth(late_token)).json
    assert [step["round"] for step in me["route"]] == [4, 5]


def test_replan_refuses_when_every_round_has_started(client: Any, event: dict[str, Any]) -> None:
    advance_to_round(client, event, 5)
    response = client.post(
        f"/api/v1/events/{event['event_id']}/plan/replan",
        json={},
        headers=auth(event["organiser_token"]),
    )
    assert response.status_code == 409


def test_a_plan_made_after_the_start_covers_the_rounds_left(client: Any, make_event: Any) -> None:
    info = make_event(five_rounds())
    advance_to_round(client, info, 2)
    response = client.post(
        f"/api/v1/events/{info['event_id']}/plan",
        json={"time_limit": 1},
        headers=auth(info["organiser_token"]),
    )
    assert response.status_code == 201
    plan = response.json
    assert {r["round"] for r in plan["assignments"]} == {3, 4, 5}
    assert plan["metrics"]["hard_ok"] and plan["metrics"]["revisits"] == 0
