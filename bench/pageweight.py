"""Weigh the participant's phone page on the wire: first load and repeat load, in real Chromium.

The script starts a real `parcours serve` on a fresh SQLite database with the small example
event and opens one participant's page (/p/<token>) in Debian's Chromium. It adds up what
Chromium's network events (CDP) report for every request of the page, the service worker's
own fetches included: the encoded (compressed) body plus the response headers. The socket's
own traffic (/socket.io/) and API calls are not part of the page's weight and are left out.
Then it loads the page again and counts what came over the wire that time.

Run: ``python bench/pageweight.py [--json]``. Prints one line per resource and the totals.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
BUDGET = 60_000  # bytes on the wire for the first load (issue 11)


@dataclass
class Load:
    """What one page load fetched: url -> (bytes on the wire, from a cache)."""

    rows: dict[str, tuple[int, bool]] = field(default_factory=dict)
    served: int = -1  # static files the server sent (200) or confirmed (304); -1: not known

    @property
    def wire(self) -> int:
        """Return the bytes that came over the network."""
        return sum(size for size, cached in self.rows.values() if not cached)

    def table(self) -> list[str]:
        """Return one printable line per resource."""
        return [
            f"{size:>8} {'cache' if cached else 'net  '} {url}"
            for url, (size, cached) in sorted(self.rows.items(), key=lambda r: -r[1][0])
        ]


def counted(url: str) -> bool:
    """Return whether a request is part of the page (not the socket, not the API)."""
    return "/socket.io/" not in url and "/api/" not in url


def _settle(page: Any, seen_count: Any, quiet: float = 1.0, limit: float = 20.0) -> None:
    """Wait until the page said it is ready for offline and no new request came for a while."""
    deadline = time.monotonic() + limit
    page.wait_for_function(
        "() => document.body && document.body.dataset.offlineReady !== undefined",
        timeout=limit * 1000,
    )
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        if seen_count() != seen:
            seen, since = seen_count(), time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        page.wait_for_timeout(100)


def _collect(requests: list[Any], seen: set[str]) -> Load:
    """Add up the wire sizes of finished requests (page and service worker).

    A page request answered by the service worker costs nothing itself (the worker's own
    fetch is counted). Playwright reports a size even for a worker's fetch that Chromium
    served from its HTTP cache, so a worker's fetch of a URL already loaded as immutable
    counts as cached; the server's access log (`served`) confirms it.
    """
    load = Load()
    for request in requests:
        if not counted(request.url):
            continue
        sizes = request.sizes()
        response = request.response()
        wire = max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0)
        via = "sw" if request.service_worker else "page"
        immutable = "immutable" in ((response and response.headers.get("cache-control")) or "")
        cached = (
            wire == 0
            or bool(response and response.from_service_worker)
            or (via == "sw" and immutable and request.url in seen)
        )
        if immutable:
            seen.add(request.url)
        key = f"{via} {request.url}"
        n = 2
        while key in load.rows:
            key = f"{via} {request.url} #{n}"
            n += 1
        load.rows[key] = (wire, cached)
    return load


def weigh(browser: Any, url: str, log: Path | None = None) -> tuple[Load, Load]:
    """Open url in a fresh context twice; return the first and the repeat load.

    With the server's access log, each load also counts the static files the server sent.
    """
    context = browser.new_context(locale="de-DE")
    done: list[Any] = []
    context.on("requestfinished", lambda request: done.append(request))
    page = context.new_page()
    loads = []
    seen: set[str] = set()
    for _ in range(2):
        start = log.stat().st_size if log else 0
        page.goto(url)
        _settle(page, lambda: len(done))
        load = _collect(done, seen)
        if log:
            lines = log.read_bytes()[start:].decode(errors="replace").splitlines()
            load.served = sum(1 for x in lines if "GET /static/" in x or "GET /vendor/" in x)
        loads.append(load)
        done.clear()
    context.close()
    return loads[0], loads[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the totals as JSON")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from benchlib import serve_app
    from playwright.sync_api import sync_playwright

    root = Path(__file__).resolve().parent.parent
    os.environ["PARCOURS_ACCESS_LOG"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        proc, url, info = serve_app(
            Path(tmp), "eventlet", root / "stations" / "examples" / "small.toml"
        )
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = f"{url}/p/{info['participants'][0]['token']}"
                first, repeat = weigh(browser, page, Path(tmp) / "app.log")
                browser.close()
        finally:
            proc.terminate()
            proc.wait(10)
    if args.json:
        totals = {"first": first.wire, "repeat": repeat.wire, "budget": BUDGET}
        print(json.dumps({**totals, "served": [first.served, repeat.served]}))
        return
    print("first load:")
    print("\n".join(first.table()))
    print(f"first load on the wire: {first.wire} bytes (budget {BUDGET})")
    print(f"static requests the server answered: {first.served}")
    print("repeat load:")
    print("\n".join(repeat.table()))
    print(f"repeat load on the wire: {repeat.wire} bytes")
    print(f"static requests the server answered: {repeat.served}")


if __name__ == "__main__":
    main()
