"""CSV as German Excel opens it: UTF-8 with BOM, ';' between fields."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

from parcours.exports.scope import ExportScope
from parcours.exports.sheets import CONTACTS
from parcours.exports.tables import Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A sign followed only by digits, spaces and ( ) / . - : a phone number like "+49 351 1234-56".
# It cannot call a function, reach another file or start DDE (those need letters, "!" or "|"),
# so it is written as it is: no apostrophe in front of every phone number.
PHONE_LIKE = re.compile(r"[+-] ?[0-9][0-9 ()/.\-]*")


def cell(value: Any) -> Any:
    """Return a value as a CSV cell; text that a spreadsheet would run as a formula is quoted.

    Text starting with = @ tab or CR, or with + or - followed by anything but a phone number's
    digits, gets a leading apostrophe (OWASP's CSV injection advice). Phone numbers keep their
    look. The XLSX export writes every text as a text cell, so nothing is evaluated there.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and value.startswith(FORMULA_START):
        if PHONE_LIKE.fullmatch(value):
            return value
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
