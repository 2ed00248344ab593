"""Each process's PostgreSQL pool (parcours.storage.db.Pool), on real server processes.

- The pool is bounded by PARCOURS_DB_POOL_SIZE + PARCOURS_DB_MAX_OVERFLOW and its settings are
  checked (a bad value names the variable).
- A query that waits for PostgreSQL (here: for a lock the test holds) does not stall the
  process under eventlet or gevent: other requests are answered meanwhile (under eventlet
  psycopg would wait in C, see parcours.asyncmode).
- A socket connect that cannot get a database connection in time is refused as `unavailable`
  with a retry_after, and the same phone connects once the pool is free again.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.conftest import EXAMPLES
from tests.realtime.test_group_commit_batches import postgres_schema_url  # noqa: F401 - fixture
from tests.realtime.test_live_server import create, post_clock

MODES = ["eventlet", "gevent"]


def test_pool_settings_bound_the_engine_and_are_checked() -> None:
    from parcours.storage.db import Pool, make_engine

    pool = Pool.of({"DB_POOL_SIZE": "3", "DB_MAX_OVERFLOW": "1", "DB_POOL_TIMEOUT": "2.5"})
    assert pool == Pool(3, 1, 2.5)
    engine: Any = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", pool)
    try:  # no connection is opened to build it
        assert engine.pool.size() == 3
        assert engine.pool._max_overflow == 1 and engine.pool._timeout == 2.5
    finally:
        engine.dispose()
    assert Pool.of({}) == Pool()  # the defaults: 5 + 5, 30 s
    for bad in ({"DB_POOL_SIZE": "0"}, {"DB_MAX_OVERFLOW": "-1"}, {"DB_POOL_TIMEOUT": "x"}):
        with pytest.raises(ValueError, match="PARCOURS_DB_POOL_SIZE"):
            Pool.of(bad)
    # a wait that never ends (or ends after the client gave up) is refused, naming the variable
    for wait in ("nan", "inf", "-inf", "300.5", "1e9", "0"):
        with pytest.raises(ValueError, match=r"PARCOURS_DB_POOL_TIMEOUT.*at most 300"):
            Pool.of({"DB_POOL_TIMEOUT": wait})
    assert Pool.of({"DB_POOL_TIMEOUT": "300"}).timeout == 300.0


def locked_clocks(url: str) -> Any:
    """Open a connection of the test's own that holds the clocks table locked."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, pool_size=1, max_overflow=0)
    conn = engine.connect()
    conn.execute(text("LOCK TABLE clocks IN ACCESS EXCLUSIVE MODE"))
    return engine, conn


def press_in_background(server: Any, info: dict[str, Any]) -> tuple[threading.Thread, list[Any]]:
    done: list[Any] = []

    def press() -> None:
        done.append(post_clock(server, info, info["facilitator_token"], action="next"))

    thread = threading.Thread(target=press)
    thread.start()
    return thread, done


@pytest.mark.server
@pytest.mark.postgres
@pytest.mark.parametrize("mode", MODES)
def test_a_query_waiting_for_postgres_does_not_stall_the_process(
    server_factory: Any,
    postgres_schema_url: str,  # noqa: F811 - the fixture imported above
    mode: str,
) -> None:
    env = {
        "PARCOURS_DATABASE_URL": postgres_schema_url,
        "PARCOURS_DB_POOL_SIZE": "2",
        "PARCOURS_AUTO_ADVANCE": "0",
    }
    server = server_factory(mode, env).start()
    server.database_url = postgres_schema_url  # what create() plans on
    info = create(server, EXAMPLES / "small.toml")
    assert post_clock(server, info, info["facilitator_token"], action="start").status_code == 200
    engine, conn = locked_clocks(postgres_schema_url)
    try:
        thread, done = press_in_background(server, info)
        time.sleep(1.0)  # the press now waits for the lock in PostgreSQL
        assert not done
        for _ in range(5):  # the process answers meanwhile
            assert requests.get(f"{server.url}/healthz", timeout=2).status_code == 200
    finally:
        conn.rollback()
        conn.close()
        engine.dispose()
    thread.join(20)
    assert done and done[0].status_code == 200, done


@pytest.mark.server
@pytest.mark.postgres
def test_a_connect_without_a_database_connection_is_refused_as_unavailable_then_retried(
    server_factory: Any,
    postgres_schema_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    env = {
        "PARCOURS_DATABASE_URL": postgres_schema_url,
        "PARCOURS_DB_POOL_SIZE": "1",
        "PARCOURS_DB_MAX_OVERFLOW": "0",
        "PARCOURS_DB_POOL_TIMEOUT": "0.5",
        "PARCOURS_AUTO_ADVANCE": "0",  # the ticker would take the only connection too
    }
    server = server_factory("eventlet", env).start()
    server.database_url = postgres_schema_url  # what create() plans on
    info = create(server, EXAMPLES / "small.toml")
    token = info["participants"][0]["token"]
    assert post_clock(server, info, info["facilitator_token"], action="start").status_code == 200
    engine, conn = locked_clocks(postgres_schema_url)
    errors: list[Any] = []
    phone = socketio.Client(reconnection=False)
    phone.on("connect_error", lambda data: errors.append(data), namespace="/live")
    try:  # the press holds the process's only connection while it waits for the lock
        thread, done = press_in_background(server, info)
        time.sleep(1.0)
        with pytest.raises(socketio.exceptions.ConnectionError):
            phone.connect(
                server.url,
                namespaces=["/live"],
                transports=["websocket"],
                auth={"token": token},
                wait_timeout=10,
            )
        assert errors == [{"message": "unavailable", "data": {"retry_after": 1.0}}]
    finally:
        conn.rollback()
        conn.close()
        engine.dispose()
    thread.join(20)
    assert done and done[0].status_code == 200, done
    states: list[Any] = []
    again = socketio.Client(reconnection=False)  # the page connects again after retry_after
    again.on("state", states.append, namespace="/live")
    again.connect(server.url, namespaces=["/live"], transports=["websocket"], auth={"token": token})
    try:
        deadline = time.monotonic() + 10
        while not states and time.monotonic() < deadline:
            time.sleep(0.05)
        assert states and states[0]["version"] == done[0].json()["version"]
    finally:
        again.disconnect()


@pytest.mark.server
@pytest.mark.postgres
def test_connects_take_turns_and_one_without_a_turn_is_refused_before_the_pool_gives_up(
    server_factory: Any,
    postgres_schema_url: str,  # noqa: F811
) -> None:
    """With one pooled connection, one connect waits for it in the pool (20 s timeout); the
    next finds no turn at the database within namespace.CONNECT_WAIT_S and is refused as
    `unavailable` while the first still waits; once the pool is free the first is admitted."""
    env = {
        "PARCOURS_DATABASE_URL": postgres_schema_url,
        "PARCOURS_DB_POOL_SIZE": "1",
        "PARCOURS_DB_MAX_OVERFLOW": "0",
        "PARCOURS_DB_POOL_TIMEOUT": "20",
        "PARCOURS_AUTO_ADVANCE": "0",
    }
    server = server_factory("eventlet", env).start()
    server.database_url = postgres_schema_url
    info = create(server, EXAMPLES / "small.toml")
    tokens = [p["token"] for p in info["participants"][:2]]
    assert post_clock(server, info, info["facilitator_token"], action="start").status_code == 200
    engine, conn = locked_clocks(postgres_schema_url)
    outcomes: dict[int, Any] = {}
    refused: list[Any] = []
    first = socketio.Client(reconnection=False)

    def connect_first() -> None:
        try:
            first.connect(
                server.url,
                namespaces=["/live"],
                transports=["websocket"],
                auth={"token": tokens[0]},
                wait_timeout=30,
            )
            outcomes[0] = "connected"
        except socketio.exceptions.ConnectionError as err:
            outcomes[0] = err

    try:  # the press holds the only connection; the first connect waits for it in the pool
        thread, done = press_in_background(server, info)
        time.sleep(1.0)
        waiting = threading.Thread(target=connect_first)
        waiting.start()
        time.sleep(1.0)  # the first connect has its turn and waits in the pool
        second = socketio.Client(reconnection=False)
        second.on("connect_error", refused.append, namespace="/live")
        with pytest.raises(socketio.exceptions.ConnectionError):
            second.connect(
                server.url,
                namespaces=["/live"],
                transports=["websocket"],
                auth={"token": tokens[1]},
                wait_timeout=30,
            )
        assert refused == [{"message": "unavailable", "data": {"retry_after": 1.0}}]
        assert 0 not in outcomes, "the first connect is still waiting in the pool"
    finally:
        conn.rollback()
        conn.close()
        engine.dispose()
    thread.join(30)
    waiting.join(30)
    assert done and done[0].status_code == 200, done
    try:
        assert outcomes.get(0) == "connected", outcomes
    finally:
        first.disconnect()
