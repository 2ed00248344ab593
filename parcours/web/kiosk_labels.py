"""The kiosk's labels, shown in German and English side by side.

The msgids are English and go through Flask-Babel like every other string. A shared tablet must
be bilingual from the first event on, so where the German catalogue has no translation yet the
kiosk falls back to the German text below (the catalogue wins once it has one).
"""

from __future__ import annotations

from flask_babel import force_locale, gettext
from markupsafe import Markup, escape

LOCALES = ("de", "en")


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
}

GERMAN = {
    "tap_name": "Tippen Sie auf Ihren Namen",
    "this_round": "Jetzt an diesem Stand erwartet",
    "nobody": "Gerade wird niemand erwartet – bitte suchen Sie Ihren Namen.",
    "search": "Nicht auf der Liste? Suchen Sie Ihren Namen",
    "search_hint": "Geben Sie mindestens 2 Buchstaben Ihres Namens ein.",
    "no_match": "Niemand gefunden.",
    "search_offline": "Die Suche braucht eine Verbindung. Tippen Sie auf Ihren Namen "
    "oder scannen Sie Ihr Namensschild.",
    "scan": "Namensschild oder Laufkarte scannen",
    "scan_stop": "Kamera ausschalten",
    "scan_failed": "Die Kamera ist nicht verfügbar. Bitte suchen Sie Ihren Namen.",
    "code": "Oder geben Sie den Code Ihres Namensschilds oder Ihrer Laufkarte ein",
    "code_go": "Weiter",
    "code_bad": "Dieser Code gilt hier nicht.",
    "hello": "Hallo!",
    "hello_scanned": "Hallo! Ihr Code wurde gescannt.",
    "not_you": "Nicht Sie? Zurück zur Liste",
    "what": "Was möchten Sie tun?",
    "note": "Notiz schreiben",
    "note_label": "Ihre Notiz",
    "save": "Speichern",
    "cancel": "Abbrechen",
    "contact": "Bitte kontaktieren Sie mich",
    "topic": "Worum geht es?",
    "other_topic": "Anderes Thema",
    "other_label": "Ihr Thema",
    "message": "Nachricht (freiwillig)",
    "consent": "Darf {station} Ihren Namen, Ihre E-Mail-Adresse und Telefonnummer sehen?",
    "consent_yes": "Ja, Name, E-Mail und Telefon an {station} weitergeben",
    "consent_no": "Nein, meine Kontaktdaten nicht weitergeben",
    "consent_no_hint": "Sonst sieht {station} nur Ihr Thema, Ihre Nachricht und ein Pseudonym.",
    "topic_needed": "Bitte wählen Sie ein Thema.",
    "consent_needed": "Bitte wählen Sie Ja oder Nein.",
    "send": "Senden",
    "check_in": "Hier einchecken",
    "check_in_hint": "{station} erfährt, dass Sie da sind.",
    "done": "Danke – gespeichert!",
    "done_hint": "Dieses Tablet vergisst Sie jetzt und zeigt wieder die Liste.",
    "ok": "OK",
    "waiting": "Einträge, die noch gesendet werden: {n}",
    "failed": "Einträge, die nicht gespeichert werden konnten: {n}",
    "offline": "Keine Verbindung – Einträge bleiben auf diesem Tablet und werden später gesendet.",
    "host": "Gastgeber",
    "exit": "Kiosk-Modus beenden",
    "exit_pin": "Code des Gastgebers",
    "exit_waiting": "Noch nicht gesendet: {n}. Verbinden Sie das Tablet, dann erneut versuchen.",
    "exit_failed": "Das hat nicht geklappt. Bitte prüfen Sie die Verbindung.",
    "exit_wrong": "Das ist nicht der Code, der für dieses Tablet gesetzt wurde.",
    "exit_too_many": "Zu viele falsche Codes. Bitte warten Sie eine Minute.",
}


def labels(station: str) -> dict[str, dict[str, str]]:
    """Return every label in German and English, with the station's name filled in."""
    out: dict[str, dict[str, str]] = {key: {} for key in LABELS}
    for locale in LOCALES:
        with force_locale(locale):
            for key, msgid in LABELS.items():
                text = gettext(msgid)
                if locale == "de" and text == msgid:  # not in the German catalogue yet
                    text = GERMAN.get(key, text)
                out[key][locale] = text.replace("{station}", station)
    return out


def bilingual(label: dict[str, str]) -> Markup:
    """Return a label as German and English side by side (once where both read the same)."""
    parts = [f'<span lang="{loc}">{escape(label[loc])}</span>' for loc in LOCALES]
    if label["de"] == label["en"]:
        parts = parts[1:]
    return Markup(f'<span class="bi">{"".join(parts)}</span>')
