"""Reading documents written as numbered paragraphs: the four example documents and made-up ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.draft import DraftPlan, Where
from ledger.names import looks_like_person, split_departments, strip_title
from ledger.outline import looks_like_outline, read_outline

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def lines_of(text: str) -> list[tuple[Where, str]]:
    return [(Where("line", number), line) for number, line in enumerate(text.splitlines(), 1)]


def example(name: str) -> DraftPlan:
    path = next(EXAMPLES.glob(f"{name}_*.txt"))
    return read_outline(lines_of(path.read_text("utf-8")), title_hint=path.stem)


def read(text: str, title_hint: str | None = None) -> DraftPlan:
    return read_outline(lines_of(text), title_hint=title_hint)


# --- 002: 工作要点, five headings and fifteen points ---------------------------------------

FOCUS_002 = [
    "强化政治意识",
    "落实意识形态责任",
    "弘扬科学家精神",
    "深入学习贯彻党的创新理论",
    "推动学习成果转化",
    "筑牢组织基础",
    "加强能力建设",
    "完善党建考核机制",
    "推动学术交流与合作",
    "推动学术自律自净",
    "加强典型培育示范",
    "深入开展主题实践活动",
    "落实党建责任制",
    "严格党内监督",
    "推进廉洁文化建设",
]
CATEGORIES_002 = [
    "加强政治引领，筑牢团结奋斗的思想根基",
    "强化理论武装，提升思想素养与能力水平",
    "抓实基层基础，增强组织功能与凝聚力",
    "服务发展大局，推动党建与业务深度融合",
    "全面从严治党，营造风清气正政治生态",
]


def test_002_points_are_the_tasks() -> None:
    plan = example("002")
    assert plan.title == "2025年省科协科技社团党建工作要点"
    assert plan.year == 2025
    assert plan.warnings == []
    assert [task.number for task in plan.tasks] == [str(n) for n in range(1, 16)]
    assert [task.focus for task in plan.tasks] == FOCUS_002
    assert list(dict.fromkeys(task.category for task in plan.tasks)) == CATEGORIES_002
    assert [task.category for task in plan.tasks].count(CATEGORIES_002[3]) == 4
    for task in plan.tasks:
        assert task.leaders == [] and task.lead_departments == [] and task.due_text is None


def test_002_points_broken_across_pages_are_joined() -> None:
    first, *_, last = example("002").tasks
    assert first.where == Where("line", 24)
    assert first.content.startswith("强化政治意识。推动科技社团党组织")
    assert "大额经费开支等符合党和国家的利益" in first.content
    assert first.content.endswith("推动科技社团沿着正确政治方向发展。")
    assert "引导党员科技工作者自觉遵守" in last.content
    assert "抄送" not in last.content and "委员会" not in last.content


def test_002_preamble_is_not_a_task() -> None:
    contents = "".join(task.content for task in example("002").tasks)
    assert "总体要求" not in contents and "印发给你们" not in contents


# --- 000 and 001: 总结 + 工作思路 ------------------------------------------------------------


def test_000_only_the_2025_plan() -> None:
    plan = example("000")
    assert plan.title == "泉州市科技局2024年精神文明工作总结暨2025年工作思路"
    assert plan.year == 2025
    assert [task.focus for task in plan.tasks] == [
        "强化政治思想武装",
        "强化文明新风引领",
        "强化网络文明建设",
        "强化志愿服务实践",
    ]
    assert [task.number for task in plan.tasks] == ["1", "2", "3", "4"]
    second = plan.tasks[1]
    assert second.content.startswith("强化文明新风引领。深入学习贯彻习近平文化思想，组织开展")
    assert "**" not in second.content and "#" not in second.content
    # Nothing of the 2024 summary: its points and its numbers are not tasks.
    contents = "".join(task.content for task in plan.tasks)
    for past in ("强化思想理论武装", "开展集中学习", "传承弘扬优秀文化", "1.535"):
        assert past not in contents
    (notice,) = plan.warnings
    assert notice.where == Where("line", 54)
    assert notice.params["section"] == "二、2025年工作思路"
    assert notice.params["skipped"] > 10


def test_001_only_the_2020_plan() -> None:
    plan = example("001")
    assert plan.year == 2020
    assert plan.title is not None and "2020年工作思路" in plan.title
    assert [task.focus for task in plan.tasks] == [
        "深入学习贯彻习近平新时代中国特色社会主义思想",
        "推进新时代公民道德建设、爱国主义教育",
        "深化群众性精神文明创建",
        "开展青少年科技活动",
        "推动学雷锋志愿服务、诚信制度化",
        "创建文明和谐机关",
    ]
    assert all(task.category is None for task in plan.tasks)
    third = plan.tasks[2]
    assert third.content.startswith("深化群众性精神文明创建\n扎实做好全国文明城市")
    assert "等4个单位继续做好创建" in third.content  # joined across the page break
    contents = "".join(task.content for task in plan.tasks)
    assert "抓好学习教育" not in contents and "关心下一代" not in contents
    assert "抄送" not in contents and "印发" not in plan.tasks[-1].content
    assert "only the section" in plan.warnings[0].message


# --- 003: a notice ---------------------------------------------------------------------------


def test_003_notice_is_not_a_task_list() -> None:
    plan = example("003")
    assert len(plan.tasks) <= 3
    assert plan.title is not None and plan.title.endswith("重要讲话精神的通知")
    (notice,) = plan.warnings
    assert "reads as a notice" in notice.message
    assert notice.params == {"count": len(plan.tasks)}


def test_examples_look_like_outlines() -> None:
    for name in ("000", "001", "002", "003"):
        path = next(EXAMPLES.glob(f"{name}_*.txt"))
        assert looks_like_outline(lines_of(path.read_text("utf-8")))
    assert not looks_like_outline(lines_of("一段文字。\n另一段文字。"))
    table = (EXAMPLES / "004_e60f2dc0b4861f44.txt").read_text("utf-8")
    assert not looks_like_outline(lines_of(table))


# --- made-up documents -----------------------------------------------------------------------


def test_leaders_named_in_a_heading() -> None:
    plan = read(
        "2025年区政府重点工作任务分工方案\n"
        "一、张三副区长牵头重点工作\n"
        "1. 推进项目建设。全年完成投资10亿元。\n"
        "2. 优化营商环境。深化改革。\n"
        "二、李四、王五副区长负责\n"
        "（一）抓好安全生产。开展专项检查。\n"
        "三、主要领导负责的工作\n"
        "（一）统筹全局。\n"
    )
    assert plan.title == "2025年区政府重点工作任务分工方案" and plan.year == 2025
    assert [task.leaders for task in plan.tasks] == [["张三"], ["张三"], ["李四", "王五"], []]
    assert plan.tasks[0].category == "张三副区长牵头重点工作"
    assert plan.tasks[0].focus == "推进项目建设"


@pytest.mark.parametrize(
    "tail",
    [
        "（责任领导：张三、李四；牵头单位：区发改局；责任单位：区财政局、区科技局；"
        "完成时限：2025年6月底前）",
        "(完成时限:2025年6月底前; 牵头单位:区发改局, 责任单位:区财政局、区科技局; "
        "责任领导:张三、李四)",
    ],
)
def test_trailing_fields_fill_the_task(tail: str) -> None:
    plan = read(f"工作要点\n1. 优化营商环境。深化改革，提升服务{tail}。\n2. 其他工作。\n")
    first, second = plan.tasks
    assert first.content == "优化营商环境。深化改革，提升服务。"
    assert first.leaders == ["张三", "李四"]
    assert first.lead_departments == ["区发改局"]
    assert first.responsible == ["区财政局", "区科技局"]
    assert first.due_text == "2025年6月底前"
    assert second.leaders == [] and second.due_text is None


def test_fields_on_their_own_line_and_on_a_heading() -> None:
    plan = read(
        "工作计划\n"
        "一、安全生产（分管领导：赵六；完成时间：年底前）\n"
        "1. 开展专项检查。\n"
        "配合单位：区应急局\n"
        "2. 整改隐患（责任人：孙七；时间节点：每季度末）\n"
    )
    first, second = plan.tasks
    assert (first.leaders, first.responsible, first.due_text) == (["赵六"], ["区应急局"], "年底前")
    assert first.content == "开展专项检查。"
    assert (second.leaders, second.due_text) == (["孙七"], "每季度末")
    assert first.category == "安全生产"


def test_an_unreadable_leader_stays_in_the_content() -> None:
    (task,) = read("工作要点\n1. 统筹推进（责任领导：分管副局长；完成时限：年底前）\n").tasks
    assert task.leaders == []
    assert "分管副局长" in task.content
    assert task.due_text == "年底前"


def test_nested_points_the_deepest_are_tasks() -> None:
    plan = read(
        "2025年工作要点\n"
        "一、加强党的建设\n"
        "1．强化理论学习\n"
        "（1）组织党组会学习不少于12次。\n"
        "（2）开展专题研讨。\n"
        "2．加强宣传\n"
        "（1）办好专栏。\n"
        "二、推进科普工作\n"
        "1．科普大篷车巡展40场。\n"
    )
    assert [(t.number, t.category, t.focus, t.content) for t in plan.tasks] == [
        ("1.1.1", "加强党的建设", "强化理论学习", "组织党组会学习不少于12次。"),
        ("1.1.2", "加强党的建设", "强化理论学习", "开展专题研讨。"),
        ("1.2.1", "加强党的建设", "加强宣传", "办好专栏。"),
        ("2.1", "推进科普工作", None, "科普大篷车巡展40场。"),
    ]


def test_a_point_spanning_several_lines() -> None:
    plan = read(
        "工作要点\n"
        "1、推动科技创新。组织召开科技大会，表彰一批先进\n"
        "\n"
        "- 3 -\n"
        "\n"
        "单位和个人。\n"
        "会后形成纪要。\n"
        "2、加强人才培养。\n"
        "XX市科学技术局\n"
        "2025年1月5日\n"
    )
    first, second = plan.tasks
    assert first.where == Where("line", 2)
    assert (
        first.content == "推动科技创新。组织召开科技大会，表彰一批先进单位和个人。\n会后形成纪要。"
    )
    assert first.focus == "推动科技创新"
    assert second.content == "加强人才培养。"
    assert second.focus is None  # one sentence: no title apart from the task itself


def test_markers_of_every_kind() -> None:
    plan = read(
        "工作安排\n"
        "第一，抓好学习。组织学习。\n"
        "第二，抓好落实。\n"
        "(1)细化分工。\n"
        "(2)压实责任。\n"
        "第三，抓好督查。\n"
    )
    assert [(t.number, t.category) for t in plan.tasks] == [
        ("1", None),
        ("2.1", "抓好落实"),
        ("2.2", "抓好落实"),
        ("3", None),
    ]


def test_title_hint_when_the_document_has_no_title() -> None:
    plan = read("1. 推动科技创新。\n2. 加强人才培养。\n", title_hint="2026年工作要点")
    assert (plan.title, plan.year, len(plan.tasks)) == ("2026年工作要点", 2026, 2)


def test_a_report_without_plans_has_no_tasks() -> None:
    plan = read("2024年工作总结\n一、主要成效\n1. 完成投资10亿元。\n二、存在问题\n1. 资金不足。\n")
    assert plan.tasks == []
    assert "report on past work" in plan.warnings[0].message


def test_a_report_with_a_next_steps_section() -> None:
    plan = read(
        "2024年工作总结\n"
        "一、主要成效\n"
        "1. 完成投资10亿元。\n"
        "二、下一步工作打算\n"
        "1. 推进项目建设。\n"
        "2. 优化营商环境。\n"
    )
    assert [task.content for task in plan.tasks] == ["推进项目建设。", "优化营商环境。"]
    assert plan.warnings[0].params == {"section": "二、下一步工作打算", "skipped": 2}


def test_a_notice_keeps_only_its_requests() -> None:
    plan = read(
        "关于做好2025年防汛工作的通知\n"
        "各乡镇、各部门：\n"
        "一、提高思想认识\n"
        "防汛工作事关重大，各单位要高度重视。\n"
        "二、工作要求\n"
        "1. 各乡镇要于5月底前完成隐患排查，建立台账。\n"
        "2. 防汛形势依然严峻。\n"
        "抄送：区委办\n"
    )
    assert [task.number for task in plan.tasks] == ["1"]
    assert plan.warnings[0].params == {"count": 1}


# --- names as task lists write them ------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "units"),
    [
        ("区财政局和区税务局", ["区财政局", "区税务局"]),
        ("区教育局及各街道办事处", ["区教育局", "各街道办事处"]),
        ("区民政局及区残联", ["区民政局", "区残联"]),
        ("市住房和城乡建设局", ["市住房和城乡建设局"]),
        ("区人力资源和社会保障局、区财政局", ["区人力资源和社会保障局", "区财政局"]),
        ("区委宣传部和区文化和旅游局", ["区委宣传部", "区文化和旅游局"]),
        ("区文化和旅游局和区体育中心", ["区文化和旅游局", "区体育中心"]),
        (
            "市住房和城乡建设局和市自然资源和规划局",
            ["市住房和城乡建设局", "市自然资源和规划局"],
        ),
        ("各街道和社区", ["各街道和社区"]),
        ("国网江城供电公司、市发改委", ["国网江城供电公司", "市发改委"]),
        ("市、县(市、区)科协", ["市、县（市、区）科协"]),
    ],
)
def test_units_joined_by_and_split_only_between_whole_names(cell: str, units: list[str]) -> None:
    assert split_departments(cell) == units


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("叶枝利区长", "叶枝利"),
        ("张三区政府党组成员", "张三"),
        ("王五常务副市长", "王五"),
        ("常务副区长王五", "王五"),
        ("李四同志", "李四"),
    ],
)
def test_titles_before_and_after_a_name_go(written: str, name: str) -> None:
    assert strip_title(written) == name
    assert looks_like_person(written)


def test_a_title_alone_names_nobody() -> None:
    assert not looks_like_person("区委常委")
    assert not looks_like_person("分管副局长")


# --- task lists as offices write them: fields under each point --------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        "牵头单位：区发改局；配合单位：区财政局、区统计局\n完成时限：2023年6月底前",
        "牵头单位:区发改局\n配合单位:区财政局，区统计局\n完成时限:2023年6月底前",
        "牵头单位：区发改局\n配合单位: 区财政局, 区统计局\n完成时间：2023年6月底前",
        "（牵头单位：区发改局；配合单位：区财政局和区统计局；完成时限：2023年6月底前）",
        "责任单位：区发改局、区财政局、区统计局\n完成时限：2023年6月底前",
        "责任单位：区财政局、区发改局（牵头）、区统计局\n完成时限：2023年6月底前",
        "【牵头单位】区发改局【配合单位】区财政局、区统计局【完成时限】2023年6月底前",
    ],
)
def test_fields_on_lines_under_each_point(fields: str) -> None:
    plan = read(f"2023年重点工作任务分解\n1．推进项目建设。\n{fields}\n2．优化营商环境。\n")
    first, second = plan.tasks
    assert first.content == "推进项目建设。"
    assert first.lead_departments == ["区发改局"]
    assert sorted(first.responsible) == ["区统计局", "区财政局"]
    assert first.due_text == "2023年6月底前"
    assert second.lead_departments == [] and second.due_text is None


@pytest.mark.parametrize(
    "note",
    [
        "现将任务分解如下（列第一位者为牵头单位）。",
        "现将任务分解如下，列第一位者为牵头单位。",
        "现将任务分解如下（责任单位中列第一位的为牵头单位，其他为配合单位）：",
        "注：列第一位的为牵头单位，下同。",
    ],
)
def test_a_note_on_the_first_unit_is_read_and_removed(note: str) -> None:
    plan = read(
        f"2024年重点工作任务分解\n{note}\n"
        "1．扩大有效投资。\n责任单位：市发改委（列第一位的为牵头单位，下同）、市财政局\n"
        "2．促进消费。\n责任单位：市商务局、市发改委、市文旅局\n"
    )
    assert plan.title == "2024年重点工作任务分解"
    first, second = plan.tasks
    assert (first.lead_departments, first.responsible) == (["市发改委"], ["市财政局"])
    assert (second.lead_departments, second.responsible) == (
        ["市商务局"],
        ["市发改委", "市文旅局"],
    )
    assert "第一位" not in first.content + second.content


def test_units_in_no_order_all_lead() -> None:
    (task,) = read(
        "重点任务清单\n（责任单位排名不分先后）\n1．推进改革。\n责任单位：市发改委、市财政局\n"
    ).tasks
    assert task.lead_departments == ["市发改委", "市财政局"] and task.responsible == []


@pytest.mark.parametrize(
    ("item", "lead", "responsible", "due", "content"),
    [
        (
            "推进改革。（市发展改革委牵头）",
            ["市发展改革委"],
            [],
            None,
            "推进改革。",
        ),
        (
            "推进改革。（市市场监管局、市数据局分别牵头，市司法局配合，2023年6月底前完成）",
            ["市市场监管局", "市数据局"],
            ["市司法局"],
            "2023年6月底前",
            "推进改革。",
        ),
        (
            "推进改革。市住房和城乡建设局和市自然资源和规划局分别牵头，各区人民政府配合。",
            ["市住房和城乡建设局", "市自然资源和规划局"],
            ["各区人民政府"],
            None,
            "推进改革。",
        ),
        (
            "推进改革。由市商务局牵头，市财政局、市税务局参与。",
            ["市商务局"],
            ["市财政局", "市税务局"],
            None,
            "推进改革。",
        ),
        (
            "治理污水。（各县（市、区）人民政府负责，市环保局指导）",
            ["各县（市、区）人民政府"],
            ["市环保局"],
            None,
            "治理污水。",
        ),
        (
            "建设水厂。（市住建局牵头，市水务集团负责实施）",
            ["市住建局"],
            ["市水务集团"],
            None,
            "建设水厂。",
        ),
        (
            "由区教育局牵头，组织开展校园安全检查。",
            ["区教育局"],
            [],
            None,
            "由区教育局牵头，组织开展校园安全检查。",
        ),
        (
            "扩大开放。（2023年6月底前完成）",
            [],
            [],
            "2023年6月底前",
            "扩大开放。",
        ),
        (
            "推进改革。（市发改委、市财政局）",
            ["市发改委"],
            ["市财政局"],
            None,
            "推进改革。",
        ),
    ],
)
def test_who_leads_written_in_words(
    item: str, lead: list[str], responsible: list[str], due: str | None, content: str
) -> None:
    (task,) = read(f"2023年重点任务清单\n1．{item}\n").tasks
    assert task.lead_departments == lead
    assert task.responsible == responsible
    assert task.due_text == due
    assert task.content == content


def test_a_bracket_that_only_mentions_units_in_the_text_stays() -> None:
    (task,) = read("2023年重点任务清单\n1．组建投资集团（市国资委）并完成注资，做大规模。\n").tasks
    assert task.lead_departments == [] and "（市国资委）" in task.content


# --- leaders heading their sections ---------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "leader"),
    [
        ("一、叶枝利区长牵头重点工作（共2项）", "叶枝利"),
        ("一、张三区政府党组成员牵头重点工作", "张三"),
        ("（三）王五常务副市长负责", "王五"),
        ("一、李四同志牵头", "李四"),
        ("一、区委常委、常务副区长王五牵头重点工作", "王五"),
        ("李四同志牵头重点工作（2项）", "李四"),
        ("叶枝利区长牵头重点工作", "叶枝利"),
        ("一、区长叶枝利牵头的重点工作", "叶枝利"),
        ("（一）常务副区长 王五 负责", "王五"),
    ],
)
def test_a_leader_heading_names_the_leader_of_every_task_under_it(
    heading: str, leader: str
) -> None:
    plan = read(
        "2023年区政府工作报告重点工作任务分解\n"
        f"{heading}\n"
        "1．推进项目建设。\n牵头单位：区发改局\n"
        "2．优化营商环境。\n牵头单位：区政务服务中心\n责任领导：赵六\n"
    )
    first, second = plan.tasks
    assert [task.number for task in plan.tasks] == ["1", "2"]
    assert first.leaders == [leader]
    assert second.leaders == ["赵六"]  # a task's own leader wins over its heading's
    assert not any(leader in task.content for task in plan.tasks)


def test_leaders_leading_together() -> None:
    (task,) = read("重点工作分工\n一、李四、王五副区长共同牵头\n1．抓好安全生产。\n").tasks
    assert task.leaders == ["李四", "王五"]


def test_unnumbered_leader_headings_take_turns() -> None:
    plan = read(
        "为全面落实2023年区《政府工作报告》确定的重点工作任务，现分解如下：\n"
        "刘建国镇长牵头重点工作（2项）\n"
        "1、完成固定资产投资15亿元。（责任单位：镇经发办，完成时限：2023年12月底）\n"
        "2、完成规划修编。（责任单位：镇村建办，完成时限：6月底前）\n"
        "王丽副镇长牵头重点工作（1项）\n"
        "3、新建高标准农田3000亩。（责任单位：镇农业服务中心，完成时限：10月底）\n"
        "临河镇人民政府\n"
        "2023年2月8日\n"
    )
    assert plan.title == "2023年区《政府工作报告》确定的重点工作任务" and plan.year == 2023
    assert [task.leaders for task in plan.tasks] == [["刘建国"], ["刘建国"], ["王丽"]]
    assert plan.tasks[2].content == "新建高标准农田3000亩。"
    assert plan.tasks[1].lead_departments == ["镇村建办"]


# --- deadlines: the task's own, its text, the document's horizon ------------------------------


@pytest.mark.parametrize(
    ("title", "preamble", "horizon"),
    [
        (
            "江城市人民政府关于加快基础设施建设的实施意见",
            "主要目标：2012年起5年内，投资500亿元。",
            "2016年底前",
        ),
        (
            "关于推进数字经济发展的实施方案",
            "从2012年开始，用5年左右时间，建成数字城市。",
            "2016年底前",
        ),
        (
            "2023年数字经济发展实施方案",
            "到2025年，数字经济核心产业增加值占比达到10%。",
            "2025年底前",
        ),
        ("2023年数字经济发展实施方案", "力争三年内，数字经济规模翻番。", "2025年底前"),
        ("数字经济发展三年行动方案（2023—2025年）", "制定本方案。", "2025年底前"),
        ("数字经济发展三年行动方案（2023-2025）", "制定本方案。", "2025年底前"),
        ("2023年数字经济发展实施方案", "到“十四五”末，建成数字江城。", "2025年底前"),
    ],
)
def test_the_documents_horizon_is_every_open_tasks_deadline(
    title: str, preamble: str, horizon: str
) -> None:
    plan = read(
        f"江政发〔2012〕18号\n{title}\n{preamble}\n"
        "一、重点项目\n"
        "1．建设滨江大道北延段。（市住建局牵头）\n"
        "2．建设江城大桥，2014年底前建成通车。（市交通局牵头）\n"
        "3．改造供水管网。（市水务集团牵头，完成时限：2013年6月底前）\n"
    )
    first, second, third = plan.tasks
    assert first.due_text == horizon
    assert second.due_text == "2014年底前"
    assert third.due_text == "2013年6月底前"
    notice = next(n for n in plan.warnings if "horizon" in n.message)
    assert notice.params == {"count": 1, "year": int(horizon[:4])}


def test_a_horizon_in_the_aims_section_and_the_aims_left_out() -> None:
    plan = read(
        "关于加快基础设施建设的实施意见\n"
        "一、总体要求\n（一）指导思想。坚持规划引领。\n（二）基本原则。\n1．统筹规划。\n2．突出重点。\n"
        "（三）主要目标。2012年起5年内，全市累计完成投资500亿元。\n"
        "二、重点项目\n（一）交通\n1．城市道路工程\n（1）建设滨江大道。（市住建局牵头）\n"
        "（2）改造老城区道路。（市住建局牵头）\n"
    )
    assert plan.year is None or plan.year <= 2012
    assert [task.content for task in plan.tasks] == ["建设滨江大道。", "改造老城区道路。"]
    assert all(task.due_text == "2016年底前" for task in plan.tasks)
    aims = next(n for n in plan.warnings if "aims" in n.message)
    assert aims.params == {"section": "一、总体要求", "count": 5}
    assert not any("notice" in n.message for n in plan.warnings)


def test_a_horizon_before_the_documents_year_is_ignored() -> None:
    (task,) = read("2023年工作要点\n到2020年，已全面建成。\n1．推进改革。\n").tasks
    assert task.due_text is None


# --- titles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "title", "year"),
    [
        (
            "江城区人民政府办公室\n关于印发2023年区《政府工作报告》重点工作任务分解的通知\n",
            "2023年区《政府工作报告》重点工作任务分解",
            2023,
        ),
        (
            "关于印发《2023年区〈政府工作报告〉重点工作任务分解》的通知\n",
            "2023年区《政府工作报告》重点工作任务分解",
            2023,
        ),
        (
            "关于印发《2023年区《政府工作报告》重点工作任务分解》的通知\n",
            "2023年区《政府工作报告》重点工作任务分解",
            2023,
        ),
        (
            "2023年区《政府工作报告》重点工作任务分解\n",
            "2023年区《政府工作报告》重点工作任务分解",
            2023,
        ),
        (
            "二〇二四年全市发展改革重点工作任务分解\n",
            "二〇二四年全市发展改革重点工作任务分解",
            2024,
        ),
        (
            "为抓好二〇二三年区《政府工作报告》确定的各项目标任务落实，现分解如下：\n",
            "二〇二三年区《政府工作报告》确定的各项目标任务",
            2023,
        ),
        (
            "数字经济发展三年行动方案（2023—2025年）\n",
            "数字经济发展三年行动方案（2023—2025年）",
            2023,
        ),
    ],
)
def test_the_real_title_and_year(opening: str, title: str, year: int) -> None:
    plan = read(f"{opening}1．推进改革。\n2．优化服务。\n", title_hint="outline_file")
    assert (plan.title, plan.year) == (title, year)
    assert len(plan.tasks) == 2


# --- nothing dropped silently ------------------------------------------------------------------


def test_points_left_out_are_warned_about() -> None:
    plan = read(
        "2023年重点工作任务分解\n"
        "1．推进项目建设。\n牵头单位：区发改局\n"
        "2．优化营商环境。\n"
        "4．扩大开放。\n"
        "5．（略）\n"
        "6．\n牵头单位：区财政局\n完成时限：6月底前\n"
        "7．……\n"
        "8．做好统计。\n"
        "8．做好审计。\n"
    )
    assert [task.number for task in plan.tasks] == ["1", "2", "4", "8", "8"] or [
        task.content for task in plan.tasks
    ] == ["推进项目建设。", "优化营商环境。", "扩大开放。", "做好统计。", "做好审计。"]
    said = {(notice.message, tuple(sorted(notice.params.items()))) for notice in plan.warnings}
    assert (
        "the numbering jumps from {before} to {after}: is a point missing?",
        (("after", "4"), ("before", "2")),
    ) in said
    assert ("point {label} has no task text; it was not imported", (("label", "6"),)) in said
    messages = [notice.message for notice in plan.warnings]
    assert messages.count("point {label} reads “{text}”, not a task; it was not imported") == 2
    assert "number {label} is used twice" in messages


def test_a_covering_notice_with_requests_of_its_own_is_not_the_task_list() -> None:
    plan = read(
        "区人民政府办公室关于印发2023年区《政府工作报告》确定的主要目标任务责任分解方案的通知\n"
        "各街道办事处，区人民政府各部门：\n"
        "现将《2023年区〈政府工作报告〉确定的主要目标任务责任分解方案》印发给你们，通知如下：\n"
        "一、各责任单位要高度重视，于2023年1月15日前将工作方案报区人民政府办公室。\n"
        "二、各责任单位每季度末报送进展情况。\n"
        "区人民政府办公室\n"
        "2023年1月3日\n"
        "2023年区《政府工作报告》确定的主要目标任务\n"
        "责任分解方案\n"
        "一、主要预期目标\n"
        "（一）地区生产总值增长7%以上\n"
        "责任单位：区发展和改革局\n"
        "（二）一般公共预算收入增长6%\n"
        "责任单位：区财政局、区税务局\n"
    )
    assert plan.title == "2023年区《政府工作报告》确定的主要目标任务责任分解方案"
    assert [task.content for task in plan.tasks] == [
        "地区生产总值增长7%以上",
        "一般公共预算收入增长6%",
    ]
    assert [task.lead_departments for task in plan.tasks] == [["区发展和改革局"], ["区财政局"]]


def test_a_bracket_that_mentions_first_place_is_no_note() -> None:
    (task,) = read(
        "重点任务清单\n1．争创全省第一（全市排名第一的项目为区发改局牵头项目）。\n"
    ).tasks
    assert task.content == "争创全省第一（全市排名第一的项目为区发改局牵头项目）。"


def test_leaders_with_their_titles_in_brackets() -> None:
    (task,) = read("重点任务\n1．推进改革。\n责任领导：张三（常务副区长）、李四（副区长）\n").tasks
    assert task.leaders == ["张三", "李四"] and task.content == "推进改革。"


def test_a_unit_in_a_place_whose_name_starts_with_he_is_not_split() -> None:
    from ledger.names import split_departments

    assert split_departments("市生态环境局和平分局") == ["市生态环境局和平分局"]
    assert split_departments("区财政局和区税务局") == ["区财政局", "区税务局"]


def test_a_list_of_more_than_ninety_nine_items_keeps_them_all() -> None:
    lines = ["2025年重点工作任务分解方案"]
    for i in range(1, 131):
        lines += [f"{i}．推进第{i}项重点工作。", "责任单位：区发改局"]
    plan = read("\n".join(lines))
    assert [task.number for task in plan.tasks][-2:] == ["129", "130"]
    assert len(plan.tasks) == 130
