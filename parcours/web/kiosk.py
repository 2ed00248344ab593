"""The station tablet in kiosk mode (/k/<token>) and the page a badge's QR code opens (/b/)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from parcours.domain.actors import Actor
from parcours.domain.errors import NotFound, ParcoursError
from parcours.extensions import db
from parcours.schemas.common import LANGUAGES
from parcours.schemas.kiosk import BADGE_PATTERN, KioskRosterOut
from parcours.schemas.live import AnnouncementSchema, dump_state
from parcours.services import lookups
from parcours.services.capture import kiosk
from parcours.services.common import get_event
from parcours.services.event_day import clock, live
from parcours.services.tokens import actor_for_token
from parcours.station_texts import station_texts
from parcours.web.closed import closed_for
from parcours.web.kiosk_labels import bilingual, defaults, labels

if TYPE_CHECKING:
    from parcours.storage import Station

bp = Blueprint("kiosk", __name__)
IDLE_S = 60
HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
}


def kiosk_actor(token: str) -> Actor:
    """Resolve a kiosk page's token; anything else is a 404 page."""
    try:
        actor = actor_for_token(db.session(), token)
    except ParcoursError:
        raise NotFound(_("This link is not valid (any more).")) from None
    if actor.role != "kiosk" or actor.station_id is None:
        raise NotFound(_("This link is not valid (any more)."))
    return actor


def page_data(actor: Actor, token: str, station: Station) -> dict[str, Any]:
    """Return what the kiosk script starts from: names only, nothing the host alone may see."""
    session = db.session()
    news = live.latest_announcements(session, actor.event_id, 1)
    return {
        "token": token,
        "state": dump_state(clock.state_of(session, actor.event_id)),
        "announcements": AnnouncementSchema(many=True).dump(news),
        "roster": KioskRosterOut().dump(kiosk.kiosk_roster(session, actor)),
        "station": {
            "id": station.id,
            "name": station.name,
            "topics": list(station.topics or []),
            "topic_labels": topic_labels(station),
        },
        "idle_s": IDLE_S,
        "transports": current_app.config.get("SOCKET_TRANSPORTS", ["websocket"]),
    }


def topic_labels(station: Station) -> dict[str, list[str]]:
    """Return the station's topics per language where its template has them (for the person
    who picks that language at the kiosk); the button still sends the station's own topic."""
    event_language = station.event.language or "de"
    out: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        texts = station_texts(station, event_language, lang)
        if texts["translated"] and lang != event_language:
            out[lang] = [t["label"] for t in texts["topics"]]
    return out


@bp.get("/k/<token>")
def kiosk_page(token: str) -> ResponseReturnValue:
    """Show the shared station tablet: names, then a note, a contact request or a check-in."""
    if (closed := closed_for(token)) is not None:
        return closed
    actor = kiosk_actor(token)
    session = db.session()
    station = lookups.station(session, actor.station_id)
    if station is None:
        raise NotFound(_("This link is not valid (any more)."))
    text = labels(station.name)
    event = get_event(session, actor.event_id)
    langs = defaults(event.language)
    html = render_template(
        "kiosk/kiosk.html",
        event=event,
        station=station,
        data=page_data(actor, token, station),
        t=text,
        kiosk_langs=langs,
        bi=lambda key: bilingual(text[key], key, langs),
    )
    return html, 200, HEADERS


@bp.get("/b/<code>")
def badge_page(code: str) -> ResponseReturnValue:
    """Tell whoever scanned a name badge with a phone what the code is for (it is no login)."""
    import re

    if not re.fullmatch(BADGE_PATTERN, code):
        raise NotFound(_("This link is not valid (any more)."))
    return render_template("kiosk/badge_scanned.html"), 200, HEADERS


def blueprints() -> list[Blueprint]:
    """Return this module's blueprints."""
    return [bp]
