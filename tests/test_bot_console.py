"""`python -m bot console`: the real Application in a terminal, buttons numbered."""

from __future__ import annotations

import io
import re
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


async def test_the_clerk_keeps_an_imported_plan_in_chat_and_next_years_imports_beside_it(
    ledger: str,
) -> None:
    """The acceptance of keeping the ledger in chat, typed as a new user would."""
    with session_scope(make_engine(ledger)) as session:
        add_demo_people(session, now=NOW)
    out = await converse(
        ledger,
        f"/import {EXAMPLES / '002_46b6a2ef67550557.txt'}",
        "/press 1",
        "/unassigned",
        "第1项由李麟负责，普及部（中心）牵头，6月底前完成",
        "/press 1",
        "第2项由陈汉平负责，学会部牵头，7月底前完成",
        "/press 1",
        "第3项由郑昌盛负责，办公室牵头，2025年6月10日前完成",
        "/press 1",
        "新增任务：组织全市科普讲解大赛，普及部牵头，李麟负责，9月底前",
        "/press 1",
        "/as 李麟",
        "我的待办",
        "/tick 2025-06-19",
        "/as 周婷",
        f"/import {EXAMPLES / '2026_重点工作任务示例.txt'}",
        "/press 1",
        "/plan",
        "第1项",
        "/plan current",
        "第1项",
        as_name="周婷",
    )
    said = re.split(r"(?m)^(?:周婷|李麟)> ", out)[1:]
    unassigned = said[2]
    assert "Tasks left open: 15" in unassigned
    assert "leaders → 李麟" in said[3] and "deadline → 2025-06-30" in said[3]
    assert "Add task 16" in said[9] and "Added No. 16" in said[10]
    todo = said[12]
    assert "No. 1 强化政治意识" in todo and "No. 16 组织全市科普讲解大赛" in todo
    tick = said[13]
    assert "Reminders for 2025-06-19" in tick and "No. 1 强化政治意识" in tick
    plans = said[17]
    assert "市科协2026年重点工作任务" in plans and "2025年省科协科技社团党建工作要点" in plans
    assert "市科协2026年重点工作任务" in said[18]  # the clerk is on the plan she imported
    assert "黄石市科协2025年重点工作任务分解清单" in said[20] or "2025年省科协" in said[20]


async def test_the_clerks_standing_export_and_bulletin_count_a_ledger_imported_this_moment(
    ledger: str,
) -> None:
    with session_scope(make_engine(ledger)) as session:
        add_demo_people(session, now=NOW)  # the ledger was imported at NOW, the console's time
    out = await converse(ledger, "/stats", "/export", "/report_week", as_name="周婷")
    stats, export, bulletin = re.split(r"(?m)^周婷> ", out)[1:]
    assert "Total 38" in stats and "standing.png" in stats
    assert "ledger_2025-05-26.xlsx" in export and "tasks: 38" in export
    overall = bulletin[bulletin.index("1. Overall") :] if "1. Overall" in bulletin else bulletin
    assert "38" in overall.splitlines()[1], bulletin  # all 38 tasks, not none
