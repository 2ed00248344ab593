"""In Chromium against a real server (issue 10, item 1): a contact request made at the kiosk by
tapping a name leaves no contact details with the station, and the kiosk says so; someone not
at the station needs their code; a participant sees on their phone what was entered in their
name at a kiosk and withdraws a consent given there. Screenshots go to PARCOURS_SCREENSHOTS
(or the test's tmp folder)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import Server, auth, create_event_on, with_codes
from tests.realtime.helpers import assign_on
from tests.web.test_kiosk_browser import back_at_roster, kiosk_url, open_page, pick

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[Server]:
    server = Server(tmp_path_factory.mktemp("kiosk-consent"))
    done = server.cli("db", "upgrade")
    assert done.returncode == 0, done.stderr
    server.start()
    yield server
    server.stop()


@pytest.fixture
def event(server: Server) -> tuple[Server, dict[str, Any]]:
    """A small event with a round-robin plan: Jana and Monika are at the first station."""
    info = with_codes(server, create_event_on(server, "small"))
    assign_on(server.database_url, info["event_id"])
    return server, info


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("PARCOURS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def station_rows(server: Server, ev: dict[str, Any], index: int) -> list[dict[str, Any]]:
    station = ev["stations"][index]
    answer = requests.get(
        f"{server.url}/api/v1/events/{ev['event_id']}/stations/{station['id']}/follow-ups",
        headers=auth(station["host_token"]),
        timeout=10,
    )
    assert answer.status_code == 200
    return list(answer.json())


def test_a_name_tapped_at_the_kiosk_leaves_no_contact_details_with_the_station(
    browser: Any, event: tuple[Server, dict[str, Any]], shots: Path
) -> None:
    server, ev = event
    station = ev["stations"][0]
    host_ctx, host, _ = open_page(browser, f"{server.url}/h/{station['host_token']}")
    context, page, errors = open_page(browser, kiosk_url(server, station["host_token"]))
    try:
        # someone not expected here finds their name, but a name alone is not enough
        page.fill("#kiosk-search", "Deniz")
        found = page.locator("#kiosk-found .kiosk-name", has_text="Deniz")
        found.click()
        page.wait_for_selector("#kiosk-need-code", state="visible")
        assert page.get_attribute("body", "data-screen") == "roster"
        page.screenshot(path=str(shots / "kiosk-need-code.png"), full_page=True)
        page.fill("#kiosk-search", "")
        pick(page, "Jana Wächter")
        assert page.get_attribute("body", "data-credential") == "no"
        page.click("[data-go='contact']")
        page.locator("#kiosk-topics .kiosk-choice").first.click()
        page.fill("#kiosk-message", "Bitte um Rückruf")
        assert page.locator("#kiosk-by-name").is_visible()
        assert not page.locator(".kiosk-consent").is_visible()  # no consent to give here
        notice = page.locator("#kiosk-by-name").inner_text()
        assert "pseudonym" in notice and "Pseudonym" in notice  # English and German
        page.screenshot(path=str(shots / "kiosk-by-name.png"), full_page=True)
        page.click("#kiosk-contact-form button[type=submit]")
        page.wait_for_selector("body[data-screen='done']")
        back_at_roster(page)
        page.wait_for_selector("#kiosk-waiting[data-waiting='0']", state="attached")
        shown = host.locator("#follow-ups li")
        shown.first.wait_for()  # the host's tablet: the request, under the pseudonym
        jana = ev["participants"][0]
        text = shown.first.inner_text()
        assert f"P-{jana['id']:04d}" in text and "Jana" not in text and "@" not in text
        host.screenshot(path=str(shots / "host-pseudonym.png"), full_page=True)
        assert not errors, errors
    finally:
        context.close()
        host_ctx.close()
    rows = station_rows(server, ev, 0)
    assert len(rows) == 1 and rows[0]["share_contact"] is False
    assert rows[0]["participant"]["email"] is None and rows[0]["participant"]["name"] is None
    csv_text = requests.get(
        f"{server.url}/api/v1/events/{ev['event_id']}/stations/{station['id']}/follow-ups",
        params={"format": "csv"},
        headers=auth(station["host_token"]),
        timeout=10,
    ).content.decode("utf-8-sig")
    assert "jana" not in csv_text.lower() and "Tablet der Station (Kiosk)" in csv_text


def test_a_participant_sees_and_withdraws_a_kiosk_consent_on_their_phone(
    browser: Any, event: tuple[Server, dict[str, Any]], shots: Path
) -> None:
    server, ev = event
    station = ev["stations"][0]
    jana = ev["participants"][0]
    url = kiosk_url(server, station["host_token"])
    kiosk = url.rsplit("/", 1)[1]
    phone_ctx = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    phone = phone_ctx.new_page()
    errors: list[str] = []
    phone.on("pageerror", lambda err: errors.append(str(err)))
    try:
        phone.goto(f"{server.url}/p/{jana['token']}")
        phone.wait_for_function("() => window.parcours && window.parcours.live.socket.connected")
        assert phone.locator("#kiosk-entries").is_hidden()
        # at the kiosk, with her personal code: a request that shares her contact details
        body = {
            "client_id": str(uuid.uuid4()),
            "personal_code": jana["personal_code"],
            "topic": "Ausbildung",
            "message": "am Kiosk",
            "share_contact": True,
        }
        answer = requests.post(
            f"{server.url}/api/v1/kiosk/follow-ups", json=body, headers=auth(kiosk), timeout=10
        )
        assert answer.status_code == 201, answer.text
        entry = phone.locator("#kiosk-entry-list .kiosk-entry[data-kind='follow_up']")
        entry.wait_for()  # it appears at once, while her page is open
        assert station["name"] in entry.inner_text()
        assert entry.locator(".kiosk-entry-consent[data-shared='true']").count() == 1
        assert station_rows(server, ev, 0)[0]["participant"]["email"] == jana_email(ev)
        phone.locator("#kiosk-entries").scroll_into_view_if_needed()
        phone.screenshot(path=str(shots / "phone-kiosk-entry.png"), full_page=True)
        entry.locator(".kiosk-withdraw").click()
        phone.wait_for_selector(
            "#kiosk-entry-list .kiosk-entry-consent[data-shared='false']", timeout=15000
        )
        assert phone.locator(".kiosk-withdraw").count() == 0
        status = phone.inner_text("#kiosk-entries-status")
        assert station["name"] in status and "widerrufen" in status
        phone.screenshot(path=str(shots / "phone-kiosk-withdrawn.png"), full_page=True)
        phone.reload()  # after a reload the list comes from the server: still withdrawn
        phone.locator("#kiosk-entry-list .kiosk-entry-consent[data-shared='false']").wait_for()
        assert not errors, errors
    finally:
        phone_ctx.close()
    rows = station_rows(server, ev, 0)
    assert rows[0]["share_contact"] is False and rows[0]["participant"]["email"] is None


def jana_email(ev: dict[str, Any]) -> str:
    """Return Jana's e-mail address from the small example."""
    assert ev["participants"][0]["name"] == "Jana Wächter"
    return "jana.waechter@example.org"


def test_an_open_page_of_a_replaced_link_says_it_no_longer_works(
    browser: Any, event: tuple[Server, dict[str, Any]], shots: Path
) -> None:
    """Issue 10, item 3: the old host link stops working at once, also on the open tablet."""
    server, ev = event
    station = ev["stations"][1]
    context, page, errors = open_page(browser, f"{server.url}/h/{station['host_token']}")
    try:
        page.wait_for_selector("#lead-form")
        answer = requests.post(
            f"{server.url}/api/v1/events/{ev['event_id']}/links/rotate",
            json={"role": "host", "station_id": station["id"]},
            headers=auth(ev["organiser_token"]),
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        page.wait_for_selector("#lead-form", state="detached", timeout=15000)
        page.wait_for_load_state()
        assert "nicht (mehr) gültig" in page.inner_text("body")
        page.screenshot(path=str(shots / "host-link-replaced.png"), full_page=True)
        assert not errors, errors
    finally:
        context.close()
    new = answer.json()["url"]
    assert requests.get(f"{server.url}{new}", timeout=10).status_code == 200
