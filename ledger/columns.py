"""Header cells of a task table, recognised by the names offices give their columns.

Offices name the same column many ways (具体内容 / 工作内容 / 任务内容, 牵头单位 / 牵头部室,
完成时限 / 时间节点 …); a PDF flattened to text also breaks header cells with spaces and
merges two of them into one (``责任部室及 责任领导``). A header cell is matched by the known
names it contains, after removing whitespace and brackets.
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein


class Column(enum.Enum):
    """What a column of a task table holds."""

    NUMBER = "number"
    CATEGORY = "category"
    FOCUS = "focus"
    CONTENT = "content"
    MEASURES = "measures"
    LEAD = "lead"
    RESPONSIBLE = "responsible"
    DEPARTMENTS = "departments"  # lead and/or responsible: a column whose header was lost
    LEADERS = "leaders"
    DUE = "due"
    OTHER = "other"  # 备注, 完成情况 …: a known column the ledger does not keep


TEXT_COLUMNS = frozenset({Column.CATEGORY, Column.FOCUS, Column.CONTENT, Column.MEASURES})
DEPARTMENT_COLUMNS = frozenset({Column.LEAD, Column.RESPONSIBLE, Column.DEPARTMENTS})
_CONTENT_LIKE = frozenset({Column.FOCUS, Column.CONTENT, Column.MEASURES})
_ASSIGNMENT = frozenset({Column.LEAD, Column.RESPONSIBLE, Column.LEADERS, Column.DUE})

_NAMES: dict[Column, tuple[str, ...]] = {
    Column.NUMBER: ("序号", "编号", "项次", "序列号"),
    Column.CATEGORY: ("类型", "类别", "板块", "一级指标", "重点领域", "工作类别", "分类", "领域"),
    Column.FOCUS: (
        "重点工作",
        "工作任务",
        "主要任务",
        "任务名称",
        "工作事项",
        "项目名称",
        "项目",
        "二级指标",
        "工作重点",
        "重点任务",
        "工作名称",
        "事项",
    ),
    Column.CONTENT: (
        "具体内容",
        "工作内容",
        "任务内容",
        "主要内容",
        "具体任务",
        "工作目标",
        "目标任务",
        "任务目标",
        "主要目标",
        "三级指标",
        "具体工作",
        "内容",
    ),
    Column.MEASURES: (
        "推进措施",
        "工作措施",
        "具体措施",
        "主要措施",
        "实施举措",
        "工作举措",
        "实施步骤",
        "措施",
        "举措",
    ),
    Column.LEAD: (
        "牵头单位",
        "牵头部室",
        "牵头部门",
        "牵头处室",
        "牵头科室",
        "牵头责任单位",
        "主责单位",
        "主责部门",
        "主办单位",
        "牵头",
    ),
    Column.RESPONSIBLE: (
        "责任单位",
        "责任部室",
        "责任部门",
        "责任处室",
        "责任科室",
        "责任主体",
        "配合单位",
        "配合部门",
        "配合部室",
        "协办单位",
        "参与单位",
        "协同单位",
        "承办单位",
        "承办部门",
        "承办科室",
    ),
    Column.LEADERS: (
        # 牵头区领导 is a leader, not a 牵头 unit and a leader
        "牵头区领导",
        "牵头县领导",
        "牵头市领导",
        "牵头区级领导",
        "牵头县级领导",
        "牵头市级领导",
        "责任领导",
        "分管领导",
        "牵头领导",
        "联系领导",
        "包保领导",
        "责任人",
        "负责人",
        "领导",
    ),
    Column.DUE: (
        "完成时限",
        "完成时间",
        "时间节点",
        "完成期限",
        "截止时间",
        "时间要求",
        "时间安排",
        "完成节点",
        "时限",
        "期限",
    ),
    Column.OTHER: ("备注", "完成情况", "进展情况", "落实情况", "进度", "分值", "考核"),
}
# Names that are a column only when they are the whole cell ("序" is too short to search for).
_WHOLE_NAMES: dict[str, Column] = {"序": Column.NUMBER, "no": Column.NUMBER, "no.": Column.NUMBER}
# A responsible column named like these leads with its first unit when there is no 牵头 column
# (配合单位 / 协办单位 never lead).
_MAY_LEAD = ("责任单位", "责任部室", "责任部门", "责任处室", "责任科室", "责任主体")

_LONGEST_HEADER = 24  # header cells are short; longer cells are data
_LONGEST_FRAGMENT = 12  # the rest of a broken header cell: 牵头部室, 县(市、区)科协
_ENUMERATED = re.compile(r"[（(]?[一二三四五六七八九十\d]+[)）、.．]")
_ALL_NAMES: list[tuple[str, Column]] = sorted(
    ((name, column) for column, names in _NAMES.items() for name in names),
    key=lambda pair: -len(pair[0]),
)
_FUZZY_NAMES = [name for name, _ in _ALL_NAMES if len(name) >= 4]
_COLUMN_OF = dict(_ALL_NAMES)
_ANY_NAME = re.compile("|".join(re.escape(name) for name, _ in _ALL_NAMES))
_NOISE = re.compile(r"[\s()（）\[\]【】<>《》:：*＊]+")


def header_key(text: str) -> str:
    """A header cell without whitespace and brackets (``责任部室及 县(市、区)科协``)."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


def columns_named(text: str) -> tuple[Column, ...]:
    """The columns a header cell names, in the cell's order (two when a PDF merged two cells)."""
    if len(text) > 3 * _LONGEST_HEADER:
        return ()
    return _columns_of_key(header_key(text))


@functools.lru_cache(maxsize=8192)  # data cells repeat (departments, leaders, deadlines)
def _columns_of_key(key: str) -> tuple[Column, ...]:
    if not key or len(key) > _LONGEST_HEADER:
        return ()
    if key in _WHOLE_NAMES:
        return (_WHOLE_NAMES[key],)
    found = _matches(key) if _ANY_NAME.search(key) else []
    if not found and 4 <= len(key) <= 8:
        # One wrong character (a typo or an OCR slip) still names the column.
        best = process.extractOne(key, _FUZZY_NAMES, scorer=Levenshtein.distance, score_cutoff=1)
        if best is not None:
            return (_COLUMN_OF[best[0]],)
    columns: list[Column] = []
    for _, column in found:
        if not columns or columns[-1] is not column:
            columns.append(column)
    return tuple(columns)


def _matches(key: str) -> list[tuple[int, Column]]:
    """Known names inside ``key``: longest first; of equal ones the later (the head noun)."""
    spans: list[tuple[int, int, Column]] = []
    for name, column in _ALL_NAMES:
        start = key.rfind(name)
        while start >= 0:
            spans.append((start, start + len(name), column))
            start = key.rfind(name, 0, start)
    spans.sort(key=lambda span: (span[0] - span[1], -span[1]))
    taken: list[tuple[int, int, Column]] = []
    for span in spans:
        if all(span[1] <= other[0] or span[0] >= other[1] for other in taken):
            taken.append(span)
    return [(start, column) for start, _, column in sorted(taken)]


@dataclass(frozen=True)
class Header:
    """A table's header row: what each cell position holds."""

    columns: tuple[tuple[Column, ...], ...]  # per cell position; () for an unknown column
    first_responsible_leads: bool = False  # 责任单位 without a 牵头 column: its first unit leads

    def where(self, column: Column) -> list[int]:
        """Positions whose cell holds ``column`` (alone or merged with another)."""
        return [index for index, kinds in enumerate(self.columns) if column in kinds]

    def has(self, column: Column) -> bool:
        return any(column in kinds for kinds in self.columns)

    def kinds_at(self, index: int) -> tuple[Column, ...]:
        return self.columns[index] if 0 <= index < len(self.columns) else ()


def may_be_header(cells: Sequence[str]) -> bool:
    """A cheap test that rules out most data rows before :func:`read_header` looks closer."""
    named = 0
    for cell in cells:
        if cell and len(cell) <= 3 * _LONGEST_HEADER and _ANY_NAME.search(cell):
            named += 1
            if named == 2:
                return True
    return False


def read_header(cells: Sequence[str]) -> Header | None:
    """The header these cells form, or None when they are not a task table's header row."""
    columns = tuple(columns_named(cell) for cell in cells)
    filled = [cell for cell in cells if cell.strip()]
    named = [kinds for kinds in columns if kinds]
    found = {kind for kinds in named for kind in kinds}
    # One text spread over merged cells (一、张三副区长牵头重点工作) is a heading, not a header.
    distinct = {cell.strip() for cell, kinds in zip(cells, columns, strict=True) if kinds}
    if len(distinct) < 2 or len(named) * 5 < len(filled) * 3:
        return None
    if not found & _CONTENT_LIKE or not found & _ASSIGNMENT:
        return None
    leads = Column.LEAD in found or Column.DEPARTMENTS in found
    first_leads = not leads and any(
        Column.RESPONSIBLE in kinds and header_key(cell).startswith(_MAY_LEAD)
        for cell, kinds in zip(cells, columns, strict=True)
    )
    return Header(columns, first_leads)


def header_fragment(cells: Sequence[str]) -> list[tuple[int, tuple[Column, ...]]] | None:
    """The header names in a row that only holds header names (a header broken over lines)."""
    named: list[tuple[int, tuple[Column, ...]]] = []
    for index, cell in enumerate(cells):
        if not cell.strip():
            continue
        kinds = columns_named(cell) if len(header_key(cell)) <= _LONGEST_FRAGMENT else ()
        if not kinds or _ENUMERATED.match(cell.strip()):
            return None
        named.append((index, kinds))
    return named or None


def merge_fragment(header: Header, fragment: list[tuple[int, tuple[Column, ...]]]) -> Header:
    """The header completed by the rest of it found on the next line.

    A name under an empty or unknown header cell fills that cell. A department column that
    lands elsewhere (a PDF page lost the cell) makes the page's department column ambiguous:
    it may hold the lead unit, the responsible ones, or both.
    """
    columns = list(header.columns)
    for index, kinds in fragment:
        if index >= len(columns):
            columns.extend([()] * (index + 1 - len(columns)))
        present = set(columns[index])
        if set(kinds) <= present:
            continue
        if present <= {Column.OTHER} or (
            present <= DEPARTMENT_COLUMNS and set(kinds) <= DEPARTMENT_COLUMNS
        ):
            columns[index] = kinds  # an empty cell, or 责任主体 above 牵头单位 / 配合单位
            continue
        if set(kinds) & DEPARTMENT_COLUMNS:
            for position, named in enumerate(columns):
                if set(named) & DEPARTMENT_COLUMNS:
                    rest = tuple(kind for kind in named if kind not in DEPARTMENT_COLUMNS)
                    columns[position] = (Column.DEPARTMENTS, *rest)
    leads = any(set(kinds) & {Column.LEAD, Column.DEPARTMENTS} for kinds in columns)
    return Header(tuple(columns), header.first_responsible_leads and not leads)
