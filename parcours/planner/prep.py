"""Index an instance: participants and stations become 0-based positions."""

from __future__ import annotations

from dataclasses import dataclass

from parcours.planner.model import Instance, norm_org


@dataclass
class Problem:
    """An instance translated to indices, with closed and open rounds split."""

    inst: Instance
    pids: list[int]
    sids: list[int]
    pidx: dict[int, int]
    sidx: dict[int, int]
    cap: list[int]
    rounds: int
    closed: list[int]
    open: list[int]
    fixed: dict[tuple[int, int], int]
    kind: list[int]
    kind_names: list[str]
    interests: list[int]
    must: list[int]
    forbidden: list[int]
    avoid: list[int]  # stations each participant never visits (own station, avoid list)
    colleagues: list[int]  # others of the same organisation
    org: list[int]  # index of the participant's organisation, -1 for none
    met_before: list[int]  # partners met in earlier parcours segments

    @property
    def n(self) -> int:
        """Return the number of participants."""
        return len(self.pids)

    @property
    def m(self) -> int:
        """Return the number of stations."""
        return len(self.sids)

    def present(self, r: int) -> list[int]:
        """Return the participants placed in 0-based round ``r``."""
        if r in self.open:
            return list(range(self.n))
        return sorted(p for (p, rr) in self.fixed if rr == r)

    def visited_closed(self, p: int) -> int:
        """Return the bitmask of stations ``p`` visited in closed rounds."""
        mask = 0
        for r in self.closed:
            s = self.fixed.get((p, r))
            if s is not None:
                mask |= 1 << s
        return mask


def _station_mask(ids: frozenset[int], sidx: dict[int, int]) -> int:
    mask = 0
    for sid in ids:
        if sid in sidx:
            mask |= 1 << sidx[sid]
    return mask


def last_fixed_round(inst: Instance) -> int:
    """Return the last round (1-based) named by a fixed placement, or 0.

    Placements of no-shows count too: their round has started all the same.
    """
    rounds = [r for (_, r) in inst.fixed if 1 <= r <= inst.rounds]
    return max(rounds, default=0)


def _pair_masks(pairs: frozenset[tuple[int, int]], pidx: dict[int, int]) -> list[int]:
    """Return, per participant, the bitmask of its partners in ``pairs`` (unknown ids skipped)."""
    masks = [0] * len(pidx)
    for a, b in pairs:
        if a in pidx and b in pidx and a != b:
            masks[pidx[a]] |= 1 << pidx[b]
            masks[pidx[b]] |= 1 << pidx[a]
    return masks


def _avoid_masks(inst: Instance, sidx: dict[int, int]) -> list[int]:
    """Return the stations each participant never visits: avoid list, own organisation's
    stations, and stations visited in an earlier parcours."""
    owners: dict[str, int] = {}
    for j, st in enumerate(inst.stations):
        for org in st.organisations:
            key = norm_org(org)
            if key:
                owners[key] = owners.get(key, 0) | (1 << j)
    return [
        _station_mask(p.avoid, sidx)
        | owners.get(norm_org(p.organisation), 0)
        | _station_mask(inst.visited_before.get(p.id, frozenset()), sidx)
        for p in inst.participants
    ]


def _organisations(inst: Instance) -> tuple[dict[str, int], dict[str, int]]:
    """Return the participants of each organisation (bitmask) and each organisation's index."""
    by_org: dict[str, int] = {}
    for i, p in enumerate(inst.participants):
        key = norm_org(p.organisation)
        if key:
            by_org[key] = by_org.get(key, 0) | (1 << i)
    return by_org, {key: i for i, key in enumerate(sorted(by_org))}


def prepare(inst: Instance) -> Problem:
    """Translate ``inst`` to indices, skipping references to unknown ids."""
    pids = [p.id for p in inst.participants]
    sids = [s.id for s in inst.stations]
    pidx = {pid: i for i, pid in enumerate(pids)}
    sidx = {sid: i for i, sid in enumerate(sids)}
    last = last_fixed_round(inst)
    fixed: dict[tuple[int, int], int] = {}
    for (pid, rnd), sid in inst.fixed.items():
        if pid in pidx and sid in sidx and 1 <= rnd <= last:
            fixed[(pidx[pid], rnd - 1)] = sidx[sid]
    kind_names = sorted({p.kind for p in inst.participants})
    kindx = {k: i for i, k in enumerate(kind_names)}
    by_org, org_index = _organisations(inst)
    return Problem(
        inst=inst,
        pids=pids,
        sids=sids,
        pidx=pidx,
        sidx=sidx,
        cap=[max(0, s.capacity) for s in inst.stations],
        rounds=inst.rounds,
        closed=list(range(last)),
        open=list(range(last, max(inst.rounds, 0))),
        fixed=fixed,
        kind=[kindx[p.kind] for p in inst.participants],
        kind_names=kind_names,
        interests=[_station_mask(p.interests, sidx) for p in inst.participants],
        must=[_station_mask(p.must_visit, sidx) for p in inst.participants],
        forbidden=_pair_masks(inst.forbidden_pairs, pidx),
        avoid=_avoid_masks(inst, sidx),
        colleagues=[
            by_org.get(norm_org(p.organisation), 0) & ~(1 << i)
            for i, p in enumerate(inst.participants)
        ],
        met_before=_pair_masks(inst.met_before, pidx),
        org=[org_index.get(norm_org(p.organisation), -1) for p in inst.participants],
    )
