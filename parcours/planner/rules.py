"""Rules around the search: people who stay put, and rounds people are away.

* **Stay put.** A participant who cannot move between stations (for example for
  mobility reasons) is given one station for every round before the search: the
  one of its closed rounds if it has any, else an allowed station with room, best
  for its must-visits and interests and with the fewest others staying there.  The
  station's capacity shrinks by one for the others, and the rest is planned as
  usual.  Everyone who visits that station meets the person once; nobody revisits.
* **Absent rounds.** A participant away in some rounds is planned as if present
  (the seat is kept free for them) and its placements of those rounds are dropped.
"""

from __future__ import annotations

from dataclasses import replace

from parcours.planner.model import Instance, PlanInfeasible, PlanParticipant, PlanStation, norm_org
from parcours.planner.prep import last_fixed_round


def _allowed(p: PlanParticipant, st: PlanStation) -> bool:
    own = {norm_org(o) for o in st.organisations}
    return st.capacity > 0 and st.id not in p.avoid and norm_org(p.organisation) not in own


def settle(inst: Instance) -> tuple[dict[int, int], Instance]:
    """Return the station of every participant who stays put, and the instance of the rest."""
    stayers = [p for p in inst.participants if p.stay]
    last = last_fixed_round(inst)
    taken = {s.id: 0 for s in inst.stations}
    chosen: dict[int, int] = {}
    movers = len(inst.participants) - len(stayers)
    for p in stayers:
        past = [(r, s) for (pid, r), s in inst.fixed.items() if pid == p.id and r <= last]
        if past:
            chosen[p.id] = max(past)[1]
            taken[chosen[p.id]] = taken.get(chosen[p.id], 0) + 1
    spare_total = sum(max(0, s.capacity) for s in inst.stations) - movers
    for p in stayers:
        if p.id in chosen:
            continue
        options = [s for s in inst.stations if _allowed(p, s) and s.capacity - taken[s.id] > 0]
        if not options or spare_total - sum(taken.values()) <= 0:
            raise PlanInfeasible([f"participant {p.id} stays put but no station has room for them"])
        best = max(
            options,
            key=lambda s: (
                s.id in p.must_visit,
                s.id in p.interests,
                -taken[s.id],
                s.capacity - taken[s.id],
                -s.id,
            ),
        )
        chosen[p.id] = best.id
        taken[best.id] += 1
    stations = tuple(replace(s, capacity=s.capacity - taken.get(s.id, 0)) for s in inst.stations)
    rest = tuple(p for p in inst.participants if not p.stay)
    # the stayers' fixed placements stay in: to the others they are no-shows, whose
    # placements still mark which rounds are closed
    return chosen, replace(inst, participants=rest, stations=stations)


def stayer_rows(
    inst: Instance, chosen: dict[int, int], first_open: int
) -> list[tuple[int, int, int]]:
    """Return the placements of people who stay put: closed rounds as fixed, then their station."""
    rows = []
    for (pid, r), s in inst.fixed.items():
        if pid in chosen and r < first_open:
            rows.append((pid, r, s))
    for pid, s in chosen.items():
        rows += [(pid, r, s) for r in range(first_open, inst.rounds + 1)]
    return rows


def drop_absent(inst: Instance, rows: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Return ``rows`` without placements in rounds a participant is away."""
    away = {p.id: p.absent for p in inst.participants if p.absent}
    if not away:
        return rows
    return [row for row in rows if row[1] not in away.get(row[0], frozenset())]
