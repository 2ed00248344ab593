"""Every participant in their language, in Chromium against a real server: the phone, join and
kiosk pages in each participant language (lang, dir, no German left, right-to-left layout for
Arabic and Farsi), and axe-core (WCAG 2.1 AA) finds nothing on the participant, join, kiosk,
screen, host and facilitator pages in German and Arabic."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import Server, auth, create_event_on, with_codes
from tests.realtime.helpers import assign_on

pytestmark = [pytest.mark.browser, pytest.mark.server]
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "tests" / "screenshots"
NEW = ("uk", "ar", "fa", "tr", "ru")
RTL = ("ar", "fa")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PIN = "4711"


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[Server]:
    """Return one real server for this module's tests."""
    server = Server(tmp_path_factory.mktemp("languages"))
    done = server.cli("db", "upgrade")
    assert done.returncode == 0, done.stderr
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def event(server: Server) -> dict[str, Any]:
    """Return a small event with a plan (everyone has a route)."""
    info = with_codes(server, create_event_on(server, "small"))
    assign_on(server.database_url, info["event_id"])
    return info


def kiosk_url(server: Server, host_token: str) -> str:
    answer = requests.post(
        f"{server.url}/api/v1/kiosk", json={"pin": PIN}, headers=auth(host_token), timeout=10
    )
    assert answer.status_code == 201, answer.text
    return f"{server.url}{answer.json()['url']}"


def open_page(browser: Any, url: str, locale: str = "de-DE", width: int = 390) -> tuple[Any, Any]:
    """Open url in a fresh context whose browser asks for `locale`; return (context, page)."""
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return context, page


def axe(page: Any) -> list[str]:
    """Run axe-core (WCAG 2.1 A and AA) in the page; return one line per violation.

    The page's CSP allows scripts from its own origin only, so axe is served from there."""
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm install` (make test does)")
    origin = re.match(r"https?://[^/]+", page.url)
    assert origin is not None
    url = f"{origin.group(0)}/__axe-core__.js"
    page.route(url, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    page.add_script_tag(url=url)
    found = page.evaluate(
        """async (tags) => {
          const only = {runOnly: {type: 'tag', values: tags}};
          const result = await window.axe.run(document, only);
          return result.violations.map(v => v.id + ': ' + v.help + ' @ ' +
            v.nodes.map(n => n.target.join(' ') + ' (' + (n.failureSummary || '') + ')').join(' | '));
        }""",
        WCAG,
    )
    return list(found)
