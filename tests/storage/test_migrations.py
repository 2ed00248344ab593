"""Migrations build the schema the models describe, on SQLite and (when set up) PostgreSQL."""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from parcours.storage import Base, Event, Participant, Station
from parcours.storage.db import make_engine
from parcours.storage.migrate import alembic_config, upgrade
from tests.conftest import EXAMPLES, missing

POSTGRES_URL = os.environ.get("PARCOURS_TEST_POSTGRES_URL")


def head_revision() -> str:
    """Return the newest migration's revision."""
    url = "sqlite://"
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert head is not None
    return head


def check_schema(engine: Engine) -> None:
    """The database is at head, has every table and matches the models."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn)
        assert context.get_current_revision() == head_revision()
        tables = set(inspect(conn).get_table_names())
        assert set(Base.metadata.tables) <= tables
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def round_trip(engine: Engine) -> None:
    """Create the small example event and read it back with its JSON and time columns."""
    from parcours.services.setup.events import create_event

    data = tomllib.loads((EXAMPLES / "small.toml").read_text(encoding="utf-8"))
    with Session(engine) as session:
        event = create_event(session, data)
        session.commit()
        event_id = event.id
    with Session(engine) as session:
        event = session.get(Event, event_id)
        assert event is not None
        assert event.title == "Kleiner Testparcours"
        assert event.starts_at is not None and event.starts_at.utcoffset() is not None
        assert event.starts_at.astimezone(UTC).hour == 8
        stations = session.scalars(select(Station).where(Station.event_id == event_id)).all()
        assert len(stations) == 3 and stations[0].topics
        people = session.scalars(
            select(Participant).where(Participant.event_id == event_id).order_by(Participant.id)
        ).all()
        assert people[0].name == "Jana Wächter"
        assert set(people[0].interests) <= {s.id for s in stations}
        session.delete(event)
        session.commit()
        left = session.scalars(select(Station).where(Station.event_id == event_id)).all()
        assert left == []


def test_sqlite_fresh_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    upgrade(url)
    upgrade(url)  # running it again changes nothing
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        check_schema(engine)
        round_trip(engine)
    finally:
        engine.dispose()


def test_cli_db_upgrade(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from parcours.cli import cli

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    env = {"PARCOURS_DATABASE_URL": url, "PARCOURS_ASYNC_MODE": "threading"}
    done = CliRunner().invoke(cli, ["db", "upgrade"], env=env, catch_exceptions=False)
    assert done.exit_code == 0, done.output
    engine = create_engine(url)
    try:
        check_schema(engine)
    finally:
        engine.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """Return a URL whose search_path is a fresh, uniquely named schema; drop it after."""
    if not POSTGRES_URL:
        missing("PARCOURS_TEST_POSTGRES_URL is not set")
    schema = f"test_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.postgres
def test_postgres_fresh_schema(postgres_url: str) -> None:
    upgrade(postgres_url)
    upgrade(postgres_url)
    engine: Any = make_engine(postgres_url)
    try:
        with engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar()
            assert str(schema).startswith("test_")
            tables = set(inspect(conn).get_table_names(schema=schema))
        assert set(Base.metadata.tables) <= tables
        check_schema(engine)
        round_trip(engine)
    finally:
        engine.dispose()
