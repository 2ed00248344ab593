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
        bound = self._bound({"host": "host", "participant": "participant", "kiosk": "kiosk"})
        if bound is not None:
            return bound
        if self.organiser_id is not None:
            return f"organiser:{self.organiser_id}"
        return self.role

    @property
    def author_key(self) -> str:
        """Return the key under which this actor's client_ids are unique."""
        return self._bound({"participant": "p", "host": "h"}) or self.role

    def _bound(self, prefixes: dict[str, str]) -> str | None:
        """Return '<prefix>:<id>' for a role bound to its participant or station, else None."""
        prefix = prefixes.get(self.role)
        if prefix is None:
            return None
        ident = self.participant_id if self.role == "participant" else self.station_id
        return f"{prefix}:{ident}"

    def is_staff(self) -> bool:
        """Return whether the actor runs the event (organiser or facilitator)."""
        return self.role in STAFF
