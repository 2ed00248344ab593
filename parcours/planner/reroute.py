"""Give one participant a whole new route: every wish, the fewest repeats.

Serving a missed wish by one move (a swap or relocation in one round) costs about as
many repeats as the people the participant has already met at the new station.  A
whole new route, chosen round by round among the stations with room, can avoid most of
them: a depth-first search with the repeats so far as the bound finds the route that
passes all the participant's wishes with the fewest people met twice.
"""

from __future__ import annotations

from parcours.planner.state import State

NODES = 40_000  # search nodes per route (about 0.1-0.3 s)
TOTAL_NODES = 100_000  # for all routes of one plan (about 1 s)


class _Route:
    """Depth-first search for the cheapest route of one unit (the unit taken out)."""

    def __init__(self, st: State, u: int, rounds: list[int], want: int, nodes: int) -> None:
        self.st, self.u, self.rounds, self.want = st, u, rounds, want
        self.best: list[int] | None = None
        self.best_cost = 1 << 30
        self.nodes = nodes
        pref = st.pref[u]
        self.ranked = sorted(((pref[b], b) for b in range(len(pref))), reverse=True)
        self.path: list[int] = []

    def _reach(self, vis: int, left: int) -> int:
        """Return the most preference ``left`` more rounds can win outside ``vis``."""
        total = 0
        for value, b in self.ranked:
            if left <= 0 or value <= 0:
                break
            if not vis >> b & 1:
                total += value
                left -= 1
        return total

    def search(self, i: int, seen: int, vis: int, got: int, cost: int) -> None:
        """Extend the route at round ``rounds[i]``."""
        st, u = self.st, self.u
        if i == len(self.rounds):
            if got >= self.want and cost < self.best_cost:
                self.best, self.best_cost = self.path[:], cost
            return
        self.nodes -= 1
        if self.nodes < 0 or got + self._reach(vis, len(self.rounds) - i) < self.want:
            return
        r = self.rounds[i]
        gm, load, w = st.gm[r], st.load[r], st.w[u]
        options = []
        for b in range(len(gm)):
            if vis >> b & 1 or not st.cap[b] or load[b] + w > st.cap[b] or st.forb[u] & gm[b]:
                continue
            options.append(((gm[b] & seen).bit_count(), -st.pref[u][b], b))
        for extra, _, b in sorted(options):
            if cost + extra >= self.best_cost:
                break
            self.path.append(b)
            self.search(i + 1, seen | gm[b], vis | 1 << b, got + st.pref[u][b], cost + extra)
            self.path.pop()


def reroute(st: State, u: int, rounds: list[int], want: int, budget: list[int]) -> bool:
    """Move unit ``u`` to the route winning ``want`` preference with the fewest repeats.

    Keeps the old route (and returns False) when the search finds no such route.
    ``budget[0]`` holds the search nodes left for all routes; this one takes its share.
    """
    old = [st.st[u][r] for r in rounds]
    for r in rounds:
        st.remove(u, r)
    nodes = min(NODES, budget[0])
    finder = _Route(st, u, rounds, want, nodes)
    finder.search(0, st.met1[u], st.vis[u], 0, 0)
    budget[0] -= nodes - max(finder.nodes, 0)
    route = old if finder.best is None else finder.best
    for r, b in zip(rounds, route, strict=True):
        st.add(u, r, b)
    return route is not old
