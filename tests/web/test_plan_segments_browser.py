"""A day with two parcours in Chromium against a real server: plan both from the page, move a
person in the second, lock the second, print route cards with both routes, and a phone in the
second parcours shows its round's station."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.api.test_plan_rules import rules_event
from tests.conftest import Server
from tests.web.test_print_browser import A6, assert_paper

pytestmark = [pytest.mark.browser, pytest.mark.server]
EMAIL = "orga@example.org"
PASSWORD = "parcours-test-1"
SHOTS = Path(__file__).resolve().parents[2] / "tmp" / "screenshots" / "plan-segments"


def api(server: Server, token: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """Call the HTTP API of the server (GET without a body, POST with one)."""
    request = urllib.request.Request(
        f"{server.url}/api/v1{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture
def setup(server_factory: Any, tmp_path: Path) -> tuple[Server, dict[str, Any]]:
    server = server_factory("eventlet").start()
    done = server.cli("organiser", "create", EMAIL, "--password", PASSWORD, "--admin")
    assert done.returncode == 0, done.stderr
    data = rules_event(parcours=2)
    data["event"]["starts_at"] = "2026-06-02T09:00:00+02:00"
    path = tmp_path / "two.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = server.cli("event", "create", str(path), "--json")
    assert done.returncode == 0, done.stderr
    return server, dict(json.loads(done.stdout))


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def plan_both(page: Any, server: Server, info: dict[str, Any]) -> tuple[str, Any]:
    """Log in on the plan page and compute every parcours; return the page's URL and tabs."""
    plan = f"{server.url}/organiser/events/{info['event_id']}/plan"
    page.goto(plan)
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(plan)
    tabs = page.locator("#segment-tabs a")
    assert tabs.count() == 2 and tabs.nth(0).get_attribute("aria-current") == "page"
    page.fill("#time_limit", "1")  # every parcours (the default choice)
    page.click("form.plan-form button[type=submit]")
    page.wait_for_selector("table.plan-grid", timeout=60_000)
    assert page.locator("table.plan-grid tbody tr:first-child td.cell").count() == 3
    shot(page, "1-first-parcours")
    return plan, tabs


def move_in_second(
    page: Any, server: Server, info: dict[str, Any], second: int
) -> tuple[dict[str, Any], dict[int, int], dict[str, Any]]:
    """Move one person by hand in round 2 of the second parcours; return the person, their
    route before the move and the station they were moved to."""
    url = f"/events/{info['event_id']}/plan"
    rows = api(server, info["organiser_token"], f"{url}?segment_id={second}")
    person = info["participants"][6]
    mine = {
        r["round"]: r["station_id"]
        for r in rows["assignments"]
        if r["participant_id"] == person["id"]
    }
    target = next(s for s in info["stations"] if s["id"] not in mine.values())
    page.select_option("#move-participant", str(person["id"]))
    page.select_option("#move-round", "2")
    page.select_option("#move-station", str(target["id"]))
    page.click("#move button[type=submit]")
    page.wait_for_url(re.compile(rf".*segment={second}#move$"))
    assert page.locator("[data-move-result].flash-success").count() == 1
    cell = page.locator(f'tr[data-station="{target["id"]}"] td[data-round="2"] .cell-names')
    assert person["name"] in (cell.text_content() or "")  # names fold away above 4 people
    first_plan = api(server, info["organiser_token"], url)
    moved = api(server, info["organiser_token"], f"{url}?segment_id={second}")
    row = {"participant_id": person["id"], "round": 2, "station_id": target["id"]}
    assert row in moved["assignments"]
    assert moved["metrics"]["manual_moves"] == 1 and first_plan["metrics"]["manual_moves"] == 0
    return person, mine, target


def print_cards(page: Any, plan: str, info: dict[str, Any], person: Any, target: Any) -> None:
    """Route cards list both parcours, each card on one A6 page."""
    page.goto(f"{plan}/route-cards")
    assert page.locator("article.route-card").count() == len(info["participants"])
    card = page.locator(f'article.route-card[data-participant="{person["id"]}"]')
    assert card.locator("table").count() == 2
    assert card.locator(".rc-part").all_inner_texts() == ["Parcours 1", "Parcours 2"]
    last = card.locator("table").nth(1).locator("tbody tr").nth(1)
    assert target["name"] in last.inner_text()
    shot(page, "3-route-cards")
    card.screenshot(path=str(SHOTS / "3b-one-route-card.png"))
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (SHOTS / "route-cards.pdf").write_bytes(pdf)
    assert_paper(pdf, A6, len(info["participants"]))  # both routes fit on each card's one page


def phone_in_second(
    browser: Any, server: Server, info: dict[str, Any], person: Any, station: int, moved: Any
) -> None:
    """Run the clock into the second parcours: the phone shows that parcours' station."""
    facilitator = info["facilitator_token"]
    state = api(server, facilitator, f"/events/{info['event_id']}/clock", {"action": "start"})
    while state["segment"]["title"] != "Parcours 2":
        state = api(server, facilitator, f"/events/{info['event_id']}/clock", {"action": "next"})
    names = {s["id"]: s["name"] for s in info["stations"]}
    phone = browser.new_context(locale="de-DE").new_page()
    try:
        phone.goto(f"{server.url}/p/{person['token']}")
        phone.wait_for_selector('body[data-round="1"][data-phase="running"]', timeout=10_000)
        phone.wait_for_function(
            "name => document.querySelector('#now-station').textContent === name",
            arg=names[station],
            timeout=10_000,
        )
        assert phone.text_content("#segment-title") == "Parcours 2"
        assert phone.locator("#route li").count() == 2
        assert moved["name"] in phone.locator('#route li[data-round="2"]').inner_text()
        shot(phone, "4-phone-second-parcours")
    finally:
        phone.context.close()


def test_two_parcours_planned_moved_locked_printed_and_followed(
    page: Any, browser: Any, setup: Any
) -> None:
    server, info = setup
    plan, tabs = plan_both(page, server, info)
    first, second = (int(tabs.nth(i).get_attribute("data-segment")) for i in range(2))
    assert page.locator(f'#later-parcours li[data-segment="{second}"] a').count() == 1
    tabs.nth(1).click()  # the second parcours: its own grid of 2 rounds
    page.wait_for_url(re.compile(rf".*segment={second}$"))
    assert page.locator("table.plan-grid tbody tr:first-child td.cell").count() == 2
    assert page.locator("#replan-elsewhere").count() == 1  # re-planning is the first's now
    person, before, target = move_in_second(page, server, info, second)

    page.click(f'#lock button[data-lock-segment="{second}"]')
    page.wait_for_url(re.compile(rf".*segment={second}$"))
    assert page.locator(".plan-locked").count() == 1
    assert page.locator("#move form").count() == 0  # locked: no moves
    assert page.locator("form.plan-form").count() == 0
    shot(page, "2-second-parcours-locked")
    tabs.nth(0).click()
    page.wait_for_url(re.compile(rf".*segment={first}$"))
    assert page.locator(".plan-locked").count() == 0 and page.locator("#move form").count() == 1

    print_cards(page, plan, info, person, target)
    phone_in_second(browser, server, info, person, before[1], target)
