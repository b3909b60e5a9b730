"""督办 lights: red when late, yellow when due soon or behind pace, green otherwise."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.settings import Settings
from ledger.lights import Level, Lights, behind_pace, light
from models.queries import TaskView
from models.tables import Target, Task, TaskStatus

NOW = datetime(2025, 5, 26, 4, tzinfo=UTC)
TODAY = date(2025, 5, 26)


def view(
    due: date | None,
    *,
    status: TaskStatus = TaskStatus.open,
    achieved: float | None = None,
    start: date | None = None,
) -> TaskView:
    task = Task(
        plan_id=1, seq=0, content="x", due=due, start=start, status=status,
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    targets = [] if achieved is None else [
        Target(task_id=1, text="巡展40场", metric="巡展", value=40, unit="场", achieved=achieved)
    ]  # fmt: skip
    return TaskView(task=task, targets=targets)


@pytest.mark.parametrize(
    ("due", "status", "achieved", "level", "reason"),
    [
        (date(2025, 5, 25), TaskStatus.open, None, Level.late, "overdue"),
        (date(2025, 5, 25), TaskStatus.pending_review, None, Level.late, "overdue"),
        (date(2025, 5, 26), TaskStatus.in_progress, None, Level.watch, "soon"),
        (date(2025, 6, 2), TaskStatus.open, None, Level.watch, "soon"),  # 7 days
        (date(2025, 6, 3), TaskStatus.open, None, Level.on_track, "on_track"),
        (None, TaskStatus.open, None, Level.on_track, "on_track"),
        # 2025-05-26 is 40% of the year gone: 4 of 40 (10%) is behind, 16 of 40 (40%) is not.
        (date(2025, 12, 31), TaskStatus.in_progress, 4, Level.watch, "behind"),
        (date(2025, 12, 31), TaskStatus.in_progress, 16, Level.on_track, "on_track"),
    ],
)
def test_each_open_task_has_one_light(
    due: date | None, status: TaskStatus, achieved: float | None, level: Level, reason: str
) -> None:
    found = light(view(due, status=status, achieved=achieved), TODAY, Lights())
    assert found is not None and (found.level, found.reason) == (level, reason)


@pytest.mark.parametrize("status", [TaskStatus.done, TaskStatus.cancelled])
def test_closed_tasks_have_no_light(status: TaskStatus) -> None:
    assert light(view(date(2025, 1, 1), status=status), TODAY, Lights()) is None


def test_pace_counts_from_the_tasks_start_and_allows_the_slack() -> None:
    late_start = view(date(2025, 12, 31), achieved=0, start=date(2025, 5, 10))
    assert not behind_pace(late_start, TODAY, slack=0.1)  # 16 of 235 days: within the slack
    assert behind_pace(view(date(2025, 12, 31), achieved=10), TODAY, slack=0.1)
    assert not behind_pace(view(date(2025, 12, 31), achieved=10), TODAY, slack=0.2)


def test_an_office_names_its_own_colours() -> None:
    lights = Lights.parse("blue, yellow, red", soon_days=5)
    assert lights.mark(Level.on_track) == "🔵" and lights.mark(Level.late) == "🔴"
    assert lights.fill(Level.watch) == "FFEB9C"
    found = light(view(date(2025, 5, 31)), TODAY, lights)
    assert found is not None and found.level == Level.watch
    assert light(view(date(2025, 6, 1)), TODAY, lights) == light(view(None), TODAY, lights)


def test_the_settings_refuse_colours_that_are_not_three_known_ones() -> None:
    assert Settings(_env_file=None, light_colours="blue,yellow,red").lights.on_track == "blue"
    with pytest.raises(ValueError, match="LIGHT_COLOURS"):
        Settings(_env_file=None, light_colours="green,red")
    with pytest.raises(ValueError, match="LIGHT_COLOURS"):
        Settings(_env_file=None, light_colours="green,purple,red")
