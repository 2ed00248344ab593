"""A station's follow-up pack: a ZIP with the XLSX, the consented vCards and a summary page."""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
import zipfile
from datetime import datetime
from typing import IO

from parcours.exports import vcard, xlsx
from parcours.exports.scope import ExportScope
from parcours.exports.summary import render_summary

SPOOL = 8 * 1024 * 1024


def slug(text: str, limit: int = 40) -> str:
    """Return a file-name friendly form of a text ('Agentur für Arbeit' -> 'agentur-fur-arbeit')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit] or "station"


def pack_names(scope: ExportScope) -> dict[str, str]:
    """Return the names of the pack's files."""
    code = scope.station.code if scope.station else "event"
    return {
        "xlsx": f"follow-ups-{code}.xlsx",
        "vcf": f"contacts-{code}.vcf",
        "html": f"summary-{code}.html",
    }


def _entry(zf: zipfile.ZipFile, name: str) -> IO[bytes]:
    """Open a new ZIP member for writing, dated now and compressed."""
    info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return zf.open(info, "w")


def add_pack(zf: zipfile.ZipFile, scope: ExportScope, prefix: str = "") -> None:
    """Add one station's pack to an open ZIP file, under prefix."""
    names = pack_names(scope)
    breathe = scope.pause or (lambda: None)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL) as book:
        xlsx.write_station(book, scope)
        book.seek(0)
        with _entry(zf, prefix + names["xlsx"]) as entry:
            shutil.copyfileobj(book, entry)
    breathe()
    with _entry(zf, prefix + names["vcf"]) as entry:
        vcard.write_cards(entry, scope)
    breathe()
    zf.writestr(prefix + names["html"], render_summary(scope).encode("utf-8"))


def write_station_pack(out: IO[bytes], scope: ExportScope) -> None:
    """Write one station's pack as a ZIP."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        add_pack(zf, scope)


def write_all_packs(out: IO[bytes], scope: ExportScope) -> None:
    """Write every station's pack into one ZIP, one folder per station."""
    _loaded = (scope.people, scope.consent)  # load once, shared by every station's scope
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for station in scope.stations.values():
            one = scope.for_station(station.id)
            add_pack(zf, one, prefix=f"{station.code}-{slug(station.name)}/")
