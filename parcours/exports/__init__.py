"""Writers for what leaves the app after the event: CSV, XLSX, vCard, JSON, ZIP packs, SVG.

The writers take an ExportScope (the event, optionally one station, and the lookups the rows
need) and write to a binary file object; nothing here commits or reads the Flask session.
Contact details appear only where the participant agreed to share them with that station.
"""

from __future__ import annotations

from typing import Any

FORMATS = ("csv", "xlsx", "json", "vcf", "zip")
STATION_FORMATS = ("csv", "xlsx", "vcf", "zip")

# text/* types get "; charset=utf-8" from Werkzeug: naming it here too would say it twice
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "vcf": "text/vcard",
    "zip": "application/zip",
    "html": "text/html",
}


def station_pack(call: Any, fmt: str) -> Any:
    """Answer the station follow-ups operation's ?format= with a file (see parcours.api.after)."""
    from parcours.api.after import station_file

    return station_file(call, fmt)
