"""Metrics of any assignment, planned or edited by hand."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any

from parcours.planner.bounds import bounds_of
from parcours.planner.model import Instance, norm_org
from parcours.planner.prep import prepare

Row = tuple[int, int, int] | Mapping[str, int]


def _rows(assignments: Iterable[Row]) -> list[tuple[int, int, int]]:
    """Return assignments as (participant_id, round, station_id) tuples."""
    out = []
    for row in assignments:
        if isinstance(row, Mapping):
            out.append((int(row["participant_id"]), int(row["round"]), int(row["station_id"])))
        else:
            out.append((int(row[0]), int(row[1]), int(row[2])))
    return out


def _group_stats(
    groups: dict[tuple[int, int], list[int]], kinds: dict[int, str], several_kinds: bool
) -> dict[str, Any]:
    """Return mixing figures over the station-rounds with two or more people."""
    shares = []
    single = 0
    for members in groups.values():
        if len(members) < 2:
            continue
        top = Counter(kinds.get(p, "other") for p in members).most_common(1)[0][1]
        shares.append(top / len(members))
        single += int(several_kinds and top == len(members))
    mixing = round(sum(shares) / len(shares), 4) if shares else 0.0
    return {"mixing": mixing, "single_kind_groups": single}


def _encounters(
    groups: dict[tuple[int, int], list[int]], forbidden: frozenset[tuple[int, int]]
) -> dict[str, int]:
    """Return distinct and repeated encounters and forbidden co-locations."""
    pairs: Counter[tuple[int, int]] = Counter()
    for members in groups.values():
        pairs.update(combinations(sorted(members), 2))
    banned = {(min(a, b), max(a, b)) for a, b in forbidden}
    return {
        "meetings": sum(pairs.values()),
        "distinct_encounters": len(pairs),
        "repeated_encounters": sum(pairs.values()) - len(pairs),
        "forbidden_violations": sum(c for pair, c in pairs.items() if pair in banned),
    }


def _hard_rules(
    inst: Instance, rows: list[tuple[int, int, int]], last_closed: int
) -> tuple[dict[str, int], dict[tuple[int, int], list[int]]]:
    """Return hard-rule counts and the station-round groups of known ids."""
    pids = {p.id for p in inst.participants}
    stayers = {p.id for p in inst.participants if p.stay}
    away = {p.id: p.absent for p in inst.participants}
    caps = {s.id: s.capacity for s in inst.stations}
    groups: dict[tuple[int, int], list[int]] = {}
    visits: Counter[tuple[int, int]] = Counter()
    placed: Counter[tuple[int, int]] = Counter()
    for pid, rnd, sid in rows:
        if pid not in pids:
            continue
        groups.setdefault((rnd, sid), []).append(pid)
        visits[(pid, sid)] += 1
        placed[(pid, rnd)] += 1
    unknown = sum(1 for (_, sid) in groups if sid not in caps)
    open_rounds = range(last_closed + 1, inst.rounds + 1)
    where: dict[int, set[int]] = {}
    for (pid, sid), _count in visits.items():
        where.setdefault(pid, set()).add(sid)
    return {
        "revisits": sum(c - 1 for (p, _), c in visits.items() if p not in stayers),
        "capacity_overruns": sum(max(0, len(m) - caps.get(s, 0)) for (_, s), m in groups.items()),
        "double_bookings": sum(c - 1 for c in placed.values()),
        "unplaced": sum(
            1
            for p in pids
            for r in open_rounds
            if (p, r) not in placed and r not in away.get(p, frozenset())
        ),
        "absent_placed": sum(1 for (p, r) in placed if r in away.get(p, frozenset())),
        "stay_put_moves": sum(len(where.get(p, ())) - 1 for p in stayers if p in where),
        "unknown_stations": unknown,
        "out_of_range_rounds": sum(1 for (r, _) in groups if not 1 <= r <= inst.rounds),
    }, groups


def _rules(
    inst: Instance, rows: list[tuple[int, int, int]], groups: dict[tuple[int, int], list[int]]
) -> dict[str, int]:
    """Return how the participant rules are kept: own station and avoid, colleagues apart."""
    prob = prepare(inst)
    avoided = {
        (prob.pids[i], prob.sids[s])
        for i, mask in enumerate(prob.avoid)
        for s in range(prob.m)
        if mask >> s & 1
    }
    org = {p.id: norm_org(p.organisation) for p in inst.participants if norm_org(p.organisation)}
    colleague = 0
    for members in groups.values():
        counts = Counter(org[p] for p in members if p in org)
        colleague += sum(c * (c - 1) // 2 for c in counts.values())
    earlier = {(min(a, b), max(a, b)) for a, b in inst.met_before}
    again = 0
    if earlier:
        for members in groups.values():
            ordered = sorted(members)
            again += sum(1 for pair in combinations(ordered, 2) if pair in earlier)
    before = inst.visited_before
    return {
        "repeats_with_earlier": again,
        "revisits_of_earlier": sum(1 for p, _, s in rows if s in before.get(p, frozenset())),
        "avoid_violations": sum(
            1 for p, _, s in rows if (p, s) in avoided and s not in before.get(p, frozenset())
        ),
        "colleague_meetings": colleague,
        "rule_avoid": sum(1 for mask in prob.avoid if mask),
        "rule_stay_put": sum(1 for p in inst.participants if p.stay),
        "rule_absent_rounds": sum(len(p.absent) for p in inst.participants),
        "rule_organisations": len(set(org.values())),
    }


def _preferences(inst: Instance, rows: list[tuple[int, int, int]]) -> dict[str, int]:
    """Return interest hits and must-visit misses."""
    seen: dict[int, set[int]] = {}
    for pid, _, sid in rows:
        seen.setdefault(pid, set()).add(sid)
    hits = total = missed = must_total = 0
    for p in inst.participants:
        visited = seen.get(p.id, set())
        hits += len(p.interests & visited)
        total += len(p.interests)
        missed += len(p.must_visit - visited)
        must_total += len(p.must_visit)
    return {
        "preference_hits": hits,
        "preference_total": total,
        "must_visit_missed": missed,
        "must_visit_total": must_total,
    }


def _loads(inst: Instance, groups: dict[tuple[int, int], list[int]]) -> dict[str, int]:
    """Return the spread of loads over station-rounds of stations with capacity."""
    loads = [
        len(groups.get((r, s.id), ()))
        for r in range(1, inst.rounds + 1)
        for s in inst.stations
        if s.capacity > 0
    ]
    low, high = (min(loads), max(loads)) if loads else (0, 0)
    return {"load_min": low, "load_max": high, "load_spread": high - low}


def evaluate(inst: Instance, assignments: Iterable[Row]) -> dict[str, Any]:
    """Return the metrics of ``assignments`` ((participant_id, round, station_id) rows)."""
    prob = prepare(inst)
    rows = _rows(assignments)
    hard, groups = _hard_rules(inst, rows, len(prob.closed))
    kinds = {p.id: p.kind for p in inst.participants}
    metrics: dict[str, Any] = {
        "mode": inst.mode,
        "participants": prob.n,
        "stations": prob.m,
        "rounds": inst.rounds,
    }
    metrics.update(hard)
    metrics.update(_encounters(groups, inst.forbidden_pairs))
    rules = _rules(inst, rows, groups)
    metrics.update(rules)
    bound = bounds_of(prob)
    best = bound["max_distinct_encounters"]
    metrics["max_distinct_encounters"] = best
    metrics["distinct_fraction"] = round(metrics["distinct_encounters"] / best, 4) if best else 1.0
    metrics["forced_repeats"] = bound["forced_repeats"]
    metrics["forced_by"] = bound["forced_by"]
    if bound["forced_detail"] is not None:
        metrics["forced_detail"] = bound["forced_detail"]
    metrics.update(_preferences(inst, rows))
    metrics["preference_max"] = bound["max_preference_hits"]
    metrics["must_visit_min_missed"] = bound["min_must_visit_missed"]
    metrics.update(_group_stats(groups, kinds, len(set(kinds.values())) > 1))
    metrics.update(_loads(inst, groups))
    hard_ok = all(hard[k] == 0 for k in hard) and rules["avoid_violations"] == 0
    metrics["hard_ok"] = hard_ok
    best_hits = bound["max_preference_hits"]
    if metrics["must_visit_missed"] <= bound["must_missed_each"]:
        best_hits = bound["max_preference_hits_lex"]
    lost = bound["zero_repeat_interest_losses"] if bound["forced_repeats"] == 0 else 0
    if lost:  # no plan without repeats serves more (see bounds.zero_repeat_interest_losses)
        metrics["preference_max_zero_repeats"] = bound["max_preference_hits"] - lost
        if inst.priority == "encounters" and metrics["repeated_encounters"] == 0:
            best_hits -= lost
    wished = bound["interest_repeats"]  # serving every interest costs these repeats
    if wished:
        metrics["interest_repeats"] = wished
    if metrics["preference_hits"] < metrics["preference_total"]:
        wished = 0  # the bound holds for plans that serve every interest
    metrics["optimal"] = bool(
        hard_ok
        and metrics["forbidden_violations"] == 0
        and metrics["repeated_encounters"] <= bound["forced_repeats"] + wished
        and metrics["must_visit_missed"] <= bound["min_must_visit_missed"]
        and metrics["preference_hits"] >= best_hits
    )
    metrics["seconds"] = 0.0
    metrics["seed"] = None
    return metrics
