"""Who sees which task, and the lists the bot's handlers show: every permission path pinned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from models.access import (
    due_tasks,
    known_names,
    my_tasks,
    overdue_tasks,
    person_by_telegram_id,
    search_tasks,
    task_by_number,
    tasks_of_department,
    tasks_of_leader,
    visible,
)
from models.db import session_scope
from models.queries import TaskView
from models.tables import (
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
from tests.conftest import NOW, TODAY

# number, leaders, lead, responsible, due, status, content
ROWS: list[tuple[str, list[str], list[str], list[str], str | None, TaskStatus, str]] = [
    ("1", ["郑昌盛"], ["学会部"], [], "2025-03-05", TaskStatus.open, "举办科协讲堂4期"),
    (
        "2",
        ["陈汉平"],
        ["普及部"],
        ["学会部"],
        "2025-03-20",
        TaskStatus.in_progress,
        "科普大篷车巡展",
    ),
    ("3", ["陈汉平"], ["组宣部"], [], "2025-02-20", TaskStatus.open, "开展科学家精神宣讲"),
    ("4", ["郑昌盛"], ["办公室"], [], None, TaskStatus.pending_review, "考核完成率达到100%"),
    ("5", ["郑昌盛"], ["学会部"], [], "2025-03-01", TaskStatus.done, "大篷车年终总结"),
    ("6", ["郑昌盛"], ["学会部"], [], "2025-03-02", TaskStatus.cancelled, "取消的大篷车活动"),
    ("7", [], ["普及部"], [], "2025-04-10", TaskStatus.open, "举办AI科普讲座"),
    ("8-10", ["陈汉平"], ["组宣部"], ["办公室"], "2025-03-31", TaskStatus.open, "大篷车进校园"),
]
ALL_OPEN = ["3", "1", "2", "8-10", "7", "4"]  # soonest deadline first, undated last


@dataclass
class People:
    admin: Person
    zheng: Person  # leads 1, 4, 5, 6: oversees 学会部 and 办公室
    chen: Person  # leads 2, 3, 8-10: oversees 普及部 and 组宣部
    idle: Person  # a leader who leads nothing
    staff: Person  # 学会部
    outsider: Person  # staff without a department


def _department_id(session: Session, name: str) -> int:
    department = session.exec(select(Department).where(Department.name == name)).first()
    if department is None:
        department = Department(name=name)
        session.add(department)
        session.flush()
    assert department.id is not None
    return department.id


def _person(session: Session, name: str, role: Role, department: str | None = None) -> Person:
    department_id = _department_id(session, department) if department else None
    person = Person(name=name, role=role, department_id=department_id, created_at=NOW)
    session.add(person)
    session.flush()
    return person


def _plan(session: Session, year: int) -> int:
    plan = Plan(
        title=f"{year}年重点工作任务分解清单",
        year=year,
        source_name="plan.txt",
        source_hash=str(year),
        imported_at=NOW.replace(year=year),
        updated_at=NOW,
    )
    session.add(plan)
    session.flush()
    assert plan.id is not None
    return plan.id


def _task(
    session: Session,
    plan_id: int,
    seq: int,
    row: tuple[str, list[str], list[str], list[str], str | None, TaskStatus, str],
) -> None:
    number, leaders, lead, responsible, due, status, content = row
    task = Task(
        plan_id=plan_id,
        seq=seq,
        number=number,
        content=content,
        due=date.fromisoformat(due) if due else None,
        status=status,
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(task)
    session.flush()
    assert task.id is not None

    for position, name in enumerate(leaders):
        person_id = session.exec(select(Person.id).where(Person.name == name)).one()
        assert person_id is not None
        session.add(TaskLeader(task_id=task.id, person_id=person_id, position=position))
    for role, names in ((DepartmentRole.lead, lead), (DepartmentRole.responsible, responsible)):
        for position, name in enumerate(names):
            department_id = _department_id(session, name)
            session.add(
                TaskDepartment(
                    task_id=task.id, department_id=department_id, role=role, position=position
                )
            )
    session.flush()


@pytest.fixture
def people(engine: Engine) -> People:
    with session_scope(engine) as session:
        found = People(
            admin=_person(session, "管理员", Role.admin, "办公室"),
            zheng=_person(session, "郑昌盛", Role.leader),
            chen=_person(session, "陈汉平", Role.leader),
            idle=_person(session, "闲领导", Role.leader),
            staff=_person(session, "王学会", Role.staff, "学会部"),
            outsider=_person(session, "路人甲", Role.staff),
        )
        found.staff.telegram_user_id = 1001
        session.add(found.staff)
        older = _plan(session, 2024)
        # Last year's task 1 (组宣部, done) shares its number with this year's task 1.
        _task(session, older, 1, ("1", [], ["组宣部"], [], "2024-12-31", TaskStatus.done, "旧任务"))
        current = _plan(session, 2025)
        for seq, row in enumerate(ROWS, start=1):
            _task(session, current, seq, row)
    return found


def numbers(page: tuple[list[TaskView], int]) -> list[str]:
    return [view.task.number or "" for view in page[0]]


def seen(engine: Engine, person: Person) -> set[str]:
    """Every task ``person`` may see, whatever its status, as "year:number"."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(Plan.year, Task.number)
            .join(Plan, col(Plan.id) == Task.plan_id)
            .where(visible(session, person=person))
        ).all()
    return {f"{year}:{number}" for year, number in rows}


def this_year(*numbers: str) -> set[str]:
    return {f"2025:{number}" for number in numbers}


# --- the rule -----------------------------------------------------------------------------


def test_an_admin_sees_every_task_of_every_plan(engine: Engine, people: People) -> None:
    assert seen(engine, people.admin) == this_year(*(row[0] for row in ROWS)) | {"2024:1"}


def test_a_leader_sees_own_tasks_and_all_tasks_of_the_departments_they_oversee(
    engine: Engine, people: People
) -> None:
    # 郑昌盛 leads 1, 4, 5, 6, so oversees 学会部 and 办公室: 2 (学会部 shares it) and 8-10
    # (办公室 shares it) come with them; 3 and 7 (组宣部, 普及部) do not.
    assert seen(engine, people.zheng) == this_year("1", "2", "4", "5", "6", "8-10")
    # 陈汉平 oversees 普及部 and 组宣部, which reaches last year's 组宣部 task too.
    assert seen(engine, people.chen) == this_year("2", "3", "7", "8-10") | {"2024:1"}


def test_a_leader_who_leads_nothing_sees_nothing(engine: Engine, people: People) -> None:
    assert seen(engine, people.idle) == set()


def test_staff_see_the_tasks_their_department_leads_or_shares(
    engine: Engine, people: People
) -> None:
    assert seen(engine, people.staff) == this_year("1", "2", "5", "6")


def test_a_person_without_a_department_sees_nothing(engine: Engine, people: People) -> None:
    assert seen(engine, people.outsider) == set()
    with session_scope(engine) as session:
        for page in (
            my_tasks(session, person=people.outsider, limit=10),
            overdue_tasks(session, person=people.outsider, today=TODAY, limit=10),
            search_tasks(session, person=people.outsider, terms=["大篷车"], limit=10),
        ):
            assert page == ([], 0)
        assert task_by_number(session, person=people.outsider, number="1") is None


def test_an_unknown_role_sees_nothing(engine: Engine, people: People) -> None:
    stranger = Person(id=people.staff.id, name="x", role="visitor", department_id=1, created_at=NOW)
    assert seen(engine, stranger) == set()


def test_a_person_is_found_by_their_telegram_account(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        found = person_by_telegram_id(session, telegram_user_id=1001)
        assert found is not None and found.name == "王学会"
        assert person_by_telegram_id(session, telegram_user_id=42) is None


# --- my_tasks and paging --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("zheng", ["1", "4"]),  # own open tasks only; 5 done and 6 cancelled never listed
        ("chen", ["3", "2", "8-10"]),
        ("idle", []),
        ("staff", ["1", "2"]),  # the department's, lead or shared
        ("admin", ALL_OPEN),  # an admin who leads nothing gets the whole open ledger
    ],
)
def test_my_tasks_lists_open_tasks_soonest_deadline_first(
    engine: Engine, people: People, who: str, expected: list[str]
) -> None:
    with session_scope(engine) as session:
        page = my_tasks(session, person=getattr(people, who), limit=10)
    assert numbers(page) == expected
    assert page[1] == len(expected)


def test_an_admin_who_leads_tasks_gets_only_those_as_their_own(
    engine: Engine, people: People
) -> None:
    with session_scope(engine) as session:
        task_id = session.exec(select(Task.id).where(Task.number == "7")).one()
        assert task_id is not None and people.admin.id is not None
        session.add(TaskLeader(task_id=task_id, person_id=people.admin.id))
    with session_scope(engine) as session:
        assert numbers(my_tasks(session, person=people.admin, limit=10)) == ["7"]


def test_pages_slice_the_list_and_report_the_total(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        pages = [
            my_tasks(session, person=people.admin, limit=4, offset=offset) for offset in (0, 4)
        ]
        past_the_end = my_tasks(session, person=people.admin, limit=4, offset=8)
    assert [numbers(page) for page in pages] == [ALL_OPEN[:4], ALL_OPEN[4:]]
    assert [page[1] for page in pages] == [6, 6]
    assert past_the_end == ([], 6)


def test_pages_carry_leaders_departments_and_plan_title(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        views, _ = my_tasks(session, person=people.chen, limit=10)
    last = views[-1]
    assert last.task.number == "8-10"
    assert last.leaders == ["陈汉平"]
    assert (last.lead_departments, last.responsible) == (["组宣部"], ["办公室"])
    assert last.plan_title == "2025年重点工作任务分解清单"


# --- due and overdue ------------------------------------------------------------------------


def test_due_tasks_are_the_visible_open_ones_within_the_window(
    engine: Engine, people: People
) -> None:
    march = (date(2025, 3, 1), date(2025, 3, 31))
    with session_scope(engine) as session:
        zheng = due_tasks(session, person=people.zheng, start=march[0], end=march[1], limit=10)
        staff = due_tasks(session, person=people.staff, start=TODAY, end=date(2025, 3, 9), limit=10)
        edges = due_tasks(
            session,
            person=people.admin,
            start=date(2025, 3, 5),
            end=date(2025, 3, 20),
            limit=10,
        )
    # 5 and 6 fall due in March but are done or cancelled.
    assert numbers(zheng) == ["1", "2", "8-10"]
    assert numbers(staff) == ["1"]
    assert numbers(edges) == ["1", "2"]  # both ends of the window count


def test_overdue_tasks_are_open_ones_past_their_deadline(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        admin = overdue_tasks(session, person=people.admin, today=TODAY, limit=10)
        zheng = overdue_tasks(session, person=people.zheng, today=TODAY, limit=10)
        later = overdue_tasks(session, person=people.chen, today=date(2025, 3, 21), limit=10)
    assert numbers(admin) == ["3"]
    assert zheng == ([], 0)  # 5 and 6 are past due but done / cancelled
    assert numbers(later) == ["3", "2"]


# --- a task by its number ---------------------------------------------------------------------


def test_task_by_number_refuses_a_task_the_person_cannot_see(
    engine: Engine, people: People
) -> None:
    with session_scope(engine) as session:
        assert task_by_number(session, person=people.staff, number="3") is None
        assert task_by_number(session, person=people.zheng, number="7") is None
        found = task_by_number(session, person=people.chen, number="3")
    assert found is not None and found.task.content == "开展科学家精神宣讲"


def test_task_by_number_prefers_the_newest_plan_the_person_can_see(
    engine: Engine, people: People
) -> None:
    with session_scope(engine) as session:
        admin = task_by_number(session, person=people.admin, number="1")
        chen = task_by_number(session, person=people.chen, number="1")
    assert admin is not None and admin.plan_title.startswith("2025")
    # This year's 1 is not 陈汉平's to see; last year's (组宣部) is.
    assert chen is not None and chen.plan_title.startswith("2024")


@pytest.mark.parametrize("number", ["8", "9", "10", "8-10"])
def test_task_by_number_finds_a_merged_row_by_any_of_its_numbers(
    engine: Engine, people: People, number: str
) -> None:
    with session_scope(engine) as session:
        found = task_by_number(session, person=people.chen, number=number)
        assert task_by_number(session, person=people.chen, number="11") is None
    assert found is not None and found.task.number == "8-10"


def test_task_by_number_finds_done_tasks_too(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        found = task_by_number(session, person=people.zheng, number="5")
    assert found is not None and found.task.status == TaskStatus.done


# --- search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "terms", "expected"),
    [
        ("admin", ["科普", "大篷车"], ["2", "8-10", "7"]),  # both terms first, then by deadline
        ("zheng", ["大篷车"], ["2", "8-10"]),  # 5 and 6 mention it but are closed
        ("staff", ["大篷车"], ["2"]),
        ("admin", ["ai"], ["7"]),  # case-insensitive
        ("admin", ["100%"], ["4"]),  # the words of a term, its punctuation aside
        ("admin", ["%"], []),  # nothing to look for is no match, never every task
        ("admin", ["_"], []),
        ("admin", ["讲座"], ["7"]),  # two characters: one pair
        ("admin", ["讲"], ["3", "1", "7"]),  # one: every pair it starts (宣讲, 讲座)
        ("admin", ["科普讲座"], ["7"]),  # a phrase, not its pairs anywhere
        ("admin", ["普讲"], ["7"]),
        ("admin", ["讲科"], []),
        ("admin", [], []),
        ("admin", ["  "], []),
    ],
)
def test_search_ranks_visible_open_tasks_by_terms_hit(
    engine: Engine, people: People, who: str, terms: list[str], expected: list[str]
) -> None:
    with session_scope(engine) as session:
        page = search_tasks(session, person=getattr(people, who), terms=terms, limit=10)
    assert numbers(page) == expected
    assert page[1] == len(expected)


# --- a department's or a leader's tasks --------------------------------------------------------


def test_staff_may_not_ask_for_a_department_or_a_leader(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        assert tasks_of_department(session, person=people.staff, department="学会部", limit=10) == (
            [],
            0,
        )
        assert tasks_of_leader(session, person=people.staff, leader="郑昌盛", limit=10) == ([], 0)


def test_a_department_s_tasks_stay_within_what_the_asker_sees(
    engine: Engine, people: People
) -> None:
    with session_scope(engine) as session:
        zheng = tasks_of_department(session, person=people.zheng, department="普及部", limit=10)
        admin = tasks_of_department(session, person=people.admin, department="普及部", limit=10)
        own = tasks_of_department(session, person=people.zheng, department="学会部", limit=10)
        nobody = tasks_of_department(session, person=people.admin, department="无此部", limit=10)
    assert numbers(zheng) == ["2"]  # 7 is 普及部's too, but not 郑昌盛's to see
    assert numbers(admin) == ["2", "7"]
    assert numbers(own) == ["1", "2"]  # open only: 5 and 6 are closed
    assert nobody == ([], 0)


def test_a_leader_s_tasks_stay_within_what_the_asker_sees(engine: Engine, people: People) -> None:
    with session_scope(engine) as session:
        zheng = tasks_of_leader(session, person=people.zheng, leader="陈汉平", limit=10)
        admin = tasks_of_leader(session, person=people.admin, leader="陈汉平", limit=10)
        chen = tasks_of_leader(session, person=people.chen, leader="郑昌盛", limit=10)
    assert numbers(zheng) == ["2", "8-10"]
    assert numbers(admin) == ["3", "2", "8-10"]
    assert chen == ([], 0)


def test_known_names_are_the_leaders_and_departments_for_read_intent(
    engine: Engine, people: People
) -> None:
    with session_scope(engine) as session:
        leaders, departments = known_names(session)
    assert leaders == sorted(["郑昌盛", "陈汉平", "闲领导"])
    assert departments == sorted(["办公室", "学会部", "普及部", "组宣部"])
