"""HTML blueprints for organiser, facilitator, screen, host and participant."""

from __future__ import annotations

import importlib

from flask import Flask

WEB_MODULES = (
    "parcours.web.public",
    "parcours.web.join",
    "parcours.web.live",
    "parcours.web.checkin",
    "parcours.web.organiser",
    "parcours.web.plans",
    "parcours.web.after",
    "parcours.web.assets",
    "parcours.web.kiosk",
    "parcours.web.kiosk_print",
)


def register_web(app: Flask) -> None:
    """Register every web blueprint that exists, and the label() helper for templates."""
    from parcours.web.assets import init_assets
    from parcours.web.headers import register_headers
    from parcours.web.hyphens import shy
    from parcours.web.labels import label
    from parcours.web.uploads import register_uploads

    init_assets(app)
    app.add_template_global(label, "label")
    app.add_template_filter(shy, "shy")
    register_uploads(app)
    register_headers(app)
    for name in WEB_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
            continue
        for bp in module.blueprints():
            app.register_blueprint(bp)
