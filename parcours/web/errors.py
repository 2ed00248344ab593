"""A friendly error page for browsers (the API answers JSON instead)."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

# Plain words for the HTTP errors a browser meets, instead of werkzeug's English descriptions.
HTTP_PAGES = {
    400: _l("The page could not understand what was sent. Please go back and try again."),
    404: _l("This page does not exist. Please check the address."),
    405: _l("The page could not understand what was sent. Please go back and try again."),
    413: _l("That was too much data at once."),
    429: _l("Too many tries. Please wait a minute and try again."),
}


def error_page(status: int, message: str) -> ResponseReturnValue:
    """Render the error page with the given status."""
    return render_template("error.html", status=status, message=message), status


def http_message(err: HTTPException) -> str:
    """Return an HTTP error's message for the page: its own words if it has any, else ours."""
    status = err.code or 500
    default = getattr(type(err), "description", None)
    if (not err.description or err.description == default) and status in HTTP_PAGES:
        return str(HTTP_PAGES[status])
    return err.description or err.name
