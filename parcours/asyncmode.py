"""The one place that knows about eventlet and gevent."""

from __future__ import annotations

import os


def monkey_patch() -> str:
    """Patch the standard library for the async mode in PARCOURS_ASYNC_MODE; return the mode."""
    mode = os.environ.get("PARCOURS_ASYNC_MODE", "eventlet").strip().lower()
    if mode == "eventlet":
        import warnings

        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        import eventlet

        eventlet.monkey_patch()
        # psycopg waits for PostgreSQL in C (wait_c) unless it sees gevent's patching: under
        # eventlet every query would then block the whole process (no pings, no broadcasts,
        # no other request) for as long as the server takes, and two greenlets contending for
        # a row lock would hang it. select.select is green after monkey_patch, so wait there.
        os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    return mode
