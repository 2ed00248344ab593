"""The /live namespace: token auth at connect, rooms chosen by the server, one dispatcher."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict
from typing import Any

from flask import Flask, request, session
from flask_socketio import ConnectionRefusedError as Refused
from flask_socketio import Namespace, SocketIO, join_room
from sqlalchemy.exc import SQLAlchemyError

from parcours import process
from parcours.api.registry import Call, Operation, run, socket_operations
from parcours.domain import rooms
from parcours.domain.actors import Actor
from parcours.domain.errors import Invalid, ParcoursError
from parcours.extensions import db, socketio
from parcours.operations.errors import error_body, from_exception
from parcours.realtime import token_cache, writer
from parcours.realtime.hooks import connect_payload, on_connected, on_disconnected
from parcours.schemas.common import LARGEST, check_input, problems

log = logging.getLogger(__name__)
UNAVAILABLE = "unavailable"  # a connect refused for now: connect again after retry_after
RETRY_AFTER_S = 1.0
CONNECT_WAIT_S = 3.0  # a connect waits this long for its turn at the database, then is refused
PLACEHOLDER = re.compile(r"<(?:(\w+):)?(\w+)>")


def session_token() -> str | None:
    """Return the token the current socket connected with."""
    token = session.get("live_token")
    return token if isinstance(token, str) else None


class LiveNamespace(Namespace):
    """Token-authenticated realtime channel; client actions run the API's operations."""

    def on_connect(self, auth: dict[str, Any] | None = None) -> None:
        """Admit a socket by its token, join its rooms and send it what it needs to draw.

        Cheap for a connect storm (every phone after the Wi-Fi came back): the token comes
        from the token cache when it was checked a moment ago, and the database connection is
        given back before anything is sent. The rooms are joined before the state is read, so
        a round change broadcast meanwhile reaches this socket too (its page keeps the newer of
        the two). A connect that cannot get a database connection in time (the pool's queue, or
        a full server: parcours.storage.db.Pool) is refused as `unavailable` (python-socketio
        then takes the socket out of its rooms again), which the page and the benchmarks'
        phones answer by connecting again a moment later. Connects take turns at the database
        (as many at once as the pool holds, process.connect_gate): one that waits longer than
        CONNECT_WAIT_S for its turn is refused the same way, long before the pool's own timeout,
        so a connect storm is paced by the pages' retries instead of queueing in the pool.
        """
        # Refused (python-socketio's) carries its message to the client's connect_error;
        # Python's own ConnectionRefusedError would arrive as "Connection refused by server"
        token = (auth or {}).get("token") if isinstance(auth, dict) else None
        if token is not None and not isinstance(token, str):
            raise Refused("bad_request")
        gate = process.connect_gate()
        if not gate.acquire(timeout=CONNECT_WAIT_S):
            log.warning("socket connect refused, no turn at the database in %.0f s", CONNECT_WAIT_S)
            raise Refused(UNAVAILABLE, {"retry_after": RETRY_AFTER_S})
        try:
            actor, token_id = token_cache.actor_of(db.session(), token, remember=False)
            for room in [*rooms.rooms_for(actor), rooms.token_room(token_id)]:
                join_room(room)
            payload = connect_payload(actor, request.sid)
        except ParcoursError as err:
            raise Refused(err.code) from None
        except SQLAlchemyError as err:
            log.warning("socket connect refused, database busy: %s", str(err).splitlines()[0])
            raise Refused(UNAVAILABLE, {"retry_after": RETRY_AFTER_S}) from None
        finally:
            db.session.remove()  # the pool's connection goes back before any send
            gate.release()
        session["live_actor"] = asdict(actor)  # per-socket session kept by Flask-SocketIO
        # the console's own screen preview is no screen in the room: it is not counted
        preview = isinstance(auth, dict) and auth.get("preview") is True
        session["live_counted"] = not preview
        session["live_token"] = token  # checked again at every write (a token may end)
        if process.writer() is not None:  # for the light path of batched writes (notes)
            saved = {"token": token, "client": request.remote_addr}
            with suppress(KeyError):  # the phone left while it waited for its turn
                socketio.server.save_session(request.sid, saved, namespace=self.namespace)
        on_connected(actor, request.sid, counted=not preview, payload=payload)

    def on_disconnect(self, reason: Any = None) -> None:
        actor = self._actor()
        if actor is not None:
            on_disconnected(actor, request.sid, counted=session.get("live_counted", True))

    def _actor(self) -> Actor | None:
        data = session.get("live_actor")
        return Actor(**data) if isinstance(data, dict) else None

    def register_operations(self, app: Flask, socketio: SocketIO) -> None:
        """Run each socket operation through Flask-SocketIO's public `on_event`, and the batched
        writes (notes) through a light path first.

        on_event's wrapper gives the handler the app and request context and this socket's
        session, as for the connect and disconnect methods above; the server asks these handlers
        before the namespace's own methods. A note, the write of a burst, needs none of that
        when it succeeds: its handler is registered straight on python-socketio's server
        (`Server.on`, which replaces on_event's), hands the write to the group-commit writer with
        the token and address saved at connect (`Server.get_session`) and acks what the writer
        answers; only a note that must go one by one (an error to localise, a revoked token, the
        writer off) gets a request context.
        """
        for name, op in socket_operations().items():
            socketio.on_event(name, self._handler(op), namespace=self.namespace)
            if writer.batched(op) and process.writer(app) is not None:
                socketio.server.on(name, self._light_handler(app, op), namespace=self.namespace)

    def _handler(self, op: Operation) -> Callable[..., dict[str, Any]]:
        def handle(payload: Any = None, *_rest: Any) -> dict[str, Any]:
            return self._dispatch(op, payload, session_token(), request.sid)

        handle.__name__ = f"socket_{op.name}"
        return handle

    def _light_handler(self, app: Flask, op: Operation) -> Callable[..., Any]:
        server, namespace = socketio.server, self.namespace

        def handle(sid: str, payload: Any = None, *_rest: Any) -> Any:
            try:
                saved = server.get_session(sid, namespace=namespace)
            except KeyError:
                return None  # the socket left before its note was read: nobody to answer
            token, client = saved.get("token"), saved.get("client")
            grouped = self._write_in_group(op, payload, token, client, app)
            if grouped is not None:
                return grouped
            environ = server.get_environ(sid, namespace=namespace)
            if not environ:
                return None  # the socket is gone (python-socketio's own answer)
            with app.request_context(environ):  # to localise the error, as on_event would
                return self._dispatch(op, payload, token, sid)

        handle.__name__ = f"socket_light_{op.name}"
        return handle

    def _write_in_group(
        self, op: Operation, payload: Any, token: str | None, client: str | None, app: Flask
    ) -> dict[str, Any] | None:
        """Hand a batched write (a note) to the group-commit writer; return its ack, or None
        when it must go the one-by-one way (not a success)."""
        group = process.writer(app)
        if group is None:
            return None
        given = payload.get("_params") if isinstance(payload, dict) else None
        try:
            params = path_params(op, given)
        except ParcoursError:
            return None  # answered (with its error, localised) one by one
        body = payload
        if given is not None:
            body = {k: v for k, v in payload.items() if k != "_params"}
        outcome = group.submit(op, token, params, body, client)
        return None if outcome is writer.RETRY else outcome

    def _dispatch(self, op: Operation, payload: Any, token: str | None, sid: str) -> dict[str, Any]:
        """Run op in the request context of socket sid (which connected with token); every
        write gets an acknowledgement, also for a malformed payload."""
        try:
            params = path_params(
                op, payload.pop("_params", None) if isinstance(payload, dict) else None
            )
        except ParcoursError as err:
            status, body = from_exception(err)
            return {"status": status, "body": body}
        db_session = db.session()
        try:
            try:  # the token may have ended since the socket connected (cached for 2 s at most,
                # forgotten at once when a token ends: parcours.realtime.token_cache)
                actor: Actor | None = token_cache.actor_of(db_session, token)[0]
            except ParcoursError as err:
                self._end_socket(sid)
                status, body = from_exception(err)
                return {"status": status, "body": body}
            if actor is not None:
                params["event_id"] = actor.event_id  # the token's event, whatever the payload says
            call = Call(db_session, actor, params, payload, {}, token, request.remote_addr)
            status, body = run(op, call)
        except ParcoursError as err:
            db_session.rollback()
            status, body = from_exception(err)
        except Exception:  # noqa: BLE001 - a socket write is acknowledged even on a bug
            log.exception("socket operation %s failed", op.name)
            db_session.rollback()
            status, body = 500, error_body("internal_error", "Something went wrong on our side.")
        finally:
            db.session.remove()
        return {"status": status, "body": body}

    def _end_socket(self, sid: str) -> None:
        """Disconnect socket sid right after its refused write was acknowledged."""

        def end() -> None:
            socketio.sleep(0.2)
            socketio.server.disconnect(sid, namespace=self.namespace, ignore_queue=True)

        socketio.start_background_task(end)


def path_params(op: Operation, given: Any) -> dict[str, Any]:
    """Check the `_params` of a socket payload against the operation's path placeholders."""
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise Invalid("_params: must be an object", {"_params": ["must be an object"]})
    kinds = dict((name, kind) for kind, name in PLACEHOLDER.findall(op.path))
    errors: dict[str, list[str]] = {}
    for name, value in given.items():
        kind = kinds.get(name)
        if name == "event_id" and kind is None:
            continue  # the token's event is used
        if kind is None:
            errors[f"_params.{name}"] = ["unknown parameter"]
        elif kind == "int" and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= LARGEST
        ):
            errors[f"_params.{name}"] = [f"must be a whole number from 0 to {LARGEST}"]
        elif kind != "int" and (not isinstance(value, str) or check_input(value)):
            errors[f"_params.{name}"] = ["must be text"]
    if errors:
        raise Invalid("; ".join(problems(errors)), errors)
    return dict(given)
