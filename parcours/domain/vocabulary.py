"""The words parcours uses, each defined once: kinds, languages, roles, staff, phases."""

from __future__ import annotations

# participants and stations are of one of these kinds (stations/*.toml, the join form, exports)
KINDS = ("company", "authority", "organisation", "chamber", "jobseeker", "volunteer", "other")
LANGUAGES = ("de", "en")  # of the pages, the event and the participants; German first

# who holds a link of an event; a kiosk is a host's tablet handed to participants
ROLES = ("organiser", "facilitator", "screen", "host", "participant")
TOKEN_ROLES = (*ROLES, "kiosk")
STAFF = ("organiser", "facilitator")  # run the event: clock, plan, attendance
STATION_STAFF = ("host", *STAFF)  # may also look people up and record leads
EVERYONE = ROLES  # every role with a page of its own (not the kiosk)

# the run of show and its live clock
SEGMENT_KINDS = ("talk", "break", "workshop", "parcours", "other")
PHASES = ("not_started", "running", "paused", "transition", "finished")
