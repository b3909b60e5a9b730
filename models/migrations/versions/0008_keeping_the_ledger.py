"""keeping the ledger in chat: who left, who oversees what, plans chosen and archived, each
party's own status on a shared task

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PARTIES = ("taskleader", "taskdepartment")


def upgrade() -> None:
    op.create_table(
        "departmentoversight",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id", "department_id"),
    )
    with op.batch_alter_table("departmentoversight", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_departmentoversight_department_id"), ["department_id"], unique=False
        )

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("plan_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_person_plan_id"), ["plan_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_person_plan_id", "plan", ["plan_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("archived_at", models.types.UTCDateTime(timezone=True), nullable=True)
        )

    for table in _PARTIES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "part_status", sa.String(length=16), nullable=False, server_default="open"
                )
            )
            batch_op.add_column(sa.Column("last_report_id", sa.Integer(), nullable=True))
            batch_op.create_index(
                batch_op.f(f"ix_{table}_last_report_id"), ["last_report_id"], unique=False
            )
            batch_op.create_foreign_key(
                f"fk_{table}_last_report_id",
                "progressreport",
                ["last_report_id"],
                ["id"],
                ondelete="SET NULL",
            )


def downgrade() -> None:
    for table in _PARTIES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_last_report_id", type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_last_report_id"))
            batch_op.drop_column("last_report_id")
            batch_op.drop_column("part_status")
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_constraint("fk_person_plan_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_person_plan_id"))
        batch_op.drop_column("plan_id")
        batch_op.drop_column("active")
    with op.batch_alter_table("departmentoversight", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_departmentoversight_department_id"))
    op.drop_table("departmentoversight")
