"""The server's background task deletes an overdue event's personal data by itself."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from parcours.storage import Event, Participant, utcnow
from tests.conftest import create_event_on


@pytest.mark.server
def test_server_shreds_overdue_events_at_start(server_factory):
    server = server_factory()
    overdue, current = create_event_on(server, "small"), create_event_on(server, "small")
    engine = create_engine(server.database_url)
    with Session(engine) as session:
        event = session.get(Event, overdue["event_id"])
        event.starts_at = event.created_at = utcnow() - timedelta(days=event.retention_days + 1)
        session.commit()
    server.start()
    deadline = time.monotonic() + 30
    shredded = None
    while time.monotonic() < deadline and shredded is None:
        with Session(engine) as session:
            shredded = session.get(Event, overdue["event_id"]).shredded_at
        time.sleep(0.2)
    with Session(engine) as session:
        names = set(
            session.scalars(
                select(Participant.name).where(Participant.event_id == overdue["event_id"])
            )
        )
        kept = session.get(Event, current["event_id"]).shredded_at
    engine.dispose()
    assert shredded is not None and kept is None
    assert all(n.startswith("P-") for n in names)
