"""The plan page in Chromium against a real server: plan the demo-like event, see the grid,
print route cards (A6) and station signs (A4) to PDF."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import Server, create_event_on

pytestmark = [pytest.mark.browser, pytest.mark.server]
EMAIL = "orga@example.org"
PASSWORD = "parcours-test-1"


def pdf_pages(data: bytes) -> int:
    """Return the number of pages of a PDF (its /Type /Page objects)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


@pytest.fixture
def setup(server_factory: Any) -> tuple[Server, dict[str, Any]]:
    server = server_factory("eventlet").start()
    done = server.cli("organiser", "create", EMAIL, "--password", PASSWORD, "--admin")
    assert done.returncode == 0, done.stderr
    return server, create_event_on(server, "demo")


def test_plan_the_demo_event_from_the_page_and_print(page: Any, setup: Any) -> None:
    server, info = setup
    plan = f"{server.url}/organiser/events/{info['event_id']}/plan"
    page.goto(plan)
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(plan)

    page.fill("#time_limit", "1")
    page.click("form.plan-form button[type=submit]")
    page.wait_for_selector("#plan-progress progress", state="visible")
    page.wait_for_selector("table.plan-grid", timeout=60_000)
    assert page.locator("table.plan-grid tbody tr").count() == len(info["stations"])
    assert page.locator("table.plan-grid td.cell").count() == len(info["stations"]) * 6
    assert page.locator('[data-metric="revisits"].metric-bad').count() == 0
    assert page.locator("#encounters svg.chart rect").count() > 0

    page.goto(f"{plan}/route-cards")
    cards = page.pdf(format="A6", print_background=True)
    assert pdf_pages(cards) == len(info["participants"])
    page.goto(f"{plan}/station-signs")
    signs = page.pdf(format="A4", print_background=True)
    assert pdf_pages(signs) == len(info["stations"])

    page.goto(f"{server.url}/f/{info['facilitator_token']}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#plan-replan [data-replan]")
    status = page.locator("#plan-replan [data-replan-status]")
    status.filter(has_text=f"({len(info['participants'])} · 1–6)").wait_for(timeout=60_000)
