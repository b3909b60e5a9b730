"""The 台账 export (ledger.export) on seed 004: the workbook opened with openpyxl, and the CSV."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from ledger.export import (
    COLUMNS,
    LIGHT_COLUMN,
    ExportRow,
    Ledger,
    csv_bytes,
    display_width,
    gather,
    number_of,
    workbook,
)
from ledger.importer import read_document
from ledger.lights import Level, Lights, light
from ledger.render import progress
from ledger.stats import Tally, standing
from ledger.store import apply_plan
from models.db import session_scope
from models.queries import TaskView, list_tasks, person_named
from models.reports import record_progress, submit_completion
from models.stats import completed_at
from models.tables import Target, Task, TaskStatus
from nlu.i18n import Translate, translator
from tests.test_bot_support import NOW, seed_plan

TODAY = date(2025, 5, 26)
ZONE = ZoneInfo("Asia/Shanghai")
LIGHTS = Lights()
ZH = translator("zh_CN")
EN = translator("en")
TASKS = 38  # in seed 004
FIRST = 3  # the first task's row: under the title and the header
HEADERS = [
    "编号", "类型", "重点工作", "具体内容", "推进措施", "牵头单位", "责任单位", "责任领导",
    "完成时限", "时限原文", "状态", "督办灯", "亮灯原因", "目标完成情况", "最近报送日期",
    "报送人", "进展情况", "各方办理情况", "任务清单",
]  # fmt: skip
PLAN = "黄石市科协2025年重点工作任务分解清单"


@pytest.fixture
def ledger(engine: Engine) -> Engine:
    """Seed 004, with progress on the caravan (task 15) and task 3 completed by its leader."""
    with session_scope(engine) as session:
        apply_plan(session, seed_plan(), now=NOW)
    with session_scope(engine) as session:
        caravan = task_numbered(session, "15")
        target = session.exec(
            select(Target).where(
                Target.task_id == caravan.id, col(Target.metric).contains("大篷车")
            )
        ).one()
        li = person_named(session, name="李麟")
        chen = person_named(session, name="陈汉平")
        assert li is not None and li.id is not None and chen is not None and chen.id is not None
        record_progress(
            session,
            task_id=caravan.id or 0,
            person_id=li.id,
            text="科普大篷车已经跑了25场",
            amount=25,
            target_id=target.id,
            now=NOW,
        )
        submit_completion(
            session, task_id=task_numbered(session, "3").id or 0, person_id=chen.id, text="办完了",
            now=NOW,
        )  # fmt: skip
    return engine


def task_numbered(session: Session, number: str) -> Task:
    return session.exec(select(Task).where(Task.number == number)).one()


def exported(engine: Engine, _: Translate = ZH) -> tuple[Ledger, bytes]:
    with session_scope(engine) as session:
        found = gather(session, person=None, plans=None, today=TODAY, zone=ZONE, lights=LIGHTS)
    content = workbook(
        found.rows, standing=found.standing, lights=LIGHTS, today=TODAY, zone=ZONE, _=_
    )
    return found, content


@dataclass
class Opened:
    book: openpyxl.Workbook

    @property
    def sheet(self) -> openpyxl.worksheet.worksheet.Worksheet:
        return self.book.worksheets[0]

    def row_of(self, number: int | str) -> int:
        """The sheet row of the task numbered ``number``."""
        for row in range(FIRST, self.sheet.max_row + 1):
            if self.sheet.cell(row, 1).value == number:
                return row
        raise LookupError(number)

    def cell(self, number: int | str, header: str) -> openpyxl.cell.cell.Cell:
        return self.sheet.cell(self.row_of(number), HEADERS.index(header) + 1)


def opened(content: bytes) -> Opened:
    return Opened(openpyxl.load_workbook(io.BytesIO(content)))


def test_one_row_per_task_with_every_field_in_its_column(ledger: Engine) -> None:
    found, content = exported(ledger)
    book = opened(content)
    sheet = book.sheet
    assert sheet.title == "台账"
    assert sheet["A1"].value == f"{PLAN} 台账（截至 2025-05-26）"
    assert [cell.value for cell in sheet[2]] == HEADERS
    assert sheet.max_row == FIRST - 1 + TASKS
    numbers = [sheet.cell(row, 1).value for row in range(FIRST, sheet.max_row + 1)]
    assert numbers == [number_of(row.view) for row in found.rows]
    assert numbers[:3] == [1, 2, 3] and len(set(numbers)) == TASKS

    assert book.cell(1, "责任领导").value == "郑昌盛、陈汉平"  # the lead first
    assert book.cell(1, "牵头单位").value == "办公室、机关党委"
    assert book.cell(1, "责任单位").value == "机关各部室、市、县（市、区）科协"
    deadline = book.cell(1, "完成时限")
    assert deadline.is_date and deadline.value == datetime(2025, 12, 31)
    assert deadline.number_format == "yyyy-mm-dd"
    assert book.cell(1, "时限原文").value == "2025.12"
    assert book.cell(1, "状态").value == "待办"
    assert book.cell(1, "任务清单").value == PLAN
    assert str(book.cell(1, "具体内容").value).startswith("1. 深入贯彻落实习近平总书记")
    assert str(book.cell(1, "推进措施").value).startswith("1. 加强政治机关建设")
    assert book.cell(2, "重点工作").value == "聚焦政策引领，更加有力坚持科协工作的领导"

    # Progress against each target, the last report, and each party of a shared task.
    caravan = next(row.view for row in found.rows if row.view.task.number == "15")
    targets = str(book.cell(15, "目标完成情况").value).split("\n")
    assert targets == [progress(target) for target in caravan.targets]
    assert any(t.startswith("科普大篷车巡展 25/40 场 (62%)") for t in targets), targets
    assert book.cell(15, "状态").value == "推进中"
    assert book.cell(15, "最近报送日期").value == datetime(2025, 5, 26)
    assert book.cell(15, "报送人").value == "李麟"
    assert book.cell(15, "进展情况").value == "科普大篷车已经跑了25场"
    parties = str(book.cell(15, "各方办理情况").value).split("\n")
    assert parties[0] == "李麟（牵头）：已报送 2025-05-26"
    assert "市科技馆（牵头）：未报送" in parties
    assert book.cell(3, "状态").value == "已办结"
    assert book.cell(3, "督办灯").value is None  # a closed task has no light
    assert book.cell(1, "最近报送日期").value is None


def test_an_overdue_task_is_lit_red_in_the_offices_colour(ledger: Engine) -> None:
    found, content = exported(ledger)
    view = next(row.view for row in found.rows if row.view.task.number == "30")
    assert view.task.due is not None and view.task.due < TODAY  # 28 February
    lit = light(view, TODAY, LIGHTS)
    assert lit is not None and lit.level == Level.late
    cell = opened(content).cell(30, "督办灯")
    assert cell.value == "红灯" == LIGHTS.name(Level.late, ZH)
    assert cell.fill.fill_type == "solid"
    assert cell.fill.fgColor.rgb.endswith(LIGHTS.fill(Level.late))
    assert opened(content).cell(30, "亮灯原因").value == "已逾期"
    # Every open task's light, and its fill, is the one ledger.lights gives it.
    book = opened(content)
    for row in found.rows:
        found_light = light(row.view, TODAY, LIGHTS)
        cell = book.cell(number_of(row.view), "督办灯")
        if found_light is None:
            assert cell.value is None
        else:
            assert cell.value == LIGHTS.name(found_light.level, ZH)
            assert cell.fill.fgColor.rgb.endswith(LIGHTS.fill(found_light.level))


def test_another_offices_colours_fill_the_light_cells(ledger: Engine) -> None:
    blue = Lights.parse("blue,yellow,red")
    with session_scope(ledger) as session:
        found = gather(session, person=None, plans=None, today=TODAY, zone=ZONE, lights=blue)
    content = workbook(
        found.rows, standing=found.standing, lights=blue, today=TODAY, zone=ZONE, _=ZH
    )
    book = opened(content)
    lit = [book.sheet.cell(row, LIGHT_COLUMN + 1) for row in range(FIRST, book.sheet.max_row + 1)]
    assert {cell.value for cell in lit} >= {"蓝灯", "黄灯", "红灯"}
    assert all(
        cell.fill.fgColor.rgb.endswith(blue.fill(Level.on_track))
        for cell in lit
        if cell.value == "蓝灯"
    )


def test_the_header_stays_in_view_filters_and_prints_on_every_a4_landscape_page(
    ledger: Engine,
) -> None:
    _found, content = exported(ledger)
    sheet = opened(content).sheet
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:S{FIRST - 1 + TASKS}"
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert int(setup.paperSize) == 9  # A4
    # One page wide, as many down as it takes; 1 is the file format's default for fitToWidth,
    # so the file may leave it out.
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.print_options.gridLines is True


def shown_widths(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[int, float]:
    """Each column's width (by its number) as Excel shows it, in characters. The file stores a
    width with the cell's padding, 5 pixels at 7 pixels a character (Calibri 11), and one
    <col> for neighbours of the same width."""
    widths: dict[int, float] = {}
    for dimension in sheet.column_dimensions.values():
        for index in range(dimension.min, dimension.max + 1):
            widths[index] = (round(dimension.width * 7) - 5) / 7
    return widths


def test_columns_fit_chinese_text_and_long_text_wraps(ledger: Engine) -> None:
    assert display_width("科普大篷车") == 10 and display_width("ab") == 2
    assert display_width("（牵头）：") == 10  # full-width punctuation is wide too
    found, content = exported(ledger)
    book = opened(content)
    shown = shown_widths(book.sheet)
    widths = {header: shown[index] for index, header in enumerate(HEADERS, start=1)}
    content_cap = COLUMNS[HEADERS.index("具体内容")].cap
    assert widths["具体内容"] == content_cap + 2  # capped; the text wraps
    assert book.cell(1, "具体内容").alignment.wrap_text is True
    widest = max(display_width("、".join(row.view.leaders)) for row in found.rows)
    assert widest < COLUMNS[HEADERS.index("责任领导")].cap
    assert widths["责任领导"] == widest + 2  # Chinese names counted two a character
    assert book.cell(1, "责任领导").alignment.wrap_text is not True


def summary_line(tally: Tally) -> list[object]:
    levels = (Level.on_track, Level.watch, Level.late)
    return [
        tally.name or "全部任务",
        tally.total,
        tally.done,
        tally.rate,
        tally.open - tally.not_started,
        tally.not_started,
        tally.overdue,
        tally.on_time,
        tally.late,
        *(tally.lights[level] for level in levels),
    ]


def test_the_summary_sheet_has_the_figures_of_ledger_stats(ledger: Engine) -> None:
    _found, content = exported(ledger)
    with session_scope(ledger) as session:
        views = list_tasks(session)
        ids = [view.task.id for view in views if view.task.id is not None]
        expected = standing(
            views, today=TODAY, lights=LIGHTS, completed=completed_at(session, task_ids=ids),
            zone=ZONE,
        )  # fmt: skip
    sheet = opened(content).book["汇总"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == f"{PLAN} 汇总（截至 2025-05-26）"
    header = ["牵头单位", "任务数", "已完成", "办结率", "正在推进", "未启动", "逾期", "按期办结"]
    header += ["超期办结", "绿灯", "黄灯", "红灯"]
    assert rows[2] == header
    departments = rows[3 : 4 + len(expected.departments)]
    assert departments == [
        pytest.approx(summary_line(t)) for t in [expected.overall, *expected.departments]
    ]
    start = 4 + len(expected.departments) + 1
    assert rows[start][0] == "责任领导"
    leaders = rows[start + 1 :]
    assert leaders == [
        pytest.approx(summary_line(t)) for t in [expected.overall, *expected.leaders]
    ]
    assert expected.overall.done == 1 and expected.overall.on_time == 1  # task 3, on time
    assert expected.overall.open - expected.overall.not_started == 1  # the caravan
    assert sheet["D4"].number_format == "0.0%"


def test_text_that_looks_like_a_formula_stays_text(ledger: Engine) -> None:
    with session_scope(ledger) as session:
        for number, content in (("1", "=1+1"), ("2", "@SUM(A1)"), ("4", "+1-1"), ("5", "-2+3")):
            session.execute(update(Task).where(col(Task.number) == number).values(content=content))
        session.execute(
            update(Task).where(col(Task.number) == "6").values(content="\t=cmd\x07|' /C calc'!A0")
        )
    found, content = exported(ledger)
    book = opened(content)
    for number, text in ((1, "=1+1"), (2, "@SUM(A1)"), (4, "+1-1"), (5, "-2+3")):
        cell = book.cell(number, "具体内容")
        assert (cell.value, cell.data_type) == (text, "s")
        assert cell.quotePrefix  # Excel shows and keeps it as text when edited
    cell = book.cell(6, "具体内容")
    assert cell.value == "\t=cmd|' /C calc'!A0" and cell.data_type == "s"  # control chars dropped
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert "<f>" not in package.read("xl/worksheets/sheet1.xml").decode()
    records = list(csv.reader(io.StringIO(csv_text(found.rows))))
    column = HEADERS.index("具体内容")
    assert records[1][column] == "'=1+1" and records[2][column] == "'@SUM(A1)"
    assert records[4][column] == "'+1-1" and records[5][column] == "'-2+3"
    assert records[6][column].startswith("'\t=cmd")


def test_text_written_like_the_files_own_markup_stays_as_written(ledger: Engine) -> None:
    injected = '<r><t>a</t></r></is></c><c r="Z9"><f>1+1</f></c><c r="Z8" t="inlineStr"><is><r>'
    with session_scope(ledger) as session:
        for number, content in (("1", "<r>x</r>"), ("2", injected + "</r>")):
            session.execute(update(Task).where(col(Task.number) == number).values(content=content))
    _found, content = exported(ledger)
    book = opened(content)
    assert book.cell(1, "具体内容").value == "<r>x</r>"
    assert book.cell(2, "具体内容").value == injected + "</r>"
    assert book.sheet["Z9"].value is None
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert "<f>" not in package.read("xl/worksheets/sheet1.xml").decode()


def csv_text(rows: list[ExportRow], _: Translate = ZH) -> str:
    content = csv_bytes(rows, lights=LIGHTS, today=TODAY, zone=ZONE, _=_)
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads it as UTF-8
    return content.decode("utf-8-sig")


def as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)


def test_the_csv_holds_the_sheets_columns_and_reads_back(ledger: Engine) -> None:
    found, content = exported(ledger)
    sheet = opened(content).sheet
    raw = csv_bytes(found.rows, lights=LIGHTS, today=TODAY, zone=ZONE, _=ZH)
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    records = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert records[0] == HEADERS
    assert len(records) == 1 + TASKS
    for offset, record in enumerate(records[1:]):
        cells = [as_text(cell.value) for cell in sheet[FIRST + offset]]
        cells += [""] * (len(HEADERS) - len(cells))
        assert record == cells
    caravan = next(r for r in records if r[0] == "15")
    assert "\n" in caravan[HEADERS.index("目标完成情况")]  # a quoted field over several lines


def test_the_export_speaks_the_askers_language(ledger: Engine) -> None:
    found, content = exported(ledger, EN)
    sheet = opened(content).sheet
    assert [cell.value for cell in sheet[2]][:4] == ["Number", "Category", "Key work", "Content"]
    assert sheet.title == "Ledger" and opened(content).book.sheetnames == ["Ledger", "Summary"]
    assert sheet["A1"].value == f"{PLAN} · ledger as of 2025-05-26"
    assert csv_text(found.rows, EN).startswith("Number,Category,Key work,Content,")


def test_an_unnumbered_task_is_named_by_its_place_and_numbers_stay_as_written() -> None:
    def view(number: str | None, seq: int) -> TaskView:
        task = Task(plan_id=1, seq=seq, number=number, content="x", created_at=NOW, updated_at=NOW)
        return TaskView(task=task)

    assert number_of(view(None, 6)) == "#7"
    assert number_of(view("8-10", 7)) == "8-10"
    assert number_of(view("12", 11)) == 12
    assert number_of(view("07", 6)) == "07"


def test_the_exported_workbook_imports_back_as_the_same_tasks(
    ledger: Engine, tmp_path: Path
) -> None:
    _found, content = exported(ledger)
    path = tmp_path / "台账.xlsx"
    path.write_bytes(content)
    again = read_document(path, today=TODAY)
    assert [
        (t.number, t.content, t.measures, t.leaders, t.lead_departments, t.responsible)
        for t in again.tasks
    ] == [
        (t.number, t.content, t.measures, t.leaders, t.lead_departments, t.responsible)
        for t in seed_plan().tasks
    ]


def test_an_empty_ledger_exports_its_headers(engine: Engine) -> None:
    with session_scope(engine) as session:
        found = gather(session, person=None, plans=None, today=TODAY, zone=ZONE, lights=LIGHTS)
    assert found.rows == [] and found.standing.overall.total == 0
    content = workbook([], standing=found.standing, lights=LIGHTS, today=TODAY, zone=ZONE, _=ZH)
    sheet = opened(content).sheet
    assert sheet["A1"].value == "台账（截至 2025-05-26）"
    assert [cell.value for cell in sheet[2]] == HEADERS and sheet.max_row == 2
    assert csv_text([]).splitlines() == [",".join(HEADERS)]


def test_closed_statuses_read_in_words(ledger: Engine) -> None:
    with session_scope(ledger) as session:
        session.execute(
            update(Task).where(col(Task.number) == "7").values(status=TaskStatus.cancelled)
        )
    _found, content = exported(ledger)
    assert opened(content).cell(7, "状态").value == "已取消"
