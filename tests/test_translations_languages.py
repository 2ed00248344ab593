"""The participant languages (uk, ar, fa, tr, ru) are whole: every msgid that a page a
participant sees uses has a translation in each of them, with the msgid's placeholders; no
catalogue has a fuzzy entry; every .mo matches its .po; the language lists agree."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo

from parcours.schemas.common import LANGUAGE_NAMES, LANGUAGES, ORGANISER_LANGUAGES, RTL_LANGUAGES
from tests.test_translations import (
    TRANSLATIONS,
    Key,
    _as_key,
    _catalog,
    _key,
    _keywords,
    _pairs,
    _placeholders,
    _translated,
)

ROOT = Path(__file__).resolve().parent.parent
NEW = tuple(lang for lang in LANGUAGES if lang not in ORGANISER_LANGUAGES)
# What a participant sees: join page and privacy text, the phone page (route, countdown, notes,
# contact requests, check-in, wall, announcements), the kiosk, error pages, route cards and the
# join poster's instructions (parcours.web.plans_print), and the messages of the join form, the
# phone's entries and the services (parcours.schemas.error_messages). docs/translating.md lists
# them too.
PARTICIPANT_SOURCES = (
    "templates/base.html",
    "templates/_lang_switch.html",
    "templates/error.html",
    "templates/closed.html",
    "templates/public/home.html",
    "templates/join/join.html",
    "templates/join/privacy.html",
    "templates/join/already.html",
    "templates/live/phone.html",
    "templates/live/_live.html",
    "templates/capture/phone.html",
    "templates/checkin/landing.html",
    "templates/kiosk/kiosk.html",
    "templates/kiosk/badge_scanned.html",
    "parcours/web/kiosk_labels.py",
    "parcours/web/live.py",
    "parcours/web/join.py",
    "parcours/web/public.py",
    "parcours/web/errors.py",
    "parcours/web/labels.py",
    "parcours/web/plans_print.py",
    "parcours/schemas/error_messages.py",
)


def participant_msgids() -> dict[Key, str]:
    """Return the msgids the participant sources use, with the first place each is used."""
    found: dict[Key, str] = {}
    keywords = _keywords()
    for source in PARTICIPANT_SOURCES:
        path = ROOT / source
        method = "jinja2" if source.endswith(".html") else "python"
        for lineno, message, _c, _ctx in extract_from_file(method, str(path), keywords=keywords):
            key = message if isinstance(message, str) else tuple(m for m in message if m)
            found.setdefault(key, f"{source}:{lineno}")
    return found


def test_the_language_lists_agree() -> None:
    from parcours.app import LOCALES
    from parcours.web.kiosk_labels import LOCALES as KIOSK

    assert LOCALES == LANGUAGES == KIOSK
    assert set(LANGUAGE_NAMES) == set(LANGUAGES)
    assert set(RTL_LANGUAGES) == {"ar", "fa"}
    assert NEW == ("uk", "ar", "fa", "tr", "ru")
    for lang in LANGUAGES:
        assert (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").exists(), lang


@pytest.mark.parametrize("locale", NEW)
def test_participant_pages_are_whole_in(locale: str) -> None:
    catalog = {_key(m): m for m in _catalog(locale) if m.id}
    missing = [
        f"{key!r}  ({where})"
        for key, where in participant_msgids().items()
        if key not in catalog or not _translated(catalog[key])
    ]
    assert not missing, (
        f"{len(missing)} participant msgids without a {locale} translation "
        f"(see docs/translating.md):\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("locale", LANGUAGES)
def test_no_fuzzy_entry_and_placeholders_kept(locale: str) -> None:
    catalog = _catalog(locale)
    broken = [f"{m.id!r}: {errors}" for m, errors in catalog.check()]
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            broken.append(f"{message.id!r} is fuzzy: check the translation, drop the flag")
        if not _translated(message):
            continue
        for source, text in _pairs(message):
            if _placeholders(source) != _placeholders(text):
                broken.append(f"{source!r} -> {text!r}")
            if "%" in text and "%" not in source:
                broken.append(f"{source!r} -> {text!r} (a bare % breaks Jinja's gettext)")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("locale", NEW)
def test_new_mo_matches_po(locale: str) -> None:
    po = {_key(m): _as_key(m.string) for m in _catalog(locale) if m.id and _translated(m)}
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo").open("rb") as mo_file:
        mo = {_key(m): _as_key(m.string) for m in read_mo(mo_file) if m.id}
    # Babel writes an untranslated plural as its msgids (as many as the language has forms).
    mo = {k: v for k, v in mo.items() if k in po or not _untranslated_plural(k, v)}
    stale = sorted(str(k) for k in po.keys() ^ mo.keys())
    stale += sorted(str(k) for k in po.keys() & mo.keys() if po[k] != mo[k])
    assert not stale, f"{locale} .mo is out of date (run `make translations`): {stale[:20]}"


def _untranslated_plural(key: Key, value: Key) -> bool:
    return isinstance(key, tuple) and isinstance(value, tuple) and set(value) <= set(key)


def test_every_catalogue_knows_every_participant_msgid() -> None:
    for locale in LANGUAGES:
        known = {_key(m) for m in _catalog(locale) if m.id}
        assert not set(participant_msgids()) - known, locale
