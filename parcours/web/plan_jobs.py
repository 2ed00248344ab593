"""Planning runs for seconds: the pages start it as a background job and poll its progress.

The registry lives in ``app.extensions`` (one per server process). With several processes
behind a proxy (PARCOURS_MESSAGE_QUEUE set) the jobs are kept in Redis: the organiser's poll
may land on any process and still sees the job, the plan page shows a job another process
runs, and a lock per event (SET NX with a time-to-live the running job keeps renewing) lets
only one process plan an event at a time. A process that dies mid-job lets its lock expire.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from parcours.domain.actors import Actor
from parcours.domain.errors import ParcoursError
from parcours.extensions import socketio
from parcours.services.unit import own_session

log = logging.getLogger(__name__)
KEEP = 50  # finished jobs remembered per process
DETAIL = ("iteration", "repeated_encounters", "cost")
LOCK_TTL_S = 30  # a running job renews its event's lock; a dead process's lock runs out
JOB_TTL_S = 24 * 3600  # how long Redis remembers a job
SAVE_EVERY_S = 0.5  # progress written to Redis at most this often


@dataclass
class PlanJob:
    """One planning run: what it does, how far it is, how it ended."""

    id: str
    event_id: int
    kind: str  # "plan" or "replan"
    status: str = "running"  # running, done, failed
    progress: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    problems: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)

    def as_json(self) -> dict[str, Any]:
        """Return what the page's script needs."""
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "progress": round(self.progress, 3),
            "detail": self.detail,
            "message": self.message,
            "problems": self.problems,
            "elapsed_s": round(time.time() - self.started, 1),
        }

    def dump(self) -> str:
        """Return the job as it is kept in Redis."""
        fields = ("id", "event_id", "kind", "status", "progress", "detail", "message")
        return json.dumps(
            {
                **{name: getattr(self, name) for name in fields},
                "problems": self.problems,
                "started": self.started,
            }
        )

    @classmethod
    def load(cls, raw: bytes | str) -> PlanJob:
        """Return a job read from Redis."""
        return cls(**json.loads(raw))


class SharedJobs:
    """Jobs in Redis, seen by every process of the deployment (same queue channel)."""

    def __init__(self, url: str, channel: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.prefix = f"{channel}:planjob"

    def job_key(self, job_id: str) -> str:
        return f"{self.prefix}:{job_id}"

    def lock_key(self, event_id: int) -> str:
        return f"{self.prefix}:running:{event_id}"

    def get(self, job_id: str) -> PlanJob | None:
        raw = self.redis.get(self.job_key(job_id))
        return PlanJob.load(raw) if raw else None

    def claim(self, job: PlanJob) -> str | None:
        """Take the event's lock for job; return the id of the job holding it otherwise."""
        if self.redis.set(self.lock_key(job.event_id), job.id, nx=True, ex=LOCK_TTL_S):
            self.save(job)
            return None
        holder = self.redis.get(self.lock_key(job.event_id))
        return holder.decode() if holder else None

    def running(self, event_id: int) -> PlanJob | None:
        holder = self.redis.get(self.lock_key(event_id))
        job = self.get(holder.decode()) if holder else None
        return job if job is not None and job.status == "running" else None

    def save(self, job: PlanJob) -> None:
        """Write the job; while it runs, renew its event's lock."""
        pipe = self.redis.pipeline()
        pipe.set(self.job_key(job.id), job.dump(), ex=JOB_TTL_S)
        if job.status == "running":
            pipe.expire(self.lock_key(job.event_id), LOCK_TTL_S)
        pipe.execute()

    def release(self, job: PlanJob) -> None:
        """Write the outcome and free the event's lock if this job still holds it."""
        self.save(job)
        key = self.lock_key(job.event_id)
        holder = self.redis.get(key)
        if holder is not None and holder.decode() == job.id:
            self.redis.delete(key)


class PlanJobs:
    """The jobs of this process (and, with a shared store, of every process), at most one
    running per event."""

    def __init__(self, shared: SharedJobs | None = None) -> None:
        self.jobs: dict[str, PlanJob] = {}
        self.lock = threading.Lock()
        self.shared = shared

    def get(self, job_id: str, event_id: int) -> PlanJob | None:
        """Return a job of the event (this process's own object if it runs here)."""
        job = self.jobs.get(job_id)
        if job is None and self.shared is not None:
            job = self.shared.get(job_id)
        return job if job is not None and job.event_id == event_id else None

    def running(self, event_id: int) -> PlanJob | None:
        """Return the event's running job, if any."""
        own = next(
            (j for j in self.jobs.values() if j.event_id == event_id and j.status == "running"),
            None,
        )
        if own is None and self.shared is not None:
            return self.shared.running(event_id)
        return own

    def start(self, event_id: int, kind: str, actor: Actor, options: dict[str, Any]) -> PlanJob:
        """Start a job in the background (or return the one already running for the event)."""
        with self.lock:
            job = self.running(event_id)
            if job is not None:
                return job
            job = PlanJob(id=secrets.token_urlsafe(8), event_id=event_id, kind=kind)
            if self.shared is not None:
                holder = self.shared.claim(job)
                if holder is not None:  # another process plans this event right now
                    other = self.shared.get(holder)
                    if other is not None:
                        return other
                    holder = self.shared.claim(job)  # its job is gone: try once more
                    if holder is not None:
                        job.status, job.message = "failed", "Another planning job is running."
                        self.shared.save(job)
                        return job
            self.jobs[job.id] = job
            self._forget_old()
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        socketio.start_background_task(run_job, app, job, actor, options, self.shared)
        return job

    def _forget_old(self) -> None:
        done = [j for j in self.jobs.values() if j.status != "running"]
        for job in sorted(done, key=lambda j: j.started)[: max(0, len(done) - KEEP)]:
            self.jobs.pop(job.id, None)


def registry(app: Flask | None = None) -> PlanJobs:
    """Return the app's job registry."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    jobs = app.extensions.get("parcours_plan_jobs")
    if jobs is None:
        queue = app.config.get("MESSAGE_QUEUE")
        channel = app.config.get("MESSAGE_QUEUE_CHANNEL", "parcours")
        shared = SharedJobs(queue, channel) if queue else None
        jobs = app.extensions["parcours_plan_jobs"] = PlanJobs(shared)
    return jobs  # type: ignore[no-any-return]


def run_job(
    app: Flask,
    job: PlanJob,
    actor: Actor,
    options: dict[str, Any],
    shared: SharedJobs | None = None,
) -> None:
    """Run the planner for a job with its own session; record progress and the outcome."""
    from parcours.services import plans

    saved = [0.0]

    def progress(fraction: float, detail: dict[str, Any]) -> None:
        job.progress = max(job.progress, fraction)
        job.detail = {k: detail[k] for k in DETAIL if isinstance(detail.get(k), int | float)}
        if shared is not None and time.monotonic() - saved[0] >= SAVE_EVERY_S:
            saved[0] = time.monotonic()
            try:
                shared.save(job)  # other processes see the progress; the lock stays ours
            except Exception:  # noqa: BLE001 - Redis hiccup: the plan itself goes on
                log.warning("planning job %s: progress not shared", job.id, exc_info=True)
        socketio.sleep(0)  # let the server answer others while the search runs

    with app.app_context():
        try:
            with own_session() as session:  # rolled back on failure, always closed
                if job.kind == "replan":
                    plans.replan_open_rounds(
                        session, actor, job.event_id, progress=progress, **options
                    )
                else:
                    plans.compute_plan(
                        session, job.event_id, actor=actor, progress=progress, **options
                    )
            job.progress, job.status = 1.0, "done"
        except ParcoursError as err:
            job.status, job.message = "failed", err.message
            job.problems = [str(p) for p in err.fields.get("plan", [])]
        except Exception:  # the job reports failure; the server's task must not die
            log.exception("planning job %s failed", job.id)
            job.status, job.message = "failed", "Something went wrong on our side."
        finally:
            if shared is not None:
                try:
                    shared.release(job)
                except Exception:  # noqa: BLE001 - the lock runs out by itself
                    log.exception("planning job %s: outcome not shared", job.id)
