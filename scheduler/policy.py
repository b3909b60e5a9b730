"""When a task's people are chased: pure functions of its deadline, the calendar and today.

* A dated deadline counts down in working days: a reminder on the working days 30, 14, 7, 3 and
  1 working days before it (``Policy.tiers``), one on the day, then one every 3 working days
  while it is overdue. "N working days before" counts the working days after the reminder day
  up to the deadline, so a deadline that falls on a holiday is reminded "on the day" on the last
  working day before it, never after.
* Open-ended work (持续推进, 长期坚持, and daily cycles) gets a progress request on the first
  working day of each month instead of a countdown.
* A recurring deadline (每月5日前, 每季度末) counts down to each occurrence, with only the tiers
  shorter than its cycle; once an occurrence has passed, the next one is chased, not the old.
* Nothing is sent on a day off, and only open or in-progress tasks are chased: done, cancelled
  and pending-review tasks never are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from ledger.lights import Lights
from nlu.calendar import WorkCalendar, add_months, month_end

ChaseKind = Literal["before", "due", "overdue", "progress", "escalation"]

# Statuses that are chased (models.tables.TaskStatus values; the policy knows no tables).
CHASED = frozenset({"open", "in_progress"})
# The length of each cycle in days, to leave out tiers as long as the cycle itself.
_CYCLE_DAYS = {"weekly": 7, "monthly": 28, "quarterly": 90, "semiannual": 181, "yearly": 365}
# Daily cycles are reminded like open-ended work: a countdown every day would be noise.
_OPEN_ENDED_CYCLES = frozenset({"daily", "workday"})


@dataclass(frozen=True)
class Policy:
    """The office's reminder settings."""

    tiers: tuple[int, ...] = (30, 14, 7, 3, 1)  # working days before a deadline
    overdue_every: int = 3  # working days between reminders while overdue
    escalate_after: int = 5  # working days overdue before the lead leader and admins hear
    lights: Lights = field(default_factory=Lights)  # how digests colour each task (督办灯)

    @property
    def horizon(self) -> int:
        """The most working days ahead that a reminder looks."""
        return max(self.tiers, default=0)


@dataclass(frozen=True)
class Deadline:
    """What the policy needs of a task: its deadline as stored, its kind and its status."""

    due: date | None
    kind: str  # nlu.deadline kinds: by, on, range, relative, recurring, continuous, unknown
    recurrence: str | None = None
    status: str = "open"


@dataclass(frozen=True)
class Chase:
    """A reminder due today: about which deadline (or occurrence), and how far off it is."""

    kind: ChaseKind
    due: date | None
    workdays: int = 0  # before: working days left; overdue: working days late


# A sweep asks the same few spans (today to each deadline) for thousands of tasks; a
# WorkCalendar is immutable, so a span's count holds for as long as its calendar lives.
@lru_cache(maxsize=4096)
def workdays_after(calendar: WorkCalendar, start: date, end: date) -> int:
    """The working days in (start, end]: after ``start``, up to and including ``end``."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_workday(day)
    return count


def first_workday_of_month(calendar: WorkCalendar, day: date) -> date:
    """The first working day of ``day``'s month."""
    return calendar.next_workday(day.replace(day=1))


def next_occurrence(first: date, recurrence: str, on_or_after: date) -> date:
    """The occurrence of a cycle that started at ``first`` on or after a day.

    Monthly and longer cycles keep ``first``'s day of the month (a month's end stays the month's
    end: 每季度末); weekly ones keep its weekday.
    """
    if on_or_after <= first:
        return first
    if recurrence == "weekly":
        return on_or_after + timedelta(days=(first.weekday() - on_or_after.weekday()) % 7)
    step = {"monthly": 1, "quarterly": 3, "semiannual": 6, "yearly": 12}.get(recurrence)
    if step is None:
        return on_or_after  # daily and working-day cycles fall due every day
    at_month_end = first == month_end(first.year, first.month)
    months = (on_or_after.year - first.year) * 12 + on_or_after.month - first.month
    k = max(0, months // step - 1)
    while True:
        candidate = add_months(first, k * step)
        if at_month_end:
            candidate = month_end(candidate.year, candidate.month)
        if candidate >= on_or_after:
            return candidate
        k += 1


def open_ended(deadline: Deadline) -> bool:
    """Work with no countdown (持续推进, daily cycles): asked for progress monthly instead."""
    return deadline.kind == "continuous" or deadline.recurrence in _OPEN_ENDED_CYCLES


def _countdown(
    due: date, today: date, calendar: WorkCalendar, tiers: tuple[int, ...]
) -> Chase | None:
    """A dated deadline not passed yet: a tier, or the day itself."""
    left = workdays_after(calendar, today, due)
    if left == 0:
        return Chase("due", due)  # the deadline, or the last working day before it
    if left in tiers:
        return Chase("before", due, left)
    return None


def chase(
    deadline: Deadline, today: date, calendar: WorkCalendar, policy: Policy = Policy()
) -> Chase | None:
    """The reminder a task gets on ``today``, or None."""
    if deadline.status not in CHASED or not calendar.is_workday(today):
        return None
    if open_ended(deadline):
        if today == first_workday_of_month(calendar, today):
            return Chase("progress", today.replace(day=1))  # the month it asks about
        return None
    if deadline.due is None:
        return None  # no date could be read: the clerk is warned at import, not here
    if deadline.kind == "recurring" and deadline.recurrence:
        occurrence = next_occurrence(deadline.due, deadline.recurrence, today)
        cycle = _CYCLE_DAYS.get(deadline.recurrence, 365)
        # A working day is at least 1/7 of a week: shorter tiers than the cycle, in days.
        tiers = tuple(tier for tier in policy.tiers if tier * 7 / 5 < cycle)
        return _countdown(occurrence, today, calendar, tiers)
    if today <= deadline.due:
        return _countdown(deadline.due, today, calendar, policy.tiers)
    late = workdays_after(calendar, deadline.due, today)
    if late > 0 and late % policy.overdue_every == 0:
        return Chase("overdue", deadline.due, late)
    return None


def stage(
    deadline: Deadline, today: date, calendar: WorkCalendar, policy: Policy = Policy()
) -> Chase | None:
    """The reminder stage a task is in on ``today``: the last one ``chase`` reached, or None.

    The sweep sends a stage once per task and person (the delivery ledger remembers which), so
    a bot that was down on the day a stage began still sends it when it comes back, and a task
    imported 5 working days before its deadline gets its 7-day reminder at once. On a day the
    engine runs throughout, a stage begins exactly when ``chase`` says.
    """
    if deadline.status not in CHASED or not calendar.is_workday(today):
        return None
    if open_ended(deadline):
        if today >= first_workday_of_month(calendar, today):
            return Chase("progress", today.replace(day=1))
        return None
    if deadline.due is None:
        return None
    due, tiers = deadline.due, policy.tiers
    if deadline.kind == "recurring" and deadline.recurrence:
        due = next_occurrence(deadline.due, deadline.recurrence, today)
        cycle = _CYCLE_DAYS.get(deadline.recurrence, 365)
        tiers = tuple(tier for tier in policy.tiers if tier * 7 / 5 < cycle)
    elif today > due:
        late = workdays_after(calendar, due, today)
        if late >= policy.overdue_every:
            every = policy.overdue_every
            return Chase("overdue", due, late - late % every)
        return Chase("due", due)  # the day's reminder, sent late if the engine was down
    left = workdays_after(calendar, today, due)
    if left == 0:
        return Chase("due", due)
    reached = [tier for tier in tiers if tier >= left]
    return Chase("before", due, min(reached)) if reached else None


def escalates(
    deadline: Deadline, today: date, calendar: WorkCalendar, policy: Policy = Policy()
) -> bool:
    """Whether today the lead leader and the admins are told that this task is late."""
    if deadline.status not in CHASED or deadline.due is None or deadline.kind == "recurring":
        return False
    if deadline.kind == "continuous" or not calendar.is_workday(today) or today <= deadline.due:
        return False
    return workdays_after(calendar, deadline.due, today) == policy.escalate_after


def escalation(
    deadline: Deadline, today: date, calendar: WorkCalendar, policy: Policy = Policy()
) -> Chase | None:
    """The escalation a late task is in: from ``escalate_after`` working days late on, once
    sent (the ledger remembers) it is not sent again; like ``stage``, it survives downtime."""
    if deadline.status not in CHASED or deadline.due is None or deadline.kind == "recurring":
        return None
    if deadline.kind == "continuous" or not calendar.is_workday(today) or today <= deadline.due:
        return None
    late = workdays_after(calendar, deadline.due, today)
    return Chase("escalation", deadline.due, late) if late >= policy.escalate_after else None


def reminder_horizon(today: date, calendar: WorkCalendar, policy: Policy = Policy()) -> date:
    """The last deadline a countdown reminder can be about today (for the sweep's query)."""
    return calendar.add_workdays(today, policy.horizon + 1) - timedelta(days=1)
