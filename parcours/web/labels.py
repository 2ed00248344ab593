"""Readable, translated names for the codes pages show (phases, modes, kinds, languages)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS = {
    "not_started": _l("not started"),
    "running": _l("running"),
    "paused": _l("paused"),
    "transition": _l("changing stations"),
    "finished": _l("finished"),
    "individual": _l("individual routes"),
    "groups": _l("fixed groups"),
    "company": _l("company"),
    "authority": _l("authority"),
    "organisation": _l("organisation"),
    "chamber": _l("chamber"),
    "jobseeker": _l("refugee or job seeker"),
    "volunteer": _l("volunteer"),
    "other": _l("other"),
    "de": _l("German"),
    "en": _l("English"),
    "uk": _l("Ukrainian"),
    "ar": _l("Arabic"),
    "fa": _l("Farsi (Dari)"),
    "tr": _l("Turkish"),
    "ru": _l("Russian"),
}


def label(code: object) -> str:
    """Return the translated label of a code, or the code itself."""
    text = LABELS.get(str(code))
    return str(text) if text is not None else str(code)


def kind_labels() -> dict[str, str]:
    """Return the kinds of participants and stations with their display names (the join form
    shows them, so they are participant texts: tests/test_translations_languages.py)."""
    from flask_babel import gettext as _

    return {
        "company": _("Company"),
        "authority": _("Authority"),
        "organisation": _("Association or organisation"),
        "chamber": _("Chamber"),
        "jobseeker": _("Refugee or job seeker"),
        "volunteer": _("Volunteer"),
        "other": _("Other"),
    }
