"""Socket.IO: the /live namespace, the rooms, and the one publisher."""

from __future__ import annotations

from flask import Flask


def register_namespace(app: Flask) -> None:
    """Register the /live namespace and the publisher of what the services broadcast.

    Imported here, not at the top: the operations the namespace runs import realtime.emit,
    which loads this package first.
    """
    from parcours.extensions import socketio
    from parcours.realtime.namespace import LiveNamespace
    from parcours.realtime.publisher import init_publisher

    socketio.on_namespace(LiveNamespace("/live"))
    init_publisher(app)
