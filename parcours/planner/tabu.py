"""Steepest-descent tabu search over whole rounds (Dotú & Van Hentenryck style).

Each step takes one round and evaluates *every* swap of a conflicted participant
(one who meets someone again there, meets a forbidden partner, or misses a
preference it could still get) with every participant at another station, plus
every relocation to a station with room.  The best move that is not tabu is taken,
even when it makes things worse; a tabu move is taken only if it beats the best plan
so far (aspiration).  After a stretch without a new best plan the search returns to
the best plan and perturbs it with random swaps (restarts with perturbation).

The whole neighbourhood of a round is cheap because the cost change of a swap
splits into per-participant terms.  For ``a`` at ``x`` and ``b`` at ``y``::

    delta(a, b) = J[a][y] + J[b][x] - L[a] - L[b] - C(a, b)

``J[p][s]`` is the cost of ``p`` joining everyone at ``s`` (partners already met
once, forbidden partners, preferences, same-kind pairs), ``L[p]`` what ``p`` saves
by leaving its own station (partners met at least twice, ...), and ``C`` corrects
for ``a`` and ``b`` counting each other.  The tables cost one popcount per
participant and station; each candidate is then a few list look-ups.
"""

from __future__ import annotations

import time
from random import Random

from parcours.planner.search import Budget, Walk
from parcours.planner.state import State

INF = 1 << 60
NOISE = 1024  # deltas are scaled by this; a random low part breaks ties
TENURE = 10  # a moved participant stays put in that round for 10 + rand(10) steps
TENURE_SPREAD = 10
STALL = 1000  # steps without a new best plan before a restart from it, perturbed


class Tabu(Walk):
    """Tabu search on a state of single participants (no glued units)."""

    def __init__(
        self, st: State, rounds: list[int], rng: Random, lower: int, pref_best: list[int]
    ) -> None:
        super().__init__(st, rounds, rng, lower, pref_best)
        self.predicted = 0  # scaled delta of the last move, for tests
        kinds = [k[0] for k in st.kinds]
        self.kind = kinds
        by_kind: dict[int, int] = {}
        for u, k in enumerate(kinds):
            by_kind[k] = by_kind.get(k, 0) | (1 << u)
        self.same = [by_kind[k] for k in kinds]
        self.stations = range(len(st.cap))
        self.free_of: dict[int, list[int]] = {}
        self.tenure, self.tenure_spread, self.stall = TENURE, TENURE_SPREAD, STALL

    def _short(self, u: int) -> bool:
        """Return whether ``u`` misses a preference it could still get."""
        st = self.st
        pref = st.pref[u]
        return sum(pref[st.st[u][rr]] for rr in self.rounds) < self.pref_best[u]

    def _step(self, it: int, r: int) -> int | None:
        """Take the best admissible move of round ``r``; return its delta (None: none)."""
        st, rng = self.st, self.rng
        wt = st.wt
        w_rep, w_forb, w_mix, w_load = wt.repeat, wt.forbidden, wt.mixing, wt.load
        gm, mem, load, kc = st.gm[r], st.mem[r], st.load[r], st.kc[r]
        cap, vis, met1, met2, forb, pref = st.cap, st.vis, st.met1, st.met2, st.forb, st.pref
        where = [row[r] for row in st.st]
        kind = self.kind
        U = st.U
        tabu = self.tabu[r]
        bits = rng.getrandbits
        stations = self.stations
        free_of = self.free_of
        # J[p][s] (scaled, with a random low part) for stations p may enter,
        # L[p] for its own station
        leave = [0] * U
        join: list[list[int]] = []
        gx: list[list[int]] = [[INF] * U for _ in stations]
        hot: list[int] = []
        for p in range(U):
            x = where[p]
            g = gm[x]
            m1, m2, fp, pp = met1[p], met2[p], forb[p], pref[p]
            lp = w_rep * (m2 & g).bit_count() - pp[x]
            if fp:
                lp += w_forb * (fp & g).bit_count()
            if w_mix:
                lp += w_mix * (kc[x][kind[p]] - 1)
            lp *= NOISE
            lp -= bits(9)  # two of these stay below NOISE: ties only
            leave[p] = lp
            row = [INF] * len(gm)
            vp = vis[p]
            free = free_of.get(vp)
            if free is None:
                free = free_of[vp] = [t for t in stations if not (vp >> t) & 1 and cap[t]]
            ok = tabu[p] <= it
            for t in free:
                j = w_rep * (m1 & gm[t]).bit_count() - pp[t]
                if fp:
                    j += w_forb * (fp & gm[t]).bit_count()
                if w_mix:
                    j += w_mix * kc[t][kind[p]]
                j *= NOISE
                row[t] = j
                if ok:
                    gx[t][p] = j - lp
            join.append(row)
            if (m2 | fp) & g or (not pp[x] and self._short(p)):
                hot.append(p)
        slack = (self.best_cost - self.cost) * NOISE
        c_rep, c_forb, c_mix = 2 * w_rep * NOISE, 2 * w_forb * NOISE, 2 * w_mix * NOISE
        c_max = c_rep + c_forb + c_mix
        best = INF
        best_move: tuple[int, int, int] | None = None
        # per station pair (x, y): who at y may take x, best first
        lists = [
            [sorted([(gxx[b], b) for b in mem[y] if gxx[b] < INF]) for y in stations] for gxx in gx
        ]
        for a in hot:
            x = where[a]
            a_tabu = tabu[a] > it
            limit = min(best, slack) if a_tabu else best
            ja, la = join[a], leave[a]
            m1a, fa, sa = met1[a], forb[a], self.same[a]
            lx = lists[x]
            for y in free_of[vis[a]]:
                base = ja[y] - la
                if load[y] < cap[y]:  # relocation
                    d = base + w_load * (load[y] - load[x] + 1) * NOISE
                    if d < limit:
                        best, best_move = d, (a, -1, y)
                        limit = min(best, slack) if a_tabu else best
                for gb, b in lx[y]:  # best first: stop once no correction can help
                    d = base + gb
                    if d - c_max >= limit:
                        break
                    d -= c_rep * ((m1a >> b) & 1)
                    if fa:
                        d -= c_forb * ((fa >> b) & 1)
                    if c_mix:
                        d -= c_mix * ((sa >> b) & 1)
                    if d < limit:
                        best, best_move = d, (a, b, y)
                        limit = min(best, slack) if a_tabu else best
        if best_move is None:
            return None
        self.predicted = best
        a, b, y = best_move
        before = st.cost()
        if b >= 0:
            st.swap(a, b, r)
        else:
            st.move(a, r, y)
        until = it + self.tenure + rng.randrange(self.tenure_spread)
        tabu[a] = until
        if b >= 0:
            tabu[b] = until
        return st.cost() - before

    def run(self, budget: Budget, steps: int) -> str:
        """Search for ``steps`` steps, to the bound or the deadline; say which stopped it."""
        st, rng = self.st, self.rng
        last_gain = 0
        reason = "bound"
        while self.best_cost > self.lower:
            if self.iterations >= steps:
                reason = "iterations"
                break
            it = self.iterations = self.iterations + 1
            if it % 16 == 0:
                if time.perf_counter() > budget.deadline:
                    reason = "time"
                    break
                if it % 64 == 0:
                    self._report(budget, steps)
            r = self.rounds[rng.randrange(len(self.rounds))]
            delta = self._step(it, r)
            if delta is not None:
                self.cost += delta
                if self.cost < self.best_cost:
                    self.best_cost, self.best = self.cost, st.snapshot()
                    last_gain = it
                    continue
            if it - last_gain > self.stall:
                self._perturb()
                last_gain = it
        st.restore(self.best, self.rounds)
        self.cost = st.cost()
        return reason
