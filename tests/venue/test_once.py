"""Work that must happen once, with several server processes on one PostgreSQL database:
the automatic shred runs in every process, yet an event is shredded once."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import example
from tests.storage.test_migrations import postgres_url  # noqa: F401 - the fixture

pytestmark = [pytest.mark.postgres]


def test_two_retention_passes_at_once_shred_an_event_once(postgres_url: str) -> None:  # noqa: F811
    from parcours.services.events import create_event
    from parcours.services.retention import shred_due
    from parcours.storage import AuditEntry, Event, Participant, utcnow
    from parcours.storage.db import make_engine
    from parcours.storage.migrate import upgrade

    upgrade(postgres_url)
    engine = make_engine(postgres_url)
    try:
        with Session(engine) as session:
            ids = []
            for _ in range(3):
                event = create_event(session, example("small"))
                past = utcnow() - timedelta(days=event.retention_days + 1)
                event.starts_at = event.created_at = past
                ids.append(event.id)
            session.commit()

        start = threading.Barrier(4)
        done: list[list[int]] = []
        failures: list[BaseException] = []

        def process() -> None:  # what each server's retention task does, all at one moment
            try:
                with Session(engine) as session:
                    start.wait(30)
                    done.append(shred_due(session))
            except BaseException as err:  # noqa: BLE001 - reported below
                failures.append(err)

        threads = [threading.Thread(target=process) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not failures, failures
        # each event was shredded by exactly one of the four passes
        assert sorted(i for ids_done in done for i in ids_done) == sorted(ids)
        with Session(engine) as session:
            shreds: Any = session.scalar(
                select(func.count()).where(
                    AuditEntry.event_id.in_(ids), AuditEntry.action == "event.shred"
                )
            )
            assert shreds == len(ids)
            assert all(session.get(Event, i).shredded_at is not None for i in ids)
            names = session.scalars(select(Participant.name).where(Participant.event_id.in_(ids)))
            assert all(name.startswith("P-") for name in names)
    finally:
        engine.dispose()
