"""Dashboard, new event (form or event file), the event's overview, details and agenda."""

from __future__ import annotations

import tomllib
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from parcours.domain.errors import Invalid
from parcours.extensions import db
from parcours.schemas.setup import clean_form
from parcours.services import lookups, setup
from parcours.services.unit import page_action
from parcours.web.organiser.auth import bp, current_organiser, event_actor, login_required
from parcours.web.organiser.common import (
    done,
    form_failed,
    form_post,
    kind_labels,
    local_input,
    local_time,
    planned_times,
    saved,
    segment_kind_labels,
)
from parcours.web.uploads import upload


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "kind_labels": kind_labels(),
        "segment_kinds": segment_kind_labels(),
        "local_time": local_time,
        "planned_times": planned_times,
        "segment_values": _segment_values,
    }


def _segment_values(seg: Any) -> dict[str, Any]:
    keys = ("title", "kind", "minutes", "rounds", "round_minutes", "transition_minutes", "mode")
    values = {k: getattr(seg, k) for k in keys}
    if seg.kind == "parcours":
        values["minutes"] = None
    else:
        values.update(rounds=None, round_minutes=None, transition_minutes=None)
    return values


@bp.get("/")
@login_required
def dashboard() -> ResponseReturnValue:
    """List the organiser's events (admins: also those without owner) and a new-event form."""
    return render_template("organiser/dashboard.html", **_dashboard_context())


def _dashboard_context() -> dict[str, Any]:
    organiser = current_organiser()
    assert organiser is not None
    return {**lookups.dashboard(db.session(), organiser), "values": {}, "errors": {}}


@bp.post("/events")
@page_action
@login_required
def create_event() -> ResponseReturnValue:
    """Create an event from the short form."""
    organiser = current_organiser()
    assert organiser is not None
    data = clean_form(request.form)
    data["auto_advance"] = "auto_advance" in request.form
    try:
        event = setup.create_blank_event(db.session(), organiser.id, data)
    except Invalid as err:
        context = _dashboard_context()
        context.pop("values")
        context.pop("errors")
        return form_failed("organiser/dashboard.html", err, **context)
    flash(_("The event was created."), "success")
    return redirect(url_for("organiser.event", event_id=event.id))


@bp.post("/events/upload")
@page_action
@upload()
@login_required
def upload_event() -> ResponseReturnValue:
    """Create an event from an uploaded event file (TOML)."""
    organiser = current_organiser()
    assert organiser is not None
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise Invalid(_("Please choose a file."), {"file": [_("please choose a file")]})
        try:
            data = tomllib.loads(upload.read().decode("utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise Invalid(str(exc), {"file": [str(exc)]}) from None
        except RecursionError:  # thousands of nested arrays
            message = _("The file is nested too deeply.")
            raise Invalid(message, {"file": [message]}) from None
        event = setup.create_from_file(db.session(), organiser.id, data)
    except Invalid as err:
        context = _dashboard_context()
        context.pop("errors")
        return form_failed("organiser/dashboard.html", err, upload_errors=err.fields, **context)
    flash(_("The event was created from the file."), "success")
    return redirect(url_for("organiser.event", event_id=event.id))


@bp.get("/events/<int:event_id>")
@login_required
def event(event_id: int) -> ResponseReturnValue:
    """Show the event's overview: details, counts, join code and what comes next."""
    event, _actor = event_actor(event_id)
    people = event.participants
    clock = lookups.clock(db.session(), event.id)
    return render_template(
        "organiser/event.html",
        event=event,
        tab="overview",
        clock=clock,
        self_registered=sum(1 for p in people if p.source == "self"),
        join_url=url_for("join.join_page", join_code=event.join_code, _external=True),
    )


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@page_action
@login_required
def edit_event(event_id: int) -> ResponseReturnValue:
    """Edit the event's details."""
    event, actor = event_actor(event_id)
    values: Any = {
        "title": event.title,
        "venue": event.venue,
        "starts_at": local_input(event),
        "timezone": event.timezone,
        "language": event.language,
        "retention_days": event.retention_days,
        "auto_advance": event.auto_advance,
        "max_participants": event.max_participants,
    }
    if request.method == "POST":
        data = clean_form(request.form)
        data["auto_advance"] = "auto_advance" in request.form
        return form_post(
            lambda: setup.update_event(db.session(), actor, event.id, data),
            "organiser/event_edit.html",
            saved,
            "organiser.event",
            event=event,
            tab="overview",
        )
    return render_template(
        "organiser/event_edit.html", event=event, tab="overview", values=values, errors={}
    )


@bp.get("/events/<int:event_id>/agenda")
@login_required
def agenda(event_id: int) -> ResponseReturnValue:
    """Show the run of show with forms to add, change, move and remove items."""
    event, _actor = event_actor(event_id)
    return render_template(
        "organiser/agenda.html", event=event, tab="agenda", values={}, errors={}, editing=None
    )


@bp.post("/events/<int:event_id>/agenda")
@page_action
@login_required
def add_segment(event_id: int) -> ResponseReturnValue:
    """Append an agenda item."""
    event, actor = event_actor(event_id)
    return form_post(
        lambda: setup.add_segment(db.session(), actor, event.id, clean_form(request.form)),
        "organiser/agenda.html",
        lambda _segment: _("The agenda item was added."),
        "organiser.agenda",
        event=event,
        tab="agenda",
        editing=None,
    )


@bp.post("/events/<int:event_id>/agenda/<int:segment_id>")
@page_action
@login_required
def update_segment(event_id: int, segment_id: int) -> ResponseReturnValue:
    """Change an agenda item."""
    event, actor = event_actor(event_id)
    return form_post(
        lambda: setup.update_segment(
            db.session(), actor, event.id, segment_id, clean_form(request.form)
        ),
        "organiser/agenda.html",
        saved,
        "organiser.agenda",
        event=event,
        tab="agenda",
        editing=segment_id,
    )


@bp.post("/events/<int:event_id>/agenda/<int:segment_id>/delete")
@page_action
@login_required
def delete_segment(event_id: int, segment_id: int) -> ResponseReturnValue:
    """Remove an agenda item."""
    event, actor = event_actor(event_id)
    setup.delete_segment(db.session(), actor, event.id, segment_id)
    return done(_("The agenda item was removed."), "organiser.agenda", event_id=event.id)


@bp.post("/events/<int:event_id>/agenda/<int:segment_id>/move")
@page_action
@login_required
def move_segment(event_id: int, segment_id: int) -> ResponseReturnValue:
    """Move an agenda item up or down."""
    event, actor = event_actor(event_id)
    step = -1 if request.form.get("direction") == "up" else 1
    setup.move_segment(db.session(), actor, event.id, segment_id, step)
    return redirect(url_for("organiser.agenda", event_id=event.id))
