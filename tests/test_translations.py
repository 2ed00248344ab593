"""Translations: every msgid in the code has German, the .mo matches the .po, German is served."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "parcours" / "translations"
# The same keywords as BABEL_KEYWORDS in the Makefile (checked below).
EXTRA_KEYWORDS = ("_l", "lazy_gettext", "ngettext:1,2", "lazy_ngettext:1,2")
BRACES = re.compile(r"\{(\w+)\}")
PERCENT = re.compile(r"%(?:\((\w+)\))?[#0 +-]*\d*(?:\.\d+)?[sdifr%]")

Key = str | tuple[str, ...]


def _keywords() -> dict[str, Any]:
    """Return babel's default keywords plus ours."""
    return {**DEFAULT_KEYWORDS, **parse_keywords(list(EXTRA_KEYWORDS))}


def _extract() -> dict[Key, list[str]]:
    """Extract the msgids from the code as babel.cfg maps it; return them with their places."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[Key, list[str]] = {}
    keywords = _keywords()
    for pattern, method in method_map:
        top, _sep, rest = pattern.partition("/")
        found_in = extract_from_dir(
            ROOT / top,
            method_map=[(rest, method)],
            options_map={rest: options_map.get(pattern, {})},
            keywords=keywords,
        )
        for filename, lineno, message, _comments, _context in found_in:
            key = message if isinstance(message, str) else tuple(m for m in message if m)
            found.setdefault(key, []).append(f"{top}/{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def extracted() -> dict[Key, list[str]]:
    """Return the msgids found in the current code."""
    return _extract()


def _catalog(locale: str) -> Any:
    """Read a locale's .po file."""
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def _translated(message: Any) -> bool:
    """Tell whether a catalog entry has a usable (non-empty, non-fuzzy) translation."""
    strings = [message.string] if isinstance(message.string, str) else list(message.string)
    return bool(strings) and all(s.strip() for s in strings) and not message.fuzzy


def _key(message: Any) -> Key:
    """Return the catalog entry's msgid the way _extract keys it."""
    return message.id if isinstance(message.id, str) else tuple(message.id)


def test_makefile_uses_the_same_keywords() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = next(x for x in makefile.splitlines() if x.startswith("BABEL_KEYWORDS"))
    assert line.split(":=", 1)[1].split() == [p for k in EXTRA_KEYWORDS for p in ("-k", k)]


def test_every_msgid_has_german(extracted: dict[Key, list[str]]) -> None:
    catalog = {_key(m): m for m in _catalog("de") if m.id}
    missing = [
        f"{key!r}  ({', '.join(places[:2])})"
        for key, places in sorted(extracted.items(), key=lambda kv: kv[1][0])
        if key not in catalog or not _translated(catalog[key])
    ]
    assert not missing, (
        f"{len(missing)} msgids without German (run `make translations`, then translate):\n"
        + "\n".join(missing)
    )


def test_english_catalog_knows_every_msgid(extracted: dict[Key, list[str]]) -> None:
    catalog = {_key(m) for m in _catalog("en") if m.id}
    missing = sorted(str(k) for k in extracted if k not in catalog)
    assert not missing, "msgids missing from the en catalog (run `make translations`):\n" + (
        "\n".join(missing)
    )


def _pairs(message: Any) -> Iterator[tuple[str, str]]:
    """Yield (msgid, msgstr) pairs of an entry; for plurals each form against the plural msgid."""
    if isinstance(message.id, str):
        yield message.id, message.string
        return
    singular, plural = message.id
    for index, text in enumerate(message.string):
        yield (singular if index == 0 else plural), text


def _placeholders(text: str) -> tuple[list[str], list[str]]:
    """Return the sorted {name} and %-style placeholders of a text."""
    return sorted(BRACES.findall(text)), sorted(PERCENT.findall(text))


def test_german_keeps_placeholders() -> None:
    catalog = _catalog("de")
    broken = [f"{m.id!r}: {errors}" for m, errors in catalog.check()]
    for message in catalog:
        if not message.id or not _translated(message):
            continue
        for source, text in _pairs(message):
            if _placeholders(source) != _placeholders(text):
                broken.append(f"{source!r} -> {text!r}")
            if "%" in text and "%" not in source:
                broken.append(f"{source!r} -> {text!r} (a bare % breaks Jinja's gettext)")
    assert not broken, "\n".join(broken)


def _as_key(value: Any) -> Key:
    """Return a msgid or msgstr as a hashable, comparable value."""
    return value if isinstance(value, str) else tuple(value)


@pytest.mark.parametrize("locale", ["de", "en"])
def test_mo_matches_po(locale: str) -> None:
    po = {_key(m): _as_key(m.string) for m in _catalog(locale) if m.id and _translated(m)}
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo").open("rb") as mo_file:
        mo = {_key(m): _as_key(m.string) for m in read_mo(mo_file) if m.id}
    # Babel writes an untranslated plural as its msgids: that is no translation.
    mo = {k: v for k, v in mo.items() if v != k or k in po}
    stale = sorted(str(k) for k in po.keys() ^ mo.keys())
    stale += sorted(str(k) for k in po.keys() & mo.keys() if po[k] != mo[k])
    assert not stale, f"{locale} .mo is out of date (run `make translations`): {stale[:20]}"


def _get(app: Any, url: str, **headers: str) -> str:
    """Fetch a page with a fresh client (no language in the session) and return its text."""
    response = app.test_client().get(url, headers=headers)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_home_page_is_german_first(app: Any) -> None:
    assert "An einer Veranstaltung teilnehmen" in _get(app, "/", **{"Accept-Language": "de"})
    assert "An einer Veranstaltung teilnehmen" in _get(app, "/")
    assert "An einer Veranstaltung teilnehmen" in _get(app, "/", **{"Accept-Language": "fr"})
    english = _get(app, "/?lang=en", **{"Accept-Language": "de"})
    assert "Join an event" in english and "teilnehmen" not in english
    assert "Join an event" in _get(app, "/", **{"Accept-Language": "en-GB,en;q=0.9"})


def test_join_page_in_german_and_english(app: Any, make_event: Callable[..., Any]) -> None:
    url = f"/join/{make_event('small')['join_code']}"
    german = _get(app, url, **{"Accept-Language": "de-DE,de;q=0.9"})
    assert "Ihr Name" in german and "Datenschutzhinweise" in german
    assert 'lang="de"' in german
    english = _get(app, f"{url}?lang=en", **{"Accept-Language": "de"})
    assert "Your name" in english and "Privacy notice" in english and "Ihr Name" not in english


def test_chosen_language_sticks_for_the_session(app: Any) -> None:
    client = app.test_client()
    client.get("/?lang=en")
    assert "Join an event" in client.get("/").get_data(as_text=True)
    client.get("/?lang=de", headers={"Accept-Language": "en"})
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "An einer Veranstaltung teilnehmen" in page
