"""Day-of changes to a plan whose cards are printed: the absent leave, the newcomers get a place.

Nobody present is moved here: the open rounds lose the placements of people marked absent,
and each present person without a station in an open round gets one through the latecomer
rule (``plans.latecomers``). ``describe_changes`` tells the console what moved.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from parcours.domain.actors import Actor
from parcours.services.common import audit
from parcours.services.plans.data import (
    Row,
    announce,
    evaluate_rows,
    latest_run,
    plan_json,
    stored_rows,
)
from parcours.services.plans.latecomers import place_latecomer
from parcours.storage import Assignment, Event, Participant, Segment


def drop_open_rows(session: Session, segment: Segment, pids: list[int], started: int) -> int:
    """Delete the placements of some people in the rounds not yet started (no commit)."""
    if not pids:
        return 0
    result = session.execute(
        delete(Assignment).where(
            Assignment.segment_id == segment.id,
            Assignment.round > started,
            Assignment.participant_id.in_(pids),
        ),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)


def absent_ids(session: Session, event_id: int) -> list[int]:
    """Return the ids of the participants marked not present."""
    return list(
        session.scalars(
            select(Participant.id).where(
                Participant.event_id == event_id, Participant.present.is_(False)
            )
        )
    )


def missing_places(session: Session, event: Event, segment: Segment, started: int) -> list[int]:
    """Return the present participants lacking a station in some open round."""
    need = segment.rounds - started
    placed: dict[int, int] = defaultdict(int)
    for pid, rnd, _sid, _group in stored_rows(session, segment.id):
        if rnd > started:
            placed[pid] += 1
    present = session.scalars(
        select(Participant.id)
        .where(Participant.event_id == event.id, Participant.present.is_(True))
        .order_by(Participant.id)
    )
    return [pid for pid in present if placed[pid] < need]


def fill_open_rounds(
    session: Session, actor: Actor | None, event: Event, segment: Segment, started: int
) -> dict[str, Any]:
    """Re-plan a locked plan: the absent leave the open rounds, the unplaced get a place."""
    gone = absent_ids(session, event.id)
    removed = drop_open_rows(session, segment, gone, started)
    audit(
        session,
        event.id,
        actor.label if actor else "system",
        "plan.replan",
        locked=True,
        kept_rounds=started,
        removed_rows=removed,
    )
    session.commit()
    for pid in missing_places(session, event, segment, started):
        place_latecomer(session, event.id, pid)
    remeasure(session, event, segment, started)
    announce(event.id, segment.id, "plan.replan", started)
    run = latest_run(session, segment.id)
    assert run is not None  # checked by the caller
    return plan_json(session, segment, run)


def remeasure(session: Session, event: Event, segment: Segment, started: int) -> None:
    """Measure the latest run's metrics again over the stored rows (its counters kept)."""
    run = latest_run(session, segment.id)
    if run is None:
        return
    metrics = evaluate_rows(session, event, segment, started)
    old = dict(run.metrics or {})
    for key in ("seed", "seconds", "kept_rounds", "manual_moves", "latecomers"):
        if key in old:
            metrics[key] = old[key]
    run.metrics = metrics
    session.commit()


def _routes(rows: list[Row], started: int) -> dict[int, dict[int, int]]:
    out: dict[int, dict[int, int]] = defaultdict(dict)
    for pid, rnd, sid, _group in rows:
        if rnd > started:
            out[pid][rnd] = sid
    return out


def describe_changes(
    session: Session, event_id: int, segment: Segment, before: list[Row], started: int
) -> dict[str, Any]:
    """Compare the open rounds before and after a change: who left, who came, who moved."""
    old, new = _routes(before, started), _routes(stored_rows(session, segment.id), started)
    people = {
        p.id: p
        for p in session.scalars(select(Participant).where(Participant.event_id == event_id))
    }

    def entry(pid: int) -> dict[str, Any]:
        person = people.get(pid)
        return {"participant_id": pid, "name": person.name if person else f"P-{pid:04d}"}

    removed = sorted((p for p in old if not new.get(p)), key=lambda p: entry(p)["name"])
    placed = sorted((p for p in new if not old.get(p)), key=lambda p: entry(p)["name"])
    moved = sorted(
        (p for p in new if old.get(p) and old[p] != new[p]), key=lambda p: entry(p)["name"]
    )
    need = segment.rounds - started
    unplaced = sorted(
        (p.id for p in people.values() if p.present and len(new.get(p.id, {})) < need),
        key=lambda p: entry(p)["name"],
    )
    return {
        "kept_rounds": started,
        "rounds": segment.rounds,
        "removed": [entry(p) for p in removed],
        "placed": [entry(p) for p in placed],
        "moved": [entry(p) for p in moved],
        "unplaced": [entry(p) for p in unplaced],
    }
