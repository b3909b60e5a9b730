"""Keeping people and departments: the model functions the clerk's chat commands use, on
SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from models.access import known_names, overseen_departments, visible
from models.db import session_scope
from models.departments import (
    Renamed,
    add_department,
    oversight,
    rename_department,
    set_oversight,
)
from models.people import (
    activate,
    active_admin_count,
    add_person,
    leave,
    left_without_leader,
    reachable_admins,
    rename_person,
    roster,
    set_role,
)
from models.queries import department_named, list_tasks, person_named
from models.reminders import recipients
from models.revision import revision as ledger_revision
from models.tables import (
    AuditEvent,
    Department,
    DepartmentOversight,
    DepartmentRole,
    PartStatus,
    Person,
    Plan,
    Role,
    Task,
    TaskDepartment,
    TaskLeader,
    TaskStatus,
)
from tests.conftest import NOW

# number, leaders in order, lead department, status
TASKS = [
    ("1", ["张三", "王五"], "组宣部", TaskStatus.open),
    ("2", ["王五", "张三"], "学会部", TaskStatus.open),
    ("3", ["张三"], "学会部", TaskStatus.open),
    ("4", ["张三"], "学会部", TaskStatus.done),
    ("5", ["张三", "李四"], "办公室", TaskStatus.in_progress),
    ("6", ["李四", "张三"], "办公室", TaskStatus.pending_review),
]


@dataclass
class Ids:
    clerk: int
    zhang: int  # leads 1, 2, 3, 4 (done), 5, 6
    li: int  # leads 5 (second) and 6 (first)
    wang: int  # leads 1 (second) and 2 (first)
    zhao: int  # staff of 学会部


def _department(session: Session, name: str) -> int:
    found = department_named(session, name=name)
    if found is None:
        found = Department(name=name)
        session.add(found)
        session.flush()
    assert found.id is not None
    return found.id


def _person(session: Session, name: str, role: Role, department: str | None = None) -> int:
    person = Person(
        name=name,
        role=role,
        department_id=_department(session, department) if department else None,
        created_at=NOW,
        telegram_chat_id=hash(name) % 10**6,
    )
    session.add(person)
    session.flush()
    assert person.id is not None
    return person.id


@pytest.fixture
def ids(engine: Engine) -> Ids:
    with session_scope(engine) as session:
        found = Ids(
            clerk=_person(session, "周婷", Role.admin, "办公室"),
            zhang=_person(session, "张三", Role.leader),
            li=_person(session, "李四", Role.leader),
            wang=_person(session, "王五", Role.leader),
            zhao=_person(session, "赵六", Role.staff, "学会部"),
        )
        plan = Plan(
            title="2025年重点工作",
            year=2025,
            source_name="plan.txt",
            source_hash="x",
            imported_at=NOW,
            updated_at=NOW,
        )
        session.add(plan)
        session.flush()
        assert plan.id is not None
        for seq, (number, leaders, lead, status) in enumerate(TASKS):
            task = Task(
                plan_id=plan.id,
                seq=seq,
                number=number,
                content=f"第{number}项任务",
                status=status,
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(task)
            session.flush()
            assert task.id is not None
            for position, name in enumerate(leaders):
                person = person_named(session, name=name)
                assert person is not None and person.id is not None
                session.add(
                    TaskLeader(
                        task_id=task.id,
                        person_id=person.id,
                        position=position,
                        part_status=PartStatus.reported if name == "张三" else PartStatus.open,
                    )
                )
            session.add(
                TaskDepartment(
                    task_id=task.id,
                    department_id=_department(session, lead),
                    role=DepartmentRole.lead,
                )
            )
    return found


def leaders(engine: Engine, number: str) -> list[tuple[str, int, str]]:
    """(name, position, part status) of a task's leaders, in order."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(Person.name, TaskLeader.position, TaskLeader.part_status)
            .join(TaskLeader, col(TaskLeader.person_id) == Person.id)
            .join(Task, col(Task.id) == TaskLeader.task_id)
            .where(Task.number == number)
            .order_by(col(TaskLeader.position))
        ).all()
        return [(name, position, part) for name, position, part in rows]


def trail(engine: Engine, action: str) -> list[tuple[int | None, int | None, str]]:
    """(actor, task, detail) of each audit event of ``action``, in order."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(AuditEvent.actor_id, AuditEvent.task_id, AuditEvent.detail)
            .where(AuditEvent.action == action)
            .order_by(col(AuditEvent.id))
        ).all()
        return [(actor, task, detail) for actor, task, detail in rows]


def task_id(engine: Engine, number: str) -> int:
    with session_scope(engine) as session:
        found = session.exec(select(Task.id).where(Task.number == number)).one()
        assert found is not None
        return found


# --- adding and renaming ----------------------------------------------------------------------


def test_a_person_is_added_once_with_role_and_department_and_who_added_them(
    engine: Engine, ids: Ids
) -> None:
    with session_scope(engine) as session:
        department = _department(session, "学会部")
        added = add_person(
            session,
            name="钱七",
            role=Role.leader,
            department_id=department,
            now=NOW,
            actor_id=ids.clerk,
        )
        assert added is not None and added.role == Role.leader
        again = add_person(
            session, name="钱七", role=Role.staff, department_id=None, now=NOW, actor_id=ids.clerk
        )
        assert again is None
    with session_scope(engine) as session:
        stored = person_named(session, name="钱七")
        assert stored is not None and stored.department_id == department and stored.active
    assert trail(engine, "person.created") == [(ids.clerk, None, "钱七 (leader)")]


def test_renaming_someone_refuses_a_name_in_use_and_an_unknown_one(
    engine: Engine, ids: Ids
) -> None:
    with session_scope(engine) as session:
        assert rename_person(session, old="张三", new="李四", now=NOW, actor_id=ids.clerk) == (
            Renamed.taken
        )
        assert rename_person(session, old="张叁", new="张伞", now=NOW, actor_id=ids.clerk) == (
            Renamed.unknown
        )
        assert rename_person(session, old="张三", new="张三", now=NOW, actor_id=ids.clerk) == (
            Renamed.same
        )
        assert rename_person(session, old="张三", new="张叁", now=NOW, actor_id=ids.clerk) == (
            Renamed.done
        )
    assert [name for name, _, _ in leaders(engine, "3")] == ["张叁"]
    assert trail(engine, "person.renamed") == [(ids.clerk, None, "张三 → 张叁")]


def test_a_renamed_department_keeps_its_tasks_and_refuses_a_name_in_use(
    engine: Engine, ids: Ids
) -> None:
    with session_scope(engine) as session:
        assert add_department(session, name="组宣部", now=NOW, actor_id=ids.clerk) is None
        assert add_department(session, name="科普部", now=NOW, actor_id=ids.clerk) is not None
        taken = rename_department(session, old="学会部", new="组宣部", now=NOW, actor_id=ids.clerk)
        assert taken == Renamed.taken
        unknown = rename_department(session, old="学术部", new="x", now=NOW, actor_id=ids.clerk)
        assert unknown == Renamed.unknown
        done = rename_department(session, old="学会部", new="学术部", now=NOW, actor_id=ids.clerk)
        assert done == Renamed.done
    with session_scope(engine) as session:
        assert [v.task.number for v in list_tasks(session, department="学术部")] == [
            "2",
            "3",
            "4",
        ]
        assert department_named(session, name="学会部") is None
        zhao = session.get(Person, ids.zhao)
        assert zhao is not None
        assert session.get(Department, zhao.department_id).name == "学术部"  # type: ignore[union-attr]
    assert trail(engine, "department.created") == [(ids.clerk, None, "科普部")]
    assert trail(engine, "department.renamed") == [(ids.clerk, None, "学会部 → 学术部")]


def test_a_rename_moves_the_ledger_revision_so_names_are_read_afresh(
    engine: Engine, ids: Ids
) -> None:
    with session_scope(engine) as session:
        before = ledger_revision(session)
    with session_scope(engine) as session:
        rename_department(session, old="学会部", new="学术部", now=NOW, actor_id=ids.clerk)
    with session_scope(engine) as session:
        after = ledger_revision(session)
        assert after != before
        assert "学术部" in known_names(session)[1]
    with session_scope(engine) as session:
        rename_person(session, old="王五", new="王武", now=NOW, actor_id=ids.clerk)
    with session_scope(engine) as session:
        assert ledger_revision(session) != after
        assert "王武" in known_names(session)[0]


# --- 分管 -------------------------------------------------------------------------------------


def test_oversight_set_replaces_what_was_set_and_the_derived_ones_still_count(
    engine: Engine, ids: Ids
) -> None:
    with session_scope(engine) as session:
        li = session.get(Person, ids.li)
        assert li is not None
        office, study, publicity = (_department(session, n) for n in ("办公室", "学会部", "组宣部"))
        set_oversight(
            session, person=li, department_ids=[study, publicity], now=NOW, actor_id=ids.clerk
        )
        set_oversight(session, person=li, department_ids=[study], now=NOW, actor_id=ids.clerk)
    with session_scope(engine) as session:
        (each,) = oversight(session, person_ids=[ids.li])
        assert each.set == ["学会部"]
        assert each.derived == ["办公室"]  # 李四 leads task 6, led by 办公室
        assert sorted(overseen_departments(session, person_id=ids.li)) == sorted([office, study])
        li = session.get(Person, ids.li)
        assert li is not None
        seen = session.exec(select(Task.number).where(visible(session, person=li))).all()
        assert sorted(n for n in seen if n) == ["2", "3", "4", "5", "6"]
        everyone = oversight(session)
        assert [each.name for each in everyone] == sorted(["张三", "李四", "王五"])
    assert trail(engine, "person.oversight") == [
        (ids.clerk, None, "李四: 学会部、组宣部"),
        (ids.clerk, None, "李四: 学会部"),
    ]


def test_someone_who_stops_being_a_leader_loses_the_oversight_set_for_them(
    engine: Engine, ids: Ids
) -> None:
    with session_scope(engine) as session:
        li = session.get(Person, ids.li)
        assert li is not None
        set_oversight(
            session,
            person=li,
            department_ids=[_department(session, "学会部")],
            now=NOW,
            actor_id=ids.clerk,
        )
        assert set_role(session, person=li, role=Role.staff, now=NOW, actor_id=ids.clerk) == 1
    with session_scope(engine) as session:
        assert session.exec(select(DepartmentOversight)).first() is None
    assert trail(engine, "person.role") == [(ids.clerk, None, "李四: staff")]


# --- leaving ----------------------------------------------------------------------------------


def test_leaving_hands_open_tasks_to_the_successor_at_the_same_place(
    engine: Engine, ids: Ids
) -> None:
    with session_scope(engine) as session:
        zhang, wang = session.get(Person, ids.zhang), session.get(Person, ids.wang)
        assert zhang is not None and wang is not None
        set_oversight(
            session,
            person=zhang,
            department_ids=[_department(session, "组宣部")],
            now=NOW,
            actor_id=ids.clerk,
        )
        done = leave(session, person=zhang, successor=wang, now=NOW, actor_id=ids.clerk)
    ordered = [task_id(engine, n) for n in ("1", "2", "3", "5", "6")]
    assert done.handed_over == [ordered[2], ordered[3], ordered[4]]  # 3, 5, 6
    assert done.already_led == [ordered[0], ordered[1]]  # 王五 led 1 and 2 already
    assert done.oversight_moved == 1 and not done.promoted
    assert leaders(engine, "1") == [("王五", 0, PartStatus.open)]  # 张三 led it: 王五 now first
    assert leaders(engine, "2") == [("王五", 0, PartStatus.open)]
    assert leaders(engine, "3") == [("王五", 0, PartStatus.reported)]  # the part stays its own
    assert leaders(engine, "5") == [("王五", 0, PartStatus.reported), ("李四", 1, PartStatus.open)]
    assert leaders(engine, "6") == [("李四", 0, PartStatus.open), ("王五", 1, PartStatus.reported)]
    assert leaders(engine, "4") == [("张三", 0, PartStatus.reported)]  # done: history stays
    with session_scope(engine) as session:
        zhang = session.get(Person, ids.zhang)
        assert zhang is not None and not zhang.active
        moved = session.exec(select(DepartmentOversight.person_id)).all()
        assert moved == [ids.wang]
    handed = trail(engine, "task.handed_over")
    assert sorted(task for _, task, _ in handed) == sorted(ordered)  # type: ignore[type-var]
    assert {(actor, detail) for actor, _, detail in handed} == {(ids.clerk, "张三 → 王五")}
    assert trail(engine, "person.left") == [(ids.clerk, None, "张三 → 王五")]


def test_a_staff_successor_becomes_a_leader(engine: Engine, ids: Ids) -> None:
    with session_scope(engine) as session:
        li, zhao = session.get(Person, ids.li), session.get(Person, ids.zhao)
        assert li is not None and zhao is not None
        done = leave(session, person=li, successor=zhao, now=NOW, actor_id=ids.clerk)
        assert done.promoted
    with session_scope(engine) as session:
        zhao = session.get(Person, ids.zhao)
        assert zhao is not None and zhao.role == Role.leader
    assert leaders(engine, "6")[0][0] == "赵六"


def test_leaving_without_a_successor_leaves_the_tasks_they_led_alone_without_a_leader(
    engine: Engine, ids: Ids
) -> None:
    with session_scope(engine) as session:
        assert left_without_leader(session, person_id=ids.zhang) == [task_id(engine, "3")]
        zhang = session.get(Person, ids.zhang)
        assert zhang is not None
        set_oversight(
            session,
            person=zhang,
            department_ids=[_department(session, "组宣部")],
            now=NOW,
            actor_id=ids.clerk,
        )
        done = leave(session, person=zhang, successor=None, now=NOW, actor_id=ids.clerk)
    assert done.removed == [task_id(engine, n) for n in ("1", "2", "3", "5", "6")]
    assert done.leaderless == [task_id(engine, "3")]
    assert leaders(engine, "1") == [("王五", 0, PartStatus.open)]
    assert leaders(engine, "3") == []
    assert leaders(engine, "5") == [("李四", 0, PartStatus.open)]
    assert leaders(engine, "4") == [("张三", 0, PartStatus.reported)]
    with session_scope(engine) as session:
        # Kept with them, should they come back.
        assert session.exec(select(DepartmentOversight.person_id)).all() == [ids.zhang]
    assert len(trail(engine, "task.leader_left")) == 5


def test_someone_who_left_is_sent_nothing_and_not_read_as_a_name_until_active_again(
    engine: Engine, ids: Ids
) -> None:
    with session_scope(engine) as session:
        clerk, wang = session.get(Person, ids.clerk), session.get(Person, ids.wang)
        assert clerk is not None and wang is not None
        assert [a.name for a in reachable_admins(session)] == ["周婷"]
        add_person(
            session, name="孙丽", role=Role.admin, department_id=None, now=NOW, actor_id=None
        )
        assert active_admin_count(session) == 2
        leave(session, person=wang, successor=None, now=NOW, actor_id=ids.clerk)
        leave(session, person=clerk, successor=None, now=NOW, actor_id=None)
    with session_scope(engine) as session:
        assert set(recipients(session, ids=[ids.zhang, ids.wang, ids.clerk])) == {ids.zhang}
        assert reachable_admins(session) == []
        assert active_admin_count(session) == 1
        assert "王五" not in known_names(session)[0]
        wang = session.get(Person, ids.wang)
        assert wang is not None
        activate(session, person=wang, now=NOW, actor_id=ids.clerk)
    with session_scope(engine) as session:
        assert set(recipients(session, ids=[ids.wang])) == {ids.wang}
        assert "王五" in known_names(session)[0]
    assert trail(engine, "person.activated") == [(ids.clerk, None, "王五")]


def test_the_roster_is_by_department_then_role_and_name_with_who_left_last(
    engine: Engine, ids: Ids
) -> None:
    with session_scope(engine) as session:
        add_person(
            session,
            name="钱七",
            role=Role.staff,
            department_id=_department(session, "学会部"),
            now=NOW,
            actor_id=ids.clerk,
        )
        li = session.get(Person, ids.li)
        assert li is not None
        leave(session, person=li, successor=None, now=NOW, actor_id=ids.clerk)
    with session_scope(engine) as session:
        listed = [(e.department, e.person.name) for e in roster(session)]
    assert listed == [
        ("办公室", "周婷"),
        ("学会部", "赵六"),
        ("学会部", "钱七"),
        (None, "张三"),
        (None, "王五"),
        (None, "李四"),
    ]
