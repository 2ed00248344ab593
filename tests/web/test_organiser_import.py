"""CSV import through the pages: the preview marks bad rows and saves nothing; confirm saves."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from sqlalchemy import select

from parcours.extensions import db
from parcours.storage import Participant
from tests.web.test_organiser import login, make_organiser

CSV = (
    "Vorname;Nachname;Firma;Art;E-Mail;Telefon;Interessen\r\n"
    "Jürgen;Löffler;Löffler Metallbau;Unternehmen;juergen@example.org;;IHK Musterstadt\r\n"
    "Fatma;Yıldız;Stadt Musterstadt;Behörde;fatma@example.org;+49 30 23125 160;\r\n"
    ";;Ohne Namen GmbH;;ohne@example.org;;\r\n"
    "Doppelte;Adresse;;;jana.waechter@example.org;;\r\n"
    "Falsche;Station;;;falsch@example.org;;Mondbasis\r\n"
)


def people(app: Any) -> list[Participant]:
    with app.app_context():
        return list(db.session().scalars(select(Participant).order_by(Participant.id)))


def upload(client: Any, url: str, raw: bytes) -> Any:
    return client.post(
        url, data={"file": (BytesIO(raw), "teilnehmende.csv")}, content_type="multipart/form-data"
    )


def test_preview_then_import(app: Any, client: Any, make_event: Any) -> None:
    make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    info = make_event("small")
    url = f"/organiser/events/{info['event_id']}/participants/import"
    before = len(people(app))
    # "Yıldız" has no cp1252 form: Excel would write UTF-8 for it, so use UTF-8 here
    response = upload(client, url, CSV.encode("utf-8"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert len(re.findall(r'<tr class="ok"', html)) == 2
    bad = re.findall(r'<tr class="bad" data-line="(\d+)"', html)
    assert bad == ["4", "5", "6"]
    assert "is already registered for this event" in html
    assert "no station &#39;Mondbasis&#39;" in html
    assert len(people(app)) == before  # the preview saves nothing
    payload = re.search(r'name="payload" value="([^"]+)"', html)
    assert payload
    response = client.post(f"{url}/confirm", data={"payload": payload.group(1)})
    assert response.status_code == 302
    added = people(app)[before:]
    assert [p.name for p in added] == ["Jürgen Löffler", "Fatma Yıldız"]
    assert added[0].kind == "company" and added[0].interests == [info["stations"][1]["id"]]
    assert added[1].phone == "+49 30 23125 160" and added[1].source == "csv"


def test_excel_cp1252_file(app: Any, client: Any, make_event: Any) -> None:
    make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    info = make_event("small")
    url = f"/organiser/events/{info['event_id']}/participants/import"
    raw = "Name;Organisation;E-Mail\r\nGünther Grün;Grün & Söhne;gg@example.org\r\n"
    html = upload(client, url, raw.encode("cp1252")).get_data(as_text=True)
    assert "cp1252" in html and "Günther Grün" in html and "Grün &amp; Söhne" in html


def test_empty_and_nameless_files(app: Any, client: Any, make_event: Any) -> None:
    make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    info = make_event("small")
    url = f"/organiser/events/{info['event_id']}/participants/import"
    assert upload(client, url, b"").status_code == 400
    html = upload(client, url, b"Foo;Bar\n1;2\n").get_data(as_text=True)
    assert "no column for the name" in html and 'id="csv-confirm"' not in html
    response = client.post(f"{url}/confirm", data={"payload": "not base64!"})
    assert response.status_code == 302 and response.location.endswith("/import")


def test_unknown_kinds_are_imported_with_a_warning_and_a_choice(
    app: Any, client: Any, make_event: Any
) -> None:
    make_organiser(app, "orga@example.org")
    login(client, "orga@example.org")
    info = make_event("small")
    url = f"/organiser/events/{info['event_id']}/participants/import"
    page = client.get(url).get_data(as_text=True)
    # the page documents the accepted values, the new kinds included
    assert "Geflüchtete Person" in page and "Ehrenamt" in page and "Refugee or job seeker" in page
    raw = (
        "Name;Art;Sprache\r\n"
        "Amal Haddad;Geflüchtete Person;Deutsch\r\n"
        "Britta Sommer;Ehrenamt;englisch\r\n"
        "Chris Roth;Schülerin;\r\n"
        "Dana Stein;Schülerin;\r\n"
        "Emil Kraus;Rentner;\r\n"
    )
    html = upload(client, url, raw.encode("utf-8-sig")).get_data(as_text=True)
    assert "UTF-8 (with BOM)" in html and "semicolon (;)" in html and "utf-8-sig" not in html
    assert len(re.findall(r'<tr class="ok', html)) == 5 and '<tr class="bad' not in html
    assert "<th>Language</th>" in html and "<td>English</td>" in html
    assert 'class="table-scroll"' in html
    assert "3 rows have a kind this import does not know." in html
    choices = re.findall(r'<select id="kind-\d+" name="(kind:[^"]+)" form="csv-confirm">', html)
    assert choices == ["kind:schülerin", "kind:rentner"]
    payload = re.search(r'name="payload" value="([^"]+)"', html)
    assert payload
    data = {"payload": payload.group(1), "kind:schülerin": "jobseeker", "kind:rentner": "bogus"}
    assert client.post(f"{url}/confirm", data=data).status_code == 302
    kinds = {p.name: (p.kind, p.language) for p in people(app)}
    assert kinds["Amal Haddad"] == ("jobseeker", "de")
    assert kinds["Britta Sommer"] == ("volunteer", "en")
    assert kinds["Chris Roth"][0] == kinds["Dana Stein"][0] == "jobseeker"
    assert kinds["Emil Kraus"][0] == "other"  # an unknown choice changes nothing
