"""The one module that emits to Socket.IO clients (works across processes via the queue)."""

from __future__ import annotations

from typing import Any

from parcours.domain import rooms
from parcours.extensions import socketio

NAMESPACE = "/live"


def publish(name: str, data: Any, room: str) -> None:
    """Send one event to one room of /live."""
    socketio.emit(name, data, to=room, namespace=NAMESPACE)


def to_event(event_id: int, name: str, data: Any) -> None:
    """Send one event to every client of an event: one broadcast, nothing per participant."""
    publish(name, data, rooms.event_room(event_id))


def to_role(event_id: int, role: str, name: str, data: Any) -> None:
    """Send one event to the clients of one role (e.g. 'facilitator', 'screen')."""
    publish(name, data, rooms.role_room(event_id, role))


def to_station(station_id: int, name: str, data: Any) -> None:
    """Send one event to a station's host tablets."""
    publish(name, data, rooms.station_room(station_id))


def to_participant(participant_id: int, name: str, data: Any) -> None:
    """Send one event to one participant's devices."""
    publish(name, data, rooms.participant_room(participant_id))


def to_sid(sid: str, name: str, data: Any) -> None:
    """Send one event to one socket (e.g. the state right after it connected)."""
    socketio.emit(name, data, to=sid, namespace=NAMESPACE)
