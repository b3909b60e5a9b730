"""indexes for the sweep's chased tasks

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One per branch of models.reminders.chased_tasks (due soon, open-ended, recurring), so that each
# is an index search among the open tasks; each also serves ix_task_status's lookups.
CHASE_INDEXES = {
    "ix_task_status_due": ["status", "due"],
    "ix_task_status_due_kind": ["status", "due_kind"],
    "ix_task_status_recurrence": ["status", "recurrence"],
}


def upgrade() -> None:
    for name, columns in CHASE_INDEXES.items():
        op.create_index(name, "task", columns, unique=False)
    op.drop_index("ix_task_status", table_name="task")


def downgrade() -> None:
    op.create_index("ix_task_status", "task", ["status"], unique=False)
    for name in CHASE_INDEXES:
        op.drop_index(name, table_name="task")
