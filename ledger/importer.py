"""Read a document of any supported layout into a ParsedPlan: tasks with deadlines and targets.

The readers report what the document says; this module picks the reader, reads each
deadline and target, and warns about what is missing. Nothing is invented here.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ledger.draft import N_, DraftPlan, DraftTask, LedgerError, Notice, Translate, Where
from ledger.names import strip_title
from ledger.textfile import decode
from nlu.calendar import BUILT_IN, WorkCalendar
from nlu.deadline import Deadline, parse_deadline
from nlu.names import normalise_department
from nlu.targets import Target, extract_targets

SPREADSHEETS = {".xlsx", ".xlsm"}
UNSUPPORTED = {
    ".xls": "xlsx",
    ".doc": "docx",
    ".wps": "docx",
    ".et": "xlsx",
    ".pdf": "txt",
}


@dataclass
class ParsedTask:
    """A task read from a document, with its deadline and targets understood."""

    where: Where
    number: str | None
    category: str | None
    focus: str | None
    content: str
    measures: str | None
    lead_departments: list[str]
    responsible: list[str]
    leaders: list[str]
    deadline: Deadline
    targets: list[Target]

    @property
    def label(self) -> str | Where:
        """How messages name the task: its number, else where it starts (rendered by Notice)."""
        return self.number or self.where

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "category": self.category,
            "focus": self.focus,
            "content": self.content,
            "measures": self.measures,
            "lead_departments": self.lead_departments,
            "responsible": self.responsible,
            "leaders": self.leaders,
            "due": self.deadline.due.isoformat() if self.deadline.due else None,
            "due_text": self.deadline.text or None,
            "kind": self.deadline.kind,
            "recurrence": self.deadline.recurrence,
            "start": self.deadline.start.isoformat() if self.deadline.start else None,
            "targets": [target.as_json() for target in self.targets],
            "where": str(self.where),
        }


@dataclass
class ParsedPlan:
    title: str
    year: int | None
    source_name: str
    source_hash: str
    tasks: list[ParsedTask] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)

    def as_json(self, translate: Translate | None = None) -> dict[str, Any]:
        return {
            "plan": {
                "title": self.title,
                "year": self.year,
                "source": self.source_name,
                "sha256": self.source_hash,
                "tasks": len(self.tasks),
            },
            "tasks": [task.as_json() for task in self.tasks],
            "warnings": [
                notice.render(translate) if translate else notice.render()
                for notice in self.warnings
            ],
        }


def read_draft(path: Path, data: bytes) -> DraftPlan:
    """Pick the reader for the file's kind and layout."""
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED:
        raise LedgerError(
            N_("{suffix} files cannot be read; save the document as .{instead} and import that"),
            suffix=suffix,
            instead=UNSUPPORTED[suffix],
        )
    if not data.strip():
        raise LedgerError(N_("the file is empty"))
    if suffix in SPREADSHEETS or suffix == ".docx":
        if not zipfile.is_zipfile(path):
            raise LedgerError(N_("the file is not a valid {suffix} document"), suffix=suffix)
        if suffix == ".docx":
            from ledger.wordfile import read_docx

            return read_docx(path)
        from ledger.spreadsheet import read_xlsx

        return read_xlsx(path)
    text = decode(data)
    if suffix == ".csv":
        from ledger.spreadsheet import read_csv

        return read_csv(text)
    from ledger.flat_table import looks_like_flat_table, read_flat_table

    if looks_like_flat_table(text):
        return read_flat_table(text)
    from ledger.outline import read_outline

    lines = [(Where("line", number), line) for number, line in enumerate(text.split("\n"), 1)]
    return read_outline(lines, title_hint=path.stem)


def finish(
    draft: DraftPlan,
    *,
    source_name: str,
    source_hash: str,
    today: date,
    year: int | None = None,
    title: str | None = None,
    calendar: WorkCalendar = BUILT_IN,
) -> ParsedPlan:
    """Read deadlines and targets, normalise names, and warn about what is missing."""
    plan_year = year if year is not None else draft.year
    plan = ParsedPlan(
        title=(title or draft.title or Path(source_name).stem).strip(),
        year=plan_year,
        source_name=source_name,
        source_hash=source_hash,
        warnings=list(draft.warnings),
    )
    deadlines: dict[str, Deadline] = {}  # a list repeats a few deadline texts many times
    plan.tasks = [
        _finish_task(draft_task, deadlines, today=today, year=plan_year, calendar=calendar)
        for draft_task in draft.tasks
    ]
    for task in plan.tasks:
        plan.warnings.extend(_missing(task))
    if not plan.tasks:
        plan.warnings.append(Notice(None, N_("no tasks were found in this document")))
    return plan


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(name for name in names if name))


def _finish_task(
    task: DraftTask,
    deadlines: dict[str, Deadline],
    *,
    today: date,
    year: int | None,
    calendar: WorkCalendar,
) -> ParsedTask:
    due_text = (task.due_text or "").strip()
    deadline = deadlines.get(due_text)
    if deadline is None:
        deadline = deadlines[due_text] = (
            parse_deadline(due_text, today=today, year=year, calendar=calendar)
            if due_text
            else Deadline(text="", due=None, kind="unknown")
        )
    text_for_targets = "\n".join(part for part in (task.content, task.measures) if part)
    lead = _unique([normalise_department(d) for d in task.lead_departments])
    return ParsedTask(
        where=task.where,
        number=task.number,
        category=task.category,
        focus=task.focus,
        content=task.content.strip(),
        measures=task.measures.strip() if task.measures else None,
        lead_departments=lead,
        # A unit named both lead and responsible counts once, as lead.
        responsible=[
            d for d in _unique(map(normalise_department, task.responsible)) if d not in lead
        ],
        leaders=_unique([strip_title(name) for name in task.leaders]),
        deadline=deadline,
        targets=_distinct_targets(extract_targets(text_for_targets)),
    )


def _distinct_targets(targets: list[Target]) -> list[Target]:
    """One target per metric, value and unit: 具体内容 and 推进措施 often state it twice."""
    seen: dict[tuple[str, float, str], Target] = {}
    for target in targets:
        seen.setdefault((target.metric, target.value, target.unit), target)
    return list(seen.values())


# What a task the document left open is warned of; a summary may count these instead.
NO_LEADER = N_("task {task}: no responsible leader named")
NO_LEAD_DEPARTMENT = N_("task {task}: no lead department named")
NO_DEADLINE = N_("task {task}: no deadline")
MISSING = frozenset({NO_LEADER, NO_LEAD_DEPARTMENT, NO_DEADLINE})


def _missing(task: ParsedTask) -> list[Notice]:
    notices = []
    if not task.leaders:
        notices.append(Notice(task.where, NO_LEADER, {"task": task.label}))
    if not task.lead_departments:
        notices.append(Notice(task.where, NO_LEAD_DEPARTMENT, {"task": task.label}))
    if not task.deadline.text:
        notices.append(Notice(task.where, NO_DEADLINE, {"task": task.label}))
    elif task.deadline.kind == "unknown":
        notices.append(
            Notice(
                task.where,
                N_("task {task}: the deadline “{text}” could not be read"),
                {"task": task.label, "text": task.deadline.text},
            )
        )
    return notices


def read_document(
    path: Path,
    *,
    today: date,
    year: int | None = None,
    title: str | None = None,
    calendar: WorkCalendar = BUILT_IN,
) -> ParsedPlan:
    """Read the file at ``path``; LedgerError if it is missing or not a task document.

    ``calendar`` is the office's working days, for deadlines such as 3个工作日内.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LedgerError(N_("no such file: {path}"), path=str(path)) from None
    except IsADirectoryError:
        raise LedgerError(N_("{path} is a folder, not a file"), path=str(path)) from None
    draft = read_draft(path, data)
    return finish(
        draft,
        source_name=path.name,
        source_hash=hashlib.sha256(data).hexdigest(),
        today=today,
        year=year,
        title=title,
        calendar=calendar,
    )
