"""The report reads like a press release: absentees and second registrations are not counted,
check-ins are not called conversations, plurals and numbers follow the language."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from parcours.storage import Event, Participant
from tests.web.test_organiser import login, make_organiser


def mark(app: Any, event_id: int) -> None:
    """Mark the second person absent and register the first one again (same e-mail)."""
    from parcours.extensions import db

    with app.app_context():
        session = db.session()
        people = session.scalars(
            select(Participant).where(Participant.event_id == event_id).order_by(Participant.id)
        ).all()
        people[1].present = False
        first = people[0]
        session.add(
            Participant(
                event_id=event_id,
                name=first.name,
                organisation="",
                kind="other",
                email=(first.email or "").upper(),
                source="self",
            )
        )
        session.commit()


def test_absentees_and_duplicates_are_not_counted(app: Any, seeded: Any) -> None:
    from parcours.extensions import db
    from parcours.services.after.report import compute_stats

    info, s = seeded
    mark(app, s.event_id)
    with app.app_context():
        session = db.session()
        stats = compute_stats(session, session.get(Event, s.event_id))
    people = stats["participants"]
    assert (people["registered"], people["total"]) == (7, 5)
    assert (people["absent"], people["duplicates"]) == (1, 1)
    assert sum(people["by_kind"].values()) == 5
    # the absent person's two planned visits are not visits
    assert sum(st["planned_visits"] for st in stats["stations"]) == 12 - 2


def test_report_page_in_german(app: Any, client: Any, seeded: Any) -> None:
    info, s = seeded
    mark(app, s.event_id)
    make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    html = client.get(f"/organiser/events/{s.event_id}/report?lang=de").get_data(as_text=True)
    summary = re.search(r'<p class="lead" id="report-summary">(.*?)</p>', html, re.S)
    assert summary
    text = " ".join(summary.group(1).split())
    assert text.startswith("5 Personen aus ")
    assert "Gespräch" not in text  # check-ins are no conversations
    assert "Der Plan führte sie in 2 Runden an 3 Stationen: 10 Stationsbesuche." in text
    assert re.search(r"\d+ Besuche? wurden? mit einem Check-in an der Station bestätigt", text)
    assert not re.search(r"\b1 (Nachverfolgungen|Stationen|Runden|Karten|Stimmen)\b", html)
    not_counted = re.search(r'id="report-not-counted">(.*?)</p>', html, re.S)
    assert not_counted
    assert "1 angemeldete Person, die nicht gekommen ist" in not_counted.group(1)
    assert "1 zweite Anmeldung" in not_counted.group(1)
    assert 'class="organiser report-page"' in html


def test_plurals_and_german_numbers_on_the_plan_page(
    app: Any, client: Any, make_event: Any
) -> None:
    from parcours.extensions import db
    from parcours.services.plans import compute_plan

    info = make_event("small")
    make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    with app.app_context():
        compute_plan(db.session(), info["event_id"], seed=1, time_limit=0.5)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    html = client.get(f"/organiser/events/{info['event_id']}/plan?lang=de").get_data(as_text=True)
    assert "2 Runden · 3 Stationen · 6 Teilnehmende" in html
    assert re.search(r"Startwert 1 · \d+,\d s Suche", html)


def test_one_started_round_reads_as_one(app: Any, client: Any, make_event: Any) -> None:
    from parcours.extensions import db
    from parcours.services.plans import compute_plan
    from parcours.storage import Clock

    info = make_event("small")
    make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    with app.app_context():
        session = db.session()
        compute_plan(session, info["event_id"], seed=1, time_limit=0.5)
        clock = session.get(Clock, info["event_id"])
        clock.phase, clock.segment_index, clock.round = "paused", 1, 1
        clock.paused_phase, clock.remaining_s = "running", 30.0
        session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    html = client.get(f"/organiser/events/{info['event_id']}/plan?lang=de").get_data(as_text=True)
    assert "Runde 1 hat begonnen: Ihre Einteilung bleibt erhalten." in html
    assert "1–1" not in html
