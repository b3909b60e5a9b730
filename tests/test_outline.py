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
