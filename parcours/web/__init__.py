"""HTML blueprints for organiser, facilitator, screen, host and participant."""

from __future__ import annotations

from flask import Flask

from parcours.web import (
    after,
    assets,
    checkin,
    join,
    kiosk,
    kiosk_print,
    live,
    organiser,
    plans,
    public,
)
from parcours.web.assets import init_assets
from parcours.web.headers import register_headers
from parcours.web.hyphens import shy
from parcours.web.labels import label
from parcours.web.uploads import register_uploads

WEB_MODULES = (public, join, live, checkin, organiser, plans, after, assets, kiosk, kiosk_print)


def register_web(app: Flask) -> None:
    """Register every web blueprint, and the label() helper for templates."""
    init_assets(app)
    app.add_template_global(label, "label")
    app.add_template_filter(shy, "shy")
    register_uploads(app)
    register_headers(app)
    for module in WEB_MODULES:
        for bp in module.blueprints():
            app.register_blueprint(bp)
