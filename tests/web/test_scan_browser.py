"""QR codes read by a camera, in Chromium against a real server.

Chromium's fake camera plays a Y4M video of a QR code (made here from segno's matrix). Debian's
Chromium has no BarcodeDetector, so the page reads the frames with jsQR, which it loads only
when the scan button is tapped. A phone checks in at a station by camera; the kiosk names a
participant from their route card; the host tablet picks a lead from a badge. A phone's own
camera app opening a station's code (/c/CODE) checks its participant in, or asks for the
personal link first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import segno

from tests.conftest import (
    CHROMIUM,
    Server,
    auth,
    create_event_on,
    missing,
    plain,
    with_codes,
)

pytestmark = [pytest.mark.browser, pytest.mark.server]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
PIN = "4711"


def write_qr_video(path: Path, text: str, width: int = 640, height: int = 480) -> Path:
    """Write a Y4M video (4:2:0) of text's QR code, black on white in the middle, 20 frames."""
    matrix = [list(row) for row in segno.make(text, error="m", micro=False).matrix_iter(border=4)]
    scale = min(width, height) * 3 // 4 // len(matrix)
    side = len(matrix) * scale
    left, top = (width - side) // 2, (height - side) // 2
    luma = bytearray(b"\xff" * (width * height))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if not dark:
                continue
            for dy in range(scale):
                start = (top + y * scale + dy) * width + left + x * scale
                luma[start : start + scale] = b"\x10" * scale
    chroma = b"\x80" * ((width // 2) * (height // 2))
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * 20)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[Server]:
    """Return one real server for this module's tests (each makes its own event)."""
    server = Server(tmp_path_factory.mktemp("scan"))
    done = server.cli("db", "upgrade")
    assert done.returncode == 0, done.stderr
    server.start()
    yield server
    server.stop()


@pytest.fixture
def camera(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """Return camera(text): a second Chromium whose fake camera shows text's QR code (launched
    by the session's Playwright: one sync Playwright per thread)."""
    if not Path(CHROMIUM).exists():
        missing("Debian's chromium is not installed (make test installs it where apt works)")
    browsers: list[Any] = []

    def launch(text: str) -> Any:
        video = write_qr_video(tmp_path / f"qr{len(browsers)}.y4m", text)
        launched = browser.browser_type.launch(
            executable_path=CHROMIUM,
            args=[
                *ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        browsers.append(launched)
        return launched

    yield launch
    for launched in browsers:
        launched.close()


def me(server: Server, token: str) -> dict[str, Any]:
    answer = requests.get(f"{server.url}/api/v1/me", headers=auth(token), timeout=10)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def open_phone(browser: Any, url: str) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(url)
    page.wait_for_function("() => window.parcours && window.parcours.live.socket.connected")
    return context, page, errors


def test_a_phone_checks_in_by_camera_with_jsqr(server: Server, camera: Any) -> None:
    ev = create_event_on(server, "small")
    token = ev["participants"][0]["token"]
    station = ev["stations"][1]
    browser = camera(f"{server.url}/c/{station['code']}")  # what the station's sign holds
    context, page, errors = open_phone(browser, f"{server.url}/p/{token}")
    try:
        assert page.evaluate("'BarcodeDetector' in window") is False
        assert page.evaluate("typeof window.jsQR") == "undefined"  # not loaded before the tap
        page.click("#scan-start")
        sent = page.locator("#my-log li[data-kind='check_in'][data-state='sent']")
        sent.wait_for(timeout=20000)
        assert station["name"] in sent.inner_text()
        assert page.evaluate("typeof window.jsQR") == "function"
        assert page.locator("#scan-box").is_hidden()  # the camera is off again
        assert page.input_value("#check-in-code") == station["code"].upper()
        page.screenshot(path=str(server.tmp / "scan-phone.png"))
        assert not errors, errors
    finally:
        context.close()
    check_ins = me(server, token)["check_ins"]
    assert [c["station_id"] for c in check_ins] == [station["id"]]


def test_the_kiosk_names_a_participant_from_the_route_card_by_camera(
    server: Server, camera: Any
) -> None:
    ev = create_event_on(server, "small")
    person = ev["participants"][1]
    host_token = ev["stations"][0]["host_token"]
    answer = requests.post(
        f"{server.url}/api/v1/kiosk", json={"pin": PIN}, headers=auth(host_token), timeout=10
    )
    assert answer.status_code == 201, answer.text
    browser = camera(f"{server.url}/p/{person['token']}")  # the route card's QR code
    context, page, errors = open_phone(browser, f"{server.url}{answer.json()['url']}")
    try:
        page.click("#kiosk-scan-start")
        page.wait_for_selector("body[data-screen='person']", timeout=20000)
        assert person["name"] in page.inner_text("#kiosk-hello")
        assert page.locator("#kiosk-scan-box").is_hidden()
        assert not errors, errors
    finally:
        context.close()


def test_the_host_tablet_picks_a_lead_from_a_badge_by_camera(server: Server, camera: Any) -> None:
    ev = with_codes(server, create_event_on(server, "small"))
    person = ev["participants"][3]
    station = ev["stations"][0]
    code = badge_code_on(server, ev["event_id"], person)
    browser = camera(f"{server.url}/b/{code}")  # what the name badge's QR code holds
    context, page, errors = open_phone(browser, f"{server.url}/h/{station['host_token']}")
    try:
        page.click("#lead-scan-start")
        page.wait_for_function(
            "(name) => document.getElementById('lead-chosen').textContent.includes(name)",
            arg=person["name"],
            timeout=20000,
        )
        assert page.locator("#lead-scan-box").is_hidden()
        page.fill("#lead-topic", "Ausbildung")
        page.click("#lead-form button[type=submit]")
        page.locator("#my-log li[data-kind='lead'][data-state='sent']").wait_for(timeout=15000)
        assert not errors, errors
    finally:
        context.close()


def badge_code_on(server: Server, event_id: int, person: dict[str, Any]) -> str:
    """Return a participant's badge code as the server signs it (its secret key)."""
    from parcours.services.capture.kiosk import badge_code

    secret = server.env["PARCOURS_SECRET_KEY"]
    return badge_code(secret, event_id, person["id"], plain(person))


def test_a_camera_app_opening_the_station_code_checks_the_phone_in(
    server: Server, browser: Any
) -> None:
    ev = create_event_on(server, "small")
    token = ev["participants"][0]["token"]
    station = ev["stations"][2]
    context, page, errors = open_phone(browser, f"{server.url}/p/{token}")  # leaves the cookie
    try:
        page.goto(f"{server.url}/c/{station['code'].lower()}")  # as the camera app opens it
        page.wait_for_url(f"{server.url}/p/{token}")  # the #check-in= hash is gone again
        sent = page.locator("#my-log li[data-kind='check_in'][data-state='sent']")
        sent.wait_for(timeout=15000)
        assert station["name"] in sent.inner_text()
        page.reload()  # a reload does not check in again
        page.wait_for_function("() => window.parcours && window.parcours.live.socket.connected")
        assert not errors, errors
    finally:
        context.close()
    assert [c["station_id"] for c in me(server, token)["check_ins"]] == [station["id"]]


def test_a_phone_without_its_link_is_asked_to_open_it_first(server: Server, browser: Any) -> None:
    ev = create_event_on(server, "small")
    code = ev["stations"][0]["code"]
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    try:
        page.goto(f"{server.url}/c/{code}")
        why = page.inner_text("#checkin-why")
        assert "persönlichen Link" in why
        assert page.inner_text("#checkin-code") == code.upper()
        page.screenshot(path=str(server.tmp / "scan-landing.png"))
    finally:
        context.close()
