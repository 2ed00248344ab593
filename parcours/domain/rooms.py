"""Room names: the server puts each socket in the rooms its role needs."""

from __future__ import annotations

from parcours.domain.actors import Actor


def event_room(event_id: int) -> str:
    """Return the room every client of an event is in."""
    return f"event:{event_id}"


def role_room(event_id: int, role: str) -> str:
    """Return the room of one role of an event (e.g. facilitators)."""
    return f"event:{event_id}:{role}"


def station_room(station_id: int) -> str:
    """Return the room of a station's host tablets."""
    return f"station:{station_id}"


def participant_room(participant_id: int) -> str:
    """Return the room of one participant's devices."""
    return f"participant:{participant_id}"


def kiosk_room(station_id: int) -> str:
    """Return the room of a station's tablets in kiosk mode (never the host's station room)."""
    return f"kiosk:{station_id}"


def rooms_for(actor: Actor) -> list[str]:
    """Return the rooms a socket of this actor joins."""
    out = [event_room(actor.event_id), role_room(actor.event_id, actor.role)]
    if actor.role == "kiosk":  # the host's room carries contact details: keep the kiosk out
        return out + ([kiosk_room(actor.station_id)] if actor.station_id is not None else [])
    if actor.station_id is not None:
        out.append(station_room(actor.station_id))
    if actor.participant_id is not None:
        out.append(participant_room(actor.participant_id))
    return out


def token_room(token_id: int) -> str:
    """Return the room of every socket opened with one access token (by its row id)."""
    return f"token:{token_id}"
