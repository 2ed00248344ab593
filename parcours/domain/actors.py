"""Who is acting: a role bound to one event (and a station or a participant)."""

from __future__ import annotations

from dataclasses import dataclass

from parcours.domain.vocabulary import ROLES, STAFF

__all__ = ["ROLES", "STAFF", "Actor"]


@dataclass(frozen=True)
class Actor:
    """The caller of a use case, resolved from a bearer token or an organiser session."""

    role: str
    event_id: int
    station_id: int | None = None
    participant_id: int | None = None
    organiser_id: int | None = None
    kiosk: bool = False

    @property
    def label(self) -> str:
        """Return a short description for the audit log."""
        if self.role == "host":
            return f"host:{self.station_id}"
        if self.role == "participant":
            return f"participant:{self.participant_id}"
        if self.role == "kiosk":
            return f"kiosk:{self.station_id}"
        if self.organiser_id is not None:
            return f"organiser:{self.organiser_id}"
        return self.role

    @property
    def author_key(self) -> str:
        """Return the key under which this actor's client_ids are unique."""
        if self.role == "participant":
            return f"p:{self.participant_id}"
        if self.role == "host":
            return f"h:{self.station_id}"
        return self.role

    def is_staff(self) -> bool:
        """Return whether the actor runs the event (organiser or facilitator)."""
        return self.role in STAFF
