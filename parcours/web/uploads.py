"""Uploads get their own size limit before anything reads the form (CSRF included)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request

View = TypeVar("View", bound=Callable[..., Any])


def upload(factor: int = 1) -> Callable[[View], View]:
    """Mark a view as an upload: MAX_UPLOAD_LENGTH * factor applies to its body and form fields.

    The request's limits must be raised before the form is parsed. CSRF protection parses it in
    a before_request hook, earlier than the view, so a limit set in the view came too late and
    any file above MAX_CONTENT_LENGTH (64 KB) got 413.
    """

    def mark(view: View) -> View:
        view.upload_factor = factor  # type: ignore[attr-defined]
        return view

    return mark


def _raise_limits(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Apply the view's upload limit; url_value_preprocessors run before before_request hooks."""
    view = current_app.view_functions.get(endpoint or "")
    factor = getattr(view, "upload_factor", None)
    if factor:
        most = int(current_app.config["MAX_UPLOAD_LENGTH"]) * factor
        request.max_content_length = most
        request.max_form_memory_size = most


def register_uploads(app: Flask) -> None:
    """Install the hook that gives upload views their limit."""
    app.url_value_preprocessor(_raise_limits)
