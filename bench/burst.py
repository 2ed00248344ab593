"""Burst benchmark: N phones each send one note in the same second, as at the end of a round.

Starts a real `parcours serve` process on a fresh SQLite database with an event of max(N)
participants, stores its rotation plan and starts the clock (round 1 of the parcours runs, so
each note is filed under the round and the station the plan gives its author). For each N, one
client process connects N python-socketio clients (websocket, greenlets under gevent), waits for
a common instant, and every client emits one `note` with an ack. It records when each note was
sent and acknowledged, then sends every note a second time (the retry a phone makes when an ack
got lost) and checks in the database that each note is stored exactly once. Prints notes stored
per second, median and worst acknowledgement time.

    .venv/bin/python bench/burst.py                 # N = 100, 500, 1000
    .venv/bin/python bench/burst.py --n 100 --mode gevent
"""

import sys

if len(sys.argv) > 1 and sys.argv[1] == "--clients":
    from gevent import monkey

    monkey.patch_all()

import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchlib import cpu_model, raise_file_limit, serve_app

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


# --- the client process ---------------------------------------------------------------------


def run_clients(spec_file: str) -> None:
    """Connect N clients, send one note each at the same instant, twice; print JSON results."""
    import gevent
    import socketio
    from gevent.pool import Pool

    global SERVER_PID
    raise_file_limit()
    spec = json.loads(Path(spec_file).read_text())
    SERVER_PID = int(spec.get("server_pid") or 0)
    received: dict[int, list[float]] = {}

    def on_state(data: dict[str, Any]) -> None:
        received.setdefault(int(data.get("version", -1)), []).append(time.perf_counter())

    def make(token: str) -> Any:
        if spec.get("client") == "lean":
            from leanphone import LeanPhone

            return LeanPhone(spec["url"], token, on_state=on_state)
        client = socketio.Client(reconnection=False)
        client.on("state", on_state, namespace="/live")
        client.connect(
            spec["url"],
            namespaces=["/live"],
            transports=["websocket"],
            auth={"token": token},
            wait_timeout=60,
        )
        return client

    started = time.perf_counter()
    clients = list(Pool(50).imap(make, spec["tokens"]))
    connect_s = time.perf_counter() - started
    console = socketio.Client(reconnection=False)  # the facilitator, who presses "next"
    console.connect(
        spec["url"], namespaces=["/live"], transports=["websocket"],
        auth={"token": spec["facilitator"]}, wait_timeout=60,
    )  # fmt: skip
    notes = [
        {"client_id": str(uuid.uuid4()), "text": f"Gespräch {n}: Ausbildung, Sprachkurs"}
        for n in range(len(clients))
    ]

    def press_next(at: float) -> dict[str, Any]:
        """Press "next" at `at` (inside the burst); return when all phones had the new state."""
        gevent.sleep(max(0.0, at - time.perf_counter()))
        t0 = time.perf_counter()
        ack = console.call("clock", {"action": "next"}, namespace="/live", timeout=120)
        acked = time.perf_counter() - t0
        version = int(ack["body"]["version"])
        deadline = time.monotonic() + 120
        while len(received.get(version, ())) < len(clients) and time.monotonic() < deadline:
            gevent.sleep(0.002)
        got = received.get(version, [])
        return {
            "ack_s": acked,
            "all_s": (max(got) - t0) if len(got) == len(clients) else None,
            "reached": len(got),
        }

    spy = profile_burst()
    first = burst(gevent, clients, notes, press_next if spec.get("press") else None)
    if spy is not None:
        spy.send_signal(signal.SIGINT)  # py-spy writes its file when interrupted
        spy.wait(30)
    again = burst(gevent, clients, notes)
    for client in [*clients, console]:
        gevent.spawn(client.disconnect)
    gevent.sleep(1.0)
    print(json.dumps({"connect_s": connect_s, "first": first, "again": again}), flush=True)
    os._exit(0)


def burst(
    gevent: Any, clients: list[Any], notes: list[dict[str, Any]], press: Any = None
) -> dict[str, Any]:
    """Send note i from client i, all at one instant; return send/ack times and statuses.

    press(at), if given, runs alongside: the facilitator's "next" 100 ms into the burst."""
    at = time.perf_counter() + 1.0
    results: list[Any] = [None] * len(clients)
    pressed = gevent.spawn(press, at + 0.1) if press is not None else None
    cpu = cpu_seconds(SERVER_PID), cpu_seconds(os.getpid())

    def one(i: int) -> None:
        gevent.sleep(max(0.0, at - time.perf_counter()))
        sent = time.perf_counter()
        try:
            ack = clients[i].call("note", notes[i], namespace="/live", timeout=120)
            results[i] = (sent, time.perf_counter(), ack["status"])
        except Exception as err:  # noqa: BLE001 - a lost ack is a result here
            results[i] = (sent, time.perf_counter(), f"error: {err}")

    gevent.joinall([gevent.spawn(one, i) for i in range(len(clients))])
    if pressed is not None:
        pressed.join()
    server_cpu = cpu_seconds(SERVER_PID) - cpu[0]
    client_cpu = cpu_seconds(os.getpid()) - cpu[1]
    sends = [r[0] for r in results]
    acks = [r[1] for r in results]
    return {
        "ack_s": [a - s for s, a in zip(sends, acks, strict=True)],
        "spread_s": max(sends) - min(sends),
        "span_s": max(acks) - min(sends),
        "statuses": [r[2] for r in results],
        "client_ids": [n["client_id"] for n in notes],
        "next": pressed.value if pressed is not None else None,
        "server_cpu_s": server_cpu,
        "client_cpu_s": client_cpu,
    }


def profile_burst() -> subprocess.Popen[bytes] | None:
    """With PARCOURS_BENCH_PROFILE_BURST=FILE, sample the server with py-spy during the first
    burst only (not the connects before it); summarise with bench/profile_top.py FILE."""
    out = os.environ.get("PARCOURS_BENCH_PROFILE_BURST")
    if not out:
        return None
    spy = Path(sys.executable).with_name("py-spy")
    proc = subprocess.Popen(
        [str(spy), "record", "--pid", str(SERVER_PID), "--format", "raw", "--rate", "500",
         "--nonblocking", "--output", out],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(0.5)  # py-spy attaches before the burst starts (a second from now)
    return proc


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) a process used so far, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


SERVER_PID = 0  # set from the spec in the client process


# --- the driver ------------------------------------------------------------------------------


def event_file(folder: Path, people: int) -> Path:
    """Write an event with 12 stations and `people` participants."""
    lines = [
        '[event]\ntitle = "Burst"\nstarts_at = 2026-09-17T10:00:00+02:00\n',
        '[[agenda]]\ntitle = "Parcours"\nkind = "parcours"\nrounds = 6\n'
        "round_minutes = 12\ntransition_minutes = 3\n",
    ]
    for n in range(12):
        lines.append(f'[[stations]]\nname = "Station {n + 1}"\ncapacity = 200\n')
    for n in range(people):
        lines.append(f'[[participants]]\nname = "Person {n:04d}"\n')
    path = folder / "burst.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def start_app(
    folder: Path, mode: str, people: int, root: Path = ROOT
) -> tuple[subprocess.Popen[bytes], str, Path, dict]:
    """Serve a fresh event with its plan and a running clock; return proc, url, db path, info."""

    def store_plan(cli: list[str], env: dict[str, str], info: dict[str, Any]) -> None:
        plan = [*cli, "plan", str(info["event_id"]), "--time-limit", "2"]
        subprocess.run(plan, env=env, check=True, capture_output=True, cwd=root)

    proc, url, info = serve_app(folder, mode, event_file(folder, people), store_plan, root)
    start_clock(url, info)
    return proc, url, folder / "app.sqlite", info


def start_clock(url: str, info: dict[str, Any]) -> None:
    """Start the event's clock: round 1 of the parcours runs, so each note looks up its round."""
    import urllib.request

    request = urllib.request.Request(
        f"{url}/api/v1/events/{info['event_id']}/clock",
        data=json.dumps({"action": "start"}).encode(),
        headers={
            "Authorization": f"Bearer {info['facilitator_token']}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        state = json.loads(answer.read())
    if state.get("phase") != "running":
        raise SystemExit(f"the clock did not start: {state}")


def measure(folder: Path, spec: dict[str, Any]) -> dict[str, Any]:
    """Run one client process with spec; return its result."""
    path = folder / "spec.json"
    path.write_text(json.dumps(spec))
    done = subprocess.run(
        [PYTHON, __file__, "--clients", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1200,
    )
    if done.returncode != 0:
        raise SystemExit(f"client process failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def stored_once(db: Path, client_ids: list[str]) -> tuple[bool, int]:
    """Return whether each client_id is stored exactly once, and how many rows they have."""
    with sqlite3.connect(db) as conn:
        marks = ",".join("?" * len(client_ids))
        rows = conn.execute(
            f"SELECT client_id, COUNT(*) FROM notes WHERE client_id IN ({marks})"
            " GROUP BY client_id",
            client_ids,
        ).fetchall()
    counts = dict(rows)
    return all(counts.get(c) == 1 for c in client_ids), sum(counts.values())


def placed(db: Path, client_ids: list[str]) -> int:
    """Return how many of the notes were stored with a round and a station (from the plan)."""
    with sqlite3.connect(db) as conn:
        marks = ",".join("?" * len(client_ids))
        found = conn.execute(
            f"SELECT COUNT(*) FROM notes WHERE client_id IN ({marks})"
            " AND round IS NOT NULL AND station_id IS NOT NULL",
            client_ids,
        ).fetchone()
    return int(found[0])


def summarise(n: int, result: dict[str, Any], db: Path) -> dict[str, Any]:
    """Turn one client process's result into the figures of one row."""
    first, again = result["first"], result["again"]
    once, rows = stored_once(db, first["client_ids"])
    ok_first = sum(1 for s in first["statuses"] if s == 201)
    ok_again = sum(1 for s in again["statuses"] if s == 200)
    return {
        "n": n,
        "per_s": n / first["span_s"],
        "median_ms": statistics.median(first["ack_s"]) * 1000,
        "worst_ms": max(first["ack_s"]) * 1000,
        "spread_ms": first["spread_s"] * 1000,
        "repeat_median_ms": statistics.median(again["ack_s"]) * 1000,
        "repeat_worst_ms": max(again["ack_s"]) * 1000,
        "created": ok_first,
        "repeat_200": ok_again,
        "rows": rows,
        "placed": placed(db, first["client_ids"]),
        "once": once and ok_first == n and ok_again == n and rows == n,
        "connect_s": result["connect_s"],
        "next": first.get("next"),
        "server_ms": first["server_cpu_s"] * 1000 / n,
        "client_ms": first["client_cpu_s"] * 1000 / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="100,500,1000", help="client counts, comma-separated")
    parser.add_argument("--mode", default="eventlet", choices=("eventlet", "gevent"))
    parser.add_argument("--repeats", type=int, default=1, help="bursts per N (fresh phones each)")
    parser.add_argument(
        "--before",
        help="another checkout (e.g. `git worktree add /tmp/before <commit>`): its server is "
        "measured in the same run, turn about with this one",
    )
    parser.add_argument(
        "--no-next", action="store_true", help="no facilitator's 'next' during the first burst"
    )
    parser.add_argument(
        "--client",
        default="socketio",
        choices=("socketio", "lean"),
        help="the phones: python-socketio clients, or bench/leanphone.py (the same frames, "
        "a fraction of the load generator's CPU)",
    )
    args = parser.parse_args()
    counts = [int(n) for n in args.n.split(",") if n.strip()]
    raise_file_limit()
    folder = Path(tempfile.mkdtemp(prefix="burst-"))
    servers = {}
    if args.before:  # the code before a change, measured in the same run, alternating
        (folder / "before").mkdir()
        servers["before"] = start_app(
            folder / "before", args.mode, max(counts) * args.repeats, Path(args.before).resolve()
        )
    servers["after"] = start_app(folder, args.mode, max(counts) * args.repeats)
    rows = []
    turn = 0
    try:
        for n in counts:
            for repeat in range(args.repeats):
                names = list(servers) if turn % 2 == 0 else list(reversed(servers))
                turn += 1
                for name in names:
                    proc, url, db, info = servers[name]
                    tokens = [p["token"] for p in info["participants"]]
                    spec = {
                        "url": url, "tokens": tokens[repeat * n : (repeat + 1) * n],
                        "facilitator": info["facilitator_token"],
                        "press": not args.no_next, "server_pid": proc.pid,
                        "client": args.client,
                    }  # fmt: skip
                    row = summarise(n, measure(folder, spec), db)
                    row["code"] = name
                    rows.append(row)
                    print_row(name, n, row)
    finally:
        for proc, *_rest in servers.values():
            proc.terminate()
            proc.wait(10)
    report(rows, args)
    if not all(r["once"] for r in rows):
        raise SystemExit("some notes were not stored exactly once")


def print_row(name: str, n: int, row: dict[str, Any]) -> None:
    """Print one measurement as it comes."""
    print(
        f"{name:>6} N={n:>5}  {row['per_s']:7.0f} notes/s  ack median "
        f"{row['median_ms']:7.1f} ms worst {row['worst_ms']:7.1f} ms  | repeat median "
        f"{row['repeat_median_ms']:.1f} ms  | created {row['created']}, repeats 200: "
        f"{row['repeat_200']}, rows {row['rows']} ({row['placed']} with round and station): "
        f"{'stored exactly once' if row['once'] else 'FAILED'}"
        f"  | next during the burst: {next_text(row['next'])}"
        f"  | CPU per note: server {row['server_ms']:.2f} ms, "
        f"clients {row['client_ms']:.2f} ms",
        flush=True,
    )


def next_text(found: dict[str, Any] | None) -> str:
    """Describe the "next" pressed during the burst: ack, and when all phones had the state."""
    if not found:
        return "-"
    if found["all_s"] is None:
        return f"only {found['reached']} phones got it"
    return f"ack {found['ack_s'] * 1000:.0f} ms, all phones {found['all_s'] * 1000:.0f} ms"


def report(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """Print the figures as a Markdown section for BENCHMARKS.md."""
    day = datetime.now(UTC).date().isoformat()
    print(
        f"\n## Burst\n\nMachine: {os.cpu_count()} cores (`nproc`), {cpu_model()}; {day}; "
        f"`parcours serve` in async mode {args.mode} on SQLite (WAL), clock running in round 1; "
        "clients: python-socketio over websocket in one gevent process on the same machine. "
        "Each of N participants sends one note at the same instant; then every note is sent "
        "again with the same client_id (a retry after a lost ack). 100 ms into the first burst the "
        'facilitator presses "next" (socket `clock` action): its ack, and when the last phone '
        "had the new state.\n"
    )
    print(
        "| code | N | notes stored/s | ack median | ack worst | send spread | repeat: ack median "
        "| stored exactly once | next during the burst | server CPU per note |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['code']} | {r['n']:,} | {r['per_s']:.0f} | {r['median_ms']:.0f} ms "
            f"| {r['worst_ms']:.0f} ms "
            f"| {r['spread_ms']:.0f} ms | {r['repeat_median_ms']:.0f} ms "
            f"| {'yes' if r['once'] else 'NO'} ({r['rows']} rows, {r['created']}×201, "
            f"{r['repeat_200']}×200) | {next_text(r['next'])} | {r['server_ms']:.2f} ms |"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--clients":
        run_clients(sys.argv[2])
    else:
        main()
