"""Times people can plan by (agenda, route cards, the live state's timetable) and agenda forms
that fit their item (no repeated ids; parcours fields grouped for the page script)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from tests.conftest import auth
from tests.web.test_organiser import base, login, make_organiser


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def organiser_with_event(app: Any, client: Any, make_event: Any) -> dict[str, Any]:
    make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    return make_event("demo")


def test_agenda_shows_clock_times_and_where_the_minutes_come_from(
    app: Any, client: Any, make_event: Any
) -> None:
    info = organiser_with_event(app, client, make_event)
    html = client.get(f"{base(info)}/agenda").get_data(as_text=True)
    # the demo starts at 08:30: 15 + 10 + 15 + 15 + 30 min, then the parcours
    times = re.findall(r"<span class=\"seg-time\" data-time>([^<]+)</span>", html)
    assert times[:2] == ["08:30–08:45", "08:45–08:55"]
    assert times[5] == "09:55–11:22"  # 6 rounds of 12 min + 5 changes of 3 min
    assert "87 min = 6 rounds of 12 min + 5 changes of 3 min" in html
    assert "ends at 11:37 if everything runs to plan" in html
    rounds = re.search(r'data-round-times="\d+">(.*?)</details>', html, re.S)
    assert rounds and "Round 1: 09:55–10:07" in rounds.group(1)
    assert "Round 6: 11:10–11:22" in rounds.group(1)


def test_agenda_forms_repeat_no_ids(app: Any, client: Any, make_event: Any) -> None:
    info = organiser_with_event(app, client, make_event)
    html = client.get(f"{base(info)}/agenda").get_data(as_text=True)
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    # every label points at a field of the page
    assert set(re.findall(r'<label for="([^"]+)"', html)) <= set(ids)
    # the parcours-only fields are grouped for organiser-agenda.js, in every form
    forms = html.count("data-segment-fields")
    assert forms == html.count("data-parcours-only") == html.count("data-not-parcours") > 1
    assert "organiser-agenda.js" in html and "<script>" not in html


def test_route_cards_show_each_rounds_time(app: Any, client: Any, make_event: Any) -> None:
    from parcours.extensions import db
    from parcours.services.plans import compute_plan

    info = organiser_with_event(app, client, make_event)
    with app.app_context():
        compute_plan(db.session(), info["event_id"], seed=1, time_limit=1)
    html = client.get(f"{base(info)}/plan/route-cards").get_data(as_text=True)
    assert html.count('<td class="rc-time">09:55–10:07</td>') == len(info["participants"])
    assert html.count('<td class="rc-time">11:10–11:22</td>') == len(info["participants"])


def test_state_timetable_follows_extend_and_pause(client: Any, make_event: Any) -> None:
    info = make_event("small")
    url = f"/api/v1/events/{info['event_id']}"
    headers = auth(info["facilitator_token"])

    def act(action: str, seconds: int | None = None) -> dict[str, Any]:
        body = {"action": action} if seconds is None else {"action": action, "seconds": seconds}
        response = client.post(f"{url}/clock", json=body, headers=headers)
        assert response.status_code == 200, response.json
        return dict(response.json)

    state = client.get(f"{url}/state", headers=headers).json
    table = state["timetable"]  # before the start: the parcours ahead, from the planned start
    assert table["segment_index"] == 1 and [r["round"] for r in table["rounds"]] == [1, 2]
    state = act("start")  # the welcome (1 min), then two rounds of one minute
    table = state["timetable"]
    assert not table["floating"]
    assert instant(table["ends_at"]) - instant(state["ends_at"]) == timedelta(minutes=2)
    state = act("next")
    table = state["timetable"]
    assert table["rounds"][0]["starts_at"] is None  # round 1 runs
    assert table["ends_at"] == table["rounds"][1]["ends_at"]
    end = instant(table["ends_at"])
    state = act("extend", 300)
    assert instant(state["timetable"]["ends_at"]) - end == timedelta(minutes=5)
    state = act("pause")
    assert state["timetable"]["floating"] is True
    state = act("finish")
    assert state["timetable"] is None


def test_plan_tab_and_move_confirmation_in_view(app: Any, client: Any, make_event: Any) -> None:
    from parcours.extensions import db
    from parcours.services.plans import compute_plan

    info = organiser_with_event(app, client, make_event)
    html = client.get(f"{base(info)}/agenda").get_data(as_text=True)
    assert f'href="{base(info)}/plan"' in html  # the plan is one of the event's tabs
    with app.app_context():
        compute_plan(db.session(), info["event_id"], seed=1, time_limit=0.5)
    person, station = info["participants"][0], info["stations"][0]
    data = {"participant_id": person["id"], "round": 1, "station_id": station["id"]}
    response = client.post(f"{base(info)}/plan/move", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/plan#move")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    move_card = html[html.index('id="move"') :]
    assert "Moved. The metrics above are up to date." in move_card
    assert html.index("Moved.") > html.index('id="move"')  # not at the top, out of view
    assert 'aria-current="page">Rotation plan</a>' in html
