"""The two maintained XLSX writers the streamed writer was measured against (bench only).

Each has the signature of ``parcours.exports.xlsx.write_workbook``; ``bench/export.py --writers``
swaps them in and times all three on the same event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

from parcours.exports.scope import ExportScope
from parcours.exports.tables import Table
from parcours.exports.xlsx import ILLEGAL, MAX_TEXT, WIDTH, sheet_title


def openpyxl_workbook(out: IO[bytes], scope: ExportScope, tables: Iterable[Table]) -> None:
    """Write with openpyxl's write-only mode (lxml installed), as parcours did before."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    used: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        ws = wb.create_sheet(sheet_title(str(table.title), used))
        head = []
        for title in table.headers():
            cell = WriteOnlyCell(ws, title)
            cell.font = bold
            head.append(cell)
        ws.append(head)
        for row in table.rows(scope):
            values: list[Any] = []
            for v in row:
                if isinstance(v, str) and v.startswith("="):
                    cell = WriteOnlyCell(ws, v)
                    cell.data_type = "s"
                    v = cell
                elif isinstance(v, str):
                    v = ILLEGAL.sub("", v)
                values.append(v)
            ws.append(values)
    wb.save(out)


def xlsxwriter_workbook(out: IO[bytes], scope: ExportScope, tables: Iterable[Table]) -> None:
    """Write with XlsxWriter in constant_memory mode, every text as text."""
    from xlsxwriter import Workbook

    book = Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                          "strings_to_numbers": False, "strings_to_urls": False})  # fmt: skip
    bold = book.add_format({"bold": True})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    used: set[str] = set()
    for table in tables:
        ws = book.add_worksheet(sheet_title(str(table.title), used))
        headers = table.headers()
        ws.set_column(0, max(len(headers) - 1, 0), WIDTH)
        ws.freeze_panes(1, 0)
        for col, title in enumerate(headers):
            ws.write_string(0, col, title, bold)
        for r, row in enumerate(table.rows(scope), start=1):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, ILLEGAL.sub("", value)[:MAX_TEXT])
                elif isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    ws.write_number(r, c, value)
                elif isinstance(value, datetime):
                    ws.write_datetime(r, c, value.replace(tzinfo=None), stamp)
                else:
                    ws.write_string(r, c, str(value))
    book.close()


WRITERS = {"openpyxl": openpyxl_workbook, "xlsxwriter": xlsxwriter_workbook}
