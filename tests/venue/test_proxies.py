"""Two `parcours serve` processes on PostgreSQL and Redis behind a round-robin proxy (nginx,
Caddy with a public name, Caddy with `tls internal`), each started from its config in deploy/.
Browser phones spread over both processes all get the round change, and their notes are stored
once."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.conftest import Server, create_event_on, free_port, missing
from tests.storage.test_migrations import postgres_url  # noqa: F401 - the fixture
from tests.venue.conftest import DEPLOY, Certs, Proxy, caddy_for, fill, nginx_for

REDIS_URL = os.environ.get("PARCOURS_TEST_REDIS_URL", "")
PHONES = 6
MOVES = 10  # times one phone may come again to land on the other process
WAIT_MS = 30_000
pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.postgres,
    pytest.mark.xdist_group("proxies"),  # one worker runs them in turn under pytest-xdist
]
CONFIGS = ["nginx.conf", "Caddyfile", "Caddyfile.lan"]


@pytest.fixture
def layout(
    request: Any,
    tmp_path: Path,
    postgres_url: str,  # noqa: F811
    certs: Certs,
) -> Iterator[tuple[Proxy, Server, Server]]:
    """Start A and B on one PostgreSQL schema and one Redis channel, and the proxy in front."""
    if not REDIS_URL:
        missing("PARCOURS_TEST_REDIS_URL is not set (no Redis)")
    config: str = request.param
    port = free_port()
    env = {
        "PARCOURS_DATABASE_URL": postgres_url,
        "PARCOURS_MESSAGE_QUEUE": REDIS_URL,
        "PARCOURS_MESSAGE_QUEUE_CHANNEL": f"parcours-test-{uuid.uuid4().hex}",
        "PARCOURS_PUBLIC_URL": f"https://127.0.0.1:{port}",
        "PARCOURS_PROXY_HOPS": "1",
        "PARCOURS_ACCESS_LOG": "1",  # which process served which socket
    }
    a, b = Server(tmp_path, "eventlet", env), Server(tmp_path, "eventlet", env)
    done = a.cli("db", "upgrade")
    assert done.returncode == 0, done.stderr
    proxy: Proxy | None = None
    try:
        a.start(), b.start()
        upstreams = [a.port, b.port]
        if config == "nginx.conf":
            proxy = nginx_for(tmp_path, upstreams, certs, port)
        else:
            proxy = caddy_for(tmp_path, upstreams, config, port)
        yield proxy, a, b
    finally:
        if proxy is not None:
            proxy.stop()
        a.stop()
        b.stop()


def stored_notes(database_url: str, event_id: int) -> list[tuple[str, str]]:
    """Return (client_id, text) of every note of the event, straight from PostgreSQL."""
    from parcours.storage import Note

    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(Note.client_id, Note.text).where(Note.event_id == event_id)
            )
            return sorted((str(c), str(t)) for c, t in rows)
    finally:
        engine.dispose()


@pytest.mark.parametrize("layout", CONFIGS, indirect=True)
def test_phones_on_two_processes_behind_a_round_robin_proxy(
    layout: tuple[Proxy, Server, Server],
    tls_browser: Any,
    postgres_url: str,  # noqa: F811
) -> None:
    proxy, a, b = layout
    info = create_event_on(a, "small")
    people = info["participants"][:PHONES]
    contexts: list[Any] = []
    errors: list[str] = []

    def open_page(path: str) -> tuple[Any, Any]:
        context = tls_browser.new_context(locale="de-DE")
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(f"{proxy.url}{path}")
        page.wait_for_function(
            "() => window.parcours && window.parcours.live.socket.connected", timeout=WAIT_MS
        )
        # WebSocket from the first request on: no long-polling that needs a sticky process
        assert page.evaluate("window.parcours.live.socket.io.engine.transport.name") == "websocket"
        return context, page

    def console_phones(count: int) -> list[int]:
        """Wait until the console counts `count` phones; return its phones per process."""
        console.wait_for_selector(f"[data-count=participants]:text-is('{count}')", timeout=WAIT_MS)
        spread = console.locator("#presence-processes").get_attribute("data-phones") or ""
        return [int(n) for n in spread.split(",")] if spread else [count]

    try:
        _context, console = open_page(f"/f/{info['facilitator_token']}")
        pages = []
        for count, person in enumerate(people, start=1):
            for attempt in range(MOVES + 1):
                context, page = open_page(f"/p/{person['token']}")
                phones = console_phones(count)
                if count == 1 or sum(1 for n in phones if n > 0) > 1 or attempt == MOVES:
                    break
                # Every phone so far is on one process. Round robin counts requests, not
                # sockets: a page's many requests, and the console's own polls in between, can
                # put socket after socket on the same process. This phone leaves and comes
                # again, every second time after one more request that shifts the rotation.
                context.close()
                contexts.remove(context)
                console_phones(count - 1)
                if attempt % 2 == 0:
                    requests.get(f"{proxy.url}/healthz", timeout=10, verify=proxy.ca)
            pages.append(page)
        # the console adds up the phones of both processes, and both have some
        spread = console.locator("#presence-processes")
        assert spread.get_attribute("data-processes") == "2"
        phones = [int(n) for n in (spread.get_attribute("data-phones") or "").split(",")]
        assert sorted(phones)[0] > 0 and sum(phones) == PHONES, phones
        assert spread.is_visible()
        console.screenshot(path=str(a.tmp / "console-two-processes.png"))
        logs = [server.log.read_text() for server in (a, b)]
        assert not any("transport=polling" in log for log in logs)

        # the facilitator moves on through the proxy: every phone hears it, whichever process
        headers = {"Authorization": f"Bearer {info['facilitator_token']}"}
        clock = f"{proxy.url}/api/v1/events/{info['event_id']}/clock"
        for action in ("start", "next"):
            answer = requests.post(
                clock, json={"action": action}, headers=headers, timeout=20, verify=proxy.ca
            )
            assert answer.status_code == 200, answer.text
        assert answer.json()["round"] == 1
        for page in pages:
            page.wait_for_selector("body[data-round='1']", state="attached", timeout=WAIT_MS)

        # each phone writes a note through its page; each is stored once
        for number, page in enumerate(pages):
            page.fill("#note-text", f"Notiz über den Proxy {number}")
            page.click("#note-form button[type=submit]")
        for page in pages:
            page.wait_for_function(
                "() => document.querySelectorAll('#my-log li[data-state=sent]').length === 1",
                timeout=WAIT_MS,
            )
        notes = stored_notes(postgres_url, info["event_id"])
        assert sorted(text for _id, text in notes) == [
            f"Notiz über den Proxy {n}" for n in range(PHONES)
        ]
        assert len({client_id for client_id, _text in notes}) == PHONES

        # ProxyFix: the app saw https and the proxy's address, so the links it builds are right
        join = requests.post(
            f"{proxy.url}/api/v1/join/{info['join_code']}",
            json={"name": "Kim Spät", "consent": True},
            timeout=20,
            verify=proxy.ca,
        )
        assert join.status_code == 201, join.text
        assert join.json()["url"].startswith(f"{proxy.url}/p/")

        # the operator's check sees the same set-up pass: public URL, HTTPS, the WebSocket
        # upgrade through the proxy, PostgreSQL, Redis
        done = a.cli("check", "--cafile", str(proxy.ca), "--phones", "100")
        assert done.returncode == 0, done.stdout + done.stderr
        assert "PASS  WebSocket: wss:// upgrade passes" in done.stdout
        assert not errors, errors
    finally:
        for context in contexts:
            context.close()


def test_a_proxy_that_drops_the_upgrade_gets_a_clear_hint(
    tmp_path: Path, certs: Certs, tls_browser: Any, server_factory: Any
) -> None:
    """deploy/nginx.conf without its Upgrade/Connection lines: the pages load, no socket opens;
    the console says why, and `parcours check` fails its WebSocket line."""
    port = free_port()
    server = server_factory(env={"PARCOURS_PUBLIC_URL": f"https://127.0.0.1:{port}"}).start()
    info = create_event_on(server, "small")
    broken = fill(
        (DEPLOY / "nginx.conf").read_text(),
        {
            "        proxy_set_header Upgrade $http_upgrade;\n": "",
            "        proxy_set_header Connection $connection_upgrade;\n": "",
        },
    )
    proxy = nginx_for(tmp_path, [server.port], certs, port, text=broken)
    context = tls_browser.new_context(locale="de-DE")
    try:
        page = context.new_page()
        page.goto(f"{proxy.url}/f/{info['facilitator_token']}")
        page.wait_for_selector("#live-socket-hint", state="visible", timeout=WAIT_MS)
        assert page.evaluate("document.body.dataset.socketHint") == "websocket-blocked"
        assert "Upgrade" in page.inner_text("#live-socket-hint")
        page.screenshot(path=str(tmp_path / "socket-hint.png"))
        done = server.cli("check", "--cafile", str(certs.ca))
        assert done.returncode == 1
        line = next(x for x in done.stdout.splitlines() if "WebSocket" in x)
        assert line.startswith("FAIL") and "not 101" in line and "Upgrade" in line, line
    finally:
        context.close()
        proxy.stop()
