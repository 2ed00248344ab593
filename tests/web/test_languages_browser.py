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
            v.nodes.map(n => n.target.join(' ') + ' (' + (n.failureSummary || '') + ')')
              .join(' | '));
        }""",
        WCAG,
    )
    return list(found)


def shots() -> Path:
    """Return where screenshots go (PARCOURS_SCREENSHOTS, else the tests' own folder)."""
    import os

    where = Path(os.environ.get("PARCOURS_SCREENSHOTS") or ROOT / "instance" / "screenshots")
    where.mkdir(parents=True, exist_ok=True)
    return where


def set_language(server: Server, participant_id: int, language: str) -> None:
    """Store a participant's language, as the event file, the CSV or the join form would."""
    from sqlalchemy import create_engine, update

    from parcours.storage import Participant

    engine = create_engine(server.database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                update(Participant)
                .where(Participant.id == participant_id)
                .values(language=language)
            )
    finally:
        engine.dispose()


def german_words(lang: str) -> list[str]:
    """Return the German UI texts of the participant pages that no `lang` text also contains."""
    from tests.test_translations import _catalog, _key
    from tests.test_translations_languages import participant_msgids

    german = {_key(m): m.string for m in _catalog("de") if m.id and isinstance(m.string, str)}
    theirs = " ".join(str(m.string) for m in _catalog(lang) if m.id)
    out = []
    for key in participant_msgids():
        text = german.get(key) or ""
        plain = re.sub(r"%\(\w+\)[sd]|\{\w+\}", "", text).strip(" .:…")
        own_name = plain in ("Deutsch", "English")  # the switch names each language in it
        if len(plain) >= 6 and plain != key and plain not in theirs and not own_name:
            out.append(plain)
    return out


def german_left(page: Any, lang: str, selector: str = "body") -> list[str]:
    text = page.inner_text(selector)
    return [word for word in german_words(lang) if word in text]


def check_direction(page: Any, lang: str) -> None:
    html = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
    assert html == [lang, "rtl" if lang in RTL else "ltr"]


@pytest.mark.parametrize("lang", NEW)
def test_phone_and_join_pages_in_each_language(
    browser: Any, server: Server, event: dict[str, Any], lang: str
) -> None:
    person = event["participants"][NEW.index(lang)]
    set_language(server, person["id"], lang)
    context, page = open_page(browser, f"{server.url}/p/{person['token']}")  # browser: German
    try:
        page.wait_for_function("() => window.parcours && window.parcours.live.socket.connected")
        check_direction(page, lang)
        assert not german_left(page, lang)
        assert (
            page.evaluate("getComputedStyle(document.getElementById('countdown')).direction")
            == "ltr"
        )
        if lang in RTL:
            brand = page.locator(".topbar .brand").bounding_box()
            switch = page.locator(".topbar .lang").bounding_box()
            assert brand["x"] > switch["x"]  # right to left: the brand stands on the right
            page.screenshot(path=str(shots() / f"phone-{lang}.png"), full_page=True)
        names = page.locator(".topbar .lang a").all_inner_texts()
        assert names == [
            "Deutsch",
            "English",
            "Українська",
            "العربية",
            "فارسی",
            "Türkçe",
            "Русский",
        ]
    finally:
        context.close()
    context, page = open_page(browser, f"{server.url}/join/{event['join_code']}", locale=lang)
    try:
        check_direction(page, lang)
        assert not german_left(page, lang)
        if lang in RTL:
            label = page.locator("label[for=name]").bounding_box()
            field = page.locator("#name").bounding_box()
            assert abs((label["x"] + label["width"]) - (field["x"] + field["width"])) < 2
            page.screenshot(path=str(shots() / f"join-{lang}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("lang", NEW)
def test_the_kiosk_speaks_each_persons_language_for_their_turn(
    browser: Any, server: Server, event: dict[str, Any], lang: str
) -> None:
    station = event["stations"][NEW.index(lang) % len(event["stations"])]
    url = kiosk_url(server, station["host_token"])
    context = browser.new_context(locale="de-DE", viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        page.clock.install()
        page.goto(url)
        page.wait_for_function("() => window.parcours && window.parcours.live.socket.connected")
        heading = page.locator("#screen-roster h1")
        assert heading.locator("[lang=de]").count() == 1  # before anyone picks: de and en
        page.click(f"[data-kiosk-lang={lang}]")
        check_direction(page, lang)
        assert heading.locator("[lang=de]").count() == 0
        assert heading.locator(f"[lang={lang}]").count() == 1
        assert not german_left(page, lang, "#screen-roster")
        first_topic = "document.querySelector('#kiosk-topics [data-topic]').textContent"
        if station is event["stations"][0]:  # agentur-fuer-arbeit: its template speaks uk, tr
            sends = "document.querySelector('#kiosk-topics [data-topic]').dataset.topic"
            assert page.evaluate(sends).startswith("Stellen melden")  # stored: the station's own
            assert page.evaluate(first_topic) != page.evaluate(sends)
        if lang in RTL:
            page.screenshot(path=str(shots() / f"kiosk-{lang}.png"), full_page=True)
        page.clock.run_for(61_000)  # nobody touches the tablet: the next person comes
        check_direction(page, "de")
        assert heading.locator("[lang=de]").count() == 1
        assert heading.locator("[lang=en]").count() == 1
        first = "document.querySelector('#kiosk-topics [data-topic]')"
        assert page.evaluate(f"{first}.textContent === {first}.dataset.topic")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_axe_finds_nothing_on_the_pages(
    browser: Any, server: Server, event: dict[str, Any], lang: str
) -> None:
    person = event["participants"][5]
    set_language(server, person["id"], lang)
    pages = {
        "phone": f"/p/{person['token']}",
        "join": f"/join/{event['join_code']}",
        "privacy": f"/join/{event['join_code']}/privacy",
        "home": "/",
        "host": f"/h/{event['stations'][0]['host_token']}",
        "console": f"/f/{event['facilitator_token']}",
        "screen": f"/s/{event['screen_token']}",
        "kiosk": kiosk_url(server, event["stations"][1]["host_token"])[len(server.url) :],
    }
    found = {}
    for name, path in pages.items():
        context, page = open_page(
            browser, f"{server.url}{path}?lang={lang}", locale=lang, width=1024
        )
        try:
            if name == "kiosk":
                page.click(f"[data-kiosk-lang={lang}]")
            if name in ("phone", "kiosk", "join"):
                check_direction(page, lang)
            found[name] = axe(page)
        finally:
            context.close()
    assert not {k: v for k, v in found.items() if v}, found


def test_an_arabic_route_card_reads_right_to_left(
    browser: Any, server: Server, event: dict[str, Any]
) -> None:
    person = event["participants"][3]
    set_language(server, person["id"], "ar")
    done = server.cli(
        "organiser", "create", "orga@example.org", "--password", "pw-12345678", "--admin"
    )
    assert done.returncode == 0, done.stderr
    url = f"{server.url}/organiser/events/{event['event_id']}/plan/route-cards"
    context = browser.new_context(locale="de-DE", viewport={"width": 800, "height": 1000})
    page = context.new_page()
    try:
        page.goto(url)
        page.fill("#email", "orga@example.org")
        page.fill("#password", "pw-12345678")
        page.click("#login-form button[type=submit]")
        page.wait_for_url(url)
        card = page.locator(f"article.route-card[data-participant='{person['id']}']")
        assert card.get_attribute("lang") == "ar" and card.get_attribute("dir") == "rtl"
        rnd = card.locator("th.rc-round").bounding_box()
        station = card.locator("th").nth(-2).bounding_box()
        assert rnd["x"] > station["x"]  # the first column stands on the right
        assert page.locator("html").get_attribute("lang") == "de"  # the page itself: organiser's
        card.screenshot(path=str(shots() / "route-card-ar.png"))
    finally:
        context.close()
