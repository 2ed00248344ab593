"""The streamed XLSX writer: values keep their type, text stays text, odd titles and characters."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from parcours.exports.tables import Table
from parcours.exports.xlsx import write_workbook

ROWS = [
    ['=HYPERLINK("http://x")', 3, 2.5, True, datetime(2026, 9, 17, 8, 30, 5), None],
    ["  padded  ", 0, -1.25, False, None, "+49 30 5550001"],
    ['bell\x07 & <tag> "quoted"', None, None, None, None, "ä ö ü ß — 日本 \U0001f600"],
]


def test_values_round_trip_through_openpyxl():
    table = Table("t", "Notes: [a]/b*?", ("Text", "N", "F", "B", "When", "Phone"), lambda s: ROWS)
    other = Table("u", "Notes: [a]/b*?", ("Only",), lambda s: iter([["x"]] * 1200))
    out = io.BytesIO()
    write_workbook(out, None, [table, other])  # type: ignore[arg-type]
    book = load_workbook(io.BytesIO(out.getvalue()))
    first, second = book.worksheets
    assert first.title == "Notes   a  b" and second.title == "Notes   a  b (2)"
    rows = [list(r) for r in first.iter_rows(values_only=True)]
    assert rows[0] == ["Text", "N", "F", "B", "When", "Phone"]
    assert first["A1"].font.b
    assert first.freeze_panes == "A2"
    when = datetime(2026, 9, 17, 8, 30, 5)
    assert rows[1] == ['=HYPERLINK("http://x")', 3, 2.5, True, when, None]
    assert first["A2"].data_type == "s"  # text that looks like a formula stays text
    assert rows[2] == ["  padded  ", 0, -1.25, False, None, "+49 30 5550001"]
    assert rows[3][0] == 'bell & <tag> "quoted"'  # a control character XML cannot carry is dropped
    assert rows[3][5] == "ä ö ü ß — 日本 \U0001f600"
    assert second.max_row == 1201
