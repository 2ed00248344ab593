"""The projector at 1920×1080 in Chromium: the join code fits before the start, and with an
announcement showing every station card shows all its names, in a round and during the station
change; long station names break at syllables; the console lists and removes announcements and
does not count its own preview as a screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import Server, create_event_on

pytestmark = [pytest.mark.browser, pytest.mark.server]
FULL_HD = {"width": 1920, "height": 1080}
ANNOUNCEMENT = (
    "Bitte denken Sie daran: Nach der dritten Runde gibt es Kaffee und Brezeln im Foyer, "
    "die Garderobe schließt um 12 Uhr."
)
# Every element of every station card inside its card; the board inside the window.
OVERFLOWS = """() => {
  const out = [];
  const cards = [...document.querySelectorAll('#board .board-card')];
  for (const card of cards) {
    const box = card.getBoundingClientRect();
    if (card.scrollHeight > card.clientHeight + 1 || card.scrollWidth > card.clientWidth + 1) {
      out.push(`${card.dataset.station}: scroll ${card.scrollHeight} > ${card.clientHeight}`);
    }
    for (const el of card.children) {
      const r = el.getBoundingClientRect();
      if (r.bottom > box.bottom + 0.5 || r.right > box.right + 0.5) {
        out.push(`${card.dataset.station}: ${el.className || el.tagName} ends at ${r.bottom}`);
      }
    }
    if (box.bottom > window.innerHeight || box.right > window.innerWidth) {
      out.push(`${card.dataset.station}: card outside the window`);
    }
  }
  return {cards: cards.length, out};
}"""


@pytest.fixture
def demo(server_factory: Any) -> tuple[Server, dict[str, Any]]:
    server = server_factory("eventlet").start()
    info = create_event_on(server, "demo")
    done = server.cli("plan", str(info["event_id"]), "--seed", "1", "--time-limit", "2")
    assert done.returncode == 0, done.stderr
    return server, info


def api(server: Server, info: dict[str, Any], method: str, path: str, body: Any = None) -> Any:
    response = requests.request(
        method,
        f"{server.url}/api/v1/events/{info['event_id']}{path}",
        json=body,
        headers={"Authorization": f"Bearer {info['facilitator_token']}"},
        timeout=10,
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


def open_page(browser: Any, url: str, viewport: dict[str, int]) -> Any:
    context = browser.new_context(locale="de-DE", viewport=viewport)
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => window.parcours && window.parcours.live.socket.connected")
    return page


def test_projector_text_fits_at_full_hd(browser: Any, demo: Any, tmp_path: Path) -> None:
    server, info = demo
    screen = open_page(browser, f"{server.url}/s/{info['screen_token']}", FULL_HD)

    # before the start: the join code, letter by letter, inside its column and the window
    code = screen.locator(".screen-join-code")
    assert code.inner_text() == info["join_code"]
    fits = screen.evaluate(
        """() => {
          const el = document.querySelector('.screen-join-code');
          const column = document.querySelector('.screen-join').getBoundingClientRect();
          const range = document.createRange();
          range.selectNodeContents(el);
          const text = range.getBoundingClientRect();
          return {scroll: el.scrollWidth <= el.clientWidth + 1,
                  inside: text.right <= column.right + 0.5 && text.right <= window.innerWidth,
                  size: parseFloat(getComputedStyle(el).fontSize)};
        }"""
    )
    screen.screenshot(path=str(tmp_path / "1-before-start.png"))
    assert fits["scroll"] and fits["inside"] and fits["size"] >= 48, fits

    state = api(server, info, "POST", "/clock", {"action": "start"})
    while state["segment"]["kind"] != "parcours":
        state = api(server, info, "POST", "/clock", {"action": "next"})
    item = api(server, info, "POST", "/announcements", {"text": ANNOUNCEMENT, "minutes": 5})
    screen.locator("#live-announcement").wait_for(state="visible")
    screen.locator("#board .board-card").first.wait_for()
    screen.wait_for_function("() => document.getElementById('board').dataset.fit")
    screen.screenshot(path=str(tmp_path / "2-round-with-announcement.png"))
    result = screen.evaluate(OVERFLOWS)
    assert result["cards"] == len(info["stations"]) and result["out"] == [], result

    # long names break at syllables (soft hyphens), not after any letter
    names = screen.locator("#board .board-card h3").all_text_contents()
    assert any("Aus\u00adlän\u00adder" in name for name in names), names

    # the station change: the board shows where to go next, with the announcement still up
    state = api(server, info, "POST", "/clock", {"action": "next"})
    assert state["phase"] == "transition"
    screen.wait_for_function("() => document.body.dataset.phase === 'transition'")
    screen.wait_for_function("() => document.getElementById('board').dataset.fit")
    screen.screenshot(path=str(tmp_path / "3-change-with-announcement.png"))
    result = screen.evaluate(OVERFLOWS)
    assert result["cards"] == len(info["stations"]) and result["out"] == [], result

    # the console lists the announcement, with its end, and takes it down
    console = open_page(browser, f"{server.url}/f/{info['facilitator_token']}", FULL_HD)
    entry = console.locator(f'#announce-active li[data-announcement="{item["id"]}"]')
    entry.wait_for()
    assert "bis" in entry.inner_text()
    console.screenshot(path=str(tmp_path / "4-console.png"))
    # one real screen: the console's preview is not counted
    console.frame_locator(".preview-frame iframe").locator("#board .board-card").first.wait_for()
    console.wait_for_function(
        "() => document.querySelector('[data-count=facilitators]').textContent === '1'"
    )
    assert console.locator("[data-count=screens]").inner_text() == "1"
    assert console.locator('[data-count-label="screens"]').inner_text() == "Leinwand"
    assert console.locator('[data-count-label="facilitators"]').inner_text() == "Moderationspult"
    entry.locator("button").click()
    entry.wait_for(state="detached")
    screen.locator("#live-announcement").wait_for(state="hidden")
    screen.wait_for_function("() => !document.body.classList.contains('has-announcement')")
    result = screen.evaluate(OVERFLOWS)
    assert result["out"] == [], result
    screen.screenshot(path=str(tmp_path / "5-announcement-removed.png"))
