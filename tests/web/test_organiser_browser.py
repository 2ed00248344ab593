"""The organiser pages and the join page in Chromium against a real server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Server, create_event_on

pytestmark = [pytest.mark.browser, pytest.mark.server]
EMAIL = "orga@example.org"
PASSWORD = "parcours-test-1"
CSV = (
    "Name;Organisation;Art;E-Mail;Interessen\r\n"
    "Götz Brenner;Brenner Holzbau;Unternehmen;goetz@example.org;IHK Musterstadt\r\n"
    "Ohne Adresse;;Raumschiff;kaputt;\r\n"
    "Lale Demir;Stadtwerke Musterstadt;Behörde;lale@example.org;\r\n"
).encode("cp1252", errors="replace")


@pytest.fixture
def setup(server_factory: Any) -> tuple[Server, dict[str, Any]]:
    server = server_factory("eventlet").start()
    done = server.cli("organiser", "create", EMAIL, "--password", PASSWORD, "--admin")
    assert done.returncode == 0, done.stderr
    return server, create_event_on(server, "small")


def test_log_in_create_a_station_import_a_csv(page: Any, setup: Any) -> None:
    server, info = setup
    page.goto(f"{server.url}/organiser/")
    assert page.url.startswith(f"{server.url}/organiser/login")
    page.fill("#email", EMAIL)
    page.fill("#password", "wrong password")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".flash-error")
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{server.url}/organiser/")
    page.click("text=Kleiner Testparcours")
    page.wait_for_url(f"{server.url}/organiser/events/{info['event_id']}")
    assert info["join_code"] in page.inner_text(".event-head")

    # a new station from the form (the first try has a bad code)
    page.click("nav.tabs >> text=/Stations|Stationen/")
    page.click("#new-station")
    page.fill("#f-name", "Beispiel Pflege gGmbH")
    page.fill("#f-code", "x!")
    page.click("#station-form button[type=submit]")
    page.wait_for_selector('[data-field="code"]')
    page.fill("#f-code", "")
    page.fill("#f-capacity", "5")
    page.fill("#f-topics", "Ausbildung in der Pflege\nAnerkennung")
    page.click("#station-form button[type=submit]")
    page.wait_for_selector("table.stations >> text=Beispiel Pflege gGmbH")
    # one from the catalogue
    page.click('details[data-template="jobcenter"] summary')
    page.fill('details[data-template="jobcenter"] input[name=location]', "Tisch 5")
    page.click('details[data-template="jobcenter"] button[type=submit]')
    page.wait_for_selector("table.stations >> text=Tisch 5")
    assert page.locator("table.stations tbody tr").count() == 5

    # import a CSV: the preview marks the bad row, nothing is saved before confirming
    page.click("nav.tabs >> text=/Participants|Teilnehmende/")
    page.wait_for_url("**/participants")
    assert page.locator("table.participants tbody tr").count() == 6
    page.click("#import-csv")
    page.wait_for_url("**/participants/import")
    page.set_input_files(
        "#csv-upload input[type=file]",
        files=[{"name": "liste.csv", "mimeType": "text/csv", "buffer": CSV}],
    )
    page.click("#csv-upload button[type=submit]")
    page.wait_for_selector("#preview")
    assert page.locator("table.preview tr.ok").count() == 2
    bad = page.locator("table.preview tr.bad")
    assert bad.count() == 1
    assert "E-Mail:" in bad.inner_text()  # the field is named in German on a German page
    page.click("#csv-confirm button[type=submit]")
    page.wait_for_selector("table.participants >> text=Götz Brenner")
    assert page.locator("table.participants tbody tr").count() == 8
    assert "Ohne Adresse" not in page.inner_text("table.participants")

    # the links page has a QR code per role and station
    page.click("nav.tabs >> text=/Links/")
    page.wait_for_url("**/links")
    assert page.locator(".qr-card svg").count() == 3 + 5
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("nav.tabs >> text=/Stations|Stationen/")
    page.wait_for_url("**/stations")
    row = page.locator("tr", has_text="Beispiel Pflege gGmbH")
    row.locator("button.btn-danger").click()
    page.wait_for_selector(".flash-success")
    assert page.locator("table.stations tbody tr").count() == 4


def test_self_registration_on_a_phone(browser: Any, setup: Any) -> None:
    server, info = setup
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{server.url}/?code={info['join_code'].lower()}")
        page.wait_for_selector("#join-form")
        page.fill("#name", "Samira Haddad")
        page.fill("#email", "samira@example.org")
        page.check(f'input[name=interests][value="{info["stations"][0]["id"]}"]')
        page.click("#join-form button[type=submit]")  # no consent yet
        page.wait_for_selector('[data-field="consent"]')
        assert page.input_value("#name") == "Samira Haddad"
        assert page.is_checked(f'input[name=interests][value="{info["stations"][0]["id"]}"]')
        page.check("#consent")
        page.click("#join-form button[type=submit]")
        page.wait_for_url(f"{server.url}/p/**")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
    finally:
        context.close()
