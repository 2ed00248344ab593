"""The steps create_app() calls, one function each."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, request, session
from flask.json.provider import DefaultJSONProvider
from flask_babel import get_locale
from werkzeug.routing import IntegerConverter

from parcours.config import ROOT, Config
from parcours.domain.vocabulary import LANGUAGES
from parcours.extensions import babel, csrf, db, socketio

LOCALES = LANGUAGES


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


def select_locale() -> str:
    """Pick the language: ?lang=, then the session, then the browser, German first."""
    wanted = request.args.get("lang")
    if wanted in LOCALES:
        session["lang"] = wanted
        return wanted
    if session.get("lang") in LOCALES:
        return str(session["lang"])
    if not request.accept_languages and request.path.startswith(("/api/", "/socket.io")):
        return "en"  # a script that names no language gets the API's own (English) words
    return request.accept_languages.best_match(LOCALES) or "de"


def register_extensions(app: Flask) -> None:
    """Bind the database, Babel, CSRF protection and Socket.IO to the app."""
    db.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.setdefault("get_locale", get_locale)
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


def register_commands(app: Flask) -> None:
    """Nothing to add: the `parcours` command builds its own app (see parcours.cli)."""
    app.config.setdefault("PARCOURS_PID", os.getpid())
