"""A station's follow-up pack: XLSX, the consented vCards and a printable summary."""

from __future__ import annotations

import io
import zipfile

import vobject
from openpyxl import load_workbook

from tests.exports.records import consenting


def test_station_pack_holds_three_readable_files(app, seeded, export):
    info, s = seeded
    station = info["stations"][0]
    data = export(s.event_id, "zip", station_id=s.stations[0])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        names = sorted(zf.namelist())
        code = station["code"]
        assert names == [f"contacts-{code}.vcf", f"follow-ups-{code}.xlsx", f"summary-{code}.html"]
        book = load_workbook(io.BytesIO(zf.read(f"follow-ups-{code}.xlsx")))
        assert book.sheetnames == ["Follow-ups", "Leads", "Notes"]
        assert len(list(book["Follow-ups"].iter_rows())) == 1 + 3
        cards = list(vobject.readComponents(zf.read(f"contacts-{code}.vcf").decode()))
        assert len(cards) == len(consenting(s, 0))
        html = zf.read(f"summary-{code}.html").decode()
    assert station["name"] in html and "Jana Wächter" in html
    assert "jana.waechter@example.org" in html
    assert "deniz.aydogan@example.org" not in html and f"P-{s.people[1]:04d}" in html
    assert "<svg" in html and 'src="http' not in html and 'href="http' not in html


def test_all_packs_in_one_zip(app, seeded, export):
    info, s = seeded
    with zipfile.ZipFile(io.BytesIO(export(s.event_id, "zip"))) as zf:
        folders = {name.split("/")[0] for name in zf.namelist()}
        assert len(folders) == len(info["stations"])
        assert len(zf.namelist()) == 3 * len(info["stations"])
