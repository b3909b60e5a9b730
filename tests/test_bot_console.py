"""`python -m bot console`: the real Application in a terminal, buttons numbered."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

import bot.cli
from bot.cli import main
from bot.console import run_console
from bot.settings import Settings
from ledger.demo import add_demo_people
from ledger.importing import import_document
from models.db import make_engine, session_scope
from models.people import CONSOLE_ID_BASE
from models.queries import person_named, plan_titled
from nlu.i18n import translator
from tests.conftest import EXAMPLES, ROOT, SEED_004
from tests.test_bot_support import NOW


@pytest.fixture
def ledger(database_url: str) -> str:
    import_document(SEED_004, database_url=database_url, now=NOW, zone=ZoneInfo("Asia/Shanghai"))
    return database_url


async def converse(url: str, *lines: str, as_name: str = "郑昌盛", say: str | None = None) -> str:
    settings = Settings(_env_file=None, database_url=url, default_language="en")
    out = io.StringIO()
    pending = [line + "\n" for line in lines]

    def read() -> str:
        return pending.pop(0) if pending else ""

    def clock() -> datetime:
        return NOW

    code = await run_console(
        settings, as_name=as_name, now=clock, say=say, read=read, out=out, _=translator("en")
    )
    assert code == 0
    return out.getvalue()


async def test_say_does_one_exchange(ledger: str) -> None:
    out = await converse(ledger, say="我的待办")
    assert "Your open tasks: 10" in out
    assert "[1] 1/2   [2] ›" in out
    assert "<b>" not in out  # HTML shown as the reader sees it


async def test_typed_lines_and_pressing_numbered_buttons(ledger: str) -> None:
    out = await converse(ledger, "我的待办", "/press 2", "第1项", "/press 9", "/quit", "never read")
    assert "郑昌盛> /press 2" in out
    assert "✎ Your open tasks: 10" in out  # the page turned in place
    assert "[1] ‹   [2] 2/2" in out
    assert "No. 1 " in out and "深入贯彻落实" in out
    assert "(Press a button by its number: /press 1 to /press 1.)" in out  # 报告进度
    assert "never read" not in out


async def test_the_console_binds_a_fake_account_to_the_person(ledger: str) -> None:
    await converse(ledger, say="/help")
    with session_scope(make_engine(ledger)) as session:
        person = person_named(session, name="郑昌盛")
        assert person is not None and person.id is not None
        assert person.telegram_user_id == CONSOLE_ID_BASE + person.id


async def test_someone_not_in_the_ledger_is_refused_politely(ledger: str) -> None:
    out = await converse(ledger, "我的待办", as_name="无名氏")
    assert "not in the ledger" in out
    assert "invitation link" in out and "No." not in out


def test_make_run_without_a_token_opens_the_console_on_the_demo_ledger(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = f"sqlite:///{tmp_path}/demo.sqlite"
    monkeypatch.setattr(bot.cli, "DEMO_DATABASE", demo)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    monkeypatch.setattr(sys, "stdin", io.StringIO("本月到期\n"))
    out = io.StringIO()
    assert main(["run"], out=out) == 0
    text = out.getvalue()
    assert f"the demo ledger is in {demo}" in text
    assert "Try: 我的待办, 第1项, 本月到期" in text
    assert "today is 2025-05-26" in text
    assert "郑昌盛> 本月到期" in text and "Due this month" in text


def test_console_as_a_process_for_scripts(ledger: str) -> None:
    command = ["console", "--db", ledger, "--as", "陈汉平", "--today", "2025-05-26"]
    result = subprocess.run(
        [sys.executable, "-m", "bot", *command, "--say", "逾期的"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "DEFAULT_LANGUAGE": "en", "HOME": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert "Overdue tasks: 1" in result.stdout and "No. 30" in result.stdout


async def test_tick_sends_the_days_reminders_with_buttons_that_work(ledger: str) -> None:
    out = await converse(
        ledger,
        "/tick 2025-12-22",
        "/press 1",
        "/tick 2025-12-23",
        "/tick 2025-10-01 10:00",
        "/tick 2025-12-26",
        "/press 3",
        "/tick 2025-12-29",
        "/tick someday",
    )
    first, ack, day_after, holiday, tier, snooze, back, usage = out.split("郑昌盛> ")[1:]
    assert "Reminders for 2025-12-22: 10 of your tasks need attention" in first
    assert "7 working days left" in first and "[1] Got it   [2] Report progress" in first
    assert "Noted. I won't repeat these reminders." in ack
    assert "2025-12-23 09:00: nothing to send." in day_after  # acknowledged: no repeat
    assert "2025-10-01 10:00: nothing to send." in holiday  # National Day
    assert "3 working days left" in tier
    assert "I'll remind you again on 2025-12-29." in snooze
    assert "Reminders for 2025-12-29" in back
    assert "Usage: /tick" in usage


async def test_import_sends_a_file_from_this_computer_and_its_preview_imports_it(
    ledger: str,
) -> None:
    with session_scope(make_engine(ledger)) as session:
        add_demo_people(session, now=NOW)  # 周婷, the demo's clerk
    example = EXAMPLES / "2026_重点工作任务示例.txt"
    out = await converse(
        ledger, f"/import {example}", "/press 1", "/import nowhere.txt", "/import", as_name="周婷"
    )
    preview, imported, missing, usage = out.split("周婷> ")[1:]
    assert "市科协2026年重点工作任务 (2026)" in preview and "Tasks: 14" in preview
    assert "[1] Import   [2] Cancel" in preview
    assert "Imported as a new plan: 14 tasks." in imported
    assert "(No such file: nowhere.txt)" in missing
    assert "Usage: /import FILE" in usage
    with session_scope(make_engine(ledger)) as session:
        plan = plan_titled(session, title="市科协2026年重点工作任务", year=2026)
        clerk = person_named(session, name="周婷")
        assert plan is not None and clerk is not None and clerk.plan_id == plan.id
