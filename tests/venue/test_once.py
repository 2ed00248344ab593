"""Work that must happen once, with several server processes: the automatic shred runs in
every process, yet an event is shredded once (PostgreSQL); a planning job runs once per event
and every process sees it (Redis)."""

from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import example, missing
from tests.storage.test_migrations import postgres_url  # noqa: F401 - the fixture


@pytest.mark.postgres
def test_two_retention_passes_at_once_shred_an_event_once(postgres_url: str) -> None:  # noqa: F811
    from parcours.services.privacy.retention import shred_due
    from parcours.services.setup.events import create_event
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


REDIS_URL = os.environ.get("PARCOURS_TEST_REDIS_URL", "")


def test_planning_jobs_are_seen_by_every_process_and_run_once_per_event(
    app: Any, client: Any, make_event: Any
) -> None:
    """Two processes' job registries on one Redis: the organiser's poll may land on either."""
    if not REDIS_URL:
        missing("PARCOURS_TEST_REDIS_URL is not set (no Redis)")
    from parcours.web.plan_jobs import PlanJob, PlanJobs, SharedJobs
    from tests.web.test_organiser import login, make_organiser
    from tests.web.test_plans_pages import JSON, page_url

    channel = f"parcours-test-{uuid.uuid4().hex}"
    here, there = PlanJobs(SharedJobs(REDIS_URL, channel)), PlanJobs(SharedJobs(REDIS_URL, channel))
    app.extensions["parcours_plan_jobs"] = here  # the process the organiser's POST reaches
    make_organiser(app, "orga@example.org")
    assert login(client, "orga@example.org").status_code == 302
    info = make_event("small")

    # another process plans this event right now: this one does not start a second job
    busy = PlanJob(id="other-process", event_id=info["event_id"], kind="plan")
    assert there.shared is not None and there.shared.claim(busy) is None
    answer = client.post(page_url(info, "/run"), data={"time_limit": "1"}, headers=JSON)
    assert answer.status_code == 202 and answer.json["id"] == "other-process"
    assert 'data-status-url="' in client.get(page_url(info)).get_data(as_text=True)
    busy.status = "done"
    there.shared.release(busy)

    answer = client.post(page_url(info, "/run"), data={"time_limit": "1"}, headers=JSON)
    assert answer.status_code == 202, answer.get_data(as_text=True)
    job_id = answer.json["id"]
    assert job_id != "other-process"
    deadline = time.monotonic() + 60
    seen = None
    while time.monotonic() < deadline:  # polled on the other process, as round robin may
        seen = there.get(job_id, info["event_id"])
        if seen is not None and seen.status != "running":
            break
        time.sleep(0.05)
    assert seen is not None and seen.status == "done" and seen.progress == 1.0
    assert there.running(info["event_id"]) is None  # the lock is free again
    assert there.get(job_id, info["event_id"] + 1) is None  # a job of another event is not shown
