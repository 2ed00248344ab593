"""Organiser pages after the event: panel, downloads, report, shred confirmation; host pack."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from parcours.storage import Event
from tests.exports.conftest import english_small
from tests.exports.records import seed

EMAIL, PASSWORD = "orga@example.org", "correct horse battery"


@pytest.fixture
def event(app, make_event):
    from parcours.extensions import db

    info = make_event(english_small())
    with app.app_context():
        return info, seed(db.session(), info["event_id"])


@pytest.fixture
def organiser(app, client):
    from parcours.extensions import db
    from parcours.services.accounts import create_organiser

    with app.app_context():
        create_organiser(db.session(), EMAIL, PASSWORD, "Orga", admin=True)
    done = client.post("/organiser/login", data={"email": EMAIL, "password": PASSWORD})
    assert done.status_code == 302
    return client


def test_event_page_offers_downloads_report_and_shred(organiser, event):
    info, _s = event
    page = organiser.get(f"/organiser/events/{info['event_id']}").get_data(as_text=True)
    base = f"/organiser/events/{info['event_id']}"
    assert f"{base}/export.xlsx" in page and f"{base}/report" in page and f"{base}/shred" in page
    assert f"{base}/stations/{info['stations'][0]['id']}/pack.zip" in page
    got = organiser.get(f"{base}/export.xlsx")
    assert got.status_code == 200
    assert load_workbook(io.BytesIO(got.data), read_only=True).sheetnames[0] == "Follow-ups"
    got = organiser.get(f"{base}/stations/{info['stations'][0]['id']}/pack.zip")
    assert len(zipfile.ZipFile(io.BytesIO(got.data)).namelist()) == 3
    assert organiser.get(f"{base}/export.exe").status_code == 404
    assert organiser.get(f"{base}/stations/999/pack.zip").status_code == 404


def test_pages_need_a_login(client, event):
    info, _s = event
    got = client.get(f"/organiser/events/{info['event_id']}/report")
    assert got.status_code == 302 and "/organiser/login" in got.headers["Location"]


def test_report_page_draws_charts(organiser, event):
    info, _s = event
    page = organiser.get(f"/organiser/events/{info['event_id']}/report").get_data(as_text=True)
    assert page.count("<svg") == 6
    assert "6 people from 5 organisations" in page
    assert "Mehr Sprachkurse am Abend" in page


def test_shred_needs_confirmation(app, organiser, event):
    from parcours.extensions import db

    info, _s = event
    url = f"/organiser/events/{info['event_id']}/shred"
    page = organiser.get(url).get_data(as_text=True)
    assert info["join_code"] in page and "cannot be undone" in page
    wrong = organiser.post(url, data={"understood": "yes", "join_code": "NOPE"})
    assert wrong.status_code == 400 and "This is not the join code." in wrong.get_data(as_text=True)
    unticked = organiser.post(url, data={"join_code": info["join_code"]})
    assert unticked.status_code == 400
    with app.app_context():
        assert db.session().get(Event, info["event_id"]).shredded_at is None
    done = organiser.post(url, data={"understood": "yes", "join_code": info["join_code"].lower()})
    assert done.status_code == 302
    with app.app_context():
        assert db.session().get(Event, info["event_id"]).shredded_at is not None
    report = organiser.get(f"/organiser/events/{info['event_id']}/report").get_data(as_text=True)
    assert "6 people from 5 organisations" in report and "Jana" not in report


def test_host_downloads_their_own_pack(client, event):
    info, _s = event
    station = info["stations"][0]
    tablet = client.get(f"/h/{station['host_token']}").get_data(as_text=True)
    assert f"/h/{station['host_token']}/follow-ups.zip" in tablet
    got = client.get(f"/h/{station['host_token']}/follow-ups.zip")
    assert got.status_code == 200 and got.headers["Referrer-Policy"] == "no-referrer"
    names = zipfile.ZipFile(io.BytesIO(got.data)).namelist()
    assert f"contacts-{station['code']}.vcf" in names
    assert client.get(f"/h/{info['participants'][0]['token']}/follow-ups.zip").status_code == 404
    assert client.get("/h/not-a-token/follow-ups.zip").status_code == 404
