"""The clock's state machine: actions, auto-advance and catching up after downtime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parcours.domain.clock import (
    ClockFields,
    Part,
    apply,
    auto_advances,
    catch_up,
    following_step,
    remaining,
    unroll,
)
from parcours.domain.errors import Conflict, Invalid

T0 = datetime(2026, 9, 17, 8, 30, tzinfo=UTC)
AGENDA = [
    Part("Welcome", "talk", minutes=10),
    Part("Parcours", "parcours", rounds=3, round_minutes=12, transition_minutes=3),
    Part("Closing", "talk", minutes=5),
]


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def run(*actions: str, agenda: list[Part] = AGENDA) -> ClockFields:
    fields = ClockFields()
    for action in actions:
        fields = apply(agenda, fields, action, T0)
    return fields


def test_unroll_expands_parcours_into_rounds_and_transitions() -> None:
    steps = [(s.segment_index, s.round, s.phase, s.seconds) for s in unroll(AGENDA)]
    assert steps == [
        (0, 0, "running", 600),
        (1, 1, "running", 720),
        (1, 2, "transition", 180),
        (1, 2, "running", 720),
        (1, 3, "transition", 180),
        (1, 3, "running", 720),
        (2, 0, "running", 300),
    ]


def test_no_transition_when_transition_minutes_is_zero() -> None:
    agenda = [Part("P", "parcours", rounds=2, round_minutes=1, transition_minutes=0)]
    assert [s.phase for s in unroll(agenda)] == ["running", "running"]


def test_start_runs_the_first_segment_for_its_minutes() -> None:
    fields = apply(AGENDA, ClockFields(), "start", T0)
    assert (fields.segment_index, fields.round, fields.phase) == (0, 0, "running")
    assert fields.ends_at == at(600)
    assert remaining(AGENDA, fields, at(100)) == 500


def test_before_start_remaining_is_the_full_length_and_next_is_the_first_step() -> None:
    assert remaining(AGENDA, ClockFields(), T0) == 600
    step = following_step(AGENDA, ClockFields())
    assert step is not None and step.segment_index == 0


def test_next_walks_rounds_then_transitions_then_the_next_segment() -> None:
    seen = []
    fields = ClockFields()
    for _ in range(8):
        fields = apply(AGENDA, fields, "next", T0)
        seen.append((fields.segment_index, fields.round, fields.phase))
    assert seen == [
        (0, 0, "running"),
        (1, 1, "running"),
        (1, 2, "transition"),
        (1, 2, "running"),
        (1, 3, "transition"),
        (1, 3, "running"),
        (2, 0, "running"),
        (2, 0, "finished"),
    ]
    with pytest.raises(Conflict):
        apply(AGENDA, fields, "next", T0)


def test_pause_keeps_the_remaining_time_and_resume_restores_it() -> None:
    fields = apply(AGENDA, ClockFields(), "start", T0)
    paused = apply(AGENDA, fields, "pause", at(100))
    assert paused.phase == "paused" and paused.paused_phase == "running"
    assert paused.ends_at is None and paused.remaining_s == 500
    assert remaining(AGENDA, paused, at(9999)) == 500
    resumed = apply(AGENDA, paused, "resume", at(1000))
    assert resumed.phase == "running" and resumed.ends_at == at(1500)
    assert resumed.remaining_s is None and resumed.paused_phase is None


def test_pause_during_a_transition_resumes_the_transition() -> None:
    fields = run("start", "next", "next")
    assert fields.phase == "transition"
    resumed = apply(AGENDA, apply(AGENDA, fields, "pause", T0), "resume", T0)
    assert resumed.phase == "transition" and resumed.round == 2


def test_start_when_paused_resumes() -> None:
    paused = apply(AGENDA, run("start"), "pause", at(60))
    assert apply(AGENDA, paused, "start", at(60)).phase == "running"


@pytest.mark.parametrize(
    ("actions", "action"),
    [
        ((), "pause"),
        ((), "resume"),
        ((), "extend"),
        ((), "previous"),
        (("start",), "start"),
        (("start",), "resume"),
        (("start", "finish"), "finish"),
        (("start", "finish"), "start"),
        (("start", "finish"), "pause"),
    ],
)
def test_actions_that_make_no_sense_now_are_conflicts(
    actions: tuple[str, ...], action: str
) -> None:
    with pytest.raises(Conflict):
        apply(AGENDA, run(*actions), action, T0)


def test_unknown_action_and_empty_agenda() -> None:
    with pytest.raises(Invalid):
        apply(AGENDA, ClockFields(), "rewind", T0)
    with pytest.raises(Conflict):
        apply([], ClockFields(), "start", T0)


def test_extend_adds_seconds_running_and_paused() -> None:
    fields = apply(AGENDA, run("start"), "extend", T0, 120)
    assert fields.ends_at == at(720)
    paused = apply(AGENDA, apply(AGENDA, fields, "pause", at(20)), "extend", at(20), 30)
    assert paused.remaining_s == 730
    assert apply(AGENDA, run("start"), "extend", T0).ends_at == at(660)


def test_extend_with_negative_seconds_never_ends_in_the_past() -> None:
    fields = apply(AGENDA, run("start"), "extend", at(10), -9999)
    assert fields.ends_at == at(10)
    with pytest.raises(Invalid):
        apply(AGENDA, run("start"), "extend", T0, 10**6)


def test_previous_skips_transitions_and_restarts_the_round() -> None:
    fields = run("start", "next", "next", "next")  # round 2 running
    back = apply(AGENDA, fields, "previous", at(5))
    assert (back.segment_index, back.round, back.phase) == (1, 1, "running")
    assert back.ends_at == at(5 + 720)
    transition = run("start", "next", "next")
    assert apply(AGENDA, transition, "previous", T0).round == 1


def test_previous_at_the_first_step_goes_back_to_not_started() -> None:
    assert apply(AGENDA, run("start"), "previous", T0) == ClockFields()


def test_previous_after_finish_reruns_the_last_step() -> None:
    fields = apply(AGENDA, run("start", "finish"), "previous", T0)
    assert (fields.segment_index, fields.phase) == (2, "running")


def test_finish_ends_the_run_of_show() -> None:
    fields = run("start", "finish")
    assert fields.phase == "finished" and fields.ends_at is None
    assert remaining(AGENDA, fields, T0) is None
    assert following_step(AGENDA, fields) is None


def test_auto_advance_only_inside_a_parcours() -> None:
    assert not auto_advances(AGENDA, run("start"))  # a talk waits for the facilitator
    assert auto_advances(AGENDA, run("start", "next"))  # round 1 -> transition
    last_round = run("start", *["next"] * 5)
    assert last_round.round == 3 and not auto_advances(AGENDA, last_round)
    assert not auto_advances(AGENDA, apply(AGENDA, run("start", "next"), "pause", T0))


def test_catch_up_moves_one_step_when_its_deadline_passed() -> None:
    round1 = run("start", "next")
    assert catch_up(AGENDA, round1, at(719)) is None
    moved = catch_up(AGENDA, round1, at(720))
    assert moved is not None
    assert (moved.round, moved.phase, moved.ends_at) == (2, "transition", at(900))


def test_catch_up_after_a_long_outage_lands_on_the_scheduled_step() -> None:
    round1 = run("start", "next")  # round 1 ends at 720, transition to 900, round 2 to 1620
    moved = catch_up(AGENDA, round1, at(1000))
    assert moved is not None
    assert (moved.round, moved.phase, moved.ends_at) == (2, "running", at(1620))
    end = catch_up(AGENDA, round1, at(99999))
    assert end is not None
    assert (end.segment_index, end.round, end.phase) == (1, 3, "running")  # waits at its end


def test_catch_up_never_touches_paused_or_talks() -> None:
    assert catch_up(AGENDA, run("start"), at(99999)) is None
    paused = apply(AGENDA, run("start", "next"), "pause", T0)
    assert catch_up(AGENDA, paused, at(99999)) is None


def test_a_stale_clock_after_the_agenda_shrank_still_moves() -> None:
    stale = ClockFields(segment_index=1, round=5, phase="running", ends_at=T0)
    fields = apply(AGENDA, stale, "next", T0)
    assert (fields.segment_index, fields.phase) == (2, "running")
