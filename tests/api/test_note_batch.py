"""A batch of notes (the group-commit writer's transaction) reads what its notes share once.

The writer marks its session as a batch (parcours.services.batch); the notes of that batch then
read their event and clock once and the planned stations of all their authors in one query,
and are stored exactly as notes written one by one. Counted on the statements SQLite receives.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select

from tests.conftest import example
from tests.exports.test_postgres import pg_app  # noqa: F401 - the fixture
from tests.realtime.helpers import assign_round_robin
from tests.storage.test_migrations import postgres_url  # noqa: F401 - the fixture


@contextmanager
def statements(engine: Any) -> Iterator[list[str]]:
    """Collect the SQL text of every statement run on engine meanwhile."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, text: str, *_rest: Any) -> None:
        seen.append(text)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def parcours_first(app: Any, make_event: Any) -> tuple[dict[str, Any], dict[int, list[int]]]:
    """The small example with its parcours first and the clock started (round 1 runs)."""
    from parcours.extensions import db
    from parcours.services.event_day.clock import apply_action
    from parcours.services.tokens import token_actors

    data = example("small")
    data["agenda"] = [item for item in data["agenda"] if item.get("kind") == "parcours"]
    ev = make_event(data)
    with app.app_context():
        session = db.session()
        route = assign_round_robin(session, ev["event_id"])
        facilitator = token_actors(session, {ev["facilitator_token"]})[ev["facilitator_token"]]
        state = apply_action(session, facilitator[0], ev["event_id"], "start")
        assert state["phase"] == "running" and state["round"] == 1, state
        db.session.remove()
    return ev, route


def write_notes(app: Any, ev: dict[str, Any], batched: bool) -> tuple[list[Any], list[str]]:
    """Write one note per participant in one session; return the rows and the statements."""
    from parcours.extensions import db
    from parcours.services import batch
    from parcours.services.capture import create_note
    from parcours.services.tokens import token_actors

    with app.app_context():
        session = db.session()
        tokens = {p["token"] for p in ev["participants"]}
        actors = [found[0] for found in token_actors(session, tokens).values()]
        if batched:
            batch.begin(session, {a.participant_id for a in actors})
        rows = []
        with statements(db.engine) as seen:
            for n, actor in enumerate(actors):
                data = {"client_id": f"{batched}-{n}", "text": "Gespräch", "station_id": None}
                row, fresh = create_note(session, actor, {**data, "round": None})
                assert fresh
                rows.append(row)
        db.session.remove()
    return rows, seen


def test_a_batch_reads_clock_and_planned_stations_once(app: Any, make_event: Any) -> None:
    ev, route = parcours_first(app, make_event)
    people = len(ev["participants"])
    assert people >= 5
    one_by_one, alone = write_notes(app, ev, batched=False)
    together, grouped = write_notes(app, ev, batched=True)

    def count(seen: list[str], table: str) -> int:
        return sum(
            1 for text in seen if text.lstrip().upper().startswith("SELECT") and table in text
        )

    assert count(alone, "assignments") == people  # one lookup per note
    assert count(grouped, "assignments") == 1  # one for the whole batch
    assert count(alone, "clocks") == people
    assert count(grouped, "clocks") == 1
    for rows in (one_by_one, together):  # the same stations either way: the plan's, round 1
        assert {(r["participant_id"], r["round"], r["station_id"]) for r in rows} == {
            (pid, 1, stations[0]) for pid, stations in route.items()
        }


def test_a_note_outside_the_batch_s_authors_reads_its_own_station(
    app: Any, make_event: Any
) -> None:
    from parcours.extensions import db
    from parcours.services import batch
    from parcours.services.capture import create_note
    from parcours.services.tokens import token_actors
    from parcours.storage.capture import Note

    ev, route = parcours_first(app, make_event)
    with app.app_context():
        session = db.session()
        token = ev["participants"][0]["token"]
        actor = token_actors(session, {token})[token][0]
        batch.begin(session, set())  # a batch that does not name this author
        data = {"client_id": "x-1", "text": "Gespräch", "station_id": None, "round": None}
        row, fresh = create_note(session, actor, data)
        assert fresh and row["station_id"] == route[actor.participant_id][0]
        stored = session.scalar(select(Note).where(Note.client_id == "x-1"))
        assert stored is not None and stored.station_id == row["station_id"]
        db.session.remove()


def run_batch(
    app: Any, ev: dict[str, Any], bodies: list[dict[str, Any]]
) -> tuple[Any, Any, list[str]]:
    """Commit one batch of socket notes through the group-commit writer, in this process;
    return the writer (its counters) and the jobs (their outcomes), and the statements."""
    from parcours.api.registry import socket_operations
    from parcours.extensions import db
    from parcours.realtime.writer import Job, Writer

    op = socket_operations()["note"]
    people = ev["participants"]
    jobs = [Job(op, people[n % len(people)]["token"], {}, body) for n, body in enumerate(bodies)]
    writer = Writer(app)
    with app.app_context(), statements(db.engine) as seen:
        writer._commit(jobs)
    return writer, jobs, seen


def note(n: int) -> dict[str, Any]:
    return {"client_id": f"00000000-0000-4000-8000-{n:012d}", "text": f"Gespräch {n}"}


def test_a_batch_runs_without_savepoints_and_commits_once(app: Any, make_event: Any) -> None:
    ev, _route = parcours_first(app, make_event)
    writer, jobs, seen = run_batch(app, ev, [note(n) for n in range(5)])
    assert [job.outcome["status"] for job in jobs] == [201] * 5
    assert not [s for s in seen if "SAVEPOINT" in s.upper()], seen
    assert (writer.batches, writer.written, writer.careful) == (1, 5, 0)


def test_a_refused_write_is_left_out_and_the_rest_runs_fast_again(
    app: Any, make_event: Any
) -> None:
    from parcours.realtime.writer import RETRY

    ev, _route = parcours_first(app, make_event)
    bodies = [note(n) for n in range(5)]
    bodies[2] = {"client_id": "not-a-uuid", "text": "x"}  # refused: answered one by one
    writer, jobs, seen = run_batch(app, ev, bodies)
    assert outcomes(jobs) == [201, 201, RETRY, 201, 201]
    assert (writer.written, writer.refused, writer.careful) == (4, 1, 0)
    assert not [s for s in seen if "SAVEPOINT" in s.upper()], seen
    assert stored_ids(app) == sorted(b["client_id"] for n, b in enumerate(bodies) if n != 2)


def test_many_refused_writes_send_the_batch_round_with_a_savepoint_each(
    app: Any, make_event: Any
) -> None:
    from parcours.realtime.writer import FAST_RETRIES, RETRY

    ev, _route = parcours_first(app, make_event)
    bodies = [note(n) for n in range(8)]
    bad = list(range(1, 2 * (FAST_RETRIES + 1), 2))  # more than the fast tries leave out
    for n in bad:
        bodies[n] = {"client_id": f"bad-{n}", "text": "x"}
    writer, jobs, seen = run_batch(app, ev, bodies)
    assert outcomes(jobs) == [RETRY if n in bad else 201 for n in range(8)]
    assert (writer.refused, writer.careful, writer.written) == (FAST_RETRIES + 1, 1, 8 - len(bad))
    assert [s for s in seen if s.upper().startswith("SAVEPOINT")]  # the careful round
    assert stored_ids(app) == sorted(b["client_id"] for n, b in enumerate(bodies) if n not in bad)


def outcomes(jobs: list[Any]) -> list[Any]:
    return [job.outcome if isinstance(job.outcome, str) else job.outcome["status"] for job in jobs]


def stored_ids(app: Any) -> list[str]:
    from parcours.extensions import db
    from parcours.storage.capture import Note

    with app.app_context():
        stored = sorted(db.session().scalars(select(Note.client_id)).all())
        db.session.remove()
    return stored


@pytest.mark.postgres
def test_the_same_note_twice_at_once_is_stored_once_on_postgres(pg_app: Any) -> None:  # noqa: F811
    """Two sessions insert the same note (ON CONFLICT DO NOTHING): the second waits for the
    first's transaction, finds its row and answers it as a repeat."""
    from sqlalchemy.orm import Session

    from parcours.extensions import db
    from parcours.services import batch
    from parcours.services.capture import create_note
    from parcours.services.setup.events import create_event, describe_created
    from parcours.services.tokens import token_actors
    from parcours.storage.capture import Note

    with pg_app.app_context():
        session = db.session()
        ev = describe_created(session, create_event(session, example("small")))
        session.commit()
        token = ev["participants"][0]["token"]
        actor = token_actors(session, {token})[token][0]
        db.session.remove()
        engine = db.engine
        data = {"client_id": str(uuid.uuid4()), "text": "Gespräch", "station_id": None}
        data["round"] = None
        first, second = Session(engine), Session(engine)
        try:
            batch.begin(first, {actor.participant_id}, fast=True)  # inserts, does not commit
            row, fresh = create_note(first, actor, data)
            assert fresh
            with ThreadPoolExecutor(1) as pool:
                waiting = pool.submit(create_note, second, actor, data)
                time.sleep(0.5)  # the second insert now waits for the first transaction
                assert not waiting.done()
                first.commit()
                again, fresh_again = waiting.result(timeout=30)
            assert not fresh_again and again["id"] == row["id"]
        finally:
            first.close()
            second.close()
        with engine.connect() as conn:
            stored = conn.execute(select(Note.id).where(Note.client_id == data["client_id"]))
            assert [r.id for r in stored] == [row["id"]]
