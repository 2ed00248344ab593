"""The labelling search of a continued construction: which station each symbol of the
construction stands for, so that the played rounds are reproduced and the open rounds keep
capacities, avoided stations and wishes (``_Embedding``, ``_labelling``, ``_grid``)."""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING

from parcours.planner.designs import _extend, best_squares, targets

if TYPE_CHECKING:
    from parcours.planner.prep import Problem

Grid = list[list[int]]

MISMATCH = 1 << 60  # a closed round the labelling does not reproduce
CONFLICT = 1 << 40  # an open-round station a person visited or avoids, or a place over capacity
MUST = 1 << 10  # a must-visit served in an open round (an interest counts 1)
EVALUATIONS = 1_500_000  # person-round steps the labelling search may spend per order
TRIES = 24  # closed labellings and column choices tried per order


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

    ``words[c][r]`` is the symbol of cell ``c`` in round ``r`` (the cells of row ``x``
    of the squares are ``(x - 1) * order ..``).  Labellings name the station of every
    symbol (``sigma`` in the closed rounds, ``pi`` in the open ones: the same list for
    hints, kept apart for clarity); symbols from ``order`` on are extra stations
    (filled by ``designs._extend``).
    """

    def __init__(self, prob: Problem, words: Grid, order: int) -> None:
        self.prob = prob
        self.words = words
        self.order = order
        self.past = [[prob.fixed.get((p, r), -1) for r in prob.closed] for p in range(prob.n)]
        self.by_pair: dict[tuple[int, int], int] = {}
        for c, w in enumerate(words):
            if w[0] >= 0 and w[1] >= 0:
                self.by_pair.setdefault((w[0], w[1]), c)
        self.blocked = [prob.avoid[p] | prob.visited_closed(p) for p in range(prob.n)]
        self.liked = any(prob.must) or any(prob.interests)
        self.gain = [
            [MUST * (prob.must[p] >> s & 1) + (prob.interests[p] >> s & 1) for s in range(prob.m)]
            for p in range(prob.n)
        ]

    def match(self, sigma: list[int]) -> tuple[int, list[int]]:
        """Return the closed rounds not reproduced and the cell of each person (-1: free)."""
        order = self.order
        inv = {s: i for i, s in enumerate(sigma)}
        cell = [-1] * self.prob.n
        taken: set[int] = set()
        missed = 0
        for p, past in enumerate(self.past):
            if len(past) < 2:
                continue
            if inv.get(past[0], order) >= order or inv.get(past[1], order) >= order:
                continue
            c = self.by_pair.get((inv[past[0]], inv[past[1]]), -1)
            if c < 0 or c in taken:
                continue
            taken.add(c)
            cell[p] = c
            word = self.words[c]
            for j in range(2, len(past)):
                if past[j] >= 0 and (word[j] < 0 or sigma[word[j]] != past[j]):
                    missed += 1
        return missed, cell

    def score(self, cell: list[int], pi: list[int]) -> int:
        """Return conflicts (weighted) minus wishes served of the open rounds."""
        prob = self.prob
        load = [[0] * prob.m for _ in range(prob.rounds)]
        cost = 0
        for p, c in enumerate(cell):
            if c < 0:
                continue
            for r in prob.open:
                a = self.words[c][r]
                if a >= 0:
                    s = pi[a]
                    load[r][s] += 1
                    cost += (
                        CONFLICT * ((self.blocked[p] >> s & 1) + (load[r][s] > prob.cap[s]))
                        - self.gain[p][s]
                    )
        return cost

    def fill(self, sigma: list[int], pi: list[int], cell: list[int]) -> None:
        """Give the people without a cell an unused one.

        People at an extra station in a closed round came there from one row of the
        squares (see ``designs._extend``): the row that takes the most of them back into
        cells agreeing with their other closed rounds is tried first.  Then everyone
        left takes the cell with the fewest mismatches and conflicts, then lowest load.
        """
        prob, words = self.prob, self.words
        load = [[0] * prob.m for _ in range(prob.rounds)]
        free = set(range(len(words))) - set(cell)
        for c in cell:
            if c >= 0:
                self._count(c, pi, load)
        for group in self._extra_groups(sigma, cell):
            self._take_row(group, sigma, pi, cell, free, load)
        for p in sorted(range(prob.n), key=lambda p: -sum(s >= 0 for s in self.past[p])):
            if cell[p] >= 0 or not free:
                continue
            best = min(free, key=lambda c: (self._price(p, c, sigma, pi, load), c))
            free.discard(best)
            cell[p] = best
            self._count(best, pi, load)

    def _count(self, c: int, pi: list[int], load: Grid) -> None:
        for r in self.prob.open:
            if self.words[c][r] >= 0:
                load[r][pi[self.words[c][r]]] += 1

    def _extra_groups(self, sigma: list[int], cell: list[int]) -> list[list[int]]:
        """Return the people without a cell, grouped by an extra station of a closed round."""
        extra = set(sigma[self.order :])
        groups: dict[tuple[int, int], list[int]] = {}
        for p, past in enumerate(self.past):
            if cell[p] < 0:
                for j, t in enumerate(past):
                    if t in extra:
                        groups.setdefault((j, t), []).append(p)
        return [groups[key] for key in sorted(groups)]

    def _take_row(
        self,
        group: list[int],
        sigma: list[int],
        pi: list[int],
        cell: list[int],
        free: set[int],
        load: Grid,
    ) -> None:
        """Put the people of ``group`` into free cells of the one row that fits most of them."""
        order = self.order
        best: tuple[int, int, list[tuple[int, int]]] = (0, 0, [])  # (-fits, price, fits)
        for x in range(1, order):
            fits, total, used = [], 0, set()
            for p in group:
                if cell[p] >= 0:
                    continue
                options = [
                    (self._price(p, c, sigma, pi, load, extras_ok=True), c)
                    for c in range((x - 1) * order, x * order)
                    if c in free and c not in used
                ]
                price, c = min(options, default=(MISMATCH, -1))
                if price < MISMATCH:
                    fits.append((p, c))
                    used.add(c)
                    total += price
            if (-len(fits), total) < best[:2]:
                best = (-len(fits), total, fits)
        for p, c in best[2]:
            if c in free:
                free.discard(c)
                cell[p] = c
                self._count(c, pi, load)

    def _price(
        self,
        p: int,
        c: int,
        sigma: list[int],
        pi: list[int],
        load: Grid,
        *,
        extras_ok: bool = False,
    ) -> int:
        prob, word = self.prob, self.words[c]
        price = 0
        for j, t in enumerate(self.past[p]):
            if t < 0 or (word[j] >= 0 and sigma[word[j]] == t):
                continue
            if not (extras_ok and t in sigma[self.order :]):
                price += MISMATCH
        for r in prob.open:
            if word[r] >= 0:
                s = pi[word[r]]
                price += load[r][s] - self.gain[p][s]
                if load[r][s] >= prob.cap[s] or self.blocked[p] >> s & 1:
                    price += CONFLICT
        return price


def _labelling(emb: _Embedding, sigma: list[int], rng: Random, steps: int) -> tuple[int, list[int]]:
    """Return the cost and the labelling found by swaps of two symbols' stations.

    The cost counts closed rounds not reproduced, then open-round conflicts (visited or
    avoided stations, places over capacity), then wishes served.
    """

    def cost(sig: list[int]) -> int:
        missed, cell = emb.match(sig)
        return MISMATCH * missed + emb.score(cell, sig)

    sigma = sigma[:]
    best = cost(sigma)
    pairs = [(i, j) for i in range(emb.order) for j in range(i + 1, len(sigma))]
    improved = True
    while improved and steps > 0 and (emb.liked or best >= CONFLICT // 2):
        improved = False
        rng.shuffle(pairs)
        for i, j in pairs:
            steps -= 1
            if steps <= 0:
                break
            sigma[i], sigma[j] = sigma[j], sigma[i]
            new = cost(sigma)
            if new < best:
                best, improved = new, True
            else:
                sigma[i], sigma[j] = sigma[j], sigma[i]
    return best, sigma


def _grid(emb: _Embedding, pi: list[int], cell: list[int]) -> Grid:
    """Return the hint: station per person in the open rounds, extra stations filled."""
    prob, words, order = emb.prob, emb.words, emb.order
    inv = {s: i for i, s in enumerate(pi)}
    symbols = [
        [inv.get(t, -1) for t in past] + [words[c][r] if c >= 0 else -1 for r in prob.open]
        for past, c in zip(emb.past, cell, strict=True)
    ]
    if len(pi) > order:  # extra stations take people of one row of the squares per round
        rows = [1 + c // order if c >= 0 else 0 for c in cell]
        want = targets([prob.cap[s] for s in pi], prob.n)
        _extend(symbols, rows, order, want)
    closed = len(prob.closed)
    return [[-1] * closed + [pi[x] if x >= 0 else -1 for x in w[closed:]] for w in symbols]
