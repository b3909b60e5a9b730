"""The one calendar: working days, holidays and 调休, and the bounds of weeks, months and years.

What a phrase spans is decided here, once:

* Weeks run Monday..Sunday.
* A deadline counts the office week (``deadline_week_end``, ``office_week``): ``本周内`` is by
  Friday (by Sunday once that Friday has passed), ``下周`` is Monday..Friday of next week.
* A list of what falls due covers the whole calendar span (``period_window``): ``本周到期`` and
  ``下周到期`` run Monday..Sunday, ``本月到期`` the whole month, so a task due on a Saturday is
  never left out of a list.
* Months, quarters, half-years and years end on their last calendar day, working day or not.

Working days (``WorkCalendar``): the first source that knows a day decides it.

1. The override table an admin keeps (``python -m bot calendar set 2027-02-14 workday``).
2. chinesecalendar: the State Council's holiday notices, 调休 make-up working days included,
   for the years it ships (2004..2026 today; it raises for any other year).
3. Beyond those years, the statutory holidays the ``holidays`` package computes for any year,
   with its days in lieu (补假) when a holiday falls on a weekend. It cannot know the make-up
   working days, which are announced each November or December: an admin enters them.
4. Saturdays and Sundays are off, every other day is a working day.

A year's 调休 is known when chinesecalendar covers the year or an admin set a day of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Literal, Protocol

from nlu.i18n import N_

Period = Literal["today", "this_week", "next_week", "this_month", "next_month"]
SOON_DAYS = 7  # 快到期: due within this many days
DayKind = Literal["workday", "weekend", "holiday", "makeup"]
DaySource = Literal["override", "official", "statutory", "default"]
YearSource = Literal["official", "statutory", "weekends"]

# ---------------------------------------------------------------- spans


def month_end(year: int, month: int) -> date:
    """The last day of ``month`` of ``year``."""
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def shift_month(year: int, month: int, k: int) -> tuple[int, int]:
    """(year, month) moved ``k`` months."""
    n = year * 12 + (month - 1) + k
    return n // 12, n % 12 + 1


def add_months(day: date, k: int) -> date:
    """``day`` plus ``k`` months, clamped to the target month's end (1月31日 + 1 = 2月28日)."""
    year, month = shift_month(day.year, day.month, k)
    return date(year, month, min(day.day, month_end(year, month).day))


def monday(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_window(today: date, weeks: int = 0) -> tuple[date, date]:
    """Monday..Sunday of the week ``weeks`` after today's."""
    first = monday(today) + timedelta(weeks=weeks)
    return first, first + timedelta(days=6)


def office_week(today: date, weeks: int = 0) -> tuple[date, date]:
    """Monday..Friday of the week ``weeks`` after today's: 下周 as a deadline."""
    first = monday(today) + timedelta(weeks=weeks)
    return first, first + timedelta(days=4)


def deadline_week_end(today: date, weeks: int = 0) -> date:
    """By when ``本周内`` (``weeks`` later: that week) is due: Friday, or Sunday once it passed."""
    friday = office_week(today, weeks)[1]
    return friday if friday >= today else friday + timedelta(days=2)


def month_window(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a month."""
    return date(year, month, 1), month_end(year, month)


def quarter_window(year: int, quarter: int) -> tuple[date, date]:
    """The first and last day of quarter 1..4."""
    return date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter)


def half_year_window(year: int, half: int) -> tuple[date, date]:
    """The first and last day of half 1 (上半年) or 2 (下半年)."""
    return date(year, 6 * half - 5, 1), month_end(year, 6 * half)


def year_window(year: int) -> tuple[date, date]:
    """January 1st..December 31st."""
    return date(year, 1, 1), date(year, 12, 31)


def snoozed_until(calendar: WorkCalendar, today: date, *, week: bool) -> date:
    """When put-off reminders come back: the next working day, or next week's first."""
    start = monday(today) + timedelta(weeks=1) if week else today + timedelta(days=1)
    return calendar.next_workday(start)


def period_window(period: str, today: date) -> tuple[date, date]:
    """The days (inclusive) a list of what falls due in ``period`` covers; weeks Mon..Sun.

    Besides the named periods: ``tomorrow``; ``soon`` (the next 7 days); ``days:N`` (today
    and the N days after); ``year_end`` (from today to 31 December); ``month:M`` (month M of
    this year); ``quarter:Q`` (quarter Q of this year).
    """
    if period == "today":
        return today, today
    if period == "tomorrow":
        return today + timedelta(days=1), today + timedelta(days=1)
    if period in ("this_week", "next_week"):
        return week_window(today, 1 if period == "next_week" else 0)
    if period in ("this_month", "next_month"):
        return month_window(*shift_month(today.year, today.month, int(period == "next_month")))
    if period == "soon":
        return today, today + timedelta(days=SOON_DAYS)
    if period == "year_end":
        return today, date(today.year, 12, 31)
    kind, _, value = period.partition(":")
    if value.isdigit():
        number = int(value)
        if kind == "days" and 0 < number <= 366:
            return today, today + timedelta(days=number)
        if kind == "month" and 1 <= number <= 12:
            return month_window(today.year, number)
        if kind == "quarter" and 1 <= number <= 4:
            return quarter_window(today.year, number)
    raise ValueError(f"unknown period: {period!r}")


# ---------------------------------------------------------------- holiday names

# chinesecalendar names its holidays in English; these are the msgids we show them by.
FESTIVALS = (
    N_("New Year's Day"),
    N_("Spring Festival"),
    N_("Tomb-sweeping Day"),
    N_("Labour Day"),
    N_("Dragon Boat Festival"),
    N_("National Day"),
    N_("Mid-autumn Festival"),
    N_("Anti-Fascist 70th Day"),
)
# The holidays package's Chinese names (春节（补假）, 农历除夕 …) -> the same msgids.
_FESTIVAL_WORDS = (
    ("元旦", FESTIVALS[0]),
    ("春节", FESTIVALS[1]),
    ("除夕", FESTIVALS[1]),
    ("清明", FESTIVALS[2]),
    ("劳动", FESTIVALS[3]),
    ("端午", FESTIVALS[4]),
    ("国庆", FESTIVALS[5]),
    ("中秋", FESTIVALS[6]),
)


def _festival(chinese_name: str) -> str:
    """Our name for a holiday the holidays package names in Chinese; unknown ones as given."""
    return next((name for word, name in _FESTIVAL_WORDS if word in chinese_name), chinese_name)


# ---------------------------------------------------------------- sources


@cache
def _official() -> tuple[Mapping[date, str], Mapping[date, str], int, int]:
    """chinesecalendar's days off and make-up working days by date, and its first and last year."""
    import chinese_calendar  # lazy: only working-day questions need it

    off = {day: str(name) for day, name in chinese_calendar.holidays.items()}
    work = {day: str(name) for day, name in chinese_calendar.workdays.items()}
    return off, work, min(off).year, max(off).year


def _official_covers(year: int) -> bool:
    _, _, first, last = _official()
    return first <= year <= last


@lru_cache(maxsize=32)
def _statutory(year: int) -> Mapping[date, str]:
    """The statutory holidays and days in lieu of ``year``, as the holidays package computes."""
    import holidays  # lazy: about 0.1 s to import

    found = holidays.country_holidays("CN", years=year, language="zh_CN")
    return MappingProxyType({day: _festival(name) for day, name in found.items()})


# ---------------------------------------------------------------- the working calendar


class OverrideRow(Protocol):
    """A day an admin set by hand; models.tables.CalendarDay has this shape."""

    @property
    def day(self) -> date: ...
    @property
    def workday(self) -> bool: ...
    @property
    def note(self) -> str: ...


@dataclass(frozen=True)
class Override:
    """A day an admin set by hand: a working day or a holiday, with a note (调休, 春节 …)."""

    day: date
    workday: bool
    note: str = ""


@dataclass(frozen=True)
class Day:
    """One day as the calendar sees it; ``name`` is the holiday (or the one 调休 serves)."""

    day: date
    kind: DayKind
    source: DaySource
    name: str | None = None  # a FESTIVALS msgid, or the note an admin wrote

    @property
    def workday(self) -> bool:
        return self.kind in ("workday", "makeup")


@dataclass(frozen=True)
class HolidayRun:
    """Consecutive holidays, with their names in order (国庆节、中秋节)."""

    first: date
    last: date
    names: tuple[str, ...]

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class YearInfo:
    """Where a year's working days come from, and whether its 调休 days are known."""

    year: int
    source: YearSource
    overrides: int  # days an admin set in this year

    @property
    def makeup_known(self) -> bool:
        return self.source == "official" or self.overrides > 0


class WorkCalendar:
    """Working days with an admin's overrides on top of the built-in sources; immutable."""

    __slots__ = ("_overrides",)

    def __init__(self, overrides: Iterable[OverrideRow] = ()) -> None:
        rules = {row.day: Override(row.day, bool(row.workday), row.note) for row in overrides}
        self._overrides: Mapping[date, Override] = MappingProxyType(dict(sorted(rules.items())))

    def __repr__(self) -> str:
        return f"WorkCalendar({len(self._overrides)} overrides)"

    def day(self, day: date) -> Day:
        """What ``day`` is: a working day, a weekend, a holiday or a make-up working day."""
        weekend = day.weekday() >= 5
        rule = self._overrides.get(day)
        if rule is not None:
            if rule.workday:
                return Day(day, "makeup" if weekend else "workday", "override", rule.note)
            return Day(day, "holiday", "override", rule.note)
        if _official_covers(day.year):
            off, work, _, _ = _official()
            if day in work:
                return Day(day, "makeup" if weekend else "workday", "official", work[day])
            if day in off:
                return Day(day, "holiday", "official", off[day])
        else:
            name = _statutory(day.year).get(day)
            if name is not None:
                return Day(day, "holiday", "statutory", name)
        return Day(day, "weekend" if weekend else "workday", "default")

    def is_workday(self, day: date) -> bool:
        return self.day(day).workday

    def next_workday(self, day: date) -> date:
        """The first working day on or after ``day``."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def add_workdays(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day``."""
        for _ in range(n):
            day = self.next_workday(day + timedelta(days=1))
        return day

    def overrides(self, year: int | None = None) -> list[Override]:
        """The days an admin set, in date order; only ``year``'s when given."""
        return [rule for rule in self._overrides.values() if year in (None, rule.day.year)]

    def year_info(self, year: int) -> YearInfo:
        """Where ``year``'s data comes from, and how many of its days an admin set."""
        source: YearSource
        if _official_covers(year):
            source = "official"
        elif _statutory(year):
            source = "statutory"
        else:
            source = "weekends"
        return YearInfo(year, source, len(self.overrides(year)))

    def days(self, year: int) -> list[Day]:
        """Every day of ``year``."""
        first, last = year_window(year)
        return [self.day(first + timedelta(days=i)) for i in range((last - first).days + 1)]

    def holidays(self, year: int) -> list[HolidayRun]:
        """``year``'s holidays, consecutive days grouped (plain weekends are not holidays)."""
        runs: list[HolidayRun] = []
        for day in self.days(year):
            if day.kind != "holiday":
                continue
            names = (day.name,) if day.name else ()
            last = runs[-1] if runs else None
            if last is not None and last.last == day.day - timedelta(days=1):
                merged = last.names + tuple(n for n in names if n not in last.names)
                runs[-1] = HolidayRun(last.first, day.day, merged)
            else:
                runs.append(HolidayRun(day.day, day.day, names))
        return runs

    def makeup_days(self, year: int) -> list[Day]:
        """``year``'s make-up working days (调休): Saturdays and Sundays worked."""
        return [day for day in self.days(year) if day.kind == "makeup"]


BUILT_IN = WorkCalendar()
"""The calendar without overrides: chinesecalendar, then the holidays package, then weekends."""
