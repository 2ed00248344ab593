"""XLSX: one sheet per kind of record, readable headers, text stays text, consent holds."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from tests.exports.records import FOLLOW_UPS, row_dicts

SHEETS = ["Follow-ups", "Leads", "Notes", "Visits", "Participants", "Stations", "Wall cards"]


def sheets(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """Read every sheet of a workbook as dicts by header."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    out = {}
    for ws in book.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        out[ws.title] = row_dicts(rows[0], rows[1:])
    book.close()
    return out


def test_event_workbook_has_every_kind_of_record(app, seeded, export):
    info, s = seeded
    data = export(s.event_id, "xlsx")
    book = sheets(data)
    assert list(book) == SHEETS
    assert len(book["Follow-ups"]) == len(FOLLOW_UPS)
    assert len(book["Leads"]) == 2
    assert len(book["Notes"]) == 2
    visits = book["Visits"]
    assert sum(1 for v in visits if v["Record"] == "Planned") == 12
    assert sum(1 for v in visits if v["Record"] == "Check-in") == 6
    assert {p["Name"] for p in book["Participants"]} == {p["name"] for p in info["participants"]}
    assert [st["Code"] for st in book["Stations"]] == [st["code"] for st in info["stations"]]
    first = book["Stations"][0]
    assert (first["Planned visits"], first["Check-ins"], first["Follow-ups"]) == (4, 2, 3)
    assert [c["Votes"] for c in book["Wall cards"]] == [3, 1]


def test_consent_and_formula_text_in_follow_ups(app, seeded, export):
    _info, s = seeded
    data = export(s.event_id, "xlsx")
    rows = sheets(data)["Follow-ups"]
    by_topic = {(r["Station"], r["Topic"], r["Participant"]): r for r in rows}
    shared = [r for r in rows if r["Contact shared"] == "Yes"]
    assert {r["Participant"] for r in shared} == {
        "Jana Wächter",
        "Olena Hrytsenko",
        "Tigist Woldemichael",
    }
    assert all(r["E-mail"] for r in shared)
    hidden = [r for r in rows if r["Contact shared"] == "No"]
    assert all(r["Participant"].startswith("P-") and not r["E-mail"] for r in hidden)
    assert by_topic  # every row was read
    book = load_workbook(io.BytesIO(data))
    cells = [
        c
        for row in book["Follow-ups"].iter_rows()
        for c in row
        if c.value and str(c.value).startswith("=")
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def test_station_workbook(app, seeded, export):
    info, s = seeded
    book = sheets(export(s.event_id, "xlsx", station_id=s.stations[0]))
    assert list(book) == ["Follow-ups", "Leads", "Notes"]
    assert {r["Station"] for r in book["Follow-ups"]} == {info["stations"][0]["name"]}
    assert [n["Text"] for n in book["Notes"]] == ["Deniz Aydoğan wirkt sehr motiviert"]
    assert book["Notes"][0]["About"] == f"P-{s.people[1]:04d}"
