"""Bounds on what any plan can reach, computed before searching.

Repeats are bounded below by two counting arguments:

* *pigeonhole*: the members of a group at station ``s`` in one round may not return
  to ``s`` later, so in any later round they spread over the other stations and at
  least ``f_s(n)`` of their pairs meet again (``f_s`` fills the other stations as
  evenly as capacities allow).  Every round adds at least its worst earlier round.
* *counting*: all meetings minus the number of pairs that exist.
"""

from __future__ import annotations

import heapq
from collections import Counter
from itertools import combinations
from typing import Any

from parcours.planner.model import Instance
from parcours.planner.prep import Problem, prepare


def smallest_sum(levels: list[int], k: int) -> int:
    """Return the sum of the ``k`` smallest values (all of them if fewer)."""
    return sum(heapq.nsmallest(k, levels))


def marginals(caps: list[int], limit: int) -> list[int]:
    """Return the marginal pair costs 0..c-1 of every bin, each capped at ``limit``."""
    return [x for c in caps for x in range(min(c, limit))]


def min_pairs(n: int, caps: list[int]) -> int:
    """Return the fewest pairs when ``n`` people fill bins of the given capacities."""
    return smallest_sum(marginals(caps, n), n)


def max_pairs(n: int, caps: list[int]) -> int:
    """Return the most pairs when ``n`` people fill bins of the given capacities."""
    total = 0
    for c in sorted(caps, reverse=True):
        take = min(c, n)
        total += take * (take - 1) // 2
        n -= take
    return total


def _spread_lb(sizes: dict[int, int], caps: list[int]) -> int:
    """Return pairs forced to meet again when each group avoids its own station."""
    total = 0
    for s, size in sizes.items():
        others = caps[:s] + caps[s + 1 :]
        total += min_pairs(size, others)
    return total


def _open_pair_lb(n: int, caps: list[int]) -> int:
    """Return the pigeonhole bound between two open rounds (best group sizes)."""
    merged: list[int] = []
    for s, c in enumerate(caps):
        others = caps[:s] + caps[s + 1 :]
        merged += sorted(marginals(others, n))[:c]
    return smallest_sum(merged, n)


def closed_groups(prob: Problem) -> dict[int, dict[int, list[int]]]:
    """Return round -> station -> participants for the closed rounds."""
    groups: dict[int, dict[int, list[int]]] = {r: {} for r in prob.closed}
    for (p, r), s in sorted(prob.fixed.items()):
        groups[r].setdefault(s, []).append(p)
    return groups


def _closed_meetings(prob: Problem) -> tuple[int, int, Counter[tuple[int, int]]]:
    """Return meetings, repeats and pair counts of the closed rounds."""
    counts: Counter[tuple[int, int]] = Counter()
    for by_station in closed_groups(prob).values():
        for members in by_station.values():
            counts.update(combinations(members, 2))
    meetings = sum(counts.values())
    return meetings, meetings - len(counts), counts


def forced_repeats(prob: Problem) -> tuple[int, str]:
    """Return a lower bound on repeated encounters and the argument giving it.

    Open rounds, in words (capacity per station at least the number of stations,
    e.g. 150 people, 10 stations of 15, 6 rounds): in any two rounds ``r, r'`` the
    people of one station in ``r`` cannot return to it in ``r'``, so they spread over
    the other stations and at least ``Y`` pairs of people meet in both rounds
    (``_open_pair_lb``; 6 per station, ``Y = 60`` for 150/10/6).  Over the
    ``R(R-1)/2`` pairs of rounds that is ``R(R-1)/2 * Y`` *meetings again* (900).
    A pair of people who meet ``k`` times accounts for ``k(k-1)/2`` of them and for
    ``k - 1`` repeats (every meeting after the first).  As ``k <= R``,
    ``k(k-1)/2 <= (R/2)(k-1)``: every repeat accounts for at most ``R/2`` meetings
    again, so there are at least ``(R-1) * Y`` repeats (300).  This is what
    ``pigeon`` adds up (every later round at least ``Y``).

    Counting alone cannot give more: the count is exact for a plan in which every
    pair that meets twice stays together in all rounds.  For 150/10/6 that plan
    needs 60 pairs and 30 singles who travel as 90 units, each station-round holding
    6 pairs and 3 singles, and no two units meeting twice; with the 10 hosts as
    units that never move, 100 routes of length 6 over 10 stations of which no two
    agree twice: the same as 4 mutually orthogonal Latin squares of order 10
    (coordinates 1-2 index the cell, 3-6 are the squares).  Nobody knows whether 4,
    or even 3, such squares exist (2 are known): a plan with 300 repeats would
    settle that question, and a sharper bound would have to show that this
    structure does not exist.
    """
    n, caps = prob.n, prob.cap
    meetings, repeats, _ = _closed_meetings(prob)
    groups = closed_groups(prob)
    pigeon = repeats
    open_lb = _open_pair_lb(n, caps) if len(prob.open) > 1 else 0
    for i in range(len(prob.open)):
        best = open_lb if i > 0 else 0
        for rc in prob.closed:
            sizes = {s: len(m) for s, m in groups[rc].items()}
            best = max(best, _spread_lb(sizes, caps))
        pigeon += best
    counting = meetings + len(prob.open) * min_pairs(n, caps) - n * (n - 1) // 2
    if max(pigeon, counting) <= 0:
        return 0, "none"
    return (pigeon, "pigeonhole") if pigeon >= counting else (counting, "counting")


def _max_distinct(prob: Problem, forced: int) -> tuple[int, int]:
    """Return an upper bound on distinct encounters and on all meetings."""
    n, caps = prob.n, prob.cap
    meetings = _closed_meetings(prob)[0] + len(prob.open) * max_pairs(n, caps)
    biggest = min(max(caps, default=0), n)
    per_person = [len(prob.open) * max(biggest - 1, 0) for _ in range(n)]
    for by_station in closed_groups(prob).values():
        for members in by_station.values():
            for p in members:
                per_person[p] += len(members) - 1
    personal = sum(min(n - 1, x) for x in per_person) // 2
    return max(0, min(n * (n - 1) // 2, meetings - forced, personal)), meetings


def _interest_slots(need: int, musts: int, must_mask: int, interest_mask: int) -> int:
    """Return the interests one participant can still win once its must-visits are in."""
    both = min((must_mask & interest_mask).bit_count(), musts)
    return both + min(need - musts, interest_mask.bit_count() - both)


def preference_bounds(prob: Problem) -> dict[str, int]:
    """Return bounds on interest hits and must-visit misses.

    ``max_preference_hits`` holds for every plan.  ``max_preference_hits_lex`` holds
    for plans that serve every participant all the must-visits it can get (must
    misses at ``must_missed_each``): must-visits rank first and take rounds.
    """
    need = len(prob.open)
    usable = sum(1 << s for s in range(prob.m) if prob.cap[s] > 0)
    hits_p = hits_lex = miss_p = 0
    want = [0] * prob.m
    must_want = [0] * prob.m
    hits_s = 0
    for p in range(prob.n):
        seen = prob.visited_closed(p)
        allowed = usable & ~seen
        closed_hits = (prob.interests[p] & seen).bit_count()
        reachable = prob.interests[p] & allowed
        open_must = prob.must[p] & ~seen
        musts = min(need, (open_must & allowed).bit_count())
        miss_p += open_must.bit_count() - musts
        hits_p += closed_hits + min(need, reachable.bit_count())
        hits_lex += closed_hits + _interest_slots(need, musts, open_must & allowed, reachable)
        hits_s += closed_hits
        for s in range(prob.m):
            want[s] += reachable >> s & 1
            must_want[s] += open_must >> s & 1
    hits_s += sum(min(w, need * c) for w, c in zip(want, prob.cap, strict=True))
    miss_s = sum(max(0, w - need * c) for w, c in zip(must_want, prob.cap, strict=True))
    return {
        "max_preference_hits": min(hits_p, hits_s),
        "max_preference_hits_lex": min(hits_lex, hits_s),
        "min_must_visit_missed": max(miss_p, miss_s),
        "must_missed_each": miss_p,
    }


def pair_visit_limit(rounds: int, cap_a: int, cap_b: int) -> int:
    """Return the most participants who visit both of two stations in a plan without repeats.

    In round ``r`` station ``b`` holds at most ``cap_b`` people.  Those of them who
    visit ``a`` in another round must come from different rounds at ``a`` (two from
    the same round would meet at ``a`` and again at ``b``), and not from round ``r``
    itself: at most ``min(cap_b, rounds - 1)`` of them.  Over the ``rounds`` rounds that
    is ``rounds * min(cap_b, rounds - 1)``, and the same holds with ``a`` and ``b``
    swapped.
    """
    return rounds * max(0, min(cap_a, cap_b, rounds - 1))


def _pair_excess(prob: Problem, repeats: bool) -> int:
    """Return the sum, over station pairs sharing no station, of wishes for both beyond
    ``pair_visit_limit`` (see ``zero_repeat_interest_losses``)."""
    need = len(prob.open)
    if prob.closed or need < 2:
        return 0
    usable = sum(1 << s for s in range(prob.m) if prob.cap[s] > 0)
    want: Counter[tuple[int, int]] = Counter()
    for p in range(prob.n):
        allowed = usable & ~prob.avoid[p]
        if ((prob.interests[p] | prob.must[p]) & allowed).bit_count() > need:
            continue
        mine = [s for s in range(prob.m) if (prob.interests[p] & allowed) >> s & 1]
        want.update(combinations(mine, 2))
    excess = sorted(
        (
            (w - pair_visit_limit(need, prob.cap[a], prob.cap[b]), a, b)
            for (a, b), w in want.items()
            if not repeats or min(prob.cap[a], prob.cap[b]) >= need - 1
        ),
        reverse=True,
    )
    used: set[int] = set()
    total = 0
    for loss, a, b in excess:
        if loss > 0 and a not in used and b not in used:
            total += loss
            used.update((a, b))
    return total


def zero_repeat_interest_losses(prob: Problem) -> int:
    """Return interests every plan with 0 repeats misses (no closed rounds), else 0.

    Counts only participants whose wishes all fit into the open rounds, so each of
    their misses is a real loss.  For a pair of stations ``a, b`` wanted together by
    ``W`` of them, at most ``pair_visit_limit`` get both: the others miss one of the
    two.  Station pairs that share no station miss different stations, so their
    losses add up; pairs are taken greedily, the largest loss first.
    """
    return _pair_excess(prob, repeats=False)


def interest_repeats(prob: Problem) -> int:
    """Return repeats every plan has that gives all ``W`` wishing people both ``a`` and ``b``.

    With ``R`` rounds and capacities at least ``R - 1``: in round ``r`` station ``b``
    holds ``t_r`` people who visit ``a`` in another round; they come from the ``R - 1``
    other rounds at ``a``, so at least ``t_r - (R - 1)`` pairs of them met at ``a``
    and meet again at ``b``.  Summed over the rounds: ``W - R(R - 1)`` repeats.  For
    station pairs sharing no station these repeats are meetings at different
    stations: a pair of people counted for ``k`` station pairs meets ``2k`` times,
    ``2k - 1 >= k`` repeats.  So they add up, as in ``zero_repeat_interest_losses``.
    """
    return _pair_excess(prob, repeats=True)


def remedies(people: int, stations: int, rounds: int) -> dict[str, int]:
    """Return changes that a known zero-repeat construction covers (0: none found).

    ``stations``: the fewest stations (with ``ceil(people / stations)`` people each);
    ``people``: the most participants at today's stations; ``rounds``: the most
    rounds for today's people and stations.
    """
    from parcours.planner.designs import best_squares

    def rounds_known(order: int) -> int:
        return len(best_squares(order, max(rounds - 1, 1)).squares) + 1

    need = next(
        (
            s
            for s in range(max(stations, 2), stations + 200)
            if -(-people // s) <= s - 1 and rounds_known(s) >= rounds
        ),
        0,
    )
    most_people = (
        stations * (stations - 1) if stations > 1 and rounds_known(stations) >= rounds else 0
    )
    most_rounds = (
        min(rounds_known(stations), rounds - 1) if people <= stations * (stations - 1) else 1
    )
    return {"stations": need, "people": most_people, "rounds": max(most_rounds, 1)}


def explain_forced(prob: Problem, forced: int, argument: str) -> dict[str, int] | None:
    """Return the figures behind forced repeats in plain words, or None.

    In the common case (no closed rounds): some station holds ``group`` people in a
    round; in any other round they spread over the ``others`` other stations, so at
    least ``pairs`` of their pairs meet again, for every such pair of rounds.
    """
    if forced <= 0 or prob.closed or argument not in ("pigeonhole", "counting"):
        return None
    usable = [c for c in prob.cap if c > 0]
    if not usable or len(prob.open) < 2:
        return None
    group = -(-prob.n // len(usable))
    others = sorted(usable)[:-1]
    rounds = len(prob.open)
    per_round_pair = _open_pair_lb(prob.n, prob.cap)
    detail = {
        "group": group,
        "others": len(others),
        "pairs": min_pairs(group, others),
        "forced": forced,
        # the counting bound over all pairs of rounds (see forced_repeats)
        "rounds": rounds,
        "round_pairs": rounds * (rounds - 1) // 2,
        "per_round_pair": per_round_pair,
        "meetings_again": rounds * (rounds - 1) // 2 * per_round_pair,
        "repeats_from_meetings": (rounds - 1) * per_round_pair,
    }
    fix = remedies(prob.n, len(usable), len(prob.open))
    detail.update({f"fix_{k}": v for k, v in fix.items()})
    return detail


def bounds_of(prob: Problem) -> dict[str, Any]:
    """Return the bounds of an indexed problem."""
    forced, argument = forced_repeats(prob)
    if prob.inst.mode == "groups" and not prob.closed and prob.n:
        from parcours.planner.group_forming import inherent_repeats

        grouped = inherent_repeats(prob)
        if grouped > forced:
            forced, argument = grouped, "groups"
    distinct, meetings = _max_distinct(prob, forced)
    n = prob.n
    return {
        "participants": n,
        "pairs": n * (n - 1) // 2,
        "open_rounds": len(prob.open),
        "max_meetings": meetings,
        "max_distinct_encounters": distinct,
        "forced_repeats": forced,
        "forced_by": argument,
        "forced_detail": explain_forced(prob, forced, argument),
        **preference_bounds(prob),
        "zero_repeat_interest_losses": zero_repeat_interest_losses(prob),
        "interest_repeats": interest_repeats(prob) if forced == 0 else 0,
    }


def bounds(inst: Instance) -> dict[str, Any]:
    """Return what any plan of ``inst`` can reach: distinct encounters, forced repeats, ..."""
    return bounds_of(prepare(inst))
