"""In Chromium: the agenda form shows the parcours fields only for a parcours, and the phone and
the projector show when the parcours ends, moving when the facilitator extends the round."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Server, create_event_on
from tests.web.test_screen_browser import FULL_HD, api, open_page

pytestmark = [pytest.mark.browser, pytest.mark.server]
EMAIL = "orga@example.org"
PASSWORD = "parcours-test-1"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def setup(server_factory: Any) -> tuple[Server, dict[str, Any]]:
    server = server_factory("eventlet").start()
    done = server.cli("organiser", "create", EMAIL, "--password", PASSWORD, "--admin")
    assert done.returncode == 0, done.stderr
    info = create_event_on(server, "small")
    done = server.cli("plan", str(info["event_id"]), "--seed", "1")
    assert done.returncode == 0, done.stderr
    return server, info


def test_agenda_form_fits_its_item(page: Any, setup: Any, tmp_path: Path) -> None:
    server, info = setup
    url = f"{server.url}/organiser/events/{info['event_id']}/agenda"
    page.goto(url)
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(url)
    form = page.locator("#add-segment")
    assert form.locator("#f-minutes").is_visible()
    assert not form.locator("#f-rounds").is_visible() and not form.locator("#f-mode").is_visible()
    form.locator("#f-kind").select_option("parcours")
    for field in ("rounds", "round_minutes", "transition_minutes", "mode"):
        assert form.locator(f"#f-{field}").is_visible(), field
    assert not form.locator("#f-minutes").is_visible()
    page.screenshot(path=str(tmp_path / "agenda-parcours.png"), full_page=True)
    # a label focuses its own form's field, in the add form and in an edit form
    page.click("label[for=f-round_minutes]")
    assert page.evaluate("document.activeElement.id") == "f-round_minutes"
    edit = page.locator("li.segment").nth(1)
    edit.locator("summary").click()
    field_id = edit.locator("input[name=round_minutes]").get_attribute("id")
    assert field_id != "f-round_minutes"
    edit.locator(f"label[for='{field_id}']").click()
    assert page.evaluate("document.activeElement.id") == field_id
    # adding a talk sends no parcours fields, and saves
    form.locator("#f-kind").select_option("talk")
    form.locator("#f-title").fill("Mittagspause")
    form.locator("#f-minutes").fill("30")
    form.locator("button[type=submit]").click()
    page.locator("li.segment", has_text="Mittagspause").wait_for()


def test_phone_and_screen_show_when_the_parcours_ends(
    browser: Any, setup: Any, tmp_path: Path
) -> None:
    server, info = setup
    person = info["participants"][0]
    phone = open_page(browser, f"{server.url}/p/{person['token']}", PHONE)
    screen = open_page(browser, f"{server.url}/s/{info['screen_token']}", FULL_HD)
    api(server, info, "POST", "/clock", {"action": "start"})
    api(server, info, "POST", "/clock", {"action": "next"})  # round 1 of the parcours
    end = phone.locator("#parcours-end")
    end.wait_for()
    before = re.search(r"\d\d:\d\d", end.inner_text())
    assert before and "Parcours endet gegen" in end.inner_text()
    screen.locator("#parcours-end").wait_for()
    assert before.group(0) in screen.locator("#parcours-end").inner_text()
    # the route shows each round's expected time: round 1 until its end, round 2 from..to
    times = phone.locator("#route .route-time").all_inner_texts()
    assert len(times) == 2 and times[0].startswith("bis ") and "–" in times[1]
    phone.screenshot(path=str(tmp_path / "phone-times.png"), full_page=True)
    api(server, info, "POST", "/clock", {"action": "extend", "seconds": 600})
    phone.wait_for_function(
        "(old) => !document.getElementById('parcours-end').textContent.includes(old)",
        arg=before.group(0),
    )
    after = re.search(r"\d\d:\d\d", end.inner_text())
    assert after
    minutes = lambda hm: int(hm[:2]) * 60 + int(hm[3:])  # noqa: E731
    assert (minutes(after.group(0)) - minutes(before.group(0))) % (24 * 60) == 10
    screen.wait_for_function(
        "(t) => document.getElementById('parcours-end').textContent.includes(t)",
        arg=after.group(0),
    )
    screen.screenshot(path=str(tmp_path / "screen-times.png"))
