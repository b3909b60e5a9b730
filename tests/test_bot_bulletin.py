"""The 情况通报 asked for: /report_week in chat, and `python -m bot report weekly`."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import docx
import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.fakegram import user
from models.db import session_scope
from models.queries import person_named
from models.reports import submit_completion
from models.tables import Role, Task
from tests.conftest import SEED_004, run
from tests.test_bot_support import NOW, Harness, running_bot, sent, text_of

# The harness's clock: Monday 26 May 2025, noon in Shanghai, the first day of week 22.
TITLE_22 = "重点工作任务督办情况通报（2025年第22周，5月26日—6月1日）"


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url) as harness:
        yield harness
        assert harness.errors == []


def complete(engine: Engine, number: str, by: str) -> None:
    """``by`` (an admin) completes task ``number`` an hour after the harness's clock."""
    with session_scope(engine) as session:
        task = session.exec(select(Task).where(Task.number == number)).one()
        clerk = person_named(session, name=by)
        assert task.id is not None and clerk is not None and clerk.id is not None
        submit_completion(
            session,
            task_id=task.id,
            person_id=clerk.id,
            text="已办结",
            now=NOW + timedelta(hours=1),
        )


async def test_the_clerk_gets_this_weeks_bulletin_in_chat(bot: Harness) -> None:
    clerk = bot.person("周婷", role=Role.admin, language="zh_CN")
    complete(bot.engine, "21", by="周婷")
    bot.clock.now = NOW + timedelta(hours=2)
    calls = await bot.say(clerk, "/report_week")
    text = text_of(calls)
    assert text.startswith(TITLE_22)
    assert "截至5月26日，纳入督办的重点工作任务共38项。其中，已完成1项，占2.6%" in text
    assert "本周完成1项：第21项“围绕黄石十大重点产业链供应链来黄开展产学研合作对接活动”。" in text
    assert "一、总体情况" in text and "二、各部室推进情况" in text and "三、需要关注的事项" in text
    assert not [call for call in calls if call.method == "sendDocument"]


async def test_with_docx_the_bulletin_follows_as_a_word_document(bot: Harness) -> None:
    clerk = bot.person("周婷", role=Role.admin, language="zh_CN")
    calls = await bot.say(clerk, "/report_week 2025-W22 docx")
    assert text_of(calls).startswith(TITLE_22)
    [document] = [call for call in calls if call.method == "sendDocument"]
    assert document.error is None and document.upload is not None
    assert document.upload.field == "document"
    assert document.upload.file_name == "督办情况通报-2025-W22.docx"
    assert document.params["caption"] == TITLE_22
    opened = docx.Document(io.BytesIO(document.upload.content))
    headings = [p.text for p in opened.paragraphs if p.style and p.style.name == "Heading 1"]
    assert opened.paragraphs[0].text == TITLE_22
    assert headings == ["一、总体情况", "二、各部室推进情况", "三、需要关注的事项"]


async def test_last_week_and_a_named_week(bot: Harness) -> None:
    clerk = bot.person("Zhou", role=Role.admin)  # English
    text = text_of(await bot.say(clerk, "/report_week last"))
    assert text.startswith("Key tasks progress bulletin (2025, week 21, May 19 – May 25)")
    # The plan was imported on 26 May: in week 21 the ledger held nothing of it yet.
    assert "As of May 25, tasks under supervision: 0." in text
    text = text_of(await bot.say(clerk, "/report_week 2025年第22周"))
    assert text.startswith("Key tasks progress bulletin (2025, week 22, May 26 – June 1)")


@pytest.mark.parametrize(
    ("role", "text", "expected"),
    [
        (Role.staff, "/report_week", "只有督办员（管理员）可以生成情况通报。"),
        (Role.leader, "/report_week docx", "只有督办员（管理员）可以生成情况通报。"),
        (Role.admin, "/report_week next", "用法：/report_week [YYYY-Www|上周] [docx]"),
        (Role.admin, "/report_week 2025-W22 2025-W21", "用法：/report_week"),
        (Role.admin, "/report_week 2025-W30 docx", "2025-W30 这一周还没有开始"),
    ],
)
async def test_refusals_change_nothing_and_send_no_document(
    bot: Harness, role: Role, text: str, expected: str
) -> None:
    person = bot.person("某人", role=role, language="zh_CN", department="学会部")
    calls = await bot.say(person, text)
    assert text_of(calls).startswith(expected)
    assert [call.method for call in calls] == ["sendMessage"]


async def test_someone_unknown_is_told_how_to_join(bot: Harness) -> None:
    stranger = user(9_999, "Stranger", language_code="en")
    text = text_of(await bot.say(stranger, "/report_week docx"))
    assert "I don't know this Telegram account yet." in text


async def test_a_long_bulletin_comes_in_messages_within_telegrams_limit(bot: Harness) -> None:
    clerk = bot.person("周婷", role=Role.admin, language="zh_CN")
    bot.clock.now = NOW + timedelta(weeks=30)  # every open task long silent and many overdue
    messages = sent(await bot.say(clerk, "/report_week"))
    assert len(messages) >= 1 and all(len(m.text) <= 4096 for m in messages)
    assert text_of(messages).startswith("重点工作任务督办情况通报（2025年第52周")


# --- the command line -----------------------------------------------------------------------


def test_report_weekly_prints_the_bulletin_and_writes_the_docx(ledger: str, tmp_path: Path) -> None:
    run("import", str(SEED_004), "--today", "2025-03-03")
    path = tmp_path / "通报.docx"
    code, out = run(
        "report", "weekly", "--week", "2025-W22", "--today", "2025-05-29", "--docx", str(path)
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Key tasks progress bulletin (2025, week 22, May 26 – June 1)"
    assert "As of May 29, tasks under supervision: 38." in out
    assert '"举办全市科技工作者新春座谈会，进一步密切与科技工作者的联系", 90 days overdue.' in out
    assert lines[-1] == f"written to {path}"
    assert docx.Document(str(path)).paragraphs[0].text == lines[0]


def test_report_weekly_defaults_to_this_week_and_the_current_plans(ledger: str) -> None:
    run("import", str(SEED_004), "--today", "2025-03-03")
    code, out = run("report", "weekly", "--today", "2025-06-04")
    assert code == 0
    assert out.startswith("Key tasks progress bulletin (2025, week 23, June 2 – June 8)")
    assert "Scope: 黄石市科协2025年重点工作任务分解清单." in out
    code, out = run("report", "weekly", "--today", "2025-06-04", "--plan", "2025")
    assert code == 0 and "tasks under supervision: 38." in out


def test_report_weekly_refuses_what_it_cannot_write(
    ledger: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("import", str(SEED_004), "--today", "2025-03-03")
    capsys.readouterr()
    code, out = run("report", "weekly", "--week", "2025-W30", "--today", "2025-05-29")
    assert code == 2 and out == ""
    assert capsys.readouterr().err == "error: week 2025-W30 has not begun yet\n"
    code, out = run("report", "weekly", "--plan", "1999", "--today", "2025-05-29")
    assert code == 2 and "no plan has the year or the id 1999" in capsys.readouterr().err
    missing = tmp_path / "no such folder" / "通报.docx"
    code, out = run("report", "weekly", "--today", "2025-05-29", "--docx", str(missing))
    assert code == 2 and capsys.readouterr().err.startswith(f"error: cannot write {missing}")
    with pytest.raises(SystemExit) as raised:
        run("report", "weekly", "--week", "22")
    assert raised.value.code == 2
    assert "not a week (YYYY-Www, e.g. 2025-W22): 22" in capsys.readouterr().err
