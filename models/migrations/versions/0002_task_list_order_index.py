"""task list order index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # (due, plan_id, seq) is the order of every task list; it also serves ix_task_due's lookups.
    op.create_index("ix_task_due_order", "task", ["due", "plan_id", "seq"], unique=False)
    op.drop_index("ix_task_due", table_name="task")


def downgrade() -> None:
    op.create_index("ix_task_due", "task", ["due"], unique=False)
    op.drop_index("ix_task_due_order", table_name="task")
