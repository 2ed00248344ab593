"""Events and what they are made of: agenda, stations, participants, tokens, clock, plan."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parcours.storage.base import Base, utcnow


class Organiser(Base):
    """A person who prepares events; logs in with e-mail and password."""

    __tablename__ = "organisers"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)  # also sees events without an owner
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrganiserSession(Base):
    """One logged-in browser of an organiser; logging out deletes it, so its cookie is dead."""

    __tablename__ = "organiser_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organisers.id", ondelete="CASCADE"), index=True
    )
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the cookie's key
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class Event(Base):
    """One networking event with its agenda, stations and participants."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime | None]
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Berlin")
    language: Mapped[str] = mapped_column(String(5), default="de")
    retention_days: Mapped[int] = mapped_column(default=90)
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    demo_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL")
    )
    auto_advance: Mapped[bool] = mapped_column(default=True)
    plan_locked: Mapped[bool] = mapped_column(default=False)
    max_participants: Mapped[int | None]  # self-registration cap; None: the parcours' places
    registration_open: Mapped[bool] = mapped_column(default=True)
    shredded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    segments: Mapped[list[Segment]] = relationship(
        back_populates="event", order_by="Segment.position", cascade="all, delete-orphan"
    )
    stations: Mapped[list[Station]] = relationship(
        back_populates="event", order_by="Station.position", cascade="all, delete-orphan"
    )
    participants: Mapped[list[Participant]] = relationship(
        back_populates="event", order_by="Participant.id", cascade="all, delete-orphan"
    )


class Segment(Base):
    """One item of the run of show; a parcours segment expands into rounds."""

    __tablename__ = "segments"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="talk")
    minutes: Mapped[int] = mapped_column(default=10)
    rounds: Mapped[int] = mapped_column(default=0)
    round_minutes: Mapped[int] = mapped_column(default=0)
    transition_minutes: Mapped[int] = mapped_column(default=0)
    mode: Mapped[str] = mapped_column(String(12), default="individual")
    plan_locked: Mapped[bool] = mapped_column(default=False)  # this parcours' plan, on its own
    event: Mapped[Event] = relationship(back_populates="segments")


class Station(Base):
    """A table hosted by a company, authority, chamber or association."""

    __tablename__ = "stations"
    __table_args__ = (UniqueConstraint("event_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(8))
    template: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="other")
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(120), default="")
    host: Mapped[str] = mapped_column(String(120), default="")
    capacity: Mapped[int] = mapped_column(default=10)
    organisation: Mapped[str] = mapped_column(String(200), default="")  # whose station it is
    topics: Mapped[list[Any]] = mapped_column(default=list)
    questions: Mapped[list[Any]] = mapped_column(default=list)
    event: Mapped[Event] = relationship(back_populates="stations")


PERSONAL_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no look-alikes (0/O, 1/I)
PERSONAL_CODE_LENGTH = 8


def new_personal_code() -> str:
    """Return a fresh personal code: 8 letters and digits, printed as ABCD-EFGH (40 bits)."""
    return "".join(secrets.choice(PERSONAL_CODE_ALPHABET) for _ in range(PERSONAL_CODE_LENGTH))


class Participant(Base):
    """A person at the event; personal fields are blanked by shred."""

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("event_id", "personal_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default="other")
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5), default="de")
    interests: Mapped[list[Any]] = mapped_column(default=list)  # station ids
    must_visit: Mapped[list[Any]] = mapped_column(default=list)  # station ids
    avoid: Mapped[list[Any]] = mapped_column(default=list)  # station ids never to visit
    stay_put: Mapped[bool] = mapped_column(default=False)  # one station through all rounds
    absent_rounds: Mapped[list[Any]] = mapped_column(default=list)  # parcours rounds away
    source: Mapped[str] = mapped_column(String(12), default="organiser")
    consent_at: Mapped[datetime | None]
    present: Mapped[bool] = mapped_column(default=True)
    # the short code printed on route card and badge: proves who is at a kiosk
    # (see services.capture.kiosk)
    personal_code: Mapped[str | None] = mapped_column(String(12), default=new_personal_code)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    event: Mapped[Event] = relationship(back_populates="participants")

    @property
    def pseudonym(self) -> str:
        """Return the stand-in used where contact details may not be shown."""
        return f"P-{self.id:04d}"

    @property
    def printed_code(self) -> str:
        """Return the personal code as printed: ABCD-EFGH."""
        code = self.personal_code or ""
        return f"{code[:4]}-{code[4:]}" if len(code) == PERSONAL_CODE_LENGTH else code


class AccessToken(Base):
    """A bearer token for one role of one event (host: one station; participant: one person)."""

    __tablename__ = "access_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE")
    )
    kiosk_pin_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class Clock(Base):
    """The event's clock: where the run of show is and when the current part ends."""

    __tablename__ = "clocks"
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    segment_index: Mapped[int] = mapped_column(default=0)
    round: Mapped[int] = mapped_column(default=0)
    phase: Mapped[str] = mapped_column(String(12), default="not_started")
    paused_phase: Mapped[str | None] = mapped_column(String(12))
    ends_at: Mapped[datetime | None]
    remaining_s: Mapped[float | None]
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlanRun(Base):
    """A computed rotation plan for a parcours segment, with its metrics."""

    __tablename__ = "plan_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(12))
    seed: Mapped[int] = mapped_column(default=0)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    """Where one participant goes in one round of a parcours segment."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("segment_id", "participant_id", "round"),
        Index("ix_assignments_station_round", "segment_id", "station_id", "round"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    round: Mapped[int]
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"))
    group_no: Mapped[int | None]
