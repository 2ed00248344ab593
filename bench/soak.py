"""A whole event under faults: the demo event at 10× speed, 100 phones, 12 host tablets.

Two `parcours serve` processes on a fresh PostgreSQL schema and a private redis-server (its own
port: the machine's Redis is never touched); the simulation is tests/realtime/soak.py, which the
short version in `make test` (tests/realtime/test_soak.py) runs faster. Faults: SIGKILL of a
server mid-round and its restart, Redis restarted, 20 phones offline for two minutes (scaled),
one phone reloading while offline. Prints the counts (sent, acknowledged, stored, duplicates,
lost) and each fault's recovery time; exits 1 when a check failed.

    source /work/wt/<you>.env   # PARCOURS_TEST_POSTGRES_URL
    .venv/bin/python bench/soak.py                 # 10× speed: about 20 minutes
    .venv/bin/python bench/soak.py --speed 60
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchlib import cpu_model, raise_file_limit  # noqa: E402
from scale import Schema  # noqa: E402

from tests.realtime.soak import figures_json, run_soak  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=10.0)
    parser.add_argument("--recovery", type=float, default=10.0, help="seconds allowed per fault")
    args = parser.parse_args()
    base = os.environ.get("PARCOURS_TEST_POSTGRES_URL", "")
    if not base:
        raise SystemExit("set PARCOURS_TEST_POSTGRES_URL (a PostgreSQL database of your own)")
    raise_file_limit()
    # a plain `kill` ends the run through the finally blocks: servers, Redis, schema go too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    schema = Schema(base)
    try:
        folder = Path(tempfile.mkdtemp(prefix="soak-"))
        figures, problems = run_soak(folder, schema.url, args.speed, args.recovery)
    finally:
        schema.drop()
    print(figures_json(figures))
    f = figures
    day = datetime.now(UTC).date().isoformat()
    print(
        f"\nMachine: {os.cpu_count()} cores, {cpu_model()}; {day}; load average before {load}; "
        f"speed {args.speed:g}×; {f.seconds:.0f} s\n"
    )
    print("| writes sent | attempts | acknowledged | (of which 200: already stored) | refused "
          "| stored | duplicates | lost |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {f.sent} | {f.attempts} | {f.acknowledged} | {f.resent_acked_200} | {f.refused} "
          f"| {f.stored} | {f.duplicates} | {f.lost} |")  # fmt: skip
    print("\n| fault | fault takes | every phone at the right round (from the fault) "
          "| judged | deadline moved |")  # fmt: skip
    print("|---|---|---|---|---|")
    for fault in f.faults:
        moved = fault.get("deadline_moved_s")
        print(f"| {fault['fault']} | {fault.get('inject_s', 0)} s | {fault['recovered_s']} s "
              f"| {fault['judged_s']} s | {'' if moved is None else f'{moved} s'} |")  # fmt: skip
    if problems:
        print("\nPROBLEMS:\n" + "\n".join(problems))
        sys.exit(1)
    print("\nall checks held")


if __name__ == "__main__":
    main()
