"""Engine and session, bound to the app in the factory."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

log = logging.getLogger(__name__)
CHECKPOINT_TRIES = 100


class Database:
    """Hold the engine and a scoped session; created unbound, bound by init_app()."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._factory = sessionmaker(expire_on_commit=False)
        self.session = scoped_session(self._factory)

    def init_app(self, app: Any) -> None:
        """Create the engine for the app's DATABASE_URL and remove sessions on teardown."""
        self.engine = make_engine(app.config["DATABASE_URL"], Pool.of(app.config))
        self._factory.configure(bind=self.engine)
        app.extensions["parcours_db"] = self

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            self.session.remove()

    def new_session(self) -> Session:
        """Return a fresh session, for background tasks outside a request."""
        return self._factory()


@dataclass(frozen=True)
class Pool:
    """One process's connection pool to a server database (PostgreSQL).

    Every `parcours serve` process holds at most size + overflow connections, so N processes
    need N × (size + overflow) of the server's `max_connections` (plus the tools'; `parcours
    check` compares). A request or socket connect that finds all of them busy waits in the
    pool's queue (a green wait under eventlet/gevent) for up to `timeout` seconds instead of
    opening one more connection; only then does it fail (sqlalchemy.exc.TimeoutError; a socket
    connect is then refused as `unavailable` and the page tries again, see
    parcours.realtime.namespace). Under eventlet a PostgreSQL query does not yield to other
    greenlets (psycopg waits in C), so more connections per process would not run more queries
    at once: a handful is enough.
    """

    size: int = 5
    overflow: int = 5
    timeout: float = 30.0
    LONGEST_TIMEOUT_S = 300.0  # a longer wait is a mistake: the client gave up long before

    @classmethod
    def of(cls, config: Any) -> Pool:
        """Read DB_POOL_SIZE, DB_MAX_OVERFLOW, DB_POOL_TIMEOUT (PARCOURS_DB_*) from a config."""
        try:
            pool = cls(
                int(config.get("DB_POOL_SIZE", cls.size)),
                int(config.get("DB_MAX_OVERFLOW", cls.overflow)),
                float(config.get("DB_POOL_TIMEOUT", cls.timeout)),
            )
        except (TypeError, ValueError):
            pool = cls(0, -1, 0)
        wait = pool.timeout
        if not math.isfinite(wait) or wait <= 0 or wait > cls.LONGEST_TIMEOUT_S:
            pool = cls(0, -1, 0)  # nan, inf or out of range: refused with the others
        if pool.size < 1 or pool.overflow < 0 or pool.timeout <= 0:
            raise ValueError(
                "PARCOURS_DB_POOL_SIZE must be a whole number of at least 1, "
                "PARCOURS_DB_MAX_OVERFLOW a whole number of at least 0 and "
                "PARCOURS_DB_POOL_TIMEOUT a number of seconds above 0 and at most "
                f"{cls.LONGEST_TIMEOUT_S:g} (got "
                f"{config.get('DB_POOL_SIZE')!r}, {config.get('DB_MAX_OVERFLOW')!r}, "
                f"{config.get('DB_POOL_TIMEOUT')!r})"
            )
        return pool


def make_engine(url: str, pool: Pool | None = None) -> Engine:
    """Create an engine; SQLite runs in WAL mode with foreign keys on; a server database gets
    a bounded pool (Pool)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    pool = pool or Pool()
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool.size,
        max_overflow=pool.overflow,
        pool_timeout=pool.timeout,
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # deleted and overwritten content is zeroed, in the file and in the pages the WAL receives
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def purge_deleted(engine: Engine, tables: list[str]) -> bool:
    """After a commit that removed personal data, leave no copy of it in the database's files.

    SQLite (secure_delete is on for every connection): checkpoint the WAL into the main file and
    truncate it to zero bytes, so no old page image survives in `-wal`. PostgreSQL: VACUUM the
    touched tables, so dead row versions are pruned (see docs/operating.md for what the server
    cannot promise). Return whether the purge completed.
    """
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            for _attempt in range(CHECKPOINT_TRIES):
                busy, _log, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
                if not busy:
                    return True
                time.sleep(0.05)  # a reader holds an old snapshot: let it finish
        log.warning("WAL checkpoint after shred stayed busy; it completes at the next checkpoint")
        return False
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in tables:
                conn.exec_driver_sql(f'VACUUM (ANALYZE) "{table}"')
        return True
    return False
