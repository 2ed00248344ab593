"""The report's charts, drawn from its figures (live or stored after shred)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup

from parcours.exports.scope import kind_label
from parcours.exports.svg import bar_chart, column_chart

TOP_TOPICS = 15


def report_charts(data: dict[str, Any]) -> dict[str, Markup]:
    """Return the report's SVG charts by name."""
    stations = data.get("stations", [])
    kinds = sorted(data["participants"]["by_kind"].items(), key=lambda kv: -kv[1])
    charts = {
        "kinds": bar_chart(
            [(kind_label(k), [n]) for k, n in kinds],
            title=_("Participants by kind of organisation"),
        ),
        "visits": bar_chart(
            [(s["name"], [s["planned_visits"], s["check_ins"]]) for s in stations],
            title=_("Visits per station"),
            series=[_("planned"), _("checked in")],
        ),
        "follow_ups": bar_chart(
            [(s["name"], [s["follow_ups"], s["leads"]]) for s in stations],
            title=_("Follow-ups and leads per station"),
            series=[_("follow-up requests"), _("leads")],
        ),
        "topics": bar_chart(
            [(t, [n]) for t, n in data["follow_ups"]["by_topic"][:TOP_TOPICS]],
            title=_("Follow-ups per topic"),
        ),
        "encounters": column_chart(
            [(str(k), n) for k, n in data["encounters"]["distribution"]],
            title=_("How many new people each participant met"),
            x_label=_("people met"),
            y_label=_("participants"),
        ),
    }
    cards = data.get("top_cards") or []
    if cards:
        charts["wall"] = bar_chart([(c["text"], [c["votes"]]) for c in cards],
                                   title=_("Wall cards by votes"))  # fmt: skip
    else:
        by_kind = data["wall"]["by_kind"].items()
        charts["wall"] = bar_chart([(k, [n]) for k, n in by_kind], title=_("Wall cards by kind"))
    return charts
