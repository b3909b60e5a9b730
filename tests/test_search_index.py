"""The search index and the ledger's revision stay in step with the ledger, whatever changed
it: an import (bulk statements), a change or a new task in chat (the ORM), a task deleted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, delete, text, update
from sqlmodel import col, select

from ledger.importing import import_document
from models.access import search_tasks
from models.db import session_scope
from models.edits import Change, NewTask, add_task, apply_changes
from models.revision import revision
from models.search import phrase, tokens
from models.tables import Person, Plan, Role, Task
from tests.conftest import SEED_004

NOW = datetime(2025, 3, 3, 4, 0, tzinfo=UTC)


def test_text_is_indexed_as_character_pairs_each_run_ending_alone() -> None:
    assert tokens("科普大篷车，进校园 AI讲座") == [
        "科普",
        "普大",
        "大篷",
        "篷车",
        "车",
        "进校",
        "校园",
        "园",
        "ai",
        "讲座",
        "座",
    ]
    assert phrase("大篷车") == (["大篷", "篷车"], False)
    assert phrase("讲") == (["讲"], True)
    assert phrase("5G数") == (["5g", "数"], True)
    assert phrase("，。") is None


@pytest.fixture
def ledger(database_url: str, engine: Engine) -> Engine:
    import_document(SEED_004, database_url=database_url, now=NOW, zone=UTC)
    with session_scope(engine) as session:
        session.add(Person(name="周婷", role=Role.admin, created_at=NOW))
    return engine


def _found(engine: Engine, term: str) -> list[str]:
    with session_scope(engine) as session:
        admin = session.exec(select(Person).where(Person.name == "周婷")).one()
        page, _ = search_tasks(session, person=admin, terms=[term], limit=50)
    return sorted(view.task.number or "" for view in page)


def _admin(engine: Engine) -> Person:
    with session_scope(engine) as session:
        return session.exec(select(Person).where(Person.name == "周婷")).one()


def test_an_import_indexes_every_task(ledger: Engine) -> None:
    with session_scope(ledger) as session:
        tasks = session.exec(select(Task).where(col(Task.content).contains("大篷车"))).all()
        assert tasks
    assert _found(ledger, "大篷车") == sorted(task.number or "" for task in tasks)


def test_a_change_in_chat_is_found_at_once_and_the_old_words_are_not(ledger: Engine) -> None:
    admin = _admin(ledger)
    with session_scope(ledger) as session:
        task = session.exec(select(Task).where(Task.number == "15")).one()
        assert task.id is not None
        before = revision(session)
        apply_changes(
            session,
            actor=admin,
            task_id=task.id,
            changes=[Change(field="content", text="组织青少年无人机编程挑战赛")],
            now=NOW,
        )
    assert _found(ledger, "无人机") == ["15"]
    assert "15" not in _found(ledger, "实体科技馆")  # its old content's words
    assert "15" in _found(ledger, "大篷车")  # still in its measures
    with session_scope(ledger) as session:
        assert revision(session) > before


def test_a_task_added_in_chat_is_found_and_a_deleted_one_is_gone(ledger: Engine) -> None:
    admin = _admin(ledger)
    with session_scope(ledger) as session:
        plan = session.exec(select(Plan)).one()
        assert plan.id is not None
        task = add_task(
            session,
            actor=admin,
            new=NewTask(plan_id=plan.id, content="举办全市科普讲解大赛"),
            now=NOW,
        )
        number = task.number
    assert _found(ledger, "讲解大赛") == [number]
    with session_scope(ledger) as session:
        session.execute(delete(Task).where(col(Task.number) == number))
    assert _found(ledger, "讲解大赛") == []
    with ledger.connect() as connection:
        table = "task_search"
        left = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
        tasks = connection.execute(text("SELECT count(*) FROM task")).scalar()
    assert left == tasks


def test_the_revision_moves_with_names_and_words_but_not_with_progress(ledger: Engine) -> None:
    def now_at() -> int:
        with session_scope(ledger) as session:
            return revision(session)

    start = now_at()
    with session_scope(ledger) as session:  # progress: a status, a deadline, who is reachable
        session.execute(update(Task).where(Task.number == "3").values(status="in_progress"))
        session.execute(update(Person).values(reachable=False))
    assert now_at() == start
    with session_scope(ledger) as session:
        session.execute(update(Task).where(Task.number == "3").values(status="cancelled"))
    cancelled = now_at()
    assert cancelled > start
    with session_scope(ledger) as session:
        session.execute(update(Person).where(Person.name == "周婷").values(name="周庭"))
    assert now_at() > cancelled


def test_a_tsvector_tells_which_tokens_are_in_the_title_and_which_in_the_measures() -> None:
    from models.search import _held_in, _held_in_vector

    vector = "'大篷':3A,7 '篷车':4A 'x':9 'ai':1A"
    assert _held_in_vector(vector, ["大篷", "篷车", "x", "y", "a"]) == (
        {"大篷", "篷车"},
        {"大篷", "x"},
    )
    assert _held_in("科普 普大 大篷", ["大篷", "普", "科普"]) == {"大篷", "科普"}
