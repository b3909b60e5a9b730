"""Reports, completion review and extensions: who may, what changes, and what two presses do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from models.db import session_scope
from models.people import task_history
from models.reminders import chased_tasks
from models.reports import (
    AlreadyDecided,
    AlreadyPending,
    NotAllowed,
    NotFound,
    TaskClosed,
    alias_tasks,
    aliases,
    approvers,
    attachments_of,
    decide_extension,
    last_report,
    may_approve,
    may_report,
    pending_extensions,
    pending_reviews,
    pick_target,
    record_progress,
    remember_alias,
    request_extension,
    review_completion,
    submit_completion,
)
from models.tables import (
    AuditEvent,
    Department,
    DepartmentRole,
    ExtensionRequest,
    ExtensionStatus,
    Person,
    Plan,
    ProgressReport,
    ReportStatus,
    Role,
    Target,
    Task,
    TaskDepartment,
    TaskLeader,
    TaskStatus,
)
from nlu.calendar import BUILT_IN
from scheduler.policy import Chase, Deadline, stage
from tests.conftest import NOW, TODAY

# --- a small ledger -----------------------------------------------------------------------

# Task 15 of the 2025 plan (examples/004): its three targets, as the importer stores them.
TASK_15_TARGETS = [
    ("计划年接待量超20万人次", "年接待量", 200000.0, "人次"),
    ("全年开展流动科技馆巡展4站", "流动科技馆巡展", 4.0, "站"),
    ("科普大篷车巡展40场", "科普大篷车巡展", 40.0, "场"),
]


@dataclass
class Ledger:
    admin: Person
    deputy: Person  # a second admin
    li: Person  # leads 15 and 17 (position 0)
    zheng: Person  # second leader of 15 (position 1)
    idle: Person  # a leader who leads nothing
    museum: Person  # staff of 市科技馆: leads 15 and 17
    county: Person  # staff of 县科协: shares 15
    society: Person  # staff of 学会部: leads 16 only
    loner: Person  # staff without a department
    t15: int  # open, due 2025-12-31, the three targets
    t16: int  # no leader, no deadline (unknown), 学会部
    t17: int  # overdue since 2025-02-28
    done: int
    cancelled: int
    visits: int  # task 15's targets: 人次, 站, 场
    stations: int
    caravan: int


def _department(session: Session, name: str) -> int:
    department = session.exec(select(Department).where(Department.name == name)).first()
    if department is None:
        department = Department(name=name)
        session.add(department)
        session.flush()
    assert department.id is not None
    return department.id


def _person(session: Session, name: str, role: Role, department: str | None = None) -> Person:
    department_id = _department(session, department) if department else None
    person = Person(name=name, role=role, department_id=department_id, created_at=NOW)
    session.add(person)
    session.flush()
    return person


def _task(
    session: Session,
    plan_id: int,
    number: str,
    *,
    leaders: list[Person],
    lead: Sequence[str],
    responsible: Sequence[str] = (),
    due: date | None,
    due_kind: str = "by",
    status: TaskStatus = TaskStatus.open,
) -> int:
    task = Task(
        plan_id=plan_id,
        seq=int(number),
        number=number,
        content=f"任务{number}",
        due=due,
        due_text=due.isoformat() if due else None,
        due_kind=due_kind,
        status=status,
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(task)
    session.flush()
    assert task.id is not None
    for position, leader in enumerate(leaders):
        assert leader.id is not None
        session.add(TaskLeader(task_id=task.id, person_id=leader.id, position=position))
    for role, names in ((DepartmentRole.lead, lead), (DepartmentRole.responsible, responsible)):
        for position, name in enumerate(names):
            session.add(
                TaskDepartment(
                    task_id=task.id,
                    department_id=_department(session, name),
                    role=role,
                    position=position,
                )
            )
    session.flush()
    return task.id


@pytest.fixture
def ledger(engine: Engine) -> Ledger:
    with session_scope(engine) as session:
        admin = _person(session, "管理员", Role.admin, "办公室")
        deputy = _person(session, "副管理员", Role.admin, "办公室")
        li = _person(session, "李麟", Role.leader)
        zheng = _person(session, "郑昌盛", Role.leader)
        idle = _person(session, "闲领导", Role.leader)
        museum = _person(session, "馆员", Role.staff, "市科技馆")
        county = _person(session, "县员", Role.staff, "县科协")
        society = _person(session, "学会员", Role.staff, "学会部")
        loner = _person(session, "路人甲", Role.staff)
        plan = Plan(
            title="2025年重点工作任务分解清单",
            year=2025,
            source_name="004.txt",
            source_hash="004",
            imported_at=NOW,
            updated_at=NOW,
        )
        session.add(plan)
        session.flush()
        assert plan.id is not None
        t15 = _task(
            session,
            plan.id,
            "15",
            leaders=[li, zheng],
            lead=["市科技馆"],
            responsible=["县科协"],
            due=date(2025, 12, 31),
        )
        targets = []
        for position, (text, metric, value, unit) in enumerate(TASK_15_TARGETS):
            target = Target(
                task_id=t15, position=position, text=text, metric=metric, value=value, unit=unit
            )
            session.add(target)
            session.flush()
            assert target.id is not None
            targets.append(target.id)
        t16 = _task(
            session, plan.id, "16", leaders=[], lead=["学会部"], due=None, due_kind="unknown"
        )
        t17 = _task(session, plan.id, "17", leaders=[li], lead=["市科技馆"], due=date(2025, 2, 28))
        done = _task(
            session,
            plan.id,
            "18",
            leaders=[li],
            lead=["市科技馆"],
            due=date(2025, 6, 30),
            status=TaskStatus.done,
        )
        cancelled = _task(
            session,
            plan.id,
            "19",
            leaders=[li],
            lead=["市科技馆"],
            due=date(2025, 6, 30),
            status=TaskStatus.cancelled,
        )
    return Ledger(
        admin, deputy, li, zheng, idle, museum, county, society, loner,
        t15, t16, t17, done, cancelled, *targets,
    )  # fmt: skip


def at(minutes: int) -> datetime:
    """A moment ``minutes`` after NOW: the audit trail orders events by it."""
    return NOW + timedelta(minutes=minutes)


def pid(person: Person) -> int:
    assert person.id is not None
    return person.id


def task_of(engine: Engine, task_id: int) -> Task:
    with session_scope(engine) as session:
        task = session.get(Task, task_id)
        assert task is not None
        return task


def report_of(engine: Engine, report_id: int | None) -> ProgressReport:
    with session_scope(engine) as session:
        report = session.get(ProgressReport, report_id)
        assert report is not None
        return report


def count(engine: Engine, table: type[ProgressReport | ExtensionRequest | AuditEvent]) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def achieved(engine: Engine) -> dict[int, float]:
    with session_scope(engine) as session:
        return {
            target_id: value
            for target_id, value in session.exec(select(Target.id, Target.achieved))
            if target_id is not None
        }


def submitted_by_staff(engine: Engine, ledger: Ledger, *, minutes: int = 0) -> int:
    """Task 15's completion, from 市科技馆's staff: waiting for 李麟's review."""
    with session_scope(engine) as session:
        report = submit_completion(
            session,
            task_id=ledger.t15,
            person_id=pid(ledger.museum),
            text="全部完成",
            now=at(minutes),
        )
    assert report.id is not None
    return report.id


def requested_by_staff(
    engine: Engine, ledger: Ledger, task_id: int, due: date, *, by: Person | None = None
) -> int:
    """An extension asked by staff: 市科技馆's unless ``by`` says whose."""
    with session_scope(engine) as session:
        request = request_extension(
            session,
            task_id=task_id,
            person_id=pid(by or ledger.museum),
            requested_due=due,
            today=TODAY,
            now=NOW,
            reason="场地未落实",
        )
    assert request.id is not None
    return request.id


# --- who may report ---------------------------------------------------------------------


def test_who_may_report_follows_leading_and_departments(engine: Engine, ledger: Ledger) -> None:
    with session_scope(engine) as session:

        def may(person: Person, task_id: int) -> bool:
            return may_report(session, person=person, task_id=task_id)

        assert may(ledger.admin, ledger.t15) and may(ledger.admin, ledger.t16)
        assert may(ledger.li, ledger.t15) and may(ledger.zheng, ledger.t15)  # any position
        assert not may(ledger.idle, ledger.t15)
        assert may(ledger.museum, ledger.t15)  # its department leads (牵头)
        assert may(ledger.county, ledger.t15)  # its department shares (责任)
        assert not may(ledger.society, ledger.t15)  # another department
        assert not may(ledger.loner, ledger.t15)
        assert not may(ledger.li, ledger.t16)  # a leader reports on what they lead only


def test_nobody_reports_on_a_closed_or_missing_task(engine: Engine, ledger: Ledger) -> None:
    with session_scope(engine) as session:
        for task_id in (ledger.done, ledger.cancelled, 10_000):
            for person in (ledger.admin, ledger.li, ledger.museum):
                assert not may_report(session, person=person, task_id=task_id)
    for task_id in (ledger.done, ledger.cancelled):
        with pytest.raises(TaskClosed), session_scope(engine) as session:
            record_progress(session, task_id=task_id, person_id=pid(ledger.li), text="x", now=NOW)
    with pytest.raises(NotFound), session_scope(engine) as session:
        record_progress(session, task_id=10_000, person_id=pid(ledger.admin), text="x", now=NOW)


def test_staff_of_another_department_may_not_report_and_nothing_is_recorded(
    engine: Engine, ledger: Ledger
) -> None:
    with pytest.raises(NotAllowed), session_scope(engine) as session:
        record_progress(
            session,
            task_id=ledger.t15,
            person_id=pid(ledger.society),
            text="大篷车跑了25场",
            now=NOW,
            amount=25,
            target_id=ledger.caravan,
        )
    with pytest.raises(NotAllowed), session_scope(engine) as session:
        submit_completion(
            session, task_id=ledger.t15, person_id=pid(ledger.society), text="完成", now=NOW
        )
    with pytest.raises(NotAllowed), session_scope(engine) as session:
        request_extension(
            session,
            task_id=ledger.t15,
            person_id=pid(ledger.society),
            requested_due=date(2026, 3, 31),
            today=TODAY,
            now=NOW,
        )
    assert count(engine, ProgressReport) == count(engine, ExtensionRequest) == 0
    assert count(engine, AuditEvent) == 0
    assert achieved(engine)[ledger.caravan] == 0
    assert task_of(engine, ledger.t15).status == TaskStatus.open


# --- who decides ------------------------------------------------------------------------


def test_the_lead_leader_approves_or_else_the_admins(engine: Engine, ledger: Ledger) -> None:
    with session_scope(engine) as session:
        assert [p.name for p in approvers(session, task_id=ledger.t15)] == ["李麟"]
        assert [p.name for p in approvers(session, task_id=ledger.t16)] == ["管理员", "副管理员"]
        assert approvers(session, task_id=10_000) == []

        def may(person: Person, task_id: int) -> bool:
            return may_approve(session, person=person, task_id=task_id)

        assert may(ledger.li, ledger.t15) and may(ledger.admin, ledger.t15)
        assert not may(ledger.zheng, ledger.t15)  # a leader, not the lead one
        assert not may(ledger.idle, ledger.t15) and not may(ledger.museum, ledger.t15)
        assert may(ledger.deputy, ledger.t16) and not may(ledger.li, ledger.t16)


# --- progress ---------------------------------------------------------------------------


def test_pick_target_takes_the_unit_then_the_metric_the_message_names() -> None:
    task_15 = [
        Target(task_id=15, position=p, text=t, metric=m, value=v, unit=u)
        for p, (t, m, v, u) in enumerate(TASK_15_TARGETS)
    ]
    assert pick_target(task_15, unit="场", hint_text="大篷车跑了25场") is task_15[2]
    assert pick_target(task_15, unit="站", hint_text="巡展完成3站") is task_15[1]
    assert pick_target(task_15, unit="次", hint_text="讲了5次") is None  # no target in 次
    lectures = Target(
        task_id=15, position=3, text="科普讲座12场", metric="科普讲座", value=12, unit="场"
    )
    several = [*task_15, lectures]
    assert pick_target(several, unit="场", hint_text="大篷车跑了25场") is task_15[2]
    assert pick_target(several, unit="场", hint_text="讲座办了5场") is lectures
    assert pick_target(several, unit="场", hint_text="又完成了5场") is None  # says neither
    assert pick_target(several, unit="场", hint_text="科普活动5场") is None  # 科普: both alike


def test_an_amount_sets_the_achieved_of_the_right_target(engine: Engine, ledger: Ledger) -> None:
    text = "大篷车跑了25场"
    with session_scope(engine) as session:
        task = session.get(Task, ledger.t15)
        assert task is not None
        targets = session.exec(select(Target).where(Target.task_id == ledger.t15)).all()
        target = pick_target(targets, unit="场", hint_text=text)
        assert target is not None and target.id == ledger.caravan
        report = record_progress(
            session,
            task_id=ledger.t15,
            person_id=pid(ledger.museum),
            text=text,
            now=NOW,
            amount=25,
            target_id=target.id,
            attachments=[
                {"kind": "photo", "file_id": "AgAD1"},
                {"kind": "document", "file_id": "BQAD2", "name": "巡展.xlsx"},
            ],
        )
    assert report.status == ReportStatus.recorded and not report.completes
    assert report.value == 25 and report.target_id == ledger.caravan
    assert attachments_of(report_of(engine, report.id)) == [
        {"kind": "photo", "file_id": "AgAD1"},
        {"kind": "document", "file_id": "BQAD2", "name": "巡展.xlsx"},
    ]
    assert achieved(engine) == {ledger.visits: 0, ledger.stations: 0, ledger.caravan: 25}
    assert task_of(engine, ledger.t15).status == TaskStatus.in_progress
    with session_scope(engine) as session:
        ((event, name),) = task_history(session, task_id=ledger.t15)
    assert (event.action, event.detail, name) == ("task.progress", "科普大篷车巡展 25/40场", "馆员")


def test_amounts_are_cumulative_as_said_beyond_the_target_or_corrected_down(
    engine: Engine, ledger: Ledger
) -> None:
    for minutes, amount in enumerate((25, 45, 30)):
        with session_scope(engine) as session:
            record_progress(
                session,
                task_id=ledger.t15,
                person_id=pid(ledger.county),
                text=f"大篷车累计{amount}场",
                now=at(minutes),
                amount=amount,
                target_id=ledger.caravan,
            )
        assert achieved(engine)[ledger.caravan] == amount  # what was said, never a sum


def test_a_percent_or_words_alone_are_a_report_too(engine: Engine, ledger: Ledger) -> None:
    with session_scope(engine) as session:
        record_progress(
            session,
            task_id=ledger.t16,
            person_id=pid(ledger.society),
            text="过半",
            now=at(0),
            percent=60,
        )
        record_progress(
            session,
            task_id=ledger.t16,
            person_id=pid(ledger.society),
            text="已联系  各县   科协",
            now=at(1),
            note="下周再报",
        )
        details = [event.detail for event, _ in task_history(session, task_id=ledger.t16)]
    assert details == ["60%", "已联系 各县 科协"]
    assert achieved(engine) == {ledger.visits: 0, ledger.stations: 0, ledger.caravan: 0}


@pytest.mark.parametrize(
    ("amount", "target", "percent", "attachment"),
    [
        (25.0, None, None, None),  # an amount with no target
        (25.0, "other task's", None, None),
        (-1.0, "caravan", None, None),
        (None, None, 101.0, None),
        (None, None, -5.0, None),
        (None, None, None, {"kind": "photo"}),  # no file_id
    ],
)
def test_a_malformed_report_is_refused_and_changes_nothing(
    engine: Engine,
    ledger: Ledger,
    amount: float | None,
    target: str | None,
    percent: float | None,
    attachment: dict[str, str] | None,
) -> None:
    with session_scope(engine) as session:
        other = Target(task_id=ledger.t17, text="讲座4期", metric="讲座", value=4, unit="期")
        session.add(other)
        session.flush()
        other_id = other.id
    target_id = {"caravan": ledger.caravan, "other task's": other_id, None: None}[target]
    with pytest.raises(ValueError), session_scope(engine) as session:
        record_progress(
            session,
            task_id=ledger.t15,
            person_id=pid(ledger.museum),
            text="x",
            now=NOW,
            amount=amount,
            target_id=target_id,
            percent=percent,
            attachments=[attachment] if attachment else (),
        )
    assert count(engine, ProgressReport) == 0 and count(engine, AuditEvent) == 0
    assert task_of(engine, ledger.t15).status == TaskStatus.open


def test_progress_on_a_task_waiting_for_review_leaves_it_waiting(
    engine: Engine, ledger: Ledger
) -> None:
    submitted_by_staff(engine, ledger)
    with session_scope(engine) as session:
        record_progress(
            session, task_id=ledger.t15, person_id=pid(ledger.county), text="补充材料", now=at(1)
        )
    assert task_of(engine, ledger.t15).status == TaskStatus.pending_review


# --- completion and review --------------------------------------------------------------


def test_staff_completion_waits_for_review_and_is_submitted_only_once(
    engine: Engine, ledger: Ledger
) -> None:
    first = submitted_by_staff(engine, ledger)
    report = report_of(engine, first)
    assert report.completes and report.status == ReportStatus.submitted
    assert report.reviewed_by_id is None
    assert task_of(engine, ledger.t15).status == TaskStatus.pending_review
    with session_scope(engine) as session:
        again = submit_completion(
            session, task_id=ledger.t15, person_id=pid(ledger.deputy), text="完成了", now=at(1)
        )
        assert again.id == first and again.person_id == pid(ledger.museum)
        # Even the lead leader saying "done" gets the waiting one back, to decide it.
        by_leader = submit_completion(
            session, task_id=ledger.t15, person_id=pid(ledger.li), text="完成", now=at(2)
        )
        assert by_leader.id == first and by_leader.status == ReportStatus.submitted
        assert [r.id for r in pending_reviews(session, person=ledger.li)] == [first]
        actions = [event.action for event, _ in task_history(session, task_id=ledger.t15)]
    assert count(engine, ProgressReport) == 1
    assert actions == ["task.completion_submitted"]


@pytest.mark.parametrize("who", ["li", "admin"])
def test_a_completion_from_who_may_approve_is_accepted_at_once(
    engine: Engine, ledger: Ledger, who: str
) -> None:
    person = getattr(ledger, who)
    with session_scope(engine) as session:
        report = submit_completion(
            session,
            task_id=ledger.t15,
            person_id=pid(person),
            text="办结",
            now=NOW,
            attachments=[{"kind": "document", "file_id": "BQAD9", "name": "总结.docx"}],
        )
    assert report.status == ReportStatus.accepted and report.completes
    assert report.reviewed_by_id == pid(person) and report.reviewed_at == NOW
    assert task_of(engine, ledger.t15).status == TaskStatus.done
    with session_scope(engine) as session:
        assert pending_reviews(session, person=ledger.admin) == []
        ((event, name),) = task_history(session, task_id=ledger.t15)
    assert (event.action, name) == ("task.completed", person.name)


def test_the_lead_leader_approves_and_the_task_is_done(engine: Engine, ledger: Ledger) -> None:
    report_id = submitted_by_staff(engine, ledger)
    with session_scope(engine) as session:
        report = review_completion(
            session, report_id=report_id, reviewer_id=pid(ledger.li), approve=True, now=at(5)
        )
    assert report.status == ReportStatus.accepted
    assert report.reviewed_by_id == pid(ledger.li) and report.reviewed_at == at(5)
    assert task_of(engine, ledger.t15).status == TaskStatus.done


def test_a_second_approval_raises_already_decided_and_changes_nothing(
    engine: Engine, ledger: Ledger
) -> None:
    report_id = submitted_by_staff(engine, ledger)
    with session_scope(engine) as session:
        review_completion(
            session, report_id=report_id, reviewer_id=pid(ledger.li), approve=True, now=at(5)
        )
    events = count(engine, AuditEvent)
    for reviewer, approve, reason in ((ledger.li, True, None), (ledger.admin, False, "材料不全")):
        with pytest.raises(AlreadyDecided) as raised, session_scope(engine) as session:
            review_completion(
                session,
                report_id=report_id,
                reviewer_id=pid(reviewer),
                approve=approve,
                now=at(9),
                reason=reason,
            )
        decided = raised.value.decided
        assert isinstance(decided, ProgressReport)
        assert decided.status == ReportStatus.accepted and decided.reviewed_at == at(5)
    report = report_of(engine, report_id)
    assert report.reviewed_by_id == pid(ledger.li) and report.reviewed_at == at(5)
    assert report.review_note is None
    assert task_of(engine, ledger.t15).status == TaskStatus.done
    assert count(engine, AuditEvent) == events


def test_a_decision_made_meanwhile_elsewhere_wins(engine: Engine, ledger: Ledger) -> None:
    """Two processes press at once: the one whose UPDATE finds the report waiting decides."""
    report_id = submitted_by_staff(engine, ledger)
    with session_scope(engine) as slow:
        stale = slow.get(ProgressReport, report_id)  # read while it was still waiting
        assert stale is not None and stale.status == ReportStatus.submitted
        with session_scope(engine) as fast:
            review_completion(
                fast, report_id=report_id, reviewer_id=pid(ledger.admin), approve=True, now=at(1)
            )
        with pytest.raises(AlreadyDecided):
            review_completion(
                slow,
                report_id=report_id,
                reviewer_id=pid(ledger.li),
                approve=False,
                now=at(2),
                reason="再补充",
            )
    report = report_of(engine, report_id)
    assert report.status == ReportStatus.accepted and report.reviewed_by_id == pid(ledger.admin)
    assert task_of(engine, ledger.t15).status == TaskStatus.done


@pytest.mark.parametrize("who", ["zheng", "idle", "museum"])
def test_only_the_lead_leader_or_an_admin_may_review(
    engine: Engine, ledger: Ledger, who: str
) -> None:
    report_id = submitted_by_staff(engine, ledger)
    with pytest.raises(NotAllowed), session_scope(engine) as session:
        review_completion(
            session,
            report_id=report_id,
            reviewer_id=pid(getattr(ledger, who)),
            approve=True,
            now=NOW,
        )
    assert report_of(engine, report_id).status == ReportStatus.submitted
    assert task_of(engine, ledger.t15).status == TaskStatus.pending_review


def test_a_completion_is_returned_only_with_a_reason(engine: Engine, ledger: Ledger) -> None:
    report_id = submitted_by_staff(engine, ledger)
    for reason in (None, "", "   "):
        with pytest.raises(ValueError), session_scope(engine) as session:
            review_completion(
                session,
                report_id=report_id,
                reviewer_id=pid(ledger.li),
                approve=False,
                now=at(1),
                reason=reason,
            )
    assert report_of(engine, report_id).status == ReportStatus.submitted
    with session_scope(engine) as session:
        report = review_completion(
            session,
            report_id=report_id,
            reviewer_id=pid(ledger.li),
            approve=False,
            now=at(2),
            reason=" 缺少巡展照片 ",
        )
    assert report.status == ReportStatus.returned and report.review_note == "缺少巡展照片"
    assert task_of(engine, ledger.t15).status == TaskStatus.in_progress
    # Returned, it may be submitted again: a new report waits.
    again = submitted_by_staff(engine, ledger, minutes=3)
    assert again != report_id and task_of(engine, ledger.t15).status == TaskStatus.pending_review


def test_review_of_a_progress_report_or_a_missing_one_is_refused(
    engine: Engine, ledger: Ledger
) -> None:
    with session_scope(engine) as session:
        progress = record_progress(
            session, task_id=ledger.t15, person_id=pid(ledger.museum), text="进行中", now=NOW
        )
    with pytest.raises(AlreadyDecided), session_scope(engine) as session:
        review_completion(
            session, report_id=progress.id or 0, reviewer_id=pid(ledger.li), approve=True, now=NOW
        )
    with pytest.raises(NotFound), session_scope(engine) as session:
        review_completion(
            session, report_id=10_000, reviewer_id=pid(ledger.li), approve=True, now=NOW
        )
    assert report_of(engine, progress.id).status == ReportStatus.recorded


def test_the_history_tells_the_story(engine: Engine, ledger: Ledger) -> None:
    with session_scope(engine) as session:
        record_progress(
            session,
            task_id=ledger.t15,
            person_id=pid(ledger.museum),
            text="大篷车跑了25场",
            now=at(0),
            amount=25,
            target_id=ledger.caravan,
        )
    report_id = submitted_by_staff(engine, ledger, minutes=1)
    with session_scope(engine) as session:
        review_completion(
            session,
            report_id=report_id,
            reviewer_id=pid(ledger.li),
            approve=False,
            now=at(2),
            reason="缺少照片",
        )
    second = submitted_by_staff(engine, ledger, minutes=3)
    with session_scope(engine) as session:
        review_completion(
            session, report_id=second, reviewer_id=pid(ledger.li), approve=True, now=at(4)
        )
        history = [
            (event.action, name, event.detail)
            for event, name in task_history(session, task_id=ledger.t15)
        ]
    assert history == [
        ("task.progress", "馆员", "科普大篷车巡展 25/40场"),
        ("task.completion_submitted", "馆员", f"report {report_id}"),
        ("task.returned", "李麟", f"report {report_id}: 缺少照片"),
        ("task.completion_submitted", "馆员", f"report {second}"),
        ("task.approved", "李麟", f"report {second}"),
    ]


# --- extensions -------------------------------------------------------------------------


def test_an_extension_request_keeps_the_deadline_it_replaces_and_says_if_late(
    engine: Engine, ledger: Ledger
) -> None:
    on_time = requested_by_staff(engine, ledger, ledger.t15, date(2026, 3, 31))
    late = requested_by_staff(engine, ledger, ledger.t17, date(2025, 3, 31))
    with session_scope(engine) as session:
        first = session.get(ExtensionRequest, on_time)
        second = session.get(ExtensionRequest, late)
        assert first is not None and second is not None
        assert (first.previous_due, first.late, first.status) == (
            date(2025, 12, 31),
            False,
            ExtensionStatus.pending,
        )
        assert (second.previous_due, second.late) == (date(2025, 2, 28), True)  # 超时
        assert second.reason == "场地未落实"
        ((event, name),) = task_history(session, task_id=ledger.t17)
    assert (event.action, name, event.detail) == (
        "task.extension_requested",
        "馆员",
        "2025-02-28 -> 2025-03-31 late",
    )
    assert task_of(engine, ledger.t15).due == date(2025, 12, 31)  # unchanged until decided
    assert task_of(engine, ledger.t17).due == date(2025, 2, 28)


def test_a_second_pending_request_is_refused_with_the_first(engine: Engine, ledger: Ledger) -> None:
    first = requested_by_staff(engine, ledger, ledger.t15, date(2026, 3, 31))
    with pytest.raises(AlreadyPending) as raised, session_scope(engine) as session:
        request_extension(
            session,
            task_id=ledger.t15,
            person_id=pid(ledger.county),
            requested_due=date(2026, 6, 30),
            today=TODAY,
            now=at(1),
        )
    assert raised.value.request.id == first
    assert count(engine, ExtensionRequest) == 1
    with session_scope(engine) as session:
        decide_extension(
            session, request_id=first, decider_id=pid(ledger.li), approve=False, now=at(2)
        )
    # Once decided, another may be asked.
    assert requested_by_staff(engine, ledger, ledger.t15, date(2026, 6, 30)) != first


def test_a_request_for_a_past_day_is_refused(engine: Engine, ledger: Ledger) -> None:
    with pytest.raises(ValueError), session_scope(engine) as session:
        request_extension(
            session,
            task_id=ledger.t15,
            person_id=pid(ledger.museum),
            requested_due=TODAY - timedelta(days=1),
            today=TODAY,
            now=NOW,
        )
    assert count(engine, ExtensionRequest) == 0


def test_an_extension_approved_with_another_date_moves_the_deadline(
    engine: Engine, ledger: Ledger
) -> None:
    request_id = requested_by_staff(
        engine, ledger, ledger.t16, date(2025, 6, 30), by=ledger.society
    )
    with session_scope(engine) as session:
        assert [r.id for r in pending_extensions(session, person=ledger.deputy)] == [request_id]
        request = decide_extension(
            session,
            request_id=request_id,
            decider_id=pid(ledger.deputy),  # 16 has no leader: an admin decides
            approve=True,
            now=at(1),
            due=date(2025, 5, 31),
            note="最迟5月底",
        )
    assert request.status == ExtensionStatus.approved
    assert request.granted_due == date(2025, 5, 31) and request.requested_due == date(2025, 6, 30)
    assert request.decided_by_id == pid(ledger.deputy) and request.decision_note == "最迟5月底"
    task = task_of(engine, ledger.t16)
    assert (task.due, task.due_text, task.due_kind) == (date(2025, 5, 31), "2025-05-31", "by")
    with session_scope(engine) as session:
        history = [(e.action, e.detail) for e, _ in task_history(session, task_id=ledger.t16)]
    assert history == [
        ("task.extension_requested", "none -> 2025-06-30"),
        ("task.extended", "none -> 2025-05-31"),
    ]


def test_an_extension_approved_as_asked_keeps_a_known_deadline_kind(
    engine: Engine, ledger: Ledger
) -> None:
    request_id = requested_by_staff(engine, ledger, ledger.t15, date(2026, 3, 31))
    with session_scope(engine) as session:
        decide_extension(
            session, request_id=request_id, decider_id=pid(ledger.li), approve=True, now=at(1)
        )
    task = task_of(engine, ledger.t15)
    assert (task.due, task.due_text, task.due_kind) == (date(2026, 3, 31), "2026-03-31", "by")


def test_a_rejected_extension_keeps_the_deadline(engine: Engine, ledger: Ledger) -> None:
    request_id = requested_by_staff(engine, ledger, ledger.t17, date(2025, 3, 31))
    with session_scope(engine) as session:
        request = decide_extension(
            session,
            request_id=request_id,
            decider_id=pid(ledger.li),
            approve=False,
            now=at(1),
            note="不予延期",
        )
    assert request.status == ExtensionStatus.rejected and request.granted_due is None
    assert request.decision_note == "不予延期"
    assert task_of(engine, ledger.t17).due == date(2025, 2, 28)
    with session_scope(engine) as session:
        actions = [(e.action, e.detail) for e, _ in task_history(session, task_id=ledger.t17)]
    assert actions[-1] == ("task.extension_declined", "2025-02-28 -> 2025-03-31")


def test_an_extension_is_decided_once_and_by_an_approver(engine: Engine, ledger: Ledger) -> None:
    request_id = requested_by_staff(engine, ledger, ledger.t15, date(2026, 3, 31))
    for who in (ledger.zheng, ledger.museum, ledger.idle):
        with pytest.raises(NotAllowed), session_scope(engine) as session:
            decide_extension(
                session, request_id=request_id, decider_id=pid(who), approve=True, now=at(1)
            )
    with session_scope(engine) as session:
        decide_extension(
            session, request_id=request_id, decider_id=pid(ledger.li), approve=True, now=at(2)
        )
    events = count(engine, AuditEvent)
    with pytest.raises(AlreadyDecided) as raised, session_scope(engine) as session:
        decide_extension(
            session,
            request_id=request_id,
            decider_id=pid(ledger.admin),
            approve=True,
            now=at(3),
            due=date(2027, 1, 1),
        )
    decided = raised.value.decided
    assert isinstance(decided, ExtensionRequest) and decided.decided_by_id == pid(ledger.li)
    assert task_of(engine, ledger.t15).due == date(2026, 3, 31)
    assert count(engine, AuditEvent) == events
    with pytest.raises(NotFound), session_scope(engine) as session:
        decide_extension(
            session, request_id=10_000, decider_id=pid(ledger.li), approve=True, now=at(4)
        )


def test_an_approvers_own_request_is_granted_at_once(engine: Engine, ledger: Ledger) -> None:
    with session_scope(engine) as session:
        request = request_extension(
            session,
            task_id=ledger.t17,
            person_id=pid(ledger.li),
            requested_due=date(2025, 3, 31),
            today=TODAY,
            now=NOW,
            reason="等待上级批复",
        )
        assert pending_extensions(session, person=ledger.li) == []
        actions = [(e.action, e.detail) for e, _ in task_history(session, task_id=ledger.t17)]
    assert request.status == ExtensionStatus.approved and request.late
    assert request.decided_by_id == pid(ledger.li) and request.granted_due == date(2025, 3, 31)
    assert task_of(engine, ledger.t17).due == date(2025, 3, 31)
    assert actions == [
        ("task.extension_requested", "2025-02-28 -> 2025-03-31 late"),
        ("task.extended", "2025-02-28 -> 2025-03-31"),
    ]


def test_a_new_deadline_is_chased_afresh_and_a_task_under_review_is_not(
    engine: Engine, ledger: Ledger
) -> None:
    def chased(horizon: date) -> dict[int, date | None]:
        with session_scope(engine) as session:
            return {task.id: task.due for task in chased_tasks(session, horizon=horizon)}

    old = Deadline(date(2025, 2, 28), "by", None, TaskStatus.open)
    assert chased(TODAY)[ledger.t17] == date(2025, 2, 28)  # overdue: chased today
    assert stage(old, TODAY, BUILT_IN) == Chase("due", date(2025, 2, 28))
    request_id = requested_by_staff(engine, ledger, ledger.t17, date(2025, 3, 31))
    with session_scope(engine) as session:
        decide_extension(
            session, request_id=request_id, decider_id=pid(ledger.li), approve=True, now=at(1)
        )
    assert ledger.t17 not in chased(TODAY)  # no longer overdue
    assert chased(date(2025, 3, 31))[ledger.t17] == date(2025, 3, 31)
    # Stages are keyed by the deadline they count down to: a new day, a new countdown.
    task = task_of(engine, ledger.t17)
    new = Deadline(task.due, task.due_kind, task.recurrence, task.status)
    assert stage(new, TODAY, BUILT_IN) == Chase("before", date(2025, 3, 31), 30)

    assert ledger.t15 in chased(date(2025, 12, 31))
    submitted_by_staff(engine, ledger)
    assert ledger.t15 not in chased(date(2025, 12, 31))  # pending review: never chased


# --- what waits, and the last word ------------------------------------------------------


def test_pending_decisions_are_the_lead_leaders_and_every_admins(
    engine: Engine, ledger: Ledger
) -> None:
    report_id = submitted_by_staff(engine, ledger)
    with session_scope(engine) as session:
        leaderless = submit_completion(
            session, task_id=ledger.t16, person_id=pid(ledger.society), text="完成", now=at(1)
        )
    on_17 = requested_by_staff(engine, ledger, ledger.t17, date(2025, 3, 31))
    with session_scope(engine) as session:

        def reviews(person: Person) -> list[int | None]:
            return [report.id for report in pending_reviews(session, person=person)]

        def extensions(person: Person) -> list[int | None]:
            return [request.id for request in pending_extensions(session, person=person)]

        assert reviews(ledger.li) == [report_id] and extensions(ledger.li) == [on_17]
        assert reviews(ledger.admin) == [report_id, leaderless.id]
        assert extensions(ledger.deputy) == [on_17]
        for nobody in (ledger.zheng, ledger.idle, ledger.museum):
            assert reviews(nobody) == [] and extensions(nobody) == []


def test_last_report_is_each_tasks_latest(engine: Engine, ledger: Ledger) -> None:
    with session_scope(engine) as session:
        for minutes, (task_id, text) in enumerate(
            [(ledger.t15, "一"), (ledger.t17, "甲"), (ledger.t15, "二"), (ledger.t15, "三")]
        ):
            record_progress(
                session, task_id=task_id, person_id=pid(ledger.museum), text=text, now=at(minutes)
            )
        latest = last_report(session, task_ids=[ledger.t15, ledger.t16, ledger.t17])
    assert {task_id: report.text for task_id, report in latest.items()} == {
        ledger.t15: "三",
        ledger.t17: "甲",
    }
    with session_scope(engine) as session:
        assert last_report(session, task_ids=[]) == {}


# --- aliases ----------------------------------------------------------------------------


def test_an_alias_is_remembered_once(engine: Engine, ledger: Ledger) -> None:
    for _ in range(2):
        with session_scope(engine) as session:
            remember_alias(
                session, phrase="大篷车", task_id=ledger.t15, person_id=pid(ledger.museum), now=NOW
            )
    with session_scope(engine) as session:
        remember_alias(session, phrase=" 大篷车 ", task_id=ledger.t17, person_id=None, now=NOW)
        remember_alias(session, phrase="科技馆", task_id=ledger.t15, person_id=None, now=NOW)
        assert aliases(session) == {"大篷车": [ledger.t15, ledger.t17], "科技馆": [ledger.t15]}
        assert alias_tasks(session, phrase="大篷车") == [ledger.t15, ledger.t17]
        assert alias_tasks(session, phrase="流动") == []
    for phrase in ("", "  ", "长" * 101):
        with pytest.raises(ValueError), session_scope(engine) as session:
            remember_alias(session, phrase=phrase, task_id=ledger.t15, person_id=None, now=NOW)
