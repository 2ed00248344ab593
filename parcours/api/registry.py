"""The API's operations: every module that defines some, imported here, in one visible list."""

from __future__ import annotations

from parcours.api import after, attendance, capture, events, kiosk, links, live, plans, wall
from parcours.operations import OPERATIONS, Call, Operation, Result, operation, run

API_MODULES = (events, live, capture, wall, plans, after, kiosk, links, attendance)

__all__ = ["API_MODULES", "Call", "Operation", "Result", "load_operations", "operation", "run"]
__all__ += ["socket_operations"]

_SOCKET_OPERATIONS: dict[str, Operation] = {}


def load_operations() -> dict[str, Operation]:
    """Return every operation, by name (API_MODULES registered them on import)."""
    return OPERATIONS


def socket_operations() -> dict[str, Operation]:
    """Return the operations reachable over the socket, by event name (indexed on first use)."""
    if not _SOCKET_OPERATIONS:  # asked for every socket event: index once, not per event
        _SOCKET_OPERATIONS.update({op.socket: op for op in OPERATIONS.values() if op.socket})
    return _SOCKET_OPERATIONS
