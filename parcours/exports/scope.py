"""What every export needs: the event, an optional station, lookups and the consent rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from parcours.storage import Event, FollowUp, Participant, Station

KIND_LABELS = {
    "company": _l("Company"),
    "authority": _l("Authority"),
    "organisation": _l("Association or organisation"),
    "chamber": _l("Chamber"),
    "jobseeker": _l("Refugee or job seeker"),
    "volunteer": _l("Volunteer"),
    "other": _l("Other"),
}


VIA_LABELS = {
    "phone": _l("own phone"),
    "tablet": _l("station tablet (host)"),
    "kiosk": _l("station tablet (kiosk)"),
}


@dataclass(frozen=True)
class Person:
    """The fields of a participant an export may show."""

    id: int
    pseudonym: str
    name: str
    organisation: str
    kind: str
    email: str
    phone: str


@dataclass(frozen=True)
class Shown:
    """A participant as one row shows them: with contact details or as a pseudonym."""

    name: str
    organisation: str
    email: str
    phone: str
    consented: bool


class ExportScope:
    """The event (and optionally one station) an export covers, with its lookups."""

    def __init__(
        self,
        session: Session,
        event: Event,
        station_id: int | None = None,
        pause: Callable[[], Any] | None = None,
    ) -> None:
        self.session = session
        self.pause = pause  # lets other green threads run during a long export (eventlet)
        self.event = event
        self.station_id = station_id
        self.tz = _zone(event.timezone)
        self.stations: dict[int, Station] = {
            s.id: s
            for s in session.scalars(
                select(Station).where(Station.event_id == event.id).order_by(Station.position)
            )
        }
        self._people: dict[int, Person] | None = None
        self._consent: set[tuple[int, int]] | None = None
        self._words: dict[Any, str] = {}

    def memo(self, key: Any, make: Callable[[], str]) -> str:
        """Return a translated text, made once per export (gettext per row is slow)."""
        if key not in self._words:
            self._words[key] = make()
        return self._words[key]

    def word(self, key: Any) -> str:
        """Return the label of a kind of organisation, or Yes/No for a bool."""
        return self.memo(key, lambda: yes_no(key) if isinstance(key, bool) else kind_label(key))

    def via(self, key: str | None) -> str:
        """Return where a record was entered, in the current language (kiosk entries say so)."""
        return self.memo(("via", key), lambda: str(VIA_LABELS.get(key or "", key or "")))

    def for_station(self, station_id: int) -> ExportScope:
        """Return the same event's scope for one station, sharing the lookups."""
        other = ExportScope.__new__(ExportScope)
        other.__dict__.update(self.__dict__)
        other.station_id = station_id
        return other

    @property
    def station(self) -> Station | None:
        """Return the station this scope is limited to, if any."""
        return self.stations.get(self.station_id) if self.station_id is not None else None

    @property
    def people(self) -> dict[int, Person]:
        """Return every participant of the event by id (loaded once)."""
        if self._people is None:
            rows = self.session.execute(
                select(
                    Participant.id,
                    Participant.name,
                    Participant.organisation,
                    Participant.kind,
                    Participant.email,
                    Participant.phone,
                ).where(Participant.event_id == self.event.id)
            )
            self._people = {
                r.id: Person(
                    r.id,
                    f"P-{r.id:04d}",
                    r.name,
                    r.organisation,
                    r.kind,
                    r.email or "",
                    r.phone or "",
                )
                for r in rows
            }
        return self._people

    @property
    def consent(self) -> set[tuple[int, int]]:
        """Return the (participant, station) pairs where the participant agreed to share.

        The consent rule, the same on the host's tablet, in every export and in the report:
        consent is per person and station. Once a person agreed, in any of their contact
        requests to a station, that station sees their name and contact details on all of their
        records with it (requests and its leads about them); until then, and after the person
        withdrew it, a pseudonym.
        """
        if self._consent is None:
            rows = self.session.execute(
                select(FollowUp.participant_id, FollowUp.station_id)
                .where(FollowUp.event_id == self.event.id, FollowUp.share_contact.is_(True))
                .distinct()
            )
            self._consent = {(r[0], r[1]) for r in rows}
        return self._consent

    def shown(self, participant_id: int | None, station_id: int | None) -> Shown:
        """Return a participant with contact details if they consented for the station."""
        person = self.people.get(participant_id) if participant_id is not None else None
        if person is None:
            return Shown("", "", "", "", False)
        if station_id is not None and (person.id, station_id) in self.consent:
            return Shown(person.name, person.organisation, person.email, person.phone, True)
        return Shown(person.pseudonym, "", "", "", False)

    def pseudonym(self, participant_id: int | None) -> str:
        """Return a participant's pseudonym ('' for none)."""
        return f"P-{participant_id:04d}" if participant_id is not None else ""

    def station_name(self, station_id: int | None) -> str:
        """Return a station's name ('' for none)."""
        station = self.stations.get(station_id) if station_id is not None else None
        return station.name if station else ""

    def local(self, moment: datetime | None) -> datetime | None:
        """Return a moment as naive local time of the event (spreadsheets know no zones)."""
        if moment is None:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.tz).replace(tzinfo=None, microsecond=0)

    def filename(self, stem: str, ext: str) -> str:
        """Return a download name like 'parcours-12-follow-ups-AB12.xlsx'."""
        parts = ["parcours", str(self.event.id), stem]
        if self.station is not None:
            parts.append(self.station.code)
        return "-".join(parts) + "." + ext


def kind_label(kind: str) -> str:
    """Return the readable name of a kind of organisation."""
    return str(KIND_LABELS.get(kind, kind))


def yes_no(value: Any) -> str:
    """Return 'Yes' or 'No' in the current language."""
    return _("Yes") if value else _("No")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Europe/Berlin")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
