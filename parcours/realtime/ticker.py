"""The clock's background task (filled in by the live run of show)."""

from __future__ import annotations

from typing import Any


def start_ticker(app: Any) -> None:
    """Start the auto-advance task."""
