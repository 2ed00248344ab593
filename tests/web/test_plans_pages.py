"""The plan pages through the test client: plan with a job, grid, moves, lock, printouts."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from parcours.extensions import db
from tests.conftest import auth, example
from tests.web.test_organiser import login, make_organiser

JSON = {"Accept": "application/json"}


@pytest.fixture
def org(app: Any, client: Any, make_event: Any) -> dict[str, Any]:
    """Log an organiser in; return the small event (not yet claimed)."""
    make_organiser(app, "orga@example.org")
    assert login(client, "orga@example.org").status_code == 302
    return make_event("small")


def page_url(info: dict[str, Any], tail: str = "") -> str:
    return f"/organiser/events/{info['event_id']}/plan{tail}"


def run_job(client: Any, info: dict[str, Any], tail: str = "/run", **form: str) -> dict[str, Any]:
    """Start a planning job as the page's script does and wait until it ends."""
    form.setdefault("time_limit", "1")
    response = client.post(page_url(info, tail), data=form, headers=JSON)
    assert response.status_code == 202, response.get_data(as_text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = client.get(response.json["status_url"]).json
        if job["status"] != "running":
            return dict(job)
        time.sleep(0.05)
    raise AssertionError("the planning job did not end")


def metric(html: str, key: str) -> tuple[bool, str]:
    """Return whether a metric is marked bad, and its value."""
    found = re.search(
        rf'<div class="metric( metric-bad)?" data-metric="{key}">.*?'
        r'<strong class="metric-value">([^<]*)</strong>',
        html,
        re.S,
    )
    assert found, key
    return bool(found.group(1)), found.group(2)


def test_the_plan_page_needs_the_organiser(client: Any, make_event: Any, app: Any) -> None:
    info = make_event("small")
    response = client.get(page_url(info))
    assert response.status_code == 302 and "/organiser/login" in response.location
    make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    assert client.get(f"/organiser/events/{info['event_id'] + 99}/plan").status_code == 404


def test_plan_from_the_page_shows_metrics_grid_and_chart(client: Any, org: dict[str, Any]) -> None:
    html = client.get(page_url(org)).get_data(as_text=True)
    assert 'action="/organiser/events/' in html and "data-plan-job" in html
    assert 'class="plan-grid"' not in html
    job = run_job(client, org, mode="individual", seed="3")
    assert job["status"] == "done" and job["progress"] == 1.0
    html = client.get(page_url(org)).get_data(as_text=True)
    assert html.count("<tr data-station=") == 3
    assert html.count('<td class="cell') == 6  # 3 stations x 2 rounds
    assert 'class="chart"' in html and 'id="encounters"' in html
    assert metric(html, "revisits") == (False, "0")
    overview = client.get(f"/organiser/events/{org['event_id']}").get_data(as_text=True)
    assert 'id="rotation-plan"' in overview and page_url(org) in overview


def test_a_bad_form_or_an_infeasible_plan_is_reported(
    client: Any, app: Any, make_event: Any
) -> None:
    make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    data = example("small")
    for station, capacity in zip(data["stations"], (4, 1, 1), strict=True):
        station["capacity"] = capacity  # too uneven: no plan without revisits exists
    info = make_event(data)
    response = client.post(page_url(info, "/run"), data={"time_limit": "0"}, headers=JSON)
    assert response.status_code == 400 and "time_limit" in response.json["fields"]
    response = client.post(page_url(info, "/run"), data={"time_limit": "0"})
    assert response.status_code == 302
    job = run_job(client, info)
    assert job["status"] == "failed" and any("revisits" in p for p in job["problems"])
    html = client.get(page_url(info)).get_data(as_text=True)
    assert 'class="plan-grid"' not in html


def test_more_people_than_places_still_plans_and_names_who_has_no_place(
    client: Any, app: Any, make_event: Any
) -> None:
    make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    data = example("small")
    data["participants"] += [{"name": f"Extra {i}"} for i in range(3)]  # 9 people, 6 places
    info = make_event(data)
    job = run_job(client, info)
    assert job["status"] == "done", job  # was: failed, "capacity 6 < 9"
    html = client.get(page_url(info)).get_data(as_text=True)
    assert 'class="plan-grid"' in html and 'id="not-placed"' in html
    assert "3 participants could not be placed" in html
    assert all(f"Extra {i}" in html for i in range(3))


def test_the_form_without_script_redirects_to_the_job(client: Any, org: dict[str, Any]) -> None:
    response = client.post(page_url(org, "/run"), data={"time_limit": "1"})
    assert response.status_code == 302 and "job=" in response.location
    html = client.get(response.location).get_data(as_text=True)
    assert 'id="plan-progress"' in html and 'data-status-url="/organiser/' in html
    job_id = response.location.split("job=")[1]
    deadline = time.monotonic() + 60
    while client.get(page_url(org, f"/jobs/{job_id}")).json["status"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_move_updates_the_metrics_and_shows_broken_rules(
    client: Any, org: dict[str, Any]
) -> None:
    run_job(client, org)
    plan = client.get(
        f"/api/v1/events/{org['event_id']}/plan", headers=auth(org["organiser_token"])
    ).json
    first = plan["assignments"][0]
    full = next(
        s["id"]
        for s in org["stations"]
        if s["id"] != first["station_id"]
        and sum(1 for r in plan["assignments"] if r["round"] == 1 and r["station_id"] == s["id"])
        == 2
    )
    form = {"participant_id": str(first["participant_id"]), "round": "1", "station_id": str(full)}
    response = client.post(page_url(org, "/move"), data=form, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "flash-success" in html
    assert metric(html, "capacity_overruns") == (True, "1")
    assert "cell-over" in html
    response = client.post(page_url(org, "/move"), data={**form, "round": "x"})
    html = client.get(response.location).get_data(as_text=True)
    assert "flash-error" in html and "round" in html


def test_lock_and_unlock(client: Any, org: dict[str, Any]) -> None:
    run_job(client, org)
    client.post(page_url(org, "/lock"), data={"locked": "true"})
    html = client.get(page_url(org)).get_data(as_text=True)
    assert 'name="locked" value="false"' in html and "data-plan-job" not in html
    response = client.post(page_url(org, "/run"), data={"time_limit": "1"}, headers=JSON)
    assert response.status_code == 400
    form = {"participant_id": str(org["participants"][0]["id"]), "round": "1",
            "station_id": str(org["stations"][0]["id"])}  # fmt: skip
    response = client.post(page_url(org, "/move"), data=form, follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)
    client.post(page_url(org, "/lock"), data={"locked": "false"})
    html = client.get(page_url(org)).get_data(as_text=True)
    assert 'name="locked" value="true"' in html and "data-plan-job" in html


def test_route_cards_carry_the_phone_link_as_qr(app: Any, client: Any, org: dict[str, Any]) -> None:
    from parcours.web.qr import qr_svg

    run_job(client, org)
    html = client.get(page_url(org, "/route-cards")).get_data(as_text=True)
    assert html.count('<article class="route-card"') == len(org["participants"])
    person = org["participants"][0]
    with app.test_request_context():
        expected = str(qr_svg(f"http://localhost/p/{person['token']}", title=person["name"]))
    assert expected in html
    assert "Tisch 1" in html and "css/print-a6.css" in html


def test_station_signs_carry_the_check_in_code_and_roster(client: Any, org: dict[str, Any]) -> None:
    from parcours.web.plans_print import check_in_qr

    run_job(client, org)
    html = client.get(page_url(org, "/station-signs")).get_data(as_text=True)
    assert html.count('<article class="station-sign"') == 3
    with client.application.test_request_context():  # the QR holds http://localhost/c/CODE
        for station in org["stations"]:
            assert str(check_in_qr(station["code"])) in html
    assert all(p["name"] in html for p in org["participants"])
    assert "Sabine Lehmkuhl" in html and "css/print-a4.css" in html


def test_join_poster(client: Any, org: dict[str, Any]) -> None:
    from parcours.web.qr import qr_svg

    html = client.get(f"/organiser/events/{org['event_id']}/join-poster").get_data(as_text=True)
    code = org["join_code"]
    assert f'<p class="jp-code">{code}</p>' in html
    assert str(qr_svg(f"http://localhost/join/{code}", title=code)) in html
    assert 'lang="de"' in html and 'lang="en"' in html


def test_the_console_offers_replanning(client: Any, make_event: Any) -> None:
    info = make_event("small")
    html = client.get(f"/f/{info['facilitator_token']}").get_data(as_text=True)
    assert 'id="plan-replan"' in html
    assert f"/api/v1/events/{info['event_id']}/plan/replan" in html


def test_replan_from_the_page(app: Any, client: Any, org: dict[str, Any]) -> None:
    from parcours.storage import Participant

    run_job(client, org)
    with app.app_context():
        person = db.session().get(Participant, org["participants"][0]["id"])
        person.present = False
        db.session().commit()
    job = run_job(client, org, tail="/replan")
    assert job["status"] == "done", job
    plan = client.get(
        f"/api/v1/events/{org['event_id']}/plan", headers=auth(org["organiser_token"])
    ).json
    assert org["participants"][0]["id"] not in {r["participant_id"] for r in plan["assignments"]}
