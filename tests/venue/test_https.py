"""HTTPS served by parcours itself (`serve --certfile --keyfile` or PARCOURS_TLS_CERT/KEY) with
a certificate the test makes: Secure cookies, https links, the phone page's service worker,
a reload while the server is down, and entries written meanwhile arriving once; ProxyFix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import ROOT, auth, create_event_on
from tests.venue.conftest import Certs, TlsServer

WAIT_MS = 30_000
BASE = {"TESTING": True, "ASYNC_MODE": "threading", "SECRET_KEY": "test", "AUTO_ADVANCE": False}


@pytest.fixture
def tls_server(request: Any, tmp_path: Path, certs: Certs) -> Any:
    server = TlsServer(tmp_path, certs, mode=getattr(request, "param", "eventlet"))
    done = server.cli("db", "upgrade")
    assert done.returncode == 0, done.stderr
    yield server.start()
    server.stop()


@pytest.mark.server
@pytest.mark.parametrize("tls_server", ["eventlet", "gevent"], indirect=True)
def test_own_certificate_secure_cookies_and_https_links(tls_server: TlsServer) -> None:
    ca = str(tls_server.certs.ca)
    assert requests.get(tls_server.url + "/healthz", verify=ca, timeout=10).status_code == 200
    login = requests.get(tls_server.url + "/organiser/login", verify=ca, timeout=10)
    assert login.status_code == 200
    cookies = login.headers.get("Set-Cookie", "")
    assert "session=" in cookies and "Secure" in cookies and "HttpOnly" in cookies, cookies
    info = create_event_on(tls_server, "small")
    join = requests.post(
        f"{tls_server.url}/api/v1/join/{info['join_code']}",
        json={"name": "Kim", "consent": True},
        verify=ca,
        timeout=10,
    )
    assert join.status_code == 201, join.text
    assert join.json()["url"].startswith(f"https://127.0.0.1:{tls_server.port}/p/")
    # the screen's join QR code and link say https too
    screen = requests.get(f"{tls_server.url}/s/{info['screen_token']}", verify=ca, timeout=10)
    assert f"https://127.0.0.1:{tls_server.port}/join/{info['join_code']}" in screen.text
    assert f"http://127.0.0.1:{tls_server.port}" not in screen.text
    # plain HTTP on the HTTPS port is refused, and the server carries on
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{tls_server.port}/healthz", timeout=10)
    assert requests.get(tls_server.url + "/healthz", verify=ca, timeout=10).status_code == 200


def test_serve_refuses_a_half_or_broken_certificate(tmp_path: Path, certs: Certs) -> None:
    def serve(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "parcours", "serve", "--port", "1", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "PARCOURS_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"},
            timeout=60,
            check=False,
        )

    half = serve("--certfile", str(certs.cert))
    assert half.returncode == 2 and "--keyfile" in half.stderr
    missing = serve("--certfile", str(tmp_path / "nope.pem"), "--keyfile", str(certs.key))
    assert missing.returncode == 2 and "nope.pem" in missing.stderr
    wrong = serve("--certfile", str(certs.ca), "--keyfile", str(certs.key))
    assert wrong.returncode == 2 and "do not load" in wrong.stderr


@pytest.mark.browser
@pytest.mark.server
def test_phone_page_over_https_works_offline_and_sends_once(
    tls_server: TlsServer, trusting_browser: Any
) -> None:
    info = create_event_on(tls_server, "small")
    token = info["participants"][0]["token"]
    context = trusting_browser.new_context(locale="de-DE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    try:
        page.goto(f"{tls_server.url}/p/{token}")
        page.wait_for_selector("body[data-offline-ready='yes']", timeout=WAIT_MS)
        assert page.evaluate("window.isSecureContext") is True
        registered = page.evaluate(
            "navigator.serviceWorker.getRegistration().then(r => !!(r && r.active))"
        )
        assert registered is True
        page.wait_for_function("() => window.parcours.live.socket.connected", timeout=WAIT_MS)
        assert page.evaluate("window.parcours.live.socket.io.engine.transport.name") == "websocket"
        assert page.evaluate("window.parcours.live.socket.io.uri").startswith("https://")

        tls_server.kill()  # the venue's server is gone; the phone does not know yet
        page.reload()  # served by the service worker from its cache
        page.wait_for_selector("#note-form", timeout=WAIT_MS)
        for n in range(3):
            page.fill("#note-text", f"HTTPS-Notiz {n}")
            page.click("#note-form button[type=submit]")
        page.wait_for_selector("#outbox-status[data-waiting='3']", timeout=WAIT_MS)
        page.reload()  # still unreachable: the page and its outbox come back
        page.wait_for_selector("#outbox-status[data-waiting='3']", timeout=WAIT_MS)

        tls_server.start()  # same port, same database: the outbox drains by itself
        page.wait_for_function(
            "() => document.querySelectorAll('#my-log li[data-state=sent]').length === 3",
            timeout=WAIT_MS,
        )
        page.screenshot(path=str(tls_server.tmp / "https-phone.png"))
        assert not errors, errors
    finally:
        context.close()
    me = requests.get(
        f"{tls_server.url}/api/v1/me", headers=auth(token), verify=str(tls_server.certs.ca),
        timeout=10,
    ).json()  # fmt: skip
    assert sorted(n["text"] for n in me["notes"]) == [f"HTTPS-Notiz {n}" for n in range(3)]


def test_proxy_fix_reads_the_client_address_and_scheme(database_url: str) -> None:
    from flask import request

    from parcours import create_app

    def whoami() -> dict[str, Any]:
        return {"addr": request.remote_addr, "url": request.host_url}

    behind = create_app({**BASE, "DATABASE_URL": database_url, "PROXY_HOPS": 1})
    behind.add_url_rule("/_whoami", view_func=whoami)
    direct = create_app({**BASE, "DATABASE_URL": database_url})
    direct.add_url_rule("/_whoami", view_func=whoami)
    forwarded = {
        "X-Forwarded-For": "198.51.100.7, 203.0.113.9",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "parcours.example.org",
        "X-Forwarded-Port": "443",
    }
    seen = behind.test_client().get("/_whoami", headers=forwarded).json
    # one hop trusted: the address the proxy saw, not what the client claimed before it
    assert seen == {"addr": "203.0.113.9", "url": "https://parcours.example.org/"}
    seen = direct.test_client().get("/_whoami", headers=forwarded).json
    assert seen == {"addr": "127.0.0.1", "url": "http://localhost/"}  # headers not trusted


def test_https_settings_follow_the_certificate_or_the_public_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from parcours.config import Config

    for name in ("PARCOURS_TLS_CERT", "PARCOURS_TLS_KEY", "PARCOURS_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    plain = Config()
    assert (plain.HTTPS, plain.SESSION_COOKIE_SECURE, plain.PREFERRED_URL_SCHEME) == (
        False,
        False,
        "http",
    )
    monkeypatch.setenv("PARCOURS_PUBLIC_URL", "https://parcours.example.org/")
    behind = Config()
    assert behind.SESSION_COOKIE_SECURE and behind.PUBLIC_URL == "https://parcours.example.org"
    monkeypatch.setenv("PARCOURS_PROXY_HOPS", "many")
    with pytest.raises(SystemExit, match="PARCOURS_PROXY_HOPS"):
        Config()
    monkeypatch.setenv("PARCOURS_PROXY_HOPS", "1")
    monkeypatch.setenv("PARCOURS_SOCKET_TRANSPORTS", "carrier-pigeon")
    with pytest.raises(SystemExit, match="PARCOURS_SOCKET_TRANSPORTS"):
        Config()
    monkeypatch.setenv("PARCOURS_SOCKET_TRANSPORTS", "polling, websocket")
    assert Config().SOCKET_TRANSPORTS == ["polling", "websocket"]
