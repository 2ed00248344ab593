"""Zero-repeat starts when re-planning after rounds have started.

Two kinds of start, both handed to the greedy as hints (see ``individual._start``,
which keeps the cheapest, counting the repeats with the closed rounds):

* **Continued**: the closed rounds are read as columns of a construction covering
  all rounds, and every person keeps "their" cell, so the open rounds are further
  columns.  With two closed rounds every past without repeats fits: outside the
  first row, any two columns of MOLS of order ``n`` hold every ordered pair of two
  different symbols exactly once, so a person's two past stations name one cell.
  Any two cells share a symbol in at most one column, so people who met in a closed
  round never meet again.  The station of each symbol (one labelling for all rounds,
  so nobody comes back to a station) is chosen by a local search: swaps of two
  symbols' stations, first so that further closed rounds agree, then so that the open
  rounds keep visited and avoided stations and capacities, then for wishes.  Which
  columns the rounds take is tried in a few orders too.  People with too little past
  (late arrivals) take unused cells; people who were at an extra station (beyond the
  order) take free cells of one row, as the extension put them there.  After no-shows
  and a few late arrivals a plan goes on with 0 repeats and 0 revisits.
* **Fresh**: a construction for the open rounds only, dealt by the Hungarian method
  with the stations each person already visited forbidden (as if avoided), and
  stations renamed to fit (``dealing.construction_hints``).  It avoids revisits;
  encounters with the closed rounds are counted when the starts are compared, and the
  search repairs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from random import Random
from typing import TYPE_CHECKING

from parcours.planner.designs import _extend, best_squares, cells, targets

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


def _column_orders(columns: int, rounds: int, rng: Random, count: int) -> list[list[int]]:
    """Return which column of the squares each round takes: in order first, then shuffled.

    Outside the first row any two columns of MOLS hold every ordered pair of different
    symbols once, so any two can stand for the first two closed rounds.
    """
    base = list(range(columns))
    out = [base[:rounds]]
    for _ in range(4 * count):
        if len(out) >= count:
            break
        rng.shuffle(base)
        if base[:rounds] not in out:
            out.append(base[:rounds])
    return out


def _continue(prob: Problem, order: int, usable: list[int], rng: Random) -> Grid:
    """Return the best continued start from MOLS of ``order``.

    The labelling search has a fixed amount of work (``EVALUATIONS`` person-round steps,
    an evaluation costing two passes over people and rounds), split over a few column
    choices and random starts; the cells of people without one are filled once, for the
    best labelling.
    """
    sq = best_squares(order, prob.rounds - 1)
    full = cells(sq, len(sq.squares) + 1)
    rounds = min(prob.rounds, len(sq.squares) + 1)
    total = max(1, EVALUATIONS // max(1, 2 * prob.n * prob.rounds))
    tries = max(1, min(TRIES, total // max(1, order * (order - 1) // 2)))
    steps = max(1, total // tries)
    best: tuple[int, _Embedding, list[int]] | None = None
    columns = _column_orders(len(sq.squares) + 1, rounds, rng, max(1, tries // 2))
    for t, cols in enumerate(columns):
        words = [[w[k] for k in cols] + [-1] * (prob.rounds - rounds) for w in full]
        emb = _Embedding(prob, words, order)
        for attempt in range(2 if tries > 1 else 1):
            sigma = usable[:]
            if t or attempt:
                rng.shuffle(sigma)
            score, sigma = _labelling(emb, sigma, rng, steps)
            if best is None or score < best[0]:
                best = (score, emb, sigma)
            if best[0] < CONFLICT // 2 and not emb.liked:
                break
        if best is not None and best[0] < CONFLICT // 2 and not emb.liked:
            break
    assert best is not None
    _, emb, sigma = best
    _, cell = emb.match(sigma)
    emb.fill(sigma, sigma, cell)
    return _grid(emb, sigma, cell)


def continued_hints(prob: Problem, limit: int = 2) -> list[tuple[str, Grid]]:
    """Return starts that read the closed rounds as columns of a construction."""
    if not prob.closed or not prob.open or prob.closed != list(range(len(prob.closed))):
        return []
    usable = _usable(prob)
    out = []
    rng = Random(len(usable))
    for order in _orders(prob, len(usable), limit):
        grid = _continue(prob, order, usable, rng)
        name = f"{best_squares(order, prob.rounds - 1).name} continued"
        if len(usable) > order:
            extras = len(usable) - order
            name += f" + {extras} extra station" + ("s" if extras > 1 else "")
        out.append((name, grid))
    return out


Build = Callable[["Problem"], list[tuple[str, Grid]]]


def fresh_hints(prob: Problem, construction_hints: Build) -> list[tuple[str, Grid]]:
    """Return constructions for the open rounds only, past visits forbidden in the deal.

    ``construction_hints`` builds the fitted constructions of a problem without closed
    rounds (``dealing.construction_hints``).
    """
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


def _clean(prob: Problem, grid: Grid) -> bool:
    """Return whether ``grid`` places everyone in the open rounds without a repeat (closed
    rounds counted), a revisit, an avoided station or a place over capacity."""
    seen: set[tuple[int, int]] = set()
    for r in prob.open:
        at: dict[int, list[int]] = {}
        for p, word in enumerate(grid):
            s = word[r]
            if s < 0 or (prob.avoid[p] | prob.visited_closed(p)) >> s & 1:
                return False
            at.setdefault(s, []).append(p)
        for s, group in at.items():
            if len(group) > prob.cap[s]:
                return False
    if any(len({w[r] for r in prob.open}) < len(prob.open) for w in grid):
        return False
    for r in prob.closed + prob.open:
        at = {}
        for p in range(prob.n):
            s = prob.fixed.get((p, r), -1) if r in prob.closed else grid[p][r]
            if s >= 0:
                at.setdefault(s, []).append(p)
        for group in at.values():
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    if (a, b) in seen:
                        return False
                    seen.add((a, b))
    return True


def replan_hints(prob: Problem, construction_hints: Build) -> list[tuple[str, Grid]]:
    """Return the construction starts for re-planning the open rounds of ``prob``.

    A construction for the open rounds alone is built only when no continued one is
    clean (no repeat, revisit or overrun).
    """
    hints = continued_hints(prob)
    if any(_clean(prob, grid) for _, grid in hints):
        return hints
    return hints + fresh_hints(prob, construction_hints)
