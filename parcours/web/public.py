"""Public pages: the start page (enter a join code), also at /join without a code."""

from __future__ import annotations

import re

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from parcours import process
from parcours.extensions import db
from parcours.services import lookups

bp = Blueprint("public", __name__)


def normalise_code(raw: str | None) -> str:
    """Return a join code as typed on a phone, made canonical: no spaces or dashes, upper case."""
    return re.sub(r"[\s\-_.·]+", "", raw or "").upper()[:32]


def code_form(code: str = "", problem: str | None = None) -> ResponseReturnValue:
    """Show the join-code form, with the code typed so far and what was wrong with it."""
    status = 404 if problem else 200
    return render_template("public/home.html", code=code, problem=problem), status


def unknown_code(code: str) -> ResponseReturnValue:
    """Send an unknown code back to the form with a message."""
    return code_form(
        code, _("There is no event with the code %(code)s. Please check the code.", code=code)
    )


@bp.app_template_filter("tr_error")
def tr_error(message: str) -> str:
    """Return an error message of the API or the CSV check in the page's language."""
    from parcours.schemas.error_messages import translate

    return translate(str(message))


@bp.get("/")
def home() -> ResponseReturnValue:
    """Show the start page; a code in ?code= goes to the join page if an event has it."""
    if "code" not in request.args:
        return code_form()
    code = normalise_code(request.args.get("code"))
    if not code:
        return code_form("", _("Please enter the join code."))
    if lookups.event_by_join_code(db.session(), code) is None:
        return unknown_code(code)
    return redirect(url_for("join.join_page", join_code=code))


@bp.get("/join")
@bp.get("/join/")
def join_without_code() -> ResponseReturnValue:
    """Ask for the code when /join is opened without one."""
    return code_form()


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Answer liveness probes; `?detail=1` adds this process's group-commit counters (for
    tests and benchmarks: how many commits served how many socket writes)."""
    if request.args.get("detail") != "1":
        return {"status": "ok"}
    found = process.writer()
    off = {"on": False, "batches": 0, "written": 0, "largest": 0}
    return {"status": "ok", "group_commit": found.counters() if found else off}


def blueprints() -> list[Blueprint]:
    """Return this module's blueprints."""
    return [bp]
