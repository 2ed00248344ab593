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
