"""Capture over a real server's socket: oversize payloads, and duplicates arriving at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests
import socketio

from tests.conftest import auth, create_event_on

pytestmark = pytest.mark.server


def connect(server: Any, token: str) -> socketio.Client:
    """Return a python-socketio client connected to /live over websocket."""
    client = socketio.Client(reconnection=False)
    client.connect(
        server.url,
        namespaces=["/live"],
        auth={"token": token},
        transports=["websocket"],
        wait_timeout=10,
    )
    return client


def test_socket_writes_on_a_real_server(server: Any) -> None:
    ev = create_event_on(server, "small")
    token = ev["participants"][0]["token"]
    clients = [connect(server, token) for _ in range(8)]
    try:
        big = {"client_id": "bbe05aa7-47b4-561b-8db9-0898c72a8cf1", "text": "x" * (70 * 1024)}
        ack = clients[0].call("note", big, namespace="/live", timeout=10)
        assert ack["status"] == 413 and ack["body"]["error"]["code"] == "payload_too_large"
        assert clients[0].connected  # refused with an answer, not dropped

        answers: list[int] = []
        start = threading.Barrier(len(clients))

        def send(client: socketio.Client) -> None:
            start.wait()
            body = {"client_id": "fa038e3a-e22d-55bc-94f8-03f139fc8610", "text": "Ende der Runde"}
            answers.append(client.call("note", body, namespace="/live", timeout=20)["status"])

        threads = [threading.Thread(target=send, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sorted(answers) == [200] * (len(clients) - 1) + [201]
    finally:
        for client in clients:
            client.disconnect()
    me = requests.get(server.url + "/api/v1/me", headers=auth(token), timeout=10).json()
    assert [n["client_id"] for n in me["notes"]] == ["fa038e3a-e22d-55bc-94f8-03f139fc8610"]
