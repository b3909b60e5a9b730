"""The 情况通报 of a week, on seed 004 with reports and completions made at known moments."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import docx
import pytest
from docx.oxml.ns import qn
from sqlalchemy import Engine
from sqlmodel import Session, select

from ledger.bulletin import (
    SILENT_DAYS,
    Bulletin,
    Part,
    bulletin_data,
    parse_week,
    week_period,
    weekly_bulletin,
)
from ledger.draft import LedgerError
from ledger.importer import read_document
from ledger.lights import Lights
from ledger.stats import standing
from ledger.store import apply_plan
from models.db import session_scope
from models.people import person_for_invite
from models.reports import record_progress, submit_completion
from models.stats import completed_at
from models.tables import Plan, Role, Task
from nlu.i18n import translator
from tests.conftest import EXAMPLES
from tests.test_bot_support import seed_plan

ZONE = ZoneInfo("Asia/Shanghai")
IMPORTED = datetime(2025, 3, 3, 9, tzinfo=ZONE)
# Week 22 of 2025 runs Monday 26 May to Sunday 1 June; it is written up on Thursday morning.
THURSDAY = datetime(2025, 5, 29, 10, tzinfo=ZONE)
WEEK_22 = date(2025, 5, 26)
ZH = translator("zh_CN")


def at(day: str, hour: int = 9) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), ZONE).replace(hour=hour)


@dataclass
class Ledger:
    engine: Engine
    plan_2025: int
    plan_2026: int


def task_id(session: Session, plan: int, number: str) -> int:
    found = session.exec(select(Task.id).where(Task.plan_id == plan, Task.number == number)).one()
    assert found is not None
    return found


@pytest.fixture
def ledger(engine: Engine) -> Ledger:
    """Seed 004 imported on 3 March with next year's plan beside it, and the office's week:

    学会部 completed No. 21 this Tuesday and No. 27 the Tuesday before; 组宣部 completed No. 6 on
    Wednesday and reported on No. 22 on Tuesday; 学会部 last reported on No. 4 on 2 May and on
    No. 11 on 20 May, never on No. 5; No. 30 (组宣部) is overdue since 28 February, No. 3
    (学会部) falls due on Saturday 31 May. Next year's No. 1 was completed on Tuesday too.
    """
    with session_scope(engine) as session:
        apply_plan(session, seed_plan(), now=IMPORTED)
        apply_plan(
            session,
            read_document(EXAMPLES / "2026_重点工作任务示例.txt", today=IMPORTED.date()),
            now=IMPORTED,
        )
        plans = {plan.year: plan.id for plan in session.exec(select(Plan))}
        clerk, _created = person_for_invite(session, name="周婷", now=IMPORTED, role=Role.admin)
        assert clerk.id is not None and plans[2025] is not None and plans[2026] is not None
        plan = plans[2025]

        def done(number: str, moment: datetime, plan: int = plan) -> None:
            submit_completion(
                session,
                task_id=task_id(session, plan, number),
                person_id=clerk.id or 0,
                text="已办结",
                now=moment,
            )

        def reported(number: str, moment: datetime) -> None:
            record_progress(
                session,
                task_id=task_id(session, plan, number),
                person_id=clerk.id or 0,
                text="正在推进",
                now=moment,
            )

        reported("4", at("2025-05-02"))
        reported("11", at("2025-05-20"))
        done("27", at("2025-05-20"))
        done("21", at("2025-05-27"))
        reported("22", at("2025-05-27"))
        done("6", at("2025-05-28", 16))
        done("1", at("2025-05-27"), plan=plans[2026])
    return Ledger(engine, plans[2025], plans[2026])


def bulletin(
    ledger: Ledger,
    *,
    week: date = WEEK_22,
    now: datetime = THURSDAY,
    plans: list[int] | None = None,
    language: str = "zh_CN",
) -> Bulletin:
    period = week_period(week, now=now, zone=ZONE)
    with session_scope(ledger.engine) as session:
        data = bulletin_data(
            session,
            week=period,
            plans=[ledger.plan_2025] if plans is None else plans,
            lights=Lights(),
        )
    return weekly_bulletin(data, week=period, _=translator(language))


def part(found: Bulletin, heading: str) -> Part:
    """A part or sub-part by (the end of) its heading."""
    for top in found.parts:
        if top.heading.endswith(heading):
            return top
        for sub in top.parts:
            if sub.heading.endswith(heading):
                return sub
    raise AssertionError(f"no part {heading}: {[p.heading for p in found.parts]}")


def text_of(found: Part) -> str:
    return "\n".join(found.paragraphs)


# --- the week -------------------------------------------------------------------------------


def test_a_week_is_written_as_iso_weeks_are() -> None:
    assert parse_week("2025-W22") == date(2025, 5, 26)
    assert parse_week("2025w22") == parse_week(" 2025年第22周 ") == date(2025, 5, 26)
    assert parse_week("2025-W01") == date(2024, 12, 30)  # ISO week 1 holds 2 January
    for wrong in ("2025-22", "W22", "2025-W54", "2025-W00", "下周"):
        with pytest.raises(ValueError):
            parse_week(wrong)


def test_a_week_not_begun_has_no_bulletin() -> None:
    with pytest.raises(LedgerError) as raised:
        week_period(date(2025, 6, 2), now=THURSDAY, zone=ZONE)
    assert raised.value.render(ZH) == "2025-W23 这一周还没有开始"


# --- what it says ---------------------------------------------------------------------------


def test_the_title_names_the_week_and_its_days_and_the_plan(ledger: Ledger) -> None:
    found = bulletin(ledger)
    assert found.title == "重点工作任务督办情况通报（2025年第22周，5月26日—6月1日）"
    assert found.lead == ("通报范围：黄石市科协2025年重点工作任务分解清单。",)
    assert [p.heading for p in found.parts] == [
        "一、总体情况",
        "二、各部室推进情况",
        "三、需要关注的事项",
    ]


def test_the_totals_and_their_shares_are_the_standing_of_the_plan(ledger: Ledger) -> None:
    overall = text_of(part(bulletin(ledger), "总体情况"))
    # 38 tasks: done 21, 27 and 6; reported on 4, 11 and 22; No. 30 overdue.
    assert (
        "截至5月29日，纳入督办的重点工作任务共38项。其中，已完成3项，占7.9%；正在推进3项，"
        "占7.9%；未启动32项，占84.2%；逾期1项，占2.6%。"
    ) in overall
    assert "本周新完成2项，新增逾期0项。" in overall
    with session_scope(ledger.engine) as session:
        period = week_period(WEEK_22, now=THURSDAY, zone=ZONE)
        data = bulletin_data(session, week=period, plans=[ledger.plan_2025], lights=Lights())
        ids = [view.task.id or 0 for view in data.views]
        figures = standing(
            data.views,
            today=period.as_of,
            lights=Lights(),
            completed=completed_at(session, task_ids=ids),
            zone=ZONE,
        ).overall
    assert (figures.total, figures.done, figures.not_started, figures.overdue) == (38, 3, 32, 1)
    lights = "督办亮灯：红灯{late}项，黄灯{watch}项，绿灯{on_track}项。".format(
        **{level.value: count for level, count in figures.lights.items()}
    )
    assert lights in overall


def test_the_totals_table_holds_the_same_figures(ledger: Ledger) -> None:
    table = part(bulletin(ledger), "总体情况").table
    assert table[0] == ("项目", "数量（项）", "占比")
    assert ("已完成", "3", "7.9%") in table and ("未启动", "32", "84.2%") in table
    assert ("本周新完成", "2", "—") in table


def test_a_task_completed_this_week_is_named_under_its_department(ledger: Ledger) -> None:
    found = bulletin(ledger)
    society, propaganda = text_of(part(found, "学会部")), text_of(part(found, "组宣部"))
    assert "本周完成1项：第21项“围绕黄石十大重点产业链供应链来黄开展产学研合作对接活动”。" in (
        society
    )
    assert "本周完成1项：第6项“精心组织5·30全国科技工作者日系列活动" in propaganda
    # Completed the Tuesday before: done, and not this week's.
    assert "第27项" not in society
    assert "牵头任务7项，已完成2项，完成率28.6%；正在推进2项，未启动3项，逾期0项。" in society
    # No. 20 names no lead department: it is counted apart, last.
    unled = part(found, "未明确牵头部室")
    assert unled.heading == "（八）未明确牵头部室"
    assert unled.paragraphs[0].startswith("涉及任务1项，已完成0项")


def test_an_overdue_task_is_named_with_its_days_overdue(ledger: Ledger) -> None:
    propaganda = text_of(part(bulletin(ledger), "组宣部"))
    # Due 28 February, as of 29 May: 90 calendar days.
    assert (
        "逾期1项：第30项“举办全市科技工作者新春座谈会，进一步密切与科技工作者的联系”，逾期90天。"
        in (propaganda)
    )


def test_silent_tasks_are_listed_the_longest_silent_first(ledger: Ledger) -> None:
    society = text_of(part(bulletin(ledger), "学会部"))
    line = next(p for p in society.splitlines() if p.startswith(f"{SILENT_DAYS}天以上未报送进展"))
    # Never reported: 3, 5, 36 (the rest of 学会部 reported or done); No. 4 on 2 May. No. 11
    # was reported on nine days before.
    assert line == (
        "14天以上未报送进展4项：第3项、第5项、第36项从未报送；第4项（最近一次报送为5月2日）。"
    )


def test_matters_to_watch_are_what_falls_due_soon_and_what_is_behind_pace(ledger: Ledger) -> None:
    found = bulletin(ledger)
    soon = text_of(part(found, "7天内到期"))
    assert soon.startswith(
        "第3项“面向学会、高校科协和重点产业链企业科技工作者举办培训班，宣…”（学会部），"
    )
    assert "5月31日到期，还剩2天。" in soon
    behind = text_of(part(found, "进度滞后于目标"))
    assert "第15项“加强实体科技馆服务质量和服务能力" in behind
    assert "（市科技馆）：年接待量 0/200000 人次 (0%)，12月31日到期。" in behind
    assert behind.endswith("请相关部室对照上述事项，抓紧推进，按时报送进展。")


def test_the_plans_in_scope_are_the_only_ones_counted(ledger: Ledger) -> None:
    both = bulletin(ledger, plans=[ledger.plan_2025, ledger.plan_2026])
    assert "2026" in both.lead[0] and "2025" in both.lead[0]
    next_year = bulletin(ledger, plans=[ledger.plan_2026])
    assert "黄石市科协2025年" not in next_year.lead[0]
    assert "本周新完成1项" in text_of(part(next_year, "总体情况"))
    assert "本周新完成2项" in text_of(part(bulletin(ledger), "总体情况"))
    assert "共38项" not in text_of(part(both, "总体情况"))


def test_a_past_week_reads_the_ledger_as_it_stood_then(ledger: Ledger) -> None:
    found = bulletin(ledger, week=date(2025, 5, 19))
    assert found.title == "重点工作任务督办情况通报（2025年第21周，5月19日—5月25日）"
    overall = text_of(part(found, "总体情况"))
    # As of Sunday 25 May: only No. 27 was done; 4 and 11 had been reported on (21, 22 and 6
    # had not yet).
    assert "截至5月25日，纳入督办的重点工作任务共38项。其中，已完成1项，占2.6%；正在推进2项" in (
        overall
    )
    assert "本周新完成1项" in overall
    assert "本周完成1项：第27项" in text_of(part(found, "学会部"))
    assert "本周无新完成任务。" in text_of(part(found, "组宣部"))


def test_the_bulletin_reads_in_english_too(ledger: Ledger) -> None:
    found = bulletin(ledger, language="en")
    assert found.title == "Key tasks progress bulletin (2025, week 22, May 26 – June 1)"
    assert [p.heading for p in found.parts] == [
        "1. Overall",
        "2. Progress by lead department",
        "3. Matters needing attention",
    ]
    assert (
        'No. 30 "举办全市科技工作者新春座谈会，进一步密切与科技工作者的联系", 90 days overdue.'
        in (text_of(part(found, "组宣部")))
    )


def test_the_text_and_the_word_document_hold_the_same_headings(ledger: Ledger) -> None:
    found = bulletin(ledger)
    text = found.text().splitlines()
    assert text[0] == found.title and "一、总体情况" in text and "（一）组宣部" in text
    document = docx.Document(io.BytesIO(found.docx()))
    by_style: dict[str, list[str]] = {}
    for paragraph in document.paragraphs:
        by_style.setdefault(paragraph.style.name if paragraph.style else "", []).append(
            paragraph.text
        )
    assert by_style["Title"] == [found.title]
    assert by_style["Heading 1"] == [p.heading for p in found.parts]
    assert by_style["Heading 2"] == [sub.heading for p in found.parts for sub in p.parts]
    body = [
        p
        for top in found.parts
        for p in (*top.paragraphs, *(q for s in top.parts for q in s.paragraphs))
    ]
    assert by_style["Normal"] == [*found.lead, *body]
    heading = document.styles["Heading 1"].element.rPr
    assert heading is not None and heading.rFonts is not None
    assert heading.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert heading.rFonts.get(qn("w:eastAsiaTheme")) is None
    [table] = document.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        list(row) for row in part(found, "总体情况").table
    ]


def test_an_empty_ledger_still_reads(engine: Engine) -> None:
    period = week_period(WEEK_22, now=THURSDAY.astimezone(UTC), zone=ZONE)
    with session_scope(engine) as session:
        data = bulletin_data(session, week=period, plans=None, lights=Lights())
    found = weekly_bulletin(data, week=period, _=ZH)
    assert found.lead == ("通报范围：台账中尚无任务清单。",)
    assert "纳入督办的重点工作任务共0项" in found.text()
    assert part(found, "各部室推进情况").parts == ()
