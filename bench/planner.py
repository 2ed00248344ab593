"""Benchmark the rotation planner on a fixed suite and print a table.

Run: ``python bench/planner.py [--time-limit SEC] [--seed N] [--seeds K] [--only NAME]``.
With ``--seeds K`` every instance runs with seeds N..N+K-1 (one row each) and a
last line per instance gives the mean repeats: single runs of the hard instances
vary by +-20 repeats with the seed.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tomllib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parcours.planner import (
    Instance,
    PlanParticipant,
    PlanStation,
    bounds,
    demo_instance,
    plan,
    synthetic_instance,
)

ROOT = Path(__file__).resolve().parents[1]
# name, people, stations, rounds, best known repeats (0: a construction reaches it)
SUITE: list[tuple[str, int, int, int, str]] = [
    ("100/20/6", 100, 20, 6, "0"),
    ("100/15/6", 100, 15, 6, "0"),
    ("200/20/6", 200, 20, 6, "0"),
    ("300/25/6", 300, 25, 6, "0"),
    ("300/30/8", 300, 30, 8, "0"),
    ("500/30/6", 500, 30, 6, "0"),
    ("96/12/6", 96, 12, 6, "0"),  # 5 MOLS(12), McKay
    ("120/12/6", 120, 12, 6, "0"),
    ("100/12/6", 100, 12, 6, "0"),
    ("200/20/8", 200, 20, 8, "0"),  # GF(19) + one extra station
    ("90/10/3", 90, 10, 3, "0"),  # 2 MOLS(10)
    ("140/14/5", 140, 14, 5, "0"),  # 4 MOLS(14)
    ("150/15/5", 150, 15, 5, "0"),  # 4 MOLS(15)
    ("180/18/4", 180, 18, 4, "0"),  # 3 MOLS(18)
    ("120/20/4", 120, 20, 4, "0"),  # GF(19), or GF(4) x GF(5) (MacNeish)
    ("150/10/6", 150, 10, 6, ">=300"),  # counting bound 300 (capacity 15 >= 10 stations)
]


def demo_event() -> Instance:
    """Return the demo event of ``stations/examples/demo.toml`` as the planner sees it."""
    data = tomllib.loads((ROOT / "stations" / "examples" / "demo.toml").read_text("utf-8"))
    stations = []
    refs: dict[str, set[int]] = {}
    for i, st in enumerate(data["stations"]):
        for ref in (st.get("template"), st.get("code"), st.get("name")):
            if ref:
                refs.setdefault(ref, set()).add(i)
        extra: dict[str, Any] = {}
        if "organisations" in {f.name for f in dataclasses.fields(PlanStation)}:
            extra["organisations"] = frozenset({st["name"], st.get("organisation") or ""} - {""})
        stations.append(
            PlanStation(id=i, capacity=st["capacity"], kind=st.get("kind") or "other", **extra)
        )
    people = []
    for i, person in enumerate(data["participants"]):
        extra = {}
        if "organisation" in {f.name for f in dataclasses.fields(PlanParticipant)}:
            extra["organisation"] = person.get("organisation", "")
        people.append(
            PlanParticipant(
                id=1000 + i,
                kind=person.get("kind", "other"),
                interests=frozenset(
                    s for ref in person.get("interests", []) for s in refs.get(ref, ())
                ),
                **extra,
            )
        )
    rounds = next(seg["rounds"] for seg in data["agenda"] if seg.get("kind") == "parcours")
    return Instance(participants=tuple(people), stations=tuple(stations), rounds=rounds)


DEMO_ENC = dataclasses.replace(demo_instance(0), priority="encounters")
# re-planning after rounds have started: name, base instance, rounds played, no-shows
# (the first people), late arrivals, best known repeats (0: the first plan goes on)
REPLAN: list[tuple[str, Instance, int, int, int, str]] = [
    ("96/12/6 re-plan", synthetic_instance(96, 12, 6), 2, 0, 0, "0"),
    ("96/12/6 re-plan late", synthetic_instance(96, 12, 6, 9), 2, 3, 6, "0"),
    ("120/12/6 re-plan", synthetic_instance(120, 12, 6), 3, 0, 0, "0"),
    ("200/20/8 re-plan", synthetic_instance(200, 20, 8), 2, 0, 0, "0"),
    ("demo enc re-plan", DEMO_ENC, 2, 0, 0, "0"),
]


def replanned(base: Instance, played: int, no_shows: int, late: int) -> Instance:
    """Return ``base`` after ``played`` rounds of its plan (seed 0), with changes."""
    first = plan(base, seed=0, time_limit=10)
    fixed = {(p, r): s for p, r, s in first.assignments if r <= played}
    people = base.participants[no_shows:] + tuple(
        PlanParticipant(id=100_000 + i) for i in range(late)
    )
    return dataclasses.replace(base, participants=people, fixed=fixed)


def instances() -> list[tuple[str, Instance, str]]:
    """Return the benchmark instances with their best known repeats."""
    out = [(name, synthetic_instance(p, s, r), known) for name, p, s, r, known in SUITE]
    out.append(("demo 100/12/6", demo_instance(0), "0"))  # capacities 8-12, interests
    event = demo_event()  # stations/examples/demo.toml: interests, own stations, colleagues
    # preferences first (the default): every interest (259) costs at least 9 repeats;
    # without repeats at most 250 interests (39 people want the same two stations)
    out.append(("demo event", event, ">=9"))
    if "priority" in {f.name for f in dataclasses.fields(Instance)}:
        out.append(("demo event enc", dataclasses.replace(event, priority="encounters"), "0"))
    return out


def replan_instances(only: str | None) -> list[tuple[str, Instance, str]]:
    """Return the re-planning instances (each costs a first plan, so filter first)."""
    return [
        (name, replanned(base, played, no_shows, late), known)
        for name, base, played, no_shows, late, known in REPLAN
        if not only or only in name
    ]


def main() -> None:
    """Plan every instance and print one row each."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--only", default=None)
    args = parser.parse_args()
    head = (
        f"{'instance':<14} {'known':>6} {'bound':>6} {'repeats':>7} {'revisits':>8} "
        f"{'overruns':>8} {'distinct':>9} {'max':>7} {'frac':>6} {'prefs':>9} "
        f"{'spread':>6} {'optimal':>7} {'seconds':>7} {'iters':>6} stop construction"
    )
    print(head)
    print("-" * len(head))
    for name, inst, known in instances() + replan_instances(args.only):
        if args.only and args.only not in name:
            continue
        bound = bounds(inst)
        repeats = []
        for seed in range(args.seed, args.seed + args.seeds):
            m = plan(inst, seed=seed, time_limit=args.time_limit).metrics
            repeats.append(m["repeated_encounters"])
            label = name if args.seeds == 1 else f"{name} s{seed}"
            row(label, known, bound["forced_repeats"], m)
        if args.seeds > 1:
            print(f"{name:<14} mean repeats {sum(repeats) / len(repeats):.1f}", flush=True)


def row(name: str, known: str, bound: int, m: dict[str, Any]) -> None:
    """Print one result row."""
    prefs = f"{m['preference_hits']}/{m['preference_max']}"
    print(
        f"{name:<14} {known:>6} {bound:>6} "
        f"{m['repeated_encounters']:>7} {m['revisits']:>8} {m['capacity_overruns']:>8} "
        f"{m['distinct_encounters']:>9} {m['max_distinct_encounters']:>7} "
        f"{m['distinct_fraction']:>6.3f} {prefs:>9} {m['load_spread']:>6} "
        f"{str(m['optimal']):>7} {m['seconds']:>7.2f} {m['iterations']:>6} "
        f"{m['stopped_by']} {m.get('construction', '')}"
        + (f" (start {m['start_seconds']:.2f} s)" if "start_seconds" in m else "")
        + (
            f" [alternative: {m['alternative']['repeated_encounters']} repeats, "
            f"{m['alternative']['preference_hits']} interests]"
            if "alternative" in m
            else ""
        )
        + (
            f" [bounds: 0 repeats -> at most {m['preference_max_zero_repeats']} interests; "
            f"all interests -> at least {m['interest_repeats']} repeats]"
            if "preference_max_zero_repeats" in m and "interest_repeats" in m
            else ""
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
