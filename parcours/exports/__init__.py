"""Writers for what leaves the app after the event: CSV, XLSX, vCard, JSON, ZIP packs, SVG.

The writers take an ExportScope (the event, optionally one station, and the lookups the rows
need) and write to a binary file object; nothing here commits or reads the Flask session.
Contact details appear only where the participant agreed to share them with that station.
"""

from __future__ import annotations

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
