"""the delivery ledger: one row per message, reminder stages linked to it

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("acknowledged_at", models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "kind", "day", "ref", name="uq_delivery_once"),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_person_id"), ["person_id"], unique=False)
        batch_op.create_index("ix_delivery_status_day", ["status", "day"], unique=False)
    # Nothing was ever sent before this revision: the old per-task status goes.
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_column("status")
        batch_op.drop_column("sent_at")
        batch_op.add_column(sa.Column("delivery_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("repeated_in_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_reminder_delivery_id", "delivery", ["delivery_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_foreign_key(
            "fk_reminder_repeated_in_id",
            "delivery",
            ["repeated_in_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(batch_op.f("ix_reminder_delivery_id"), ["delivery_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_reminder_repeated_in_id"), ["repeated_in_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_repeated_in_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_delivery_id"))
        batch_op.drop_constraint("fk_reminder_repeated_in_id", type_="foreignkey")
        batch_op.drop_constraint("fk_reminder_delivery_id", type_="foreignkey")
        batch_op.drop_column("repeated_in_id")
        batch_op.drop_column("delivery_id")
        batch_op.add_column(
            sa.Column("sent_at", models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="pending")
        )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_status_day")
        batch_op.drop_index(batch_op.f("ix_delivery_person_id"))
    op.drop_table("delivery")
