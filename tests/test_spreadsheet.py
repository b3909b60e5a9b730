"""Task tables in .xlsx workbooks and .csv files (fixtures are generated here)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from ledger.columns import columns_named
from ledger.draft import DraftPlan, LedgerError
from ledger.spreadsheet import read_csv, read_xlsx

Cell = str | int | float | datetime | None


def workbook(path: Path, *sheets: tuple[str, list[list[Cell]]]) -> Path:
    """Write sheets of rows to ``path``; merge ranges are given as ("merge", "A2:A4") rows."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            if row and row[0] == "merge":
                sheet.merge_cells(str(row[1]))
            else:
                sheet.append(row)
    book.save(path)
    return path


def one_sheet(tmp_path: Path, rows: list[list[Cell]]) -> DraftPlan:
    return read_xlsx(workbook(tmp_path / "plan.xlsx", ("任务清单", rows)))


def test_common_layout(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["黄石市科协2025年重点工作任务分解清单"],
            [
                "序号",
                "重点工作",
                "工作内容",
                "工作措施",
                "牵头单位",
                "责任单位",
                "责任领导",
                "完成时间",
            ],
            [
                1,
                "党建",
                "加强政治机关建设",
                "全年学习不少于12次",
                "办公室",
                "机关党委、组宣部",
                "郑昌盛 陈汉平",
                "2025.12",
            ],
            [
                2,
                None,
                "深化学会党建",
                "1. 换届。\n2. 修订办法。",
                "学会部",
                None,
                "陈汉平副主席",
                "6月底前",
            ],
        ],
    )
    assert (plan.title, plan.year) == ("黄石市科协2025年重点工作任务分解清单", 2025)
    first, second = plan.tasks
    assert (first.number, first.focus, first.content) == ("1", "党建", "加强政治机关建设")
    assert (first.lead_departments, first.responsible) == (["办公室"], ["机关党委", "组宣部"])
    assert (first.leaders, first.due_text) == (["郑昌盛", "陈汉平"], "2025.12")
    assert first.where.n == 3 and first.where.sheet == "任务清单"
    assert second.focus == "党建"  # filled down
    assert second.measures == "1. 换届。\n2. 修订办法。"  # sub-items stay in their task
    assert (second.leaders, second.due_text) == (["陈汉平"], "6月底前")
    assert plan.warnings == []


def test_other_column_order_and_names(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["编号", "完成期限", "责任人", "主责单位", "配合单位", "具体任务", "实施举措", "备注"],
            [
                7,
                "2025年9月",
                "李麟",
                "普及部(中心)",
                "市科技馆",
                "科普进校园",
                "开展活动40场",
                "重点",
            ],
        ],
    )
    (task,) = plan.tasks
    assert (task.number, task.content, task.measures) == ("7", "科普进校园", "开展活动40场")
    assert (task.lead_departments, task.responsible) == (["普及部（中心）"], ["市科技馆"])
    assert (task.leaders, task.due_text) == (["李麟"], "2025年9月")


def test_single_responsible_column_leads_with_its_first_unit(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["序号", "工作任务", "责任单位", "完成时限"],
            [1, "推进老旧小区改造", "区住建局、区财政局、各街道", "年底前"],
            [2, "完善养老服务体系", "区民政局", "持续推进"],
        ],
    )
    first, second = plan.tasks
    assert first.content == "推进老旧小区改造"  # 工作任务 is the task when there is no 内容
    assert (first.lead_departments, first.responsible) == (["区住建局"], ["区财政局", "各街道"])
    assert (second.lead_departments, second.responsible) == (["区民政局"], [])


def test_section_heading_row_names_the_leader(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["序号", "工作内容", "牵头单位", "责任领导", "完成时限"],
            ["一、张三副区长牵头重点工作"],
            ["merge", "A2:E2"],
            [1, "推进老旧小区改造", "区住建局", None, "2025.12"],
            [2, "完善养老服务体系", "区民政局", "王五", "2025.6"],
            ["二、李四副区长牵头重点工作", None, None, None, None],
            [3, "招商引资", "区商务局", None, "2025.12"],
        ],
    )
    assert [task.leaders for task in plan.tasks] == [["张三"], ["王五"], ["李四"]]
    assert [task.category for task in plan.tasks] == [
        "张三副区长牵头重点工作",
        "张三副区长牵头重点工作",
        "李四副区长牵头重点工作",
    ]


def test_merged_number_cells_are_one_task(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["序号", "具体内容", "牵头单位", "完成时限"],
            ["8-10", "开展宣讲", "组宣部", "2025.12"],
            ["11、12、13", "推动平台整合", "办公室", "2025.12"],
            ["14.15.", "培训", "学会部", "2025.12"],
            ["16", "建设站点", "普及部", "2025.12"],
        ],
    )
    assert [task.number for task in plan.tasks] == ["8-10", "11-13", "14-15", "16"]


def test_numbers_leading_the_content_cell(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["重点工作", "具体内容", "牵头部室", "责任领导", "完成时限"],
            [
                "弘扬科学家精神",
                "8.开展宣讲活动。 9.邀请专家进校园。 10.加强阵地建设。",
                "组宣部",
                "陈汉平",
                "2025.12",
            ],
            [None, "11.讲好科协故事。", "学会部", "郑昌盛", "2025.12"],
            [None, "1.对接省科协。2.邀请专家。", "组宣部", "陈汉平", "2025.6"],
        ],
    )
    numbers = [task.number for task in plan.tasks]
    assert numbers == ["8-10", "11", None]  # a list from 1 is sub-items, not tasks 1-2
    assert plan.tasks[0].content.startswith("8.开展宣讲活动。")
    assert [notice.where.n for notice in plan.warnings if notice.where] == [4]


def test_category_fills_down_and_merged_cells_count_for_every_row(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["类别", "工作事项", "具体内容", "牵头单位", "分管领导", "完成时间"],
            ["党的建设", "政治建设", "学习贯彻", "办公室", "郑昌盛", "2025.12"],
            [None, None, "支部建设", "机关党委", None, "2025.6"],
            [None, "作风建设", "整治形式主义", "办公室", None, "2025.9"],
            ["科普工作", None, "科普月", "普及部", "李麟", "2025.9"],
            ["merge", "E2:E4"],
        ],
    )
    got = [(task.category, task.focus, task.leaders) for task in plan.tasks]
    assert got == [
        ("党的建设", "政治建设", ["郑昌盛"]),
        ("党的建设", "政治建设", ["郑昌盛"]),
        ("党的建设", "作风建设", ["郑昌盛"]),
        ("科普工作", None, ["李麟"]),  # a new category starts without the old focus
    ]


def test_spill_over_rows_join_the_task_above(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["序号", "工作内容", "推进措施", "牵头单位", "完成时限"],
            [1, "推进老旧小区改造", "1. 摸排底数。", "区住建局", "2025.12"],
            [None, None, "2. 制定方案。", None, None],
            [2, "完善养老服务体系", "建设站点", "区民政局", "2025.6"],
            [None, None, None, None, None],
        ],
    )
    assert [task.measures for task in plan.tasks] == ["1. 摸排底数。\n2. 制定方案。", "建设站点"]
    assert plan.warnings == []


def test_unnumbered_row_is_kept_and_warned(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["序号", "工作内容", "牵头单位", "完成时限"],
            [1, "推进老旧小区改造", "区住建局", "2025.12"],
            [None, "完善养老服务体系", "区民政局", "2025.6"],
        ],
    )
    assert [task.number for task in plan.tasks] == ["1", None]
    (notice,) = plan.warnings
    assert notice.where is not None and notice.where.n == 3


def test_cell_values_read_as_shown(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["序号", "工作内容", "牵头单位", "完成时间"],
            [1.0, "推进老旧小区改造", "区住建局", datetime(2025, 12, 31)],
            [2, "完善养老服务体系", "区民政局", 2025.1],
        ],
    )
    assert [task.number for task in plan.tasks] == ["1", "2"]
    assert [task.due_text for task in plan.tasks] == ["2025-12-31", "2025.1"]
    (notice,) = plan.warnings
    assert notice.params == {"text": "2025.1"}


def test_sheets_without_tasks_are_skipped_with_a_warning(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "plan.xlsx",
        ("说明", [["本表由办公室汇总"], ["联系人：张三"]]),
        ("空表", []),
        (
            "任务",
            [["序号", "工作内容", "牵头单位", "完成时限"], [1, "招商引资", "区商务局", "2025.12"]],
        ),
    )
    plan = read_xlsx(path)
    assert [task.content for task in plan.tasks] == ["招商引资"]
    assert [notice.params for notice in plan.warnings] == [{"sheet": "说明"}]


def test_hidden_sheets_are_not_read(tmp_path: Path) -> None:
    book = Workbook()
    tasks = book.active
    tasks.append(["序号", "工作内容", "牵头单位", "完成时限"])
    tasks.append([1, "招商引资", "区商务局", "2025.12"])
    old = book.create_sheet("去年")
    old.append(["序号", "工作内容", "牵头单位", "完成时限"])
    old.append([1, "旧任务", "区商务局", "2024.12"])
    old.sheet_state = "hidden"
    book.save(tmp_path / "plan.xlsx")
    plan = read_xlsx(tmp_path / "plan.xlsx")
    assert [task.content for task in plan.tasks] == ["招商引资"]
    assert [notice.params for notice in plan.warnings] == [{"sheet": "去年"}]


def test_leader_cell_without_a_person_is_warned(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["序号", "工作内容", "牵头单位", "责任领导", "完成时限"],
            [1, "招商引资", "区商务局", "分管副区长", "2025.12"],
        ],
    )
    assert plan.tasks[0].leaders == []
    assert [notice.params for notice in plan.warnings] == [{"text": "分管副区长"}]


def test_table_without_the_expected_columns_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="no header row"):
        one_sheet(tmp_path, [["姓名", "电话", "住址"], ["张三", "123", "黄石"]])


def test_empty_sheet_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="no header row"):
        one_sheet(tmp_path, [])


def test_header_without_tasks_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="no tasks"):
        one_sheet(tmp_path, [["序号", "工作内容", "牵头单位", "完成时限"]])


def test_not_a_workbook_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(LedgerError, match="not a valid"):
        read_xlsx(path)


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiters_are_sniffed(delimiter: str) -> None:
    lines = [
        ["序号", "工作内容", "牵头单位", "责任领导", "完成时限"],
        ["1", "推进老旧小区改造，完善配套", "区住建局、区财政局", "张三", "2025.12"],
        ["2", "完善养老服务体系", "区民政局", "李四", "6月底前"],
    ]
    text = "\ufeff" + "\n".join(delimiter.join(line) for line in lines) + "\n"
    plan = read_csv(text)
    assert [task.content for task in plan.tasks] == [
        "推进老旧小区改造，完善配套",
        "完善养老服务体系",
    ]
    assert plan.tasks[0].lead_departments == ["区住建局", "区财政局"]  # both lead
    assert plan.tasks[0].leaders == ["张三"]


def test_csv_quoted_cells_keep_commas_and_line_breaks() -> None:
    text = (
        "序号,具体内容,推进措施,牵头单位,完成时限\n"
        '1,"加强学习, 提升能力","1. 学习。\n2. 培训。",办公室,2025.12\n'
    )
    (task,) = read_csv(text).tasks
    assert task.content == "加强学习, 提升能力"
    assert task.measures == "1. 学习。\n2. 培训。"


def test_csv_without_a_header_is_an_error() -> None:
    with pytest.raises(LedgerError, match="no header row"):
        read_csv("a,b,c\n1,2,3\n")


def test_empty_csv_is_an_error() -> None:
    with pytest.raises(LedgerError):
        read_csv("\ufeff  \n")


def test_large_workbook(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [["序号", "工作内容", "牵头单位", "责任领导", "完成时间"]]
    rows += [[n, f"第{n}项任务", "办公室", "张三", "2025.12"] for n in range(1, 2001)]
    plan = one_sheet(tmp_path, rows)
    assert len(plan.tasks) == 2000 and plan.tasks[-1].number == "2000"


def test_one_task_over_merged_rows_takes_every_lead_unit_and_leader(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["序号", "工作任务", "牵头区领导", "牵头单位", "责任单位", "完成时限"],
            [1, "开展招商引资攻坚行动", "王立新", "区投资促进中心", "各街道办事处", "2023年12月"],
            [None, None, "赵丽娟", "区商务局", "区发改局", None],
            ["merge", "A2:A3"],
            ["merge", "B2:B3"],
            ["merge", "F2:F3"],
            [2, "培育市场主体", "赵丽娟", "区市场监管局", "区行政审批局", "2023年10月"],
        ],
    )
    first, second = plan.tasks
    assert (first.number, first.content) == ("1", "开展招商引资攻坚行动")
    assert first.lead_departments == ["区投资促进中心", "区商务局"]
    assert first.leaders == ["王立新", "赵丽娟"]
    assert first.responsible == ["各街道办事处", "区发改局"]
    assert first.due_text == "2023年12月"
    assert second.number == "2" and plan.warnings == []


def test_merged_content_without_a_number_column_is_one_task(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["重点任务", "牵头单位", "分管领导", "完成时间"],
            ["推进智改数转", "区工信局", "陈志刚", "2023年11月"],
            [None, "区数据局", "孙建国", "2023年11月"],
            ["merge", "A2:A3"],
            ["建设数字经济产业园", "区工信局", "陈志刚", "2023年12月"],
        ],
    )
    first, second = plan.tasks
    assert first.lead_departments == ["区工信局", "区数据局"]
    assert first.leaders == ["陈志刚", "孙建国"]
    assert second.content == "建设数字经济产业园"


def test_csv_continuation_rows_left_empty_belong_to_the_task_above() -> None:
    text = (
        "序号,重点任务,具体措施,责任单位,责任领导,时间节点\n"
        "1,做大做强主导产业,1.新增规上企业15家,县工信局、县发改局,张建华,2023年12月底前\n"
        ",,2.建设产业园二期,县丝网产业园管委会,李卫东,2023年10月底前\n"
        ",,,县财政局,王秀英,\n"
        "2,扩大有效投资,完成投资80亿元,县发改局,张建华,2023年12月底前\n"
    )
    plan = read_csv(text)
    first, second = plan.tasks
    assert first.measures == "1.新增规上企业15家\n2.建设产业园二期"
    assert first.lead_departments == ["县工信局", "县丝网产业园管委会", "县财政局"]
    assert first.responsible == ["县发改局"]
    assert first.leaders == ["张建华", "李卫东", "王秀英"]
    assert first.due_text == "2023年12月底前 2023年10月底前"
    assert second.number == "2" and plan.warnings == []


def test_a_cell_may_say_which_unit_leads() -> None:
    text = (
        "序号,工作任务,责任单位,完成时间\n"
        '1,扩大投资,"牵头单位：县发改局\n配合单位：县财政局、县自然资源局",2024年11月\n'
        "2,深化改革,牵头：县委编办；配合：县人社局,2024年6月\n"
        "3,轨道交通沿线开发,区住建局、区自然资源和规划分局（牵头）；区发改局,2024年9月\n"
        "4,优化营商环境,区行政审批局、区市场监管局,2024年6月\n"
    )
    got = [(task.lead_departments, task.responsible) for task in read_csv(text).tasks]
    assert got == [
        (["县发改局"], ["县财政局", "县自然资源局"]),
        (["县委编办"], ["县人社局"]),
        (["区自然资源和规划分局"], ["区住建局", "区发改局"]),
        (["区行政审批局"], ["区市场监管局"]),  # a lone 责任单位 column leads with its first
    ]


def test_units_separated_by_any_list_mark() -> None:
    text = (
        "序号,工作任务,牵头单位,配合单位,完成时限\n"
        '1,加强生态保护,"市生态环境局安平分局；县住建局",县交通运输局，县水务局,2023年12月\n'
        '2,发展数字政府,"县数据局, 县行政审批局","县财政局\n县统计局",2023年10月\n'
    )
    got = [(task.lead_departments, task.responsible) for task in read_csv(text).tasks]
    assert got == [
        (["市生态环境局安平分局", "县住建局"], ["县交通运输局", "县水务局"]),
        (["县数据局", "县行政审批局"], ["县财政局", "县统计局"]),
    ]


def test_title_wrapped_over_two_rows_and_a_year_in_chinese_numerals(tmp_path: Path) -> None:
    header = ["序号", "工作任务", "牵头单位", "完成时限"]
    task = [1, "扩大有效投资", "区发改局", "年底前"]
    plan = one_sheet(
        tmp_path,
        [["附件1"], ["2023年区《政府工作报告》确定的"], ["重点工作任务分解表"], header, task],
    )
    assert (plan.title, plan.year) == ("2023年区《政府工作报告》确定的重点工作任务分解表", 2023)
    plan = one_sheet(tmp_path, [["安平县二〇二三年重点工作任务清单"], header, task])
    assert (plan.title, plan.year) == ("安平县二〇二三年重点工作任务清单", 2023)
    plan = one_sheet(tmp_path, [["城南区重点工作任务清单"], ["（二〇二四年三月）"], header, task])
    assert (plan.title, plan.year) == ("城南区重点工作任务清单", 2024)


def test_a_number_missing_between_two_tasks_is_given_and_said(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["序号", "工作内容", "牵头单位", "完成时限"],
            [1, "推进老旧小区改造", "区住建局", "2025.12"],
            [None, "完善养老服务体系", "区民政局", "2025.6"],
            [3, "招商引资", "区商务局", "2025.12"],
        ],
    )
    assert [task.number for task in plan.tasks] == ["1", "2", "3"]
    (notice,) = plan.warnings
    assert notice.where is not None and notice.where.n == 3
    assert notice.params == {"number": "2"} and "missing between" in notice.message


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("牵头区领导", "leaders"),
        ("牵头县级领导", "leaders"),
        ("分管区领导", "leaders"),
        ("包抓领导", "leaders"),
        ("责任人", "leaders"),
        ("责任股室", "responsible"),
        ("承办科室", "responsible"),
        ("办结时限", "due"),
        ("时间节点", "due"),
        ("主要目标", "content"),
        ("重点任务", "focus"),
    ],
)
def test_header_names_offices_use(name: str, column: str) -> None:
    assert [kind.value for kind in columns_named(name)] == [column]


def test_leaders_written_with_their_titles() -> None:
    text = (
        "序号,重点任务,责任单位,,责任领导,完成时限\n"
        ",,牵头单位,配合单位,,\n"
        "1,扩大有效投资,区发改局,区财政局,王立新（常务副区长）,2023年12月\n"
        "2,培育市场主体,区市场监管局,区行政审批局,副区长 赵丽娟,2023年10月\n"
        '3,推进城市更新,区住建局,各街道办事处,"孙建国副区长、刘晓梅(副区长)",2023年11月\n'
    )
    plan = read_csv(text)
    assert [task.leaders for task in plan.tasks] == [["王立新"], ["赵丽娟"], ["孙建国", "刘晓梅"]]
    assert [task.responsible for task in plan.tasks] == [
        ["区财政局"],
        ["区行政审批局"],
        ["各街道办事处"],
    ]
    assert plan.warnings == []


def test_sub_numbers_are_numbers(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["序号", "工作任务", "牵头单位", "完成时限"],
            ["1", "推进城市更新", "区住建局", "2024年12月"],
            ["1.1", "改造老旧小区35个", "区住建局", "2024年11月"],
            ["1.2", "完成城中村改造2个", "区住建局", "2024年12月"],
            ["2", "提升城市管理", "区城管局", "2024年12月"],
        ],
    )
    assert [task.number for task in plan.tasks] == ["1", "1.1", "1.2", "2"]
    assert plan.warnings == []


def test_a_merged_number_over_rows_whose_content_is_given_once(tmp_path: Path) -> None:
    plan = one_sheet(
        tmp_path,
        [
            ["序号", "工作任务", "具体措施", "牵头单位", "责任人", "完成时限"],
            [1, "提升城市品质", "新建口袋公园8个", "区住建局", "赵文博", "2023年11月"],
            [None, None, "雨污分流改造15公里", "区水务局", "孙丽", "2023年11月"],
            ["merge", "A2:A3"],
            [2, "加强生态保护", "优良天数比例达到70%", "区生态环境分局", "赵文博", "2023年12月"],
        ],
    )
    first, second = plan.tasks
    assert first.measures == "新建口袋公园8个\n雨污分流改造15公里"
    assert (first.lead_departments, first.leaders) == (["区住建局", "区水务局"], ["赵文博", "孙丽"])
    assert second.number == "2" and plan.warnings == []
