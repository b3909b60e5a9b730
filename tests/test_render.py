"""How a task reads in a message, in Chinese and English: list lines, lists, a task in full."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.fakegram import html_to_text
from ledger.render import (
    NOTHING_OPEN,
    deadline,
    due_title,
    esc,
    search_title,
    task_in_full,
    task_line,
    task_lines,
    task_list,
    todo_title,
)
from models.access import COUNT_CAP
from models.queries import TaskView
from models.tables import AuditEvent, Target, Task, TaskStatus
from nlu.i18n import translator

TODAY = date(2025, 5, 26)
SHANGHAI = ZoneInfo("Asia/Shanghai")
EN, ZH = translator("en"), translator("zh_CN")
CREATED = datetime(2025, 1, 1, tzinfo=UTC)


def view(
    *,
    number: str | None = "12",
    due: date | None = date(2025, 12, 31),
    due_text: str | None = None,
    status: str = TaskStatus.open,
    content: str = "12. 推动市科协官网、官微<新媒体> & 传播",
    targets: tuple[tuple[str, float, float, str], ...] = (),
) -> TaskView:
    """A task as the ledger hands it out, without a database."""
    task = Task(
        id=1,
        plan_id=1,
        seq=12,
        number=number,
        content=content,
        measures="用好新媒体传播功能\n\n每月发布信息",
        category="宣传",
        focus="科普宣传",
        due=due,
        due_text=due_text,
        status=status,
        created_at=CREATED,
        updated_at=CREATED,
    )
    return TaskView(
        task=task,
        plan_title="2025年工作要点",
        leaders=["陈汉平"],
        lead_departments=["办公室", "机关党委"],
        responsible=["普及部（中心）"],
        targets=[
            Target(task_id=1, text=metric, metric=metric, value=value, unit=unit, achieved=done)
            for metric, done, value, unit in targets
        ],
    )


# --- the deadline phrase ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "english", "chinese"),
    [
        (date(2025, 5, 25), "2025-05-25 ⚠️ overdue by 1 day", "2025-05-25 ⚠️ 已逾期 1 天"),
        (date(2025, 2, 28), "2025-02-28 ⚠️ overdue by 87 days", "2025-02-28 ⚠️ 已逾期 87 天"),
        (date(2025, 5, 26), "2025-05-26 ⏰ due today", "2025-05-26 ⏰ 今天到期"),
        (date(2025, 5, 27), "2025-05-27 (1 day left)", "2025-05-27 还剩 1 天"),
        (date(2025, 9, 30), "2025-09-30 (127 days left)", "2025-09-30 还剩 127 天"),
    ],
)
def test_the_deadline_says_how_far_off_it_is_in_either_language(
    due: date, english: str, chinese: str
) -> None:
    assert deadline(view(due=due), TODAY, EN) == english
    assert deadline(view(due=due), TODAY, ZH) == chinese


@pytest.mark.parametrize("status", [TaskStatus.done, TaskStatus.cancelled])
def test_a_closed_task_is_never_overdue(status: str) -> None:
    assert deadline(view(due=date(2025, 2, 28), status=status), TODAY, EN) == "2025-02-28"


def test_a_task_without_a_date_shows_its_deadline_as_written_escaped() -> None:
    shown = deadline(view(due=None, due_text="持续<推进>"), TODAY, ZH)
    assert shown == "无固定完成时限 (持续&lt;推进&gt;)"


# --- lists -----------------------------------------------------------------------------------


def test_a_list_line_gives_number_title_deadline_status_and_progress() -> None:
    shown = view(targets=(("发布", 120, 500, "篇"), ("粉丝", 1, 3, "万"), ("转载", 0, 9, "次")))
    line = task_line(shown, TODAY, EN)
    assert line == (
        "<b>No. 12</b> 推动市科协官网、官微&lt;新媒体&gt; &amp; 传播\n"
        "    2025-12-31 (219 days left) · open · 发布 120/500 篇 (24%) · 粉丝 1/3 万 (33%)"
    )
    assert task_line(shown, TODAY, ZH).startswith("<b>第12项</b> 推动市科协")
    assert "待办 · 发布 120/500 篇 (24%)" in task_line(shown, TODAY, ZH)


def test_a_long_title_is_cut_and_an_unnumbered_task_is_named_by_its_place() -> None:
    unnumbered = view(number=None, content="一" * 40)
    line = task_line(unnumbered, TODAY, EN)
    assert line.startswith(f"<b>#{unnumbered.task.seq + 1}</b> {'一' * 29}…\n")


def test_a_list_has_its_title_a_count_and_a_blank_line_between_tasks() -> None:
    views = [view(), view(number="13", due=date(2025, 5, 26))]
    text = task_list(todo_title(EN), views, total=2, nothing="-", today=TODAY, _=EN)
    assert text.split("\n\n") == [
        "<b>Your open tasks</b>: 2",
        task_line(views[0], TODAY, EN),
        task_line(views[1], TODAY, EN),
    ]
    chinese = task_list(todo_title(ZH), views, total=COUNT_CAP + 1, nothing="-", today=TODAY, _=ZH)
    assert chinese.startswith(f"<b>您的待办任务</b>：{COUNT_CAP}+\n\n")


def test_an_empty_list_says_so_under_its_title() -> None:
    text = task_list(
        search_title(["大篷车", "<科普>"], EN),
        [],
        total=0,
        nothing=EN(NOTHING_OPEN),
        today=TODAY,
        _=EN,
    )
    assert text == "<b>Open tasks about 大篷车、&lt;科普&gt;</b>: 0\nNothing open. Well done!"


def test_a_due_list_is_titled_with_its_period_and_dates() -> None:
    assert due_title("this_week", TODAY, EN) == "Due this week (2025-05-26 – 2025-06-01)"
    assert due_title("next_month", TODAY, EN) == "Due next month (2025-06-01 – 2025-06-30)"


# --- one task in full ------------------------------------------------------------------------


def test_a_task_in_full_with_its_history_in_the_offices_zone() -> None:
    history = [
        (AuditEvent(at=CREATED, action="task.imported"), None),
        (AuditEvent(at=CREATED, action="task.revised", detail="due,content,odd"), None),
        (
            AuditEvent(
                at=datetime(2025, 5, 26, 4, 0, tzinfo=UTC),
                action="report.accepted",
                detail="发布<120>篇",
            ),
            "王芳",
        ),
    ]
    shown = view(due_text="2025年底前", targets=(("发布", 120, 500, "篇"),))
    text = html_to_text(task_in_full(shown, history, today=TODAY, zone=SHANGHAI, _=EN))
    assert text.splitlines() == [
        "No. 12 2025年工作要点",
        "宣传 · 科普宣传",
        "",
        "Content",
        "12. 推动市科协官网、官微<新媒体> & 传播",
        "",
        "Measures",
        "用好新媒体传播功能",
        "每月发布信息",
        "",
        "Deadline 2025-12-31 (219 days left) (2025年底前)",
        "Status open",
        "",
        "Targets",
        "• 发布 120/500 篇 (24%)",
        "Lead departments 办公室、机关党委",
        "Responsible 普及部（中心）",
        "Leaders 陈汉平",
        "",
        "History",
        "• 2025-01-01 08:00 · imported from the task list",
        "• 2025-01-01 08:00 · changed by a revised task list: deadline、content、odd",
        "• 2025-05-26 12:00 · 王芳 · report.accepted · 发布<120>篇",
    ]


def test_a_task_in_full_in_chinese_without_history() -> None:
    text = html_to_text(task_in_full(view(), [], today=TODAY, zone=SHANGHAI, _=ZH))
    lines = text.splitlines()
    assert lines[0] == "第12项 2025年工作要点"
    assert "完成时限 2025-12-31 还剩 219 天" in lines
    assert "责任领导 陈汉平" in lines
    assert lines[-2:] == ["办理记录", "暂无办理记录。"]


def test_every_piece_of_ledger_text_is_escaped() -> None:
    assert esc("<b>&") == "&lt;b&gt;&amp;"
    text = task_in_full(view(), [], today=TODAY, zone=SHANGHAI, _=EN)
    assert "<新媒体>" not in text and "&lt;新媒体&gt; &amp; 传播" in text


def test_a_list_mixing_plans_names_each_tasks_plan_and_one_plan_does_not() -> None:
    first, other = view(number="3"), view(number="3")
    other.task = other.task.model_copy(update={"plan_id": 2})
    other.plan_title = "2025年省科协科技社团党建工作要点"
    mixed = html_to_text(task_lines([first, other], TODAY, EN))
    assert "· 2025年工作要点" in mixed and "· 2025年省科协科技社团党建工…" in mixed
    alone = html_to_text(task_lines([first, view(number="4")], TODAY, EN))
    assert "2025年工作要点" not in alone
