"""The participant CSV parser: encodings, separators, header names, and rows with errors."""

from __future__ import annotations

import pytest

from parcours.schemas.common import KINDS
from parcours.web.organiser.csv_import import (
    KIND_EXAMPLES,
    decode,
    detect_delimiter,
    kind_key,
    map_headers,
    parse_csv,
)

REFS = {"ihk": 1, "ihk musterstadt": 1, "jobcenter": 2, "jc01": 2}


def test_excel_cp1252_with_semicolons_and_german_headers() -> None:
    raw = (
        "Name;Organisation;Art;E-Mail;Telefon;Interessen\r\n"
        "Jörg Weiß;Bäckerei Süß;Unternehmen;joerg@example.org;+49 30 23125 111;IHK | Jobcenter\r\n"
    ).encode("cp1252")
    result = parse_csv(raw, REFS)
    assert (result.encoding, result.delimiter) == ("cp1252", ";")
    assert not result.problems
    [row] = result.rows
    assert row.ok, row.errors
    assert row.data["name"] == "Jörg Weiß"
    assert row.data["organisation"] == "Bäckerei Süß"
    assert row.data["kind"] == "company"
    assert row.data["interests"] == [1, 2]
    assert row.line == 2


def test_utf8_with_bom_commas_and_english_headers() -> None:
    raw = "\ufeffName,Organization,Kind,Email,Phone,Language,Interests\n".encode()
    raw += b'Olena Hrytsenko,"Care, Home & More",authority,olena@example.net,,english,'
    raw += b'"jc01,ihk"\n'
    result = parse_csv(raw, REFS)
    assert (result.encoding, result.delimiter) == ("utf-8-sig", ",")
    [row] = result.rows
    assert row.ok, row.errors
    assert row.data["organisation"] == "Care, Home & More"
    assert row.data["language"] == "en"
    assert row.data["kind"] == "authority"
    assert row.data["interests"] == [2, 1]
    assert row.data["phone"] is None


def test_first_and_last_name_columns_are_joined() -> None:
    result = parse_csv(b"Vorname;Nachname\nMira;Beispiel\n", REFS)
    assert result.rows[0].data["name"] == "Mira Beispiel"


def test_bad_rows_are_marked_and_good_rows_kept() -> None:
    raw = (
        "Name;E-Mail;Art;Telefon;Interessen;Sprache\n"
        "Gute Zeile;gut@example.org;Behörde;;IHK;de\n"
        ";leer@example.org;;;;\n"  # no name
        "Falsche Mail;keine-mail;;;;\n"
        "Falsche Art;art@example.org;Raumschiff;;;\n"
        "Falsches Telefon;tel@example.org;;abc;;\n"
        "Unbekannte Station;st@example.org;;;Mondbasis;\n"
        "Falsche Sprache;sp@example.org;;;;klingonisch\n"
        "Doppelt;gut@example.org;;;;\n"
        "\n"
        "Auch gut;auch@example.org;;;;\n"
    ).encode()
    result = parse_csv(raw, REFS)
    names = [r.data.get("name") for r in result.good]
    assert names == ["Gute Zeile", "Falsche Art", "Auch gut"]
    errors = {r.line: r.errors for r in result.bad}
    assert set(errors[3]) == {"name"}
    assert set(errors[4]) == {"email"}
    # an unknown kind drops nobody: the row imports as "other" and says so
    assert 5 not in errors
    assert (result.good[1].data["kind"], result.good[1].unknown_kind) == ("other", "Raumschiff")
    assert set(errors[6]) == {"phone"}
    assert errors[7] == {"interests": ["no station 'Mondbasis'"]}
    assert set(errors[8]) == {"language"}
    assert errors[9] == {"email": ["appears twice in the file"]}
    assert result.good[2].line == 11  # blank lines are skipped, line numbers stay true


def test_addresses_already_in_the_event_are_flagged() -> None:
    raw = b"Name;E-Mail\nSchon da;DA@example.org\n"
    result = parse_csv(raw, REFS, existing_emails=["da@example.org"])
    assert result.rows[0].errors == {"email": ["is already registered for this event"]}


def test_too_many_values_in_a_row() -> None:
    result = parse_csv(b"Name;E-Mail\nA;a@example.org;extra\n", REFS)
    assert "_row" in result.rows[0].errors


def test_file_level_problems() -> None:
    assert parse_csv(b"", REFS).problems == ["the file is empty"]
    result = parse_csv(b"Foo;Bar\n1;2\n", REFS)
    assert result.problems and not result.rows
    assert result.ignored == ["Foo", "Bar"]


def test_helpers() -> None:
    assert decode("ä".encode("cp1252")) == ("ä", "cp1252")
    assert decode("ä".encode()) == ("ä", "utf-8")
    assert detect_delimiter("a,b;c;d\n") == ";"
    assert detect_delimiter("a,b,c\n") == ","
    assert detect_delimiter("a\tb\n") == "\t"
    assert detect_delimiter("Name\n") == ";"
    mapping, ignored = map_headers(["E-Mail-Adresse", "Firma", "Handy", "Notiz", "Name"])
    assert mapping == {
        "E-Mail-Adresse": "email",
        "Firma": "organisation",
        "Handy": "phone",
        "Name": "name",
    }
    assert ignored == ["Notiz"]


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("Geflüchtete Person", "jobseeker"),
        ("geflüchtete", "jobseeker"),
        ("Arbeitsuchende", "jobseeker"),
        ("Bewerber/in", "jobseeker"),
        ("Ehrenamt", "volunteer"),
        ("ehrenamtlich", "volunteer"),
        ("Freiwillige", "volunteer"),
        ("Agentur für Arbeit", "authority"),
        ("Jobcenter", "authority"),
        ("Öffentliche Verwaltung", "authority"),
        ("Industrie- und Handelskammer", "chamber"),
        ("Bildungsträger", "organisation"),
        ("e. V.", "organisation"),
        ("GmbH", "company"),
        ("Sonstige", "other"),
        ("", "other"),
    ],
)
def test_german_synonyms_of_kinds(written: str, kind: str) -> None:
    result = parse_csv(f"Name;Art\nA;{written}\n".encode(), REFS)
    [row] = result.rows
    assert row.ok and row.data["kind"] == kind and row.unknown_kind == ""


def test_the_documented_values_are_accepted() -> None:
    assert set(KIND_EXAMPLES) == set(KINDS)
    for kind, words in KIND_EXAMPLES.items():
        for word in words:
            [row] = parse_csv(f"Name;Art\nA;{word}\n".encode(), REFS).rows
            assert (row.data["kind"], row.unknown_kind) == (kind, ""), word


def test_unknown_kinds_import_as_other_or_as_the_organiser_picked() -> None:
    raw = "Name;Art\nA;Schülerin\nB;schülerin \nC;Rentner\nD;Behörde\n".encode()
    result = parse_csv(raw, REFS)
    assert len(result.good) == 4 and not result.bad
    assert [r.data["kind"] for r in result.rows] == ["other", "other", "other", "authority"]
    assert result.unknown_kinds == {"Schülerin": 2, "Rentner": 1}
    chosen = parse_csv(raw, REFS, kind_choices={kind_key("Schülerin"): "jobseeker"})
    assert [r.data["kind"] for r in chosen.rows] == ["jobseeker", "jobseeker", "other", "authority"]
