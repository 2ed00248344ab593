"""The address in a station's check-in QR code: /c/<code>, opened by a phone's own camera app.

The participant's phone page (/p/<token>) leaves its token in a cookie that only /c/ sees. A
phone with that cookie goes on to its own page, which checks in (#check-in=CODE, through its
outbox, so it also works on a weak connection). A phone without it is asked to open its
personal link first.
"""

from __future__ import annotations

import re

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from parcours.domain.errors import ParcoursError
from parcours.extensions import db
from parcours.services import lookups
from parcours.services.common import get_event
from parcours.services.tokens import actor_for_token
from parcours.web.organiser.common import base_url

bp = Blueprint("checkin", __name__)
COOKIE = "parcours_me"
CODE = re.compile(r"^[0-9A-Za-z-]{2,16}$")
KEEP = 14 * 24 * 3600  # the cookie outlives an event of a few days
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "Vary": "Cookie"}


def check_in_url(code: str) -> str:
    """Return the absolute address a station's check-in QR code holds."""
    return base_url() + url_for("checkin.check_in", code=code)


def remember(response: Response, token: str) -> Response:
    """Keep the participant's token in a cookie that only /c/ receives (HttpOnly, Lax)."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=KEEP,
        path=_cookie_path(),
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )
    return response


def _cookie_path() -> str:
    """Return the path the cookie is limited to: the folder of the check-in links."""
    return url_for("checkin.check_in", code="x").rsplit("/", 1)[0]


@bp.get("/c/<code>")
def check_in(code: str) -> ResponseReturnValue:
    """Send a phone that knows its participant to its page to check in; else explain."""
    token = request.cookies.get(COOKIE, "")
    code = code.strip().upper()
    if not CODE.match(code):
        return _landing(code, "unknown", forget=bool(token)), 404
    if not token:
        return _landing(code, "no_link")
    session = db.session()
    try:
        actor = actor_for_token(session, token)
    except ParcoursError:
        actor = None
    if actor is None or actor.role != "participant":
        return _landing(code, "no_link", forget=True)
    station = lookups.station_by_code(session, actor.event_id, code)
    if station is None:
        event = get_event(session, actor.event_id)
        return _landing(code, "unknown", event_title=event.title), 404
    target = url_for("participant.phone", token=token) + f"#check-in={station.code.upper()}"
    response = redirect(target, 303)
    response.headers.update(NO_STORE)
    return response


def _landing(code: str, why: str, forget: bool = False, event_title: str = "") -> Response:
    """Render the page for a phone that cannot check in from the link alone."""
    html = render_template(
        "checkin/landing.html", code=code if CODE.match(code) else "", why=why,
        event_title=event_title,
    )  # fmt: skip
    response = Response(html, mimetype="text/html")
    response.headers.update(NO_STORE)
    if forget:
        response.delete_cookie(COOKIE, path=_cookie_path())
    return response


def blueprints() -> list[Blueprint]:
    """Return this module's blueprints."""
    return [bp]
