"""Benchmark the rotation planner on a fixed suite and print a table.

Run: ``python bench/planner.py [--time-limit SEC] [--seed N] [--seeds K] [--only NAME]``.
With ``--seeds K`` every instance runs with seeds N..N+K-1 (one row each) and a
last line per instance gives the mean repeats: single runs of the hard instances
vary by +-20 repeats with the seed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parcours.planner import Instance, bounds, demo_instance, plan, synthetic_instance

SUITE: list[tuple[str, int, int, int, str]] = [
    ("100/20/6", 100, 20, 6, "0"),
    ("100/15/6", 100, 15, 6, "0"),
    ("200/20/6", 200, 20, 6, "0"),
    ("300/25/6", 300, 25, 6, "0"),
    ("300/30/8", 300, 30, 8, "0"),
    ("500/30/6", 500, 30, 6, "0"),
    ("150/10/6", 150, 10, 6, ">=250"),  # our pigeonhole bound gives 300
]


def instances() -> list[tuple[str, Instance, str]]:
    """Return the benchmark instances with their best known repeats."""
    out = [(name, synthetic_instance(p, s, r), known) for name, p, s, r, known in SUITE]
    out.append(("demo 100/12/6", demo_instance(0), "?"))
    return out


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
        f"{'spread':>6} {'optimal':>7} {'seconds':>7} {'iters':>6} stop"
    )
    print(head)
    print("-" * len(head))
    for name, inst, known in instances():
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
        f"{m['stopped_by']}",
        flush=True,
    )


if __name__ == "__main__":
    main()
