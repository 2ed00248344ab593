"""Printouts in Chromium: each comes out on its own paper size (read from the PDF's MediaBox),
the join poster's English text fits, and a loopback public address is warned about loudly."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, Server, create_event_on

# one worker runs the module under pytest-xdist, so its tests share the one server of setup
pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.xdist_group("print")]
EMAIL = "orga@example.org"
PASSWORD = "parcours-test-1"
MM = 72 / 25.4  # PDF points per millimetre
A6 = (105 * MM, 148 * MM)
A4 = (210 * MM, 297 * MM)
MEDIABOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Return the (width, height) in points of every page's MediaBox in a PDF from Chromium."""
    return [
        (float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in MEDIABOX.findall(pdf)
    ]


def assert_paper(pdf: bytes, paper: tuple[float, float], pages: int) -> None:
    sizes = page_sizes(pdf)
    assert len(sizes) == pages, sizes[:3]
    for width, height in sizes:
        assert abs(width - paper[0]) < 1.5 and abs(height - paper[1]) < 1.5, (width, height, paper)


def with_organiser(server: Server) -> Server:
    done = server.cli("organiser", "create", EMAIL, "--password", PASSWORD, "--admin")
    assert done.returncode == 0, done.stderr
    return server


@pytest.fixture(scope="module")
def setup(tmp_path_factory: Any) -> Iterator[tuple[Server, dict[str, Any]]]:
    """One server with a planned event for the module: the tests only read and print it (the
    poster test, which adds an event, has a server of its own)."""
    server = Server(tmp_path_factory.mktemp("print"), "eventlet")
    done = server.cli("db", "upgrade")
    assert done.returncode == 0, done.stderr
    try:
        with_organiser(server.start())
        info = create_event_on(server, "small")
        done = server.cli("plan", str(info["event_id"]), "--seed", "1")
        assert done.returncode == 0, done.stderr
        yield server, info
    finally:
        server.stop()


def login(page: Any, server: Server, url: str) -> None:
    page.goto(url)
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(url)


def test_every_printout_on_its_paper(page: Any, setup: Any, tmp_path: Path) -> None:
    server, info = setup
    base = f"{server.url}/organiser/events/{info['event_id']}"
    login(page, server, f"{base}/plan/route-cards")
    people, stations = len(info["participants"]), len(info["stations"])
    printouts = [
        ("plan/route-cards", A6, people),
        ("plan/station-signs", A4, stations),
        ("join-poster", A4, 1),
        ("badges", A4, -(-people // 8)),
    ]
    for path, paper, pages in printouts:
        page.goto(f"{base}/{path}")
        # the server runs on 127.0.0.1 without PARCOURS_PUBLIC_URL: every printout says so
        warning = page.locator("#public-url-warning")
        assert warning.is_visible(), path
        assert "PARCOURS_PUBLIC_URL" in warning.inner_text()
        page.screenshot(path=str(tmp_path / f"{path.replace('/', '-')}.png"))
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        (tmp_path / f"{path.replace('/', '-')}.pdf").write_bytes(pdf)
        assert_paper(pdf, paper, pages)


def test_join_poster_text_fits_on_the_page(page: Any, server: Server, tmp_path: Path) -> None:
    with_organiser(server)
    # a title and a venue as long as real ones: two lines each on the poster
    text = (EXAMPLES / "small.toml").read_text(encoding="utf-8")
    text = text.replace(
        'title = "Kleiner Testparcours"',
        'title = "Netzwerkfrühstück Integration: Geflüchtete in Arbeit bringen – Unternehmen, '
        'Behörden und Kammern im Gespräch"',
    ).replace(
        'venue = "Seminarraum 2, Musterstadt"',
        'venue = "Industrie- und Handelskammer, Großer Saal im Erdgeschoss, '
        'Musterstraße 12, 01067 Musterstadt"',
    )
    (tmp_path / "long.toml").write_text(text, encoding="utf-8")
    done = server.cli("event", "create", str(tmp_path / "long.toml"), "--json")
    assert done.returncode == 0, done.stderr
    event_id = json.loads(done.stdout)["event_id"]
    url = f"{server.url}/organiser/events/{event_id}/join-poster"
    login(page, server, url)
    # what the print engine lays out: A4 minus 12 mm margins, 186 x 273 mm at 96 px per inch
    page.set_viewport_size({"width": round(186 / 25.4 * 96), "height": round(273 / 25.4 * 96)})
    page.emulate_media(media="print")
    page.screenshot(path=str(tmp_path / "join-poster-print.png"), full_page=True)
    fits = page.evaluate(
        """() => {
          const poster = document.querySelector('.join-poster').getBoundingClientRect();
          return [...document.querySelectorAll('.join-poster > *')].map((el) => {
            const box = el.getBoundingClientRect();
            return {cls: el.className, lang: el.lang, inside: box.bottom <= poster.bottom + 0.5
              && box.right <= poster.right + 0.5 && box.left >= poster.left - 0.5,
              wide: el.scrollWidth <= el.clientWidth + 1};
          });
        }"""
    )
    langs = ["de", "en", "uk", "ar", "fa", "tr", "ru"]  # every participant language (issue 15)
    assert [f["lang"] for f in fits if f["cls"] == "jp-text"] == langs
    assert all(f["inside"] and f["wide"] for f in fits), fits


def test_links_page_warns_about_a_loopback_address(page: Any, setup: Any) -> None:
    server, info = setup
    url = f"{server.url}/organiser/events/{info['event_id']}/links"
    login(page, server, url)
    warning = page.locator("#public-url-warning")
    assert warning.is_visible()
    assert "127.0.0.1" in warning.inner_text() and "PARCOURS_PUBLIC_URL" in warning.inner_text()
    assert page.locator("link[rel=icon]").count() >= 1
    response = page.request.get(f"{server.url}/favicon.ico")
    assert response.status == 200 and response.headers["content-type"].startswith("image/")
    icon = page.locator("link[rel=icon][type='image/svg+xml']").get_attribute("href")
    assert page.request.get(f"{server.url}{icon}").status == 200


@pytest.mark.parametrize(
    ("path", "cards"),
    [("", ".grid > .card"), ("/links", ".qr-grid > .card"), ("DASHBOARD", ".grid.two > .card")],
)
def test_cards_of_a_row_start_at_the_same_height(
    page: Any, setup: Any, path: str, cards: str
) -> None:
    server, info = setup
    event = f"{server.url}/organiser/events/{info['event_id']}"
    url = f"{server.url}/organiser/" if path == "DASHBOARD" else f"{event}{path}"
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, server, url)
    tops = page.evaluate(
        "(sel) => [...document.querySelectorAll(sel)].map((el) => el.getBoundingClientRect().top)",
        cards,
    )
    assert len(tops) >= 2
    first_row = [top for top in tops if abs(top - tops[0]) < 40]
    assert len(first_row) >= 2 and max(first_row) - min(first_row) < 0.5, tops


def test_printed_report_names_the_event_once(page: Any, setup: Any, tmp_path: Path) -> None:
    server, info = setup
    url = f"{server.url}/organiser/events/{info['event_id']}/report"
    login(page, server, url)
    title = page.locator(".report-head h2").inner_text().split(": ", 1)[1]
    page.emulate_media(media="print")
    page.screenshot(path=str(tmp_path / "report-print.png"), full_page=True)
    shown = page.evaluate(
        """(title) => [...document.querySelectorAll('body *')].filter((el) =>
             [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.includes(title))
             && el.checkVisibility() && !el.closest('.press')).map((el) => el.tagName)""",
        title,
    )
    assert shown == ["H2"], shown  # the summary's sentence aside, the title shows once
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert page_sizes(pdf) and all(abs(w - A4[0]) < 1.5 for w, _h in page_sizes(pdf))
