"""The facilitator console on a day with two parcours: the lock it shows and acts on is that of
the parcours running or next, and the attendance figures count every parcours of the day."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api.test_plan_rules import rules_event
from tests.conftest import auth


@pytest.fixture
def two(client: Any, make_event: Any) -> dict[str, Any]:
    """Return a German event with two planned parcours (3 and 2 rounds), the second locked."""
    info = make_event(rules_event(parcours=2))
    url = f"/api/v1/events/{info['event_id']}/plan"
    headers = auth(info["organiser_token"])
    plan = client.post(url, json={"seed": 1, "time_limit": 1}, headers=headers)
    assert plan.status_code == 201, plan.json
    info["second"] = plan.json["segments"][0]["segment_id"]
    locked = client.post(
        url + "/lock", json={"locked": True, "segment_id": info["second"]}, headers=headers
    )
    assert locked.status_code == 200 and locked.json["locked"] is True
    return info


def go_to(client: Any, info: dict[str, Any], title: str, rnd: int | None) -> dict[str, Any]:
    """Start the clock and press next until it is in agenda item ``title``, round ``rnd``."""
    url = f"/api/v1/events/{info['event_id']}/clock"
    headers = auth(info["facilitator_token"])
    state = client.get(f"/api/v1/events/{info['event_id']}/state", headers=headers).json
    if state["phase"] == "not_started":
        state = client.post(url, json={"action": "start"}, headers=headers).json
    for _ in range(30):
        if state["segment"]["title"] == title and state["round"] == rnd:
            return state
        state = client.post(url, json={"action": "next"}, headers=headers).json
    raise AssertionError(state)


def shown_lock(html: str) -> list[str]:
    """Return the lock lines of the re-plan box that are not hidden."""
    lines = re.findall(r'<p class="replan-lock[^"]*"([^>]*)>(.*?)</p>', html, re.S)
    return [re.sub(r"<[^>]+>", "", text).strip() for attrs, text in lines if "hidden" not in attrs]


def explained(html: str) -> str:
    """Return the re-plan box's explanation (also the question before re-planning)."""
    found = re.search(r'<p class="muted" data-replan-explain>(.*?)</p>', html, re.S)
    assert found is not None
    return found.group(1).strip()


def console(client: Any, info: dict[str, Any]) -> str:
    page = client.get(f"/f/{info['facilitator_token']}", headers={"Accept-Language": "de"})
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_the_console_shows_the_lock_of_the_parcours_running_or_next(
    client: Any, two: dict[str, Any]
) -> None:
    html = console(client, two)  # before the start: the first parcours is next, not locked
    assert shown_lock(html) == ["Plan für «Parcours 1» nicht gesperrt"]
    assert explained(html).startswith("Späte Ankünfte und Ausfälle")
    assert "Plan für «Parcours 2» gesperrt" in html  # rendered for the script, hidden
    go_to(client, two, "Mittag", None)  # lunch: the second parcours is next, and locked
    html = console(client, two)
    assert shown_lock(html) == ["gesperrt Plan für «Parcours 2» gesperrt"]
    assert explained(html).startswith("Der Plan ist gesperrt")
    assert "Offene Runden neu planen (ab Runde 1)" in html


def test_replanning_follows_the_lock_of_the_parcours_running(
    client: Any, two: dict[str, Any]
) -> None:
    url = f"/api/v1/events/{two['event_id']}/plan/replan"
    headers = auth(two["facilitator_token"])
    go_to(client, two, "Parcours 1", 2)  # the first is open and not locked: it is re-planned
    first = client.post(url, json={"seed": 2, "time_limit": 1}, headers=headers)
    assert first.status_code == 200 and first.json["changes"]["locked"] is False
    go_to(client, two, "Parcours 2", 1)  # the second is locked: routes stay as printed
    second = client.post(url, json={"seed": 2, "time_limit": 1}, headers=headers)
    assert second.status_code == 200, second.json
    assert second.json["changes"]["locked"] is True and second.json["changes"]["moved"] == []
    html = console(client, two)
    assert shown_lock(html) == ["gesperrt Plan für «Parcours 2» gesperrt"]
    assert "Offene Runden neu planen (ab Runde 2)" in html


def test_attendance_counts_the_open_rounds_of_every_parcours(
    client: Any, two: dict[str, Any]
) -> None:
    url = f"/api/v1/events/{two['event_id']}/attendance"
    headers = auth(two["facilitator_token"])
    listed = client.get(url, headers=headers).json
    assert listed["open_rounds"] == 3 + 2 and listed["kept_rounds"] == 0
    assert [(s["open_rounds"], s["locked"]) for s in listed["segments"]] == [(3, False), (2, True)]
    everywhere = {p["id"]: p for p in listed["participants"]}
    moving = [p["id"] for p in two["participants"][6:]]  # no absent rounds, no stay-put rule
    assert all(everywhere[pid]["open_places"] == 5 for pid in moving)
    go_to(client, two, "Parcours 1", 2)
    listed = client.get(url, headers=headers).json
    assert listed["open_rounds"] == 1 + 2 and listed["kept_rounds"] == 2
    assert listed["locked"] is False and listed["segment_id"] != two["second"]
    places = {p["id"]: p["open_places"] for p in listed["participants"]}
    assert all(places[pid] == 3 for pid in moving)
    go_to(client, two, "Mittag", None)
    listed = client.get(url, headers=headers).json
    assert listed["open_rounds"] == 2 and listed["kept_rounds"] == 0
    assert listed["locked"] is True and listed["segment_id"] == two["second"]
    places = {p["id"]: p["open_places"] for p in listed["participants"]}
    assert all(places[pid] == 2 for pid in moving)
    gone = moving[0]  # absent: out of the open rounds of every parcours still to come
    answer = client.post(url, json={"participant_ids": [gone], "present": False}, headers=headers)
    assert answer.status_code == 200
    assert {p["id"]: p["open_places"] for p in answer.json["participants"]}[gone] == 0
