"""Security headers: CSP without inline script, frame-ancestors, nosniff, referrer, no-store."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, auth
from tests.web.test_kiosk_pages import start_kiosk
from tests.web.test_organiser import login, make_organiser


def csp_of(response: Any) -> dict[str, str]:
    """Return the CSP directives of a response by name."""
    header = response.headers.get("Content-Security-Policy", "")
    parts = [p.strip().split(None, 1) for p in header.split(";") if p.strip()]
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


@pytest.fixture
def pages(app: Any, client: Any, make_event: Any) -> dict[str, str]:
    """Return every kind of page by name: token pages and the organiser's."""
    from parcours.services.capture.kiosk import badge_code

    ev = make_event("small")
    station = ev["stations"][0]
    code = badge_code(app.config["SECRET_KEY"], ev["event_id"], ev["participants"][0]["id"])
    kiosk = start_kiosk(client, station["host_token"])
    make_organiser(app, "orga@example.org")
    assert login(client, "orga@example.org").status_code == 302
    base = f"/organiser/events/{ev['event_id']}"
    return {
        "phone": f"/p/{ev['participants'][0]['token']}",
        "host": f"/h/{station['host_token']}",
        "console": f"/f/{ev['facilitator_token']}",
        "screen": f"/s/{ev['screen_token']}",
        "kiosk": f"/k/{kiosk}",
        "badge": f"/b/{code}",
        "join": f"/join/{ev['join_code']}",
        "privacy": f"/privacy/{ev['join_code']}",
        "home": "/",
        "organiser": base,
        "participants": f"{base}/participants",
        "plan": f"{base}/plan",
        "report": f"{base}/report",
        "badges": f"{base}/badges",
        "links": f"{base}/links",
    }


TOKEN_PAGES = ("phone", "host", "console", "screen", "kiosk", "badge")


def test_every_html_page_sends_a_csp_without_inline_script(client: Any, pages: Any) -> None:
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        assert response.mimetype == "text/html"
        csp = csp_of(response)
        assert csp.get("script-src") == "'self'", (name, csp)
        assert "unsafe" not in response.headers["Content-Security-Policy"], name
        assert csp.get("object-src") == "'none'" and csp.get("base-uri") == "'none'", name
        expected = "'self'" if name == "screen" else "'none'"
        assert csp.get("frame-ancestors") == expected, (name, csp)
        assert response.headers["X-Content-Type-Options"] == "nosniff", name


def test_token_pages_send_no_referrer_and_are_not_stored(client: Any, pages: Any) -> None:
    for name, url in pages.items():
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-store", name
        policy = response.headers["Referrer-Policy"]
        if name in TOKEN_PAGES:
            assert policy == "no-referrer", (name, policy)
        else:  # CSRF over HTTPS checks the Referer of their forms; never sent to other sites
            assert policy in ("no-referrer", "same-origin"), (name, policy)


def test_api_answers_are_not_stored_and_not_sniffed(client: Any, make_event: Any) -> None:
    ev = make_event("small")
    response = client.get("/api/v1/me", headers=auth(ev["participants"][0]["token"]))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_static_files_keep_their_cache_headers(client: Any) -> None:
    response = client.get("/static/js/print.js")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_templates_hold_no_inline_script_and_no_event_handler_attributes() -> None:
    for path in sorted((ROOT / "templates").rglob("*.html")):
        if path.name == "pack_summary.html":
            continue  # a file in the export pack, served with a CSP of its own (no script)
        html = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert "javascript:" not in html, path
        assert not re.search(r"<style\b", html), path
        assert not re.search(r"\sstyle\s*=", html), path


def test_static_scripts_build_no_inline_handlers() -> None:
    for path in sorted(Path(ROOT / "static" / "js").glob("*.js")):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"""["'`][^"'`]*\son[a-z]+=""", source), path
        assert "eval(" not in source and "new Function" not in source, path


def test_429_carries_retry_after(app: Any, client: Any, make_event: Any) -> None:
    import uuid

    ev = make_event("small")
    app.config["RATE_LIMIT_PER_MINUTE"] = 2
    token = ev["participants"][0]["token"]
    answers = [
        client.post(
            "/api/v1/notes", json={"client_id": str(uuid.uuid4()), "text": "x"}, headers=auth(token)
        )
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 201, 429]
    wait = answers[2].headers["Retry-After"]
    assert wait.isdigit() and int(wait) >= 1


def test_csv_names_its_charset_once(client: Any, make_event: Any) -> None:
    ev = make_event("small")
    answer = client.get(
        f"/api/v1/events/{ev['event_id']}/export?format=csv", headers=auth(ev["organiser_token"])
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    station = ev["stations"][0]
    answer = client.get(f"/h/{station['host_token']}/follow-ups.csv")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].count("charset") == 1
    assert answer.headers["Cache-Control"] == "no-store"
