"""Fan-out benchmark: time from "next" to the last of N phones receiving the new state.

Starts the real app (`parcours serve`) and, in the same run, a bare Flask-SocketIO server that
only broadcasts the same payload (bench/bare_broadcast.py). For each N, one client process
connects N python-socketio AsyncClients (asyncio, websocket transport) to each server, plus one
driver client per server that sends "next" as the facilitator's console does (the socket
`clock` action, acknowledged); the presses on the two servers are interleaved. It records when
the last client got each broadcast and prints the median and worst per N for both servers and
the ratio app / bare. Needs aiohttp (python-socketio's asyncio client): `pip install aiohttp`.

    .venv/bin/python bench/fanout.py                  # N = 100, 500, 1000, 2000
    .venv/bin/python bench/fanout.py --n 100,500 --repeats 5 --mode gevent
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchlib import cpu_model, free_port, profile, raise_file_limit, serve_app, wait_ready

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ROLE = sys.argv[1] if len(sys.argv) > 1 else ""


# --- the client process: N clients, several presses --------------------------------------------


def run_clients(spec_file: str) -> None:
    """Connect N AsyncClients to each target, press next on them in turn, print JSON latencies."""
    import asyncio

    import socketio

    raise_file_limit()
    spec = json.loads(Path(spec_file).read_text())
    received: dict[tuple[str, int], list[float]] = {}

    async def make(target: dict[str, Any], token: str, gate: asyncio.Semaphore) -> Any:
        client = socketio.AsyncClient(reconnection=False)
        name = target["name"]

        def on_state(data: dict[str, Any]) -> None:
            received.setdefault((name, data["version"]), []).append(time.perf_counter())

        client.on("state", on_state, namespace="/live")
        async with gate:
            await client.connect(
                target["url"],
                namespaces=["/live"],
                transports=["websocket"],
                auth={"token": token},
                wait_timeout=60,
            )
        return client

    async def press(driver: Any, target: dict[str, Any], action: str, count: int) -> float:
        t0 = time.perf_counter()
        ack = await driver.call("clock", {"action": action}, namespace="/live", timeout=60)
        assert ack["status"] == 200, ack
        key = (target["name"], int(ack["body"]["version"]))
        deadline = time.monotonic() + 120
        while len(received.get(key, ())) < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"{key}: only {len(received.get(key, ()))} of {count} got it")
            await asyncio.sleep(0.002)
        return max(received[key]) - t0

    async def main() -> dict[str, list[float]]:
        gate = asyncio.Semaphore(50)
        clients = {
            t["name"]: await asyncio.gather(*[make(t, k, gate) for k in t["tokens"]])
            for t in spec["targets"]
        }
        drivers = {t["name"]: await make(t, t["driver"], gate) for t in spec["targets"]}
        await asyncio.sleep(1.0)
        times: dict[str, list[float]] = {t["name"]: [] for t in spec["targets"]}
        targets = list(spec["targets"])
        for _ in range(spec["repeats"]):
            for target in targets:  # interleaved, so both see the same background load
                name = target["name"]
                count = len(clients[name]) + 1  # the driver gets the state too
                times[name].append(await press(drivers[name], target, "next", count))
                await asyncio.sleep(0.3)
                await press(drivers[name], target, "previous", count)  # back again, unmeasured
                await asyncio.sleep(0.3)
            targets.reverse()
        return times

    print(json.dumps(asyncio.run(main())), flush=True)
    os._exit(0)


# --- the driver ----------------------------------------------------------------------------------


def event_file(folder: Path, people: int) -> Path:
    """Write an event with 12 stations, a 12-round parcours and `people` participants."""
    lines = [
        '[event]\ntitle = "Fan-out"\nstarts_at = 2026-09-17T10:00:00+02:00\n',
        '[[agenda]]\ntitle = "Welcome"\nminutes = 10\n',
        '[[agenda]]\ntitle = "Parcours"\nkind = "parcours"\nrounds = 12\n'
        "round_minutes = 12\ntransition_minutes = 0\n",
    ]
    for n in range(12):
        lines.append(
            f'[[stations]]\nname = "Station {n + 1}"\nlocation = "Tisch {n + 1}"\ncapacity = 400\n'
        )
    for n in range(people):
        lines.append(f'[[participants]]\nname = "Person {n:04d}"\n')
    path = folder / "fanout.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def start_app(
    folder: Path, mode: str, people: int, root: Path | None = None
) -> tuple[subprocess.Popen[bytes], str, dict]:
    """Serve a fresh event with a plan (every participant at a station); return proc, url, info."""

    def assign(_cli: list[str], env: dict[str, str], info: dict[str, Any]) -> None:
        sys.path.insert(0, str(ROOT))
        from tests.realtime.helpers import assign_on

        assign_on(env["PARCOURS_DATABASE_URL"], info["event_id"])

    return serve_app(folder, mode, event_file(folder, people), assign, root)


def app_clock(url: str, info: dict, action: str) -> dict:
    import requests

    answer = requests.post(
        f"{url}/api/v1/events/{info['event_id']}/clock",
        json={"action": action},
        headers={"Authorization": f"Bearer {info['facilitator_token']}"},
        timeout=30,
    )
    answer.raise_for_status()
    return dict(answer.json())


def measure(folder: Path, spec: dict[str, Any]) -> dict[str, Any]:
    """Run one client process with spec; return its result."""
    path = folder / "spec.json"
    path.write_text(json.dumps(spec))
    done = subprocess.run(
        [PYTHON, __file__, "--clients", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    if done.returncode != 0:
        raise SystemExit(f"client process failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="100,500,1000,2000", help="client counts, comma-separated")
    parser.add_argument("--repeats", type=int, default=7, help="presses of next per N and server")
    parser.add_argument("--mode", default="eventlet", choices=("eventlet", "gevent"))
    parser.add_argument(
        "--bare-gc", action="store_true", help="tune the bare server's GC as the app's"
    )
    parser.add_argument(
        "--before",
        help="another checkout (e.g. `git worktree add /tmp/before <commit>`): its app is "
        "measured in the same run, presses interleaved with the other two",
    )
    args = parser.parse_args()
    counts = [int(n) for n in args.n.split(",") if n.strip()]
    raise_file_limit()
    folder = Path(tempfile.mkdtemp(prefix="fanout-"))
    servers = []
    old = None
    if args.before:
        (folder / "before").mkdir()
        old = start_app(folder / "before", args.mode, max(counts), Path(args.before).resolve())
        servers.append(old[0])
        app_clock(old[1], old[2], "start")
        app_clock(old[1], old[2], "next")
    app, app_url, info = start_app(folder, args.mode, max(counts))
    servers.append(app)
    app_clock(app_url, info, "start")
    state = app_clock(app_url, info, "next")  # round 1 of the parcours
    payload = folder / "payload.json"
    payload.write_text(json.dumps(state))
    bare, bare_url = start_bare(payload, args)
    rows = []
    try:
        wait_ready(bare_url, bare)
        profile(bare, "bare")
        for n in counts:
            targets = targets_for(n, bare_url, (app, app_url, info), old)
            row: dict[str, Any] = {
                "n": n,
                **measure(folder, {"targets": targets, "repeats": args.repeats}),
            }
            rows.append(row)
            report_row(row)
    finally:
        for proc in (*servers, bare):
            proc.terminate()
            proc.wait(10)
    report(rows, args, len(json.dumps(state)))


def start_bare(payload: Path, args: argparse.Namespace) -> tuple[subprocess.Popen[bytes], str]:
    """Start the bare broadcast server (bench/bare_broadcast.py); return it and its URL."""
    port = free_port()
    bare = subprocess.Popen(
        [PYTHON, str(ROOT / "bench" / "bare_broadcast.py"), str(port), str(payload), args.mode],
        cwd=ROOT,
        env={**os.environ, "PARCOURS_BENCH_BARE_GC": "1" if args.bare_gc else "0"},
    )
    return bare, f"http://127.0.0.1:{port}"


def targets_for(n: int, bare_url: str, app: tuple, old: tuple | None) -> list[dict[str, Any]]:
    """The servers one client process measures at N: bare, app, and the app before if given."""
    tokens = [p["token"] for p in app[2]["participants"]][:n]
    targets = [
        {"name": "bare", "url": bare_url, "tokens": tokens, "driver": "bare"},
        {"name": "app", "url": app[1], "tokens": tokens, "driver": app[2]["facilitator_token"]},
    ]
    if old is not None:
        old_tokens = [p["token"] for p in old[2]["participants"]][:n]
        driver = old[2]["facilitator_token"]
        targets.append({"name": "before", "url": old[1], "tokens": old_tokens, "driver": driver})
    return targets


def stats(times: list[float]) -> tuple[float, float]:
    return statistics.median(times) * 1000, max(times) * 1000


def report_row(row: dict[str, Any]) -> None:
    bm, bw = stats(row["bare"])
    am, aw = stats(row["app"])
    before = ""
    if "before" in row:
        om, ow = stats(row["before"])
        before = f" | before median {om:7.1f} ms worst {ow:7.1f} ms | ratio {om / bm:4.2f}"
    print(
        f"N={row['n']:>5}  bare median {bm:7.1f} ms worst {bw:7.1f} ms | "
        f"app median {am:7.1f} ms worst {aw:7.1f} ms | ratio {am / bm:4.2f}{before}",
        flush=True,
    )


def report(rows: list[dict[str, Any]], args: argparse.Namespace, size: int) -> None:
    """Print the figures as a Markdown section for BENCHMARKS.md."""
    day = datetime.now(UTC).date().isoformat()
    print(
        f"\n## Fan-out\n\nMachine: {os.cpu_count()} cores (`nproc`), {cpu_model()}; {day}; "
        f"async mode {args.mode}; {args.repeats} presses of next per N; state payload "
        f"{size} bytes; python-socketio AsyncClients (asyncio, websocket) in one process on "
        "the same machine; next sent over the socket; the two servers' presses interleaved.\n"
    )
    extra = " before median | before ratio (median) |" if "before" in rows[0] else ""
    print(
        "| N | bare median | bare worst | app median | app worst | ratio (median) | ratio (worst) |"
        + extra
    )
    print("|---|---|---|---|---|---|---|" + ("---|---|" if extra else ""))
    for row in rows:
        bm, bw = stats(row["bare"])
        am, aw = stats(row["app"])
        tail = ""
        if extra:
            om = stats(row["before"])[0]
            tail = f" {om:.0f} ms | {om / bm:.2f} |"
        print(
            f"| {row['n']:,} | {bm:.0f} ms | {bw:.0f} ms | {am:.0f} ms | {aw:.0f} ms "
            f"| {am / bm:.2f} | {aw / bw:.2f} |" + tail
        )


if __name__ == "__main__":
    if ROLE == "--clients":
        run_clients(sys.argv[2])
    else:
        main()
