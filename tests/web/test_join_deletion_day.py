"""The day the join page and the privacy notice promise for the deletion: the event's planned
end (start plus the whole agenda) plus the retention period, never a day already past."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from parcours.extensions import db
from parcours.storage import Event, utcnow


def dated(app: Any, info: dict[str, Any], starts_at: datetime) -> tuple[datetime, date, int]:
    """Move the event's start; return its planned end, the deletion day and the period."""
    from parcours.services.privacy.retention import deletion_day, due_at, event_end

    with app.app_context():
        session = db.session()
        event = session.get(Event, info["event_id"])
        assert event is not None
        event.starts_at = starts_at
        session.commit()
        end, day, due = event_end(event), deletion_day(event), due_at(event)
        assert end is not None and day is not None and due is not None
        assert due >= utcnow() + timedelta(days=event.retention_days) - timedelta(minutes=5)
        return end, day, event.retention_days


def pages(client: Any, info: dict[str, Any]) -> str:
    join = client.get(f"/join/{info['join_code']}?lang=en").get_data(as_text=True)
    privacy = client.get(f"/privacy/{info['join_code']}?lang=en").get_data(as_text=True)
    return join + privacy


def test_an_event_ahead_is_deleted_its_period_after_its_end(
    app: Any, client: Any, make_event: Any
) -> None:
    info = make_event("small")
    start = utcnow().replace(microsecond=0) + timedelta(days=20)
    end, day, days = dated(app, info, start)
    assert end > start  # the agenda's length counts, not only the start
    zone = ZoneInfo("Europe/Berlin")
    assert day == (end + timedelta(days=days)).astimezone(zone).date()
    html = pages(client, info)
    assert html.count(f"{days} days after the event (on {day:%d.%m.%Y}).") == 2


def test_an_event_entered_while_it_runs_counts_from_its_end(
    app: Any, client: Any, make_event: Any
) -> None:
    info = make_event("small")  # entered now, started a minute ago: its end is ahead
    end, day, days = dated(app, info, utcnow() - timedelta(minutes=1))
    assert end > utcnow()
    assert day == (end + timedelta(days=days)).astimezone(ZoneInfo("Europe/Berlin")).date()
    assert pages(client, info).count(f"after the event (on {day:%d.%m.%Y}).") == 2


def test_an_event_entered_after_it_ended_never_promises_a_past_day(
    app: Any, client: Any, make_event: Any
) -> None:
    info = make_event("small")
    end, day, days = dated(app, info, utcnow() - timedelta(days=100))
    today = utcnow().astimezone(ZoneInfo("Europe/Berlin")).date()
    assert day >= today + timedelta(days=days - 1)  # the full period from when it was entered
    html = pages(client, info)
    sentence = f"deleted {days} days after this event was set up (on {day:%d.%m.%Y})."
    assert html.count(sentence) == 2
    assert "days after the event (on" not in html  # no "after the event" that is not so
    german = client.get(f"/join/{info['join_code']}?lang=de").get_data(as_text=True)
    assert (
        f"{days} Tage nach dem Anlegen dieser Veranstaltung gelöscht (am {day:%d.%m.%Y})" in german
    )
