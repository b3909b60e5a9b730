"""/export in chat, through the Application, and `python -m bot export` on the command line."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.fakegram import Call
from ledger.export import number_of
from models.db import make_engine, session_scope
from models.queries import TaskView
from models.stats import tasks_seen
from models.tables import Role, Task
from tests.conftest import SEED_004, run
from tests.test_bot_support import Harness, group, running_bot, text_of

TASKS = 38  # in seed 004
PLAN = "黄石市科协2025年重点工作任务分解清单"


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url) as harness:
        yield harness
        assert harness.errors == []


def documents(calls: Sequence[Call]) -> list[Call]:
    found = [call for call in calls if call.method == "sendDocument"]
    assert all(call.error is None for call in found), found
    return found


def in_ledger(engine: Engine) -> list[object]:
    """Every task's number, in the ledger's order, as the export writes it (8-10, 12)."""
    with session_scope(engine) as session:
        tasks = session.exec(select(Task).order_by(col(Task.plan_id), col(Task.seq))).all()
        return [number_of(TaskView(task=task)) for task in tasks]


def numbers(content: bytes) -> list[object]:
    """The task numbers in an exported workbook's ledger sheet."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]


async def test_an_admin_gets_the_whole_ledger_as_a_workbook(bot: Harness) -> None:
    clerk = bot.person("周婷", role=Role.admin, language="zh_CN")
    calls = await bot.say(clerk, "/export")
    [sent] = documents(calls)
    upload = sent.upload
    assert upload is not None and upload.field == "document"
    assert upload.file_name == "台账_2025-05-26.xlsx"
    assert sent.result["caption"] == f"{PLAN} · 共 38 项任务 · 2025-05-26"
    book = openpyxl.load_workbook(io.BytesIO(upload.content))
    assert book.sheetnames == ["台账", "汇总"]
    assert book["台账"]["D2"].value == "具体内容"  # in the asker's language
    assert numbers(upload.content) == in_ledger(bot.engine)
    assert len(numbers(upload.content)) == TASKS


async def test_export_csv_sends_the_same_columns_as_csv(bot: Harness) -> None:
    clerk = bot.person("周婷", role=Role.admin)
    [sent] = documents(await bot.say(clerk, "/export csv"))
    upload = sent.upload
    assert upload is not None and upload.file_name == "ledger_2025-05-26.csv"
    assert upload.content.startswith(b"\xef\xbb\xbf")
    records = list(csv.reader(io.StringIO(upload.content.decode("utf-8-sig"), newline="")))
    assert records[0][:4] == ["Number", "Category", "Key work", "Content"]
    assert [record[0] for record in records[1:]] == [str(n) for n in in_ledger(bot.engine)]


async def test_a_leaders_export_holds_only_what_they_may_see(bot: Harness) -> None:
    li = bot.person("李麟")
    [sent] = documents(await bot.say(li, "/export"))
    assert sent.upload is not None
    with session_scope(bot.engine) as session:
        seen = [
            int(view.task.number or 0) for view in tasks_seen(session, person=bot.stored("李麟"))
        ]
    exported = numbers(sent.upload.content)
    assert exported == seen and 0 < len(exported) < TASKS
    assert f"tasks: {len(seen)}" in sent.result["caption"]


async def test_staff_are_told_the_export_is_for_the_clerk_and_leaders(bot: Harness) -> None:
    wang = bot.person("王芳", department="学会部")
    calls = await bot.say(wang, "/export")
    assert documents(calls) == []
    assert "The ledger export is for the office clerk and leaders." in text_of(calls)


async def test_in_a_group_the_export_is_refused_and_nothing_is_posted(bot: Harness) -> None:
    clerk = bot.person("周婷", role=Role.admin)
    calls = await bot.say(clerk, "/export", chat=group())
    assert documents(calls) == []
    assert "only in a private chat" in text_of(calls)


async def test_an_unknown_format_gets_the_usage(bot: Harness) -> None:
    clerk = bot.person("周婷", role=Role.admin)
    calls = await bot.say(clerk, "/export pdf")
    assert documents(calls) == []
    assert "Usage: /export (an Excel workbook) or /export csv" in text_of(calls)


async def test_someone_unknown_is_told_how_to_join(bot: Harness) -> None:
    stranger = bot.person("路人", bind=False)
    calls = await bot.say(stranger, "/export")
    assert documents(calls) == [] and "invitation link" in text_of(calls)


async def test_the_help_mentions_the_export_to_leaders_not_staff(bot: Harness) -> None:
    assert "/export" in text_of(await bot.say(bot.person("李麟"), "/help"))
    assert "/export" not in text_of(await bot.say(bot.person("王芳", department="学会部"), "/help"))


# --- the command line -----------------------------------------------------------------------


@pytest.fixture
def imported(ledger: str) -> list[object]:
    """Seed 004 imported by the command line; its task numbers."""
    assert run("import", str(SEED_004), "--today", "2025-03-03")[0] == 0
    engine = make_engine(ledger)
    try:
        return in_ledger(engine)
    finally:
        engine.dispose()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where the exports go (tmp_path holds the SQLite ledger too)."""
    made = tmp_path / "exports"
    made.mkdir()
    return made


def test_the_command_line_writes_a_workbook_and_a_csv(imported: list[object], folder: Path) -> None:
    workbook = folder / "台账.xlsx"
    code, out = run("export", "-o", str(workbook), "--today", "2025-05-26")
    assert (code, out) == (0, f"38 tasks written to {workbook}\n")
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["Ledger", "Summary"]
    assert numbers(workbook.read_bytes()) == imported and len(imported) == TASKS
    assert book["Ledger"]["A1"].value == f"{PLAN} · ledger as of 2025-05-26"

    table = folder / "台账.csv"  # the format follows the file's extension
    assert run("export", "-o", str(table), "--plan", "2025", "--today", "2025-05-26")[0] == 0
    assert table.read_bytes().startswith(b"\xef\xbb\xbf")
    records = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig"), newline="")))
    assert len(records) == 1 + TASKS

    named = folder / "ledger.txt"
    assert run("export", "--format", "csv", "-o", str(named), "--today", "2025-05-26")[0] == 0
    assert named.read_bytes().startswith(b"\xef\xbb\xbfNumber,")
    assert sorted(p.name for p in folder.iterdir()) == ["ledger.txt", "台账.csv", "台账.xlsx"]


def test_a_bad_plan_or_folder_exits_2_with_one_line_and_writes_nothing(
    imported: list[object], folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    target = folder / "out.xlsx"
    code, out = run("export", "-o", str(target), "--plan", "1999")
    assert (code, out) == (2, "")
    assert capsys.readouterr().err == "error: no plan has the year or the id 1999\n"
    missing = folder / "no such folder" / "out.xlsx"
    code, _out = run("export", "-o", str(missing))
    assert code == 2
    error = capsys.readouterr().err
    assert error.startswith(f"error: cannot write {missing}: ") and error.count("\n") == 1
    assert list(folder.iterdir()) == []


def test_an_export_replaces_the_file_whole(imported: list[object], folder: Path) -> None:
    target = folder / "台账.xlsx"
    target.write_bytes(b"last week's")
    assert run("export", "-o", str(target), "--today", "2025-05-26")[0] == 0
    assert numbers(target.read_bytes()) == imported
    assert [p.name for p in folder.iterdir()] == ["台账.xlsx"]  # no temporary file left
