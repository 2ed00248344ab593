"""The page every link of an event shows once its personal data is deleted: closed, no input."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import render_template
from flask.typing import ResponseReturnValue

from parcours.extensions import db
from parcours.services import lookups

if TYPE_CHECKING:
    from parcours.storage import Event

HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def closed_page(event: Event) -> ResponseReturnValue:
    """Render the closed page of a shredded event (410 Gone: nothing can be entered)."""
    from parcours.web.after import local_time_of

    deleted = local_time_of(event, event.shredded_at)
    return render_template("closed.html", event=event, deleted=deleted), 410, HEADERS


def closed_for(token: str) -> ResponseReturnValue | None:
    """Return the closed page if the token (revoked or not) belongs to a shredded event."""
    event = lookups.event_of_token(db.session(), token)
    if event is None or event.shredded_at is None:
        return None
    return closed_page(event)
