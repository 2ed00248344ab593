"""Capture in Chromium on a real server: offline writes survive a reload; the wall is live."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import auth, create_event_on

pytestmark = [pytest.mark.browser, pytest.mark.server]

WORKSHOP = """
[event]
title = "Werkstatt Fachkräfte"
venue = "Raum 1"
starts_at = 2026-09-17T10:00:00+02:00

[[agenda]]
title = "Ideenwand"
kind = "workshop"
minutes = 20

[[stations]]
template = "ihk"
capacity = 5

[[participants]]
name = "Ayla Beispiel"
email = "ayla@example.org"
"""


def open_page(browser: Any, url: str) -> tuple[Any, Any, list[str]]:
    """Open url in a fresh context; return (context, page, page errors)."""
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(url)
    return context, page, errors


def test_offline_writes_survive_a_reload_and_are_stored_once(server: Any, browser: Any) -> None:
    ev = create_event_on(server, "small")
    token = ev["participants"][0]["token"]
    station = ev["stations"][1]
    context, page, errors = open_page(browser, f"{server.url}/p/{token}")
    try:
        page.wait_for_selector("body[data-offline-ready='yes']", timeout=15000)
        context.set_offline(True)
        for n in range(3):
            page.fill("#note-text", f"Notiz {n} <b>nicht fett</b>")
            page.click("#note-form button[type=submit]")
        page.select_option("#follow-up-station", str(station["id"]))
        page.select_option("#follow-up-topic", index=0)
        page.fill("#follow-up-message", "Bitte melden <script>x()</script>")
        page.check("#follow-up-share")
        page.click("#follow-up-form button[type=submit]")
        page.wait_for_selector("#outbox-status[data-waiting='4']")
        assert page.locator("#outbox-status").is_visible()

        page.reload()  # still offline: the service worker serves the page, the outbox is kept
        page.wait_for_selector("#outbox-status[data-waiting='4']")
        assert page.locator("#my-log li[data-state='pending']").count() == 4

        context.set_offline(False)
        page.wait_for_selector("#outbox-status[data-waiting='0']", state="attached", timeout=20000)
        page.wait_for_function(
            "() => document.querySelectorAll('#my-log li[data-state=sent]').length === 4"
        )
        assert not page.locator("#outbox-status").is_visible()
        texts = page.locator("#my-log .capture-text").all_inner_texts()
        assert "Notiz 2 <b>nicht fett</b>" in texts  # shown as text, not as markup
        assert page.locator("#my-log b, #my-log script").count() == 0
        page.fill("#check-in-code", "ZZZZ")  # no such station: answered at once, nothing kept
        page.click("#check-in-form button[type=submit]")
        problem = page.locator("#check-in-error")
        problem.wait_for()
        assert "ZZZZ" in problem.inner_text() and "Stationsschild" in problem.inner_text()
        assert page.locator("#my-log li[data-kind='check_in']").count() == 0
        assert not errors, errors
    finally:
        context.close()
    me = requests.get(server.url + "/api/v1/me", headers=auth(token), timeout=10).json()
    assert sorted(n["text"] for n in me["notes"]) == [
        f"Notiz {n} <b>nicht fett</b>" for n in range(3)
    ]
    assert len(me["follow_ups"]) == 1
    assert me["follow_ups"][0]["share_contact"] is True
    assert me["follow_ups"][0]["station_id"] == station["id"]


def test_a_wall_card_from_a_phone_reaches_the_screen_after_approval(
    server: Any, browser: Any, tmp_path: Path
) -> None:
    path = tmp_path / "workshop.toml"
    path.write_text(WORKSHOP, encoding="utf-8")
    done = server.cli("event", "create", str(path), "--json")
    assert done.returncode == 0, done.stderr
    ev = json.loads(done.stdout)
    started = requests.post(
        f"{server.url}/api/v1/events/{ev['event_id']}/clock",
        json={"action": "start"},
        headers=auth(ev["facilitator_token"]),
        timeout=10,
    )
    assert started.status_code == 200, started.text
    phone_ctx, phone, errors = open_page(
        browser, f"{server.url}/p/{ev['participants'][0]['token']}"
    )
    console_ctx, console, console_errors = open_page(
        browser, f"{server.url}/f/{ev['facilitator_token']}"
    )
    screen_ctx, screen, screen_errors = open_page(browser, f"{server.url}/s/{ev['screen_token']}")
    try:
        phone.wait_for_selector("#wall-phone", state="visible")
        phone.fill("#wall-text", "Patenschaften <i>ausbauen</i>")
        phone.click("#wall-form button[type=submit]")
        card = console.locator("#facilitator-wall-cards li[data-status='pending']")
        card.wait_for()
        assert screen.locator("#screen-wall-cards li").count() == 0
        card.locator("button[data-action='approved']").click()
        shown = screen.locator("#screen-wall-cards li[data-status='approved'] .wall-text")
        shown.wait_for()
        assert shown.inner_text() == "Patenschaften <i>ausbauen</i>"
        assert screen.locator("#screen-wall").is_visible()
        phone.locator("#wall-cards li[data-status='approved'] .wall-upvote").click()
        screen.locator("#screen-wall-cards li .wall-votes", has_text="1").wait_for()
        votes = screen.locator("#screen-wall-cards li .wall-votes").inner_text()
        assert votes in ("1 Stimme", "1 vote"), votes  # one vote, not "1 Stimmen"
        assert not errors and not console_errors and not screen_errors
    finally:
        for ctx in (phone_ctx, console_ctx, screen_ctx):
            ctx.close()


def test_the_host_tablet_records_leads_and_sees_requests_with_consent_only(
    server: Any, browser: Any
) -> None:
    ev = create_event_on(server, "small")
    station = ev["stations"][0]
    for n, share in ((0, True), (1, False)):
        body = {
            "client_id": f"00000000-0000-4000-8000-{n:012d}",
            "station_id": station["id"],
            "topic": "<b>Praktikum</b>",
            "share_contact": share,
        }
        answer = requests.post(
            server.url + "/api/v1/follow-ups",
            json=body,
            headers=auth(ev["participants"][n]["token"]),
            timeout=10,
        )
        assert answer.status_code == 201
    context, page, errors = open_page(browser, f"{server.url}/h/{station['host_token']}")
    try:
        requests_list = page.locator("#follow-ups li")
        requests_list.nth(1).wait_for()
        listed = page.locator("#follow-ups").inner_text()
        assert "jana.waechter@example.org" in listed and "<b>Praktikum</b>" in listed
        assert "Deniz" not in listed and "deniz.aydogan@example.org" not in listed
        page.fill("#lead-search", "olena")
        page.click("#lead-found .lead-person")
        page.fill("#lead-note", "Ruft zurück")
        page.click("#lead-form button[type=submit]")
        page.fill("#host-note-text", "Gutes Gespräch über Ausbildung")
        page.click("#host-note-form button[type=submit]")
        page.wait_for_function(
            "() => document.querySelectorAll('#my-log li[data-state=sent]').length == 2"
        )
        assert page.locator("#check-in-code-text").inner_text() == station["code"]
        assert not errors, errors
    finally:
        context.close()
    pack = requests.get(
        f"{server.url}/api/v1/events/{ev['event_id']}/stations/{station['id']}/follow-ups",
        headers=auth(ev["organiser_token"]),
        timeout=10,
    )
    assert pack.status_code == 200 and len(pack.json()) == 2
