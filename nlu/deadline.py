"""The deadline grammar: Chinese deadline phrases from documents and chat -> a Deadline.

``parse_deadline(text, today=..., year=...)`` reads cells such as ``2025.12``, ``6月底前``,
``上半年``, ``每季度末``, ``持续推进``, ``2025年2月17日(星期一)下班前`` and chat such as ``下周五``,
``明天下午3点``, ``两周后``.  It never reads the clock: ``today`` is passed in, and ``year`` is
the document's year; ``year=None`` means chat.

Kinds: ``on`` an exact day; ``by`` a deadline (``due`` is the last allowed day); ``range`` a
window (``start``..``due``); ``recurring`` (``recurrence`` names the cycle, ``due`` is the next
one); ``continuous`` (no end; ``全年`` also carries the year as start..due); ``relative`` a day
counted from ``today``; ``unknown`` anything else.  A wrong date is worse than none, so every
rule is a full match and anything left over makes the phrase unknown.

Decisions:

* Which year.  In a document a year-less date takes the document's year and never moves
  (``1月10日`` in a 2025 document is 2025-01-10, even read in December).  In chat a year-less date
  is its next occurrence: this year's, or next year's once it has passed (``1月10号`` said on
  2025-12-15 is 2026-01-10, ``2月底`` on 2025-12-30 is 2026-02-28, ``12月1日`` on 12-15 is
  2026-12-01, ``上半年`` in December is next year's; ``12月15日`` on 12-15 is today).  A range
  moves as a whole (``10月20日至11月20日`` on 11-15 is this year's).  Words that name the period
  keep it, past or not: ``本月1日`` on the 15th is this month's 1st, ``今年3月`` this year's March;
  a bare ``月初``/``月中`` that has passed is next month's, as a bare ``15号`` already is.
* ``X前`` on a point (a day, ``底``/``末``/``中``, ``下班``) is "by" that point; on a holiday it is
  "by the day before"; on a span (``6月前``, ``2025.12前``, ``上半年前``) it is unknown, because it
  reads both as "before June starts" and "by the end of June".  ``X内`` on a span is "by its end",
  and so is a span after 到/至/截至 or before 为止/止 (``到2025年`` is by 2025-12-31), which say
  "up to", not "before"; a range keeps its start (``自2025年10月1日起至11月30日止``).
* A part of a month with 前 is by the day before the part starts: ``9月中旬前`` is by 9月10日,
  ``12月上旬前`` by 11月30日, ``下旬前`` by the 20th, ``月初前`` (初 is 上旬) by the previous
  month's end.  Offices write it for "before mid-September"; of the two readings it is the
  earlier one, so a reminder is never late, and the two are only ten days apart (for a whole
  month, 6月前, they are a month apart, which is why that stays unknown).  ``每月中旬前`` is by
  each 10th.
* ``月初`` is ``上旬``: the window 1st..10th, due by the 10th.  ``月中`` is by the 15th, ``年中`` by
  6月30日; ``年初`` is unknown.
* Weeks, months and the rest span what ``nlu.calendar`` says: ``本周内``/``这周`` is "by Friday"
  (the office week), "by this Sunday" once that Friday has passed; ``下周`` is the range
  Monday..Friday of next week; ``周五`` (no prefix) is the next Friday on or after today.
  ``本周五`` (or 本周一..四) said on the weekend, when the office week is over, is the coming
  one: chat asks for a deadline ahead, never one just gone.  A ``本周三`` already past on a
  working day is unknown: a slip, and no deadline.
* ``N天/周/个月/年后`` and ``N...内`` (``三年内``) are relative to ``today``: due = today + N, with
  month arithmetic clamped to the month's end (1月31日 + 1个月 = 2月28日).  ``明后天`` is "by the
  day after tomorrow"; ``明早`` is 明天早上 (``明早9点前``: tomorrow, by 09:00).
* ``次月`` is the month after today's (``次月5日前``), in documents too; ``次年`` is the year after
  the document's, else after today's; ``元月`` is January.
* Holidays take the document year when one is given (``春节前`` in a 2025 document is 2025-01-28),
  else the next one on or after ``today``.  ``年前`` is the last working day before the Spring
  Festival holiday, as the calendar has it (2026-02-14, a 调休 Saturday, for 2026); ``春节前``
  keeps its reading, by 除夕.  ``国庆后第一个工作日``/``春节后上班第一天`` is the first working day
  after the holiday's days off (2025-10-09), for the holidays that have days off; ``春节后`` and
  ``国庆后第一天`` are unknown.
* Spans from an event the grammar cannot date (``自即日起至…``, ``通告之日起至2025年12月31日``) are
  by their end; from a date (``从2009年至2012年``) they are a range.  ``4至8月之间`` is the range.
* Recurring deadlines are due on the next occurrence on or after ``today``, or on or after January
  1st of the document year when today is earlier; ``每月31日`` clamps to short months' ends.  A
  day in a quarter's first or last month recurs quarterly on that day (``每个季度第1个月的20日前``:
  20 January, April, July, October; ``每季度最后一个月的30日前``: 30 March, June …), as
  ``每季度末`` does on the quarter's last day.
* ``6月内`` is "within June"; six months is ``6个月内``.  But ``一月内``/``两月内`` in words (no
  year or 十 before them) count months, "within a month", as offices write them: 两 never names
  February, and "within January" is written 1月份内 or 元月内.  Counts beyond 10 years (60
  months, 104 weeks, 366 days, 100 working days) are unknown; working days come from the
  calendar passed in (``nlu.calendar``: an admin's overrides, the official notices, computed
  statutory holidays).
* A clock time is kept (``time``) only when it is unambiguous: with 上午/下午/晚上…, an hour
  >= 12, or a zero-padded hour (``09:30``); ``明天3点`` keeps the day and drops the hour.
* Continuous keywords (持续, 长期, 常态化, 全年 …) count only when no date or number stands
  beside them (``年内持续推进`` is unknown).
* Two deadlines in one cell separated by spaces (a PDF merged two rows): equal ones give the
  first; different ones give the latest, since the task is not done before the last of them.
  Numbers separated only by a space are never joined (``2025.12 6`` is unknown).
* dateparser is the last resort, used only for a short text holding one full year-month-day, and
  its answer is kept only when the text spells that very date and no other.  A date whose
  written weekday contradicts it (``2025年3月2日(星期三)``) is unknown and never reaches it.
"""

from __future__ import annotations

import re
import unicodedata
from calendar import month_abbr
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any, Literal, NamedTuple

from nlu.calendar import (
    BUILT_IN,
    WorkCalendar,
    add_months,
    deadline_week_end,
    half_year_window,
    monday,
    month_end,
    month_window,
    office_week,
    quarter_window,
    shift_month,
    week_window,
    year_window,
)
from nlu.numbers import digit_string, small_chinese_int

Kind = Literal["by", "on", "range", "recurring", "continuous", "relative", "unknown"]


@dataclass(frozen=True)
class Deadline:
    text: str
    due: date | None
    kind: Kind
    recurrence: str | None = None
    start: date | None = None
    time: dtime | None = None  # a clock time, only when the phrase names one unambiguously

    def as_json(self) -> dict[str, Any]:
        """The deadline as JSON-ready values; "time" appears only when a time was given."""
        out: dict[str, Any] = {
            "text": self.text,
            "due": self.due.isoformat() if self.due else None,
            "kind": self.kind,
            "recurrence": self.recurrence,
            "start": self.start.isoformat() if self.start else None,
        }
        if self.time is not None:
            out["time"] = self.time.strftime("%H:%M")
        return out


class _Ctx(NamedTuple):
    today: date
    year: int | None  # the document's year
    base: int  # the year for year-less dates
    calendar: WorkCalendar  # working days, for 工作日


class _Hit(NamedTuple):
    lo: date
    hi: date
    kind: Kind
    point: bool  # hi is a point in time, so "前" after it means "by hi"
    recurrence: str | None = None


# ---------------------------------------------------------------- dates


def _day(y: int, m: int, d: int) -> date | None:
    """The date, or None when it does not exist (2月30日, 13月)."""
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _next_monthly(anchor: date, months: tuple[int, ...], day: int | None) -> date:
    """The first given-day (None: month end, clamped) of one of ``months`` on/after anchor."""
    for k in range(13):
        y, m = shift_month(anchor.year, anchor.month, k)
        if m not in months:
            continue
        last = month_end(y, m).day
        cand = date(y, m, last if day is None else min(day, last))
        if cand >= anchor:
            return cand
    raise AssertionError("unreachable: every month list repeats within 13 months")


# ---------------------------------------------------------------- holidays

_FIXED_HOLIDAYS: dict[str, tuple[int, int]] = {
    "元旦": (1, 1),
    "妇女": (3, 8),
    "劳动": (5, 1),
    "青年": (5, 4),
    "儿童": (6, 1),
    "建党": (7, 1),
    "建军": (8, 1),
    "教师": (9, 10),
    "国庆": (10, 1),
}
_LUNAR_HOLIDAYS: dict[str, tuple[int, int]] = {
    "春节": (1, 1),
    "元宵": (1, 15),
    "端午": (5, 5),
    "中秋": (8, 15),
    "重阳": (9, 9),
}
_SOLAR_TERMS: dict[str, int] = {"清明": 4, "冬至": 12}  # name -> month it falls in


def _holiday(name: str, y: int) -> date | None:
    """The date of holiday ``name`` in year y, from lunardate/chinesecalendar (no tables)."""
    if name in _FIXED_HOLIDAYS:
        m, d = _FIXED_HOLIDAYS[name]
        return date(y, m, d)
    if name == "除夕":
        spring = _holiday("春节", y)
        return spring - timedelta(days=1) if spring else None
    if name in _LUNAR_HOLIDAYS:
        from lunardate import LunarDate  # lazy: holidays are rare

        lm, ld = _LUNAR_HOLIDAYS[name]
        try:
            solar: date = LunarDate(y, lm, ld).to_solar_date()
        except ValueError:
            return None
        return solar
    import chinese_calendar  # lazy: holidays are rare

    m = _SOLAR_TERMS[name]
    try:
        terms = chinese_calendar.get_solar_terms(date(y, m, 1), date(y, m, 28))
    except (NotImplementedError, ValueError, KeyError):
        return None
    return next((d for d, term in terms if term == name), None)


# ---------------------------------------------------------------- normalisation

_WS = re.compile(r"\s+")
# "2025.12 6" holds two numbers, never one: the gap becomes "|", which no rule reads.
_DIGIT_GAP = re.compile(r"(?<=\d)\s+(?=\d)")
_LABEL = re.compile(r"^(?:完成时限|完成时间|办结时限|截止时间|截止日期|时限|期限|时间)[:：]")
_WRAPPED = re.compile(r"[\[【「“\"'‘(](.+)[\]】」”\"'’)]")  # 【2025.12】, “6月底前”
_EDGE_PUNCT = re.compile(r"^[,，;；、:：]+|[。.,，;；!！、]+$")
_TENTATIVE = re.compile(r"\((?:暂定|待定|初定|拟定|预计)\)")
# A weekday written after a date, checked against the date: 2025年2月17日(星期一).
_WEEKDAY_NOTE = re.compile(r"(?<=[日号\d])[(\[【]?(?:星期|周|礼拜)([一二三四五六日天1-7])[)\]】]?")
_WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
# Holidays named by a date (五一, 十一) are renamed before numerals become digits.
_HOLIDAY_ALIAS = re.compile(
    r"(?<![\d〇零一二两三四五六七八九十百千第月初])(五一|十一|七一|八一|六一|三八|五四)"
    r"(?:劳动|国庆|建党|建军|儿童|妇女|青年)?(?:节|(?=前|之前|以前|后|之后|以后|假|长假|小长假|黄金周))"
)
_ALIAS_NAMES = {
    "五一": "劳动节",
    "十一": "国庆节",
    "七一": "建党节",
    "八一": "建军节",
    "六一": "儿童节",
    "三八": "妇女节",
    "五四": "青年节",
}
_TONIGHT = re.compile(r"(今|明)晚(?!上)")  # 今晚8点 -> 今天晚上8点, so the clock sees 晚上
_MORNING = re.compile(r"(今|明)(?:早上|早晨|早|晨)")  # 明早9点 -> 明天早上9点
_JANUARY = re.compile(r"(?<!单)元月")  # 次年元月十日 -> 次年1月十日
# 一月内/两月内 count months (within one/two months); only a year or 十 before makes 一月 January.
_MONTH_COUNT = re.compile(r"(?<![\d〇零一二两三四五六七八九十百年第])([一两])月(?=内|以内|之内)")
_BOTH_FESTIVALS = re.compile(r"元旦(?:、|和|及|与)?春节|两节")  # the later of the two
_CN_RUN = re.compile(r"[零〇一二两三四五六七八九十百千]+")
_HAO = re.compile(r"(?<=\d)号")
_YMD_DOTTED = re.compile(
    r"(?<![\d.])((?:19|20)\d{2})[./-](\d{1,2})(?![\d])月?(?:[./-](\d{1,2})(?![\d.])日?)?"
)
_MD_DOTTED = re.compile(r"(?<![\d年.])(\d{1,2})[./](\d{1,2})(?![\d.])")

_LEAD = re.compile(
    r"^(?:预计|拟|计划|暂定|争取|力争|确保|原则上|请|务必|须|需|需要|应|应当|要)*"
    r"(截至|截止到|截止至|截止|最迟|最晚|不晚于|到|至)?(?:于|在)?"
)
_TAIL_VERB = re.compile(
    r"(?:完成任务|完成|办结|结束|落实到位|到位|提交|报送|上报|报|交|反馈|回复)$"
)
_TAIL_APPROX = re.compile(r"(?:左右|前后)$")
_TAIL_BEFORE = re.compile(r"(?:之前|以前|前)$")
_TAIL_UNTIL = re.compile(r"(?:为止|截止|止)$")
_TAIL_BETWEEN = re.compile(r"(?:之间|期间|(?<=[月年])间)$")  # 4至8月之间: the range itself
_CLOCK = re.compile(
    r"(?P<part>上午|早上|早晨|中午|下午|傍晚|晚上|夜里|晚|凌晨)?(?P<h>\d{1,2})"
    r"(?:(?:点|时)(?:(?P<m>\d{1,2})分?|(?P<half>半))?(?:整|钟)?|:(?P<mm>\d{2}))$"
)
_DAYPART = re.compile(r"(?:上午|早上|早晨|中午|下午|傍晚|晚上|夜里|凌晨|下班|上班|白天)$")
_PM = {"下午", "傍晚", "晚上", "夜里", "晚"}


def _numerals(s: str) -> str:
    """Chinese numerals to digits: 十二月 -> 12月, 二〇二五年 -> 2025年; 三五天 stays as is."""

    def arabic(m: re.Match[str]) -> str:
        run = m.group(0)
        n = small_chinese_int(run)
        if n is not None:
            return str(n)
        spelled = digit_string(run)
        # Digit by digit only for a year; elsewhere 三五 means "three or five".
        if spelled is not None and s.startswith("年", m.end()):
            return spelled
        return run

    return _CN_RUN.sub(arabic, s)


def _ymd(m: re.Match[str]) -> str:
    """2025.5.20 / 2025-05 -> 2025年5月20日 / 2025年5月."""
    out = f"{m.group(1)}年{int(m.group(2))}月"
    return out + (f"{int(m.group(3))}日" if m.group(3) else "")


def _normalise(text: str) -> tuple[str, int | None]:
    """Canonical form (half-width, digits, 年月日, no spaces) and a weekday noted after a date."""
    s = unicodedata.normalize("NFKC", text).strip()
    s = _WS.sub("", _DIGIT_GAP.sub("|", s))
    s = _EDGE_PUNCT.sub("", _LABEL.sub("", s))
    if wrapped := _WRAPPED.fullmatch(s):
        s = wrapped.group(1)
    s = _TENTATIVE.sub("", s)
    weekday: int | None = None
    note = _WEEKDAY_NOTE.search(s)
    if note:
        mark = note.group(1)
        weekday = int(mark) if mark.isdigit() else _WEEKDAYS[mark]
        s = s[: note.start()] + s[note.end() :]
    s = _BOTH_FESTIVALS.sub("春节", s)
    s = _TONIGHT.sub(r"\1天晚上", s)
    s = _MORNING.sub(r"\1天早上", s)
    s = _JANUARY.sub("1月", s)
    s = _MONTH_COUNT.sub(r"\1个月", s)
    s = _HOLIDAY_ALIAS.sub(lambda m: _ALIAS_NAMES[m.group(1)], s)
    # Dotted dates first, while only Arabic digits are digits: 三.二 is no date.
    s = _YMD_DOTTED.sub(_ymd, s)
    s = _MD_DOTTED.sub(lambda m: f"{int(m.group(1))}月{int(m.group(2))}日", s)
    s = _numerals(s)
    s = _HAO.sub("日", s)
    return s, weekday


class _Frame(NamedTuple):
    body: str
    by: bool  # a by-marker: 截至/到 … in front, 前/为止 … behind
    before: bool  # the marker is 前/之前/以前: "before" a span is unclear, "up to" one is not
    between: bool  # 之间/期间: the phrase must be a range
    clock: dtime | None
    day_only: bool  # a day part (下午, 下班) or a clock time was named, so a bare one means today


def _frame(s: str) -> _Frame | None:
    """Peel markers off the phrase: 截至/于 …, 完成/左右/前, and a clock time or day part."""
    lead = _LEAD.match(s)
    by = before = between = False
    if lead:
        by = lead.group(1) is not None
        s = s[lead.end() :]
    while True:
        previous = s
        s = _TAIL_APPROX.sub("", _TAIL_VERB.sub("", s))
        if tail := _TAIL_BEFORE.search(s):
            before, s = True, s[: tail.start()]
        if tail := _TAIL_UNTIL.search(s):
            by, s = True, s[: tail.start()]
        if tail := _TAIL_BETWEEN.search(s):
            between, s = True, s[: tail.start()]
        if s == previous:
            break
    by = by or before
    clock: dtime | None = None
    day_only = False
    c = _CLOCK.search(s)
    if c:
        day_only = True
        hour = int(c.group("h"))
        minute = int(c.group("m") or c.group("mm") or (30 if c.group("half") else 0))
        part = c.group("part")
        if hour > 24 or minute > 59 or (hour == 24 and minute):
            return None
        # Without 上午/下午 a small hour may be morning or evening, 晚上12点 noon or midnight,
        # and 上午15点 contradicts itself: keep the day, drop the hour.
        if part in _PM:
            sure = hour < 12
            hour += 12 if hour < 12 else 0
        elif part is not None:
            sure = hour <= 12
        else:  # 15:00 and 09:30 are clock readings; 9:30 and 3点 may be either half of the day
            sure = hour >= 12 or c.group("h").startswith("0")
        if sure and hour < 24:
            clock = dtime(hour, minute)
        s = s[: c.start()]
    while d := _DAYPART.search(s):  # 周五下午下班前: both day parts
        day_only = True
        s = s[: d.start()]
    return _Frame(s, by, before, between, clock, day_only)


# ---------------------------------------------------------------- rules

_CONTINUOUS = re.compile(r"持续|长期|常态|长效|经常|不间断|常年|日常|坚持|全年|久久为功")
_TIME_WORD = re.compile(
    r"\d|[〇零一二两三四五六七八九十年月日周季旬号底末初前后内每]|星期|节|今天|明天|上午|下午|晚上"
    r"|春节|国庆|元旦|中秋|端午|清明|除夕|元宵"
)
_WORK_VERBS = re.compile(r"推进|开展|实施|落实|执行|进行|完成|有效|化|抓好|做好|[,，、。;；]")
_YEAR_PREFIX = re.compile(r"(?:(\d{4})|(今|本|当|明|次|来|翌|后|去))年度?")
_YEAR_WORDS = {"今": 0, "本": 0, "当": 0, "明": 1, "次": 1, "来": 1, "翌": 1, "后": 2, "去": -1}
_BARE_YEAR = re.compile(r"(?:19|20)\d{2}")

_A_YEAR_END = re.compile(r"(年度?)?(底|末|终|内|以内|之内)")
_A_MID_YEAR = re.compile(r"(年度?)?中")
_A_NEW_YEAR = re.compile(r"过?年")  # 年前: before the Spring Festival holiday
_A_HALF = re.compile(r"(上|下)半年(底|末|内|以内|之内)?")
_A_QUARTER = re.compile(r"(?:第?([1-4])季度?|[Qq]([1-4]))(底|末|内|以内|之内)?")
_A_FIRST_QUARTERS = re.compile(r"前([1-3])个?季度")
_MONTH_PARTS = r"底|末|终|内|以内|之内|初|上中旬|中下旬|上旬|中旬|下旬|上半月|下半月|中"
_A_MONTH = re.compile(rf"(\d{{1,2}})月份?({_MONTH_PARTS})?")
_A_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日?")
# 教师, 儿童, 劳动 … are everyday words: only with 节 do they name a holiday.
_HOLIDAY = re.compile(
    r"(?:(春节|元旦|除夕|元宵|清明|端午|中秋|国庆|重阳|冬至)节?|(劳动|建党|建军|儿童|妇女|青年|教师)节)"
    r"(?:假期|长假|小长假|假|黄金周)?"
)
# The first working day after a holiday with days off: 国庆后第一个工作日, 春节后上班第一天.
_AFTER_HOLIDAY = re.compile(
    r"(?:(春节|元旦|除夕|清明|端午|中秋|国庆)节?|(劳动)节)(?:假期|长假|小长假|假|黄金周)?"
    r"(?:结束|收假|过)?(?:后|之后|以后)的?"
    r"(?:第1个工作日|首个工作日|第1个上班日|上班第1天|上班首日|第1天上班|首日上班|上班后第1天)"
)

_DAYWORD_OFFSET = {
    "今天": 0,
    "今日": 0,
    "明天": 1,
    "明日": 1,
    "后天": 2,
    "大后天": 3,
    "明后天": 2,  # tomorrow or the day after: by the later one
    "明后2天": 2,  # 两 is a digit by now
    "今明2天": 1,
}
_TWO_DAYS = frozenset({"明后天", "明后2天", "今明2天"})
_R_DAYWORD = re.compile(f"({'|'.join(_DAYWORD_OFFSET)})(内|以内|之内)?")
_R_WEEKDAY = re.compile(r"(上|这|本|下下|下)?个?(?:周|星期|礼拜)([1-7日天])")
_R_WEEK = re.compile(r"(这|本|下下|下)?个?(?:周|星期|礼拜)(内|以内|之内|末)?")
_R_MONTH = re.compile(rf"(本|这个?|当|下下个?|下个?|上个?|次)?月({_MONTH_PARTS}|(\d{{1,2}})日)?")
_R_QUARTER = re.compile(r"(本|这个?|当|下个?)季度?(底|末|终|内|以内|之内)?")
_R_MONTH_DAY = re.compile(r"(\d{1,2})日")
_R_COUNT = re.compile(
    r"(\d{1,3}|半)(个?)(工作日|天|日|周|星期|礼拜|月|年)(后|之后|以后|内|以内|之内)"
)
_COUNT_LIMITS = {  # the largest count read per unit; beyond it, a typo is likelier than a plan
    "工作日": 100,
    "天": 366,
    "日": 366,
    "周": 104,
    "星期": 104,
    "礼拜": 104,
    "月": 60,
    "年": 10,
}
_OFFSETS = {"上": -1, "这": 0, "本": 0, "当": 0, "下": 1, "下下": 2, "次": 1}

_RECURRING = re.compile(r"每1?个?(工作日|天|日|周|星期|礼拜|月|季度|季|半年|年度|年)(.*)")
# 每周 alone is due on Friday, the end of the office week; 每周末 on Sunday.
_WEEKLY_DAYS = {"": 5, "末": 7, "日": 7, "天": 7, **{str(i): i for i in range(1, 8)}}
_QUARTER_FIRST_DAY = re.compile(r"的?(?:首月|第1个?月)的?(\d{1,2})日")
_QUARTER_LAST_DAY = re.compile(r"的?(?:末月|最后1个?月|第3个?月)的?(\d{1,2})日")

_RANGE_SEP = re.compile(r"至|到|~|—|–|-")
_SPAN_FROM = re.compile(r"^(?:自|从)")
_SPAN_START = re.compile(r"(?:起|开始)$")
# A span from an event the grammar cannot date (the notice's issue, 即日) to a date it can.
_SINCE = re.compile(
    r"(?:自|从)?(?:即日|今日|今天|当日|\.{3,}|[^至到]{1,30}?之日)起?(?:至|到|截至|截止到?|截止至)(.+)"
)
_NUMBER = re.compile(r"\d{1,2}")
_MONTH_HEAD = re.compile(r"\d{1,2}月")
_YEAR_ONLY = re.compile(r"\d{4}年度?")
_END_MARKS = frozenset({"底", "末", "终", "内", "以内", "之内"})
_PARTS: dict[str, tuple[int, int | None]] = {  # part of a month -> first day, last day (None: end)
    "初": (1, 10),
    "上旬": (1, 10),
    "中旬": (11, 20),
    "下旬": (21, None),
    "上半月": (1, 15),
    "下半月": (16, None),
    "上中旬": (1, 20),
    "中下旬": (11, None),
}


def _span(lo: date, hi: date, end: str | None, bare: Kind = "range") -> _Hit:
    """A period: "by" its end when an end mark (底/内) follows, else ``bare``."""
    if end in _END_MARKS:
        return _Hit(lo, hi, "by", True)
    return _Hit(lo, hi, bare, False)


def _month_hit(y: int, m: int, part: str | None, before: bool = False) -> _Hit | None:
    """Month m of year y, whole or a part of it (上旬, 底, 中, …); 中旬前 is by the 10th."""
    if not 1 <= m <= 12:
        return None
    first, last = month_window(y, m)
    if part == "中":  # 月中: the 15th
        mid = date(y, m, 15)
        return _Hit(mid, mid, "by", True)
    if part in _PARTS:
        a, b = _PARTS[part]
        if before:  # 9月中旬前: by the day before the 旬 starts
            eve = date(y, m, a) - timedelta(days=1)
            return _Hit(eve, eve, "by", True)
        return _Hit(date(y, m, a), date(y, m, b) if b else last, "range", False)
    return _span(first, last, part, bare="by")


def _spring_eve_workday(y: int, calendar: WorkCalendar) -> date | None:
    """年前: the last working day before year y's Spring Festival holiday."""
    spring = _holiday("春节", y)
    if spring is None:
        return None
    day = spring - timedelta(days=1)
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def _absolute(
    rest: str, y: int, explicit: bool, by: bool, before: bool, calendar: WorkCalendar
) -> _Hit | None:
    """Calendar phrases inside year y: 年底, 上半年, 3季度, 6月中旬, 5月20日, 春节, 年前."""
    if not rest:
        return _Hit(*year_window(y), "by", False) if explicit else None
    if m := _A_DAY.fullmatch(rest):
        d = _day(y, int(m.group(1)), int(m.group(2)))
        return _Hit(d, d, "on", True) if d else None
    if m := _A_MONTH.fullmatch(rest):
        return _month_hit(y, int(m.group(1)), m.group(2), before)
    if m := _A_YEAR_END.fullmatch(rest):
        if not (m.group(1) or explicit):
            return None
        return _Hit(*year_window(y), "by", True)
    if m := _A_MID_YEAR.fullmatch(rest):
        if not (m.group(1) or explicit):
            return None
        mid = date(y, 6, 30)
        return _Hit(mid, mid, "by", True)
    if before and not explicit and _A_NEW_YEAR.fullmatch(rest):
        eve = _spring_eve_workday(y, calendar)
        return _Hit(eve, eve, "by", True) if eve else None
    if m := _A_HALF.fullmatch(rest):
        return _span(*half_year_window(y, 1 if m.group(1) == "上" else 2), m.group(2))
    if m := _A_QUARTER.fullmatch(rest):
        q = int(m.group(1) or m.group(2))
        return _span(*quarter_window(y, q), m.group(3))
    if m := _A_FIRST_QUARTERS.fullmatch(rest):
        last = quarter_window(y, int(m.group(1)))[1]
        return _Hit(date(y, 1, 1), last, "range", False)
    if m := _HOLIDAY.fullmatch(rest):
        day = _holiday(m.group(1) or m.group(2), y)
        if day is None:
            return None
        if by:  # 国庆前: by the eve
            eve = day - timedelta(days=1)
            return _Hit(eve, eve, "by", True)
        return _Hit(day, day, "on", True)
    if m := _AFTER_HOLIDAY.fullmatch(rest):
        day = _holiday(m.group(1) or m.group(2), y)
        if day is None:
            return None
        back = calendar.next_workday(day + timedelta(days=1))
        return _Hit(back, back, "on", True)
    return None


def _calendar(body: str, ctx: _Ctx, by: bool, before: bool) -> _Hit | None:
    """A calendar phrase with an optional year in front: 2025年6月底, 明年1月, 国庆, 年内."""
    y, explicit, rest = ctx.base, False, body
    if m := _YEAR_PREFIX.match(body):
        explicit, rest = True, body[m.end() :]
        y = int(m.group(1)) if m.group(1) else ctx.base + _YEAR_WORDS[m.group(2)]
    elif _BARE_YEAR.fullmatch(body):
        y, explicit, rest = int(body), True, ""
    if not 1900 <= y <= 2099:
        return None
    hit = _absolute(rest, y, explicit, by, before, ctx.calendar)
    if explicit or ctx.year is not None:
        return hit
    # Chat without a year: the next occurrence, this year's unless it has passed (2月29日 may
    # exist only next year).
    if hit is not None and hit.hi >= ctx.today:
        return hit
    if hit is None and not _A_DAY.fullmatch(rest):
        return None
    later = _absolute(rest, y + 1, explicit, by, before, ctx.calendar)
    return later if later is not None and later.hi >= ctx.today else None


def _count(body: str, ctx: _Ctx) -> _Hit | None:
    """N天后, 两周内, 一个月后, 三年内, 3个工作日内: today + N."""
    m = _R_COUNT.fullmatch(body)
    if not m:
        return None
    n_text, unit = m.group(1), m.group(3)
    if unit == "月" and not m.group(2) and n_text != "半":
        return None  # 6月内 is "within June"; six months is 6个月内
    today = ctx.today
    due: date | None
    if n_text == "半":
        if unit == "月":
            due = today + timedelta(days=15)
        elif unit == "年":
            due = add_months(today, 6)
        else:
            return None
    else:
        n = int(n_text)
        if n == 0:
            return None
        if n > _COUNT_LIMITS[unit]:
            return None  # 292年后
        if unit == "工作日":
            due = ctx.calendar.add_workdays(today, n)
        elif unit in ("天", "日"):
            due = today + timedelta(days=n)
        elif unit == "月":
            due = add_months(today, n)
        elif unit == "年":
            due = add_months(today, 12 * n)
        else:
            due = today + timedelta(weeks=n)
    return _Hit(due, due, "relative", True) if due else None


def _relative(body: str, ctx: _Ctx, by: bool, before: bool) -> _Hit | None:
    """Chat phrases counted from today: 明天, 下周五, 本周内, 月底, 下个月15日, 15日, 本季度."""
    today = ctx.today
    if m := _R_DAYWORD.fullmatch(body):
        word = m.group(1)
        d = today + timedelta(days=_DAYWORD_OFFSET[word])
        return _Hit(d, d, "by" if m.group(2) or word in _TWO_DAYS else "relative", True)
    if m := _R_WEEKDAY.fullmatch(body):
        which, mark = m.group(1), m.group(2)
        wd = int(mark) if mark.isdigit() else 7
        if which is None:  # 周三: the next one, today included
            d = today + timedelta(days=(wd - today.isoweekday()) % 7)
        else:
            d = monday(today) + timedelta(weeks=_OFFSETS[which], days=wd - 1)
        if which in ("这", "本") and d < today:
            if today.isoweekday() < 6 or wd > 5:
                return None  # 本周三 on a Thursday: a slip, and no deadline
            d += timedelta(weeks=1)  # 本周五 on the weekend: the office week is over
        return _Hit(d, d, "relative", True)
    if m := _R_WEEK.fullmatch(body):
        which, end = m.group(1), m.group(2)
        if which is None and end is None:
            return None
        weeks = _OFFSETS[which] if which else 0
        if end == "末":
            if by:  # 周末前: by the Friday before the weekend
                friday = office_week(today, weeks)[1]
                return _Hit(friday, friday, "by", True)
            sunday = week_window(today, weeks)[1]
            return _Hit(sunday - timedelta(days=1), sunday, "range", False)
        if end is None and weeks > 0:  # 下周: next working week
            return _Hit(*office_week(today, weeks), "range", False)
        due = deadline_week_end(today, weeks)
        return _Hit(due, due, "by", True)
    if m := _R_MONTH.fullmatch(body):
        which, part, day = m.group(1), m.group(2), m.group(3)
        if which is None and (part is None or day):
            return None
        y, mo = shift_month(today.year, today.month, _OFFSETS[which.rstrip("个")] if which else 0)
        if day:
            named = _day(y, mo, int(day))
            return _Hit(named, named, "relative", True) if named else None
        hit = _month_hit(y, mo, part, before)
        if which is None and hit is not None and hit.hi < today:  # 月初 on the 20th: next month's
            hit = _month_hit(*shift_month(y, mo, 1), part, before)
        return hit
    if m := _R_QUARTER.fullmatch(body):
        q = (today.month - 1) // 3 + _OFFSETS[m.group(1).rstrip("个")]
        y, mo = shift_month(today.year, 3 * q + 1, 0)
        return _span(*quarter_window(y, (mo - 1) // 3 + 1), m.group(2))
    if m := _R_MONTH_DAY.fullmatch(body):
        n = int(m.group(1))
        for k in range(13):  # 15日: the next 15th, today included; 31日 skips short months
            y, mo = shift_month(today.year, today.month, k)
            cand = _day(y, mo, n)
            if cand and cand >= today:
                return _Hit(cand, cand, "relative", True)
        return None
    return None


def _recurring(body: str, ctx: _Ctx, by: bool, before: bool) -> _Hit | None:
    """每天, 每周五, 每月5日, 每月底, 每季度末, 每半年, 每年6月: due the next occurrence."""
    m = _RECURRING.fullmatch(body)
    if not m:
        return None
    unit, rest = m.group(1), m.group(2)
    today = ctx.today
    # The next one on/after today, or from the document year's start when that is later.
    anchor = today if ctx.year is None or today.year >= ctx.year else date(ctx.year, 1, 1)
    due: date | None = None
    recurrence = ""
    if unit in ("天", "日") and not rest:
        due, recurrence = anchor, "daily"
    elif unit == "工作日" and not rest:
        due, recurrence = ctx.calendar.next_workday(anchor), "workday"
    elif unit in ("周", "星期", "礼拜"):
        recurrence = "weekly"
        if rest not in _WEEKLY_DAYS:
            return None
        due = anchor + timedelta(days=(_WEEKLY_DAYS[rest] - anchor.isoweekday()) % 7)
    elif unit == "月":
        recurrence = "monthly"
        every = tuple(range(1, 13))
        if rest in _PARTS and before:  # 每月中旬前: by the 10th, as 9月中旬前 is
            first = _PARTS[rest][0]
            due = _next_monthly(anchor, every, first - 1 if first > 1 else None)
        elif rest in ("", "底", "末", "终", "下旬", "下半月"):
            due = _next_monthly(anchor, every, None)
        elif rest in _PARTS:
            due = _next_monthly(anchor, every, _PARTS[rest][1])
        elif rest == "中":
            due = _next_monthly(anchor, every, 15)
        elif (d := _R_MONTH_DAY.fullmatch(rest)) and 1 <= int(d.group(1)) <= 31:
            due = _next_monthly(anchor, every, int(d.group(1)))
    elif unit in ("季度", "季"):
        recurrence = "quarterly"
        if rest in ("", "底", "末", "终"):
            due = _next_monthly(anchor, (3, 6, 9, 12), None)
        elif (d := _QUARTER_FIRST_DAY.fullmatch(rest)) and 1 <= int(d.group(1)) <= 31:
            due = _next_monthly(anchor, (1, 4, 7, 10), int(d.group(1)))
        elif (d := _QUARTER_LAST_DAY.fullmatch(rest)) and 1 <= int(d.group(1)) <= 31:
            due = _next_monthly(anchor, (3, 6, 9, 12), int(d.group(1)))
    elif unit == "半年":
        recurrence = "semiannual"
        if rest in ("", "底", "末", "终"):
            due = _next_monthly(anchor, (6, 12), None)
    elif unit in ("年", "年度"):
        recurrence = "yearly"
        for y in (anchor.year, anchor.year + 1):
            hit = _absolute(rest or "底", y, True, by, before, ctx.calendar)
            if hit is None:
                return None
            if hit.hi >= anchor:
                due = hit.hi
                break
    if due is None:
        return None
    return _Hit(due, due, "recurring", True, recurrence)


def _range(body: str, ctx: _Ctx) -> _Hit | None:
    """Two phrases joined by 至/到/-/~; in chat a year-less range is its next occurrence."""
    if ctx.year is not None:
        return _range_in(body, ctx)
    # As a whole: 10月20日至11月20日 said on 11月15日 is this year's, not the next.
    this_year = ctx.today.year
    hit = _range_in(body, ctx._replace(year=this_year))
    if hit is None or hit.hi >= ctx.today:
        return hit
    later = _range_in(body, ctx._replace(year=this_year + 1, base=this_year + 1))
    return later if later is not None and later.hi >= ctx.today else hit


def _range_in(body: str, ctx: _Ctx) -> _Hit | None:
    """2025-2027年, 6-8月, 2025年9-10月, 5月20日至25日, 自2025年10月1日起至11月30日."""
    sep = _RANGE_SEP.search(body)
    if not sep:
        return None
    left, right = _SPAN_FROM.sub("", body[: sep.start()]), body[sep.end() :]
    left = _SPAN_START.sub("", left)
    if not left or not right:
        return None
    # The left side borrows its unit from the right: 6-8月, 2025年9-10月, 2025-2027年.
    year = _YEAR_PREFIX.match(left)
    if _NUMBER.fullmatch(left[year.end() :] if year else left) and _MONTH_HEAD.match(right):
        left += "月"
    elif _BARE_YEAR.fullmatch(left) and _YEAR_ONLY.fullmatch(right):
        left += "年"
    lo = _single(left, ctx, False, False)
    if lo is None or lo.kind in ("recurring", "continuous"):
        return None
    # The right side borrows the year (and month) from the left: 5月20日至25日, 2025年6月至8月.
    if _R_MONTH_DAY.fullmatch(right):
        right = f"{lo.lo.year}年{lo.lo.month}月{right}"
    elif _MONTH_HEAD.match(right):
        right = f"{lo.lo.year}年{right}"
    hi = _single(right, ctx, False, False)
    first = lo.hi if lo.point else lo.lo  # 月底至…: from the month's end, not its start
    if hi is None or hi.kind in ("recurring", "continuous") or hi.hi < first:
        return None
    return _Hit(first, hi.hi, "range", False)


def _since(body: str, ctx: _Ctx) -> _Hit | None:
    """自即日起至2025年11月30日, 通告之日起至年底: from an undated event, so by the end."""
    m = _SINCE.fullmatch(body)
    if not m:
        return None
    end = _single(m.group(1), ctx, True, False)
    if end is None or end.kind in ("recurring", "continuous"):
        return None
    return _Hit(end.hi, end.hi, "by", True)


def _single(body: str, ctx: _Ctx, by: bool, before: bool) -> _Hit | None:
    """One phrase (no range): the rules in order, first full match wins."""
    if not body:
        return None
    if body.startswith("每"):
        return _recurring(body, ctx, by, before)
    return _count(body, ctx) or _relative(body, ctx, by, before) or _calendar(body, ctx, by, before)


def _continuous(s: str, ctx: _Ctx) -> tuple[date | None, date | None] | None:
    """持续推进, 长期坚持, 常态化, 全年: open-ended work as (start, due); 全年 spans its year."""
    y, rest = ctx.base, s
    if m := _YEAR_PREFIX.match(s):
        y = int(m.group(1)) if m.group(1) else ctx.base + _YEAR_WORDS[m.group(2)]
        rest = s[m.end() :]
    if not _CONTINUOUS.search(rest) or not 1900 <= y <= 2099:
        return None
    left = _CONTINUOUS.sub("", rest)
    if _TIME_WORD.search(left):
        return None  # 年内持续推进, 持续到6月: a date beside the keyword, not open-ended work
    if "全年" in rest and not _WORK_VERBS.sub("", left):
        return date(y, 1, 1), date(y, 12, 31)  # 全年, 全年持续推进: the whole year
    return None, None


def _parse_one(text: str, ctx: _Ctx, bare_time: bool = True) -> Deadline | None:
    """One phrase through the grammar, or None when it does not read."""
    s, weekday = _normalise(text)
    if not s:
        return None
    cont = _continuous(s, ctx)
    if cont is not None:
        return Deadline(text, cont[1], "continuous", start=cont[0])
    frame = _frame(s)
    if frame is None:
        return None
    body, by = frame.body, frame.by
    hit = _single(body, ctx, by, frame.before)
    ranged = False  # two ends were given (6-8月): 至…止 ends the range, it is no deadline
    if hit is None:
        hit = _range(body, ctx)
        ranged = hit is not None
    if hit is None:
        hit = _since(body, ctx)
    if hit is None:
        if body or not frame.day_only or not bare_time:
            return None
        # 下班前, 下午3点: today.
        hit = _Hit(ctx.today, ctx.today, "relative", True)
    if frame.between and not ranged:
        return None  # 之间 needs two ends
    kind = hit.kind
    if by and kind not in ("recurring", "continuous") and not (ranged and not frame.before):
        if not hit.point:
            if frame.before:
                return None  # 6月前: before June starts, or by its end? Unknown.
            hit = _Hit(hit.hi, hit.hi, "by", True)  # 到2025年: up to its end
        kind = "by"
    if frame.day_only and not hit.point:
        return None  # a clock time on a span (6月下午); 月底下班前 is fine
    if weekday is not None and (hit.lo != hit.hi or hit.hi.isoweekday() != weekday):
        return None  # the written weekday contradicts the date
    start = hit.lo if kind in ("range", "continuous") else None
    return Deadline(text, hit.hi, kind, hit.recurrence, start, frame.clock)


# ---------------------------------------------------------------- fallback

_FULL_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[^\d\s]{1,3}\s*(?P<m>\d{1,2})\s*[^\d\s]{1,3}\s*(?P<d>\d{1,2})"
    r"|[A-Za-z]{3,}\.?\s*\d{1,2}(?:st|nd|rd|th)?,?\s*(?:19|20)\d{2}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s*[A-Za-z]{3,}\.?,?\s*(?:19|20)\d{2}"
)
_YEAR_ANY = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_DATE_MARK = re.compile(r"[月日号]")
_BY_ANYWHERE = re.compile(r"前|为止|截止|截至|不晚于|\bby\b|\bbefore\b", re.IGNORECASE)


def _fallback(text: str, ctx: _Ctx) -> Deadline | None:
    """dateparser, only for text holding a whole date, kept only if its numbers are in the text."""
    s = unicodedata.normalize("NFKC", text).strip()
    shape = _FULL_DATE.search(s) if len(s) <= 40 else None  # a phrase, not a paragraph
    if not shape:
        return None
    weekday = _normalise(text)[1]
    if shape.group("y"):
        written = _day(int(shape["y"]), int(shape["m"]), int(shape["d"]))
        if written is None:
            return None  # 2025年2月30日: no such day, and dateparser must not find a neighbour
        if weekday is not None and weekday != written.isoweekday():
            return None  # 2025年3月2日(星期三), a Sunday: which is meant? dateparser cannot say
    if len(_YEAR_ANY.findall(s)) != 1:
        return None  # two dates, or a date and a year: which one?
    import dateparser  # lazy: ~0.15 s to import, and only rare phrases get here

    settings = {
        "RELATIVE_BASE": datetime.combine(ctx.today, dtime()),
        "PREFER_DATES_FROM": "future",
        "STRICT_PARSING": True,
        "REQUIRE_PARTS": ["day", "month", "year"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        found = dateparser.parse(s, languages=["zh", "en"], settings=settings)
    except (ValueError, TypeError, OverflowError):
        return None
    if not isinstance(found, datetime):
        return None
    d = found.date()
    # Keep the answer only if the text spells this very date, holds no second date, and any
    # weekday written beside it agrees.
    sep = r"\s*[^\d\s]{1,3}\s*"  # 年, -, /, but never bare spaces: "2025.12 6" is no date
    numeric = re.search(rf"(?<!\d){d.year}{sep}0?{d.month}{sep}0?{d.day}(?!\d)[日号]?", s)
    if numeric:
        rest = s[: numeric.start()] + s[numeric.end() :]
    elif re.search(rf"(?<!\d)0?{d.day}(?!\d)", s) and month_abbr[d.month].lower() in s.lower():
        rest = s
    else:
        return None
    if _DATE_MARK.search(rest):
        return None
    if weekday is not None and weekday != d.isoweekday():
        return None
    return Deadline(text, d, "by" if _BY_ANYWHERE.search(s) else "on")


# ---------------------------------------------------------------- entry point


def _key(d: Deadline) -> tuple[Any, ...]:
    """What two parses must share to be the same deadline."""
    return (d.due, d.kind, d.recurrence, d.start, d.time)


def parse_deadline(
    text: str, *, today: date, year: int | None = None, calendar: WorkCalendar | None = None
) -> Deadline:
    """Read a deadline phrase; ``year`` is the document's year for year-less dates.

    ``calendar`` decides working days (工作日) and defaults to the built-in one.
    """
    unknown = Deadline(text=text, due=None, kind="unknown")
    if year is not None and not (isinstance(year, int) and 1900 <= year <= 2099):
        return unknown  # a garbled document year would date everything wrongly
    base = year if year is not None else today.year
    ctx = _Ctx(today, year, base, calendar if calendar is not None else BUILT_IN)
    try:
        found = _parse_one(text, ctx) or _pieces(text, ctx) or _fallback(text, ctx)
    except (ValueError, OverflowError):  # dates beyond datetime's range
        return unknown
    return found or unknown


def _pieces(text: str, ctx: _Ctx) -> Deadline | None:
    """A PDF cell with two rows' deadlines: the first if they are equal, else the latest."""
    pieces = unicodedata.normalize("NFKC", text).split()
    if not 1 < len(pieces) <= 4:
        return None
    parts = [_parse_one(p, ctx, bare_time=False) for p in pieces]
    done = [p for p in parts if p is not None and p.due is not None]
    if len(done) != len(pieces):
        return None
    same = all(_key(p) == _key(done[0]) for p in done)
    best = done[0] if same else max(done, key=lambda p: p.due or date.min)
    return Deadline(text, best.due, best.kind, best.recurrence, best.start, best.time)
