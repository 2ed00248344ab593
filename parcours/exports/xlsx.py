"""XLSX workbooks written in openpyxl's write-only mode (rows stream to disk, not memory)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from parcours.exports.scope import ExportScope
from parcours.exports.sheets import EVENT_TABLES, STATION_TABLES
from parcours.exports.tables import Table

BOLD = Font(bold=True)
WIDTH = 22
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str, used: set[str]) -> str:
    """Return a valid, unique sheet title (at most 31 characters, no []:*?/\\)."""
    base = SHEET_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _cell(ws: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("="):
            cell = WriteOnlyCell(ws, value)
            cell.data_type = "s"  # text stays text: no formula runs when the file is opened
            return cell
    return value


def write_sheet(ws: WriteOnlyWorksheet, headers: list[str], rows: Iterable[list[Any]]) -> None:
    """Write a bold header row and the rows to a write-only sheet."""
    for index in range(len(headers)):
        ws.column_dimensions[get_column_letter(index + 1)].width = WIDTH
    ws.freeze_panes = "A2"
    head = []
    for title in headers:
        cell = WriteOnlyCell(ws, title)
        cell.font = BOLD
        head.append(cell)
    ws.append(head)
    for row in rows:
        ws.append([_cell(ws, v) for v in row])


def write_workbook(out: IO[bytes], scope: ExportScope, tables: Iterable[Table]) -> None:
    """Write one sheet per table to a binary file."""
    wb = Workbook(write_only=True)
    used: set[str] = set()
    for table in tables:
        ws = wb.create_sheet(sheet_title(str(table.title), used))
        write_sheet(ws, table.headers(), table.rows(scope))
    wb.save(out)


def write_event(out: IO[bytes], scope: ExportScope) -> None:
    """Write the whole event: follow-ups, leads, notes, visits, participants, stations, wall."""
    write_workbook(out, scope, EVENT_TABLES)


def write_station(out: IO[bytes], scope: ExportScope) -> None:
    """Write a station's follow-ups, leads and its host's notes."""
    write_workbook(out, scope, STATION_TABLES)
