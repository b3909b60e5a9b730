"""A task table (a header row, then rows of cells) turned into DraftTasks.

Shared by every tabular reader: ``spreadsheet`` (.xlsx, .csv) and ``wordfile`` (.docx tables)
read cells by their column; ``flat_table`` (a PDF table flattened to text) sorts cells by
meaning first and then hands them here as :class:`Cells`. What the table does not say stays
empty and is warned about; nothing is invented. The one thing read from around a row is its
number, when the document lost it and the numbers around it leave exactly one (said in a
warning); a task over several rows (merged or left-empty cells) is one task.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ledger.columns import (
    DEPARTMENT_COLUMNS,
    Column,
    Header,
    header_fragment,
    may_be_header,
    merge_fragment,
    read_header,
)
from ledger.draft import N_, DraftPlan, DraftTask, Where
from ledger.names import looks_like_person, split_departments, split_people, strip_title
from nlu.names import looks_like_department

Row = tuple[Where, Sequence[str]]

_HEADER_SEARCH = 50  # a header sits under a title or two, never this far down
_ITEM = re.compile(r"(?:^|(?<=[\s。；;>]))(\d{1,3})\s*[.．、](?!\d)")
NUMBER_LIST = re.compile(r"\d{1,3}(?:\s*[.．、,，;；/\s]\s*\d{1,3})*\s*[.．、]?")
NUMBER_RANGE = re.compile(r"(\d{1,3})\s*[-－—–~～至]\s*(\d{1,3})\s*[.．、]?")
_CHINESE_ORDINAL = re.compile(r"^[（(]?[一二三四五六七八九十]+[)）、.．]?")
HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[部分章节])"
)
_DIGITS = re.compile(r"\d+")
_NUMERIC_LABEL = re.compile(r"[\d、-]+")
_LIST_MARK = re.compile(r"[、,，;；/\s]")
_NAME_BREAK = re.compile(r"[\s、，,；;/／]+")
_PROSE_MARK = re.compile(r"[。；;：:！？“”《》\d]")
_AND = re.compile(r"[、和与]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_BARE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})\s*年")
_CN_DIGITS = "〇一二三四五六七八九"
# A title names a list: …分解表, …任务清单, …分工方案, …工作台账.
_TITLE_END = re.compile(r"(?:表|清单|方案|台账|计划|要点|安排|任务|分工|分解|目录|责任书)$")
_SENTENCE = re.compile(r"[。；;：:！？]")
_ATTACHMENT = re.compile(r"^附\s*件\s*\d*\s*[:：]?\s*")
_WRAPPED_TITLE = 30  # characters of the first line of a title that wraps onto a second
_NOT_A_TITLE = re.compile(r"附\s*件\s*\d*[:：]?|第?\s*\d+\s*页.*|-\s*\d+\s*-")
_BRACKETED = re.compile(r"[（(][^（）()]*[)）]")
_TAGS = re.compile(r"</?p\s*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u3000]+")
_HAN_GAP = re.compile(r"(?<=[\u4e00-\u9fff“”])\s+(?=[\u4e00-\u9fff“”])")
_TITLE_WORDS = (
    r"(?:常务)?副?(?:区长|市长|县长|镇长|主席|书记|局长|部长|主任|秘书长|处长|科长|"
    r"厅长|院长|校长|理事长|会长|巡视员|调研员|组长|同志)"
)
# 张三副区长 / 李四同志牵头 / 王五分管: a name right before a title or before 牵头/分管/负责.
_NAMED_IN_PROSE = re.compile(
    r"(?:^|(?<=[、，,；;：:\s（(]))((?:[\u4e00-\u9fff]{2,4}[、和与])*[\u4e00-\u9fff]{2,4}?)(?="
    + _TITLE_WORDS
    + r"|牵头|分管|负责|联系)"
)
_NAMED_AFTER_LABEL = re.compile(
    r"(?:领导|负责人|责任人|牵头人)\s*[:：]\s*([\u4e00-\u9fff]{2,8}(?:[、，,和与\s]+[\u4e00-\u9fff]{2,8})*)"
)
_TOP_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十]+[部分章节])"
)
# 牵头单位：A / 配合单位：B inside one cell; 责任单位：A leads with its first unit.
_UNIT_LABEL = re.compile(
    r"(?:^|(?<=[\s；;，,。]))(牵头|主责|主办|责任|配合|协办|协同|参与)"
    r"(?:单位|部门|部室|科室|处室|股室)?\s*[:：]"
)
_LEAD_WORDS = frozenset({"牵头", "主责", "主办"})
_LEAD_MARK = re.compile(r"[（(]\s*(?:牵头|主责|主办)\s*[)）]$")
_SUB_HEADING = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
_COMPOUND_SURNAMES = frozenset(
    {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容"}
    | {"长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "南宫", "独孤"}
)


@functools.lru_cache(maxsize=4096)  # the same units and leaders recur on every row
def departments(cell: str) -> tuple[str, ...]:
    """:func:`ledger.names.split_departments`, remembered."""
    return tuple(split_departments(cell))


@functools.lru_cache(maxsize=4096)
def people(cell: str) -> tuple[str, ...]:
    """:func:`ledger.names.split_people`, remembered; a title in brackets is dropped.

    ``王立新（常务副区长）、赵丽娟`` -> (王立新, 赵丽娟).
    """
    return tuple(split_people(_BRACKETED.sub(" ", cell)))


def clean(cell: str) -> str:
    """A cell's text without HTML paragraph tags, runs of spaces, or edge whitespace."""
    return _SPACES.sub(" ", _TAGS.sub(" ", cell)).strip()


def label(text: str) -> str:
    """A short label (category, focus) without line breaks or PDF gaps between Han characters."""
    return _HAN_GAP.sub("", " ".join(text.split()))


def item_numbers(text: str) -> list[tuple[int, int]]:
    """The enumerated items a text starts with, as (number, offset): ``8.… 9.… 10.…``."""
    start = len(text) - len(text.lstrip())
    first = _ITEM.match(text, start)
    if first is None:
        return []
    items = [(int(first.group(1)), first.start())]
    for match in _ITEM.finditer(text, first.end()):
        if int(match.group(1)) == items[-1][0] + 1:
            items.append((int(match.group(1)), match.start()))
    return items


def list_restarts(text: str) -> list[int]:
    """Offsets where an enumerated list starts at 1 (twice when two tasks' lists were joined)."""
    starts: list[int] = []
    expected = 1
    for match in _ITEM.finditer(text):
        number = int(match.group(1))
        if number == 1:
            starts.append(match.start())
            expected = 2
        elif number == expected:
            expected += 1
    return starts


def numbers_label(numbers: Sequence[int]) -> str:
    """``[8, 9, 10]`` -> ``8-10``; gaps are kept: ``[8, 10]`` -> ``8、10``."""
    if len(numbers) == 1:
        return str(numbers[0])
    if list(numbers) == list(range(numbers[0], numbers[0] + len(numbers))):
        return f"{numbers[0]}-{numbers[-1]}"
    return "、".join(str(number) for number in numbers)


def number_label(cell: str) -> str | None:
    """A number cell as a task number: ``8``, ``8-10`` (from ``8-10``, ``8、9、10``, ``4.5.``)."""
    text = cell.strip()
    if not text:
        return None
    ranged = NUMBER_RANGE.fullmatch(text)
    if ranged:
        return numbers_label(range(int(ranged.group(1)), int(ranged.group(2)) + 1))
    if NUMBER_LIST.fullmatch(text):
        numbers = [int(part) for part in _DIGITS.findall(text)]
        # "1.2" may be item 2 of section 1; only a list (8、9 / 4.5.) is several tasks.
        listed = len(numbers) == 1 or text[-1] in ".．、" or _LIST_MARK.search(text)
        if listed and all(b > a for a, b in itertools.pairwise(numbers)):
            return numbers_label(numbers)
    return text.rstrip(".．、")


def is_name(token: str) -> bool:
    """A person's name in a leaders cell: 2–3 Han characters, 4 with a double surname."""
    if not looks_like_person(token):
        return False
    name = strip_title(token)
    return len(name) <= 3 or name[:2] in _COMPOUND_SURNAMES


def people_only(cell: str) -> bool:
    """True when every word of the cell is a person's name: ``郑昌盛 陈汉平``."""
    words = _NAME_BREAK.split(cell.strip())
    return bool(cell.strip()) and all(is_name(word) for word in words if word)


@functools.lru_cache(maxsize=4096)
def departments_only(cell: str) -> bool:
    """True when the cell lists departments and nothing else."""
    text = cell.strip()
    if not text or len(text) > 80 or _PROSE_MARK.search(text):
        return False
    names = departments(text)
    return bool(names) and all(looks_like_department(name) for name in names)


def trailing_people(cell: str) -> tuple[str, list[str]]:
    """A cell split into what precedes its trailing person names, and those names.

    ``市科技馆 组宣部 李麟`` -> (``市科技馆 组宣部``, [李麟]): a PDF merged the leaders' cell
    into the departments' cell.
    """
    words = cell.split()
    people: list[str] = []
    while words and is_name(words[-1]):
        people.insert(0, strip_title(words.pop()))
    return " ".join(words), people


def department_groups(cell: str) -> list[str]:
    """A departments cell cut where a space separates whole lists (a PDF lost the cell border).

    ``市科技馆 组宣部`` -> two groups; ``市科技馆、 各县(市、 区)科协`` -> one (a line break).
    """
    groups: list[str] = []
    for word in _words_outside_brackets(cell):
        if groups and (
            groups[-1][-1] in "、，,"
            or word[0] in "、，,（("
            or not departments_only(groups[-1])
            or not departments_only(word)
        ):
            groups[-1] += word
        else:
            groups.append(word)
    return groups


def _words_outside_brackets(text: str) -> list[str]:
    words: list[str] = []
    depth = 0
    current = ""
    for char in text:
        depth += char in "（("
        depth = max(0, depth - (char in "）)"))
        if char.isspace() and depth == 0:
            if current:
                words.append(current)
            current = ""
        else:
            current += char
    if current:
        words.append(current)
    return words


def heading_people(text: str) -> list[str]:
    """Leaders a section heading names: ``一、张三副区长牵头重点工作`` -> [张三].

    Also after a label: ``一、稳增长（牵头县领导：张三、李四）``.
    """
    body = _CHINESE_ORDINAL.sub("", text.strip(), count=1)
    found: list[str] = []
    for match in _NAMED_IN_PROSE.finditer(body):
        names = _AND.split(match.group(1))
        names[0] = names[0].removeprefix("由")  # 由张三、李四负责
        found.extend(names)
    for match in _NAMED_AFTER_LABEL.finditer(body):
        found.extend(_AND.split(match.group(1)))
    return split_people(" ".join(found))


def plan_year(text: str) -> int | None:
    """The year a title states: ``黄石市科协2025年重点工作…`` -> 2025, ``二〇二三年`` -> 2023."""
    return _stated_year(text) or (int(bare.group(1)) if (bare := _BARE_YEAR.search(text)) else None)


def _stated_year(text: str) -> int | None:
    """A year written with 年: ``2023年``, ``二〇二三年``."""
    match = _YEAR.search(text)
    if match:
        return int(match.group(1))
    spelled = _CN_YEAR.search(text)
    if spelled:
        return int("".join(str(_CN_DIGITS.index(c)) for c in spelled.group(1).replace("零", "〇")))
    return None


def take_title(plan: DraftPlan, lines: Sequence[str]) -> None:
    """The plan's title and year from the lines above its table, unless it has a title already.

    The title is the last line that names a list (…分解表, …清单, …方案), with the line before
    it when the title wraps (``2023年区《政府工作报告》确定的`` / ``重点工作任务分解表``);
    failing that, the first line that is not noise. The year is the title's, else the nearest
    line's that states one (``（二〇二三年三月）``).
    """
    if plan.title:
        return
    texts = [_ATTACHMENT.sub("", label(line)) for line in lines]
    texts = [text for text in texts if text and not _NOT_A_TITLE.fullmatch(text)]
    if not texts:
        return
    named = [
        index
        for index, text in enumerate(texts)
        if _TITLE_END.search(text) and not _SENTENCE.search(text)
    ]
    at = named[-1] if named else 0
    title = texts[at]
    if named and at > 0 and _wraps(texts[at - 1]):
        title = texts[at - 1] + title
    plan.title = title
    nearest = [*texts[at + 1 :], *reversed(texts[:at])]
    plan.year = plan_year(title) or next(
        (year for text in nearest if (year := _stated_year(text))), None
    )


def _wraps(text: str) -> bool:
    """A line that a title wrapped from: short, no sentence, not itself a title or a notice."""
    return (
        len(text) <= _WRAPPED_TITLE
        and not _SENTENCE.search(text)
        and not _TITLE_END.search(text)
        and not text.endswith(("通知", "文件"))
    )


@dataclass
class Cells:
    """One row of a task table sorted by meaning, before fill-down and numbering."""

    where: Where
    number: str | None = None
    category: str = ""
    focus: str = ""
    content: str = ""
    measures: str = ""
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    due: str = ""
    run_together: bool = False  # a PDF may have run several tasks into this one row

    @property
    def assigned(self) -> bool:
        """Whether the row names a department, a leader or a deadline."""
        return bool(self.lead or self.responsible or self.leaders or self.due)


@dataclass
class _Entry:
    """A task as the builder holds it until the table ends: its numbers and how it got them."""

    task: DraftTask
    numbers: list[int]  # what its number says (8-10 -> 8, 9, 10); empty unless a plain number
    items: list[tuple[int, int]]  # (number, offset) of the task numbers leading its content
    run_together: bool = False

    @property
    def irregular(self) -> bool:
        """Unnumbered, or several numbered contents in one cell: the numbering may sort it out."""
        return self.task.number is None or len(self.items) > 1

    def item_texts(self) -> dict[int, str]:
        """The content cut at its task numbers: ``4.… 5.…`` -> {4: "4.…", 5: "5.…"}."""
        content = self.task.content
        bounds = [offset for _, offset in self.items] + [len(content)]
        return {
            number: content[start:end].strip()
            for (number, start), end in zip(self.items, bounds[1:], strict=True)
        }


def _numbers_of(label_text: str | None) -> list[int]:
    if not label_text or not _NUMERIC_LABEL.fullmatch(label_text):
        return []
    parts = [int(part) for part in _DIGITS.findall(label_text)]
    if "-" in label_text and len(parts) == 2:
        return list(range(parts[0], parts[1] + 1))
    return parts


class TaskBuilder:
    """Rows in document order to tasks: fills down groups, numbers, section leaders.

    Tasks are settled when the table ends (:meth:`finish`): a row whose number the document
    lost takes the number missing between its neighbours, contents that stand a row away
    from their measures are moved to their rows, and a row that names no task of its own
    joins the task above.
    """

    def __init__(self, plan: DraftPlan, *, numbered: bool = False) -> None:
        self.plan = plan
        self.numbered = numbered  # the table has a number column
        self.category: str | None = None
        self.focus: str | None = None
        self.section_leaders: list[str] = []  # named by the current 一、 heading
        self.subsection_leaders: list[str] | None = None  # named by the current （一） heading
        self.last_number: int | None = None
        self.tasks: list[DraftTask] = []
        self._entries: list[_Entry] = []
        self._settled = 0  # entries before this one were settled by an earlier finish()
        self._content_numbers = False  # some task's number leads its content cell

    def content_number(self, content: str) -> str | None:
        """The task number leading the content cell, if it is a new one (sub-items restart at 1).

        A table with a 序号 column numbers its tasks there; numbers in its texts are lists.
        """
        if self.numbered:
            return None
        items = item_numbers(content)
        if not items:
            return None
        first = items[0][0]
        if self.last_number is not None and first <= self.last_number:
            return None
        if first == 1 and len(items) > 1:
            return None  # "1.… 2.…" lists sub-items
        return numbers_label([number for number, _ in items])

    def heading(self, text: str) -> None:
        """A row that only titles the rows below (一、张三副区长牵头重点工作).

        The leaders it names lead the rows below until the next heading of its level; its
        text is their category (a （一） sub-heading: their focus).
        """
        named = heading_people(text)
        title = label(_CHINESE_ORDINAL.sub("", text.strip(), count=1)) or label(text)
        if _SUB_HEADING.match(text.strip()):
            self.subsection_leaders = named or None
            self.focus = title
            return
        if named or _TOP_HEADING.match(text.strip()):
            self.section_leaders = named
            self.subsection_leaders = None
        self.category = title
        self.focus = None

    @property
    def heading_leaders(self) -> list[str]:
        """The leaders the headings above the current row name."""
        return self.subsection_leaders or self.section_leaders

    def add(self, cells: Cells) -> None:
        """One row: a new task, the rest of the previous one, or a group label."""
        from_content = cells.number is None and not self.numbered
        number = cells.number or self.content_number(cells.content)
        self._fill_down(cells)
        previous = self.tasks[-1] if self.tasks else None
        if previous and _same_task(previous, number, cells.content):
            _extend(previous, cells)  # merged number/content cells repeated on the next row
            return
        # A row with no number and nobody assigned continues the task above, unless it is
        # a task of an unnumbered table that merely names nobody.
        numbering = self.numbered or self.last_number is not None
        if previous and not number and not cells.assigned and (numbering or not cells.content):
            _append_text(previous, cells)
            return
        if not cells.content and not cells.measures:
            if previous and not number:
                _extend(previous, cells)  # another unit and its leader for the task above
            elif cells.assigned or number:
                self.plan.warn(
                    cells.where,
                    N_("this row names no task (its content and measures are empty); skipped"),
                )
            return
        task = DraftTask(
            where=cells.where,
            content=cells.content,
            number=number,
            category=self.category,
            focus=self.focus,
            measures=cells.measures or None,
            lead_departments=list(cells.lead),
            responsible=[name for name in cells.responsible if name not in cells.lead],
            leaders=list(cells.leaders or self.heading_leaders),
            due_text=cells.due or None,
        )
        items = item_numbers(cells.content) if from_content and number else []
        self._content_numbers = self._content_numbers or bool(items)
        numbers = _numbers_of(number)
        if numbers:
            self.last_number = max(max(numbers), self.last_number or 0)
        self._entries.append(_Entry(task, numbers, items, cells.run_together))
        self.tasks.append(task)
        self.plan.tasks.append(task)

    def _fill_down(self, cells: Cells) -> None:
        if cells.category and cells.category != self.category:
            self.category = cells.category
            self.focus = None  # a new group starts; its focus is not the last group's
        if cells.focus:
            self.focus = cells.focus

    def finish(self) -> None:
        """Settle the table's tasks: numbers from the sequence, lost cells, continuation rows."""
        start = self._settled
        if not self._content_numbers:
            # A row without number or content continues the task above (its merged cells
            # were left empty), in a table that numbers tasks in a column or not at all.
            # One pass, in order: each continuation joins the last task kept before it.
            kept = self._entries[:start]
            merged: set[int] = set()
            for entry in self._entries[start:]:
                if entry.task.number is None and not entry.task.content and kept:
                    _merge(kept[-1].task, entry.task)
                    merged.add(id(entry.task))
                else:
                    kept.append(entry)
            if merged:
                self._entries = kept
                self.tasks = [task for task in self.tasks if id(task) not in merged]
                self.plan.tasks = [task for task in self.plan.tasks if id(task) not in merged]
        self._number_from_sequence(start)
        numbering = self.numbered or self.last_number is not None
        for entry in self._entries[start:]:
            task = entry.task
            if entry.run_together and len(entry.numbers) > 1:
                self.plan.warn(
                    task.where,
                    N_(
                        "task {number} may be several tasks run together by the PDF; it "
                        "was kept as one task: check its departments, leaders and deadline"
                    ),
                    number=task.number,
                )
            elif task.number is None and numbering:
                self.plan.warn(
                    task.where,
                    N_("this task has no number in the document; it was kept without one"),
                )
        self._settled = len(self._entries)

    def _number_from_sequence(self, start: int) -> None:
        """Number the irregular rows from the tasks around them, where the count fits exactly.

        Between task 3 and task 8 four rows are tasks 4 to 7. A content cell holding several
        numbered tasks (``4.… 5.…``) or a row whose content was lost makes a row irregular;
        when the rows between two numbered tasks are as many as the numbers between them,
        each row is one task, and each numbered content goes to the row its number falls on
        (a PDF table often prints a content cell a row above or below its measures).
        """
        entries = self._entries
        # The highest number so far, kept as the rows go by (not recounted for each row).
        before = max((n for entry in entries[:start] for n in entry.numbers), default=0)
        index = start
        while index < len(entries):
            last = index  # the last row this step settles
            if entries[index].irregular:
                for end in range(index, min(index + _SEQUENCE_WINDOW, len(entries) - 1)):
                    after = entries[end + 1].numbers
                    if not after:
                        continue
                    if after[0] <= before:
                        break
                    texts = _fit(entries[index : end + 1], before, after[0])
                    if texts is not None:
                        self._renumber(entries[index : end + 1], before, texts)
                        last = end
                        break
            for entry in entries[index : last + 1]:
                before = max(before, *entry.numbers) if entry.numbers else before
            index = last + 1

    def _renumber(self, rows: list[_Entry], before: int, texts: dict[int, tuple[int, str]]) -> None:
        if any(row != number - before - 1 for number, (row, _) in texts.items()):
            self.plan.warn(
                rows[0].task.where,
                N_(
                    "tasks {first}–{last}: the content cells do not stand on the rows of their "
                    "measures, departments and deadlines; each content was moved to the row "
                    "its number falls on: check these tasks"
                ),
                first=before + 1,
                last=before + len(rows),
            )
        for position, entry in enumerate(rows):
            number = before + 1 + position
            task = entry.task
            if number in texts:
                task.content = texts[number][1]
            elif entry.items:
                task.content = ""  # its numbered content moved to another row
            elif entry.task.number is None:
                self.plan.warn(
                    task.where,
                    N_(
                        "this task has no number in the document; it was numbered {number}, "
                        "the number missing between the tasks around it"
                    ),
                    number=str(number),
                )
            task.number = str(number)
            entry.numbers = [number]
            entry.items = [(number, 0)] if number in texts else []


_SEQUENCE_WINDOW = 8  # rows a lost number or a displaced content cell is looked for across


def _fit(rows: list[_Entry], before: int, after: int) -> dict[int, tuple[int, str]] | None:
    """The numbered contents of ``rows`` by the number each takes, if they are tasks
    ``before``+1 … ``after``-1 one per row; None when they do not fit so.

    A numbered content may move one row up or down, onto a row with no content of its own.
    """
    if after - before - 1 != len(rows):
        return None
    texts: dict[int, tuple[int, str]] = {}
    for row, entry in enumerate(rows):
        if entry.items:
            found = entry.item_texts()
        elif entry.task.number is not None:  # numbered in its own cell: it stays where it is
            if entry.numbers != [before + 1 + row]:
                return None  # another number there (or 1.2, 二): not a task of this sequence
            continue
        else:
            continue
        for number, text in found.items():
            target = number - before - 1
            if not 0 <= target < len(rows) or abs(target - row) > 1:
                return None
            texts[number] = (row, text)
    order = sorted(texts)
    if [texts[number][0] for number in order] != sorted(texts[number][0] for number in order):
        return None
    for number, (row, _) in texts.items():
        onto = rows[number - before - 1]
        if row != number - before - 1 and onto.task.content and not onto.items:
            return None  # the row it would move onto has a content of its own
    return texts


def _same_task(previous: DraftTask, number: str | None, content: str) -> bool:
    """Whether a row repeats the task above: its number (merged) with no other content, or
    its content (merged) with no other number."""
    same_content = bool(content) and content == previous.content
    if number is None:
        return same_content
    return number == previous.number and (same_content or not content)


def _append_text(task: DraftTask, cells: Cells) -> None:
    """A spill-over row: its texts continue the previous task's cells."""
    if cells.content:
        task.content = f"{task.content}\n{cells.content}".strip()
    if cells.measures:
        task.measures = f"{task.measures or ''}\n{cells.measures}".strip()


def _extend(task: DraftTask, cells: Cells) -> None:
    """A second row of the same task (its number and content cells were merged or left empty)."""
    if cells.measures and cells.measures not in (task.measures or ""):
        task.measures = f"{task.measures or ''}\n{cells.measures}".strip()
    for mine, theirs in (
        (task.lead_departments, cells.lead),
        (task.responsible, cells.responsible),
        (task.leaders, cells.leaders),
    ):
        mine.extend(name for name in theirs if name not in mine)
    task.responsible[:] = [name for name in task.responsible if name not in task.lead_departments]
    if cells.due and cells.due not in (task.due_text or ""):
        task.due_text = f"{task.due_text} {cells.due}" if task.due_text else cells.due


def _merge(task: DraftTask, rest: DraftTask) -> None:
    """``rest``, a row without content of its own, joins ``task`` above it."""
    _extend(
        task,
        Cells(
            rest.where,
            measures=rest.measures or "",
            lead=rest.lead_departments,
            responsible=rest.responsible,
            leaders=rest.leaders,
            due=rest.due_text or "",
        ),
    )


@dataclass(frozen=True)
class _Slot:
    """What a task takes from one cell position."""

    index: int
    role: str  # a Cells field, or "lead" / "responsible" / "either" / "groups" for units
    people_after: bool = False  # the cell ends with leaders' names (责任部室及责任领导)


@dataclass
class _Layout:
    """A header resolved once into the cells a task takes from each position."""

    header: Header
    slots: list[_Slot]
    numbered: bool

    @classmethod
    def of(cls, header: Header) -> _Layout:
        # Without a 具体内容 column the task is the 工作任务 (or, failing that, the 措施) text.
        if header.has(Column.CONTENT):
            content = Column.CONTENT
        elif header.has(Column.FOCUS):
            content = Column.FOCUS
        else:
            content = Column.MEASURES
        slots = []
        for index, kinds in enumerate(header.columns):
            people_after = Column.LEADERS in kinds and len(kinds) > 1
            rest = [kind for kind in kinds if kind is not Column.LEADERS] if people_after else kinds
            role = _role(list(rest), content)
            if role or people_after:
                slots.append(_Slot(index, role or "", people_after))
        return cls(header, slots, header.has(Column.NUMBER))


def _role(kinds: list[Column], content: Column) -> str:
    if not kinds or kinds == [Column.OTHER]:
        return ""
    if len(set(kinds) & DEPARTMENT_COLUMNS) > 1:
        return "either"  # 牵头及责任单位: the first unit leads
    kind = kinds[0]
    if kind is content:
        return "content"
    if kind is Column.DEPARTMENTS:
        return "groups"
    return "" if kind is Column.OTHER else kind.value


def positional_cells(where: Where, cells: Sequence[str], layout: _Layout) -> Cells:
    """A row read by position under its header."""
    row = Cells(where)
    texts: dict[str, list[str]] = {}
    units: dict[str, list[str]] = {"lead": [], "responsible": [], "either": []}
    count = len(cells)
    for slot in layout.slots:
        value = cells[slot.index].strip() if slot.index < count else ""
        if not value:
            continue
        if slot.people_after:
            value, named = trailing_people(" ".join(value.split()))
            row.leaders.extend(name for name in named if name not in row.leaders)
            if not value:
                continue
        role = slot.role
        if role in units:
            units[role].append(value)
        elif role == "groups":
            groups = department_groups(value)
            units["lead"].append(groups[0])
            units["responsible"].extend(groups[1:])
        elif role == "leaders":
            row.leaders.extend(name for name in people(value) if name not in row.leaders)
        elif role == "due":
            row.due = f"{row.due} {' '.join(value.split())}".strip()
        elif role == "number":
            row.number = number_label(value)
        elif role:
            texts.setdefault(role, []).append(value)
    row.content = "\n".join(texts.get("content", ()))
    row.measures = "\n".join(texts.get("measures", ()))
    row.focus = label(" ".join(texts.get("focus", ())))
    row.category = label(" ".join(texts.get("category", ())))
    assign_departments(
        row,
        units["lead"],
        units["responsible"],
        units["either"],
        layout.header.first_responsible_leads,
    )
    return row


def assign_departments(
    row: Cells, lead: list[str], responsible: list[str], either: list[str], first_leads: bool
) -> None:
    """Lead and responsible units from their cells; a lone 责任单位 list leads with its first.

    A cell may say which is which itself (``牵头单位：A 配合单位：B、C``, ``A（牵头）、B``).
    """
    groups = [
        (role, cell)
        for role, cells in (("lead", lead), ("responsible", responsible), ("either", either))
        for cell in cells
    ]
    for role, names in _unit_groups(groups):
        if role == "lead":
            row.lead.extend(name for name in names if name not in row.lead)
        elif role == "responsible":
            row.responsible.extend(name for name in names if name not in row.responsible)
        else:
            names = list(names)
            if names and not row.lead:
                row.lead.append(names.pop(0))
            row.responsible.extend(name for name in names if name not in row.responsible)
    row.responsible[:] = [name for name in row.responsible if name not in row.lead]
    if first_leads and not row.lead and row.responsible:
        row.lead.append(row.responsible.pop(0))


def _unit_groups(cells: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """Units by role, from cells under a role's column; labels and marks inside a cell win.

    Units marked 牵头 come first, as lead, whichever column they stand in.
    """
    marked: list[str] = []
    groups: list[tuple[str, list[str]]] = []
    for column_role, cell in cells:
        for role, part in _labelled_parts(cell, column_role):
            names: list[str] = []
            for name in departments(part):
                bare = _LEAD_MARK.sub("", name)
                (marked if bare != name else names).append(bare)
            groups.append((role, names))
    return [("lead", marked), *groups] if marked else groups


def _labelled_parts(cell: str, role: str) -> list[tuple[str, str]]:
    """``牵头单位：A；配合单位：B、C`` -> [(lead, A), (responsible, B、C)]; else [(role, cell)]."""
    labels = list(_UNIT_LABEL.finditer(cell))
    if not labels:
        return [(role, cell)]
    parts = [(role, cell[: labels[0].start()])] if cell[: labels[0].start()].strip() else []
    for label_match, end in zip(labels, [m.start() for m in labels[1:]] + [len(cell)], strict=True):
        word = label_match.group(1)
        named = "lead" if word in _LEAD_WORDS else "either" if word == "责任" else "responsible"
        parts.append((named, cell[label_match.end() : end].strip(" \n；;，,。")))
    return parts


def find_header(rows: Sequence[Row]) -> tuple[int, Header] | None:
    """The first header row among the top rows, with the rest of it if it goes on below."""
    for index, (_, cells) in enumerate(rows[:_HEADER_SEARCH]):
        header = read_header(cells)
        if header is not None:
            return index, header
    return None


def _heading_text(cells: Sequence[str], layout: _Layout) -> str | None:
    """The text of a row that only heads a section (one text, maybe spread over merged cells)."""
    filled = [(index, cell.strip()) for index, cell in enumerate(cells) if cell.strip()]
    distinct = list(dict.fromkeys(text for _, text in filled))
    header = layout.header
    numbered = len(distinct) == 2 and Column.NUMBER in header.kinds_at(filled[0][0])
    if numbered and _CHINESE_ORDINAL.fullmatch(distinct[0]):  # 一 | 党的建设
        joint = "" if distinct[0][-1] in ")）、.．" else "、"
        return f"{distinct[0]}{joint}{distinct[1]}"
    if len(distinct) != 1:
        return None
    index, text = filled[0]
    kinds = header.kinds_at(index)
    if len(filled) > 1 or HEADING.match(text) or not kinds or Column.CATEGORY in kinds:
        return text
    if Column.NUMBER in kinds and not _DIGITS.search(text) and len(text) > 3:
        return text  # a heading typed into the 序号 column
    # A lone text under 内容 or 措施 is the rest of the task above, not a heading.
    return None


@dataclass
class Table:
    """A table read so far: its header, and the state the next page of it continues from."""

    header: Header
    builder: TaskBuilder


def read_table(rows: Iterable[Row], plan: DraftPlan, *, after: Table | None = None) -> Table | None:
    """Add the tasks of one table to ``plan``; None when it has no header row.

    ``after`` is the table that this one continues when a page break split it (Word repeats
    no header then): its header, group and numbering carry on.
    """
    rows = list(rows)
    start = 0
    found = find_header(rows)
    if found is not None:
        start, header = found
        above = [{cell.strip() for cell in cells if cell.strip()} for _, cells in rows[:start]]
        take_title(plan, [texts.pop() for texts in above if len(texts) == 1])
        start += 1
        layout = _Layout.of(header)
        builder = TaskBuilder(plan, numbered=layout.numbered)
    elif after is not None:
        layout = _Layout.of(after.header)
        builder = after.builder
    else:
        return None
    after_header = found is not None
    for where, cells in rows[start:]:
        if not any(cell.strip() for cell in cells):
            continue
        again = read_header(cells) if may_be_header(cells) else None
        if again is not None:
            layout = _Layout.of(again)
            builder.numbered = layout.numbered
            after_header = True
            continue
        fragment = header_fragment(cells) if after_header else None
        after_header = False
        if fragment is not None:
            layout = _Layout.of(merge_fragment(layout.header, fragment))
            continue
        heading = _heading_text(cells, layout)
        if heading is not None:
            builder.heading(heading)
            continue
        row = positional_cells(where, cells, layout)
        _check_leaders(plan, where, cells, layout, row)
        builder.add(row)
    builder.finish()
    return Table(layout.header, builder)


def _check_leaders(
    plan: DraftPlan, where: Where, cells: Sequence[str], layout: _Layout, row: Cells
) -> None:
    """Warn when a leaders cell holds text but no person's name (a unit, a title alone)."""
    if row.leaders:
        return
    for index in layout.header.where(Column.LEADERS):
        if (
            index < len(cells)
            and cells[index].strip()
            and layout.header.columns[index] == (Column.LEADERS,)
        ):
            plan.warn(
                where,
                N_("the leader cell “{text}” names no person"),
                text=cells[index].strip(),
            )
            return


def no_table_error() -> str:
    """The message for a document that holds no task table."""
    return N_(
        "no header row with the expected columns (e.g. 具体内容, 牵头单位, 责任领导, 完成时限) "
        "was found"
    )
