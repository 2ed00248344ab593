"""Run the production server with socketio.run (never the reloader)."""

from __future__ import annotations

import os
from typing import Any

from parcours.extensions import socketio

MAX_CONNECTIONS = int(os.environ.get("PARCOURS_MAX_CONNECTIONS", "10000"))


def raise_file_limit(wanted: int) -> None:
    """Raise the soft open-files limit so thousands of sockets fit."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        target = min(hard, max(soft, wanted)) if hard != resource.RLIM_INFINITY else wanted
        if target > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ImportError, ValueError, OSError):
        pass


def serve(app: Any, host: str, port: int | None) -> None:
    """Serve app on host:port with the configured async mode."""
    port = port or int(os.environ.get("PORT", "5000"))
    raise_file_limit(MAX_CONNECTIONS + 256)
    mode = app.config["ASYNC_MODE"]
    options: dict[str, Any] = {"host": host, "port": port, "use_reloader": False, "debug": False}
    if mode == "eventlet":
        options["max_size"] = MAX_CONNECTIONS  # eventlet's default cap of 1,024 hangs clients
        options["log_output"] = os.environ.get("PARCOURS_ACCESS_LOG") == "1"
    elif mode == "gevent":
        options["log_output"] = os.environ.get("PARCOURS_ACCESS_LOG") == "1"  # run() maps it to log
    else:
        options["allow_unsafe_werkzeug"] = True
    from parcours.realtime.ticker import start_ticker

    start_ticker(app)
    from parcours.services.retention import start_retention

    start_retention(app)  # deletes personal data retention_days after each event
    from parcours.realtime.revoke import start_listener

    start_listener(app)  # ends sockets whose token another process revoked
    print(f"parcours serving on http://{host}:{port} ({mode})", flush=True)
    socketio.run(app, **options)
