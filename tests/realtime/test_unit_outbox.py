"""What a unit of work tells goes out exactly when the data it describes is stored.

- a use case that commits part-way and then fails: what it told before the commit that
  succeeded is delivered, what it told after is not (review F2);
- a refused `@unit_of_work` use case inside a larger one: what it told is dropped, the
  enclosing unit's messages still go out (review F8);
- a page request that fails, even when an error handler turned the failure into a page:
  what was told and not committed is not published (review F7).

Each test opens real /live sockets and ends them through `EndSockets`: a socket still
connected afterwards was not told.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from tests.api.test_kiosk import live_socket


@pytest.fixture
def ev(make_event: Any) -> dict[str, Any]:
    return make_event("small")


def token_room_of(session: Any, token: str) -> str:
    from sqlalchemy import select

    from parcours.domain import rooms
    from parcours.storage import AccessToken

    return rooms.token_room(
        session.scalar(select(AccessToken.id).where(AccessToken.token == token))
    )


def sockets(app: Any, client: Any, ev: dict[str, Any]) -> tuple[Any, Any, str, str]:
    """Open a socket for two participants; return them and their token rooms."""
    from parcours.extensions import db

    first_token, second_token = (p["token"] for p in ev["participants"][:2])
    first, second = live_socket(app, client, first_token), live_socket(app, client, second_token)
    with app.app_context():
        session = db.session()
        return (
            first,
            second,
            token_room_of(session, first_token),
            token_room_of(session, second_token),
        )


def test_what_was_told_before_a_commit_goes_out_when_a_later_step_fails(
    app: Any, client: Any, ev: dict[str, Any]
) -> None:
    from parcours.extensions import db
    from parcours.services.broadcasts import EndSockets, publish
    from parcours.services.unit import transaction

    first, second, first_room, second_room = sockets(app, client, ev)

    def use_case(session: Any) -> None:
        publish(EndSockets((first_room,)))
        session.commit()  # stored: the first socket must end
        session.execute(text("SELECT 1"))  # the next step talks to the database again
        publish(EndSockets((second_room,)))
        raise RuntimeError("a later step fails")

    with app.app_context(), pytest.raises(RuntimeError):
        session = db.session()
        with transaction(session):
            use_case(session)
    assert not first.is_connected("/live")
    assert second.is_connected("/live")  # told after the last commit: rolled back, not sent
    second.disconnect(namespace="/live")


def test_what_was_told_right_after_a_commit_goes_out_when_a_later_step_fails(
    app: Any, client: Any, ev: dict[str, Any]
) -> None:
    from parcours.extensions import db
    from parcours.services.broadcasts import EndSockets, publish
    from parcours.services.unit import transaction

    first, second, first_room, second_room = sockets(app, client, ev)

    def use_case(session: Any) -> None:
        session.commit()
        publish(EndSockets((first_room,)))  # "commit, then publish": describes stored data
        session.execute(text("SELECT 1"))  # a new transaction begins
        publish(EndSockets((second_room,)))
        raise RuntimeError("a later step fails")

    with app.app_context(), pytest.raises(RuntimeError):
        session = db.session()
        with transaction(session):
            use_case(session)
    assert not first.is_connected("/live")
    assert second.is_connected("/live")
    second.disconnect(namespace="/live")


def test_a_use_case_that_commits_then_fails_inside_unit_of_work_still_delivers(
    app: Any, client: Any, ev: dict[str, Any]
) -> None:
    from parcours.domain.errors import Invalid
    from parcours.extensions import db
    from parcours.services.broadcasts import EndSockets, publish
    from parcours.services.unit import unit_of_work

    first, second, first_room, second_room = sockets(app, client, ev)

    @unit_of_work
    def use_case(session: Any) -> None:
        publish(EndSockets((first_room,)))
        session.commit()
        session.execute(text("SELECT 1"))
        publish(EndSockets((second_room,)))
        raise Invalid("refused after the commit")

    with app.app_context(), pytest.raises(Invalid):
        use_case(db.session())  # no enclosing unit of work: straight to the publisher
    assert not first.is_connected("/live")
    assert second.is_connected("/live")
    second.disconnect(namespace="/live")


def test_a_refused_inner_use_case_drops_what_it_told(
    app: Any, client: Any, ev: dict[str, Any]
) -> None:
    from parcours.domain.errors import Invalid, ParcoursError
    from parcours.extensions import db
    from parcours.services.broadcasts import EndSockets, publish
    from parcours.services.unit import transaction, unit_of_work

    first, second, first_room, second_room = sockets(app, client, ev)

    @unit_of_work
    def refused(session: Any) -> None:
        publish(EndSockets((second_room,)))
        raise Invalid("refused")

    with app.app_context():
        session = db.session()
        with transaction(session):
            publish(EndSockets((first_room,)))
            with pytest.raises(ParcoursError):
                refused(session)  # e.g. a page that shows its form again and goes on
    assert not first.is_connected("/live")  # the enclosing unit succeeded
    assert second.is_connected("/live")  # the refused use case's message was dropped
    second.disconnect(namespace="/live")


def test_a_failed_page_request_publishes_only_what_was_committed(
    app: Any, client: Any, ev: dict[str, Any]
) -> None:
    from parcours.extensions import db
    from parcours.services.broadcasts import EndSockets, publish

    rooms_of: dict[str, str] = {}

    def failing_page() -> str:
        publish(EndSockets((rooms_of["first"],)))
        db.session().commit()
        db.session().execute(text("SELECT 1"))
        publish(EndSockets((rooms_of["second"],)))
        raise RuntimeError("the page fails after its use case")  # errorhandler(Exception): 500

    def handled_refusal() -> tuple[str, int]:
        publish(EndSockets((rooms_of["second"],)))
        return "refused", 400

    app.add_url_rule("/test-failing-page", view_func=failing_page)
    app.add_url_rule("/test-refused-page", view_func=handled_refusal)
    first, second, rooms_of["first"], rooms_of["second"] = sockets(app, client, ev)

    assert client.get("/test-refused-page").status_code == 400
    assert second.is_connected("/live")  # a failed request publishes nothing uncommitted
    assert client.get("/test-failing-page").status_code == 500
    assert not first.is_connected("/live")  # committed before the failure: sent
    assert second.is_connected("/live")
    second.disconnect(namespace="/live")
