"""The demo event: the networking breakfast, with invented people and organisations."""

from __future__ import annotations

import os
import tomllib
from typing import Any

import click
from sqlalchemy import select

from parcours.config import ROOT
from parcours.extensions import db
from parcours.services.accounts import create_organiser, find_organiser, require_organiser
from parcours.services.common import audit
from parcours.services.plans import compute_plan
from parcours.services.setup.events import create_event, describe_created
from parcours.storage import Event, Organiser

DEMO_FILE = ROOT / "stations" / "examples" / "demo.toml"
DEMO_KEY = "demo-netzwerkfruehstueck"
DEMO_EMAIL = "organiser@example.org"
DEMO_PASSWORD = "parcours-demo"


def load_demo(owner: str | None = None) -> dict[str, Any]:
    """Create the demo event unless it exists; return its description.

    Its owner is the organiser with the e-mail ``owner``, else the demo organiser (made here
    unless it exists), whose login `make run` prints.
    """
    session = db.session()
    if owner:
        organiser = require_organiser(session, owner)
    else:
        organiser = find_organiser(session, DEMO_EMAIL) or create_organiser(
            session, DEMO_EMAIL, DEMO_PASSWORD, "Demo-Organisation"
        )
    event = session.scalar(select(Event).where(Event.demo_key == DEMO_KEY))
    created = event is None
    if event is None:
        data = tomllib.loads(DEMO_FILE.read_text(encoding="utf-8"))
        event = create_event(session, data, organiser_id=organiser.id, demo_key=DEMO_KEY)
        session.commit()
        _plan_demo(event.id)
    elif owner and event.organiser_id != organiser.id:  # asked for by name: hand it over
        event.organiser_id = organiser.id
        audit(session, event.id, "cli", "event.owner", organiser_id=organiser.id)
        session.commit()
    info = describe_created(session, event)
    info["created"] = created
    holder = session.get(Organiser, event.organiser_id) if event.organiser_id else None
    info["owner"] = holder.email if holder else None
    return info


def _plan_demo(event_id: int) -> None:
    """Compute the demo's rotation plan."""
    compute_plan(db.session(), event_id, seed=1, time_limit=5.0)


def print_links(info: dict[str, Any], port: int | None = None) -> None:
    """Print the demo's links: organiser, facilitator, screen, one host, one participant."""
    scheme = "https" if os.environ.get("PARCOURS_TLS_CERT") else "http"
    base = (
        os.environ.get("PARCOURS_PUBLIC_URL")
        or f"{scheme}://127.0.0.1:{port or os.environ.get('PORT', '5000')}"
    )
    state = "created" if info.get("created") else "already there"
    host = info["stations"][0] if info["stations"] else None
    person = info["participants"][0] if info["participants"] else None
    owner = info.get("owner") or DEMO_EMAIL
    login = f"{DEMO_EMAIL} / {DEMO_PASSWORD}" if owner == DEMO_EMAIL else owner
    lines = [
        f"Demo event {info['event_id']} ({state}). Join code: {info['join_code']}",
        f"  Organiser:    {base}/organiser/login  ({login})",
        f"  Facilitator:  {base}/f/{info['facilitator_token']}",
        f"  Screen:       {base}/s/{info['screen_token']}",
    ]
    if host:
        lines.append(f"  Station host: {base}/h/{host['host_token']}  ({host['name']})")
    if person:
        lines.append(f"  Participant:  {base}/p/{person['token']}  ({person['name']})")
    lines.append(f"  Join page:    {base}/join/{info['join_code']}")
    click.echo("\n".join(lines))
