"""What a reader gets out of a document, before it touches the database.

Readers (one module per layout) turn a document into a :class:`DraftPlan` holding
:class:`DraftTask` rows exactly as written. ``ledger.importer`` then normalises names,
reads deadlines and targets, and warns about what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nlu.i18n import N_, Translate

__all__ = ["N_", "DraftPlan", "DraftTask", "LedgerError", "Notice", "Translate", "Where"]


def _same(message: str) -> str:
    return message


_PLACES = {
    "line": N_("line {n}"),
    "row": N_("row {n}"),
    "paragraph": N_("paragraph {n}"),
    "table": N_("table {n}"),
}


@dataclass(frozen=True)
class Where:
    """A place in a source document: ``Where("line", 12)``, ``Where("row", 5, sheet="Sheet1")``."""

    kind: str  # line | row | paragraph | table
    n: int
    sheet: str | None = None  # a workbook's sheet, by name
    table: int | None = None  # a Word document's table, by position (when it has several)

    def render(self, translate: Translate = _same) -> str:
        text = translate(_PLACES[self.kind]).format(n=self.n)
        if self.table is not None:
            return translate(N_("table {table}, {place}")).format(table=self.table, place=text)
        if self.sheet:
            return translate(N_("sheet {sheet}, {place}")).format(sheet=self.sheet, place=text)
        return text

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class Notice:
    """A warning about the document: where it is and what (an N_() template and its values)."""

    where: Where | None
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, translate: Translate = _same) -> str:
        params = {
            key: value.render(translate) if isinstance(value, Where) else value
            for key, value in self.params.items()
        }
        text = translate(self.message).format(**params)
        if self.where is None:
            return text
        place = self.where.render(translate)
        return translate(N_("{place}: {message}")).format(place=place, message=text)


class LedgerError(Exception):
    """The document cannot be read at all (user input, not a bug). Nothing is imported."""

    def __init__(self, message: str, *, where: Where | None = None, **params: Any) -> None:
        self.notice = Notice(where, message, params)
        super().__init__(self.notice.render())

    def render(self, translate: Translate = _same) -> str:
        return self.notice.render(translate)


@dataclass
class DraftTask:
    """One task as the document writes it; names and texts are raw but stripped."""

    where: Where  # where the task starts in the source, for messages
    content: str
    number: str | None = None  # as written: "8", "8-10"
    category: str | None = None  # 类型 / 一级标题
    focus: str | None = None  # 重点工作 / 二级标题
    measures: str | None = None  # 推进措施
    lead_departments: list[str] = field(default_factory=list)  # 牵头单位, first leads
    responsible: list[str] = field(default_factory=list)  # 责任单位 / 配合单位
    leaders: list[str] = field(default_factory=list)  # 责任领导, first leads
    due_text: str | None = None  # 完成时限 as written


@dataclass
class DraftPlan:
    """A whole document: its title and year if it states them, its tasks, its warnings."""

    title: str | None = None
    year: int | None = None
    tasks: list[DraftTask] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)

    def warn(self, where: Where | None, message: str, **params: Any) -> None:
        self.warnings.append(Notice(where, message, params))
