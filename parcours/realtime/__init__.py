"""Socket.IO: the /live namespace, the rooms, and the one publisher (publisher.py)."""

from __future__ import annotations

from flask import Flask


def register_namespace(app: Flask) -> None:
    """Register the /live namespace and its operations on the app's Socket.IO server.

    Imported here, not at the top: the operations (parcours.api) load parcours.web, which
    the app factory registers after this package was imported.
    """
    from parcours.extensions import socketio
    from parcours.realtime.namespace import LiveNamespace

    live = LiveNamespace("/live")
    socketio.on_namespace(live)
    live.register_operations(app, socketio)
