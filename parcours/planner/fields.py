"""Finite-field constructions (affine planes / Reed-Solomon codes of dimension 2).

Over GF(q) a participant is a line ``(x, y)`` with ``x != 0``; in the round with
evaluation point ``a_r`` it stands at station ``y + x * a_r``.  Two participants
agree in at most one round (two lines meet once), nobody revisits a station (``x`` is
non-zero and the ``a_r`` distinct), and each ``x`` puts exactly one participant at
every station, so ``k`` values of ``x`` load every station with ``k`` people.
"""

from __future__ import annotations

from itertools import product


def _factor_prime_power(q: int) -> tuple[int, int] | None:
    """Return (p, k) with q == p**k for a prime p, or None."""
    if q < 2:
        return None
    p = next(d for d in range(2, q + 1) if q % d == 0)
    k, rest = 0, q
    while rest % p == 0:
        rest //= p
        k += 1
    return (p, k) if rest == 1 else None


def _polymod(a: list[int], mod: list[int], p: int) -> list[int]:
    """Return polynomial ``a`` modulo monic ``mod`` over GF(p) (lowest degree first)."""
    a = a[:]
    deg = len(mod) - 1
    for i in range(len(a) - 1, deg - 1, -1):
        coef = a[i] % p
        if coef:
            for j in range(deg + 1):
                a[i - deg + j] = (a[i - deg + j] - coef * mod[j]) % p
    return [c % p for c in a[:deg]] + [0] * max(0, deg - len(a))


def _irreducible(p: int, k: int) -> list[int]:
    """Return a monic irreducible polynomial of degree ``k`` over GF(p)."""
    for tail in product(range(p), repeat=k):
        poly = list(tail) + [1]
        if poly[0] == 0:
            continue
        if all(
            any(_polymod(poly, list(div) + [1], p))
            for d in range(1, k // 2 + 1)
            for div in product(range(p), repeat=d)
        ):
            return poly
    raise ValueError(f"no irreducible polynomial of degree {k} over GF({p})")


def field_tables(q: int) -> tuple[list[list[int]], list[list[int]]]:
    """Return addition and multiplication tables of GF(q), elements as 0..q-1."""
    pk = _factor_prime_power(q)
    if pk is None:
        raise ValueError(f"{q} is not a prime power")
    p, k = pk
    digits = [[(e // p**i) % p for i in range(k)] for e in range(q)]

    def encode(ds: list[int]) -> int:
        return sum(d * p**i for i, d in enumerate(ds))

    add = [
        [encode([(a + b) % p for a, b in zip(digits[x], digits[y], strict=True)]) for y in range(q)]
        for x in range(q)
    ]
    mod = _irreducible(p, k) if k > 1 else [0, 1]
    mul = [[0] * q for _ in range(q)]
    for x in range(q):
        for y in range(q):
            prod = [0] * (2 * k - 1)
            for i, a in enumerate(digits[x]):
                for j, b in enumerate(digits[y]):
                    prod[i + j] += a * b
            mul[x][y] = encode(_polymod(prod, mod, p)) if k > 1 else (x * y) % p
    return add, mul


def best_field(n: int, rounds: int, stations: int) -> int | None:
    """Return the largest prime power q with rounds <= q <= stations, or None."""
    for q in range(stations, rounds - 1, -1):
        if _factor_prime_power(q) is not None and q >= 2:
            return q
    return None


def field_words(rounds: int, stations: list[int]) -> list[list[int]]:
    """Return every line ``(x, y)`` with ``x != 0`` as its station per round.

    ``stations`` lists the station indices to use, best first; the plane uses the
    first q of them (q the largest prime power with rounds <= q <= len(stations)).
    Line ``i`` is ``x = 1 + i // q``, ``y = i % q``; empty when no such q exists.
    """
    q = best_field(0, rounds, len(stations))
    if q is None:
        return []
    add, mul = field_tables(q)
    return [
        [stations[add[i % q][mul[1 + i // q][a]]] for a in range(rounds)]
        for i in range(q * (q - 1))
    ]


def field_hint(n: int, rounds: int, stations: list[int]) -> list[list[int]] | None:
    """Return station per participant and round from an affine plane, or None.

    ``stations`` lists the station indices to use, best first; the plane uses the
    first q of them.  Participants beyond q * (q - 1) get no hint (None returned).
    """
    q = best_field(n, rounds, len(stations))
    if q is None or n > q * (q - 1) or n == 0:
        return None
    add, mul = field_tables(q)
    points = list(range(rounds))
    hint = []
    for i in range(n):
        x, y = 1 + i // q, i % q
        hint.append([stations[add[y][mul[x][a]]] for a in points])
    return hint
