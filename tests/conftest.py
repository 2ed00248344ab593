"""Shared fixtures: a migrated database, the app, clients, event factories, a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "stations" / "examples"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """Return the URL of a fresh, migrated SQLite database."""
    from parcours.storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'test.sqlite'}"
    upgrade(url)
    return url


@pytest.fixture
def app(database_url: str) -> Iterator[Any]:
    """Return an app on the test database, threading mode, CSRF off for the test client."""
    from parcours import create_app

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "ASYNC_MODE": "threading",
            "TESTING": True,
            "SECRET_KEY": "test-secret-of-at-least-32-characters",
            "WTF_CSRF_ENABLED": False,
            "AUTO_ADVANCE": False,
            "SERVER_NAME": None,
        }
    )
    yield app
    from parcours.extensions import db

    if db.engine is not None:
        db.engine.dispose()


@pytest.fixture
def client(app: Any) -> Any:
    """Return a test client that asks for English (the msgids) unless a test says otherwise."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def runner(app: Any) -> Any:
    """Return a CLI runner."""
    return app.test_cli_runner()


def example(name: str) -> dict[str, Any]:
    """Load an example event file from stations/examples/."""
    return tomllib.loads((EXAMPLES / f"{name}.toml").read_text(encoding="utf-8"))


@pytest.fixture
def make_event(app: Any) -> Callable[..., dict[str, Any]]:
    """Return a factory: make_event(data=None or dict or example name) -> the --json description."""
    from parcours.extensions import db
    from parcours.services.setup.events import create_event, describe_created

    def factory(data: dict[str, Any] | str = "small") -> dict[str, Any]:
        payload = example(data) if isinstance(data, str) else data
        with app.app_context():
            session = db.session()
            event = create_event(session, payload)
            session.commit()
            return describe_created(session, event)

    return factory


def auth(token: str) -> dict[str, str]:
    """Return the Authorization header for a bearer token."""
    return {"Authorization": f"Bearer {token}"}


def plain(person: dict[str, Any]) -> str:
    """Return a participant's personal code as stored (the --json prints it as ABCD-EFGH)."""
    return str(person["personal_code"]).replace("-", "")


def with_codes(server: Server, info: dict[str, Any]) -> dict[str, Any]:
    """Add each participant's printed personal code (read from the server's database) to an
    event's --json description (the CLI prints only the contract's keys)."""
    from sqlalchemy import create_engine, select

    from parcours.storage import Participant

    engine = create_engine(server.database_url)
    try:
        with engine.connect() as conn:
            codes = dict(
                conn.execute(
                    select(Participant.id, Participant.personal_code).where(
                        Participant.event_id == info["event_id"]
                    )
                ).all()
            )
    finally:
        engine.dispose()
    for person in info["participants"]:
        code = codes[person["id"]] or ""
        person["personal_code"] = f"{code[:4]}-{code[4:]}"
    return info


def missing(reason: str) -> None:
    """Skip on a laptop without the part; in CI (CI=true) a missing part fails the run."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}: CI must run these tests")
    pytest.skip(reason)


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A real `parcours serve` process on a free port, restartable (SIGKILL included)."""

    def __init__(self, tmp: Path, mode: str = "eventlet", env: dict[str, str] | None = None):
        self.tmp = tmp
        self.mode = mode
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = f"sqlite:///{tmp / 'server.sqlite'}"
        self.env = {
            **os.environ,
            "PARCOURS_DATABASE_URL": self.database_url,
            "PARCOURS_ASYNC_MODE": mode,
            "PARCOURS_SECRET_KEY": "test-server-secret-of-at-least-32-characters",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = tmp / f"server-{self.port}.log"

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a parcours command against the server's database."""
        return subprocess.run(
            [sys.executable, "-m", "parcours", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )

    def start(self) -> Server:
        """Start the server and wait until it answers."""
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "parcours", "serve", "--port", str(self.port)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 30) -> None:
        """Poll /healthz until the server answers."""
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """Kill the server with SIGKILL (no chance to clean up)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None

    def stop(self) -> None:
        """Stop the server politely, then by force."""
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            self.proc = None


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Return a factory for real server processes on a migrated database; stops them after."""
    servers: list[Server] = []

    def factory(mode: str = "eventlet", env: dict[str, str] | None = None) -> Server:
        server = Server(tmp_path, mode, env)
        done = server.cli("db", "upgrade")
        assert done.returncode == 0, done.stderr
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture
def server(server_factory: Callable[..., Server]) -> Server:
    """Return a running eventlet server with no events yet."""
    return server_factory().start()


def create_event_on(server: Server, name: str = "small") -> dict[str, Any]:
    """Create an example event through the CLI of a server's database; return the JSON."""
    import json

    done = server.cli("event", "create", str(EXAMPLES / f"{name}.toml"), "--json")
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """Return the one Playwright driver of the session: the sync API cannot be started twice
    at once, so every fixture that launches its own Chromium (other flags, another HOME)
    launches it from here."""
    if not Path(CHROMIUM).exists():
        missing("Debian's chromium is not installed (make test installs it where apt works)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_driver: Any) -> Iterator[Any]:
    """Return Debian's Chromium driven by Playwright (skipped where it is not installed)."""
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-quic",
            "--disable-sync",
        ],
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """Return a fresh page in its own browser context."""
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    yield page
    context.close()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (make test: --dist loadgroup) keep the tests of a module that share a
    module-scoped fixture (one server, one browser) on one worker, so that it starts once
    instead of once per worker. A test that names its own xdist_group keeps it."""
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        info = getattr(item, "_fixtureinfo", None)
        defs = info.name2fixturedefs.values() if info is not None else ()
        if any(d.scope in ("module", "class") for group in defs for d in group):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))  # type: ignore[attr-defined]
