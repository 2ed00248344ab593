"""Exports, report and shred on PostgreSQL (skipped unless PARCOURS_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest

from parcours.storage import Event
from tests.conftest import example
from tests.exports.records import seed
from tests.exports.test_shred import every_text, found, unpack
from tests.storage.test_migrations import postgres_url  # noqa: F401 - the fixture


@pytest.fixture
def pg_app(postgres_url: str) -> Iterator[Any]:  # noqa: F811
    from parcours import create_app
    from parcours.extensions import db
    from parcours.storage.migrate import upgrade

    upgrade(postgres_url)
    app = create_app({"DATABASE_URL": postgres_url, "ASYNC_MODE": "threading", "TESTING": True,
                      "SECRET_KEY": "test-secret-of-at-least-32-characters"})  # fmt: skip
    yield app
    if db.engine is not None:
        db.engine.dispose()


@pytest.mark.postgres
def test_exports_and_shred_on_postgres(pg_app: Any) -> None:
    from parcours.domain.actors import Actor
    from parcours.extensions import db
    from parcours.services.after import exports
    from parcours.services.after.report import compute_stats
    from parcours.services.privacy.shred import shred_event
    from parcours.services.setup.events import create_event

    with pg_app.app_context():
        session = db.session()
        event = create_event(session, example("small"))
        session.commit()
        seeded = seed(session, event.id)
        actor = Actor(role="organiser", event_id=event.id)

        def export(fmt: str) -> bytes:
            out = io.BytesIO()
            exports.export_event(session, actor, event.id, fmt, out)
            return out.getvalue()

        assert found(seeded.personal[:1], unpack(export("xlsx")))
        before = compute_stats(session, session.get(Event, event.id))
        assert before["encounters"]["distribution"][-1] == [2, 6]
        shred_event(session, event.id, by="test")
        assert [(t, c, v) for t, c, v in every_text(session) if found(seeded.everything, v)] == []
        for fmt in ("csv", "xlsx", "json", "vcf", "zip"):
            assert found(seeded.everything, unpack(export(fmt))) == []
