"""Public pages: the start page (enter a join code)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

bp = Blueprint("public", __name__)


@bp.get("/")
def home() -> ResponseReturnValue:
    """Show the start page; a code in ?code= goes straight to the join page."""
    code = (request.args.get("code") or "").strip().upper()
    if code:
        return redirect(url_for("join.join_page", join_code=code))
    return render_template("public/home.html")


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Answer liveness probes."""
    return {"status": "ok"}


def blueprints() -> list[Blueprint]:
    """Return this module's blueprints."""
    return [bp]
