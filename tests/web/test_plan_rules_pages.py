"""The plan page says how the plan was built, why repeats are unavoidable, and the rules."""

from __future__ import annotations

from typing import Any

from tests.web.test_organiser import login, make_organiser
from tests.web.test_plans_pages import metric, page_url, run_job


def forced_event() -> dict[str, Any]:
    """Return an event file: 4 stations of 4 places for 16 people, 3 rounds (repeats forced)."""
    return {
        "event": {"title": "Eng", "language": "de"},
        "agenda": [{"title": "Parcours", "kind": "parcours", "rounds": 3, "round_minutes": 5}],
        "stations": [{"name": f"Tisch {i}", "capacity": 4, "code": f"T{i}"} for i in range(4)],
        "participants": [
            {"name": f"Person {i}", "organisation": "Tisch 0" if i == 0 else "", "stay_put": i == 1}
            for i in range(16)
        ],
    }


def test_plan_page_explains_repeats_and_construction_in_german(
    app: Any, client: Any, make_event: Any
) -> None:
    make_organiser(app, "orga@example.org")
    assert login(client, "orga@example.org").status_code == 302
    info = make_event(forced_event())
    job = run_job(client, info, mode="individual", seed="1", priority="encounters")
    assert job["status"] == "done", job.get("message")
    html = client.get(page_url(info), headers={"Accept-Language": "de"}).get_data(as_text=True)
    bad, value = metric(html, "why_repeats")
    assert not bad and value.startswith("mindestens")
    assert "Wiederholungen sind hier unvermeidlich" in html
    assert "Mit 5 Stationen (je höchstens 4 Personen)" in html  # GF(5) holds 20
    # the counting bound over all pairs of rounds: 4 pairs meet again in each of the 3
    # pairs of rounds (12 times); a pair together in all 3 rounds covers 3 of them
    # with 2 repeats: 8 repeats
    assert "Über die 3 Paare von Runden" in html and "mindestens 12-mal wieder" in html
    assert "Es bleiben mindestens 8 Wiederholungen." in html
    _bad, built = metric(html, "construction")
    assert built  # how the plan was built
    bad, value = metric(html, "avoid_violations")
    assert not bad and value == "0"
    bad, value = metric(html, "stay_put_moves")
    assert not bad and value == "0"
    assert 'name="priority" value="encounters" checked' in html


def test_csv_import_reads_the_rule_columns() -> None:
    from parcours.web.organiser.csv_import import parse_csv

    raw = (
        b"Name;Organisation;Meiden;Bleibt;Abwesend\n"
        b"Ada;Acme;Tisch 1|T2;ja;2-3\n"
        b"Bo;;;nein;\n"
        b"Cy;;Nirgendwo;vielleicht;x\n"
        + "Di;;;;\u00b2\nEd;;;;1-\u00b2\n".encode()  # "²".isdigit(), yet no round
    )
    result = parse_csv(raw, {"tisch 1": 11, "t2": 12})
    ada, bo, cy, di, ed = result.rows
    assert set(di.errors) == {"absent_rounds"} and set(ed.errors) == {"absent_rounds"}
    assert ada.data["avoid"] == [11, 12] and ada.data["stay_put"] is True
    assert ada.data["absent_rounds"] == [2, 3] and not ada.errors
    assert bo.data["avoid"] == [] and bo.data["stay_put"] is False and not bo.errors
    assert set(cy.errors) == {"avoid", "stay_put", "absent_rounds"}


def test_plan_page_lists_the_further_parcours(app: Any, client: Any, make_event: Any) -> None:
    from tests.api.test_plan_rules import rules_event

    make_organiser(app, "orga@example.org")
    assert login(client, "orga@example.org").status_code == 302
    info = make_event(rules_event(parcours=2))
    job = run_job(client, info, mode="individual", seed="2")
    assert job["status"] == "done", job.get("message")
    html = client.get(page_url(info), headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert 'id="later-parcours"' in html and "Weitere Parcours" in html
    assert "Parcours 2" in html and "Stationen erneut besucht" in html


def test_participant_list_and_form_show_the_rules(app: Any, client: Any, make_event: Any) -> None:
    from tests.api.test_plan_rules import rules_event

    make_organiser(app, "orga@example.org")
    assert login(client, "orga@example.org").status_code == 302
    info = make_event(rules_event())
    base = f"/organiser/events/{info['event_id']}/participants"
    html = client.get(base, headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "ortsfest" in html and "abwesend in Runden 2" in html and "nie: Station 3" in html
    people = [p["id"] for p in info["participants"]]
    form = client.get(f"{base}/{people[3]}", headers={"Accept-Language": "de"})
    page = form.get_data(as_text=True)
    assert form.status_code == 200 and 'name="stay_put" checked' in page


def test_the_participant_form_saves_the_rules(app: Any, client: Any, make_event: Any) -> None:
    import re

    from tests.api.test_plan_rules import rules_event

    make_organiser(app, "orga@example.org")
    assert login(client, "orga@example.org").status_code == 302
    info = make_event(rules_event())
    pid = info["participants"][10]["id"]
    station = info["stations"][5]["id"]
    url = f"/organiser/events/{info['event_id']}/participants/{pid}"
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    form = {
        "csrf_token": token.group(1),
        "name": "Person 11",
        "kind": "other",
        "language": "de",
        "stay_put": "on",
        "absent_rounds": "2-3",
        "avoid": str(station),
        "present": "on",
    }
    assert client.post(url, data=form).status_code == 302
    people = client.get(
        f"/api/v1/events/{info['event_id']}/participants",
        headers={"Authorization": f"Bearer {info['organiser_token']}"},
    ).json
    rows = people["participants"] if isinstance(people, dict) else people
    me = next(p for p in rows if p["id"] == pid)
    assert me["stay_put"] is True and me["absent_rounds"] == [2, 3] and me["avoid"] == [station]
    for wrong in ("zwei", "1-\u00b2"):  # "²".isdigit() is True, int("²") fails
        form["absent_rounds"] = wrong
        bad = client.post(url, data=form)
        assert bad.status_code in (200, 400) and "absent_rounds" in bad.get_data(as_text=True)
