"""Capture writes over HTTP and over the socket: exactly once, roles, every invalid field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import auth

ROUTES = {
    "note": "/notes",
    "follow_up": "/follow-ups",
    "lead": "/leads",
    "check_in": "/check-ins",
    "wall_card": "/wall",
    "wall_vote": "/wall/{card_id}/vote",
    "wall_moderate": "/events/{event_id}/wall/{card_id}",
}


class Sender:
    """Send a write over HTTP or over the /live socket; return (status, body) either way."""

    def __init__(self, app: Any, client: Any, transport: str) -> None:
        self.app, self.client, self.transport = app, client, transport
        self.sockets: dict[str, Any] = {}

    def __call__(
        self, token: str, event: str, body: Any, params: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        if self.transport == "http":
            path = "/api/v1" + ROUTES[event].format(**(params or {}))
            answer = self.client.post(path, json=body, headers=auth(token))
            return answer.status_code, answer.get_json()
        payload = body
        if params and isinstance(body, dict):
            payload = {**body, "_params": {k: v for k, v in params.items() if k != "event_id"}}
        ack = self.socket(token).emit(event, payload, namespace="/live", callback=True)
        return ack["status"], ack["body"]

    def socket(self, token: str) -> Any:
        """Return a connected /live test client for the token (one per token)."""
        if token not in self.sockets:
            from parcours.extensions import socketio

            self.sockets[token] = socketio.test_client(
                self.app, namespace="/live", auth={"token": token}, flask_test_client=self.client
            )
            assert self.sockets[token].is_connected("/live")
        return self.sockets[token]

    def close(self) -> None:
        """Disconnect every socket."""
        for sock in self.sockets.values():
            if sock.is_connected("/live"):
                sock.disconnect(namespace="/live")


@pytest.fixture(params=["http", "socket"])
def send(request: Any, app: Any, client: Any) -> Iterator[Sender]:
    """Return a sender for each transport in turn."""
    sender = Sender(app, client, request.param)
    yield sender
    sender.close()


@pytest.fixture
def ev(make_event: Any) -> dict[str, Any]:
    """Return the small example event."""
    return make_event("small")


def count(app: Any, model: Any) -> int:
    """Return how many rows a table holds."""
    from parcours.extensions import db

    with app.app_context():
        return int(db.session().scalar(select(func.count()).select_from(model)) or 0)


def person(ev: dict[str, Any], index: int = 0) -> str:
    return str(ev["participants"][index]["token"])


def host(ev: dict[str, Any], index: int = 0) -> str:
    return str(ev["stations"][index]["host_token"])


def station(ev: dict[str, Any], index: int = 0) -> int:
    return int(ev["stations"][index]["id"])


def test_note_is_stored_once_and_the_repeat_returns_it(send: Sender, app: Any, ev: Any) -> None:
    from parcours.storage import Note

    body = {
        "client_id": "eb356f26-8671-51a2-a33a-bdb2874b7b3a",
        "text": "<script>alert(1)</script>",
        "station_id": station(ev),
    }
    status, first = send(person(ev), "note", body)
    assert status == 201
    assert first["id"] and first["client_id"] == "eb356f26-8671-51a2-a33a-bdb2874b7b3a"
    assert first["text"] == "<script>alert(1)</script>"  # stored as typed; escaped when shown
    status, again = send(person(ev), "note", {**body, "text": "changed on the way"})
    assert status == 200
    assert again == first
    assert count(app, Note) == 1


def test_the_same_client_id_from_someone_else_is_another_record(
    send: Sender, app: Any, ev: Any
) -> None:
    from parcours.storage import Note

    body = {"client_id": "c237145d-73c9-5608-ba93-5de4db16fa33", "text": "hello"}
    assert send(person(ev, 0), "note", body)[0] == 201
    assert send(person(ev, 1), "note", body)[0] == 201
    assert send(host(ev, 0), "note", body)[0] == 201
    assert count(app, Note) == 3


def test_host_notes_belong_to_their_own_station(send: Sender, ev: Any) -> None:
    status, note = send(
        host(ev, 1),
        "note",
        {"client_id": "813f992f-c58c-5881-af81-ef51acdbb99b", "text": "good talk"},
    )
    assert (status, note["station_id"]) == (201, station(ev, 1))
    body = {
        "client_id": "81cc0a16-5319-5d14-bad9-9a43928fc937",
        "text": "x",
        "station_id": station(ev, 0),
    }
    status, error = send(host(ev, 1), "note", body)
    assert status == 403 and error["error"]["code"] == "forbidden"


def test_follow_up_once_and_contact_only_with_consent(
    send: Sender, app: Any, client: Any, ev: Any
) -> None:
    from parcours.storage import FollowUp

    topic = "Ausbildung von Geflüchteten: Eintragung, Berufsschule, Prüfungen"
    base = {"station_id": station(ev, 1), "topic": topic.upper(), "message": "Bitte anrufen"}
    status, shared = send(
        person(ev, 0),
        "follow_up",
        {**base, "client_id": "1bd2b70d-edfb-57ed-aa88-6d6d26cb152b", "share_contact": True},
    )
    assert status == 201 and shared["topic"] == topic  # the catalogue's spelling
    status, again = send(
        person(ev, 0),
        "follow_up",
        {**base, "client_id": "1bd2b70d-edfb-57ed-aa88-6d6d26cb152b", "share_contact": True},
    )
    assert (status, again) == (200, shared)
    free = {
        **base,
        "topic": "Something else entirely",
        "client_id": "447e7f3c-7c90-5e5a-9fd4-70d48d5fe101",
    }
    status, private = send(person(ev, 1), "follow_up", {**free, "share_contact": False})
    assert status == 201 and private["topic"] == "Something else entirely"
    assert count(app, FollowUp) == 2
    path = f"/api/v1/events/{ev['event_id']}/stations/{station(ev, 1)}/follow-ups"
    rows = client.get(path, headers=auth(host(ev, 1))).get_json()
    by_id = {row["client_id"]: row["participant"] for row in rows}
    assert by_id["1bd2b70d-edfb-57ed-aa88-6d6d26cb152b"]["email"] == "jana.waechter@example.org"
    assert by_id["1bd2b70d-edfb-57ed-aa88-6d6d26cb152b"]["name"] == "Jana Wächter"
    hidden = by_id["447e7f3c-7c90-5e5a-9fd4-70d48d5fe101"]
    assert hidden["pseudonym"].startswith("P-")
    assert hidden["name"] is hidden["email"] is hidden["phone"] is None
    assert client.get(path, headers=auth(ev["organiser_token"])).status_code == 200


def test_station_follow_ups_are_for_that_station_only(client: Any, ev: Any) -> None:
    path = f"/api/v1/events/{ev['event_id']}/stations/{station(ev, 1)}/follow-ups"
    assert client.get(path, headers=auth(host(ev, 0))).status_code == 403
    assert client.get(path, headers=auth(person(ev))).status_code == 403
    assert client.get(path, headers=auth(ev["facilitator_token"])).status_code == 403
    assert client.get(path).status_code == 401
    other = f"/api/v1/events/{ev['event_id']}/stations/99999/follow-ups"
    assert client.get(other, headers=auth(ev["organiser_token"])).status_code == 404


def test_lead_once_per_station(send: Sender, app: Any, ev: Any) -> None:
    from parcours.storage import Lead

    body = {
        "client_id": "f094e710-6f76-54c7-99c9-e424b2aac9be",
        "participant_id": ev["participants"][2]["id"],
        "topic": "Einstiegsqualifizierung",
        "note": "Ruft nächste Woche an",
    }
    status, lead = send(host(ev, 1), "lead", body)
    assert status == 201 and lead["station_id"] == station(ev, 1) and lead["id"]
    assert send(host(ev, 1), "lead", body) == (200, lead)
    assert send(host(ev, 2), "lead", body)[0] == 201  # another station's id space
    assert count(app, Lead) == 2


def test_check_in_by_code_once(send: Sender, app: Any, ev: Any) -> None:
    from parcours.storage import CheckIn

    code = ev["stations"][2]["code"]
    body = {
        "client_id": "73b8d768-7269-5b95-9ad7-f91b6de4a5d1",
        "station_code": f" {code.lower()} ",
    }
    status, row = send(person(ev), "check_in", body)
    assert status == 201 and row["station_id"] == station(ev, 2) and row["station_name"]
    assert send(person(ev), "check_in", body) == (200, row)
    assert count(app, CheckIn) == 1


REFUSED = [
    ("note", "screen_token"),
    ("note", "facilitator_token"),
    ("note", "organiser_token"),
    ("follow_up", "host"),
    ("follow_up", "facilitator_token"),
    ("lead", "participant"),
    ("lead", "organiser_token"),
    ("check_in", "host"),
    ("check_in", "screen_token"),
    ("wall_card", "host"),
    ("wall_card", "screen_token"),
]


@pytest.mark.parametrize(("event", "who"), REFUSED)
def test_roles_are_refused_where_they_should_be(
    send: Sender, ev: Any, event: str, who: str
) -> None:
    token = {"host": host(ev), "participant": person(ev)}.get(who) or ev[who]
    body = valid_body(ev, event)
    status, error = send(token, event, body)
    assert status == 403
    assert error["error"]["code"] == "forbidden"


def valid_body(ev: dict[str, Any], event: str) -> dict[str, Any]:
    """Return a body that the right role could send."""
    return {
        "note": {"client_id": "8736d2e9-bfbd-5758-89a4-7a26c5b19e3c", "text": "ok"},
        "follow_up": {
            "client_id": "8736d2e9-bfbd-5758-89a4-7a26c5b19e3c",
            "station_id": station(ev),
            "topic": "t",
            "share_contact": False,
        },
        "lead": {
            "client_id": "8736d2e9-bfbd-5758-89a4-7a26c5b19e3c",
            "participant_id": ev["participants"][0]["id"],
        },
        "check_in": {
            "client_id": "8736d2e9-bfbd-5758-89a4-7a26c5b19e3c",
            "station_code": ev["stations"][0]["code"],
        },
        "wall_card": {"client_id": "8736d2e9-bfbd-5758-89a4-7a26c5b19e3c", "text": "idea"},
    }[event]


def test_without_a_token_http_says_401(client: Any) -> None:
    for path in ("/notes", "/follow-ups", "/leads", "/check-ins", "/wall"):
        answer = client.post("/api/v1" + path, json={})
        assert answer.status_code == 401
        assert answer.get_json()["error"]["code"] == "unauthorized"


LONG = "x" * 2001
INVALID = [
    ("note", "participant", {"client_id": None}, "client_id"),
    ("note", "participant", {"client_id": "short"}, "client_id"),
    ("note", "participant", {"client_id": "bad id with spaces"}, "client_id"),
    ("note", "participant", {"client_id": "note-0001-not-a-uuid"}, "client_id"),
    ("note", "participant", {"text": None}, "text"),
    ("note", "participant", {"text": "   "}, "text"),
    ("note", "participant", {"text": LONG}, "text"),
    ("note", "participant", {"text": "bell\x07"}, "text"),
    ("note", "participant", {"station_id": 99999}, "station_id"),
    ("note", "participant", {"station_id": "1"}, "station_id"),
    ("note", "participant", {"round": 0}, "round"),
    ("note", "participant", {"round": 3}, "round"),
    ("note", "participant", {"participant_id": 2}, "participant_id"),
    ("note", "host", {"author": "p:1"}, "author"),
    ("follow_up", "participant", {"station_id": None}, "station_id"),
    ("follow_up", "participant", {"station_id": 99999}, "station_id"),
    ("follow_up", "participant", {"topic": ""}, "topic"),
    ("follow_up", "participant", {"topic": "y" * 201}, "topic"),
    ("follow_up", "participant", {"topic": "two\nlines"}, "topic"),
    ("follow_up", "participant", {"message": LONG}, "message"),
    ("follow_up", "participant", {"share_contact": "yes"}, "share_contact"),
    ("follow_up", "participant", {"share_contact": None}, "share_contact"),
    ("follow_up", "participant", {"participant_id": 3}, "participant_id"),
    ("lead", "host", {"participant_id": None}, "participant_id"),
    ("lead", "host", {"participant_id": 99999}, "participant_id"),
    ("lead", "host", {"topic": "y" * 201}, "topic"),
    ("lead", "host", {"note": LONG}, "note"),
    ("lead", "host", {"station_id": 2}, "station_id"),
    ("check_in", "participant", {"station_code": None}, "station_code"),
    ("check_in", "participant", {"station_code": "<b>"}, "station_code"),
    ("check_in", "participant", {"station_code": "ZZZZ"}, "station_code"),
    ("wall_card", "participant", {"text": "z" * 281}, "text"),
    ("wall_card", "participant", {"text": " "}, "text"),
    ("wall_card", "participant", {"kind": "rant"}, "kind"),
]


@pytest.mark.parametrize("event", sorted({case[0] for case in INVALID}))
def test_each_invalid_field_is_named_and_nothing_is_stored(
    send: Sender, app: Any, ev: Any, event: str
) -> None:
    from parcours.storage import CheckIn, FollowUp, Lead, Note, WallCard

    for _event, who, change, field in [case for case in INVALID if case[0] == event]:
        token = host(ev) if who == "host" else person(ev)
        body = {**valid_body(ev, event), **change}
        body = {k: v for k, v in body.items() if v is not None}
        status, error = send(token, event, body)
        assert status == 400, (change, error)
        assert error["error"]["code"] == "validation_error"
        assert field in error["error"]["fields"], (change, error)
        assert field in error["error"]["message"]
    assert sum(count(app, m) for m in (Note, FollowUp, Lead, CheckIn, WallCard)) == 0


def test_a_body_that_is_not_an_object_is_refused(send: Sender, ev: Any) -> None:
    status, error = send(person(ev), "note", ["not", "an", "object"])
    assert status == 400 and error["error"]["code"] == "validation_error"


def test_nothing_is_written_after_shred(send: Sender, app: Any, ev: Any) -> None:
    from parcours.extensions import db
    from parcours.storage import Event, utcnow

    with app.app_context():
        session = db.session()
        session.get(Event, ev["event_id"]).shredded_at = utcnow()
        session.commit()
    for event, token in (("note", person(ev)), ("lead", host(ev)), ("check_in", person(ev))):
        status, error = send(token, event, valid_body(ev, event))
        assert status == 409 and error["error"]["code"] == "conflict"


def test_oversize_bodies_get_413(send: Sender, ev: Any) -> None:
    body = {"client_id": "adf8dc0b-529b-5768-91db-6918f86dd742", "text": "x" * (70 * 1024)}
    status, error = send(person(ev), "note", body)
    assert status == 413
    assert error["error"]["code"] == "payload_too_large"


def test_a_token_that_sends_too_fast_gets_429(send: Sender, app: Any, ev: Any) -> None:
    app.config["RATE_LIMIT_PER_MINUTE"] = 3
    answers = [
        send(
            person(ev), "note", {"client_id": f"00000000-0000-4000-8000-{i:012d}", "text": "fast"}
        )[0]
        for i in range(5)
    ]
    assert answers[:3] == [201, 201, 201]
    assert answers[3:] == [429, 429]
    assert (
        send(
            person(ev, 1),
            "note",
            {"client_id": "1f732ba4-1617-5d5d-b4c5-10d329437fd6", "text": "x"},
        )[0]
        == 201
    )
    status, error = send(
        person(ev), "note", {"client_id": "2b8a0183-b458-5c1a-8d2e-dead8442a463", "text": "x"}
    )
    assert status == 429 and error["error"]["code"] == "rate_limited"
