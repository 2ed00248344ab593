"""Conflict-directed tabu search (after Dotú & Van Hentenryck) with perturbations.

Each iteration picks a unit in conflict (meets someone again, meets a forbidden
partner, or misses a preference it could still get) and a round where it is in
conflict, evaluates all its swaps and relocations there and applies the best move
that is not tabu (or beats the best cost so far).  Ties are broken at random, which
walks plateaus.  After a stretch without progress the search returns to the best
plan and perturbs it with a few random swaps.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random
from typing import Any

from parcours.planner.moves import best_move, best_rotation
from parcours.planner.state import State

TEMPERATURE = 0.5  # in repeats: a move costing one more repeat passes 1 time in 12
ROTATION_RATE = 1.0  # how often to try rotations when the best plain move is worse
Progress = Callable[[float, dict[str, Any]], None]


@dataclass
class Budget:
    """Limits of one search: iterations, stall length, wall clock."""

    max_iterations: int
    patience: int
    stall: int
    deadline: float
    progress: Progress | None = None
    started: float = field(default_factory=time.perf_counter)


class HotSet:
    """Units worth moving, with O(1) insert, delete and random choice."""

    def __init__(self) -> None:
        self.items: list[int] = []
        self.where: dict[int, int] = {}

    def set(self, u: int, hot: bool) -> None:
        """Add or drop ``u``."""
        if hot and u not in self.where:
            self.where[u] = len(self.items)
            self.items.append(u)
        elif not hot and u in self.where:
            i = self.where.pop(u)
            last = self.items.pop()
            if last != u:
                self.items[i] = last
                self.where[last] = i


class Search:
    """One tabu search run over the open rounds of a state."""

    def __init__(
        self, st: State, rounds: list[int], rng: Random, lower: int, pref_best: list[int]
    ) -> None:
        self.st, self.rounds, self.rng = st, rounds, rng
        self.lower = lower
        self.pref_best = pref_best
        self.tabu = [[0] * st.U for _ in range(st.prob.rounds)]
        self.hot = HotSet()
        for u in range(st.U):
            self.hot.set(u, self._is_hot(u))
        self.cost = st.cost()
        self.best_cost = self.cost
        self.best = st.snapshot()
        self.iterations = 0
        self.temperature = TEMPERATURE * st.wt.repeat

    def _is_hot(self, u: int) -> bool:
        """Return whether unit ``u`` has a conflict or a preference still to win."""
        st = self.st
        if any(st.conflicted(u, r) for r in self.rounds):
            return True
        got = sum(st.pref[u][st.st[u][r]] for r in self.rounds)
        return got < self.pref_best[u]

    def _pick(self) -> tuple[int, int]:
        """Return a unit and a round to work on."""
        rng, st = self.rng, self.st
        items = self.hot.items
        r = self.rounds[rng.randrange(len(self.rounds))]
        if items and rng.random() < 0.9:
            u = items[rng.randrange(len(items))]
            bad = [r for r in self.rounds if st.conflicted(u, r)]
            if bad:
                return u, bad[rng.randrange(len(bad))]
            return u, r
        if rng.random() < 0.5:  # work on the fullest station of a round: loads even out
            loads = st.load[r]
            top = max(
                range(len(loads)), key=lambda s: loads[s] * 1000 // max(st.cap[s], 1) + rng.random()
            )
            if st.mem[r][top]:
                members = st.mem[r][top]
                return members[rng.randrange(len(members))], r
        return rng.randrange(st.U), r

    def _refresh(self, units: set[int]) -> None:
        """Recompute the hot flag of ``units``."""
        for v in units:
            self.hot.set(v, self._is_hot(v))

    def _apply(self, u: int, r: int, q: int, b: int) -> None:
        """Apply a swap (``q`` >= 0) or relocation to ``b``; set tabu, refresh hot units."""
        st = self.st
        a = st.st[u][r]
        if q >= 0:
            st.swap(u, q, r)
        else:
            st.move(u, r, b)
        until = self.iterations + self.rng.randint(4, 12)
        self.tabu[r][u] = until
        if q >= 0:
            self.tabu[r][q] = until
        self._refresh(set(st.mem[r][a]) | set(st.mem[r][b]))

    def _apply_rotation(self, u: int, r: int, r2: int, q: int, q2: int) -> None:
        """Apply a rotation; set tabu, refresh hot units."""
        st = self.st
        st.rotate(u, r, r2, q, q2)
        until = self.iterations + self.rng.randint(4, 12)
        touched: set[int] = set()
        for rr, partner in ((r, q), (r2, q2)):
            self.tabu[rr][u] = until
            if partner >= 0:
                self.tabu[rr][partner] = until
            touched |= set(st.mem[rr][st.st[u][rr]])
            touched |= set(st.mem[rr][st.st[u][r2 if rr == r else r]])
        self._refresh(touched)

    def _accept(self, delta: int) -> bool:
        """Return whether to take a move (annealing on worsening moves)."""
        return delta <= 0 or self.rng.random() < math.exp(-delta / self.temperature)

    def _step(self, it: int) -> None:
        """Pick a unit and round, then take its best move if accepted."""
        u, r = self._pick()
        slack = self.best_cost - self.cost
        move = best_move(self.st, u, r, self.rng, self.tabu[r], it, slack)
        if self.st.conflicted(u, r):
            st = self.st
            group = st.gm[r][st.st[u][r]]
            mates = st.met2[u] & group
            while mates:
                low = mates & -mates
                v = low.bit_length() - 1
                mates ^= low
                other = best_move(st, v, r, self.rng, self.tabu[r], it, slack)
                if other is not None and (move is None or other[0] < move[0]):
                    move, u = other, v
        if move is None or (move[0] > 0 and self.rng.random() < ROTATION_RATE):
            rot = best_rotation(self.st, u, r, self.tabu, it)
            if rot is not None and (move is None or rot[0] < move[0]):
                if self._accept(rot[0]):
                    self._apply_rotation(u, r, rot[1], rot[2], rot[3])
                    self.cost += rot[0]
                return
        if move is not None and self._accept(move[0]):
            self._apply(u, r, move[1], move[2])
            self.cost += move[0]

    def _perturb(self) -> None:
        """Return to the best plan and apply a few random legal swaps."""
        st, rng = self.st, self.rng
        st.restore(self.best, self.rounds)
        for _ in range(max(2, st.U // 25)):
            r = self.rounds[rng.randrange(len(self.rounds))]
            p, q = rng.randrange(st.U), rng.randrange(st.U)
            a, b = st.st[p][r], st.st[q][r]
            if (
                a != b
                and st.w[p] == st.w[q]
                and not (st.vis[p] >> b) & 1
                and not (st.vis[q] >> a) & 1
            ):
                st.swap(p, q, r)
        for u in range(st.U):
            self.hot.set(u, self._is_hot(u))
        self.cost = st.cost()

    def _report(self, budget: Budget) -> None:
        """Tell the progress callback how far the search is."""
        if budget.progress is None:
            return
        now = time.perf_counter()
        span = max(budget.deadline - budget.started, 1e-9)
        fraction = max(self.iterations / budget.max_iterations, (now - budget.started) / span)
        st = self.st
        budget.progress(
            min(fraction, 0.99),
            {
                "iteration": self.iterations,
                "repeated_encounters": st.rep,
                "cost": self.best_cost - self.lower,
            },
        )

    def run(self, budget: Budget, primary: Callable[[], bool]) -> str:
        """Search until the bound, the budget, the patience or the deadline; say which.

        Once ``primary`` reports the main goals at their bounds, patience shrinks to
        two stalls: what is left to gain is mixing and load balance.
        """
        last_gain = last_best = 0
        patience = budget.patience
        if primary():  # the start is there already (a construction at its bound)
            patience = min(patience, 2 * budget.stall)
        reason = "bound"
        while self.best_cost > self.lower:
            if self.iterations >= budget.max_iterations:
                reason = "iterations"
                break
            it = self.iterations = self.iterations + 1
            if it % 64 == 0:
                if time.perf_counter() > budget.deadline:
                    reason = "time"
                    break
                if it % 256 == 0:
                    self._report(budget)
            self._step(it)
            if self.cost < self.best_cost:
                self.best_cost, self.best = self.cost, self.st.snapshot()
                last_gain = last_best = it
                if primary():
                    patience = min(patience, 2 * budget.stall)
            elif it - last_best > patience:
                reason = "patience"
                break
            elif it - last_gain > budget.stall:
                self._perturb()
                last_gain = it
        self.st.restore(self.best, self.rounds)
        self.cost = self.st.cost()
        return reason
