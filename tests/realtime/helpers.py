"""Helpers for the live tests: a round-robin plan written straight into the database."""

from __future__ import annotations

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from parcours.storage import Assignment, Participant, Segment, Station


def assign_round_robin(session: Session, event_id: int) -> dict[int, list[int]]:
    """Write a plan for the first parcours; return {participant_id: [station ids]}."""
    segment = session.scalar(
        select(Segment).where(Segment.event_id == event_id, Segment.kind == "parcours")
    )
    assert segment is not None
    stations = list(
        session.scalars(select(Station.id).where(Station.event_id == event_id).order_by(Station.id))
    )
    people = list(
        session.scalars(
            select(Participant.id).where(Participant.event_id == event_id).order_by(Participant.id)
        )
    )
    route: dict[int, list[int]] = {}
    for index, pid in enumerate(people):
        for rnd in range(1, segment.rounds + 1):
            sid = stations[(index + rnd - 1) % len(stations)]
            route.setdefault(pid, []).append(sid)
            session.add(
                Assignment(
                    event_id=event_id,
                    segment_id=segment.id,
                    participant_id=pid,
                    round=rnd,
                    station_id=sid,
                    group_no=None,
                )
            )
    session.commit()
    return route


def assign_on(database_url: str, event_id: int) -> dict[int, list[int]]:
    """Write the round-robin plan into a server's database."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            return assign_round_robin(session, event_id)
    finally:
        engine.dispose()
