"""Close and reopen self-registration from the event's overview page."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from parcours.extensions import db
from parcours.services.setup import registration
from parcours.services.unit import page_action
from parcours.web.organiser.auth import bp, event_actor, login_required


@bp.context_processor
def _registration() -> dict[str, Any]:
    """Give the overview page the registration's state (for its panel)."""

    def state(event: Any) -> dict[str, Any]:
        return registration.state(db.session(), event)

    return {"registration_state": state}


@bp.post("/events/<int:event_id>/registration")
@page_action
@login_required
def set_registration(event_id: int) -> ResponseReturnValue:
    """Close (open=0) or reopen (open=1) self-registration."""
    event, actor = event_actor(event_id)
    wanted = request.form.get("open") == "1"
    registration.update(db.session(), actor, event.id, {"open": wanted})
    flash(
        _("Self-registration is open again.") if wanted else _("Self-registration is closed."),
        "success",
    )
    return redirect(url_for("organiser.event", event_id=event.id) + "#registration")
