"""The export and shred operations over HTTP: formats, roles, errors."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
import vobject
from openpyxl import load_workbook

from tests.conftest import auth
from tests.exports.conftest import english_small
from tests.exports.records import consenting, seed


@pytest.fixture
def event(app, make_event):
    from parcours.extensions import db

    info = make_event(english_small())
    with app.app_context():
        return info, seed(db.session(), info["event_id"])


def test_event_export_formats(client, event):
    info, _s = event
    url = f"/api/v1/events/{info['event_id']}/export"
    headers = auth(info["organiser_token"])
    got = client.get(url + "?format=xlsx", headers=headers)
    assert got.status_code == 200 and got.mimetype.endswith("spreadsheetml.sheet")
    assert (
        "attachment" in got.headers["Content-Disposition"]
        and got.headers["Cache-Control"] == "no-store"
    )
    assert "Follow-ups" in load_workbook(io.BytesIO(got.data), read_only=True).sheetnames
    got = client.get(url + "?format=csv", headers=headers)
    rows = list(csv.reader(io.StringIO(got.data.decode("utf-8-sig")), delimiter=";"))
    assert got.mimetype == "text/csv" and len(rows) == 1 + 5 + 2
    got = client.get(url + "?format=json", headers=headers)
    assert got.json["event_file"]["event"]["title"] == "Kleiner Testparcours"
    assert client.get(url, headers=headers).mimetype.endswith("spreadsheetml.sheet")


def test_event_export_refuses_bad_format_and_other_roles(client, event):
    info, _s = event
    url = f"/api/v1/events/{info['event_id']}/export"
    bad = client.get(url + "?format=pdf", headers=auth(info["organiser_token"]))
    assert bad.status_code == 400 and "format" in bad.json["error"]["fields"]
    for token in (info["facilitator_token"], info["stations"][0]["host_token"],
                  info["participants"][0]["token"]):  # fmt: skip
        assert client.get(url, headers=auth(token)).status_code == 403
    assert client.get(url).status_code == 401


def test_station_follow_ups_as_files(client, event):
    info, s = event
    station = info["stations"][0]
    url = f"/api/v1/events/{info['event_id']}/stations/{station['id']}/follow-ups"
    host = auth(station["host_token"])
    got = client.get(url + "?format=vcf", headers=host)
    assert got.status_code == 200 and got.mimetype == "text/vcard"
    assert len(list(vobject.readComponents(got.data.decode()))) == len(consenting(s, 0))
    got = client.get(url + "?format=zip", headers=host)
    assert len(zipfile.ZipFile(io.BytesIO(got.data)).namelist()) == 3
    got = client.get(url + "?format=csv", headers=auth(info["organiser_token"]))
    assert got.status_code == 200 and got.data.startswith(b"\xef\xbb\xbf")
    got = client.get(url + "?format=xlsx", headers=host)
    assert got.status_code == 200
    assert client.get(url, headers=host).status_code == 200  # JSON stays the capture list
    other = auth(info["stations"][1]["host_token"])
    assert client.get(url + "?format=zip", headers=other).status_code == 403
    bad = client.get(url + "?format=exe", headers=host)
    assert bad.status_code == 400 and "format" in bad.json["error"]["fields"]


def test_openapi_lists_the_operations(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "get" in paths["/events/{event_id}/export"]
    assert "post" in paths["/events/{event_id}/shred"]
