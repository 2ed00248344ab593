"""`parcours check`: each line passes or fails, and the exit code says whether all passed."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Server, free_port, missing
from tests.storage.test_migrations import postgres_url  # noqa: F401 - the fixture
from tests.venue.conftest import Certs, TlsServer

REDIS_URL = os.environ.get("PARCOURS_TEST_REDIS_URL", "")


def lines(output: str) -> dict[str, str]:
    """Return {label: 'PASS …'/'FAIL …'/'INFO …'} from the command's output."""
    found = {}
    for line in output.splitlines():
        mark, _sep, rest = line.partition("  ")
        if mark in ("PASS", "FAIL", "INFO"):
            label, _colon, detail = rest.partition(": ")
            found[label] = f"{mark} {detail}"
    return found


@pytest.mark.server
@pytest.mark.postgres
def test_check_passes_on_https_postgres_and_redis(
    tmp_path: Path,
    certs: Certs,
    postgres_url: str,  # noqa: F811
) -> None:
    if not REDIS_URL:
        missing("PARCOURS_TEST_REDIS_URL is not set (no Redis)")
    server = TlsServer(
        tmp_path,
        certs,
        {
            "PARCOURS_DATABASE_URL": postgres_url,
            "PARCOURS_MESSAGE_QUEUE": REDIS_URL,
            "PARCOURS_MESSAGE_QUEUE_CHANNEL": f"parcours-test-{uuid.uuid4().hex}",
        },
    )
    server.env["PARCOURS_PUBLIC_URL"] = server.url
    done = server.cli("db", "upgrade")
    assert done.returncode == 0, done.stderr
    try:
        server.start()
        untrusted = server.cli("check", "--phones", "200")
        found = lines(untrusted.stdout)
        assert untrusted.returncode == 1
        assert found["public URL"].startswith("FAIL") and "not trusted" in found["public URL"]

        done = server.cli("check", "--phones", "200", "--cafile", str(certs.ca))
        assert done.returncode == 0, done.stdout + done.stderr
        found = lines(done.stdout)
        assert found["public URL"] == f"PASS {server.url} answers"
        assert found["HTTPS"].startswith("PASS on: service worker")
        assert found["WebSocket"] == "PASS wss:// upgrade passes"
        assert found["database"] == "PASS postgresql+psycopg answers, schema up to date"
        pool = found["database connections"]
        assert pool.startswith("PASS 5 + 5 overflow per process") and "room for" in pool
        assert found["Redis"].startswith("PASS")
        assert found["open files"].startswith("PASS") and "200 phones" in found["open files"]
        assert found["clock skew"].startswith("PASS") and "database server" in found["clock skew"]
        assert found["free disk"].startswith("PASS")
        assert done.stdout.rstrip().endswith("all checks passed")
    finally:
        server.stop()


def test_check_fails_each_line_that_is_not_ready(tmp_path: Path) -> None:
    closed = free_port()
    server = Server(
        tmp_path,
        "threading",
        {
            "PARCOURS_PUBLIC_URL": f"http://192.168.1.20:{closed}",
            "PARCOURS_DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{closed}/none",
            "PARCOURS_MESSAGE_QUEUE": f"redis://:secret@127.0.0.1:{closed}/0",
        },
    )
    done = server.cli("check", "--phones", "900000", "--url", f"http://127.0.0.1:{closed}")
    assert done.returncode == 1, done.stdout + done.stderr
    found = lines(done.stdout)
    assert found["public URL"].startswith(f"FAIL http://127.0.0.1:{closed} does not answer")
    assert found["HTTPS"].startswith("FAIL off (127.0.0.1)")
    assert "no service worker" in found["HTTPS"] and "no camera" in found["HTTPS"]
    assert found["WebSocket"].startswith("FAIL cannot open ws://127.0.0.1")
    assert found["database"].startswith("FAIL postgresql+psycopg does not answer")
    assert found["Redis"].startswith("FAIL redis://:***@127.0.0.1")
    assert "secret" not in done.stdout
    assert found["open files"].startswith("FAIL") and "900000 phones" in found["open files"]
    assert found["clock skew"].startswith("FAIL cannot read the database's clock")
    assert found["database connections"].startswith("FAIL 5 + 5 overflow per process")
    assert "cannot ask PostgreSQL" in found["database connections"]
    assert done.stdout.rstrip().endswith("8 of 9 checks failed")
    assert "Traceback" not in done.stderr

    lan = server.cli("check")  # the address from PARCOURS_PUBLIC_URL: a LAN over plain HTTP
    found = lines(lan.stdout)
    assert found["HTTPS"].startswith(f"FAIL off (http://192.168.1.20:{closed})")
    assert "--certfile" in found["HTTPS"]


def test_sqlite_without_public_url_or_queue(tmp_path: Path) -> None:
    server = Server(tmp_path, "threading")
    server.env.pop("PARCOURS_PUBLIC_URL", None)
    server.env.pop("PARCOURS_MESSAGE_QUEUE", None)
    assert server.cli("db", "upgrade").returncode == 0
    found = lines(server.cli("check").stdout)
    assert found["public URL"].startswith("FAIL PARCOURS_PUBLIC_URL is not set")
    assert found["WebSocket"].startswith("INFO")
    assert found["database"] == "PASS SQLite answers, schema up to date (one process only)"
    assert found["database connections"].startswith("INFO 5 + 5 overflow per process")
    assert found["Redis"] == "INFO no PARCOURS_MESSAGE_QUEUE: run exactly one process"
    assert found["clock skew"].startswith("PASS SQLite")
    assert found["free disk"].startswith("PASS") and str(tmp_path) in found["free disk"]


def test_clock_skew_line() -> None:
    from parcours.check import skew_line

    now = datetime(2026, 9, 17, 8, 0, tzinfo=UTC)
    assert skew_line(now, now + timedelta(seconds=0.4), 0.01).ok is True
    late = skew_line(now, now - timedelta(seconds=9), 0.01)
    assert late.ok is False and "9.0 s" in late.detail and "NTP" in late.detail


def test_a_check_that_crashes_is_a_failing_line(monkeypatch: Any) -> None:
    from parcours import check

    def broken(_s: check.Settings) -> check.Line:
        raise RuntimeError("boom")

    monkeypatch.setattr(check, "CHECKS", [broken])
    settings = check.Settings("", "sqlite://", None, 1)
    assert [line.text() for line in check.run_checks(settings)] == [
        "FAIL  broken: check failed: boom"
    ]
