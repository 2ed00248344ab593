"""The group-commit writer really groups: under a concurrent burst of socket notes, one commit
serves several writes, on a real server process, on SQLite and on PostgreSQL.

Asserted on what the writer counts (`/healthz?detail=1`: commits, writes, the largest commit)
and, on PostgreSQL, on the database itself: a trigger of the test's own records, for every note
inserted, `txid_current()`, the id of the top-level transaction (each note runs in a savepoint,
whose rows carry the subtransaction's own id in `xmin`, so xmin would not tell). Fewer distinct
transactions than notes means notes shared a transaction. Nothing here depends on timing.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import Server, missing
from tests.realtime.test_group_commit import burst, close, phone, start_event
from tests.realtime.test_live_server import create, crowd_file, post_clock

pytestmark = pytest.mark.server
PHONES = 60
RECORD_TRANSACTION = """
CREATE TABLE note_tx (client_id text, tx bigint);
CREATE FUNCTION note_tx_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO note_tx VALUES (NEW.client_id, txid_current()); RETURN NEW; END $$;
CREATE TRIGGER note_tx_after AFTER INSERT ON notes FOR EACH ROW EXECUTE FUNCTION note_tx_record();
"""


def writer_counters(server: Server) -> dict[str, Any]:
    answer = requests.get(f"{server.url}/healthz", params={"detail": "1"}, timeout=10)
    assert answer.status_code == 200
    return dict(answer.json()["group_commit"])


def notes_of(n: int) -> list[dict[str, Any]]:
    return [{"client_id": str(uuid.uuid4()), "text": f"Gespräch {i}"} for i in range(n)]


def assert_grouped(server: Server, notes: list[dict[str, Any]], acks: list[Any]) -> None:
    assert [a["status"] for a in acks] == [201] * len(notes), acks
    counted = writer_counters(server)
    assert counted["on"] is True
    assert counted["written"] == len(notes)  # every note went through the writer
    assert counted["largest"] > 1, counted  # at least one commit served several notes
    assert counted["batches"] < counted["written"], counted
    assert counted["careful"] == 0, counted  # no write failed: no batch needed a savepoint each


@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_a_burst_shares_commits_sqlite(server_factory: Any, tmp_path: Path, mode: str) -> None:
    server, info = start_event(server_factory, tmp_path, mode, PHONES)
    assert writer_counters(server) == {
        "on": True,
        "batches": 0,
        "written": 0,
        "largest": 0,
        "careful": 0,
        "refused": 0,
    }
    clients = [phone(server, p["token"]) for p in info["participants"]]
    try:
        notes = notes_of(PHONES)
        assert_grouped(server, notes, burst(clients, notes))
    finally:
        close(clients)


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A fresh schema on the test PostgreSQL database (dropped after)."""
    from sqlalchemy import create_engine, text

    base = os.environ.get("PARCOURS_TEST_POSTGRES_URL")
    if not base:
        missing("PARCOURS_TEST_POSTGRES_URL is not set")
    assert base is not None
    schema = f"gc_{secrets.token_hex(4)}"
    admin = create_engine(base, pool_size=1, max_overflow=0)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.postgres
def test_a_burst_shares_transactions_postgres(
    server_factory: Any, tmp_path: Path, postgres_schema_url: str
) -> None:
    from sqlalchemy import create_engine, text

    env = {
        "PARCOURS_DATABASE_URL": postgres_schema_url,
        "PARCOURS_DB_POOL_SIZE": "2",
        "PARCOURS_DB_MAX_OVERFLOW": "1",
    }
    server = server_factory("eventlet", env).start()
    server.database_url = postgres_schema_url  # what create() plans on
    info = create(server, crowd_file(tmp_path, PHONES))
    assert post_clock(server, info, info["facilitator_token"], action="start").status_code == 200
    engine = create_engine(postgres_schema_url, pool_size=1, max_overflow=0)
    try:
        with engine.begin() as conn:  # each note's top-level transaction, noted by PostgreSQL
            conn.execute(text(RECORD_TRANSACTION))
        clients = [phone(server, p["token"]) for p in info["participants"]]
        try:
            notes = notes_of(PHONES)
            assert_grouped(server, notes, burst(clients, notes))
        finally:
            close(clients)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT client_id, tx FROM note_tx WHERE client_id = ANY(:ids)"),
                {"ids": [n["client_id"] for n in notes]},
            ).all()
    finally:
        engine.dispose()
    assert sorted(str(r.client_id) for r in rows) == sorted(n["client_id"] for n in notes)
    transactions = {r.tx for r in rows}
    assert len(transactions) == writer_counters(server)["batches"] < len(notes)
