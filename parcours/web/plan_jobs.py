"""Planning runs for seconds: the pages start it as a background job and poll its progress.

The registry lives in ``app.extensions`` (one per server process); a job's status is only
known to the process that runs it, which is the one the organiser's browser talks to.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from parcours.domain.actors import Actor
from parcours.domain.errors import ParcoursError
from parcours.extensions import db, socketio

log = logging.getLogger(__name__)
KEEP = 50  # finished jobs remembered per process
DETAIL = ("iteration", "repeated_encounters", "cost")


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
    started: float = field(default_factory=time.monotonic)

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
            "elapsed_s": round(time.monotonic() - self.started, 1),
        }


class PlanJobs:
    """The jobs of this process, at most one running per event."""

    def __init__(self) -> None:
        self.jobs: dict[str, PlanJob] = {}
        self.lock = threading.Lock()

    def get(self, job_id: str, event_id: int) -> PlanJob | None:
        """Return a job of the event."""
        job = self.jobs.get(job_id)
        return job if job is not None and job.event_id == event_id else None

    def running(self, event_id: int) -> PlanJob | None:
        """Return the event's running job, if any."""
        return next(
            (j for j in self.jobs.values() if j.event_id == event_id and j.status == "running"),
            None,
        )

    def start(self, event_id: int, kind: str, actor: Actor, options: dict[str, Any]) -> PlanJob:
        """Start a job in the background (or return the one already running for the event)."""
        with self.lock:
            job = self.running(event_id)
            if job is not None:
                return job
            job = PlanJob(id=secrets.token_urlsafe(8), event_id=event_id, kind=kind)
            self.jobs[job.id] = job
            self._forget_old()
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        socketio.start_background_task(run_job, app, job, actor, options)
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
        jobs = app.extensions["parcours_plan_jobs"] = PlanJobs()
    return jobs  # type: ignore[no-any-return]


def run_job(app: Flask, job: PlanJob, actor: Actor, options: dict[str, Any]) -> None:
    """Run the planner for a job with its own session; record progress and the outcome."""
    from parcours.services import plans

    def progress(fraction: float, detail: dict[str, Any]) -> None:
        job.progress = max(job.progress, fraction)
        job.detail = {k: detail[k] for k in DETAIL if isinstance(detail.get(k), int | float)}
        socketio.sleep(0)  # let the server answer others while the search runs

    with app.app_context():
        session = db.new_session()
        try:
            if job.kind == "replan":
                plans.replan_open_rounds(session, actor, job.event_id, progress=progress, **options)
            else:
                plans.compute_plan(session, job.event_id, actor=actor, progress=progress, **options)
            job.progress, job.status = 1.0, "done"
        except ParcoursError as err:
            session.rollback()
            job.status, job.message = "failed", err.message
            job.problems = [str(p) for p in err.fields.get("plan", [])]
        except Exception:  # the job reports failure; the server's task must not die
            log.exception("planning job %s failed", job.id)
            session.rollback()
            job.status, job.message = "failed", "Something went wrong on our side."
        finally:
            session.close()
