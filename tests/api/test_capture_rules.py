"""Capture rules behind the writes: the race, rounds, /me, people search, live pushes, limiter."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tests.api.test_capture import Sender, host, person, station
from tests.conftest import auth


@pytest.fixture
def ev(make_event: Any) -> dict[str, Any]:
    """Return the small example event."""
    return make_event("small")


def test_a_concurrent_duplicate_returns_the_stored_record(app: Any, ev: Any) -> None:
    """The other writer commits between our lookup and our insert: we answer with theirs."""
    from parcours.extensions import db
    from parcours.services.once import create_once
    from parcours.storage import Note

    keys = {
        "event_id": ev["event_id"],
        "author": "p:1",
        "client_id": "32e6244d-d972-53a0-92b7-1b345e85bec9",
    }

    def build_after_the_other_writer() -> Note:
        other = db.new_session()
        other.add(Note(**keys, participant_id=1, text="first"))
        other.commit()
        other.close()
        return Note(**keys, participant_id=1, text="second")

    with app.app_context():
        session = db.session()
        record, created = create_once(session, Note, keys, build_after_the_other_writer)
        assert created is False
        assert record.text == "first" and record.id
        assert session.scalar(select(func.count()).select_from(Note)) == 1


def start_parcours(client: Any, ev: dict[str, Any]) -> None:
    """Start the clock and move on from the welcome to round 1 of the parcours."""
    for action in ("start", "next"):
        answer = client.post(
            f"/api/v1/events/{ev['event_id']}/clock",
            json={"action": action},
            headers=auth(ev["facilitator_token"]),
        )
        assert answer.status_code == 200, answer.get_json()


def test_writes_take_the_current_round(client: Any, ev: Any) -> None:
    before = client.post(
        "/api/v1/notes",
        json={"client_id": "8b2700ce-096d-5683-b5aa-2823a52c55dc", "text": "x"},
        headers=auth(person(ev)),
    ).get_json()
    assert before["round"] is None
    start_parcours(client, ev)
    note = client.post(
        "/api/v1/notes",
        json={"client_id": "12400514-591d-5804-808f-e11d1896878e", "text": "x"},
        headers=auth(person(ev)),
    ).get_json()
    assert note["round"] == 1
    body = {
        "client_id": "01cb0e2a-9c57-521c-b619-ca3447b363f8",
        "station_code": ev["stations"][1]["code"],
    }
    check_in = client.post("/api/v1/check-ins", json=body, headers=auth(person(ev))).get_json()
    assert check_in["round"] == 1
    chosen = {"client_id": "4cad456f-e3f9-5412-a749-47cc354ef899", "text": "x", "round": 2}
    assert (
        client.post("/api/v1/notes", json=chosen, headers=auth(host(ev))).get_json()["round"] == 2
    )


def test_me_lists_only_my_own_records(client: Any, ev: Any) -> None:
    mine, other = person(ev, 0), person(ev, 1)
    client.post(
        "/api/v1/notes",
        json={"client_id": "70e696b0-d92e-55e3-a72c-d66481469155", "text": "mine"},
        headers=auth(mine),
    )
    client.post(
        "/api/v1/notes",
        json={"client_id": "e9b9578a-1efb-5287-b20f-8697877b257d", "text": "no"},
        headers=auth(other),
    )
    follow = {
        "client_id": "b009c389-a9fa-57bf-87c0-e07e17fb85d8",
        "station_id": station(ev),
        "topic": "t",
        "share_contact": False,
    }
    client.post("/api/v1/follow-ups", json=follow, headers=auth(mine))
    card = {"client_id": "403f1a89-1b6c-5ffd-9c20-d816e4f6eb57", "text": "idea"}
    client.post("/api/v1/wall", json=card, headers=auth(mine))
    check = {
        "client_id": "19e7ca1f-ef8d-5c2d-826e-d8a7e6c1822f",
        "station_code": ev["stations"][0]["code"],
    }
    client.post("/api/v1/check-ins", json=check, headers=auth(mine))
    me = client.get("/api/v1/me", headers=auth(mine)).get_json()
    assert [n["text"] for n in me["notes"]] == ["mine"]
    assert [f["client_id"] for f in me["follow_ups"]] == ["b009c389-a9fa-57bf-87c0-e07e17fb85d8"]
    assert [c["client_id"] for c in me["wall_cards"]] == ["403f1a89-1b6c-5ffd-9c20-d816e4f6eb57"]
    assert me["check_ins"][0]["station_name"] == ev["stations"][0]["name"]
    assert all("id" in row and "client_id" in row for row in me["notes"] + me["follow_ups"])


def test_hosts_find_people_by_name_without_contact_details(client: Any, ev: Any) -> None:
    path = f"/api/v1/events/{ev['event_id']}/people"
    found = client.get(path + "?q=olena", headers=auth(host(ev))).get_json()
    assert [p["name"] for p in found] == ["Olena Hrytsenko"]
    assert set(found[0]) == {"id", "name", "organisation"}
    assert len(client.get(path + "?q=musterbau", headers=auth(host(ev))).get_json()) == 2
    assert client.get(path + "?q=x", headers=auth(person(ev))).status_code == 403
    assert (
        client.get(path.replace(str(ev["event_id"]), "999"), headers=auth(host(ev))).status_code
        == 404
    )


def test_station_tablets_hear_of_follow_ups_and_check_ins(app: Any, client: Any, ev: Any) -> None:
    sender = Sender(app, client, "socket")
    try:
        tablet = sender.socket(host(ev, 1))
        elsewhere = sender.socket(host(ev, 2))
        tablet.get_received("/live")
        elsewhere.get_received("/live")
        base = {"station_id": station(ev, 1), "topic": "Netzwerke"}
        sender(
            person(ev, 0),
            "follow_up",
            {**base, "client_id": "5f422972-b3f6-5344-82c3-fdfa4a1d8e05", "share_contact": True},
        )
        sender(
            person(ev, 1),
            "follow_up",
            {**base, "client_id": "349c0c9c-85e4-5dcf-b923-573f879afeb7", "share_contact": False},
        )
        got = [m["args"][0] for m in tablet.get_received("/live") if m["name"] == "follow_up"]
        assert [g["participant"]["email"] for g in got] == ["jana.waechter@example.org", None]
        assert got[1]["participant"]["name"] is None and got[1]["participant"]["pseudonym"]
        code = ev["stations"][1]["code"]
        sender(
            person(ev, 2),
            "check_in",
            {"client_id": "2d4166d5-e7fe-5d6f-8769-36fcf95b43af", "station_code": code},
        )
        rosters = [m["args"][0] for m in tablet.get_received("/live") if m["name"] == "roster"]
        assert rosters and rosters[-1]["station_id"] == station(ev, 1)
        assert not [m for m in elsewhere.get_received("/live") if m["name"] != "presence"]
    finally:
        sender.close()


def test_an_unknown_export_format_is_a_clear_error_or_handed_on(client: Any, ev: Any) -> None:
    path = f"/api/v1/events/{ev['event_id']}/stations/{station(ev)}/follow-ups"
    answer = client.get(path + "?format=json", headers=auth(host(ev)))
    assert answer.status_code == 200 and answer.get_json() == []
    answer = client.get(path + "?format=nonsense", headers=auth(host(ev)))
    assert answer.status_code in (400, 422)


class FakeClock:
    """Stands in for the time module of the `limits` memory storage (a clock we move)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now


def test_the_moving_window_frees_a_place_a_minute_later(monkeypatch: Any) -> None:
    import limits.storage.memory

    from parcours.operations import limits as limits_module
    from parcours.operations.limits import Limits

    clock = FakeClock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    monkeypatch.setattr(limits_module, "time", clock)
    counts = Limits()
    assert counts.hit("2/minute", "a") == 0 and counts.hit("2/minute", "a") == 0
    assert counts.hit("2/minute", "a") == pytest.approx(60.0)
    assert counts.hit("2/minute", "b") == 0  # per key
    clock.now += 30
    assert counts.hit("2/minute", "a") == pytest.approx(30.0)
    clock.now += 30.5
    assert counts.hit("2/minute", "a") == 0  # the first hit is a minute old


def test_the_limits_live_in_app_extensions(app: Any, client: Any, ev: Any) -> None:
    from parcours.operations.limits import EXTENSION_KEY, Limits

    client.post(
        "/api/v1/notes",
        json={"client_id": "a185de38-71f8-5669-8ed7-665bdc7f5239", "text": "x"},
        headers=auth(person(ev)),
    )
    found = app.extensions[EXTENSION_KEY]
    assert isinstance(found, Limits) and not found.shared  # no message queue: this process
