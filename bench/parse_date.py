"""Benchmark: the deadline grammar's warm cost per phrase."""

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
)
ROUNDS = 200
TODAY = date(2025, 3, 12)


def main() -> None:
    """Parse every phrase ROUNDS times after a warm-up and print the mean cost per phrase."""
    for text in PHRASES:  # warm-up: lazy imports, regex caches
        parse_deadline(text, today=TODAY, year=2025)
    start = time.perf_counter()
    for _ in range(ROUNDS):
        for text in PHRASES:
            parse_deadline(text, today=TODAY, year=2025)
    elapsed = time.perf_counter() - start
    per_phrase_ms = elapsed / (ROUNDS * len(PHRASES)) * 1000
    print(
        f"parse-date: {per_phrase_ms:.3f} ms per phrase "
        f"(warm, {len(PHRASES)} phrases x {ROUNDS} rounds)"
    )


if __name__ == "__main__":
    main()
