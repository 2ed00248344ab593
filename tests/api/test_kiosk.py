"""Kiosk mode over HTTP and the socket: the tablet writes only as the participant chosen for
each entry, reads no host-only data, and is left only with the host's code."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import auth, plain

ROUTES = {
    "kiosk_note": "/kiosk/notes",
    "kiosk_follow_up": "/kiosk/follow-ups",
    "kiosk_check_in": "/kiosk/check-ins",
}


def kiosk_token(client: Any, host_token: str, pin: str = "2468") -> str:
    """Switch a host's tablet to kiosk mode; return the kiosk token."""
    answer = client.post("/api/v1/kiosk", json={"pin": pin}, headers=auth(host_token))
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["url"] == f"/k/{body['token']}"
    return str(body["token"])


def live_socket(app: Any, client: Any, token: str) -> Any:
    """Return a connected /live test client for a token."""
    from parcours.extensions import socketio

    sock = socketio.test_client(
        app, namespace="/live", auth={"token": token}, flask_test_client=client
    )
    assert sock.is_connected("/live")
    return sock


class Sender:
    """Send a kiosk entry over HTTP or over the /live socket; return (status, body)."""

    def __init__(self, app: Any, client: Any, transport: str) -> None:
        self.app, self.client, self.transport = app, client, transport
        self.sockets: dict[str, Any] = {}

    def __call__(self, token: str, kind: str, body: Any) -> tuple[int, Any]:
        if self.transport == "http":
            answer = self.client.post("/api/v1" + ROUTES[kind], json=body, headers=auth(token))
            return answer.status_code, answer.get_json()
        if token not in self.sockets:
            self.sockets[token] = live_socket(self.app, self.client, token)
        ack = self.sockets[token].emit(kind, body, namespace="/live", callback=True)
        return ack["status"], ack["body"]

    def close(self) -> None:
        for sock in self.sockets.values():
            if sock.is_connected("/live"):
                sock.disconnect(namespace="/live")


@pytest.fixture(params=["http", "socket"])
def send(request: Any, app: Any, client: Any) -> Iterator[Sender]:
    sender = Sender(app, client, request.param)
    yield sender
    sender.close()


@pytest.fixture
def ev(make_event: Any) -> dict[str, Any]:
    return make_event("small")


def plan(app: Any, ev: dict[str, Any]) -> dict[int, list[int]]:
    """Write a round-robin plan: participant i goes to station i mod 3 in round 1."""
    from parcours.extensions import db
    from tests.realtime.helpers import assign_round_robin

    with app.app_context():
        return assign_round_robin(db.session(), ev["event_id"])


def rows(app: Any, model: Any) -> list[Any]:
    from parcours.extensions import db

    with app.app_context():
        session = db.session()
        found = list(session.scalars(select(model).order_by(model.id)))
        session.expunge_all()
        return found


def test_entering_kiosk_mode_takes_a_host_and_a_code_of_4_to_8_digits(client: Any, ev: Any) -> None:
    host = ev["stations"][0]["host_token"]
    for token in (ev["participants"][0]["token"], ev["organiser_token"], ev["screen_token"]):
        answer = client.post("/api/v1/kiosk", json={"pin": "1234"}, headers=auth(token))
        assert answer.status_code == 403
    for pin in ("123", "123456789", "12a4", 1234, ""):
        answer = client.post("/api/v1/kiosk", json={"pin": pin}, headers=auth(host))
        assert answer.status_code == 400
        assert "pin" in answer.get_json()["error"]["fields"]
    kiosk = kiosk_token(client, host)
    assert (
        client.post("/api/v1/kiosk", json={"pin": "1234"}, headers=auth(kiosk)).status_code == 403
    )


def test_each_entry_is_stored_as_the_chosen_participant_s_own(
    send: Sender, app: Any, client: Any, ev: Any
) -> None:
    from parcours.storage import CheckIn, FollowUp, Note

    plan(app, ev)  # Deniz and Dilara are expected at the second station in round 1
    kiosk = kiosk_token(client, ev["stations"][1]["host_token"])
    jana, deniz = ev["participants"][4], ev["participants"][1]
    note = {"client_id": "0f14e9eb-0768-5fb1-839b-39c45fd19008", "text": "Gespräch über Praktika"}
    status, first = send(kiosk, "kiosk_note", {**note, "participant_id": jana["id"]})
    assert status == 201 and first["via"] == "kiosk"
    assert first["station_id"] == ev["stations"][1]["id"]  # this station unless given
    status, other = send(kiosk, "kiosk_note", {**note, "participant_id": deniz["id"]})
    assert status == 201 and other["id"] != first["id"]  # the client_id is each person's own
    assert send(kiosk, "kiosk_note", {**note, "participant_id": jana["id"]}) == (200, first)
    # Jana's phone shares her client_id space: the same id is the same record
    phone = client.post("/api/v1/notes", json=note, headers=auth(jana["token"]))
    assert phone.status_code == 200 and phone.get_json()["id"] == first["id"]
    notes = rows(app, Note)
    assert [(n.participant_id, n.author, n.via) for n in notes] == [
        (jana["id"], f"p:{jana['id']}", "kiosk"),
        (deniz["id"], f"p:{deniz['id']}", "kiosk"),
    ]
    follow = {
        "client_id": "b744583c-fdd3-5381-8399-43a0a8d2c9ab",
        "topic": "Ausbildung",
        "share_contact": True,
    }
    status, row = send(kiosk, "kiosk_follow_up", {**follow, "participant_token": deniz["token"]})
    assert status == 201 and row["station_id"] == ev["stations"][1]["id"]
    status, check = send(
        kiosk,
        "kiosk_check_in",
        {"client_id": "749f46ac-1a1b-5e5b-94e2-8724c5c5f5ea", "participant_id": jana["id"]},
    )
    assert status == 201 and check["station_id"] == ev["stations"][1]["id"]
    assert [(f.participant_id, f.via) for f in rows(app, FollowUp)] == [(deniz["id"], "kiosk")]
    assert [(c.participant_id, c.via) for c in rows(app, CheckIn)] == [(jana["id"], "kiosk")]
    me = client.get("/api/v1/me", headers=auth(deniz["token"])).get_json()
    assert [f["client_id"] for f in me["follow_ups"]] == [
        "b744583c-fdd3-5381-8399-43a0a8d2c9ab"
    ]  # on Deniz's phone too


def test_an_entry_must_name_exactly_one_participant_of_this_event(
    send: Sender, client: Any, ev: Any, make_event: Any
) -> None:
    kiosk = kiosk_token(client, ev["stations"][0]["host_token"])
    stranger = make_event("small")["participants"][0]
    base = {"client_id": "b44ad70a-60f4-5e41-bf04-f1ee052af381", "text": "x"}
    cases = [
        ({}, "participant_id"),
        (
            {"participant_id": 1, "participant_token": ev["participants"][0]["token"]},
            "participant_id",
        ),
        ({"participant_id": stranger["id"]}, "participant_id"),
        ({"participant_token": stranger["token"]}, "participant_token"),
        ({"participant_token": ev["stations"][0]["host_token"]}, "participant_token"),
        ({"participant_token": kiosk}, "participant_token"),
        ({"badge": f"{ev['participants'][0]['id']}-aaaaaaaaaaaa"}, "badge"),
        ({"badge": "not a badge"}, "badge"),
        ({"badge": "\u00b2-aaaaaaaaaaaa"}, "badge"),  # "²".isdigit(), but no number
        ({"badge": f"{10**30}-aaaaaaaaaaaa"}, "badge"),  # beyond any database's integer
    ]
    for who, field in cases:
        status, body = send(kiosk, "kiosk_note", {**base, **who})
        assert status == 400, (who, body)
        assert field in body["error"]["fields"], (who, body)
    extra = {
        "client_id": "438c9ccb-906b-5a17-8287-9a836140c35a",
        "participant_id": ev["participants"][0]["id"],
    }
    status, body = send(
        kiosk,
        "kiosk_follow_up",
        {**extra, "topic": "x", "share_contact": True, "station_id": ev["stations"][2]["id"]},
    )
    assert status == 400 and "station_id" in body["error"]["fields"]  # this station only
    status, body = send(
        kiosk, "kiosk_check_in", {**extra, "station_code": ev["stations"][2]["code"]}
    )
    assert status == 400 and "station_code" in body["error"]["fields"]


def test_a_badge_code_names_its_participant_and_nobody_else(app: Any, client: Any, ev: Any) -> None:
    from parcours.services.capture.kiosk import badge_code
    from parcours.storage import Note

    kiosk = kiosk_token(client, ev["stations"][0]["host_token"])
    olena = ev["participants"][2]
    code = badge_code(app.config["SECRET_KEY"], ev["event_id"], olena["id"], plain(olena))

    def identify(who: dict[str, Any]) -> Any:
        return client.post("/api/v1/kiosk/identify", json=who, headers=auth(kiosk))

    expected = {
        "id": olena["id"],
        "name": "Olena Hrytsenko",
        "organisation": "Pflegedienst Sonnenschein Musterstadt",
    }
    assert identify({"badge": code}).get_json() == expected  # no e-mail, no phone
    assert identify({"badge": code.upper()}).status_code == 400
    assert identify({"participant_token": olena["token"]}).get_json() == expected
    forged = f"{ev['participants'][3]['id']}-{code.partition('-')[2]}"
    assert identify({"badge": forged}).status_code == 400
    body = {"client_id": "4500c2ba-cddc-5e3b-a071-147038353eca", "badge": code, "text": "per Badge"}
    answer = client.post("/api/v1/kiosk/notes", json=body, headers=auth(kiosk))
    assert answer.status_code == 201
    assert [n.participant_id for n in rows(app, Note)] == [olena["id"]]


def test_the_kiosk_reads_nothing_but_names_and_writes_nothing_else(
    app: Any, client: Any, ev: Any
) -> None:
    station = ev["stations"][0]
    kiosk = kiosk_token(client, station["host_token"])
    e, s = ev["event_id"], station["id"]
    for path in (
        f"/events/{e}/stations/{s}/follow-ups",
        f"/events/{e}/stations/{s}/follow-ups?format=csv",
        f"/events/{e}/stations/{s}/roster",
        f"/events/{e}/stations/{s}/check-in-qr",
        f"/events/{e}/people?q=a",
        f"/events/{e}/participants",
        f"/events/{e}",
        f"/events/{e}/rotation",
        f"/events/{e}/wall",
        f"/events/{e}/export?format=json",
        "/me",
    ):
        answer = client.get("/api/v1" + path, headers=auth(kiosk))
        assert answer.status_code == 403, path
    person = ev["participants"][0]["id"]
    for path, body in (
        ("/notes", {"client_id": "622cdd94-8041-5766-80d5-0a23183f78c3", "text": "x"}),
        (
            "/follow-ups",
            {
                "client_id": "596d59ee-f332-5cbc-8aa2-44e5f792f99e",
                "station_id": s,
                "topic": "x",
                "share_contact": True,
            },
        ),
        (
            "/check-ins",
            {"client_id": "024f1c3a-3fe3-544c-9ad9-9567279eb268", "station_code": station["code"]},
        ),
        ("/leads", {"client_id": "15be5327-4dae-5428-be29-68bbbd567715", "participant_id": person}),
        ("/wall", {"client_id": "58790fee-4b21-58f3-8725-fbc782738a42", "text": "x"}),
        (f"/events/{e}/announcements", {"text": "x"}),
        (f"/events/{e}/clock", {"action": "start"}),
        (f"/events/{e}/shred", {}),
    ):
        answer = client.post("/api/v1" + path, json=body, headers=auth(kiosk))
        assert answer.status_code == 403, path
    found = client.get("/api/v1/kiosk/people?q=j", headers=auth(kiosk)).get_json()
    assert found == []  # two letters at least
    found = client.get("/api/v1/kiosk/people?q=wäch", headers=auth(kiosk)).get_json()
    assert found == [
        {"id": person, "name": "Jana Wächter", "organisation": "Musterbau GmbH", "here": False}
    ]
    roster = client.get("/api/v1/kiosk/roster", headers=auth(kiosk)).get_json()
    assert set(roster) == {"station_id", "round", "upcoming", "people"}
    host = client.get("/api/v1/kiosk/roster", headers=auth(station["host_token"]))
    assert host.status_code == 403


def test_the_kiosk_socket_is_kept_out_of_the_host_s_room(app: Any, client: Any, ev: Any) -> None:
    station = ev["stations"][0]
    kiosk = live_socket(app, client, kiosk_token(client, station["host_token"]))
    host = live_socket(app, client, station["host_token"])
    try:
        kiosk.get_received("/live")
        host.get_received("/live")
        body = {
            "client_id": "7a6a4749-f422-59a1-98cb-74dd4a224bd0",
            "station_id": station["id"],
            "topic": "Praktikum",
            "share_contact": True,
        }
        answer = client.post(
            "/api/v1/follow-ups", json=body, headers=auth(ev["participants"][0]["token"])
        )
        assert answer.status_code == 201
        lead = {
            "client_id": "ea9163e6-2011-504b-b2f4-cdc77a990a2d",
            "participant_id": ev["participants"][1]["id"],
        }
        assert (
            client.post("/api/v1/leads", json=lead, headers=auth(station["host_token"])).status_code
            == 201
        )
        got_host = {m["name"] for m in host.get_received("/live")}
        assert {"follow_up", "lead"} <= got_host
        assert kiosk.get_received("/live") == []
        for name, payload in (
            ("lead", lead),
            ("note", {"client_id": "385c7340-a6a8-5adf-a67a-70d94e810c67", "text": "x"}),
        ):
            ack = kiosk.emit(name, payload, namespace="/live", callback=True)
            assert ack["status"] == 403
    finally:
        kiosk.disconnect(namespace="/live")
        host.disconnect(namespace="/live")


def test_leaving_kiosk_mode_takes_the_host_code_and_ends_the_kiosk_token(
    app: Any, client: Any, ev: Any
) -> None:
    from parcours.extensions import socketio

    station = ev["stations"][2]
    kiosk = kiosk_token(client, station["host_token"], pin="97531")

    def leave(pin: str) -> Any:
        return client.post("/api/v1/kiosk/exit", json={"pin": pin}, headers=auth(kiosk))

    host_exit = client.post(
        "/api/v1/kiosk/exit", json={"pin": "97531"}, headers=auth(station["host_token"])
    )
    assert host_exit.status_code == 403
    wrong = leave("13579")
    assert wrong.status_code == 403
    assert (
        wrong.get_json()["error"]["message"] == "That is not the code that was set for this tablet."
    )
    assert leave("12").status_code == 400
    for _ in range(4):
        assert leave("00000").status_code == 403
    blocked = leave("97531")  # five wrong codes within a minute: even the right one waits
    assert blocked.status_code == 429
    assert blocked.get_json()["error"]["fields"]["retry_after_s"]
    app.extensions["parcours_kiosk_pins"].clear(kiosk)  # as if the minute had passed
    done = leave("97531")
    assert done.status_code == 200
    assert done.get_json() == {"url": f"/h/{station['host_token']}"}
    assert client.get("/api/v1/kiosk/roster", headers=auth(kiosk)).status_code == 401
    assert client.get(f"/k/{kiosk}").status_code == 404
    refused = socketio.test_client(
        app, namespace="/live", auth={"token": kiosk}, flask_test_client=client
    )
    assert not refused.is_connected("/live")


def test_wrong_codes_count_for_a_minute(monkeypatch: Any) -> None:
    import limits.storage.memory

    from parcours.domain.errors import TooMany
    from parcours.operations.limits import KIOSK_PINS, FailureGuard, Limits

    clock = SimpleNamespace(now=100.0)
    monkeypatch.setattr(limits.storage.memory, "time", SimpleNamespace(time=lambda: clock.now))
    guard = FailureGuard(Limits(), KIOSK_PINS, "kiosk_pins")
    for _ in range(5):
        guard.check("t")
        guard.failed("t")
        clock.now += 1
    clock.now = 159.0
    with pytest.raises(TooMany):
        guard.check("t")
    guard.check("other")
    clock.now = 160.5
    guard.check("t")  # the first wrong code is a minute old
