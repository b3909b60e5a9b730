"""A shared task keeps each party's own part: who speaks for which, what a report and a
completion change, and whom the reminders still chase (on SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from models.db import session_scope
from models.people import task_history
from models.queries import TaskDetails, replace_details
from models.reminders import Carried, ChasedTask, chased_tasks
from models.reports import (
    Party,
    pending_reviews,
    record_progress,
    review_completion,
    speaks_for,
    submit_completion,
    task_parties,
)
from models.tables import (
    Department,
    DepartmentRole,
    PartStatus,
    Person,
    Plan,
    ProgressReport,
    ReportStatus,
    Role,
    Task,
    TaskDepartment,
    TaskLeader,
    TaskStatus,
)
from nlu.calendar import BUILT_IN
from scheduler.sweep import DEFAULT_POLICY, due_digests, plan
from tests.conftest import NOW

ZONE = ZoneInfo("Asia/Shanghai")


@dataclass
class Ledger:
    admin: Person
    li: Person  # leads the shared tasks (position 0)
    zheng: Person  # their second leader
    society: Person  # staff of 学会部: the lead department
    publicity: Person  # staff of 组宣部: a second lead department (共同牵头, position 1)
    county: Person  # staff of 县科协: responsible
    museum: Person  # staff of 市科技馆: no part in them
    shared: int  # No. 33, due 2025-09-30
    unled: int  # No. 34: only 县科协, responsible; no leader
    ongoing: int  # No. 35: 持续推进, no date
    departments: dict[str, int]


def _person(session: Session, name: str, role: Role, department: int | None = None) -> Person:
    person = Person(name=name, role=role, department_id=department, created_at=NOW)
    session.add(person)
    session.flush()
    return person


def _task(
    session: Session,
    plan_id: int,
    number: str,
    *,
    leaders: list[Person],
    lead: list[int],
    responsible: list[int],
    due: date | None,
    due_kind: str = "by",
) -> int:
    task = Task(
        plan_id=plan_id,
        seq=int(number),
        number=number,
        content=f"任务{number}",
        due=due,
        due_kind=due_kind,
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(task)
    session.flush()
    assert task.id is not None
    for position, leader in enumerate(leaders):
        assert leader.id is not None
        session.add(TaskLeader(task_id=task.id, person_id=leader.id, position=position))
    for role, ids in ((DepartmentRole.lead, lead), (DepartmentRole.responsible, responsible)):
        for position, department in enumerate(ids):
            session.add(
                TaskDepartment(
                    task_id=task.id, department_id=department, role=role, position=position
                )
            )
    session.flush()
    return task.id


@pytest.fixture
def ledger(engine: Engine) -> Ledger:
    with session_scope(engine) as session:
        departments = {}
        for name in ("办公室", "学会部", "组宣部", "县科协", "市科技馆"):
            department = Department(name=name)
            session.add(department)
            session.flush()
            assert department.id is not None
            departments[name] = department.id
        admin = _person(session, "王督办", Role.admin, departments["办公室"])
        li = _person(session, "李麟", Role.leader)
        zheng = _person(session, "郑昌盛", Role.leader)
        society = _person(session, "张伟", Role.staff, departments["学会部"])
        publicity = _person(session, "赵敏", Role.staff, departments["组宣部"])
        county = _person(session, "刘洋", Role.staff, departments["县科协"])
        museum = _person(session, "孙丽", Role.staff, departments["市科技馆"])
        plan_row = Plan(
            title="2025年重点工作任务分解清单",
            year=2025,
            source_name="004.txt",
            source_hash="004",
            imported_at=NOW,
            updated_at=NOW,
        )
        session.add(plan_row)
        session.flush()
        assert plan_row.id is not None
        lead = [departments["学会部"], departments["组宣部"]]
        shared = _task(
            session,
            plan_row.id,
            "33",
            leaders=[li, zheng],
            lead=lead,
            responsible=[departments["县科协"]],
            due=date(2025, 9, 30),
        )
        unled = _task(
            session,
            plan_row.id,
            "34",
            leaders=[],
            lead=[],
            responsible=[departments["县科协"]],
            due=date(2025, 9, 30),
        )
        ongoing = _task(
            session,
            plan_row.id,
            "35",
            leaders=[li, zheng],
            lead=[departments["学会部"]],
            responsible=[departments["县科协"]],
            due=None,
            due_kind="continuous",
        )
    return Ledger(
        admin, li, zheng, society, publicity, county, museum, shared, unled, ongoing, departments
    )


def pid(person: Person) -> int:
    assert person.id is not None
    return person.id


def parts(engine: Engine, task_id: int) -> dict[str, tuple[str, int | None]]:
    """Each party of a task by name: (its part's status, its last report's id)."""
    with session_scope(engine) as session:
        found = {
            name: (status, report)
            for name, status, report in session.exec(
                select(Person.name, TaskLeader.part_status, TaskLeader.last_report_id)
                .join(TaskLeader, col(TaskLeader.person_id) == Person.id)
                .where(TaskLeader.task_id == task_id)
            )
        }
        found |= {
            name: (status, report)
            for name, status, report in session.exec(
                select(Department.name, TaskDepartment.part_status, TaskDepartment.last_report_id)
                .join(TaskDepartment, col(TaskDepartment.department_id) == Department.id)
                .where(TaskDepartment.task_id == task_id)
            )
        }
    return found


def status_of(engine: Engine, task_id: int) -> str:
    with session_scope(engine) as session:
        task = session.get(Task, task_id)
        assert task is not None
        return task.status


def progress(engine: Engine, task_id: int, person: Person, at: datetime = NOW) -> int:
    with session_scope(engine) as session:
        report = record_progress(
            session, task_id=task_id, person_id=pid(person), text="推进中", now=at
        )
    assert report.id is not None
    return report.id


def done(engine: Engine, task_id: int, person: Person, at: datetime = NOW) -> ProgressReport:
    with session_scope(engine) as session:
        report = submit_completion(
            session, task_id=task_id, person_id=pid(person), text="办完了", now=at
        )
        session.expunge(report)
    return report


OPEN, REPORTED, DONE = PartStatus.open, PartStatus.reported, PartStatus.done


# --- who speaks for which part --------------------------------------------------------------


def test_each_reporter_speaks_for_their_own_part_and_an_admin_for_the_lead(
    engine: Engine, ledger: Ledger
) -> None:
    ids = ledger.departments
    with session_scope(engine) as session:

        def party(person: Person, task_id: int = ledger.shared) -> Party | None:
            return speaks_for(session, person=person, task_id=task_id)

        assert party(ledger.li) == Party(
            "李麟", lead=True, lead_name="学会部", leader_id=pid(ledger.li)
        )
        assert party(ledger.zheng) == Party(
            "郑昌盛", lead=False, lead_name="学会部", leader_id=pid(ledger.zheng)
        )
        assert party(ledger.society) == Party(
            "学会部", lead=True, lead_name="学会部", department_id=ids["学会部"]
        )
        # A second lead department (共同牵头) is a party of its own, not the lead.
        assert party(ledger.publicity) == Party(
            "组宣部", lead=False, lead_name="学会部", department_id=ids["组宣部"]
        )
        assert party(ledger.county) == Party(
            "县科协", lead=False, lead_name="学会部", department_id=ids["县科协"]
        )
        assert party(ledger.admin) == Party(
            "学会部",
            lead=True,
            lead_name="学会部",
            leader_id=pid(ledger.li),
            department_id=ids["学会部"],
        )
        assert party(ledger.museum) is None
        # A task that names no lead is led by whoever reports on it.
        county_alone = party(ledger.county, ledger.unled)
        assert county_alone is not None and county_alone.lead


# --- progress -------------------------------------------------------------------------------


def test_progress_marks_only_the_reporters_own_part_reported(
    engine: Engine, ledger: Ledger
) -> None:
    report = progress(engine, ledger.shared, ledger.county)
    assert status_of(engine, ledger.shared) == TaskStatus.in_progress
    assert parts(engine, ledger.shared) == {
        "李麟": (OPEN, None),
        "郑昌盛": (OPEN, None),
        "学会部": (OPEN, None),
        "组宣部": (OPEN, None),
        "县科协": (REPORTED, report),
    }
    by_leader = progress(engine, ledger.shared, ledger.zheng)
    assert parts(engine, ledger.shared)["郑昌盛"] == (REPORTED, by_leader)


def test_an_admins_progress_speaks_for_the_lead_leader_and_the_lead_department(
    engine: Engine, ledger: Ledger
) -> None:
    report = progress(engine, ledger.shared, ledger.admin)
    assert parts(engine, ledger.shared) == {
        "李麟": (REPORTED, report),
        "郑昌盛": (OPEN, None),
        "学会部": (REPORTED, report),
        "组宣部": (OPEN, None),
        "县科协": (OPEN, None),
    }


def test_progress_after_a_part_is_done_keeps_it_done(engine: Engine, ledger: Ledger) -> None:
    done(engine, ledger.shared, ledger.county)
    later = progress(engine, ledger.shared, ledger.county)
    assert parts(engine, ledger.shared)["县科协"] == (DONE, later)


# --- completion -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "party"), [("county", "县科协"), ("zheng", "郑昌盛"), ("publicity", "组宣部")]
)
def test_a_completion_from_another_party_marks_only_its_part_done(
    engine: Engine, ledger: Ledger, who: str, party: str
) -> None:
    person = getattr(ledger, who)
    report = done(engine, ledger.shared, person)
    assert report.completes and report.status == ReportStatus.recorded
    assert report.reviewed_by_id is None
    # Nobody reviews it and the task stays open (now in progress).
    assert status_of(engine, ledger.shared) == TaskStatus.in_progress
    standing = parts(engine, ledger.shared)
    assert standing.pop(party) == (DONE, report.id)
    assert set(standing.values()) == {(OPEN, None)}
    with session_scope(engine) as session:
        assert pending_reviews(session, person=ledger.li) == []
        history = [(e.action, n, e.detail) for e, n in task_history(session, task_id=ledger.shared)]
    assert history == [("task.part_done", person.name, party)]


def test_the_leads_completion_is_reviewed_and_closes_the_task_leaving_the_other_parts(
    engine: Engine, ledger: Ledger
) -> None:
    county = done(engine, ledger.shared, ledger.county)
    lead = done(engine, ledger.shared, ledger.society)
    assert lead.status == ReportStatus.submitted
    assert status_of(engine, ledger.shared) == TaskStatus.pending_review
    assert parts(engine, ledger.shared)["学会部"] == (REPORTED, lead.id)
    assert lead.id is not None
    with session_scope(engine) as session:
        review_completion(
            session, report_id=lead.id, reviewer_id=pid(ledger.li), approve=True, now=NOW
        )
    assert status_of(engine, ledger.shared) == TaskStatus.done
    assert parts(engine, ledger.shared) == {
        "李麟": (OPEN, None),
        "郑昌盛": (OPEN, None),
        "学会部": (DONE, lead.id),
        "组宣部": (OPEN, None),
        "县科协": (DONE, county.id),
    }


def test_a_returned_completion_of_the_lead_touches_no_other_party(
    engine: Engine, ledger: Ledger
) -> None:
    county = done(engine, ledger.shared, ledger.county)
    zheng = progress(engine, ledger.shared, ledger.zheng)
    lead = done(engine, ledger.shared, ledger.society)
    assert lead.id is not None
    with session_scope(engine) as session:
        review_completion(
            session,
            report_id=lead.id,
            reviewer_id=pid(ledger.li),
            approve=False,
            now=NOW,
            reason="缺少照片",
        )
    assert status_of(engine, ledger.shared) == TaskStatus.in_progress
    assert parts(engine, ledger.shared) == {
        "李麟": (OPEN, None),
        "郑昌盛": (REPORTED, zheng),
        "学会部": (REPORTED, lead.id),
        "组宣部": (OPEN, None),
        "县科协": (DONE, county.id),
    }


def test_the_lead_leaders_completion_closes_the_task_at_once(
    engine: Engine, ledger: Ledger
) -> None:
    county = done(engine, ledger.shared, ledger.county)
    lead = done(engine, ledger.shared, ledger.li)
    assert lead.status == ReportStatus.accepted
    assert status_of(engine, ledger.shared) == TaskStatus.done
    standing = parts(engine, ledger.shared)
    assert standing["李麟"] == (DONE, lead.id)
    assert standing["县科协"] == (DONE, county.id)
    assert standing["郑昌盛"] == standing["学会部"] == (OPEN, None)


def test_a_task_naming_no_lead_is_completed_by_whoever_reports_it(
    engine: Engine, ledger: Ledger
) -> None:
    report = done(engine, ledger.unled, ledger.county)
    assert report.status == ReportStatus.submitted  # to the admins' review, as before
    assert status_of(engine, ledger.unled) == TaskStatus.pending_review


def test_a_revised_list_keeps_the_parts_of_the_parties_that_stay(
    engine: Engine, ledger: Ledger
) -> None:
    county = done(engine, ledger.shared, ledger.county)
    progress(engine, ledger.shared, ledger.zheng)  # his part leaves with him
    ids = ledger.departments
    with session_scope(engine) as session:
        replace_details(
            session,
            details=[
                TaskDetails(
                    ledger.shared,
                    leader_ids=[pid(ledger.li)],
                    lead_ids=[ids["学会部"]],
                    responsible_ids=[ids["县科协"], ids["市科技馆"]],
                    targets=[],
                )
            ],
        )
    assert parts(engine, ledger.shared) == {
        "李麟": (OPEN, None),
        "学会部": (OPEN, None),
        "县科协": (DONE, county.id),
        "市科技馆": (OPEN, None),
    }


def test_the_task_view_lists_each_party_with_its_last_report(
    engine: Engine, ledger: Ledger
) -> None:
    county = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)
    done(engine, ledger.shared, ledger.county, at=county)
    progress(engine, ledger.shared, ledger.zheng, at=NOW)
    with session_scope(engine) as session:
        found = task_parties(session, task_id=ledger.shared)
    assert [(p.kind, p.name, p.lead, p.status, p.reported_at) for p in found] == [
        ("leader", "李麟", True, OPEN, None),
        ("leader", "郑昌盛", False, REPORTED, NOW),
        ("department", "学会部", True, OPEN, None),
        ("department", "组宣部", True, OPEN, None),
        ("department", "县科协", False, DONE, county),
    ]


# --- reminders ------------------------------------------------------------------------------


def digest_tasks(engine: Engine, today: date) -> dict[str, set[int]]:
    """Whose digest today carries which tasks, by name."""
    with session_scope(engine) as session:
        digests = due_digests(
            session, today=today, calendar=BUILT_IN, policy=DEFAULT_POLICY, zone=ZONE
        )
        names = {p.id: p.name for p in session.exec(select(Person))}
    return {names[person]: {item.task_id for item in items} for person, items in digests.items()}


@pytest.mark.parametrize("today", [date(2025, 9, 29), date(2025, 10, 13)])  # due in 1, 3 late
def test_a_leader_whose_part_is_done_is_not_chased_but_the_lead_always_is(
    engine: Engine, ledger: Ledger, today: date
) -> None:
    assert ledger.shared in digest_tasks(engine, today)["郑昌盛"]
    done(engine, ledger.shared, ledger.zheng)
    # Even with its own part marked done, the lead leader is chased until the task closes.
    with session_scope(engine) as session:
        session.exec(
            update(TaskLeader)
            .where(col(TaskLeader.person_id) == pid(ledger.li))
            .values(part_status=PartStatus.done)
        )
    chased = digest_tasks(engine, today)
    assert ledger.shared in chased["李麟"]
    assert ledger.shared not in chased.get("郑昌盛", set())
    with session_scope(engine) as session:
        (task,) = [
            t for t in chased_tasks(session, horizon=date(2025, 12, 31)) if t.id == ledger.shared
        ]
    assert task.people == (pid(ledger.li),)


@pytest.mark.parametrize(
    ("reported", "asked"),
    [
        (None, {"李麟", "郑昌盛"}),
        (datetime(2025, 6, 30, 15, 0, tzinfo=UTC), {"李麟", "郑昌盛"}),  # 23:00 on 30 June
        (datetime(2025, 6, 30, 17, 0, tzinfo=UTC), {"李麟"}),  # 01:00 on 1 July
    ],
)
def test_a_progress_request_skips_a_party_that_reported_this_month(
    engine: Engine, ledger: Ledger, reported: datetime | None, asked: set[str]
) -> None:
    if reported is not None:
        progress(engine, ledger.ongoing, ledger.zheng, at=reported)
    first_workday_of_july = date(2025, 7, 1)
    chased = digest_tasks(engine, first_workday_of_july)
    assert {name for name, tasks in chased.items() if ledger.ongoing in tasks} == asked


def test_a_progress_request_skips_the_lead_too_once_they_reported_this_month(
    engine: Engine, ledger: Ledger
) -> None:
    progress(engine, ledger.ongoing, ledger.li, at=datetime(2025, 7, 1, 1, 0, tzinfo=UTC))
    chased = digest_tasks(engine, date(2025, 7, 2))
    assert {name for name, tasks in chased.items() if ledger.ongoing in tasks} == {"郑昌盛"}


def test_a_reminder_comes_back_only_to_a_leader_the_task_still_chases() -> None:
    # Task 1 chases only 7 now (8's part is done); both had its stage yesterday, unanswered.
    task = ChasedTask(1, "1", date(2025, 9, 30), "by", None, "open", (7,))
    due = date(2025, 9, 30)
    back = [Carried(11, 1, 7, "before:3", due), Carried(12, 1, 8, "before:3", due)]
    planned = plan(
        [task],
        {(1, 7, "before:1", due)},  # today's stage went out already
        back,
        today=date(2025, 9, 29),
        calendar=BUILT_IN,
        policy=DEFAULT_POLICY,
    )
    assert set(planned) == {7}
