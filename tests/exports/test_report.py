"""The report's figures and its SVG charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from parcours.exports.svg import bar_chart, column_chart
from parcours.storage import Event


def test_stats_count_what_the_press_release_needs(app, seeded):
    from parcours.extensions import db
    from parcours.services.after.report import compute_stats, encounters

    info, s = seeded
    with app.app_context():
        session = db.session()
        stats = compute_stats(session, session.get(Event, s.event_id))
        met = encounters(session, s.event_id)
    assert stats["participants"]["total"] == 6
    assert stats["participants"]["by_kind"] == {
        "company": 3,
        "authority": 1,
        "chamber": 1,
        "organisation": 1,
    }
    assert stats["participants"]["organisations"] == 5
    assert [st["planned_visits"] for st in stats["stations"]] == [4, 4, 4]
    assert [st["follow_ups"] for st in stats["stations"]] == [3, 1, 1]
    assert [st["contacts_shared"] for st in stats["stations"]] == [2, 1, 0]
    assert stats["follow_ups"]["total"] == 5 and stats["follow_ups"]["contacts_shared"] == 3
    assert stats["follow_ups"]["by_topic"][0] == ["Ausbildung", 2]
    assert met == {p: 2 for p in s.people}
    assert stats["encounters"]["distribution"] == [[0, 0], [1, 0], [2, 6]]
    assert stats["encounters"]["mean"] == 2 and stats["rounds"] == 2
    assert stats["wall"] == {
        "total": 2,
        "votes": 4,
        "by_kind": {"idea": 2},
        "by_status": {"approved": 2},
    }
    assert stats["notes"] == {"total": 2, "participants": 1, "hosts": 1}
    assert "Jana" not in str(stats)


def test_encounters_count_each_person_once(app, seeded):
    """Two who meet twice count once; nobody counts themselves."""
    from parcours.extensions import db
    from parcours.services.after.report import encounters
    from parcours.storage import Assignment

    _info, s = seeded
    with app.app_context():
        session = db.session()
        row = session.query(Assignment).filter_by(round=2, participant_id=s.people[1]).one()
        row.station_id = s.stations[0]  # meets p0 again? no: p0 is elsewhere in round 2
        session.commit()
        met = encounters(session, s.event_id)
    assert met[s.people[1]] == 3  # p0 (round 1), then p2 and p4 at station 0
    assert met[s.people[0]] == 2


def test_charts_are_well_formed_svg():
    chart = bar_chart([("Agentur <für> Arbeit", [3, 1]), ("IHK", [0, 2])], title="Visits",
                      series=["planned", "checked in"])  # fmt: skip
    root = ET.fromstring(str(chart))
    assert (
        root.tag.endswith("svg") and root.find("{http://www.w3.org/2000/svg}title").text == "Visits"
    )
    assert "Agentur &lt;für&gt; Arbeit" in str(chart)
    assert len(root.findall("{http://www.w3.org/2000/svg}rect")) == 4 + 2  # bars and legend
    hist = column_chart([(str(k), n) for k, n in enumerate([0, 4, 9, 2])], title="Met")
    assert ET.fromstring(str(hist)).tag.endswith("svg")
    assert ET.fromstring(str(bar_chart([], title="empty"))).tag.endswith("svg")


def test_report_page_uses_stored_counts_after_shred(app, seeded):
    from parcours.extensions import db
    from parcours.services.after.report import report_data
    from parcours.services.privacy.shred import shred_event

    _info, s = seeded
    with app.app_context():
        session = db.session()
        live = report_data(session, session.get(Event, s.event_id))
        assert [c["votes"] for c in live["top_cards"]] == [3, 1]
        shred_event(session, s.event_id, by="test")
        stored = report_data(session, session.get(Event, s.event_id))
    assert stored["from_store"] and stored["top_cards"] == []
    assert stored["encounters"] == live["encounters"]
