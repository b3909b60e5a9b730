"""Another year's plan named in words: 去年的第3项, 前年的第5项, 2024年的第3项, 今年的第3项.

Only a year that stands right before a task's number names a plan; a year elsewhere is a date
(推迟到2026年3月) and is the deadline grammar's.
"""

from __future__ import annotations

import re
from datetime import date

_AGO = {"今年": 0, "本年": 0, "当年": 0, "去年": 1, "上年": 1, "上一年": 1, "前年": 2, "大前年": 3}
_DIGITS = {char: str(index) for index, char in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_PLAN_YEAR = re.compile(
    r"(?:(?P<word>大前年|前年|去年|上一?年|今年|本年|当年)|(?P<year>(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})\s*年)"
    r"度?的?\s*(?:(?:重点)?(?:工作)?(?:任务)?(?:计划|台账|清单|分解清单|要点)(?:中|里)?的?)?\s*"
    r"(?=第|任务|事项|#|no\.?\s*\d|\d+\s*号|[一二三四五六七八九十]+号)"
)


def read_plan_year(text: str, today: date | None) -> int | None:
    """The year of the plan ``text`` (normalised) names for a task, if it names one.

    Relative years (去年) need ``today``; without it only a written year (2024年) is read.
    """
    for match in _PLAN_YEAR.finditer(text):
        word, written = match.group("word"), match.group("year")
        if written is not None:
            return int("".join(_DIGITS.get(char, char) for char in written))
        if today is not None:
            return today.year - _AGO[word]
    return None
