"""Quantitative targets in task text: 不少于12次, 巡展40场, 4期, 五场, 超20万人次 …

A target is a number followed by a measure word (次 场 期 篇 家 个 人次 …) or a percent sign.
What it counts (the metric) is the phrase before the number in the same clause, less the words
that only qualify it (全年, 不少于, 力争, 达到 …). When nothing is left, the noun after the
measure word names it (召开1-2次全体会议), else the clause before (…开展科普实验，不少于12场).
A range (1-2次) counts as its lower bound; 以上/左右/余 stay in the text.

Not targets: years (2025年), dates (5·30, 6月17日), ordinals (第1期, 第十四次), list numbers
(1.), durations (为期两天), numbers inside quoted names (“千场科普活动”, “五个一”), a lone 一
(一批, 一个节点: idiom far more often than a count), and Chinese numerals inside slogans
(增强四个意识, 八项规定): a Chinese numeral counts only after a verb or a comparator
(开展两次, 不少于五场) or at the end of its clause (共五场。).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from nlu.numbers import chinese_to_number


@dataclass(frozen=True)
class Target:
    text: str  # the phrase as written, e.g. "科普大篷车巡展40场"
    metric: str  # what is counted, e.g. "科普大篷车巡展"
    value: float
    unit: str  # e.g. "场"

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "metric": self.metric, "value": self.value, "unit": self.unit}


# Measure words, each with the words it must not start (场馆, 部门, 支部, 项目 are not counts).
_UNITS = {
    "人次": "",
    "场次": "",
    "篇次": "",
    "批次": "",
    "户次": "",
    "个百分点": "",
    "课时": "",
    "学时": "",
    "小时": "",
    "次": "年日",
    "场": "馆所地景",
    "期": "间限末",
    "篇": "章幅",
    "家": "庭属乡",
    "个": "月人体性别案工季",
    "支": "部持撑付出",
    "人": "民才员们大",
    "名": "单称义额",
    "所": "有属在以需得谓",
    "站": "点位长",
    "项": "目",
    "件": "",
    "批": "准示复评",
    "部": "门署分室",
    "天": "然地下",
    "条": "例件款线",
    "份": "额",
    "本": "地级单部行领年次届",
    "册": "",
    "座": "谈",
    "村": "民级",
    "户": "外籍口",
    "处": "理置室长级",
    "套": "",
    "台": "账",
    "张": "",
    "块": "",
    "幅": "",
    "门": "户类槛",
    "节": "点日约假",
    "堂": "",
    "轮": "",
    "元": "旦",
    "亩": "",
    "%": "",
    "％": "",
}
_UNIT = "|".join(
    f"{re.escape(unit)}(?![{avoid}])" if avoid else re.escape(unit)
    for unit, avoid in sorted(_UNITS.items(), key=lambda item: -len(item[0]))
)
_CN_NUMERAL = "零〇一二两三四五六七八九十百千万"
_NUMBER = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?|[{_CN_NUMERAL}]+)"
_TARGET = re.compile(
    rf"""
    (?<![\d.．{_CN_NUMERAL}])(?P<low>{_NUMBER})
    (?:\s*[-~～—–至到]\s*(?P<high>{_NUMBER}))?
    \s*(?P<scale>[万千百亿])?
    \s*(?:余|多)?
    \s*(?P<unit>{_UNIT})
    (?:及以上|以上|左右|以内|余)?
    """,
    re.VERBOSE,
)
_SCALES = {"万": 10_000.0, "千": 1_000.0, "百": 100.0, "亿": 100_000_000.0}

_BOUNDARIES = frozenset("，。；;,！？!?：:\n")
_OPENING = frozenset("“《「『")
_CLOSING = frozenset("”》」』")
# What opens a clause but is not part of the metric: list numbers, markup, qualifiers.
_LIST_MARK = re.compile(
    r"^(?:\s|<[^>]*>|\d{1,2}\s*[.、．](?!\d)|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、)+"
)
_LEADING = re.compile(
    r"^(?:\d{4}年度?|全年|年内|每年|今年|明年|计划|力争|争取|确保|其中|并且|并|同时|另外|另|再|还|"
    r"共计|共|累计|预计|拟|总计|合计)+"
)
_TRAILING = re.compile(
    r"(?:不少于|不低于|不超过|不多于|不下于|至少|达到|(?<![下到传表送抵])达|超过|超|突破|约|共计|"
    r"合计|总计|累计|共|近|逾|等|的|为)+$"
)
_INNER_QUALIFIER = re.compile(r"至少")  # 每个县科协至少承办1场: 承办 is what is counted
_STRIP = " \t、，,。；;：:"
_AFTER_NOUN = re.compile(
    r"(?!参加|参与|开展|进行|申报|参评|入库|至|到|在|的)[^，。；;,、！？!?：:\s（(“”\d]{1,12}?"
    r"(?=参加|参与|开展|进行|申报|参评|入库|至|到|在|的|[，。；;,、！？!?：:\s（(]|$)"
)
# A Chinese numeral is a count only after one of these (开展两次, 不少于五场) or at the end
# of its clause; elsewhere it is usually part of a slogan (增强四个意识).
_CN_CONTEXT = re.compile(
    r"(?:不少于|不低于|不超过|至少|达到|超过|共计|累计|开展|举办|组织|召开|举行|发布|推荐|培训|"
    r"建成|建设|打造|新增|新建|完成|出版|编印|发展|办好|开办|承办|组建|评选|表彰|慰问|走访|征集|"
    r"遴选|选派|派出|接待|巡展|共|达|超|约)$"
)


def _clause_start(text: str, position: int) -> int:
    """Where the clause holding ``position`` starts; commas inside quotes do not end one."""
    depth = 0
    for index in range(position - 1, -1, -1):
        char = text[index]
        if char in _CLOSING:
            depth += 1
        elif char in _OPENING:
            depth = max(0, depth - 1)
        elif depth == 0 and char in _BOUNDARIES:
            return index + 1
    return 0


def _quoted(text: str, position: int) -> bool:
    """True inside “…” or 《…》: a number there is part of a name (“千场科普活动”)."""
    head = text[:position]
    return head.count("“") > head.count("”") or head.count("《") > head.count("》")


def _metric(phrase: str) -> str:
    """What a phrase counts, without qualifiers: 全年组织党组会学习不少于 -> 组织党组会学习."""
    phrase = _INNER_QUALIFIER.sub("", _LIST_MARK.sub("", phrase)).strip(_STRIP)
    phrase = _LEADING.sub("", phrase).strip(_STRIP)
    return _TRAILING.sub("", phrase).strip(_STRIP)


def _value(match: re.Match[str]) -> float | None:
    """The number a match states (the lower bound of a range), scaled by 万/千; None if none."""
    low = match["low"]
    if low[0].isdigit():
        value: float | None = float(low.replace(",", ""))
    elif low == "一" and not match["high"]:
        return None
    else:
        value = chinese_to_number(low)
    if value is None:
        return None
    return value * _SCALES[match["scale"]] if match["scale"] else value


def _is_count(text: str, match: re.Match[str], before: str) -> bool:
    """Whether the number is a count rather than an ordinal, a duration or part of a name."""
    start = match.start()
    if before.rstrip().endswith(("第", "为期")) or _quoted(text, start):
        return False
    if match["low"][0].isdigit():
        return True
    following = text[match.end() : match.end() + 1]
    return bool(_CN_CONTEXT.search(before.rstrip())) or not following or following in _BOUNDARIES


def extract_targets(text: str) -> list[Target]:
    """Every quantitative target stated in ``text``, in order."""
    targets: list[Target] = []
    last_end = 0  # a target ends the phrase of the next one: 32家学会、3家高校科协
    for match in _TARGET.finditer(text):
        clause = _clause_start(text, match.start())
        start = max(clause, last_end)
        before = text[start : match.start()]
        if not _is_count(text, match, before):
            continue
        value = _value(match)
        if value is None:
            continue
        end = match.end()
        metric = _metric(before)
        if len(metric) <= 4:
            # 召开1-2次全体会议: the verb alone says little, the noun after it says what.
            noun = _AFTER_NOUN.match(text, end)
            if noun is not None:
                metric, end = metric + noun.group(0), noun.end()
        if not metric and start == clause > 0:
            # …开展科普讲解及科普实验，不少于12场: the clause before names what is counted.
            metric = _metric(text[_clause_start(text, start - 1) : start - 1])
        phrase = _LIST_MARK.sub("", text[start:end]).strip(_STRIP)
        unit = "%" if match["unit"] == "％" else match["unit"]
        targets.append(Target(text=phrase, metric=metric, value=value, unit=unit))
        last_end = end
    return targets
