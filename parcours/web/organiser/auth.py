"""Organiser login and logout (a session cookie), and the checks every organiser page makes.

Events made by `parcours event create` have no organiser yet: every logged-in organiser sees
them, and the first one who changes something becomes the event's organiser (audited as
event.claim). After that only that organiser sees the event.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from parcours.domain.actors import Actor
from parcours.domain.errors import NotFound
from parcours.extensions import db
from parcours.services.accounts import authenticate
from parcours.services.common import audit
from parcours.storage import Event, Organiser

bp = Blueprint("organiser", __name__, url_prefix="/organiser")


def current_organiser() -> Organiser | None:
    """Return the organiser of this browser session, if logged in."""
    if "organiser" not in g:
        oid = session.get("organiser_id")
        g.organiser = db.session().get(Organiser, oid) if oid else None
    return g.organiser  # type: ignore[no-any-return]


def login_required(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Send visitors who are not logged in to the login page, then back."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if current_organiser() is None:
            return redirect(url_for("organiser.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def may_see(organiser: Organiser, event: Event) -> bool:
    """Return whether the organiser may open the event (theirs, or not claimed yet)."""
    return event.organiser_id in (None, organiser.id)


def event_actor(event_id: int) -> tuple[Event, Actor]:
    """Return the event and the organiser as its actor; 404 for someone else's event."""
    organiser = current_organiser()
    event = db.session().get(Event, event_id)
    if organiser is None or event is None or not may_see(organiser, event):
        raise NotFound(_("No such event."))
    return event, Actor(role="organiser", event_id=event.id, organiser_id=organiser.id)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not urlsplit(target).netloc and "//" not in target:
        return target
    return url_for("organiser.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the login form and log the organiser in."""
    error = None
    if request.method == "POST":
        email = request.form.get("email", "")[:254]
        password = request.form.get("password", "")[:200]
        organiser = authenticate(db.session(), email, password)
        if organiser is not None:
            session.clear()
            session["organiser_id"] = organiser.id
            session.permanent = True
            audit(db.session(), None, f"organiser:{organiser.id}", "organiser.login")
            db.session().commit()
            return redirect(_safe_next(request.args.get("next")))
        error = _("E-mail address or password is wrong.")
    return render_template("organiser/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Log out and forget the session."""
    session.pop("organiser_id", None)
    flash(_("You are logged out."), "success")
    return redirect(url_for("organiser.login"))
