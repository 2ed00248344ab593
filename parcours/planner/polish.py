"""Polish a zero-repeat construction: who walks which route, which station is which symbol.

Any two routes of a construction meet at most once, so three kinds of change keep a
plan at 0 repeats and 0 revisits: give two participants each other's routes, give a
participant an unused route (a dropped cell of the squares), and rename two stations
everywhere (swap two symbols).  Simulated annealing over these moves minimises what
the participants lose (avoided stations, must-visits, interests, colleagues outside
their home row, as the Hungarian dealing counts them), a heavy price for every
place over capacity and, lowest, the squared loads (even loads).  It starts from a
random deal (or the Hungarian one) and stops once the participants win what a bound
allows (``target``) or after ``iterations`` moves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from random import Random

from parcours.planner.prep import Problem

TEMPERATURE = 0.15  # in interests: a move losing one interest passes about 1 time in 800 at first
WISH = 64  # cost of one interest
COLLEAGUE = 8  # cost of a colleague outside their home row; a squared load costs 1
RENAME_RATE = 1.3  # renames per route and move (each costs a rescore of all routes)


@dataclass
class Routes:
    """Routes (station per round, -1 for none) and who walks which: ``walk[p]`` for the
    participants, then the unused routes."""

    words: list[list[int]]
    walk: list[int]
    stations: list[int]  # the symbols that may be renamed among each other
    label: dict[int, int]  # symbol -> station

    def dealt(self, n: int) -> list[list[int]]:
        """Return the route of each of the ``n`` participants over the renamed stations."""
        label = self.label
        return [[label[s] if s >= 0 else -1 for s in self.words[c]] for c in self.walk[:n]]


class Annealer:
    """State of one polish run: masks of routes under the labelling, loads, costs."""

    def __init__(
        self, prob: Problem, routes: Routes, rows: list[int], homes: dict[int, set[int]]
    ) -> None:
        self.prob, self.routes, self.rows, self.homes = prob, routes, rows, homes
        self.big = 4 * (prob.rounds + 1)
        self.over_weight = WISH * 64 * self.big * (prob.rounds + 1) + 2
        self.sets = [sorted({s for s in w if s >= 0}) for w in routes.words]
        self.masks = self._masks()
        self.load = [[0] * prob.m for _ in range(prob.rounds)]
        for c in routes.walk[: prob.n]:
            self._place(c, 1)
        self.over = self._overload()
        self.square = self._square()
        self.pcost = [self.cost(p, routes.walk[p]) for p in range(prob.n)]
        self.total = sum(self.pcost) + self.over_weight * self.over + self.square

    def _masks(self) -> list[int]:
        label = self.routes.label
        return [sum(1 << label[s] for s in ss) for ss in self.sets]

    def _place(self, c: int, sign: int) -> None:
        for r, s in enumerate(self.routes.words[c]):
            if s >= 0:
                self.load[r][s] += sign

    def _overload(self) -> int:
        cap, label = self.prob.cap, self.routes.label
        return sum(max(0, x - cap[label[s]]) for row in self.load for s, x in enumerate(row) if x)

    def _shift(self, old: int, new: int) -> tuple[int, int]:
        """Replace route ``old`` by ``new`` in the loads; return the change in overload
        and in squared loads."""
        cap, label, words = self.prob.cap, self.routes.label, self.routes.words
        dover = dsquare = 0
        for r, (s, t) in enumerate(zip(words[old], words[new], strict=True)):
            if s == t:
                continue
            row = self.load[r]
            if s >= 0:
                dover -= row[s] > cap[label[s]]
                dsquare -= 2 * row[s] - 1
                row[s] -= 1
            if t >= 0:
                dover += row[t] >= cap[label[t]]
                dsquare += 2 * row[t] + 1
                row[t] += 1
        return dover, dsquare

    def _square(self) -> int:
        return sum(x * x for row in self.load for x in row)

    def cost(self, p: int, c: int) -> int:
        """Return what participant ``p`` loses on route ``c`` (lower is better)."""
        prob, mk = self.prob, self.masks[c]
        home = self.homes.get(prob.org[p])
        return (
            WISH * 64 * self.big * (prob.avoid[p] & mk).bit_count()
            - WISH * self.big * (prob.must[p] & mk).bit_count()
            - WISH * (prob.interests[p] & mk).bit_count()
            + COLLEAGUE * int(home is not None and self.rows[c] not in home)
        )

    def exchange(self, p: int, q: int, temp: float, rng: Random) -> None:
        """Give ``p`` the route of slot ``q`` (a participant or an unused route) if accepted."""
        walk, n = self.routes.walk, self.prob.n
        cp, cq = walk[p], walk[q]
        new_p = self.cost(p, cq)
        delta = new_p - self.pcost[p]
        new_q = dover = dsquare = 0
        if q < n:
            new_q = self.cost(q, cp)
            delta += new_q - self.pcost[q]
        else:
            dover, dsquare = self._shift(cp, cq)
            delta += self.over_weight * dover + dsquare
        if delta <= 0 or rng.random() < math.exp(-delta / temp):
            walk[p], walk[q] = cq, cp
            self.pcost[p] = new_p
            if q < n:
                self.pcost[q] = new_q
            self.over += dover
            self.square += dsquare
            self.total += delta
        elif q >= n:
            self._place(cq, -1)
            self._place(cp, 1)

    def rename(self, a: int, b: int, temp: float, rng: Random) -> None:
        """Swap the stations of symbols ``a`` and ``b`` if accepted."""
        label = self.routes.label
        label[a], label[b] = label[b], label[a]
        old_masks, self.masks = self.masks, self._masks()
        walk = self.routes.walk
        pcost = [self.cost(p, walk[p]) for p in range(self.prob.n)]
        over = self._overload()
        total = sum(pcost) + self.over_weight * over + self.square
        delta = total - self.total
        if delta <= 0 or rng.random() < math.exp(-delta / temp):
            self.pcost, self.over, self.total = pcost, over, total
        else:
            label[a], label[b] = label[b], label[a]
            self.masks = old_masks


def _reached(ann: Annealer, target: int) -> bool:
    return ann.over == 0 and sum(c // WISH for c in ann.pcost) <= target


def polish(
    prob: Problem,
    routes: Routes,
    rows: list[int],
    homes: dict[int, set[int]],
    rng: Random,
    target: int,
    iterations: int,
) -> tuple[int, bool]:
    """Anneal ``routes`` in place (best state kept); return its cost and whether it
    reached ``target``.

    ``target`` bounds what the participants can win, in units of ``Annealer.cost``
    divided by ``WISH`` (colleagues left out): the run stops once it is reached
    with no station over capacity.
    """
    ann = Annealer(prob, routes, rows, homes)
    best = (ann.total, routes.walk[:], dict(routes.label))
    slots, syms = len(routes.walk), routes.stations
    rename = min(0.01, RENAME_RATE / slots)  # 1 % for 132 routes, less for more
    it = 0
    done = _reached(ann, target)
    while it < iterations and not done:
        it += 1
        temp = WISH * TEMPERATURE * (1 - it / iterations) + 0.05
        if len(syms) > 1 and rng.random() < rename:
            a, b = rng.sample(syms, 2)
            ann.rename(a, b, temp, rng)
        else:
            p, q = rng.randrange(prob.n), rng.randrange(slots)
            if p != q:
                ann.exchange(p, q, temp, rng)
        if ann.total < best[0]:
            best = (ann.total, routes.walk[:], dict(routes.label))
            done = _reached(ann, target)
    routes.walk[:] = best[1]
    routes.label.clear()
    routes.label.update(best[2])
    return best[0], done
