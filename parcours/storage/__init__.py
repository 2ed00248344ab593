"""SQLAlchemy models, the session and migrations."""

from parcours.storage.base import Base, utcnow
from parcours.storage.capture import (
    Announcement,
    AuditEntry,
    CheckIn,
    EventStats,
    FollowUp,
    Lead,
    Note,
    WallCard,
    WallVote,
)
from parcours.storage.models import (
    AccessToken,
    Assignment,
    Clock,
    Event,
    Organiser,
    OrganiserSession,
    Participant,
    PlanRun,
    Segment,
    Station,
    new_personal_code,
)

__all__ = [
    "new_personal_code",
    "AccessToken",
    "Announcement",
    "Assignment",
    "AuditEntry",
    "Base",
    "CheckIn",
    "Clock",
    "Event",
    "EventStats",
    "FollowUp",
    "Lead",
    "Note",
    "Organiser",
    "OrganiserSession",
    "Participant",
    "PlanRun",
    "Segment",
    "Station",
    "WallCard",
    "WallVote",
    "utcnow",
]
