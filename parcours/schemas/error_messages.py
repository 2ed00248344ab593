"""Error messages of the services in the reader's language (issue 16, item 6).

The services and the API speak English; every message that can reach a page (the whole
message, each field's, "field: text", several joined by "; ") is looked up here, by its exact
text or a pattern, and comes back in the request's language. ``localize`` does the same for
marshmallow's own messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import has_request_context
from flask_babel import get_locale, gettext

from parcours.schemas.messages import localize

# Messages the services raise (the API's English), by their exact text or a pattern, each with
# its message id: an error that reaches a German page is German (issue 16, item 6).
EXACT: dict[str, Callable[[], str]] = {
    # fields
    "is already registered for this event": lambda: gettext("is already registered for this event"),
    "is required for a parcours": lambda: gettext("is required for a parcours"),
    "no station of this event has this code": lambda: gettext(
        "no station of this event has this code"
    ),
    "no station with this code": lambda: gettext("no station with this code"),
    "no participant of this event has this code": lambda: gettext(
        "no participant of this event has this code"
    ),
    "no participant of this event has this badge": lambda: gettext(
        "no participant of this event has this badge"
    ),
    "no such participant": lambda: gettext("no such participant"),
    "no such station": lambda: gettext("no such station"),
    "unknown station": lambda: gettext("unknown station"),
    "not found": lambda: gettext("not found"),
    "must not be blank": lambda: gettext("must not be blank"),
    "must not be empty": lambda: gettext("must not be empty"),
    "must be a UUID (made on the device)": lambda: gettext("has the wrong format"),
    "must be a UUID": lambda: gettext("has the wrong format"),
    "must be an e-mail address": lambda: gettext("must be an e-mail address"),
    "must be an object": lambda: gettext("must be an object"),
    "must be true to delete": lambda: gettext("must be true to delete"),
    "does not match": lambda: gettext("does not match"),
    "the plan is locked": lambda: gettext("the plan is locked"),
    "not computed yet": lambda: gettext("not computed yet"),
    "no open rounds": lambda: gettext("no open rounds"),
    "the agenda has no parcours with rounds": lambda: gettext(
        "the agenda has no parcours with rounds"
    ),
    "wrong code": lambda: gettext("wrong code"),
    "at least 8 characters": lambda: gettext("at least 8 characters"),
    "is taken": lambda: gettext("is taken"),
    "not available": lambda: gettext("not available"),
    "please choose a file": lambda: gettext("please choose a file"),
    "unknown action": lambda: gettext("unknown action"),
    "out of range": lambda: gettext("out of range"),
    # whole messages
    "The run of show is already finished.": lambda: gettext("The run of show is already finished."),
    "The run of show is finished.": lambda: gettext("The run of show is finished."),
    "The run of show has not started yet.": lambda: gettext("The run of show has not started yet."),
    "The agenda is empty: there is nothing to run.": lambda: gettext(
        "The agenda is empty: there is nothing to run."
    ),
    "The clock was changed at the same moment; please try again.": lambda: gettext(
        "The clock was changed at the same moment; please try again."
    ),
    "The personal data of this event has been deleted; nothing can be added.": lambda: gettext(
        "This event is closed: its personal data has been deleted; nothing can be added."
    ),
    "The personal data of this event has been deleted.": lambda: gettext(
        "The personal data of this event has been deleted."
    ),
    "The plan is locked; unlock it before changing it.": lambda: gettext(
        "The plan is locked; unlock it before changing it."
    ),
    "Every round of the parcours has started; there is nothing left to re-plan.": lambda: gettext(
        "Every round of the parcours has started; there is nothing left to re-plan."
    ),
    "Compute a plan first.": lambda: gettext("Compute a plan first."),
    "There is no plan yet.": lambda: gettext("There is no plan yet."),
    "The agenda has no parcours with rounds; add one before planning.": lambda: gettext(
        "The agenda has no parcours with rounds; add one before planning."
    ),
    "The event is running: items that have started can no longer be moved.": lambda: gettext(
        "The event is running: items that have started can no longer be moved."
    ),
    "This e-mail address is already registered for this event.": lambda: gettext(
        "This e-mail address is already registered for this event."
    ),
    "No event with this join code.": lambda: gettext("No event with this join code."),
    "No such event.": lambda: gettext("No such event."),
    "No such participant.": lambda: gettext("No such participant."),
    "No such station.": lambda: gettext("No such station."),
    "No such station in this event.": lambda: gettext("No such station in this event."),
    "No such agenda item.": lambda: gettext("No such agenda item."),
    "No such card.": lambda: gettext("No such card."),
    "Only cards on the wall can be upvoted.": lambda: gettext(
        "Only cards on the wall can be upvoted."
    ),
    "Only a participant has a route.": lambda: gettext("Only a participant has a route."),
    "Only a station's host can start kiosk mode.": lambda: gettext(
        "Only a station's host can start kiosk mode."
    ),
    "That is not the code that was set for this tablet.": lambda: gettext(
        "That is not the code that was set for this tablet."
    ),
    "This kiosk belongs to no station of the event.": lambda: gettext(
        "This kiosk belongs to no station of the event."
    ),
    "This station has no host link any more; ask the organiser.": lambda: gettext(
        "This station has no host link any more; ask the organiser."
    ),
    "The token is unknown or was revoked.": lambda: gettext("The token is unknown or was revoked."),
    "The request body must be a JSON object.": lambda: gettext(
        "The request body must be a JSON object."
    ),
    "The request body is too large.": lambda: gettext("The request body is too large."),
    "Something went wrong on our side.": lambda: gettext("Something went wrong on our side."),
    "a station of interest cannot also be avoided": lambda: gettext(
        "a station of interest cannot also be avoided"
    ),
    "no parcours with rounds of this event": lambda: gettext(
        "no parcours with rounds of this event"
    ),
}

SERVICE_PATTERNS: list[tuple[re.Pattern[str], Callable[..., str]]] = [
    (re.compile(p), m)
    for p, m in [
        (
            r"^unknown value '(?P<value>.*)'$",
            lambda **kw: gettext("unknown value '%(value)s'", **kw),
        ),
        (
            r"^no station with id (?P<id>\d+)$",
            lambda **kw: gettext("no station with id %(id)s", **kw),
        ),
        (
            r"^no round (?P<r>\d+): the parcours have (?P<n>\d+)$",
            lambda **kw: gettext("there is no round %(r)s: the parcours have %(n)s rounds", **kw),
        ),
        (
            r"^no participant with id (?P<id>\d+)$",
            lambda **kw: gettext("no participant with id %(id)s", **kw),
        ),
        (
            r"^must be between (?P<min>\d+) and (?P<max>\d+)$",
            lambda **kw: gettext("must be between %(min)s and %(max)s", **kw),
        ),
        (
            r"^the clock cannot (?P<what>start|pause|resume|be extended): it is (?P<phase>\w+)$",
            lambda **kw: _clock_refusal(kw["what"], kw["phase"]),
        ),
        (
            r"^too many (?:requests from this token|wrong codes); try again in (?P<s>\d+) s$",
            lambda **kw: gettext("Too many attempts; please try again in %(s)s s.", **kw),
        ),
        (
            r"^the role '(?P<role>\w+)' may not do this$",
            lambda **kw: gettext("This link may not do this."),
        ),
        (
            r"^the plan cannot keep the hard rules: (?P<rest>.*)$",
            lambda **kw: gettext(
                "The plan cannot keep the hard rules: %(rest)s", rest=translate(kw["rest"])
            ),
        ),
        (
            r"^rounds \((?P<rounds>\d+)\) exceed stations(?: with capacity)? \((?P<stations>\d+)\)"
            r": someone would visit a station twice$",
            lambda **kw: gettext(
                "%(rounds)s rounds but only %(stations)s stations: someone would visit a "
                "station twice",
                **kw,
            ),
        ),
        (
            r"^total capacity (?P<total>\d+) < (?P<n>\d+) participants"
            r" in rounds? (?P<when>[\d-]+)$",
            lambda **kw: gettext(
                "the stations hold %(total)s people, but %(n)s take part (round %(when)s)", **kw
            ),
        ),
    ]
]


def _clock_refusal(what: str, phase: str) -> str:
    phases = {
        "not_started": gettext("not started"),
        "running": gettext("running"),
        "paused": gettext("paused"),
        "transition": gettext("changing stations"),
        "finished": gettext("finished"),
    }
    state = phases.get(phase, phase)
    if what == "start":
        return gettext("The clock cannot start: it is %(state)s.", state=state)
    if what == "pause":
        return gettext("The clock cannot pause: it is %(state)s.", state=state)
    if what == "resume":
        return gettext("The clock cannot resume: it is %(state)s.", state=state)
    return gettext("The clock cannot be extended: it is %(state)s.", state=state)


FIELD = re.compile(r"^(?P<path>[a-z_][\w.\[\]]*): (?P<rest>.+)$")


def field_label(path: str) -> str:
    """Return a field path as the page calls it ("rows[2].kind" -> "rows[2].Art")."""
    labels = {
        "name": gettext("Name"),
        "organisation": gettext("Organisation"),
        "kind": gettext("Kind"),
        "email": gettext("E-mail"),
        "phone": gettext("Phone"),
        "language": gettext("Language"),
        "interests": gettext("Interests"),
        "must_visit": gettext("Must visit"),
        "avoid": gettext("Never send to"),
        "stay_put": gettext("Stays put"),
        "absent_rounds": gettext("Away in rounds"),
        "segment_id": gettext("Parcours"),
        "station_code": gettext("Station code"),
        "station_id": gettext("Station"),
        "consent": gettext("Consent"),
        "rounds": gettext("Rounds"),
        "round_minutes": gettext("Minutes per round"),
        "transition_minutes": gettext("Change time"),
        "text": gettext("Text"),
        "plan": gettext("Plan"),
        "participant_ids": gettext("Participants"),
    }
    head, dot, last = path.rpartition(".")
    return f"{head}{dot}{labels.get(last, last)}"


def translate(message: str) -> str:
    """Return one message (also "field: text") in the reader's language."""
    if not has_request_context() or str(get_locale() or "en") == "en":
        return message
    if message in EXACT:
        return EXACT[message]()
    found = FIELD.match(message)
    if found and found.group("path") not in ("http", "https"):
        return f"{field_label(found.group('path'))}: {translate(found.group('rest'))}"
    plain = message.rstrip(".")
    plain = plain[:1].lower() + plain[1:]
    if plain in EXACT:
        return EXACT[plain]()
    for pattern, make in SERVICE_PATTERNS:
        match = pattern.match(plain)
        if match:
            return make(**match.groupdict())
    return localize(plain) if localize(plain) != plain else message


def localize_error(message: str, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return an error's message and field messages in the reader's language."""
    if message in EXACT:  # a whole message (some hold a "; ")
        text = translate(message)
    else:
        text = "; ".join(translate(part) for part in message.split("; "))
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, list):
            out[key] = [translate(v) if isinstance(v, str) else v for v in value]
        elif isinstance(value, str):
            out[key] = translate(value)
        else:
            out[key] = value
    return text, out
