"""A task table flattened from a PDF into tab-separated text (examples/004).

The header repeats on every page and tells that page's column order. A row whose cells fit
the header is read by position. The PDF often loses empty cells, moves them to the end of
the line or runs two cells together (``市科技馆 组宣部 李麟``); such a row is read by what
each cell says instead: from the right, the deadline, the leaders, the departments, then
the texts, where the task's number marks its content. A PDF also prints a content cell a
row above or below the row of its measures and departments; the builder
(:class:`ledger.grid.TaskBuilder`) puts it back on its row by its number.
"""

from __future__ import annotations

import enum
import functools
import itertools
import re
from dataclasses import dataclass, field

from ledger.columns import (
    DEPARTMENT_COLUMNS,
    TEXT_COLUMNS,
    Column,
    Header,
    header_fragment,
    merge_fragment,
    read_header,
)
from ledger.draft import N_, DraftPlan, LedgerError, Where
from ledger.grid import (
    HEADING,
    NUMBER_LIST,
    NUMBER_RANGE,
    Cells,
    TaskBuilder,
    clean,
    department_groups,
    departments,
    departments_only,
    heading_people,
    item_numbers,
    label,
    list_restarts,
    no_table_error,
    number_label,
    people,
    people_only,
    take_title,
    trailing_people,
)

_DUE_PARTS = re.compile(
    r"\d{4}\s*[.．\-/年]\s*\d{1,2}(?:\s*[.．\-/月]\s*\d{1,2})?\s*[日号月]?|\d{4}\s*年"
    r"|\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?|[上下]半年|[一二三四1-4]?季度|年[底末中]|月[底末中]"
    r"|[上中下]旬|全年|长期|持续|坚持|推进|常态化?|每[年月周日季]度?|之前|以前|完成|截至"
    r"|星期[一二三四五六日天]|下班|[前底末内止]|[（）()\s、，,;；~～\-—至到]"
)
_DUE_SIGN = re.compile(r"\d|半年|季度|年底|年末|月底|月末|全年|长期|持续|常态|每")
_PAGE_NOISE = re.compile(r"[-—\s]*\d+[-—\s]*|第\s*\d+\s*页.*|\d+\s*/\s*\d+")
_SHOWN = 30  # characters of a left-out text quoted in a warning


class Kind(enum.Enum):
    """What a cell of a flattened row says, judged by its text alone."""

    EMPTY = "empty"
    DUE = "due"
    NUMBER = "number"
    PEOPLE = "people"
    DEPARTMENTS = "departments"
    DEPARTMENTS_PEOPLE = "departments+people"
    TEXT = "text"


_ASSIGNING = frozenset({Kind.DUE, Kind.PEOPLE, Kind.DEPARTMENTS, Kind.DEPARTMENTS_PEOPLE})


def looks_like_due(cell: str) -> bool:
    """A deadline cell: ``2025.12``, ``2025.6 2025.12``, ``6月底前``, ``持续推进``."""
    text = cell.strip()
    if not text or len(text) > 40 or not _DUE_SIGN.search(text):
        return False
    return not _DUE_PARTS.sub("", text)


@functools.lru_cache(maxsize=4096)  # units, leaders and deadlines recur on every page
def kind_of(cell: str) -> Kind:
    """What a cell says: a deadline, a number, people, departments (with people), or text."""
    if not cell:
        return Kind.EMPTY
    if looks_like_due(cell):
        return Kind.DUE
    if NUMBER_LIST.fullmatch(cell) or NUMBER_RANGE.fullmatch(cell):
        return Kind.NUMBER
    if people_only(cell):
        return Kind.PEOPLE
    if departments_only(cell):
        return Kind.DEPARTMENTS
    rest, people = trailing_people(cell)
    if people and departments_only(rest):
        return Kind.DEPARTMENTS_PEOPLE
    return Kind.TEXT


@dataclass
class _Row:
    """A flattened row's cells placed in columns, still as written (for splitting merged rows)."""

    where: Where
    number: str | None = None
    category: str = ""
    focus: str = ""
    content: str = ""
    measures: str = ""
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    either: list[str] = field(default_factory=list)  # a department column whose header was lost
    first_leads: list[str] = field(default_factory=list)  # 责任单位 alone: its first unit leads
    leaders: list[str] = field(default_factory=list)  # words as written, repeats kept
    due: str = ""
    left_out: list[str] = field(default_factory=list)
    run_together: bool = False  # may be several tasks; the builder warns if they stay one


def looks_like_flat_table(text: str) -> bool:
    """True when tab-separated lines include a task table's header row."""
    return any(
        "\t" in line and read_header([clean(cell) for cell in line.split("\t")]) is not None
        for line in text.split("\n")
    )


def read_flat_table(text: str) -> DraftPlan:
    """The tasks of a PDF table flattened to tab-separated text."""
    plan = DraftPlan()
    builder = TaskBuilder(plan)
    header: Header | None = None
    after_header = False
    above: list[str] = []  # the lines above the table: its title
    for number, line in enumerate(text.split("\n"), 1):
        where = Where("line", number)
        if "\t" not in line:
            if line.strip() and header is None:
                above.append(line.strip())
            elif line.strip():
                _loose_line(plan, builder, where, line.strip())
            continue
        cells = [clean(cell) for cell in line.split("\t")]
        found = read_header(cells)
        if found is not None:
            if header is None:
                take_title(plan, above)
            header, after_header = _content_named(found), True
            builder.numbered = header.has(Column.NUMBER)
            continue
        if not any(cells):
            continue
        fragment = header_fragment(cells) if after_header else None
        after_header = False
        if header is None:
            plan.warn(where, N_("a table row before the header row was left out"))
            continue
        if fragment is not None:
            header = merge_fragment(header, fragment)
            continue
        for row in _read_row(plan, where, cells, header, builder):
            builder.add(row)
    builder.finish()
    if header is None:
        raise LedgerError(no_table_error())
    if not plan.tasks:
        raise LedgerError(N_("the table holds no tasks"))
    return plan


def _content_named(header: Header) -> Header:
    """Without a 具体内容 column the task is its 工作任务 (or, failing that, 措施) text."""
    if header.has(Column.CONTENT):
        return header
    stand_in = Column.FOCUS if header.has(Column.FOCUS) else Column.MEASURES
    columns = tuple(
        tuple(Column.CONTENT if kind is stand_in else kind for kind in kinds)
        for kinds in header.columns
    )
    return Header(columns, header.first_responsible_leads)


def _loose_line(plan: DraftPlan, builder: TaskBuilder, where: Where, line: str) -> None:
    """A line without cells in the table: a section heading, or page noise."""
    if HEADING.match(line) or heading_people(line):
        builder.heading(line)
    elif not _PAGE_NOISE.fullmatch(line):
        plan.warn(where, N_("text outside the table was left out: “{text}”"), text=_short(line))


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _read_row(
    plan: DraftPlan, where: Where, cells: list[str], header: Header, builder: TaskBuilder
) -> list[Cells]:
    """One line of the table as one task's cells, or two when the PDF ran two tasks together."""
    kinds = [kind_of(cell) for cell in cells]
    if _fits(cells, kinds, header, builder):
        row = _by_position(where, cells, header, builder)
    else:
        row = _by_meaning(where, cells, kinds, header, builder)
    for text in row.left_out:
        plan.warn(
            where,
            N_("“{text}” could not be placed in a column and was left out"),
            text=_short(text),
        )
    return [_resolve(part) for part in _split_merged(row, builder)]


def _fits(cells: list[str], kinds: list[Kind], header: Header, builder: TaskBuilder) -> bool:
    """Whether every cell says what its column under the page's header should hold."""
    if len(cells) != len(header.columns):
        return False
    for cell, kind, columns in zip(cells, kinds, header.columns, strict=True):
        if kind is Kind.EMPTY or not columns or columns == (Column.OTHER,):
            continue
        wanted = set(columns)
        if Column.LEADERS in wanted and wanted & DEPARTMENT_COLUMNS:
            ok = kind in {Kind.DEPARTMENTS, Kind.DEPARTMENTS_PEOPLE, Kind.PEOPLE}
        elif wanted & DEPARTMENT_COLUMNS:
            ok = kind is Kind.DEPARTMENTS
        elif Column.LEADERS in wanted:
            ok = kind is Kind.PEOPLE
        elif Column.DUE in wanted:
            ok = kind is Kind.DUE
        elif Column.NUMBER in wanted:
            ok = kind is Kind.NUMBER
        elif Column.CONTENT in wanted:
            ok = kind is Kind.TEXT
        else:
            # A category, focus or measures cell holding a new task number (past 1, which
            # also starts lists) is the content cell moved over: the line lost a cell.
            moved = builder.content_number(cell) is not None and item_numbers(cell)[0][0] != 1
            ok = kind is Kind.TEXT and not moved
        if not ok:
            return False
    return True


def _by_position(where: Where, cells: list[str], header: Header, builder: TaskBuilder) -> _Row:
    """A row whose cells sit under their own header cells."""
    row = _Row(where)
    for cell, columns in zip(cells, header.columns, strict=True):
        if not cell or not columns:
            continue
        value = cell
        if Column.LEADERS in columns and len(columns) > 1:
            value, people = trailing_people(cell)
            row.leaders.extend(people)
        if not value:
            continue
        _place(row, columns[0], value, header)
    if row.content and not row.measures and _is_measures_list(row.content, builder):
        row.measures, row.content = row.content, ""  # the measures list sits in 具体内容
    return row


def _place(row: _Row, column: Column, value: str, header: Header) -> None:
    if column is Column.NUMBER:
        row.number = number_label(value)
    elif column is Column.CATEGORY:
        row.category = label(value)
    elif column is Column.FOCUS:
        row.focus = label(value)
    elif column is Column.CONTENT:
        row.content = value
    elif column is Column.MEASURES:
        row.measures = value
    elif column is Column.LEAD:
        row.lead.append(value)
    elif column is Column.RESPONSIBLE:
        target = row.first_leads if header.first_responsible_leads else row.responsible
        target.append(value)
    elif column is Column.DEPARTMENTS:
        row.either.append(value)
    elif column is Column.LEADERS:
        row.leaders.extend(value.split())
    elif column is Column.DUE:
        row.due = value


def _is_measures_list(text: str, builder: TaskBuilder) -> bool:
    """A list ``1.… 2.…`` that is not a new task's number: a task's measures."""
    items = item_numbers(text)
    return bool(items) and items[0][0] == 1 and builder.content_number(text) is None


def _by_meaning(
    where: Where, cells: list[str], kinds: list[Kind], header: Header, builder: TaskBuilder
) -> _Row:
    """A row that lost or merged cells, read by what each cell says."""
    row = _Row(where)
    filled = [
        (index, cell, kind)
        for index, (cell, kind) in enumerate(zip(cells, kinds, strict=True))
        if cell
    ]
    split = len(filled)
    while split and filled[split - 1][2] in _ASSIGNING:
        split -= 1
    departments: list[tuple[int, str]] = []
    for index, cell, kind in filled[split:]:
        if kind is Kind.DUE:
            row.due = f"{row.due} {cell}".strip() if row.due else cell
        elif kind is Kind.PEOPLE:
            row.leaders.extend(cell.split())
        else:
            rest, people = trailing_people(cell) if kind is Kind.DEPARTMENTS_PEOPLE else (cell, [])
            row.leaders.extend(people)
            departments.append((index, rest))
    _place_departments(row, departments, header)
    texts: list[tuple[int, str]] = []
    for index, cell, kind in filled[:split]:
        if kind is Kind.NUMBER and row.number is None and not texts:
            row.number = number_label(cell)
        else:
            texts.append((index, cell))
    _place_texts(row, texts, header, builder)
    return row


def _place_departments(row: _Row, departments: list[tuple[int, str]], header: Header) -> None:
    """Two department cells are the lead and the responsible; one is placed by its column."""
    if len(departments) >= 2:
        row.lead.append(departments[0][1])
        row.responsible.extend(cell for _, cell in departments[1:])
    elif departments:
        index, cell = departments[0]
        columns = header.kinds_at(index)
        if Column.RESPONSIBLE in columns and header.first_responsible_leads:
            row.first_leads.append(cell)
        elif Column.RESPONSIBLE in columns and header.has(Column.LEAD):
            row.responsible.append(cell)
        elif Column.LEAD in columns:
            row.lead.append(cell)
        else:
            row.either.append(cell)


def _place_texts(
    row: _Row, texts: list[tuple[int, str]], header: Header, builder: TaskBuilder
) -> None:
    """Content is the cell with the next task number; a list from 1 or prose after it, measures.

    In a table with a 序号 column the texts stay in the columns they sit under.
    """
    if builder.numbered:
        for index, text in texts:
            _place_by_column(row, index, text, header)
        return
    content = next(
        (i for i, (_, text) in enumerate(texts) if builder.content_number(text) is not None), None
    )
    if content is None:
        content_at = next(
            (i for i, (_, text) in enumerate(texts) if _is_measures_list(text, builder)), None
        )
        if content_at is None:
            for index, text in texts:
                _place_by_column(row, index, text, header)
            return
        row.measures = texts[content_at][1]
    else:
        content_at = content
        row.content = texts[content][1]
    before, after = texts[:content_at], texts[content_at + 1 :]
    if len(before) >= 2:
        row.category, row.focus = label(before[0][1]), label(before[1][1])
        row.left_out.extend(text for _, text in before[2:])
    elif before:
        index, text = before[0]
        if Column.CATEGORY in header.kinds_at(index):
            row.category = label(text)
        else:
            row.focus = label(text)
    for _, text in after:
        if not row.measures:
            row.measures = text
        else:
            row.left_out.append(text)


def _place_by_column(row: _Row, index: int, text: str, header: Header) -> None:
    """A text with no task number and no list: it belongs to the text column it sits under."""
    columns = [column for column in header.kinds_at(index) if column in TEXT_COLUMNS]
    column = columns[0] if columns else Column.CONTENT
    current = {
        Column.CATEGORY: row.category,
        Column.FOCUS: row.focus,
        Column.CONTENT: row.content,
        Column.MEASURES: row.measures,
    }[column]
    if current:
        row.left_out.append(text)
    else:
        _place(row, column, text, header)


def _split_merged(row: _Row, builder: TaskBuilder) -> list[_Row]:
    """Two tasks the PDF ran into one line (``21.… 22.…``, ``陈汉平 陈汉平``, ``2025.12 2025.12``).

    They are split when every many-valued cell holds one value per task; otherwise the line
    stays one task, marked so that the builder warns unless the rows around it settle it.
    """
    items = item_numbers(row.content) if builder.content_number(row.content) else []
    count = len(items)
    if count < 2 or row.number:
        return [row]
    dues = row.due.split()
    parts = {
        "leaders": len(row.leaders),
        "lead": len(department_groups(row.lead[0])) if len(row.lead) == 1 else len(row.lead),
        "responsible": (
            len(department_groups(row.responsible[0]))
            if len(row.responsible) == 1
            else len(row.responsible)
        ),
        "measures": len(list_restarts(row.measures)) if row.measures else 0,
    }
    if len(dues) == count and all(n in (0, 1, count) for n in parts.values()):
        return _split(row, items, dues)
    row.run_together = len(dues) == count or count in parts.values()
    return [row]


def _split(row: _Row, items: list[tuple[int, int]], dues: list[str]) -> list[_Row]:
    count = len(items)
    bounds = [offset for _, offset in items] + [len(row.content)]
    measures = _pieces(row.measures, list_restarts(row.measures)) if row.measures else []
    lead = department_groups(row.lead[0]) if len(row.lead) == 1 else row.lead
    responsible = (
        department_groups(row.responsible[0]) if len(row.responsible) == 1 else row.responsible
    )
    rows: list[_Row] = []
    for i in range(count):
        rows.append(
            _Row(
                where=row.where,
                category=row.category,
                focus=row.focus,
                content=row.content[bounds[i] : bounds[i + 1]].strip(),
                measures=_nth(measures, i, count),
                lead=[_nth(lead, i, count)] if lead else [],
                responsible=[_nth(responsible, i, count)] if responsible else [],
                either=row.either,
                first_leads=row.first_leads,
                leaders=[_nth(row.leaders, i, count)] if row.leaders else [],
                due=dues[i],
            )
        )
    return rows


def _pieces(text: str, starts: list[int]) -> list[str]:
    bounds = [*starts, len(text)]
    return [text[a:b].strip() for a, b in itertools.pairwise(bounds)]


def _nth(values: list[str], i: int, count: int) -> str:
    """The i-th of one value per task, or the one value all tasks share."""
    if not values:
        return ""
    return values[i] if len(values) == count else values[0]


def _resolve(row: _Row) -> Cells:
    """Names split and normalised; a lone lead cell that a PDF merged with the next one split."""
    lead, responsible = list(row.lead), list(row.responsible)
    for cell in row.first_leads:
        names = departments(cell)
        lead.extend(names[:1] if not lead else [])
        responsible.extend(names[1:] if len(lead) == 1 and lead[0] == names[0] else names)
    for cell in row.either:
        groups = department_groups(cell)
        lead.append(groups[0])
        responsible.extend(groups[1:])
    if len(lead) == 1 and not responsible:
        # "市科技馆 组宣部": a space between whole names is a lost cell border, not a list.
        groups = department_groups(lead[0])
        lead, responsible = groups[:1], groups[1:]
    cells = Cells(
        row.where,
        number=row.number,
        category=row.category,
        focus=row.focus,
        content=row.content,
        measures=row.measures,
        leaders=list(people(" ".join(row.leaders))),
        due=" ".join(row.due.split()),
        run_together=row.run_together,
    )
    for cell in lead:
        cells.lead.extend(name for name in departments(cell) if name not in cells.lead)
    for cell in responsible:
        cells.responsible.extend(
            name for name in departments(cell) if name not in cells.responsible
        )
    return cells
