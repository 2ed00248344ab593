"""Organiser pages: log in, prepare events, import participants, print links and QR codes."""

from __future__ import annotations

from typing import Any


def blueprints() -> list[Any]:
    """Return the organiser blueprint with the routes of every page module."""
    from parcours.web.organiser import (  # noqa: F401
        events,
        links,
        participants,
        registration,
        stations,
    )
    from parcours.web.organiser.auth import bp

    return [bp]
