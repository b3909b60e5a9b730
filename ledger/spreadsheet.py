"""Task tables in spreadsheets: .xlsx workbooks (every visible sheet) and .csv text.

Cells are read by their column under the header row (``ledger.grid``). Merged cells, which
offices use for a group's category or a shared leader, count for every row they cover.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from ledger.draft import N_, DraftPlan, LedgerError, Where
from ledger.grid import Row, find_header, no_table_error, read_table

_DELIMITERS = ("\t", ",", ";", "|")
_SNIFF_RECORDS = 60
_MAX_MERGED_CELLS = 200_000  # a merge over a whole column is formatting, not data
_YEAR_MONTH = re.compile(r"(?:19|20)\d{2}\.1")


def read_xlsx(path: Path) -> DraftPlan:
    """The tasks of every sheet of an .xlsx workbook that holds a task table."""
    # calamine (Rust) reads a workbook about ten times faster than openpyxl.
    from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as error:
        raise LedgerError(N_("the file is not a valid .xlsx workbook")) from error
    plan = DraftPlan()
    tables = 0
    with book:
        for meta in book.sheets_metadata:
            if meta.visible != SheetVisibleEnum.Visible:
                plan.warn(None, N_("sheet {sheet} is hidden and was not read"), sheet=meta.name)
                continue
            before = len(plan.tasks)
            rows = list(_sheet_rows(book.get_sheet_by_name(meta.name), plan))
            if read_table(rows, plan) is not None:
                tables += 1
                if len(plan.tasks) == before:
                    plan.warn(None, N_("sheet {sheet} holds no tasks"), sheet=meta.name)
            elif any(any(cells) for _, cells in rows):
                plan.warn(
                    None,
                    N_("sheet {sheet} has no task table (no header row found); it was skipped"),
                    sheet=meta.name,
                )
    if not tables:
        raise LedgerError(no_table_error())
    if not plan.tasks:
        raise LedgerError(N_("the workbook's task table holds no tasks"))
    return plan


def _sheet_rows(sheet: Any, plan: DraftPlan) -> Iterator[Row]:
    """A sheet's rows as text, each merged cell's value filled into every cell it covers."""
    fills: dict[int, dict[int, tuple[int, int]]] = {}  # row -> column -> the merge's top-left
    covered = 0
    for (top, left), (bottom, right) in sheet.merged_cell_ranges or ():
        covered += (bottom - top + 1) * (right - left + 1)
        if covered > _MAX_MERGED_CELLS:
            break
        for row in range(top, bottom + 1):
            fills.setdefault(row, {}).update(dict.fromkeys(range(left, right + 1), (top, left)))
    values = sheet.to_python(skip_empty_area=False)
    for index, row_values in enumerate(values):
        where = Where("row", index + 1, sheet=sheet.name)
        cells = [_text(value, plan, where) for value in row_values]
        for column, (top, left) in fills.get(index, {}).items():
            if column < len(cells) and not cells[column]:
                source = values[top][left] if left < len(values[top]) else ""
                cells[column] = _text(source, plan, where)
        yield where, cells


def _text(value: object, plan: DraftPlan, where: Where) -> str:
    """A cell value as the text it shows: 8.0 -> 8, a date -> 2025-12-31."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = repr(value)
        if _YEAR_MONTH.fullmatch(text):
            # Typed 2025.10, stored as the number 2025.1: October or January cannot be told.
            plan.warn(
                where,
                N_(
                    "{text} is stored as a number, so 2025.10 and 2025.1 look the same; "
                    "write the deadline as text"
                ),
                text=text,
            )
        return text
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_csv(text: str) -> DraftPlan:
    """The tasks of a .csv table; the delimiter is the one under which a header row appears."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise LedgerError(N_("the file is empty"))
    delimiter = _delimiter(text)
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise LedgerError(N_("the .csv file is malformed: {error}"), error=str(error)) from error
    rows = [(Where("row", number), record) for number, record in enumerate(records, 1)]
    plan = DraftPlan()
    if read_table(rows, plan) is None:
        raise LedgerError(no_table_error())
    if not plan.tasks:
        raise LedgerError(N_("the table holds no tasks"))
    return plan


def _delimiter(text: str) -> str:
    """The delimiter under which the file has a header row; else the sniffer's guess."""
    sample = text[:65536]
    counted = sorted(_DELIMITERS, key=lambda d: -sample.count(d))
    for delimiter in counted:
        try:
            head = list(
                itertools.islice(
                    csv.reader(io.StringIO(sample), delimiter=delimiter), _SNIFF_RECORDS
                )
            )
        except csv.Error:
            continue
        rows = [(Where("row", n), record) for n, record in enumerate(head, 1)]
        if find_header(rows) is not None:
            return delimiter
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        return counted[0]
