"""What the 台账 export reads: every task in the ledger's order with the names around it, each
task's last report and who made it, and where each party of a shared task stands.

A few queries per 5,000 tasks, whatever the ledger's size: no query per task. The tasks and
their targets are read as plain rows (LedgerView), not as ORM objects: an export only reads
them, and as ORM objects 10,000 tasks with their 30,000 targets come with some 300,000 more
objects (each one's state, instance dict, weak reference...) for the garbage collector to go
over again and again while they live.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select as select_columns  # sqlmodel's select types up to 4 columns
from sqlmodel import Session, col, select

from models.access import visible
from models.queries import names_around, plan_titles
from models.reports import PartyStanding, last_report
from models.tables import (
    Department,
    DepartmentRole,
    Person,
    ProgressReport,
    Target,
    Task,
    TaskDepartment,
    TaskLeader,
)

_CHUNK = 5000  # ids per IN list: below SQLite's bound-parameter limit


@dataclass(frozen=True)
class LastReport:
    """A task's latest report, with the name of who made it (None: someone since removed)."""

    report: ProgressReport
    by: str | None


class TaskRow(NamedTuple):
    """A task's own fields (models.queries.TaskFields)."""

    id: int
    plan_id: int
    seq: int
    number: str | None
    category: str | None
    focus: str | None
    content: str
    measures: str | None
    due: date | None
    due_text: str | None
    start: date | None
    status: str


class TargetRow(NamedTuple):
    """A target's figures (models.queries.TargetFigures)."""

    metric: str
    value: float
    unit: str
    achieved: float


class LedgerView(NamedTuple):
    """A task with the names around it, as models.queries.TaskView has them
    (models.queries.ViewedTask)."""

    task: TaskRow
    plan_title: str
    leaders: tuple[str, ...]
    lead_departments: tuple[str, ...]
    responsible: tuple[str, ...]
    targets: tuple[TargetRow, ...]


def ledger_views(
    session: Session, *, person: Person | None, plans: Sequence[int] | None = None
) -> list[LedgerView]:
    """The tasks of ``plans`` (every plan when None) that ``person`` may see, or every one
    when ``person`` is None (the command line, as an admin sees it), in the ledger's order:
    plan, then place in the plan."""
    query = select_columns(*(getattr(Task, name) for name in TaskRow._fields))  # same names
    if person is not None:
        query = query.where(visible(session, person=person))
    if plans is not None:
        query = query.where(col(Task.plan_id).in_(list(plans)))
    tasks = [
        TaskRow(*row) for row in session.execute(query.order_by(col(Task.plan_id), col(Task.seq)))
    ]
    titles = plan_titles(session, plan_ids={task.plan_id for task in tasks})
    views: list[LedgerView] = []
    for start in range(0, len(tasks), _CHUNK):
        chunk = tasks[start : start + _CHUNK]
        ids = [task.id for task in chunk]
        names = names_around(session, task_ids=ids)
        targets: dict[int, list[TargetRow]] = {}
        for task_id, *figures in session.execute(
            select_columns(col(Target.task_id), *(getattr(Target, f) for f in TargetRow._fields))
            .where(col(Target.task_id).in_(ids))
            .order_by(col(Target.position))
        ):
            targets.setdefault(task_id, []).append(TargetRow(*figures))
        views.extend(
            LedgerView(
                task,
                titles.get(task.plan_id, ""),
                tuple(names.leaders.get(task.id, ())),
                tuple(names.lead_departments.get(task.id, ())),
                tuple(names.responsible.get(task.id, ())),
                tuple(targets.get(task.id, ())),
            )
            for task in chunk
        )
    return views


def last_reports(session: Session, *, task_ids: Iterable[int]) -> dict[int, LastReport]:
    """Each task's latest report and its reporter's name; tasks never reported on are left out."""
    reports = last_report(session, task_ids=task_ids)
    people = sorted({r.person_id for r in reports.values() if r.person_id is not None})
    names: dict[int, str] = {}
    for start in range(0, len(people), _CHUNK):
        rows = session.exec(
            select(Person.id, Person.name).where(col(Person.id).in_(people[start : start + _CHUNK]))
        )
        names.update((id_, name) for id_, name in rows if id_ is not None)
    return {
        task_id: LastReport(report, names.get(report.person_id or 0))
        for task_id, report in reports.items()
    }


def parties_of(session: Session, *, task_ids: Iterable[int]) -> dict[int, list[PartyStanding]]:
    """Every party of each task and where its part stands, as models.reports.task_parties gives
    them for one task: the leaders in their order, then the lead departments, then the
    responsible ones. Tasks with no party are left out."""
    ids = sorted(set(task_ids))
    found: dict[int, list[PartyStanding]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        leaders = session.execute(
            select_columns(*_columns(TaskLeader, Person.name, TaskLeader.position))
            .join(Person, col(Person.id) == TaskLeader.person_id)
            .outerjoin(ProgressReport, col(ProgressReport.id) == TaskLeader.last_report_id)
            .where(col(TaskLeader.task_id).in_(chunk))
            .order_by(col(TaskLeader.task_id), col(TaskLeader.position), col(Person.id))
        ).all()
        for task_id, name, position, status, at in leaders:
            found.setdefault(task_id, []).append(
                PartyStanding("leader", name, position == 0, status, at)
            )
        departments = session.execute(
            select_columns(*_columns(TaskDepartment, Department.name, TaskDepartment.role))
            .join(Department, col(Department.id) == TaskDepartment.department_id)
            .outerjoin(ProgressReport, col(ProgressReport.id) == TaskDepartment.last_report_id)
            .where(col(TaskDepartment.task_id).in_(chunk))
            .order_by(
                col(TaskDepartment.task_id),
                col(TaskDepartment.role) != DepartmentRole.lead,
                col(TaskDepartment.position),
                col(Department.id),
            )
        ).all()
        for task_id, name, role, status, at in departments:
            found.setdefault(task_id, []).append(
                PartyStanding("department", name, role == DepartmentRole.lead, status, at)
            )
    return found


def _columns(link: type[TaskLeader] | type[TaskDepartment], name: Any, place: Any) -> list[Any]:
    """A party's columns: its task, its name, its place, its part and when it last reported."""
    return [
        col(link.task_id),
        name,
        place,
        col(link.part_status),
        col(ProgressReport.created_at),
    ]
