"""The whole-round tabu search: exact deltas, hard rules, determinism."""

from __future__ import annotations

from dataclasses import replace
from random import Random

from parcours.planner import demo_instance, plan, synthetic_instance
from parcours.planner.bounds import forced_repeats
from parcours.planner.individual import _start
from parcours.planner.prep import prepare
from parcours.planner.tabu import NOISE, Tabu
from tests.planner.conftest import assert_hard_rules


def test_predicted_deltas_match_the_state() -> None:
    """Every move's predicted delta (scaled, tie noise below one unit) is exact."""
    base = demo_instance(3, participants=40, stations=8, rounds=5)
    ids = [p.id for p in base.participants]
    forbidden = frozenset((ids[i], ids[i + 7]) for i in range(0, 30, 3))
    inst = replace(base, forbidden_pairs=forbidden)
    prob = prepare(inst)
    rng = Random(5)
    st, tg, _name = _start(prob, rng, forced_repeats(prob)[0])
    tabu = Tabu(st, prob.open, rng, tg.lower - 10**9, tg.pref_best)  # never at the bound
    moves = 0
    for it in range(1, 300):
        r = prob.open[rng.randrange(len(prob.open))]
        before = st.cost()
        delta = tabu._step(it, r)
        if delta is None:
            continue
        moves += 1
        assert delta == st.cost() - before
        assert tabu.predicted // NOISE == delta, (it, tabu.predicted, delta)
        for u in range(st.U):  # no revisits, no overruns after any move
            assert len(set(st.st[u])) == len(st.st[u])
        for rr in prob.open:
            assert all(load <= cap for load, cap in zip(st.load[rr], st.cap, strict=True))
    assert moves > 100


def test_tabu_plans_keep_hard_rules_and_are_deterministic() -> None:
    inst = synthetic_instance(60, 5, 4)  # 12 per station over 4 others: repeats forced
    one = plan(inst, seed=3, time_limit=60, max_iterations=600)
    two = plan(inst, seed=3, time_limit=60, max_iterations=600)
    assert one.assignments == two.assignments
    assert_hard_rules(inst, one.assignments)
    m = one.metrics
    assert m["forced_repeats"] > 0
    assert m["iterations"] == 200  # tabu steps: a third of the plain iterations
    assert m["forced_repeats"] <= m["repeated_encounters"]
