"""Shred down to the bytes: no personal value in any file of the database, WAL included;
typed follow-up topics dropped, catalogue topics kept; VACUUM on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from parcours.storage import Event, EventStats, FollowUp, Station
from tests.conftest import auth, example
from tests.exports.records import Seeded, seed
from tests.exports.test_postgres import pg_app  # noqa: F401 - the fixture
from tests.storage.test_migrations import postgres_url  # noqa: F401 - the fixture

TYPED = "Zyklotron-Sonderwunsch von Quirin"  # a topic a participant typed
SECRET_NOTE = "Geheimnotiz Quastenflosser 4711"


def db_files(database_url: str) -> dict[str, bytes]:
    """Return the raw bytes of the SQLite file and its -wal and -shm companions."""
    path = Path(database_url.removeprefix("sqlite:///"))
    out = {}
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{path}{suffix}")
        out[part.name] = part.read_bytes() if part.exists() else b""
    return out


def leaks(files: dict[str, bytes], values: list[str]) -> list[tuple[str, str]]:
    """Return (file, value) for every personal value readable in the files' bytes."""
    out = []
    for name, data in files.items():
        for value in values:
            if value.encode("utf-8") in data:
                out.append((name, value))
    return out


def add_topics(session: Any, seeded: Seeded) -> str:
    """Add a follow-up with a typed topic and one with the station's catalogue topic."""
    station = session.get(Station, seeded.stations[0])
    catalogue_topic = station.topics[0]
    for topic, person in ((TYPED, seeded.people[0]), (catalogue_topic, seeded.people[1])):
        session.add(
            FollowUp(
                event_id=seeded.event_id,
                participant_id=person,
                client_id=str(uuid.uuid4()),
                station_id=station.id,
                topic=topic,
                message=SECRET_NOTE if topic == TYPED else "",
                share_contact=True,
            )
        )
    session.commit()
    return str(catalogue_topic)


@pytest.fixture
def seeded_file(app: Any, make_event: Any) -> tuple[dict[str, Any], Seeded, str]:
    """Return the small event seeded with every kind of record, in a file database."""
    from parcours.extensions import db

    info = make_event("small")
    with app.app_context():
        session = db.session()
        seeded = seed(session, info["event_id"])
        topic = add_topics(session, seeded)
    return info, seeded, topic


def personal(seeded: Seeded) -> list[str]:
    return [*seeded.everything, TYPED, SECRET_NOTE]


def test_a_shred_by_hand_leaves_no_personal_byte_in_db_wal_or_shm(
    app: Any, client: Any, database_url: str, seeded_file: Any
) -> None:
    info, seeded, _topic = seeded_file
    values = personal(seeded)
    before = db_files(database_url)
    assert len(leaks(before, values)) >= len(values)  # the test can see them before
    answer = client.post(
        f"/api/v1/events/{info['event_id']}/shred", headers=auth(info["organiser_token"])
    )
    assert answer.status_code == 200, answer.get_json()
    after = db_files(database_url)
    assert leaks(after, values) == []
    assert after["test.sqlite-wal"] == b""  # checkpointed and truncated


def test_an_automatic_shred_leaves_no_personal_byte_either(
    app: Any, database_url: str, seeded_file: Any
) -> None:
    from parcours.extensions import db
    from parcours.services.privacy.retention import shred_due

    info, seeded, _topic = seeded_file
    with app.app_context():
        session = db.session()
        event = session.get(Event, info["event_id"])
        later = event.created_at + timedelta(days=event.retention_days + 400)
        assert shred_due(session, later) == [info["event_id"]]
    assert leaks(db_files(database_url), personal(seeded)) == []


def test_every_connection_has_secure_delete_on(app: Any) -> None:
    from parcours.extensions import db

    with app.app_context():
        assert db.engine is not None
        for _ in range(3):
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_typed_topics_go_catalogue_topics_stay(app: Any, client: Any, seeded_file: Any) -> None:
    from parcours.extensions import db

    info, seeded, topic = seeded_file
    station = info["stations"][0]
    path = f"/api/v1/events/{info['event_id']}/stations/{station['id']}/follow-ups"
    listed = client.get(path, headers=auth(station["host_token"])).get_json()
    assert TYPED in str(listed)
    answer = client.post(
        f"/api/v1/events/{info['event_id']}/shred", headers=auth(info["organiser_token"])
    )
    assert answer.get_json()["deleted"]["typed_topics"] >= 1
    listed = client.get(path, headers=auth(station["host_token"])).get_json()
    assert TYPED not in str(listed) and topic in str(listed)  # the host's list
    with app.app_context():
        session = db.session()
        topics = set(session.scalars(select(FollowUp.topic)))
        assert TYPED not in topics and topic in topics and "[deleted]" in topics
        stats = session.get(EventStats, info["event_id"]).data["follow_ups"]
    by_topic = dict(stats["by_topic"])
    assert TYPED not in by_topic and by_topic[topic] == 1
    assert all(t != TYPED for _s, t, _n in stats["by_station_topic"])


@pytest.mark.postgres
def test_shred_on_postgres_vacuums_the_touched_tables(pg_app: Any) -> None:  # noqa: F811
    from parcours.extensions import db
    from parcours.services.privacy.shred import shred_event
    from parcours.services.setup.events import create_event

    def vacuums() -> int:
        engine = create_engine(pg_app.config["DATABASE_URL"])
        try:
            with engine.connect() as conn:
                return int(
                    conn.execute(
                        text(
                            "SELECT vacuum_count FROM pg_stat_user_tables"
                            " WHERE relname = 'follow_ups'"
                        )
                    ).scalar()
                    or 0
                )
        finally:
            engine.dispose()

    with pg_app.app_context():
        session = db.session()
        event = create_event(session, example("small"))
        session.commit()
        seeded = seed(session, event.id)
        add_topics(session, seeded)
        before = vacuums()
        shred_event(session, event.id, by="test")
        assert TYPED not in set(session.scalars(select(FollowUp.topic)))
    assert vacuums() > before
