"""Keeping the ledger by hand (the clerk, in chat): assign, change, cancel and add tasks.

Who may change what: an admin (督办员) anything; a leader only a task's departments, on a task
they may see, and only among the departments they oversee (分管): every department added or
removed must be one of theirs. Nobody else changes the ledger. The rule is ``may_change`` and
every change checks it, whatever button or words asked for it.

A change is a list of ``Change`` over ids (names are resolved before, by ledger.keeping). It is
applied in one transaction that locks the task's row, writes each field, lands in the task's
history (AuditEvent ``task.changed``: ``field: before -> after`` per line, or ``task.withdrawn``
with the reason) and returns who must be told: the task's leaders before and after, once each,
never the one who made it. Reminders need no re-planning step: the policy reads the task's
deadline and leaders as they are now, and its stages are keyed by deadline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from models.access import CLOSED_STATUSES, OPEN_STATUSES, Page, overseen_departments, visible
from models.queries import record_event, tasks_in_view
from models.tables import (
    AuditEvent,
    Department,
    DepartmentRole,
    Person,
    Plan,
    Role,
    Target,
    Task,
    TaskDepartment,
    TaskLeader,
    TaskStatus,
)

FIELDS = ("leader", "lead", "responsible", "due", "content", "measures", "target", "cancel")
DEPARTMENT_FIELDS = ("lead", "responsible")
_NUMBER = re.compile(r"\d+")


class EditError(Exception):
    """A change that cannot be made; nothing was changed."""


class NotAllowed(EditError):
    """This person may not make this change."""


class TaskGone(EditError, LookupError):
    """No such task (a stale button, or a task removed since)."""


class TaskClosed(EditError):
    """The task is done or cancelled: it is not changed any more."""

    def __init__(self, task_id: int, status: str) -> None:
        super().__init__(f"task {task_id} is {status}")
        self.status = status


@dataclass(frozen=True)
class Change:
    """One change to one task, over ids: what ledger.keeping resolved from words or buttons."""

    field: str  # one of FIELDS
    mode: str = "set"  # set | add | remove (leaders and departments)
    ids: tuple[int, ...] = ()  # people (leader) or departments (lead, responsible)
    text: str = ""  # content, measures, or a cancel's reason
    due: date | None = None
    due_text: str = ""
    open_ended: bool = False  # no date by design (持续推进, 长期坚持): never chased as late
    value: float | None = None  # a target's amount
    unit: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "field": self.field,
            "mode": self.mode,
            "ids": list(self.ids),
            "text": self.text,
            "due": self.due.isoformat() if self.due else None,
            "due_text": self.due_text,
            "open_ended": self.open_ended,
            "value": self.value,
            "unit": self.unit,
        }

    @classmethod
    def of(cls, data: dict[str, object]) -> Change:
        due = data.get("due")
        value = data.get("value")
        ids = data.get("ids") or []
        assert isinstance(ids, list)
        return cls(
            field=str(data["field"]),
            mode=str(data.get("mode") or "set"),
            ids=tuple(int(i) for i in ids),
            text=str(data.get("text") or ""),
            due=date.fromisoformat(due) if isinstance(due, str) else None,
            due_text=str(data.get("due_text") or ""),
            open_ended=bool(data.get("open_ended")),
            value=float(value) if isinstance(value, int | float) else None,
            unit=str(data.get("unit") or ""),
        )


@dataclass
class Changed:
    """What a change did: each field's before and after (names), and whom to tell."""

    task_id: int
    lines: list[tuple[str, str, str]] = field(default_factory=list)  # field, before, after
    tell: list[int] = field(default_factory=list)  # person ids, each once


# --- who may change what --------------------------------------------------------------------


def may_change(
    session: Session, *, person: Person, task_id: int, changes: Sequence[Change]
) -> bool:
    """True when ``person`` may make every one of ``changes`` to the task."""
    if person.id is None or not person.active:
        return False
    if person.role == Role.admin:
        return True
    if person.role != Role.leader or not changes:
        return False
    if any(change.field not in DEPARTMENT_FIELDS for change in changes):
        return False
    seen = session.exec(select(Task.id).where(Task.id == task_id, visible(session, person=person)))
    if seen.first() is None:
        return False
    theirs = set(overseen_departments(session, person_id=person.id))
    touched: set[int] = set()
    for change in changes:
        touched.update(change.ids)
        if change.mode == "set":  # the departments it replaces are touched too
            touched.update(_department_ids(session, task_id, change.field))
    return touched <= theirs


def may_add(person: Person) -> bool:
    """Only an admin adds tasks to the ledger."""
    return person.role == Role.admin and person.active


# --- applying changes -----------------------------------------------------------------------


def apply_changes(
    session: Session, *, actor: Person, task_id: int, changes: Sequence[Change], now: datetime
) -> Changed:
    """Make ``changes`` to the task, if ``actor`` may; record them; say whom to tell."""
    if not may_change(session, person=actor, task_id=task_id, changes=changes):
        raise NotAllowed(f"person {actor.id} may not change task {task_id}")
    task = session.get(Task, task_id, with_for_update=True)
    if task is None:
        raise TaskGone(f"task {task_id}")
    session.refresh(task)
    if task.status in CLOSED_STATUSES:
        raise TaskClosed(task_id, task.status)
    leaders_before = _leader_ids(session, task_id)
    done = Changed(task_id)
    for change in (_where_held(session, task_id, change) for change in changes):
        before = describe(session, task, change.field)
        _apply(session, task, change, now=now)
        session.flush()
        after = describe(session, task, change.field)
        if before != after or change.field == "cancel":
            done.lines.append((change.field, before, after))
    if not done.lines:
        return done
    task.updated_at = now
    session.add(task)
    cancel = next((change for change in changes if change.field == "cancel"), None)
    if cancel is not None:
        record_event(
            session,
            at=now,
            action="task.withdrawn",
            detail=cancel.text,
            actor_id=actor.id,
            plan_id=task.plan_id,
            task_id=task_id,
        )
    edited = [line for line in done.lines if line[0] != "cancel"]
    if edited:
        record_event(
            session,
            at=now,
            action="task.changed",
            detail="\n".join(f"{name}: {before} -> {after}" for name, before, after in edited),
            actor_id=actor.id,
            plan_id=task.plan_id,
            task_id=task_id,
        )
    concerned = dict.fromkeys([*leaders_before, *_leader_ids(session, task_id)])
    done.tell = [person_id for person_id in concerned if person_id != actor.id]
    return done


def _apply(session: Session, task: Task, change: Change, *, now: datetime) -> None:
    assert task.id is not None
    if change.field == "leader":
        current = _leader_ids(session, task.id)
        _relink(session, TaskLeader, task.id, _merged(current, change), role=None)
    elif change.field in DEPARTMENT_FIELDS:
        current = _department_ids(session, task.id, change.field)
        _relink(session, TaskDepartment, task.id, _merged(current, change), role=change.field)
    elif change.field == "due":
        task.due = change.due
        task.due_text = (change.due_text or (change.due.isoformat() if change.due else ""))[:200]
        task.due_kind = (
            "by" if change.due is not None else "continuous" if change.open_ended else "unknown"
        )
        task.recurrence = None
    elif change.field == "content":
        if not change.text.strip():
            raise EditError("a task needs words")
        task.content = change.text.strip()
    elif change.field == "measures":
        task.measures = change.text.strip() or None
    elif change.field == "target":
        _set_target(session, task.id, change)
    elif change.field == "cancel":
        task.status = TaskStatus.cancelled
    else:
        raise ValueError(f"no such field: {change.field}")


def _where_held(session: Session, task_id: int, change: Change) -> Change:
    """A department to remove is removed where the task holds it: 去掉办公室 said of a
    responsible department means the lead one when 办公室 leads."""
    if change.mode != "remove" or change.field not in DEPARTMENT_FIELDS:
        return change
    if set(change.ids) & set(_department_ids(session, task_id, change.field)):
        return change
    other = "lead" if change.field == "responsible" else "responsible"
    if set(change.ids) & set(_department_ids(session, task_id, other)):
        return replace(change, field=other)
    return change


def _merged(current: list[int], change: Change) -> list[int]:
    if change.mode == "add":
        return list(dict.fromkeys([*current, *change.ids]))
    if change.mode == "remove":
        return [one for one in current if one not in change.ids]
    return list(dict.fromkeys(change.ids))


def _relink(
    session: Session,
    table: type[TaskLeader] | type[TaskDepartment],
    task_id: int,
    ids: list[int],
    *,
    role: str | None,
) -> None:
    """The task's leaders (or departments of ``role``) become ``ids``, in that order; a party
    that stays keeps its own status and last report."""
    if table is TaskLeader:
        old = {
            row.person_id: row
            for row in session.exec(select(TaskLeader).where(TaskLeader.task_id == task_id))
        }
        for person_id, row in old.items():
            if person_id not in ids:
                session.delete(row)
        for position, person_id in enumerate(ids):
            row = old.get(person_id) or TaskLeader(task_id=task_id, person_id=person_id)
            row.position = position
            session.add(row)
        return
    links = {
        row.department_id: row
        for row in session.exec(
            select(TaskDepartment).where(
                TaskDepartment.task_id == task_id, TaskDepartment.role == role
            )
        )
    }
    for department_id, link in links.items():
        if department_id not in ids:
            session.delete(link)
    for position, department_id in enumerate(ids):
        link = links.get(department_id) or TaskDepartment(
            task_id=task_id, department_id=department_id, role=str(role)
        )
        link.position = position
        session.add(link)


def _set_target(session: Session, task_id: int, change: Change) -> None:
    """The target counted in ``change.unit`` gets the new amount; a new unit adds a target."""
    if change.value is None or not change.unit:
        raise EditError("a target needs an amount and a unit")
    targets = list(
        session.exec(select(Target).where(Target.task_id == task_id).order_by(col(Target.position)))
    )
    same = next((target for target in targets if target.unit == change.unit), None)
    amount = f"{change.value:g}{change.unit}"
    if same is None:
        metric = change.text.strip()
        same = Target(
            task_id=task_id,
            position=len(targets),
            metric=metric,
            text="",
            value=0,
            unit=change.unit,
        )
    same.value = change.value
    same.text = f"{same.metric}{amount}"
    session.add(same)


def describe(session: Session, task: Task, name: str) -> str:
    """One field of the task as the history and the chat show it (names, an ISO date)."""
    assert task.id is not None
    if name == "leader":
        return "、".join(_names(session, Person, _leader_ids(session, task.id))) or "-"
    if name in DEPARTMENT_FIELDS:
        ids = _department_ids(session, task.id, name)
        return "、".join(_names(session, Department, ids)) or "-"
    if name == "due":
        return task.due.isoformat() if task.due else (task.due_text or "-")
    if name == "content":
        return task.content
    if name == "measures":
        return task.measures or "-"
    if name == "target":
        rows = session.exec(
            select(Target).where(Target.task_id == task.id).order_by(col(Target.position))
        )
        return "、".join(f"{t.value:g}{t.unit}" for t in rows) or "-"
    if name == "cancel":
        return task.status
    raise ValueError(f"no such field: {name}")


def _leader_ids(session: Session, task_id: int) -> list[int]:
    return list(
        session.exec(
            select(TaskLeader.person_id)
            .where(TaskLeader.task_id == task_id)
            .order_by(col(TaskLeader.position))
        )
    )


def _department_ids(session: Session, task_id: int, role: str) -> list[int]:
    return list(
        session.exec(
            select(TaskDepartment.department_id)
            .where(TaskDepartment.task_id == task_id, TaskDepartment.role == role)
            .order_by(col(TaskDepartment.position))
        )
    )


def _names(session: Session, table: type[Person] | type[Department], ids: list[int]) -> list[str]:
    if not ids:
        return []
    found = dict(session.exec(select(table.id, table.name).where(col(table.id).in_(ids))).all())
    return [found[one] for one in ids if one in found]


# --- adding a task --------------------------------------------------------------------------


@dataclass(frozen=True)
class NewTask:
    """A task to add, over ids."""

    plan_id: int
    content: str
    leader_ids: tuple[int, ...] = ()
    lead_ids: tuple[int, ...] = ()
    responsible_ids: tuple[int, ...] = ()
    due: date | None = None
    due_text: str = ""
    measures: str = ""


def next_number(session: Session, *, plan_id: int) -> str:
    """The number after the plan's highest (numbers continue the plan's numbering)."""
    written = session.exec(
        select(Task.number).where(Task.plan_id == plan_id, col(Task.number).is_not(None))
    ).all()
    highest = 0
    for number in written:
        found = _NUMBER.findall(number or "")
        if found:
            highest = max(highest, *(int(part) for part in found))
    return str(highest + 1)


def add_task(session: Session, *, actor: Person, new: NewTask, now: datetime) -> Task:
    """Add ``new`` at the end of its plan, numbered after the plan's highest number."""
    if not may_add(actor):
        raise NotAllowed(f"person {actor.id} may not add tasks")
    if not new.content.strip():
        raise EditError("a task needs words")
    plan = session.get(Plan, new.plan_id)
    if plan is None:
        raise TaskGone(f"plan {new.plan_id}")
    last = session.exec(select(func.max(Task.seq)).where(Task.plan_id == new.plan_id)).one()
    task = Task(
        plan_id=new.plan_id,
        seq=(last if last is not None else -1) + 1,
        number=next_number(session, plan_id=new.plan_id),
        content=new.content.strip(),
        measures=new.measures.strip() or None,
        due=new.due,
        due_text=(new.due_text or (new.due.isoformat() if new.due else ""))[:200] or None,
        due_kind="by" if new.due is not None else "unknown",
        created_at=now,
        updated_at=now,
    )
    session.add(task)
    session.flush()
    assert task.id is not None
    _relink(session, TaskLeader, task.id, list(dict.fromkeys(new.leader_ids)), role=None)
    for role, ids in (
        (DepartmentRole.lead, new.lead_ids),
        (DepartmentRole.responsible, new.responsible_ids),
    ):
        _relink(session, TaskDepartment, task.id, list(dict.fromkeys(ids)), role=role)
    plan.updated_at = now
    session.add(plan)
    record_event(
        session,
        at=now,
        action="task.added",
        detail=task.content[:60],
        actor_id=actor.id,
        plan_id=plan.id,
        task_id=task.id,
    )
    return task


# --- what the clerk still has to fill in ----------------------------------------------------


def unassigned_tasks(
    session: Session,
    *,
    person: Person,
    limit: int,
    offset: int = 0,
    plans: Sequence[int] | None = None,
) -> Page:
    """Open tasks ``person`` may see that lack a leader, a lead department or a deadline; in
    the document's order."""
    no_leader = ~select(TaskLeader.task_id).where(col(TaskLeader.task_id) == Task.id).exists()
    no_lead = (
        ~select(TaskDepartment.task_id)
        .where(col(TaskDepartment.task_id) == Task.id, TaskDepartment.role == DepartmentRole.lead)
        .exists()
    )
    undated = (
        col(Task.due).is_(None) & col(Task.recurrence).is_(None) & (Task.due_kind != "continuous")
    )
    where = [
        visible(session, person=person),
        col(Task.status).in_(OPEN_STATUSES),
        or_(no_leader, no_lead, undated),
    ]
    if plans is not None:
        where.append(col(Task.plan_id).in_(plans))
    order = (col(Task.plan_id).desc(), col(Task.seq), col(Task.id))
    rows = list(
        session.exec(select(Task).where(*where).order_by(*order).limit(limit).offset(offset))
    )
    total = session.exec(select(func.count()).select_from(Task).where(*where)).one()
    return tasks_in_view(session, rows), total


def office_leaders(session: Session, *, admins: bool = False) -> list[Person]:
    """Everyone who can lead a task (active leaders, and admins when asked), by name."""
    roles = [Role.leader, Role.admin] if admins else [Role.leader]
    return list(
        session.exec(
            select(Person)
            .where(col(Person.role).in_(roles), col(Person.active).is_(True))
            .order_by(col(Person.name))
        )
    )


def office_departments(session: Session) -> list[Department]:
    """Every department, by name: the department picker."""
    return list(session.exec(select(Department).order_by(col(Department.name))))


def plan_for_adding(session: Session, *, plans: Sequence[int] | None) -> Plan | None:
    """The plan a new task goes to: of the plans the person's questions are about (the one they
    chose, else the current ones; None: every plan), the newest that is not archived."""
    query = select(Plan).where(col(Plan.archived_at).is_(None))
    if plans is not None:
        query = query.where(col(Plan.id).in_(plans))
    return session.exec(
        query.order_by(
            col(Plan.year).is_(None),
            col(Plan.year).desc(),
            col(Plan.imported_at).desc(),
            col(Plan.id).desc(),
        )
    ).first()


def tasks_added_by_hand(session: Session, *, plan_id: int) -> set[int]:
    """The plan's tasks the clerk added in chat (audit "task.added"), not from its document."""
    found = session.exec(
        select(AuditEvent.task_id).where(
            AuditEvent.plan_id == plan_id, AuditEvent.action == "task.added"
        )
    )
    return {task_id for task_id in found if task_id is not None}
