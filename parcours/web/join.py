"""Self-registration on the phone (/join/<code>) and the privacy notice (/privacy/<code>)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from parcours.domain.errors import AlreadyRegistered, Conflict, Invalid, NotFound
from parcours.extensions import db
from parcours.operations.limits import JOIN_ADDRESS, check_address
from parcours.schemas.common import form_number, load
from parcours.schemas.error_messages import localize_error
from parcours.schemas.event import JoinSchema
from parcours.services import lookups
from parcours.services.privacy.retention import deletion_day, entered_after
from parcours.services.setup import participants as people
from parcours.services.setup import registration
from parcours.services.unit import page_action
from parcours.web.public import code_form, normalise_code, unknown_code

if TYPE_CHECKING:
    from parcours.storage import Event

bp = Blueprint("join", __name__)
TEXT_FIELDS = ("name", "organisation", "kind", "language")
OPTIONAL = ("email", "phone")
LISTS = ("interests", "avoid", "absent_rounds")


def _numbers(values: list[str]) -> list[int]:
    return [n for n in map(form_number, values) if n is not None]


def _event(join_code: str) -> Event:
    event = lookups.event_by_join_code(db.session(), normalise_code(join_code))
    if event is None:
        raise NotFound(_("No event with this join code."))
    return event


def _form_data() -> dict[str, Any]:
    """Build the JoinSchema input from the form: empty optional fields mean none given."""
    form = request.form
    data: dict[str, Any] = {k: form.get(k, "").strip() for k in TEXT_FIELDS if k in form}
    for key in OPTIONAL:
        value = form.get(key, "").strip()
        data[key] = value or None
    data["interests"] = [v for v in form.getlist("interests") if v.strip()]
    data["avoid"] = [v for v in form.getlist("avoid") if v.strip()]
    data["stay_put"] = form.get("stay_put") in ("on", "true", "1", "yes")
    data["absent_rounds"] = [v for v in form.getlist("absent_rounds") if v.strip()]
    data["consent"] = form.get("consent") in ("on", "true", "1", "yes")
    return data


def _context(event: Event) -> dict[str, Any]:
    from parcours.web.labels import kind_labels

    organiser = lookups.organiser(db.session(), event.organiser_id)
    delete_on = deletion_day(event)  # the same day the deletion page names and the shred keeps
    return {
        "event": event,
        "kind_labels": kind_labels(),
        "organiser": organiser,
        "delete_on": delete_on,
        "entered_after": entered_after(event),  # counted from when it was entered, not its end
        "rounds": parcours_rounds(event),
    }


def parcours_rounds(event: Event) -> list[dict[str, Any]]:
    """Return every parcours round of the day, numbered on across parcours (as absent rounds
    count), with its parcours' title and, if the agenda has a start, its planned times."""
    from parcours.web.organiser.common import planned_times

    times = planned_times(event)
    out: list[dict[str, Any]] = []
    for seg in event.segments:
        if seg.kind != "parcours" or seg.rounds <= 0:
            continue
        for rnd in range(1, seg.rounds + 1):
            when = times.rounds.get(seg.id, {}).get(rnd) if times else None
            out.append({"number": len(out) + 1, "segment": seg, "round": rnd, "when": when})
    return out


def _refusal(event: Event) -> str | None:
    """Return why nobody can register now (closed, full, deleted), or None."""
    try:
        registration.check_room(db.session(), event)
    except Conflict as err:
        if event.shredded_at is not None or err.fields.get("registration") == ["closed"]:
            return _("Registration for this event is closed.")
        return _("This event is full: all places are taken. Please ask the organisers.")
    return None


@bp.route("/join/<join_code>", methods=["GET", "POST"])
@page_action
def join_page(join_code: str) -> ResponseReturnValue:
    """Show the registration form; on success go to the participant's phone page."""
    code = normalise_code(join_code)
    if not code:
        return code_form()
    if code != join_code and request.method == "GET":
        return redirect(url_for("join.join_page", join_code=code))
    if request.method == "POST":
        check_address("join", JOIN_ADDRESS, request.remote_addr)  # 429 page with Retry-After
    try:
        event = _event(code)
    except NotFound:
        return unknown_code(code)
    closed = _refusal(event)
    values: dict[str, Any] = {"language": str(get_locale() or event.language)}
    values.update({k: [] for k in LISTS})
    if request.method == "POST" and not closed:
        data = _form_data()
        try:
            loaded = load(JoinSchema(), data)
            _participant, token = people.join(db.session(), event.join_code, loaded)
        except AlreadyRegistered:
            return render_template("join/already.html", **_context(event)), 409
        except Conflict:  # it filled up or closed a moment ago
            closed = _refusal(event) or _("Registration for this event is closed.")
            return render_template(
                "join/join.html", values=values, errors={}, closed=closed, **_context(event)
            ), 409
        except Invalid as err:
            values = {**data, **{k: _numbers(data[k]) for k in LISTS}}
            context = _context(event)
            _message, found = localize_error(err.message, err.fields)
            errors: dict[str, list[str]] = {}
            for path, messages in found.items():  # "avoid[1]" is shown at the list "avoid"
                shown = errors.setdefault(re.split(r"[.[]", str(path))[0], [])
                shown += [m for m in messages if m not in shown]
            return render_template(
                "join/join.html", values=values, errors=errors, closed=False, **context
            ), 400
        return redirect(url_for("participant.phone", token=token))
    return render_template(
        "join/join.html", values=values, errors={}, closed=closed, **_context(event)
    ), (409 if closed and request.method == "POST" else 200)


@bp.get("/privacy/<join_code>")
def privacy(join_code: str) -> ResponseReturnValue:
    """Show who is responsible for the data, what is stored, why, for how long, and your rights."""
    event = _event(join_code)
    return render_template("join/privacy.html", **_context(event))


def blueprints() -> list[Blueprint]:
    """Return this module's blueprints."""
    return [bp]
