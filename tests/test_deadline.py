"""The deadline grammar: every case asserts the whole answer (due, kind, recurrence, start)."""

from __future__ import annotations

import calendar
import subprocess
import sys
from datetime import date, time

import pytest

from ledger.draft import DraftPlan, DraftTask, Where
from ledger.importer import finish
from nlu.calendar import Override, WorkCalendar
from nlu.deadline import Deadline, parse_deadline
from nlu.numbers import chinese_to_number

WED = date(2025, 3, 12)  # a Wednesday
SAT = date(2025, 3, 15)
NOV = date(2025, 11, 15)
DOC = 2025  # the document's year


def d(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


# text, today, document year, due, kind, recurrence, start
Case = tuple[str, date, int | None, str | None, str, str | None, str | None]

DOCUMENT: list[Case] = [
    # year.month and full dates
    ("2025.12", WED, DOC, "2025-12-31", "by", None, None),
    ("2025.2", WED, DOC, "2025-02-28", "by", None, None),
    ("2024.2", WED, DOC, "2024-02-29", "by", None, None),
    ("2025.06", WED, DOC, "2025-06-30", "by", None, None),
    ("2025年6月", WED, DOC, "2025-06-30", "by", None, None),
    ("2025年6月份", WED, DOC, "2025-06-30", "by", None, None),
    ("2025.5.20", WED, DOC, "2025-05-20", "on", None, None),
    ("2025-05-20", WED, DOC, "2025-05-20", "on", None, None),
    ("2025/5/20", WED, DOC, "2025-05-20", "on", None, None),
    ("2025年5月20日", WED, DOC, "2025-05-20", "on", None, None),
    ("2025年5月20号", WED, DOC, "2025-05-20", "on", None, None),
    ("5月20日", WED, DOC, "2025-05-20", "on", None, None),
    ("5月20日", WED, 2026, "2026-05-20", "on", None, None),
    ("5月 20", WED, DOC, "2025-05-20", "on", None, None),
    ("2024年2月29日", WED, DOC, "2024-02-29", "on", None, None),
    ("2025", WED, DOC, "2025-12-31", "by", None, None),
    ("2025年度", WED, DOC, "2025-12-31", "by", None, None),
    # by: 前/之前/以前/底/末/内
    ("6月底前", WED, DOC, "2025-06-30", "by", None, None),
    ("6月底前", WED, 2026, "2026-06-30", "by", None, None),
    ("6月30日前", WED, DOC, "2025-06-30", "by", None, None),
    ("6月30日之前", WED, DOC, "2025-06-30", "by", None, None),
    ("6月30日以前完成", WED, DOC, "2025-06-30", "by", None, None),
    ("6月末", WED, DOC, "2025-06-30", "by", None, None),
    ("6月内", WED, DOC, "2025-06-30", "by", None, None),
    ("2025.6月底", WED, DOC, "2025-06-30", "by", None, None),
    ("年底前", WED, DOC, "2025-12-31", "by", None, None),
    ("年内", WED, DOC, "2025-12-31", "by", None, None),
    ("年底", WED, DOC, "2025-12-31", "by", None, None),
    ("年末", WED, DOC, "2025-12-31", "by", None, None),
    ("年底前", WED, None, "2025-12-31", "by", None, None),
    ("2026年底", WED, DOC, "2026-12-31", "by", None, None),
    ("今年年底前", WED, DOC, "2025-12-31", "by", None, None),
    ("截至2025年6月30日", WED, DOC, "2025-06-30", "by", None, None),
    ("力争6月底前完成", WED, DOC, "2025-06-30", "by", None, None),
    ("于2025年5月20日前报送", WED, DOC, "2025-05-20", "by", None, None),
    ("2025年6月底左右", WED, DOC, "2025-06-30", "by", None, None),
    ("2025年12月31日24时前", WED, DOC, "2025-12-31", "by", None, None),
    # halves, quarters, parts of a month
    ("上半年", WED, DOC, "2025-06-30", "range", None, "2025-01-01"),
    ("下半年", WED, DOC, "2025-12-31", "range", None, "2025-07-01"),
    ("2026年上半年", WED, DOC, "2026-06-30", "range", None, "2026-01-01"),
    ("上半年内", WED, DOC, "2025-06-30", "by", None, None),
    ("一季度", WED, DOC, "2025-03-31", "range", None, "2025-01-01"),
    ("第一季度", WED, DOC, "2025-03-31", "range", None, "2025-01-01"),
    ("二季度", WED, DOC, "2025-06-30", "range", None, "2025-04-01"),
    ("第四季度", WED, DOC, "2025-12-31", "range", None, "2025-10-01"),
    ("三季度末", WED, DOC, "2025-09-30", "by", None, None),
    ("Q3", WED, DOC, "2025-09-30", "range", None, "2025-07-01"),
    ("前三季度", WED, DOC, "2025-09-30", "range", None, "2025-01-01"),
    ("9月中旬", WED, DOC, "2025-09-20", "range", None, "2025-09-11"),
    ("10月上旬", WED, DOC, "2025-10-10", "range", None, "2025-10-01"),
    ("2月下旬", WED, DOC, "2025-02-28", "range", None, "2025-02-21"),
    ("11月下旬", WED, DOC, "2025-11-30", "range", None, "2025-11-21"),
    ("6月初", WED, DOC, "2025-06-10", "range", None, "2025-06-01"),
    ("6月中下旬", WED, DOC, "2025-06-30", "range", None, "2025-06-11"),
    # recurring: the next one on/after today, or from the document year's start
    ("每季度末", WED, DOC, "2025-03-31", "recurring", "quarterly", None),
    ("每季度末", date(2024, 11, 20), DOC, "2025-03-31", "recurring", "quarterly", None),
    ("每季度末", date(2025, 4, 1), DOC, "2025-06-30", "recurring", "quarterly", None),
    ("每季度", WED, DOC, "2025-03-31", "recurring", "quarterly", None),
    ("每季度首月10日前", WED, DOC, "2025-04-10", "recurring", "quarterly", None),
    ("每月5日前", WED, DOC, "2025-04-05", "recurring", "monthly", None),
    ("每月5日前", date(2025, 3, 5), DOC, "2025-03-05", "recurring", "monthly", None),
    ("每月31日", date(2025, 2, 3), DOC, "2025-02-28", "recurring", "monthly", None),
    ("每月底", WED, DOC, "2025-03-31", "recurring", "monthly", None),
    ("每个月", WED, DOC, "2025-03-31", "recurring", "monthly", None),
    ("每月中旬", WED, DOC, "2025-03-20", "recurring", "monthly", None),
    ("每周", WED, DOC, "2025-03-14", "recurring", "weekly", None),
    ("每周一", WED, DOC, "2025-03-17", "recurring", "weekly", None),
    ("每周三", WED, DOC, "2025-03-12", "recurring", "weekly", None),
    ("每半年", WED, DOC, "2025-06-30", "recurring", "semiannual", None),
    ("每年6月", WED, DOC, "2025-06-30", "recurring", "yearly", None),
    ("每年6月", date(2025, 7, 1), DOC, "2026-06-30", "recurring", "yearly", None),
    ("每年底", WED, DOC, "2025-12-31", "recurring", "yearly", None),
    ("每年春节前", WED, DOC, "2026-02-16", "recurring", "yearly", None),
    ("每天", WED, DOC, "2025-03-12", "recurring", "daily", None),
    ("每日", date(2024, 6, 1), DOC, "2025-01-01", "recurring", "daily", None),
    # a specific day
    ("2025年2月17日(星期一)下班前", WED, DOC, "2025-02-17", "by", None, None),
    ("2025年2月17日（星期一）", WED, DOC, "2025-02-17", "on", None, None),
    ("2025年2月17日 周一", WED, DOC, "2025-02-17", "on", None, None),
    ("2025年2月17日下午5点前", WED, DOC, "2025-02-17", "by", None, None),
    # holidays, from lunardate / chinesecalendar
    ("春节前", WED, DOC, "2025-01-28", "by", None, None),
    ("2026年春节前", WED, DOC, "2026-02-16", "by", None, None),
    ("国庆前", WED, DOC, "2025-09-30", "by", None, None),
    ("国庆节前", WED, DOC, "2025-09-30", "by", None, None),
    ("十一前", WED, DOC, "2025-09-30", "by", None, None),
    ("元旦前", WED, DOC, "2024-12-31", "by", None, None),
    ("五一前", WED, DOC, "2025-04-30", "by", None, None),
    ("五一劳动节前", WED, DOC, "2025-04-30", "by", None, None),
    ("端午前", WED, DOC, "2025-05-30", "by", None, None),
    ("中秋前", WED, DOC, "2025-10-05", "by", None, None),
    ("清明前", WED, DOC, "2025-04-03", "by", None, None),
    ("元旦春节前", WED, DOC, "2025-01-28", "by", None, None),
    ("中秋节", WED, DOC, "2025-10-06", "on", None, None),
    ("五一节", WED, DOC, "2025-05-01", "on", None, None),
    ("教师节前", WED, DOC, "2025-09-09", "by", None, None),
    ("六一儿童节前", WED, DOC, "2025-05-31", "by", None, None),
    # next year, relative counts
    ("次年1月", WED, DOC, "2026-01-31", "by", None, None),
    ("明年1月", WED, DOC, "2026-01-31", "by", None, None),
    ("明年1月", WED, 2024, "2025-01-31", "by", None, None),
    ("三年内", WED, DOC, "2028-03-12", "relative", None, None),
    # continuous
    ("持续推进", WED, DOC, None, "continuous", None, None),
    ("长期坚持", WED, DOC, None, "continuous", None, None),
    ("长期", WED, DOC, None, "continuous", None, None),
    ("常态化", WED, DOC, None, "continuous", None, None),
    ("持续开展", WED, DOC, None, "continuous", None, None),
    ("全年", WED, DOC, "2025-12-31", "continuous", None, "2025-01-01"),
    ("2026年全年", WED, DOC, "2026-12-31", "continuous", None, "2026-01-01"),
    ("全年", WED, None, "2025-12-31", "continuous", None, "2025-01-01"),
    ("全年持续推进", WED, DOC, "2025-12-31", "continuous", None, "2025-01-01"),
    ("按照全年工作计划", WED, DOC, None, "continuous", None, None),
    ("常态化开展", WED, DOC, None, "continuous", None, None),
    # full-width digits, Chinese numerals, spaces
    ("２０２５．１２", WED, DOC, "2025-12-31", "by", None, None),
    ("２０２５年６月底前", WED, DOC, "2025-06-30", "by", None, None),
    ("二〇二五年十二月", WED, DOC, "2025-12-31", "by", None, None),
    ("十二月底前", WED, DOC, "2025-12-31", "by", None, None),
    ("十一月十一日", WED, DOC, "2025-11-11", "on", None, None),
    ("2025年 6月", WED, DOC, "2025-06-30", "by", None, None),
    (" 2025.12 ", WED, DOC, "2025-12-31", "by", None, None),
    ("完成时限：2025.12", WED, DOC, "2025-12-31", "by", None, None),
    ("【2025.12】", WED, DOC, "2025-12-31", "by", None, None),
    ("“6月底前”", WED, DOC, "2025-06-30", "by", None, None),
    ("2025.12（暂定）", WED, DOC, "2025-12-31", "by", None, None),
    # two deadlines in one cell (a PDF merged two rows)
    ("2025.12 2025.12", WED, DOC, "2025-12-31", "by", None, None),
    ("2025.12\n2025.12", WED, DOC, "2025-12-31", "by", None, None),
    ("2025.6 2025.12", WED, DOC, "2025-12-31", "by", None, None),
    # ranges
    ("2025-2027年", WED, DOC, "2027-12-31", "range", None, "2025-01-01"),
    ("6-8月", WED, DOC, "2025-08-31", "range", None, "2025-06-01"),
    ("6月至8月", WED, DOC, "2025-08-31", "range", None, "2025-06-01"),
    ("5月20日至25日", WED, DOC, "2025-05-25", "range", None, "2025-05-20"),
    ("2025.1-2025.6", WED, DOC, "2025-06-30", "range", None, "2025-01-01"),
    ("2025年1月1日至2025年12月31日", WED, DOC, "2025-12-31", "range", None, "2025-01-01"),
    ("本周内至月底", WED, DOC, "2025-03-31", "range", None, "2025-03-14"),
    # the last resort: dateparser, only on a whole date it can prove from the text
    ("Dec 31, 2025", WED, DOC, "2025-12-31", "on", None, None),
    ("2025年5月20日上午9:00-12:00", WED, DOC, "2025-05-20", "on", None, None),
    ("2025-05-20 18:00", WED, DOC, "2025-05-20", "on", None, None),
]

UNKNOWN: list[str] = [
    "",
    "   ",
    "2025年2月30日",
    "2月29日",
    "13月",
    "2025.13",
    "2025.0",
    "第5季度",
    "32日",
    "6月前",  # before June starts, or by its end?
    "2025.12前",
    "上半年前",
    "2025年前",  # before 2025 starts, or by its end?
    "今年前",
    "2025年2月17日(星期二)",  # the weekday contradicts the date
    "尽快",
    "待定",
    "根据工作需要",
    "按要求",
    "2025年12月至1月",
    "三五天后",
    "25年底",
    "1.5个月后",
    "3天前",
    "半天内",
    "每两周",
    "每2个月",
    "年初",
    "6月之间",  # 之间 needs two ends
    "春节后",
    "全年不少于12次",
    "2025年5月20日或6月1日",
    "2025.12 待定",
    "2025.12 6",  # a stray number beside a month is not a day
    "2025年6月下午3点",  # a clock time on a month
    "6月下午",
    "教师",  # a word, not 教师节
    "劳动",
    "十一",  # eleven, or National Day?
    "五一",
    "三.二",
    "年内持续推进",  # a date beside the keyword
    "持续到6月",
    "月底到本周",  # ends before it starts
    "每天以内",
    "每日底",
    "292年后",
    "11年后",
    "国庆后第一天",  # 10月2日, or the first day back at work?
    "节后第一个工作日",  # which holiday?
    "教师节后第一个工作日",  # no days off, so no "back at work"
    "自收到通知之日起10个工作日内",  # the day it was received is not today
    "月底后",
]

CHAT: list[Case] = [
    ("下周五", WED, None, "2025-03-21", "relative", None, None),
    ("下周五前", WED, None, "2025-03-21", "by", None, None),
    ("下周五", date(2025, 3, 16), None, "2025-03-21", "relative", None, None),
    ("这周五", WED, None, "2025-03-14", "relative", None, None),
    ("本周五", WED, None, "2025-03-14", "relative", None, None),
    ("周五", WED, None, "2025-03-14", "relative", None, None),
    ("周五", SAT, None, "2025-03-21", "relative", None, None),
    ("周三前", WED, None, "2025-03-12", "by", None, None),
    ("星期天", WED, None, "2025-03-16", "relative", None, None),
    ("下下周一", WED, None, "2025-03-24", "relative", None, None),
    ("月底", WED, None, "2025-03-31", "by", None, None),
    ("月底", WED, DOC, "2025-03-31", "by", None, None),
    ("本月底", WED, None, "2025-03-31", "by", None, None),
    ("本月内", WED, None, "2025-03-31", "by", None, None),
    ("下个月", WED, None, "2025-04-30", "by", None, None),
    ("下月初", WED, None, "2025-04-10", "range", None, "2025-04-01"),
    ("下月中旬", NOV, None, "2025-12-20", "range", None, "2025-12-11"),
    ("明天下午3点", WED, None, "2025-03-13", "relative", None, None),
    ("明天3点", WED, None, "2025-03-13", "relative", None, None),
    ("这周内", WED, None, "2025-03-14", "by", None, None),
    ("本周内", WED, None, "2025-03-14", "by", None, None),
    ("本周内", SAT, None, "2025-03-16", "by", None, None),
    ("下周内", WED, None, "2025-03-21", "by", None, None),
    ("下周", WED, None, "2025-03-21", "range", None, "2025-03-17"),
    ("周末", WED, None, "2025-03-16", "range", None, "2025-03-15"),
    ("周末前", WED, None, "2025-03-14", "by", None, None),
    ("两周后", WED, None, "2025-03-26", "relative", None, None),
    ("3天后", WED, None, "2025-03-15", "relative", None, None),
    ("３天内", WED, None, "2025-03-15", "relative", None, None),
    ("一个月后", WED, None, "2025-04-12", "relative", None, None),
    ("一个月后", date(2025, 1, 31), None, "2025-02-28", "relative", None, None),
    ("半个月内", WED, None, "2025-03-27", "relative", None, None),
    ("三年内", date(2024, 2, 29), None, "2027-02-28", "relative", None, None),
    ("3个工作日内", WED, None, "2025-03-17", "relative", None, None),
    ("下个月15号", WED, None, "2025-04-15", "relative", None, None),
    ("下个月15号前", WED, None, "2025-04-15", "by", None, None),
    ("15号前", WED, None, "2025-03-15", "by", None, None),
    ("10号", WED, None, "2025-04-10", "relative", None, None),
    ("今天", WED, None, "2025-03-12", "relative", None, None),
    ("今天下班前", WED, None, "2025-03-12", "by", None, None),
    ("下班前", WED, None, "2025-03-12", "by", None, None),
    ("月底下班前", WED, None, "2025-03-31", "by", None, None),
    ("这周五下午下班前", WED, None, "2025-03-14", "by", None, None),
    ("明天", WED, None, "2025-03-13", "relative", None, None),
    ("后天", WED, None, "2025-03-14", "relative", None, None),
    ("大后天", WED, None, "2025-03-15", "relative", None, None),
    ("今晚8点", WED, None, "2025-03-12", "relative", None, None),
    ("本季度", WED, None, "2025-03-31", "range", None, "2025-01-01"),
    ("下季度", NOV, None, "2026-03-31", "range", None, "2026-01-01"),
    ("春节前", NOV, None, "2026-02-16", "by", None, None),
    ("元旦前", NOV, None, "2025-12-31", "by", None, None),
    ("国庆前", NOV, None, "2026-09-30", "by", None, None),
    ("6月底前", NOV, None, "2026-06-30", "by", None, None),  # year-less in chat: the next one
    ("12.31前", NOV, None, "2025-12-31", "by", None, None),
    ("每季度末", NOV, None, "2025-12-31", "recurring", "quarterly", None),
    ("每月5日前", NOV, None, "2025-12-05", "recurring", "monthly", None),
]

THU = date(2025, 3, 13)
SUN = date(2025, 3, 16)
DEC15 = date(2025, 12, 15)  # a Monday
DEC30 = date(2025, 12, 30)

# Chat reads a year-less date as its next occurrence; a document's year never moves.
NEXT_OCCURRENCE: list[Case] = [
    ("1月10号", DEC15, None, "2026-01-10", "on", None, None),
    ("1月10日", DEC15, None, "2026-01-10", "on", None, None),
    ("一月十日", DEC15, None, "2026-01-10", "on", None, None),
    ("１月１０号", DEC15, None, "2026-01-10", "on", None, None),
    ("1 月 10 号", DEC15, None, "2026-01-10", "on", None, None),
    ("1月10号前", DEC15, None, "2026-01-10", "by", None, None),
    ("1月10日之前", DEC15, None, "2026-01-10", "by", None, None),
    ("1月10号以前", DEC15, None, "2026-01-10", "by", None, None),
    ("1.10前", DEC15, None, "2026-01-10", "by", None, None),
    ("2月底", DEC30, None, "2026-02-28", "by", None, None),
    ("二月底前", DEC30, None, "2026-02-28", "by", None, None),
    ("２月底之前", DEC30, None, "2026-02-28", "by", None, None),
    ("12月1日", DEC15, None, "2026-12-01", "on", None, None),  # passed this month: next year
    ("12月15日", DEC15, None, "2025-12-15", "on", None, None),  # today has not passed
    ("12月20号", DEC15, None, "2025-12-20", "on", None, None),
    ("3月", DEC15, None, "2026-03-31", "by", None, None),
    ("上半年", DEC15, None, "2026-06-30", "range", None, "2026-01-01"),
    ("月初", DEC15, None, "2026-01-10", "range", None, "2026-01-01"),
    ("月中", date(2025, 12, 20), None, "2026-01-15", "by", None, None),
    ("10月20日至11月20日", NOV, None, "2025-11-20", "range", None, "2025-10-20"),  # as a whole
    ("1-2月", DEC15, None, "2026-02-28", "range", None, "2026-01-01"),
    # words that name the period keep it
    ("本月1日", DEC15, None, "2025-12-01", "relative", None, None),
    ("本月1号前", DEC15, None, "2025-12-01", "by", None, None),
    ("今年3月", DEC15, None, "2025-03-31", "by", None, None),
    # a document's year rules
    ("1月10号", DEC15, DOC, "2025-01-10", "on", None, None),
    ("2月底", DEC30, DOC, "2025-02-28", "by", None, None),
    ("1月10号", DEC15, 2026, "2026-01-10", "on", None, None),
]

# 月初, 月中, 年中, 年前, 明后天, 明早; and a part of a month with 前.
PARTS: list[Case] = [
    ("月初", date(2025, 3, 5), None, "2025-03-10", "range", None, "2025-03-01"),
    ("月初", WED, None, "2025-04-10", "range", None, "2025-04-01"),  # passed: next month's
    ("本月初", WED, None, "2025-03-10", "range", None, "2025-03-01"),
    ("月中", WED, None, "2025-03-15", "by", None, None),
    ("月中前", WED, None, "2025-03-15", "by", None, None),
    ("本月中", WED, None, "2025-03-15", "by", None, None),
    ("下月中", WED, None, "2025-04-15", "by", None, None),
    ("6月中", WED, DOC, "2025-06-15", "by", None, None),
    ("六月中之前", WED, DOC, "2025-06-15", "by", None, None),
    ("年中", WED, DOC, "2025-06-30", "by", None, None),
    ("年中前", WED, DOC, "2025-06-30", "by", None, None),
    ("2026年年中", WED, DOC, "2026-06-30", "by", None, None),
    ("年中", NOV, None, "2026-06-30", "by", None, None),
    ("年前", WED, DOC, "2025-01-27", "by", None, None),  # the holiday starts on 1月28日
    ("年前", WED, None, "2026-02-14", "by", None, None),  # a 调休 Saturday
    ("过年前", WED, None, "2026-02-14", "by", None, None),
    ("年前完成", WED, None, "2026-02-14", "by", None, None),
    ("年前", date(2026, 12, 1), 2027, "2027-02-04", "by", None, None),  # holidays package
    ("明后天", WED, None, "2025-03-14", "by", None, None),
    ("明后两天", WED, None, "2025-03-14", "by", None, None),
    ("明早9点前", WED, None, "2025-03-13", "by", None, None),
    ("明早九点之前", WED, None, "2025-03-13", "by", None, None),
    ("明早", WED, None, "2025-03-13", "relative", None, None),
    ("明晨8点", WED, None, "2025-03-13", "relative", None, None),
    # 旬前: by the day before the 旬 starts
    ("9月中旬前", WED, DOC, "2025-09-10", "by", None, None),
    ("9月中旬之前", WED, DOC, "2025-09-10", "by", None, None),
    ("九月中旬以前", WED, DOC, "2025-09-10", "by", None, None),
    ("９月中旬前", WED, DOC, "2025-09-10", "by", None, None),
    ("9 月 中旬前", WED, DOC, "2025-09-10", "by", None, None),
    ("12月上旬前", WED, DOC, "2025-11-30", "by", None, None),
    ("十二月上旬前完成", WED, DOC, "2025-11-30", "by", None, None),
    ("12月下旬前", WED, DOC, "2025-12-20", "by", None, None),
    ("3月初前", WED, DOC, "2025-02-28", "by", None, None),
    ("下月中旬前", WED, None, "2025-04-10", "by", None, None),
    ("9月中旬前", DEC15, None, "2026-09-10", "by", None, None),
    ("到9月中旬", WED, DOC, "2025-09-20", "by", None, None),  # up to: its end
    ("每月中旬前", WED, DOC, "2025-04-10", "recurring", "monthly", None),
]

MONTH_RANGES: list[Case] = [
    ("2025年9-10月", WED, DOC, "2025-10-31", "range", None, "2025-09-01"),
    ("2025年9至10月", WED, DOC, "2025-10-31", "range", None, "2025-09-01"),
    ("2025年9月至10月", WED, DOC, "2025-10-31", "range", None, "2025-09-01"),
    ("2025年９－１０月", WED, DOC, "2025-10-31", "range", None, "2025-09-01"),
    ("二〇二五年九至十月", WED, DOC, "2025-10-31", "range", None, "2025-09-01"),
    ("2021年3-4月", WED, DOC, "2021-04-30", "range", None, "2021-03-01"),
    ("2021年3-4月份", WED, DOC, "2021-04-30", "range", None, "2021-03-01"),
    ("4至8月之间", WED, DOC, "2025-08-31", "range", None, "2025-04-01"),
    ("4月至8月之间", WED, DOC, "2025-08-31", "range", None, "2025-04-01"),
    ("四至八月之间", WED, DOC, "2025-08-31", "range", None, "2025-04-01"),
    ("4-8月期间", WED, DOC, "2025-08-31", "range", None, "2025-04-01"),
    ("2025年4-8月间", WED, DOC, "2025-08-31", "range", None, "2025-04-01"),
]

SPANS: list[Case] = [
    ("自2025年10月1日至2025年11月30日", WED, DOC, "2025-11-30", "range", None, "2025-10-01"),
    ("自2025年10月1日起至2025年11月30日止", WED, DOC, "2025-11-30", "range", None, "2025-10-01"),
    ("从2025年10月1日到11月30日", WED, DOC, "2025-11-30", "range", None, "2025-10-01"),
    ("自即日起至2025年11月30日", WED, DOC, "2025-11-30", "by", None, None),
    ("即日起至2025年11月30日", WED, DOC, "2025-11-30", "by", None, None),
    ("自…至2025年11月30日", WED, DOC, "2025-11-30", "by", None, None),
    ("通告之日起至2025年12月31日", WED, DOC, "2025-12-31", "by", None, None),
    ("自本通告发布之日起至2025年12月31日止", WED, DOC, "2025-12-31", "by", None, None),
    ("从即日起到年底", WED, None, "2025-12-31", "by", None, None),
    ("从2009年至2012年", WED, DOC, "2012-12-31", "range", None, "2009-01-01"),
    ("2009年至2012年", WED, DOC, "2012-12-31", "range", None, "2009-01-01"),
    ("从2009年到2012年", WED, DOC, "2012-12-31", "range", None, "2009-01-01"),
    ("到2025年", WED, DOC, "2025-12-31", "by", None, None),
    ("截至2025年", WED, DOC, "2025-12-31", "by", None, None),
    ("到2025年为止", WED, DOC, "2025-12-31", "by", None, None),
    ("到2026年6月", WED, DOC, "2026-06-30", "by", None, None),
    ("截至6月", WED, DOC, "2025-06-30", "by", None, None),
]

# 次月 counts from today's month; 次年 from the document's year, else today's; 元月 is January.
FOLLOWING: list[Case] = [
    ("次月5日前", WED, None, "2025-04-05", "by", None, None),
    ("次月5号之前", WED, None, "2025-04-05", "by", None, None),
    ("次月五日以前", WED, None, "2025-04-05", "by", None, None),
    ("次月５日前", WED, None, "2025-04-05", "by", None, None),
    ("次月5日前", WED, DOC, "2025-04-05", "by", None, None),
    ("次月5日前", DEC15, None, "2026-01-05", "by", None, None),
    ("次月底", WED, None, "2025-04-30", "by", None, None),
    ("次年元月十日前", WED, DOC, "2026-01-10", "by", None, None),
    ("次年元月10号之前", WED, DOC, "2026-01-10", "by", None, None),
    ("次年1月10日以前", WED, DOC, "2026-01-10", "by", None, None),
    ("次年元月十日前", WED, None, "2026-01-10", "by", None, None),
    ("次年元月十日前", WED, 2026, "2027-01-10", "by", None, None),
    ("元月底前", WED, DOC, "2025-01-31", "by", None, None),
    ("2026年元月", WED, DOC, "2026-01-31", "by", None, None),
]

# The first working day after a holiday's days off, from the calendar.
AFTER_HOLIDAY: list[Case] = [
    ("国庆后第一个工作日", WED, None, "2025-10-09", "on", None, None),
    ("国庆节后第一个工作日", WED, None, "2025-10-09", "on", None, None),
    ("十一后第一个工作日", WED, None, "2025-10-09", "on", None, None),
    ("国庆假期后第一个工作日", WED, None, "2025-10-09", "on", None, None),
    ("国庆长假结束后第一个工作日", WED, None, "2025-10-09", "on", None, None),
    ("国庆节后上班第一天", WED, None, "2025-10-09", "on", None, None),
    ("国庆后首个工作日", WED, None, "2025-10-09", "on", None, None),
    ("国庆后第一个工作日前", WED, None, "2025-10-09", "by", None, None),
    ("春节后上班第一天", WED, None, "2026-02-24", "on", None, None),
    ("春节后第一个工作日", WED, DOC, "2025-02-05", "on", None, None),
    ("春节假期结束后第一个工作日", DEC15, 2026, "2026-02-24", "on", None, None),
    ("五一后第一个工作日", WED, None, "2025-05-06", "on", None, None),
    ("元旦后第一个工作日", DEC15, None, "2026-01-04", "on", None, None),  # a 调休 Sunday
    ("中秋后第一个工作日", WED, 2026, "2026-09-28", "on", None, None),
    ("2027年春节后第一个工作日", WED, DOC, "2027-02-11", "on", None, None),
]

# Recurring on a day of a quarter's first or last month, as 每季度末 recurs.
QUARTERLY: list[Case] = [
    ("每季度最后一个月的30日前", WED, DOC, "2025-03-30", "recurring", "quarterly", None),
    ("每季度最后1个月30日前", WED, DOC, "2025-03-30", "recurring", "quarterly", None),
    ("每季度末月30号之前", WED, DOC, "2025-03-30", "recurring", "quarterly", None),
    ("每季度最后一个月的31日前", WED, DOC, "2025-03-31", "recurring", "quarterly", None),
    ("每个季度第1个月的20日前", WED, DOC, "2025-04-20", "recurring", "quarterly", None),
    ("每个季度第一个月的20日前", WED, DOC, "2025-04-20", "recurring", "quarterly", None),
    ("每季度第一个月20号以前", WED, DOC, "2025-04-20", "recurring", "quarterly", None),
    ("每季度首月二十日前", WED, DOC, "2025-04-20", "recurring", "quarterly", None),
    ("每季度最后一个月的30日前", NOV, None, "2025-12-30", "recurring", "quarterly", None),
    ("每个季度第1个月的20日前", NOV, None, "2026-01-20", "recurring", "quarterly", None),
]

# 一月内/两月内 in words count months; 1月内 and 十一月内 are months.
WITHIN_MONTHS: list[Case] = [
    ("在一月内", WED, None, "2025-04-12", "relative", None, None),
    ("一月内", WED, None, "2025-04-12", "relative", None, None),
    ("在一月内完成", WED, None, "2025-04-12", "relative", None, None),
    ("一月以内", WED, None, "2025-04-12", "relative", None, None),
    ("在一个月内", WED, None, "2025-04-12", "relative", None, None),
    ("两月内", WED, None, "2025-05-12", "relative", None, None),
    ("在一月内", date(2025, 1, 31), None, "2025-02-28", "relative", None, None),
    ("1月内", WED, DOC, "2025-01-31", "by", None, None),
    ("十一月内", WED, DOC, "2025-11-30", "by", None, None),
    ("2026年一月内", WED, DOC, "2026-01-31", "by", None, None),
    ("元月内", WED, DOC, "2025-01-31", "by", None, None),
]

# 本周X once this week's X has passed.
THIS_WEEK: list[Case] = [
    ("本周五前", SAT, None, "2025-03-21", "by", None, None),  # the office week is over
    ("本周五", SAT, None, "2025-03-21", "relative", None, None),
    ("这周五之前", SAT, None, "2025-03-21", "by", None, None),
    ("本周五以前", SAT, None, "2025-03-21", "by", None, None),
    ("本周五前", SUN, None, "2025-03-21", "by", None, None),
    ("本周一", SAT, None, "2025-03-17", "relative", None, None),
    ("本周五前", WED, None, "2025-03-14", "by", None, None),
    ("本周五前", date(2025, 3, 14), None, "2025-03-14", "by", None, None),
    ("本周六", SAT, None, "2025-03-15", "relative", None, None),
    ("本周三前", THU, None, None, "unknown", None, None),  # a slip on a working day
    ("本周六", SUN, None, None, "unknown", None, None),
    ("上周五", WED, None, "2025-03-07", "relative", None, None),  # the words say it is past
]

NEW_SHAPES = (
    NEXT_OCCURRENCE
    + PARTS
    + MONTH_RANGES
    + SPANS
    + FOLLOWING
    + AFTER_HOLIDAY
    + QUARTERLY
    + WITHIN_MONTHS
    + THIS_WEEK
)
CASES = (
    DOCUMENT
    + CHAT
    + NEW_SHAPES
    + [(text, WED, DOC, None, "unknown", None, None) for text in UNKNOWN]
)


@pytest.mark.parametrize(("text", "today", "year", "due", "kind", "recurrence", "start"), CASES)
def test_parse(
    text: str,
    today: date,
    year: int | None,
    due: str | None,
    kind: str,
    recurrence: str | None,
    start: str | None,
) -> None:
    got = parse_deadline(text, today=today, year=year)
    assert (got.due, got.kind, got.recurrence, got.start) == (d(due), kind, recurrence, d(start))
    assert got.text == text


@pytest.mark.parametrize(("text", "today", "year"), [(c[0], c[1], c[2]) for c in CASES])
def test_invariants(text: str, today: date, year: int | None) -> None:
    got = parse_deadline(text, today=today, year=year)
    if got.start is not None:
        assert got.due is not None and got.start <= got.due
        assert got.kind in ("range", "continuous")
    if got.kind in ("by", "on", "range", "recurring", "relative"):
        assert got.due is not None
    if got.kind == "unknown":
        assert got.due is None and got.start is None and got.recurrence is None
    assert (got.recurrence is not None) == (got.kind == "recurring")
    if got.kind == "recurring":
        anchor = today if year is None or today.year >= year else date(year, 1, 1)
        assert got.due is not None and got.due >= anchor
    assert parse_deadline(text, today=today, year=year) == got  # pure


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("明天下午3点", time(15, 0)),
        ("明天下午3点半", time(15, 30)),
        ("明天 上午10点半", time(10, 30)),
        ("今晚8点", time(20, 0)),
        ("18:00前", time(18, 0)),
        ("09:30", time(9, 30)),
        ("下午3:30", time(15, 30)),
        ("3:30", None),
        ("周五15点前", time(15, 0)),
        ("明早9点前", time(9, 0)),
        ("明早九点之前", time(9, 0)),
        ("明早8:30前", time(8, 30)),
        ("明早", None),
        ("明天3点", None),  # 3 a.m. or 3 p.m.?
        ("晚上12点", None),  # noon or midnight?
        ("6月底前", None),
    ],
)
def test_clock_time(text: str, clock: time | None) -> None:
    got = parse_deadline(text, today=WED)
    assert got.time == clock
    assert ("time" in got.as_json()) == (clock is not None)


@pytest.mark.parametrize(
    ("text", "today", "year"),
    [
        ("6月底前", WED, 99999),  # a garbled document year
        ("6月底前", WED, 0),
        ("3天后", date(9999, 12, 31), None),  # past datetime's range
        ("下个月", date(9999, 12, 1), None),
    ],
)
def test_out_of_range_is_unknown(text: str, today: date, year: int | None) -> None:
    assert parse_deadline(text, today=today, year=year).kind == "unknown"


def test_holiday_edges_follow_the_calendar() -> None:
    """年前 and 国庆后第一个工作日 ask the calendar passed in, an admin's days included."""
    closed = WorkCalendar([Override(date(2025, 10, 9), workday=False, note="调休")])
    got = parse_deadline("国庆后第一个工作日", today=WED, calendar=closed)
    assert (got.due, got.kind) == (date(2025, 10, 10), "on")
    off = WorkCalendar([Override(date(2026, 2, 14), workday=False)])
    assert parse_deadline("年前", today=WED, calendar=off).due == date(2026, 2, 13)


def test_as_json() -> None:
    assert parse_deadline("6月底前", today=WED, year=DOC).as_json() == {
        "text": "6月底前",
        "due": "2025-06-30",
        "kind": "by",
        "recurrence": None,
        "start": None,
    }
    assert parse_deadline("明天下午3点", today=WED).as_json()["time"] == "15:00"
    assert parse_deadline("上半年", today=WED, year=DOC).as_json()["start"] == "2025-01-01"
    unknown = parse_deadline("看情况", today=WED)
    assert unknown == Deadline(text="看情况", due=None, kind="unknown")
    assert unknown.as_json()["due"] is None


def test_full_width_matches_half_width() -> None:
    pairs = [
        ("２０２５．５．２０", "2025.5.20"),
        ("６月３０日前", "6月30日前"),
        ("２０２５－１２", "2025-12"),
        ("（星期一）", "(星期一)"),
    ]
    for wide, narrow in pairs:
        a = parse_deadline(wide, today=WED, year=DOC)
        b = parse_deadline(narrow, today=WED, year=DOC)
        assert (a.due, a.kind, a.start) == (b.due, b.kind, b.start)


def test_every_month_end() -> None:
    for month in range(1, 13):
        got = parse_deadline(f"2024.{month}", today=WED)
        last = calendar.monthrange(2024, month)[1]
        assert (got.due, got.kind) == (date(2024, month, last), "by")


def test_seed_document_deadlines_all_read() -> None:
    """Every 完成时限 in the Huangshi task list (examples/004) reads as a month."""
    from tests.conftest import SEED_004

    cells = [
        line.rstrip("\t").rsplit("\t", 1)[-1].strip()
        for line in SEED_004.read_text(encoding="utf-8").splitlines()
        if line.rstrip("\t").endswith(tuple("0123456789"))
    ]
    months = [c for c in cells if c.startswith("2025.")]
    assert len(months) >= 30
    for cell in months:
        got = parse_deadline(cell, today=WED, year=DOC)
        assert got.kind == "by" and got.due is not None and got.due.year == DOC, cell


def test_lazy_imports() -> None:
    """dateparser and cn2an are slow to import: the grammar must not pull them in."""
    code = (
        "import sys; from datetime import date; from nlu.deadline import parse_deadline; "
        "parse_deadline('6月底前', today=date(2025, 3, 12)); "
        "print('dateparser' in sys.modules, 'cn2an' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# 2 March 2025 is a Sunday: a date and a weekday that disagree, whichever was meant.
CONTRADICTED = ["2025年3月2日(星期三)", "2025.3.2(周三)", "2025年3月2日（星期三）下午3点"]


def test_a_contradicted_weekday_is_refused_before_dateparser_is_imported() -> None:
    code = (
        "import sys; from datetime import date; from nlu.deadline import parse_deadline; "
        f"found = [parse_deadline(p, today=date(2025, 2, 12)) for p in {CONTRADICTED!r}]; "
        "print([(d.due, d.kind) for d in found], 'dateparser' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"{[(None, 'unknown')] * len(CONTRADICTED)} False"


def test_the_importer_warns_that_a_contradicted_weekday_could_not_be_read() -> None:
    draft = DraftPlan(
        title="2025年重点工作任务分解清单",
        tasks=[
            DraftTask(
                where=Where("row", 3),
                number="1",
                content="举办科协讲堂4期",
                lead_departments=["办公室"],
                leaders=["郑昌盛"],
                due_text=CONTRADICTED[0],
            )
        ],
    )
    plan = finish(draft, source_name="plan.xlsx", source_hash="", today=WED)
    assert plan.tasks[0].deadline == Deadline(text=CONTRADICTED[0], due=None, kind="unknown")
    assert [notice.render() for notice in plan.warnings] == [
        "row 3: task 1: the deadline “2025年3月2日(星期三)” could not be read"
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十二", 12.0),
        ("两", 2.0),
        ("一百零五", 105.0),
        ("一百五", 150.0),
        ("二〇二五", 2025.0),
        ("12", 12.0),
        ("1.5", 1.5),
        ("1.5万", 15000.0),
        ("三五", None),
        ("abc", None),
        ("", None),
    ],
)
def test_chinese_to_number(text: str, value: float | None) -> None:
    assert chinese_to_number(text) == value
