"""The live pages: participant phone, station host tablet, facilitator console, screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flask_babel
from flask import Blueprint, current_app, g, make_response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from parcours.domain.actors import Actor
from parcours.domain.errors import NotFound, ParcoursError
from parcours.extensions import db
from parcours.schemas.live import AnnouncementSchema, MeSchema, RosterSchema, dump_state
from parcours.services import lookups
from parcours.services.common import get_event
from parcours.services.event_day import attendance, clock, live
from parcours.services.tokens import actor_for_token
from parcours.station_texts import station_texts
from parcours.web.closed import closed_for
from parcours.web.hyphens import hyphenate_all
from parcours.web.organiser.common import base_url
from parcours.web.qr import qr_svg

if TYPE_CHECKING:
    from parcours.storage import Event

bp = Blueprint("participant", __name__)
host_bp = Blueprint("host", __name__)
facilitator_bp = Blueprint("facilitator", __name__)
screen_bp = Blueprint("screen", __name__)


def _actor(token: str, *roles: str) -> Actor:
    """Resolve a page's token; an unknown token or a wrong role is a 404 page."""
    try:
        actor = actor_for_token(db.session(), token)
    except ParcoursError:
        raise NotFound(_("This link is not valid (any more).")) from None
    if actor.role not in roles:
        raise NotFound(_("This link is not valid (any more)."))
    return actor


def i18n() -> dict[str, str]:
    """Return the strings the live scripts show, translated."""
    return {
        "round_of": _("Round {n} of {m}"),
        "not_started": _("Starts soon"),
        "running": _("Running"),
        "paused": _("Paused"),
        "transition": _("Change stations"),
        "finished": _("Finished"),
        "next": _("Next:"),
        "next_round": _("Round {n}"),
        "go_to": _("Go to"),
        "you_are_at": _("You are at"),
        "first_station": _("Your first station"),
        "then": _("Then"),
        "done": _("Your route is complete. Thank you!"),
        "no_route": _("Your route will appear here as soon as the plan is ready."),
        "group": _("Group {n}"),
        "nobody": _("nobody"),
        "offline": _("Connection lost – the clock keeps running, reconnecting…"),
        "failed": _("That did not work:"),
        "end": _("End of the programme"),
        "checked_in": _("checked in"),
        "connected": _("connected"),
        "start": _("Start"),
        "pause": _("Pause"),
        "resume": _("Resume"),
        "sent": _("Sent."),
        "until": _("until {time}"),
        "time_range": _("{start}–{end}"),
        "parcours_end": _("The parcours ends at about {time}"),
        "remove": _("Remove"),
        "processes": _("Phones per server process ({n} processes)"),
    }


def _page(template: str, actor: Actor, data: dict[str, Any], **context: Any) -> ResponseReturnValue:
    """Render a live page with its data block; keep the token out of referrers and caches."""
    session = db.session()
    event = get_event(session, actor.event_id)
    news = live.latest_announcements(session, event.id, 5)
    data = {
        "token": request.view_args["token"] if request.view_args else "",
        "timezone": event.timezone,
        "state": dump_state(clock.state_of(session, event.id)),
        "announcements": AnnouncementSchema(many=True).dump(news),
        "transports": current_app.config.get("SOCKET_TRANSPORTS", ["websocket"]),
        **data,
    }
    html = render_template(template, event=event, data=data, i18n=i18n(), **context)
    headers = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
    return html, 200, headers


def join_url(event: Event) -> str:
    """Return the absolute URL of the event's join page."""
    try:
        path = url_for("join.join_page", join_code=event.join_code)
    except BuildError:
        path = f"/join/{event.join_code}"
    return base_url() + path


@bp.get("/p/<token>")
def phone(token: str) -> ResponseReturnValue:
    """Show the participant's phone page: where to go now and next, the clock, the route."""
    from parcours.web.checkin import remember

    if (closed := closed_for(token)) is not None:
        return closed
    actor = _actor(token, "participant")
    person = lookups.participant(db.session(), actor.participant_id)
    if person is not None:  # their stored language decides, unless they chose one here
        g.participant_language = person.language
        flask_babel.refresh()
    data = live.build_me(db.session(), actor)
    me = {**data, **MeSchema().dump(data)}
    event = get_event(db.session(), actor.event_id)
    lang = str(flask_babel.get_locale() or event.language)
    texts = {s.id: station_texts(s, event.language, lang) for s in event.stations}
    page = _page("live/phone.html", actor, {"me": me}, me=me, station_texts=texts)
    # a station's check-in QR opened by the camera app (/c/CODE) finds this phone's page
    return remember(make_response(page), token)


@host_bp.get("/h/<token>")
def host(token: str) -> ResponseReturnValue:
    """Show the station host's tablet page: the clock and who is expected this round."""
    if (closed := closed_for(token)) is not None:
        return closed
    actor = _actor(token, "host")
    assert actor.station_id is not None
    session = db.session()
    station = lookups.station(session, actor.station_id)
    roster = live.roster(session, actor, actor.event_id, actor.station_id)
    return _page("live/host.html", actor, {"roster": RosterSchema().dump(roster)}, station=station)


@facilitator_bp.get("/f/<token>")
def console(token: str) -> ResponseReturnValue:
    """Show the facilitator's console: run of show, controls, announcements, screen preview."""
    if (closed := closed_for(token)) is not None:
        return closed
    actor = _actor(token, "facilitator", "organiser")
    session = db.session()
    screen_token = lookups.role_token(session, actor.event_id, "screen")
    preview = url_for("screen.screen", token=screen_token, embed=1) if screen_token else None
    screen_url = url_for("screen.screen", token=screen_token) if screen_token else None
    segments = clock.segments_of(session, actor.event_id)
    parcours = attendance.console_parcours(session, get_event(session, actor.event_id))
    return _page(
        "live/facilitator.html",
        actor,
        {},
        segments=segments,
        parcours=parcours,
        preview=preview,
        screen_url=screen_url,
    )


@screen_bp.get("/s/<token>")
def screen(token: str) -> ResponseReturnValue:
    """Show the projector screen: countdown, round, rotation board, join QR code."""
    if (closed := closed_for(token)) is not None:
        return closed
    actor = _actor(token, "screen", "facilitator", "organiser")
    session = db.session()
    event = get_event(session, actor.event_id)
    board = live.rotation(session, actor, actor.event_id)
    url = join_url(event)
    embed = request.args.get("embed") == "1"
    names = [s["name"] for s in board.get("stations", [])]
    return _page(
        "live/screen.html",
        actor,
        {"board": board, "preview": embed, "hyphenated": hyphenate_all(names, event.language)},
        join=url,
        qr=qr_svg(url, title=_("Join: %(code)s", code=event.join_code)),
        embed=embed,
    )


def blueprints() -> list[Blueprint]:
    """Return this module's blueprints."""
    return [bp, host_bp, facilitator_bp, screen_bp]
