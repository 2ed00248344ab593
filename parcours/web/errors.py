"""A friendly error page for browsers (the API answers JSON instead)."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue


def error_page(status: int, message: str) -> ResponseReturnValue:
    """Render the error page with the given status."""
    return render_template("error.html", status=status, message=message), status
