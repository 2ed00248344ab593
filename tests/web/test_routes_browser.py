"""The front end's one route table (static/js/routes.js) names only routes the API has: Chromium
evaluates the module as the pages do, and each path must be in /api/v1/openapi.json with POST."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from parcours.config import ROOT

pytestmark = [pytest.mark.browser]
ROUTES_JS = ROOT / "static" / "js" / "routes.js"


def module_routes(browser: Any) -> dict[str, str]:
    """Return ROUTES and a filled example path as the browser sees them."""
    page = browser.new_page()
    try:
        source = quote(ROUTES_JS.read_text(encoding="utf-8"))
        return dict(
            page.evaluate(
                """async (url) => {
                  const m = await import(url);
                  const filled = m.routePath("wall_vote", { card_id: "7 8" });
                  return { ...m.ROUTES, __filled: filled };
                }""",
                f"data:text/javascript;charset=utf-8,{source}",
            )
        )
    finally:
        page.close()


def test_every_route_of_the_table_is_a_post_operation_of_the_api(browser: Any, client: Any) -> None:
    routes = module_routes(browser)
    assert routes.pop("__filled") == "/wall/7%208/vote"
    spec = client.get("/api/v1/openapi.json").get_json()
    missing = {
        name: path for name, path in routes.items() if "post" not in spec["paths"].get(path, {})
    }
    assert not missing, f"routes.js names paths the API does not have: {missing}"
    # the outbox's writes and the live pages' fallbacks are all in the one table
    assert {"note", "follow_up", "lead", "check_in", "wall_card", "wall_vote"} <= set(routes)
    assert {"kiosk_note", "kiosk_follow_up", "kiosk_check_in", "clock", "announce"} <= set(routes)
