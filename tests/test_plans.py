"""Several plans and years: which are current, whose questions are about which, archiving, and
another year's task named in words (去年的第3项)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ledger.understanding import understand_message
from models.access import (
    due_tasks,
    my_tasks,
    overdue_tasks,
    search_tasks,
    status_counts,
    task_by_id,
    task_by_number,
    tasks_of_department,
    tasks_of_leader,
)
from models.db import session_scope
from models.plans import (
    archive_plan,
    choose_plan,
    current_plan_ids,
    list_plans,
    plans_in_scope,
    plans_of_year,
    scope,
    unarchive_plan,
)
from models.reminders import chased_tasks
from models.tables import (
    AuditEvent,
    Department,
    DepartmentRole,
    Person,
    Plan,
    Role,
    Task,
    TaskDepartment,
    TaskLeader,
    TaskStatus,
)
from models.weekly import last_activity
from nlu.plans import read_plan_year
from nlu.understand import understand
from tests.conftest import NOW, run

TODAY = date(2025, 5, 26)


def _plan(session: Session, title: str, year: int | None, *, archived: bool = False) -> int:
    plan = Plan(
        title=title,
        year=year,
        source_name=f"{title}.txt",
        source_hash=title,
        imported_at=NOW,
        updated_at=NOW,
        archived_at=NOW if archived else None,
    )
    session.add(plan)
    session.flush()
    assert plan.id is not None
    return plan.id


def _task(
    session: Session,
    plan_id: int,
    number: str,
    content: str,
    *,
    due: date | None,
    leader: Person,
    department: int,
    status: TaskStatus = TaskStatus.open,
) -> int:
    task = Task(
        plan_id=plan_id,
        seq=int(number) - 1,
        number=number,
        content=content,
        due=due,
        status=status,
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(task)
    session.flush()
    assert task.id is not None and leader.id is not None
    session.add(TaskLeader(task_id=task.id, person_id=leader.id))
    session.add(TaskDepartment(task_id=task.id, department_id=department, role=DepartmentRole.lead))
    session.flush()
    return task.id


@dataclass
class Years:
    admin: Person
    leader: Person  # leads every task, 学会部's
    staff: Person  # 学会部
    last_year: int  # 2024: tasks 1-3, task 2 done, the others overdue
    this_year: int  # 2025: tasks 1-3, task 2 overdue, task 3 due this week


@pytest.fixture
def years(engine: Engine) -> Years:
    with session_scope(engine) as session:
        department = Department(name="学会部")
        session.add(department)
        session.flush()
        assert department.id is not None
        admin = Person(name="周婷", role=Role.admin, created_at=NOW)
        leader = Person(name="陈汉平", role=Role.leader, created_at=NOW)
        staff = Person(name="张伟", role=Role.staff, department_id=department.id, created_at=NOW)
        session.add_all([admin, leader, staff])
        session.flush()
        last = _plan(session, "2024年重点工作任务", 2024)
        this = _plan(session, "2025年重点工作任务", 2025)
        for plan, year in ((last, 2024), (this, 2025)):
            _task(
                session,
                plan,
                "1",
                f"{year}年科普大篷车巡展",
                due=date(year, 12, 31),
                leader=leader,
                department=department.id,
            )
            _task(
                session,
                plan,
                "2",
                f"{year}年院士工作站建设",
                due=date(year, 3, 31),
                leader=leader,
                department=department.id,
                status=TaskStatus.done if year == 2024 else TaskStatus.open,
            )
            _task(
                session,
                plan,
                "3",
                f"{year}年青少年科学营",
                due=date(year, 5, 31),
                leader=leader,
                department=department.id,
            )
        for person in (admin, leader, staff):
            session.expunge(person)
    return Years(admin, leader, staff, last, this)


def _contents(views: object) -> list[str]:
    page, _total = views  # type: ignore[misc]
    return [view.task.content for view in page]


# --- which plans are current ------------------------------------------------------------------


def _years(engine: Engine, today: date) -> list[int | None]:
    with session_scope(engine) as session:
        ids = current_plan_ids(session, today=today)
        return sorted(
            (session.get(Plan, id_).year for id_ in ids),  # type: ignore[union-attr]
            key=lambda year: year or 0,
        )


def test_the_current_plans_are_todays_year_and_those_without_a_year(engine: Engine) -> None:
    with session_scope(engine) as session:
        for year in (2024, 2025, 2026):
            _plan(session, f"{year}年工作要点", year)
        _plan(session, "常态化工作清单", None)
    assert _years(engine, date(2025, 5, 26)) == [None, 2025]
    # No plan of today's year: the newest year before today, else the earliest after it.
    assert _years(engine, date(2027, 1, 4)) == [None, 2026]
    assert _years(engine, date(2023, 6, 1)) == [None, 2024]


def test_an_archived_plan_is_never_current(engine: Engine) -> None:
    with session_scope(engine) as session:
        _plan(session, "2024年工作要点", 2024)
        _plan(session, "2025年工作要点", 2025, archived=True)
    assert _years(engine, date(2025, 5, 26)) == [2024]


def test_without_years_every_plan_not_archived_is_current(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = _plan(session, "工作要点", None)
        second = _plan(session, "分工方案", None)
        _plan(session, "旧方案", None, archived=True)
        assert current_plan_ids(session, today=TODAY) == [first, second]


def test_an_empty_ledger_has_no_current_plan(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert current_plan_ids(session, today=TODAY) == []


# --- whose questions are about which plan -----------------------------------------------------


def test_a_person_is_on_the_current_plans_until_they_choose_one(
    engine: Engine, years: Years
) -> None:
    with session_scope(engine) as session:
        leader = session.get(Person, years.leader.id)
        assert leader is not None
        assert plans_in_scope(session, person=leader, today=TODAY) == [years.this_year]
        assert choose_plan(session, person=leader, plan_id=years.last_year)
        found = scope(session, person=leader, today=TODAY)
        assert found.plans == [years.last_year]
        assert found.chosen is not None and found.chosen.year == 2024  # not a current one
        assert choose_plan(session, person=leader, plan_id=years.this_year)
        assert scope(session, person=leader, today=TODAY).chosen is None  # a current one
        assert not choose_plan(session, person=leader, plan_id=999)  # no such plan
        assert leader.plan_id == years.this_year
        assert choose_plan(session, person=leader, plan_id=None)
        assert plans_in_scope(session, person=leader, today=TODAY) == [years.this_year]


def test_every_list_keeps_to_the_plans_given(engine: Engine, years: Years) -> None:
    last, this = [years.last_year], [years.this_year]
    with session_scope(engine) as session:
        leader = session.get(Person, years.leader.id)
        assert leader is not None
        mine = my_tasks(session, person=leader, limit=10, plans=last)
        assert _contents(mine) == ["2024年青少年科学营", "2024年科普大篷车巡展"]
        assert len(my_tasks(session, person=leader, limit=10)[0]) == 5  # None: every plan
        late = overdue_tasks(session, person=leader, today=TODAY, limit=10, plans=this)
        assert _contents(late) == ["2025年院士工作站建设"]
        week = due_tasks(
            session,
            person=leader,
            start=TODAY,
            end=TODAY + timedelta(days=6),
            limit=10,
            plans=this,
        )
        assert _contents(week) == ["2025年青少年科学营"]
        found = search_tasks(session, person=leader, terms=["大篷车"], limit=10, plans=this)
        assert _contents(found) == ["2025年科普大篷车巡展"]
        of_department = tasks_of_department(
            session, person=leader, department="学会部", limit=10, plans=last
        )
        assert len(of_department[0]) == 2
        of_leader = tasks_of_leader(session, person=leader, leader="陈汉平", limit=10, plans=this)
        assert len(of_leader[0]) == 3
        counts = status_counts(session, person=leader, today=TODAY, plans=last)
        assert counts[TaskStatus.done] == 1 and counts[TaskStatus.open] == 2
        assert counts["overdue"] == 2


def test_the_same_number_in_two_plans_is_the_one_of_the_plan_in_scope(
    engine: Engine, years: Years
) -> None:
    with session_scope(engine) as session:
        staff = session.get(Person, years.staff.id)
        assert staff is not None
        newest = task_by_number(session, person=staff, number="3")
        assert newest is not None and newest.task.plan_id == years.this_year
        both = task_by_number(
            session, person=staff, number="3", plans=[years.last_year, years.this_year]
        )
        assert both is not None and both.task.plan_id == years.this_year  # the newest
        old = task_by_number(session, person=staff, number="3", plans=[years.last_year])
        assert old is not None and old.task.content == "2024年青少年科学营"
        assert task_by_number(session, person=staff, number="4", plans=[years.last_year]) is None
        # A button names a task by id: it opens whatever plan the task is in.
        assert task_by_id(session, person=staff, task_id=old.task.id or 0) is not None


def test_an_unnumbered_task_is_found_by_its_place_in_the_plan_in_scope(
    engine: Engine, years: Years
) -> None:
    with session_scope(engine) as session:
        for plan in (years.last_year, years.this_year):
            task = session.exec(select(Task).where(Task.plan_id == plan, Task.number == "2")).one()
            task.number = None
            session.add(task)
        staff = session.get(Person, years.staff.id)
        assert staff is not None
        old = task_by_number(session, person=staff, number="2", plans=[years.last_year])
        assert old is not None and old.task.content == "2024年院士工作站建设"
        new = task_by_number(session, person=staff, number="2")
        assert new is not None and new.task.content == "2025年院士工作站建设"


# --- the plans listed, archived ---------------------------------------------------------------


def test_plans_are_listed_newest_first_with_their_counts(engine: Engine, years: Years) -> None:
    with session_scope(engine) as session:
        _plan(session, "尚无任务的清单", 2023)
        found = [(p.year, p.open, p.done, p.total, p.archived) for p in list_plans(session)]
    assert found == [(2025, 3, 0, 3, False), (2024, 2, 1, 3, False), (2023, 0, 0, 0, False)]


def test_archiving_takes_a_plan_off_the_lists_and_off_its_followers(
    engine: Engine, years: Years
) -> None:
    later = NOW + timedelta(hours=1)
    with session_scope(engine) as session:
        leader = session.get(Person, years.leader.id)
        admin = session.get(Person, years.admin.id)
        assert leader is not None and admin is not None
        choose_plan(session, person=leader, plan_id=years.this_year)
        archived = archive_plan(session, plan_id=years.this_year, by=admin, now=later)
        assert archived is not None and archived.archived_at == later
    with session_scope(engine) as session:
        leader = session.get(Person, years.leader.id)
        assert leader is not None and leader.plan_id is None  # nobody stays on it
        # 2024 is now the newest year before today that is not archived: the current one.
        assert plans_in_scope(session, person=leader, today=TODAY) == [years.last_year]
        events = session.exec(select(AuditEvent.action, AuditEvent.plan_id)).all()
        assert ("plan.archived", years.this_year) in events
        assert [p.archived for p in list_plans(session)] == [True, False]
        admin = session.get(Person, years.admin.id)
        assert admin is not None
        back = unarchive_plan(session, plan_id=years.this_year, by=admin, now=later)
        assert back is not None and back.archived_at is None
        assert plans_in_scope(session, person=leader, today=TODAY) == [years.this_year]
        assert archive_plan(session, plan_id=999, by=admin, now=later) is None


def test_only_an_admin_archives_a_plan(engine: Engine, years: Years) -> None:
    with session_scope(engine) as session:
        leader = session.get(Person, years.leader.id)
        assert leader is not None
        with pytest.raises(PermissionError):
            archive_plan(session, plan_id=years.last_year, by=leader, now=NOW)
    with session_scope(engine) as session:
        assert session.get(Plan, years.last_year).archived_at is None  # type: ignore[union-attr]


def test_reminders_never_chase_the_tasks_of_an_archived_plan(engine: Engine, years: Years) -> None:
    horizon = date(2026, 1, 31)
    with session_scope(engine) as session:
        before = {task.id for task in chased_tasks(session, horizon=horizon)}
        quiet_before = {activity.task_id for activity in last_activity(session)}
        admin = session.get(Person, years.admin.id)
        assert admin is not None
        archive_plan(session, plan_id=years.last_year, by=admin, now=NOW)
    with session_scope(engine) as session:
        old = set(session.exec(select(Task.id).where(Task.plan_id == years.last_year)).all())
        after = {task.id for task in chased_tasks(session, horizon=horizon)}
        quiet_after = {activity.task_id for activity in last_activity(session)}
    assert before & old  # last year's open tasks were chased while its plan was live
    assert after == before - old
    assert quiet_after == quiet_before - old  # nor listed as silent in the weekly digest


# --- another year's task named in words -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("去年的第3项", 2024),
        ("前年的第5项", 2023),
        ("大前年的第5项", 2022),
        ("2024年的第3项", 2024),
        ("二〇二四年第3项谁负责", 2024),
        ("今年的第3项", 2025),
        ("去年第3项什么时候到期", 2024),
        ("看看2024年度重点任务清单中的第12项", 2024),
        ("第3项", None),
        ("第20项推迟到2026年3月", None),  # a date, not a plan
        ("去年完成了3项", None),
    ],
)
def test_a_year_before_a_task_number_names_that_years_plan(text: str, year: int | None) -> None:
    assert understand(text, today=TODAY).plan_year == year


def test_a_relative_year_needs_today() -> None:
    assert read_plan_year("去年的第3项", None) is None
    assert read_plan_year("2024年的第3项", None) == 2024


def test_last_years_task_in_words_is_looked_up_in_last_years_plan(
    engine: Engine, years: Years
) -> None:
    with session_scope(engine) as session:
        staff = session.get(Person, years.staff.id)
        assert staff is not None
        this = [years.this_year]
        said = understand_message(
            session, person=staff, text="去年的第3项", today=TODAY, plans=this
        )
        assert said.task is not None and said.task.task.content == "2024年青少年科学营"
        assert said.task.plan_title == "2024年重点工作任务"
        plain = understand_message(session, person=staff, text="第3项", today=TODAY, plans=this)
        assert plain.task is not None and plain.task.task.plan_id == years.this_year
        missing = understand_message(
            session, person=staff, text="前年的第3项", today=TODAY, plans=this
        )
        assert missing.no_plan_of == 2023 and missing.task is None
        assert plans_of_year(session, year=2023) == []


def test_words_naming_a_task_match_only_the_plans_in_scope(engine: Engine, years: Years) -> None:
    with session_scope(engine) as session:
        leader = session.get(Person, years.leader.id)
        assert leader is not None
        for plan, year in ((years.last_year, 2024), (years.this_year, 2025)):
            said = understand_message(
                session, person=leader, text="科普大篷车那个任务", today=TODAY, plans=[plan]
            )
            assert said.task is not None, year
            assert said.task.task.content == f"{year}年科普大篷车巡展"
            assert said.candidates == []


# --- the command line -------------------------------------------------------------------------


def test_the_tasks_command_keeps_to_a_plan_by_year_or_id(years: Years, ledger: str) -> None:
    code, out = run("tasks", "--plan", "2024", "--json")
    assert code == 0
    assert {row["plan"] for row in json.loads(out)} == {"2024年重点工作任务"}
    code, out = run("tasks", "--plan", str(years.this_year), "--json")
    assert [row["content"][:5] for row in json.loads(out)] == ["2025年"] * 3
    code, out = run("tasks", "--json")
    assert len(json.loads(out)) == 6  # no --plan: every plan
    assert run("tasks", "--plan", "2030")[0] == 2
