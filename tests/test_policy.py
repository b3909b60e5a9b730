"""The reminder policy: which deadline is chased on which day, on the real Chinese calendar."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from nlu.calendar import BUILT_IN, WorkCalendar
from scheduler.policy import (
    Chase,
    Deadline,
    Policy,
    chase,
    escalates,
    escalation,
    next_occurrence,
    reminder_horizon,
    stage,
)


def days(first: str, last: str) -> Iterator[date]:
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    while day <= end:
        yield day
        day += timedelta(days=1)


def schedule(
    deadline: Deadline, first: str, last: str, calendar: WorkCalendar = BUILT_IN
) -> dict[str, Chase]:
    """Every day from ``first`` to ``last`` on which the deadline is chased."""
    found = {}
    for day in days(first, last):
        reminder = chase(deadline, day, calendar)
        if reminder is not None:
            found[day.isoformat()] = reminder
    return found


def test_a_deadline_counts_down_in_working_days_then_is_chased_while_overdue() -> None:
    due = date(2025, 12, 31)
    found = schedule(Deadline(due, "by"), "2025-10-01", "2026-01-31")
    before = {day: c.workdays for day, c in found.items() if c.kind == "before"}
    assert sorted(before.values(), reverse=True) == [30, 14, 7, 3, 1]
    for day, tier in before.items():  # the tier-th working day after the reminder is the deadline
        assert BUILT_IN.add_workdays(date.fromisoformat(day), tier) == due
    assert before["2025-12-22"] == 7 and before["2025-12-26"] == 3 and before["2025-12-30"] == 1
    assert found["2025-12-31"] == Chase("due", due)
    overdue = [day for day, c in found.items() if c.kind == "overdue"]
    # 1-3 January 2026 are off, Sunday 4 January is worked (调休): 4, 5, 6 are days 1-3 late.
    assert overdue[:3] == ["2026-01-06", "2026-01-09", "2026-01-14"]
    assert [found[day].workdays for day in overdue[:3]] == [3, 6, 9]


def test_a_deadline_on_a_holiday_is_reminded_on_the_last_working_day_before_it() -> None:
    due = date(2025, 10, 1)  # National Day; Sunday 28 September 2025 is a make-up working day
    found = schedule(Deadline(due, "by"), "2025-09-01", "2025-10-20")
    assert found["2025-09-30"] == Chase("due", due)
    assert found["2025-09-29"] == Chase("before", due, 1)
    assert found["2025-09-26"] == Chase("before", due, 3)  # 28, 29, 30 September are left
    assert not any("2025-10-01" <= day <= "2025-10-08" for day in found)  # the holiday week
    # Working days after it: 9, 10 and Saturday 11 October (调休).
    assert found["2025-10-11"] == Chase("overdue", due, 3)


def test_nothing_is_ever_sent_on_a_day_off() -> None:
    for kind in ("by", "continuous"):
        for due in (date(2025, 2, 3), date(2025, 5, 1), date(2025, 12, 31), date(2026, 2, 17)):
            for day in schedule(Deadline(due, kind), "2025-01-01", "2026-06-30"):
                assert BUILT_IN.is_workday(date.fromisoformat(day)), (due, day)


@pytest.mark.parametrize("status", ["done", "cancelled", "pending_review"])
def test_finished_cancelled_and_reviewed_tasks_are_never_chased(status: str) -> None:
    deadline = Deadline(date(2025, 6, 30), "by", status=status)
    assert schedule(deadline, "2025-01-01", "2025-12-31") == {}
    assert schedule(Deadline(None, "continuous", status=status), "2025-01-01", "2025-12-31") == {}


def test_in_progress_is_chased_like_open() -> None:
    due = date(2025, 6, 30)
    assert schedule(Deadline(due, "by", status="in_progress"), "2025-05-01", "2025-07-31") == (
        schedule(Deadline(due, "by"), "2025-05-01", "2025-07-31")
    )


def test_open_ended_work_gets_a_progress_request_on_each_months_first_working_day() -> None:
    found = schedule(Deadline(None, "continuous"), "2025-01-01", "2025-12-31")
    assert len(found) == 12 and {c.kind for c in found.values()} == {"progress"}
    assert "2025-01-02" in found  # New Year's Day is off
    assert "2025-02-05" in found  # the Spring Festival holiday ran to 4 February
    assert "2025-10-09" in found  # and National Day to 8 October
    daily = schedule(Deadline(date(2025, 1, 2), "recurring", "workday"), "2025-01-01", "2025-03-31")
    assert list(daily) == ["2025-01-02", "2025-02-05", "2025-03-03"]


def test_a_recurring_deadline_is_chased_per_occurrence_never_for_a_past_one() -> None:
    quarterly = Deadline(date(2025, 3, 31), "recurring", "quarterly")
    found = schedule(quarterly, "2025-01-01", "2025-12-31")
    on_the_day = [day for day, c in found.items() if c.kind == "due"]
    assert on_the_day == ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]
    assert not any(c.kind == "overdue" for c in found.values())
    assert sum(c.kind == "before" for c in found.values()) == 4 * 5
    monthly = Deadline(date(2025, 1, 5), "recurring", "monthly")  # 每月5日前
    tiers = {c.workdays for c in schedule(monthly, "2025-01-01", "2025-12-31").values()}
    assert tiers == {14, 7, 3, 1, 0}  # 30 working days is longer than the cycle


@pytest.mark.parametrize(
    ("first", "recurrence", "on_or_after", "expected"),
    [
        ("2025-01-05", "monthly", "2025-03-06", "2025-04-05"),
        ("2025-01-05", "monthly", "2025-03-05", "2025-03-05"),
        ("2025-01-31", "monthly", "2025-02-01", "2025-02-28"),
        ("2025-01-31", "monthly", "2025-04-01", "2025-04-30"),
        ("2025-03-31", "quarterly", "2025-04-01", "2025-06-30"),
        ("2025-06-30", "semiannual", "2025-07-01", "2025-12-31"),
        ("2025-01-10", "quarterly", "2025-01-11", "2025-04-10"),
        ("2025-03-07", "weekly", "2025-03-08", "2025-03-14"),
        ("2025-06-30", "yearly", "2025-07-01", "2026-06-30"),
        ("2025-06-30", "monthly", "2025-01-01", "2025-06-30"),
    ],
)
def test_the_next_occurrence_of_a_cycle(
    first: str, recurrence: str, on_or_after: str, expected: str
) -> None:
    found = next_occurrence(date.fromisoformat(first), recurrence, date.fromisoformat(on_or_after))
    assert found.isoformat() == expected


def test_the_turn_of_2026_into_2027_counts_new_years_day_off() -> None:
    due = date(2027, 1, 8)
    found = schedule(Deadline(due, "by"), "2026-11-01", "2027-01-31")
    before = {day: c.workdays for day, c in found.items() if c.kind == "before"}
    assert before["2027-01-07"] == 1
    assert before["2027-01-05"] == 3  # Friday 1 January 2027 is New Year's Day
    assert before["2026-12-29"] == 7
    assert found["2027-01-08"] == Chase("due", due)


def test_an_admins_make_up_day_counts_as_a_working_day() -> None:
    @dataclass
    class Row:
        day: date
        workday: bool
        note: str

    due = date(2027, 2, 17)
    plain = schedule(Deadline(due, "by"), "2027-02-01", "2027-02-28")
    worked = WorkCalendar([Row(date(2027, 2, 20), True, "调休")])
    with_makeup = schedule(Deadline(due, "by"), "2027-02-01", "2027-02-28", worked)
    assert "2027-02-20" not in plain
    assert with_makeup["2027-02-20"] == Chase("overdue", due, 3)


def test_a_late_task_is_escalated_once_on_its_fifth_working_day_overdue() -> None:
    deadline = Deadline(date(2025, 6, 30), "by")
    escalated = [
        day for day in days("2025-06-01", "2025-08-31") if escalates(deadline, day, BUILT_IN)
    ]
    assert escalated == [date(2025, 7, 7)]
    assert not any(
        escalates(Deadline(None, "continuous"), day, BUILT_IN)
        for day in days("2025-01-01", "2025-12-31")
    )


def test_the_horizon_covers_every_countdown_of_the_day() -> None:
    policy = Policy()
    deadlines = [Deadline(d, "by") for d in days("2025-01-01", "2025-04-30")]
    for today in days("2025-01-01", "2025-02-28"):
        horizon = reminder_horizon(today, BUILT_IN, policy)
        for deadline in deadlines:
            reminder = chase(deadline, today, BUILT_IN, policy)
            if reminder is not None and reminder.kind in ("before", "due"):
                assert deadline.due is not None and deadline.due <= horizon


def test_on_a_day_the_engine_runs_a_stage_begins_exactly_when_chase_says() -> None:
    deadlines = [
        Deadline(date(2025, 12, 31), "by"),
        Deadline(date(2025, 10, 1), "by"),
        Deadline(date(2025, 3, 31), "recurring", "quarterly"),
        Deadline(date(2025, 1, 5), "recurring", "monthly"),
        Deadline(None, "continuous"),
        Deadline(date(2027, 1, 8), "by"),
    ]
    for deadline in deadlines:
        previous: Chase | None = None
        for day in days("2025-01-01", "2027-02-28"):
            if not BUILT_IN.is_workday(day):
                assert stage(deadline, day, BUILT_IN) is None
                continue
            current = stage(deadline, day, BUILT_IN)
            began = current if current != previous else None
            assert began == chase(deadline, day, BUILT_IN), (deadline, day)
            previous = current


def test_a_stage_missed_while_the_engine_was_down_is_still_current() -> None:
    due = date(2025, 12, 31)
    # Imported (or back up) on 2025-12-24, five working days before: the 7-day stage is due.
    assert stage(Deadline(due, "by"), date(2025, 12, 24), BUILT_IN) == Chase("before", due, 7)
    # Down on the day itself: the next morning still owes the deadline's reminder.
    assert stage(Deadline(due, "by"), date(2026, 1, 4), BUILT_IN) == Chase("due", due)
    assert stage(Deadline(due, "by"), date(2026, 1, 7), BUILT_IN) == Chase("overdue", due, 3)
    assert stage(Deadline(due, "by"), date(2025, 10, 1), BUILT_IN) is None  # too early


def test_the_escalation_stage_begins_on_the_day_escalates_says() -> None:
    deadline = Deadline(date(2025, 6, 30), "by")
    began = next(d for d in days("2025-06-01", "2025-08-31") if escalation(deadline, d, BUILT_IN))
    assert began == date(2025, 7, 7)
    assert escalation(deadline, date(2025, 7, 4), BUILT_IN) is None
    assert escalation(deadline, date(2025, 7, 8), BUILT_IN) == Chase(
        "escalation", date(2025, 6, 30), 6
    )
    assert (
        escalation(Deadline(date(2025, 6, 30), "by", status="done"), date(2025, 8, 1), BUILT_IN)
        is None
    )
