"""Small helpers the organiser pages share: base URL, local times, form re-rendering."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from parcours.domain.errors import Invalid
from parcours.domain.vocabulary import KINDS
from parcours.web.labels import kind_labels  # noqa: F401  (used by several organiser views)

if TYPE_CHECKING:
    from parcours.storage import Event

KIND_LABELS = KINDS


def base_url() -> str:
    """Return the public base URL: PARCOURS_PUBLIC_URL, else the address the browser used."""
    return str(current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


def loopback_base() -> str | None:
    """Return the base URL when it is a loopback address (phones cannot open it), else None."""
    base = base_url()
    host = (urlsplit(base).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return base
    try:
        return base if ipaddress.ip_address(host).is_loopback else None
    except ValueError:
        return None


def local_time(event: Event) -> datetime | None:
    """Return the event's start in its own time zone."""
    if event.starts_at is None:
        return None
    try:
        return event.starts_at.astimezone(ZoneInfo(event.timezone))
    except (KeyError, ValueError):
        return event.starts_at


@dataclass
class PlannedTimes:
    """The agenda's planned clock times from the event's start (in the event's time zone)."""

    segments: dict[int, tuple[datetime, datetime]] = field(default_factory=dict)
    rounds: dict[int, dict[int, tuple[datetime, datetime]]] = field(default_factory=dict)
    end: datetime | None = None


def planned_times(event: Event) -> PlannedTimes | None:
    """Return each segment's and each round's planned start and end; None without a start."""
    from parcours.domain.clock import schedule
    from parcours.services.event_day.clock import part_of

    start = local_time(event)
    segments = list(event.segments)
    if start is None or not segments:
        return None
    times = PlannedTimes()
    for slot in schedule([part_of(s) for s in segments], start):
        seg = segments[slot.step.segment_index]
        assert slot.start is not None
        first, _end = times.segments.get(seg.id, (slot.start, slot.end))
        times.segments[seg.id] = (first, slot.end)
        if slot.step.round and slot.step.phase == "running":
            times.rounds.setdefault(seg.id, {})[slot.step.round] = (slot.start, slot.end)
        times.end = slot.end
    return times


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


def done(message: str, endpoint: str, **values: Any) -> ResponseReturnValue:
    """Flash a success message and go to the page (after a form was saved)."""
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


def saved(_result: object) -> str:
    """Return the message of a form that changed something."""
    from flask_babel import gettext as _

    return _("Saved.")


def form_post(
    run: Callable[[], Any],
    template: str,
    success: Callable[[Any], str],
    endpoint: str,
    **context: Any,
) -> ResponseReturnValue:
    """Run a form's use case: if it refuses the input, show the form again with the errors
    (form_failed, 400); else flash success(result) and go to the endpoint of context's event."""
    try:
        result = run()
    except Invalid as err:
        return form_failed(template, err, **context)
    return done(success(result), endpoint, event_id=context["event"].id)


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
