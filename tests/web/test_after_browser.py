"""In Chromium: the organiser downloads the XLSX and a station pack from the event page."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tests.conftest import create_event_on
from tests.exports.records import seed

EMAIL, PASSWORD = "orga@example.org", "correct horse battery"


@pytest.mark.browser
@pytest.mark.server
def test_organiser_downloads_workbook_and_station_pack(server_factory, page):
    server = server_factory()
    info = create_event_on(server, "small")
    made = server.cli("organiser", "create", EMAIL, "--password", PASSWORD, "--admin")
    assert made.returncode == 0, made.stderr
    engine = create_engine(server.database_url)
    with Session(engine) as session:
        seed(session, info["event_id"])
    engine.dispose()
    server.start()

    page.goto(f"{server.url}/organiser/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{server.url}/organiser/events/{info['event_id']}")

    with page.expect_download() as workbook:
        page.click("[data-download=xlsx]")
    assert workbook.value.suggested_filename.endswith("-event.xlsx")
    book = load_workbook(io.BytesIO(workbook.value.path().read_bytes()), read_only=True)
    assert "Kontaktwünsche" in book.sheetnames and "Teilnehmende" in book.sheetnames
    book.close()

    station = info["stations"][0]
    with page.expect_download() as pack:
        page.click(f"[data-pack='{station['id']}']")
    assert pack.value.suggested_filename.endswith(f"-pack-{station['code']}.zip")
    with zipfile.ZipFile(pack.value.path()) as zf:
        summary = zf.read(f"summary-{station['code']}.html").decode()
        sheet = load_workbook(io.BytesIO(zf.read(f"follow-ups-{station['code']}.xlsx")))
    assert station["name"] in summary
    assert sheet["Kontaktwünsche"].max_row == 1 + 3

    page.click("text=Bericht")
    assert page.locator("svg.chart").count() == 6
