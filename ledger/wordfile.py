"""Word documents (.docx): task tables read like spreadsheets, else the text as an outline.

A table with a task header goes through ``ledger.grid``; a table that a page break split
off (Word repeats no header) continues the table before it when it has as many columns.
A document without task tables is an outline or a notice: its paragraphs, in order, go to
``ledger.outline``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from ledger.draft import N_, DraftPlan, LedgerError, Where
from ledger.grid import Row, Table, find_header, read_table, take_title


def read_docx(path: Path) -> DraftPlan:
    """The tasks of a .docx file: from its task tables, or else from its paragraphs."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table as WordTable

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise LedgerError(N_("the file is not a valid .docx document")) from error
    blocks = list(document.iter_inner_content())
    table_count = sum(isinstance(block, WordTable) for block in blocks)
    paragraphs: list[tuple[Where, str]] = []
    before_tables: list[str] = []
    plan = DraftPlan()
    last: Table | None = None  # the task table a header-less table may continue
    columns = 0
    tables = 0
    tables_read = 0
    for block in blocks:
        if not isinstance(block, WordTable):
            paragraphs.append((Where("paragraph", len(paragraphs) + 1), block.text))
            if not tables and block.text.strip():
                before_tables.append(block.text.strip())
            continue
        if not tables:
            take_title(plan, before_tables)
        tables += 1
        rows = _table_rows(block, tables if table_count > 1 else None)
        width = max((len(cells) for _, cells in rows), default=0)
        if find_header(rows) is None and last is not None and width == columns:
            read_table(rows, plan, after=last)  # the rest of the table above
            continue
        found = read_table(rows, plan)
        if found is not None:
            last, columns = found, width
            tables_read += 1
        elif any(any(cells) for _, cells in rows):
            plan.warn(
                Where("table", tables),
                N_("this table has no task header row; it was skipped"),
            )
            last = None
    if tables_read:
        if not plan.tasks:
            raise LedgerError(N_("the document's task table holds no tasks"))
        return plan
    return _read_text(paragraphs, path, plan)


def _read_text(paragraphs: list[tuple[Where, str]], path: Path, tables: DraftPlan) -> DraftPlan:
    """A document without task tables, read as an outline of numbered items."""
    from ledger.outline import read_outline  # lazy: most documents are tables

    plan = read_outline(paragraphs, title_hint=path.stem)
    plan.warnings[:0] = tables.warnings
    return plan


def _table_rows(table: Any, number_of_table: int | None) -> list[Row]:
    """A table's rows as text, one cell per grid column (merged cells repeat their text)."""
    rows: list[Row] = []
    for number, row in enumerate(table.rows, 1):
        # A cell spanning columns or rows comes once per grid cell, its text in each: a
        # heading across the table reads as one text, a merged 责任领导 counts for every row.
        cells = [""] * row.grid_cols_before + [cell.text.strip() for cell in row.cells]
        rows.append((Where("row", number, table=number_of_table), cells))
    return rows
