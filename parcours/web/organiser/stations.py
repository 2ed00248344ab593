"""Stations: list, add (from the form or the catalogue), edit and remove."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from parcours.catalogue import load_catalogue
from parcours.domain.errors import NotFound
from parcours.extensions import db
from parcours.schemas.setup import clean_form
from parcours.services import lookups, setup
from parcours.services.unit import page_action
from parcours.web.organiser.auth import bp, event_actor, login_required
from parcours.web.organiser.common import done, form_post, saved

if TYPE_CHECKING:
    from parcours.storage import Event, Station


def _catalogue() -> list[dict[str, Any]]:
    lang = str(get_locale() or "de")
    return [
        {"slug": t.slug, "kind": t.kind, "capacity": t.capacity, **t.localized(lang)}
        for t in load_catalogue().values()
    ]


def _station_form(station: Station | None) -> dict[str, Any]:
    if station is None:
        return {"capacity": 10, "kind": "other"}
    return {
        "name": station.name,
        "kind": station.kind,
        "description": station.description,
        "location": station.location,
        "host": station.host,
        "capacity": station.capacity,
        "code": station.code,
        "topics": "\n".join(station.topics or []),
        "questions": "\n".join(station.questions or []),
    }


@bp.get("/events/<int:event_id>/stations")
@login_required
def stations(event_id: int) -> ResponseReturnValue:
    """List the stations and offer the catalogue."""
    event, _actor = event_actor(event_id)
    return render_template(
        "organiser/stations.html", event=event, tab="stations", catalogue=_catalogue(), errors={}
    )


@bp.post("/events/<int:event_id>/stations/catalogue")
@page_action
@login_required
def add_from_catalogue(event_id: int) -> ResponseReturnValue:
    """Add a station from a catalogue template."""
    event, actor = event_actor(event_id)
    return form_post(
        lambda: setup.add_station_from_catalogue(
            db.session(), actor, event.id, clean_form(request.form)
        ),
        "organiser/stations.html",
        _added,
        "organiser.stations",
        event=event,
        tab="stations",
        catalogue=_catalogue(),
    )


def _added(station: Station) -> str:
    return _("Station “%(name)s” was added.", name=station.name)


@bp.route("/events/<int:event_id>/stations/new", methods=["GET", "POST"])
@page_action
@login_required
def new_station(event_id: int) -> ResponseReturnValue:
    """Add a station from the form."""
    event, actor = event_actor(event_id)
    if request.method == "POST":
        return form_post(
            lambda: setup.add_station(db.session(), actor, event.id, clean_form(request.form)),
            "organiser/station_form.html",
            _added,
            "organiser.stations",
            event=event,
            tab="stations",
        )
    return _station_page(event, None)


def _station_page(event: Event, station: Station | None) -> ResponseReturnValue:
    return render_template(
        "organiser/station_form.html",
        event=event,
        tab="stations",
        station=station,
        values=_station_form(station),
        errors={},
    )


@bp.route("/events/<int:event_id>/stations/<int:station_id>", methods=["GET", "POST"])
@page_action
@login_required
def edit_station(event_id: int, station_id: int) -> ResponseReturnValue:
    """Edit a station."""
    event, actor = event_actor(event_id)
    station = lookups.station(db.session(), station_id)
    if station is None or station.event_id != event.id:
        raise NotFound(_("No such station."))
    if request.method == "POST":
        return form_post(
            lambda: setup.update_station(
                db.session(), actor, event.id, station.id, clean_form(request.form)
            ),
            "organiser/station_form.html",
            saved,
            "organiser.stations",
            event=event,
            tab="stations",
            station=station,
        )
    return _station_page(event, station)


@bp.post("/events/<int:event_id>/stations/<int:station_id>/delete")
@page_action
@login_required
def delete_station(event_id: int, station_id: int) -> ResponseReturnValue:
    """Remove a station."""
    event, actor = event_actor(event_id)
    setup.delete_station(db.session(), actor, event.id, station_id)
    return done(_("The station was removed."), "organiser.stations", event_id=event.id)
