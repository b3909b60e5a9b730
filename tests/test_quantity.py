"""Amounts in progress reports: how much was done, in which unit, and where it is written."""

from __future__ import annotations

import pytest

from nlu.quantity import Quantity, read_quantities, read_quantity

# message -> (value, unit, the amount as written) of the amount it reports
REPORTED = [
    # counts with a measure word, the way staff type them
    ("科普大篷车已经跑了25场", (25, "场", "25场")),
    ("大篷车跑了二十五场了", (25, "场", "二十五场")),
    ("讲堂办了两期", (2, "期", "两期")),
    ("院士工作站新建1家", (1, "家", "1家")),
    ("院士工作站新建一家", (1, "家", "一家")),
    ("新建3家", (3, "家", "3家")),
    ("覆盖一百二十所学校", (120, "所", "一百二十所")),
    ("大篷车25场", (25, "场", "25场")),
    ("讲座十二期", (12, "期", "十二期")),
    ("25场已完成", (25, "场", "25场")),
    ("两场已经办完", (2, "场", "两场")),
    ("大篷车 已跑 25 场", (25, "场", "25 场")),
    ("大篷车已跑２５场", (25, "场", "２５场")),
    ("🚌大篷车跑了25场💪", (25, "场", "25场")),
    ("大篷车跑了25场了👍👍", (25, "场", "25场")),
    ("大篷车跑了25场次", (25, "场次", "25场次")),
    ("组织集中学习29次", (29, "次", "29次")),
    ("慰问困难会员20位", (20, "位", "20位")),
    ("义诊300例", (300, "例", "300例")),
    ("培训了12课时", (12, "课时", "12课时")),
    ("赠送图书1,200册", (1200, "册", "1,200册")),
    ("科学素质比例提高了2个百分点", (2, "个百分点", "2个百分点")),
    ("来了30个人", (30, "人", "30个人")),
    ("组建志愿服务队8支", (8, "支", "8支")),
    ("举办了一场", (1, "场", "一场")),
    ("召开了3次座谈会", (3, "次", "3次")),
    # scales
    ("接待量到了12万人次", (120_000, "人次", "12万人次")),
    ("接待1.5万人次", (15_000, "人次", "1.5万人次")),
    ("接待１．５万人次", (15_000, "人次", "１．５万人次")),
    ("接待1.5w人次", (15_000, "人次", "1.5w人次")),
    ("受众20万人", (200_000, "人", "20万人")),
    ("接待二十万人", (200_000, "人", "二十万人")),
    ("接待一点五万人次", (15_000, "人次", "一点五万人次")),
    ("接待两万五千人", (25_000, "人", "两万五千人")),
    ("接待1万2千人", (12_000, "人", "1万2千人")),
    ("参与3千人", (3_000, "人", "3千人")),
    # approximations are the number stated, ranges their lower bound
    ("办了十来场", (10, "场", "十来场")),
    ("办了十几场", (10, "场", "十几场")),
    ("开展了20多场", (20, "场", "20多场")),
    ("参加100余人", (100, "人", "100余人")),
    ("吸引了1万多人次", (10_000, "人次", "1万多人次")),
    ("跑了约二十场", (20, "场", "二十场")),
    ("已办将近20场", (20, "场", "20场")),
    ("来了20-30人", (20, "人", "20-30人")),
    ("来了20～30人", (20, "人", "20～30人")),
    ("完成了30场左右", (30, "场", "30场")),
    # percents
    ("第15项完成80%", (80, "%", "80%")),
    ("第15项完成80％", (80, "%", "80％")),
    ("完成率80%", (80, "%", "80%")),
    ("完成了80%以上", (80, "%", "80%")),
    ("进度 80 %", (80, "%", "80 %")),
    ("12号任务进展到60%", (60, "%", "60%")),
    ("进度百分之五十", (50, "%", "百分之五十")),
    ("完成百分之八十五", (85, "%", "百分之八十五")),
    ("完成百分之百", (100, "%", "百分之百")),
    ("进度百分之70", (70, "%", "百分之70")),
    ("完成了百分之七十点五", (70.5, "%", "百分之七十点五")),
    ("第3项完成百分之六十", (60, "%", "百分之六十")),
    # fractions
    ("完成三分之二", (66.67, "%", "三分之二")),
    ("完成了三分之一", (33.33, "%", "三分之一")),
    ("完成十分之一", (10, "%", "十分之一")),
    ("完成了2/3", (66.67, "%", "2/3")),
    ("完成1/2", (50, "%", "1/2")),
    ("完成3/4", (75, "%", "3/4")),
    ("进度25/40", (62.5, "%", "25/40")),
    ("大篷车25/40场", (25, "场", "25/40场")),
    # 成 and halves
    ("完成八成", (80, "%", "八成")),
    ("完成了七成五", (75, "%", "七成五")),
    ("进度8成", (80, "%", "8成")),
    ("已完成九成", (90, "%", "九成")),
    ("九成以上已完成", (90, "%", "九成")),
    ("已经八成了", (80, "%", "八成")),
    ("完成一半了", (50, "%", "一半")),
    ("完成了一半的任务", (50, "%", "一半")),
    ("任务过半", (50, "%", "过半")),
    ("进度过半了", (50, "%", "过半")),
    ("完成了一大半", (50, "%", "大半")),
    ("已完成近半", (50, "%", "近半")),
    ("半数已完成", (50, "%", "半数")),
    # task references, dates and ordinals around the amount are not it
    ("No.15 跑了40场", (40, "场", "40场")),
    ("NO.15跑了40场", (40, "场", "40场")),
    ("#12 跑了40场", (40, "场", "40场")),
    ("任务12 跑了40场", (40, "场", "40场")),
    ("编号12，已办3期", (3, "期", "3期")),
    ("第十二项完成了80%", (80, "%", "80%")),
    ("第 12 项 完成80%", (80, "%", "80%")),
    ("关于第12项，跑了25场", (25, "场", "25场")),
    ("12项：跑了25场", (25, "场", "25场")),
    ("5·30活动开展了3场", (3, "场", "3场")),
    ("6.30前办了3场", (3, "场", "3场")),
    ("2025年办了3场", (3, "场", "3场")),
    ("3月份办了2场", (2, "场", "2场")),
    ("5月30日开了两场", (2, "场", "两场")),
    ("下午3点开了2场", (2, "场", "2场")),
    ("第1期办完了 第2期办了3场", (3, "场", "3场")),
    ("“千场科普活动”已开展25场", (25, "场", "25场")),
    ("①已跑25场", (25, "场", "25场")),
    ("……已跑了25场", (25, "场", "25场")),
    # several amounts: the one after a done cue, a share first, else the last
    ("第12项发布图文300篇 视频10期", (300, "篇", "300篇")),
    ("第12项发布图文300篇、视频10期", (300, "篇", "300篇")),
    ("计划40场，已跑了25场", (25, "场", "25场")),
    ("全年40场 目前25场", (25, "场", "25场")),
    ("40场 25场", (25, "场", "25场")),
    ("原计划40场现已完成25场", (25, "场", "25场")),
    ("40场的任务完成了25场", (25, "场", "25场")),
    ("已经跑了25场 还差15场", (25, "场", "25场")),
    ("已跑25场，本月又跑5场", (25, "场", "25场")),
    ("跑了25场，完成62.5%", (62.5, "%", "62.5%")),
    ("原计划40场，现已完成25场，完成率62.5%", (62.5, "%", "62.5%")),
    ("每场50人，共办了3场", (3, "场", "3场")),
    ("办了3场 每场50人", (3, "场", "3场")),
    ("应到30人，实到25人", (25, "人", "25人")),
    ("本月跑了5场，累计25场", (25, "场", "25场")),
    ("本月跑了5场 目前共25场", (25, "场", "25场")),
    ("今年以来累计开展科普讲座36场，受众2000余人次", (36, "场", "36场")),
    ("累计25场，完成62.5%", (62.5, "%", "62.5%")),
    ("截至目前已完成全年任务的75%", (75, "%", "75%")),
    ("已完成12场，剩余8场争取6月底前完成", (12, "场", "12场")),
    ("已对接企业15家，签约5家", (15, "家", "15家")),
    ("争取到资金10万元", (100_000, "元", "10万元")),
]

# messages with no amount in them, and why
NO_AMOUNT = [
    "第5项办完了",  # a task reference and no amount
    "第20项推迟到明年3月",  # a task reference and a date
    "5·30活动已开展",  # a date
    "32项推迟",  # a task reference opening the message
    "32项推迟到6月底",  # the same, and a date
    "  32项 已办结",  # the same after spaces
    "第12项",  # an ordinal
    "12号任务",  # a task reference
    "#12",  # a task reference
    "No.12",  # a task reference
    "任务12",  # a task reference
    "12号已办结",  # a day of the month or a task, not a count
    "3月底前完成",  # a date
    "5月30日",  # a date
    "2025年完成",  # a year
    "二〇二五年完成",  # a year in Chinese digits
    "明年3月",  # a date
    "6.30前报送",  # a date
    "6/30前完成",  # a date with a slash
    "3/5前报送",  # a date with a slash
    "2025/6/30完成",  # a date with slashes
    "下午3点开会",  # a time
    "13:30开会",  # a time
    "3个工作日内报送",  # a duration
    "一个月后完成",  # a duration
    "推迟两天",  # a duration
    "延期一周",  # a duration
    "再给两个月",  # a duration
    "还要3小时",  # a duration
    "大半年没动",  # a duration, not a share
    "一半时间在路上",  # a duration, not a share
    "第1期已办",  # an ordinal
    "第十四次会议已召开",  # a Chinese ordinal
    "完成了第二期",  # an ordinal
    "排名第3名",  # an ordinal
    "抓好“千场科普活动”",  # a quoted name
    "落实“五个一”工作制度",  # a quoted name
    "“四大家”联合调研",  # a quoted name
    "《十万个为什么》已发放",  # a title
    "推进五个一工程",  # a Chinese numeral inside a name
    "一期工程完成",  # a Chinese numeral inside a name
    "增强四个意识",  # a slogan
    "落实中央八项规定",  # a slogan
    "一个节点一个节点地抓",  # an idiom
    "一家人都来了",  # an idiom
    "一次性办结",  # an idiom
    "八成是忘了",  # 八成 meaning "probably"
    "十一期间暂停",  # a holiday
    "三八妇女节",  # a holiday
    "联系电话13812345678",  # a phone number
    "电话0571-88886666",  # a phone number
    "1380013800012场",  # a phone number run into a measure word
    "办了几十场",  # vague
    "办了数十场",  # vague
    "办了三五场",  # three or five
    "来了二三十人",  # twenty or thirty
    "已办结",  # no number
    "办完了",  # no number
    "",  # nothing
    "👍👍",  # nothing
]

# messages whose amounts are all set aside: read, but not reported
SET_ASIDE = [
    ("还差15场", (15, "场")),
    ("目标40场", (40, "场")),
    ("原计划全年40场", (40, "场")),
    ("计划举办3期", (3, "期")),
    ("3场未开展", (3, "场")),
    ("每场50人", (50, "人")),
    ("推迟到下周办2场", (2, "场")),
]


@pytest.mark.parametrize(("text", "expected"), REPORTED)
def test_reported_amount(text: str, expected: tuple[float, str, str]) -> None:
    quantity = read_quantity(text)
    assert quantity is not None
    value, unit, written = expected
    assert (quantity.value, quantity.unit) == (pytest.approx(value), unit)
    assert text[quantity.start : quantity.end] == written


@pytest.mark.parametrize("text", NO_AMOUNT)
def test_no_amount(text: str) -> None:
    assert read_quantities(text) == []
    assert read_quantity(text) is None


@pytest.mark.parametrize(("text", "expected"), SET_ASIDE)
def test_amount_set_aside_is_not_reported(text: str, expected: tuple[float, str]) -> None:
    assert [(q.value, q.unit) for q in read_quantities(text)] == [expected]
    assert read_quantity(text) is None


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (
            "计划40场，已跑了二十五场，接待１．５万人次，完成62.5%",
            ["40场", "二十五场", "１．５万人次", "62.5%"],
        ),
        ("第12项发布图文300篇 视频10期", ["300篇", "10期"]),
        ("……跑了25场…完成了三分之二", ["25场", "三分之二"]),
        ("①办了3期②接待２万人次③完成八成", ["3期", "２万人次", "八成"]),
        ("℃㎡ 跑了 25 场，进度 ８０ ％", ["25 场", "８０ ％"]),
        ("No.15跑了40场 第16项办了两期", ["40场", "两期"]),
    ],
)
def test_all_amounts_in_order_with_spans(text: str, written: list[str]) -> None:
    quantities = read_quantities(text)
    assert [text[q.start : q.end] for q in quantities] == written
    assert [q.start for q in quantities] == sorted(q.start for q in quantities)


def test_spans_survive_characters_that_fold_to_several() -> None:
    text = "……进度…80%"  # each … folds to three dots
    (quantity,) = read_quantities(text)
    assert quantity == Quantity(value=80.0, unit="%", start=5, end=8)


def test_circled_digit_does_not_join_the_number() -> None:
    (quantity,) = read_quantities("①25场")
    assert (quantity.value, quantity.unit) == (25.0, "场")
