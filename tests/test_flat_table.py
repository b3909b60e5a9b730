"""The PDF-flattened task table (examples/004) and tab-separated tables like it."""

from __future__ import annotations

import pytest

from ledger.draft import DraftPlan, LedgerError
from ledger.flat_table import kind_of, looks_like_due, looks_like_flat_table, read_flat_table
from tests.conftest import EXAMPLES, SEED_004

OFFICE = ["办公室", "机关党委"]
ALL_OFFICES = ["机关各部室", "市、县（市、区）科协"]
COUNTIES = "各县（市、区）科协"
THREE = ["李义词", "郑昌盛", "陈汉平"]
CHEN = ["陈汉平"]
LI = ["李麟"]

# Read row by row from examples/004: (line, number, lead, responsible, leaders, due).
SEED_TASKS: list[tuple[int, str | None, list[str], list[str], list[str], str]] = [
    (8, "1", OFFICE, ALL_OFFICES, ["郑昌盛", "陈汉平"], "2025.12"),
    (9, "2", OFFICE, ALL_OFFICES, ["郑昌盛", "陈汉平"], "2025.12"),  # number and content lost
    (10, "3", ["学会部"], ["组宣部", "办公室", COUNTIES], CHEN, "2025.5"),
    # The contents of 4 and 5 share line 13, 6 stands on line 14: each a line above its row.
    (13, "4", ["学会部"], [], CHEN, "2025.12"),  # empty cells moved to the line's end
    (14, "5", ["学会部"], ["组宣部", "办公室（中心）"], CHEN, "2025.12"),
    (15, "6", ["组宣部"], ["普及部", "办公室"], CHEN, "2025.6"),  # measures in 具体内容
    (16, "7", ["组宣部"], [], CHEN, "2025.8"),  # its content lost
    (19, "8-10", ["组宣部"], [COUNTIES], CHEN, "2025.12"),
    (20, "11", ["学会部"], ["办公室"], ["郑昌盛"], "2025.12"),
    (21, "12", OFFICE, ALL_OFFICES, CHEN, "2025.12"),
    (24, "13", ["普及部（中心）"], ["市科技馆", COUNTIES], LI, "2025.12"),  # 责任部室及 责任领导
    (25, "14", ["市科技馆"], ["组宣部", "各县（市）区科协"], LI, "2025.12"),
    (26, "15", ["市科技馆"], ["各县（市）区科协"], LI, "2025.12"),
    (27, "16", ["市科技馆"], ["组宣部"], LI, "2025.12"),  # 市科技馆 组宣部 李麟 in one cell
    # The contents of 17 and 18 share line 31: 17 belongs to the row above it.
    (30, "17", ["普及部（中心）", "市科技馆"], [COUNTIES], LI, "2025.12"),
    (31, "18", ["普及部（中心）"], ["学会部"], CHEN, "2025.12"),
    (34, "19", ["普及部（中心）", "市馆"], [COUNTIES], LI, "2025.12"),
    (35, "20", [], ["市科技馆", COUNTIES], LI, "2025.12"),  # 牵头部室 holds a heading
    (38, "21", ["学会部"], [COUNTIES], CHEN, "2025.12"),  # two tasks on one line
    (38, "22", ["组宣部"], ["普及部", COUNTIES], CHEN, "2025.12"),
    (41, "24", ["组宣部"], ["普及部", "学会部", COUNTIES], CHEN, "2025.12"),
    (42, "25", ["组宣部"], ["学会部"], CHEN, "2025.12"),
    (43, "26", ["组宣部"], [], CHEN, "2025.12"),
    (44, "27", ["学会部"], ["阳新县科协"], CHEN, "2025.12"),
    (47, "28", ["办公室", "组宣部"], ["学会部"], CHEN, "2025.12"),
    (48, "29", ["组宣部"], ["普及部", "学会部", "办公室"], CHEN, "2025.12"),
    (49, "30", ["组宣部"], ["办公室", "学会部"], CHEN, "2025.2"),
    (50, "31", ["组宣部"], [], CHEN, "2025.11"),  # lead and responsible: counts as lead
    (51, "32", ["组宣部"], ["学会部"], CHEN, "2025.6"),
    (54, "33", ["组宣部"], ["办公室", "学会部", "市科技馆", COUNTIES], THREE, "2025.9"),
    (55, "34", ["组宣部"], [], CHEN, "2025.12"),
    (58, "36", ["学会部"], [COUNTIES, "市科技馆"], CHEN, "2025.12"),
    (59, "37", OFFICE, ALL_OFFICES, THREE, "2025.12"),
    (60, "38", OFFICE, ALL_OFFICES, THREE, "2025.12"),
    (61, "39", OFFICE, ALL_OFFICES, THREE, "2025.12"),
    (65, "40", OFFICE, [], THREE, "2025.12"),  # header broken over two lines
    (66, "41", OFFICE, [], THREE, "2025.12"),
    (67, "42", OFFICE, [], THREE, "2025.12"),
]


@pytest.fixture(scope="module")
def seed() -> DraftPlan:
    return read_flat_table(SEED_004.read_text(encoding="utf-8"))


def test_seed_is_a_flat_table() -> None:
    assert looks_like_flat_table(SEED_004.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["000", "001", "002", "003"])
def test_narrative_seeds_are_not_flat_tables(name: str) -> None:
    (path,) = EXAMPLES.glob(f"{name}_*.txt")
    assert not looks_like_flat_table(path.read_text(encoding="utf-8"))


def test_seed_title_and_year(seed: DraftPlan) -> None:
    assert seed.title == "黄石市科协2025年重点工作任务分解清单"
    assert seed.year == 2025


def test_seed_tasks_row_by_row(seed: DraftPlan) -> None:
    got = [
        (t.where.n, t.number, t.lead_departments, t.responsible, t.leaders, t.due_text)
        for t in seed.tasks
    ]
    assert got == SEED_TASKS


def test_seed_groups_fill_down(seed: DraftPlan) -> None:
    by_number = {task.number: task for task in seed.tasks}
    assert by_number["36"].category == "聚焦“科技工作者之家”建设，更加健全组织体系"
    assert by_number["36"].focus == "扎实推进规范化建设"
    assert by_number["39"].category == "聚焦守正创新，更加有力提升建设水平"
    assert by_number["39"].focus == "提升廉洁从政能力"  # filled down from task 38
    assert (
        by_number["26"].category
        == "聚焦“科创黄石”建设，更加有力推动科技成果转化推动科技产业融合发展"
    )
    assert by_number["14"].focus == "深入实施科学素质提升行动"  # PDF gaps removed
    assert by_number["16"].focus == "深入实施科学素质提升行动"


def test_seed_texts_are_kept_whole(seed: DraftPlan) -> None:
    by_number = {task.number: task for task in seed.tasks}
    assert by_number["8-10"].content.startswith("8.开展“科学家精神宣讲”活动不少于5场。 9.邀请")
    assert "10.深入学习贯彻" in by_number["8-10"].content
    assert by_number["21"].content == "21. 围绕黄石十大重点产业链供应链来黄开展产学研合作对接活动。"
    assert by_number["22"].content.startswith("22. 积极对接中国科协")
    assert (by_number["21"].measures or "").endswith("并开展产学研对接活动。")
    assert (by_number["22"].measures or "").startswith("1. 摸清技术需求。")
    assert "巡展" not in (by_number["1"].measures or "")
    assert "不少于12次" in (seed.tasks[1].measures or "")  # the unnumbered row after task 1
    for task in seed.tasks:
        for text in (task.content, task.measures or "", task.category or "", task.focus or ""):
            assert "<p>" not in text and "</p>" not in text


def test_seed_measures_sitting_in_the_content_column(seed: DraftPlan) -> None:
    row_15 = next(task for task in seed.tasks if task.where.n == 15)
    assert (row_15.measures or "").startswith("1.举办“全国科技工作者日”主题活动")


def test_seed_contents_a_row_away_from_their_measures_go_to_their_rows(seed: DraftPlan) -> None:
    by_number = {task.number: task for task in seed.tasks}
    assert by_number["4"].content.startswith("4.不断深化学会党建工作")
    assert "5." not in by_number["4"].content
    assert by_number["5"].content.startswith("5.调整派驻学会党建指导员")
    assert "学会党建指导员" in (by_number["5"].measures or "")
    assert by_number["6"].content.startswith("6.精心组织5·30全国科技工作者日")
    assert (by_number["6"].measures or "").startswith("1.举办“全国科技工作者日”主题活动")
    assert by_number["7"].content == "" and by_number["7"].measures
    assert by_number["17"].content.startswith("17. 加强科普阵地建设")
    assert by_number["18"].content.startswith("18. 开展学会科普联合行动")
    assert by_number["2"].content == "" and by_number["2"].focus and by_number["2"].measures


def test_seed_warnings(seed: DraftPlan) -> None:
    warned = {
        (notice.where.n if notice.where else None, notice.message) for notice in seed.warnings
    }
    assert not any("kept without one" in message for _, message in warned)
    assert not any("run together" in message for _, message in warned)
    numbered = {line for line, message in warned if "the number missing between" in message}
    assert numbered == {9, 16}
    moved = {
        (notice.where.n, notice.params["first"], notice.params["last"])
        for notice in seed.warnings
        if notice.where and "moved to the row" in notice.message
    }
    assert moved == {(13, 4, 7), (30, 17, 18)}
    assert any(line == 35 and "could not be placed" in message for line, message in warned)
    assert len(seed.warnings) == 5


def table(*lines: str) -> str:
    """A flattened table: cells separated by `|` here, tabs in the text."""
    return "\n".join(line.replace("|", "\t") for line in lines)


def test_other_column_order_and_names() -> None:
    text = table(
        "某区2024年重点工作任务清单",
        "",
        "序号|工作任务|责任单位|完成时间|分管领导",
        "1|建设数字政务平台|区数据局、区财政局|2024年6月底前|张三",
        "2|开展安全生产大检查|区应急局|每季度末|李四副区长",
    )
    plan = read_flat_table(text)
    assert plan.title == "某区2024年重点工作任务清单" and plan.year == 2024
    first, second = plan.tasks
    assert (first.number, first.content) == ("1", "建设数字政务平台")
    assert first.lead_departments == ["区数据局"]  # a lone 责任单位 column leads with its first
    assert first.responsible == ["区财政局"]
    assert (first.due_text, first.leaders) == ("2024年6月底前", ["张三"])
    assert (second.leaders, second.due_text) == (["李四"], "每季度末")


def test_section_heading_line_names_the_leader() -> None:
    text = table(
        "序号|工作内容|牵头单位|完成时限",
        "一、张三副区长牵头重点工作",
        "1|推进老旧小区改造|区住建局|2025.12",
        "2|完善养老服务体系|区民政局|2025.6",
        "二、李四副区长牵头重点工作",
        "3|招商引资|区商务局|2025.12",
    )
    plan = read_flat_table(text)
    assert [task.leaders for task in plan.tasks] == [["张三"], ["张三"], ["李四"]]
    assert plan.tasks[0].category == "张三副区长牵头重点工作"
    assert plan.warnings == []


def test_spilled_lines_join_the_task_above() -> None:
    text = table(
        "序号|工作内容|推进措施|牵头单位|责任领导|完成时限",
        "1|推进老旧小区改造|1. 摸排底数。|区住建局|张三|2025.12",
        "||2. 制定方案。|||",
        "2|完善养老服务体系|建设站点10个|区民政局|李四|2025.6",
    )
    plan = read_flat_table(text)
    assert len(plan.tasks) == 2
    assert plan.tasks[0].measures == "1. 摸排底数。\n2. 制定方案。"


def test_lost_cells_are_read_by_meaning() -> None:
    text = table(
        "类型|重点工作|具体内容|推进措施|牵头部室|责任部室|责任领导|完成时限",
        "党建|机关建设|7.加强学习|1.每月学习一次。|办公室|组宣部|王五|2025.12",
        "8.开展调研 9.形成报告|1.走访企业。 2.撰写报告。|组宣部 学会部 王五|2025.9|||",
    )
    plan = read_flat_table(text)
    second = plan.tasks[1]
    assert second.number == "8-9"
    assert (second.lead_departments, second.responsible) == (["组宣部"], ["学会部"])
    assert (second.leaders, second.due_text) == (["王五"], "2025.9")
    assert (second.category, second.focus) == ("党建", "机关建设")  # filled down


def test_unnumbered_row_in_a_numbered_table_is_warned() -> None:
    text = table(
        "序号|工作内容|牵头单位|完成时限",
        "1|推进老旧小区改造|区住建局|2025.12",
        "|完善养老服务体系|区民政局|2025.6",
    )
    plan = read_flat_table(text)
    assert [task.number for task in plan.tasks] == ["1", None]
    assert [notice.where.n for notice in plan.warnings if notice.where] == [3]


def test_no_header_is_an_error() -> None:
    with pytest.raises(LedgerError, match="no header row"):
        read_flat_table(table("姓名|电话", "张三|123"))


def test_header_without_rows_is_an_error() -> None:
    with pytest.raises(LedgerError, match="no tasks"):
        read_flat_table(table("序号|工作内容|牵头单位|完成时限"))


@pytest.mark.parametrize(
    ("cell", "due"),
    [
        ("2025.12", True),
        ("2025.6 2025.12", True),
        ("6月底前", True),
        ("持续推进", True),
        ("每季度末", True),
        ("2025年2月17日(星期一)下班前", True),
        ("陈汉平", False),
        ("组宣部", False),
        ("加强学习", False),
    ],
)
def test_deadline_cells(cell: str, due: bool) -> None:
    assert looks_like_due(cell) is due


def test_cells_by_meaning() -> None:
    assert kind_of("郑昌盛 陈汉平").value == "people"
    assert kind_of("市科技馆 组宣部 李麟").value == "departments+people"
    assert kind_of("各县(市、 区)科协").value == "departments"
    assert kind_of("壮大科普 人才队伍").value == "text"  # four characters are not a name
    assert kind_of("8-10").value == "number"


def test_a_content_printed_a_row_above_its_measures_goes_to_its_row() -> None:
    text = table(
        "重点工作|具体内容|推进措施|牵头科室|责任领导|完成时限",
        "平台|5. 落实加计扣除政策。|开展宣讲。|政策法规科|郑洁|2024.6",
        "转化|6. 举办对接活动6场。 7. 技术合同登记5亿元。|1. 联系院所。|成果转化科|陈立|2024.12",
        "||1. 开展登记辅导。 2. 落实奖补。|成果转化科|陈立|2024.11",
        "|8. 推进知识产权质押融资。|对接银行。|办公室|陈立|2024.9",
    )
    plan = read_flat_table(text)
    got = [(task.number, task.content[:2], task.due_text) for task in plan.tasks]
    want = [("5", "2024.6"), ("6", "2024.12"), ("7", "2024.11"), ("8", "2024.9")]
    assert got == [(number, f"{number}.", due) for number, due in want]
    (notice,) = plan.warnings
    assert notice.where is not None and notice.where.n == 3
    assert (notice.params["first"], notice.params["last"]) == (6, 7)


def test_rows_that_do_not_fit_the_numbering_are_left_as_they_are() -> None:
    text = table(
        "重点工作|具体内容|推进措施|牵头科室|责任领导|完成时限",
        "宣传|8. 开展宣讲。 9. 进校园。 10. 阵地建设。|1. 对接省科协。|组宣部|陈汉平|2025.12",
        "|11. 讲好科协故事。|1. 加强宣传。|学会部|郑昌盛|2025.12",
        "||1. 发布信息500篇。|办公室|陈汉平|2025.12",
    )
    plan = read_flat_table(text)
    assert [task.number for task in plan.tasks] == ["8-10", "11", None]
    assert [notice.where.n for notice in plan.warnings if notice.where] == [4]
    assert "kept without one" in plan.warnings[0].message


def test_county_units_named_gu_are_departments() -> None:
    text = table(
        "重点工作|具体内容|牵头股室|责任领导|完成时限",
        "平台|1. 争创省级研发中心2家。|科技股|吴刚|2024.10",
    )
    (task,) = read_flat_table(text).tasks
    assert (task.lead_departments, task.leaders) == (["科技股"], ["吴刚"])
