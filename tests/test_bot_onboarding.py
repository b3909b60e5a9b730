"""Joining: invitation codes, the first admin, strangers, /help and /lang."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.fakegram import user
from models.db import session_scope
from models.people import create_invite, person_for_invite
from models.tables import Invite, Person, Role
from tests.test_bot_support import (
    NOW,
    Harness,
    answers,
    group,
    last,
    running_bot,
    text_of,
)

ADMIN_ID = 4_242


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url, admin_ids=[ADMIN_ID]) as harness:
        yield harness
        assert harness.errors == []


def invite(bot: Harness, name: str, *, department: str | None = None) -> str:
    with session_scope(bot.engine) as session:
        person, _ = person_for_invite(session, name=name, now=NOW, department=department)
        return create_invite(session, person=person, now=NOW)


def newcomer(user_id: int = 9_001, language_code: str = "en") -> dict[str, object]:
    return user(user_id, "Zheng", last_name="C.", language_code=language_code)


async def test_an_invitation_binds_the_account_to_the_person(bot: Harness) -> None:
    code = invite(bot, "郑昌盛")
    calls = await bot.say(newcomer(), f"/start {code}")
    text = text_of(calls)
    assert "Welcome, 郑昌盛!" in text
    assert "leader" in text
    person = bot.stored("郑昌盛")
    assert person.telegram_user_id == 9_001
    assert person.telegram_chat_id == 9_001
    assert person.language == "en"
    assert "Your open tasks: 10" in text_of(await bot.say(newcomer(), "我的待办"))


async def test_the_language_comes_from_telegram_at_binding(bot: Harness) -> None:
    code = invite(bot, "李麟")
    await bot.say(newcomer(language_code="zh-hans"), f"/start {code}")
    assert bot.stored("李麟").language == "zh_CN"


async def test_only_the_codes_hash_is_stored(bot: Harness) -> None:
    code = invite(bot, "郑昌盛")
    with session_scope(bot.engine) as session:
        stored = session.exec(select(Invite)).one()
    assert stored.code_hash == hashlib.sha256(code.encode()).hexdigest()
    assert code not in repr(stored)
    assert stored.expires_at == NOW + timedelta(days=7)


async def test_a_used_code_does_not_work_twice(bot: Harness) -> None:
    code = invite(bot, "郑昌盛")
    await bot.say(newcomer(), f"/start {code}")
    text = text_of(await bot.say(newcomer(9_002), f"/start {code}"))
    assert "already been used" in text
    assert bot.stored("郑昌盛").telegram_user_id == 9_001


async def test_the_same_account_opening_its_link_again_is_told_so(bot: Harness) -> None:
    code = invite(bot, "郑昌盛")
    await bot.say(newcomer(), f"/start {code}")
    second = invite(bot, "郑昌盛")
    assert "already linked to you, 郑昌盛" in text_of(await bot.say(newcomer(), f"/start {second}"))


async def test_an_expired_code_is_refused(bot: Harness) -> None:
    code = invite(bot, "郑昌盛")
    bot.clock.now = NOW + timedelta(days=7, seconds=1)
    text = text_of(await bot.say(newcomer(), f"/start {code}"))
    assert "expired" in text
    assert bot.stored("郑昌盛").telegram_user_id is None


async def test_an_unknown_code_is_refused(bot: Harness) -> None:
    text = text_of(await bot.say(newcomer(), "/start not-a-real-code"))
    assert "not valid" in text


async def test_an_account_linked_to_someone_else_does_not_use_the_code(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    code = invite(bot, "李麟")
    text = text_of(await bot.say(zheng, f"/start {code}"))
    assert "already linked to 郑昌盛" in text
    assert bot.stored("李麟").telegram_user_id is None
    with session_scope(bot.engine) as session:
        assert session.exec(select(Invite)).one().used_at is None


async def test_a_code_posted_in_a_group_is_not_used(bot: Harness) -> None:
    code = invite(bot, "郑昌盛")
    text = text_of(await bot.say(newcomer(), f"/start {code}", chat=group()))
    assert "private chat" in text
    assert bot.stored("郑昌盛").telegram_user_id is None


async def test_a_configured_admin_becomes_a_person_on_first_start(bot: Harness) -> None:
    admin = user(ADMIN_ID, "Wang", last_name="Fang", language_code="en")
    text = text_of(await bot.say(admin, "/start"))
    assert "Welcome, Wang Fang!" in text
    assert "/invite" in text
    person = bot.stored("Wang Fang")
    assert person.role == Role.admin and person.telegram_user_id == ADMIN_ID
    assert "Your open tasks: 38" in text_of(await bot.say(admin, "/todo"))


async def test_a_configured_admin_named_like_a_bound_person_gets_a_distinct_name(
    bot: Harness,
) -> None:
    bot.person("Wang Fang")
    admin = user(ADMIN_ID, "Wang", last_name="Fang", language_code="en")
    await bot.say(admin, "/start")
    assert bot.stored(f"Wang Fang ({ADMIN_ID})").role == Role.admin


@pytest.mark.parametrize(
    "text",
    [
        "/start",
        "我的待办",
        "/todo",
        "第12项",
        "/help",
        "/whatever",
        "/due 下周",
        "/overdue",
        "/task 12",
        "/task",
        "/search 大篷车",
        "/search",
        "/dept 学会部",
        "/leader 郑昌盛",
        "/leader",
        "/lang",
        "/lang en",
        "/invite 新人",
    ],
)
async def test_a_stranger_is_told_how_to_join_and_sees_nothing_else(
    bot: Harness, text: str
) -> None:
    stranger = newcomer()
    answer = text_of(await bot.say(stranger, text))
    assert "invitation link" in answer
    assert "No." not in answer and "推动" not in answer
    with session_scope(bot.engine) as session:
        assert session.exec(select(Person).where(Person.telegram_user_id == 9_001)).first() is None


async def test_a_stranger_pressing_a_button_sees_nothing(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    shown = last(await bot.say(zheng, "/lang"))
    calls = await bot.press(newcomer(), shown, "English")
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert "invitation link" in calls[0].params["text"]
    shown = last(await bot.say(bot.person("陈汉平"), "/todo"))
    calls = await bot.press(newcomer(), shown, "›")
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert "invitation link" in calls[0].params["text"]


async def test_a_known_person_starting_again_gets_help(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    text = text_of(await bot.say(zheng, "/start"))
    assert "Hello, 郑昌盛!" in text and "/todo" in text


@pytest.mark.parametrize(
    ("role", "department", "sees", "does_not_see"),
    [
        (Role.staff, "学会部", "/todo", "/dept"),
        (Role.leader, None, "/dept", "/invite"),
        (Role.admin, None, "/invite", None),
    ],
)
async def test_help_depends_on_the_role(
    bot: Harness, role: Role, department: str | None, sees: str, does_not_see: str | None
) -> None:
    someone = bot.person("某人", role=role, department=department)
    text = text_of(await bot.say(someone, "/help"))
    assert sees in text
    if does_not_see:
        assert does_not_see not in text


async def test_lang_buttons_change_the_pressers_language(bot: Harness) -> None:
    zheng = bot.person("郑昌盛", language="zh_CN")
    shown = last(await bot.say(zheng, "/lang"))
    assert [b["text"] for b in shown.buttons] == ["中文", "English"]
    calls = await bot.press(zheng, shown, "English")
    assert calls[0].method == "answerCallbackQuery"
    assert "Language set: English." in text_of(calls)
    assert bot.stored("郑昌盛").language == "en"


async def test_a_language_button_pressed_by_another_changes_only_theirs(bot: Harness) -> None:
    zheng = bot.person("郑昌盛", language="zh_CN")
    li = bot.person("李麟", language="zh_CN")
    shown = last(await bot.say(zheng, "/lang", chat=group()))
    await bot.press(li, shown, "English")
    assert bot.stored("李麟").language == "en"
    assert bot.stored("郑昌盛").language == "zh_CN"


@pytest.mark.parametrize(
    ("argument", "language"), [("zh", "zh_CN"), ("en", "en"), ("中文", "zh_CN")]
)
async def test_lang_with_an_argument_sets_it(bot: Harness, argument: str, language: str) -> None:
    zheng = bot.person("郑昌盛", language="en" if language == "zh_CN" else "zh_CN")
    await bot.say(zheng, f"/lang {argument}")
    assert bot.stored("郑昌盛").language == language


async def test_an_unknown_command_points_to_help(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    assert "/help" in text_of(await bot.say(zheng, "/frobnicate"))


async def test_an_outdated_button_is_answered(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    shown = last(await bot.say(zheng, "/lang"))
    calls = await bot.forge(zheng, shown, "old:button")
    assert answers(calls) and "no longer works" in answers(calls)[0].params["text"]
