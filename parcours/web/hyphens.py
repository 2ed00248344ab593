"""Soft hyphens for long words (station names on the projector, labels on printed sheets).

Browsers hyphenate with `hyphens: auto` only where they have a dictionary, and Chromium on
Linux often has none offline: "Ausländerbehörd|e". Pyphen's dictionaries mark the syllables,
so a long word breaks as "Ausländer-behörde" wherever it is shown.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyphen
from markupsafe import Markup, escape

SHY = "\u00ad"
LANGS = {"de": "de_DE", "en": "en_GB"}
WORD = re.compile(r"[^\W\d_]{8,}")  # words of 8 letters or more; shorter ones fit anyway


@lru_cache(maxsize=8)
def _dictionary(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=LANGS.get(language, "de_DE"))


def hyphenate(text: str, language: str = "de") -> str:
    """Return text with soft hyphens in its long words."""
    dic = _dictionary(language)
    return WORD.sub(lambda m: dic.inserted(m.group(0), hyphen=SHY), text)


def hyphenate_all(texts: list[str], language: str = "de") -> dict[str, str]:
    """Return {text: hyphenated text} for the texts that have a long word."""
    return {t: h for t in texts if (h := hyphenate(t, language)) != t}


def shy(text: object, language: str = "de") -> Markup:
    """Jinja filter: escape text and add soft hyphens to its long words."""
    return Markup(hyphenate(str(escape(text)), language))
