"""CSV as German Excel opens it: UTF-8 with BOM, ';' between fields."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

from parcours.exports.scope import ExportScope
from parcours.exports.sheets import CONTACTS
from parcours.exports.tables import Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """Return a value as a CSV cell; text that a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_rows(out: IO[bytes], headers: list[str], rows: Iterable[list[Any]]) -> None:
    """Write a header and rows to a binary file as UTF-8 with BOM and ';'."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(headers)
        for row in rows:
            writer.writerow([cell(v) for v in row])
        text.flush()
    finally:
        text.detach()


def write_table(out: IO[bytes], scope: ExportScope, table: Table = CONTACTS) -> None:
    """Write one table of the scope (by default: follow-ups and leads) as CSV."""
    write_rows(out, table.headers(), table.rows(scope))
