"""Small helpers the organiser pages share: base URL, local times, form re-rendering."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue

from parcours.domain.errors import Invalid
from parcours.storage import Event

KIND_LABELS = ("company", "authority", "organisation", "chamber", "other")


def base_url() -> str:
    """Return the public base URL: PARCOURS_PUBLIC_URL, else the address the browser used."""
    return str(current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


def local_time(event: Event) -> datetime | None:
    """Return the event's start in its own time zone."""
    if event.starts_at is None:
        return None
    try:
        return event.starts_at.astimezone(ZoneInfo(event.timezone))
    except (KeyError, ValueError):
        return event.starts_at


def local_input(event: Event) -> str:
    """Return the start as a datetime-local input value."""
    start = local_time(event)
    return start.strftime("%Y-%m-%dT%H:%M") if start else ""


def form_failed(template: str, err: Invalid, **context: Any) -> ResponseReturnValue:
    """Render the form again with the submitted values and the field errors (status 400)."""
    from parcours.schemas.error_messages import localize_error

    context.setdefault("values", request.form)
    message, fields = localize_error(err.message, err.fields)
    return render_template(template, errors=fields, message=message, **context), 400


def kind_labels() -> dict[str, str]:
    """Return the kinds of participants and stations with their display names."""
    from flask_babel import gettext as _

    return {
        "company": _("Company"),
        "authority": _("Authority"),
        "organisation": _("Association or organisation"),
        "chamber": _("Chamber"),
        "other": _("Other"),
    }


def segment_kind_labels() -> dict[str, str]:
    """Return the kinds of agenda items with their display names."""
    from flask_babel import gettext as _

    return {
        "talk": _("Talk"),
        "break": _("Break"),
        "workshop": _("Workshop"),
        "parcours": _("Parcours (rounds at the stations)"),
        "other": _("Other"),
    }
