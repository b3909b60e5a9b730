"""The 台账 export: the ledger as an Excel workbook, or as CSV, in the asker's language.

The workbook's first sheet holds one row per task with every field, under a title row (the plan
and the day) and a header row that stays in view, filters, and repeats on every printed page
(A4, landscape, one page wide). A second sheet sums it up per lead department and per leader
(ledger.stats). The CSV holds the first sheet's columns, UTF-8 with a BOM so that Excel reads
the Chinese right.

Ledger text never becomes a formula: a cell that begins with = + - @ (or a tab or a carriage
return) is written as text (xlsx: a string cell marked with Excel's quote prefix; CSV: a leading
single quote, as OWASP advises against CSV injection).

XlsxWriter writes the workbook, row by row (a 10,000-task export takes a few seconds:
bench/export.py).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlmodel import Session

from ledger.lights import Level, Lights, light
from ledger.render import PART_NAMES, progress, status_name
from ledger.stats import Standing, Tally, standing
from models.export import LastReport, LedgerView, last_reports, ledger_views, parties_of
from models.queries import ViewedTask
from models.reports import PartyStanding
from models.stats import completed_at
from models.tables import Person
from nlu.i18n import N_, Translate

# A cell beginning with one of these would be read as a formula by a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """A column of the ledger sheet: its header and the widest it grows (in the width of a
    narrow character; a Chinese character counts two). Longer text wraps."""

    title: str
    cap: int


COLUMNS = (
    Column(N_("Number"), 10),
    Column(N_("Category"), 16),
    Column(N_("Key work"), 24),
    Column(N_("Content"), 50),
    Column(N_("Measures"), 50),
    Column(N_("Lead departments"), 20),
    Column(N_("Responsible departments"), 24),
    Column(N_("Leaders"), 24),
    Column(N_("Deadline"), 12),
    Column(N_("Deadline as written"), 16),
    Column(N_("Status"), 10),
    Column(N_("Light"), 8),
    Column(N_("Why the light"), 18),
    Column(N_("Progress against targets"), 36),
    Column(N_("Last report on"), 12),
    Column(N_("Last report by"), 10),
    Column(N_("Last report"), 40),
    Column(N_("Each party's part"), 36),
    Column(N_("Plan"), 30),
)
LIGHT_COLUMN = 11  # index in COLUMNS: the cell filled with the level's colour

# The summary's figures for each group, after its name.
SUMMARY_COLUMNS = (
    N_("Tasks"),
    N_("Done"),
    N_("Completion rate"),
    N_("In progress"),
    N_("Not started"),
    N_("Overdue"),
    N_("Done on time"),
    N_("Done late"),
)
SUMMARY_NOTE = N_(
    "A task counts for each of its lead departments and each of its leaders; cancelled tasks "
    "are not counted. In progress: in progress or awaiting review. Lights: open tasks."
)

Value = str | int | float | date | None


@dataclass(frozen=True)
class ExportRow:
    """One task as the export shows it: the task with its names, its last report, and the
    parties of a shared task."""

    view: LedgerView
    last: LastReport | None = None
    parties: Sequence[PartyStanding] = ()


@dataclass(frozen=True)
class Ledger:
    """What an export holds: its rows, in the ledger's order, and where they stand."""

    rows: list[ExportRow]
    standing: Standing


def gather(
    session: Session,
    *,
    person: Person | None,
    plans: Sequence[int] | None,
    today: date,
    zone: ZoneInfo,
    lights: Lights,
) -> Ledger:
    """The tasks of ``plans`` (None: every plan) that ``person`` may see (None: every task, as
    an admin sees them), with their last reports, parties and figures."""
    views = ledger_views(session, person=person, plans=plans)
    ids = [view.task.id for view in views if view.task.id is not None]
    reports = last_reports(session, task_ids=ids)
    parties = parties_of(session, task_ids=ids)
    rows = [
        ExportRow(view, reports.get(view.task.id or 0), parties.get(view.task.id or 0, ()))
        for view in views
    ]
    figures = standing(
        views,
        today=today,
        lights=lights,
        completed=completed_at(session, task_ids=ids),
        zone=zone,
    )
    return Ledger(rows, figures)


@dataclass(frozen=True)
class Exported:
    """An export's file, with how many tasks it holds and the names of their plans."""

    content: bytes
    count: int
    plans: str


def export(
    session: Session,
    *,
    kind: str,
    person: Person | None,
    plans: Sequence[int] | None,
    today: date,
    zone: ZoneInfo,
    lights: Lights,
    _: Translate,
) -> Exported:
    """The ledger ``person`` may see (None: all of it) in ``plans`` as an .xlsx or a .csv
    (``kind``), in the language of ``_``."""
    ledger = gather(session, person=person, plans=plans, today=today, zone=zone, lights=lights)
    if kind == "csv":
        content = csv_bytes(ledger.rows, lights=lights, today=today, zone=zone, _=_)
    else:
        content = workbook(
            ledger.rows, standing=ledger.standing, lights=lights, today=today, zone=zone, _=_
        )
    return Exported(content, len(ledger.rows), plan_names(ledger.rows))


# --- names ----------------------------------------------------------------------------------


def plan_names(rows: Sequence[ExportRow]) -> str:
    """The plans the rows are of, in their order: 2025年重点工作、2024年重点工作."""
    return "、".join(dict.fromkeys(row.view.plan_title for row in rows if row.view.plan_title))


def title(rows: Sequence[ExportRow], today: date, _: Translate) -> str:
    """The ledger sheet's title: the plan and the day."""
    plans = plan_names(rows)
    if not plans:
        return _("Ledger as of {date}").format(date=today.isoformat())
    return _("{plan} · ledger as of {date}").format(plan=plans, date=today.isoformat())


def file_name(today: date, kind: str, _: Translate) -> str:
    """台账_2025-05-26.xlsx."""
    stem = _("ledger")
    return f"{stem}_{today.isoformat()}.{kind}"


# --- the cells ------------------------------------------------------------------------------


def number_of(view: ViewedTask) -> str | int:
    """The number as written (8-10), a plain number as a number, or #7 for a task the document
    left unnumbered (as ledger.render.number_label names it)."""
    number = view.task.number
    if not number:
        return f"#{view.task.seq + 1}"
    if number.isascii() and number.isdigit() and not number.startswith("0"):
        return int(number)
    return number


def _shared(parties: Sequence[PartyStanding]) -> bool:
    """A task shared by more than one leader or more than one department."""
    leaders = sum(party.kind == "leader" for party in parties)
    return leaders > 1 or len(parties) - leaders > 1


def _party(party: PartyStanding, zone: ZoneInfo, _: Translate) -> str:
    """学会部 (lead): reported 2025-05-26."""
    name = _("{name} (lead)").format(name=party.name) if party.lead else party.name
    status = _(PART_NAMES[party.status]) if party.status in PART_NAMES else party.status
    if party.reported_at is not None:
        status += " " + party.reported_at.astimezone(zone).date().isoformat()
    return _("{party}: {status}").format(party=name, status=status)


def values(
    row: ExportRow, *, today: date, zone: ZoneInfo, lights: Lights, _: Translate
) -> tuple[list[Value], Level | None]:
    """The row's cells, in COLUMNS' order, and its light's level (None for a closed task)."""
    view, task = row.view, row.view.task
    found = light(view, today, lights)
    report = row.last.report if row.last is not None else None
    cells: list[Value] = [
        number_of(view),
        task.category,
        task.focus,
        task.content,
        task.measures,
        "、".join(view.lead_departments),
        "、".join(view.responsible),
        "、".join(view.leaders),
        task.due,
        task.due_text,
        status_name(task.status, _),
        lights.name(found.level, _) if found is not None else None,
        found.why(lights, _) if found is not None else None,
        "\n".join(progress(target) for target in view.targets),
        report.created_at.astimezone(zone).date() if report is not None else None,
        row.last.by if row.last is not None else None,
        report.text if report is not None else None,
        "\n".join(_party(p, zone, _) for p in row.parties) if _shared(row.parties) else None,
        view.plan_title,
    ]
    cells = [None if value == "" else value for value in cells]
    return cells, found.level if found is not None else None


def guarded(text: str) -> bool:
    """True for text a spreadsheet would take for a formula."""
    return text.startswith(FORMULA_START)


def display_width(text: str) -> int:
    """How wide ``text`` shows, in narrow characters: East Asian wide ones count two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _widths(
    headers: Sequence[str], table: Sequence[Sequence[Value]], caps: Sequence[int]
) -> list[int]:
    """Each column's width: its widest line, at most its cap (what is wider wraps)."""
    widths: list[int] = []
    for index, (header, cap) in enumerate(zip(headers, caps, strict=True)):
        width = min(cap, display_width(header))
        # Each value once: names, statuses and parties' lines come again and again.
        for value in {cells[index] for cells in table}:
            if width >= cap:
                break
            if value is None:
                continue
            if isinstance(value, date):
                width = max(width, len("2025-05-26"))
                continue
            for line in str(value).split("\n"):
                if len(line) >= cap:  # as wide as the cap at one per character
                    width = cap
                    break
                if 2 * len(line) > width:  # else it cannot be wider than the column is
                    width = min(cap, max(width, display_width(line)))
        widths.append(width)
    return widths


# --- CSV ------------------------------------------------------------------------------------


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if guarded(text) else text


def csv_bytes(
    rows: Sequence[ExportRow], *, lights: Lights, today: date, zone: ZoneInfo, _: Translate
) -> bytes:
    """The ledger sheet's columns as CSV: UTF-8 with a BOM, quoted where needed, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_(column.title) for column in COLUMNS])
    for row in rows:
        cells, _level = values(row, today=today, zone=zone, lights=lights, _=_)
        writer.writerow([_csv_text(value) for value in cells])
    return out.getvalue().encode("utf-8-sig")


# --- the workbook ---------------------------------------------------------------------------

_HEADER_FILL = "D9E1F2"
_DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class _Style:
    wrap: bool = False
    fill: str | None = None
    bold: bool = False
    size: int | None = None
    number_format: str | None = None
    as_text: bool = False  # Excel's quote prefix: shown and kept as text, never a formula


def _write_text(sheet: Any, row: int, column: int, text: str, cell_format: Any) -> None:
    """``text`` in a cell, as text. XlsxWriter takes text that begins <r> and ends </r> for its
    own rich-text markup and puts it in the file unescaped; such text goes in as two runs of
    itself instead, each escaped, so that ledger text never becomes part of the file."""
    if text.startswith("<r>") and text.endswith("</r>"):
        sheet.write_rich_string(
            row, column, cell_format, text[:1], cell_format, text[1:], cell_format
        )
    else:
        sheet.write_string(row, column, text, cell_format)


class _Formats:
    """The workbook's cell formats, each made once. Every cell sits at the top of its row."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self._made: dict[_Style, Any] = {}

    def __call__(self, style: _Style) -> Any:
        made = self._made.get(style)
        if made is None:
            properties: dict[str, Any] = {"valign": "top", "text_wrap": style.wrap}
            if style.fill is not None:
                properties |= {"pattern": 1, "bg_color": f"#{style.fill}"}
            if style.bold:
                properties["bold"] = True
            if style.size is not None:
                properties["font_size"] = style.size
            if style.number_format is not None:
                properties["num_format"] = style.number_format
            if style.as_text:
                properties["quote_prefix"] = True
            made = self._made[style] = self.book.add_format(properties)
        return made

    def write(self, sheet: Any, row: int, column: int, value: Value, style: _Style) -> None:
        """``value`` in the cell at ``row`` and ``column`` (from 0), as the type it is: text
        always as text, a date as a date; None leaves the cell empty. Control characters that
        a cell cannot hold (openpyxl's list) are dropped."""
        if value is None:
            return
        if isinstance(value, str):
            text = ILLEGAL_CHARACTERS_RE.sub("", value)
            _write_text(sheet, row, column, text, self(replace(style, as_text=guarded(text))))
        elif isinstance(value, date):
            dated = replace(style, number_format=style.number_format or _DATE_FORMAT)
            sheet.write_datetime(row, column, value, self(dated))
        else:
            sheet.write_number(row, column, value, self(style))


def workbook(
    rows: Sequence[ExportRow],
    *,
    standing: Standing,
    lights: Lights,
    today: date,
    zone: ZoneInfo,
    _: Translate,
) -> bytes:
    """The .xlsx: the ledger sheet and its summary (汇总)."""
    out = io.BytesIO()
    # constant_memory: each row goes out as soon as the next begins, rather than 200,000 cells
    # kept to the end (and gone over by the garbage collector all that while); its strings are
    # written in place, with no shared-string table.
    with xlsxwriter.Workbook(out, {"constant_memory": True}) as book:
        formats = _Formats(book)
        _ledger_sheet(book, formats, rows, lights=lights, today=today, zone=zone, _=_)
        plans = plan_names(rows)
        _summary_sheet(book, formats, standing, plans=plans, lights=lights, today=today, _=_)
    return out.getvalue()


def _print_setup(sheet: Any, *, header_row: int) -> None:
    """A4 landscape, one page wide, the header row (from 0) on every page, page numbers below."""
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # as many pages down as it takes
    sheet.repeat_rows(header_row)
    sheet.center_horizontally()
    sheet.hide_gridlines(0)  # the table's lines on paper, without a border each
    sheet.set_margins(left=0.4, right=0.4)
    sheet.set_footer("&C&P / &N")


def _ledger_sheet(
    book: Any,
    formats: _Formats,
    rows: Sequence[ExportRow],
    *,
    lights: Lights,
    today: date,
    zone: ZoneInfo,
    _: Translate,
) -> None:
    """台账: the title, the header, and a row per task."""
    sheet = book.add_worksheet(_("Ledger")[:31])
    headers = [_(column.title) for column in COLUMNS]
    table: list[list[Value]] = []
    levels: list[Level | None] = []
    for row in rows:
        cells, level = values(row, today=today, zone=zone, lights=lights, _=_)
        table.append(cells)
        levels.append(level)
    caps = [column.cap for column in COLUMNS]
    widths = _widths(headers, table, caps)
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width + 2)
    sheet.freeze_panes(2, 0)  # the title and the header stay in view
    sheet.autofilter(1, 0, len(table) + 1, len(COLUMNS) - 1)
    _print_setup(sheet, header_row=1)
    formats.write(sheet, 0, 0, title(rows, today, _), _Style(bold=True, size=14))
    header = _Style(bold=True, wrap=True, fill=_HEADER_FILL)
    for index, text in enumerate(headers):
        formats.write(sheet, 1, index, text, header)

    # The task rows' 200,000 cells for 10,000 tasks: each column's formats looked up once.
    wraps = [width >= cap for width, cap in zip(widths, caps, strict=True)]
    plain = [formats(_Style(wrap=wrap)) for wrap in wraps]
    as_text = [formats(_Style(wrap=wrap, as_text=True)) for wrap in wraps]
    dated = formats(_Style(number_format=_DATE_FORMAT))
    lit = {level: formats(_Style(fill=lights.fill(level))) for level in Level}
    write_number, write_date = sheet.write_number, sheet.write_datetime
    for number, (cells, level) in enumerate(zip(table, levels, strict=True), start=2):
        for index, value in enumerate(cells):
            if value is None:
                continue
            if isinstance(value, str):
                text = ILLEGAL_CHARACTERS_RE.sub("", value)
                if index == LIGHT_COLUMN and level is not None:
                    style = lit[level]
                else:
                    style = as_text[index] if guarded(text) else plain[index]
                _write_text(sheet, number, index, text, style)
            elif isinstance(value, date):
                write_date(number, index, value, dated)
            else:
                write_number(number, index, value, plain[index])


def _summary_sheet(
    book: Any,
    formats: _Formats,
    standing: Standing,
    *,
    plans: str,
    lights: Lights,
    today: date,
    _: Translate,
) -> None:
    """汇总: the figures overall, per lead department and per leader."""
    sheet = book.add_worksheet(_("Summary")[:31])
    levels = (Level.on_track, Level.watch, Level.late)
    figures = [_(name) for name in SUMMARY_COLUMNS] + [lights.name(lv, _) for lv in levels]
    for index, width in enumerate([24] + [max(10, display_width(f) + 2) for f in figures]):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(3, 1)
    _print_setup(sheet, header_row=2)
    heading = (
        _("{plan} · summary as of {date}").format(plan=plans, date=today.isoformat())
        if plans
        else _("Summary as of {date}").format(date=today.isoformat())
    )
    formats.write(sheet, 0, 0, heading, _Style(bold=True, size=14))
    formats.write(sheet, 1, 0, _(SUMMARY_NOTE), _Style())
    fills = [_HEADER_FILL] * (1 + len(SUMMARY_COLUMNS)) + [lights.fill(lv) for lv in levels]

    def header(at: int, name: str) -> None:
        for index, (text, fill) in enumerate(zip([name, *figures], fills, strict=True)):
            formats.write(sheet, at, index, text, _Style(bold=True, wrap=True, fill=fill))

    def line(at: int, tally: Tally, name: str, *, bold: bool = False) -> None:
        numbers: list[Value] = [
            tally.total,
            tally.done,
            tally.rate,
            tally.open - tally.not_started,
            tally.not_started,
            tally.overdue,
            tally.on_time,
            tally.late,
            *(tally.lights[lv] for lv in levels),
        ]
        formats.write(sheet, at, 0, name, _Style(bold=bold))
        for index, number in enumerate(numbers, start=1):
            rate = "0.0%" if index == 3 else None
            formats.write(sheet, at, index, number, _Style(bold=bold, number_format=rate))

    at = 2
    for group, tallies in (
        (_("Lead department"), standing.departments),
        (_("Leader"), standing.leaders),
    ):
        header(at, group)
        line(at + 1, standing.overall, _("All tasks"), bold=True)
        for offset, tally in enumerate(tallies, start=at + 2):
            line(offset, tally, tally.name)
        at += 2 + len(tallies) + 1  # a blank row before the next table
