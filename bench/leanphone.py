"""A lean phone for the benchmarks: Socket.IO 5 over one websocket (Engine.IO 4), by hand.

python-socketio's client costs the load generator about as much CPU per note as the server
spends on it (BENCHMARKS.md, "Burst"): on a 2-core machine where both run, that CPU is taken
from the server, so the figures say more about the client than about the server. Real phones
bring their own CPU. This phone does only what a phone does in a burst, with the same frames on
the wire: it connects to a namespace with its token, answers the server's pings, sends an event
with an ack id and waits for the ack, and hands every "state" broadcast to a callback.
For gevent (the benchmarks' client processes patch the standard library first).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import gevent
import websocket
from gevent.event import AsyncResult

PING, PONG = "2", "3"


class LeanPhone:
    """One phone: a websocket, a reader greenlet, acks by id."""

    def __init__(
        self,
        url: str,
        token: str,
        namespace: str = "/live",
        on_state: Callable[[dict[str, Any]], None] | None = None,
        timeout: float = 60,
    ) -> None:
        address = url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        self.ws = websocket.create_connection(address, timeout=timeout, enable_multithread=True)
        self.namespace = namespace
        self.on_state = on_state
        self.acks: dict[int, AsyncResult] = {}
        self.ids = itertools.count(1)
        opening = self.ws.recv()
        if not opening.startswith("0"):
            raise ConnectionError(f"no Engine.IO opening: {opening[:80]}")
        self.ws.send(f"40{namespace}," + json.dumps({"token": token}))
        while True:  # the namespace's answer: connected (40) or refused (44)
            frame = self.ws.recv()
            if frame == PING:
                self.ws.send(PONG)
            elif frame.startswith(f"40{namespace},"):
                break
            elif frame.startswith(f"44{namespace},"):
                raise ConnectionError(f"refused: {frame[len(namespace) + 3 :]}")
            else:
                self._event(frame)
        self.ws.settimeout(None)
        self.reader = gevent.spawn(self._read)

    def _read(self) -> None:
        ack = f"43{self.namespace},"
        while True:
            try:
                frame = self.ws.recv()
            except Exception:  # noqa: BLE001 - closed: the phone is gone
                for waiter in self.acks.values():
                    waiter.set_exception(ConnectionError("closed"))
                return
            if frame == PING:
                self.ws.send(PONG)
            elif frame.startswith(ack):
                rest = frame[len(ack) :]
                start = rest.index("[")
                waiter = self.acks.pop(int(rest[:start]), None)
                if waiter is not None:
                    waiter.set(rest[start:])
            else:
                self._event(frame)

    def _event(self, frame: str) -> None:
        prefix = f"42{self.namespace},"
        if self.on_state is not None and frame.startswith(prefix + '["state",'):
            self.on_state(json.loads(frame[len(prefix) :])[1])

    def call(
        self, event: str, data: Any, namespace: str | None = None, timeout: float = 120
    ) -> Any:
        """Emit event with data and an ack id; return the ack's first argument (the same
        signature as python-socketio's Client.call)."""
        assert namespace in (None, self.namespace)
        ack_id = next(self.ids)
        waiter = AsyncResult()
        self.acks[ack_id] = waiter
        self.ws.send(f"42{self.namespace},{ack_id}" + json.dumps([event, data]))
        return json.loads(waiter.get(timeout=timeout))[0]

    def disconnect(self) -> None:
        """Leave the namespace and close the websocket."""
        try:
            self.ws.send(f"41{self.namespace},")
            self.ws.close()
        except Exception:  # noqa: BLE001 - already closed
            pass
        self.reader.kill(block=False)
