"""A whole event under faults: the demo event run at N× speed by 100 phones and 12 host tablets.

Shared by bench/soak.py (10× speed, the figures for BENCHMARKS.md) and
tests/realtime/test_soak.py (faster, in `make test`). Real parts only: two `parcours serve`
processes on one PostgreSQL database (a fresh schema) and a private `redis-server` on a port of
its own (PARCOURS_MESSAGE_QUEUE); phones and tablets are python-socketio AsyncClients over
WebSocket that use the socket operations the pages use (`note`, `follow_up`, `check_in`,
`wall_card`, `lead`), each write with a client_id kept in an outbox until acknowledged (the
pages' outbox: resent with the same client_id after a timeout, a disconnect or a reload).

The facilitator runs the agenda with "next" (HTTP) at the scaled times; on the way:

- late joiners register (`POST /join/<code>`), are marked present and get a route;
- one re-plan of the open rounds (`POST /plan/replan`); phones get `plan` and fetch `/me`;
- faults: SIGKILL of server B mid-round and its restart; the Redis server restarted, with
  "next" pressed while it is down;
  20 phones offline for two (scaled) minutes, across a round change; one phone that sends a
  write, goes offline before the acknowledgement and reloads (a new socket, the outbox kept).

After each fault it measures how long until every online phone shows the server's round (its
`state` version), and that the clock's deadline did not move. At the end it reads the JSON
export and counts writes sent, acknowledged, stored, duplicated and lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
DEMO = ROOT / "stations" / "examples" / "demo.toml"
RECORD_LISTS = ("notes", "follow_ups", "leads", "check_ins", "wall_cards")


class Redis:
    """A private redis-server on a port of its own, restartable (never the machine's 6379)."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc: subprocess.Popen[bytes] | None = None
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"

    def start(self) -> None:
        import redis

        with (self.folder / f"redis-{self.port}.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(self.folder)],
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("private redis-server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            self.proc = None


@dataclass
class Write:
    """One write of a device: kept in its outbox until acknowledged."""

    client_id: str
    event: str
    payload: dict[str, Any]
    attempts: int = 0
    status: int | None = None  # the acknowledgement's status
    refused: dict[str, Any] | None = None


@dataclass
class Figures:
    """What the run counted and measured."""

    sent: int = 0
    attempts: int = 0
    acknowledged: int = 0
    resent_acked_200: int = 0  # the server had it already: stored once, acknowledged again
    refused: int = 0
    refusals: list[Any] = field(default_factory=list)
    unacknowledged: int = 0
    stored: int = 0
    duplicates: int = 0
    lost: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    faults: list[dict[str, Any]] = field(default_factory=list)
    presses: int = 0
    late_joiners: int = 0
    plan_events: int = 0
    seconds: float = 0.0


class Device:
    """A phone or a host tablet: one socket, an outbox, the last state it got."""

    def __init__(self, sim: Soak, name: str, token: str, url: str, role: str) -> None:
        self.sim, self.name, self.token, self.url, self.role = sim, name, token, url, role
        self.outbox: list[Write] = []  # the pages keep it in localStorage: survives a reload
        self.version = -1
        self.wanted_online = True
        self.plan_events = 0
        self.route: dict[int, int] = {}  # round -> station id (phones)
        self.participant_id: int | None = None
        self.station_id: int | None = None  # hosts
        self.sio: Any = None
        self.wake = asyncio.Event()
        self.connect_attempts = 0

    def _client(self) -> Any:
        import socketio

        sio = socketio.AsyncClient(
            reconnection=True, reconnection_delay=0.3, reconnection_delay_max=1.5,
            randomization_factor=0.3,
        )  # fmt: skip

        async def on_state(data: dict[str, Any]) -> None:
            self.version = max(self.version, int(data["version"]))

        async def on_plan(_data: Any = None) -> None:
            self.plan_events += 1
            if self.role == "participant":
                self.sim.spawn(self.fetch_route())

        async def on_connect() -> None:
            self.wake.set()

        sio.on("state", on_state, namespace="/live")
        sio.on("plan", on_plan, namespace="/live")
        sio.on("connect", on_connect, namespace="/live")
        return sio

    async def connect(self) -> None:
        self.sio = self._client()
        for attempt in range(40):
            self.connect_attempts += 1
            try:
                await self.sio.connect(
                    self.url, namespaces=["/live"], transports=["websocket"],
                    auth={"token": self.token}, wait_timeout=20,
                )  # fmt: skip
                return
            except Exception:  # noqa: BLE001 - a busy or restarting server: try again
                await asyncio.sleep(0.2 + 0.1 * attempt)
        raise RuntimeError(f"{self.name} could not connect")

    @property
    def online(self) -> bool:
        return bool(self.sio is not None and "/live" in self.sio.namespaces)

    async def go_offline(self) -> None:
        self.wanted_online = False
        await self.sio.disconnect()

    async def come_back(self) -> None:
        self.wanted_online = True
        await self.connect()
        self.wake.set()

    async def fetch_route(self) -> None:
        me = await self.sim.http("GET", "/api/v1/me", self.token)
        self.route = {step["round"]: step["station"]["id"] for step in me.get("route") or []}

    def queue(self, event: str, payload: dict[str, Any]) -> None:
        client_id = str(uuid.uuid4())
        write = Write(client_id, event, {"client_id": client_id, **payload})
        self.outbox.append(write)
        self.sim.writes[client_id] = write
        self.wake.set()

    async def sender(self) -> None:
        """Send the outbox in order; keep a write until it is acknowledged."""
        import socketio

        while not (self.sim.stopping and not self.outbox):
            if not self.outbox or not self.wanted_online or not self.online:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), 0.5)
                continue
            write = self.outbox[0]
            write.attempts += 1
            try:
                ack = await self.sio.call(
                    write.event, write.payload, namespace="/live", timeout=self.sim.ack_timeout
                )
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError,
                    socketio.exceptions.ConnectionError, ConnectionError):  # fmt: skip
                await asyncio.sleep(0.3)
                continue
            status = int(ack.get("status", 0)) if isinstance(ack, dict) else 0
            if status in (200, 201):
                write.status = status
                self.outbox.pop(0)
            elif status == 429 or status >= 500 or status == 0:
                await asyncio.sleep(0.5)  # retried with the same client_id
            else:
                write.status, write.refused = status, ack.get("body")
                self.outbox.pop(0)

    async def hard_drop(self, event: str, payload: dict[str, Any]) -> None:
        """Send a write and lose the connection before its acknowledgement can arrive."""
        self.queue(event, payload)
        write = self.outbox[-1]
        write.attempts += 1
        self.wanted_online = False
        await self.sio.emit(write.event, write.payload, namespace="/live")
        await self.sio.eio.disconnect(abort=True)  # the tab is gone: no goodbye
        self.sio = None


class Soak:
    """The simulated event. `speed` compresses the agenda (10 = the demo's 3 h in 19 min)."""

    def __init__(
        self,
        urls: list[str],
        info: dict[str, Any],
        faults: Any,
        speed: float = 10.0,
        seed: int = 14,
        recovery_limit_s: float = 10.0,
        log: Any = print,
    ) -> None:
        self.urls, self.info, self.faults, self.speed = urls, info, faults, speed
        self.random = random.Random(seed)
        self.recovery_limit_s = recovery_limit_s
        self.log = log
        self.writes: dict[str, Write] = {}
        self.devices: list[Device] = []
        self.phones: list[Device] = []
        self.hosts: list[Device] = []
        self.stopping = False
        self.tasks: set[asyncio.Task[Any]] = set()
        self.figures = Figures()
        self.ack_timeout = 5.0
        self.session: Any = None
        self.state: dict[str, Any] = {}
        self.station_codes = {s["id"]: s["code"] for s in info["stations"]}
        self.problems: list[str] = []

    # --- plumbing ---------------------------------------------------------------------------

    def spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def http(
        self, method: str, path: str, token: str, body: Any = None, url: str | None = None
    ) -> Any:
        """An API call with retries while a process restarts; return the JSON answer."""
        for attempt in range(60):
            try:
                async with self.session.request(
                    method, (url or self.urls[0]) + path, json=body,
                    headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
                ) as answer:  # fmt: skip
                    if answer.status in (429, 502, 503) or answer.status >= 500:
                        await asyncio.sleep(0.3 + 0.1 * attempt)
                        continue
                    data = await answer.json(content_type=None)
                    if answer.status >= 400:
                        raise RuntimeError(f"{method} {path}: {answer.status} {data}")
                    return data
            except OSError:
                await asyncio.sleep(0.3)
        raise RuntimeError(f"{method} {path}: no answer")

    async def clock(self, action: str) -> dict[str, Any]:
        self.figures.presses += 1
        self.state = await self.http(
            "POST", f"/api/v1/events/{self.info['event_id']}/clock",
            self.info["facilitator_token"], {"action": action},
        )  # fmt: skip
        self.on_new_state()
        return self.state

    async def server_state(self) -> dict[str, Any]:
        return dict(
            await self.http(
                "GET",
                f"/api/v1/events/{self.info['event_id']}/state",
                self.info["facilitator_token"],
            )  # fmt: skip
        )

    # --- what people do ---------------------------------------------------------------------

    def scaled(self, seconds: float) -> float:
        return max(0.2, seconds / self.speed)

    def on_new_state(self) -> None:
        """Schedule the writes of the segment or round that just began."""
        state = self.state
        span = self.scaled(float(state.get("remaining_s") or 60)) * 0.8
        if state.get("phase") not in ("running", "transition"):
            return
        segment = state.get("segment") or {}
        kind = segment.get("kind")
        rnd = state.get("round")
        parcours = kind == "parcours" and state.get("phase") == "running" and rnd
        for phone in self.phones:
            if parcours:
                station = phone.route.get(int(rnd)) or self.random.choice(list(self.station_codes))
                self.later(span, phone, "check_in", {"station_code": self.station_codes[station]})
                if self.random.random() < 0.6:
                    self.later(span, phone, "note", {
                        "station_id": station, "round": int(rnd),
                        "text": f"Notiz {phone.name} Runde {rnd}\nZweite Zeile",
                    })  # fmt: skip
                if self.random.random() < 0.3:
                    self.later(span, phone, "follow_up", {
                        "station_id": station, "topic": "Praktikum", "share_contact": True,
                        "message": f"Bitte melden ({phone.name})",
                    })  # fmt: skip
            elif kind == "workshop" and self.random.random() < 0.5:
                self.later(span, phone, "wall_card", {"text": f"Idee von {phone.name}"})
            elif self.random.random() < 0.1:
                self.later(
                    span, phone, "note", {"text": f"Notiz {phone.name}: {segment.get('title')}"}
                )
        if parcours:
            people = [p["id"] for p in self.info["participants"]]
            for host in self.hosts:
                self.later(
                    span, host, "note", {"round": int(rnd), "text": f"{host.name} Runde {rnd}"}
                )
                if self.random.random() < 0.7:
                    self.later(span, host, "lead", {
                        "participant_id": self.random.choice(people), "topic": "Ausbildung",
                        "note": "Rückruf vereinbart",
                    })  # fmt: skip

    def later(self, span: float, device: Device, event: str, payload: dict[str, Any]) -> None:
        async def write() -> None:
            await asyncio.sleep(self.random.random() * span)
            if not self.stopping:
                device.queue(event, payload)

        self.spawn(write())

    # --- checks -----------------------------------------------------------------------------

    async def converged(
        self, since: float, what: str, devices: list[Device] | None = None
    ) -> float:
        """Wait until every online device shows the server's state; return seconds since `since`."""
        target = int((await self.server_state())["version"])
        watch = devices if devices is not None else [d for d in self.devices if d.wanted_online]
        limit = since + self.recovery_limit_s + 20  # measured beyond the limit, judged below
        told = False
        while True:
            behind = [d for d in watch if d.version != target or not d.online]
            if not behind:
                return time.monotonic() - since
            if not told and time.monotonic() > since + self.recovery_limit_s:
                told = True
                self.log(
                    f"{what}: behind after {self.recovery_limit_s} s: "
                    f"{sum(1 for d in behind if not d.online)} offline, "
                    f"{sum(1 for d in behind if d.online)} online at another version "
                    f"({sorted({d.version for d in behind})} != {target})"
                )
            if time.monotonic() > limit:
                self.problems.append(f"{what}: {len(behind)} devices not at version {target}")
                return float("inf")
            await asyncio.sleep(0.05)

    async def fault(
        self, name: str, inject: Any, devices: list[Device] | None = None, from_back: bool = False
    ) -> None:
        """Inject a fault; measure until every phone shows the round, and the deadline.

        For phones coming back (`devices`) the round changed while they were away on purpose:
        their clock is judged by the round they show, not by an unchanged deadline.
        `from_back`: judged from the moment the restarted part answers again (a killed process
        takes its start-up time to come back, the same with or without phones; it is reported
        as `inject_s`)."""
        before = await self.server_state()
        t0 = time.monotonic()
        pressed = await inject()
        if isinstance(pressed, dict):  # the round changed during the fault: judge that state
            before = pressed
        injected = time.monotonic() - t0
        took = await self.converged(t0, name, devices)
        after = await self.server_state()
        moved = 0.0 if devices is not None else abs(
            (datetime.fromisoformat(after["ends_at"]) - datetime.fromisoformat(before["ends_at"]))
            .total_seconds()
        ) if before.get("ends_at") and after.get("ends_at") else 0.0  # fmt: skip
        judged = took - injected if from_back else took
        entry = {"fault": name, "recovered_s": round(took, 2), "inject_s": round(injected, 2),
                 "judged_s": round(judged, 2),
                 "deadline_moved_s": None if devices is not None else round(moved, 3),
                 "same_round": before["version"] == after["version"]}  # fmt: skip
        self.figures.faults.append(entry)
        self.log(f"fault {entry}")
        if judged > self.recovery_limit_s:
            self.problems.append(f"{name}: phones showed the round after {judged:.1f} s")
        if moved >= 1.0:
            self.problems.append(f"{name}: the deadline moved by {moved:.3f} s")

    # --- the run ----------------------------------------------------------------------------

    async def run(self) -> Figures:
        import aiohttp

        started = time.monotonic()
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        try:
            await self._setup_devices()
            await self._agenda()
            await self._drain()
            await self._count()
        finally:
            self.stopping = True
            for device in self.devices:
                if device.sio is not None:
                    with contextlib.suppress(Exception):  # closing after the run
                        await asyncio.wait_for(device.sio.disconnect(), 5)
            await self.session.close()
        self.figures.seconds = time.monotonic() - started
        return self.figures

    def _add(self, name: str, token: str, role: str) -> Device:
        device = Device(self, name, token, self.urls[len(self.devices) % len(self.urls)], role)
        self.devices.append(device)
        (self.phones if role == "participant" else self.hosts).append(device)
        return device

    async def _setup_devices(self) -> None:
        for person in self.info["participants"]:
            self._add(f"P{person['id']}", person["token"], "participant").participant_id = person[
                "id"
            ]
        for station in self.info["stations"]:
            self._add(f"H{station['id']}", station["host_token"], "host").station_id = station["id"]
        gate = asyncio.Semaphore(20)

        async def start(device: Device) -> None:
            async with gate:
                await device.connect()
                if device.role == "participant":
                    await device.fetch_route()
            self.spawn(device.sender())

        await asyncio.gather(*(start(d) for d in self.devices))
        self.log(f"{len(self.devices)} devices connected")

    async def _agenda(self) -> None:
        faults = self.faults
        state = await self.clock("start")
        reloader = self.phones[-1]
        dropped = self.phones[:20]
        parcours_round = 0
        while state["phase"] != "finished":
            span = self.scaled(float(state.get("remaining_s") or 60))
            segment = state.get("segment") or {}
            in_round = segment.get("kind") == "parcours" and state["phase"] == "running"
            if in_round:
                parcours_round = int(state["round"])
            if in_round and parcours_round == 1:
                await asyncio.sleep(span / 2)
                # the reloading phone: a write in flight, offline, reload, back one round later
                await reloader.hard_drop("note", {"text": "Gesendet, dann offline"})
                reloader.queue("note", {"text": "Offline geschrieben"})
                await asyncio.sleep(span / 2)
            elif in_round and parcours_round == 2:
                await asyncio.sleep(span / 2)
                await self.fault(
                    "SIGKILL and restart of server B", faults.kill_and_restart, from_back=True
                )
                await self._late_joiners(5)
                await asyncio.sleep(span / 2)
            elif in_round and parcours_round == 3:
                await self._reload(reloader)
                await self._replan()
                await asyncio.sleep(span)
            elif in_round and parcours_round == 4:
                await asyncio.sleep(span / 2)
                await self.fault(
                    "Redis restarted, next pressed while it was down",
                    lambda: faults.restart_redis(self.clock),
                )
                state = self.state  # the transition after round 4 began during the outage
                continue
            elif in_round and parcours_round == 5:
                offline = self.scaled(120)
                await asyncio.sleep(max(0.0, span - offline / 2))
                await asyncio.gather(*(d.go_offline() for d in dropped))
                for phone in dropped:  # they keep writing while offline
                    phone.queue("note", {"text": f"Offline {phone.name}"})
                self.spawn(self._come_back_after(dropped, offline))
                await asyncio.sleep(min(span, offline / 2))
            else:
                await asyncio.sleep(span)
            state = await self.clock("next")
        await asyncio.sleep(1.0)

    async def _come_back_after(self, dropped: list[Device], offline: float) -> None:
        await asyncio.sleep(offline)

        async def back() -> None:
            before = sum(d.connect_attempts for d in dropped)
            await asyncio.gather(*(d.come_back() for d in dropped))
            tries = sum(d.connect_attempts for d in dropped) - before
            self.log(f"{len(dropped)} phones back after {tries} connect attempts")

        # judged from the moment they are connected again: how long a phone takes to find the
        # network again is the phone's, reported as inject_s
        await self.fault(
            f"{len(dropped)} phones offline for {offline:.1f} s", back, dropped, from_back=True
        )

    async def _reload(self, phone: Device) -> None:
        """The reloaded page: a new socket; its outbox (localStorage) sends again."""
        await phone.come_back()
        took = await self.converged(time.monotonic(), "reloaded phone", [phone])
        self.figures.faults.append(
            {"fault": "phone reloaded after offline", "recovered_s": round(took, 2),
             "judged_s": round(took, 2)}
        )  # fmt: skip
        if took > self.recovery_limit_s:
            self.problems.append(f"reloaded phone: showed the round after {took:.1f} s")

    async def _late_joiners(self, count: int) -> None:
        joined = []
        for n in range(count):
            made = await self.http(
                "POST", f"/api/v1/join/{self.info['join_code']}", "",
                {"name": f"Spät Gekommen {n + 1}", "consent": True},
            )  # fmt: skip
            pid = made["participant"]["id"]
            self.info["participants"].append({"id": pid, "token": made["token"]})
            joined.append(self._add(f"L{pid}", made["token"], "participant"))
            joined[-1].participant_id = pid
        await self.http(
            "POST", f"/api/v1/events/{self.info['event_id']}/attendance",
            self.info["facilitator_token"],
            {"participant_ids": [d.participant_id for d in joined], "present": True},
        )  # fmt: skip
        for device in joined:
            await device.connect()
            await device.fetch_route()
            self.spawn(device.sender())
        self.figures.late_joiners = len(joined)

    async def _replan(self) -> None:
        before = sum(d.plan_events for d in self.phones)
        await self.http(
            "POST", f"/api/v1/events/{self.info['event_id']}/plan/replan",
            self.info["facilitator_token"], {"seed": 1, "time_limit": 2},
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while sum(1 for d in self.phones if d.plan_events) < len(self.phones):
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        self.figures.plan_events = sum(d.plan_events for d in self.phones) - before
        self.log(f"re-plan: {self.figures.plan_events} phones got `plan`")

    async def _drain(self) -> None:
        self.stopping = True
        deadline = time.monotonic() + 60
        while any(d.outbox for d in self.devices) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        for d in self.devices:
            if d.outbox:
                self.problems.append(
                    f"{d.name}: {len(d.outbox)} unacknowledged, online {d.online}, "
                    f"wanted {d.wanted_online}, attempts {d.outbox[0].attempts}"
                )

    async def _count(self) -> None:
        export = await self.http(
            "GET", f"/api/v1/events/{self.info['event_id']}/export?format=json",
            self.info["organiser_token"],
        )  # fmt: skip
        seen: dict[str, int] = {}
        records = export.get("records") or {}
        for name in RECORD_LISTS:
            for record in records.get(name) or []:
                cid = record.get("client_id")
                if cid in self.writes:
                    seen[cid] = seen.get(cid, 0) + 1
        f = self.figures
        f.sent = len(self.writes)
        f.attempts = sum(w.attempts for w in self.writes.values())
        acked = [c for c, w in self.writes.items() if w.status in (200, 201)]
        f.acknowledged = len(acked)
        f.resent_acked_200 = sum(1 for w in self.writes.values() if w.status == 200)
        refused = [w for w in self.writes.values() if w.refused is not None]
        f.refused = len(refused)
        f.refusals = [(w.event, w.status, w.refused) for w in refused[:5]]
        f.unacknowledged = sum(1 for w in self.writes.values() if w.status is None)
        f.stored = len(seen)
        f.duplicates = sum(n - 1 for n in seen.values() if n > 1)
        f.lost = sum(1 for c in acked if c not in seen)
        for w in self.writes.values():
            f.by_kind[w.event] = f.by_kind.get(w.event, 0) + 1
        stored_refused = sum(1 for w in refused if w.client_id in seen)
        if stored_refused:
            self.problems.append(f"{stored_refused} refused writes were stored")


class Faults:
    """The faults the agenda injects: server B killed and restarted, Redis restarted."""

    def __init__(self, servers: list[Any], redis: Redis) -> None:
        self.servers, self.redis = servers, redis

    async def kill_and_restart(self) -> None:
        loop = asyncio.get_running_loop()
        victim = self.servers[1]
        victim.kill()  # SIGKILL: no goodbye to its sockets, nothing flushed
        await loop.run_in_executor(None, victim.start)

    async def restart_redis(self, clock: Any) -> dict[str, Any]:
        """Stop Redis, press next while it is down, start it again; return the pressed state."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.redis.stop)
        state = dict(await clock("next"))
        await asyncio.sleep(0.5)
        await loop.run_in_executor(None, self.redis.start)
        return state


def run_soak(
    folder: Path,
    database_url: str,
    speed: float,
    recovery_limit_s: float = 10.0,
    log: Any = print,
) -> tuple[Figures, list[str]]:
    """Start Redis and two servers on `database_url`, run the demo event at `speed`; return the
    figures and the problems found (empty when every check held)."""
    from tests.conftest import Server, free_port

    redis = Redis(folder, free_port())
    redis.start()
    env = {
        "PARCOURS_DATABASE_URL": database_url,
        "PARCOURS_MESSAGE_QUEUE": redis.url,
        "PARCOURS_MESSAGE_QUEUE_CHANNEL": f"parcours-soak-{uuid.uuid4().hex}",
    }
    servers = [Server(folder, "eventlet", env), Server(folder, "eventlet", env)]
    try:
        first = servers[0]
        for argv in (("db", "upgrade"), ("event", "create", str(DEMO), "--json")):
            done = first.cli(*argv)
            if done.returncode != 0:
                raise RuntimeError(f"{argv}: {done.stderr}")
        info = json.loads(done.stdout)
        done = first.cli("plan", str(info["event_id"]), "--seed", "1", "--time-limit", "3")
        if done.returncode != 0:
            raise RuntimeError(f"plan: {done.stderr}")
        for server in servers:
            server.start()
        soak = Soak(
            [s.url for s in servers], info, Faults(servers, redis), speed=speed,
            recovery_limit_s=recovery_limit_s, log=log,
        )  # fmt: skip
        figures = asyncio.run(soak.run())
        f = figures
        if f.duplicates or f.lost or f.unacknowledged:
            soak.problems.append(
                f"duplicates {f.duplicates}, lost {f.lost}, unacknowledged {f.unacknowledged}"
            )
        return figures, soak.problems
    finally:
        for server in servers:
            server.stop()
        redis.stop()


def figures_json(figures: Figures) -> str:
    return json.dumps(figures.__dict__, default=str, indent=1)


def demo_file() -> Path:
    return DEMO


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run bench/soak.py")
