"""Several processes, measured: 1, 2 and 4 `parcours serve` behind nginx, many phones, "next".

For each process count P the benchmark starts P real `parcours serve` processes (eventlet) on one
fresh PostgreSQL schema and one Redis channel (PARCOURS_MESSAGE_QUEUE), puts Debian's nginx in
front of them with deploy/nginx.conf (round robin, HTTPS with a throw-away CA, filled in by
tests/venue/conftest.py's nginx_for, loopback only), connects N phones through nginx
(python-socketio AsyncClients over WebSocket, spread over several client processes), then the
facilitator presses "next" (over HTTP through nginx) several times. It reports:

- fan-out: from the press to the last of the N phones receiving the new state (median and worst
  over the presses; also the median phone's delay);
- memory: the RSS of the server processes (and of nginx) before and after the phones connected,
  divided by the phones.

    .venv/bin/python bench/scale.py                    # P = 1, 2, 4; N = 3000
    .venv/bin/python bench/scale.py --procs 4 --phones 5000 --client-procs 3

Needs PARCOURS_TEST_POSTGRES_URL and PARCOURS_TEST_REDIS_URL (source the env file), nginx
(`make venue-tools`), aiohttp and trustme (the dev extras).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchlib import cpu_model, raise_file_limit  # noqa: E402

PYTHON = sys.executable


# --- a client process: its share of the phones ---------------------------------------------------


class Crowd:
    """One client process's phones: python-socketio AsyncClients through nginx.

    Like the page, a phone whose connect is refused as `unavailable` (the server's database
    connections all busy) connects again after a spread delay, and with --reconnect a phone
    whose socket drops reconnects (0.5–3 s, as the page; it then gets the current state at
    connect). Every phone's connected spans are recorded, so a press is judged on the phones
    that were connected from the press until the next one: each of them must have got it.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.context = ssl.create_default_context(cafile=spec["ca"])
        self.received: dict[int, dict[str, float]] = {}  # version -> {token: first arrival}
        self.spans: dict[str, list[list[float | None]]] = {}  # token -> [[up, down], ...]
        self.refused = 0  # connects refused as `unavailable` (then tried again)
        self.clients: list[Any] = []

    async def attempt(self, token: str) -> tuple[Any, str | None]:
        """One connect; return (client, None) or (None, the refusal's message or the error)."""
        import aiohttp
        import socketio

        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=self.context, limit=0))
        client = socketio.AsyncClient(
            reconnection=self.spec["reconnect"],
            reconnection_delay=0.5,
            reconnection_delay_max=3,
            http_session=session,
        )
        why: list[Any] = []
        spans = self.spans.setdefault(token, [])

        def on_state(data: dict[str, Any]) -> None:
            self.received.setdefault(int(data["version"]), {}).setdefault(token, time.time())

        def on_connect() -> None:
            spans.append([time.time(), None])

        def on_disconnect(*_args: Any) -> None:
            if spans and spans[-1][1] is None:
                spans[-1][1] = time.time()

        client.on("state", on_state, namespace="/live")
        client.on("connect", on_connect, namespace="/live")
        client.on("disconnect", on_disconnect, namespace="/live")
        client.on("connect_error", lambda data: why.append(data), namespace="/live")
        try:
            await client.connect(
                self.spec["url"],
                namespaces=["/live"],
                transports=["websocket"],
                auth={"token": token},
                wait_timeout=120,
            )
        except Exception as err:  # noqa: BLE001 - counted and reported
            await session.close()
            first = why[0] if why and isinstance(why[0], dict) else {}
            return None, str(first.get("message") or repr(err))
        return client, None

    async def make(self, token: str, gate: Any) -> Any:
        """Connect one phone; a refusal as `unavailable` is tried again, as the page does."""
        import asyncio

        for _try in range(30):
            async with gate:
                client, why = await self.attempt(token)
            if client is not None:
                return client
            if why != "unavailable":
                print(f"connect failed: {why}", file=sys.stderr, flush=True)
                return None
            self.refused += 1
            await asyncio.sleep(1.0 + random.random())  # retry_after, spread like the page
        print("connect failed: unavailable 30 times", file=sys.stderr, flush=True)
        return None

    def verdict(self, presses: list[list[float]]) -> dict[str, Any]:
        """For each press [version, pressed, next press]: the phones connected all along, how
        many of them did not get it, and the arrival times of all that got it."""
        out = []
        for version, t0, t_end in presses:
            got = self.received.get(int(version), {})
            along = [
                token
                for token, spans in self.spans.items()
                if any(up <= t0 and (down is None or down >= t_end) for up, down in spans)
            ]
            missed = sum(1 for token in along if token not in got)
            out.append({"along": len(along), "missed": missed, "times": list(got.values())})
        downs = sum(1 for spans in self.spans.values() for _up, down in spans if down is not None)
        ups = sum(len(spans) for spans in self.spans.values())
        still = sum(1 for c in self.clients if c is not None and c.connected)
        return {
            "presses": out,
            "dropped": downs,
            "reconnects": ups - len(self.spans),
            "still": still,
        }


def run_clients(spec_file: str) -> None:
    """Connect this process's phones; print `ready <connected> <failed> <seconds> <refusals>`,
    wait for `done <presses as JSON>` on stdin and print the Crowd's verdict as JSON."""
    import asyncio

    raise_file_limit()
    crowd = Crowd(json.loads(Path(spec_file).read_text()))

    async def main() -> None:
        gate = asyncio.Semaphore(crowd.spec["parallel"])
        t0 = time.monotonic()
        crowd.clients = await asyncio.gather(*[crowd.make(t, gate) for t in crowd.spec["tokens"]])
        good = sum(1 for c in crowd.clients if c is not None)
        took = time.monotonic() - t0
        print(f"ready {good} {len(crowd.clients) - good} {took:.1f} {crowd.refused}", flush=True)
        line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        presses = json.loads(line.removeprefix("done "))
        print(json.dumps(crowd.verdict(presses)), flush=True)

    asyncio.run(main())
    os._exit(0)


# --- the driver ---------------------------------------------------------------------------------


def rss_kb(pid: int) -> int:
    """Return a process's resident set size in KiB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def event_file(folder: Path, people: int) -> Path:
    """An event with 12 stations, a 12-round parcours and `people` participants."""
    lines = [
        '[event]\ntitle = "Scale"\nstarts_at = 2026-09-17T10:00:00+02:00\n',
        '[[agenda]]\ntitle = "Welcome"\nminutes = 10\n',
        '[[agenda]]\ntitle = "Parcours"\nkind = "parcours"\nrounds = 12\n'
        "round_minutes = 12\ntransition_minutes = 0\n",
    ]
    for n in range(12):
        lines.append(
            f'[[stations]]\nname = "Station {n + 1}"\nlocation = "Tisch {n + 1}"\n'
            f"capacity = {min(500, people)}\n"
        )
    for n in range(people):
        lines.append(f'[[participants]]\nname = "Person {n:05d}"\n')
    path = folder / "scale.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


class Schema:
    """A fresh PostgreSQL schema of the run's own, dropped at the end."""

    def __init__(self, base: str) -> None:
        from sqlalchemy import create_engine, text

        self.name = f"scale_{secrets.token_hex(4)}"
        self.admin = create_engine(base)
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))
        sep = "&" if "?" in base else "?"
        self.url = f"{base}{sep}options=-csearch_path%3D{self.name}"

    def drop(self) -> None:
        from sqlalchemy import text

        with self.admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{self.name}" CASCADE'))
        self.admin.dispose()


def server_env(schema: Schema, args: argparse.Namespace, port: int) -> dict[str, str]:
    """The servers' settings: the run's schema and Redis channel, and a small pool each."""
    return {
        "PARCOURS_DATABASE_URL": schema.url,
        "PARCOURS_MESSAGE_QUEUE": args.redis,
        "PARCOURS_MESSAGE_QUEUE_CHANNEL": f"parcours-scale-{uuid.uuid4().hex}",
        "PARCOURS_PUBLIC_URL": f"https://127.0.0.1:{port}",
        "PARCOURS_PROXY_HOPS": "1",
        "PARCOURS_ASYNC_MODE": args.mode,
        # this machine's PostgreSQL (max_connections 100) is shared by several engineers
        "PARCOURS_DB_POOL_SIZE": str(args.pool_size),
        "PARCOURS_DB_MAX_OVERFLOW": str(args.max_overflow),
    }


def start_clients(folder: Path, url: str, ca: str, tokens: list[str], args: Any) -> list[Any]:
    """Start the client processes, each with its share of the phones' tokens."""
    clients = []
    shares = [tokens[i :: args.client_procs] for i in range(args.client_procs)]
    for n, share in enumerate(shares):
        spec = folder / f"clients-{n}.json"
        spec.write_text(
            json.dumps(
                {
                    "url": url,
                    "ca": ca,
                    "tokens": share,
                    "parallel": args.parallel,
                    "reconnect": args.reconnect,
                }
            )
        )
        clients.append(
            subprocess.Popen(
                [PYTHON, __file__, "--clients", str(spec)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=(folder / f"clients-{n}.err").open("w"),
                text=True,
                cwd=ROOT,
            )
        )
    return clients


def wait_ready(clients: list[Any], folder: Path) -> dict[str, int]:
    """Wait until every client process connected its phones; return the counts."""
    counts = {"phones": 0, "failed": 0, "refusals_retried": 0}
    for client in clients:
        line = client.stdout.readline().split()
        if not line or line[0] != "ready":
            raise SystemExit(f"client process failed: see {folder}/clients-*.err")
        counts["phones"] += int(line[1])
        counts["failed"] += int(line[2])
        counts["refusals_retried"] += int(line[4])
    return counts


def collect(clients: list[Any], presses: list[list[float]]) -> dict[str, Any]:
    """Hand the presses to the client processes; return the per-press figures."""
    along = [0] * len(presses)
    missed = [0] * len(presses)
    times: list[list[float]] = [[] for _ in presses]
    totals = {"dropped": 0, "reconnects": 0, "still": 0}
    for client in clients:
        client.stdin.write("done " + json.dumps(presses) + "\n")
        client.stdin.flush()
        answer = json.loads(client.stdout.readline())
        for n, one in enumerate(answer["presses"]):
            along[n] += one["along"]
            missed[n] += one["missed"]
            times[n].extend(one["times"])
        for key in totals:
            totals[key] += answer[key]
    pairs = list(zip(times, presses, strict=True))
    return {
        "connected_along": along,  # per press: phones connected from the press to the next
        "missed_by_connected": missed,  # of those, how many did not get it
        "reached": [len(t) for t in times],
        **totals,
        "last": [max(t) - p[1] for t, p in pairs if t],
        "median_phone": [statistics.median(t) - p[1] for t, p in pairs if t],
    }


def setup(folder: Path, schema: Schema, servers: list[Any], phones: int) -> dict[str, Any]:
    """Create the schema's tables and the event (with its plan); return the event's info."""
    from tests.realtime.helpers import assign_on

    first = servers[0]
    done = first.cli("db", "upgrade")
    assert done.returncode == 0, done.stderr
    done = first.cli("event", "create", str(event_file(folder, phones)), "--json")
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assign_on(schema.url, info["event_id"])
    for server in servers:
        server.start()
    return dict(info)


def measure(procs: int, args: argparse.Namespace, certs: Any) -> dict[str, Any]:
    """One run with `procs` server processes; return its figures."""
    from tests.conftest import Server, free_port
    from tests.venue.conftest import nginx_for

    folder = Path(tempfile.mkdtemp(prefix=f"scale-{procs}-"))
    schema = Schema(args.postgres)
    port = free_port()
    servers = [Server(folder, args.mode, server_env(schema, args, port)) for _ in range(procs)]
    proxy = None
    clients: list[subprocess.Popen[str]] = []
    try:
        info = setup(folder, schema, servers, args.phones)
        proxy = nginx_for(
            folder, [s.port for s in servers], certs, port, connections=2 * args.phones + 512
        )
        press = presser(proxy.url, info, certs)
        press("start")
        press("next")  # round 1 of the parcours
        time.sleep(2.0)
        pids = [s.proc.pid for s in servers if s.proc is not None]
        nginx_pids = nginx_workers(proxy.proc.pid if proxy.proc else 0)
        before = (sum(rss_kb(p) for p in pids), sum(rss_kb(p) for p in nginx_pids))
        tokens = [p["token"] for p in info["participants"]]
        t_connect = time.monotonic()
        clients = start_clients(folder, proxy.url, str(certs.ca), tokens, args)
        counts = wait_ready(clients, folder)
        connect_s = time.monotonic() - t_connect
        time.sleep(3.0)  # let the connect work settle
        after = (sum(rss_kb(p) for p in pids), sum(rss_kb(p) for p in nginx_pids))
        presses: list[list[float]] = []
        for _ in range(args.repeats):
            t0 = time.time()
            version = int(press("next")["version"])
            time.sleep(args.pause)
            presses.append([version, t0, time.time()])
            press("previous")  # back again, unmeasured
            time.sleep(args.pause)
        return {
            "procs": procs,
            **counts,
            "connect_s": connect_s,
            **collect(clients, presses),
            "rss_before_kb": before[0],
            "rss_after_kb": after[0],
            "nginx_before_kb": before[1],
            "nginx_after_kb": after[1],
            "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        }
    finally:
        for client in clients:
            if client.poll() is None:
                client.kill()
                client.wait(10)
        if proxy is not None:
            proxy.stop()
        for server in servers:
            server.stop()
        schema.drop()


def presser(url: str, info: dict[str, Any], certs: Any) -> Any:
    """Return press(action): the facilitator's clock action over HTTP through nginx."""
    import requests

    session = requests.Session()

    def press(action: str) -> dict[str, Any]:
        answer = session.post(
            f"{url}/api/v1/events/{info['event_id']}/clock",
            json={"action": action},
            headers={"Authorization": f"Bearer {info['facilitator_token']}"},
            timeout=60,
            verify=str(certs.ca),
        )
        answer.raise_for_status()
        return dict(answer.json())

    return press


def nginx_workers(master: int) -> list[int]:
    """Return nginx's master and worker pids."""
    pids = [master]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return pids


def report(rows: list[dict[str, Any]], args: argparse.Namespace, load: str) -> None:
    """Print the figures as Markdown for BENCHMARKS.md."""
    day = datetime.now(UTC).date().isoformat()
    print(
        f"\n## Several processes (bench/scale.py)\n\nMachine: {os.cpu_count()} cores, "
        f"{cpu_model()}; {day}; load average before the run {load}; async mode {args.mode}; "
        f"nginx (deploy/nginx.conf, HTTPS) round robin in front; PostgreSQL, Redis; phones: "
        f"python-socketio AsyncClients over WebSocket in {args.client_procs} client processes on "
        f"the same machine; {args.repeats} presses of next (HTTP, through nginx); DB pool "
        f"{args.pool_size} + {args.max_overflow} overflow per process.\n"
    )
    print(
        "| processes | phones | per press: connected all along / of them missed it "
        "| dropped / reconnected | connect | fan-out median (last phone) | worst | median phone "
        "| server RSS before → after | per phone (servers) | per phone (nginx) | load after |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(row_text(r))


def row_text(r: dict[str, Any]) -> str:
    """One table row of report()."""
    per = (r["rss_after_kb"] - r["rss_before_kb"]) / max(1, r["phones"])
    per_nginx = (r["nginx_after_kb"] - r["nginx_before_kb"]) / max(1, r["phones"])
    pairs = zip(r["connected_along"], r["missed_by_connected"], strict=True)
    last = r["last"] or [float("nan")]
    median = r["median_phone"] or [float("nan")]
    return (
        f"| {r['procs']} | {r['phones']:,} (failed {r['failed']}, refusals retried "
        f"{r['refusals_retried']}) | {', '.join(f'{a:,} / {m}' for a, m in pairs)} "
        f"| {r['dropped']} / {r['reconnects']} | {r['connect_s']:.0f} s "
        f"| {statistics.median(last) * 1000:.0f} ms | {max(last) * 1000:.0f} ms "
        f"| {statistics.median(median) * 1000:.0f} ms "
        f"| {r['rss_before_kb'] / 1024:.0f} → {r['rss_after_kb'] / 1024:.0f} MiB "
        f"| {per:.0f} KiB | {per_nginx:.1f} KiB | {r['load']} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procs", default="1,2,4", help="server process counts")
    parser.add_argument("--phones", type=int, default=3000)
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--parallel", type=int, default=25, help="connects at once per process")
    parser.add_argument("--pause", type=float, default=3.0, help="seconds after each press")
    parser.add_argument("--mode", default="eventlet", choices=("eventlet", "gevent"))
    parser.add_argument(
        "--reconnect", action="store_true", help="a dropped phone reconnects, as the page does"
    )
    parser.add_argument("--pool-size", type=int, default=2, help="PARCOURS_DB_POOL_SIZE")
    parser.add_argument("--max-overflow", type=int, default=2, help="PARCOURS_DB_MAX_OVERFLOW")
    args = parser.parse_args()
    args.postgres = os.environ.get("PARCOURS_TEST_POSTGRES_URL", "")
    args.redis = os.environ.get("PARCOURS_TEST_REDIS_URL", "")
    if not args.postgres or not args.redis:
        raise SystemExit("set PARCOURS_TEST_POSTGRES_URL and PARCOURS_TEST_REDIS_URL")
    raise_file_limit()
    import trustme

    from tests.venue.conftest import Certs

    folder = Path(tempfile.mkdtemp(prefix="scale-certs-"))
    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1", "localhost")
    certs = Certs(folder / "ca.pem", folder / "cert.pem", folder / "key.pem")
    ca.cert_pem.write_to_path(str(certs.ca))
    leaf.private_key_pem.write_to_path(str(certs.key))
    with certs.cert.open("wb") as out:
        for blob in leaf.cert_chain_pems:
            out.write(blob.bytes())
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    rows = []
    for procs in [int(p) for p in args.procs.split(",")]:
        row = measure(procs, args, certs)
        rows.append(row)
        print(json.dumps(row), flush=True)
    report(rows, args, load)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--clients":
        run_clients(sys.argv[2])
    else:
        main()
