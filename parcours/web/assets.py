"""Serve the self-hosted Socket.IO client (no CDN: venues often have no internet)."""

from __future__ import annotations

from flask import Blueprint, abort, send_from_directory
from flask.typing import ResponseReturnValue

from parcours.config import ROOT

bp = Blueprint("assets", __name__)
CANDIDATES = (ROOT / "static" / "vendor", ROOT / "node_modules" / "socket.io-client" / "dist")


@bp.get("/vendor/socket.io.min.js")
def socketio_client() -> ResponseReturnValue:
    """Serve socket.io.min.js from static/vendor, or straight from node_modules."""
    for folder in CANDIDATES:
        if (folder / "socket.io.min.js").exists():
            return send_from_directory(folder, "socket.io.min.js", max_age=86400)
    abort(404)


@bp.get("/sw.js")
def service_worker() -> ResponseReturnValue:
    """Serve the service worker that lets phone and tablet pages open again without network."""
    response = send_from_directory(ROOT / "static" / "js", "capture-sw.js", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """Serve the small icon browsers ask for on every page (pages also link favicon.svg)."""
    return send_from_directory(ROOT / "static", "favicon.ico", max_age=86400)


def blueprints() -> list[Blueprint]:
    """Return this module's blueprints."""
    return [bp]
