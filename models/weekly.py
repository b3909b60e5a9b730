"""The weekly digest's queries: who may get one, who got this week's, when each task last moved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.queries import TaskView, tasks_in_view
from models.reminders import CHASED_STATUSES, Recipient, in_live_plan, recipients
from models.tables import AuditEvent, Delivery, Person, ProgressReport, Role, Task


@dataclass(frozen=True)
class TaskActivity:
    """A chased task and the last time anything happened to it."""

    task_id: int
    number: str | None
    due: date | None
    last: datetime  # the latest of its last change, progress report and audit event


def leaders_and_admins(session: Session) -> list[Recipient]:
    """Everyone a weekly digest may go to, bound to a chat or not, by id."""
    ids = session.exec(
        select(Person.id).where(col(Person.role).in_((Role.leader, Role.admin)))
    ).all()
    found = recipients(session, ids=[person_id for person_id in ids if person_id is not None])
    return [found[person_id] for person_id in sorted(found)]


def delivered(session: Session, *, kind: str, day: date) -> set[int]:
    """The people who have a delivery of ``kind`` for ``day``, whatever became of it."""
    return set(
        session.exec(
            select(Delivery.person_id).where(Delivery.kind == kind, Delivery.day == day)
        ).all()
    )


def last_activity(session: Session) -> list[TaskActivity]:
    """Every open or in-progress task with the moment it last moved: changed, reported on, or
    named in the audit trail (imports, revisions, reviews, nudges)."""
    chased = col(Task.status).in_(CHASED_STATUSES) & in_live_plan()
    ids = select(Task.id).where(chased)
    reported: dict[int, datetime] = dict(
        session.exec(
            select(ProgressReport.task_id, func.max(ProgressReport.created_at))
            .where(col(ProgressReport.task_id).in_(ids))
            .group_by(col(ProgressReport.task_id))
        ).all()
    )
    audited: dict[int, datetime] = {
        task_id: at
        for task_id, at in session.exec(
            select(AuditEvent.task_id, func.max(AuditEvent.at))
            .where(col(AuditEvent.task_id).in_(ids))
            .group_by(col(AuditEvent.task_id))
        )
        if task_id is not None
    }
    found: list[TaskActivity] = []
    for task_id, number, due, updated in session.exec(
        select(col(Task.id), col(Task.number), col(Task.due), col(Task.updated_at)).where(chased)
    ):
        if task_id is None:
            continue
        moments = (updated, reported.get(task_id), audited.get(task_id))
        found.append(TaskActivity(task_id, number, due, max(m for m in moments if m)))
    return found


def task_views(session: Session, *, ids: Sequence[int]) -> list[TaskView]:
    """These tasks with the names around them, in the order given."""
    tasks = {task.id: task for task in session.exec(select(Task).where(col(Task.id).in_(ids)))}
    return tasks_in_view(session, [tasks[task_id] for task_id in ids if task_id in tasks])
