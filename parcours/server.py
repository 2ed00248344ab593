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


def check_tls(cert: str | None, key: str | None) -> str | None:
    """Return what is wrong with a certificate/key pair (None if both load, or neither is set)."""
    if not cert and not key:
        return None
    if not cert or not key:
        return "HTTPS needs both a certificate (--certfile) and its key (--keyfile)"
    import ssl
    from pathlib import Path

    for path in (cert, key):
        if not Path(path).is_file():
            return f"cannot read {path}"
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except (ssl.SSLError, OSError) as err:
        return f"certificate {cert} and key {key} do not load: {err}"
    return None


def tls_options(app: Any) -> dict[str, Any]:
    """Return the options that make socketio.run serve HTTPS (none without a certificate)."""
    cert, key = app.config.get("TLS_CERT"), app.config.get("TLS_KEY")
    if not cert:
        return {}
    if app.config["ASYNC_MODE"] == "threading":
        return {"ssl_context": (cert, key)}
    return {"certfile": cert, "keyfile": key}


def tune_gc() -> None:
    """Collect garbage less often: thousands of sockets are thousands of long-lived objects that
    every collection of the oldest generation walks again, in the middle of a burst or a
    broadcast. What the app loaded is moved out of the collector's sight (gc.freeze) and a
    collection starts after 20,000 new objects instead of 700. PARCOURS_GC_TUNE=0: Python's own."""
    if os.environ.get("PARCOURS_GC_TUNE", "1") == "0":
        return
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


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
    options.update(tls_options(app))
    from parcours.realtime.ticker import start_ticker

    start_ticker(app)
    from parcours.services.privacy.retention import start_retention

    start_retention(app)  # deletes personal data retention_days after each event
    from parcours.realtime.revoke import start_listener

    start_listener(app)  # ends sockets whose token another process revoked
    tune_gc()
    scheme = "https" if app.config.get("TLS_CERT") else "http"
    print(f"parcours serving on {scheme}://{host}:{port} ({mode})", flush=True)
    socketio.run(app, **options)
