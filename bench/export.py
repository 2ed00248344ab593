"""Benchmark the exports on a big synthetic event: time, peak memory and size per format.

The event: 1,000 participants, 30 stations, 8 rounds (8,000 planned visits and as many
check-ins), 20,000 notes, 20,000 follow-ups and 2,000 leads, bulk-inserted into a temporary
SQLite database. Each export is written to a file, as `parcours export` does.

Run: ``python bench/export.py [--participants N] [--notes N] [--follow-ups N] [--writers]
[--append]``.
``--writers`` also times the event XLSX and the all-packs ZIP with openpyxl (write-only) and
XlsxWriter (constant_memory) swapped in for the streamed writer, interleaved in one run.
``--append`` adds the figures to BENCHMARKS.md under "Export".
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PARCOURS_ASYNC_MODE", "threading")

from sqlalchemy import insert, select

from parcours import create_app
from parcours.domain.actors import Actor
from parcours.extensions import db
from parcours.services.after import exports
from parcours.services.setup.events import create_event
from parcours.storage import Assignment, CheckIn, FollowUp, Lead, Note, Segment, Station, migrate
from parcours.storage import Participant as P

KINDS = ("company", "authority", "organisation", "chamber", "other")
TOPICS = ("Ausbildung", "Fachkräfte", "Anerkennung", "Praktikum", "Sprachkurs", "Förderung")


def event_file(people: int, stations: int, rounds: int) -> dict[str, Any]:
    """Return a synthetic event file (invented people, reserved example domains)."""
    return {
        "event": {"title": "Benchmark", "starts_at": "2026-09-17T08:30:00+02:00"},
        "agenda": [{"title": "Parcours", "kind": "parcours", "rounds": rounds,
                    "round_minutes": 10}],
        "stations": [
            {"name": f"Station {i:02d}", "kind": KINDS[i % 5], "capacity": people // stations + 5,
             "topics": list(TOPICS), "host": f"Gastgeberin {i}"}
            for i in range(stations)
        ],
        "participants": [
            {"name": f"Person Beispiel{i}", "organisation": f"Firma {i % 400} GmbH",
             "kind": KINDS[i % 5], "email": f"person{i}@example.org", "phone": f"+49 30 555{i:05d}"}
            for i in range(people)
        ],
    }  # fmt: skip


def fill(session: Any, event_id: int, rounds: int, notes: int, follow_ups: int) -> None:
    """Bulk-insert the plan, check-ins, notes, follow-ups and leads."""
    rng = random.Random(1)
    people = list(session.scalars(select(P.id).where(P.event_id == event_id)))
    stations = list(session.scalars(select(Station.id).where(Station.event_id == event_id)))
    segment = session.scalar(
        select(Segment.id).where(Segment.event_id == event_id, Segment.kind == "parcours")
    )
    now = datetime.now(UTC)
    plan = [
        {"event_id": event_id, "segment_id": segment, "participant_id": p, "round": r,
         "station_id": stations[(i + r * 7) % len(stations)]}
        for r in range(1, rounds + 1) for i, p in enumerate(people)
    ]  # fmt: skip
    session.execute(insert(Assignment), plan)
    session.execute(insert(CheckIn), [
        {**{k: a[k] for k in ("event_id", "participant_id", "station_id", "round")},
         "client_id": f"c{i}", "created_at": now} for i, a in enumerate(plan)
    ])  # fmt: skip
    session.execute(insert(Note), [
        {"event_id": event_id, "author": f"p:{(p := rng.choice(people))}", "client_id": f"n{i}",
         "participant_id": p, "station_id": rng.choice(stations), "round": rng.randint(1, rounds),
         "text": f"Notiz {i}: " + "Gespräch über Ausbildung und Sprachkurse. " * 3,
         "created_at": now + timedelta(seconds=i)} for i in range(notes)
    ])  # fmt: skip
    session.execute(insert(FollowUp), [
        {"event_id": event_id, "participant_id": rng.choice(people), "client_id": f"f{i}",
         "station_id": rng.choice(stations), "topic": rng.choice(TOPICS),
         "message": "Bitte melden Sie sich bei mir." if i % 3 else "",
         "share_contact": i % 2 == 0, "created_at": now} for i in range(follow_ups)
    ])  # fmt: skip
    session.execute(insert(Lead), [
        {"event_id": event_id, "station_id": rng.choice(stations), "client_id": f"l{i}",
         "participant_id": rng.choice(people), "topic": rng.choice(TOPICS), "note": "Rückruf",
         "created_at": now} for i in range(follow_ups // 10)
    ])  # fmt: skip
    session.commit()


def measure(run: Callable[[], None]) -> tuple[float, float]:
    """Return (seconds, peak MiB traced) of a run: timed once plain, once under tracemalloc."""
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    run()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20


def main() -> None:
    """Build the event, export every format, print a table (and append it on request)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--stations", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--notes", type=int, default=20000)
    parser.add_argument("--follow-ups", type=int, default=20000)
    parser.add_argument("--writers", action="store_true")
    parser.add_argument("--append", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite"
        migrate.upgrade(url)
        app = create_app(
            {
                "DATABASE_URL": url,
                "ASYNC_MODE": "threading",
                "SECRET_KEY": "bench-secret-of-at-least-32-characters",
            }
        )
        with app.app_context():
            session = db.session()
            start = time.perf_counter()
            event = create_event(session, event_file(args.participants, args.stations, args.rounds))
            session.commit()
            fill(session, event.id, args.rounds, args.notes, args.follow_ups)
            print(f"synthetic event built in {time.perf_counter() - start:.1f} s", flush=True)
            rows = run_all(session, event.id, Path(tmp))
            if args.writers:
                rows += compare_writers(session, event.id, Path(tmp))
    report(args, rows)


def run_all(session: Any, event_id: int, tmp: Path) -> list[tuple[str, float, float, int]]:
    """Export every format of the event and one station pack; return the figures."""
    actor = Actor(role="organiser", event_id=event_id)
    station = session.scalar(select(Station.id).where(Station.event_id == event_id).limit(1))
    jobs: list[tuple[str, Callable[[Any], Any]]] = [
        (f"event {fmt}", lambda out, f=fmt: exports.export_event(session, actor, event_id, f, out))
        for fmt in ("csv", "xlsx", "json", "vcf", "zip")
    ]
    jobs.append(("station pack zip", lambda out: exports.export_station(
        session, actor, event_id, station, "zip", out)))  # fmt: skip
    rows = []
    for name, job in jobs:
        path = tmp / "out.bin"

        def run(job: Callable[[Any], Any] = job, path: Path = path) -> None:
            with path.open("wb") as out:
                job(out)
            session.expire_all()

        seconds, peak = measure(run)
        rows.append((name, seconds, peak, path.stat().st_size))
        size = path.stat().st_size / 2**20
        print(f"{name:18} {seconds:6.2f} s  peak {peak:6.1f} MiB  {size:6.1f} MiB", flush=True)
    return rows


def compare_writers(session: Any, event_id: int, tmp: Path) -> list[tuple[str, float, float, int]]:
    """Time the event XLSX and the packs ZIP with each XLSX writer, interleaved, best of two."""
    from bench.xlsx_writers import WRITERS
    from parcours.exports import xlsx

    actor = Actor(role="organiser", event_id=event_id)
    writers = {"streamed": xlsx.write_workbook, **WRITERS}
    best: dict[str, tuple[float, float, int]] = {}
    try:
        for _repeat in range(2):
            for name, writer in writers.items():
                xlsx.write_workbook = writer  # write_event/write_station look it up at call time
                for fmt in ("xlsx", "zip"):
                    path = tmp / "out.bin"

                    def run(fmt: str = fmt, path: Path = path) -> None:
                        with path.open("wb") as out:
                            exports.export_event(session, actor, event_id, fmt, out)
                        session.expire_all()

                    start = time.perf_counter()
                    run()
                    seconds = time.perf_counter() - start
                    key = f"event {fmt} ({name})"
                    if key not in best or seconds < best[key][0]:
                        best[key] = (seconds, 0.0, path.stat().st_size)
                    print(f"{key:28} {seconds:6.2f} s", flush=True)
    finally:
        xlsx.write_workbook = writers["streamed"]
    return [(k, s, p, n) for k, (s, p, n) in best.items()]


def report(args: argparse.Namespace, rows: list[tuple[str, float, float, int]]) -> None:
    """Print the Markdown section and append it to BENCHMARKS.md with --append."""
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        "",
        "## Export",
        "",
        f"`python bench/export.py` on {datetime.now(UTC):%Y-%m-%d}, {platform.node() or 'machine'}:"
        f" {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()},"
        " SQLite in a temporary directory.",
        f"Event: {args.participants} participants, {args.stations} stations, {args.rounds} rounds"
        f" ({args.participants * args.rounds} planned visits, as many check-ins),"
        f" {args.notes} notes, {args.follow_ups} follow-ups, {args.follow_ups // 10} leads.",
        "Time: one run without tracing; peak: Python allocations under tracemalloc, second run.",
        "",
        "| export | time | peak traced memory | file size |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, seconds, peak, size in rows:
        traced = f"{peak:.1f} MiB" if peak else "not traced"
        lines.append(f"| {name} | {seconds:.2f} s | {traced} | {size / 2**20:.1f} MiB |")
    lines += ["", f"Whole process (building the event included): max RSS {maxrss:.0f} MiB.", ""]
    text = "\n".join(lines)
    print(text)
    if args.append:
        path = ROOT / "BENCHMARKS.md"
        head = "" if path.exists() else "# Benchmarks\n"
        with path.open("a", encoding="utf-8") as out:
            out.write(head + text)


if __name__ == "__main__":
    main()
