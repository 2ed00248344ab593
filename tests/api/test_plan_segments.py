"""Several parcours segments through the API: read, plan, move and lock each one on its own."""

from __future__ import annotations

from typing import Any

from tests.api.test_plan_rules import plan_of, rules_event
from tests.conftest import auth


def _segments(app: Any, event_id: int) -> list[int]:
    from parcours.extensions import db
    from parcours.services.plans.data import all_parcours
    from parcours.storage import Event

    with app.app_context():
        event = db.session().get(Event, event_id)
        assert event is not None
        return [s.id for s in all_parcours(event)]


def _url(info: dict[str, Any], tail: str = "") -> str:
    return f"/api/v1/events/{info['event_id']}/plan{tail}"


def test_each_parcours_is_read_moved_and_locked_on_its_own(
    app: Any, client: Any, make_event: Any
) -> None:
    info = make_event(rules_event(parcours=2))
    first, second = _segments(app, info["event_id"])
    headers = auth(info["organiser_token"])
    plan = plan_of(client, info, seed=3)
    assert plan["segments"][0]["segment_id"] == second
    read = client.get(_url(info) + f"?segment_id={second}", headers=headers)
    assert read.status_code == 200
    assert read.json["assignments"] == plan["segments"][0]["assignments"]
    assert max(r["round"] for r in read.json["assignments"]) == 2
    default = client.get(_url(info), headers=headers).json
    assert default["assignments"] == plan["assignments"]

    # a move in the second parcours changes it and leaves the first alone
    row = next(r for r in read.json["assignments"] if r["round"] == 2)
    other = next(s["id"] for s in info["stations"] if s["id"] != row["station_id"])
    body = {
        "participant_id": row["participant_id"],
        "round": 2,
        "station_id": other,
        "segment_id": second,
    }
    moved = client.post(_url(info, "/moves"), json=body, headers=headers)
    assert moved.status_code == 200, moved.json
    mine = [r for r in moved.json["assignments"] if r["participant_id"] == row["participant_id"]]
    assert {"participant_id": row["participant_id"], "round": 2, "station_id": other} in mine
    assert moved.json["metrics"]["manual_moves"] == 1
    assert client.get(_url(info), headers=headers).json["assignments"] == plan["assignments"]
    # round 3 exists only in the first parcours
    body.update(round=3)
    too_far = client.post(_url(info, "/moves"), json=body, headers=headers)
    assert too_far.status_code == 400 and "round" in too_far.json["error"]["fields"]

    # lock the second: it refuses moves and its own compute; the first stays open
    locked = client.post(_url(info, "/lock"), json={"segment_id": second}, headers=headers)
    assert locked.status_code == 200
    assert locked.json == {"event_id": info["event_id"], "locked": True, "segment_id": second}
    agenda = client.get(f"/api/v1/events/{info['event_id']}", headers=headers).json["agenda"]
    assert {s["id"]: s["plan_locked"] for s in agenda if s["kind"] == "parcours"} == {
        first: False,
        second: True,
    }
    body.update(round=1)
    assert client.post(_url(info, "/moves"), json=body, headers=headers).status_code == 409
    again = client.post(_url(info), json={"segment_id": second, "time_limit": 1}, headers=headers)
    assert again.status_code == 409
    # computing "every parcours" plans the first only, and keeps the locked second as it was
    before = client.get(_url(info) + f"?segment_id={second}", headers=headers).json
    everything = plan_of(client, info, seed=4)
    assert everything["segments"] == []
    after = client.get(_url(info) + f"?segment_id={second}", headers=headers).json
    assert after["assignments"] == before["assignments"]
    first_move = {**body, "segment_id": first}
    assert client.post(_url(info, "/moves"), json=first_move, headers=headers).status_code == 200

    # unlocking the whole plan unlocks the second too
    body_unlock = {"locked": False}
    assert (
        client.post(_url(info, "/lock"), json=body_unlock, headers=headers).json["locked"] is False
    )
    assert client.post(_url(info, "/moves"), json=body, headers=headers).status_code == 200


def test_a_single_parcours_can_be_planned_alone(app: Any, client: Any, make_event: Any) -> None:
    info = make_event(rules_event(parcours=2))
    _first, second = _segments(app, info["event_id"])
    headers = auth(info["organiser_token"])
    only = plan_of(client, info, seed=2, segment_id=second)
    assert "segments" not in only
    assert only["segment_id"] == second and only["title"] == "Parcours 2"
    assert {r["round"] for r in only["assignments"]} == {1, 2}
    nothing = client.get(_url(info), headers=headers)  # the first was not planned
    assert nothing.status_code == 404


def test_a_segment_that_is_not_a_parcours_of_the_event_is_refused(
    app: Any, client: Any, make_event: Any
) -> None:
    info = make_event(rules_event(parcours=2))
    other = make_event(rules_event(parcours=1))
    foreign = _segments(app, other["event_id"])[0]
    headers = auth(info["organiser_token"])
    plan_of(client, info, seed=1)
    for asked in (foreign, 10**9):
        read = client.get(_url(info) + f"?segment_id={asked}", headers=headers)
        assert read.status_code == 400 and "segment_id" in read.json["error"]["fields"]
    bad = client.get(_url(info) + "?segment_id=abc", headers=headers)
    assert bad.status_code == 400 and "segment_id" in bad.json["error"]["fields"]
    for tail, body in (
        ("", {"segment_id": foreign, "time_limit": 1}),
        ("/lock", {"segment_id": foreign}),
        ("/moves", {"participant_id": 1, "round": 1, "station_id": 1, "segment_id": 0}),
        ("/lock", {"segment_id": "2"}),
    ):
        response = client.post(_url(info, tail), json=body, headers=headers)
        assert response.status_code == 400, (tail, response.json)
        assert "segment_id" in response.json["error"]["fields"]


def test_live_views_follow_the_parcours_the_clock_is_in(
    app: Any, client: Any, make_event: Any
) -> None:
    info = make_event(rules_event(parcours=2))
    first, second = _segments(app, info["event_id"])
    plan = plan_of(client, info, seed=5)
    later = plan["segments"][0]["assignments"]
    base = f"/api/v1/events/{info['event_id']}"
    clock = f"{base}/clock"
    state = client.post(clock, json={"action": "start"}, headers=auth(info["facilitator_token"]))
    while state.json["segment"]["title"] != "Parcours 1":
        state = client.post(clock, json={"action": "next"}, headers=auth(info["facilitator_token"]))
    person = info["participants"][7]
    me = client.get("/api/v1/me", headers=auth(person["token"])).json
    assert me["segment_id"] == first and len(me["route"]) == 3
    while state.json["segment"]["title"] != "Parcours 2":
        state = client.post(clock, json={"action": "next"}, headers=auth(info["facilitator_token"]))
    me = client.get("/api/v1/me", headers=auth(person["token"])).json
    mine = {r["round"]: r["station_id"] for r in later if r["participant_id"] == person["id"]}
    assert me["segment_id"] == second
    assert [step["station"]["id"] for step in me["route"]] == [mine[1], mine[2]]
    assert me["current"]["station"]["id"] == mine[1]
    station = info["stations"][1]
    roster = client.get(
        f"{base}/stations/{station['id']}/roster", headers=auth(station["host_token"])
    ).json
    expected = {
        r["participant_id"] for r in later if r["round"] == 1 and r["station_id"] == station["id"]
    }
    assert roster["segment_id"] == second and roster["round"] == 1
    assert {e["participant_id"] for e in roster["expected"]} == expected
    board = client.get(f"{base}/rotation", headers=auth(info["screen_token"])).json
    assert board["segment_id"] == second and len(board["rounds"]) == 2


def test_with_the_first_parcours_locked_every_parcours_means_the_others(
    app: Any, client: Any, make_event: Any
) -> None:
    info = make_event(rules_event(parcours=2))
    first, second = _segments(app, info["event_id"])
    headers = auth(info["organiser_token"])
    before = plan_of(client, info, seed=1)
    assert client.post(_url(info, "/lock"), json={"segment_id": first}, headers=headers).json[
        "locked"
    ]
    again = plan_of(client, info, seed=2)
    assert again["segment_id"] == second and again["segments"] == []
    assert client.get(_url(info), headers=headers).json["assignments"] == before["assignments"]
    assert client.post(_url(info, "/lock"), json={"segment_id": second}, headers=headers).json[
        "locked"
    ]
    response = client.post(_url(info), json={"time_limit": 1}, headers=headers)
    assert response.status_code == 409  # every parcours is locked


def test_a_segment_id_beyond_the_database_range_is_refused_not_a_crash(
    client: Any, make_event: Any
) -> None:
    info = make_event(rules_event(parcours=1))
    headers = auth(info["organiser_token"])
    huge = "99999999999999999999"  # beyond BIGINT: SQLite would raise OverflowError
    read = client.get(_url(info) + f"?segment_id={huge}", headers=headers)
    assert read.status_code == 400, read.json
    assert "segment_id" in read.json["error"]["fields"]
    for tail, body in (
        ("", {"segment_id": int(huge), "time_limit": 1}),
        ("/lock", {"segment_id": int(huge)}),
        ("/moves", {"participant_id": int(huge), "round": 1, "station_id": 1}),
        ("/moves", {"participant_id": 1, "round": 1, "station_id": int(huge)}),
    ):
        response = client.post(_url(info, tail), json=body, headers=headers)
        assert response.status_code == 400, (tail, response.json)
        field = "station_id" if body.get("station_id") == int(huge) else None
        field = field or ("participant_id" if tail == "/moves" else "segment_id")
        assert field in response.json["error"]["fields"], (tail, response.json)


def test_the_range_message_of_an_id_reads_german_on_a_german_page(app: Any) -> None:
    from parcours.schemas.error_messages import translate

    english = "segment_id: must be greater than or equal to 1 and less than or equal to 5"
    with app.test_request_context("/?lang=de"):
        german = translate(english)
    assert german.endswith("muss zwischen 1 und 5 liegen"), german
