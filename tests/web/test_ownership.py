"""Events belong to someone: `event create --owner` and `demo --owner`; an event without owner
is seen (pages, dashboard, exports) only by administrators."""

from __future__ import annotations

import json
from typing import Any

import pytest

from parcours.extensions import db
from parcours.storage import Event
from tests.conftest import EXAMPLES
from tests.test_cli_plan import parcours
from tests.web.test_organiser import PASSWORD, login, make_organiser

pytestmark = [pytest.mark.server]


def logged_in(app: Any, email: str, admin: bool) -> Any:
    make_organiser(app, email, admin=admin)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login(client, email).status_code == 302
    return client


def create(database_url: str, *extra: str) -> Any:
    return parcours(
        "event", "create", str(EXAMPLES / "small.toml"), "--json", *extra,
        database_url=database_url,
    )  # fmt: skip


def test_an_event_without_owner_is_for_administrators_only(app: Any, make_event: Any) -> None:
    info = make_event("small")
    page = f"/organiser/events/{info['event_id']}"
    plain = logged_in(app, "plain@example.org", admin=False)
    assert plain.get(page).status_code == 404
    assert plain.get(f"{page}/export.json").status_code == 404
    assert plain.get(f"{page}/participants").status_code == 404
    assert info["join_code"] not in plain.get("/organiser/").get_data(as_text=True)
    admin = logged_in(app, "admin@example.org", admin=True)
    assert admin.get(page).status_code == 200
    assert info["join_code"] in admin.get("/organiser/").get_data(as_text=True)


def test_event_create_takes_an_owner(app: Any, database_url: str) -> None:
    owner = logged_in(app, "owner@example.org", admin=False)
    other = logged_in(app, "other@example.org", admin=False)
    done = create(database_url, "--owner", "Owner@Example.org")
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    page = f"/organiser/events/{info['event_id']}"
    assert owner.get(page).status_code == 200
    assert info["join_code"] in owner.get("/organiser/").get_data(as_text=True)
    assert other.get(page).status_code == 404
    unknown = create(database_url, "--owner", "nobody@example.org")
    assert unknown.returncode == 2
    assert "owner: no organiser has the address nobody@example.org" in unknown.stderr


def test_the_demo_belongs_to_the_demo_organiser_or_the_one_named(
    app: Any, database_url: str
) -> None:
    from parcours.services.demo import DEMO_EMAIL, DEMO_PASSWORD

    done = parcours("demo", database_url=database_url)
    assert done.returncode == 0, done.stderr
    assert f"({DEMO_EMAIL} / {DEMO_PASSWORD})" in done.stdout
    with app.app_context():
        event = db.session().query(Event).one()
        event_id = event.id
    demo = app.test_client()
    answer = demo.post("/organiser/login", data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert answer.status_code == 302  # make run's printed login opens the demo
    assert demo.get(f"/organiser/events/{event_id}").status_code == 200
    mine = logged_in(app, "mine@example.org", admin=False)
    assert mine.get(f"/organiser/events/{event_id}").status_code == 404
    done = parcours("demo", "--owner", "mine@example.org", database_url=database_url)
    assert done.returncode == 0, done.stderr
    assert "(mine@example.org)" in done.stdout and PASSWORD not in done.stdout
    assert mine.get(f"/organiser/events/{event_id}").status_code == 200
    assert demo.get(f"/organiser/events/{event_id}").status_code == 404
