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
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    return mode
