"""What the 台账 export reads: every task in the ledger's order with the names around it, each
task's last report and who made it, and where each party of a shared task stands.

A few queries per 5,000 tasks, whatever the ledger's size: no query per task.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select as select_columns  # sqlmodel's select types up to 4 columns
from sqlmodel import Session, col, select

from models.access import visible
from models.queries import TaskView, tasks_in_view
from models.reports import PartyStanding, last_report
from models.tables import (
    Department,
    DepartmentRole,
    Person,
    ProgressReport,
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


def ledger_views(
    session: Session, *, person: Person | None, plans: Sequence[int] | None = None
) -> list[TaskView]:
    """The tasks of ``plans`` (every plan when None) that ``person`` may see, or every one
    when ``person`` is None (the command line, as an admin sees it), in the ledger's order:
    plan, then place in the plan."""
    query = select(Task)
    if person is not None:
        query = query.where(visible(session, person=person))
    if plans is not None:
        query = query.where(col(Task.plan_id).in_(list(plans)))
    tasks = list(session.exec(query.order_by(col(Task.plan_id), col(Task.seq))))
    views: list[TaskView] = []
    for start in range(0, len(tasks), _CHUNK):
        views.extend(tasks_in_view(session, tasks[start : start + _CHUNK]))
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
