"""The /live namespace (filled in by the live run of show)."""

from __future__ import annotations

from flask_socketio import Namespace


class LiveNamespace(Namespace):
    """Token-authenticated realtime channel."""
