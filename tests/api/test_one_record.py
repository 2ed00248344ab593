"""One person, one record: a second registration with a known e-mail creates nobody."""

from __future__ import annotations

from typing import Any

from parcours.extensions import db
from parcours.storage import Participant


def count(app: Any, event_id: int) -> int:
    with app.app_context():
        return db.session().query(Participant).filter_by(event_id=event_id).count()


def test_a_known_email_registers_nobody_and_hands_out_no_link(
    app: Any, client: Any, make_event: Any
) -> None:
    info = make_event("small")
    before = count(app, info["event_id"])
    body = {"name": "Jana W.", "email": "Jana.Waechter@Example.org", "consent": True}
    answer = client.post(f"/api/v1/join/{info['join_code']}", json=body)
    assert answer.status_code == 409
    error = answer.json["error"]
    assert error["code"] == "already_registered" and "email" in error["fields"]
    assert "token" not in answer.json and "/p/" not in answer.get_data(as_text=True)
    assert count(app, info["event_id"]) == before


def test_the_join_page_says_already_registered_and_how_to_reach_the_page(
    app: Any, make_event: Any
) -> None:
    info = make_event("small")
    before = count(app, info["event_id"])
    page = app.test_client().post(
        f"/join/{info['join_code']}",
        data={"name": "Jana", "email": "jana.waechter@example.org", "consent": "on"},
        headers={"Accept-Language": "de"},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 409 and page.location is None
    assert "bereits angemeldet" in html and "Infostand" in html and "QR-Code" in html
    assert "/p/" not in html
    assert count(app, info["event_id"]) == before


def test_an_organiser_cannot_add_the_same_email_twice(client: Any, make_event: Any) -> None:
    import pytest

    from parcours.domain.actors import Actor
    from parcours.domain.errors import Invalid
    from parcours.services.setup import roster

    info = make_event("small")
    actor = Actor(role="organiser", event_id=info["event_id"])
    with client.application.app_context(), pytest.raises(Invalid) as err:
        roster.add_person(
            db.session(),
            actor,
            info["event_id"],
            {"name": "Jana", "email": "JANA.waechter@example.org"},
        )
    assert "email" in err.value.fields


def test_likely_duplicates_by_name_are_flagged(app: Any, make_event: Any) -> None:
    from parcours.services.setup.participants import likely_duplicates

    people = [
        Participant(id=1, event_id=1, name="Jürgen Müller"),
        Participant(id=2, event_id=1, name="mueller, juergen"),
        Participant(id=3, event_id=1, name="Anna Schmidt", email="a@x.org"),
        Participant(id=4, event_id=1, name="A. Schmidt", email="A@x.org "),
        Participant(id=5, event_id=1, name="Ben Otto"),
    ]
    found = likely_duplicates(people)
    assert {p.id for p in found[1]} == {2} and {p.id for p in found[2]} == {1}
    assert {p.id for p in found[3]} == {4}
    assert 5 not in found
