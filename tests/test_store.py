"""Applying a read document to the ledger: create, re-import, revise, roll back."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from ledger.draft import DraftPlan, DraftTask, Where
from ledger.importer import ParsedPlan, finish
from ledger.store import ImportReport, apply_plan
from models.db import session_scope
from models.queries import list_tasks
from models.tables import AuditEvent, Department, Person, Plan, Role, Target, Task
from tests.conftest import NOW, TODAY


def draft(*tasks: DraftTask, title: str = "2025年重点工作任务分解清单") -> DraftPlan:
    return DraftPlan(title=title, year=2025, tasks=list(tasks))


def task(number: str | None, content: str, *, line: int = 1, **fields: object) -> DraftTask:
    values: dict[str, object] = {
        "lead_departments": ["办公室"],
        "leaders": ["郑昌盛"],
        "due_text": "2025.12",
    }
    values.update(fields)
    return DraftTask(where=Where("line", line), number=number, content=content, **values)  # type: ignore[arg-type]


def parsed(plan: DraftPlan) -> ParsedPlan:
    return finish(plan, source_name="plan.txt", source_hash=str(hash(repr(plan))), today=TODAY)


BASE = draft(
    task(
        "1",
        "举办科协讲堂4期",
        leaders=["郑昌盛", "陈汉平"],
        lead_departments=["办公室", "机关党委"],
    ),
    task("2", "科普大篷车巡展40场", lead_departments=["普及部(中心)"], responsible=["市科技馆"]),
    task(None, "组织开展全国科技工作者日主题活动，联合媒体加强宣传", leaders=["陈汉平"]),
)


def count(engine: Engine, table: type) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def test_a_first_import_creates_the_plan_its_tasks_leaders_and_departments(engine: Engine) -> None:
    with session_scope(engine) as session:
        report = apply_plan(session, parsed(BASE), now=NOW)
    assert report.new_plan and [str(label) for label in report.added] == ["1", "2", "line 1"]
    with session_scope(engine) as session:
        leaders = session.exec(select(Person).order_by(Person.name)).all()
        assert {p.name: p.role for p in leaders} == {"郑昌盛": Role.leader, "陈汉平": Role.leader}
        names = set(session.exec(select(Department.name)).all())
        assert names == {"办公室", "机关党委", "普及部（中心）", "市科技馆"}
        views = list_tasks(session, leader="陈汉平")
        assert [v.task.number for v in views] == ["1", None]
        assert views[0].leaders == ["郑昌盛", "陈汉平"]
        assert views[0].lead_departments == ["办公室", "机关党委"]
        assert [v.task.number for v in list_tasks(session, department="普及部（中心）")] == ["2"]
        assert [v.task.number for v in list_tasks(session, department="普及部(中心)")] == []


def test_department_spellings_are_one_department(engine: Engine) -> None:
    plan = draft(
        task("1", "甲", lead_departments=["普及部(中心)"]),
        task("2", "乙", lead_departments=["普及部（中心）"]),
        task("3", "丙", lead_departments=["普及部 (中心)"]),
    )
    with session_scope(engine) as session:
        apply_plan(session, parsed(plan), now=NOW)
    assert count(engine, Department) == 1


def test_re_importing_the_same_document_changes_nothing(engine: Engine) -> None:
    with session_scope(engine) as session:
        apply_plan(session, parsed(BASE), now=NOW)
    events = count(engine, AuditEvent)
    later = NOW + timedelta(days=1)
    with session_scope(engine) as session:
        report = apply_plan(session, parsed(BASE), now=later)
    assert not report.changed_anything and report.unchanged == 3
    assert count(engine, Task) == 3 and count(engine, AuditEvent) == events
    with session_scope(engine) as session:
        plan = session.exec(select(Plan)).one()
        assert plan.updated_at == NOW
        assert all(t.updated_at == NOW for t in session.exec(select(Task)))


def test_a_revised_document_updates_matching_tasks_and_reports_what_changed(engine: Engine) -> None:
    with session_scope(engine) as session:
        apply_plan(session, parsed(BASE), now=NOW)
        first = session.exec(select(Task).where(Task.number == "1")).one()
        first_id = first.id
        target = session.exec(select(Target).where(Target.task_id == first_id)).first()
    revised = draft(
        task(
            "1",
            "举办科协讲堂4期",
            leaders=["郑昌盛"],
            lead_departments=["办公室", "机关党委"],
            due_text="2025.6",
        ),
        # the unnumbered task, reworded slightly: still the same task
        task(None, "组织开展全国科技工作者日主题活动，联合媒体加强宣传报道", leaders=["陈汉平"]),
        task("4", "新任务", leaders=["李麟"]),
    )
    with session_scope(engine) as session:
        report = apply_plan(session, parsed(revised), now=NOW + timedelta(days=2))
    assert report.added == ["4"]
    assert report.removed == ["2"]
    changes = {str(c.task): c.fields for c in report.changed}
    assert {"leaders", "due_text"} <= set(changes["1"])
    assert "content" in changes["line 1"]
    with session_scope(engine) as session:
        again = session.get(Task, first_id)
        assert again is not None and again.due_text == "2025.6"
        statuses = {t.number: t.status for t in session.exec(select(Task))}
        assert statuses["2"] == "cancelled" and statuses["1"] == "open"
    assert count(engine, Task) == 4  # nothing deleted
    del target


def test_progress_on_a_target_survives_a_revision(engine: Engine) -> None:
    assert parsed(BASE).tasks[0].targets  # 举办科协讲堂4期
    with session_scope(engine) as session:
        apply_plan(session, parsed(BASE), now=NOW)
        target = session.exec(select(Target)).first()
        assert target is not None
        target.achieved = 2
        session.add(target)
    revised = draft(
        task(
            "1",
            "举办科协讲堂4期，认真组织",
            leaders=["郑昌盛", "陈汉平"],
            lead_departments=["办公室", "机关党委"],
        ),
        *BASE.tasks[1:],
    )
    with session_scope(engine) as session:
        apply_plan(session, parsed(revised), now=NOW)
    with session_scope(engine) as session:
        kept = session.exec(select(Target).where(Target.metric == target.metric)).first()
        assert kept is not None and kept.achieved == 2


def test_an_import_that_fails_midway_leaves_the_ledger_as_it_was(engine: Engine) -> None:
    with session_scope(engine) as session:
        apply_plan(session, parsed(BASE), now=NOW)
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        apply_plan(
            session, parsed(draft(task("9", "另一个", leaders=["新领导"]), title="另一份")), now=NOW
        )
        raise RuntimeError("power cut")
    assert count(engine, Plan) == 1 and count(engine, Task) == 3 and count(engine, Person) == 2


# Unnumbered tasks, two of them worded alike: they are told apart by their order.
UNNUMBERED = draft(
    task(None, "组织开展全国科技工作者日主题活动，联合媒体加强宣传", line=1),
    task(None, "举办青少年科技创新大赛，评选优秀作品", line=2, leaders=["陈汉平"]),
    task(None, "举办青少年科技创新大赛，评选优秀作品", line=3, leaders=["李麟"]),
    task(None, "推进科普基地建设，新建基地5个", line=4),
)


def task_ids(engine: Engine) -> dict[int, int | None]:
    """Each task's id by its place in the plan."""
    with session_scope(engine) as session:
        return {row.seq: row.id for row in session.exec(select(Task))}


def changes(report: ImportReport) -> dict[str, list[str]]:
    return {str(change.task): change.fields for change in report.changed}


def test_tasks_worded_alike_pair_up_in_their_order(engine: Engine) -> None:
    with session_scope(engine) as session:
        apply_plan(session, parsed(UNNUMBERED), now=NOW)
    ids = task_ids(engine)
    with session_scope(engine) as session:
        assert not apply_plan(session, parsed(UNNUMBERED), now=NOW).changed_anything
    tasks = UNNUMBERED.tasks
    revised = draft(*tasks[:2], replace(tasks[2], leaders=["李义词"]), tasks[3])
    with session_scope(engine) as session:
        report = apply_plan(session, parsed(revised), now=NOW)
    assert changes(report) == {"line 3": ["leaders"]} and report.unchanged == 3
    assert task_ids(engine) == ids
    with session_scope(engine) as session:
        assert [view.task.id for view in list_tasks(session, leader="陈汉平")] == [ids[1]]
        assert [view.task.id for view in list_tasks(session, leader="李义词")] == [ids[2]]


def test_a_slightly_edited_task_keeps_its_stored_task(engine: Engine) -> None:
    with session_scope(engine) as session:
        apply_plan(session, parsed(UNNUMBERED), now=NOW)
    ids = task_ids(engine)
    edited = replace(UNNUMBERED.tasks[3], content="推进科普基地建设，新建基地6个")
    with session_scope(engine) as session:
        report = apply_plan(session, parsed(draft(*UNNUMBERED.tasks[:3], edited)), now=NOW)
    assert "content" in changes(report)["line 4"] and report.unchanged == 3
    assert not report.added and not report.removed
    assert task_ids(engine) == ids


def test_a_new_task_matches_no_stored_task(engine: Engine) -> None:
    with session_scope(engine) as session:
        apply_plan(session, parsed(UNNUMBERED), now=NOW)
    new = task(None, "开展科技志愿服务活动", line=5)
    with session_scope(engine) as session:
        report = apply_plan(session, parsed(draft(*UNNUMBERED.tasks, new)), now=NOW)
    assert report.added == [Where("line", 5)] and report.unchanged == 4
    assert not report.changed and not report.removed
    assert count(engine, Task) == 5


def test_numbered_tasks_match_by_number_and_the_rest_by_content(engine: Engine) -> None:
    with session_scope(engine) as session:
        apply_plan(session, parsed(BASE), now=NOW)
    ids = task_ids(engine)
    revised = draft(
        task(
            "1",
            "举办科协讲堂6期，邀请院士主讲",  # reworded beyond likeness: its number holds
            leaders=["郑昌盛", "陈汉平"],
            lead_departments=["办公室", "机关党委"],
        ),
        replace(BASE.tasks[1], number="5"),  # renumbered: its content holds
        BASE.tasks[2],
    )
    with session_scope(engine) as session:
        report = apply_plan(session, parsed(revised), now=NOW)
    assert "content" in changes(report)["1"] and changes(report)["5"] == ["number"]
    assert report.unchanged == 1 and not report.added and not report.removed
    assert task_ids(engine) == ids


def test_an_unchanged_task_keeps_its_stored_task_though_an_edited_one_resembles_it(
    engine: Engine,
) -> None:
    plan = draft(
        task(None, "举办科普讲座10场，覆盖群众1000人次", line=1),
        task(None, "举办科普讲座20场，覆盖群众2000人次", line=2),
    )
    with session_scope(engine) as session:
        apply_plan(session, parsed(plan), now=NOW)
    ids = task_ids(engine)
    # The first, raised to the second's figures and more, is likelier the second than itself.
    raised = replace(plan.tasks[0], content="举办科普讲座20场，覆盖群众2000人次以上")
    with session_scope(engine) as session:
        report = apply_plan(session, parsed(draft(raised, plan.tasks[1])), now=NOW)
    assert list(changes(report)) == ["line 1"] and report.unchanged == 1
    assert not report.added and not report.removed
    assert task_ids(engine) == ids
