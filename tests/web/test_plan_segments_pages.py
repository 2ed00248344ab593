"""The plan pages of a day with two parcours, through the test client: one tab per parcours,
planning one of them alone, the overview panel and station signs with both rosters."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_plan_rules import rules_event
from tests.web.test_organiser import login, make_organiser
from tests.web.test_plans_pages import page_url, run_job


@pytest.fixture
def two(app: Any, client: Any, make_event: Any) -> dict[str, Any]:
    make_organiser(app, "orga@example.org")
    assert login(client, "orga@example.org").status_code == 302
    return make_event(rules_event(parcours=2))


def segment_ids(app: Any, event_id: int) -> list[int]:
    from parcours.extensions import db
    from parcours.services.plans.data import all_parcours
    from parcours.storage import Event

    with app.app_context():
        event = db.session().get(Event, event_id)
        assert event is not None
        return [s.id for s in all_parcours(event)]


def test_one_tab_per_parcours_and_planning_one_alone(
    app: Any, client: Any, two: dict[str, Any]
) -> None:
    first, second = segment_ids(app, two["event_id"])
    html = client.get(page_url(two)).get_data(as_text=True)
    assert f'data-segment="{first}" aria-current="page"' in html
    assert f'name="segment_id" value="{second}"' not in html  # the first is shown
    html = client.get(page_url(two, f"?segment={second}")).get_data(as_text=True)
    assert f'data-segment="{second}" aria-current="page"' in html
    assert f'name="segment_id" value="{second}"' in html  # "only this parcours"
    job = run_job(client, two, segment_id=str(second), shown=str(second))
    assert job["status"] == "done", job
    html = client.get(page_url(two, f"?segment={second}")).get_data(as_text=True)
    assert html.count('<td class="cell') == 6 * 2  # 6 stations x 2 rounds
    assert 'class="plan-grid"' not in client.get(page_url(two)).get_data(as_text=True)
    overview = client.get(f"/organiser/events/{two['event_id']}").get_data(as_text=True)
    assert f'<p data-segment="{second}">' in overview
    assert page_url(two, f"?segment={second}") in overview


def test_station_signs_and_the_lock_form_per_parcours(
    app: Any, client: Any, two: dict[str, Any]
) -> None:
    first, second = segment_ids(app, two["event_id"])
    assert run_job(client, two)["status"] == "done"  # every parcours
    signs = client.get(page_url(two, "/station-signs")).get_data(as_text=True)
    assert signs.count(f'<div class="ss-rounds" data-segment="{first}">') == 6
    assert signs.count(f'<div class="ss-rounds" data-segment="{second}">') == 6
    only = client.get(page_url(two, f"/station-signs?segment={second}")).get_data(as_text=True)
    assert f'data-segment="{first}"' not in only and 'class="ss-part"' not in only
    cards = client.get(page_url(two, f"/route-cards?segment={first}")).get_data(as_text=True)
    assert f'<table data-segment="{second}">' not in cards
    form = {"locked": "true", "segment_id": str(second), "shown": str(second)}
    response = client.post(page_url(two, "/lock"), data=form)
    assert response.status_code == 302 and response.location.endswith(f"?segment={second}")
    html = client.get(page_url(two, f"?segment={second}")).get_data(as_text=True)
    assert 'class="badge plan-locked"' in html and 'action="/organiser/events/' in html
    assert 'class="plan-form"' not in html
    assert 'class="plan-form"' in client.get(page_url(two)).get_data(as_text=True)


def test_a_segment_that_is_not_ascii_digits_is_no_crash(
    app: Any, client: Any, two: dict[str, Any]
) -> None:
    first, _second = segment_ids(app, two["event_id"])
    for bad in ("\u00b2", "9" * 5000, "12345678901234567890"):
        for tail in ("", "/route-cards", "/station-signs"):
            response = client.get(page_url(two, f"{tail}?segment={bad}"))
            assert response.status_code < 500, (tail, bad, response.status_code)
        html = client.get(page_url(two, f"?segment={bad}")).get_data(as_text=True)
        assert f'data-segment="{first}" aria-current="page"' in html  # read as no choice
