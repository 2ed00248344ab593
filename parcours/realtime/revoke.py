"""End the sockets of tokens that stopped being valid, at once and in every server process.

Each socket joins the room of its token (parcours.domain.rooms.token_room) besides the rooms of
its role. When a token ends (kiosk exit, link replaced, participant removed, shred), the service
that ended it publishes EndSockets after its commit and the publisher calls disconnect_rooms():
this process disconnects the sockets it holds in those rooms, and when a message queue is
configured (PARCOURS_MESSAGE_QUEUE=redis://...) the same request is published on a control
channel next to Socket.IO's own, so every other process disconnects its sockets too. Socket.IO's
queue can only disconnect a socket by its id, and no process knows the ids held by the others:
hence this small channel of our own.

Nothing depends on the message arriving: every socket write checks its token again
(parcours.realtime.namespace), so a socket that was missed can still neither read nor write
anything its token no longer allows.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from flask import current_app, has_app_context

from parcours.extensions import socketio
from parcours.realtime.token_cache import forget_all

log = logging.getLogger(__name__)
NAMESPACE = "/live"
PROCESS = uuid.uuid4().hex
EXTENSION = "parcours_revoke_listener"


def control_channel(app: Any) -> str:
    """Return the queue's control channel (next to Socket.IO's channel of the same name)."""
    return f"{app.config.get('MESSAGE_QUEUE_CHANNEL') or 'parcours'}-control"


def _redis_url(app: Any) -> str | None:
    url = app.config.get("MESSAGE_QUEUE")
    return url if isinstance(url, str) and url.startswith(("redis://", "rediss://")) else None


def disconnect_local(rooms: Iterable[str]) -> int:
    """Disconnect this process's sockets in the rooms; return how many."""
    forget_all()  # first: no write is taken with a cached ended token from here on
    server = getattr(socketio, "server", None)
    if server is None:
        return 0
    sids: set[str] = set()
    for room in rooms:
        for sid, _eio_sid in list(server.manager.get_participants(NAMESPACE, room)):
            sids.add(sid)
    for sid in sids:
        try:  # the page hears why (it reloads into "this link is not valid"), then the socket ends
            server.emit("revoked", {}, to=sid, namespace=NAMESPACE, ignore_queue=True)
            server.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)
        except Exception:  # a socket that left meanwhile
            log.debug("socket %s was gone already", sid)
    return len(sids)


def disconnect_rooms(rooms: Iterable[str]) -> int:
    """Disconnect every socket in the rooms, here and (through the queue) in every process."""
    wanted = sorted(set(rooms))
    if not wanted:
        return 0
    try:  # called after a commit: the token has ended whatever happens to its sockets
        count = disconnect_local(wanted)
    except Exception:  # the writes' own token check still holds
        log.exception("could not disconnect the sockets of an ended token")
        count = 0
    app = current_app._get_current_object() if has_app_context() else None  # type: ignore[attr-defined]
    url = _redis_url(app) if app is not None else None
    if url:
        import redis

        try:
            client = redis.Redis.from_url(url)
            message = json.dumps({"rooms": wanted, "process": PROCESS})
            client.publish(control_channel(app), message)
            client.close()
        except redis.RedisError:  # the writes' own token check still holds
            log.exception("could not publish a socket revocation")
    return count


def _listen(app: Any, url: str) -> None:
    """Disconnect, in this process, the sockets other processes asked to end."""
    import redis

    channel = control_channel(app)
    while True:
        try:
            pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(channel)
            for message in pubsub.listen():
                data = json.loads(message.get("data") or b"{}")
                if not isinstance(data, dict) or data.get("process") == PROCESS:
                    continue
                rooms = [r for r in data.get("rooms") or [] if isinstance(r, str)]
                with app.app_context():
                    disconnect_local(rooms)
        except Exception:  # keep listening whatever one message or connection did
            log.exception("socket revocation listener failed; reconnecting")
            socketio.sleep(1)


def start_listener(app: Any) -> None:
    """Listen on the control channel once per process, when a Redis queue is configured."""
    url = _redis_url(app)
    if url is None or app.extensions.get(EXTENSION):
        return
    app.extensions[EXTENSION] = True
    socketio.start_background_task(_listen, app, url)
