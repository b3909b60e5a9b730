"""Reading a question about standing (nlu.understand): overall, per group, or one department's
or leader's; and that whether it is one never depends on the ledger's names."""

from __future__ import annotations

from datetime import date

import pytest

from nlu.understand import Reading, understand

TODAY = date(2025, 5, 26)
LEADERS = ("郑昌盛", "陈汉平", "李麟", "李义词")
DEPARTMENTS = ("办公室", "机关党委", "学会部", "组宣部", "普及部（中心）", "市科技馆")


def read(text: str, *, known: bool = True) -> Reading:
    return understand(
        text,
        today=TODAY,
        leaders=LEADERS if known else (),
        departments=DEPARTMENTS if known else (),
    )


def whose(reading: Reading) -> tuple[str | None, str | None, str | None, str]:
    return reading.by, reading.department, reading.leader, reading.unread


@pytest.mark.parametrize(
    ("text", "by", "department", "leader"),
    [
        ("完成率多少", None, None, None),
        ("总体进度", None, None, None),
        ("统计一下", None, None, None),
        ("我分管的完成了几项", None, None, None),
        ("我分管的进展怎么样", None, None, None),
        ("报个数：完成、在办、逾期各几项", None, None, None),
        ("各部室完成情况", "department", None, None),
        ("各部门进度", "department", None, None),
        ("按部门统计一下完成率", "department", None, None),
        ("各位领导完成情况", "leader", None, None),
        ("各领导分管任务完成情况", "leader", None, None),
        ("领导们分管的任务各完成了多少", "leader", None, None),
        ("学会部进度怎么样", None, "学会部", None),
        ("学会部完成了几项", None, "学会部", None),
        ("机关党委进展如何", None, "机关党委", None),
        ("普及部完成了多少", None, "普及部（中心）", None),  # as the ledger spells it
        ("普及部（中心）进度怎么样", None, "普及部（中心）", None),
        ("市科技馆完成了几项", None, "市科技馆", None),
        ("陈汉平分管的完成了几项", None, None, "陈汉平"),
        ("陈汉平的任务完成情况", None, None, "陈汉平"),
        ("李麟分管的进度怎么样", None, None, "李麟"),
        ("李麟完成率多少", None, None, "李麟"),
        ("/stats", None, None, None),
        ("/stats 学会部", None, "学会部", None),
        ("/stats 普及部", None, "普及部（中心）", None),
        ("/stats 陈汉平", None, None, "陈汉平"),
        ("/stats 各位领导", "leader", None, None),
    ],
)
def test_a_question_about_standing_says_whose(
    text: str, by: str | None, department: str | None, leader: str | None
) -> None:
    reading = read(text)
    assert reading.kind == "stats"
    assert whose(reading) == (by, department, leader, "")


@pytest.mark.parametrize(
    ("text", "unread"),
    [("王五分管的完成了几项", "王五"), ("/stats 王五", "王五"), ("后勤部完成了几项", "后勤部")],
)
def test_a_name_the_ledger_does_not_know_is_said_back(text: str, unread: str) -> None:
    reading = read(text)
    assert (reading.kind, reading.department, reading.leader) == ("stats", None, None)
    assert reading.unread == unread


@pytest.mark.parametrize(
    "text",
    [
        "大篷车进度怎么样",  # a task's nickname
        "院士工作站那块进展如何",  # 站 ends a nickname as often as a department
        "科普中心进度怎么样",
        "第3项进度怎么样",
        "学会部的任务",  # a list
        "学会部逾期的",
    ],
)
def test_a_question_about_a_task_or_a_list_is_not_statistics(text: str) -> None:
    assert read(text).kind != "stats"


@pytest.mark.parametrize(
    "text",
    [
        "各部室完成情况",
        "学会部进度怎么样",
        "陈汉平分管的完成了几项",
        "李麟分管的进度怎么样",
        "市科技馆进度如何",  # 馆: not taken for a department without its name being known
        "陈汉平进度怎么样",
        "大篷车那边进展如何",
        "组宣部那边怎么样",
    ],
)
def test_whether_it_is_statistics_never_depends_on_the_ledgers_names(text: str) -> None:
    assert (read(text).kind == "stats") == (read(text, known=False).kind == "stats")
