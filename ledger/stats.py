"""Where the plan stands: counts by status, completion, on time or late, and the lights, for the
whole scope and per lead department and per leader. Plain functions over task views.

A task counts for each of its lead departments (牵头) and each of its leaders; cancelled tasks
count nowhere. A done task is on time when it was completed (models.stats.completed_at) on or
before its deadline in the office's zone, late otherwise; one done without a recorded completion
(imported as done) or without a deadline counts as on time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ledger.lights import Level, Light, Lights, light
from models.access import OPEN_STATUSES
from models.queries import TaskFields, ViewedTask
from models.tables import TaskStatus


@dataclass
class Tally:
    """One group's figures (the whole scope, a department, a leader)."""

    name: str
    total: int = 0  # not counting cancelled tasks
    statuses: Counter[str] = field(default_factory=Counter)
    overdue: int = 0  # open and past the deadline
    on_time: int = 0  # done by the deadline
    late: int = 0  # done after it
    lights: Counter[Level] = field(default_factory=Counter)

    @property
    def done(self) -> int:
        return self.statuses[TaskStatus.done]

    @property
    def open(self) -> int:
        """Not done yet: open, in progress, awaiting review."""
        return sum(self.statuses[status] for status in OPEN_STATUSES)

    @property
    def not_started(self) -> int:
        return self.statuses[TaskStatus.open]

    @property
    def rate(self) -> float:
        """Share done, 0-1 (0 when there is nothing)."""
        return self.done / self.total if self.total else 0.0

    def add(self, view: ViewedTask, *, today: date, lights: Lights, done_on: date | None) -> None:
        """Count the task of ``view``, with its light on ``today``."""
        self.count(view.task, lit=light(view, today, lights), done_on=done_on)

    def count(self, task: TaskFields, *, lit: Light | None, done_on: date | None) -> None:
        """Count ``task``, whose light is ``lit`` (None: closed)."""
        if task.status == TaskStatus.cancelled:
            return
        self.total += 1
        self.statuses[task.status] += 1
        if lit is not None:
            self.lights[lit.level] += 1
            if lit.level == Level.late:
                self.overdue += 1
        if task.status == TaskStatus.done:
            if task.due is None or done_on is None or done_on <= task.due:
                self.on_time += 1
            else:
                self.late += 1


@dataclass
class Standing:
    """The scope's figures, and the same per lead department and per leader (most tasks first)."""

    overall: Tally
    departments: list[Tally]
    leaders: list[Tally]


def standing(
    views: Sequence[ViewedTask],
    *,
    today: date,
    lights: Lights,
    completed: dict[int, datetime],
    zone: ZoneInfo,
) -> Standing:
    """The figures of ``views``; ``completed`` says when done tasks were completed."""

    def done_on(view: ViewedTask) -> date | None:
        at = completed.get(view.task.id or 0)
        return at.astimezone(zone).date() if at is not None else None

    overall = Tally("")
    departments: dict[str, Tally] = {}
    leaders: dict[str, Tally] = {}
    for view in views:
        day = done_on(view)
        lit = light(view, today, lights)  # once a task, whichever groups it counts in
        overall.count(view.task, lit=lit, done_on=day)
        for groups, names in ((departments, view.lead_departments), (leaders, view.leaders)):
            for name in dict.fromkeys(names):
                groups.setdefault(name, Tally(name)).count(view.task, lit=lit, done_on=day)
    return Standing(overall, _ranked(departments.values()), _ranked(leaders.values()))


def _ranked(tallies: Iterable[Tally]) -> list[Tally]:
    return sorted((t for t in tallies if t.total), key=lambda t: (-t.total, t.name))
