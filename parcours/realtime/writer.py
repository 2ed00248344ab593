"""Group commit for the socket's burst writes (notes): many writes, one transaction, one commit.

At the end of a round every phone sends its note in the same second. Served one by one, each
note pays for a Flask request context, a token query, a session and a commit of its own, and
SQLite calls do not yield, so the acks of a burst all go out at its end. Here the socket handler
of a note hands the write to this process's writer and waits; the writer greenlet takes every
write that is queued (up to MAX_BATCH), checks all their tokens in one query and their size,
role and rate, then runs each operation's handler in one transaction (first without a
savepoint per write, see Writer._commit), commits once, and only then wakes the waiting
handlers, which send their acks. So:

- acknowledged only after it is durable: a handler is woken after the batch's COMMIT returned;
- stored exactly once: each operation's handler is the same code as over HTTP (the duplicate
  check by (author, client_id) sees the earlier writes of the same batch, which run on the same
  connection), and a failed batch is rolled back as a whole before its writes are retried;
- a revoked token is refused: the batch's tokens are read from the database right before the
  batch (no cache), as the one-by-one path reads them;
- anything but success leaves the batch: a write that fails (bad input, 403, 413, 429, a
  revoked token) is left out (its try rolled back, or its savepoint) and answered by the
  classic one-by-one path (parcours.realtime.namespace), which localises the error and ends
  the socket of a revoked token; an unexpected error or a failed COMMIT rolls the whole batch
  back and sends every write of it to the one-by-one path (each is idempotent by client_id);
- the event loop stays responsive: the writer yields after every batch, so acks, broadcasts
  (the facilitator's "next") and pages get their turn between batches of at most MAX_BATCH.

Only operations whose handler touches nothing but `call.session` (no emit, no other I/O: it
must not yield while the transaction holds SQLite's write lock) are batched (BATCHED). They
commit only through parcours.services.once (a flush in the fast try: services.batch.commit) and
open no unit of work of their own, whose outbox would take a flush for a commit.
PARCOURS_GROUP_COMMIT=0 switches the writer off (every write one by one).
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from parcours.domain.errors import ParcoursError
from parcours.extensions import db, socketio
from parcours.operations import Call, admit
from parcours.operations.unit import send
from parcours.services.batch import begin as begin_batch
from parcours.services.broadcasts import Message, collecting
from parcours.services.tokens import token_actors

log = logging.getLogger(__name__)
BATCHED = frozenset({"create_note"})
MAX_BATCH = 100  # ~50 ms of work at most before acks, broadcasts and pages get the loop again
RETRY = "retry"  # a job's outcome: answer it through the one-by-one path
FAST_RETRIES = 2  # fast tries of a batch after refused writes, before one savepoint per write


@dataclass
class Job:
    """One socket write waiting for the writer."""

    op: Any
    token: str | None
    params: dict[str, Any]
    payload: Any
    client: str | None = None  # the phone's network address (Call.client)
    done: Any = None  # an async-mode Event, set when outcome is known
    outcome: Any = RETRY  # {status, body} after the commit, or RETRY
    extra: dict[str, Any] = field(default_factory=dict)


class Writer:
    """One greenlet per process that commits queued socket writes in groups."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.jobs: deque[Job] = deque()
        self.wake: Any = None
        self.task: Any = None
        self.batches = 0  # for tests and benchmarks: how many commits served how many writes
        self.written = 0
        self.largest = 0  # the most writes one commit served
        self.careful = 0  # batches run again with a savepoint per write (see _commit)
        self.refused = 0  # fast tries ended by a refused write (left out, the rest again)

    def submit(
        self,
        op: Any,
        token: str | None,
        params: dict[str, Any],
        payload: Any,
        client: str | None = None,
    ) -> Any:
        """Queue a write and wait until it is committed; return {status, body} or RETRY."""
        eio = socketio.server.eio
        job = Job(op, token, params, payload, client, done=eio.create_event())
        self.jobs.append(job)
        if self.task is None:
            self.wake = eio.create_event()
            self.task = socketio.start_background_task(self._run)
        self.wake.set()
        job.done.wait()
        return job.outcome

    def _run(self) -> None:
        while True:
            if not self.jobs:
                self.wake.clear()
                if not self.jobs:
                    self.wake.wait()
                continue
            socketio.sleep(0)  # let the handlers of frames already read queue their writes too
            batch = [self.jobs.popleft() for _ in range(min(MAX_BATCH, len(self.jobs)))]
            try:
                with self.app.app_context():
                    self._commit(batch)
            except Exception:  # noqa: BLE001 - the writer must survive; the jobs go one by one
                log.exception("group commit of %d writes failed; retrying one by one", len(batch))
                for job in batch:
                    job.outcome = RETRY
            for job in batch:
                job.done.set()
            socketio.sleep(0)  # acks, broadcasts and pages before the next batch

    def counters(self) -> dict[str, Any]:
        """Return this writer's counters: {on, batches, written, largest} (/healthz?detail=1)."""
        return {
            "on": True,
            "batches": self.batches,
            "written": self.written,
            "largest": self.largest,
            "careful": self.careful,
            "refused": self.refused,
        }

    def _admit(self, conn: Any, batch: list[Job]) -> list[tuple[Job, Call]]:
        """Read the batch's tokens and admit each write (size, role, rate) before BEGIN: this
        may yield (Redis). A refused write is left out, to be answered one by one."""
        session = Session(bind=conn)
        try:  # read fresh for every batch: a revoked token is refused
            actors = token_actors(session, {job.token for job in batch if job.token})
        finally:
            session.close()
            conn.rollback()
        admitted: list[tuple[Job, Call]] = []
        for job in batch:
            found = actors.get(job.token or "")
            if found is None:
                continue  # refused: the one-by-one path answers and ends the socket
            params = {**job.params, "event_id": found[0].event_id}
            call = Call(session, found[0], params, job.payload, {}, job.token, job.client)
            try:
                admit(job.op, call)
            except ParcoursError:
                continue  # answered one by one (429 with Retry-After, 403, 413)
            admitted.append((job, call))
        return admitted

    def _commit(self, batch: list[Job]) -> None:
        """Admit the batch's writes, then run them in one transaction and commit once.

        The transaction is tried first without a savepoint per write (`_transaction`, fast):
        SAVEPOINT and RELEASE were a seventh of a burst's server time. A write refused there
        (a ParcoursError: bad input, a station that is not the host's) ends the try, which is
        rolled back; the write is left out (answered one by one, localised) and the rest runs
        fast again, up to FAST_RETRIES times. After that, or when a write met a duplicate that
        won a race (its session rolled back), the batch runs again carefully, each write in a
        savepoint of its own. Any other error ends the batch: every write goes one by one.

        Nothing may yield to other greenlets while the transaction holds SQLite's write lock:
        another writer would then wait in SQLite's busy handler, which blocks the whole
        process, and the lock would never be given back. So everything that may do I/O (the
        token query, the rate limit, which may ask Redis) happens before BEGIN, and inside
        the transaction run only the operations' handlers, which touch nothing but the session.
        (On PostgreSQL every query yields while it waits, see parcours.asyncmode: harmless
        there, a writer that needs a locked row waits for it without blocking the process.)
        """
        assert db.engine is not None
        with db.engine.connect() as conn:
            admitted = self._admit(conn, batch)
            if not admitted:
                return
            done, told = self._fast_or_careful(conn, admitted)
        send(told)
        self.batches += 1
        self.written += len(done)
        self.largest = max(self.largest, len(done))
        for job, outcome in done:
            job.outcome = outcome

    def _fast_or_careful(
        self, conn: Any, admitted: list[tuple[Job, Call]]
    ) -> tuple[list[tuple[Job, dict[str, Any]]], list[Message]]:
        """Run the writes fast, leaving out refused ones, or carefully (see _commit)."""
        for _try in range(FAST_RETRIES + 1):
            try:
                return self._transaction(conn, admitted, careful=False)
            except NotAlone as failed:
                if failed.refused is None:
                    break  # a race: each write in a savepoint sorts it out
                self.refused += 1
                admitted = [(job, call) for job, call in admitted if job is not failed.refused]
                if not admitted:
                    return [], []
        self.careful += 1
        return self._transaction(conn, admitted, careful=True)

    def _transaction(
        self, conn: Any, admitted: list[tuple[Job, Call]], careful: bool
    ) -> tuple[list[tuple[Job, dict[str, Any]]], list[Message]]:
        """Run the admitted writes in one transaction on conn and commit it; return the writes
        done with their outcome, and the messages to publish after the commit.

        careful: each write in a savepoint (a failing one is rolled back alone and left out);
        else none, and the first write that fails rolls back everything (NotAlone).
        """
        outer = conn.begin()
        if conn.dialect.name == "sqlite":
            # pysqlite opens its transaction lazily, and a first SAVEPOINT outside one would
            # become the transaction itself (its RELEASE would commit): begin it ourselves
            conn.exec_driver_sql("BEGIN")
        # fast: a write only flushes (services.batch.commit), a rollback() would end the batch's
        # transaction (then nothing of the batch may be committed: _no_commit_after_rollback)
        mode = "create_savepoint" if careful else "rollback_only"
        session = Session(bind=conn, join_transaction_mode=mode)
        if not careful:
            event.listen(session, "after_rollback", _rolled_back)
            event.listen(session, "before_commit", _no_commit_after_rollback)
        # reads the same for every write of the batch are made once (services.batch)
        writers = {call.who.participant_id for _, call in admitted}
        begin_batch(session, {pid for pid in writers if pid is not None}, fast=not careful)
        done: list[tuple[Job, dict[str, Any]]] = []
        told: list[Message] = []  # published after the one commit, like any unit of work
        try:
            for job, call in admitted:
                call.session = session
                try:
                    with collecting() as outbox:
                        status, body = job.op.handler(call)
                except ParcoursError:
                    if not careful:
                        raise NotAlone(job) from None
                    session.rollback()  # this write's savepoint only; answered one by one
                    continue
                if not outer.is_active or session.info.get(ROLLED_BACK):
                    raise NotAlone()
                done.append((job, {"status": status, "body": body}))
                told.extend(outbox)
            session.close()
            outer.commit()
        except BaseException:
            session.close()
            if outer.is_active:
                outer.rollback()
            else:
                conn.rollback()
            raise
        return done, told


class NotAlone(Exception):
    """A write of a batch run without savepoints failed: `refused` (a ParcoursError), or
    None when its session rolled back (a duplicate that won a race)."""

    def __init__(self, refused: Job | None = None) -> None:
        super().__init__()
        self.refused = refused


ROLLED_BACK = "parcours_writer_rolled_back"


def _rolled_back(session: Session) -> None:
    session.info[ROLLED_BACK] = True


def _no_commit_after_rollback(session: Session) -> None:
    """A fast batch's session that rolled back (so the batch's transaction ended) may not
    commit what it did after that on a transaction of its own."""
    if session.info.get(ROLLED_BACK):
        raise NotAlone()


def make_writer(app: Any) -> Writer | None:
    """Return the process's writer (built in init_app), or None if group commit is off."""
    if not app.config.get("GROUP_COMMIT") or app.config.get("ASYNC_MODE") == "threading":
        return None  # off, or in-process tests (threads): every write one by one
    return Writer(app)


def batched(op: Any) -> bool:
    """Return whether op's socket writes go through the group-commit writer."""
    return op.name in BATCHED
