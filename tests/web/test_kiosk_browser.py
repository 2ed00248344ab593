"""The station tablet in kiosk mode, in Chromium against a real server, each from start to end:
a participant's contact request reaches the station, the next person sees nothing of the one
before, only the host code leaves kiosk mode, and entries made offline arrive once."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.conftest import Server, auth, create_event_on, plain, with_codes
from tests.realtime.helpers import assign_on

pytestmark = [pytest.mark.browser, pytest.mark.server]
PIN = "4711"


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[Server]:
    """Return one real server for this module's tests (each makes its own event)."""
    server = Server(tmp_path_factory.mktemp("kiosk"))
    done = server.cli("db", "upgrade")
    assert done.returncode == 0, done.stderr
    server.start()
    yield server
    server.stop()


@pytest.fixture
def event(server: Server) -> tuple[Server, dict[str, Any]]:
    """Return the server and a new small event with a round-robin plan (Jana and Monika are
    expected at the first station in round 1)."""
    info = with_codes(server, create_event_on(server, "small"))
    assign_on(server.database_url, info["event_id"])
    return server, info


def api(server: Server, method: str, path: str, token: str, body: Any = None) -> Any:
    return requests.request(
        method, f"{server.url}/api/v1{path}", json=body, headers=auth(token), timeout=10
    )


def open_page(browser: Any, url: str, clock: bool = False) -> tuple[Any, Any, list[str]]:
    """Open url in a fresh tablet-sized context; return (context, page, page errors)."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1024, "height": 768})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    if clock:
        page.clock.install()
    page.goto(url)
    page.wait_for_function("() => window.parcours && window.parcours.live.socket.connected")
    return context, page, errors


def kiosk_url(server: Server, host_token: str) -> str:
    answer = api(server, "POST", "/kiosk", host_token, {"pin": PIN})
    assert answer.status_code == 201, answer.text
    return f"{server.url}{answer.json()['url']}"


def pick(page: Any, name: str) -> None:
    """Tap a name on the roster and wait for the entry screen."""
    page.locator("#kiosk-roster .kiosk-name", has_text=name).click()
    page.wait_for_selector("body[data-screen='person']")


def back_at_roster(page: Any) -> None:
    page.wait_for_selector("body[data-screen='roster']", timeout=15000)


def dismiss(page: Any) -> None:
    """Tap OK on the "saved" screen (it goes back to the names by itself after 4 s, too)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):  # it may have gone back on its own meanwhile
        page.locator("#screen-done [data-reset]").click(timeout=3000)
    back_at_roster(page)


def test_a_contact_request_made_at_the_kiosk_reaches_the_station(
    browser: Any, event: tuple[Server, dict[str, Any]]
) -> None:
    server, ev = event
    station = ev["stations"][0]
    host_token = station["host_token"]
    second_ctx, second, _ = open_page(browser, f"{server.url}/h/{host_token}")  # host's phone
    context, page, errors = open_page(browser, f"{server.url}/h/{host_token}")
    try:
        page.click("#kiosk-enter-open")
        page.fill("#kiosk-pin", PIN)
        page.fill("#kiosk-pin-again", PIN)
        page.click("#kiosk-enter-form button[type=submit]")
        page.wait_for_url("**/k/**")
        page.wait_for_function("() => window.parcours && window.parcours.live.socket.connected")
        assert host_token not in page.content()
        stored = page.evaluate("JSON.stringify(Object.entries(localStorage))")
        assert host_token not in stored
        heading = page.locator("#screen-roster h1")
        assert heading.locator("[lang='en']").inner_text() == "Tap your name"
        assert heading.locator("[lang='de']").inner_text() not in ("", "Tap your name")
        jana = ev["participants"][0]  # her personal code, typed: she may share her contact
        page.fill("#kiosk-code", jana["personal_code"].lower())
        page.press("#kiosk-code", "Enter")
        page.wait_for_selector("body[data-screen='person'][data-credential='yes']")
        assert "Jana Wächter" in page.inner_text("#kiosk-hello")
        page.click("[data-go='contact']")
        page.locator("#kiosk-topics .kiosk-choice").first.click()
        topic = page.locator("#kiosk-topics .kiosk-choice").first.get_attribute("data-topic")
        page.fill("#kiosk-message", "Bitte nach 16 Uhr anrufen")
        page.click("#kiosk-contact-form button[type=submit]")  # no consent chosen yet
        assert page.locator("#kiosk-consent-error").is_visible()
        page.click(".kiosk-consent [data-share='yes']")
        page.click("#kiosk-contact-form button[type=submit]")
        page.wait_for_selector("body[data-screen='done']")
        back_at_roster(page)
        page.wait_for_selector("#kiosk-waiting[data-waiting='0']", state="attached")
        shown = second.locator("#follow-ups li", has_text="Jana Wächter")
        shown.wait_for()  # the host's other device got it live, with the consented details
        assert "jana.waechter@example.org" in shown.inner_text()
        assert not errors, errors
    finally:
        context.close()
        second_ctx.close()
    path = f"/events/{ev['event_id']}/stations/{station['id']}/follow-ups"
    rows = api(server, "GET", path, host_token).json()
    assert len(rows) == 1
    jana = ev["participants"][0]
    assert rows[0]["participant"]["pseudonym"] == f"P-{jana['id']:04d}"
    assert rows[0]["participant"]["name"] == "Jana Wächter"
    assert (rows[0]["topic"], rows[0]["share_contact"]) == (topic, True)
    assert rows[0]["message"] == "Bitte nach 16 Uhr anrufen"
    mine = api(server, "GET", "/me", jana["token"]).json()["follow_ups"]
    assert [row["id"] for row in mine] == [rows[0]["id"]]  # on her phone, as her own


def test_the_next_person_sees_nothing_of_the_one_before(
    browser: Any, event: tuple[Server, dict[str, Any]]
) -> None:
    server, ev = event
    context, page, errors = open_page(
        browser, kiosk_url(server, ev["stations"][0]["host_token"]), clock=True
    )
    secret = "Vertraulich: Gehaltsvorstellung 52000"
    try:
        pick(page, "Jana Wächter")
        page.click("[data-go='note']")
        page.fill("#kiosk-note-text", secret)
        page.click("#kiosk-note-form button[type=submit]")
        page.wait_for_selector("body[data-screen='done']")
        assert secret not in page.inner_text("body")
        dismiss(page)
        page.wait_for_selector("#kiosk-waiting[data-waiting='0']", state="attached")
        pick(page, "Monika Grünewald")
        assert "Monika Grünewald" in page.inner_text("#kiosk-hello")
        assert "Jana" not in page.inner_text("#kiosk-hello")
        page.click("[data-go='note']")
        assert page.input_value("#kiosk-note-text") == ""
        page.fill("#kiosk-note-text", "Monikas halbe Notiz")  # then she walks away
        page.click("#screen-note [data-back]")
        page.click("[data-go='contact']")
        assert page.locator(".kiosk-choice[aria-pressed='true']").count() == 0  # no default
        page.click("#screen-contact [data-back]")
        page.click("#screen-person [data-reset]")  # "not you?": she searches for herself
        page.fill("#kiosk-search", "Grünew")
        page.locator("#kiosk-found .kiosk-name", has_text="Monika").wait_for()
        page.clock.fast_forward(61_000)  # a minute without a touch
        back_at_roster(page)
        body = page.inner_text("body")
        assert "Monika Grünewald" in page.inner_text("#kiosk-roster")  # the list of names only
        assert page.inner_text("#kiosk-hello") == ""
        assert page.input_value("#kiosk-search") == ""
        assert page.locator("#kiosk-found *").count() == 0
        assert secret not in body and "halbe Notiz" not in body
        values = page.evaluate(
            "[...document.querySelectorAll('input, textarea')].map((e) => e.value).join('|')"
        )
        assert "halbe" not in values and secret not in values
        stored = page.evaluate("JSON.stringify(Object.entries(localStorage))")
        assert secret not in stored  # sent entries are not kept on the tablet
        assert not errors, errors
    finally:
        context.close()
    notes = api(server, "GET", "/me", ev["participants"][0]["token"]).json()["notes"]
    assert [(n["text"], n["via"]) for n in notes] == [(secret, "kiosk")]
    monika = api(server, "GET", "/me", ev["participants"][3]["token"]).json()
    assert monika["notes"] == [] and monika["follow_ups"] == []


def test_leaving_kiosk_mode_needs_the_host_code(
    browser: Any, event: tuple[Server, dict[str, Any]]
) -> None:
    server, ev = event
    host_token = ev["stations"][1]["host_token"]
    url = kiosk_url(server, host_token)
    context, page, errors = open_page(browser, url)
    try:
        page.click("#kiosk-host")
        page.fill("#kiosk-exit-pin", "1234")
        page.click("#kiosk-exit-form button[type=submit]")
        error = page.locator("#kiosk-exit-error")
        error.wait_for()
        wrong = "That is not the code that was set for this tablet."
        assert error.locator("[lang='en']").inner_text() == wrong
        assert error.locator("[lang='de']").inner_text() not in ("", wrong)  # and in German
        assert "/k/" in page.url
        page.click("#kiosk-exit-cancel")
        assert page.locator("#kiosk-leads, #lead-form, #follow-ups").count() == 0
        page.click("#kiosk-host")
        page.fill("#kiosk-exit-pin", PIN)
        page.click("#kiosk-exit-form button[type=submit]")
        page.wait_for_url(f"**/h/{host_token}")
        page.wait_for_selector("#lead-form")  # the host's page with its host-only parts
        assert not errors, errors
    finally:
        context.close()
    assert requests.get(url, timeout=10).status_code == 404  # the kiosk token has ended


def test_kiosk_entries_made_offline_arrive_once(
    browser: Any, event: tuple[Server, dict[str, Any]]
) -> None:
    server, ev = event
    station = ev["stations"][0]
    context, page, errors = open_page(browser, kiosk_url(server, station["host_token"]))
    try:
        page.wait_for_selector("body[data-offline-ready='yes']", timeout=15000)
        context.set_offline(True)
        page.wait_for_selector("#live-offline", state="visible")
        pick(page, "Jana Wächter")
        page.click("[data-go='note']")
        page.fill("#kiosk-note-text", "Offline geschrieben")
        page.click("#kiosk-note-form button[type=submit]")
        dismiss(page)
        pick(page, "Monika Grünewald")
        page.click("#kiosk-check-in")
        dismiss(page)
        olena = ev["participants"][2]  # not expected here: her route card's link, typed in
        page.fill("#kiosk-code", f"{server.url}/p/{olena['token']}")
        page.press("#kiosk-code", "Enter")
        page.wait_for_selector("body[data-screen='person']")  # offline: the server names her later
        page.click("[data-go='contact']")
        page.click("[data-other]")
        page.fill("#kiosk-other-topic", "Pflegeausbildung")
        page.click(".kiosk-consent [data-share='no']")
        page.click("#kiosk-contact-form button[type=submit]")
        dismiss(page)
        status = page.locator("#kiosk-waiting[data-waiting='3']")
        status.wait_for()
        text = status.inner_text()
        assert "3" in text and "Jana" not in text and "Monika" not in text  # a count, no names
        page.reload()  # still offline: the service worker serves the page, the queue is kept
        page.wait_for_selector("#kiosk-waiting[data-waiting='3']")
        context.set_offline(False)
        page.wait_for_selector("#kiosk-waiting[data-waiting='0']", state="attached", timeout=20000)
        assert not errors, errors
    finally:
        context.close()
    jana = api(server, "GET", "/me", ev["participants"][0]["token"]).json()
    assert [(n["text"], n["via"], n["station_id"]) for n in jana["notes"]] == [
        ("Offline geschrieben", "kiosk", station["id"])
    ]
    monika = api(server, "GET", "/me", ev["participants"][3]["token"]).json()
    assert [c["station_id"] for c in monika["check_ins"]] == [station["id"]]
    olena = api(server, "GET", "/me", ev["participants"][2]["token"]).json()
    assert [(f["topic"], f["share_contact"]) for f in olena["follow_ups"]] == [
        ("Pflegeausbildung", False)
    ]


def test_a_badge_or_route_card_code_finds_the_participant(
    browser: Any, event: tuple[Server, dict[str, Any]]
) -> None:
    from parcours.services.capture.kiosk import badge_code

    server, ev = event
    station = ev["stations"][2]
    dilara, tigist = ev["participants"][4], ev["participants"][5]
    badge = badge_code(
        server.env["PARCOURS_SECRET_KEY"], ev["event_id"], dilara["id"], plain(dilara)
    )
    context, page, errors = open_page(browser, kiosk_url(server, station["host_token"]))
    try:
        page.fill("#kiosk-code", f"{server.url}/b/{badge}")  # what the badge's QR code holds
        page.press("#kiosk-code", "Enter")
        page.wait_for_selector("body[data-screen='person']")
        assert "Dilara Güneş" in page.inner_text("#kiosk-hello")
        page.click("#kiosk-check-in")
        dismiss(page)
        page.fill("#kiosk-code", f"{server.url}/b/{dilara['id']}-aaaaaaaaaaaa")  # forged
        page.press("#kiosk-code", "Enter")
        page.wait_for_selector("#kiosk-code-error", state="visible")
        assert page.get_attribute("body", "data-screen") == "roster"
        page.fill("#kiosk-code", f"{server.url}/p/{tigist['token']}")  # her route card
        page.press("#kiosk-code", "Enter")
        page.wait_for_selector("body[data-screen='person']")
        assert "Tigist Woldemichael" in page.inner_text("#kiosk-hello")
        page.click("[data-go='note']")
        page.fill("#kiosk-note-text", "Mentoring-Programm ansehen")
        page.click("#kiosk-note-form button[type=submit]")
        back_at_roster(page)
        page.wait_for_selector("#kiosk-waiting[data-waiting='0']", state="attached")
        assert not errors, errors
    finally:
        context.close()
    checked = api(server, "GET", "/me", dilara["token"]).json()["check_ins"]
    assert [c["station_id"] for c in checked] == [station["id"]]
    notes = api(server, "GET", "/me", tigist["token"]).json()["notes"]
    assert [(n["text"], n["station_id"]) for n in notes] == [
        ("Mentoring-Programm ansehen", station["id"])
    ]
