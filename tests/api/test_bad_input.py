"""Bad input is a 4xx with the JSON error, never a 500 and never silence (HTTP and socket)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.test_capture import Sender, host, person, station
from tests.conftest import auth

HUGE = 2**63  # one above the database's BIGINT
HUGER = 10**30


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


def cid() -> str:
    return str(uuid.uuid4())


def assert_field(status: int, body: Any, field: str) -> None:
    """The answer is a 400 naming the field."""
    assert status == 400, body
    assert body["error"]["code"] == "validation_error", body
    assert field in body["error"]["fields"], body


@pytest.mark.parametrize("value", [HUGE, HUGER, -HUGE])
def test_huge_integers_in_bodies_are_named(send: Sender, ev: Any, value: int) -> None:
    status, body = send(person(ev), "note", {"client_id": cid(), "text": "x", "station_id": value})
    assert_field(status, body, "station_id")
    status, body = send(host(ev), "lead", {"client_id": cid(), "participant_id": value})
    assert_field(status, body, "participant_id")
    status, body = send(person(ev), "note", {"client_id": cid(), "text": "x", "round": value})
    assert_field(status, body, "round")


def test_huge_integers_in_paths_are_not_found(client: Any, ev: Any) -> None:
    token = ev["organiser_token"]
    for path in (
        f"/api/v1/events/{HUGE}",
        f"/api/v1/events/{ev['event_id']}/stations/{HUGER}/roster",
        f"/api/v1/events/{ev['event_id']}/wall/{HUGE}",
        f"/api/v1/wall/{HUGER}/vote",
    ):
        method = client.post if "wall" in path else client.get
        answer = method(path, json={"status": "approved"}, headers=auth(token))
        assert answer.status_code == 404, (path, answer.get_data(as_text=True))
        assert answer.get_json()["error"]["code"] == "not_found"


def test_huge_integers_in_socket_params_are_named(app: Any, client: Any, ev: Any) -> None:
    sender = Sender(app, client, "socket")
    try:
        for card in (HUGE, -1, "1", True, None, [1]):
            status, body = sender(person(ev), "wall_vote", {"client_id": cid()}, {"card_id": card})
            assert_field(status, body, "_params.card_id")
    finally:
        sender.close()


@pytest.mark.parametrize("params", ["card", 5, ["card_id", 1], True])
def test_socket_params_that_are_not_an_object_get_an_error_ack(
    app: Any, client: Any, ev: Any, params: Any
) -> None:
    sender = Sender(app, client, "socket")
    try:
        ack = sender.socket(person(ev)).emit(
            "wall_vote", {"client_id": cid(), "_params": params}, namespace="/live", callback=True
        )
        assert_field(ack["status"], ack["body"], "_params")
    finally:
        sender.close()


def test_json_nested_20000_deep_is_400(client: Any, ev: Any) -> None:
    deep = "[" * 20_000 + "]" * 20_000
    for path, token in (("/api/v1/notes", person(ev)), (f"/api/v1/join/{ev['join_code']}", None)):
        headers = {"Content-Type": "application/json", **(auth(token) if token else {})}
        answer = client.post(path, data=deep, headers=headers)
        assert answer.status_code == 400, answer.get_data(as_text=True)
        assert answer.get_json()["error"]["code"] == "validation_error"
        body = '{"client_id": "' + cid() + '", "text": ' + deep + "}"
        answer = client.post(path, data=body, headers=headers)
        assert answer.status_code == 400


def test_nesting_deeper_than_any_shape_is_400(send: Sender, ev: Any) -> None:
    deep: Any = "x"
    for _ in range(200):
        deep = [deep]
    status, body = send(person(ev), "note", {"client_id": cid(), "text": deep})
    assert status == 400 and body["error"]["code"] == "validation_error"


def test_a_lone_surrogate_in_any_text_is_400(send: Sender, client: Any, ev: Any) -> None:
    for text in ("\ud800", "ok \udfff ok"):
        status, body = send(person(ev), "note", {"client_id": cid(), "text": text})
        assert_field(status, body, "text")
        status, body = send(
            person(ev),
            "follow_up",
            {"client_id": cid(), "station_id": station(ev), "topic": text, "share_contact": False},
        )
        assert_field(status, body, "topic")
    raw = '{"name": "Ana \\ud800", "consent": true}'
    answer = client.post(
        f"/api/v1/join/{ev['join_code']}", data=raw, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400 and "name" in answer.get_json()["error"]["fields"]


@pytest.mark.parametrize("value", ["note-0001", "x" * 36, "12345678", 12345678, ""])
def test_client_id_must_be_a_uuid(send: Sender, ev: Any, value: Any) -> None:
    status, body = send(person(ev), "note", {"client_id": value, "text": "x"})
    assert_field(status, body, "client_id")


def test_a_client_id_in_capitals_is_the_same_record(send: Sender, ev: Any) -> None:
    same = cid()
    first = send(person(ev), "note", {"client_id": same.upper(), "text": "x"})
    again = send(person(ev), "note", {"client_id": same, "text": "x"})
    assert (first[0], again[0]) == (201, 200)
    assert first[1]["id"] == again[1]["id"] and first[1]["client_id"] == same


@pytest.mark.parametrize("consent", ["yes", "true", 1, "1", "on"])
def test_consent_must_be_a_real_boolean(client: Any, ev: Any, consent: Any) -> None:
    answer = client.post(
        f"/api/v1/join/{ev['join_code']}", json={"name": "Ana", "consent": consent}
    )
    assert answer.status_code == 400
    assert "consent" in answer.get_json()["error"]["fields"]


@pytest.mark.parametrize("share", ["yes", 1, "true"])
def test_share_contact_must_be_a_real_boolean(send: Sender, ev: Any, share: Any) -> None:
    body = {"client_id": cid(), "station_id": station(ev), "topic": "x", "share_contact": share}
    assert_field(*send(person(ev), "follow_up", body), "share_contact")


@pytest.mark.parametrize(
    "name",
    [
        "   ",
        "\t\n",
        "Ana\x00",
        "Ana\x1b[31m",
        "Ana\u202eevil",  # right-to-left override
        "Ana\u2066x\u2069",  # isolates
        "Ana\nBerg",  # one line only
        "Ana\x85Berg",  # C1 control
    ],
)
def test_names_refuse_blank_control_and_bidi(client: Any, ev: Any, name: str) -> None:
    answer = client.post(f"/api/v1/join/{ev['join_code']}", json={"name": name, "consent": True})
    assert answer.status_code == 400, answer.get_json()
    assert "name" in answer.get_json()["error"]["fields"]


def test_names_are_stripped_before_they_are_checked(client: Any, ev: Any) -> None:
    answer = client.post(
        f"/api/v1/join/{ev['join_code']}",
        json={"name": "  Ana Berg  ", "organisation": " Stadtwerke ", "consent": True},
    )
    assert answer.status_code == 201, answer.get_json()
    person_ = answer.get_json()["participant"]
    assert (person_["name"], person_["organisation"]) == ("Ana Berg", "Stadtwerke")
    long_but_padded = " " * 10 + "A" * 120 + " " * 10
    answer = client.post(
        f"/api/v1/join/{ev['join_code']}", json={"name": long_but_padded, "consent": True}
    )
    assert answer.status_code == 201


@pytest.mark.parametrize("text", ["hi\u202egnp.exe", "bell\x07", "esc\x1b"])
def test_free_texts_refuse_control_and_bidi(send: Sender, ev: Any, text: str) -> None:
    status, body = send(person(ev), "note", {"client_id": cid(), "text": text})
    assert_field(status, body, "text")


def test_free_texts_keep_line_breaks_and_are_stripped(send: Sender, ev: Any) -> None:
    status, note = send(person(ev), "note", {"client_id": cid(), "text": "  line 1\nline 2\t \n"})
    assert status == 201 and note["text"] == "line 1\nline 2"


@pytest.mark.parametrize("token", [{"a": 1}, ["x"], 12345, True])
def test_socket_auth_token_that_is_not_text_is_refused(app: Any, client: Any, token: Any) -> None:
    from parcours.extensions import socketio

    sock = socketio.test_client(
        app, namespace="/live", auth={"token": token}, flask_test_client=client
    )
    assert not sock.is_connected("/live")


def test_a_participant_deleted_while_connected_gets_an_error_ack(
    app: Any, client: Any, ev: Any
) -> None:
    from parcours.domain.actors import Actor
    from parcours.extensions import db
    from parcours.services.setup.roster import delete_person

    sender = Sender(app, client, "socket")
    try:
        token = person(ev, 1)
        status, _ = sender(token, "note", {"client_id": cid(), "text": "before"})
        assert status == 201
        with app.app_context():
            organiser = Actor(role="organiser", event_id=ev["event_id"])
            delete_person(db.session(), organiser, ev["event_id"], ev["participants"][1]["id"])
        for event, body in (
            ("note", {"client_id": cid(), "text": "after"}),
            ("check_in", {"client_id": cid(), "station_code": ev["stations"][0]["code"]}),
            ("wall_card", {"client_id": cid(), "text": "after"}),
            (
                "follow_up",
                {
                    "client_id": cid(),
                    "station_id": station(ev),
                    "topic": "x",
                    "share_contact": True,
                },
            ),
        ):
            if not sender.socket(token).is_connected("/live"):
                break  # revocation closed the socket: nothing more can be written
            ack = sender.socket(token).emit(event, body, namespace="/live", callback=True)
            assert ack is not None, event
            assert 400 <= ack["status"] < 500, (event, ack)
    finally:
        sender.close()


def test_toml_with_thousands_of_nested_arrays_is_a_clear_error(
    app: Any, client: Any, tmp_path: Any
) -> None:
    from tests.web.test_organiser import login, make_organiser

    make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    deep = "[event]\ntitle = 'x'\n[[participants]]\nname = 'A'\ninterests = "
    deep += "[" * 5000 + "]" * 5000 + "\n"
    answer = client.post(
        "/organiser/events/upload",
        data={"file": (__import__("io").BytesIO(deep.encode()), "deep.toml")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    assert "nested too deeply" in answer.get_data(as_text=True)
    shallow = "[event]\ntitle = 'x'\n[[participants]]\nname = 'A'\ninterests = "
    shallow += "[" * 100 + "]" * 100 + "\n"
    answer = client.post(
        "/organiser/events/upload",
        data={"file": (__import__("io").BytesIO(shallow.encode()), "deep.toml")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    path = tmp_path / "deep.toml"
    path.write_text(deep)
    from click.testing import CliRunner

    from parcours.cli import read_event_file

    def read() -> None:
        read_event_file(path)

    import click

    result = CliRunner().invoke(click.command()(read))
    assert result.exit_code == 2 and "nested too deeply" in result.output


def test_json_error_body_is_valid_json_everywhere(client: Any, ev: Any) -> None:
    """Even the refusal of broken input is well-formed JSON (no echo of the surrogate)."""
    answer = client.post(
        "/api/v1/notes",
        data='{"client_id": "\\ud800", "text": "x"}',
        headers={"Content-Type": "application/json", **auth(person(ev))},
    )
    assert answer.status_code == 400
    json.loads(answer.get_data(as_text=True))


def test_the_new_messages_speak_german(client: Any, ev: Any) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    for name, words in (
        ("Ana\x07", "Steuerzeichen"),
        ("Ana\u202eB", "Schreibrichtung"),
        ("Ana\ud800", "gültiger Text"),
    ):
        raw = json.dumps({"name": name, "consent": True})
        answer = client.post(
            f"/api/v1/join/{ev['join_code']}",
            data=raw,
            headers={"Content-Type": "application/json"},
        )
        assert answer.status_code == 400
        assert words in answer.get_json()["error"]["fields"]["name"][0], answer.get_json()


def test_a_socket_event_nested_20000_deep_is_acknowledged_400(
    app: Any, client: Any, ev: Any
) -> None:
    from parcours.extensions import socketio

    sock = socketio.test_client(
        app, namespace="/live", auth={"token": person(ev)}, flask_test_client=client
    )
    try:
        assert sock.is_connected("/live")
        deep = "[" * 20_000 + "]" * 20_000
        # written by hand: a Python client cannot even encode it
        socketio.server._handle_eio_message(sock.eio_sid, f'2/live,7["note",{deep}]')
        assert sock.acks is not None  # an ACK packet: the id 7 was kept
        ack = sock.acks["args"][0]
        assert ack["status"] == 400 and ack["body"]["error"]["code"] == "validation_error"
        assert sock.is_connected("/live")
        status = sock.emit(
            "note", {"client_id": cid(), "text": "ok"}, namespace="/live", callback=True
        )
        assert status["status"] == 201  # the socket still works
    finally:
        sock.disconnect(namespace="/live")
