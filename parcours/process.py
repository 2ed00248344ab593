"""The per-process objects: built once in the app factory (`init_process`), read here.

Each server process has one of each: the rate-limit counters, the wrong-kiosk-code guard, the
publisher that sends broadcasts after the commit, the socket presence counter, the
group-commit writer, the planning-job registry and (started by the server) the clock's
ticker. `parcours.create_app` builds them with the app's settings and stores them in
`app.extensions` under the keys below; everything else reads them through the typed
accessors of this module, never "get it or make one". An app made in a test has its own.

The types are named for the type checker only: this module imports no layer, so every layer
may import it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

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


def _app(app: Flask | None) -> Flask:
    return app or current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]


def _get(app: Flask | None, key: str) -> Any:
    found = _app(app).extensions.get(key)
    if found is None:
        raise RuntimeError(f"{key} is made by create_app (parcours.process.init_process)")
    return found


def init_process(app: Flask, **objects: Any) -> None:
    """Store the process's objects (called once by the app factory), by their key."""
    for key, value in objects.items():
        app.extensions[key] = value


def limits(app: Flask | None = None) -> Limits:
    """The rate-limit counters: Redis with a message queue, else this process's memory."""
    found: Limits = _get(app, LIMITS)
    return found


def kiosk_pins(app: Flask | None = None) -> FailureGuard:
    """The counter of wrong kiosk codes (5 a minute per kiosk token)."""
    found: FailureGuard = _get(app, KIOSK_PINS)
    return found


def publisher(app: Flask | None = None) -> Publisher:
    """The one publisher (parcours.realtime.publisher.send): rooms, message queue, revocation."""
    found: Publisher = _get(app, PUBLISHER)
    return found


def presence(app: Flask | None = None) -> Presence:
    """This process's count of sockets per event and role."""
    found: Presence = _get(app, PRESENCE)
    return found


def writer(app: Flask | None = None) -> Writer | None:
    """The group-commit writer of socket notes, or None when writes go one by one."""
    found: Writer | None = _app(app).extensions.get(WRITER)
    return found


def plan_jobs(app: Flask | None = None) -> PlanJobs:
    """The registry of planning runs (shared through Redis with a message queue)."""
    found: PlanJobs = _get(app, PLAN_JOBS)
    return found


def ticker(app: Flask | None = None) -> Ticker | None:
    """The clock's background task, once the server started it (None before, or when off)."""
    found: Ticker | None = _app(app).extensions.get(TICKER)
    return found
