"""The per-process objects: built once in the app factory (`init_process`), read here.

Each server process has one of each: the rate-limit counters, the wrong-kiosk-code guard, the
publisher that sends broadcasts after the commit, the socket presence counter, the
group-commit writer, the planning-job registry, the gate of socket connects and (started by
the server) the clock's ticker. `parcours.create_app` builds them with the app's settings and
stores them in `app.extensions` under the keys below; everything else reads them through the
typed accessors of this module, never "get it or make one". An app made in a test has its own.

The types are named for the type checker only: this module imports no layer, so every layer
may import it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from flask import Flask, current_app

if TYPE_CHECKING:
    from parcours.operations.limits import FailureGuard, Limits
    from parcours.realtime.hooks import Presence
    from parcours.realtime.ticker import Ticker
    from parcours.realtime.writer import Writer
    from parcours.services.broadcasts import Message
    from parcours.web.plan_jobs import PlanJobs

Publisher = Callable[["Sequence[Message]"], None]
T = TypeVar("T")

LIMITS = "parcours_limits"
KIOSK_PINS = "parcours_kiosk_pins"
PUBLISHER = "parcours_publisher"
PRESENCE = "parcours_live_presence"
WRITER = "parcours_writer"
PLAN_JOBS = "parcours_plan_jobs"
TICKER = "parcours_ticker"
CONNECT_GATE = "parcours_connect_gate"


class Slot(Generic[T]):
    """The typed accessor of one per-process object, stored in `app.extensions[key]`.

    Call it (optionally with an app; else the current one) to read the object. A required
    slot that is empty is a wiring error: `create_app` makes every required object.
    """

    def __init__(self, key: str, doc: str, required: bool = True) -> None:
        self.key = key
        self.required = required
        self.__doc__ = doc

    def __call__(self, app: Flask | None = None) -> T:
        app = app or current_app._get_current_object()  # type: ignore[attr-defined]
        found = app.extensions.get(self.key)
        if found is None and self.required:
            raise RuntimeError(f"{self.key} is made by create_app (parcours.process.init_process)")
        return found  # type: ignore[return-value]


def init_process(app: Flask, **objects: Any) -> None:
    """Store the process's objects (called once by the app factory), by their key."""
    for key, value in objects.items():
        app.extensions[key] = value


limits: Slot[Limits] = Slot(
    LIMITS, "The rate-limit counters: Redis with a message queue, else this process's memory."
)
kiosk_pins: Slot[FailureGuard] = Slot(
    KIOSK_PINS, "The counter of wrong kiosk codes (5 a minute per kiosk token)."
)
publisher: Slot[Publisher] = Slot(
    PUBLISHER, "The one publisher (parcours.realtime.publisher.send): rooms, queue, revocation."
)
presence: Slot[Presence] = Slot(PRESENCE, "This process's count of sockets per event and role.")
writer: Slot[Writer | None] = Slot(
    WRITER, "The group-commit writer of socket notes, or None when writes go one by one.", False
)
plan_jobs: Slot[PlanJobs] = Slot(
    PLAN_JOBS, "The registry of planning runs (shared through Redis with a message queue)."
)
ticker: Slot[Ticker | None] = Slot(
    TICKER, "The clock's background task, once the server started it (None before, or off).", False
)
connect_gate: Slot[threading.BoundedSemaphore] = Slot(
    CONNECT_GATE,
    "How many socket connects do their database work at once (the pool's size + overflow).",
)
