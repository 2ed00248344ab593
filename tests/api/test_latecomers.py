"""A participant who registers after the plan was made gets a route at once; nobody moves."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.api.test_plans_replan import advance_to_round, five_rounds, wait_for_plan
from tests.conftest import auth


def compute(client: Any, info: dict[str, Any]) -> dict[str, Any]:
    """Compute the plan of an event and return it."""
    response = client.post(
        f"/api/v1/events/{info['event_id']}/plan",
        json={"seed": 1, "time_limit": 1},
        headers=auth(info["organiser_token"]),
    )
    assert response.status_code == 201, response.json
    return dict(response.json)


def stored(client: Any, info: dict[str, Any]) -> dict[str, Any]:
    """Return the stored plan."""
    response = client.get(
        f"/api/v1/events/{info['event_id']}/plan", headers=auth(info["organiser_token"])
    )
    assert response.status_code == 200
    return dict(response.json)


def rows(plan: dict[str, Any]) -> set[tuple[int, int, int]]:
    return {(r["participant_id"], r["round"], r["station_id"]) for r in plan["assignments"]}


def join(client: Any, info: dict[str, Any], **extra: Any) -> tuple[int, str]:
    """Register one person by the join code; return their id and token."""
    body = {"name": "Late Lotte", "consent": True, **extra}
    response = client.post(f"/api/v1/join/{info['join_code']}", json=body)
    assert response.status_code == 201, response.json
    return response.json["participant"]["id"], response.json["token"]


def connect(app: Any, token: str) -> Any:
    from parcours.extensions import socketio

    sock = socketio.test_client(app, namespace="/live", auth={"token": token})
    assert sock.is_connected("/live")
    sock.get_received("/live")
    return sock


def plan_events(sock: Any) -> list[dict[str, Any]]:
    return [dict(m["args"][0]) for m in sock.get_received("/live") if m["name"] == "plan"]


def check_rules(plan: dict[str, Any], capacity: int) -> None:
    """No revisits, nobody twice in one round, no station over capacity."""
    got = rows(plan)
    assert max(Counter((p, s) for p, _r, s in got).values()) == 1
    assert max(Counter((p, r) for p, r, _s in got).values()) == 1
    assert max(Counter((r, s) for _p, r, s in got).values()) <= capacity


def test_a_latecomer_gets_the_open_rounds_and_nobody_moves(app: Any, client: Any, make_event: Any):
    info = make_event(five_rounds())
    compute(client, info)
    advance_to_round(client, info, 2)
    before = rows(stored(client, info))
    screen = connect(app, info["screen_token"])
    other = connect(app, info["participants"][0]["token"])
    hosts = {s["id"]: connect(app, s["host_token"]) for s in info["stations"]}
    liked = info["stations"][4]["id"]

    pid, token = join(client, info, interests=[liked])

    me = client.get("/api/v1/me", headers=auth(token)).json
    assert [step["round"] for step in me["route"]] == [3, 4, 5]
    chosen = {step["station"]["id"] for step in me["route"]}
    assert liked in chosen
    after = stored(client, info)
    assert {r for r in rows(after) if r[0] != pid} == before
    check_rules(after, capacity=3)
    assert after["metrics"]["latecomers"] == 1 and after["metrics"]["hard_ok"]
    signal = wait_for_plan(screen)
    assert signal["reason"] == "plan.latecomer" and signal["participant_id"] == pid
    for sid, sock in hosts.items():
        assert bool(plan_events(sock)) == (sid in chosen)
    assert plan_events(other) == []  # the other phones are not disturbed
    for sock in (screen, other, *hosts.values()):
        sock.disconnect("/live")


def test_the_newcomers_phone_is_told(app: Any, client: Any, make_event: Any) -> None:
    from parcours.domain.actors import Actor
    from parcours.extensions import db
    from parcours.services.plans.latecomers import place_latecomer
    from parcours.services.setup import roster
    from parcours.services.setup.participants import token_of
    from parcours.storage import Participant

    info = make_event(five_rounds())
    compute(client, info)
    organiser = Actor("organiser", info["event_id"])
    with app.app_context():
        session = db.session()
        person = roster.add_person(
            session, organiser, info["event_id"], {"name": "Spät Sven", "present": False}
        )
        pid, token = person.id, token_of(session, person.id)
    assert token and not [r for r in rows(stored(client, info)) if r[0] == pid]
    phone = connect(app, token)
    with app.app_context():
        session = db.session()
        found = session.get(Participant, pid)
        assert found is not None
        found.present = True
        session.commit()
        added = place_latecomer(session, info["event_id"], pid)
        assert [a.round for a in added] == [1, 2, 3, 4, 5]
    assert wait_for_plan(phone)["participant_id"] == pid
    phone.disconnect("/live")


def test_the_organiser_adding_someone_places_them(app: Any, client: Any, make_event: Any) -> None:
    from parcours.domain.actors import Actor
    from parcours.extensions import db
    from parcours.services.setup import roster

    info = make_event(five_rounds())
    before = rows(compute(client, info))
    with app.app_context():
        person = roster.add_person(
            db.session(), Actor("organiser", info["event_id"]), info["event_id"], {"name": "Neu"}
        )
        pid = person.id
    after = stored(client, info)
    assert sorted(r for p, r, _s in rows(after) if p == pid) == [1, 2, 3, 4, 5]
    assert {r for r in rows(after) if r[0] != pid} == before
    check_rules(after, capacity=3)


def test_a_full_event_leaves_the_rounds_empty(app: Any, client: Any, make_event: Any) -> None:
    from parcours.domain.actors import Actor
    from parcours.extensions import db
    from parcours.services.plans.views import overview

    info = make_event("small")  # 3 stations of 2 places, 6 people: every place is taken
    before = rows(compute(client, info))
    pid, token = join(client, info)
    me = client.get("/api/v1/me", headers=auth(token)).json
    assert me["route"] == []
    after = stored(client, info)
    assert rows(after) == before
    assert after["metrics"].get("latecomers") is None  # nothing stored, nothing recomputed
    with app.app_context():
        page = overview(db.session(), Actor("organiser", info["event_id"]), info["event_id"])
        assert [p.id for p in page["without_route"]] == [pid]  # the plan page lists them


def test_before_any_plan_nothing_happens(client: Any, make_event: Any) -> None:
    info = make_event(five_rounds())
    _pid, token = join(client, info)
    assert client.get("/api/v1/me", headers=auth(token)).json["route"] == []
    response = client.get(
        f"/api/v1/events/{info['event_id']}/plan", headers=auth(info["organiser_token"])
    )
    assert response.status_code == 404


def test_a_locked_plan_still_takes_a_newcomer(client: Any, make_event: Any) -> None:
    info = make_event(five_rounds())
    before = rows(compute(client, info))
    locked = client.post(
        f"/api/v1/events/{info['event_id']}/plan/lock",
        json={"locked": True},
        headers=auth(info["organiser_token"]),
    )
    assert locked.status_code in (200, 201), locked.json
    pid, token = join(client, info)
    me = client.get("/api/v1/me", headers=auth(token)).json
    assert [step["round"] for step in me["route"]] == [1, 2, 3, 4, 5]
    after = stored(client, info)
    assert {r for r in rows(after) if r[0] != pid} == before
    check_rules(after, capacity=3)


@pytest.mark.parametrize("rnd", [5])
def test_no_open_round_no_route(client: Any, make_event: Any, rnd: int) -> None:
    info = make_event(five_rounds())
    before = rows(compute(client, info))
    advance_to_round(client, info, rnd)
    _pid, token = join(client, info)
    assert client.get("/api/v1/me", headers=auth(token)).json["route"] == []
    assert rows(stored(client, info)) == before
