"""The plan's metrics in plain language: a label, the value, what it means, whether it is bad."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

HARD = (
    "revisits",
    "capacity_overruns",
    "unplaced",
    "double_bookings",
    "avoid_violations",
    "stay_put_moves",
    "absent_placed",
)


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
    ] + _rule_rows(m)  # fmt: skip


def _rule_rows(m: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the participant rules in use (own station, avoid, stay put, absent rounds)."""
    rows = []
    if m.get("rule_avoid") or m.get("avoid_violations"):
        rows.append(
            _row(
                "avoid_violations",
                _("Own or avoided station"),
                m.get("avoid_violations", 0),
                _(
                    "Visits to a station of the participant's own organisation or on their "
                    "avoid list. Must be 0."
                ),
                m.get("avoid_violations", 0) > 0,
            )
        )
    if m.get("rule_stay_put") or m.get("stay_put_moves"):
        rows.append(
            _row(
                "stay_put_moves",
                _("People who stay put but move"),
                m.get("stay_put_moves", 0),
                _(
                    "%(num)d people cannot move between stations and stay at one station "
                    "in every round. Moves of theirs: must be 0.",
                    num=m.get("rule_stay_put", 0),
                ),
                m.get("stay_put_moves", 0) > 0,
            )
        )
    if m.get("rule_absent_rounds") or m.get("absent_placed"):
        rows.append(
            _row(
                "absent_placed",
                _("Placed while away"),
                m.get("absent_placed", 0),
                _("Placements in rounds in which a participant said they are away. Must be 0."),
                m.get("absent_placed", 0) > 0,
            )
        )
    return rows  # fmt: skip


def _why_repeats(m: dict[str, Any]) -> list[dict[str, Any]]:
    """Return why repeats cannot be avoided and what would remove them, in plain words."""
    d = m.get("forced_detail")
    if not isinstance(d, dict):
        return []
    parts = [
        _(
            "Repeats are unavoidable here because a station holds at least %(group)d people "
            "in a round, and in any other round these people can only spread over the "
            "%(others)d other stations: at least %(pairs)d pairs of them meet again, for "
            "every pair of rounds.",
            group=d.get("group", 0),
            others=d.get("others", 0),
            pairs=d.get("pairs", 0),
        )
    ]
    if d.get("meetings_again") and int(d.get("rounds", 0)) > 2:
        parts.append(
            _(
                "Over the %(round_pairs)d pairs of rounds, people who met meet again at "
                "least %(times)d times. A pair that stays together in all %(rounds)d rounds "
                "accounts for %(round_pairs)d of these with only %(less)d repeats, the "
                "fewest possible, so at least %(forced)d repeats remain.",
                round_pairs=d["round_pairs"],
                times=d["meetings_again"],
                rounds=d["rounds"],
                less=int(d["rounds"]) - 1,
                forced=d.get("repeats_from_meetings", 0),
            )
        )
    people = int(m.get("participants", 0))
    if d.get("fix_stations"):
        per = -(-people // int(d["fix_stations"]))
        parts.append(
            _(
                "With %(num)d stations (at most %(per)d people each) a plan without "
                "repeats is known.",
                num=d["fix_stations"],
                per=per,
            )
        )
    if d.get("fix_people"):
        parts.append(
            _(
                "With these stations, up to %(num)d participants can be planned without repeats.",
                num=d["fix_people"],
            )
        )
    if int(d.get("fix_rounds", 1)) >= 2:
        parts.append(
            _(
                "With these people and stations, up to %(num)d rounds can be planned "
                "without repeats.",
                num=d["fix_rounds"],
            )
        )
    else:
        parts.append(_("Fewer rounds do not help: two rounds already force repeats."))
    return [_row("why_repeats", _("Why repeats are unavoidable"),
                 _("at least %(min)d", min=d.get("forced", 0)), " ".join(parts))]  # fmt: skip


def _built_rows(m: dict[str, Any]) -> list[dict[str, Any]]:
    """Return how the plan was built and the zero-repeat alternative, if any."""
    rows = []
    construction = m.get("construction")
    if construction:
        searches = {
            "local": _("local search"),
            "tabu": _("tabu search"),
            "none": _("no search needed"),
        }
        name = _("greedy placement") if construction == "greedy" else construction
        rows.append(
            _row(
                "construction",
                _("Built by"),
                _(
                    "%(construction)s, then %(search)s",
                    construction=name,
                    search=searches.get(str(m.get("search")), _("no search needed")),
                ),
                _(
                    "Plans start from design theory (mutually orthogonal Latin squares: "
                    "finite fields, published tables, products) when one fits the "
                    "stations, else from a greedy placement; a search then improves "
                    "them."
                ),
            )
        )
    alt = m.get("alternative")
    if isinstance(alt, dict):
        rows.append(
            _row(
                "alternative",
                _("Plan with fewer repeats"),
                _(
                    "%(rep)d repeated encounters, %(hits)d wishes met",
                    rep=alt.get("repeated_encounters", 0),
                    hits=alt.get("preference_hits", 0),
                ),
                _(
                    "This plan puts wishes first. A plan with fewer repeated encounters "
                    "but fewer wishes met exists: plan again with “fewer repeats first” "
                    "to get it."
                ),
            )
        )
    if m.get("rule_organisations"):
        rows.append(
            _row(
                "colleague_meetings",
                _("Colleagues together"),
                m.get("colleague_meetings", 0),
                _(
                    "Pairs of people of the same organisation at one station, added up "
                    "over the rounds. Kept apart when that can be avoided."
                ),
            )
        )
    return rows  # fmt: skip


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
    rows = _hard_rows(m) + _goal_rows(m) + _why_repeats(m) + _built_rows(m)
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
