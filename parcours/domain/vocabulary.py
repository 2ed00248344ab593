"""The words parcours uses, each defined once: kinds, languages, roles, staff, phases."""

from __future__ import annotations

# participants and stations are of one of these kinds (stations/*.toml, the join form, exports)
KINDS = ("company", "authority", "organisation", "chamber", "jobseeker", "volunteer", "other")
# Every language a participant can read parcours in (event file, CSV, join form, locale
# selector, kiosk, route cards, poster); German first. Organiser, host and facilitator pages
# stay German or English (ORGANISER_LANGUAGES). docs/translating.md says how to add one.
LANGUAGES = ("de", "en", "uk", "ar", "fa", "tr", "ru")
ORGANISER_LANGUAGES = ("de", "en")
RTL_LANGUAGES = ("ar", "fa")
# each language by its own name, for the language switches
LANGUAGE_NAMES = {
    "de": "Deutsch",
    "en": "English",
    "uk": "Українська",
    "ar": "العربية",
    "fa": "فارسی",
    "tr": "Türkçe",
    "ru": "Русский",
}

# who holds a link of an event; a kiosk is a host's tablet handed to participants
ROLES = ("organiser", "facilitator", "screen", "host", "participant")
TOKEN_ROLES = (*ROLES, "kiosk")
STAFF = ("organiser", "facilitator")  # run the event: clock, plan, attendance
STATION_STAFF = ("host", *STAFF)  # may also look people up and record leads
EVERYONE = ROLES  # every role with a page of its own (not the kiosk)

# the run of show and its live clock
SEGMENT_KINDS = ("talk", "break", "workshop", "parcours", "other")
PHASES = ("not_started", "running", "paused", "transition", "finished")

# What a station says of itself, the same in the event file, the database and the forms
STATION_FIELDS = ("name", "kind", "description", "location", "host", "capacity")
