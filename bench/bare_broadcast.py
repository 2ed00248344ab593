"""A bare Flask-SocketIO server that only broadcasts: the floor bench/fanout.py compares with.

    python bench/bare_broadcast.py PORT PAYLOAD.json eventlet|gevent

Namespace /live accepts anyone; the `clock` event broadcasts the payload (with a fresh
`version`) to every client and acks {status, body: {version}}, as the app's clock action does.
PARCOURS_BENCH_BARE_GC=1 (bench/fanout.py --bare-gc): the garbage collector tuned as the app's
(parcours.server.tune_gc), so the floor differs from the app in nothing but the app itself.
"""

import sys

if sys.argv[3] == "gevent":  # the async library must be patched before anything else loads
    from gevent import monkey

    monkey.patch_all()
else:
    import eventlet

    eventlet.monkey_patch()

import json
import os
import resource
from pathlib import Path
from typing import Any

from flask import Flask
from flask_socketio import SocketIO


def serve(port: int, payload_file: str, mode: str) -> None:
    """Serve /live and broadcast the payload on every `clock` event."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    payload = json.loads(Path(payload_file).read_text())
    app = Flask("bare")
    sio = SocketIO(app, async_mode=mode, cors_allowed_origins="*")
    counter = {"version": int(payload.get("version", 0))}

    @sio.on("connect", namespace="/live")
    def _connect(auth: Any = None) -> bool:
        return True

    @app.get("/healthz")
    def _health() -> Any:
        return {"status": "ok"}

    @sio.on("clock", namespace="/live")
    def _clock(body: Any = None) -> Any:
        counter["version"] += 1
        sio.emit("state", {**payload, "version": counter["version"]}, namespace="/live")
        return {"status": 200, "body": {"version": counter["version"]}}

    if os.environ.get("PARCOURS_BENCH_BARE_GC") == "1":  # the app's settings (server.tune_gc)
        import gc

        gc.collect()
        gc.freeze()
        gc.set_threshold(20_000, 20, 20)
    options: dict[str, Any] = {"host": "127.0.0.1", "port": port, "log_output": False}
    if mode == "eventlet":
        options["max_size"] = 10000  # eventlet's default of 1,024 would hang the rest
    sio.run(app, **options)


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2], sys.argv[3])
