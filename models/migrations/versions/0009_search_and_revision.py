"""full-text search over tasks, and the ledger's revision kept by triggers

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

from models.search import TABLE, reindex
from models.tables import MERGED_NUMBER

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What a change must touch to move the revision: (table, columns whose update counts).
# Names (people, departments, who leads), plans and tasks' words and whether they are
# cancelled; a report's progress or a deadline moved does not.
_WATCHED: dict[str, tuple[str, ...]] = {
    "task": ("focus", "content", "measures", "plan_id"),
    "person": ("name", "role", "active", "department_id"),
    "department": ("name",),
    "taskleader": ("person_id",),
    "plan": ("title", "year", "archived_at"),
}
_CANCELLED = "(OLD.status = 'cancelled') IS DISTINCT FROM (NEW.status = 'cancelled')"


def _changed(table: str, *, sqlite: bool) -> str:
    differ = "IS NOT" if sqlite else "IS DISTINCT FROM"
    checks = [f"OLD.{name} {differ} NEW.{name}" for name in _WATCHED[table]]
    if table == "task":
        checks.append(_CANCELLED.replace("IS DISTINCT FROM", differ))
    return " OR ".join(checks)


_SQLITE_BUMP = (
    "INSERT INTO ledgerrevision (id, value) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET value = value + 1;"
)

# Once per transaction on PostgreSQL: every later change in it finds the row already moved,
# so a bulk import does not rewrite the one row a hundred thousand times.
_PG_BUMP = """
CREATE FUNCTION ledger_revision_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledgerrevision (id, value, txid) VALUES (1, 1, txid_current())
    ON CONFLICT (id) DO UPDATE SET value = ledgerrevision.value + 1, txid = EXCLUDED.txid
    WHERE ledgerrevision.txid IS DISTINCT FROM EXCLUDED.txid;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.create_table(
        "ledgerrevision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO ledgerrevision (id, value) VALUES (1, 0)")
    # A list's capped count reads the deadline index alone when it holds the status too.
    op.drop_index("ix_task_due_order", table_name="task")
    op.create_index("ix_task_due_order", "task", ["due", "plan_id", "seq", "status"])
    op.create_index(
        "ix_task_merged_number",
        "task",
        ["plan_id", "number"],
        sqlite_where=sa.text(MERGED_NUMBER),
        postgresql_where=sa.text(MERGED_NUMBER),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_up()
    else:
        _sqlite_up()
    reindex(Session(bind=op.get_bind()))


def _sqlite_up() -> None:
    op.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title, body, tokenize = 'unicode61')")
    # How many tasks hold each token: what task matching weighs words by.
    op.execute(f"CREATE VIRTUAL TABLE {TABLE}_vocab USING fts5vocab({TABLE}, 'row')")
    op.execute(
        f"CREATE TRIGGER {TABLE}_task_deleted AFTER DELETE ON task "
        f"BEGIN DELETE FROM {TABLE} WHERE rowid = OLD.id; END"
    )
    for table in _WATCHED:
        for event in ("INSERT", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ledger_revision_{table}_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN {_SQLITE_BUMP} END"
            )
        op.execute(
            f"CREATE TRIGGER ledger_revision_{table}_update AFTER UPDATE ON {table} "
            f"WHEN {_changed(table, sqlite=True)} BEGIN {_SQLITE_BUMP} END"
        )


def _postgresql_up() -> None:
    op.execute(
        f"CREATE TABLE {TABLE} (task_id integer PRIMARY KEY "
        "REFERENCES task (id) ON DELETE CASCADE, doc tsvector NOT NULL)"
    )
    op.execute(f"CREATE INDEX ix_{TABLE}_doc ON {TABLE} USING gin (doc)")
    op.execute(_PG_BUMP)
    for table in _WATCHED:
        quoted = f'"{table}"'  # plan is a reserved word
        op.execute(
            f"CREATE TRIGGER ledger_revision_{table}_rows "
            f"AFTER INSERT OR DELETE OR TRUNCATE ON {quoted} "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger_revision_bump()"
        )
        op.execute(
            f"CREATE TRIGGER ledger_revision_{table}_update AFTER UPDATE ON {quoted} "
            f"FOR EACH ROW WHEN ({_changed(table, sqlite=False)}) "
            "EXECUTE FUNCTION ledger_revision_bump()"
        )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in _WATCHED:
        if postgres:
            for name in ("rows", "update"):
                op.execute(f'DROP TRIGGER ledger_revision_{table}_{name} ON "{table}"')
        else:
            for name in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER ledger_revision_{table}_{name}")
    if postgres:
        op.execute("DROP FUNCTION ledger_revision_bump()")
    else:
        op.execute(f"DROP TRIGGER {TABLE}_task_deleted")
        op.execute(f"DROP TABLE {TABLE}_vocab")
    op.execute(f"DROP TABLE {TABLE}")
    op.drop_index("ix_task_merged_number", table_name="task")
    op.drop_index("ix_task_due_order", table_name="task")
    op.create_index("ix_task_due_order", "task", ["due", "plan_id", "seq"])
    op.drop_table("ledgerrevision")
