"""The /live namespace: token auth at connect, rooms chosen by the server, one dispatcher."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import request, session
from flask_socketio import Namespace, join_room

from parcours.api.auth import actor_for_token
from parcours.api.registry import Call, run, socket_operations
from parcours.domain.actors import Actor
from parcours.domain.errors import ParcoursError
from parcours.extensions import db
from parcours.realtime import rooms


class LiveNamespace(Namespace):
    """Token-authenticated realtime channel; client actions run the API's operations."""

    def on_connect(self, auth: dict[str, Any] | None = None) -> None:
        token = (auth or {}).get("token") if isinstance(auth, dict) else None
        try:
            actor = actor_for_token(db.session(), token)
        except ParcoursError as err:
            raise ConnectionRefusedError(err.code) from None
        session["live_actor"] = asdict(actor)  # per-socket session kept by Flask-SocketIO
        # the console's own screen preview is no screen in the room: it is not counted
        preview = isinstance(auth, dict) and auth.get("preview") is True
        session["live_counted"] = not preview
        for room in rooms.rooms_for(actor):
            join_room(room)
        from parcours.realtime.hooks import on_connected

        on_connected(actor, request.sid, counted=not preview)

    def on_disconnect(self, reason: Any = None) -> None:
        from parcours.realtime.hooks import on_disconnected

        actor = self._actor()
        if actor is not None:
            on_disconnected(actor, request.sid, counted=session.get("live_counted", True))

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
        actor = self._actor()
        params = {"event_id": actor.event_id} if actor is not None else {}
        if isinstance(payload, dict) and "_params" in payload:
            params.update(payload.pop("_params") or {})
        session = db.session()
        try:
            status, body = run(op, Call(session, actor, params, payload, {}))
        finally:
            db.session.remove()
        return {"status": status, "body": body}
