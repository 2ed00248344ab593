"""Participants: list, add, edit, remove, and import from CSV with a preview."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from parcours.domain.errors import NotFound
from parcours.extensions import db
from parcours.schemas.common import KINDS, form_number
from parcours.schemas.setup import clean_form
from parcours.services import lookups
from parcours.services.setup import roster
from parcours.services.setup.participants import likely_duplicates, token_of
from parcours.services.unit import page_action
from parcours.web.organiser.auth import bp, event_actor, login_required
from parcours.web.organiser.common import base_url, done, form_post, saved
from parcours.web.organiser.csv_import import KIND_EXAMPLES, kind_key, parse_csv
from parcours.web.qr import qr_svg
from parcours.web.uploads import upload

if TYPE_CHECKING:
    from parcours.storage import Event, Participant

LISTS = ("interests", "must_visit", "avoid")


def _rounds_text(value: str) -> list[str]:
    """Return the round numbers of a text like "5, 6" or "3-4" (bad parts left for the schema)."""
    out: list[str] = []
    for part in value.replace(";", ",").replace(" ", ",").split(","):
        part = part.strip()
        low, dash, high = part.partition("-")
        first, last = form_number(low), form_number(high)
        if dash and first is not None and last is not None and last - first < 100:
            out += [str(r) for r in range(first, last + 1)]
        elif part:
            out.append(part)
    return out


def _closed(event: Event) -> ResponseReturnValue | None:
    """Send any form of a shredded event back to the (read-only) list."""
    if event.shredded_at is None:
        return None
    flash(
        _("This event is closed: its personal data has been deleted; nothing can be added."),
        "error",
    )
    return redirect(url_for("organiser.participants", event_id=event.id))


def _person_form(person: Participant | None, event: Event) -> dict[str, Any]:
    if person is None:
        return {"kind": "other", "language": event.language, "present": True}
    return {
        "name": person.name,
        "organisation": person.organisation,
        "kind": person.kind,
        "email": person.email or "",
        "phone": person.phone or "",
        "language": person.language,
        "interests": person.interests or [],
        "must_visit": person.must_visit or [],
        "avoid": person.avoid or [],
        "stay_put": person.stay_put,
        "absent_rounds": ", ".join(str(r) for r in person.absent_rounds or []),
        "present": person.present,
    }


def _submitted() -> dict[str, Any]:
    data = clean_form(request.form, LISTS)
    data["present"] = "present" in request.form
    data["stay_put"] = "stay_put" in request.form
    data["absent_rounds"] = _rounds_text(request.form.get("absent_rounds", ""))
    for key in LISTS:
        data.setdefault(key, [])
    return data


def _values_from_form() -> dict[str, Any]:
    values: dict[str, Any] = {k: request.form.get(k, "") for k in request.form}
    for key in LISTS:
        values[key] = [n for n in map(form_number, request.form.getlist(key)) if n is not None]
    values["present"] = "present" in request.form
    values["stay_put"] = "stay_put" in request.form
    return values


@bp.get("/events/<int:event_id>/participants")
@login_required
def participants(event_id: int) -> ResponseReturnValue:
    """List the participants."""
    event, _actor = event_actor(event_id)
    names = {s.id: s.name for s in event.stations}
    return render_template(
        "organiser/participants.html",
        event=event,
        tab="participants",
        station_names=names,
        duplicates=likely_duplicates(list(event.participants)),
    )


@bp.route("/events/<int:event_id>/participants/new", methods=["GET", "POST"])
@page_action
@login_required
def new_participant(event_id: int) -> ResponseReturnValue:
    """Add a participant."""
    event, actor = event_actor(event_id)
    if (closed := _closed(event)) is not None:
        return closed
    if request.method == "POST":
        return _person_post(
            event, None, lambda: roster.add_person(db.session(), actor, event.id, _submitted())
        )
    return _person_page(event, None)


def _person_page(event: Event, person: Participant | None, **extra: Any) -> ResponseReturnValue:
    return render_template(
        "organiser/participant_form.html",
        event=event,
        tab="participants",
        person=person,
        values=_person_form(person, event),
        errors={},
        **extra,
    )


def _person_post(
    event: Event, person: Participant | None, run: Callable[[], Participant]
) -> ResponseReturnValue:
    """Add or change a participant; on bad input the form again with what was typed."""
    return form_post(
        run,
        "organiser/participant_form.html",
        (lambda added: _("%(name)s was added.", name=added.name)) if person is None else saved,
        "organiser.participants",
        event=event,
        tab="participants",
        person=person,
        values=_values_from_form(),
    )


@bp.route("/events/<int:event_id>/participants/<int:participant_id>", methods=["GET", "POST"])
@page_action
@login_required
def edit_participant(event_id: int, participant_id: int) -> ResponseReturnValue:
    """Edit a participant and show their personal link."""
    event, actor = event_actor(event_id)
    if (closed := _closed(event)) is not None:
        return closed
    person = lookups.participant(db.session(), participant_id)
    if person is None or person.event_id != event.id:
        raise NotFound(_("No such participant."))
    if request.method == "POST":
        return _person_post(
            event,
            person,
            lambda: roster.update_person(db.session(), actor, event.id, person.id, _submitted()),
        )
    token = token_of(db.session(), person.id)
    url = f"{base_url()}/p/{token}" if token else None
    qr = qr_svg(url, title=person.name) if url else None
    return _person_page(event, person, personal_url=url, personal_qr=qr)


@bp.post("/events/<int:event_id>/participants/<int:participant_id>/delete")
@page_action
@login_required
def delete_participant(event_id: int, participant_id: int) -> ResponseReturnValue:
    """Remove a participant with everything they wrote."""
    event, actor = event_actor(event_id)
    if (closed := _closed(event)) is not None:
        return closed
    roster.delete_person(db.session(), actor, event.id, participant_id)
    return done(_("The participant was removed."), "organiser.participants", event_id=event.id)


@bp.route("/events/<int:event_id>/participants/import", methods=["GET", "POST"])
@page_action
@upload()
@login_required
def import_participants(event_id: int) -> ResponseReturnValue:
    """Upload a CSV and preview it: bad rows are marked, nothing is saved yet."""
    event, _actor = event_actor(event_id)
    if (closed := _closed(event)) is not None:
        return closed
    context: dict[str, Any] = {
        "event": event,
        "tab": "participants",
        "errors": {},
        "kind_words_doc": KIND_EXAMPLES,
        "kind_key": kind_key,
    }
    if request.method == "GET":
        return render_template("organiser/import.html", result=None, **context)
    sent = request.files.get("file")
    raw = sent.read() if sent is not None else b""
    if not raw.strip():
        context["errors"] = {"file": [_("Please choose a CSV file.")]}
        return render_template("organiser/import.html", result=None, **context), 400
    result = _parse(event, raw)
    payload = base64.b64encode(raw).decode("ascii")
    return render_template("organiser/import.html", result=result, payload=payload, **context)


def _parse(event: Event, raw: bytes, kind_choices: dict[str, str] | None = None) -> Any:
    existing = [p.email for p in event.participants if p.email]
    return parse_csv(raw, roster.station_refs(event), existing, kind_choices)


def _kind_choices() -> dict[str, str]:
    """Return the kinds the organiser picked for unknown "Art" values (fields kind:<key>)."""
    return {
        kind_key(key[5:]): value
        for key, value in request.form.items()
        if key.startswith("kind:") and value in KINDS
    }


@bp.post("/events/<int:event_id>/participants/import/confirm")
@page_action
@upload(factor=2)  # the previewed file comes back base64-encoded in a form field
@login_required
def confirm_import(event_id: int) -> ResponseReturnValue:
    """Save the good rows of the previewed CSV."""
    event, actor = event_actor(event_id)
    if (closed := _closed(event)) is not None:
        return closed
    try:
        raw = base64.b64decode(request.form.get("payload", ""), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    result = _parse(event, raw, _kind_choices())
    rows = [row.data for row in result.good]
    if not rows:
        flash(_("There was nothing to import."), "error")
        return redirect(url_for("organiser.import_participants", event_id=event.id))
    added = roster.import_people(db.session(), actor, event.id, rows)
    flash(
        ngettext(
            "%(num)d participant was imported.", "%(num)d participants were imported.", len(added)
        ),
        "success",
    )
    return redirect(url_for("organiser.participants", event_id=event.id))
