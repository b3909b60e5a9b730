"""Keeping the ledger by hand: who may change what, what a change records, adding tasks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ledger.importer import read_document
from ledger.keeping import find_departments, find_leaders
from ledger.store import apply_plan
from models.db import session_scope
from models.edits import (
    Change,
    NewTask,
    NotAllowed,
    TaskClosed,
    add_task,
    apply_changes,
    may_change,
    next_number,
    unassigned_tasks,
)
from models.people import task_history
from models.tables import (
    AuditEvent,
    Department,
    DepartmentOversight,
    DepartmentRole,
    Person,
    Plan,
    Role,
    Target,
    Task,
    TaskDepartment,
    TaskLeader,
    TaskStatus,
)
from tests.conftest import EXAMPLES, NOW


@dataclass
class Office:
    clerk: Person
    li: Person  # leader, oversees 学会部 (set) and leads task 1
    chen: Person  # leader of nothing
    staff: Person  # staff of 学会部
    plan: int
    society: int  # 学会部
    science: int  # 普及部（中心）
    museum: int  # 市科技馆
    t1: int  # 学会部 leads, 李麟, due 2025-12-31
    t2: int  # nothing assigned
    t3: int  # numbered "8-10", done


def _add(session: Session, row: Department | Person | Plan | Task) -> int:
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


@pytest.fixture
def office(engine: Engine) -> Iterator[tuple[Engine, Office]]:
    with session_scope(engine) as session:
        society = _add(session, Department(name="学会部"))
        science = _add(session, Department(name="普及部（中心）"))
        museum = _add(session, Department(name="市科技馆"))
        people = [
            Person(name="周婷", role=Role.admin, created_at=NOW),
            Person(name="李麟", role=Role.leader, created_at=NOW),
            Person(name="陈汉平", role=Role.leader, created_at=NOW),
            Person(name="张伟", role=Role.staff, department_id=society, created_at=NOW),
        ]
        for person in people:
            _add(session, person)
        plan = _add(
            session,
            Plan(
                title="重点任务",
                year=2025,
                source_name="x",
                source_hash="h",
                imported_at=NOW,
                updated_at=NOW,
            ),
        )
        tasks = []
        for seq, (number, status) in enumerate(
            (("1", TaskStatus.open), ("2", TaskStatus.open), ("8-10", TaskStatus.done))
        ):
            tasks.append(
                _add(
                    session,
                    Task(
                        plan_id=plan,
                        seq=seq,
                        number=number,
                        content=f"任务{number}",
                        status=status,
                        created_at=NOW,
                        updated_at=NOW,
                    ),
                )
            )
        first = session.get(Task, tasks[0])
        assert first is not None
        first.due, first.due_kind = date(2025, 12, 31), "by"
        session.add(TaskLeader(task_id=tasks[0], person_id=people[1].id, position=0))
        session.add(TaskDepartment(task_id=tasks[0], department_id=society, role="lead"))
        session.add(DepartmentOversight(person_id=people[1].id, department_id=science))
        session.add(Target(task_id=tasks[0], text="巡展40场", metric="巡展", value=40, unit="场"))
        session.flush()
        for person in people:
            session.expunge(person)
    yield engine, Office(*people, plan, society, science, museum, *tasks)


def _person(session: Session, person: Person) -> Person:
    found = session.get(Person, person.id)
    assert found is not None
    return found


def test_the_clerk_assigns_a_leader_a_lead_department_and_a_deadline(
    office: tuple[Engine, Office],
) -> None:
    engine, o = office
    assert o.li.id is not None
    changes = [
        Change("leader", ids=(o.li.id,)),
        Change("lead", ids=(o.society,)),
        Change("due", due=date(2025, 6, 30), due_text="6月底前"),
    ]
    with session_scope(engine) as session:
        done = apply_changes(
            session, actor=_person(session, o.clerk), task_id=o.t2, changes=changes, now=NOW
        )
        assert [line[0] for line in done.lines] == ["leader", "lead", "due"]
        assert done.lines[2] == ("due", "-", "2025-06-30")
        assert done.tell == [o.li.id]  # the new leader, once; never the clerk
    with session_scope(engine) as session:
        task = session.get(Task, o.t2)
        assert task is not None and task.due == date(2025, 6, 30) and task.due_text == "6月底前"
        assert session.exec(
            select(TaskLeader.person_id).where(TaskLeader.task_id == o.t2)
        ).all() == [o.li.id]
        history = task_history(session, task_id=o.t2)
        assert [event.action for event, _ in history] == ["task.changed"]
        assert history[0][1] == "周婷"
        assert "due: - -> 2025-06-30" in history[0][0].detail


def test_changing_a_leader_tells_the_old_and_the_new_once(office: tuple[Engine, Office]) -> None:
    engine, o = office
    assert o.chen.id is not None and o.li.id is not None
    with session_scope(engine) as session:
        done = apply_changes(
            session,
            actor=_person(session, o.clerk),
            task_id=o.t1,
            changes=[
                Change("leader", ids=(o.chen.id,)),
                Change("leader", mode="add", ids=(o.chen.id,)),
            ],
            now=NOW,
        )
        assert done.tell == [o.li.id, o.chen.id]
        assert len(done.lines) == 1  # the second change changed nothing


def test_adding_and_removing_departments_keeps_the_others_in_order(
    office: tuple[Engine, Office],
) -> None:
    engine, o = office
    with session_scope(engine) as session:
        clerk = _person(session, o.clerk)
        apply_changes(
            session,
            actor=clerk,
            task_id=o.t1,
            changes=[Change("lead", "add", (o.museum,))],
            now=NOW,
        )
        apply_changes(
            session,
            actor=clerk,
            task_id=o.t1,
            changes=[Change("responsible", "add", (o.science,))],
            now=NOW,
        )
        apply_changes(
            session,
            actor=clerk,
            task_id=o.t1,
            changes=[Change("lead", "remove", (o.society,))],
            now=NOW,
        )
    with session_scope(engine) as session:
        rows = session.exec(
            select(TaskDepartment.department_id, TaskDepartment.role, TaskDepartment.position)
            .where(TaskDepartment.task_id == o.t1)
            .order_by(TaskDepartment.role, TaskDepartment.position)
        ).all()
        assert sorted(rows) == sorted([(o.museum, "lead", 0), (o.science, "responsible", 0)])


def test_a_department_removed_is_removed_where_the_task_holds_it(
    office: tuple[Engine, Office],
) -> None:
    engine, o = office
    with session_scope(engine) as session:
        clerk = _person(session, o.clerk)
        change = Change("responsible", "remove", (o.society,))  # 学会部 leads task 1
        done = apply_changes(session, actor=clerk, task_id=o.t1, changes=[change], now=NOW)
        assert done.lines == [("lead", "学会部", "-")]


def test_a_target_in_a_known_unit_changes_and_a_new_unit_is_added(
    office: tuple[Engine, Office],
) -> None:
    engine, o = office
    with session_scope(engine) as session:
        clerk = _person(session, o.clerk)
        changes = [
            Change("target", value=50, unit="场"),
            Change("target", value=3, unit="站", text="巡展"),
        ]
        done = apply_changes(session, actor=clerk, task_id=o.t1, changes=changes, now=NOW)
        assert done.lines[0] == ("target", "40场", "50场")
    with session_scope(engine) as session:
        targets = session.exec(
            select(Target).where(Target.task_id == o.t1).order_by(Target.position)
        ).all()
        assert [(t.text, t.value, t.unit) for t in targets] == [
            ("巡展50场", 50, "场"),
            ("巡展3站", 3, "站"),
        ]


def test_cancelling_keeps_the_reason_in_the_history(office: tuple[Engine, Office]) -> None:
    engine, o = office
    with session_scope(engine) as session:
        apply_changes(
            session,
            actor=_person(session, o.clerk),
            task_id=o.t1,
            changes=[Change("cancel", text="上级通知不再开展")],
            now=NOW,
        )
    with session_scope(engine) as session:
        task = session.get(Task, o.t1)
        assert task is not None and task.status == TaskStatus.cancelled
        events = session.exec(select(AuditEvent).where(AuditEvent.task_id == o.t1)).all()
        assert [(e.action, e.detail) for e in events] == [("task.withdrawn", "上级通知不再开展")]
        with pytest.raises(TaskClosed):
            apply_changes(
                session,
                actor=_person(session, o.clerk),
                task_id=o.t1,
                changes=[Change("content", text="新")],
                now=NOW,
            )


def test_a_leader_reassigns_only_among_the_departments_they_oversee(
    office: tuple[Engine, Office],
) -> None:
    engine, o = office
    with session_scope(engine) as session:
        li, chen, staff = (_person(session, p) for p in (o.li, o.chen, o.staff))
        # 李麟 oversees 学会部 (derived from task 1) and 普及部（中心） (set by the clerk).
        assert may_change(
            session, person=li, task_id=o.t1, changes=[Change("lead", ids=(o.science,))]
        )
        assert not may_change(
            session, person=li, task_id=o.t1, changes=[Change("lead", ids=(o.museum,))]
        )
        assert not may_change(
            session, person=li, task_id=o.t1, changes=[Change("due", due=date(2026, 1, 1))]
        )
        assert not may_change(
            session, person=chen, task_id=o.t1, changes=[Change("lead", ids=(o.science,))]
        )
        assert not may_change(
            session, person=staff, task_id=o.t1, changes=[Change("lead", ids=(o.society,))]
        )
        with pytest.raises(NotAllowed):
            apply_changes(
                session, actor=staff, task_id=o.t1, changes=[Change("content", text="x")], now=NOW
            )
        li.active = False
        assert not may_change(
            session, person=li, task_id=o.t1, changes=[Change("lead", ids=(o.science,))]
        )


def test_an_added_task_continues_the_plans_numbering(office: tuple[Engine, Office]) -> None:
    engine, o = office
    assert o.li.id is not None
    with session_scope(engine) as session:
        assert next_number(session, plan_id=o.plan) == "11"  # after "8-10"
        task = add_task(
            session,
            actor=_person(session, o.clerk),
            new=NewTask(
                o.plan,
                "组织全市科普讲解大赛",
                (o.li.id,),
                (o.science,),
                (),
                date(2025, 9, 30),
                "9月底前",
            ),
            now=NOW,
        )
        assert (task.number, task.seq, task.due_text) == ("11", 3, "9月底前")
        lead = session.exec(
            select(TaskDepartment.department_id).where(
                TaskDepartment.task_id == task.id, TaskDepartment.role == DepartmentRole.lead
            )
        ).all()
        assert lead == [o.science]
        with pytest.raises(NotAllowed):
            add_task(session, actor=_person(session, o.li), new=NewTask(o.plan, "x"), now=NOW)


def test_unassigned_lists_tasks_missing_a_leader_a_lead_or_a_deadline(
    office: tuple[Engine, Office],
) -> None:
    engine, o = office
    with session_scope(engine) as session:
        views, total = unassigned_tasks(session, person=_person(session, o.clerk), limit=10)
        assert [view.task.id for view in views] == [o.t2] and total == 1
        views, total = unassigned_tasks(session, person=_person(session, o.staff), limit=10)
        assert total == 0  # staff see only their department's tasks


def test_names_resolve_to_the_ledgers_spelling_or_come_back_with_suggestions(
    office: tuple[Engine, Office],
) -> None:
    engine, o = office
    with session_scope(engine) as session:
        found = find_departments(session, ["普及部", "学会部", "组宣部"])
        assert found.ids == (o.science, o.society)
        assert found.names == ("普及部（中心）", "学会部")
        assert found.unknown[0][0] == "组宣部"
        leaders = find_leaders(session, ["李麟副主席", "李林"])
        assert leaders.ids == (o.li.id,)
        assert leaders.unknown[0][0] == "李林" and "李麟" in leaders.unknown[0][1]


def test_importing_the_document_again_keeps_what_was_assigned_and_added_in_chat(
    engine: Engine,
) -> None:
    parsed = read_document(EXAMPLES / "002_46b6a2ef67550557.txt", today=NOW.date())
    with session_scope(engine) as session:
        report = apply_plan(session, parsed, now=NOW)
        clerk = Person(name="周婷", role=Role.admin, created_at=NOW)
        li = Person(name="李麟", role=Role.leader, created_at=NOW)
        society = Department(name="学会部")
        session.add_all([clerk, li, society])
        session.flush()
        assert li.id is not None and society.id is not None
        first = session.exec(
            select(Task).where(Task.plan_id == report.plan_id, Task.number == "1")
        ).one()
        assert first.id is not None
        changes = [
            Change("leader", ids=(li.id,)),
            Change("lead", ids=(society.id,)),
            Change("due", due=date(2025, 6, 30), due_text="6月底前"),
        ]
        apply_changes(session, actor=clerk, task_id=first.id, changes=changes, now=NOW)
        added = add_task(
            session, actor=clerk, new=NewTask(report.plan_id, "组织全市科普讲解大赛"), now=NOW
        )
        again = apply_plan(session, parsed, now=NOW)
        assert again.changed == [] and again.removed == [] and again.added == []
        session.refresh(first)
        session.refresh(added)
        assert first.due == date(2025, 6, 30) and added.status == TaskStatus.open
        leaders = session.exec(select(TaskLeader.person_id).where(TaskLeader.task_id == first.id))
        assert list(leaders) == [li.id]
