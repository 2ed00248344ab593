"""The event's links and QR codes: facilitator, screen, each station host and the join page."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup
from sqlalchemy import select

from parcours.extensions import db
from parcours.services.common import role_token
from parcours.storage import AccessToken, Event
from parcours.web.organiser.auth import bp, event_actor, login_required
from parcours.web.organiser.common import base_url, loopback_base


def qr_svg(url: str) -> Markup:
    """Return an inline SVG QR code (parcours.web.qr's, where it exists)."""
    try:
        from parcours.web.qr import qr_svg as shared
    except ImportError:
        import segno

        return Markup(segno.make(url, error="m").svg_inline(scale=4, border=2))
    return Markup(shared(url))


def host_tokens(event: Event) -> dict[int, str]:
    """Return each station's (first, unrevoked) host token."""
    rows = db.session().execute(
        select(AccessToken.station_id, AccessToken.token)
        .where(AccessToken.event_id == event.id, AccessToken.role == "host")
        .where(AccessToken.revoked_at.is_(None))
        .order_by(AccessToken.id)
    )
    out: dict[int, str] = {}
    for station_id, token in rows:
        if station_id is not None:
            out.setdefault(station_id, token)
    return out


def event_links(event: Event) -> dict[str, Any]:
    """Return the URLs of the event's roles, built on the public base URL."""
    base = base_url()
    session = db.session()
    facilitator = role_token(session, event.id, "facilitator")
    screen = role_token(session, event.id, "screen")
    hosts = host_tokens(event)
    join = base + url_for("join.join_page", join_code=event.join_code)
    return {
        "join": join,
        "facilitator": f"{base}/f/{facilitator}" if facilitator else None,
        "screen": f"{base}/s/{screen}" if screen else None,
        "hosts": [
            {"station": s, "url": f"{base}/h/{hosts[s.id]}" if s.id in hosts else None}
            for s in event.stations
        ],
        "organiser_token": role_token(session, event.id, "organiser"),
    }


@bp.app_context_processor
def _loopback_helper() -> dict[str, Any]:
    return {"loopback_base": loopback_base}


@bp.get("/events/<int:event_id>/links")
@login_required
def links(event_id: int) -> ResponseReturnValue:
    """Show every link with its QR code, ready to print."""
    event, _actor = event_actor(event_id)
    return render_template(
        "organiser/links.html", event=event, tab="links", links=event_links(event), qr=qr_svg
    )
