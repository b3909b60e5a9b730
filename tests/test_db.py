"""The database layer: migrations, SQLite settings, UTC-aware times, constraints."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from models.db import (
    MIGRATIONS,
    current_revision,
    head_revision,
    make_engine,
    normalise_url,
    nothing_stored_at,
    script_heads,
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


def test_a_missing_or_in_memory_sqlite_database_is_known_to_hold_nothing(tmp_path: Path) -> None:
    there = tmp_path / "a ledger.sqlite"
    there.touch()
    assert not nothing_stored_at(f"sqlite:///{there}")
    assert not nothing_stored_at(f"sqlite:///{str(there).replace(' ', '%20')}?mode=ro")
    assert nothing_stored_at(f"sqlite:///{tmp_path / 'missing.sqlite'}")
    assert nothing_stored_at(f"sqlite+pysqlite:///{tmp_path / 'missing.sqlite'}")
    assert nothing_stored_at("sqlite://") and nothing_stored_at("sqlite:///:memory:")
    assert not nothing_stored_at("postgresql://u@h/db")  # only connecting tells


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

    from models.tables import outside_models

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


def test_the_head_read_from_the_scripts_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    from models.db import _alembic_config

    assert head_revision() == ScriptDirectory.from_config(_alembic_config(None)).get_current_head()
    assert script_heads(MIGRATIONS / "versions") == {head_revision()}


def test_the_heads_are_the_scripts_no_other_script_revises(tmp_path: Path) -> None:
    headers = {
        "0001_first.py": 'revision = "0001"\ndown_revision = None\n',
        "0002_one.py": 'revision: str = "0002a"\ndown_revision: str | None = "0001"\n',
        "0002_other.py": "revision = '0002b'\ndown_revision = '0001'\n",
    }
    for name, header in headers.items():
        (tmp_path / name).write_text(header, encoding="utf-8")
    assert script_heads(tmp_path) == {"0002a", "0002b"}
    merge = 'revision = "0003"\ndown_revision = ("0002a", "0002b")\n'
    (tmp_path / "0003_merge.py").write_text(merge, encoding="utf-8")
    assert script_heads(tmp_path) == {"0003"}
    (tmp_path / "0004_odd.py").write_text("revision = make_one()\n", encoding="utf-8")
    assert script_heads(tmp_path) is None  # left to alembic
