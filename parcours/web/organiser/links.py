"""The event's links and QR codes: facilitator, screen, each station host and the join page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from markupsafe import Markup

from parcours.domain.errors import Invalid
from parcours.extensions import db
from parcours.schemas.common import form_number
from parcours.services.setup import links as link_service
from parcours.services.unit import page_action
from parcours.web.organiser.auth import bp, event_actor, login_required
from parcours.web.organiser.common import base_url, loopback_base

if TYPE_CHECKING:
    from parcours.storage import Event


def qr_svg(url: str) -> Markup:
    """Return an inline SVG QR code (parcours.web.qr's, where it exists)."""
    try:
        from parcours.web.qr import qr_svg as shared
    except ImportError:
        import segno

        return Markup(segno.make(url, error="m").svg_inline(scale=4, border=2))
    return Markup(shared(url))


def event_links(event: Event) -> dict[str, Any]:
    """Return the URLs of the event's roles, built on the public base URL."""
    base = base_url()
    tokens = link_service.link_tokens(db.session(), event.id)
    facilitator, screen, hosts = tokens["facilitator"], tokens["screen"], tokens["hosts"]
    join = base + url_for("join.join_page", join_code=event.join_code)
    return {
        "join": join,
        "facilitator": f"{base}/f/{facilitator}" if facilitator else None,
        "screen": f"{base}/s/{screen}" if screen else None,
        "hosts": [
            {"station": s, "url": f"{base}/h/{hosts[s.id]}" if s.id in hosts else None}
            for s in event.stations
        ],
        "organiser_token": tokens["organiser"],
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


def _form_id(name: str) -> int | None:
    return form_number(request.form.get(name, ""))


@bp.post("/events/<int:event_id>/links/rotate")
@page_action
@login_required
def rotate_link(event_id: int) -> ResponseReturnValue:
    """Replace one link: the old one stops working at once (pages, API and open sockets)."""
    event, actor = event_actor(event_id)
    role = request.form.get("role", "")
    try:
        done = link_service.rotate_link(
            db.session(),
            actor,
            event.id,
            role,
            station_id=_form_id("station_id"),
            participant_id=_form_id("participant_id"),
        )
    except Invalid as err:
        flash(err.message, "error")
        return redirect(url_for("organiser.links", event_id=event.id))
    if done.role == "participant":
        flash(
            _(
                "The participant's old link, route card and badge no longer work. "
                "Print their route card and badge again (new personal code: %(code)s).",
                code=done.personal_code or "",
            ),
            "success",
        )
    else:
        flash(_("The old link no longer works. Hand out the new one shown below."), "success")
    return redirect(url_for("organiser.links", event_id=event.id) + f"#rotated-{done.role}")
