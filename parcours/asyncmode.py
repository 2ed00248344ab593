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
        from eventlet.websocket import RFC6455WebSocket

        # every frame a phone sends is unmasked byte by byte in a generator there (5 % of the
        # server's time in a burst of notes): the same in one XOR of two integers
        RFC6455WebSocket._apply_mask = staticmethod(apply_mask)  # type: ignore[method-assign]
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    return mode


def apply_mask(data: bytes, mask: bytes, length: int | None = None, offset: int = 0) -> bytes:
    """Unmask (or mask) the first `length` bytes of a websocket frame's payload with the 4-byte
    mask, starting `offset` bytes into it: eventlet's RFC6455WebSocket._apply_mask, in C speed
    (int.from_bytes / to_bytes instead of a bytes object per byte)."""
    if length is None:
        length = len(data)
    if length <= 0:
        return b""
    start = offset % 4
    key = (bytes(mask[start:4]) + bytes(mask[:start])) * (length // 4 + 1)
    masked = int.from_bytes(data[:length], "big") ^ int.from_bytes(key[:length], "big")
    return masked.to_bytes(length, "big")
