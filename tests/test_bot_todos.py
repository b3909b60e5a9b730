"""Asking about tasks in chat: every command, every text trigger, paging and who sees what."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from bot.fakegram import html_to_text
from handlers.common import PageRef
from models.db import session_scope
from models.queries import record_event
from models.tables import Role, Target, Task, TaskStatus
from tests.test_bot_support import (
    BOT_USERNAME,
    NOW,
    Harness,
    group,
    last,
    running_bot,
    sent,
    text_of,
)


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url) as harness:
        yield harness
        assert harness.errors == []


def numbers(text: str) -> list[str]:
    """Task numbers in the order a list shows them."""
    return re.findall(r"^(?:[🟢🔵🟡🟠🔴] )?No\. (\S+)", text, flags=re.MULTILINE)


# --- my to-do list ---------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["我的待办", "我还有什么没办", "/todo", "我的待办？"])
async def test_my_todo_lists_a_leaders_open_tasks_soonest_deadline_first(
    bot: Harness, question: str
) -> None:
    zheng = bot.person("郑昌盛")
    calls = await bot.say(zheng, question)
    text = text_of(calls)
    assert "Your open tasks: 10" in text
    shown = numbers(text)
    assert shown[0] == "33"  # 2025-09-30, the soonest of his
    assert "2025-09-30 (127 days left)" in text
    assert "open" in text
    assert len(sent(calls)) == 1


async def test_todo_items_show_progress_against_their_targets(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    with session_scope(bot.engine) as session:
        task = session.exec(select(Task).where(Task.number == "11")).one()
        target = session.exec(select(Target).where(Target.task_id == task.id)).one()
        target.achieved = 50
        task.status = TaskStatus.in_progress
        session.add_all([target, task])
    text = text_of(await bot.say(zheng, "/todo"))
    assert "案例 0/200" not in text
    assert "50/200 篇 (25%)" in text
    assert "in progress" in text


async def test_overdue_tasks_are_marked_in_my_list(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    text = text_of(await bot.say(chen, "我的待办"))
    assert numbers(text)[0] == "30"
    assert "2025-02-28 ⚠️ overdue by 87 days" in text


async def test_a_long_list_pages_with_buttons_answered_first(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    first = last(await bot.say(chen, "/todo"))
    labels = [button["text"] for button in first.buttons]
    assert labels == ["1/4", "›"]
    page_one = numbers(html_to_text(first.text))
    assert len(page_one) <= 8

    calls = await bot.press(chen, first, "›")
    assert calls[0].method == "answerCallbackQuery"
    edit = last(calls)
    assert edit.method == "editMessageText"
    assert [b["text"] for b in edit.buttons] == ["‹", "2/4", "›"]
    page_two = numbers(html_to_text(edit.text))
    assert not set(page_two) & set(page_one)

    back = last(await bot.press(chen, edit, "‹"))
    assert numbers(html_to_text(back.text)) == page_one


async def test_every_callback_data_fits_64_bytes(bot: Harness) -> None:
    admin = bot.person("王芳", role=Role.admin)
    calls = await bot.say(admin, "普及部（中心）的任务")
    calls += await bot.say(admin, "/search 科技工作者 科普 学会 院士 工作站 培训班 党建")
    for call in sent(calls):
        for button in call.buttons:
            assert len(button["callback_data"].encode()) <= 64


async def test_pressing_the_page_counter_changes_nothing(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    first = last(await bot.say(chen, "/todo"))
    calls = await bot.press(chen, first, "1/4")
    assert [c.method for c in calls] == ["answerCallbackQuery"]


async def test_a_page_pressed_twice_is_not_an_error(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    first = last(await bot.say(chen, "/todo"))
    await bot.press(chen, first, "›")
    calls = await bot.forge(chen, first, first.buttons[-1]["callback_data"])  # stale message
    assert calls[0].method == "answerCallbackQuery"
    assert [c.error for c in calls if c.error] == [
        next(c.error for c in calls if c.error and "not modified" in c.error)
    ]


# --- due, overdue ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "period", "expected"),
    [
        ("本周到期", "this week (2025-05-26 – 2025-06-01)", ["3"]),
        ("/due", "this week (2025-05-26 – 2025-06-01)", ["3"]),
        ("/due week", "this week (2025-05-26 – 2025-06-01)", ["3"]),
        ("这个月要完成的", "this month (2025-05-01 – 2025-05-31)", ["3"]),
        ("/due month", "this month (2025-05-01 – 2025-05-31)", ["3"]),
        ("下个月到期", "next month (2025-06-01 – 2025-06-30)", ["6", "32"]),
        ("/due next", "next month (2025-06-01 – 2025-06-30)", ["6", "32"]),
        ("/due 下周", "next week (2025-06-02 – 2025-06-08)", []),
        ("/due 本月", "this month (2025-05-01 – 2025-05-31)", ["3"]),
        ("/due Next_Month", "next month (2025-06-01 – 2025-06-30)", ["6", "32"]),
        ("/due today", "today (2025-05-26 – 2025-05-26)", []),
        ("/due nonsense", "this week (2025-05-26 – 2025-06-01)", ["3"]),
    ],
)
async def test_due_lists_what_falls_due_in_the_period(
    bot: Harness, question: str, period: str, expected: list[str]
) -> None:
    chen = bot.person("陈汉平")
    text = text_of(await bot.say(chen, question))
    assert f"Due {period}" in text
    assert [n for n in numbers(text)] == expected
    if not expected:
        assert "Nothing falls due then." in text


@pytest.mark.parametrize("question", ["逾期的", "/overdue", "有哪些逾期任务"])
async def test_overdue_lists_open_tasks_past_their_deadline(bot: Harness, question: str) -> None:
    chen = bot.person("陈汉平")
    text = text_of(await bot.say(chen, question))
    assert "Overdue tasks: 1" in text
    assert numbers(text) == ["30"]


async def test_nothing_overdue_is_said_plainly(bot: Harness) -> None:
    li = bot.person("李麟")
    assert "Nothing is overdue." in text_of(await bot.say(li, "/overdue"))


async def test_the_date_comes_from_the_applications_clock(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    bot.clock.now = NOW.replace(month=6, day=2)
    text = text_of(await bot.say(chen, "/overdue"))
    assert "Overdue tasks: 2" in text  # task 3 (31 May) is overdue now


# --- one task --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["第12项", "/task 12", "第十二项", "12号任务", "任务12", "/task 第十二项", "/task #12"],
)
async def test_a_task_in_full(bot: Harness, question: str) -> None:
    chen = bot.person("陈汉平")
    calls = await bot.say(chen, question)
    text = text_of(calls)
    assert text.startswith("No. 12 ")
    assert "推动市科协官网、官微" in text  # content
    assert "用好新媒体传播功能" in text  # measures
    assert "Deadline 2025-12-31" in text
    assert "Targets" in text and "0/500 篇 (0%)" in text
    assert "Lead departments 办公室、机关党委" in text
    assert "Leaders 陈汉平" in text
    assert "imported from the task list" in text  # its history starts at the import
    # He leads it, so he may report on it; only the clerk gets 一键催办.
    assert [b["text"] for b in sent(calls)[-1].buttons] == ["Report progress"]


async def test_a_task_shows_its_history(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    with session_scope(bot.engine) as session:
        task = session.exec(select(Task).where(Task.number == "12")).one()
        record_event(
            session, at=NOW, action="report.accepted", detail="发布 120 篇", task_id=task.id
        )
    text = text_of(await bot.say(chen, "第12项"))
    assert "2025-05-26 12:00 · report.accepted · 发布 120 篇" in text


async def test_a_task_one_may_not_see_is_not_found(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    text = text_of(await bot.say(zheng, "第15项"))
    assert "can't find a task numbered 15" in text
    assert "大篷车" not in text


@pytest.mark.parametrize("question", ["/task", "/task abc", "/task 第零项", "/task 十二"])
async def test_task_without_a_number_asks_which(bot: Harness, question: str) -> None:
    # A bare Chinese numeral (/task 十二) has never been read as a number; 第十二项 is.
    zheng = bot.person("郑昌盛")
    assert "Which task?" in text_of(await bot.say(zheng, question))


async def test_a_very_long_task_is_split_into_valid_messages(bot: Harness) -> None:
    admin = bot.person("王芳", role=Role.admin)
    with session_scope(bot.engine) as session:
        task = session.exec(select(Task).where(Task.number == "12")).one()
        task.measures = "\n".join(f"{n}. 发布<科普>信息 & 图文 “第{n}批”" * 8 for n in range(60))
        session.add(task)
    calls = sent(await bot.say(admin, "第12项"))
    assert len(calls) >= 3  # the fake API refuses anything over 4096 or with bad HTML
    text = text_of(calls)
    assert "发布<科普>信息 & 图文" in text
    assert "History" in html_to_text(calls[-1].text)


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["/search 大篷车", "有关大篷车的任务", "搜索 大篷车"])
async def test_search_finds_tasks_by_topic(bot: Harness, question: str) -> None:
    li = bot.person("李麟")
    text = text_of(await bot.say(li, question))
    assert "Open tasks about" in text
    assert "15" in numbers(text)


@pytest.mark.parametrize("question", ["科普大篷车那个任务", "大篷车", "看下大篷车那项"])
async def test_a_task_named_by_its_nickname_is_shown_in_full(bot: Harness, question: str) -> None:
    li = bot.person("李麟")
    text = text_of(await bot.say(li, question))
    assert text.startswith("No. 15 ")
    assert "Content" in text and "科普大篷车巡展 0/40 场" in text


async def test_search_shows_only_what_the_asker_may_see(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    text = text_of(await bot.say(zheng, "/search 大篷车"))
    assert numbers(text) == []
    assert "No open task matches" in text


@pytest.mark.parametrize("question", ["/search", "/search 的", "/search 那个 任务"])
async def test_search_without_words_asks_what_about(bot: Harness, question: str) -> None:
    zheng = bot.person("郑昌盛")
    assert "What about?" in text_of(await bot.say(zheng, question))


# --- a department's or a leader's tasks -----------------------------------------------------


@pytest.mark.parametrize("question", ["学会部的任务", "/dept 学会部", "学会部有哪些任务"])
async def test_a_leader_asks_for_a_departments_tasks(bot: Harness, question: str) -> None:
    chen = bot.person("陈汉平")
    text = text_of(await bot.say(chen, question))
    assert "Open tasks of 学会部: 15" in text


@pytest.mark.parametrize("question", ["李麟的任务", "/leader 李麟", "李麟负责的任务"])
async def test_an_admin_asks_for_a_leaders_tasks(bot: Harness, question: str) -> None:
    admin = bot.person("王芳", role=Role.admin)
    text = text_of(await bot.say(admin, question))
    assert "Open tasks led by 李麟: 7" in text
    assert "15" in numbers(text)


@pytest.mark.parametrize("question", ["/leader 郑昌盛", "/leader 郑昌胜", "/leader 郑昌盛主席"])
async def test_a_leader_is_found_by_name_even_with_one_character_wrong(
    bot: Harness, question: str
) -> None:
    admin = bot.person("王芳", role=Role.admin)
    text = text_of(await bot.say(admin, question))
    assert "Open tasks led by 郑昌盛: 10" in text
    assert numbers(text)[0] == "33"


async def test_a_department_is_found_as_the_ledger_spells_it(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    text = text_of(await bot.say(chen, "/dept 普及部(中心)"))
    assert "Open tasks of 普及部（中心）" in text


async def test_a_leader_sees_only_what_they_may_of_another_leader(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    text = text_of(await bot.say(zheng, "李麟的任务"))
    assert "Open tasks led by 李麟" in text
    assert "15" not in numbers(text)


@pytest.mark.parametrize(
    "question", ["学会部的任务", "郑昌盛的任务", "/dept 学会部", "/leader 李麟"]
)
async def test_staff_may_not_ask_about_departments_or_leaders(bot: Harness, question: str) -> None:
    staff = bot.person("张三", department="学会部")
    text = text_of(await bot.say(staff, question))
    assert "Only leaders and the office clerk" in text
    assert numbers(text) == []


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("/dept 火星部", "火星部"),
        ("/leader 王六", "王六"),
        ("/leader 学会部", "学会部"),  # a department, not a leader
        ("/dept 郑昌盛", "郑昌盛"),  # a leader, not a department
        ("/dept <b>", "&lt;b&gt;"),
    ],
)
async def test_an_unknown_name_is_said_so(bot: Harness, question: str, name: str) -> None:
    chen = bot.person("陈汉平")
    calls = sent(await bot.say(chen, question))
    assert calls[0].text == f"I don't know “{name}” in the ledger."


async def test_a_command_without_a_name_asks_which(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    assert "Which department?" in text_of(await bot.say(chen, "/dept"))
    assert "Which leader?" in text_of(await bot.say(chen, "/leader"))


# --- roles -----------------------------------------------------------------------------------


async def test_staff_see_their_departments_tasks(bot: Harness) -> None:
    staff = bot.person("张三", department="学会部")
    text = text_of(await bot.say(staff, "我的待办"))
    assert "Your open tasks: 15" in text
    assert "15" not in numbers(text)


async def test_staff_without_a_department_see_nothing(bot: Harness) -> None:
    staff = bot.person("无部门", role=Role.staff)
    text = text_of(await bot.say(staff, "我的待办"))
    assert "Your open tasks: 0" in text
    assert "Nothing open" in text
    assert "Nothing is overdue." in text_of(await bot.say(staff, "/overdue"))


async def test_an_admin_sees_the_whole_ledger(bot: Harness) -> None:
    admin = bot.person("王芳", role=Role.admin)
    assert "Your open tasks: 38" in text_of(await bot.say(admin, "/todo"))
    assert "大篷车" in text_of(await bot.say(admin, "第15项"))


# --- buttons pressed by someone else --------------------------------------------------------


async def test_a_page_button_pressed_by_someone_else_reveals_nothing(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    staff = bot.person("李四", department="市科技馆")
    shown = last(await bot.say(chen, "/todo"))
    calls = await bot.press(staff, shown, "›")
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert "made for someone else" in calls[0].params["text"]
    assert calls[0].params["show_alert"] is True


async def test_forged_page_data_is_answered_for_the_presser_only(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    staff = bot.person("张三", department="学会部")
    staff_id = bot.stored("张三").id
    shown = last(await bot.say(chen, "/todo"))
    # The forger claims the list is theirs: they get their own list, nothing of 陈汉平's.
    calls = await bot.forge(staff, shown, PageRef("todo", "", 1, staff_id or 0).data() or "")
    assert calls[0].method == "answerCallbackQuery"
    assert "Your open tasks: 15" in html_to_text(last(calls).text)
    # Asking for a leader's list by forging a button is refused like asking in words.
    forged = PageRef("lead", "陈汉平", 0, staff_id or 0).data() or ""
    calls = await bot.forge(staff, shown, forged)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert "Only leaders" in calls[0].params["text"]


@pytest.mark.parametrize("data", ["pg:nope:0:1:", "pg:todo:x:y:", "garbage", "pg:lead:0:1:#404"])
async def test_nonsense_button_data_changes_nothing(bot: Harness, data: str) -> None:
    chen = bot.person("陈汉平")
    shown = last(await bot.say(chen, "/todo"))
    calls = await bot.forge(chen, shown, data)
    assert [c.method for c in calls] == ["answerCallbackQuery"]


async def test_long_search_terms_page_through_a_key(bot: Harness) -> None:
    admin = bot.person("王芳", role=Role.admin)
    shown = last(await bot.say(admin, "/search 科技工作者 科普 学会 院士 工作站 培训班 党建"))
    data = shown.buttons[-1]["callback_data"]
    assert ":#" in data
    edit = last(await bot.press(admin, shown, "›"))
    assert "Open tasks about 科技、工作者、科普、学会、院士、工作站、培训班" in html_to_text(
        edit.text
    )
    assert [b["text"] for b in edit.buttons][:2] == ["‹", "2/5"]


# --- plain text, groups --------------------------------------------------------------------


async def test_text_not_understood_gets_a_hint(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    assert "I didn't understand" in text_of(await bot.say(zheng, "今天天气不错"))


async def test_help_in_words(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    assert "/todo" in text_of(await bot.say(zheng, "你能做什么"))


async def test_in_a_group_plain_text_is_ignored(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    assert await bot.say(zheng, "我的待办", chat=group()) == []


@pytest.mark.parametrize(
    "question", [f"@{BOT_USERNAME} 我的待办", "/todo", f"/todo@{BOT_USERNAME}"]
)
async def test_in_a_group_a_mention_or_command_is_answered_there(
    bot: Harness, question: str
) -> None:
    zheng = bot.person("郑昌盛")
    calls = sent(await bot.say(zheng, question, chat=group()))
    assert "Your open tasks: 10" in html_to_text(calls[0].text)
    assert calls[0].params["chat_id"] == group()["id"]
    assert calls[0].params["reply_parameters"]["message_id"]  # quotes who asked


async def test_an_edited_question_is_not_answered_again(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    for text in ("/todo", "我的待办"):
        update = bot.api.message_update(zheng, text)
        update["edited_message"] = update.pop("message")
        assert await bot.telegram.process(update) == []


async def test_a_command_for_another_bot_is_ignored_in_a_group(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    assert await bot.say(zheng, "/todo@some_other_bot", chat=group()) == []


async def test_in_a_group_nobody_else_can_page_a_persons_list(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    zheng = bot.person("郑昌盛")
    shown = last(await bot.say(chen, "/todo", chat=group()))
    calls = await bot.press(zheng, shown, "›")
    assert [c.method for c in calls] == ["answerCallbackQuery"]


async def test_a_stranger_in_a_group_is_told_how_to_join(bot: Harness) -> None:
    stranger = bot.person("路人", bind=False)
    text = text_of(await bot.say(stranger, f"@{BOT_USERNAME} 我的待办", chat=group()))
    assert "invitation link" in text
    assert "No." not in text


# --- questions about one task, filters, small talk ------------------------------------------


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("谁负责第33项", "Leaders: 李义词、郑昌盛、陈汉平 (李义词 leads)"),
        ("第33项的牵头单位是谁", "Lead departments: 组宣部"),
        ("第3项什么时候到期", "Deadline: 2025-05-31 (5 days left)"),
        ("第3项还有几天到期", "Deadline: 2025-05-31 (5 days left)"),
        ("第12项进展如何", "No progress reported yet."),
        ("第十二项要发多少篇", "0/500 篇 (0%)"),
    ],
)
async def test_a_question_about_one_task_is_answered_not_searched(
    bot: Harness, question: str, answer: str
) -> None:
    zhou = bot.person("周婷", role=Role.admin)
    text = text_of(await bot.say(zhou, question))
    assert answer in text
    assert "Open tasks about" not in text and "History" not in text


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("组宣部逾期的", "Overdue tasks · 组宣部: 1"),
        ("陈汉平逾期的", "Overdue tasks · 陈汉平: 1"),
        ("市科技馆逾期的", "Overdue tasks · 市科技馆: 0"),
        ("组宣部下个月到期的", "Due next month (2025-06-01 – 2025-06-30) · 组宣部: 2"),
        ("6月份到期的", "Due 2025-06-01 – 2025-06-30: 2"),
        ("快到期的", "Due 2025-05-26 – 2025-06-02: 1"),
    ],
)
async def test_filters_combine(bot: Harness, question: str, title: str) -> None:
    zhou = bot.person("周婷", role=Role.admin)
    assert text_of(await bot.say(zhou, question)).startswith(title)


async def test_a_filter_it_cannot_read_is_said_not_dropped(bot: Harness) -> None:
    zhou = bot.person("周婷", role=Role.admin)
    text = text_of(await bot.say(zhou, "火星办公厅逾期的"))
    assert "火星办公厅" in text and "won't answer only part" in text


@pytest.mark.parametrize(
    ("said", "answer"),
    [
        ("谢谢", "You're welcome!"),
        ("你好", "Hello, 陈汉平!"),
        ("收到", "OK."),
        ("明天再提醒我", "There is no reminder from today to put off."),
        ("完成率多少", "Where the tasks you may see stand"),
        ("今天天气不错", "nothing was recorded"),
    ],
)
async def test_small_talk_snoozes_and_statistics(bot: Harness, said: str, answer: str) -> None:
    chen = bot.person("陈汉平")
    assert answer in text_of(await bot.say(chen, said))


async def test_a_task_the_document_left_unnumbered_opens_by_its_place(bot: Harness) -> None:
    zhou = bot.person("周婷", role=Role.admin)
    with session_scope(bot.engine) as session:  # no task is numbered 23 in seed 004
        task = session.exec(select(Task).where(Task.seq == 22)).one()
        task.number = None
        session.add(task)
        content = task.content[:10]
    text = text_of(await bot.say(zhou, "第23项"))
    assert text.startswith("#23 ") and content in text
    assert "#23" in text_of(await bot.say(zhou, "/task 23"))


async def test_lists_and_the_task_view_show_each_tasks_light(bot: Harness) -> None:
    chen = bot.person("陈汉平")
    text = text_of(await bot.say(chen, "逾期的"))
    assert "🔴 No. 30 " in text  # overdue since 2025-02-28
    text = text_of(await bot.say(chen, "/task 30"))
    assert "Light 🔴 red · overdue" in text
    text = text_of(await bot.say(chen, "/task 6"))  # due 2025-06-30, nothing reported
    assert "Light 🟢 green · on track" in text
