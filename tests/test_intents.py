"""Reading what a person asks the bot: every phrase asserts the whole Intent."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import pytest

from nlu.intents import (
    Intent,
    read_intent,
    read_name,
    read_period,
    read_task_number,
    search_terms,
)

LEADERS = ("郑昌盛", "陈汉平", "王五")
DEPARTMENTS = ("学会部", "普及部（中心）", "办公室", "市科技馆", "组宣部")

TODO = Intent("todo")
OVERDUE = Intent("overdue")
HELP = Intent("help")
UNKNOWN = Intent("unknown")


def due(period: str) -> Intent:
    return Intent("due", period=period)  # type: ignore[arg-type]


def task(number: str) -> Intent:
    return Intent("task", number=number)


def search(*terms: str) -> Intent:
    return Intent("search", terms=terms)


CASES: list[tuple[str, Intent]] = [
    # my own to-do list
    ("我的待办", TODO),
    ("待办", TODO),
    ("我还有什么没办", TODO),
    ("我的任务", TODO),
    ("还有哪些没完成", TODO),
    ("我有哪些任务", TODO),
    ("未完成的任务", TODO),
    ("待办事项", TODO),
    ("我的待办？", TODO),
    ("请帮我看看我的待办", TODO),
    ("/todo", TODO),
    # due within a period
    ("本周到期", due("this_week")),
    ("这周要完成的", due("this_week")),
    ("这个星期截止的", due("this_week")),
    ("今天到期", due("today")),
    ("今天有什么任务", due("today")),
    ("下周到期", due("next_week")),
    ("下周有哪些任务要完成", due("next_week")),
    ("这个月要完成的", due("this_month")),
    ("本月到期", due("this_month")),
    ("下个月到期", due("next_month")),
    ("/due 下周", due("next_week")),
    # overdue
    ("逾期的", OVERDUE),
    ("超期了哪些", OVERDUE),
    ("过期任务", OVERDUE),
    ("哪些已经逾期了", OVERDUE),
    ("逾期任务有哪些？", OVERDUE),
    ("/overdue", OVERDUE),
    # one task by its number
    ("第12项", task("12")),
    ("第十二项", task("12")),
    ("第二十五条", task("25")),
    ("12号任务", task("12")),
    ("任务12", task("12")),
    ("任务 12", task("12")),
    ("8-10", task("8-10")),
    ("８－１０", task("8-10")),
    ("#7", task("7")),
    ("/task 12", task("12")),
    ("/task@duban_bot 8-10", task("8-10")),
    ("第三项的进展", task("3")),
    ("请帮我查一下第12项", task("12")),
    # search
    ("科普大篷车那个任务", search("科普", "大篷车")),
    ("关于大篷车的任务", search("大篷车")),
    ("搜索 大篷车", search("大篷车")),
    ("/search 大篷车", search("大篷车")),
    ("查一下科协讲堂", search("科协", "讲堂")),
    ("有关科学家精神宣讲的任务", search("科学家", "精神", "宣讲")),
    # a department's or a leader's tasks
    ("学会部的任务", Intent("department", name="学会部")),
    ("学会部有哪些任务", Intent("department", name="学会部")),
    ("学会部", Intent("department", name="学会部")),
    ("普及部的任务", Intent("department", name="普及部（中心）")),  # the one that contains it
    ("普及部(中心)的任务", Intent("department", name="普及部（中心）")),
    ("郑昌盛的任务", Intent("leader", name="郑昌盛")),
    ("郑昌盛还有什么没办", Intent("leader", name="郑昌盛")),
    ("陈汉平主席分管的任务", Intent("leader", name="陈汉平")),
    ("郑昌胜的任务", Intent("leader", name="郑昌盛")),  # one character wrong
    # help
    ("帮助", HELP),
    ("你能做什么", HELP),
    ("怎么用", HELP),
    ("这个机器人怎么用？", HELP),
    ("/help", HELP),
    ("/start", HELP),
    # not questions for us: progress reports, requests, chat
    ("", UNKNOWN),
    ("   ", UNKNOWN),
    ("你好", UNKNOWN),
    ("谢谢", UNKNOWN),
    ("大篷车", UNKNOWN),
    ("大篷车已经跑了25场", UNKNOWN),
    ("第5项办完了", UNKNOWN),
    ("第5项已完成", UNKNOWN),
    ("本周完成了大篷车5场", UNKNOWN),
    ("申请延期到6月底", UNKNOWN),
    ("大篷车任务申请延期", UNKNOWN),
    ("今天天气怎么样", UNKNOWN),
    ("12号", UNKNOWN),  # a day of the month as often as a task
    ("第零项", UNKNOWN),
    ("/frobnicate", UNKNOWN),
    ("王六的任务", search("王六")),  # two-character names get no typo allowance
    ("科协讲堂的任务", search("科协", "讲堂")),  # not a known department's name
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_read_intent(text: str, expected: Intent) -> None:
    assert read_intent(text, leaders=LEADERS, departments=DEPARTMENTS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("郑昌盛的任务", search("郑昌盛")),
        ("学会部有哪些任务", search("学会部")),
        ("郑昌盛", UNKNOWN),
        ("我的待办", TODO),
    ],
)
def test_names_the_ledger_does_not_know_are_searched_not_trusted(
    text: str, expected: Intent
) -> None:
    assert read_intent(text) == expected


def test_an_ambiguous_typo_or_department_is_not_guessed() -> None:
    twins = ("郑昌盛", "郑昌胜")
    assert read_intent("郑昌圣的任务", leaders=twins) == search("郑昌圣")
    counties = ("东县科协", "西县科协")
    assert read_intent("县科协的任务", departments=counties) == search("科协")
    assert read_intent("东县科协的任务", departments=counties) == Intent(
        "department", name="东县科协"
    )


def test_known_names_stay_whole_in_search_terms() -> None:
    intent = read_intent("关于郑昌盛主持的科协讲堂", leaders=LEADERS)
    assert intent == search("郑昌盛", "主持", "科协", "讲堂")


# --- the pieces a command reads alone ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("今天", "today"),
        ("本周", "this_week"),
        ("这个星期", "this_week"),
        ("下周", "next_week"),
        ("下个礼拜到期", "next_week"),
        ("本月", "this_month"),
        ("下个月", "next_month"),
        ("下一个月吗？", "next_month"),
        ("", None),
        ("month", None),
        ("逾期", None),
    ],
)
def test_read_period(text: str, period: str | None) -> None:
    assert read_period(text) == period


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12", "12"),
        (" 12 ", "12"),
        ("8-10", "8-10"),
        ("８－１０", "8-10"),
        ("#7", "7"),
        ("第十二项", "12"),
        ("任务12", "12"),
        ("12号任务", "12"),
        ("第零项", None),
        ("十二", None),  # a bare Chinese numeral is not read as a task (as /task has done)
        ("abc", None),
        ("", None),
    ],
)
def test_read_task_number(text: str, number: str | None) -> None:
    assert read_task_number(text) == number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("学会部", Intent("department", name="学会部")),
        ("学会部的任务", Intent("department", name="学会部")),
        ("普及部", Intent("department", name="普及部（中心）")),
        ("普及部(中心)", Intent("department", name="普及部（中心）")),
        ("查学会部", Intent("department", name="学会部")),
        ("郑昌盛", Intent("leader", name="郑昌盛")),
        ("郑昌胜", Intent("leader", name="郑昌盛")),  # one character wrong
        ("陈汉平主席分管的任务", Intent("leader", name="陈汉平")),
        ("火星部", None),
        ("王六", None),
        ("大篷车", None),
        ("", None),
    ],
)
def test_read_name(text: str, expected: Intent | None) -> None:
    assert read_name(text, leaders=LEADERS, departments=DEPARTMENTS) == expected


def test_read_name_knows_only_the_ledgers_names() -> None:
    assert read_name("郑昌盛") is None
    assert read_name("学会部") is None


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("大篷车", ("大篷车",)),
        ("科普大篷车", ("科普", "大篷车")),
        ("科协讲堂 的", ("科协", "讲堂")),
        ("大篷车吗？", ("大篷车",)),
        ("的 那个", ()),
        ("", ()),
    ],
)
def test_search_terms(text: str, terms: tuple[str, ...]) -> None:
    assert search_terms(text) == terms


def test_search_terms_keep_the_ledgers_names_whole() -> None:
    assert search_terms("郑昌盛主持的科协讲堂", LEADERS) == ("郑昌盛", "主持", "科协", "讲堂")


def test_questions_that_need_no_search_never_load_jieba() -> None:
    code = (
        "import sys\n"
        "from nlu.intents import read_intent\n"
        "for text in ('我的待办', '本周到期', '第十二项', '郑昌盛的任务', '你好'):\n"
        "    read_intent(text, leaders=['郑昌盛'], departments=['学会部'])\n"
        "print('jieba' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]


def test_reading_an_intent_is_fast_once_warm() -> None:
    texts = [text for text, expected in CASES if expected.kind != "search"]
    read_intent("科普大篷车那个任务", leaders=LEADERS, departments=DEPARTMENTS)  # warm jieba
    timings = []
    for _ in range(20):
        start = time.perf_counter()
        for text in texts:
            read_intent(text, leaders=LEADERS, departments=DEPARTMENTS)
        timings.append((time.perf_counter() - start) / len(texts))
    # The budget is 0.2 ms a call; the median leaves room for a busy test machine.
    assert statistics.median(timings) < 0.2e-3
