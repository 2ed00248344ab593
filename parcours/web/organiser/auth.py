"""Organiser login and logout (a session cookie), and the checks every organiser page makes.

Each login is also recorded on the server (organiser_sessions): logging out deletes it, so a
copy of the cookie opens nothing afterwards, and a new password ends the other logins. Failed
logins are counted per e-mail address and per client address (parcours.operations.limits): too many
and the login answers 429 with Retry-After for a few minutes, even for the right password.

An event belongs to the organiser who made it (`--owner EMAIL` on the command line). Events
without an owner are seen only by administrators (`parcours organiser create EMAIL --admin`);
the first administrator who changes something becomes the owner (audited as event.claim).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from parcours.domain.actors import Actor
from parcours.domain.errors import Invalid, NotFound
from parcours.extensions import db
from parcours.operations.limits import LOGIN_ACCOUNT, LOGIN_ADDRESS, app_limits
from parcours.services import accounts, lookups
from parcours.services.unit import page_action

if TYPE_CHECKING:
    from parcours.storage import Event, Organiser

bp = Blueprint("organiser", __name__, url_prefix="/organiser")


def current_organiser() -> Organiser | None:
    """Return the organiser of this browser session, if its login is still open on the server."""
    if "organiser" not in g:
        oid, key = session.get("organiser_id"), session.get("organiser_key")
        found = None
        if isinstance(oid, int) and isinstance(key, str):
            found = accounts.session_organiser(db.session(), oid, key)
        g.organiser = found
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
    """Return whether the organiser may open the event (theirs; without owner: admins only)."""
    if event.organiser_id is None:
        return bool(organiser.is_admin)
    return event.organiser_id == organiser.id


def event_actor(event_id: int) -> tuple[Event, Actor]:
    """Return the event and the organiser as its actor; 404 for someone else's event."""
    organiser = current_organiser()
    event = lookups.event(db.session(), event_id)
    if organiser is None or event is None or not may_see(organiser, event):
        raise NotFound(_("No such event."))
    return event, Actor(role="organiser", event_id=event.id, organiser_id=organiser.id)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not urlsplit(target).netloc and "//" not in target:
        return target
    return url_for("organiser.dashboard")


def _throttled(account: str) -> float:
    """Return the seconds to wait if this account or this address failed too often, else 0."""
    limits = app_limits()
    if limits is None:
        return 0.0
    address = request.remote_addr or "unknown"
    return max(
        limits.blocked(LOGIN_ACCOUNT, "login_account", account),
        limits.blocked(LOGIN_ADDRESS, "login_address", address),
    )


def _count_failure(account: str) -> None:
    limits = app_limits()
    if limits is not None:
        limits.hit(LOGIN_ACCOUNT, "login_account", account)
        limits.hit(LOGIN_ADDRESS, "login_address", request.remote_addr or "unknown")


def _locked(wait: float) -> ResponseReturnValue:
    seconds = max(1, math.ceil(wait))
    error = _(
        "Too many failed logins. For your safety, logging in is paused; try again in "
        "%(minutes)d min.",
        minutes=math.ceil(seconds / 60),
    )
    page = render_template("organiser/login.html", error=error)
    return page, 429, {"Retry-After": str(seconds)}


@bp.route("/login", methods=["GET", "POST"])
@page_action
def login() -> ResponseReturnValue:
    """Show the login form and log the organiser in (failed logins are throttled)."""
    if request.method != "POST":
        return render_template("organiser/login.html", error=None)
    email = request.form.get("email", "")[:254]
    password = request.form.get("password", "")[:200]
    account = email.strip().lower()
    wait = _throttled(account)
    if wait:
        return _locked(wait)
    organiser = accounts.authenticate(db.session(), email, password)
    if organiser is None:
        _count_failure(account)
        error = _("E-mail address or password is wrong.")
        return render_template("organiser/login.html", error=error), 401
    limits = app_limits()
    if limits is not None:
        limits.clear(LOGIN_ACCOUNT, "login_account", account)
    key = accounts.open_session(db.session(), organiser)
    session.clear()
    session["organiser_id"] = organiser.id
    session["organiser_key"] = key
    session.permanent = True
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
@page_action
def logout() -> ResponseReturnValue:
    """Log out: the login ends on the server too, so a copy of the cookie is useless."""
    key = session.get("organiser_key")
    if isinstance(key, str):
        accounts.close_session(db.session(), key)
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("organiser.login"))


@bp.route("/account", methods=["GET", "POST"])
@page_action
@login_required
def account() -> ResponseReturnValue:
    """Change the password; every other login of the organiser ends."""
    organiser = current_organiser()
    assert organiser is not None
    if request.method == "POST":
        try:
            ended = accounts.change_password(
                db.session(),
                organiser,
                request.form.get("current_password", "")[:200],
                request.form.get("new_password", "")[:201],
                session.get("organiser_key"),
            )
        except Invalid as err:
            return render_template("organiser/account.html", errors=err.fields), 400
        flash(
            ngettext(
                "Your password was changed; %(num)d other login ended.",
                "Your password was changed; %(num)d other logins ended.",
                ended,
            ),
            "success",
        )
        return redirect(url_for("organiser.account"))
    return render_template("organiser/account.html", errors={})
