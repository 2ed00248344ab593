"""Printouts of the plan: route cards (A6), station signs and the join poster (A4)."""

from __future__ import annotations

from typing import Any

import segno
from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from parcours.extensions import db
from parcours.schemas.common import LANGUAGES, RTL_LANGUAGES, form_number
from parcours.services.plans import views as plan_views
from parcours.web.checkin import check_in_url
from parcours.web.organiser.auth import event_actor, login_required
from parcours.web.organiser.common import base_url, local_time, planned_times
from parcours.web.qr import qr_svg

bp = Blueprint("plans_print", __name__, url_prefix="/organiser")
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def phone_url(token: str) -> str:
    """Return the absolute URL of a participant's phone page (what the card's QR code holds)."""
    return base_url() + url_for("participant.phone", token=token)


def check_in_qr(code: str) -> Markup:
    """Return the station's check-in QR code: the address /c/<code>, which a phone's camera app
    opens (the page checks its participant in) and the in-page scanner reads the code from."""
    svg = segno.make(check_in_url(code), error="m", micro=False).svg_inline(
        scale=1, border=2, omitsize=True, svgclass="qr", lineclass=None
    )
    return Markup(svg)


def _segment_arg() -> int | None:
    """Return ?segment= (one parcours only); anything but a number means every parcours."""
    return form_number(request.args.get("segment", ""))


@bp.get("/events/<int:event_id>/plan/route-cards")
@login_required
def route_cards(event_id: int) -> ResponseReturnValue:
    """Show one A6 route card per participant: name, the route of every parcours (or of
    ?segment= alone) and a QR code to the phone page."""
    event, actor = event_actor(event_id)
    cards = plan_views.route_cards(db.session(), actor, event.id, _segment_arg())
    for card in cards:
        card["t"] = card_texts(card["person"].language)
        card["qr"] = (
            qr_svg(phone_url(card["token"]), title=card["person"].name) if card["token"] else None
        )
    times = planned_times(event)
    html = render_template(
        "plans/route_cards.html",
        event=event,
        cards=cards,
        local_time=local_time,
        round_times=times.rounds if times else {},
        several=any(len(card["parts"]) > 1 for card in cards),
    )
    return html, 200, NO_STORE


@bp.get("/events/<int:event_id>/plan/station-signs")
@login_required
def station_signs(event_id: int) -> ResponseReturnValue:
    """Show one A4 sign per station: name, host, place, check-in QR code, and who comes in each
    round of every parcours (or of ?segment= alone)."""
    event, actor = event_actor(event_id)
    signs = plan_views.station_rosters(db.session(), actor, event.id, _segment_arg())
    for sign in signs:
        sign["qr"] = check_in_qr(sign["station"].code)
    several = any(len(sign["parts"]) > 1 for sign in signs)
    html = render_template("plans/station_signs.html", event=event, signs=signs, several=several)
    return html, 200, NO_STORE


def card_texts(language: str) -> dict[str, str]:
    """Return a route card's words in its participant's language (German if unknown)."""
    lang = language if language in LANGUAGES else "de"
    with force_locale(lang):
        return {
            "lang": lang,
            "dir": "rtl" if lang in RTL_LANGUAGES else "ltr",
            "round": _("Round"),
            "time": _("Time"),
            "station": _("Station"),
            "where": _("Where"),
            "scan": _(
                "Scan for your route on your phone: where to go now, the time left, notes and "
                "contacts."
            ),
            "times": _("Times as planned; your phone shows them as the day runs."),
            "code": _("Personal code"),
        }


def instructions() -> list[dict[str, str]]:
    """Return the poster's short instructions in every participant language (once if equal)."""
    out: list[dict[str, str]] = []
    for lang in LANGUAGES:
        with force_locale(lang):
            text = {
                "lang": lang,
                "dir": "rtl" if lang in RTL_LANGUAGES else "ltr",
                "scan": _("Scan the code with your phone's camera"),
                "or": _("or open the address and type the code"),
                "then": _("Register with your name: your phone shows where to go in each round."),
            }
        if not any(t["scan"] == text["scan"] for t in out):
            out.append(text)
    return out


@bp.get("/events/<int:event_id>/join-poster")
@login_required
def join_poster(event_id: int) -> ResponseReturnValue:
    """Show the A4 join poster: title, a big QR code to the join page, the code, instructions."""
    event, _actor = event_actor(event_id)
    join = base_url() + url_for("join.join_page", join_code=event.join_code)
    context: dict[str, Any] = {
        "event": event,
        "join_url": join,
        "join_host": base_url().split("://", 1)[-1],
        "qr": qr_svg(join, title=event.join_code),
        "texts": instructions(),
        "local_time": local_time,
    }
    return render_template("plans/join_poster.html", **context), 200, NO_STORE
