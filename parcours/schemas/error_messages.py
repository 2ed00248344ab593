"""Messages in the reader's language: one table for marshmallow's, the services' and the API's.

marshmallow, the services and the API speak English; every message that can reach a page (the
whole message, each field's, "field: text", several joined by "; ") is looked up here, by its
exact text or a pattern, and comes back in the request's language (issue 16, item 6). The
tables hold msgids marked with ``N_`` (a keyword pybabel knows); ``gettext`` translates them
when they are looked up, with the pattern's named groups as their placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import has_request_context
from flask_babel import get_locale, gettext


def N_(msgid: str) -> str:  # noqa: N802 (the name pybabel looks for)
    """Mark a msgid for pybabel; it is translated when it is looked up."""
    return msgid


# Messages that are their own msgid: the services' field messages and whole messages.
SAME = frozenset(
    {
        N_("is required"),
        N_("unknown field"),
        N_("must be a phone number"),
        N_("please confirm that you understand"),
        N_("must not contain control characters"),
        N_("is already registered for this event"),
        N_("is required for a parcours"),
        N_("no station of this event has this code"),
        N_("no station with this code"),
        N_("no participant of this event has this code"),
        N_("no participant of this event has this badge"),
        N_("no such participant"),
        N_("no such station"),
        N_("unknown station"),
        N_("not found"),
        N_("must not be blank"),
        N_("must not be empty"),
        N_("must be an e-mail address"),
        N_("must be an object"),
        N_("must be true to delete"),
        N_("does not match"),
        N_("the plan is locked"),
        N_("not computed yet"),
        N_("no open rounds"),
        N_("the agenda has no parcours with rounds"),
        N_("wrong code"),
        N_("at least 8 characters"),
        N_("is taken"),
        N_("not available"),
        N_("please choose a file"),
        N_("unknown action"),
        N_("out of range"),
        N_("The run of show is already finished."),
        N_("The run of show is finished."),
        N_("The run of show has not started yet."),
        N_("The agenda is empty: there is nothing to run."),
        N_("The clock was changed at the same moment; please try again."),
        N_("The personal data of this event has been deleted."),
        N_("The plan is locked; unlock it before changing it."),
        N_("Every round of the parcours has started; there is nothing left to re-plan."),
        N_("Compute a plan first."),
        N_("There is no plan yet."),
        N_("The agenda has no parcours with rounds; add one before planning."),
        N_("The event is running: items that have started can no longer be moved."),
        N_("This e-mail address is already registered for this event."),
        N_("No event with this join code."),
        N_("No such event."),
        N_("No such participant."),
        N_("No such station."),
        N_("No such station in this event."),
        N_("No such agenda item."),
        N_("No such card."),
        N_("Only cards on the wall can be upvoted."),
        N_("Only a participant has a route."),
        N_("Only a station's host can start kiosk mode."),
        N_("That is not the code that was set for this tablet."),
        N_("This kiosk belongs to no station of the event."),
        N_("This station has no host link any more; ask the organiser."),
        N_("The token is unknown or was revoked."),
        N_("The request body must be a JSON object."),
        N_("The request body is too large."),
        N_("Something went wrong on our side."),
        N_("a station of interest cannot also be avoided"),
        N_("no parcours with rounds of this event"),
        N_("no station has room for one more person who stays put: the plan would be impossible"),
        N_("with these stations avoided the plan would be impossible"),
    }
)

# English text -> msgid where they differ: marshmallow's own words (lower case, no full stop)
# and a few of the services'.
RENAMED = {
    "missing data for required field": N_("is required"),
    "field may not be null": N_("must not be empty"),
    "not a valid email address": N_("must be an e-mail address"),
    "not a valid integer": N_("must be a whole number"),
    "not a valid number": N_("must be a number"),
    "not a valid boolean": N_("must be yes or no"),
    "must be true or false": N_("must be yes or no"),
    "not a valid string": N_("must be text"),
    "not a valid list": N_("must be a list"),
    "not a valid date": N_("must be a date"),
    "not a valid datetime": N_("must be a date"),
    "invalid input": N_("is not valid"),
    "invalid value": N_("is not valid"),
    "string does not match expected pattern": N_("has the wrong format"),
    "must be a UUID (made on the device)": N_("has the wrong format"),
    "must be a UUID": N_("has the wrong format"),
    "must be true: please agree to how your data is used": N_(
        "please agree to how your data is used"
    ),
    "must not contain bidirectional control characters": N_(
        "must not contain characters that turn the writing direction"
    ),
    "must be valid Unicode text": N_("must be valid text"),
    "The personal data of this event has been deleted; nothing can be added.": N_(
        "This event is closed: its personal data has been deleted; nothing can be added."
    ),
}


# the clock's phases (domain.vocabulary.PHASES) and refusals as a refusal names them
PHASE_NAMES = {
    "not_started": N_("not started"),
    "running": N_("running"),
    "paused": N_("paused"),
    "transition": N_("changing stations"),
    "finished": N_("finished"),
}
CLOCK_REFUSALS = {
    "start": N_("The clock cannot start: it is %(state)s."),
    "pause": N_("The clock cannot pause: it is %(state)s."),
    "resume": N_("The clock cannot resume: it is %(state)s."),
    "be extended": N_("The clock cannot be extended: it is %(state)s."),
}


def _clock_refusal(what: str, phase: str) -> str:
    state = gettext(PHASE_NAMES[phase]) if phase in PHASE_NAMES else phase
    return gettext(CLOCK_REFUSALS[what], state=state)


def _hard_rules(rest: str) -> str:
    return gettext("The plan cannot keep the hard rules: %(rest)s", rest=translate(rest))


# (pattern over the message in lower case without its full stop, the msgid its named groups
# fill, or a function of them)
PATTERNS: list[tuple[re.Pattern[str], str | Callable[..., str]]] = [
    (re.compile(pattern), msgid)
    for pattern, msgid in [
        (
            r"^length must be between (?P<min>\d+) and (?P<max>\d+)$",
            N_("must be %(min)s to %(max)s characters long"),
        ),
        (
            r"^longer than maximum length (?P<max>\d+)$",
            N_("must be at most %(max)s characters long"),
        ),
        (
            r"^shorter than minimum length (?P<min>\d+)$",
            N_("must be at least %(min)s characters long"),
        ),
        (
            r"^must be greater than or equal to (?P<min>-?[\d.]+) "
            r"and less than or equal to (?P<max>[\d.]+)$",
            N_("must be between %(min)s and %(max)s"),
        ),
        (
            r"^must be (?:greater than or equal to|at least) (?P<min>[\d.]+)$",
            N_("must be at least %(min)s"),
        ),
        (
            r"^must be (?:less than or equal to|at most) (?P<max>[\d.]+)$",
            N_("must be at most %(max)s"),
        ),
        (r"^must be one of: (?P<choices>.+)$", N_("must be one of: %(choices)s")),
        (r"^unknown value '(?P<value>.*)'$", N_("unknown value '%(value)s'")),
        (r"^no station with id (?P<id>\d+)$", N_("no station with id %(id)s")),
        (r"^no participant with id (?P<id>\d+)$", N_("no participant with id %(id)s")),
        (
            r"^leaves only (?P<left>\d+) stations you may visit for (?P<rounds>\d+) rounds: "
            r"please avoid fewer stations$",
            N_(
                "leaves only %(left)s stations you may visit for %(rounds)s rounds: "
                "please avoid fewer stations"
            ),
        ),
        (
            r"^its own stations leave only (?P<left>\d+) stations for (?P<rounds>\d+) rounds$",
            N_("its own stations leave only %(left)s stations for %(rounds)s rounds"),
        ),
        (
            r"^no round (?P<r>\d+): the parcours have (?P<n>\d+)$",
            N_("there is no round %(r)s: the parcours have %(n)s rounds"),
        ),
        (
            r"^must be between (?P<min>\d+) and (?P<max>\d+)$",
            N_("must be between %(min)s and %(max)s"),
        ),
        (
            r"^the clock cannot (?P<what>start|pause|resume|be extended): it is (?P<phase>\w+)$",
            _clock_refusal,
        ),
        (
            r"^too many (?:requests from this token|wrong codes); try again in (?P<s>\d+) s$",
            N_("Too many attempts; please try again in %(s)s s."),
        ),
        (r"^the role '\w+' may not do this$", N_("This link may not do this.")),
        (r"^the plan cannot keep the hard rules: (?P<rest>.*)$", _hard_rules),
        (
            r"^rounds \((?P<rounds>\d+)\) exceed stations(?: with capacity)? \((?P<stations>\d+)\)"
            r": someone would visit a station twice$",
            N_(
                "%(rounds)s rounds but only %(stations)s stations: someone would visit a "
                "station twice"
            ),
        ),
        (
            r"^total capacity (?P<total>\d+) < (?P<n>\d+) participants"
            r" in rounds? (?P<when>[\d-]+)$",
            N_("the stations hold %(total)s people, but %(n)s take part (round %(when)s)"),
        ),
    ]
]

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


def _english() -> bool:
    """Tell whether messages stay as they are: outside a request, or for an English reader."""
    return not has_request_context() or str(get_locale() or "en") == "en"


def _exact(message: str) -> str | None:
    """Return the translation of a message the tables hold word for word, else None."""
    if message in SAME:
        return gettext(message)
    msgid = RENAMED.get(message)
    return None if msgid is None else gettext(msgid)


def _by_pattern(message: str) -> str | None:
    """Return the translation of a message one of the patterns matches, else None."""
    for pattern, make in PATTERNS:
        match = pattern.match(message)
        if match:
            groups = match.groupdict()
            return make(**groups) if callable(make) else gettext(make, **groups)
    return None


def localize(message: str) -> str:
    """Return a validation message (lower case, no full stop) in the request's language."""
    if _english():
        return message
    found = _exact(message)
    return found if found is not None else _by_pattern(message) or message


def translate(message: str) -> str:
    """Return one message (also "field: text") in the reader's language."""
    if _english():
        return message
    found = _exact(message)
    if found is not None:
        return found
    field = FIELD.match(message)
    if field and field.group("path") not in ("http", "https"):
        return f"{field_label(field.group('path'))}: {translate(field.group('rest'))}"
    plain = message.rstrip(".")
    plain = plain[:1].lower() + plain[1:]
    found = _exact(plain)
    return found if found is not None else _by_pattern(plain) or message


def localize_error(message: str, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return an error's message and field messages in the reader's language."""
    if message in SAME or message in RENAMED:  # a whole message (some hold a "; ")
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
