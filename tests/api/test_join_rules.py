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
