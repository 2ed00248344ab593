"""vCard 4.0: one card per participant who agreed to share with that station."""

from __future__ import annotations

import vobject

from parcours.exports.vcard import escape, fold
from tests.exports.records import consenting


def cards(data: bytes) -> list:
    return list(vobject.readComponents(data.decode("utf-8")))


def test_one_card_per_consenting_participant(app, seeded, export):
    info, s = seeded
    names = {p["id"]: p["name"] for p in info["participants"]}
    found = cards(export(s.event_id, "vcf", station_id=s.stations[0]))
    assert sorted(c.fn.value for c in found) == sorted(names[i] for i in consenting(s, 0))
    jana = next(c for c in found if c.fn.value == "Jana Wächter")
    assert jana.version.value == "4.0"
    assert jana.email.value == "jana.waechter@example.org"
    assert jana.tel.value == "+49 30 23125 101"
    assert jana.org.value == ["Musterbau GmbH"]
    assert "Ausbildung" in jana.note.value
    assert "Deniz" not in export(s.event_id, "vcf", station_id=s.stations[0]).decode()


def test_station_without_consent_has_no_cards(app, seeded, export):
    _info, s = seeded
    assert export(s.event_id, "vcf", station_id=s.stations[2]) == b""


def test_event_vcf_has_everyone_who_shared_once(app, seeded, export):
    _info, s = seeded
    found = cards(export(s.event_id, "vcf"))
    assert len(found) == len(consenting(s, 0) | consenting(s, 1) | consenting(s, 2))


def test_escaping_and_folding_survive_a_reader():
    name = "Ünal, Dr.; Ärztin " + "ß" * 60
    line = fold(f"FN:{escape(name)}")
    assert all(len(part.encode()) <= 76 for part in line.split("\r\n"))
    text = "BEGIN:VCARD\r\nVERSION:4.0\r\n" + line + "NOTE:a\\nb\r\nEND:VCARD\r\n"
    card = vobject.readOne(text)
    assert card.fn.value == name
    assert card.note.value == "a\nb"
