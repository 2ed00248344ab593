"""The join page on a phone in Chromium: a newcomer gives a station to avoid and a round they are
away; a contradiction is shown on its field in German; the route the plan gives keeps both."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.test_plan_segments_browser import api, setup, shot

pytestmark = [pytest.mark.browser, pytest.mark.server]
__all__ = ["setup"]  # the fixture: a real server with a two-parcours event


def test_join_with_a_station_to_avoid_and_a_round_away(browser: Any, setup: Any) -> None:
    server, info = setup
    done = server.cli("plan", str(info["event_id"]), "--seed", "1", "--time-limit", "1")
    assert done.returncode == 0, done.stderr
    st = {s["name"]: s["id"] for s in info["stations"]}
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{server.url}/join/{info['join_code']}")
        page.fill("#name", "Lotte Später")
        page.click("#join-needs summary")
        rounds = page.locator("input[name=absent_rounds]")
        assert rounds.count() == 5  # 3 + 2 rounds, numbered on across both parcours
        labels = page.locator("#join-needs label.check").all_inner_texts()
        assert any("Parcours 2 · Runde 2 (" in text for text in labels)  # with its times
        page.check(f'input[name=interests][value="{st["Station 3"]}"]')
        page.check(f'input[name=avoid][value="{st["Station 3"]}"]')
        page.check('input[name=absent_rounds][value="5"]')
        page.check("#consent")
        shot(page, "5-join-needs")
        page.click("#join-form button[type=submit]")
        error = page.locator('[data-field="avoid"]')
        error.wait_for()
        assert "kann nicht zugleich" in error.inner_text()  # German, on its field
        assert page.locator("#join-needs").get_attribute("open") is not None
        assert page.is_checked('input[name=absent_rounds][value="5"]')  # kept
        shot(page, "6-join-error")
        page.uncheck(f'input[name=interests][value="{st["Station 3"]}"]')
        page.check("#consent")
        page.click("#join-form button[type=submit]")
        page.wait_for_url(f"{server.url}/p/**")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
    people = api(server, info["organiser_token"], f"/events/{info['event_id']}/participants")
    person = next(p for p in people if p["name"] == "Lotte Später")
    assert person["avoid"] == [st["Station 3"]] and person["absent_rounds"] == [5]
    plan = api(server, info["organiser_token"], f"/events/{info['event_id']}/plan")
    segments = _segment_ids(server, info)
    later = api(
        server,
        info["organiser_token"],
        f"/events/{info['event_id']}/plan?segment_id={segments[1]}",
    )
    mine = [
        r for r in plan["assignments"] + later["assignments"] if r["participant_id"] == person["id"]
    ]
    assert mine and st["Station 3"] not in {r["station_id"] for r in mine}
    assert all(r["round"] == 1 for r in later["assignments"] if r["participant_id"] == person["id"])


def _segment_ids(server: Any, info: dict[str, Any]) -> list[int]:
    event = api(server, info["organiser_token"], f"/events/{info['event_id']}")
    return [s["id"] for s in event["agenda"] if s["kind"] == "parcours"]
