"""What the statistics read: the tasks someone may see, and when each done task was completed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.access import visible
from models.queries import TaskView, tasks_in_view
from models.tables import AuditEvent, Person, Task

# The audit events that close a task as done (models.reports): at once, or on review.
COMPLETED = ("task.completed", "task.approved")
_CHUNK = 5000


def tasks_seen(
    session: Session, *, person: Person, plans: Sequence[int] | None = None
) -> list[TaskView]:
    """Every task ``person`` may see (of ``plans``; every plan when None), in the ledger's order."""
    where = [visible(session, person=person)]
    if plans is not None:
        where.append(col(Task.plan_id).in_(list(plans)))
    tasks = list(
        session.exec(select(Task).where(*where).order_by(col(Task.plan_id), col(Task.seq)))
    )
    return tasks_in_view(session, tasks)


def completed_at(session: Session, *, task_ids: Iterable[int]) -> dict[int, datetime]:
    """When each of these tasks was last completed (accepted as done), for those that were."""
    ids = sorted(set(task_ids))
    found: dict[int, datetime] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = session.exec(
            select(AuditEvent.task_id, func.max(AuditEvent.at))
            .where(col(AuditEvent.task_id).in_(chunk), col(AuditEvent.action).in_(COMPLETED))
            .group_by(col(AuditEvent.task_id))
        ).all()
        found.update((task_id, at) for task_id, at in rows if task_id is not None)
    return found
