"""Incremental search state: units (one person, or a glued pair) placed per round.

Pair meeting counts are kept per unit pair, with bitmasks of the partners met at
least once (``met1``) and at least twice (``met2``), so the change in repeated
encounters of a move is a handful of popcounts instead of a loop over people.
"""

from __future__ import annotations

from dataclasses import dataclass

from parcours.planner.prep import Problem


@dataclass(frozen=True)
class Weights:
    """Integer weights making the soft goals (almost) lexicographic."""

    forbidden: int
    must: int
    interest: int
    repeat: int
    mixing: int
    load: int

    @classmethod
    def for_problem(cls, prob: Problem) -> Weights:
        """Return weights scaled so one move never trades a goal for a lower one."""
        cmax = max(prob.cap, default=1)
        repeat = 4 * cmax + 1
        interest = repeat * (16 * cmax + 1)
        if prob.inst.priority == "encounters":  # a repeat outweighs any interest
            repeat, interest = interest, repeat
        must = 4 * max(interest, repeat)
        mixing = 1 if len(prob.kind_names) > 1 or any(prob.colleagues) else 0
        return cls(16 * cmax * must, must, interest, repeat, mixing, 1)


def wsum(x: int, dm: int) -> int:
    """Return the weight of the units in mask ``x`` (doubles in ``dm`` count twice)."""
    return x.bit_count() + (x & dm).bit_count() if dm else x.bit_count()


class State:
    """Placement of units in rounds with running cost components."""

    def __init__(self, prob: Problem, units: list[tuple[int, ...]], wt: Weights) -> None:
        self.prob = prob
        self.wt = wt
        self.units = units
        u_count, rounds, m = len(units), prob.rounds, prob.m
        self.U = u_count
        self.w = [len(u) for u in units]
        self.dm = sum(1 << i for i, u in enumerate(units) if len(u) > 1)
        self.cap = prob.cap
        self.st = [[-1] * rounds for _ in range(u_count)]
        self.gm = [[0] * m for _ in range(rounds)]
        self.mem: list[list[list[int]]] = [[[] for _ in range(m)] for _ in range(rounds)]
        self.load = [[0] * m for _ in range(rounds)]
        # kinds of the unit's members; colleagues apart rides on the same counts: a
        # participant with colleagues also carries its organisation twice, so two
        # colleagues at one station cost four same-kind pairs
        base = len(prob.kind_names)
        self.kinds = [
            tuple(prob.kind[p] for p in u)
            + tuple(base + prob.org[p] for p in u if prob.colleagues[p] for _ in range(2))
            for u in units
        ]
        slots = base + max(prob.org, default=-1) + 1
        self.kc = [[[0] * slots for _ in range(m)] for _ in range(rounds)]
        self.cnt = [0] * (u_count * u_count)
        self.met1 = [0] * u_count
        self.met2 = [0] * u_count
        self.vis = [0] * u_count
        self.forb = self._forbidden_units()
        self.pref = [
            [
                sum(
                    wt.interest * (prob.interests[p] >> s & 1) + wt.must * (prob.must[p] >> s & 1)
                    for p in u
                )
                for s in range(m)
            ]
            for u in units
        ]
        self.rep = self.fviol = self.prefsum = self.mix = self.pairs = 0
        if all(len(u) == 1 for u in units):
            self._seed_singles()

    def _forbidden_units(self) -> list[int]:
        """Return, per unit, the bitmask of units holding a forbidden partner of a member."""
        forb = [0] * self.U
        owner = {p: i for i, u in enumerate(self.units) for p in u}
        for i, u in enumerate(self.units):
            for p in u:
                mask = self.prob.forbidden[p]
                while mask:
                    low = mask & -mask
                    j = owner.get(low.bit_length() - 1)
                    if j is not None and j != i:
                        forb[i] |= 1 << j
                    mask ^= low
        return forb

    def _seed_singles(self) -> None:
        """Count avoided stations as visited and earlier parcours' partners as met once.

        Only when every unit is one participant (units are the participants in order).
        """
        prob, u_count = self.prob, self.U
        for i, (p,) in enumerate(self.units):
            # avoided stations (own station, avoid list) count as visited: never entered
            self.vis[i] |= prob.avoid[p]
            # partners met in an earlier parcours count as met once: meeting them
            # again costs a repeat
            mask = prob.met_before[p]
            while mask:
                low = mask & -mask
                mask ^= low
                self.cnt[i * u_count + low.bit_length() - 1] = 1
                self.met1[i] |= low

    def cost(self) -> int:
        """Return the weighted total cost (lower is better)."""
        wt = self.wt
        return (
            wt.forbidden * self.fviol
            + wt.repeat * self.rep
            - self.prefsum
            + wt.mixing * self.mix
            + wt.load * self.pairs
        )

    def add(self, u: int, r: int, s: int) -> None:
        """Place unit ``u`` at station ``s`` in round ``r``."""
        cnt, w, usize = self.cnt, self.w, self.U
        met1, met2 = self.met1, self.met2
        wu, bit = w[u], 1 << u
        row = u * usize
        for v in self.mem[r][s]:
            c = cnt[row + v] + 1
            cnt[row + v] = c
            cnt[v * usize + u] = c
            if c == 1:
                met1[u] |= 1 << v
                met1[v] |= bit
            else:
                if c == 2:
                    met2[u] |= 1 << v
                    met2[v] |= bit
                self.rep += wu * w[v]
        self.fviol += (self.forb[u] & self.gm[r][s]).bit_count()
        kc = self.kc[r][s]
        for k in self.kinds[u]:
            self.mix += kc[k]
            kc[k] += 1
        self.pairs += wu * self.load[r][s] + wu * (wu - 1) // 2
        self.load[r][s] += wu
        self.mem[r][s].append(u)
        self.gm[r][s] |= bit
        self.st[u][r] = s
        self.vis[u] |= 1 << s
        self.prefsum += self.pref[u][s]

    def remove(self, u: int, r: int) -> int:
        """Take unit ``u`` out of round ``r``; return the station it left."""
        s = self.st[u][r]
        cnt, w, usize = self.cnt, self.w, self.U
        met1, met2 = self.met1, self.met2
        wu, bit = w[u], 1 << u
        self.mem[r][s].remove(u)
        self.gm[r][s] ^= bit
        row = u * usize
        for v in self.mem[r][s]:
            c = cnt[row + v] - 1
            cnt[row + v] = c
            cnt[v * usize + u] = c
            if c == 0:
                met1[u] &= ~(1 << v)
                met1[v] &= ~bit
            else:
                if c == 1:
                    met2[u] &= ~(1 << v)
                    met2[v] &= ~bit
                self.rep -= wu * w[v]
        self.fviol -= (self.forb[u] & self.gm[r][s]).bit_count()
        kc = self.kc[r][s]
        for k in self.kinds[u]:
            kc[k] -= 1
            self.mix -= kc[k]
        self.load[r][s] -= wu
        self.pairs -= wu * self.load[r][s] + wu * (wu - 1) // 2
        self.st[u][r] = -1
        self.vis[u] &= ~(1 << s)
        self.prefsum -= self.pref[u][s]
        return s

    def swap(self, p: int, q: int, r: int) -> None:
        """Exchange the stations of units ``p`` and ``q`` in round ``r``."""
        a = self.remove(p, r)
        b = self.remove(q, r)
        self.add(p, r, b)
        self.add(q, r, a)

    def move(self, p: int, r: int, b: int) -> None:
        """Relocate unit ``p`` to station ``b`` in round ``r``."""
        self.remove(p, r)
        self.add(p, r, b)

    def rotate(self, p: int, r: int, r2: int, q: int, q2: int) -> None:
        """Exchange ``p``'s stations of rounds ``r`` and ``r2``; partners take its places.

        ``q`` (round ``r``) and ``q2`` (round ``r2``) are the partners, -1 for none.
        Applying the same rotation twice restores the state.
        """
        a, b = self.st[p][r], self.st[p][r2]
        self.remove(p, r)
        self.remove(p, r2)
        if q >= 0:
            self.remove(q, r)
        if q2 >= 0:
            self.remove(q2, r2)
        self.add(p, r, b)
        self.add(p, r2, a)
        if q >= 0:
            self.add(q, r, a)
        if q2 >= 0:
            self.add(q2, r2, b)

    def snapshot(self) -> list[list[int]]:
        """Return a copy of the station of every unit per round."""
        return [row[:] for row in self.st]

    def restore(self, snap: list[list[int]], rounds: list[int]) -> None:
        """Reset the given rounds to ``snap``."""
        for r in rounds:  # remove everywhere first: ``vis`` must never see a station twice
            for u in range(self.U):
                if self.st[u][r] >= 0 and self.st[u][r] != snap[u][r]:
                    self.remove(u, r)
        for r in rounds:
            for u in range(self.U):
                if self.st[u][r] < 0 <= snap[u][r]:
                    self.add(u, r, snap[u][r])

    def conflicted(self, u: int, r: int) -> bool:
        """Return whether unit ``u`` meets someone again or a forbidden partner in ``r``."""
        g = self.gm[r][self.st[u][r]]
        return bool((self.met2[u] | self.forb[u]) & g)
