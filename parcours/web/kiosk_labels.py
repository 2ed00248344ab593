"""The kiosk's labels, shown in the event's language and English side by side, or in the one
language a participant picks for their turn (every language of parcours.schemas.common.LANGUAGES).

The msgids are English and go through Flask-Babel like every other string; the German catalogue
has them all (tests/test_translations.py fails on any msgid without German).
"""

from __future__ import annotations

from flask_babel import force_locale, gettext
from markupsafe import Markup, escape

from parcours.domain.vocabulary import LANGUAGES, ORGANISER_LANGUAGES, RTL_LANGUAGES

LOCALES = LANGUAGES


def N_(msgid: str) -> str:  # noqa: N802  (gettext_noop: marks the msgid for extraction)
    """Return msgid unchanged; pybabel extract collects it (N_ is one of its default keywords)."""
    return msgid


LABELS = {
    "tap_name": N_("Tap your name"),
    "this_round": N_("Expected at this station now"),
    "nobody": N_("Nobody is expected right now – please search for your name."),
    "search": N_("Not on the list? Search for your name"),
    "search_hint": N_("Type at least 2 letters of your name."),
    "no_match": N_("Nobody found."),
    "search_offline": N_("Searching needs a connection. Tap your name or scan your badge."),
    "scan": N_("Scan your badge or route card"),
    "scan_stop": N_("Stop the camera"),
    "scan_failed": N_("The camera is not available. Please search for your name."),
    "code": N_("Or enter the code of your badge or route card"),
    "code_go": N_("Continue"),
    "code_bad": N_("This code is not valid here."),
    "hello": N_("Hello!"),
    "hello_scanned": N_("Hello! Your code was scanned."),
    "not_you": N_("Not you? Back to the list"),
    "what": N_("What would you like to do?"),
    "note": N_("Write a note"),
    "note_label": N_("Your note"),
    "save": N_("Save"),
    "cancel": N_("Cancel"),
    "contact": N_("Please contact me"),
    "topic": N_("What about?"),
    "other_topic": N_("Another topic"),
    "other_label": N_("Your topic"),
    "message": N_("Message (optional)"),
    "consent": N_("May {station} see your name, e-mail address and phone number?"),
    "consent_yes": N_("Yes, share my name, e-mail and phone with {station}"),
    "consent_no": N_("No, don't share my contact details"),
    "consent_no_hint": N_("If not, {station} sees only your topic, your message and a pseudonym."),
    "topic_needed": N_("Please choose a topic."),
    "consent_needed": N_("Please choose yes or no."),
    "send": N_("Send"),
    "check_in": N_("Check in here"),
    "check_in_hint": N_("Let {station} know that you are here."),
    "done": N_("Thank you – saved!"),
    "done_hint": N_("This tablet now forgets you and goes back to the list."),
    "ok": N_("OK"),
    "waiting": N_("Entries waiting to be sent: {n}"),
    "failed": N_("Entries that could not be saved: {n}"),
    "offline": N_("No connection – entries stay on this tablet and are sent later."),
    "host": N_("Host"),
    "exit": N_("Leave kiosk mode"),
    "exit_pin": N_("Host code"),
    "exit_waiting": N_("Entries not sent yet: {n}. Connect the tablet, then try again."),
    "exit_failed": N_("That did not work. Please check the connection."),
    "exit_wrong": N_("That is not the code that was set for this tablet."),
    "exit_too_many": N_("Too many wrong codes. Please wait a minute."),
    "code_hint": N_("Your personal code is printed on your route card and badge, e.g. ABCD-EFGH."),
    "need_code": N_(
        "You are not on this station's list right now. Please scan your badge or route card, "
        "or enter your personal code."
    ),
    "by_name": N_(
        "You picked your name from the list, so {station} sees only your topic, your message "
        "and a pseudonym – not your name or contact details."
    ),
    "by_name_how": N_(
        "To share your contact details, go back and scan your badge or route card, or enter "
        "your personal code."
    ),
}


def labels(station: str) -> dict[str, dict[str, str]]:
    """Return every label in every language, with the station's name filled in."""
    out: dict[str, dict[str, str]] = {key: {} for key in LABELS}
    for locale in LOCALES:
        with force_locale(locale):
            for key, msgid in LABELS.items():
                out[key][locale] = gettext(msgid).replace("{station}", station)
    return out


def defaults(event_language: str) -> list[str]:
    """Return the languages a kiosk shows before anyone picks one: the event's, then English."""
    first = event_language if event_language in LOCALES else "de"
    return [first] if first == "en" else [first, "en"]


def bilingual(label: dict[str, str], key: str = "", langs: list[str] | None = None) -> Markup:
    """Return a label in the default languages side by side (once where they read the same).
    data-k names the label, so the kiosk script can show it in the language someone picks."""
    langs = langs or list(ORGANISER_LANGUAGES)
    parts = []
    seen: set[str] = set()
    for loc in langs:
        if label[loc] in seen:
            continue
        seen.add(label[loc])
        direction = "rtl" if loc in RTL_LANGUAGES else "ltr"
        parts.append(f'<span lang="{loc}" dir="{direction}">{escape(label[loc])}</span>')
    return Markup(f'<span class="bi" data-k="{escape(key)}">{"".join(parts)}</span>')
