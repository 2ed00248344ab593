"""No forged consent at a kiosk (issue 10, item 1) and one consent rule everywhere (issue 16,
item 10), over HTTP and over the /live socket.

A name tapped on the kiosk is no proof of who stands at the tablet: it may leave a note or a
contact request, stored under the pseudonym, and only for someone the kiosk lists (planned at
its station this round, or checked in there). Sharing contact details takes the person's own
credential: route card (participant_token), signed badge or the short personal code printed on
both. A participant sees the kiosk entries made in their name and withdraws a consent there.
Consent is per person and station: the host's tablet, every export and the report agree.
"""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from tests.api.test_kiosk import Sender, ev, kiosk_token, live_socket, plan, rows, send
from tests.conftest import auth, plain

__all__ = ["ev", "send"]  # fixtures used by the tests below


def cid() -> str:
    """Return a client_id as a device makes it."""
    return str(uuid.uuid4())


def station_list(client: Any, ev: dict[str, Any], index: int) -> list[dict[str, Any]]:
    """Return a station's follow-up list as its host's tablet reads it."""
    station = ev["stations"][index]
    path = f"/api/v1/events/{ev['event_id']}/stations/{station['id']}/follow-ups"
    answer = client.get(path, headers=auth(station["host_token"]))
    assert answer.status_code == 200, answer.get_json()
    return list(answer.get_json())


def station_file(client: Any, ev: dict[str, Any], index: int, fmt: str) -> str:
    """Return a station's export (csv or vcf) as text, as its host downloads it."""
    station = ev["stations"][index]
    path = f"/api/v1/events/{ev['event_id']}/stations/{station['id']}/follow-ups?format={fmt}"
    answer = client.get(path, headers=auth(station["host_token"]))
    assert answer.status_code == 200
    return answer.data.decode("utf-8-sig")


def csv_rows(text: str) -> list[dict[str, str]]:
    """Read a ';' CSV into dicts by header."""
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    return [dict(zip(table[0], row, strict=True)) for row in table[1:]]


def test_a_name_tapped_alone_leaves_a_contact_request_under_a_pseudonym(
    send: Sender, app: Any, client: Any, ev: Any
) -> None:
    from parcours.storage import FollowUp

    plan(app, ev)  # Deniz is expected at the second station in round 1
    kiosk = kiosk_token(client, ev["stations"][1]["host_token"])
    deniz = ev["participants"][1]
    body = {
        "client_id": cid(),
        "participant_id": deniz["id"],
        "topic": "Ausbildung",
        "message": "bitte anrufen",
        "share_contact": True,  # what a forged request asks for
    }
    status, row = send(kiosk, "kiosk_follow_up", body)
    assert status == 201, row
    assert row["share_contact"] is False and row["via"] == "kiosk"
    assert [f.share_contact for f in rows(app, FollowUp)] == [False]
    listed = station_list(client, ev, 1)
    assert listed[0]["participant"] == {
        "pseudonym": f"P-{deniz['id']:04d}",
        "name": None,
        "organisation": None,
        "email": None,
        "phone": None,
    }
    assert listed[0]["contact_shared"] is False
    exported = station_file(client, ev, 1, "csv")
    assert "deniz" not in exported.lower() and f"P-{deniz['id']:04d}" in exported
    assert station_file(client, ev, 1, "vcf") == ""  # no card without consent


def test_a_bare_participant_id_is_only_for_people_at_the_kiosk_s_station(
    send: Sender, app: Any, client: Any, ev: Any
) -> None:
    from parcours.storage import CheckIn, FollowUp, Note

    plan(app, ev)  # Jana is expected at the first station, not the second
    kiosk = kiosk_token(client, ev["stations"][1]["host_token"])
    jana = ev["participants"][0]
    entries = [
        ("kiosk_note", {"text": "Ich war hier"}),
        ("kiosk_follow_up", {"topic": "Ausbildung", "share_contact": True}),
        ("kiosk_check_in", {}),
    ]
    for kind, extra in entries:
        status, body = send(
            kiosk, kind, {"client_id": cid(), "participant_id": jana["id"], **extra}
        )
        assert status == 403, (kind, body)
        assert "participant_id" in body["error"]["fields"]
    assert rows(app, Note) == rows(app, FollowUp) == rows(app, CheckIn) == []
    # her own credential works for anyone of the event, and shares what she chose
    for who in (
        {"personal_code": jana["personal_code"].lower().replace("-", " ")},
        {"participant_token": jana["token"]},
    ):
        body = {"client_id": cid(), **who, "topic": "Praktikum", "share_contact": True}
        status, row = send(kiosk, "kiosk_follow_up", body)
        assert status == 201 and row["share_contact"] is True, row
    listed = station_list(client, ev, 1)
    assert {r["participant"]["email"] for r in listed} == {"jana.waechter@example.org"}
    # checked in at the station this round (with her code): from now on her name is enough
    status, _ = send(kiosk, "kiosk_check_in", {"client_id": cid(), "badge": badge(app, ev, 0)})
    assert status == 201
    status, _ = send(
        kiosk, "kiosk_note", {"client_id": cid(), "participant_id": jana["id"], "text": "x"}
    )
    assert status == 201


def badge(app: Any, ev: dict[str, Any], index: int) -> str:
    """Return the signed badge code of a participant."""
    from parcours.services.capture.kiosk import badge_code

    person = ev["participants"][index]
    return badge_code(app.config["SECRET_KEY"], ev["event_id"], person["id"], plain(person))


def test_the_personal_code_names_its_person_and_the_search_says_who_needs_one(
    app: Any, client: Any, ev: Any, make_event: Any
) -> None:
    plan(app, ev)
    kiosk = kiosk_token(client, ev["stations"][0]["host_token"])
    olena = ev["participants"][2]
    stranger = make_event("small")["participants"][2]

    def identify(code: str) -> Any:
        return client.post(
            "/api/v1/kiosk/identify", json={"personal_code": code}, headers=auth(kiosk)
        )

    code = olena["personal_code"]
    for typed in (code, plain(olena).lower(), f" {code[:4].lower()} {code[5:]} "):
        answer = identify(typed)
        assert answer.status_code == 200, (typed, answer.get_json())
        assert answer.get_json() == {
            "id": olena["id"],
            "name": "Olena Hrytsenko",
            "organisation": "Pflegedienst Sonnenschein Musterstadt",
        }
    for wrong in (stranger["personal_code"], "AAAA-AAAA", "0000-1111", "ABC"):
        answer = identify(wrong)
        assert answer.status_code == 400, wrong
        assert "personal_code" in answer.get_json()["error"]["fields"]
    found = [
        *client.get("/api/v1/kiosk/people?q=jana", headers=auth(kiosk)).get_json(),
        *client.get("/api/v1/kiosk/people?q=deniz", headers=auth(kiosk)).get_json(),
    ]
    # Jana is planned at this station in round 1, Deniz is not: he needs his code here
    assert {p["name"]: p["here"] for p in found} == {"Jana Wächter": True, "Deniz Aydoğan": False}


def test_route_card_badge_and_links_page_print_the_personal_code(
    app: Any, client: Any, ev: Any
) -> None:
    from tests.web.test_organiser import login, make_organiser

    organiser_id = make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    with app.app_context():
        from parcours.extensions import db
        from parcours.storage import Event

        session = db.session()
        event = session.get(Event, ev["event_id"])
        assert event is not None
        event.organiser_id = organiser_id  # hers, whoever may see unowned events
        session.commit()
    plan(app, ev)
    code = ev["participants"][0]["personal_code"]
    assert len(code) == 9 and code[4] == "-"
    for path in ("plan/route-cards", "badges", "links"):
        page = client.get(f"/organiser/events/{ev['event_id']}/{path}")
        assert page.status_code == 200, path
        assert code in page.get_data(as_text=True), path


class ParticipantSender:
    """Send a participant's own write over HTTP or over their /live socket."""

    def __init__(self, app: Any, client: Any, transport: str) -> None:
        self.app, self.client, self.transport = app, client, transport

    def withdraw(self, token: str, follow_up_id: Any) -> tuple[int, Any]:
        if self.transport == "http":
            path = f"/api/v1/follow-ups/{follow_up_id}/withdraw-consent"
            answer = self.client.post(path, json={}, headers=auth(token))
            return answer.status_code, answer.get_json()
        sock = live_socket(self.app, self.client, token)
        try:
            payload = {"_params": {"follow_up_id": follow_up_id}}
            ack = sock.emit("withdraw_consent", payload, namespace="/live", callback=True)
        finally:
            sock.disconnect(namespace="/live")
        return ack["status"], ack["body"]


def test_a_participant_sees_kiosk_entries_and_withdraws_a_consent_given_there(
    send: Sender, app: Any, client: Any, ev: Any
) -> None:
    from parcours.storage import AuditEntry, FollowUp

    plan(app, ev)
    kiosk = kiosk_token(client, ev["stations"][1]["host_token"])
    deniz, jana = ev["participants"][1], ev["participants"][0]
    first = {"client_id": cid(), "participant_token": deniz["token"], "topic": "Ausbildung"}
    status, asked = send(kiosk, "kiosk_follow_up", {**first, "share_contact": True})
    assert status == 201 and asked["share_contact"] is True
    status, _ = send(
        kiosk,
        "kiosk_follow_up",
        {
            "client_id": cid(),
            "personal_code": deniz["personal_code"],
            "topic": "Praktikum",
            "share_contact": True,
        },
    )
    assert status == 201
    status, _ = send(
        kiosk,
        "kiosk_note",
        {"client_id": cid(), "participant_id": deniz["id"], "text": "Notiz am Tablet"},
    )
    assert status == 201
    me = client.get("/api/v1/me", headers=auth(deniz["token"])).get_json()
    assert {f["via"] for f in me["follow_ups"]} == {"kiosk"}
    assert [n["via"] for n in me["notes"]] == ["kiosk"]
    assert all(r["participant"]["email"] for r in station_list(client, ev, 1))
    transport = ParticipantSender(app, client, send.transport)
    assert transport.withdraw(jana["token"], asked["id"])[0] == 404  # not hers
    assert transport.withdraw(deniz["token"], 10**6)[0] == 404
    status, body = transport.withdraw(deniz["token"], asked["id"])
    assert status == 200, body
    assert body["id"] == asked["id"] and body["share_contact"] is False
    # consent is per person and station: none of his requests to it shares any more
    assert [f.share_contact for f in rows(app, FollowUp)] == [False, False]
    listed = station_list(client, ev, 1)
    assert {r["participant"]["email"] for r in listed} == {None}
    assert "deniz" not in station_file(client, ev, 1, "csv").lower()
    assert station_file(client, ev, 1, "vcf") == ""
    assert [a.action for a in rows(app, AuditEntry) if a.action == "consent.withdraw"] == [
        "consent.withdraw"
    ]
    host = ev["stations"][1]["host_token"]
    answer = client.post(
        f"/api/v1/follow-ups/{asked['id']}/withdraw-consent", json={}, headers=auth(host)
    )
    assert answer.status_code == 403


def test_a_kiosk_entry_reaches_the_participant_s_phone_at_once(
    app: Any, client: Any, ev: Any
) -> None:
    kiosk = kiosk_token(client, ev["stations"][0]["host_token"])
    olena = ev["participants"][2]
    phone = live_socket(app, client, olena["token"])
    try:
        phone.get_received("/live")
        body = {
            "client_id": cid(),
            "badge": badge(app, ev, 2),
            "topic": "Pflege",
            "share_contact": True,
        }
        answer = client.post("/api/v1/kiosk/follow-ups", json=body, headers=auth(kiosk))
        assert answer.status_code == 201
        got = [m for m in phone.get_received("/live") if m["name"] == "kiosk_entry"]
        assert len(got) == 1
        assert got[0]["args"][0]["kind"] == "follow_up"
        assert got[0]["args"][0]["record"]["id"] == answer.get_json()["id"]
    finally:
        phone.disconnect(namespace="/live")


def test_consent_reads_the_same_on_the_tablet_in_every_export_and_in_the_report(
    app: Any, client: Any, ev: Any
) -> None:
    """The rule: per person and station. Jana shared with the first station in one of her two
    requests, so both requests and the host's lead about her show her details there; Deniz
    never agreed: his request and the lead about him show his pseudonym everywhere."""
    station = ev["stations"][0]
    jana, deniz = ev["participants"][0], ev["participants"][1]

    def ask(person: dict[str, Any], topic: str, share: bool) -> None:
        body = {
            "client_id": cid(),
            "station_id": station["id"],
            "topic": topic,
            "share_contact": share,
        }
        answer = client.post("/api/v1/follow-ups", json=body, headers=auth(person["token"]))
        assert answer.status_code == 201

    ask(jana, "Ausbildung", False)
    ask(jana, "Praktikum", True)
    ask(jana, "Sprachkurs", True)
    ask(deniz, "Praktikum", False)
    for person in (jana, deniz):
        lead = {"client_id": cid(), "participant_id": person["id"], "note": "anrufen"}
        answer = client.post("/api/v1/leads", json=lead, headers=auth(station["host_token"]))
        assert answer.status_code == 201
    listed = station_list(client, ev, 0)
    by_topic = {(r["participant"]["pseudonym"], r["topic"]): r for r in listed}
    jana_p, deniz_p = f"P-{jana['id']:04d}", f"P-{deniz['id']:04d}"
    for topic in ("Ausbildung", "Praktikum", "Sprachkurs"):
        row = by_topic[(jana_p, topic)]
        assert row["participant"]["email"] == "jana.waechter@example.org", topic
        assert row["contact_shared"] is True
    assert by_topic[(jana_p, "Ausbildung")]["share_contact"] is False  # her answer there
    assert by_topic[(deniz_p, "Praktikum")]["participant"]["email"] is None
    exported = csv_rows(station_file(client, ev, 0, "csv"))
    shared_col, mail_col = "Kontaktdaten freigegeben", "E-Mail"
    assert shared_col in exported[0] and mail_col in exported[0], list(exported[0])
    jana_rows = [r for r in exported if r[mail_col] == "jana.waechter@example.org"]
    assert len(jana_rows) == 4  # three requests and the lead
    assert {r[shared_col] for r in jana_rows} == {"Ja"}
    deniz_rows = [r for r in exported if deniz_p in r.values()]
    assert len(deniz_rows) == 2 and {r[shared_col] for r in deniz_rows} == {"Nein"}
    assert all(r[mail_col] == "" for r in deniz_rows)
    cards = station_file(client, ev, 0, "vcf")
    assert cards.count("BEGIN:VCARD") == 1 and "Ausbildung" in cards  # every request of hers
    with app.app_context():
        from parcours.extensions import db
        from parcours.services.after.report import compute_stats
        from parcours.storage import Event

        session = db.session()
        stats = compute_stats(session, session.get(Event, ev["event_id"]))
    assert stats["follow_ups"]["contacts_shared"] == 1  # one person shared with one station
    assert next(s for s in stats["stations"] if s["id"] == station["id"])["contacts_shared"] == 1


def test_via_is_translated_and_kiosk_entries_are_marked_in_every_export(
    app: Any, client: Any, ev: Any
) -> None:
    plan(app, ev)
    kiosk = kiosk_token(client, ev["stations"][0]["host_token"])
    jana = ev["participants"][0]
    status = client.post(
        "/api/v1/kiosk/follow-ups",
        json={
            "client_id": cid(),
            "personal_code": jana["personal_code"],
            "topic": "Ausbildung",
            "share_contact": True,
        },
        headers=auth(kiosk),
    ).status_code
    assert status == 201
    client.post(
        "/api/v1/kiosk/check-ins",
        json={"client_id": cid(), "participant_id": jana["id"]},
        headers=auth(kiosk),
    )
    phone = {
        "client_id": cid(),
        "station_id": ev["stations"][0]["id"],
        "topic": "Praktikum",
        "share_contact": False,
    }
    client.post("/api/v1/follow-ups", json=phone, headers=auth(ev["participants"][3]["token"]))
    kiosk_label, phone_label = "Tablet der Station (Kiosk)", "eigenes Handy"
    exported = csv_rows(station_file(client, ev, 0, "csv"))
    assert {r["Erfasst über"] for r in exported} == {kiosk_label, phone_label}
    event_csv = client.get(
        f"/api/v1/events/{ev['event_id']}/export?format=csv", headers=auth(ev["organiser_token"])
    )
    assert kiosk_label in event_csv.data.decode("utf-8-sig")
    assert ";kiosk" not in event_csv.data.decode("utf-8-sig")
    assert "(Tablet der Station (Kiosk))" in station_file(client, ev, 0, "vcf")
    from openpyxl import load_workbook

    book = client.get(
        f"/api/v1/events/{ev['event_id']}/export?format=xlsx", headers=auth(ev["organiser_token"])
    )
    workbook = load_workbook(io.BytesIO(book.data), read_only=True)
    values = {
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    }
    assert kiosk_label in values and "kiosk" not in values and "phone" not in values


def test_csv_guards_formulas_but_leaves_phone_numbers_as_they_look() -> None:
    from parcours.exports.csvfile import cell

    for phone in ("+49 30 23125 101", "+49 (0)351 1234-56", "+4930231251", "-0351/1234"):
        assert cell(phone) == phone
    for formula in (
        "=1+1",
        "@SUM(A1)",
        '+HYPERLINK("http://x")',
        "-1+cmd|' /C calc'!A0",
        "+49 30 =1",
        "\tTAB",
    ):
        assert cell(formula) == "'" + formula, formula


def test_pack_summary_marks_kiosk_entries(app: Any, client: Any, ev: Any) -> None:
    import zipfile

    kiosk = kiosk_token(client, ev["stations"][0]["host_token"])
    body = {
        "client_id": cid(),
        "badge": badge(app, ev, 2),
        "topic": "Pflege",
        "share_contact": True,
    }
    assert (
        client.post("/api/v1/kiosk/follow-ups", json=body, headers=auth(kiosk)).status_code == 201
    )
    station = ev["stations"][0]
    path = f"/api/v1/events/{ev['event_id']}/stations/{station['id']}/follow-ups?format=zip"
    answer = client.get(path, headers=auth(station["host_token"]))
    with zipfile.ZipFile(io.BytesIO(answer.data)) as pack:
        html = next(pack.read(n).decode() for n in pack.namelist() if n.endswith(".html"))
    assert "Tablet der Station (Kiosk)" in html and "Erfasst über" in html
