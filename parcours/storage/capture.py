"""What people write during the event, announcements and the audit log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parcours.storage.base import Base, utcnow

DEFAULT_ANNOUNCEMENT_MINUTES = 10


class ClientWrite:
    """Columns of a write stored once per client_id (parcours.services.once): id, event, when."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-3)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True, sort_order=-2
    )
    client_id: Mapped[str] = mapped_column(String(36), sort_order=-1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, sort_order=1)


class AboutPerson:
    """Columns of a record about one participant at one station (both must exist)."""

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), sort_order=-1
    )
    station_id: Mapped[int] = mapped_column(
        ForeignKey("stations.id", ondelete="CASCADE"), sort_order=-1
    )


class Note(ClientWrite, Base):
    """A note by a participant or a station host; author is 'p:<id>' or 'h:<station id>'."""

    __tablename__ = "notes"
    __table_args__ = (UniqueConstraint("event_id", "author", "client_id"),)
    author: Mapped[str] = mapped_column(String(24))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE")
    )
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id", ondelete="SET NULL"))
    round: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text)
    via: Mapped[str] = mapped_column(String(8), default="phone")


class FollowUp(ClientWrite, AboutPerson, Base):
    """A participant's "please contact me" request to a station."""

    __tablename__ = "follow_ups"
    __table_args__ = (UniqueConstraint("event_id", "participant_id", "client_id"),)
    topic: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text, default="")
    share_contact: Mapped[bool] = mapped_column(default=False)
    via: Mapped[str] = mapped_column(String(8), default="phone")


class Lead(ClientWrite, AboutPerson, Base):
    """A station host's "we will follow up" record about a participant."""

    __tablename__ = "leads"
    __table_args__ = (UniqueConstraint("event_id", "station_id", "client_id"),)
    topic: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class CheckIn(ClientWrite, AboutPerson, Base):
    """A participant arrived at a station (scanned its QR code or typed its code)."""

    __tablename__ = "check_ins"
    __table_args__ = (UniqueConstraint("event_id", "participant_id", "client_id"),)
    round: Mapped[int | None]
    via: Mapped[str] = mapped_column(String(8), default="phone")


class Announcement(Base):
    """A message shown on the screen and on phones."""

    __tablename__ = "announcements"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime | None] = mapped_column(default=None)  # None: 10 minutes (older rows)

    @property
    def shown_until(self) -> datetime:
        """Return when the announcement leaves the screen and the phones."""
        return self.ends_at or self.created_at + timedelta(minutes=DEFAULT_ANNOUNCEMENT_MINUTES)


class WallCard(ClientWrite, Base):
    """A workshop-wall card: an idea or question, moderated by the facilitator."""

    __tablename__ = "wall_cards"
    __table_args__ = (UniqueConstraint("event_id", "participant_id", "client_id"),)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE")
    )
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(12), default="idea")
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    votes: Mapped[int] = mapped_column(default=0)


class WallVote(Base):
    """One participant's upvote of one card."""

    __tablename__ = "wall_votes"
    __table_args__ = (UniqueConstraint("card_id", "participant_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("wall_cards.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))


class AuditEntry(Base):
    """What was done, when and by whom (shred, exports, clock, logins)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class EventStats(Base):
    """Counts kept after shred, so the report still works."""

    __tablename__ = "event_stats"
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
