"""Self-registration takes what the plan's rules need: stations to avoid, staying put, rounds away;
they are validated, stored and kept by the latecomer placement, in every parcours."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from tests.api.test_plan_rules import plan_of, rules_event
from tests.conftest import auth


def join(client: Any, info: dict[str, Any], **extra: Any) -> Any:
    body = {"name": "Late Lotte", "organisation": "Acme GmbH", "consent": True, **extra}
    return client.post(f"/api/v1/join/{info['join_code']}", json=body)


def test_the_rule_fields_are_stored_and_kept_by_the_placement(client: Any, make_event: Any) -> None:
    info = make_event(rules_event(parcours=2))
    st = {s["name"]: s["id"] for s in info["stations"]}
    plan = plan_of(client, info, seed=3)
    second = plan["segments"][0]["segment_id"]
    avoid = [st["Station 3"], st["Station 5"]]
    response = join(client, info, avoid=avoid, absent_rounds=[2, 5])
    assert response.status_code == 201, response.json
    person = response.json["participant"]
    assert person["avoid"] == sorted(avoid) and person["absent_rounds"] == [2, 5]
    assert person["stay_put"] is False
    pid = person["id"]
    headers = auth(info["organiser_token"])
    url = f"/api/v1/events/{info['event_id']}/plan"
    first_rows = client.get(url, headers=headers).json["assignments"]
    second_rows = client.get(f"{url}?segment_id={second}", headers=headers).json["assignments"]
    mine = [
        {r["round"]: r["station_id"] for r in rows if r["participant_id"] == pid}
        for rows in (first_rows, second_rows)
    ]
    # rounds 1-3 are the first parcours, 4-5 the second: away in its round 2 and the second's 2
    assert set(mine[0]) <= {1, 3} and set(mine[1]) <= {1}
    assert mine[0] and mine[1]  # placed where there is room
    visited = set(mine[0].values()) | set(mine[1].values())
    assert not visited & {*avoid, st["Station 1"]}  # avoided, and Acme's own station


def test_someone_who_stays_put_keeps_one_station(client: Any, make_event: Any) -> None:
    info = make_event(rules_event(parcours=1))
    plan_of(client, info, seed=2)
    response = join(client, info, name="Rolf Rollstuhl", organisation="", stay_put=True)
    assert response.status_code == 201, response.json
    assert response.json["participant"]["stay_put"] is True
    pid = response.json["participant"]["id"]
    plan = client.get(
        f"/api/v1/events/{info['event_id']}/plan", headers=auth(info["organiser_token"])
    ).json
    where = defaultdict(set)
    for r in plan["assignments"]:
        where[r["participant_id"]].add(r["station_id"])
    rounds = [r for r in plan["assignments"] if r["participant_id"] == pid]
    assert len(where[pid]) == 1 and len(rounds) == 3


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"avoid": [10**6]}, "avoid"),
        ({"avoid": ["Station 1"]}, "avoid"),
        ({"absent_rounds": [6]}, "absent_rounds"),  # 3 + 2 rounds in all
        ({"absent_rounds": [0]}, "absent_rounds"),
        ({"stay_put": "yes"}, "stay_put"),
    ],
)
def test_bad_rule_fields_are_refused_naming_the_field(
    client: Any, make_event: Any, extra: dict[str, Any], field: str
) -> None:
    info = make_event(rules_event(parcours=2))
    response = join(client, info, **extra)
    assert response.status_code == 400, response.json
    assert any(key.startswith(field) for key in response.json["error"]["fields"]), response.json
    rows = client.get(
        f"/api/v1/events/{info['event_id']}/participants", headers=auth(info["organiser_token"])
    ).json
    assert "Late Lotte" not in {p["name"] for p in rows}  # nobody was stored


def test_a_station_both_wished_and_avoided_is_refused(client: Any, make_event: Any) -> None:
    info = make_event(rules_event(parcours=1))
    station = info["stations"][2]["id"]
    response = join(client, info, interests=[station], avoid=[station])
    assert response.status_code == 400
    assert response.json["error"]["fields"]["avoid"] == [
        "a station of interest cannot also be avoided"
    ]


def _people(app: Any, event_id: int) -> int:
    from sqlalchemy import func, select

    from parcours.extensions import db
    from parcours.storage import Participant

    with app.app_context():
        query = select(func.count()).select_from(Participant)
        return int(db.session().scalar(query.where(Participant.event_id == event_id)) or 0)


def test_avoiding_so_many_stations_that_no_plan_is_possible_is_refused(
    app: Any, client: Any, make_event: Any
) -> None:
    info = make_event(rules_event(parcours=1))  # 6 stations, 3 rounds; Acme owns Station 1
    st = {s["name"]: s["id"] for s in info["stations"]}
    before = _people(app, info["event_id"])
    # Acme's own station and three avoided leave 2 stations for 3 rounds: no plan could exist
    too_many = [st["Station 2"], st["Station 3"], st["Station 4"]]
    refused = join(client, info, avoid=too_many)
    assert refused.status_code == 400, refused.json
    assert list(refused.json["error"]["fields"]) == ["avoid"]
    assert "2 stations" in refused.json["error"]["fields"]["avoid"][0]
    assert _people(app, info["event_id"]) == before  # nothing stored
    # the German join page says so in German, at the avoid list, and stores nothing either
    page = client.post(
        f"/join/{info['join_code']}?lang=de",
        data={
            "name": "Late Lotte",
            "organisation": "Acme GmbH",
            "avoid": [str(i) for i in too_many],
            "language": "de",
            "consent": "on",
        },
    )
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert 'data-field="avoid"' in html
    assert "lässt nur 2 Stationen" in html and "bitte meiden Sie weniger Stationen" in html
    assert _people(app, info["event_id"]) == before
    # one station fewer avoided leaves 3 for 3 rounds: accepted, and the event still plans
    fine = join(client, info, avoid=too_many[:2])
    assert fine.status_code == 201, fine.json
    assert _people(app, info["event_id"]) == before + 1
    plan = plan_of(client, info, seed=5)
    pid = fine.json["participant"]["id"]
    mine = {r["station_id"] for r in plan["assignments"] if r["participant_id"] == pid}
    assert len(mine) == 3 and not mine & {*too_many[:2], st["Station 1"]}


def _full_rotation() -> dict[str, Any]:
    """3 stations of 2 places, 3 rounds, 5 people: everyone visits every station."""
    return {
        "event": {"title": "Rundlauf", "language": "de"},
        "agenda": [{"title": "Parcours", "kind": "parcours", "rounds": 3, "round_minutes": 10}],
        "stations": [
            {"name": f"Station {i + 1}", "kind": "other", "capacity": 2, "code": f"RL{i + 1}"}
            for i in range(3)
        ],
        "participants": [{"name": f"Person {i + 1}", "kind": "other"} for i in range(5)],
    }


def test_staying_put_where_it_would_make_the_plan_impossible_is_refused(
    app: Any, client: Any, make_event: Any
) -> None:
    info = make_event(_full_rotation())
    before = _people(app, info["event_id"])
    # a sixth who stays takes a place at one station in every round: that station then has
    # 1 place in each of 3 rounds for the 5 others who must all pass it: impossible
    refused = join(client, info, name="Rolf Rollstuhl", organisation="", stay_put=True)
    assert refused.status_code == 400, refused.json
    assert list(refused.json["error"]["fields"]) == ["stay_put"]
    assert _people(app, info["event_id"]) == before  # nothing stored
    # the same person moving with the others fits, and the event plans
    fine = join(client, info, name="Rolf Rollstuhl", organisation="")
    assert fine.status_code == 201, fine.json
    plan = plan_of(client, info, seed=1)
    assert len(plan["assignments"]) == 6 * 3


def test_staying_put_where_there_is_room_is_taken_and_plans(
    app: Any, client: Any, make_event: Any
) -> None:
    event = _full_rotation()
    event["participants"] = event["participants"][:3]  # 3 places free in each round
    info = make_event(event)
    stayer = join(client, info, name="Rolf Rollstuhl", organisation="", stay_put=True)
    assert stayer.status_code == 201, stayer.json
    plan = plan_of(client, info, seed=1)
    pid = stayer.json["participant"]["id"]
    mine = [r["station_id"] for r in plan["assignments"] if r["participant_id"] == pid]
    assert len(mine) == 3 and len(set(mine)) == 1


def test_an_event_not_yet_plannable_still_takes_registrations(
    app: Any, client: Any, make_event: Any
) -> None:
    from parcours.extensions import db
    from parcours.storage import Station

    event = _full_rotation()
    event["participants"] = event["participants"][:2]
    info = make_event(event)
    st = [s["id"] for s in info["stations"]]
    with app.app_context():  # a station without places yet: 2 stations for 3 rounds
        db.session().get(Station, st[2]).capacity = 0
        db.session().commit()
    assert join(client, info, name="Ada", organisation="").status_code == 201
    # not her choice that makes it impossible: avoiding one station is taken as well
    assert join(client, info, name="Bea", organisation="", avoid=st[:1]).status_code == 201
