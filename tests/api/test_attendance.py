"""Day-of changes from the console: attendance, and re-planning the open rounds of a locked plan."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_plans_replan import advance_to_round, by_round, five_rounds, mark_absent
from tests.conftest import auth


@pytest.fixture
def locked(client: Any, make_event: Any) -> dict[str, Any]:
    """Return an event with a computed, locked plan (its cards are printed)."""
    info = make_event(five_rounds())
    headers = auth(info["organiser_token"])
    url = f"/api/v1/events/{info['event_id']}/plan"
    response = client.post(url, json={"seed": 1, "time_limit": 1}, headers=headers)
    assert response.status_code == 201
    info["plan"] = response.json
    assert client.post(url + "/lock", json={"locked": True}, headers=headers).status_code == 200
    return info


def replan(client: Any, info: dict[str, Any]) -> Any:
    return client.post(
        f"/api/v1/events/{info['event_id']}/plan/replan",
        json={"seed": 2, "time_limit": 1},
        headers=auth(info["facilitator_token"]),
    )


def routes(plan: dict[str, Any], after: int) -> dict[int, set[tuple[int, int]]]:
    out: dict[int, set[tuple[int, int]]] = {}
    for row in plan["assignments"]:
        if row["round"] > after:
            out.setdefault(row["participant_id"], set()).add((row["round"], row["station_id"]))
    return out


def test_a_locked_plan_is_replanned_without_moving_anyone_present(
    app: Any, client: Any, locked: dict[str, Any]
) -> None:
    advance_to_round(client, locked, 2)
    absent = [p["id"] for p in locked["participants"][:2]]
    for pid in absent:
        mark_absent(app, pid)
    joined = client.post(
        f"/api/v1/join/{locked['join_code']}", json={"name": "Late Lotte", "consent": True}
    )
    assert joined.status_code == 201
    late = joined.json["participant"]["id"]

    response = replan(client, locked)
    assert response.status_code == 200, response.json
    plan, changes = response.json, response.json["changes"]
    assert changes["locked"] is True and changes["kept_rounds"] == 2
    assert sorted(p["participant_id"] for p in changes["removed"]) == sorted(absent)
    assert changes["moved"] == [] and changes["unplaced"] == []
    assert by_round(plan, range(1, 3)) == by_round(locked["plan"], range(1, 3))
    before, after = routes(locked["plan"], 2), routes(plan, 2)
    for pid, route in before.items():
        if pid not in absent:
            assert after[pid] == route  # the printed card stays right
    assert absent[0] not in after and absent[1] not in after
    assert len(after[late]) == 3  # the newcomer got rounds 3 to 5 (placed when joining)


def test_attendance_list_bulk_absent_and_a_late_arrival(
    client: Any, locked: dict[str, Any]
) -> None:
    url = f"/api/v1/events/{locked['event_id']}/attendance"
    headers = auth(locked["facilitator_token"])
    listed = client.get(url, headers=headers).json
    assert listed["present"] == 12 and listed["locked"] is True
    assert all(p["open_places"] == 5 for p in listed["participants"])
    advance_to_round(client, locked, 2)
    ids = [p["id"] for p in locked["participants"][:3]]
    answer = client.post(url, json={"participant_ids": ids, "present": False}, headers=headers)
    assert answer.status_code == 200, answer.json
    assert sorted(answer.json["changed"]) == sorted(ids) and answer.json["present"] == 9
    gone = {p["id"]: p for p in answer.json["participants"] if p["id"] in ids}
    assert all(not p["present"] and p["open_places"] == 0 for p in gone.values())
    plan = client.get(
        f"/api/v1/events/{locked['event_id']}/plan", headers=auth(locked["organiser_token"])
    ).json
    assert by_round(plan, range(1, 3)) == by_round(locked["plan"], range(1, 3))  # past kept
    others = {k: v for k, v in routes(locked["plan"], 2).items() if k not in ids}
    assert {k: v for k, v in routes(plan, 2).items()} == others  # nobody else moved

    back = client.post(url, json={"participant_ids": ids[:1], "present": True}, headers=headers)
    person = next(p for p in back.json["participants"] if p["id"] == ids[0])
    assert person["present"] and person["late"] and person["open_places"] == 3


@pytest.mark.parametrize(
    "body",
    [{}, {"participant_ids": [], "present": True}, {"participant_ids": ["x"], "present": True},
     {"participant_ids": [999999], "present": False}, {"participant_ids": [1], "present": "x"}],
)  # fmt: skip
def test_attendance_refuses_bad_input(client: Any, locked: dict[str, Any], body: Any) -> None:
    url = f"/api/v1/events/{locked['event_id']}/attendance"
    answer = client.post(url, json=body, headers=auth(locked["facilitator_token"]))
    assert answer.status_code == 400 and answer.json["error"]["fields"]
    assert client.get(url, headers=auth(locked["facilitator_token"])).json["present"] == 12


def test_attendance_is_staff_only(client: Any, locked: dict[str, Any]) -> None:
    url = f"/api/v1/events/{locked['event_id']}/attendance"
    for token in (locked["screen_token"], locked["participants"][0]["token"]):
        assert client.get(url, headers=auth(token)).status_code == 403


def test_an_unlocked_replan_says_who_moved(app: Any, client: Any, make_event: Any) -> None:
    info = make_event(five_rounds())
    headers = auth(info["organiser_token"])
    url = f"/api/v1/events/{info['event_id']}/plan"
    before = client.post(url, json={"seed": 1, "time_limit": 1}, headers=headers).json
    advance_to_round(client, info, 2)
    gone = info["participants"][0]["id"]
    mark_absent(app, gone)
    response = replan(client, info)
    assert response.status_code == 200, response.json
    changes = response.json["changes"]
    assert changes["locked"] is False and changes["kept_rounds"] == 2
    assert [p["participant_id"] for p in changes["removed"]] == [gone]
    old, new = routes(before, 2), routes(response.json, 2)
    moved = {pid for pid in new if old.get(pid) != new[pid]}
    assert {p["participant_id"] for p in changes["moved"]} == moved
    assert all(p["name"].startswith("Person") for p in changes["moved"])
