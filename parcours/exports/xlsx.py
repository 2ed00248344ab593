"""XLSX workbooks streamed straight into their ZIP container: one pass, flat memory.

A workbook is a ZIP of XML parts. Each sheet is written row by row into its ZIP member, with
text as inline strings (never a formula, whatever it starts with), so memory stays flat however
many rows there are. openpyxl (write-only, with lxml) and XlsxWriter (``constant_memory``) were
measured on the same 1,000-person event first (``bench/export.py --writers``): both spend about
6 µs a cell in their cell objects and took ~3.6 s for the event workbook; writing the XML
directly takes a fraction of that (figures in BENCHMARKS.md, "Export"). openpyxl still reads the
files in the tests, so every workbook is checked by a maintained reader.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

from parcours.exports.scope import ExportScope
from parcours.exports.sheets import EVENT_TABLES, STATION_TABLES
from parcours.exports.tables import Table

WIDTH = 22
FLUSH_EVERY = 500  # rows per write into the ZIP member
MAX_TEXT = 32767  # Excel's limit for one cell
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
EPOCH = datetime(1899, 12, 30)
BOLD, STAMP = 1, 2  # style indexes in STYLES

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

STYLES = (
    f'{HEAD}<styleSheet xmlns="{MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def sheet_title(title: str, used: set[str]) -> str:
    """Return a valid, unique sheet title (at most 31 characters, no []:*?/\\)."""
    base = SHEET_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _text(ref: str, value: str, style: int = 0) -> str:
    if ILLEGAL.search(value):
        value = ILLEGAL.sub("", value)
    value = escape(value[:MAX_TEXT])
    s = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c r="{ref}" t="inlineStr"{s}><is><t{space}>{value}</t></is></c>'


def _cell(ref: str, value: Any) -> str:
    """Return one cell's XML ('' for an empty cell)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return _text(ref, value)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, datetime | date):
        moment = value if isinstance(value, datetime) else datetime(*value.timetuple()[:3])
        serial = (moment.replace(tzinfo=None) - EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{STAMP}"><v>{serial!r}</v></c>'
    return _text(ref, str(value))


def _sheet_head(columns: int) -> str:
    cols = f'<cols><col min="1" max="{columns}" width="{WIDTH}" customWidth="1"/></cols>'
    pane = '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    return (
        f'{HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        f"{cols if columns else ''}<sheetData>"
    )


def write_sheet(out: IO[bytes], headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write one sheet's XML: a bold, frozen header row, then the rows as they come."""
    letters = [get_column_letter(i + 1) for i in range(max(len(headers), 1))]
    head = "".join(_text(f"{letters[i]}1", str(t), BOLD) for i, t in enumerate(headers))
    chunk = [_sheet_head(len(headers)), f'<row r="1">{head}</row>']
    for number, row in enumerate(rows, start=2):
        while len(letters) < len(row):
            letters.append(get_column_letter(len(letters) + 1))
        cells = "".join([_cell(f"{letters[i]}{number}", v) for i, v in enumerate(row)])
        chunk.append(f'<row r="{number}">{cells}</row>')
        if len(chunk) >= FLUSH_EVERY:
            out.write("".join(chunk).encode("utf-8"))
            chunk = []
    chunk.append("</sheetData></worksheet>")
    out.write("".join(chunk).encode("utf-8"))


def _package_parts(titles: list[str]) -> dict[str, str]:
    """Return the workbook's fixed parts: content types, relationships, workbook, styles."""
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_type}"/>'
        for i in range(1, len(titles) + 1)
    )
    office = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    types = (
        f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{office}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{office}.styles+xml"/>'
        f"{overrides}</Types>"
    )
    doc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    root_rels = (
        f'{HEAD}<Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{doc}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    sheets = "".join(
        f'<sheet name="{escape(t, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, t in enumerate(titles, start=1)
    )
    workbook = f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheets}</sheets>'
    workbook += "</workbook>"
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{doc}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(titles) + 1)
    )
    n = len(titles) + 1
    rels += f'<Relationship Id="rId{n}" Type="{doc}/styles" Target="styles.xml"/>'
    return {
        "[Content_Types].xml": types,
        "_rels/.rels": root_rels,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": f'{HEAD}<Relationships xmlns="{PKG_REL}">{rels}'
        + "</Relationships>",
        "xl/styles.xml": STYLES,
    }


def write_workbook(out: IO[bytes], scope: ExportScope, tables: Iterable[Table]) -> None:
    """Write one sheet per table to a binary file."""
    tables = list(tables)
    used: set[str] = set()
    titles = [sheet_title(str(table.title), used) for table in tables]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, text in _package_parts(titles).items():
            zf.writestr(name, text)
        for number, table in enumerate(tables, start=1):
            with zf.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as part:
                write_sheet(part, table.headers(), table.rows(scope))


def write_event(out: IO[bytes], scope: ExportScope) -> None:
    """Write the whole event: follow-ups, leads, notes, visits, participants, stations, wall."""
    write_workbook(out, scope, EVENT_TABLES)


def write_station(out: IO[bytes], scope: ExportScope) -> None:
    """Write a station's follow-ups, leads and its host's notes."""
    write_workbook(out, scope, STATION_TABLES)
