"""Socket.IO: the /live namespace and the one module that emits."""

from __future__ import annotations

from flask import Flask


def register_namespace(app: Flask) -> None:
    """Register the /live namespace."""
    from parcours.extensions import socketio
    from parcours.realtime.namespace import LiveNamespace

    socketio.on_namespace(LiveNamespace("/live"))
