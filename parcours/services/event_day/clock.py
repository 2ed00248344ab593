"""The live clock: read the state, apply the facilitator's actions, advance by itself.

The clock row is changed only by compare-and-set on its `version`, so two server
processes (or a ticker and a facilitator) never both apply a step.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from parcours.domain import clock as machine
from parcours.domain.actors import Actor
from parcours.domain.clock import ClockFields, Part
from parcours.domain.errors import Conflict
from parcours.domain.vocabulary import STAFF
from parcours.services.common import get_event, require_event
from parcours.storage import AuditEntry, Clock, Event, Segment, utcnow

CAS_ATTEMPTS = 4


@dataclass(frozen=True)
class Snapshot:
    """The clock of one event with the agenda it runs over."""

    event: Event
    segments: list[Segment]
    fields: ClockFields
    version: int

    @property
    def agenda(self) -> list[Part]:
        """Return the agenda as the pure clock sees it."""
        return [part_of(s) for s in self.segments]


def part_of(segment: Segment) -> Part:
    """Return the clock's view of an agenda segment."""
    return Part(**{f.name: getattr(segment, f.name) for f in dataclasses.fields(Part)})


def segments_of(session: Session, event_id: int) -> list[Segment]:
    """Return the event's agenda in order."""
    query = select(Segment).where(Segment.event_id == event_id).order_by(Segment.position)
    return list(session.scalars(query))


def load_snapshot(session: Session, event: Event) -> Snapshot:
    """Read the clock row (creating it when missing) and the agenda, fresh from the database."""
    row = session.scalar(
        select(Clock).where(Clock.event_id == event.id).execution_options(populate_existing=True)
    )
    if row is None:
        row = Clock(event_id=event.id)
        session.add(row)
        session.flush()
    fields = ClockFields(**{f.name: getattr(row, f.name) for f in dataclasses.fields(ClockFields)})
    return Snapshot(event, segments_of(session, event.id), fields, row.version)


# The round change is the write before a broadcast to every phone: its two statements are
# built once, on the tables, so SQLAlchemy does not compute a new cache key and look up the
# compiled form at every press (~a third of the work before the broadcast, py-spy).
_CLOCKS, _AUDIT = Clock.__table__, AuditEntry.__table__
_CAS = update(_CLOCKS).where(
    _CLOCKS.c.event_id == bindparam("cas_event"), _CLOCKS.c.version == bindparam("cas_seen")
)  # SET from the execution's parameters
_AUDIT_INSERT = insert(_AUDIT)


def _store(session: Session, snap: Snapshot, new: ClockFields, now: datetime) -> bool:
    """Write new fields if nobody changed the clock since snap was read; return success."""
    result = session.execute(
        _CAS,
        {
            "cas_event": snap.event.id,
            "cas_seen": snap.version,
            "segment_index": new.segment_index,
            "round": new.round,
            "phase": new.phase,
            "paused_phase": new.paused_phase,
            "ends_at": new.ends_at,
            "remaining_s": new.remaining_s,
            "version": snap.version + 1,
            "updated_at": now,
        },
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def _audit(session: Session, event_id: int, actor: str, action: str, **detail: Any) -> None:
    """Record a clock change in the audit log (a plain insert: this path is hot)."""
    session.execute(
        _AUDIT_INSERT,
        {"event_id": event_id, "actor": actor, "action": action, "detail": detail},
    )


def _segment_ref(segments: list[Segment], index: int) -> dict[str, Any] | None:
    if not 0 <= index < len(segments):
        return None
    s = segments[index]
    return {
        "index": index,
        "id": s.id,
        "title": s.title,
        "kind": s.kind,
        "minutes": s.minutes,
        "rounds": s.rounds,
        "round_minutes": s.round_minutes,
        "transition_minutes": s.transition_minutes,
        "mode": s.mode,
    }


def _step_ref(segments: list[Segment], step: machine.Step | None) -> dict[str, Any] | None:
    if step is None:
        return None
    return {
        "segment": _segment_ref(segments, step.segment_index),
        "round": step.round or None,
        "phase": step.phase,
        "duration_s": step.seconds,
    }


def build_state(snap: Snapshot, now: datetime) -> dict[str, Any]:
    """Return the live snapshot of CONTRACT §3 (datetimes as objects; the schema formats)."""
    agenda, fields = snap.agenda, snap.fields
    step = machine.current_step(agenda, fields)
    index = step.segment_index if step is not None else fields.segment_index
    if fields.phase == "finished" or step is None:
        index = min(fields.segment_index, len(agenda) - 1)
    part = agenda[index] if 0 <= index < len(agenda) else None
    is_parcours = part is not None and part.is_parcours
    current_round = (step.round if step is not None else fields.round) if is_parcours else None
    if fields.phase == "finished":
        current_round = fields.round if is_parcours else None
    return {
        "server_time": now,
        "event_id": snap.event.id,
        "segment": _segment_ref(snap.segments, index),
        "round": current_round,
        "rounds": part.rounds if part is not None and is_parcours else 0,
        "phase": fields.phase,
        "paused_phase": fields.paused_phase,
        "ends_at": fields.ends_at,
        "remaining_s": machine.remaining(agenda, fields, now),
        "duration_s": step.seconds if step is not None and fields.phase != "finished" else None,
        "auto_advance": bool(snap.event.auto_advance and machine.auto_advances(agenda, fields)),
        "total_segments": len(agenda),
        "next": _step_ref(snap.segments, machine.following_step(agenda, fields)),
        "timetable": timetable(snap, now, index),
        "version": snap.version,
    }


def timetable(snap: Snapshot, now: datetime, index: int) -> dict[str, Any] | None:
    """Return the expected times of the parcours now running or next: its rounds and its end."""
    agenda = snap.agenda
    ahead = [i for i, part in enumerate(agenda) if part.is_parcours and i >= index]
    if not ahead or snap.fields.phase == "finished":
        return None
    target = ahead[0]
    slots, floating = machine.expected(agenda, snap.fields, now, snap.event.starts_at)
    mine = [slot for slot in slots if slot.step.segment_index == target]
    if not mine:
        return None
    rounds = [
        {"round": slot.step.round, "starts_at": slot.start, "ends_at": slot.end}
        for slot in mine
        if slot.step.phase == "running"
    ]
    return {
        "segment_index": target,
        "ends_at": mine[-1].end,
        "rounds": rounds,
        "floating": floating,
    }


def get_state(session: Session, actor: Actor, event_id: int) -> dict[str, Any]:
    """Return the live state for any token of the event."""
    event = require_event(session, actor, event_id)
    return build_state(load_snapshot(session, event), utcnow())


def state_of(session: Session, event_id: int) -> dict[str, Any]:
    """Return the live state of an event (no actor: for the server's own use)."""
    return build_state(load_snapshot(session, get_event(session, event_id)), utcnow())


def apply_action(
    session: Session, actor: Actor, event_id: int, action: str, seconds: int | None = None
) -> dict[str, Any]:
    """Apply a facilitator's clock action, commit it with an audit entry; return the new state."""
    event = require_event(session, actor, event_id, *STAFF)
    for _attempt in range(CAS_ATTEMPTS):
        snap = load_snapshot(session, event)
        now = utcnow()
        new = machine.apply(snap.agenda, snap.fields, action, now, seconds)
        if _store(session, snap, new, now):
            detail: dict[str, Any] = {"segment": new.segment_index, "round": new.round}
            if seconds is not None:
                detail["seconds"] = seconds
            _audit(session, event_id, actor.label, f"clock.{action}", phase=new.phase, **detail)
            session.commit()
            return build_state(Snapshot(event, snap.segments, new, snap.version + 1), now)
        session.rollback()
    raise Conflict("The clock was changed at the same moment; please try again.")


def auto_advance(
    session: Session, event_id: int, now: datetime | None = None
) -> dict[str, Any] | None:
    """Move a parcours on past every passed deadline; return the new state, or None."""
    now = now or utcnow()
    event = get_event(session, event_id)
    if not event.auto_advance:
        return None
    snap = load_snapshot(session, event)
    new = machine.catch_up(snap.agenda, snap.fields, now)
    if new is None:
        session.rollback()
        return None
    if not _store(session, snap, new, now):
        session.rollback()  # another process advanced it first
        return None
    _audit(session, event_id, "clock", "clock.auto", segment=new.segment_index, round=new.round)
    session.commit()
    return build_state(Snapshot(event, snap.segments, new, snap.version + 1), now)


def ticking_clocks(session: Session) -> list[tuple[int, datetime, int]]:
    """Return (event_id, ends_at, version) of every running clock whose event auto-advances."""
    query = (
        select(Clock.event_id, Clock.ends_at, Clock.version)
        .join(Event, Event.id == Clock.event_id)
        .where(Event.auto_advance.is_(True), Clock.phase.in_(machine.TICKING))
        .where(Clock.ends_at.is_not(None))
    )
    return [(e, t, v) for e, t, v in session.execute(query).all() if t is not None]


def clock_versions(session: Session, event_ids: set[int]) -> dict[int, int]:
    """Return {event_id: clock version} of the given events, whatever their clock's phase."""
    if not event_ids:
        return {}
    query = select(Clock.event_id, Clock.version).where(Clock.event_id.in_(event_ids))
    return {e: v for e, v in session.execute(query).all()}


@dataclass(frozen=True)
class Position:
    """Where the event is in its parcours: the segment, the round, and whether it is ahead."""

    segment: Segment | None
    round: int | None
    upcoming: bool
    index: int | None = None


def position(snap: Snapshot) -> Position:
    """Return the parcours the live pages are about (current, else next, else last) and round."""
    index = snap.fields.segment_index
    parcours = [(i, s) for i, s in enumerate(snap.segments) if s.kind == "parcours" and s.rounds]
    if not parcours:
        return Position(None, None, False)
    ahead = [(i, s) for i, s in parcours if i >= index]
    pos, seg = ahead[0] if ahead else parcours[-1]
    phase = snap.fields.phase
    if pos > index or phase == "not_started":
        return Position(seg, 1, True, pos)
    if pos < index or phase == "finished":
        return Position(seg, None, False, pos)
    return Position(seg, max(1, snap.fields.round), False, pos)
