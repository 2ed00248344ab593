"""What happens when a socket connects or leaves (filled in by the live run of show)."""

from __future__ import annotations

from parcours.domain.actors import Actor


def on_connected(actor: Actor, sid: str) -> None:
    """Send the new socket what it needs to draw (state etc.)."""


def on_disconnected(actor: Actor, sid: str) -> None:
    """Forget the socket."""
