"""The live pages in Chromium against a real server: next reaches screen and phone without a
reload; a phone that goes offline keeps counting and catches up when it is back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.conftest import Server, create_event_on
from tests.realtime.helpers import assign_on

pytestmark = [pytest.mark.browser, pytest.mark.server]
WAIT_MS = 15000


@pytest.fixture
def running(server_factory: Any) -> Iterator[tuple[Server, dict[str, Any]]]:
    """Return a server with the small event and a round-robin plan."""
    server = server_factory("eventlet").start()
    info = create_event_on(server, "small")
    info["route"] = assign_on(server.database_url, info["event_id"])
    info["names"] = {s["id"]: s["name"] for s in info["stations"]}
    yield server, info


def drive(server: Server, info: dict[str, Any], action: str) -> dict[str, Any]:
    response = requests.post(
        f"{server.url}/api/v1/events/{info['event_id']}/clock",
        json={"action": action},
        headers={"Authorization": f"Bearer {info['facilitator_token']}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def open_page(browser: Any, url: str, skew_s: float = 0) -> Any:
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    if skew_s:
        page.clock.install(time=time.time() + skew_s)  # the phone's own clock is wrong
    page.goto(url)
    page.wait_for_function("() => window.parcours && window.parcours.live.socket.connected")
    return page


def test_next_on_the_console_reaches_screen_and_phone(
    browser: Any, running: tuple[Server, dict[str, Any]]
) -> None:
    server, info = running
    person = info["participants"][0]
    station = info["stations"][0]
    console = open_page(browser, f"{server.url}/f/{info['facilitator_token']}")
    screen = open_page(browser, f"{server.url}/s/{info['screen_token']}")
    phone = open_page(browser, f"{server.url}/p/{person['token']}")
    host = open_page(browser, f"{server.url}/h/{station['host_token']}")
    try:
        console.click("#toggle")  # start: the welcome talk
        console.click("button[data-action=next]")  # round 1 of the parcours
        for page in (screen, phone):
            page.wait_for_selector('body[data-round="1"][data-phase="running"]', timeout=WAIT_MS)
        first, second = (info["names"][sid] for sid in info["route"][person["id"]])
        assert phone.text_content("#now-station") == first
        assert screen.locator(".board-card").count() == len(info["stations"])
        console.keyboard.press("ArrowRight")  # round 2, by keyboard
        for page in (screen, phone, console):
            page.wait_for_selector('body[data-round="2"]', timeout=WAIT_MS)
        assert phone.text_content("#now-station") == second
        assert phone.locator('#route li[aria-current="step"]').get_attribute("data-round") == "2"
        host.wait_for_selector('body[data-roster-round="2"]', timeout=WAIT_MS)  # fetched itself
        expected = {pid for pid, route in info["route"].items() if route[1] == station["id"]}
        shown = host.eval_on_selector_all(
            "#roster li", "els => els.map(e => e.dataset.participant)"
        )
        assert {int(pid) for pid in shown} == expected
        console.keyboard.press("Space")  # pause
        screen.wait_for_selector('body[data-phase="paused"]', timeout=WAIT_MS)
    finally:
        for page in (console, screen, phone, host):
            page.context.close()


def test_a_phone_with_a_wrong_clock_counts_right_offline_too_and_resyncs(
    browser: Any, running: tuple[Server, dict[str, Any]]
) -> None:
    server, info = running
    person = info["participants"][1]
    drive(server, info, "start")
    drive(server, info, "next")
    phone = open_page(browser, f"{server.url}/p/{person['token']}", skew_s=2 * 3600)
    try:
        phone.wait_for_selector('body[data-round="1"]', timeout=WAIT_MS)
        minutes, seconds = phone.text_content("#countdown").split(":")
        assert 0 < int(minutes) * 60 + int(seconds) <= 60  # a 1-minute round, two hours off
        phone.context.set_offline(True)
        phone.wait_for_selector("#live-offline", state="visible", timeout=WAIT_MS)
        shown = phone.text_content("#countdown")
        phone.wait_for_function(
            "(before) => document.getElementById('countdown').textContent !== before",
            arg=shown,
            timeout=WAIT_MS,
        )
        drive(server, info, "next")  # round 2 starts while the phone is offline
        assert phone.get_attribute("body", "data-round") == "1"
        phone.context.set_offline(False)
        phone.wait_for_selector("#live-offline", state="hidden", timeout=WAIT_MS)
        phone.wait_for_selector('body[data-round="2"]', timeout=WAIT_MS)
        second = info["names"][info["route"][person["id"]][1]]
        assert phone.text_content("#now-station") == second
    finally:
        phone.context.close()
