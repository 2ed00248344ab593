"""Fixtures for the export tests: a seeded small event and a way to export it."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import example
from tests.exports.records import Seeded, seed


@pytest.fixture
def seeded(app: Any, make_event: Callable[..., dict[str, Any]]) -> tuple[dict[str, Any], Seeded]:
    """Return the small event's description and what was seeded into it."""
    from parcours.extensions import db

    info = make_event(english_small())
    with app.app_context():
        return info, seed(db.session(), info["event_id"])


def english_small() -> dict[str, Any]:
    """Return the small example event in English, so headers read as in these tests."""
    data = example("small")
    data["event"]["language"] = "en"
    return data


@pytest.fixture
def export(app: Any) -> Callable[..., bytes]:
    """Return export(event_id, fmt, station_id=None) -> the file's bytes, as the organiser."""
    from parcours.domain.actors import Actor
    from parcours.extensions import db
    from parcours.services.after import exports

    def run(event_id: int, fmt: str, station_id: int | None = None) -> bytes:
        out = io.BytesIO()
        actor = Actor(role="organiser", event_id=event_id)
        with app.app_context():
            if station_id is None:
                exports.export_event(db.session(), actor, event_id, fmt, out)
            else:
                exports.export_station(db.session(), actor, event_id, station_id, fmt, out)
        return out.getvalue()

    return run
