"""Zero-repeat starts from mutually orthogonal Latin squares (MOLS).

Take ``k`` MOLS of order ``n``, each normalised so that its first row is
``0..n-1``.  Participant ``(x, y)`` (``x = 1..n-1``, ``y = 0..n-1``) stands at
station ``y`` in round 0 and at ``L_a(x, y)`` in round ``a``.  Any two cells of
the squares agree in at most one of row, column and the ``k`` squares (that is
what orthogonal means), so two participants meet at most once; the first row
holds ``y`` in column ``y``, so nobody comes back to a station; and every row
``x`` puts one participant at each station in each round.  Up to ``k + 1`` rounds
and ``n - 1`` people per station, with 0 repeats and 0 revisits.

Where the squares come from, best first:

* a finite field GF(q) for a prime power ``q``: ``L_a(x, y) = a*x + y`` gives
  ``q - 1`` squares (the affine plane);
* published tables (``mols_data``) for orders 10, 12, 14, 15 and 18;
* MacNeish's product: ``k1`` MOLS of order ``n1`` and ``k2`` of order ``n2`` give
  ``min(k1, k2)`` of order ``n1*n2``;
* the cyclic square ``x + y mod n`` (one square: two rounds) for every order.

Then the cells are fitted to the event:

* **truncation**: fewer people than cells: a local search chooses which cells to
  keep so that station loads stay within capacity and balanced;
* **extension**: more stations than the order: in each round an extra station
  takes, from the fullest stations, people of one row of the squares (people of
  one row never share a station), a different row each round; a person joins an
  extra station only when it has met nobody already there;
* rounds beyond ``k + 1`` are left to the greedy and the search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from parcours.planner.fields import _factor_prime_power, field_tables
from parcours.planner.mols_data import published

Square = tuple[tuple[int, ...], ...]
BIG = 1 << 20


@dataclass(frozen=True)
class Squares:
    """Normalised MOLS of one order, with where they come from."""

    order: int
    squares: tuple[Square, ...]
    name: str


def normalise(square: list[list[int]]) -> Square:
    """Relabel the symbols of a Latin square so that its first row is 0..n-1."""
    relabel = {sym: y for y, sym in enumerate(square[0])}
    return tuple(tuple(relabel[v] for v in row) for row in square)


def _field(q: int, count: int) -> Squares:
    add, mul = field_tables(q)
    sq = tuple(
        tuple(tuple(add[mul[a][x]][y] for y in range(q)) for x in range(q))
        for a in range(1, min(count, q - 1) + 1)
    )
    return Squares(q, sq, f"GF({q})")


def _product(a: Squares, b: Squares, count: int) -> Squares:
    n1, n2 = a.order, b.order
    k = min(len(a.squares), len(b.squares), count)
    sq = tuple(
        tuple(
            tuple(
                a.squares[i][x // n2][y // n2] * n2 + b.squares[i][x % n2][y % n2]
                for y in range(n1 * n2)
            )
            for x in range(n1 * n2)
        )
        for i in range(k)
    )
    return Squares(n1 * n2, sq, f"{a.name} × {b.name}")


@lru_cache(maxsize=256)
def best_squares(n: int, count: int) -> Squares:
    """Return the most MOLS of order ``n`` known here (at most ``count``)."""
    count = max(1, count)
    cyclic = Squares(n, (tuple(tuple((x + y) % n for y in range(n)) for x in range(n)),), "cyclic")
    best = cyclic
    if _factor_prime_power(n) is not None:
        best = _field(n, count)
        if len(best.squares) >= count:
            return best
    table = published().get(n)
    if table is not None and len(table[1]) > len(best.squares):
        source, squares = table
        best = Squares(
            n, tuple(normalise(s) for s in squares[:count]), f"MOLS({n}) table ({source})"
        )
    for d in range(2, int(n**0.5) + 1):
        if n % d == 0:
            left, right = best_squares(d, count), best_squares(n // d, count)
            k = min(len(left.squares), len(right.squares))
            if k > len(best.squares):
                best = _product(left, right, count)
    return best


def cells(sq: Squares, rounds: int) -> list[list[int]]:
    """Return every cell ``(x, y)``, ``x >= 1``, as its symbol per round (-1 past k + 1)."""
    n = sq.order
    covered = min(rounds, len(sq.squares) + 1)
    out = []
    for x in range(1, n):
        for y in range(n):
            word = [y] + [sq.squares[a][x][y] for a in range(covered - 1)]
            out.append(word + [-1] * (rounds - covered))
    return out


def targets(caps: list[int], people: int) -> list[int]:
    """Return per-station loads as even as the capacities allow (water filling)."""
    load = [0] * len(caps)
    left = people
    level = 0
    while left > 0 and any(c > level for c in caps):
        level += 1
        for s in sorted(range(len(caps)), key=lambda s: (-caps[s], s)):
            if left and caps[s] >= level and load[s] < level:
                load[s] += 1
                left -= 1
    return load


def _choose_cells(words: list[list[int]], people: int, caps: list[int], rounds: int) -> list[int]:
    """Return the indices of ``people`` cells whose loads fit ``caps``, as even as can be.

    Starts from whole rows (the first cells).  While a round has a station over
    capacity, or loads two or more apart, it swaps a kept cell through such a
    station for a dropped cell when that lowers overload (heavily weighted) plus
    the sum of squared loads.
    """
    keep = list(range(people))
    out = list(range(people, len(words)))
    load = [[0] * len(caps) for _ in range(rounds)]
    for c in keep:
        for r, s in enumerate(words[c]):
            if s >= 0:
                load[r][s] += 1

    def price(s: int, value: int) -> int:
        return BIG * max(0, value - caps[s]) + value * value

    def bad(r: int, s: int) -> bool:
        row = load[r]
        return row[s] > caps[s] or row[s] >= min(row) + 2

    for _ in range(20):
        improved = False
        for i in range(len(keep)):
            a = keep[i]
            if not any(s >= 0 and bad(r, s) for r, s in enumerate(words[a])):
                continue
            gain_out = 0
            for r, s in enumerate(words[a]):
                if s >= 0:
                    gain_out += price(s, load[r][s]) - price(s, load[r][s] - 1)
                    load[r][s] -= 1
            best_j, best_d = -1, 0
            for j, b in enumerate(out):
                d = -gain_out
                for r, s in enumerate(words[b]):
                    if s >= 0:
                        d += price(s, load[r][s] + 1) - price(s, load[r][s])
                if d < best_d:
                    best_j, best_d = j, d
            chosen = a
            if best_j >= 0:
                chosen = out[best_j]
                out[best_j] = a
                keep[i] = chosen
                improved = True
            for r, s in enumerate(words[chosen]):
                if s >= 0:
                    load[r][s] += 1
        if not improved or not out:
            break
    return sorted(keep)


def _met(grid: list[list[int]]) -> list[set[int]]:
    """Return, per person, the people met in some round."""
    met: list[set[int]] = [set() for _ in grid]
    for r in range(len(grid[0])):
        at: dict[int, list[int]] = {}
        for p, word in enumerate(grid):
            if word[r] >= 0:
                at.setdefault(word[r], []).append(p)
        for group in at.values():
            for p in group:
                met[p].update(group)
    for p in range(len(grid)):
        met[p].discard(p)
    return met


@dataclass
class _Round:
    """One round of the extension: loads and people per station, people at the extra one."""

    r: int
    load: list[int]
    at: dict[int, list[int]]
    here: list[int] = field(default_factory=list)


def _extend(grid: list[list[int]], rows: list[int], base: int, want: list[int]) -> None:
    """Fill the extra stations ``base..`` in place, each round from one row at a time."""
    m = len(want)
    if m <= base or not grid:
        return
    met = _met(grid)
    used: set[tuple[int, int]] = set()  # (extra station, row) already taken
    used_rows: set[int] = set()
    all_rows = sorted(set(rows))
    for r in range(len(grid[0])):
        rnd = _Round(r, [0] * m, {})
        for p, word in enumerate(grid):
            if word[r] >= 0:
                rnd.load[word[r]] += 1
                rnd.at.setdefault(word[r], []).append(p)
        for e in range(base, m):
            rnd.here = []
            for x in sorted(all_rows, key=lambda x: (x in used_rows, x)):
                if rnd.load[e] >= want[e]:
                    break
                if (e, x) not in used and _take_row(grid, rows, base, want, met, rnd, e, x):
                    used.add((e, x))
                    used_rows.add(x)


def _take_row(
    grid: list[list[int]],
    rows: list[int],
    base: int,
    want: list[int],
    met: list[set[int]],
    rnd: _Round,
    e: int,
    x: int,
) -> bool:
    """Move people of row ``x`` from over-full stations to extra station ``e``; say if any."""
    r, load, at, here = rnd.r, rnd.load, rnd.at, rnd.here
    movers = [
        p
        for s in sorted(range(base), key=lambda s: want[s] - load[s])
        if load[s] > want[s]
        for p in at.get(s, [])
        if rows[p] == x
    ]
    took = False
    for p in movers:
        if load[e] >= want[e]:
            break
        s = grid[p][r]
        if load[s] <= want[s] or e in grid[p] or met[p] & set(here):
            continue
        grid[p][r] = e
        load[s] -= 1
        load[e] += 1
        at[s].remove(p)
        for q in at[s]:
            if not _meet_elsewhere(grid, p, q, r):
                met[p].discard(q)
                met[q].discard(p)
        for q in here:
            met[p].add(q)
            met[q].add(p)
        here.append(p)
        took = True
    return took


def _meet_elsewhere(grid: list[list[int]], p: int, q: int, skip: int) -> bool:
    return any(
        a == b and a >= 0 and r != skip
        for r, (a, b) in enumerate(zip(grid[p], grid[q], strict=True))
    )


@dataclass
class Start:
    """A construction fitted to an event: station index per person and round."""

    grid: list[list[int]]
    name: str
    order: int
    covered: int
    rows: list[int]  # row of the squares of each route: routes of one row never meet
    spare: list[list[int]] = field(default_factory=list)  # unused cells (no extra stations)
    spare_rows: list[int] = field(default_factory=list)


def build(caps: list[int], people: int, rounds: int, order: int) -> Start | None:
    """Return ``people`` routes over the usable stations from MOLS of ``order``.

    ``caps`` are the capacities of the usable stations, biggest first; the squares
    use the first ``order`` of them and the others are extra stations.  None when
    the order cannot hold that many people per station.
    """
    m = len(caps)
    if people == 0 or order < 2 or order > m:
        return None
    want = targets(caps, people)
    if sum(want) < people:
        return None
    rows_needed = -(-people // order)
    if rows_needed > order - 1:
        return None
    sq = best_squares(order, rounds - 1)
    words = cells(sq, rounds)
    base_caps = caps[:order]
    if m > order:  # the extra stations will take the excess: spread it evenly
        base_caps = [rows_needed] * order
    keep = _choose_cells(words, people, base_caps, rounds)
    grid = [words[c][:] for c in keep]
    row_of = [1 + c // order for c in keep]
    _extend(grid, row_of, order, want)
    covered = min(rounds, len(sq.squares) + 1)
    name = sq.name
    extras = m - order
    if extras:
        name += f" + {extras} extra station" + ("s" if extras > 1 else "")
    start = Start(grid, name, order, covered, row_of)
    if m == order:  # any unused cell meets every route at most once: spares for dealing
        kept = set(keep)
        start.spare = [words[c][:] for c in range(len(words)) if c not in kept]
        start.spare_rows = [1 + c // order for c in range(len(words)) if c not in kept]
    return start


def overload(grid: list[list[int]], caps: list[int]) -> int:
    """Return the places over capacity summed over rounds."""
    if not grid:
        return 0
    total = 0
    for r in range(len(grid[0])):
        load = [0] * len(caps)
        for word in grid:
            if word[r] >= 0:
                load[word[r]] += 1
        total += sum(max(0, x - c) for x, c in zip(load, caps, strict=True))
    return total


def starts(caps: list[int], people: int, rounds: int, limit: int = 3) -> list[Start]:
    """Return the best few constructions for these capacities (biggest first).

    Ranked by rounds covered, then overload, then fewest extra stations.
    """
    found: list[tuple[tuple[int, int, int], Start]] = []
    for order in range(len(caps), 1, -1):
        if -(-people // order) > order - 1:
            break
        k = len(best_squares(order, rounds - 1).squares)
        if k + 1 < min(rounds, 2):
            continue
        start = build(caps, people, rounds, order)
        if start is None:
            continue
        key = (-start.covered, overload(start.grid, caps), len(caps) - order)
        found.append((key, start))
        if key[:2] == (-rounds, 0) and len(found) >= limit:
            break
    found.sort(key=lambda item: item[0])
    return [s for _, s in found[:limit]]
