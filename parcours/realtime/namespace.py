"""The /live namespace: token auth at connect, rooms chosen by the server, one dispatcher."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import request, session
from flask_socketio import Namespace, join_room

from parcours.api.auth import token_actor
from parcours.api.registry import Call, run, socket_operations
from parcours.domain.actors import Actor
from parcours.domain.errors import ParcoursError
from parcours.extensions import db
from parcours.realtime import rooms


def session_token() -> str | None:
    """Return the token the current socket connected with."""
    token = session.get("live_token")
    return token if isinstance(token, str) else None


def from_exception(err: ParcoursError) -> tuple[int, Any]:
    """Return the HTTP status and JSON error body of an expected failure."""
    from parcours.api.errors import from_exception as convert

    return convert(err)


class LiveNamespace(Namespace):
    """Token-authenticated realtime channel; client actions run the API's operations."""

    def on_connect(self, auth: dict[str, Any] | None = None) -> None:
        token = (auth or {}).get("token") if isinstance(auth, dict) else None
        try:
            actor, token_id = token_actor(db.session(), token)
        except ParcoursError as err:
            raise ConnectionRefusedError(err.code) from None
        session["live_actor"] = asdict(actor)  # per-socket session kept by Flask-SocketIO
        session["live_token"] = token  # checked again at every write (a token may end)
        for room in [*rooms.rooms_for(actor), rooms.token_room(token_id)]:
            join_room(room)
        from parcours.realtime.hooks import on_connected

        on_connected(actor, request.sid)

    def on_disconnect(self, reason: Any = None) -> None:
        from parcours.realtime.hooks import on_disconnected

        actor = self._actor()
        if actor is not None:
            on_disconnected(actor, request.sid)

    def _actor(self) -> Actor | None:
        data = session.get("live_actor")
        return Actor(**data) if isinstance(data, dict) else None

    def trigger_event(self, event: str, *args: Any) -> Any:
        """Run an operation for a client action and acknowledge with {status, body}."""
        ops = socket_operations()
        if event not in ops:
            return super().trigger_event(event, *args)
        op = ops[event]

        def handler(payload: Any = None, *_rest: Any) -> dict[str, Any]:
            return self._dispatch(op, payload)

        # through Flask-SocketIO, so the handler runs in the app and request context
        return self.socketio._handle_event(handler, event, self.namespace, *args)

    def _dispatch(self, op: Any, payload: Any) -> dict[str, Any]:
        session = db.session()
        try:
            try:  # the token may have ended since the socket connected: ask the database
                actor: Actor | None = token_actor(session, session_token())[0]
            except ParcoursError as err:
                self._end_socket()
                status, body = from_exception(err)
                return {"status": status, "body": body}
            params = {"event_id": actor.event_id} if actor is not None else {}
            if isinstance(payload, dict) and "_params" in payload:
                params.update(payload.pop("_params") or {})
            status, body = run(op, Call(session, actor, params, payload, {}))
        finally:
            db.session.remove()
        return {"status": status, "body": body}

    def _end_socket(self) -> None:
        """Disconnect this socket right after its refused write was acknowledged."""
        from parcours.extensions import socketio

        sid = request.sid

        def end() -> None:
            socketio.sleep(0.2)
            socketio.server.disconnect(sid, namespace=self.namespace, ignore_queue=True)

        socketio.start_background_task(end)
