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
}


def label(code: object) -> str:
    """Return the translated label of a code, or the code itself."""
    text = LABELS.get(str(code))
    return str(text) if text is not None else str(code)
