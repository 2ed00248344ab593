"""The registration cap holds when many phones join at the same moment (PostgreSQL, where the
event row is locked per join; skipped unless PARCOURS_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from parcours.storage import Event
from tests.conftest import example
from tests.exports.test_postgres import pg_app  # noqa: F401 - the fixture
from tests.storage.test_migrations import postgres_url  # noqa: F401 - the fixture


@pytest.mark.postgres
def test_simultaneous_joins_never_pass_the_cap(pg_app: Any) -> None:  # noqa: F811
    from parcours.extensions import db
    from parcours.services.setup.events import create_event

    data = example("small")
    data["event"]["max_participants"] = 10  # 6 there already: 4 places left
    with pg_app.app_context():
        session = db.session()
        event = create_event(session, data)
        session.commit()
        code, event_id = event.join_code, event.id

    def join(i: int) -> int:
        client = pg_app.test_client()
        answer = client.post(
            f"/api/v1/join/{code}",
            json={"name": f"Zugleich {i}", "consent": True},
            environ_base={"REMOTE_ADDR": f"198.51.100.{i}"},
        )
        return int(answer.status_code)

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(join, range(24)))
    assert sorted(answers) == [201] * 4 + [409] * 20
    with pg_app.app_context():
        event = db.session().get(Event, event_id)
        assert event is not None and len(event.participants) == 10
