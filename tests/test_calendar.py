"""The one calendar: working days and 调休 in 2025..2027, what a week spans, `bot calendar`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import Engine
from sqlmodel import col, select

from models.calendar_days import (
    calendar_days,
    set_calendar_day,
    stored_calendar_days,
    unset_calendar_day,
)
from models.db import make_engine, session_scope, upgrade
from models.tables import AuditEvent
from nlu.calendar import (
    BUILT_IN,
    HolidayRun,
    Override,
    WorkCalendar,
    deadline_week_end,
    office_week,
    period_window,
    week_window,
)
from nlu.deadline import parse_deadline
from tests.conftest import NOW, run


def day(text: str) -> date:
    return date.fromisoformat(text)


# --- working days -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "kind", "source", "name"),
    [
        ("2025-01-26", "makeup", "official", "Spring Festival"),  # a Sunday worked (调休)
        ("2025-01-28", "holiday", "official", "Spring Festival"),  # 除夕 is a holiday since 2025
        ("2025-10-08", "holiday", "official", "National Day"),
        ("2025-10-11", "makeup", "official", "National Day"),
        ("2025-10-13", "workday", "default", None),
        ("2025-10-12", "weekend", "default", None),
        ("2026-02-14", "makeup", "official", "Spring Festival"),  # a Saturday worked
        ("2026-10-07", "holiday", "official", "National Day"),
        ("2026-10-08", "workday", "default", None),  # the 2026 notice ends the break on the 7th
        ("2026-10-10", "makeup", "official", "National Day"),
        ("2027-01-01", "holiday", "statutory", "New Year's Day"),
        ("2027-02-08", "holiday", "statutory", "Spring Festival"),  # computed, no notice yet
        ("2027-02-10", "holiday", "statutory", "Spring Festival"),  # 补假 for the weekend
        ("2027-02-13", "weekend", "default", None),  # a Saturday: off unless an admin says so
        ("2027-02-20", "weekend", "default", None),
        ("2027-10-04", "holiday", "statutory", "National Day"),
    ],
)
def test_the_built_in_calendar_for_2025_2026_and_2027(
    when: str, kind: str, source: str, name: str | None
) -> None:
    found = BUILT_IN.day(day(when))
    assert (found.kind, found.source, found.name) == (kind, source, name)
    assert BUILT_IN.is_workday(day(when)) == (kind in ("workday", "makeup"))


def test_an_admins_override_comes_first() -> None:
    calendar = WorkCalendar(
        [
            Override(day("2027-02-20"), workday=True, note="调休"),
            Override(day("2027-02-11"), workday=False, note="春节"),
            Override(day("2026-10-08"), workday=False, note="单位放假"),
        ]
    )
    assert calendar.day(day("2027-02-20")).kind == "makeup"
    assert calendar.day(day("2027-02-20")).source == "override"
    assert calendar.day(day("2027-02-20")).name == "调休"
    assert not calendar.is_workday(day("2027-02-11"))
    assert not calendar.is_workday(day("2026-10-08"))  # even over the official notice
    assert calendar.is_workday(day("2027-02-12"))  # days not set keep their sources
    assert [rule.day for rule in calendar.overrides(2027)] == [day("2027-02-11"), day("2027-02-20")]
    assert BUILT_IN.is_workday(day("2026-10-08"))  # the built-in calendar is untouched


def test_a_calendar_does_not_change_when_its_rows_do() -> None:
    rows = [Override(day("2027-02-20"), workday=True)]
    calendar = WorkCalendar(rows)
    rows.append(Override(day("2027-02-13"), workday=True))
    assert calendar.is_workday(day("2027-02-20")) and not calendar.is_workday(day("2027-02-13"))


def test_where_a_years_data_comes_from_and_whether_its_tiaoxiu_is_known() -> None:
    calendar = WorkCalendar([Override(day("2027-02-20"), workday=True, note="调休")])
    assert (BUILT_IN.year_info(2026).source, BUILT_IN.year_info(2026).makeup_known) == (
        "official",
        True,
    )
    assert (BUILT_IN.year_info(2027).source, BUILT_IN.year_info(2027).makeup_known) == (
        "statutory",
        False,
    )
    info = calendar.year_info(2027)
    assert (info.source, info.overrides, info.makeup_known) == ("statutory", 1, True)
    assert calendar.year_info(2028).makeup_known is False
    assert BUILT_IN.year_info(2200).source == "weekends"


@pytest.mark.parametrize("year", [1, 1900, 1990, 2003, 2004, 2099, 2100, 2101, 9998])
def test_no_year_makes_the_calendar_crash(year: int) -> None:
    info = BUILT_IN.year_info(year)
    assert info.year == year and info.source in ("official", "statutory", "weekends")
    days = BUILT_IN.days(year)
    assert len(days) in (365, 366)
    assert BUILT_IN.holidays(year) is not None and BUILT_IN.makeup_days(year) is not None
    assert BUILT_IN.add_workdays(date(year, 6, 1), 10) > date(year, 6, 1)
    # Without data, Saturdays and Sundays are off and every other day is worked.
    if info.source == "weekends":
        first_week = [date(year, 1, i) for i in range(1, 8)]
        assert [d.workday for d in days[:7]] == [d.weekday() < 5 for d in first_week]


def test_a_years_holidays_come_in_runs_with_their_names() -> None:
    runs = BUILT_IN.holidays(2025)
    assert runs[1] == HolidayRun(day("2025-01-28"), day("2025-02-04"), ("Spring Festival",))
    assert runs[1].days == 8
    assert runs[-1] == HolidayRun(
        day("2025-10-01"), day("2025-10-08"), ("National Day", "Mid-autumn Festival")
    )
    spring_2027 = next(run for run in BUILT_IN.holidays(2027) if run.first.month == 2)
    assert (spring_2027.first, spring_2027.last) == (day("2027-02-05"), day("2027-02-10"))
    assert [d.day for d in BUILT_IN.makeup_days(2026)][:3] == [
        day("2026-01-04"),
        day("2026-02-14"),
        day("2026-02-28"),
    ]
    assert BUILT_IN.makeup_days(2027) == []


def test_working_days_are_counted_across_new_year_into_2027() -> None:
    # 12-31 Thu, then 元旦 and a weekend, then Mon 4 and Tue 5 January.
    assert BUILT_IN.add_workdays(day("2026-12-30"), 3) == day("2027-01-05")
    found = parse_deadline("3个工作日内", today=day("2026-12-30"))
    assert (found.due, found.kind) == (day("2027-01-05"), "relative")


def test_the_grammar_reads_working_days_with_the_calendar_it_is_given() -> None:
    today = day("2027-02-18")  # a Thursday
    assert parse_deadline("3个工作日内", today=today).due == day("2027-02-23")
    worked = WorkCalendar([Override(day("2027-02-20"), workday=True, note="调休")])
    assert parse_deadline("3个工作日内", today=today, calendar=worked).due == day("2027-02-22")
    # 每个工作日 in the middle of the computed 2027 Spring Festival, with and without 调休.
    spring = day("2027-02-06")
    assert parse_deadline("每个工作日", today=spring).due == day("2027-02-11")
    worked = WorkCalendar([Override(day("2027-02-07"), workday=True)])
    found = parse_deadline("每个工作日", today=spring, calendar=worked)
    assert (found.due, found.kind, found.recurrence) == (day("2027-02-07"), "recurring", "workday")


def test_only_working_day_phrases_load_the_holiday_sources() -> None:
    code = (
        "import sys; from datetime import date; from nlu.deadline import parse_deadline; "
        "parse_deadline('下周五', today=date(2026, 12, 28)); "
        "print('chinese_calendar' in sys.modules, 'holidays' in sys.modules); "
        "parse_deadline('3个工作日内', today=date(2027, 3, 1)); "
        "print('holidays' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "True"]


# --- what a week, a month spans -----------------------------------------------------------

MONDAY = date(2025, 3, 3)


@pytest.mark.parametrize(
    ("period", "today", "first", "last"),
    [
        ("today", MONDAY, "2025-03-03", "2025-03-03"),
        ("this_week", MONDAY, "2025-03-03", "2025-03-09"),
        ("this_week", date(2025, 3, 9), "2025-03-03", "2025-03-09"),  # Sunday ends the week
        ("next_week", date(2025, 3, 5), "2025-03-10", "2025-03-16"),
        ("next_week", date(2025, 12, 29), "2026-01-05", "2026-01-11"),
        ("this_month", date(2024, 2, 10), "2024-02-01", "2024-02-29"),
        ("next_month", date(2025, 1, 31), "2025-02-01", "2025-02-28"),
        ("next_month", date(2025, 12, 15), "2026-01-01", "2026-01-31"),
    ],
)
def test_a_list_window_is_inclusive_and_weeks_run_monday_to_sunday(
    period: str, today: date, first: str, last: str
) -> None:
    assert period_window(period, today) == (day(first), day(last))


def test_an_unknown_period_is_refused() -> None:
    with pytest.raises(ValueError):
        period_window("last_year", MONDAY)


def test_a_list_covers_the_whole_week_while_a_deadline_counts_the_office_week() -> None:
    today = day("2025-05-26")  # a Monday
    assert period_window("this_week", today) == (today, day("2025-06-01"))
    assert period_window("next_week", today) == (day("2025-06-02"), day("2025-06-08"))
    this_week = parse_deadline("本周内", today=today)
    assert (this_week.kind, this_week.due) == ("by", day("2025-05-30"))
    next_week = parse_deadline("下周", today=today)
    assert (next_week.kind, next_week.start, next_week.due) == (
        "range",
        day("2025-06-02"),
        day("2025-06-06"),
    )
    # A task due on Saturday 31 May is on the list of this week's, after the 本周内 deadline.
    saturday = day("2025-05-31")
    first, last = period_window("this_week", today)
    assert first <= saturday <= last and saturday > deadline_week_end(today)


def test_weeks_across_the_year_end_seen_from_2026_12_28() -> None:
    today = day("2026-12-28")  # a Monday
    assert week_window(today, 1) == period_window("next_week", today)
    assert period_window("next_week", today) == (day("2027-01-04"), day("2027-01-10"))
    assert office_week(today, 1) == (day("2027-01-04"), day("2027-01-08"))
    assert period_window("next_month", today) == (day("2027-01-01"), day("2027-01-31"))
    assert parse_deadline("下周五", today=today).due == day("2027-01-08")
    next_week = parse_deadline("下周", today=today)
    assert (next_week.start, next_week.due) == office_week(today, 1)
    assert parse_deadline("本周内", today=today).due == day("2027-01-01")


def test_this_week_as_a_deadline_is_sunday_once_friday_has_passed() -> None:
    saturday = day("2025-05-31")
    assert deadline_week_end(saturday) == day("2025-06-01")
    assert deadline_week_end(saturday, 1) == day("2025-06-06")
    assert deadline_week_end(day("2025-05-30")) == day("2025-05-30")
    assert week_window(saturday) == (day("2025-05-26"), saturday + timedelta(days=1))


# --- the days an admin sets, in the database ----------------------------------------------


def test_days_set_by_hand_are_stored_updated_and_removed(engine: Engine) -> None:
    with session_scope(engine) as session:
        set_calendar_day(session, day=day("2027-02-20"), workday=True, note="调休", now=NOW)
        set_calendar_day(session, day=day("2028-01-29"), workday=True, note="", now=NOW)
        set_calendar_day(session, day=day("2027-02-11"), workday=True, note="", now=NOW)
    with session_scope(engine) as session:  # setting a day again changes it
        set_calendar_day(session, day=day("2027-02-11"), workday=False, note="春节", now=NOW)
    with session_scope(engine) as session:
        rows = calendar_days(session, year=2027)
        assert [(r.day, r.workday, r.note) for r in rows] == [
            (day("2027-02-11"), False, "春节"),
            (day("2027-02-20"), True, "调休"),
        ]
        assert rows[0].updated_at == NOW
        calendar = WorkCalendar(calendar_days(session))
    assert calendar.is_workday(day("2027-02-20")) and not calendar.is_workday(day("2027-02-11"))
    assert calendar.year_info(2028).overrides == 1
    with session_scope(engine) as session:
        removed = unset_calendar_day(session, day=day("2027-02-20"), now=NOW)
        assert removed is not None and removed.note == "调休"
        assert unset_calendar_day(session, day=day("2027-02-20"), now=NOW) is None
    with session_scope(engine) as session:
        assert [r.day for r in calendar_days(session)] == [day("2027-02-11"), day("2028-01-29")]
        actions = [e.action for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))]
    assert actions == ["calendar.set"] * 4 + ["calendar.unset"]


def test_reading_the_stored_days_creates_no_database(tmp_path: Path) -> None:
    missing = tmp_path / "none" / "ledger.sqlite"
    assert stored_calendar_days(f"sqlite:///{missing}") is None
    assert not missing.parent.exists()
    assert stored_calendar_days("postgresql://nobody@127.0.0.1:1/none") is None  # no server
    old = tmp_path / "old.sqlite"
    old_engine = make_engine(f"sqlite:///{old}")
    upgrade(old_engine, "0002")  # a ledger from before the calendar table
    old_engine.dispose()
    assert stored_calendar_days(f"sqlite:///{old}") is None


def test_the_stored_days_are_read_from_a_database_that_has_them(
    database_url: str, engine: Engine
) -> None:
    with session_scope(engine) as session:
        set_calendar_day(session, day=day("2027-02-20"), workday=True, note="调休", now=NOW)
    rows = stored_calendar_days(database_url)
    assert rows is not None and [(r.day, r.workday) for r in rows] == [(day("2027-02-20"), True)]


# --- python -m bot calendar -----------------------------------------------------------------


def test_calendar_show_2027_gives_the_computed_holidays_and_how_to_enter_tiaoxiu(
    ledger: str,
) -> None:
    code, out = run("calendar", "show", "2027")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "2027: statutory holidays computed without make-up working days (holidays package)."
    )
    assert "  2027-01-01 Fri: New Year's Day (1 day)" in lines
    assert "  2027-02-05 Fri – 2027-02-10 Wed: Spring Festival (6 days)" in lines
    assert "  2027-10-01 Fri – 2027-10-05 Tue: National Day (5 days)" in lines
    makeup = lines.index("Make-up working days (调休):")
    assert lines[makeup + 1] == "  not known yet"
    assert lines[-1].startswith("The make-up working days (调休) of 2027 are not known yet.")
    assert "python -m bot calendar set 2027-MM-DD workday --note 调休" in lines[-1]


def test_calendar_show_2026_follows_the_official_notice(ledger: str) -> None:
    code, out = run("calendar", "show", "2026")
    lines = out.splitlines()
    assert code == 0 and lines[0] == "2026: official holiday notice (chinesecalendar)."
    assert "  2026-10-01 Thu – 2026-10-07 Wed: National Day (7 days)" in lines
    assert "  2026-02-14 Sat  Spring Festival" in lines
    assert "not known yet" not in out


def test_calendar_set_unset_and_show_with_an_admins_days(ledger: str, engine: Engine) -> None:
    assert run("calendar", "set", "2027-02-14", "workday", "--note", "调休") == (
        0,
        "2027-02-14 Sun is now a working day.\n",
    )
    assert run("calendar", "set", "2027-02-11", "holiday", "--note", "春节") == (
        0,
        "2027-02-11 Thu is now a day off.\n",
    )
    code, out = run("calendar", "show", "2027")
    lines = out.splitlines()
    assert code == 0 and lines[0].endswith("(holidays package), plus 2 days set by an admin.")
    assert "  2027-02-05 Fri – 2027-02-11 Thu: Spring Festival, 春节 (7 days)" in lines
    assert lines[lines.index("Make-up working days (调休):") + 1] == "  2027-02-14 Sun  调休"
    admin = lines.index("Set by an admin:")
    assert lines[admin + 1 : admin + 3] == [
        "  2027-02-11 Thu  holiday  春节",
        "  2027-02-14 Sun  workday  调休",
    ]
    assert "not known yet" not in out
    assert run("calendar", "unset", "2027-02-14")[1] == (
        "2027-02-14 Sun follows the built-in calendar again: a day off.\n"
    )
    assert run("calendar", "unset", "2027-02-14")[1] == (
        "2027-02-14 Sun was not set by hand; nothing changed.\n"
    )
    with session_scope(engine) as session:
        assert [r.day for r in calendar_days(session)] == [day("2027-02-11")]


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (("set", "2027-02-30", "workday"), "error: not a date (YYYY-MM-DD): 2027-02-30"),
        (
            ("set", "2027-02-20", "weekday"),
            "error: not a kind of day (workday or holiday): weekday",
        ),
        (("set", "2027-02-20", "workday", "--note", "调" * 201), "error: the note is too long"),
        (("unset", "tomorrow"), "error: not a date (YYYY-MM-DD): tomorrow"),
        (("show", "next"), "error: not a year: next"),
    ],
)
def test_bad_calendar_input_gets_one_line_exit_code_2_and_changes_nothing(
    argv: tuple[str, ...],
    error: str,
    ledger: str,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run("calendar", *argv)
    err = capsys.readouterr().err
    assert (code, out) == (2, "") and err.startswith(error) and err.count("\n") == 1
    with session_scope(engine) as session:
        assert calendar_days(session) == []


def test_bad_calendar_input_is_refused_in_the_users_language(
    ledger: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEFAULT_LANGUAGE", "zh_CN")
    assert run("calendar", "set", "2027-02-20", "上班") == (2, "")
    assert capsys.readouterr().err == "错误：不是有效的类型（workday 或 holiday）：上班\n"


@pytest.mark.parametrize(
    ("now", "year"),
    [
        (datetime(2027, 6, 1, 4, 0, tzinfo=UTC), 2027),
        (datetime(2026, 12, 31, 17, 0, tzinfo=UTC), 2027),  # already 2027 in Shanghai
        (datetime(2026, 12, 31, 15, 0, tzinfo=UTC), 2026),
    ],
)
def test_calendar_show_without_a_year_shows_this_year_in_the_offices_zone(
    now: datetime, year: int, ledger: str
) -> None:
    with time_machine.travel(now, tick=False):
        code, out = run("calendar", "show")
    assert code == 0 and out.startswith(f"{year}: ")


def test_parse_date_reads_across_new_year_and_uses_the_days_an_admin_set(ledger: str) -> None:
    assert run("parse-date", "下周五", "--today", "2026-12-28")[1].startswith("due=2027-01-08 ")
    assert run("parse-date", "3个工作日内", "--today", "2026-12-30")[1].startswith(
        "due=2027-01-05 "
    )
    assert run("parse-date", "3个工作日内", "--today", "2027-02-18")[1].startswith(
        "due=2027-02-23 "
    )
    run("calendar", "set", "2027-02-20", "workday", "--note", "调休")
    assert run("parse-date", "3个工作日内", "--today", "2027-02-18")[1].startswith(
        "due=2027-02-22 "
    )


def test_parse_date_without_a_database_uses_the_built_in_calendar_and_creates_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "data" / "duban.sqlite"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing}")
    code, out = run("parse-date", "3个工作日内", "--today", "2027-02-18", "--json")
    assert code == 0 and json.loads(out)["due"] == "2027-02-23"
    assert not missing.parent.exists()
