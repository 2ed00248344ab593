"""The facilitator console in Chromium on a day with two parcours, the second locked: as the
clock reaches the first parcours' last round, the re-plan box follows without a reload and
shows and acts on the lock of the parcours that is next."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.test_plan_segments_browser import api, setup  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_the_console_follows_the_lock_of_the_parcours_next(
    page: Any,
    setup: Any,  # noqa: F811
) -> None:
    server, info = setup
    event = info["event_id"]
    plan = api(server, info["organiser_token"], f"/events/{event}/plan", {"time_limit": 1})
    second = plan["segments"][0]["segment_id"]
    body = {"locked": True, "segment_id": second}
    assert api(server, info["organiser_token"], f"/events/{event}/plan/lock", body)["locked"]
    clock = f"/events/{event}/clock"
    state = api(server, info["facilitator_token"], clock, {"action": "start"})
    while state["round"] != 2:  # the first parcours' second round of 3
        state = api(server, info["facilitator_token"], clock, {"action": "next"})
    page.set_extra_http_headers({"Accept-Language": "de"})
    page.goto(f"{server.url}/f/{info['facilitator_token']}")
    box = page.locator("#plan-replan")
    shown = box.locator("[data-replan-lock]:visible")
    assert shown.inner_text() == "Plan für «Parcours 1» nicht gesperrt"
    assert box.locator("[data-replan]").inner_text() == "Offene Runden neu planen (ab Runde 3)"
    assert box.locator("[data-replan-explain]").inner_text().startswith("Späte Ankünfte")

    api(server, info["facilitator_token"], clock, {"action": "next"})  # its last round: the
    # first parcours has no open round left, re-planning is the second's (locked) now
    page.wait_for_function(
        "() => document.querySelector('[data-replan]').textContent.includes('ab Runde 1')"
    )
    assert shown.count() == 1
    assert shown.inner_text().endswith("Plan für «Parcours 2» gesperrt")
    assert box.locator("[data-replan-explain]").inner_text().startswith("Der Plan ist gesperrt")
    dialogs: list[str] = []

    def answer(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    box.locator("[data-replan]").click()  # asks with the locked wording, keeps every route
    page.wait_for_function(
        "() => document.querySelector('[data-replan-status]').textContent.includes('Fertig')"
    )
    assert dialogs and dialogs[0].startswith("Der Plan ist gesperrt")
    assert box.locator('[data-change="moved"]').count() == 0
