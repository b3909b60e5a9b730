"""督办 lights (红黄绿灯): one colour per open task, computed here and shown everywhere.

The rule, over an open task (open, in progress, awaiting review) and ``today``:

- **red** (``late``): its deadline has passed;
- **yellow** (``watch``): its deadline is within ``soon_days`` days, or it is behind its
  targets' pace — the share achieved of its least advanced target is more than ``pace_slack``
  below the share of its time gone (from its start, else the first day of its deadline's year,
  to its deadline);
- **green** (``on_track``): otherwise, and for work without a date (持续推进).

Closed tasks (done, cancelled) have no light. Offices name and colour the three levels their own
way (红黄绿, or 蓝黄红 where blue means on track): the level is the policy, the colour a setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from nlu.i18n import N_, Translate

if TYPE_CHECKING:
    from models.queries import ViewedTask
    from models.tables import TaskStatus


class Level(StrEnum):
    on_track = "on_track"
    watch = "watch"
    late = "late"


# The colours an office may give a level, with the mark a chat shows and a cell's fill.
COLOURS: dict[str, tuple[str, str, str]] = {  # colour: (mark, name, fill RGB)
    "green": ("🟢", N_("green"), "C6EFCE"),
    "blue": ("🔵", N_("blue"), "BDD7EE"),
    "yellow": ("🟡", N_("yellow"), "FFEB9C"),
    "orange": ("🟠", N_("orange"), "F8CBAD"),
    "red": ("🔴", N_("red"), "FFC7CE"),
}
REASONS = {
    "overdue": N_("overdue"),
    "soon": N_("due within {days} days"),
    "behind": N_("behind its targets' pace"),
    "on_track": N_("on track"),
}


@dataclass(frozen=True)
class Lights:
    """An office's lights: the colour of each level, and when a task turns yellow."""

    on_track: str = "green"
    watch: str = "yellow"
    late: str = "red"
    soon_days: int = 7
    pace_slack: float = 0.1

    @classmethod
    def parse(cls, colours: str, *, soon_days: int = 7, pace_slack: float = 0.1) -> Lights:
        """From "green,yellow,red" (or "blue,yellow,red"); ValueError for anything else."""
        parts = [part.strip().lower() for part in colours.replace("，", ",").split(",")]
        if len(parts) != 3 or any(part not in COLOURS for part in parts):
            names = ", ".join(COLOURS)
            raise ValueError(f"three colours of {names}, on track first: {colours!r}")
        on_track, watch, late = parts
        return cls(on_track, watch, late, soon_days=soon_days, pace_slack=pace_slack)

    def colour(self, level: Level) -> str:
        return {Level.on_track: self.on_track, Level.watch: self.watch, Level.late: self.late}[
            level
        ]

    def mark(self, level: Level) -> str:
        return COLOURS[self.colour(level)][0]

    def name(self, level: Level, _: Translate) -> str:
        return _(COLOURS[self.colour(level)][1])

    def fill(self, level: Level) -> str:
        return COLOURS[self.colour(level)][2]


@dataclass(frozen=True)
class Light:
    level: Level
    reason: str  # a key of REASONS

    def why(self, lights: Lights, _: Translate) -> str:
        return _(REASONS[self.reason]).format(days=lights.soon_days)


def light(view: ViewedTask, today: date, lights: Lights) -> Light | None:
    """The task's light on ``today``; None for a closed task."""
    task = view.task
    if task.status not in _open_statuses():
        return None
    if task.due is not None and task.due < today:
        return Light(Level.late, "overdue")
    if task.due is not None and (task.due - today).days <= lights.soon_days:
        return Light(Level.watch, "soon")
    if behind_pace(view, today, slack=lights.pace_slack):
        return Light(Level.watch, "behind")
    return Light(Level.on_track, "on_track")


def behind_pace(view: ViewedTask, today: date, *, slack: float) -> bool:
    """True when the least advanced target lags the share of time gone by more than ``slack``."""
    task = view.task
    targets = [target for target in view.targets if target.value > 0]
    if task.due is None or not targets:
        return False
    start = task.start or date(task.due.year, 1, 1)
    span = (task.due - start).days
    if span <= 0 or today <= start:
        return False
    gone = min(1.0, (today - start).days / span)
    done = min(min(target.achieved / target.value for target in targets), 1.0)
    return done < gone - slack


@cache
def _open_statuses() -> tuple[TaskStatus, ...]:
    """models.access.OPEN_STATUSES, imported when a light is first asked for: bot.settings
    imports this module for Lights, and a command that lights no task (parse-date) need not
    load the database layer for it."""
    from models.access import OPEN_STATUSES

    return OPEN_STATUSES
