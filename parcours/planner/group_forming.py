"""Forming the groups of groups mode (dealt by kind, regrouped by avoided stations) and
telling why no grouping fits (``group_problems``, ``inherent_repeats``)."""

from __future__ import annotations

from collections import Counter
from random import Random

from parcours.planner.flow import distribute
from parcours.planner.prep import Problem


def _sizes(n: int, count: int) -> list[int]:
    """Return ``count`` group sizes as even as possible, summing to ``n``."""
    return [n // count + (1 if g < n % count else 0) for g in range(count)]


def _initial_groups(prob: Problem) -> tuple[list[list[int]], set[int]]:
    """Return the groups and the participants that may still change group."""
    if prob.closed:
        last = prob.closed[-1]
        by_station: dict[int, list[int]] = {}
        for (p, r), s in sorted(prob.fixed.items()):
            if r == last:
                by_station.setdefault(s, []).append(p)
        walking = [by_station[s] for s in sorted(by_station)]
        placed = {p for g in walking for p in g}
        late = [p for p in range(prob.n) if p not in placed]
        for p in sorted(late, key=lambda p: (-prob.avoid[p].bit_count(), p)):
            ranked = [
                (_too_few(prob, walking[g] + [p]), len(walking[g]), g) for g in range(len(walking))
            ]
            walking[min(ranked)[2]].append(p)
        return walking, set(late)
    usable = sum(1 for c in prob.cap if c > 0)
    count = min(usable, prob.n)
    sizes = _sizes(prob.n, count)
    freq = Counter(prob.kind)
    order = sorted(range(prob.n), key=lambda p: (-freq[prob.kind[p]], prob.kind[p], p))
    groups: list[list[int]] = [[] for _ in range(count)]
    g, step = 0, 1
    for p in order:
        while len(groups[g]) >= sizes[g]:
            g, step = _snake(g, step, count)
        groups[g].append(p)
        g, step = _snake(g, step, count)
    return groups, set(range(prob.n))


def _too_few(prob: Problem, members: list[int]) -> bool:
    """Return whether ``members`` together have fewer stations left than open rounds."""
    closed = 0
    for p in members:
        closed |= prob.visited_closed(p) | prob.avoid[p]
    room = [s for s in range(prob.m) if prob.cap[s] >= len(members) and not closed >> s & 1]
    return len(room) < len(prob.open)


def _snake(g: int, step: int, count: int) -> tuple[int, int]:
    """Return the next group index when dealing back and forth."""
    if 0 <= g + step < count:
        return g + step, step
    return g, -step


def _match(options: list[list[int]]) -> list[int] | None:
    """Return a station per group (Kuhn's algorithm, options in preference order)."""
    owner: dict[int, int] = {}

    def grab(g: int, seen: set[int]) -> bool:
        for s in options[g]:
            if s in seen:
                continue
            seen.add(s)
            if s not in owner or grab(owner[s], seen):
                owner[s] = g
                return True
        return False

    for g in range(len(options)):
        if not grab(g, set()):
            return None
    result = [-1] * len(options)
    for s, g in owner.items():
        result[g] = s
    return result


def _routes(
    prob: Problem, groups: list[list[int]], stations: list[int] | None = None
) -> list[list[int]] | None:
    """Return station per group and round (-1 in closed rounds), or None if impossible.

    Group ``g`` tries ``stations[g + i]`` first in the ``i``-th open round (a cyclic
    Latin rectangle over ``stations``, by default the usable ones in order).
    """
    if stations is None:
        stations = [s for s in range(prob.m) if prob.cap[s] > 0]
    visited = [0] * len(groups)
    for g, members in enumerate(groups):
        for p in members:  # own and avoided stations of any member count as visited
            if p >= 0:  # -1: a seat of a group still to be filled
                visited[g] |= prob.visited_closed(p) | prob.avoid[p]
    routes = [[-1] * prob.rounds for _ in groups]
    for i, r in enumerate(prob.open):
        options = []
        for g, members in enumerate(groups):
            k = len(stations)
            ring = [stations[(g + i + j) % k] for j in range(k)]
            options.append(
                [s for s in ring if prob.cap[s] >= len(members) and not (visited[g] >> s) & 1]
            )
        chosen = _match(options)
        if chosen is None:
            return None
        for g, s in enumerate(chosen):
            routes[g][r] = s
            visited[g] |= 1 << s
    return routes


REGROUP_WORK = 40_000  # participant-steps spent regrouping (tries scale down with size)


def _tries(prob: Problem) -> int:
    """Return how many Latin rectangles and clustered deals to try (40 to 400)."""
    return max(40, min(400, REGROUP_WORK // max(1, prob.n)))


def _regroup(prob: Problem, count: int) -> tuple[list[list[int]], list[list[int]]] | None:
    """Return groups and routes that keep every member's own and avoided stations, or None.

    Routes first (cyclic Latin rectangles over the stations in several orders, sized
    for the groups), then people to groups by a b-matching: a person may join a group
    whose route avoids all of its stations, and every group takes its size.
    Deterministic (the orders come from ``Random(0)``), so ``check`` and ``plan`` agree.
    """
    sizes = _sizes(prob.n, count)
    stations = [s for s in range(prob.m) if prob.cap[s] > 0]
    rng = Random(0)
    for attempt in range(_tries(prob)):
        order = stations[:]
        if attempt:
            rng.shuffle(order)
        routes = _routes(prob, [[-1] * size for size in sizes], order)
        if routes is None:
            continue
        masks = [sum(1 << s for s in route if s >= 0) for route in routes]
        allowed = [
            sum(1 << g for g in range(count) if not prob.avoid[p] & masks[g]) for p in range(prob.n)
        ]
        chosen = distribute(1, allowed, sizes)
        if chosen is not None:
            groups: list[list[int]] = [[] for _ in range(count)]
            for p, (g,) in enumerate(chosen):
                groups[g].append(p)
            return groups, routes
    return _clustered(prob, sizes, rng)


def _clustered(
    prob: Problem, sizes: list[int], rng: Random
) -> tuple[list[list[int]], list[list[int]]] | None:
    """Return groups of people who avoid the same stations, and their routes; or None.

    People are sorted by the stations they avoid (the kinds of avoidance in several
    orders) and dealt in blocks, so that each group's union of avoided stations stays
    small; then the groups are routed around those unions.
    """
    kinds = sorted({prob.avoid[p] for p in range(prob.n)}, key=lambda a: (a.bit_count(), a))
    for attempt in range(_tries(prob)):
        if attempt:
            rng.shuffle(kinds)
        rank = {a: i for i, a in enumerate(kinds)}
        order = sorted(range(prob.n), key=lambda p: (rank[prob.avoid[p]], p))
        groups, start = [], 0
        for size in sizes:
            groups.append(order[start : start + size])
            start += size
        routes = _routes(prob, groups)
        if routes is not None:
            return groups, routes
    return None


def form_groups(prob: Problem) -> tuple[list[list[int]], set[int], list[list[int]]] | None:
    """Return groups, the participants that may change group, and routes; or None.

    Groups are dealt by kind; when their members' avoided stations leave no routes,
    people are regrouped so that each group's route avoids its members' stations.
    """
    groups, movable = _initial_groups(prob)
    routes = _routes(prob, groups)
    if routes is not None:
        return groups, movable, routes
    if prob.closed or not any(prob.avoid):
        return None
    found = _regroup(prob, len(groups))
    if found is None:
        return None
    return found[0], set(range(prob.n)), found[1]


def _avoid_problems(prob: Problem, count: int) -> list[str]:
    """Return sets of stations avoided by more people than the groups never passing them hold.

    When there are as many groups as stations, every station hosts a group in every
    round.  Then a set ``S`` of stations is passed by at least ``max(|S|, R)`` groups
    in ``R`` open rounds (``|S|`` in the first round alone; each of them ``R`` times,
    by a different group each time, and one group passes it at most ``min(|S|, R)``
    times), and the people who avoid all of ``S`` must fit into the other groups.
    Tried for every set of stations someone avoids and every intersection of two.
    """
    usable = [s for s in range(prob.m) if prob.cap[s] > 0]
    need = len(prob.open)
    if count != len(usable) or prob.closed:
        return []
    usable_mask = sum(1 << s for s in usable)
    masks = {prob.avoid[p] & usable_mask for p in range(prob.n)} - {0}
    candidates = masks | {a & b for a in masks for b in masks} - {0}
    sizes = sorted(_sizes(prob.n, count), reverse=True)
    problems = []
    for mask in sorted(candidates, key=lambda a: (a.bit_count(), a)):
        free = count - max(mask.bit_count(), need)
        room = sum(sizes[: max(0, free)])
        who = [prob.pids[p] for p in range(prob.n) if prob.avoid[p] & mask == mask]
        if len(who) > room:
            stations = [prob.sids[s] for s in range(prob.m) if mask >> s & 1]
            where = (
                f"station {stations[0]}"
                if len(stations) == 1
                else "stations " + ", ".join(str(s) for s in stations)
            )
            problems.append(
                f"groups mode: {len(who)} participants ({_ids(who)}) may not visit {where}, "
                f"but in {need} round{'s' if need > 1 else ''} at least "
                f"{count - max(0, free)} of the {count} groups pass it and the other groups "
                f"hold only {room}"
            )
    return problems


def _ids(ids: list[int], limit: int = 8) -> str:
    shown = ", ".join(str(i) for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def group_problems(prob: Problem) -> list[str]:
    """Return why groups mode cannot route the groups, if it cannot."""
    if form_groups(prob) is not None:
        return []
    groups, _ = _initial_groups(prob)
    problems = _avoid_problems(prob, len(groups))
    if problems:
        return problems
    avoiders = [p for p in range(prob.n) if prob.avoid[p]]
    if avoiders:
        names = "; ".join(
            f"{prob.pids[p]} not "
            + ", ".join(str(prob.sids[s]) for s in range(prob.m) if prob.avoid[p] >> s & 1)
            for p in avoiders[:8]
        )
        more = f" and {len(avoiders) - 8} more" if len(avoiders) > 8 else ""
        return [
            f"groups mode: no grouping found whose routes keep every member away from the "
            f"stations they may not visit ({names}{more}); plan individually, or let fewer "
            "people avoid stations"
        ]
    biggest = max((len(g) for g in groups), default=0)
    return [
        f"groups mode: {len(groups)} groups of up to {biggest} participants cannot "
        f"walk {len(prob.open)} rounds without revisits through stations with "
        f"capacities {sorted(prob.cap, reverse=True)}"
    ]


def inherent_repeats(prob: Problem) -> int:
    """Return the repeats that walking in even groups forces (members meet every round)."""
    usable = sum(1 for c in prob.cap if c > 0)
    if not usable or not prob.n:
        return 0
    sizes = _sizes(prob.n, min(usable, prob.n))
    return sum(s * (s - 1) // 2 for s in sizes) * max(0, prob.rounds - 1)
