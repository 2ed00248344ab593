"""`parcours check`: what an operator must know before the doors open, one line per item.

Each check returns a Line that passes, fails, or only informs. Nothing here changes anything;
it reads the settings (PARCOURS_*), asks the public address, the database and Redis, and looks
at this machine (open-files limit, clock, disk).
"""

from __future__ import annotations

import json
import shutil
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

TIMEOUT_S = 5.0
MAX_SKEW_S = 2.0
MIN_FREE_BYTES = 1024**3  # 1 GiB: exports, the SQLite file, logs of a long day
FILES_PER_PHONE = 1  # one socket each; plus a reserve for the database, Redis, files
FILE_RESERVE = 256


@dataclass
class Line:
    """One result: ok True (pass), False (fail) or None (for information only)."""

    ok: bool | None
    label: str
    detail: str

    def text(self) -> str:
        mark = {True: "PASS", False: "FAIL", None: "INFO"}[self.ok]
        return f"{mark}  {self.label}: {self.detail}"


@dataclass
class Settings:
    """What the checks look at: the app's settings plus the command's options."""

    public_url: str
    database_url: str
    message_queue: str | None
    phones: int
    cafile: str | None = None
    max_connections: int = 10000
    tls_cert: str | None = None
    pool: Any = None  # parcours.storage.db.Pool (PARCOURS_DB_POOL_SIZE ...); None: the defaults


def ssl_context(cafile: str | None) -> ssl.SSLContext:
    """Return the context clients use: this machine's trust store, or the given CA."""
    return ssl.create_default_context(cafile=cafile) if cafile else ssl.create_default_context()


def check_public_url(s: Settings) -> Line:
    """The address in QR codes must answer /healthz from here."""
    label = "public URL"
    if not s.public_url:
        return Line(
            False,
            label,
            "PARCOURS_PUBLIC_URL is not set: links and QR codes use whatever address the "
            "organiser's browser used (set it to the address phones reach)",
        )
    url = s.public_url.rstrip("/") + "/healthz"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S, context=ssl_context(s.cafile)) as r:
            body = json.loads(r.read() or b"{}")
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            return Line(
                False,
                label,
                f"{s.public_url} answers, but its certificate is not trusted here "
                f"({reason.verify_message}); phones will show a warning and register no "
                "service worker (docs/deploy.md: use a public name, or trust the root "
                "with --cafile on this machine and on the organiser's devices)",
            )
        return Line(False, label, f"{s.public_url} does not answer: {reason}")
    except (OSError, ValueError) as err:
        return Line(False, label, f"{s.public_url} does not answer: {err}")
    if body.get("status") != "ok":
        return Line(False, label, f"{url} answered but not as parcours: {body}")
    return Line(True, label, f"{s.public_url} answers")


def check_https(s: Settings) -> Line:
    """Plain HTTP on anything but localhost disables the service worker and the camera."""
    label = "HTTPS"
    parts = urlsplit(s.public_url or "")
    if parts.scheme == "https":
        return Line(True, label, "on: service worker (offline reload) and camera (QR scan) work")
    host = parts.hostname or ""
    if host in ("localhost", "127.0.0.1", "::1") or not s.public_url:
        where = host or "the browser's address"
        return Line(
            False,
            label,
            f"off ({where}): fine on this machine only; phones on the venue network get no "
            "service worker (no offline reload) and no camera (no QR scan in the page)",
        )
    return Line(
        False,
        label,
        f"off ({s.public_url}): phones get no service worker (no offline reload) and no "
        "camera (no QR scan in the page); serve HTTPS (parcours serve --certfile/--keyfile, "
        "or a proxy: docs/deploy.md)",
    )


def check_websocket(s: Settings) -> Line:
    """The pages open their socket as WebSocket only: the address must pass the upgrade."""
    label = "WebSocket"
    if not s.public_url:
        return Line(None, label, "not checked (no PARCOURS_PUBLIC_URL)")
    import base64
    import http.client
    import os

    parts = urlsplit(s.public_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    path = f"{parts.path.rstrip('/')}/socket.io/?EIO=4&transport=websocket"
    url = f"{scheme}://{parts.netloc}{path}"
    conn: http.client.HTTPConnection
    if scheme == "wss":
        conn = http.client.HTTPSConnection(
            parts.netloc, timeout=TIMEOUT_S, context=ssl_context(s.cafile)
        )
    else:
        conn = http.client.HTTPConnection(parts.netloc, timeout=TIMEOUT_S)
    headers = {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
        "Sec-WebSocket-Version": "13",
    }
    try:
        conn.request("GET", path, headers=headers)
        status = conn.getresponse().status
    except (OSError, http.client.HTTPException) as err:
        return Line(False, label, f"cannot open {url} ({err or type(err).__name__})")
    finally:
        conn.close()
    if status != 101:
        return Line(
            False,
            label,
            f"{url} answered {status}, not 101: a proxy in front must pass the Upgrade and "
            "Connection headers (docs/deploy.md)",
        )
    return Line(True, label, f"{scheme}:// upgrade passes")


def check_database(s: Settings) -> Line:
    """The database answers and its schema is at the newest migration."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError

    from parcours.storage.migrate import alembic_config

    label = "database"
    kind = s.database_url.split(":", 1)[0]
    engine = create_engine(s.database_url, connect_args=connect_args(s.database_url))
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as err:
        return Line(False, label, f"{kind} does not answer: {short(err)}")
    finally:
        engine.dispose()
    head = ScriptDirectory.from_config(alembic_config(s.database_url)).get_current_head()
    if current != head:
        found = f"schema at {current}" if current else "no schema yet"
        return Line(False, label, f"{kind} answers, {found}, not {head}: run parcours db upgrade")
    if kind.startswith("sqlite"):
        return Line(True, label, "SQLite answers, schema up to date (one process only)")
    return Line(True, label, f"{kind} answers, schema up to date")


def check_db_pool(s: Settings) -> Line:
    """Each process holds up to pool size + overflow PostgreSQL connections: how many fit."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    from parcours.storage.db import Pool

    label = "database connections"
    pool = s.pool or Pool()
    per = pool.size + pool.overflow
    mine = (
        f"{pool.size} + {pool.overflow} overflow per process (PARCOURS_DB_POOL_SIZE, "
        f"PARCOURS_DB_MAX_OVERFLOW), waiting up to {pool.timeout:g} s for a free one "
        "(PARCOURS_DB_POOL_TIMEOUT)"
    )
    if not s.database_url.startswith("postgresql"):
        return Line(None, label, f"{mine}; SQLite: one process, no server limit")
    engine = create_engine(s.database_url, connect_args=connect_args(s.database_url))
    try:
        with engine.connect() as conn:
            most = int(conn.execute(text("SHOW max_connections")).scalar_one())
            reserved = int(conn.execute(text("SHOW superuser_reserved_connections")).scalar_one())
            used = int(conn.execute(text("SELECT count(*) FROM pg_stat_activity")).scalar_one())
    except SQLAlchemyError as err:
        return Line(False, label, f"{mine}; cannot ask PostgreSQL: {short(err)}")
    finally:
        engine.dispose()
    free = most - reserved - used + 1  # this check's own connection ends now
    fits = free // per
    detail = (
        f"{mine}; PostgreSQL max_connections {most} ({reserved} reserved), {used - 1} in use "
        f"by others now: room for {fits} process(es) at most"
    )
    if fits < 1:
        return Line(False, label, f"{detail}: lower the pool or raise max_connections")
    return Line(True, label, detail)


def check_redis(s: Settings) -> Line:
    """With a message queue, Redis must answer; without, only one process may serve."""
    label = "Redis"
    if not s.message_queue:
        return Line(None, label, "no PARCOURS_MESSAGE_QUEUE: run exactly one process")
    import redis

    try:
        client = redis.Redis.from_url(
            s.message_queue, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S
        )
        client.ping()
        client.close()
    except (redis.RedisError, OSError, ValueError) as err:
        return Line(False, label, f"{redact(s.message_queue)} does not answer: {short(err)}")
    return Line(True, label, f"{redact(s.message_queue)} answers")


def check_open_files(s: Settings) -> Line:
    """Each phone holds a socket, a file descriptor: the limit must fit the expected phones."""
    label = "open files"
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux/macOS
        return Line(None, label, "cannot tell on this system")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = s.phones * FILES_PER_PHONE + FILE_RESERVE
    # `parcours serve` raises its soft limit up to the hard limit by itself (server.py)
    reachable = need if hard == resource.RLIM_INFINITY else hard
    if reachable < need:
        return Line(
            False,
            label,
            f"hard limit {hard} < {need} needed for {s.phones} phones: raise it "
            f"(`ulimit -n {need}` as root, LimitNOFILE= in a systemd unit), or run more processes",
        )
    if s.max_connections < s.phones:
        return Line(False, label, f"PARCOURS_MAX_CONNECTIONS={s.max_connections} < {s.phones} "
                    "phones per process")  # fmt: skip
    return Line(True, label, f"limit {soft} (up to {hard}) fits {s.phones} phones ({need} needed)")


def database_now(database_url: str) -> datetime | None:
    """Return the database server's clock (None for SQLite, which uses this machine's)."""
    from sqlalchemy import create_engine, text

    if database_url.startswith("sqlite"):
        return None
    engine = create_engine(database_url, connect_args=connect_args(database_url))
    try:
        with engine.connect() as conn:
            value = conn.execute(text("SELECT CURRENT_TIMESTAMP")).scalar()
    finally:
        engine.dispose()
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def skew_line(local: datetime, remote: datetime, round_trip_s: float) -> Line:
    """Compare this machine's clock with the database server's."""
    skew = abs((local - remote).total_seconds())
    allowed = MAX_SKEW_S + round_trip_s
    detail = f"{skew:.1f} s between this machine and the database server"
    if skew > allowed:
        advice = "set both clocks by NTP: a round ends by the clock of the process that sees it"
        return Line(False, "clock skew", f"{detail} (> {MAX_SKEW_S:.0f} s): {advice}")
    return Line(True, "clock skew", detail)


def check_clock(s: Settings) -> Line:
    """Processes advance rounds by their own clock against deadlines in the database."""
    from sqlalchemy.exc import SQLAlchemyError

    before = time.monotonic()
    try:
        remote = database_now(s.database_url)
    except SQLAlchemyError as err:
        return Line(False, "clock skew", f"cannot read the database's clock: {short(err)}")
    round_trip = time.monotonic() - before
    if remote is None:
        return Line(True, "clock skew", "SQLite: the database uses this machine's clock")
    return skew_line(datetime.now(UTC), remote, round_trip)


def check_disk(s: Settings) -> Line:
    """Free space where the data (SQLite) or the instance folder lives."""
    from parcours.config import ROOT

    where = ROOT / "instance"
    if s.database_url.startswith("sqlite:///"):
        where = Path(s.database_url.removeprefix("sqlite:///")).parent
    while not where.exists() and where != where.parent:
        where = where.parent
    free = shutil.disk_usage(where).free
    detail = f"{free / 1024**3:.1f} GiB free in {where}"
    if free < MIN_FREE_BYTES:
        return Line(False, "free disk", f"{detail} (< 1 GiB)")
    return Line(True, "free disk", detail)


CHECKS: list[Callable[[Settings], Line]] = [
    check_public_url,
    check_https,
    check_websocket,
    check_database,
    check_db_pool,
    check_redis,
    check_open_files,
    check_clock,
    check_disk,
]


def run_checks(s: Settings) -> list[Line]:
    """Run every check; one that crashes is a failing line, not a traceback."""
    lines = []
    for check in CHECKS:
        try:
            lines.append(check(s))
        except Exception as err:  # noqa: BLE001 - report and carry on with the others
            name = check.__name__.removeprefix("check_").replace("_", " ")
            lines.append(Line(False, name, f"check failed: {short(err)}"))
    return lines


def connect_args(url: str) -> dict[str, Any]:
    """Short connect timeouts, so an unreachable database fails the line quickly."""
    if url.startswith("postgresql"):
        return {"connect_timeout": int(TIMEOUT_S)}
    return {}


def short(err: BaseException) -> str:
    """Return the first line of an error."""
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


def redact(url: str) -> str:
    """Hide a password in a URL."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
