"""A station's description and follow-up topics in the reader's language.

Station templates in stations/ may carry their texts in further languages ([en],
[translations.<lang>]). A station made from a template shows its topics in the participant's
language where the template has them and the station still uses the template's topics;
otherwise in the event's language, marked as such. The value a phone sends back is always the
station's own topic (the event's language): that is the key the host reads and exports keep.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from parcours.catalogue import CatalogueError, StationTemplate, load_catalogue


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, StationTemplate]:
    try:
        return load_catalogue()
    except CatalogueError:
        return {}


def template_of(station: Any) -> StationTemplate | None:
    """Return the catalogue template a station was made from, if any."""
    slug = getattr(station, "template", None)
    return _catalogue().get(slug) if slug else None


def _same(a: list[Any], b: list[Any]) -> bool:
    return [" ".join(str(x).split()).casefold() for x in a] == [
        " ".join(str(x).split()).casefold() for x in b
    ]


def station_texts(station: Any, event_language: str, lang: str) -> dict[str, Any]:
    """Return {"topics": [{"value", "label"}], "description", "lang", "translated"} for a
    reader of `lang`; "lang" is the language the texts are in."""
    topics = [str(t) for t in (station.topics or [])]
    description = str(getattr(station, "description", "") or "")
    out: dict[str, Any] = {
        "topics": [{"value": t, "label": t} for t in topics],
        "description": description,
        "lang": event_language,
        "translated": lang == event_language,
    }
    template = template_of(station)
    if lang == event_language or template is None or not template.speaks(lang):
        return out
    source = template.localized(event_language)
    if not _same(topics, source["topics"]):
        return out  # the organiser changed the topics: only their own words are right
    theirs = template.localized(lang)
    pairs = zip(topics, theirs["topics"], strict=True)  # the catalogue checks the counts
    out["topics"] = [{"value": t, "label": label} for t, label in pairs]
    if not description or description.strip() == source["description"].strip():
        out["description"] = theirs["description"]
    out["lang"] = lang
    out["translated"] = True
    return out


def topic_key(station: Any, event_language: str, topic: str) -> str | None:
    """Return the station's own topic for a topic sent in another language, or None."""
    template = template_of(station)
    topics = [str(t) for t in (station.topics or [])]
    if template is None or not _same(topics, template.localized(event_language)["topics"]):
        return None
    wanted = " ".join(topic.split()).casefold()
    tables = [template.en, *template.translations.values()]
    for table in tables:
        for index, text in enumerate(table.get("topics") or ()):
            if " ".join(str(text).split()).casefold() == wanted and index < len(topics):
                return topics[index]
    return None
