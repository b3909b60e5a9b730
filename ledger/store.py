"""Put a ParsedPlan into the ledger: create it, or update the matching plan and say what changed.

A plan is matched by title and year; its tasks by number, else by equal content, else by the
likeness of their content. Re-importing the same document changes nothing. Tasks a revised
document no longer lists are cancelled, not deleted, so their history stays.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rapidfuzz import fuzz, process
from sqlmodel import Session

from ledger.draft import Where
from ledger.importer import ParsedPlan, ParsedTask
from models.edits import tasks_added_by_hand
from models.queries import (
    TaskDetails,
    TaskView,
    departments_by_name,
    ensure_department,
    ensure_leader,
    insert_tasks,
    people_by_name,
    plan_tasks,
    plan_titled,
    record_event,
    record_events,
    replace_details,
    tasks_in_view,
)
from models.tables import Plan, Role, Task, TaskStatus

# How alike two contents must be (0–100) to count as the same unnumbered task.
SAME_TASK_LIKENESS = 85.0


@dataclass
class TaskChange:
    task: str | Where  # its number, else where it starts
    fields: list[str]


@dataclass
class ImportReport:
    plan_id: int
    title: str
    new_plan: bool
    added: list[str | Where] = field(default_factory=list)
    changed: list[TaskChange] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed_anything(self) -> bool:
        return self.new_plan or bool(self.added or self.changed or self.removed)

    def as_json(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "title": self.title,
            "new_plan": self.new_plan,
            "added": [str(label) for label in self.added],
            "changed": [{"task": str(c.task), "fields": c.fields} for c in self.changed],
            "removed": self.removed,
            "unchanged": self.unchanged,
        }


def _target_rows(targets: list[Any]) -> list[tuple[str, str, float, str]]:
    return [(t.text, t.metric, float(t.value), t.unit) for t in targets]


def _parsed_fields(seq: int, task: ParsedTask) -> dict[str, Any]:
    deadline = task.deadline
    return {
        "seq": seq,
        "number": task.number,
        "category": task.category,
        "focus": task.focus,
        "content": task.content,
        "measures": task.measures,
        "due": deadline.due,
        "due_text": deadline.text or None,
        "due_kind": deadline.kind,
        "recurrence": deadline.recurrence,
        "start": deadline.start,
        "leaders": task.leaders,
        "lead_departments": task.lead_departments,
        "responsible": task.responsible,
        "targets": _target_rows(task.targets),
    }


def _stored_fields(view: TaskView) -> dict[str, Any]:
    task = view.task
    return {
        "seq": task.seq,
        "number": task.number,
        "category": task.category,
        "focus": task.focus,
        "content": task.content,
        "measures": task.measures,
        "due": task.due,
        "due_text": task.due_text,
        "due_kind": task.due_kind,
        "recurrence": task.recurrence,
        "start": task.start,
        "leaders": view.leaders,
        "lead_departments": view.lead_departments,
        "responsible": view.responsible,
        "targets": _target_rows(view.targets),
    }


_DEADLINE_FIELDS = ("due", "due_text", "due_kind", "recurrence", "start")


def _keep_what_it_leaves_open(values: dict[str, Any], before: dict[str, Any]) -> None:
    """A field the document leaves empty (no leader, no lead or responsible department, no
    deadline) never clears what the ledger holds: what the clerk assigned in chat stays."""
    for key in ("leaders", "lead_departments", "responsible"):
        if not values[key] and before[key]:
            values[key] = before[key]
    if values["due"] is None and not values["due_text"] and (before["due"] or before["due_text"]):
        values.update({key: before[key] for key in _DEADLINE_FIELDS})


def _match(parsed: list[ParsedTask], stored: list[TaskView]) -> list[TaskView | None]:
    """For each parsed task, the stored task it revises (by number, else by content).

    Equal content is matched before like content: an unchanged task keeps its stored task
    even when an edited task before it in the document resembles that one too.
    """
    matches: list[TaskView | None] = [None] * len(parsed)
    free = _match_numbers(parsed, stored, matches)
    free = _match_equal_content(parsed, free, matches)
    _match_like_content(parsed, free, matches)
    return matches


def _match_numbers(
    parsed: list[ParsedTask], stored: list[TaskView], matches: list[TaskView | None]
) -> list[TaskView]:
    """Match tasks by number; return the stored tasks still free, in their order."""
    by_number = {view.task.number: view for view in stored if view.task.number}
    taken: set[int] = set()
    for index, task in enumerate(parsed):
        view = by_number.get(task.number) if task.number else None
        if view is not None and id(view) not in taken:
            taken.add(id(view))
            matches[index] = view
    return [view for view in stored if id(view) not in taken]


def _match_equal_content(
    parsed: list[ParsedTask], free: list[TaskView], matches: list[TaskView | None]
) -> list[TaskView]:
    """Match the unmatched tasks whose content is stored as is, one look-up each; return the
    stored tasks still free, in their order.

    Among stored tasks of equal content the earlier is taken first, as the likeness scan
    would (a likeness of 100 is equal content, and its first best wins).
    """
    by_content: dict[str, deque[TaskView]] = {}
    for view in free:
        by_content.setdefault(view.task.content, deque()).append(view)
    taken: set[int] = set()
    for index, task in enumerate(parsed):
        if matches[index] is None and (same := by_content.get(task.content)):
            view = same.popleft()
            taken.add(id(view))
            matches[index] = view
    return [view for view in free if id(view) not in taken]


def _match_like_content(
    parsed: list[ParsedTask], free: list[TaskView], matches: list[TaskView | None]
) -> None:
    """Match what is left by likeness of content, in document order, against only the stored
    tasks left: after an unchanged import there are none, after a revision a few."""
    left = list(free)
    contents = [view.task.content for view in left]
    for index, task in enumerate(parsed):
        if not left:
            return
        if matches[index] is not None:
            continue
        best = process.extractOne(
            task.content, contents, scorer=fuzz.ratio, score_cutoff=SAME_TASK_LIKENESS
        )
        if best is not None:
            matches[index] = left.pop(best[2])
            del contents[best[2]]


_TASK_COLUMNS = (
    "seq",
    "number",
    "category",
    "focus",
    "content",
    "measures",
    "due",
    "due_text",
    "due_kind",
    "recurrence",
    "start",
)


class _Names:
    """People and departments by name, loaded once per import; new ones are created."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self.people = people_by_name(session)
        self.departments = departments_by_name(session)

    def leader_ids(self, names: list[str]) -> list[int]:
        ids = []
        for name in names:
            person = self.people.get(name)
            if person is None or person.role == Role.staff:
                person = self.people[name] = ensure_leader(self.session, name=name, now=self.now)
            assert person.id is not None
            ids.append(person.id)
        return ids

    def department_ids(self, names: list[str]) -> list[int]:
        for name in names:
            if name not in self.departments:
                department = ensure_department(self.session, name=name)
                assert department.id is not None
                self.departments[name] = department.id
        return [self.departments[name] for name in names]


def _details(task_id: int | None, values: dict[str, Any], names: _Names) -> TaskDetails:
    assert task_id is not None
    return TaskDetails(
        task_id=task_id,
        leader_ids=names.leader_ids(values["leaders"]),
        lead_ids=names.department_ids(values["lead_departments"]),
        responsible_ids=names.department_ids(values["responsible"]),
        targets=values["targets"],
    )


def apply_plan(session: Session, parsed: ParsedPlan, *, now: datetime) -> ImportReport:
    """Write ``parsed`` into the ledger inside the caller's transaction; report the changes."""
    plan = plan_titled(session, title=parsed.title, year=parsed.year)
    new_plan = plan is None
    if plan is None:
        plan = Plan(
            title=parsed.title,
            year=parsed.year,
            source_name=parsed.source_name,
            source_hash=parsed.source_hash,
            imported_at=now,
            updated_at=now,
        )
        session.add(plan)
        session.flush()
    assert plan.id is not None
    report = ImportReport(plan_id=plan.id, title=plan.title, new_plan=new_plan)
    names = _Names(session, now)
    # Tasks the clerk added in chat are not the document's: a revision neither matches nor
    # cancels them.
    by_hand = tasks_added_by_hand(session, plan_id=plan.id)
    stored = [
        view
        for view in tasks_in_view(session, plan_tasks(session, plan_id=plan.id))
        if view.task.id not in by_hand
    ]
    matches = _match(parsed.tasks, stored)
    new: list[dict[str, Any]] = []
    revised: list[tuple[Task, dict[str, Any]]] = []
    for seq, (task, match) in enumerate(zip(parsed.tasks, matches, strict=True)):
        values = _parsed_fields(seq, task)
        if match is None:
            new.append(values)
            report.added.append(task.label)
            continue
        before = _stored_fields(match)
        _keep_what_it_leaves_open(values, before)
        changed = [key for key, value in values.items() if before[key] != value]
        if match.task.status == TaskStatus.cancelled:
            match.task.status = TaskStatus.open  # listed again in the revised document
            changed.append("status")
        if changed:
            match.task.updated_at = now
            revised.append((match.task, values))
            report.changed.append(TaskChange(task.label, changed))
        else:
            report.unchanged += 1
    for row, values in revised:
        for key in _TASK_COLUMNS:
            setattr(row, key, values[key])
        session.add(row)
    session.flush()
    new_ids = insert_tasks(
        session,
        rows=[
            {key: values[key] for key in _TASK_COLUMNS}
            | {"plan_id": plan.id, "status": TaskStatus.open, "created_at": now, "updated_at": now}
            for values in new
        ],
    )
    replace_details(
        session,
        details=[_details(row.id, values, names) for row, values in revised]
        + [_details(task_id, values, names) for task_id, values in zip(new_ids, new, strict=True)],
    )
    events: list[tuple[str, int | None, str]] = [("task.imported", id_, "") for id_ in new_ids]
    events += [
        ("task.revised", row.id, ",".join(change.fields))
        for (row, _), change in zip(revised, report.changed, strict=True)
    ]
    matched = {id(view) for view in matches if view is not None}
    for view in stored:
        if id(view) not in matched and view.task.status != TaskStatus.cancelled:
            view.task.status = TaskStatus.cancelled
            view.task.updated_at = now
            session.add(view.task)
            report.removed.append(view.task.number or f"#{view.task.seq + 1}")
            events.append(("task.cancelled", view.task.id, ""))
    record_events(
        session,
        at=now,
        plan_id=plan.id,
        events=[(action, task_id, detail) for action, task_id, detail in events if task_id],
    )
    if report.changed_anything:
        plan.source_name = parsed.source_name
        plan.source_hash = parsed.source_hash
        plan.updated_at = now
        session.add(plan)
        record_event(
            session,
            at=now,
            action="plan.import",
            plan_id=plan.id,
            detail=json.dumps(report.as_json(), ensure_ascii=False, default=_json_default),
        )
    session.flush()
    return report


def _json_default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)
