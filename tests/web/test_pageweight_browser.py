"""The phone page's weight on the wire, in Chromium against a real server (issue 11: at most
60 kB on first load with every script, module and style it pulls in; repeat loads from cache)."""

from __future__ import annotations

from typing import Any

import pytest

from bench.pageweight import BUDGET, weigh
from tests.conftest import create_event_on

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_the_phone_page_stays_within_its_budget_and_repeats_from_the_cache(
    server_factory: Any, browser: Any
) -> None:
    server = server_factory(env={"PARCOURS_ACCESS_LOG": "1"}).start()
    ev = create_event_on(server, "small")
    first, repeat = weigh(browser, f"{server.url}/p/{ev['participants'][0]['token']}", server.log)
    table = "\n".join(first.table())
    assert first.wire <= BUDGET, f"{first.wire} bytes on first load:\n{table}"
    scripts = [url for url in first.rows if "/static/js/" in url or "/vendor/" in url]
    assert any("capture-phone.js?v=" in url for url in scripts), table  # it did weigh the page
    assert not any("jsQR" in url for url in first.rows), "the QR decoder waits for a tap"
    assert first.served >= 10  # scripts and styles came from the server once ...
    assert repeat.served == 0, "\n".join(repeat.table())  # ... and never again
    assert repeat.wire < first.wire / 3  # only the page itself (no-store) travels again


def test_the_offline_copy_forgets_older_versions_of_the_same_file(
    server: Any, browser: Any
) -> None:
    ev = create_event_on(server, "small")
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    try:
        page.goto(f"{server.url}/p/{ev['participants'][0]['token']}")
        page.wait_for_selector("body[data-offline-ready='yes']", timeout=15000)
        page.evaluate(
            """async () => {
              const assets = await caches.open("parcours-assets-v1");
              await assets.put("/static/js/live-core.js?v=000000000000", new Response("old"));
              await assets.put("/static/js/elsewhere.js?v=000000000000", new Response("other"));
            }"""
        )
        page.reload()
        page.wait_for_selector("body[data-offline-ready='yes']", timeout=15000)
        keys = page.evaluate(
            """async () => (await (await caches.open("parcours-assets-v1")).keys())
                .map((r) => new URL(r.url).pathname + new URL(r.url).search)"""
        )
    finally:
        context.close()
    live_core = [k for k in keys if k.startswith("/static/js/live-core.js")]
    assert len(live_core) == 1 and "v=000000000000" not in live_core[0], keys
    assert "/static/js/elsewhere.js?v=000000000000" in keys  # not this page's: left alone
