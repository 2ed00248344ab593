"""parcours: run workshops and Integrationsparcours at in-person networking events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parcours.version import __version__

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["__version__", "create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application: a readable list of register steps."""
    from parcours.app import (
        make_flask,
        register_blueprints,
        register_commands,
        register_errorhandlers,
        register_extensions,
        register_page_units,
        register_process,
        register_proxy,
        register_realtime,
    )

    app = make_flask(config)
    register_extensions(app)
    register_process(app)
    register_page_units(app)
    register_proxy(app)  # after Socket.IO's middleware, so it wraps that too
    register_blueprints(app)
    register_errorhandlers(app)
    register_realtime(app)
    register_commands(app)
    return app
