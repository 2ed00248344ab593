"""The plan API: who may plan, validation, infeasible instances, the stored JSON, moves, lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import ROOT, auth, example


def plan_url(info: dict[str, Any], tail: str = "") -> str:
    return f"/api/v1/events/{info['event_id']}/plan{tail}"


def compute(client: Any, info: dict[str, Any], **body: Any) -> Any:
    body.setdefault("time_limit", 1)
    return client.post(plan_url(info), json=body, headers=auth(info["organiser_token"]))


@pytest.fixture
def small(make_event: Any) -> dict[str, Any]:
    return make_event("small")


def test_only_the_organiser_plans_and_reads(client: Any, small: dict[str, Any]) -> None:
    others = {
        "facilitator": small["facilitator_token"],
        "screen": small["screen_token"],
        "host": small["stations"][0]["host_token"],
        "participant": small["participants"][0]["token"],
    }
    for role, token in others.items():
        assert client.post(plan_url(small), json={}, headers=auth(token)).status_code == 403, role
        assert client.get(plan_url(small), headers=auth(token)).status_code == 403, role
    assert client.post(plan_url(small), json={}).status_code == 401
    response = client.get(plan_url(small), headers=auth(small["organiser_token"]))
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert compute(client, small).status_code == 201


def test_the_plan_keeps_the_rules_and_reads_back_the_same(
    client: Any, small: dict[str, Any]
) -> None:
    response = compute(client, small, seed=3)
    assert response.status_code == 201
    plan = response.json
    assert set(plan) == {"metrics", "assignments"}
    metrics = plan["metrics"]
    assert metrics["hard_ok"] and metrics["revisits"] == 0 and metrics["capacity_overruns"] == 0
    assert metrics["seed"] == 3 and metrics["mode"] == "individual"
    people = {p["id"] for p in small["participants"]}
    stations = {s["id"] for s in small["stations"]}
    rows = plan["assignments"]
    assert {(r["participant_id"], r["round"]) for r in rows} == {
        (p, r) for p in people for r in (1, 2)
    }
    assert {r["station_id"] for r in rows} <= stations
    assert min(r["round"] for r in rows) == 1
    stored = client.get(plan_url(small), headers=auth(small["organiser_token"]))
    assert stored.status_code == 200 and stored.json == plan


def test_groups_mode_stores_groups(client: Any, small: dict[str, Any]) -> None:
    plan = compute(client, small, mode="groups").json
    assert plan["metrics"]["mode"] == "groups"
    assert {g["participant_id"] for g in plan["groups"]} == {p["id"] for p in small["participants"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mode": "pairs"}, "mode"),
        ({"seed": -1}, "seed"),
        ({"time_limit": 0}, "time_limit"),
        ({"time_limit": 10_000}, "time_limit"),
        ({"rounds": 3}, "rounds"),
    ],
)
def test_bad_requests_name_the_field(
    client: Any, small: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    response = client.post(plan_url(small), json=body, headers=auth(small["organiser_token"]))
    assert response.status_code == 400
    assert field in response.json["error"]["fields"]


def test_infeasible_is_422_with_the_problems_and_stores_nothing(
    client: Any, make_event: Any
) -> None:
    data = example("small")
    for station, capacity in zip(data["stations"], (4, 1, 1), strict=True):
        station["capacity"] = capacity  # 6 places, but station 1 cannot take 8 distinct visits
    info = make_event(data)
    response = compute(client, info)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "unprocessable"
    assert any("revisits" in line for line in error["fields"]["plan"])
    assert client.get(plan_url(info), headers=auth(info["organiser_token"])).status_code == 404


def test_more_people_than_places_plans_those_who_fit_and_reports_the_rest(
    client: Any, make_event: Any
) -> None:
    data = example("small")
    info = make_event(data)  # 6 people, 3 stations of 2: full
    late = []
    for i in range(4):
        joined = client.post(
            f"/api/v1/join/{info['join_code']}",
            json={"name": f"Spät {i}", "consent": True},
        )
        assert joined.status_code == 201, joined.json  # small.toml caps at 40
        late.append(joined.json["participant"]["id"])
    response = compute(client, info)
    assert response.status_code == 201, response.json  # was 422 "capacity 6 < 10"
    metrics = response.json["metrics"]
    assert metrics["not_placed"] == 4
    assert metrics["not_placed_ids"] == late  # the latest registrations wait
    placed = {row["participant_id"] for row in response.json["assignments"]}
    assert placed == {p["id"] for p in info["participants"]}
    assert metrics["revisits"] == 0 and metrics["capacity_overruns"] == 0
    stored = client.get(plan_url(info), headers=auth(info["organiser_token"])).json
    assert stored["metrics"]["not_placed_ids"] == late


def test_lock_refuses_changes_with_409(client: Any, small: dict[str, Any]) -> None:
    token = auth(small["organiser_token"])
    before = compute(client, small).json
    response = client.post(plan_url(small, "/lock"), json={"locked": True}, headers=token)
    assert response.status_code == 200 and response.json["locked"] is True
    assert compute(client, small, seed=5).status_code == 409
    move = {"participant_id": small["participants"][0]["id"], "round": 1,
            "station_id": small["stations"][0]["id"]}  # fmt: skip
    response = client.post(plan_url(small, "/moves"), json=move, headers=token)
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"
    assert client.get(plan_url(small), headers=token).json == before
    response = client.post(plan_url(small, "/lock"), json={"locked": False}, headers=token)
    assert response.json["locked"] is False
    assert compute(client, small, seed=5).status_code == 201


def test_a_move_changes_one_place_and_the_metrics(client: Any, small: dict[str, Any]) -> None:
    token = auth(small["organiser_token"])
    plan = compute(client, small).json
    first = plan["assignments"][0]
    full = next(
        s["id"]
        for s in small["stations"]
        if s["id"] != first["station_id"]
        and sum(1 for r in plan["assignments"] if r["round"] == 1 and r["station_id"] == s["id"])
        == 2
    )
    move = {"participant_id": first["participant_id"], "round": 1, "station_id": full}
    response = client.post(plan_url(small, "/moves"), json=move, headers=token)
    assert response.status_code == 200
    moved = response.json
    assert moved["metrics"]["capacity_overruns"] == 1 and moved["metrics"]["hard_ok"] is False
    assert moved["metrics"]["manual_moves"] == 1
    assert move | {} in moved["assignments"]
    changed = [r for r in moved["assignments"] if r not in plan["assignments"]]
    assert changed == [move]
    assert client.get(plan_url(small), headers=token).json == moved


def test_a_move_checks_its_ids(client: Any, small: dict[str, Any], make_event: Any) -> None:
    token = auth(small["organiser_token"])
    compute(client, small)
    other = make_event("small")
    base = {"participant_id": small["participants"][0]["id"], "round": 1,
            "station_id": small["stations"][0]["id"]}  # fmt: skip
    for change, field in (
        ({"participant_id": other["participants"][0]["id"]}, "participant_id"),
        ({"station_id": other["stations"][0]["id"]}, "station_id"),
        ({"round": 3}, "round"),
        ({"round": "1"}, "round"),
    ):
        response = client.post(plan_url(small, "/moves"), json=base | change, headers=token)
        assert response.status_code == 400, change
        assert field in response.json["error"]["fields"]


def test_the_api_returns_what_the_command_printed(
    client: Any, small: dict[str, Any], database_url: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "parcours", "plan", str(small["event_id"]), "--json",
         "--seed", "2", "--time-limit", "1"],
        env={**os.environ, "PARCOURS_DATABASE_URL": database_url},
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    stored = client.get(plan_url(small), headers=auth(small["organiser_token"]))
    assert stored.json == printed
    fresh = compute(client, small, seed=2).json
    assert set(fresh) == set(printed) and set(fresh["metrics"]) == set(printed["metrics"])
    assert set(fresh["assignments"][0]) == {"participant_id", "round", "station_id"}
