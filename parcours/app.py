"""The steps create_app() calls, one function each."""

from __future__ import annotations

import os
import threading
from typing import Any

from flask import Flask, Response, g, has_request_context, request, session
from flask.json.provider import DefaultJSONProvider
from flask_babel import get_locale
from werkzeug.routing import IntegerConverter

from parcours.config import ROOT, Config
from parcours.domain.vocabulary import (
    LANGUAGE_NAMES,
    LANGUAGES,
    ORGANISER_LANGUAGES,
    RTL_LANGUAGES,
)
from parcours.extensions import babel, csrf, db, socketio

LOCALES = LANGUAGES
# The pages a participant sees (and the API their pages call): every language. All others
# (organiser, host, facilitator, screen) stay German or English; route cards and the join
# poster carry the participants' languages themselves (parcours.web.plans_print).
PARTICIPANT_BLUEPRINTS = frozenset({"public", "join", "participant", "kiosk", "checkin", "api"})


def make_flask(config: dict[str, Any] | None = None) -> Flask:
    """Create the Flask object with settings from the environment, then overrides."""
    app = ParcoursFlask(
        "parcours",
        root_path=str(ROOT / "parcours"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    settings = Config()
    app.config.from_object(settings)
    app.config.update(vars(settings))
    if config:
        app.config.update(config)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_map.converters["int"] = BoundedInt
    return app


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, where input nested too deep is invalid JSON (400), not a RecursionError."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("The JSON is nested too deeply.") from None


class ParcoursFlask(Flask):
    """Flask with the safe JSON provider."""

    json_provider_class = SafeJSONProvider


class BoundedInt(IntegerConverter):
    """`<int:...>` path parts up to the database's BIGINT; larger ones are simply not found."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def page_locales() -> tuple[str, ...]:
    """Return the languages the current page can be shown in."""
    if not has_request_context():
        return LOCALES
    if request.blueprint in PARTICIPANT_BLUEPRINTS:
        return LOCALES
    if request.endpoint is None or g.get("participant_page"):  # error pages, unknown paths
        return LOCALES
    return ORGANISER_LANGUAGES


def select_locale() -> str:
    """Pick the language: ?lang=, then the session, then the participant's stored language,
    then the browser, German first. Organiser pages offer German and English only."""
    allowed = page_locales()
    wanted = request.args.get("lang")
    if wanted in allowed:
        session["lang"] = wanted
        return wanted
    if session.get("lang") in allowed:
        return str(session["lang"])
    if g.get("participant_language") in allowed:
        return str(g.participant_language)
    if not request.accept_languages and request.path.startswith(("/api/", "/socket.io")):
        return "en"  # a script that names no language gets the API's own (English) words
    return request.accept_languages.best_match(allowed) or "de"


def text_direction() -> str:
    """Return "rtl" for Arabic and Farsi pages, else "ltr"."""
    return "rtl" if str(get_locale() or "de") in RTL_LANGUAGES else "ltr"


def register_extensions(app: Flask) -> None:
    """Bind the database, Babel, CSRF protection and Socket.IO to the app."""
    db.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.setdefault("get_locale", get_locale)
    app.jinja_env.globals.update(
        page_locales=page_locales,
        text_direction=text_direction,
        language_names=LANGUAGE_NAMES,
        rtl_languages=RTL_LANGUAGES,
    )
    csrf.init_app(app)
    from parcours.realtime import safejson

    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config["MESSAGE_QUEUE"],
        channel=app.config.get("MESSAGE_QUEUE_CHANNEL", "parcours"),
        cors_allowed_origins="*",
        ping_interval=20,
        ping_timeout=20,
        # transport cap above the body cap, so an oversize write is acked {status: 413}
        # (parcours.operations.limits) instead of the socket being dropped
        max_http_buffer_size=4 * app.config["MAX_CONTENT_LENGTH"],
        json=safejson,  # a payload nested too deeply is acknowledged with 400, not dropped
    )


def register_proxy(app: Flask) -> None:
    """Behind PARCOURS_PROXY_HOPS reverse proxies, read the client's address and scheme from
    their X-Forwarded-* headers (werkzeug's ProxyFix), so rate limits count per client and
    links say https. Wraps the Socket.IO middleware too, so sockets see the same."""
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops <= 0:
        return
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
        app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
    )


def register_blueprints(app: Flask) -> None:
    """Mount the API and the HTML pages."""
    from parcours.api import api_bp
    from parcours.web import register_web

    csrf.exempt(api_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    register_web(app)


def register_errorhandlers(app: Flask) -> None:
    """Answer API errors with the JSON error format, pages with a friendly page."""
    from parcours.api.errors import register_api_errors

    register_api_errors(app)


def register_realtime(app: Flask) -> None:
    """Register the /live namespace and the clock's background task."""
    from parcours.realtime import register_namespace

    register_namespace(app)


def register_process(app: Flask) -> None:
    """Build the per-process objects once (parcours.process reads them)."""
    from parcours import process
    from parcours.operations.limits import KIOSK_PINS, FailureGuard, make_limits
    from parcours.realtime.hooks import Presence
    from parcours.realtime.publisher import send
    from parcours.realtime.writer import make_writer
    from parcours.storage.db import Pool
    from parcours.web.plan_jobs import make_plan_jobs

    limits = make_limits(app.config)
    pool = Pool.of(app.config)
    process.init_process(
        app,
        **{
            process.LIMITS: limits,
            process.KIOSK_PINS: FailureGuard(limits, KIOSK_PINS, "kiosk_pins"),
            process.PUBLISHER: send,
            process.PRESENCE: Presence(app),
            process.WRITER: make_writer(app),
            process.PLAN_JOBS: make_plan_jobs(app.config),
            # threading is green under eventlet/gevent (patched before any import)
            process.CONNECT_GATE: threading.BoundedSemaphore(pool.size + pool.overflow),
        },
    )


def register_page_units(app: Flask) -> None:
    """Run every page request as a unit of work: what its use cases told is published after
    the request, unless it failed; then only what was told before a commit that succeeded
    goes out (the use cases commit; the session's teardown rolls back what is left).

    "Failed" is decided by the response (status 400 or more) as well as by the teardown's
    error: Flask passes error=None to teardown_request when an error handler (api/errors.py
    handles every Exception) turned the exception into an error page.
    """
    from parcours.operations.unit import send
    from parcours.services.broadcasts import Outbox, open_outbox

    @app.before_request
    def open_page_unit() -> None:
        g.parcours_outbox = open_outbox(db.session())

    @app.after_request
    def mark_failed_page(response: Response) -> Response:
        if response.status_code >= 400:
            g.parcours_failed = True
        return response

    @app.teardown_request
    def close_page_unit(error: BaseException | None) -> None:
        told: Outbox | None = g.pop("parcours_outbox", None)
        if told is not None:
            told.close()
            failed = error is not None or g.pop("parcours_failed", False)
            send(told.committed if failed else told)


def register_commands(app: Flask) -> None:
    """Nothing to add: the `parcours` command builds its own app (see parcours.cli)."""
    app.config.setdefault("PARCOURS_PID", os.getpid())
