"""What the 情况通报 reads besides the tasks and their completions: when each task was last
reported on before a moment (a past week's 通报 is written as that week ended)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.tables import ProgressReport

_CHUNK = 5000  # ids per IN list: below SQLite's bound-parameter limit


def last_reported(
    session: Session, *, task_ids: Iterable[int], before: datetime
) -> dict[int, datetime]:
    """When each of these tasks was last reported on (any report: progress, completion)
    before ``before``; tasks with no report by then are left out."""
    ids = sorted(set(task_ids))
    found: dict[int, datetime] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = session.exec(
            select(ProgressReport.task_id, func.max(ProgressReport.created_at))
            .where(
                col(ProgressReport.task_id).in_(ids[start : start + _CHUNK]),
                col(ProgressReport.created_at) < before,
            )
            .group_by(col(ProgressReport.task_id))
        ).all()
        found.update((task_id, at) for task_id, at in rows if at is not None)
    return found
