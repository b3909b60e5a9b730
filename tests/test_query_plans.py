"""The lists start from the person, the department or the search index, never from the whole
task table: each query the list functions send is put to the database's own EXPLAIN, on a
ledger large enough (and analysed) for the planners to choose as they would in an office.

And the search index answers exactly what a substring search of the task's words would, on
both databases.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event, text
from sqlmodel import Session

from models.access import (
    due_tasks,
    my_tasks,
    overdue_tasks,
    search_tasks,
    task_by_number,
    tasks_of_department,
    tasks_of_leader,
)
from models.db import session_scope
from models.queries import TaskDetails, insert_tasks, replace_details
from models.tables import Department, Person, Plan, Role

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
TODAY = date(2025, 6, 1)
TASKS = 3000
WORDS = [
    "科普",
    "讲座",
    "培训",
    "场馆",
    "志愿者",
    "院士工作站",
    "讲堂",
    "年检",
    "学会",
    "服务",
    "基层",
    "宣传",
    "展览",
    "竞赛",
    "调研",
    "平台",
    "人才",
    "企业",
    "创新",
    "科技",
    "农村",
    "社区",
    "学校",
    "青年",
    "AI",
    "5G",
    "数字化",
]


@dataclass(frozen=True)
class Ledger:
    plan: int
    admin: Person
    leader: Person  # leads 20 tasks
    staff: Person  # of a department with a share of the ledger
    department: str
    leader_name: str


def _build(engine: Engine) -> Ledger:
    rnd = random.Random(18)
    with session_scope(engine) as session:
        plan = Plan(
            title="2025年重点工作",
            year=2025,
            source_name="x.xlsx",
            source_hash="0" * 64,
            imported_at=NOW,
            updated_at=NOW,
        )
        session.add(plan)
        departments = [Department(name=f"第{n}部") for n in range(20)]
        session.add_all(departments)
        session.flush()
        people = [
            Person(
                name=f"领导{n:03d}",
                role=Role.leader,
                created_at=NOW,
                telegram_user_id=10_000 + n,
            )
            for n in range(TASKS // 100)
        ]
        admin = Person(name="督办员", role=Role.admin, created_at=NOW, telegram_user_id=1)
        staff = Person(
            name="办事员",
            role=Role.staff,
            created_at=NOW,
            telegram_user_id=2,
            department_id=departments[3].id,
        )
        session.add_all([*people, admin, staff])
        session.flush()
        assert plan.id is not None
        rows = [
            {
                "plan_id": plan.id,
                "seq": n,
                "number": str(n + 1),
                "content": "".join(rnd.choice(WORDS) for _ in range(5))
                + ("大篷车巡展" if n % 150 == 7 else ""),
                "due": date(2025, 1, 1) + timedelta(days=rnd.randrange(365)),
                "due_kind": "by",
                "status": "open" if n % 10 else "done",
                "created_at": NOW,
                "updated_at": NOW,
            }
            for n in range(TASKS)
        ]
        ids = insert_tasks(session, rows=rows)
        leader = people[0]
        details = [
            TaskDetails(
                task_id=task_id,
                leader_ids=[
                    (leader if n % 150 == 1 else people[1 + n % (len(people) - 1)]).id or 0
                ],
                lead_ids=[departments[n % 20].id or 0],
                responsible_ids=[departments[(n + 7) % 20].id or 0],
                targets=[],
            )
            for n, task_id in enumerate(ids)
        ]
        replace_details(session, details=details)
        found = Ledger(plan.id, admin, leader, staff, departments[3].name, leader.name)
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    return found


@contextmanager
def _statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def note(
        _c: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool
    ) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _task_scans(engine: Engine, statement: str, parameters: Any) -> list[str]:
    """The steps of this statement's plan that read the task table from end to end."""
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            steps = [row[3] for row in cursor.fetchall()]
            return [step for step in steps if step.split()[:2] == ["SCAN", "task"]]
        # At this size a scan of the task table is cheap, and PostgreSQL takes it; with scans
        # priced out it shows whether the query can start anywhere else. (bench/scale.py
        # shows what it chooses on 100,000 tasks.)
        cursor.execute("SET LOCAL enable_seqscan = off")  # this transaction only
        cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
        plan = cursor.fetchone()[0]
        found: list[str] = []

        def walk(node: dict[str, Any]) -> None:
            if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") == "task":
                found.append(json.dumps(node, ensure_ascii=False)[:200])
            for child in node.get("Plans", []):
                walk(child)

        walk(plan[0]["Plan"])
        return found


ASKS: dict[str, Callable[[Session, Ledger], Any]] = {
    "a leader's 我的待办": lambda s, led: my_tasks(
        s, person=led.leader, limit=10, plans=[led.plan]
    ),
    "staff's 我的待办": lambda s, led: my_tasks(s, person=led.staff, limit=10, plans=[led.plan]),
    "a search with hits": lambda s, led: search_tasks(
        s, person=led.admin, terms=["大篷车"], limit=10, plans=[led.plan]
    ),
    "a search with none": lambda s, led: search_tasks(
        s, person=led.admin, terms=["青少年"], limit=10, plans=[led.plan]
    ),
    "a leader's search": lambda s, led: search_tasks(
        s, person=led.leader, terms=["大篷车", "讲堂"], limit=10, plans=[led.plan]
    ),
    "a department's list": lambda s, led: tasks_of_department(
        s, person=led.admin, department=led.department, limit=10, plans=[led.plan]
    ),
    "a leader's list": lambda s, led: tasks_of_leader(
        s, person=led.admin, leader=led.leader_name, limit=10, plans=[led.plan]
    ),
    "a leader's overdue": lambda s, led: overdue_tasks(
        s, person=led.leader, today=TODAY, limit=10, plans=[led.plan]
    ),
    "due this week for a leader": lambda s, led: due_tasks(
        s,
        person=led.leader,
        start=TODAY,
        end=TODAY + timedelta(days=7),
        limit=10,
        plans=[led.plan],
    ),
    "an admin's overdue": lambda s, led: overdue_tasks(
        s, person=led.admin, today=TODAY, limit=10, plans=[led.plan]
    ),
    "第57项 for an admin": lambda s, led: task_by_number(
        s, person=led.admin, number="57", plans=[led.plan]
    ),
    "第57项 for a leader": lambda s, led: task_by_number(
        s, person=led.leader, number="57", plans=[led.plan]
    ),
}


def test_no_list_reads_the_whole_task_table(engine: Engine) -> None:
    ledger = _build(engine)
    scans: dict[str, list[str]] = {}
    for name, ask in ASKS.items():
        with _statements(engine) as seen, session_scope(engine) as session:
            ask(session, ledger)
        assert seen, name
        for statement, parameters in seen:
            found = _task_scans(engine, statement, parameters)
            if found:
                scans[name] = found
    assert scans == {}


def test_a_list_is_one_statement_and_its_names_one_more(engine: Engine) -> None:
    ledger = _build(engine)
    for name in ("a leader's 我的待办", "a search with hits", "an admin's overdue"):
        with _statements(engine) as seen, session_scope(engine) as session:
            page, total = ASKS[name](session, ledger)
        assert page and total >= len(page), name
        assert len(seen) == 2, (name, [statement[:80] for statement, _ in seen])


def test_the_leader_s_list_is_exactly_their_open_tasks(engine: Engine) -> None:
    ledger = _build(engine)
    with session_scope(engine) as session:
        page, total = my_tasks(session, person=ledger.leader, limit=50, plans=[ledger.plan])
    assert total == len(page) == 20
    assert all(view.leaders == [ledger.leader_name] for view in page)
    assert [view.task.due for view in page] == sorted(view.task.due for view in page)


# --- the search index answers what a substring search would ------------------------------


def _words(*parts: str | None) -> str:
    return unicodedata.normalize("NFKC", " ".join(part for part in parts if part)).lower()


def test_search_finds_exactly_the_open_tasks_whose_words_hold_the_term(engine: Engine) -> None:
    ledger = _build(engine)
    with session_scope(engine) as session:
        every, _ = my_tasks(session, person=ledger.admin, limit=TASKS, plans=[ledger.plan])
        texts = {view.task.id: _words(view.task.content) for view in every}
        rnd = random.Random(7)
        # Latin words are found whole or by their start (ai, 5g, 5G数), never from inside.
        terms = ["大篷车", "讲堂", "年检", "讲", "ai", "5g", "5G数", "院士工作站", "青少年", "站讲"]
        chinese = [words for words in sorted(texts.values()) if words.isascii() is False]
        while len(terms) < 40:
            content = rnd.choice(chinese)
            start = rnd.randrange(len(content) - 3)
            term = content[start : start + rnd.choice((1, 2, 3, 4))]
            if not any(character.isascii() for character in term):
                terms.append(term)
        for term in terms:
            page, _total = search_tasks(
                session, person=ledger.admin, terms=[term], limit=TASKS, plans=[ledger.plan]
            )
            held = re.compile(
                ("(?<![0-9a-z])" if term[0].isascii() else "") + re.escape(term.lower())
            )
            expected = {task_id for task_id, words in texts.items() if held.search(words)}
            found = {view.task.id for view in page}
            assert found == expected, term
