"""The clerk imports a task list by sending it in chat: a preview, then 导入 or 取消.

Through the real Application and the fake Bot API, which hands the bot the file by getFile and
its download URL as Telegram does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select
from telegram import Bot

from bot.fakegram import Call, user
from bot.fakegram_http import FakeBotAPIServer
from models.db import session_scope
from models.queries import plan_tasks, tasks_in_view
from models.tables import Plan, Role, TaskStatus
from tests.conftest import EXAMPLES
from tests.test_bot_support import Harness, answers, last, running_bot, text_of

SEED_002 = EXAMPLES / "002_46b6a2ef67550557.txt"
SEED_003 = EXAMPLES / "003_b4860945ccb88c94.txt"
EXAMPLE_2026 = EXAMPLES / "2026_重点工作任务示例.txt"
TITLE_002 = "2025年省科协科技社团党建工作要点"


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url) as harness:
        yield harness
        assert harness.errors == []


def plans(bot: Harness) -> dict[str, tuple[int | None, int]]:
    """Each plan's title: its year and how many of its tasks are open."""
    with session_scope(bot.engine) as session:
        return {
            plan.title: (
                plan.year,
                sum(
                    1
                    for task in plan_tasks(session, plan_id=plan.id or 0)
                    if task.status == TaskStatus.open
                ),
            )
            for plan in session.exec(select(Plan))
        }


def plan_id(bot: Harness, title: str) -> int | None:
    with session_scope(bot.engine) as session:
        return session.exec(select(Plan.id).where(Plan.title == title)).one()


def fetched(calls: list[Call]) -> list[str]:
    """The file requests among ``calls``: getFile and the downloads."""
    return [call.method for call in calls if call.method in ("getFile", "download")]


async def send_file(
    bot: Harness,
    who: str,
    content: bytes,
    file_name: str,
    *,
    caption: str | None = None,
    file_size: int | None = None,
) -> list[Call]:
    return await bot.telegram.send_document(
        bot.users[who], content, file_name=file_name, caption=caption, file_size=file_size
    )


# --- the clerk's import ---------------------------------------------------------------------


async def test_an_admin_previews_a_task_list_then_imports_it(bot: Harness) -> None:
    bot.person("周婷", role=Role.admin)
    calls = await send_file(bot, "周婷", SEED_002.read_bytes(), SEED_002.name)
    preview = text_of(calls)
    assert fetched(calls) == ["getFile", "download"]
    assert f"{TITLE_002} (2025), from {SEED_002.name}" in preview
    assert "Tasks: 15" in preview
    assert (
        "Without a leader: 15 · without a lead department: 15 · without a deadline: 15" in preview
    )
    assert "no responsible leader named" not in preview  # counted, not listed
    assert "This is a new plan" in preview and "Nothing is imported yet" in preview
    assert [button["text"] for button in last(calls).buttons] == ["Import", "Cancel"]
    assert TITLE_002 not in plans(bot)  # a preview writes nothing

    calls = await bot.press(bot.users["周婷"], last(calls), "Import")
    result = text_of(calls)
    assert fetched(calls) == ["getFile", "download"]  # fetched again: no file kept meanwhile
    assert "Imported as a new plan: 15 tasks." in result
    assert "Send /unassigned to assign them." in result
    assert last(calls).buttons == []  # the preview became the result: nothing to press twice
    assert plans(bot)[TITLE_002] == (2025, 15)
    assert bot.stored("周婷").plan_id == plan_id(bot, TITLE_002)


async def test_cancel_imports_nothing_and_the_old_preview_no_longer_imports(bot: Harness) -> None:
    bot.person("周婷", role=Role.admin)
    preview = last(await send_file(bot, "周婷", SEED_002.read_bytes(), SEED_002.name))
    calls = await bot.press(bot.users["周婷"], preview, "Cancel")
    assert "Cancelled. Nothing was imported." in text_of(calls)
    assert fetched(calls) == []
    calls = await bot.forge(bot.users["周婷"], preview, preview.buttons[0]["callback_data"])
    assert "out of date" in str(answers(calls)[0].params.get("text"))
    assert fetched(calls) == []
    assert TITLE_002 not in plans(bot)
    assert bot.stored("周婷").plan_id is None


async def test_a_revision_preview_says_what_importing_would_change(bot: Harness) -> None:
    bot.person("周婷", role=Role.admin)
    text = SEED_002.read_text("utf-8")
    preview = last(await send_file(bot, "周婷", text.encode(), SEED_002.name))
    await bot.press(bot.users["周婷"], preview, "Import")
    revised = text.replace("1. 强化政治意识。", "1. 强化政治意识和纪律意识。")
    calls = await send_file(bot, "周婷", revised.encode(), "revised.txt")
    shown = text_of(calls)
    assert "A revision of the plan already in the ledger" in shown
    assert "0 added, 1 changed, 0 cancelled, 14 unchanged" in shown
    assert "• task 1: key work、content" in shown
    assert plans(bot)[TITLE_002] == (2025, 15)

    again = text_of(await send_file(bot, "周婷", text.encode(), SEED_002.name))
    assert "already holds this document: importing it changes nothing" in again


async def test_a_caption_gives_the_year_and_the_title(bot: Harness) -> None:
    bot.person("周婷", role=Role.admin)
    calls = await send_file(
        bot, "周婷", SEED_002.read_bytes(), SEED_002.name, caption="2026年 科技社团党建要点"
    )
    assert "2026年 科技社团党建要点 (2026)" in text_of(calls)
    await bot.press(bot.users["周婷"], last(calls), "Import")
    assert plans(bot)["2026年 科技社团党建要点"] == (2026, 15)


async def test_a_caption_of_only_a_year_keeps_the_documents_title(bot: Harness) -> None:
    bot.person("周婷", role=Role.admin)
    calls = await send_file(bot, "周婷", SEED_002.read_bytes(), SEED_002.name, caption="二〇二六年")
    assert f"{TITLE_002} (2026)" in text_of(calls)


async def test_a_caption_without_a_year_is_a_remark_not_a_title(bot: Harness) -> None:
    bot.person("周婷", role=Role.admin)
    calls = await send_file(bot, "周婷", SEED_002.read_bytes(), SEED_002.name, caption="请导入")
    assert f"{TITLE_002} (2025)" in text_of(calls)


async def test_a_preview_survives_a_restart(database_url: str) -> None:
    async with running_bot(database_url) as first:
        zhou = first.person("周婷", role=Role.admin)
        calls = await first.telegram.send_document(
            zhou, SEED_002.read_bytes(), file_name=SEED_002.name
        )
        preview = first.telegram.message(last(calls))
    async with running_bot(database_url, seed=False) as second:
        # Telegram still holds the file and the preview message; the bot's memory is new.
        second.api.files.update(first.api.files)
        second.api.file_bytes.update(first.api.file_bytes)
        second.api.messages[(preview["chat"]["id"], preview["message_id"])] = preview
        calls = await second.telegram.press(zhou, preview, "Import")
        assert "Imported as a new plan: 15 tasks." in text_of(calls)
        assert second.errors == []
        assert plans(second)[TITLE_002] == (2025, 15)


async def test_the_2026_example_imports_with_its_leaders_departments_and_deadlines(
    bot: Harness,
) -> None:
    bot.person("周婷", role=Role.admin)
    calls = await send_file(bot, "周婷", EXAMPLE_2026.read_bytes(), EXAMPLE_2026.name)
    preview = text_of(calls)
    assert "市科协2026年重点工作任务 (2026)" in preview and "Tasks: 14" in preview
    assert "Without a leader: 2 · without a lead department: 1 · without a deadline: 0" in preview
    assert "Warnings" not in preview
    await bot.press(bot.users["周婷"], last(calls), "Import")
    with session_scope(bot.engine) as session:
        plan = session.exec(select(Plan).where(Plan.title == "市科协2026年重点工作任务")).one()
        views = tasks_in_view(session, plan_tasks(session, plan_id=plan.id or 0))
    assert [view.task.number for view in views] == [str(n) for n in range(1, 15)]
    assert all(view.task.content.strip() for view in views)
    assert all(view.task.due_text for view in views)
    assert {view.task.due.year for view in views if view.task.due} == {2026}
    assert [view.task.due_kind for view in views if view.task.due is None] == ["continuous"]
    assert sum(1 for view in views if view.leaders and view.lead_departments) == 12
    assert views[7].leaders == ["李麟"] and views[7].lead_departments == ["市科技馆"]
    assert views[7].task.recurrence == "quarterly"  # 每季度末


# --- what is refused --------------------------------------------------------------------------


async def test_a_staff_members_document_outside_a_report_is_refused_unread(bot: Harness) -> None:
    bot.person("刘洋", department="市科技馆")
    calls = await send_file(bot, "刘洋", SEED_002.read_bytes(), SEED_002.name)
    assert "Only the office clerk (督办员) imports task lists." in text_of(calls)
    assert fetched(calls) == []
    assert TITLE_002 not in plans(bot)


async def test_a_document_sent_during_a_report_is_its_attachment(bot: Harness) -> None:
    bot.person("刘洋", department="市科技馆")
    await bot.say(bot.users["刘洋"], "科普大篷车已经跑了25场")
    calls = await send_file(bot, "刘洋", b"%PDF-1.4 photos", "现场.pdf")
    assert "Attachments: 1" in text_of(calls)
    assert "Only the office clerk" not in text_of(calls)
    assert fetched(calls) == []


async def test_someone_the_bot_does_not_know_is_told_how_to_join(bot: Harness) -> None:
    bot.person("路人", bind=False)
    calls = await send_file(bot, "路人", SEED_002.read_bytes(), SEED_002.name)
    assert "invitation link" in text_of(calls)
    assert fetched(calls) == []


async def test_a_document_too_large_is_refused_before_it_is_fetched(bot: Harness) -> None:
    bot.person("周婷", role=Role.admin)
    calls = await send_file(bot, "周婷", b"1. task", "huge.xlsx", file_size=25 * 1024 * 1024)
    assert "huge.xlsx is 25 MB, more than the 20 MB an import may be" in text_of(calls)
    assert "Nothing was imported." in text_of(calls)
    assert fetched(calls) == []
    assert last(calls).buttons == []


async def test_a_file_with_no_tasks_says_so_and_changes_nothing(bot: Harness) -> None:
    bot.person("周婷", role=Role.admin)
    before = plans(bot)
    calls = await send_file(bot, "周婷", SEED_003.read_bytes(), SEED_003.name)
    assert f"no task was found in {SEED_003.name}: nothing was imported" in text_of(calls)
    assert last(calls).buttons == []
    assert plans(bot) == before


async def test_a_file_the_readers_cannot_take_says_what_to_do(bot: Harness) -> None:
    bot.person("周婷", role=Role.admin)
    calls = await send_file(bot, "周婷", b"\xd0\xcf\x11\xe0 old word", "清单.doc")
    assert ".doc files cannot be read; save the document as .docx" in text_of(calls)
    assert last(calls).buttons == []


async def test_a_staff_member_cannot_press_the_clerks_import(bot: Harness) -> None:
    bot.person("周婷", role=Role.admin)
    preview = last(await send_file(bot, "周婷", SEED_002.read_bytes(), SEED_002.name))
    bot.person("刘洋", department="市科技馆")
    calls = await bot.forge(bot.users["刘洋"], preview, preview.buttons[0]["callback_data"])
    assert "Only the office clerk" in str(answers(calls)[0].params.get("text"))
    assert fetched(calls) == []
    assert TITLE_002 not in plans(bot)


# --- the fake Bot API over HTTP (the end-to-end tests' and the benchmarks') -------------------


async def test_the_fake_bot_api_over_http_hands_out_a_sent_document() -> None:
    content = EXAMPLE_2026.read_bytes()
    with FakeBotAPIServer(token="1:offline") as server:
        server.send_document(user(5_100_001, "周婷"), content, file_name=EXAMPLE_2026.name)
        base_url, base_file_url = f"{server.url}/bot", f"{server.url}/file/bot"
        async with Bot("1:offline", base_url=base_url, base_file_url=base_file_url) as bot:
            (update,) = await bot.get_updates()
            assert update.message is not None and update.message.document is not None
            document = update.message.document
            assert (document.file_name, document.file_size) == (EXAMPLE_2026.name, len(content))
            downloaded = await (await bot.get_file(document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == content
