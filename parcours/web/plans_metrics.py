"""The plan's metrics in plain language: a label, the value, what it means, whether it is bad."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

HARD = ("revisits", "capacity_overruns", "unplaced", "double_bookings")


def _row(key: str, label: str, value: Any, explain: str, bad: bool = False) -> dict[str, Any]:
    return {"key": key, "label": label, "value": value, "explain": explain, "bad": bad}


def _hard_rows(m: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the hard rules: each must be 0."""
    return [
        _row("revisits", _("Revisits"), m.get("revisits", 0),
             _("People sent to a station they have already visited. Must be 0."),
             m.get("revisits", 0) > 0),
        _row("capacity_overruns", _("Over capacity"), m.get("capacity_overruns", 0),
             _("People beyond a station's capacity, added up over all rounds. Must be 0."),
             m.get("capacity_overruns", 0) > 0),
        _row("unplaced", _("Missing places"), m.get("unplaced", 0),
             _("Rounds still to come in which someone present has no station. Must be 0: "
               "re-plan the open rounds."),
             m.get("unplaced", 0) > 0),
        _row("double_bookings", _("Double bookings"), m.get("double_bookings", 0),
             _("People at two stations in the same round. Must be 0."),
             m.get("double_bookings", 0) > 0),
    ]  # fmt: skip


def _goal_rows(m: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the goals: encounters, wishes, balance."""
    fraction = float(m.get("distinct_fraction", 0.0))
    return [
        _row("distinct_encounters", _("Different people met"),
             _("%(num)d of at most %(max)d (%(pct)d %%)", num=m.get("distinct_encounters", 0),
               max=m.get("max_distinct_encounters", 0), pct=round(fraction * 100)),
             _("Pairs of people who share a station at least once. The maximum is what no "
               "plan can exceed with these stations, capacities and rounds.")),
        _row("repeated_encounters", _("Repeated encounters"),
             _("%(num)d (at least %(min)d unavoidable)", num=m.get("repeated_encounters", 0),
               min=m.get("forced_repeats", 0)),
             _("Meetings of two people who have met before in the parcours. In groups mode "
               "a group meets every round by design.")),
        _row("preference_hits", _("Wishes met"),
             _("%(num)d of %(total)d (at most %(max)d possible)",
               num=m.get("preference_hits", 0), total=m.get("preference_total", 0),
               max=m.get("preference_max", 0)),
             _("Stations that participants asked for and that are on their route.")),
        _row("must_visit_missed", _("Must-visits missed"), m.get("must_visit_missed", 0),
             _("Stations someone must visit but does not."), m.get("must_visit_missed", 0) > 0),
        _row("load_spread", _("Load spread"),
             ngettext(
                 "%(low)d to %(high)d person",
                 "%(low)d to %(high)d people",
                 int(m.get("load_max", 0)),
                 low=m.get("load_min", 0),
                 high=m.get("load_max", 0),
             ),
             _("The emptiest and the fullest station in any round. Close together is fair to "
               "the hosts.")),
        _row("mixing", _("Mixing"), _("%(pct)d %%", pct=round(float(m.get("mixing", 0)) * 100)),
             _("On average, the share of the most common kind of participant at a station. "
               "Lower means more mixed.")),
    ]  # fmt: skip


def metric_rows(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the plan's metrics as labelled rows with explanations."""
    m = dict(metrics)
    rows = _hard_rows(m) + _goal_rows(m)
    optimal = bool(m.get("optimal"))
    rows.append(
        _row("optimal", _("Optimal"), _("yes") if optimal else _("no"),
             _("Yes means the plan reaches every bound that can be proven: no plan meets more "
               "different people or more wishes. No means a better plan may exist, or none "
               "does but we cannot prove it."))
    )  # fmt: skip
    return rows


def hard_ok(metrics: dict[str, Any]) -> bool:
    """Return whether every hard rule holds."""
    return all(int(metrics.get(k, 0)) == 0 for k in HARD)
