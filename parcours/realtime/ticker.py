"""The clock's background task: advance running parcours when their time is up.

One task per server process. It sleeps until the nearest deadline (at most ~1 s), then
advances every due clock by compare-and-set, so two processes never double-advance.
Nothing is kept in memory that matters: after a restart it simply reads the database,
catches up on deadlines that passed while it was down and broadcasts the new state.
"""

from __future__ import annotations

import logging
from typing import Any

from parcours import process
from parcours.domain import rooms
from parcours.extensions import db, socketio
from parcours.operations.unit import unit_of_work
from parcours.realtime.resync import Delivered
from parcours.schemas.live import dump_state
from parcours.services.broadcasts import Broadcast, publish
from parcours.services.event_day import clock
from parcours.services.event_day.clock import utcnow

log = logging.getLogger(__name__)
MAX_SLEEP_S = 1.0
MIN_SLEEP_S = 0.05


class Ticker:
    """Advance due clocks, then sleep until the next deadline."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.waiting: dict[int, int] = {}  # event_id -> clock version found not advanceable
        self.running = True
        self.delivered: Delivered | None = None  # set when a message queue links processes

    def run(self) -> None:
        """Loop until stopped; a failing pass is logged and retried."""
        while self.running:
            try:
                delay = self.tick()
            except Exception:  # keep the clock alive whatever one pass hit
                log.exception("clock ticker pass failed")
                delay = MAX_SLEEP_S
            socketio.sleep(delay)

    def tick(self) -> float:
        """Advance every due clock once; return how long to sleep."""
        with self.app.app_context():
            session = db.new_session()
            try:
                now = utcnow()
                nearest = MAX_SLEEP_S
                ticking = clock.ticking_clocks(session)
                if self.delivered is not None:  # paused, stopped, not auto-advancing clocks
                    self.delivered.sweep(session, {event_id for event_id, _t, _v in ticking})
                for event_id, ends_at, version in ticking:
                    session.rollback()
                    if self.delivered is not None and self.delivered.check(
                        session, event_id, version
                    ):
                        session.rollback()
                    if ends_at > now:
                        nearest = min(nearest, (ends_at - now).total_seconds())
                        continue
                    if self.waiting.get(event_id) == version:
                        continue  # e.g. a talk's time is up: the facilitator moves on
                    with unit_of_work(session):
                        state = clock.auto_advance(session, event_id, now)
                        if state is not None:  # one broadcast to the event, nothing per person
                            publish(
                                Broadcast(rooms.event_room(event_id), "state", dump_state(state))
                            )
                    if state is None:
                        self.waiting[event_id] = version
                        continue
                    nearest = min(nearest, MIN_SLEEP_S)
                return max(MIN_SLEEP_S, nearest)
            finally:
                session.close()


def start_ticker(app: Any) -> Ticker | None:
    """Start the auto-advance task once per process (unless AUTO_ADVANCE is off)."""
    if not app.config.get("AUTO_ADVANCE", True):
        return None
    existing = process.ticker(app)
    if existing is not None:
        return existing
    ticker = Ticker(app)
    delivered = Delivered()
    if socketio.server is not None and delivered.watch(socketio.server.manager):
        ticker.delivered = delivered
    process.init_process(app, **{process.TICKER: ticker})
    socketio.start_background_task(ticker.run)
    return ticker
