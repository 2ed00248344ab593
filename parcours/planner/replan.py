"""Zero-repeat starts when re-planning after rounds have started.

Two kinds of start, both handed to the greedy as hints (see ``individual._start``,
which keeps the cheapest, counting the repeats with the closed rounds):

* **Continued**: the closed rounds are read as the first columns of a construction
  covering all rounds, and every person keeps "their" cell, so the open rounds are
  the construction's later columns.  With two closed rounds every past without
  repeats fits: the cells of MOLS of order ``n`` hold every ordered pair of two
  different symbols in their first two columns exactly once, so a person's two past
  stations name one cell.  The station per symbol (one labelling for all rounds) is
  chosen by a local search so that a third closed round agrees and the open rounds
  fit the capacities; people with too little past (late arrivals) take unused cells.
  A plan that was a construction, after no-shows and a few late arrivals, goes on
  with 0 repeats and 0 revisits.
* **Fresh**: a construction for the open rounds only, dealt by the Hungarian method
  with the stations each person already visited forbidden (as if avoided), and
  stations renamed to fit (``individual.construction_hints``).  It avoids revisits;
  encounters with the closed rounds are counted when the starts are compared, and the
  search repairs them.
"""

from __future__ import annotations

from dataclasses import replace
from random import Random
from typing import TYPE_CHECKING

from parcours.planner.designs import _extend, best_squares, cells, targets

if TYPE_CHECKING:
    from parcours.planner.prep import Problem

Grid = list[list[int]]
MISMATCH = 1 << 40  # a closed round the labelling does not reproduce
CONFLICT = 1 << 24  # an open-round station a person visited or avoids, or a place over capacity
MUST = 1 << 10  # a must-visit served in an open round (an interest counts 1)
EVALUATIONS = 3_000_000  # person-round steps the labelling search may spend (about a second)
RESTARTS = 4


def _usable(prob: Problem) -> list[int]:
    return sorted((s for s in range(prob.m) if prob.cap[s] > 0), key=lambda s: (-prob.cap[s], s))


def _orders(prob: Problem, usable: int, limit: int) -> list[int]:
    """Return the orders worth continuing: most rounds covered, then most stations."""
    closed = len(prob.closed)
    found = []
    for order in range(usable, 1, -1):
        if -(-prob.n // order) > order - 1:
            break
        covered = min(prob.rounds, len(best_squares(order, prob.rounds - 1).squares) + 1)
        if covered > closed:
            found.append((-covered, -order, order))
    found.sort()
    return [order for *_, order in found[:limit]]


class _Embedding:
    """People of the closed rounds put into the cells of one construction.

    A labelling ``sigma`` names the station of every symbol: symbols ``0..order-1``
    are the construction's, the others are extra stations (filled by ``_extend``).
    """

    def __init__(self, prob: Problem, words: Grid, order: int) -> None:
        self.prob = prob
        self.words = words
        self.order = order
        self.past = [[prob.fixed.get((p, r), -1) for r in prob.closed] for p in range(prob.n)]
        self.by_pair: dict[tuple[int, int], int] = {}
        for c, w in enumerate(words):
            self.by_pair.setdefault((w[0], w[1]), c)
        blocked = [prob.avoid[p] | prob.visited_closed(p) for p in range(prob.n)]
        self.gain = [
            [
                -CONFLICT * (blocked[p] >> s & 1)
                + MUST * (prob.must[p] >> s & 1)
                + (prob.interests[p] >> s & 1)
                for s in range(prob.m)
            ]
            for p in range(prob.n)
        ]

    def place(self, sigma: list[int]) -> tuple[int, list[int]]:
        """Return the cost of labelling ``sigma`` and the cell of each person (-1: free)."""
        prob, words, order = self.prob, self.words, self.order
        inv = {s: i for i, s in enumerate(sigma)}
        closed = len(prob.closed)
        cell = [-1] * prob.n
        taken: set[int] = set()
        load = [[0] * prob.m for _ in range(prob.rounds)]
        cost = 0
        for p, past in enumerate(self.past):
            if closed < 2 or inv.get(past[0], order) >= order or inv.get(past[1], order) >= order:
                continue
            c = self.by_pair.get((inv[past[0]], inv[past[1]]), -1)
            if c < 0 or c in taken:
                continue
            taken.add(c)
            cell[p] = c
            word = words[c]
            gain = self.gain[p]
            for j in range(2, closed):
                if past[j] >= 0 and (word[j] < 0 or sigma[word[j]] != past[j]):
                    cost += MISMATCH
            for r in prob.open:
                if word[r] >= 0:
                    s = sigma[word[r]]
                    load[r][s] += 1
                    cost -= gain[s]
                    if load[r][s] > prob.cap[s]:
                        cost += CONFLICT
        return cost, cell

    def fill(self, sigma: list[int], cell: list[int]) -> None:
        """Give the people without a cell an unused one: fewest conflicts, then lowest load."""
        prob, words = self.prob, self.words
        load = [[0] * prob.m for _ in range(prob.rounds)]
        for c in cell:
            if c >= 0:
                for r in prob.open:
                    if words[c][r] >= 0:
                        load[r][sigma[words[c][r]]] += 1
        free = sorted(set(range(len(words))) - set(cell))
        for p in sorted(range(prob.n), key=lambda p: -sum(s >= 0 for s in self.past[p])):
            if cell[p] >= 0 or not free:
                continue
            best = min(free, key=lambda c: (self._price(p, words[c], sigma, load), c))
            free.remove(best)
            cell[p] = best
            for r in prob.open:
                if words[best][r] >= 0:
                    load[r][sigma[words[best][r]]] += 1

    def _price(self, p: int, word: list[int], sigma: list[int], load: Grid) -> int:
        prob = self.prob
        price = 0
        for j, t in enumerate(self.past[p]):
            if t >= 0 and (word[j] < 0 or sigma[word[j]] != t):
                price += MISMATCH
        for r in prob.open:
            if word[r] >= 0:
                s = sigma[word[r]]
                price += load[r][s] - self.gain[p][s] + CONFLICT * (load[r][s] >= prob.cap[s])
        return price


def _labelling(emb: _Embedding, stations: list[int], rng: Random) -> list[int]:
    """Return a labelling of the symbols: local search (swap two symbols' stations), restarts."""
    prob = emb.prob
    steps = EVALUATIONS // max(1, prob.n * prob.rounds)
    pairs = [(i, j) for i in range(emb.order) for j in range(i + 1, len(stations))]
    best_sigma, best = stations[:], emb.place(stations)[0]
    for attempt in range(RESTARTS):
        sigma = stations[:]
        if attempt:
            rng.shuffle(sigma)
        cost = emb.place(sigma)[0]
        improved = True
        while improved and steps > 0:
            improved = False
            rng.shuffle(pairs)
            for i, j in pairs:
                steps -= 1
                if steps <= 0:
                    break
                sigma[i], sigma[j] = sigma[j], sigma[i]
                new = emb.place(sigma)[0]
                if new < cost:
                    cost, improved = new, True
                else:
                    sigma[i], sigma[j] = sigma[j], sigma[i]
        if cost < best:
            best_sigma, best = sigma[:], cost
        if steps <= 0:
            break
    return best_sigma


def _grid(emb: _Embedding, sigma: list[int], cell: list[int]) -> Grid:
    """Return the hint: station per person in the open rounds, extra stations filled."""
    prob, words, order = emb.prob, emb.words, emb.order
    inv = {s: i for i, s in enumerate(sigma)}
    symbols = [
        [inv.get(t, -1) for t in past]
        + [words[c][r] if c >= 0 else -1 for r in prob.open]
        for past, c in zip(emb.past, cell, strict=True)
    ]
    if len(sigma) > order:  # extra stations take people of one row of the squares per round
        rows = [1 + c // order if c >= 0 else 0 for c in cell]
        want = targets([prob.cap[s] for s in sigma], prob.n)
        _extend(symbols, rows, order, want)
    closed = len(prob.closed)
    return [[-1] * closed + [sigma[x] if x >= 0 else -1 for x in w[closed:]] for w in symbols]


def continued_hints(prob: Problem, limit: int = 2) -> list[tuple[str, Grid]]:
    """Return starts that read the closed rounds as the first columns of a construction."""
    if not prob.closed or not prob.open or prob.closed != list(range(len(prob.closed))):
        return []
    usable = _usable(prob)
    out = []
    for order in _orders(prob, len(usable), limit):
        sq = best_squares(order, prob.rounds - 1)
        words = cells(sq, prob.rounds)
        emb = _Embedding(prob, words, order)
        sigma = _labelling(emb, usable, Random(order))
        _, cell = emb.place(sigma)
        emb.fill(sigma, cell)
        name = f"{sq.name} continued"
        if len(usable) > order:
            extras = len(usable) - order
            name += f" + {extras} extra station" + ("s" if extras > 1 else "")
        out.append((name, _grid(emb, sigma, cell)))
    return out


def fresh_hints(prob: Problem) -> list[tuple[str, Grid]]:
    """Return constructions for the open rounds only, past visits forbidden in the deal."""
    from parcours.planner.individual import construction_hints

    open_rounds = prob.open
    if not open_rounds or len(open_rounds) == prob.rounds:
        return []
    sub = replace(
        prob,
        rounds=len(open_rounds),
        closed=[],
        open=list(range(len(open_rounds))),
        fixed={},
        avoid=[prob.avoid[p] | prob.visited_closed(p) for p in range(prob.n)],
    )
    out = []
    for name, words in construction_hints(sub):
        grid = [[-1] * prob.rounds for _ in words]
        for full, word in zip(grid, words, strict=True):
            for i, r in enumerate(open_rounds):
                full[r] = word[i]
        out.append((f"{name} (open rounds)", grid))
    return out


def replan_hints(prob: Problem) -> list[tuple[str, Grid]]:
    """Return the construction starts for re-planning the open rounds of ``prob``."""
    return continued_hints(prob) + fresh_hints(prob)
