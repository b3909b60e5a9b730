"""Where the plan stands: the figures per scope, lead department and leader."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from ledger.lights import Level, Lights
from ledger.stats import standing
from models.queries import TaskView
from models.tables import Task, TaskStatus

NOW = datetime(2025, 5, 26, 4, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")


def task(
    id_: int, status: TaskStatus, due: date | None, leads: list[str], leaders: list[str]
) -> TaskView:
    row = Task(
        id=id_, plan_id=1, seq=id_, content="x", status=status, due=due,
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    return TaskView(task=row, lead_departments=leads, leaders=leaders)


def test_figures_count_each_lead_department_and_leader_and_never_cancelled_tasks() -> None:
    views = [
        task(1, TaskStatus.done, date(2025, 3, 31), ["学会部"], ["陈汉平"]),  # on time
        task(2, TaskStatus.done, date(2025, 3, 31), ["学会部", "组宣部"], ["陈汉平"]),  # late
        task(3, TaskStatus.open, date(2025, 5, 1), ["组宣部"], ["李麟", "陈汉平"]),  # overdue
        task(4, TaskStatus.in_progress, date(2025, 12, 31), ["组宣部"], ["李麟"]),
        task(5, TaskStatus.cancelled, date(2025, 1, 1), ["学会部"], ["李麟"]),
    ]
    completed = {
        1: datetime(2025, 3, 31, 15, tzinfo=UTC),  # 23:00 on the 31st in Shanghai: on time
        2: datetime(2025, 3, 31, 17, tzinfo=UTC),  # 01:00 on 1 April: late
    }
    found = standing(
        views, today=date(2025, 5, 26), lights=Lights(), completed=completed, zone=ZONE
    )
    overall = found.overall
    assert (overall.total, overall.done, overall.open, overall.not_started) == (4, 2, 2, 1)
    assert (overall.on_time, overall.late, overall.overdue) == (1, 1, 1)
    assert overall.rate == 0.5
    assert overall.lights == {Level.late: 1, Level.on_track: 1}
    assert [(t.name, t.total, t.done) for t in found.departments] == [
        ("组宣部", 3, 1),
        ("学会部", 2, 2),
    ]
    assert [(t.name, t.total, t.overdue) for t in found.leaders] == [
        ("陈汉平", 3, 1),
        ("李麟", 2, 1),
    ]
