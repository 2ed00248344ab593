"""Real python-socketio clients for the server-process tests (one thread pair per client)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import socketio


class LiveClient:
    """A /live client that remembers every state it received."""

    def __init__(self, url: str, token: str, reconnect: bool = True) -> None:
        self.url = url
        self.token = token
        self.states: list[dict[str, Any]] = []
        self.connects = 0
        self.changed = threading.Condition()
        self.sio = socketio.Client(
            reconnection=reconnect, reconnection_delay=0.2, reconnection_delay_max=1
        )
        self.sio.on("state", self._on_state, namespace="/live")
        self.sio.on("connect", self._on_connect, namespace="/live")

    def _on_state(self, data: dict[str, Any]) -> None:
        with self.changed:
            self.states.append(data)
            self.changed.notify_all()

    def _on_connect(self) -> None:
        with self.changed:
            self.connects += 1
            self.changed.notify_all()

    def connect(self) -> LiveClient:
        """Connect over websocket with the token (raises socketio.exceptions.ConnectionError)."""
        self.sio.connect(
            self.url,
            namespaces=["/live"],
            transports=["websocket"],
            auth={"token": self.token},
            wait_timeout=20,
        )
        return self

    def wait(self, check: Callable[[LiveClient], bool], timeout: float = 30) -> bool:
        """Wait until check(self) holds; return whether it did."""
        with self.changed:
            return self.changed.wait_for(lambda: check(self), timeout)

    def wait_state(self, check: Callable[[dict[str, Any]], bool], timeout: float = 30) -> bool:
        """Wait for a received state that passes check."""
        return self.wait(lambda c: any(check(s) for s in c.states), timeout)

    def clock(self, action: str, **extra: Any) -> dict[str, Any]:
        """Send a clock action over the socket; return the ack {status, body}."""
        ack = self.sio.call("clock", {"action": action, **extra}, namespace="/live", timeout=20)
        return dict(ack)

    def close(self) -> None:
        """Disconnect (no reconnection afterwards)."""
        with contextlib.suppress(Exception):  # closing after a killed server may fail
            self.sio.disconnect()


def connect_many(url: str, tokens: list[str], workers: int = 16) -> list[LiveClient]:
    """Connect one client per token, several at a time."""
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda t: LiveClient(url, t).connect(), tokens))


def close_all(clients: list[LiveClient]) -> None:
    """Disconnect every client, all at once (a close may wait ~3 s for the server's reply)."""
    with ThreadPoolExecutor(max(1, min(256, len(clients)))) as pool:
        list(pool.map(lambda c: c.close(), clients))
