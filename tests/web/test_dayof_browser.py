"""The day of the event in Chromium, as people use it (issue 16, items 1, 2, 5 and 11).

The console's attendance list and a re-plan of a locked plan; a second registration with a
known e-mail and a join code typed on a 390 px phone; a wrong station code on the phone; every
page closed after the shred. Screenshots go to $PARCOURS_SCREENSHOTS (else the test's tmp dir).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import auth, create_event_on

pytestmark = [pytest.mark.browser, pytest.mark.server]
PHONE = {"width": 390, "height": 844}


def shots(tmp_path: Path) -> Path:
    where = Path(os.environ.get("PARCOURS_SCREENSHOTS") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    return where


def new_page(browser: Any, viewport: dict[str, int] | None = None) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(
        locale="de-DE", viewport=viewport or {"width": 1440, "height": 1000}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    return context, page, errors


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def connected(page: Any) -> None:
    """Wait until the page's socket is connected (polled: the pages' CSP forbids eval)."""
    script = "() => Boolean(window.parcours && window.parcours.live.socket.connected)"
    for _ in range(300):
        if page.evaluate(script):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"{page.url} did not connect")


def api(server: Any, method: str, path: str, token: str, body: Any = None) -> Any:
    answer = requests.request(
        method, f"{server.url}/api/v1{path}", json=body, headers=auth(token), timeout=30
    )
    assert answer.status_code < 300, answer.text
    return answer.json()


def planned_and_locked(server: Any) -> dict[str, Any]:
    """Return the small event with a plan, locked, and the clock running the welcome."""
    ev = create_event_on(server, "small")
    org, eid = ev["organiser_token"], ev["event_id"]
    ev["plan"] = api(server, "POST", f"/events/{eid}/plan", org, {"time_limit": 1})
    api(server, "POST", f"/events/{eid}/plan/lock", org, {"locked": True})
    api(server, "POST", f"/events/{eid}/clock", ev["facilitator_token"], {"action": "start"})
    return ev


def test_console_attendance_and_replanning_a_locked_plan(
    server: Any, browser: Any, tmp_path: Path
) -> None:
    ev = planned_and_locked(server)
    jana, deniz = ev["participants"][0], ev["participants"][1]
    engine = sa.create_engine(server.database_url)
    with engine.begin() as conn:  # marked absent on the participants page, before the re-plan
        conn.execute(
            sa.text("UPDATE participants SET present = 0 WHERE id = :i"), {"i": deniz["id"]}
        )
    engine.dispose()
    context, page, errors = new_page(browser)
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        page.goto(f"{server.url}/f/{ev['facilitator_token']}")
        rows = page.locator("#attendance-list li[data-participant]")
        rows.first.wait_for()
        assert rows.count() == 6
        assert "5 von 6 anwesend" in page.locator("[data-attendance-count]").inner_text()

        page.click("[data-replan]")  # locked plan: answered, and it says what moved
        status = page.locator("[data-replan-status] [data-change='removed']")
        status.wait_for()
        assert deniz["name"] in status.inner_text()
        assert "Herausgenommen" in status.inner_text()
        assert "gesperrt" not in page.locator("[data-replan-status]").inner_text()

        page.fill("#attendance-search", "wachter")  # no umlaut typed: still found
        assert rows.count() == 1
        rows.first.locator("input[type=checkbox]").check()
        page.click("[data-attendance-set='false']")
        page.wait_for_selector(f"li[data-participant='{jana['id']}'][data-present='no']")
        page.fill("#attendance-search", "")
        page.select_option("#attendance-filter", "absent")
        assert rows.count() == 2
        page.check("#attendance-all")
        assert "2 ausgewählt" in page.locator("[data-attendance-selected]").inner_text()
        page.fill("#attendance-search", "deniz")
        page.check("#attendance-all")
        page.fill("#attendance-search", "")
        page.uncheck(f"li[data-participant='{jana['id']}'] input[type=checkbox]")
        page.click("[data-attendance-set='true']")  # Deniz arrives late
        page.select_option("#attendance-filter", "late")
        late = page.locator(f"li[data-participant='{deniz['id']}']")
        late.locator(".badge-late").wait_for()
        assert rows.count() == 1
        page.select_option("#attendance-filter", "all")
        page.locator("#attendance").screenshot(path=str(shots(tmp_path) / "console-attendance.png"))
        page.screenshot(path=str(shots(tmp_path) / "console.png"), full_page=True)
        assert not errors, errors
    finally:
        context.close()
    me = api(server, "GET", "/me", deniz["token"])
    assert [step["round"] for step in me["route"]] == [1, 2]  # placed again, nobody else moved
    assert api(server, "GET", "/me", jana["token"])["route"] == []
    plan = api(server, "GET", f"/events/{ev['event_id']}/plan", ev["organiser_token"])
    for row in ev["plan"]["assignments"]:
        if row["participant_id"] not in (jana["id"], deniz["id"]):
            assert row in plan["assignments"]


def test_a_phone_joins_with_a_sloppy_code_and_a_known_email(
    server: Any, browser: Any, tmp_path: Path
) -> None:
    ev = create_event_on(server, "small")
    code = ev["join_code"]
    context, page, errors = new_page(browser, PHONE)
    try:
        page.goto(f"{server.url}/join")  # no code: the form asks for it, in German
        assert "An einer Veranstaltung teilnehmen" in page.inner_text("h1")
        page.fill("#code", "zz 99 zz")
        page.click("#code-form button[type=submit]")
        assert "keine Veranstaltung mit dem Code ZZ99ZZ" in page.inner_text("#code-problem")
        page.screenshot(path=str(shots(tmp_path) / "join-unknown-code.png"), full_page=True)
        no_sideways_scroll(page)

        page.fill("#code", " ".join(code.lower()))  # as read off the projector
        page.click("#code-form button[type=submit]")
        page.wait_for_url(f"**/join/{code}")
        no_sideways_scroll(page)
        box = page.locator("input[name=interests]").first.bounding_box()
        assert box and box["width"] >= 24 and box["height"] >= 24
        label = page.locator("label.check").first.bounding_box()
        assert label and label["height"] >= 44
        page.screenshot(path=str(shots(tmp_path) / "join-390.png"), full_page=True)

        page.fill("#name", "Jana W.")
        page.fill("#email", "Jana.Waechter@example.org")  # imported already, other case
        page.check("#consent")
        page.click("#join-form button[type=submit]")
        page.locator("#already-registered").wait_for()
        text = page.inner_text("#already-registered")
        assert "bereits angemeldet" in text and "Infostand" in text and "QR-Code" in text
        assert "/p/" not in page.content() and "/p/" not in page.url
        no_sideways_scroll(page)
        page.screenshot(path=str(shots(tmp_path) / "join-already.png"), full_page=True)
        assert not errors, errors
    finally:
        context.close()
    people = api(server, "GET", f"/events/{ev['event_id']}/participants", ev["organiser_token"])
    assert len(people) == len(ev["participants"])  # nobody was created


def test_a_wrong_station_code_is_answered_plainly_on_the_phone(
    server: Any, browser: Any, tmp_path: Path
) -> None:
    ev = create_event_on(server, "small")
    person, station = ev["participants"][0], ev["stations"][1]
    context, page, errors = new_page(browser, PHONE)
    try:
        page.goto(f"{server.url}/p/{person['token']}")
        page.wait_for_selector("body[data-offline-ready='yes']", timeout=15000)
        no_sideways_scroll(page)
        page.fill("#check-in-code", "ZZZZ")
        page.click("#check-in-form button[type=submit]")
        problem = page.locator("#check-in-error")
        problem.wait_for()
        assert "ZZZZ ist nicht der Code einer Station" in problem.inner_text()
        assert page.get_attribute("#check-in-code", "aria-invalid") == "true"
        saved = page.locator("#check-in-form .capture-saved")
        assert saved.count() == 0 or "gespeichert" not in saved.inner_text()
        assert page.locator("#my-log li[data-kind='check_in']").count() == 0
        page.locator("#check-in-form").screenshot(
            path=str(shots(tmp_path) / "phone-wrong-code.png")
        )

        typed = f" {station['code'][:2].lower()} {station['code'][2:].lower()} "
        page.fill("#check-in-code", typed)  # the right code, typed loosely
        page.click("#check-in-form button[type=submit]")
        sent = page.locator("#my-log li[data-kind='check_in'][data-state='sent']")
        sent.wait_for(timeout=15000)
        assert station["name"] in sent.inner_text()
        assert problem.is_hidden()
        page.locator("#check-in-form").screenshot(
            path=str(shots(tmp_path) / "phone-right-code.png")
        )
        assert not errors, errors
    finally:
        context.close()
    assert len(api(server, "GET", "/me", person["token"])["check_ins"]) == 1


def test_after_the_shred_every_page_is_closed(server: Any, browser: Any, tmp_path: Path) -> None:
    ev = create_event_on(server, "small")
    host_ctx, host, host_errors = new_page(browser)
    console_ctx, console, console_errors = new_page(browser)
    phone_ctx, phone, _ = new_page(browser, PHONE)
    try:
        host.goto(f"{server.url}/h/{ev['stations'][0]['host_token']}")
        console.goto(f"{server.url}/f/{ev['facilitator_token']}")
        for page in (host, console):
            connected(page)
        answer = requests.post(
            f"{server.url}/api/v1/events/{ev['event_id']}/shred",
            json={"confirm": True},
            headers=auth(ev["organiser_token"]),
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        for page in (host, console):  # open pages reload into the closed page
            page.locator("#event-closed").wait_for(timeout=15000)
            assert "Diese Veranstaltung ist abgeschlossen" in page.inner_text("main")
            assert page.locator("form, textarea, input").count() == 0
        phone.goto(f"{server.url}/p/{ev['participants'][0]['token']}")
        phone.locator("#event-closed").wait_for()
        no_sideways_scroll(phone)
        assert phone.locator("form, textarea, input").count() == 0
        host.screenshot(path=str(shots(tmp_path) / "closed-host.png"), full_page=True)
        phone.screenshot(path=str(shots(tmp_path) / "closed-phone.png"), full_page=True)
        phone.goto(f"{server.url}/join/{ev['join_code']}")
        assert "Die Anmeldung für diese Veranstaltung ist geschlossen" in phone.inner_text("main")
        assert phone.locator("#join-form").count() == 0
        assert not host_errors and not console_errors, (host_errors, console_errors)
    finally:
        for context in (host_ctx, console_ctx, phone_ctx):
            context.close()


def test_the_organiser_sees_likely_duplicates_and_finds_people_by_name(
    server_factory: Any, browser: Any, tmp_path: Path
) -> None:
    server = server_factory("eventlet").start()
    email, password = "orga@example.org", "richtig-geheim-123"
    done = server.cli("organiser", "create", email, "--password", password, "--admin")
    assert done.returncode == 0, done.stderr
    ev = create_event_on(server, "small")
    again = requests.post(  # the imported Jana registers again, without her e-mail
        f"{server.url}/api/v1/join/{ev['join_code']}",
        json={"name": "Jana Waechter", "consent": True},
        timeout=30,
    )
    assert again.status_code == 201, again.text
    context, page, errors = new_page(browser)
    try:
        page.goto(f"{server.url}/organiser/login")
        page.fill("#email", email)
        page.fill("#password", password)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(f"{server.url}/organiser/")
        page.goto(f"{server.url}/organiser/events/{ev['event_id']}/participants")
        assert "Doublette" in page.inner_text("#duplicates-note")
        flagged = page.locator("tr[data-duplicate='yes']")
        assert flagged.count() == 2
        page.fill("#participants-search", "wächter")
        visible = page.locator("table.participants tbody tr:visible")
        assert visible.count() == 2
        page.fill("#participants-search", "musterbau jana")
        assert visible.count() == 1
        page.screenshot(path=str(shots(tmp_path) / "participants-duplicates.png"), full_page=True)
        visible.first.locator("a").first.click()
        page.locator("#desk-qr svg").wait_for()
        assert f"/p/{ev['participants'][0]['token']}" in page.content()
        page.screenshot(path=str(shots(tmp_path) / "info-desk.png"), full_page=True)
        assert not errors, errors
    finally:
        context.close()
