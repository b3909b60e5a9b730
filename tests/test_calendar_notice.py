"""In December, admins are told once that next year's 调休 days have not been entered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.app import CALENDAR_NOTICE_AT
from bot.fakegram import html_to_text
from models.calendar_days import set_calendar_day
from models.db import session_scope
from models.tables import AuditEvent, Person, Role
from nlu.calendar import BUILT_IN, Override, WorkCalendar
from scheduler.calendar_notice import calendar_notice_due, send_calendar_notice
from tests.test_bot_support import Harness, running_bot

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at_nine(day: str) -> datetime:
    """09:00 in Shanghai on ``day``, as the daily job runs."""
    return datetime.combine(date.fromisoformat(day), time(9), SHANGHAI).astimezone(UTC)


@pytest.mark.parametrize(
    ("today", "year"),
    [
        ("2026-12-07", 2027),  # a Monday in December; 2027's 调休 is not known
        ("2026-12-31", 2027),
        ("2026-12-05", None),  # a Saturday
        ("2026-11-30", None),  # not December yet
        ("2027-01-04", None),
        ("2025-12-08", None),  # chinesecalendar knows 2026
    ],
)
def test_the_notice_is_due_on_december_working_days_while_next_years_tiaoxiu_is_unknown(
    today: str, year: int | None
) -> None:
    assert calendar_notice_due(BUILT_IN, date.fromisoformat(today)) == year


def test_the_notice_is_not_due_once_an_admin_entered_a_day_of_next_year() -> None:
    entered = WorkCalendar([Override(date(2027, 2, 20), workday=True, note="调休")])
    assert calendar_notice_due(entered, date(2026, 12, 7)) is None
    day_off = WorkCalendar([Override(date(2026, 12, 7), workday=False)])
    assert calendar_notice_due(day_off, date(2026, 12, 7)) is None


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url, seed=False) as harness:
        yield harness


async def notify(bot: Harness, now: datetime) -> int:
    return await send_calendar_notice(
        bot.application.bot, bot.engine, now=now, zone=SHANGHAI, default_language="en"
    )


def notices(bot: Harness) -> list[tuple[int, str]]:
    return [(int(c.params["chat_id"]), html_to_text(c.text)) for c in bot.api.sent("sendMessage")]


def admins(bot: Harness) -> dict[str, int]:
    """Two admins who can be told, and people who must not be: chat id by name."""
    people = {
        "王芳": bot.person("王芳", role=Role.admin),
        "赵督办": bot.person("赵督办", role=Role.admin, language="zh_CN"),
        "郑昌盛": bot.person("郑昌盛", role=Role.leader),
        "钱督办": bot.person("钱督办", role=Role.admin),
    }
    bot.person("孙督办", role=Role.admin, bind=False)  # never started the bot
    with session_scope(bot.engine) as session:  # blocked the bot
        gone = session.exec(select(Person).where(Person.name == "钱督办")).one()
        gone.reachable = False
        session.add(gone)
    return {name: int(who["id"]) for name, who in people.items()}


def notice_events(bot: Harness) -> list[str]:
    with session_scope(bot.engine) as session:
        return [e.detail for e in session.exec(select(AuditEvent)) if e.action == "calendar.notice"]


async def test_each_admin_is_told_once_in_their_language(bot: Harness) -> None:
    chats = admins(bot)
    assert await notify(bot, at_nine("2026-12-07")) == 2
    sent = dict(notices(bot))
    assert set(sent) == {chats["王芳"], chats["赵督办"]}
    assert sent[chats["王芳"]].startswith(
        "The make-up working days (调休) of 2027 have not been entered yet"
    )
    assert "python -m bot calendar set 2027-MM-DD workday --note 调休" in sent[chats["王芳"]]
    assert sent[chats["赵督办"]].startswith("2027 年的调休上班日尚未录入")
    assert notice_events(bot) == ["2027"]
    # Later the same day, the next working day, the last one of the year: nothing more.
    for now in (at_nine("2026-12-07") + timedelta(hours=3), at_nine("2026-12-08")):
        assert await notify(bot, now) == 0
    assert await notify(bot, at_nine("2026-12-31")) == 0
    assert len(notices(bot)) == 2 and notice_events(bot) == ["2027"]


async def test_a_restarted_bot_does_not_tell_admins_again(database_url: str) -> None:
    async with running_bot(database_url, seed=False) as first:
        admins(first)
        assert await notify(first, at_nine("2026-12-07")) == 2
    async with running_bot(database_url, seed=False) as second:
        assert await notify(second, at_nine("2026-12-08")) == 0
        assert notices(second) == []


async def test_no_notice_when_an_admin_entered_next_years_days(bot: Harness) -> None:
    admins(bot)
    with session_scope(bot.engine) as session:
        set_calendar_day(
            session, day=date(2027, 2, 20), workday=True, note="调休", now=at_nine("2026-11-20")
        )
    assert await notify(bot, at_nine("2026-12-07")) == 0
    assert notices(bot) == [] and notice_events(bot) == []


@pytest.mark.parametrize("day", ["2026-11-30", "2027-01-04", "2026-12-05", "2025-12-08"])
async def test_no_notice_outside_december_working_days_or_when_next_year_is_known(
    bot: Harness, day: str
) -> None:
    admins(bot)
    assert await notify(bot, at_nine(day)) == 0
    assert notices(bot) == [] and notice_events(bot) == []


async def test_with_no_admin_to_tell_nothing_is_recorded_and_a_later_admin_hears_it(
    bot: Harness,
) -> None:
    assert await notify(bot, at_nine("2026-12-07")) == 0
    assert notice_events(bot) == []
    bot.person("王芳", role=Role.admin)
    assert await notify(bot, at_nine("2026-12-08")) == 1


async def test_the_application_runs_the_notice_daily_at_nine_in_the_offices_zone(
    bot: Harness,
) -> None:
    assert bot.application.job_queue is not None
    (job,) = bot.application.job_queue.jobs("calendar-notice")
    trigger = job.job.trigger
    fire = trigger.get_next_fire_time(None, datetime(2026, 12, 7, 0, 0, tzinfo=SHANGHAI))
    assert fire == datetime.combine(date(2026, 12, 7), CALENDAR_NOTICE_AT, SHANGHAI)
