"""After the event: exports of the whole event and of a station, and shred (CONTRACT §5, §6)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO

from flask import Response, send_file

from parcours.exports import MEDIA_TYPES
from parcours.extensions import socketio
from parcours.operations import Call, Result, operation
from parcours.schemas.after import (
    EventExportQuery,
    ShredRequest,
    ShredResultSchema,
    StationExportQuery,
)
from parcours.schemas.common import load
from parcours.services.after import exports
from parcours.services.privacy import shred

SPOOL = 16 * 1024 * 1024


def breathe() -> None:
    """Let the server's other green threads run during a long export (clock, sockets)."""
    socketio.sleep(0)


def download(write: Callable[[IO[bytes]], str]) -> Response:
    """Write a file to a spooled temporary file and send it; the response closes it."""
    data = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 - closed by the response
    try:
        filename = write(data)
    except BaseException:
        data.close()
        raise
    return file_response(data, filename)


SUMMARY_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


def file_response(data: IO[bytes], filename: str) -> Response:
    """Return a download of a written file; never cached (it holds personal data)."""
    data.seek(0)
    ext = filename.rpartition(".")[2]
    response = send_file(
        data,
        mimetype=MEDIA_TYPES.get(ext, "application/octet-stream"),
        as_attachment=ext != "html",  # the summary opens in the browser, ready to print
        download_name=filename,
        max_age=0,
        etag=False,
    )
    response.headers["Cache-Control"] = "no-store"
    if ext == "html":  # the printable summary: its own styles inline, no script at all
        response.headers["Content-Security-Policy"] = SUMMARY_CSP
    return response


@operation(
    "export_event",
    "GET",
    "/events/<int:event_id>/export",
    summary="Export the whole event (?format=csv|xlsx|json; also vcf, zip of every station pack)",
    roles=("organiser",),
    query=("format",),
    raw=True,
)
def export_event(call: Call) -> Result:
    assert call.actor is not None
    fmt = load(EventExportQuery(), {"format": call.query.get("format") or "xlsx"})["format"]
    actor, event_id = call.actor, call.params["event_id"]
    return 200, download(
        lambda out: exports.export_event(call.session, actor, event_id, fmt, out, breathe)
    )


def station_file(call: Call, fmt: str) -> Result:
    """Answer ?format=csv|xlsx|vcf|zip|html of a station's follow-ups with a download."""
    assert call.actor is not None
    fmt = load(StationExportQuery(), {"format": fmt})["format"]
    actor, event_id, station_id = call.actor, call.params["event_id"], call.params["station_id"]
    return 200, download(
        lambda out: exports.export_station(
            call.session, actor, event_id, station_id, fmt, out, breathe
        )
    )


@operation(
    "shred_event",
    "POST",
    "/events/<int:event_id>/shred",
    summary="Delete the event's personal data now (keeps the counts for the report)",
    roles=("organiser",),
    request=ShredRequest,
    response=ShredResultSchema,
)
def shred_event(call: Call) -> Result:
    assert call.actor is not None
    body = load(ShredRequest(), call.body if call.body is not None else {})
    if not body["confirm"]:
        from parcours.domain.errors import Invalid

        raise Invalid("confirm: must be true to delete", {"confirm": ["must be true to delete"]})
    result = shred.shred(call.session, call.actor, call.params["event_id"])
    return 200, ShredResultSchema().dump(result)
