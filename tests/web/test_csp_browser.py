"""The pages work under their Content-Security-Policy: no violation in Chromium on any of them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.conftest import Server, auth, create_event_on
from tests.realtime.helpers import assign_on

pytestmark = [pytest.mark.browser, pytest.mark.server]
EMAIL = "orga@example.org"
PASSWORD = "parcours-test-1"
# every violation is recorded by the page itself (Playwright's init script is not subject to CSP)
LISTEN = """
window.__csp = [];
window.print = () => { window.__printed = true; };
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
LIVE = "() => window.parcours && window.parcours.live.socket.connected"


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[Server]:
    """Return one real server with an organiser account."""
    server = Server(tmp_path_factory.mktemp("csp"))
    done = server.cli("db", "upgrade")
    assert done.returncode == 0, done.stderr
    done = server.cli("organiser", "create", EMAIL, "--password", PASSWORD, "--admin")
    assert done.returncode == 0, done.stderr
    server.start()
    yield server
    server.stop()


def visit(context: Any, url: str, live: bool) -> tuple[Any, list[str], list[str]]:
    """Open url; return the page, its CSP violations and its console errors."""
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda err: console.append(str(err)))
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    if live:
        page.wait_for_function(LIVE)
    violations = page.evaluate("window.__csp")
    return page, violations, console


def csp_errors(console: list[str]) -> list[str]:
    return [m for m in console if "Content Security Policy" in m or "Refused to" in m]


def test_every_page_kind_runs_without_a_csp_violation(browser: Any, server: Server) -> None:
    info = create_event_on(server, "small")
    assign_on(server.database_url, info["event_id"])
    station = info["stations"][0]
    kiosk = requests.post(
        f"{server.url}/api/v1/kiosk",
        json={"pin": "4711"},
        headers=auth(station["host_token"]),
        timeout=10,
    ).json()["url"]
    live_pages = {
        "phone": f"/p/{info['participants'][0]['token']}",
        "host": f"/h/{station['host_token']}",
        "console": f"/f/{info['facilitator_token']}",
        "screen": f"/s/{info['screen_token']}",
        "kiosk": kiosk,
    }
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTEN)
    found: dict[str, Any] = {}
    try:
        for name, path in live_pages.items():
            page, violations, console = visit(context, server.url + path, live=True)
            if name == "console":  # the console shows the screen in a same-origin iframe
                frame = page.locator("iframe").first
                frame.scroll_into_view_if_needed()
                page.wait_for_function(
                    "() => { const f = document.querySelector('iframe');"
                    " return f && f.contentDocument && f.contentDocument.readyState === 'complete'"
                    " && f.contentDocument.body && f.contentDocument.body.children.length > 0; }"
                )
                violations += page.evaluate("window.__csp")
            page.screenshot(path=str(server.tmp / f"csp-{name}.png"))
            found[name] = (violations, csp_errors(console))
            page.close()
        # the organiser's pages, after logging in through the form
        page = context.new_page()
        page.goto(f"{server.url}/organiser/login")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(f"{server.url}/organiser/")
        page.close()
        base = f"/organiser/events/{info['event_id']}"
        organiser_pages = {
            "dashboard": "/organiser/",
            "event": base,
            "participants": f"{base}/participants",
            "stations": f"{base}/stations",
            "plan": f"{base}/plan",
            "links": f"{base}/links",
            "report": f"{base}/report",
            "route-cards": f"{base}/plan/route-cards",
            "join": f"/join/{info['join_code']}",
        }
        for name, path in organiser_pages.items():
            page, violations, console = visit(context, server.url + path, live=False)
            if name in ("route-cards", "links", "report"):  # print buttons: a static script
                page.click("[data-print]")
                page.wait_for_function("() => window.__printed === true")
            page.screenshot(path=str(server.tmp / f"csp-{name}.png"))
            found[name] = (violations, csp_errors(console))
            page.close()
    finally:
        context.close()
    assert set(found) == set(live_pages) | set(organiser_pages)
    assert {k: v for k, v in found.items() if v != ([], [])} == {}


def test_an_inline_script_would_be_blocked(browser: Any, server: Server) -> None:
    """The policy is really enforced: a script injected as markup does not run."""
    info = create_event_on(server, "small")
    context = browser.new_context()
    context.add_init_script(LISTEN)
    try:
        page = context.new_page()
        page.goto(f"{server.url}/p/{info['participants'][0]['token']}")
        page.wait_for_function(LIVE)
        page.evaluate(
            """() => { const s = document.createElement('script');
            s.textContent = 'window.__ran = true'; document.body.append(s); }"""
        )
        page.wait_for_function("() => window.__csp.length > 0")
        assert page.evaluate("window.__ran === undefined")
        assert any(v.startswith("script-src") for v in page.evaluate("window.__csp"))
    finally:
        context.close()
