"""Participant rules through the app: event file, API, CSV, re-planning, latecomers, segments."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from tests.api.test_plans_replan import advance_to_round
from tests.conftest import auth

KINDS = ("company", "authority", "chamber", "organisation", "other")


def rules_event(parcours: int = 1) -> dict[str, Any]:
    """Return an event file: 6 stations of 4, 18 people with every rule, 1 or 2 parcours.

    The first parcours has 3 rounds, the second 2.
    """
    agenda: list[dict[str, Any]] = [{"title": "Begrüßung", "minutes": 5}]
    for i in range(parcours):
        agenda.append(
            {
                "title": f"Parcours {i + 1}",
                "kind": "parcours",
                "rounds": 3 - i,
                "round_minutes": 10,
            }
        )
        if i == 0 and parcours > 1:
            agenda.append({"title": "Mittag", "kind": "break", "minutes": 45})
    stations = [
        {"name": f"Station {i + 1}", "kind": KINDS[i % 5], "capacity": 4, "code": f"ST{i + 1}"}
        for i in range(6)
    ]
    stations[0]["organisation"] = "Acme GmbH"
    people: list[dict[str, Any]] = [
        {"name": f"Person {i + 1:02d}", "kind": KINDS[i % 5], "organisation": f"Org {i % 6}"}
        for i in range(18)
    ]
    people[0].update(organisation="Acme GmbH")  # own station by the station's organisation
    people[1].update(organisation="Station 2")  # own station by the station's name
    people[2].update(avoid=["ST3", "Station 4"])
    people[3].update(stay_put=True)
    people[4].update(absent_rounds=[2])
    people[5].update(absent_rounds=[4, 5] if parcours > 1 else [3])
    return {
        "event": {"title": "Regeln", "language": "de"},
        "agenda": agenda,
        "stations": stations,
        "participants": people,
    }


def plan_of(client: Any, info: dict[str, Any], **body: Any) -> dict[str, Any]:
    body.setdefault("time_limit", 2)
    response = client.post(
        f"/api/v1/events/{info['event_id']}/plan", json=body, headers=auth(info["organiser_token"])
    )
    assert response.status_code == 201, response.json
    return dict(response.json)


def ids(info: dict[str, Any]) -> tuple[list[int], dict[str, int]]:
    people = [p["id"] for p in info["participants"]]
    stations = {s["name"]: s["id"] for s in info["stations"]}
    return people, stations


def check_rules(plan: dict[str, Any], info: dict[str, Any], rounds: range) -> None:
    people, st = ids(info)
    where: dict[int, dict[int, int]] = defaultdict(dict)
    for row in plan["assignments"]:
        where[row["participant_id"]][row["round"]] = row["station_id"]
    assert st["Station 1"] not in where[people[0]].values()
    assert st["Station 2"] not in where[people[1]].values()
    assert not {st["Station 3"], st["Station 4"]} & set(where[people[2]].values())
    assert len(set(where[people[3]].values())) == 1 and len(where[people[3]]) == len(rounds)
    loads = Counter((r["round"], r["station_id"]) for r in plan["assignments"])
    assert max(loads.values()) <= 4
    m = plan["metrics"]
    assert m["avoid_violations"] == 0 and m["stay_put_moves"] == 0 and m["absent_placed"] == 0
    assert m["revisits"] == 0 and m["hard_ok"]


def test_event_file_rules_are_planned_and_shown(client: Any, make_event: Any) -> None:
    info = make_event(rules_event())
    plan = plan_of(client, info, seed=2)
    check_rules(plan, info, range(1, 4))
    people, _st = ids(info)
    rounds_of = defaultdict(set)
    for row in plan["assignments"]:
        rounds_of[row["participant_id"]].add(row["round"])
    assert rounds_of[people[4]] == {1, 3} and rounds_of[people[5]] == {1, 2}
    m = plan["metrics"]
    assert m["rule_avoid"] >= 3 and m["rule_stay_put"] == 1 and m["rule_absent_rounds"] == 2
    assert "colleague_meetings" in m and m["construction"]
    person = client.get(
        f"/api/v1/events/{info['event_id']}/participants", headers=auth(info["organiser_token"])
    ).json
    listed = (
        {p["id"]: p for p in person["participants"]}
        if isinstance(person, dict)
        else {p["id"]: p for p in person}
    )
    assert listed[people[3]]["stay_put"] is True
    assert listed[people[4]]["absent_rounds"] == [2]
    assert len(listed[people[2]]["avoid"]) == 2


def test_replanning_keeps_the_rules(client: Any, make_event: Any) -> None:
    info = make_event(rules_event())
    plan_of(client, info, seed=1)
    advance_to_round(client, info, 2)
    response = client.post(
        f"/api/v1/events/{info['event_id']}/plan/replan",
        json={"seed": 4, "time_limit": 1},
        headers=auth(info["organiser_token"]),
    )
    assert response.status_code == 200, response.json
    check_rules(response.json, info, range(1, 4))


def test_priority_is_chosen_and_kept(client: Any, make_event: Any) -> None:
    info = make_event(rules_event())
    plan = plan_of(client, info, priority="encounters")
    assert plan["metrics"]["priority"] == "encounters"
    bad = client.post(
        f"/api/v1/events/{info['event_id']}/plan",
        json={"priority": "speed"},
        headers=auth(info["organiser_token"]),
    )
    assert bad.status_code == 400 and "priority" in str(bad.json)
    again = plan_of(client, info)
    assert again["metrics"]["priority"] == "encounters"


def test_bad_rule_values_are_refused(app: Any, make_event: Any) -> None:
    from parcours.domain.actors import Actor
    from parcours.domain.errors import Invalid
    from parcours.extensions import db
    from parcours.services.setup import roster

    info = make_event(rules_event())
    actor = Actor("organiser", info["event_id"])
    for body, field in (
        ({"name": "X", "absent_rounds": [0]}, "absent_rounds"),
        ({"name": "X", "avoid": [999999]}, "avoid"),
        ({"name": "X", "stay_put": "vielleicht"}, "stay_put"),
    ):
        with app.app_context():
            try:
                roster.add_person(db.session(), actor, info["event_id"], body)
            except Invalid as err:
                assert field in str(err.fields), err.fields
            else:
                raise AssertionError(f"accepted {body}")


def test_latecomers_keep_their_rules(app: Any, client: Any, make_event: Any) -> None:
    from parcours.domain.actors import Actor
    from parcours.extensions import db
    from parcours.services.setup import roster

    info = make_event(rules_event())
    plan_of(client, info)
    _people, st = ids(info)
    actor = Actor("organiser", info["event_id"])
    with app.app_context():
        stay = roster.add_person(
            db.session(), actor, info["event_id"], {"name": "Bleibt", "stay_put": True}
        ).id
        away = roster.add_person(
            db.session(),
            actor,
            info["event_id"],
            {"name": "Weg", "absent_rounds": [2], "organisation": "Acme GmbH"},
        ).id
    plan = client.get(
        f"/api/v1/events/{info['event_id']}/plan", headers=auth(info["organiser_token"])
    ).json
    mine = defaultdict(dict)
    for row in plan["assignments"]:
        mine[row["participant_id"]][row["round"]] = row["station_id"]
    if mine[stay]:
        assert len(set(mine[stay].values())) == 1
    assert 2 not in mine[away]
    assert st["Station 1"] not in mine[away].values()


def test_two_parcours_are_both_planned_and_the_second_avoids_the_first(
    client: Any, make_event: Any
) -> None:
    info = make_event(rules_event(parcours=2))
    plan = plan_of(client, info, seed=3)
    assert len(plan["segments"]) == 1
    second = plan["segments"][0]
    assert second["title"] == "Parcours 2" and second["metrics"]["hard_ok"]
    people, _st = ids(info)
    first_rows = plan["assignments"]
    later_rows = second["assignments"]
    assert {r["participant_id"] for r in later_rows} == set(people) - {people[5]}  # away
    visited = defaultdict(set)
    for r in first_rows:
        visited[r["participant_id"]].add(r["station_id"])
    # own station or two avoided ones leave fewer than 6 stations for 3 + 3 rounds; and
    # one stays put: these four may see a station again, nobody else does
    exempt = set(people[:4])
    for r in later_rows:
        if r["participant_id"] not in exempt:
            assert r["station_id"] not in visited[r["participant_id"]]
    met: set[tuple[int, int]] = set()
    again = 0
    for rows, count in ((first_rows, False), (later_rows, True)):
        at = defaultdict(list)
        for r in rows:
            at[(r["round"], r["station_id"])].append(r["participant_id"])
        for members in at.values():
            pairs = {(a, b) for a in members for b in members if a < b}
            if count:
                again += len(pairs & met)
            else:
                met |= pairs
    assert second["metrics"]["repeats_with_earlier"] == again


def test_in_the_second_parcours_replan_and_latecomers_work_on_it(
    app: Any, client: Any, make_event: Any
) -> None:
    from parcours.domain.actors import Actor
    from parcours.extensions import db
    from parcours.services.setup import roster

    info = make_event(rules_event(parcours=2))
    plan = plan_of(client, info, seed=3)
    second_id = plan["segments"][0]["segment_id"]
    url = f"/api/v1/events/{info['event_id']}/clock"
    headers = auth(info["facilitator_token"])
    state = client.post(url, json={"action": "start"}, headers=headers).json
    while state["segment"]["title"] != "Parcours 2":
        state = client.post(url, json={"action": "next"}, headers=headers).json
    assert state["round"] == 1
    response = client.post(
        f"/api/v1/events/{info['event_id']}/plan/replan",
        json={"seed": 5, "time_limit": 1},
        headers=auth(info["organiser_token"]),
    )
    assert response.status_code == 200, response.json
    assert response.json["metrics"]["rounds"] == 2 and response.json["metrics"]["hard_ok"]
    with app.app_context():
        from sqlalchemy import select

        from parcours.storage import Assignment

        pid = roster.add_person(
            db.session(), Actor("organiser", info["event_id"]), info["event_id"], {"name": "Spät"}
        ).id
        rows = (
            db.session()
            .execute(
                select(Assignment.segment_id, Assignment.round).where(
                    Assignment.participant_id == pid
                )
            )
            .all()
        )
    assert {r for s, r in rows if s == second_id} == {2}  # the open round of parcours 2
    assert not [r for s, r in rows if s != second_id]  # parcours 1 is over
