"""What the server benchmarks share: file limits, ports, waiting for a server, the machine."""

from __future__ import annotations

import json
import os
import platform
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any


def raise_file_limit() -> None:
    """Raise the open-files limit to the hard limit (thousands of sockets)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 65536
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    """Poll /healthz until the server answers."""
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def cpu_model() -> str:
    """Return the CPU's model name, for the report."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def serve_app(
    folder: Path,
    mode: str,
    event_path: Path,
    prepare: Callable[[list[str], dict[str, str], dict[str, Any]], None] | None = None,
    root: Path | None = None,
) -> tuple[subprocess.Popen[bytes], str, dict[str, Any]]:
    """Migrate a fresh SQLite database, create the event, prepare it, serve it.

    prepare(cli, env, info) runs before the server starts (e.g. to store a plan).
    Returns the server process, its URL and the `event create --json` description. root: the
    source tree to run (another checkout, e.g. a `git worktree` of the code before a change).
    """
    root = (root or Path(__file__).resolve().parent.parent).resolve()
    env = {
        **os.environ,
        "PARCOURS_DATABASE_URL": f"sqlite:///{folder / 'app.sqlite'}",
        "PARCOURS_ASYNC_MODE": mode,
        "PARCOURS_SECRET_KEY": "bench-secret-of-at-least-32-characters",
        "PYTHONUNBUFFERED": "1",
    }
    cli = [sys.executable, "-m", "parcours"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=root)
    done = subprocess.run(
        [*cli, "event", "create", str(event_path), "--json"],
        env=env, check=True, capture_output=True, text=True, cwd=root,
    )  # fmt: skip
    info: dict[str, Any] = json.loads(done.stdout)
    if prepare is not None:
        prepare(cli, env, info)
    port = free_port()
    log = (folder / "app.log").open("wb")
    proc = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], env=env, cwd=root, stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, proc)
    profile(proc, "" if root == Path(__file__).resolve().parent.parent else root.name)
    return proc, url, info


def profile(proc: subprocess.Popen[bytes], name: str = "") -> None:
    """With PARCOURS_BENCH_PROFILE=FILE, sample the server with py-spy (collapsed stacks) until
    it exits; `pip install py-spy`. Summarise with bench/profile_top.py FILE. name: a suffix
    for a second server of the same run (FILE.name)."""
    out = os.environ.get("PARCOURS_BENCH_PROFILE")
    if not out:
        return
    out = f"{out}.{name}" if name else out
    spy = Path(sys.executable).with_name("py-spy")
    subprocess.Popen(
        [str(spy), "record", "--pid", str(proc.pid), "--format", "raw", "--rate", "200",
         "--nonblocking", "--output", out],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
