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

from parcours.planner.designs import best_squares, cells
from parcours.planner.replan_labels import (
    CONFLICT,
    EVALUATIONS,
    TRIES,
    _Embedding,
    _grid,
    _labelling,
    _orders,
    _usable,
)

if TYPE_CHECKING:
    from parcours.planner.prep import Problem

Grid = list[list[int]]


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
