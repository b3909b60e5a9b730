"""Benchmark: the deadline grammar's warm cost per phrase (target: at most 0.1 ms each).

Every phrase is read as a document cell (year 2025) and as chat (no year), ROUNDS times after a
warm-up, in REPEATS runs of which the fastest counts (as timeit does: a slower run measures
whatever else the machine was doing).  It prints the mean over the phrases and the slowest one.
"""

from __future__ import annotations

import time
from datetime import date

from nlu.deadline import parse_deadline

PHRASES: tuple[str, ...] = (
    "2025.12",
    "2025.2",
    "2025年6月",
    "2025.5.20",
    "2025-05-20",
    "6月底前",
    "6月30日前",
    "年底前",
    "年内",
    "上半年",
    "下半年",
    "第一季度",
    "9月中旬",
    "10月上旬",
    "每季度末",
    "每月5日前",
    "每周五",
    "2025年2月17日(星期一)下班前",
    "春节前",
    "国庆前",
    "次年1月",
    "三年内",
    "持续推进",
    "长期坚持",
    "全年",
    "下周五",
    "月底",
    "明天下午3点",
    "本周内",
    "两周后",
    "3天后",
    "一个月后",
    "下个月15号",
    "周三前",
    "下月初",
    "２０２５．１２",
    "二〇二五年十二月",
    "2025.12 2025.12",
    "2025年2月30日",
    "尽快",
    # the shapes added with the chat year, 旬前, spans and holidays' working days
    "1月10号",
    "2月底",
    "月初",
    "月中",
    "年中",
    "年前",
    "明后天",
    "明早9点前",
    "9月中旬前",
    "12月上旬前",
    "2025年9-10月",
    "2021年3-4月",
    "4至8月之间",
    "自2025年10月1日起至2025年11月30日止",
    "通告之日起至2025年12月31日",
    "从2009年至2012年",
    "到2025年",
    "次月5日前",
    "次年元月十日前",
    "国庆后第一个工作日",
    "春节后上班第一天",
    "每季度最后一个月的30日前",
    "每个季度第1个月的20日前",
    "在一月内",
    "本周五前",
)
ROUNDS = 50
REPEATS = 5
TODAY = date(2025, 3, 15)  # a Saturday: 本周五前 is the coming Friday
READINGS = (2025, None)  # a document's year, and chat


def _cost(text: str) -> float:
    """The warm cost of one reading of ``text``, in seconds: the fastest of REPEATS runs."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(ROUNDS):
            for year in READINGS:
                parse_deadline(text, today=TODAY, year=year)
        best = min(best, (time.perf_counter() - start) / (ROUNDS * len(READINGS)))
    return best


def main() -> None:
    """Time every phrase after a warm-up; print the mean cost per phrase and the slowest."""
    for text in PHRASES:  # warm-up: lazy imports, regex caches
        for year in READINGS:
            parse_deadline(text, today=TODAY, year=year)
    costs = {text: _cost(text) for text in PHRASES}
    per_phrase_ms = sum(costs.values()) / len(costs) * 1000
    slowest = max(costs, key=costs.__getitem__)
    print(
        f"parse-date: {per_phrase_ms:.3f} ms per phrase "
        f"(warm, {len(PHRASES)} phrases x {len(READINGS)} readings, best of {REPEATS}); "
        f"slowest {slowest} {costs[slowest] * 1000:.3f} ms"
    )


if __name__ == "__main__":
    main()
