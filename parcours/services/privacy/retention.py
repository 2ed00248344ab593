"""The automatic shred: events whose retention period is over lose their personal data."""

from __future__ import annotations

import logging
import os
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from parcours.services.privacy.shred import SYSTEM, shred_event
from parcours.storage import Event, utcnow

log = logging.getLogger(__name__)
INTERVAL_S = float(os.environ.get("PARCOURS_RETENTION_INTERVAL", "3600"))


def event_end(event: Event) -> datetime | None:
    """Return when the event ends as planned: its start plus the whole agenda (None undated)."""
    from parcours.domain.clock import schedule
    from parcours.services.event_day.clock import part_of

    if event.starts_at is None:
        return None
    agenda = [part_of(s) for s in sorted(event.segments, key=lambda s: s.position)]
    slots = schedule(agenda, event.starts_at)
    return slots[-1].end if slots else event.starts_at


def entered_after(event: Event) -> bool:
    """Return whether the event was entered after its planned end (its period counts from then)."""
    end = event_end(event)
    return end is not None and event.created_at is not None and event.created_at > end


def due_at(event: Event) -> datetime | None:
    """Return when the event's personal data is due for deletion (None without a date).

    The period counts from the event's planned end (start plus agenda), or from when the event
    was entered if that was later: an event entered after its date keeps its data the full
    period from then, so the promised day is never already past when someone registers.
    """
    end = event_end(event)
    if end is None:
        return None
    moments = [m for m in (end, event.created_at) if m is not None]
    return max(moments) + timedelta(days=event.retention_days)


def due_date(session: Session, event: Event) -> datetime | None:
    """Return when one event's personal data will be deleted automatically."""
    return due_at(event)


def deletion_day(event: Event) -> date | None:
    """Return the day (in the event's time zone) the personal data goes: the one date that the
    join page promises, the privacy notice, the event and deletion pages show, and the
    automatic shred keeps (it runs at ``due_at``, which falls on this day)."""
    moment = due_at(event)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(ZoneInfo(event.timezone)).date()
    except (KeyError, ValueError):
        return moment.date()


def due_events(session: Session, now: datetime) -> list[int]:
    """Return the ids of events past their retention period and not yet shredded."""
    events = session.scalars(
        select(Event).where(Event.shredded_at.is_(None), Event.starts_at.is_not(None))
    )
    return [e.id for e in events if (when := due_at(e)) is not None and when <= now]


def shred_due(session: Session, now: datetime | None = None) -> list[int]:
    """Shred every event that is due; return the ids this call shredded (each commits on its
    own; an event another process shreds at the same moment is left to that one)."""
    now = now or utcnow()
    done = []
    for event_id in due_events(session, now):
        try:
            if not shred_event(session, event_id, by=SYSTEM, now=now).already:
                done.append(event_id)  # not when another server process got there first
        except SQLAlchemyError:
            session.rollback()
            log.exception("automatic shred of event %s failed", event_id)
    return done


def retention_loop(app: Any, sleep: Any, interval: float = INTERVAL_S) -> None:
    """Check for due events once at start, then every interval seconds, forever."""
    from parcours.extensions import db

    while True:
        try:
            with app.app_context():
                session = db.new_session()
                try:
                    done = shred_due(session)
                finally:
                    session.close()
            if done:
                log.warning("retention: deleted the personal data of events %s", done)
        except Exception:  # noqa: BLE001 - the loop must survive a bad hour
            log.exception("retention check failed")
        sleep(interval)


def start_retention(app: Any) -> None:
    """Start the retention check as the server's background task."""
    from parcours.extensions import socketio

    socketio.start_background_task(retention_loop, app, socketio.sleep)
