"""reports by message, completion review, extensions, task aliases, chat state

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chatstate",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "name", "key"),
    )
    op.create_table(
        "taskalias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phrase", sa.String(length=100), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("phrase", "task_id", name="uq_alias_phrase_task"),
    )
    with op.batch_alter_table("taskalias", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_taskalias_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_taskalias_phrase"), ["phrase"], unique=False)
        batch_op.create_index(batch_op.f("ix_taskalias_task_id"), ["task_id"], unique=False)

    with op.batch_alter_table("extensionrequest", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_due", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("granted_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("decision_note", sa.Text(), nullable=True))

    with op.batch_alter_table("progressreport", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("percent", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("attachments", sa.Text(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("reviewed_at", models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_progressreport_reviewed_by_id"), ["reviewed_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_progressreport_target_id"), ["target_id"], unique=False
        )
        batch_op.create_foreign_key(
            "fk_progressreport_target_id", "target", ["target_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_foreign_key(
            "fk_progressreport_reviewed_by_id",
            "person",
            ["reviewed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("progressreport", schema=None) as batch_op:
        batch_op.drop_constraint("fk_progressreport_reviewed_by_id", type_="foreignkey")
        batch_op.drop_constraint("fk_progressreport_target_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_progressreport_target_id"))
        batch_op.drop_index(batch_op.f("ix_progressreport_reviewed_by_id"))
        batch_op.drop_column("review_note")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("reviewed_by_id")
        batch_op.drop_column("attachments")
        batch_op.drop_column("note")
        batch_op.drop_column("percent")
        batch_op.drop_column("target_id")

    with op.batch_alter_table("extensionrequest", schema=None) as batch_op:
        batch_op.drop_column("decision_note")
        batch_op.drop_column("granted_due")
        batch_op.drop_column("late")
        batch_op.drop_column("previous_due")

    with op.batch_alter_table("taskalias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taskalias_task_id"))
        batch_op.drop_index(batch_op.f("ix_taskalias_phrase"))
        batch_op.drop_index(batch_op.f("ix_taskalias_created_by_id"))

    op.drop_table("taskalias")
    op.drop_table("chatstate")
