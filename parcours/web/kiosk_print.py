"""Printable name badges: each with the name, the organisation and a personal QR code."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue

from parcours.extensions import db
from parcours.services import lookups
from parcours.services.capture.kiosk import badge_code
from parcours.web.organiser.auth import event_actor, login_required
from parcours.web.organiser.common import base_url
from parcours.web.qr import qr_svg

bp = Blueprint("kiosk_print", __name__, url_prefix="/organiser")
PER_SHEET = 8  # 2 x 4 badges on an A4 sheet


def badge_url(event_id: int, participant_id: int, personal_code: str | None = None) -> str:
    """Return the URL in a badge's QR code: it names the person at a station tablet, no more."""
    secret = str(current_app.config["SECRET_KEY"])
    code = badge_code(secret, event_id, participant_id, personal_code)
    return f"{base_url()}/b/{code}"


def sheets(items: list[Any], size: int = PER_SHEET) -> list[list[Any]]:
    """Split the badges into printed sheets."""
    return [items[i : i + size] for i in range(0, len(items), size)]


@bp.get("/events/<int:event_id>/badges")
@login_required
def badges(event_id: int) -> ResponseReturnValue:
    """Show an A4 sheet of name badges per eight participants, ready to print."""
    event, _actor = event_actor(event_id)
    people = lookups.participants_by_name(db.session(), event.id)
    items = [
        {
            "person": person,
            "qr": qr_svg(badge_url(event.id, person.id, person.personal_code), title=person.name),
        }
        for person in people
    ]
    html = render_template("kiosk/badges.html", event=event, sheets=sheets(items), count=len(items))
    return html, 200, {"Cache-Control": "no-store"}


def blueprints() -> list[Blueprint]:
    """Return this module's blueprints."""
    return [bp]
