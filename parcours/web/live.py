"""Live pages (stub until the live run of show lands)."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

bp = Blueprint("participant", __name__)


@bp.get("/p/<token>")
def phone(token: str) -> ResponseReturnValue:
    """Show the participant's phone page."""
    return "parcours"


def blueprints() -> list[Blueprint]:
    """Return this module's blueprints."""
    return [bp]
