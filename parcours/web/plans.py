"""The organiser's plan page: compute with progress, metrics, grid, encounters, moves, lock."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from parcours.domain.errors import Invalid, NotFound, ParcoursError
from parcours.exports.svg import column_chart
from parcours.extensions import db
from parcours.schemas.common import form_number, load
from parcours.schemas.error_messages import localize_error, translate
from parcours.schemas.plans import LockSchema, MoveFormSchema, PlanFormSchema, ReplanRequestSchema
from parcours.services import plans
from parcours.services.plans import views as plan_views
from parcours.services.plans.data import all_parcours, latest_run
from parcours.services.unit import page_action
from parcours.web.organiser.auth import event_actor, login_required
from parcours.web.organiser.common import kind_labels, local_time
from parcours.web.plan_jobs import registry
from parcours.web.plans_metrics import metric_rows

bp = Blueprint("plans", __name__, url_prefix="/organiser")


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("/events/<int:event_id>/plan")
@login_required
def plan_page(event_id: int) -> ResponseReturnValue:
    """Show the plan: the form, progress, metrics, the grid, encounters, moves and the lock."""
    event, actor = event_actor(event_id)
    data = plan_views.overview(db.session(), actor, event.id, _segment_arg())
    job = registry().running(event.id)
    asked = request.args.get("job")
    if job is None and asked:
        job = registry().get(asked, event.id)
    chart = None
    if data.get("run"):
        chart = column_chart(
            data["encounters"]["histogram"],
            title=_("Encounters per participant"),
            x_label=_("different people met"),
            y_label=_("participants"),
        )
    session = db.session()
    later_runs = [(seg, latest_run(session, seg.id)) for seg in data["segments"][1:]]
    return render_template(
        "plans/plan.html",
        tab="plan",
        later_runs=later_runs,
        job=job,
        chart=chart,
        metrics=metric_rows(data["run"].metrics) if data.get("run") else [],
        kinds=kind_labels(),
        local_time=local_time,
        **data,
    )


def _segment_arg(value: str | None = None) -> int | None:
    """Return the parcours asked for (?segment= or a form's segment_id), None if none."""
    value = request.args.get("segment", "") if value is None else value
    return form_number(value)


def _back(event_id: int, segment_id: int | None, anchor: str = "") -> ResponseReturnValue:
    """Redirect to the plan page of one parcours (the default one without segment_id)."""
    args: dict[str, Any] = {"segment": segment_id} if segment_id else {}
    return redirect(url_for("plans.plan_page", event_id=event_id, **args) + anchor)


def _start(event_id: int, kind: str) -> ResponseReturnValue:
    """Validate the form and start a planning job; answer JSON (script) or redirect."""
    event, actor = event_actor(event_id)
    form = {k: v for k, v in request.form.items() if v != "" and k != "shown"}
    try:
        if event.plan_locked:
            raise Invalid(_("The plan is locked; unlock it before changing it."))
        if kind == "replan":
            form.pop("csrf_token", None)
            options = load(ReplanRequestSchema(), form)
        else:
            options = load(PlanFormSchema(), form)
            options.pop("csrf_token", None)
    except Invalid as err:
        if _wants_json():
            message, fields = localize_error(err.message, err.fields)
            return jsonify({"status": "failed", "message": message, "fields": fields}), 400
        flash(translate(err.message), "error")
        return _back(event.id, _segment_arg(request.form.get("shown", "")))
    job = registry().start(event.id, kind, actor, options)
    status_url = url_for("plans.job_status", event_id=event.id, job_id=job.id)
    if _wants_json():
        return jsonify({**job.as_json(), "status_url": status_url}), 202
    shown = _segment_arg(request.form.get("shown", ""))
    args: dict[str, Any] = {"segment": shown} if shown else {}
    return redirect(url_for("plans.plan_page", event_id=event.id, job=job.id, **args))


@bp.post("/events/<int:event_id>/plan/run")
@page_action
@login_required
def run_plan(event_id: int) -> ResponseReturnValue:
    """Compute the plan in the background."""
    return _start(event_id, "plan")


@bp.post("/events/<int:event_id>/plan/replan")
@page_action
@login_required
def replan(event_id: int) -> ResponseReturnValue:
    """Re-plan the rounds that have not started, in the background."""
    return _start(event_id, "replan")


@bp.get("/events/<int:event_id>/plan/jobs/<job_id>")
@login_required
def job_status(event_id: int, job_id: str) -> ResponseReturnValue:
    """Return a planning job's progress as JSON."""
    event, _actor = event_actor(event_id)
    job = registry().get(job_id, event.id)
    if job is None:
        raise NotFound(_("No such planning job (the server may have restarted)."))
    body = job.as_json()
    if body.get("message"):
        body["message"], fields = localize_error(body["message"], {"plan": body["problems"]})
        body["problems"] = fields["plan"]
    return jsonify(body), 200, {"Cache-Control": "no-store"}


@bp.post("/events/<int:event_id>/plan/move")
@page_action
@login_required
def move(event_id: int) -> ResponseReturnValue:
    """Move one participant by hand; the metrics are recomputed."""
    event, actor = event_actor(event_id)
    try:
        data = load(MoveFormSchema(), request.form.to_dict())
        target = (data["participant_id"], data["round"], data["station_id"])
        plans.move_participant(db.session(), actor, event.id, *target, data["segment_id"])
    except ParcoursError as err:
        flash(translate(err.message), "here-error")  # shown in the move card, in view
    else:
        flash(_("Moved. The metrics above are up to date."), "here-success")
    return _back(event.id, _segment_arg(request.form.get("segment_id", "")), "#move")


@bp.post("/events/<int:event_id>/plan/lock")
@page_action
@login_required
def lock(event_id: int) -> ResponseReturnValue:
    """Lock or unlock the plan."""
    event, actor = event_actor(event_id)
    wanted = request.form.get("locked", "true").strip().lower() in ("1", "true", "on", "yes")
    shown = _segment_arg(request.form.get("shown", ""))
    try:
        asked = {"locked": wanted, "segment_id": _segment_arg(request.form.get("segment_id", ""))}
        data = load(LockSchema(), asked)
        locked = plans.set_locked(db.session(), actor, event.id, data["locked"], data["segment_id"])
    except ParcoursError as err:
        flash(translate(err.message), "error")
    else:
        flash(_("The plan is locked.") if locked else _("The plan is unlocked."), "success")
    return _back(event.id, shown)


def blueprints() -> list[Blueprint]:
    """Return the plan page and the printouts."""
    from parcours.web.plans_print import bp as print_bp

    return [bp, print_bp]


def panel_context(event: Any) -> dict[str, Any]:
    """Return what the event overview's plan panel shows."""
    session = db.session()
    segments = all_parcours(event)
    segment = segments[0] if segments else None
    run = latest_run(session, segment.id) if segment else None
    later = [(seg, latest_run(session, seg.id)) for seg in segments[1:]]
    return {"segment": segment, "run": run, "later": later}


@bp.app_context_processor
def _panel_helper() -> dict[str, Any]:
    return {"plan_panel": panel_context}
