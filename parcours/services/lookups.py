"""Reads the pages and adapters need, which may not import storage: the shared queries.

A thin façade over `parcours.storage.queries` (no rules, no writes).
"""

from __future__ import annotations

from parcours.storage.queries import (
    clock,
    dashboard,
    event,
    event_by_join_code,
    event_of_token,
    host_tokens,
    organiser,
    participant,
    participants_by_name,
    role_token,
    station,
    station_by_code,
)

__all__ = [
    "clock",
    "dashboard",
    "event",
    "event_by_join_code",
    "event_of_token",
    "host_tokens",
    "organiser",
    "participant",
    "participants_by_name",
    "role_token",
    "station",
    "station_by_code",
]
