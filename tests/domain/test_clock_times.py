"""Clock times people can plan by: the planned schedule from the event's start, and expected
times that follow the live clock when the facilitator extends or pauses."""

from __future__ import annotations

from datetime import timedelta

from parcours.domain.clock import ClockFields, apply, expected, schedule
from tests.domain.test_clock import AGENDA, T0, at


def hm(moment: object) -> str:
    return moment.strftime("%H:%M") if moment is not None else "-"  # type: ignore[attr-defined]


def test_schedule_from_the_start() -> None:
    slots = schedule(AGENDA, T0)
    assert [(s.step.segment_index, s.step.round, s.step.phase) for s in slots][:3] == [
        (0, 0, "running"),
        (1, 1, "running"),
        (1, 2, "transition"),
    ]
    assert [(hm(s.start), hm(s.end)) for s in slots] == [
        ("08:30", "08:40"),  # welcome, 10 min
        ("08:40", "08:52"),  # round 1
        ("08:52", "08:55"),  # change
        ("08:55", "09:07"),  # round 2
        ("09:07", "09:10"),
        ("09:10", "09:22"),  # round 3
        ("09:22", "09:27"),  # closing
    ]


def test_expected_times_follow_extend_and_pause() -> None:
    # before the start, with the start still ahead: the plan
    slots, floating = expected(AGENDA, ClockFields(), T0 - timedelta(hours=1), T0)
    assert not floating and hm(slots[-1].end) == "09:27"
    # not started although the start has passed: everything from now, and it floats
    slots, floating = expected(AGENDA, ClockFields(), at(300), T0)
    assert floating and hm(slots[-1].end) == "09:32"
    # in round 1 (started at 08:40), then extended by 5 minutes: everything after moves
    fields = apply(AGENDA, apply(AGENDA, ClockFields(), "start", T0), "next", at(600))
    slots, floating = expected(AGENDA, fields, at(700), None)
    assert not floating and slots[0].start is None and hm(slots[0].end) == "08:52"
    assert hm(slots[-2].end) == "09:22"
    fields = apply(AGENDA, fields, "extend", at(700), 300)
    slots, _floating = expected(AGENDA, fields, at(700), None)
    assert hm(slots[0].end) == "08:57" and hm(slots[-2].end) == "09:27"
    # paused with 2 minutes left at 08:55: the rest follows "now", so the times float
    fields = apply(AGENDA, fields, "pause", at(1500))
    slots, floating = expected(AGENDA, fields, at(1500), None)
    assert floating and hm(slots[0].end) == "08:57" and hm(slots[-2].end) == "09:27"
    slots, floating = expected(AGENDA, fields, at(2100), None)  # ten minutes later
    assert hm(slots[0].end) == "09:07" and hm(slots[-2].end) == "09:37"
    # finished: nothing to come
    assert expected(AGENDA, apply(AGENDA, fields, "finish", at(2100)), at(2100), None) == (
        [],
        False,
    )
