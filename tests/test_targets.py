"""Quantitative targets in task text: what is counted, how many, in which unit."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.targets import Target, extract_targets

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# text -> (metric, value, unit) of its one target
FOUND = [
    ("全年组织党组会学习不少于12次", ("组织党组会学习", 12, "次")),
    ("科普大篷车巡展40场", ("科普大篷车巡展", 40, "场")),
    ("举办“科协讲堂”4期", ("举办“科协讲堂”", 4, "期")),
    ("培育企业10家以上", ("培育企业", 10, "家")),
    ("开展“科学家精神宣讲”活动5场以上", ("开展“科学家精神宣讲”活动", 5, "场")),
    ("发布各类图文不少于500篇", ("发布各类图文", 500, "篇")),
    ("计划年接待量超20万人次", ("年接待量", 200_000, "人次")),
    ("全年召开1-2次全体会议", ("召开全体会议", 1, "次")),
    ("开展活动1～2次", ("开展活动", 1, "次")),
    ("邀请专家3至5人", ("邀请专家", 3, "人")),
    ("组织高校青年科技工作者3人左右申报", ("组织高校青年科技工作者", 3, "人")),
    ("开展宣讲五场", ("开展宣讲", 5, "场")),
    ("组织培训两次", ("组织培训", 2, "次")),
    ("全年举办讲座十二期", ("举办讲座", 12, "期")),
    ("召开一到两次会议", ("召开会议", 1, "次")),
    ("新增会员100余名", ("新增会员", 100, "名")),
    ("全年开展研学活动不少于9场", ("开展研学活动", 9, "场")),
    ("打造市级优秀队伍不少于8支", ("打造市级优秀队伍", 8, "支")),
    ("2025年新建专家工作站10家以上", ("新建专家工作站", 10, "家")),
    ("赠送报刊约24,390份", ("赠送报刊", 24_390, "份")),
    ("公民科学素质比例达到16%", ("公民科学素质比例", 16, "%")),
    ("科学素质比例提高2个百分点", ("科学素质比例提高", 2, "个百分点")),
    ("争取资金10万元", ("资金", 100_000, "元")),
    ("其中每个县(市、区)科协至少承办1场", ("每个县(市、区)科协承办", 1, "场")),
    ("开展集中学习 29 次", ("开展集中学习", 29, "次")),
]

# text with no target in it, and why
NOT_FOUND = [
    "参加2025年湖北省大赛",  # a year
    "承办报告会第1期",  # an ordinal
    "组织第41届青少年科技创新大赛",  # an ordinal, and 届 is no count
    "配合做好第十四次公民科学素质抽样调查",  # a Chinese ordinal
    "精心组织5·30全国科技工作者日系列活动",  # a date
    "6月17日召开党组会议",  # a date
    "完成时限2025.12",  # a deadline
    "1. 加强政治机关建设",  # a list number
    "增强“四个意识”、坚定“四个自信”",  # quoted slogans
    "抓好“千场科普活动”",  # a quoted name
    "建立“五个一”工作制度",  # a quoted name
    "落实中央八项规定精神",  # a slogan, unquoted
    "一个节点一个节点地抓",  # a lone 一 is an idiom
    "进行为期两天的培训",  # a duration
    "下发通知3个月内完成",  # a duration
    "三八妇女节",  # not a number
    "调整派驻学会党建指导员",  # no number at all
]


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_one_target(text: str, expected: tuple[str, float, str]) -> None:
    targets = extract_targets(text)
    assert [(t.metric, t.value, t.unit) for t in targets] == [expected]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_no_target(text: str) -> None:
    assert extract_targets(text) == []


def test_phrase_as_written() -> None:
    (target,) = extract_targets("1. 及时跟进学习，全年组织党组会学习不少于12次。")
    assert target.text == "全年组织党组会学习不少于12次"
    assert target.as_json() == {
        "text": "全年组织党组会学习不少于12次",
        "metric": "组织党组会学习",
        "value": 12.0,
        "unit": "次",
    }


def test_range_keeps_its_text() -> None:
    (target,) = extract_targets("全年召开1-2场片区科普工作交流会，提升能力。")
    assert target.text == "全年召开1-2场片区科普工作交流会"
    assert target.value == 1


def test_several_in_order_without_overlap() -> None:
    text = "对全市32家学会、3家高校科协开展全覆盖走访，其中集中研讨 9 次"
    assert extract_targets(text) == [
        Target("对全市32家学会", "对全市学会", 32, "家"),
        Target("3家高校科协", "高校科协", 3, "家"),
        Target("其中集中研讨 9 次", "集中研讨", 9, "次"),
    ]


def test_clause_before_names_a_bare_count() -> None:
    (target,) = extract_targets("在展厅内开展科普讲解及科普实验，不少于12场。")
    assert (target.text, target.metric, target.value) == (
        "不少于12场",
        "在展厅内开展科普讲解及科普实验",
        12,
    )


def test_targets_in_the_measures_of_004() -> None:
    columns = [
        line.split("\t")[3]
        for line in (EXAMPLES / "004_e60f2dc0b4861f44.txt").read_text("utf-8").splitlines()
        if line.count("\t") >= 3
    ]
    found = [target for cell in columns for target in extract_targets(cell)]
    texts = {target.text for target in found}
    assert {"科普大篷车巡展40场", "全年组织党组会学习不少于12次", "举办“科协讲堂”4期"} <= texts
    by_metric = {(t.metric, t.value, t.unit) for t in found}
    assert ("科普大篷车巡展", 40, "场") in by_metric
    assert ("年接待量", 200_000, "人次") in by_metric
    assert ("开展流动科技馆巡展", 4, "站") in by_metric
    # 第1期 (an ordinal) and 第41届 are not targets; 2025年 is not one either.
    assert not any(t.unit == "期" and t.value == 1 for t in found)
    assert not any(t.value in (41, 2025) for t in found)
