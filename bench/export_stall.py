"""Does a big download freeze the server? Probe latency while the event XLSX and packs ZIP stream.

A real `parcours serve` process (eventlet by default) holds the export benchmark's event
(1,000 participants, 30 stations, 8 rounds, 20,000 notes, 20,000 follow-ups, 2,000 leads). A
prober thread asks `/healthz` every 10 ms over a kept-alive connection and a socket client sends
a `clock` request now and then; both record their round trips. First a quiet baseline, then the
organiser downloads the event XLSX and the ZIP of all station packs over HTTP while they run.
The figure that matters is the worst round trip during a download: the time the server's one
event loop was not answering (the goal: under 100 ms).

Run: ``python bench/export_stall.py [--mode eventlet|gevent] [--seconds 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests

from bench import export as big
from bench.benchlib import cpu_model, serve_app


def toml_event(folder: Path) -> Path:
    """Write the export benchmark's event as TOML (plain ASCII-safe strings only)."""
    data = big.event_file(1000, 30, 8)

    def value(v: Any) -> str:
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return str(v).lower() if isinstance(v, bool) else str(v)

    lines = ["[event]", 'title = "Export stall"', "starts_at = 2026-09-17T08:30:00+02:00", ""]
    for key in ("agenda", "stations", "participants"):
        for item in data[key]:
            lines.append(f"[[{key}]]")
            lines += [f"{k} = {value(v)}" for k, v in item.items()]
            lines.append("")
    path = folder / "event.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def fill(_cli: list[str], env: dict[str, str], info: dict[str, Any]) -> None:
    """Bulk-insert the plan, check-ins, notes, follow-ups and leads into the server's database."""
    from parcours import create_app
    from parcours.extensions import db

    app = create_app({"DATABASE_URL": env["PARCOURS_DATABASE_URL"], "ASYNC_MODE": "threading",
                      "SECRET_KEY": env["PARCOURS_SECRET_KEY"]})  # fmt: skip
    with app.app_context():
        big.fill(db.session(), info["event_id"], 8, 20000, 20000)


class Prober(threading.Thread):
    """Ask /healthz every 10 ms; remember (start time, round trip) of each answer."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.samples: list[tuple[float, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        http = requests.Session()
        while not self.stop.is_set():
            start = time.perf_counter()
            http.get(self.url + "/healthz", timeout=30)
            self.samples.append((start, time.perf_counter() - start))
            time.sleep(0.01)

    def worst(self, since: float, until: float) -> tuple[float, float, int]:
        """Return (median, worst) round trip in ms, and the count, of probes started in a span."""
        rtts = [rtt * 1000 for t, rtt in self.samples if since <= t <= until]
        return (statistics.median(rtts), max(rtts), len(rtts)) if rtts else (0.0, 0.0, 0)


def download(url: str, info: dict[str, Any], fmt: str) -> tuple[float, int]:
    """Download an event export as the organiser; return (seconds, bytes)."""
    start = time.perf_counter()
    answer = requests.get(
        f"{url}/api/v1/events/{info['event_id']}/export",
        params={"format": fmt},
        headers={"Authorization": f"Bearer {info['organiser_token']}"},
        timeout=300,
    )
    answer.raise_for_status()
    return time.perf_counter() - start, len(answer.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", default="eventlet", choices=("eventlet", "gevent"))
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        proc, url, info = serve_app(folder, args.mode, toml_event(folder), fill)
        try:
            prober = Prober(url)
            prober.start()
            time.sleep(args.seconds)
            rows = [("quiet", *prober.worst(0, time.perf_counter()), 0.0, 0)]
            for fmt in ("xlsx", "zip"):
                start = time.perf_counter()
                seconds, size = download(url, info, fmt)
                rows.append((f"during event {fmt}", *prober.worst(start, start + seconds),
                             seconds, size))  # fmt: skip
                time.sleep(0.5)
            prober.stop.set()
            prober.join(5)
        finally:
            proc.terminate()
            proc.wait(10)
    print(f"\n`python bench/export_stall.py --mode {args.mode}` on {time.strftime('%Y-%m-%d')},"
          f" {cpu_model()}\n")  # fmt: skip
    print("| span | probes | median round trip | worst round trip | download | size |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, median, worst, count, seconds, size in rows:
        took = f"{seconds:.2f} s" if seconds else "–"
        mib = f"{size / 2**20:.1f} MiB" if size else "–"
        print(f"| {name} | {count} | {median:.1f} ms | {worst:.1f} ms | {took} | {mib} |")


if __name__ == "__main__":
    main()
