"""Validation messages follow the reader's language: German first, English on request."""

from __future__ import annotations

from typing import Any


def test_join_errors_in_german_and_english(app: Any, make_event: Any) -> None:
    info = make_event("small")
    url = f"/api/v1/join/{info['join_code']}"
    body = {"name": "", "email": "x"}
    german = app.test_client().post(url, json=body, headers={"Accept-Language": "de"}).json
    fields = german["error"]["fields"]
    assert fields["name"] == ["muss 1 bis 120 Zeichen lang sein"]
    assert fields["email"] == ["muss eine E-Mail-Adresse sein"]
    assert fields["consent"] == ["ist ein Pflichtfeld"]
    english = app.test_client().post(url, json=body, headers={"Accept-Language": "en"}).json
    assert english["error"]["fields"]["email"] == ["not a valid email address"]


def test_join_page_shows_german_field_errors(app: Any, make_event: Any) -> None:
    info = make_event("small")
    page = app.test_client().post(
        f"/join/{info['join_code']}",
        data={"name": "", "email": "x"},
        headers={"Accept-Language": "de"},
    )
    text = page.get_data(as_text=True)
    assert "muss eine E-Mail-Adresse sein" in text
    assert "bitte stimmen Sie der Verwendung Ihrer Daten zu" in text
    assert "not a valid email address" not in text
