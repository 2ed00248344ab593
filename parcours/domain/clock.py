"""The clock of the run of show: a pure state machine over the agenda.

The agenda unrolls into steps. A plain segment is one step; a parcours segment is
round 1, transition, round 2, ... (a transition only where transition_minutes > 0).
During a transition `round` is the round people are walking to, so the board shows
where to go. Auto-advance moves only inside a parcours; a segment's end waits for
the facilitator. Catching up after downtime chains deadlines, so a restart lands
where the schedule says.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from parcours.domain.errors import Conflict, Invalid

ACTIONS = ("start", "pause", "resume", "extend", "next", "previous", "finish")
TICKING = ("running", "transition")
MAX_EXTEND_S = 4 * 3600


@dataclass(frozen=True)
class Part:
    """One agenda segment as the clock sees it."""

    title: str
    kind: str = "talk"
    minutes: int = 10
    rounds: int = 0
    round_minutes: int = 0
    transition_minutes: int = 0

    @property
    def is_parcours(self) -> bool:
        """Return whether the segment expands into rounds."""
        return self.kind == "parcours" and self.rounds > 0


@dataclass(frozen=True)
class ClockFields:
    """What is stored of the clock (the row minus bookkeeping)."""

    segment_index: int = 0
    round: int = 0
    phase: str = "not_started"
    paused_phase: str | None = None
    ends_at: datetime | None = None
    remaining_s: float | None = None


@dataclass(frozen=True)
class Step:
    """One timed part of the unrolled agenda."""

    segment_index: int
    round: int
    phase: str
    seconds: int


def unroll(agenda: list[Part]) -> list[Step]:
    """Return the timed steps of the whole agenda, in order."""
    steps: list[Step] = []
    for index, part in enumerate(agenda):
        if not part.is_parcours:
            steps.append(Step(index, 0, "running", max(1, part.minutes) * 60))
            continue
        for rnd in range(1, part.rounds + 1):
            if rnd > 1 and part.transition_minutes > 0:
                steps.append(Step(index, rnd, "transition", part.transition_minutes * 60))
            steps.append(Step(index, rnd, "running", max(1, part.round_minutes) * 60))
    return steps


def cursor(steps: list[Step], fields: ClockFields) -> int:
    """Return the index of the current (or, before the start, the first) step."""
    if fields.phase == "finished":
        return len(steps)
    phase = fields.paused_phase if fields.phase == "paused" else fields.phase
    if phase == "not_started":
        phase = "running"
    fallback = None
    for index, step in enumerate(steps):
        if step.segment_index != fields.segment_index:
            continue
        if step.round == fields.round and step.phase == phase:
            return index
        if fallback is None or step.round <= fields.round:
            fallback = index
    if fallback is not None:
        return fallback
    later = [i for i, s in enumerate(steps) if s.segment_index > fields.segment_index]
    return later[0] if later else len(steps)


def _run(step: Step, starts: datetime) -> ClockFields:
    return ClockFields(
        segment_index=step.segment_index,
        round=step.round,
        phase=step.phase,
        ends_at=starts + timedelta(seconds=step.seconds),
    )


def _finished(fields: ClockFields) -> ClockFields:
    return ClockFields(segment_index=fields.segment_index, round=fields.round, phase="finished")


def apply(
    agenda: list[Part], fields: ClockFields, action: str, now: datetime, seconds: int | None = None
) -> ClockFields:
    """Apply a facilitator's action; raise Conflict where it makes no sense now."""
    steps = unroll(agenda)
    if not steps:
        raise Conflict("The agenda is empty: there is nothing to run.")
    handler = _HANDLERS.get(action)
    if handler is None:
        raise Invalid(f"Unknown action '{action}'.", {"action": ["unknown action"]})
    return handler(steps, fields, now, seconds)


def _start(steps: list[Step], f: ClockFields, now: datetime, _s: int | None) -> ClockFields:
    if f.phase == "paused":
        return _resume(steps, f, now, None)
    if f.phase != "not_started":
        raise Conflict(f"The clock cannot start: it is {f.phase}.")
    return _run(steps[min(cursor(steps, f), len(steps) - 1)], now)


def _pause(steps: list[Step], f: ClockFields, now: datetime, _s: int | None) -> ClockFields:
    if f.phase not in TICKING or f.ends_at is None:
        raise Conflict(f"The clock cannot pause: it is {f.phase}.")
    left = max(0.0, (f.ends_at - now).total_seconds())
    return replace(f, phase="paused", paused_phase=f.phase, ends_at=None, remaining_s=left)


def _resume(steps: list[Step], f: ClockFields, now: datetime, _s: int | None) -> ClockFields:
    if f.phase != "paused":
        raise Conflict(f"The clock cannot resume: it is {f.phase}.")
    left = f.remaining_s or 0.0
    phase = f.paused_phase if f.paused_phase in TICKING else "running"
    return replace(
        f, phase=phase, paused_phase=None, remaining_s=None, ends_at=now + timedelta(seconds=left)
    )


def _extend(steps: list[Step], f: ClockFields, now: datetime, s: int | None) -> ClockFields:
    seconds = 60 if s is None else s
    if not -MAX_EXTEND_S <= seconds <= MAX_EXTEND_S:
        raise Invalid("seconds: out of range", {"seconds": [f"must be within ±{MAX_EXTEND_S}"]})
    if f.phase == "paused":
        return replace(f, remaining_s=max(0.0, (f.remaining_s or 0.0) + seconds))
    if f.phase not in TICKING or f.ends_at is None:
        raise Conflict(f"The clock cannot be extended: it is {f.phase}.")
    return replace(f, ends_at=max(now, f.ends_at + timedelta(seconds=seconds)))


def _next(steps: list[Step], f: ClockFields, now: datetime, _s: int | None) -> ClockFields:
    if f.phase == "finished":
        raise Conflict("The run of show is finished.")
    if f.phase == "not_started":
        return _start(steps, f, now, None)
    index = cursor(steps, f) + 1
    return _run(steps[index], now) if index < len(steps) else _finished(f)


def _previous(steps: list[Step], f: ClockFields, now: datetime, _s: int | None) -> ClockFields:
    if f.phase == "not_started":
        raise Conflict("The run of show has not started yet.")
    index = cursor(steps, f) - 1
    while index >= 0 and steps[index].phase != "running":
        index -= 1
    if index < 0:
        return ClockFields(segment_index=steps[0].segment_index, round=steps[0].round)
    return _run(steps[index], now)


def _finish(steps: list[Step], f: ClockFields, now: datetime, _s: int | None) -> ClockFields:
    if f.phase == "finished":
        raise Conflict("The run of show is already finished.")
    return _finished(f)


_HANDLERS = {
    "start": _start,
    "pause": _pause,
    "resume": _resume,
    "extend": _extend,
    "next": _next,
    "previous": _previous,
    "finish": _finish,
}


def auto_advances(agenda: list[Part], fields: ClockFields) -> bool:
    """Return whether the current step moves on by itself when its time is up."""
    if fields.phase not in TICKING:
        return False
    steps = unroll(agenda)
    index = cursor(steps, fields)
    return index + 1 < len(steps) and steps[index + 1].segment_index == fields.segment_index


def catch_up(agenda: list[Part], fields: ClockFields, now: datetime) -> ClockFields | None:
    """Advance past every deadline that has passed inside a parcours; None if nothing is due."""
    current = fields
    steps = unroll(agenda)
    while current.ends_at is not None and current.ends_at <= now and auto_advances(agenda, current):
        step = steps[cursor(steps, current) + 1]
        current = _run(step, current.ends_at)
    return None if current == fields else current


def current_step(agenda: list[Part], fields: ClockFields) -> Step | None:
    """Return the step the clock is on (or about to start), None when finished."""
    steps = unroll(agenda)
    index = cursor(steps, fields)
    return steps[index] if index < len(steps) else None


def following_step(agenda: list[Part], fields: ClockFields) -> Step | None:
    """Return the step after the current one, None at the end."""
    steps = unroll(agenda)
    index = cursor(steps, fields) + (0 if fields.phase == "not_started" else 1)
    return steps[index] if index < len(steps) else None


def remaining(agenda: list[Part], fields: ClockFields, now: datetime) -> float | None:
    """Return the seconds left of the current part (the full length before the start)."""
    if fields.phase in TICKING and fields.ends_at is not None:
        return max(0.0, (fields.ends_at - now).total_seconds())
    if fields.phase == "paused":
        return fields.remaining_s or 0.0
    if fields.phase == "not_started":
        step = current_step(agenda, fields)
        return float(step.seconds) if step else None
    return None


@dataclass(frozen=True)
class Slot:
    """A step of the agenda with its start and end; start is None for a step already running."""

    step: Step
    start: datetime | None
    end: datetime


def schedule(agenda: list[Part], start: datetime) -> list[Slot]:
    """Return every step with its planned start and end when the agenda runs from start."""
    slots: list[Slot] = []
    at = start
    for step in unroll(agenda):
        end = at + timedelta(seconds=step.seconds)
        slots.append(Slot(step, at, end))
        at = end
    return slots


def expected(
    agenda: list[Part], fields: ClockFields, now: datetime, planned_start: datetime | None
) -> tuple[list[Slot], bool]:
    """Return the steps still to come (the current one first) with their expected times.

    Each later step is expected to start when the one before ends (a segment's end waits for the
    facilitator, so these are estimates). The flag says the times float with the clock: paused,
    or not started although the planned start has passed; they move on as time goes by.
    """
    steps = unroll(agenda)
    index = cursor(steps, fields)
    if fields.phase == "finished" or index >= len(steps):
        return [], False
    current = steps[index]
    floating = False
    if fields.phase in TICKING and fields.ends_at is not None:
        first = Slot(current, None, fields.ends_at)
    elif fields.phase == "paused":
        first = Slot(current, None, now + timedelta(seconds=fields.remaining_s or 0.0))
        floating = True
    else:
        begin = planned_start if planned_start is not None and planned_start > now else now
        floating = begin is now
        first = Slot(current, begin, begin + timedelta(seconds=current.seconds))
    slots = [first]
    at = first.end
    for step in steps[index + 1 :]:
        end = at + timedelta(seconds=step.seconds)
        slots.append(Slot(step, at, end))
        at = end
    return slots, floating
