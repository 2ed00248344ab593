"""After the event: the report, downloads, the shred confirmation, the host's pack."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from parcours.api.after import breathe, download
from parcours.domain.errors import Invalid, NotFound, ParcoursError
from parcours.exports import FORMATS
from parcours.exports.charts import report_charts
from parcours.extensions import db
from parcours.schemas.after import ShredForm
from parcours.schemas.common import load
from parcours.services.after import exports
from parcours.services.after.report import report_data
from parcours.services.privacy import shred
from parcours.services.privacy.retention import deletion_day
from parcours.services.tokens import actor_for_token
from parcours.services.unit import page_action
from parcours.web.organiser.auth import event_actor, login_required
from parcours.web.organiser.common import local_time

bp = Blueprint("after", __name__, url_prefix="/organiser")
host_bp = Blueprint("after_host", __name__)
STATION_DOWNLOADS = ("zip", "xlsx", "csv", "vcf", "html")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"local_time": local_time}


@bp.app_context_processor
def _deletion_day() -> dict[str, Any]:
    return {"deletion_day": deletion_day}  # one date on every page that names it


@bp.get("/events/<int:event_id>/report")
@login_required
def report(event_id: int) -> ResponseReturnValue:
    """Show the printable report: who took part, visits, follow-ups, encounters, wall."""
    event, _actor = event_actor(event_id)
    data = report_data(db.session(), event)
    return render_template(
        "after/report.html",
        event=event,
        tab="report",
        data=data,
        charts=report_charts(data),
        start=local_time(event),
    )


@bp.get("/events/<int:event_id>/export.<fmt>")
@login_required
def export_event(event_id: int, fmt: str) -> ResponseReturnValue:
    """Download the whole event in one format."""
    event, actor = event_actor(event_id)
    if fmt not in FORMATS:
        raise NotFound(_("No such download."))
    return download(
        lambda out: exports.export_event(db.session(), actor, event.id, fmt, out, breathe)
    )


@bp.get("/events/<int:event_id>/stations/<int:station_id>/pack.<fmt>")
@login_required
def export_station(event_id: int, station_id: int, fmt: str) -> ResponseReturnValue:
    """Download a station's follow-up pack (zip) or one of its parts."""
    event, actor = event_actor(event_id)
    if fmt not in STATION_DOWNLOADS:
        raise NotFound(_("No such download."))
    session = db.session()
    return download(
        lambda out: exports.export_station(session, actor, event.id, station_id, fmt, out, breathe)
    )


@bp.route("/events/<int:event_id>/shred", methods=["GET", "POST"])
@page_action
@login_required
def shred_page(event_id: int) -> ResponseReturnValue:
    """Ask for confirmation, then delete the event's personal data."""
    event, actor = event_actor(event_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and event.shredded_at is None:
        try:
            form = load(ShredForm(), request.form.to_dict())
            if form["join_code"].strip().upper() != event.join_code:
                raise Invalid(
                    "join_code: does not match", {"join_code": [_("This is not the join code.")]}
                )
            shred.shred(db.session(), actor, event.id)
        except Invalid as err:
            errors = err.fields
        else:
            flash(_("The personal data of this event has been deleted."), "success")
            return redirect(url_for("organiser.event", event_id=event.id))
    status = 400 if errors else 200
    html = render_template(
        "after/shred.html",
        event=event,
        tab="shred",
        errors=errors,
        due=deletion_day(event),
    )
    return html, status


def local_time_of(event: Any, moment: datetime | None) -> datetime | None:
    """Return a moment in the event's time zone (None stays None)."""
    if moment is None:
        return None
    try:
        return moment.astimezone(ZoneInfo(event.timezone))
    except (KeyError, ValueError):
        return moment


@host_bp.get("/h/<token>/follow-ups.<fmt>")
def host_pack(token: str, fmt: str) -> ResponseReturnValue:
    """Let a station host download their own follow-ups from the tablet page."""
    session = db.session()
    try:
        actor = actor_for_token(session, token)
    except ParcoursError:
        raise NotFound(_("This link is not valid (any more).")) from None
    if actor.role != "host" or actor.station_id is None or fmt not in STATION_DOWNLOADS:
        raise NotFound(_("This link is not valid (any more)."))
    station_id = actor.station_id
    response = download(
        lambda out: exports.export_station(
            session, actor, actor.event_id, station_id, fmt, out, breathe
        )
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def blueprints() -> list[Blueprint]:
    """Return this module's blueprints."""
    return [bp, host_bp]
