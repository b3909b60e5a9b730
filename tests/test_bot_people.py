"""The clerk keeps people and departments in chat: /person, /dept add|rename, /oversee, /leave
and /people, through the real Application and the fake Bot API."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, func, select

from bot.app import run_sweep
from bot.fakegram import user
from models.db import session_scope
from models.tables import (
    AuditEvent,
    Department,
    DepartmentOversight,
    Invite,
    Person,
    Role,
    Task,
    TaskLeader,
)
from tests.test_bot_support import (
    BOT_USERNAME,
    Harness,
    answers,
    group,
    last,
    running_bot,
    sent,
    text_of,
)

LINK = re.compile(r"https://t\.me/(\w+)\?start=([\w-]+)")


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url) as harness:
        yield harness
        assert harness.errors == []


def clerk(bot: Harness) -> dict[str, object]:
    return bot.person("周婷", role=Role.admin)


def numbers(text: str) -> list[str]:
    return re.findall(r"^(?:[🟢🔵🟡🟠🔴] )?No\. (\S+)", text, flags=re.MULTILINE)


def leaders_of(bot: Harness, number: str) -> list[str]:
    with session_scope(bot.engine) as session:
        task = session.exec(select(Task).where(Task.number == number)).one()
        return list(
            session.exec(
                select(Person.name)
                .join(TaskLeader, col(TaskLeader.person_id) == Person.id)
                .where(TaskLeader.task_id == task.id)
                .order_by(col(TaskLeader.position))
            )
        )


def events(bot: Harness, action: str) -> list[AuditEvent]:
    with session_scope(bot.engine) as session:
        found = list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))
        for event in found:
            session.expunge(event)
        return found


# --- adding, renaming, oversight --------------------------------------------------------------


async def test_an_admin_adds_renames_and_sets_oversight_and_the_leader_then_sees_those_tasks(
    bot: Harness,
) -> None:
    admin = clerk(bot)
    added = text_of(await bot.say(admin, "/person add 王五 leader 办公室"))
    assert "Added 王五 (leader, 办公室)." in added
    renamed = text_of(await bot.say(admin, "/person rename 王五 王武"))
    assert "Renamed 王五 to 王武." in renamed
    wangwu = bot.person("王武")  # binds the account to the renamed person
    assert bot.stored("王武").role == Role.leader
    before = text_of(await bot.say(wangwu, "/dept 学会部"))
    assert "No open tasks that you may see." in before

    answer = text_of(await bot.say(admin, "/oversee 王武 学会部 组宣部"))
    assert "王武: 学会部、组宣部" in answer

    after = text_of(await bot.say(wangwu, "/dept 学会部"))
    assert numbers(after)[:2] == ["30", "3"]  # soonest first: 30 is overdue
    assert numbers(text_of(await bot.say(wangwu, "组宣部的任务")))[0] == "30"
    stored = bot.stored("王武")
    created = [e for e in events(bot, "person.created") if e.detail.startswith("王五")]
    assert [e.actor_id for e in created] == [bot.stored("周婷").id]
    assert [e.detail for e in events(bot, "person.renamed")] == ["王五 → 王武"]
    assert events(bot, "person.oversight")[0].actor_id == bot.stored("周婷").id
    with session_scope(bot.engine) as session:
        assert len(session.exec(select(DepartmentOversight)).all()) == 2
        assert session.get(Department, stored.department_id).name == "办公室"  # type: ignore[union-attr]


async def test_oversee_replaces_what_was_set_and_shows_the_derived_ones_marked(
    bot: Harness,
) -> None:
    admin = clerk(bot)
    await bot.say(admin, "/oversee 李麟 学会部、组宣部")
    text = text_of(await bot.say(admin, "/oversee 李麟 办公室"))
    assert text.splitlines()[0] == "李麟: 办公室"
    assert "from the tasks they lead: 市科技馆、市馆、普及部（中心）" in text
    everyone = text_of(await bot.say(admin, "/oversee"))
    assert "Who oversees which department" in everyone
    assert "李麟: 办公室" in everyone
    assert "郑昌盛: none set" in everyone
    cleared = text_of(await bot.say(admin, "/oversee 李麟 none"))
    assert cleared.startswith("李麟: none set")


async def test_only_leaders_can_oversee_and_unknown_departments_change_nothing(
    bot: Harness,
) -> None:
    admin = clerk(bot)
    bot.person("张伟", role=Role.staff, department="学会部")
    refused = text_of(await bot.say(admin, "/oversee 张伟 学会部"))
    assert "Only leaders oversee departments, and 张伟 is not one (staff)." in refused
    await bot.say(admin, "/oversee 李麟 学会部")
    unknown = text_of(await bot.say(admin, "/oversee 李麟 组宣部 学会"))
    assert "I don't know a department called 学会." in unknown
    assert "Did you mean: 学会部" in unknown and "Nothing changed." in unknown
    assert text_of(await bot.say(admin, "/oversee 李麟")).startswith("李麟: 学会部")


async def test_chinese_subcommands_do_the_same(bot: Harness) -> None:
    admin = clerk(bot)
    assert "Added 赵六 (staff)." in text_of(await bot.say(admin, "/person 添加 赵六"))
    assert "赵六's role is now leader." in text_of(await bot.say(admin, "/person 角色 赵六 领导"))
    moved = text_of(await bot.say(admin, "/person 部门 赵六 学会部"))
    assert "赵六 now belongs to 学会部." in moved
    assert "Renamed 赵六 to 赵陆." in text_of(await bot.say(admin, "/person 改名 赵六 赵陆"))
    assert "Added the department 科普部." in text_of(await bot.say(admin, "/dept 新增 科普部"))
    renamed = text_of(await bot.say(admin, "/dept 改名 科普部 科普中心"))
    assert "Renamed the department 科普部 to 科普中心." in renamed


async def test_department_names_are_spelt_as_the_importer_spells_them(bot: Harness) -> None:
    admin = clerk(bot)
    taken = text_of(await bot.say(admin, "/dept add 普及部(中心)"))
    assert "There is already a department called 普及部（中心）." in taken
    assert "Added the department 科技股（室）." in text_of(
        await bot.say(admin, "/dept add 科技股 (室)")
    )


async def test_a_department_renamed_in_chat_is_asked_about_by_its_new_name(bot: Harness) -> None:
    admin = clerk(bot)
    zheng = bot.person("郑昌盛")
    assert "3" in numbers(text_of(await bot.say(zheng, "学会部的任务")))
    answer = text_of(await bot.say(admin, "/dept rename 学会部 学术部"))
    assert "Renamed the department 学会部 to 学术部." in answer
    assert "3" in numbers(text_of(await bot.say(zheng, "学术部的任务")))
    assert "3" in numbers(text_of(await bot.say(zheng, "/dept 学术部")))


async def test_renames_refuse_a_name_in_use_and_offer_close_ones_for_an_unknown_name(
    bot: Harness,
) -> None:
    admin = clerk(bot)
    taken = text_of(await bot.say(admin, "/person rename 李麟 郑昌盛"))
    assert "There is already someone called 郑昌盛: nothing changed." in taken
    unknown = text_of(await bot.say(admin, "/person rename 郑昌胜 郑总"))
    assert "I don't know anyone called 郑昌胜 in the ledger." in unknown
    assert "Did you mean: 郑昌盛" in unknown
    dept_taken = text_of(await bot.say(admin, "/dept rename 学会部 组宣部"))
    assert "There is already a department called 组宣部: nothing changed." in dept_taken
    dept_unknown = text_of(await bot.say(admin, "/dept rename 市科技官 市科学馆"))
    assert "I don't know a department called 市科技官." in dept_unknown
    assert "Did you mean: 市科技馆" in dept_unknown
    assert events(bot, "person.renamed") == events(bot, "department.renamed") == []
    with session_scope(bot.engine) as session:
        names = set(session.exec(select(Department.name)))
    assert {"学会部", "组宣部", "市科技馆"} <= names and "市科学馆" not in names


async def test_adding_someone_refuses_an_unknown_department_and_a_name_in_use(
    bot: Harness,
) -> None:
    admin = clerk(bot)
    unknown = text_of(await bot.say(admin, "/person add 赵六 staff 学会"))
    assert "I don't know a department called 学会. /dept add 学会 adds it." in unknown
    assert "Did you mean: 学会部" in unknown
    taken = text_of(await bot.say(admin, "/person add 李麟"))
    assert "李麟 is in the ledger already (leader)." in taken
    with session_scope(bot.engine) as session:
        assert session.exec(select(Person).where(Person.name == "赵六")).first() is None


async def test_the_last_admin_cannot_stop_being_one(bot: Harness) -> None:
    admin = clerk(bot)
    refused = text_of(await bot.say(admin, "/person role 周婷 staff"))
    assert "周婷 is the only admin: make someone else an admin first." in refused
    assert bot.stored("周婷").role == Role.admin


async def test_a_leader_made_staff_no_longer_oversees_what_was_set(bot: Harness) -> None:
    admin = clerk(bot)
    await bot.say(admin, "/oversee 李麟 学会部 组宣部")
    answer = text_of(await bot.say(admin, "/person role 李麟 staff"))
    assert "李麟's role is now staff." in answer
    assert "The departments set for them to oversee were cleared: 2." in answer
    with session_scope(bot.engine) as session:
        assert session.exec(select(DepartmentOversight)).first() is None


# --- who may --------------------------------------------------------------------------------

EVERY_COMMAND = [
    "/person add 赵六",
    "/person rename 李麟 李林",
    "/person role 李麟 admin",
    "/person dept 李麟 学会部",
    "/person activate 李麟",
    "/dept add 科普部",
    "/dept rename 学会部 学术部",
    "/oversee",
    "/oversee 李麟",
    "/oversee 李麟 学会部",
    "/leave 李麟",
    "/leave 李麟 郑昌盛",
    "/people",
]


def audit_trail(bot: Harness) -> int:
    with session_scope(bot.engine) as session:
        return session.exec(select(func.count()).select_from(AuditEvent)).one()


@pytest.mark.parametrize("role", [Role.staff, Role.leader])
async def test_staff_and_leaders_are_refused_every_command_and_nothing_changes(
    bot: Harness, role: Role
) -> None:
    someone = bot.person("某人", role=role, department="学会部")
    before = audit_trail(bot)
    for command in EVERY_COMMAND:
        calls = await bot.say(someone, command)
        refusal = "Only the office clerk (an admin) can change people and departments."
        assert text_of(calls) == refusal, command
        assert not any(call.buttons for call in sent(calls)), command
    assert audit_trail(bot) == before
    with session_scope(bot.engine) as session:
        assert session.exec(select(Invite)).first() is None
        assert session.exec(select(DepartmentOversight)).first() is None
        assert session.exec(select(Department).where(Department.name == "科普部")).first() is None
    lilin = bot.stored("李麟")
    assert lilin.active and lilin.role == Role.leader and lilin.department_id is None


async def test_plain_dept_still_lists_a_departments_tasks(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    assert "11" in numbers(text_of(await bot.say(zheng, "/dept 学会部")))


# --- someone who left -----------------------------------------------------------------------


async def test_leave_hands_the_tasks_over_and_the_leaver_is_refused(bot: Harness) -> None:
    admin = clerk(bot)
    zheng = bot.person("郑昌盛")
    await bot.say(admin, "/oversee 郑昌盛 市科技馆")
    assert leaders_of(bot, "33") == ["李义词", "郑昌盛", "陈汉平"]
    answer = text_of(await bot.say(admin, "/leave 郑昌盛 李麟"))
    assert "郑昌盛 is marked as left. Open tasks handed over to 李麟: 10." in answer
    assert "Departments set for 郑昌盛 to oversee, now 李麟's: 1." in answer
    assert leaders_of(bot, "33") == ["李义词", "李麟", "陈汉平"]  # the same place
    assert leaders_of(bot, "11") == ["李麟"]
    assert not bot.stored("郑昌盛").active
    refused = text_of(await bot.say(zheng, "我的待办"))
    assert "Your account is no longer active in the ledger." in refused
    assert "Your open tasks" not in refused
    lilin = bot.person("李麟")
    mine = numbers(text_of(await bot.say(lilin, "/todo")))
    assert "11" in mine and "33" in mine
    (left,) = events(bot, "person.left")
    assert left.detail == "郑昌盛 → 李麟" and left.actor_id == bot.stored("周婷").id


async def test_a_successor_who_leads_already_just_loses_the_leaver_ahead_of_them(
    bot: Harness,
) -> None:
    admin = clerk(bot)
    assert leaders_of(bot, "1") == ["郑昌盛", "陈汉平"]
    answer = text_of(await bot.say(admin, "/leave 郑昌盛 陈汉平"))
    assert "Open tasks handed over to 陈汉平: 10." in answer
    assert "Of those, 陈汉平 led 9 already: 郑昌盛 was only taken off them." in answer
    assert leaders_of(bot, "1") == ["陈汉平"]  # now first: the task's lead leader
    assert leaders_of(bot, "33") == ["李义词", "陈汉平"]
    assert leaders_of(bot, "11") == ["陈汉平"]


async def test_a_staff_successor_becomes_a_leader(bot: Harness) -> None:
    admin = clerk(bot)
    bot.person("张伟", role=Role.staff, department="学会部")
    answer = text_of(await bot.say(admin, "/leave 李麟 张伟"))
    assert "Open tasks handed over to 张伟: 7." in answer
    assert "张伟 was staff and is now a leader." in answer
    assert bot.stored("张伟").role == Role.leader


async def test_leave_without_a_successor_asks_first_listing_the_tasks_left_without_a_leader(
    bot: Harness,
) -> None:
    admin = clerk(bot)
    asked = await bot.say(admin, "/leave 郑昌盛")
    text = text_of(asked)
    assert "Mark 郑昌盛 as left, with nobody taking over?" in text
    assert "Open tasks that would have no leader: 1" in text
    assert "No. 11 " in text and "No. 33" not in text
    assert bot.stored("郑昌盛").active  # nothing yet
    buttons = [button["text"] for button in last(asked).buttons]
    assert buttons == ["Yes, 郑昌盛 has left", "Cancel"]
    done = text_of(await bot.press(admin, last(asked), "Yes, 郑昌盛 has left"))
    assert "郑昌盛 is marked as left. Open tasks they were taken off: 10." in done
    assert "Now without a leader: 1" in done
    assert leaders_of(bot, "11") == []
    assert leaders_of(bot, "1") == ["陈汉平"]
    assert not bot.stored("郑昌盛").active


async def test_cancelling_a_leave_changes_nothing(bot: Harness) -> None:
    admin = clerk(bot)
    asked = await bot.say(admin, "/leave 李麟")
    done = text_of(await bot.press(admin, last(asked), "Cancel"))
    assert "Nothing changed: 李麟 is still here." in done
    assert bot.stored("李麟").active and leaders_of(bot, "13") == ["李麟"]


async def test_the_leave_button_is_refused_to_anyone_but_an_admin(bot: Harness) -> None:
    admin = clerk(bot)
    asked = await bot.say(admin, "/leave 李麟")
    lilin_id = bot.stored("李麟").id
    staff = bot.person("张伟", role=Role.staff, department="学会部")
    pressed = await bot.forge(staff, last(asked), f"lv:y:{lilin_id}")
    (notice,) = answers(pressed)
    assert "Only the office clerk" in notice.params["text"]
    assert bot.stored("李麟").active


async def test_an_admin_cannot_mark_themselves_as_left(bot: Harness) -> None:
    admin = clerk(bot)
    answer = text_of(await bot.say(admin, "/leave 周婷"))
    assert "You cannot mark yourself as left" in answer
    assert bot.stored("周婷").active


async def test_a_button_pressed_by_someone_who_left_is_refused(bot: Harness) -> None:
    admin = clerk(bot)
    lilin = bot.person("李麟")
    listed = await bot.say(lilin, "/todo")
    await bot.say(admin, "/leave 李麟 郑昌盛")
    pressed = await bot.forge(lilin, last(listed), "lang:en")
    (notice,) = answers(pressed)
    assert "no longer active" in notice.params["text"]
    assert [c for c in pressed if c.method in ("sendMessage", "editMessageText")] == []


async def test_someone_who_left_is_not_answered_in_a_group_unless_they_address_the_bot(
    bot: Harness,
) -> None:
    admin = clerk(bot)
    lilin = bot.person("李麟")
    await bot.say(admin, "/leave 李麟 郑昌盛")
    assert await bot.say(lilin, "今天开会", chat=group()) == []
    assert "no longer active" in text_of(await bot.say(lilin, "/todo", chat=group()))


ZONE = ZoneInfo("Asia/Shanghai")


async def test_someone_who_left_gets_no_reminders_until_they_are_active_again(
    bot: Harness,
) -> None:
    admin = clerk(bot)
    lilin = bot.person("李麟")
    chat = int(lilin["id"])
    # Left, yet still named on task 13 (as when a revised document names them again).
    with session_scope(bot.engine) as session:
        person = session.exec(select(Person).where(Person.name == "李麟")).one()
        person.active = False
        session.add(person)
    assert leaders_of(bot, "13") == ["李麟"]
    # Task 13 is due 2025-12-31: its 7-working-day reminder falls on 12-22.
    bot.clock.now = datetime(2025, 12, 22, 10, 0, tzinfo=ZONE).astimezone(UTC)
    start = len(bot.api.calls)
    await run_sweep(bot.application)

    def to_lilin() -> list[str]:
        return [
            call.text
            for call in bot.api.calls[start:]
            if call.method == "sendMessage" and call.params["chat_id"] == chat
        ]

    assert to_lilin() == []
    assert "李麟 is active again" in text_of(await bot.say(admin, "/person activate 李麟"))
    await run_sweep(bot.application)
    (digest,) = to_lilin()
    assert "Reminders for 2025-12-22" in digest and "No. 13" in digest
    assert "Your open tasks" in text_of(await bot.say(lilin, "/todo"))


async def test_someone_who_left_is_no_longer_a_name_the_bot_reads(bot: Harness) -> None:
    admin = clerk(bot)
    zheng = bot.person("郑昌盛")
    assert "14" in numbers(text_of(await bot.say(zheng, "/leader 李麟")))
    await bot.say(admin, "/leave 李麟 郑昌盛")
    answer = text_of(await bot.say(zheng, "/leader 李麟"))
    assert "I don't know “李麟” in the ledger." in answer


# --- /people ----------------------------------------------------------------------------------


async def test_people_lists_everyone_by_department_with_fresh_links_for_who_has_not_joined(
    bot: Harness,
) -> None:
    admin = clerk(bot)
    bot.person("张伟", role=Role.staff, department="学会部")
    await bot.say(admin, "/person add 赵六 staff 学会部")
    await bot.say(admin, "/leave 李义词 郑昌盛")
    text = text_of(await bot.say(admin, "/people"))
    assert text.startswith("People: 7, not on Telegram yet: 4")
    section = text[text.index("学会部") :]
    assert section.splitlines()[1] == "• 张伟 · staff · on Telegram"
    assert section.splitlines()[2].startswith("• 赵六 · staff · not joined: https://t.me/")
    assert "• 李义词 · leader · has left" in text
    links = dict(
        (line.split(" · ")[0].removeprefix("• "), LINK.search(line))
        for line in text.splitlines()
        if "not joined" in line
    )
    assert set(links) == {"赵六", "郑昌盛", "李麟", "陈汉平"}
    code = links["赵六"].group(2)  # type: ignore[union-attr]
    assert links["赵六"].group(1) == BOT_USERNAME  # type: ignore[union-attr]
    newcomer = user(8_888, "Zhao", language_code="en")
    assert "Welcome, 赵六!" in text_of(await bot.say(newcomer, f"/start {code}"))
    again = text_of(await bot.say(admin, "/people"))
    assert "• 赵六 · staff · on Telegram" in again


async def test_people_shows_no_links_in_a_group(bot: Harness) -> None:
    admin = clerk(bot)
    answer = text_of(await bot.say(admin, "/people", chat=group()))
    assert "ask me in a private chat" in answer and not LINK.search(answer)
    with session_scope(bot.engine) as session:
        assert session.exec(select(Invite)).first() is None


async def test_a_long_people_list_pages_and_only_its_admin_turns_the_pages(bot: Harness) -> None:
    admin = clerk(bot)
    with session_scope(bot.engine) as session:
        for index in range(30):
            session.add(Person(name=f"员工{index:02d}", role=Role.staff, created_at=bot.clock.now))
    first = await bot.say(admin, "/people")
    text = text_of(first)
    assert text.startswith("People: 35")
    assert len(LINK.findall(text)) == 19  # the first 20 but the clerk, who has joined
    labels = [button["text"] for button in last(first).buttons]
    assert labels == ["1/2", "›"]
    other = bot.person("孙丽", role=Role.admin)
    refused = await bot.press(other, last(first), "›")
    assert "made for someone else" in answers(refused)[0].params["text"]
    turned = await bot.press(admin, last(first), "›")
    second = text_of(turned)
    assert "员工29" in second and "员工00" not in second
    assert [b["text"] for b in last(turned).buttons] == ["‹", "2/2"]


async def test_the_admin_help_lists_the_new_commands_and_staff_help_does_not(
    bot: Harness,
) -> None:
    admin = clerk(bot)
    staff = bot.person("张伟", role=Role.staff, department="学会部")
    admin_help = text_of(await bot.say(admin, "/help"))
    for command in ("/people", "/person add", "/dept add", "/oversee", "/leave"):
        assert command in admin_help
    staff_help = text_of(await bot.say(staff, "/help"))
    assert "/people" not in staff_help and "/leave" not in staff_help
