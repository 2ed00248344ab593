"""The sheets of the workbooks and the CSV: which rows, under which headers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from parcours.exports.tables import (
    Table,
    contact_rows,
    follow_up_rows,
    lead_rows,
    note_rows,
    participant_rows,
    station_rows,
    visit_rows,
    wall_rows,
)

WHEN, STATION, WHO = _l("Time"), _l("Station"), _l("Participant")
PERSON = (WHO, _l("Organisation"), _l("Kind"), _l("E-mail"), _l("Phone"))

FOLLOW_UPS = Table(
    "follow_ups",
    _l("Follow-ups"),
    (WHEN, STATION, *PERSON, _l("Topic"), _l("Message"), _l("Contact shared"), _l("Via")),
    follow_up_rows,
)
LEADS = Table(
    "leads",
    _l("Leads"),
    (WHEN, STATION, *PERSON, _l("Topic"), _l("Note"), _l("Contact shared")),
    lead_rows,
)
CONTACTS = Table(
    "contacts",
    _l("Follow-ups and leads"),
    (
        _l("Record"),
        WHEN,
        STATION,
        *PERSON,
        _l("Topic"),
        _l("Text"),
        _l("Contact shared"),
        _l("Via"),
    ),
    contact_rows,
)
NOTES = Table(
    "notes",
    _l("Notes"),
    (WHEN, _l("Author"), STATION, _l("Round"), _l("About"), _l("Text"), _l("Via")),
    note_rows,
)
VISITS = Table(
    "visits", _l("Visits"), (_l("Record"), _l("Round"), STATION, WHO, WHEN, _l("Via")), visit_rows
)
PARTICIPANTS = Table(
    "participants",
    _l("Participants"),
    (
        _l("Pseudonym"),
        _l("Name"),
        _l("Organisation"),
        _l("Kind"),
        _l("E-mail"),
        _l("Phone"),
        _l("Language"),
        _l("Source"),
        _l("Consent given"),
        _l("Present"),
        _l("Interests"),
    ),
    participant_rows,
)
STATIONS = Table(
    "stations",
    _l("Stations"),
    (
        _l("Code"),
        _l("Name"),
        _l("Kind"),
        _l("Location"),
        _l("Host"),
        _l("Capacity"),
        _l("Topics"),
        _l("Planned visits"),
        _l("Check-ins"),
        _l("Follow-ups"),
        _l("Leads"),
    ),
    station_rows,
)
WALL = Table(
    "wall_cards",
    _l("Wall cards"),
    (WHEN, _l("Kind"), _l("Text"), _l("Status"), _l("Votes"), _l("Author")),
    wall_rows,
)

EVENT_TABLES = (FOLLOW_UPS, LEADS, NOTES, VISITS, PARTICIPANTS, STATIONS, WALL)
STATION_TABLES = (FOLLOW_UPS, LEADS, NOTES)
