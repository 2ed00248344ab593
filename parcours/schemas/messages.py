"""Validation messages in the reader's language: marshmallow speaks English, parcours German."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import has_request_context
from flask_babel import get_locale, gettext

# (pattern over the lower-cased message without its full stop, message id with named groups)
PATTERNS: list[tuple[re.Pattern[str], Callable[..., str]]] = [
    (re.compile(p), m)
    for p, m in [
        (r"^missing data for required field$", lambda: gettext("is required")),
        (r"^is required$", lambda: gettext("is required")),
        (r"^unknown field$", lambda: gettext("unknown field")),
        (r"^field may not be null$", lambda: gettext("must not be empty")),
        (r"^not a valid email address$", lambda: gettext("must be an e-mail address")),
        (r"^not a valid integer$", lambda: gettext("must be a whole number")),
        (r"^not a valid number$", lambda: gettext("must be a number")),
        (r"^not a valid boolean$", lambda: gettext("must be yes or no")),
        (r"^not a valid string$", lambda: gettext("must be text")),
        (r"^not a valid list$", lambda: gettext("must be a list")),
        (r"^not a valid (date|datetime)$", lambda **_: gettext("must be a date")),
        (r"^invalid input$", lambda: gettext("is not valid")),
        (r"^invalid value$", lambda: gettext("is not valid")),
        (r"^string does not match expected pattern$", lambda: gettext("has the wrong format")),
        (r"^must be a phone number$", lambda: gettext("must be a phone number")),
        (
            r"^length must be between (?P<min>\d+) and (?P<max>\d+)$",
            lambda **kw: gettext("must be %(min)s to %(max)s characters long", **kw),
        ),
        (
            r"^longer than maximum length (?P<max>\d+)$",
            lambda **kw: gettext("must be at most %(max)s characters long", **kw),
        ),
        (
            r"^shorter than minimum length (?P<min>\d+)$",
            lambda **kw: gettext("must be at least %(min)s characters long", **kw),
        ),
        (
            r"^must be greater than or equal to (?P<min>[\d.]+)$",
            lambda **kw: gettext("must be at least %(min)s", **kw),
        ),
        (
            r"^must be at least (?P<min>[\d.]+)$",
            lambda **kw: gettext("must be at least %(min)s", **kw),
        ),
        (
            r"^must be less than or equal to (?P<max>[\d.]+)$",
            lambda **kw: gettext("must be at most %(max)s", **kw),
        ),
        (
            r"^must be at most (?P<max>[\d.]+)$",
            lambda **kw: gettext("must be at most %(max)s", **kw),
        ),
        (
            r"^must be one of: (?P<choices>.+)$",
            lambda **kw: gettext("must be one of: %(choices)s", **kw),
        ),
        (
            r"^must be true: please agree to how your data is used$",
            lambda: gettext("please agree to how your data is used"),
        ),
        (
            r"^please confirm that you understand$",
            lambda: gettext("please confirm that you understand"),
        ),
        (
            r"^must not contain control characters$",
            lambda: gettext("must not contain control characters"),
        ),
        (
            r"^must not contain bidirectional control characters$",
            lambda: gettext("must not contain characters that turn the writing direction"),
        ),
        (r"^must be valid Unicode text$", lambda: gettext("must be valid text")),
        (r"^must be true or false$", lambda: gettext("must be yes or no")),
    ]
]


def localize(message: str) -> str:
    """Return a validation message in the request's language (unchanged outside a request)."""
    if not has_request_context() or str(get_locale() or "en") == "en":
        return message
    for pattern, translate in PATTERNS:
        match = pattern.match(message)
        if match:
            return translate(**match.groupdict())
    return message
