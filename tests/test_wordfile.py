"""Word documents: task tables through the grid, other documents through the outline reader."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from ledger.draft import LedgerError, Where
from ledger.wordfile import read_docx

HEADER = ["序号", "工作任务", "具体内容", "牵头单位", "责任单位", "责任领导", "完成时限"]


def document(path: Path, *blocks: str | list[list[str]]) -> Path:
    """A .docx of paragraphs (str) and tables (rows of cell texts, "\\n" for paragraphs)."""
    doc = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            doc.add_paragraph(block)
            continue
        table = doc.add_table(rows=len(block), cols=max(len(row) for row in block))
        for row, texts in zip(table.rows, block, strict=True):
            for cell, text in zip(row.cells, texts, strict=False):
                cell.text = text
    doc.save(str(path))
    return path


def test_task_table_with_title(tmp_path: Path) -> None:
    path = document(
        tmp_path / "plan.docx",
        "附件",
        "某区科协2025年重点工作任务清单",
        [
            HEADER,
            [
                "1",
                "党建引领",
                "加强政治机关建设",
                "办公室",
                "机关党委、组宣部",
                "张三 李四",
                "2025.12",
            ],
            ["2", "", "深化学会党建", "学会部", "", "李四", "6月底前"],
        ],
        "说明：各单位每月报送进展。",
    )
    plan = read_docx(path)
    assert (plan.title, plan.year) == ("某区科协2025年重点工作任务清单", 2025)
    first, second = plan.tasks
    assert (first.number, first.focus, first.content) == ("1", "党建引领", "加强政治机关建设")
    assert (first.lead_departments, first.responsible) == (["办公室"], ["机关党委", "组宣部"])
    assert (first.leaders, first.due_text) == (["张三", "李四"], "2025.12")
    assert first.where == Where("row", 2)
    assert second.focus == "党建引领"  # filled down
    assert plan.warnings == []


def test_merged_cells_heading_row_and_sub_items(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    doc = docx.Document()
    table = doc.add_table(rows=5, cols=5)
    rows = [
        ["编号", "类别", "工作内容", "主责单位", "完成时间"],
        ["一、王五副区长牵头重点工作", "", "", "", ""],
        ["1", "民生", "推进老旧小区改造\n1. 摸排底数。\n2. 制定方案。", "区住建局", "2025.12"],
        ["2", "", "完善养老服务体系", "区民政局", "2025.6"],
        ["3-4", "", "招商引资", "区商务局", "年底前"],
    ]
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    heading = table.cell(1, 0).merge(table.cell(1, 4))
    heading.text = "一、王五副区长牵头重点工作"
    table.cell(2, 1).merge(table.cell(4, 1))  # 民生 covers three rows
    doc.save(str(path))
    plan = read_docx(path)
    assert [task.number for task in plan.tasks] == ["1", "2", "3-4"]
    assert [task.leaders for task in plan.tasks] == [["王五"]] * 3
    assert [task.category for task in plan.tasks] == ["民生"] * 3
    assert plan.tasks[0].content == "推进老旧小区改造\n1. 摸排底数。\n2. 制定方案。"


def test_table_split_by_a_page_break_continues(tmp_path: Path) -> None:
    path = document(
        tmp_path / "plan.docx",
        [HEADER, ["1", "党建", "加强学习", "办公室", "", "张三", "2025.12"]],
        "",
        [["2", "", "深化学会党建", "学会部", "", "李四", "2025.6"]],
    )
    plan = read_docx(path)
    assert [task.number for task in plan.tasks] == ["1", "2"]
    assert plan.tasks[1].focus == "党建"
    assert plan.tasks[1].where == Where("row", 1, table=2)


def test_single_responsible_column_leads_with_its_first_unit(tmp_path: Path) -> None:
    path = document(
        tmp_path / "plan.docx",
        [
            ["项次", "主要任务", "责任单位", "时间节点"],
            ["1", "推进老旧小区改造", "区住建局、区财政局", "2025年6月"],
        ],
    )
    (task,) = read_docx(path).tasks
    assert (task.lead_departments, task.responsible) == (["区住建局"], ["区财政局"])


def test_document_without_task_tables_is_read_as_an_outline(tmp_path: Path) -> None:
    path = document(
        tmp_path / "notice.docx",
        "2025年科协工作要点",
        [["姓名", "电话"], ["张三", "123"]],
        "一、加强政治引领",
        "1.强化政治意识。推动科技社团党组织发挥政治核心作用。",
        "2.落实意识形态责任。健全意识形态工作责任制。",
    )
    plan = read_docx(path)
    assert [task.focus for task in plan.tasks] == ["强化政治意识", "落实意识形态责任"]
    assert [task.category for task in plan.tasks] == ["加强政治引领"] * 2
    assert [task.where for task in plan.tasks] == [Where("paragraph", 3), Where("paragraph", 4)]
    assert Where("table", 1) in [notice.where for notice in plan.warnings]  # not a task table


def test_task_table_without_tasks_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="no tasks"):
        read_docx(document(tmp_path / "x.docx", [HEADER]))


def test_not_a_docx_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(LedgerError, match="not a valid"):
        read_docx(path)


def test_section_rows_name_their_leaders_after_a_label(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    doc = docx.Document()
    table = doc.add_table(rows=5, cols=4)
    rows = [
        ["序号", "目标任务", "牵头单位", "完成时限"],
        ["", "", "", ""],
        ["1", "规上工业增加值增长8%", "县工信局", "2023年12月底前"],
        ["", "", "", ""],
        ["2", "深化国资国企改革", "县国资中心", "2023年6月底前"],
    ]
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    table.cell(1, 0).merge(table.cell(1, 3)).text = "一、稳增长（牵头县领导：张建华）"
    table.cell(3, 0).merge(table.cell(3, 3)).text = "二、促改革（牵头县领导：王秀英、李卫东副县长）"
    doc.save(str(path))
    plan = read_docx(path)
    assert [task.leaders for task in plan.tasks] == [["张建华"], ["王秀英", "李卫东"]]
    assert [task.category for task in plan.tasks] == [
        "稳增长（牵头县领导：张建华）",
        "促改革（牵头县领导：王秀英、李卫东副县长）",
    ]


def test_the_title_is_the_attachment_above_the_table_not_the_notice(tmp_path: Path) -> None:
    path = document(
        tmp_path / "notice.docx",
        "和平县人民政府办公室关于印发2024年县政府重点工作任务分工方案的通知",
        "各乡镇人民政府，县政府各部门：现将《分工方案》印发给你们，请认真贯彻落实。",
        "附件：",
        "2024年县政府重点工作",
        "任务分工方案",
        [
            ["序号", "工作任务", "牵头单位", "完成时间"],
            ["1", "扩大有效投资", "县发改局", "2024年11月"],
        ],
    )
    plan = read_docx(path)
    assert (plan.title, plan.year) == ("2024年县政府重点工作任务分工方案", 2024)
