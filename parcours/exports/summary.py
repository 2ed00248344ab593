"""A station's printable one-page summary (self-contained HTML: no network, prints well)."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import func, select

from parcours.exports.scope import ExportScope, kind_label
from parcours.exports.svg import bar_chart
from parcours.storage import Assignment, CheckIn, FollowUp, Lead

LIST_LIMIT = 30


def _count(scope: ExportScope, model: Any, *where: Any) -> int:
    stmt = select(func.count()).where(
        model.event_id == scope.event.id, model.station_id == scope.station_id, *where
    )
    return int(scope.session.scalar(stmt) or 0)


def station_figures(scope: ExportScope) -> dict[str, Any]:
    """Return the station's counts and its follow-up topics."""
    topics = scope.session.execute(
        select(FollowUp.topic, func.count())
        .where(FollowUp.event_id == scope.event.id, FollowUp.station_id == scope.station_id)
        .group_by(FollowUp.topic)
        .order_by(func.count().desc(), FollowUp.topic)
    ).all()
    return {
        "planned_visits": _count(scope, Assignment),
        "check_ins": _count(scope, CheckIn),
        "follow_ups": _count(scope, FollowUp),
        "contacts_shared": len(
            {pid for pid, sid in scope.consent if sid == scope.station_id}
        ),  # people who shared with this station (the consent rule: per person and station)
        "leads": _count(scope, Lead),
        "topics": [(str(t), int(n)) for t, n in topics],
    }


def contact_list(scope: ExportScope) -> list[dict[str, Any]]:
    """Return the first follow-ups as the summary lists them (pseudonym without consent)."""
    stmt = (
        select(FollowUp.participant_id, FollowUp.topic, FollowUp.share_contact, FollowUp.via)
        .where(FollowUp.event_id == scope.event.id, FollowUp.station_id == scope.station_id)
        .order_by(FollowUp.id)
        .limit(LIST_LIMIT)
    )
    out = []
    for participant_id, topic, _shared, via in scope.session.execute(stmt):
        shown = scope.shown(participant_id, scope.station_id)
        person = scope.people.get(participant_id)
        out.append(
            {
                "name": shown.name,
                "organisation": shown.organisation,
                "kind": kind_label(person.kind) if person else "",
                "contact": " · ".join(x for x in (shown.email, shown.phone) if x),
                "topic": topic,
                "via": scope.via(via),
            }
        )
    return out


def render_summary(scope: ExportScope) -> str:
    """Render the station's summary page (call inside the event's locale)."""
    figures = station_figures(scope)
    chart = bar_chart(
        [(topic, [n]) for topic, n in figures["topics"][:12]], title=_("Follow-ups per topic")
    )
    starts = scope.local(scope.event.starts_at)
    return render_template(
        "after/pack_summary.html",
        event=scope.event,
        station=scope.station,
        starts=starts,
        figures=figures,
        contacts=contact_list(scope),
        more=max(figures["follow_ups"] - LIST_LIMIT, 0),
        chart=chart,
        shredded=scope.event.shredded_at is not None,
    )
