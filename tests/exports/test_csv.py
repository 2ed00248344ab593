"""CSV: UTF-8 with BOM, ';' separator, consent decides what a row shows."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.exports.records import FOLLOW_UPS, row_dicts


def read_csv(data: bytes) -> tuple[list[str], list[dict[str, Any]]]:
    """Read CSV bytes the way a careful script would: BOM-aware, ';'."""
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    return rows[0], row_dicts(rows[0], rows[1:])


def test_event_csv_lists_follow_ups_and_leads_with_consent(app, seeded, export):
    info, s = seeded
    headers, rows = read_csv(export(s.event_id, "csv"))
    assert headers[:3] == ["Record", "Time", "Station"]
    assert len(rows) == len(FOLLOW_UPS) + 2
    by_message = {r["Text"]: r for r in rows}
    jana = by_message["Bitte rufen Sie mich wegen der Ausbildung an"]
    assert jana["Participant"] == "Jana Wächter"
    assert jana["E-mail"] == "jana.waechter@example.org"
    assert jana["Phone"] == "+49 30 23125 101"  # a phone number keeps its look (no apostrophe)
    assert jana["Contact shared"] == "Yes"
    hidden = by_message['\'=HYPERLINK("http://example.invalid";"Klick")']
    assert hidden["Participant"] == f"P-{s.people[1]:04d}"
    assert hidden["E-mail"] == "" and hidden["Organisation"] == ""
    assert hidden["Kind"] == "Company"
    monika = by_message["Monika möchte zwei Praktikumsplätze anbieten"]
    assert "Monika" not in monika["Participant"] and "example" not in monika["E-mail"]


def test_station_csv_holds_only_that_station(app, seeded, export):
    info, s = seeded
    _headers, rows = read_csv(export(s.event_id, "csv", station_id=s.stations[0]))
    assert {r["Station"] for r in rows} == {info["stations"][0]["name"]}
    assert len(rows) == 3 + 2
    leads = {r["Text"]: r for r in rows if r["Record"] == "Lead"}
    assert leads["Jana am Dienstag anrufen"]["Participant"] == "Jana Wächter"
    deniz = leads["Deniz hat Interesse"]
    assert deniz["Participant"] == f"P-{s.people[1]:04d}" and deniz["E-mail"] == ""


def test_headers_follow_the_event_language(app, make_event, export):
    from flask_babel import force_locale

    from parcours.exports.sheets import CONTACTS
    from tests.conftest import example

    data = example("small")
    data["event"]["language"] = "en"
    info = make_event(data)
    headers, rows = read_csv(export(info["event_id"], "csv"))
    with app.test_request_context(), force_locale("en"):
        assert headers == CONTACTS.headers()
    assert rows == []
