"""The database layer: migrations, SQLite settings, UTC-aware times, constraints."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from models.db import (
    current_revision,
    head_revision,
    make_engine,
    normalise_url,
    session_scope,
    upgrade,
)
from models.tables import Person, Plan, Reminder, Task
from tests.conftest import NOW


def test_a_new_sqlite_database_is_migrated_to_head_in_wal_mode_with_foreign_keys(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'fresh.sqlite'}")
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision() is not None
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    upgrade(engine)  # upgrading twice is harmless
    assert current_revision(engine) == head_revision()


def test_plain_postgresql_urls_use_psycopg_3() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"


def test_times_come_back_utc_aware(engine: Engine) -> None:
    shanghai = timezone(timedelta(hours=8))
    with session_scope(engine) as session:
        session.add(Person(name="郑昌盛", created_at=datetime(2025, 3, 3, 12, 0, tzinfo=shanghai)))
    with session_scope(engine) as session:
        person = session.exec(select(Person)).one()
        assert person.created_at == datetime(2025, 3, 3, 4, 0, tzinfo=UTC)
        assert person.created_at.tzinfo is not None
        assert person.created_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive datetime"), session_scope(engine) as session:
        session.add(Person(name="李麟", created_at=datetime(2025, 3, 3, 12, 0)))
        session.flush()


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(Task(plan_id=999, seq=0, content="x", created_at=NOW, updated_at=NOW))
        session.flush()


def test_a_reminder_is_recorded_once_per_task_person_kind_and_day(engine: Engine) -> None:
    with session_scope(engine) as session:
        plan = Plan(
            title="t", year=2025, source_name="f", source_hash="h", imported_at=NOW, updated_at=NOW
        )
        person = Person(name="陈汉平", created_at=NOW)
        session.add_all([plan, person])
        session.flush()
        assert plan.id is not None and person.id is not None
        task = Task(plan_id=plan.id, seq=0, content="x", created_at=NOW, updated_at=NOW)
        session.add(task)
        session.flush()
        assert task.id is not None
        ids = (task.id, person.id)
    reminder = {"kind": "before", "day": date(2025, 3, 3), "created_at": NOW}
    with session_scope(engine) as session:
        session.add(Reminder(task_id=ids[0], person_id=ids[1], **reminder))
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(Reminder(task_id=ids[0], person_id=ids[1], **reminder))
        session.flush()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM reminder")).scalar() == 1


def test_the_migrations_build_exactly_the_tables_the_models_describe(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from models.search import outside_models

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": outside_models})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_downgrading_to_the_first_revision_and_back_works(engine: Engine) -> None:
    from alembic import command

    from models.db import _alembic_config

    command.downgrade(_alembic_config(engine), "0001")
    assert current_revision(engine) == "0001"
    upgrade(engine)
    assert current_revision(engine) == head_revision()
