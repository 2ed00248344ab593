"""The group-commit writer (parcours.realtime.writer) on real server processes, under eventlet
and gevent: a burst of socket notes is stored exactly once, each acknowledged only once it is
committed (visible to another connection, and still there after a SIGKILL), and a write that
fails inside a batch sends that batch one by one without losing or doubling the others."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.conftest import Server
from tests.realtime.test_live_server import create, crowd_file, post_clock

pytestmark = pytest.mark.server
MODES = ["eventlet", "gevent"]


def db_file(server: Server) -> Path:
    return Path(server.database_url.removeprefix("sqlite:///"))


def stored(server: Server, client_id: str) -> int:
    """How many committed notes carry client_id (read by another connection)."""
    with sqlite3.connect(db_file(server)) as conn:
        return int(
            conn.execute("SELECT COUNT(*) FROM notes WHERE client_id = ?", (client_id,)).fetchone()[
                0
            ]
        )


def phone(server: Server, token: str, headers: dict[str, str] | None = None) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(
        server.url,
        namespaces=["/live"],
        transports=["websocket"],
        headers=headers or {},
        auth={"token": token},
        wait_timeout=20,
    )
    return client


def burst(
    clients: list[socketio.Client],
    notes: list[dict[str, Any]],
    on_ack: Callable[[dict[str, Any], dict[str, Any]], Any] | None = None,
    timeout: float = 30,
) -> list[Any]:
    """Send note i from clients[i % len(clients)], all released at once; return the acks."""
    gate = threading.Barrier(len(notes))

    def one(i: int) -> Any:
        gate.wait()
        try:
            ack = clients[i % len(clients)].call(
                "note", notes[i], namespace="/live", timeout=timeout
            )
        except Exception as err:  # noqa: BLE001 - no ack (the server was killed) is a result
            return f"no ack: {type(err).__name__}"
        return on_ack(notes[i], ack) if on_ack else ack

    with ThreadPoolExecutor(len(notes)) as pool:
        return list(pool.map(one, range(len(notes))))


def close(clients: list[socketio.Client]) -> None:
    """Disconnect all at once (a close after a killed server waits for its timeout)."""
    with ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(lambda c: c.disconnect(), clients))


def start_event(server_factory: Any, tmp_path: Path, mode: str, people: int) -> tuple[Any, Any]:
    server = server_factory(mode).start()
    info = create(server, crowd_file(tmp_path, people))
    start = post_clock(server, info, info["facilitator_token"], action="start")
    assert start.status_code == 200, start.text
    return server, info


@pytest.mark.parametrize("mode", MODES)
def test_a_burst_is_stored_once_and_each_ack_follows_its_commit(
    server_factory: Any, tmp_path: Path, mode: str
) -> None:
    server, info = start_event(server_factory, tmp_path, mode, 40)
    clients = [phone(server, p["token"]) for p in info["participants"]]
    try:
        notes: list[dict[str, Any]] = []
        for n in range(len(clients)):  # each phone: a note, and the same note again at once
            note = {"client_id": str(uuid.uuid4()), "text": f"Gespräch {n}\nZeile zwei"}
            notes.append(note)
        twice = notes + notes  # note i and its repeat go out from the same phone, at once
        bad = {"client_id": "not-a-uuid", "text": "x"}

        def checked(note: dict[str, Any], ack: dict[str, Any]) -> tuple[int, int]:
            # read by another connection the moment the ack arrived: committed already
            return ack["status"], stored(server, note["client_id"])

        answers = burst(clients, [*twice, bad], checked)
        by_note: dict[str, list[int]] = {}
        for note, (status, seen) in zip(twice, answers[:-1], strict=True):
            by_note.setdefault(note["client_id"], []).append(status)
            assert seen == 1, f"acked {status} before its note was committed"
        assert all(sorted(s) == [200, 201] for s in by_note.values()), by_note
        assert answers[-1][0] == 400  # the bad one is refused, with its field, the others stored
        for note in notes:
            assert stored(server, note["client_id"]) == 1
        with sqlite3.connect(db_file(server)) as conn:
            assert conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == len(notes)
        # a repeat later (the retry after a lost ack) is answered 200 and stores nothing
        again = burst(clients, notes)
        assert [a["status"] for a in again] == [200] * len(notes)
    finally:
        close(clients)


@pytest.mark.parametrize("mode", MODES)
def test_a_write_failing_inside_a_batch_sends_the_batch_one_by_one(
    server_factory: Any, tmp_path: Path, mode: str
) -> None:
    server, info = start_event(server_factory, tmp_path, mode, 30)
    with sqlite3.connect(db_file(server)) as conn:  # a fault in the database itself, on one note
        conn.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON notes WHEN NEW.text = 'boom' "
            "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
        )
    clients = [phone(server, p["token"]) for p in info["participants"]]
    try:
        notes = [{"client_id": str(uuid.uuid4()), "text": f"Notiz {n}"} for n in range(30)]
        notes[7]["text"] = "boom"
        acks = burst(clients, notes)
        statuses = [a["status"] for a in acks]
        assert statuses[7] == 500 and acks[7]["body"]["error"]["code"] == "internal_error"
        assert statuses[:7] + statuses[8:] == [201] * 29
        assert [stored(server, n["client_id"]) for n in notes] == [1] * 7 + [0] + [1] * 22
    finally:
        close(clients)


@pytest.mark.xdist_group("faults")  # see tests/realtime/test_soak.py
@pytest.mark.parametrize("mode", MODES)
def test_every_acknowledged_note_survives_a_sigkill_mid_burst(
    server_factory: Any, tmp_path: Path, mode: str
) -> None:
    server, info = start_event(server_factory, tmp_path, mode, 60)
    clients = [phone(server, p["token"]) for p in info["participants"]]
    notes = [{"client_id": str(uuid.uuid4()), "text": f"Notiz {n}"} for n in range(60)]
    killed = threading.Event()

    def kill_at_first_ack(note: dict[str, Any], ack: dict[str, Any]) -> int:
        if not killed.is_set():
            killed.set()
            server.kill()  # the rest of the burst is cut off, mid-batch or between batches
        return int(ack["status"])

    answers = burst(clients, notes, kill_at_first_ack, timeout=10)
    close(clients)
    acked = [n for n, a in zip(notes, answers, strict=True) if a == 201]
    assert acked, answers
    for note in acked:  # acknowledged means committed: nothing acked is lost
        assert stored(server, note["client_id"]) == 1
    server.start()  # the phones send again what they had no ack for; nothing is doubled
    clients = [phone(server, p["token"]) for p in info["participants"]]
    try:
        again = burst(clients, notes)
        for note, answer, ack in zip(notes, answers, again, strict=True):
            assert ack["status"] == (200 if answer == 201 else ack["status"])
            assert ack["status"] in (200, 201)
            assert stored(server, note["client_id"]) == 1
    finally:
        close(clients)


@pytest.mark.parametrize("mode", MODES)
def test_a_refused_note_is_answered_in_the_phone_s_language(
    server_factory: Any, tmp_path: Path, mode: str
) -> None:
    """A note takes the light path (no request context) to the writer; one the writer cannot
    store goes one by one, in the socket's request context, so its error speaks German."""
    server, info = start_event(server_factory, tmp_path, mode, 3)
    client = phone(server, info["participants"][0]["token"], {"Accept-Language": "de"})
    try:
        bad = {"client_id": str(uuid.uuid4()), "text": "Ana\x07"}
        ack = client.call("note", bad, namespace="/live", timeout=30)
        assert ack["status"] == 400, ack
        assert "Steuerzeichen" in ack["body"]["error"]["fields"]["text"][0], ack
        assert stored(server, bad["client_id"]) == 0
        good = {"client_id": str(uuid.uuid4()), "text": "Gespräch"}
        assert client.call("note", good, namespace="/live", timeout=30)["status"] == 201
        assert stored(server, good["client_id"]) == 1
    finally:
        client.disconnect()


@pytest.mark.parametrize("mode", MODES)
def test_a_note_after_the_link_was_replaced_is_refused_and_ends_the_socket(
    server_factory: Any, tmp_path: Path, mode: str
) -> None:
    """The light path hands the note to the writer, which reads the token fresh: a replaced
    participant link is refused with 401 (one by one) and nothing is stored."""
    import requests

    server, info = start_event(server_factory, tmp_path, mode, 3)
    person = info["participants"][0]
    client = phone(server, person["token"])
    try:
        ok = {"client_id": str(uuid.uuid4()), "text": "Gespräch"}
        assert client.call("note", ok, namespace="/live", timeout=30)["status"] == 201
        rotated = requests.post(
            f"{server.url}/api/v1/events/{info['event_id']}/links/rotate",
            json={"role": "participant", "participant_id": person["id"]},
            headers={"Authorization": f"Bearer {info['organiser_token']}"},
            timeout=20,
        )
        assert rotated.status_code == 200, rotated.text
        late = {"client_id": str(uuid.uuid4()), "text": "zu spät"}
        try:
            ack = client.call("note", late, namespace="/live", timeout=10)
        except Exception:  # noqa: BLE001 - the socket was ended already: nothing written
            ack = None
        assert ack is None or ack["status"] == 401, ack
        assert stored(server, late["client_id"]) == 0
        assert stored(server, ok["client_id"]) == 1
    finally:
        client.disconnect()


@pytest.mark.parametrize("mode", MODES)
def test_bad_notes_on_the_light_path_get_a_4xx_and_store_nothing(
    server_factory: Any, tmp_path: Path, mode: str
) -> None:
    """Wrong JSON type, a text over the body cap, huge integers, a role that writes no notes:
    each is answered with its 4xx (one by one, after the writer left it out), nothing stored."""
    server, info = start_event(server_factory, tmp_path, mode, 3)
    person = phone(server, info["participants"][0]["token"])
    screen = phone(server, info["screen_token"])
    try:
        cid = str(uuid.uuid4())
        cases = [
            (person, ["not", "an", "object"], 400),
            (person, {"client_id": cid, "text": "x" * 200_000}, 413),  # over the body cap
            (person, {"client_id": cid, "text": "x", "station_id": 10**30}, 400),
            (person, {"client_id": cid, "text": "x", "_params": {"note_id": 10**30}}, 400),
            (screen, {"client_id": cid, "text": "x"}, 403),
        ]
        for client, body, status in cases:
            ack = client.call("note", body, namespace="/live", timeout=30)
            assert ack["status"] == status, (str(body)[:80], ack)
            assert ack["body"]["error"]["code"], ack
        assert stored(server, cid) == 0
        ok = {"client_id": str(uuid.uuid4()), "text": "Gespräch"}
        assert person.call("note", ok, namespace="/live", timeout=30)["status"] == 201
    finally:
        close([person, screen])
