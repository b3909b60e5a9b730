"""Query functions: the only place that talks SQL. Keyword-only arguments, plain results."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any, Protocol

from sqlalchemy import (
    BindParameter,
    Float,
    Integer,
    String,
    Table,
    bindparam,
    cast,
    delete,
    insert,
    literal,
    null,
    union_all,
)
from sqlalchemy import select as select_columns  # sqlmodel's select types up to 4 columns
from sqlmodel import Session, SQLModel, col, select

from models.search import index_rows
from models.tables import (
    AuditEvent,
    Department,
    DepartmentRole,
    PartStatus,
    Person,
    Plan,
    Role,
    Target,
    Task,
    TaskDepartment,
    TaskLeader,
)


@dataclass(frozen=True)
class TargetView:
    """A target as lists, reports and exports read it: 科普大篷车巡展 25 of 40 场. Plain values:
    a page reads thousands, and an ORM object each cost more than the query."""

    id: int
    task_id: int
    position: int
    text: str
    metric: str
    value: float
    unit: str
    achieved: float


@dataclass
class TaskView:
    """A task with the names around it, ready to show or export."""

    task: Task
    plan_title: str = ""
    leaders: list[str] = field(default_factory=list)
    lead_departments: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    targets: list[TargetView] = field(default_factory=list)


# What a task's light, its figures and its export read: a TaskView has it all, and so do the
# plain rows the export reads (models.export.LedgerView).


class TaskFields(Protocol):
    """A task's own fields, read only."""

    @property
    def id(self) -> int | None: ...
    @property
    def plan_id(self) -> int: ...
    @property
    def seq(self) -> int: ...
    @property
    def number(self) -> str | None: ...
    @property
    def category(self) -> str | None: ...
    @property
    def focus(self) -> str | None: ...
    @property
    def content(self) -> str: ...
    @property
    def measures(self) -> str | None: ...
    @property
    def due(self) -> date | None: ...
    @property
    def due_text(self) -> str | None: ...
    @property
    def start(self) -> date | None: ...
    @property
    def status(self) -> str: ...


class TargetFigures(Protocol):
    """A target's figures, read only: 科普大篷车巡展 25 of 40 场."""

    @property
    def metric(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def unit(self) -> str: ...
    @property
    def achieved(self) -> float: ...


class ViewedTask(Protocol):
    """A task with the names around it, read only."""

    @property
    def task(self) -> TaskFields: ...
    @property
    def plan_title(self) -> str: ...
    @property
    def leaders(self) -> Sequence[str]: ...
    @property
    def lead_departments(self) -> Sequence[str]: ...
    @property
    def responsible(self) -> Sequence[str]: ...
    @property
    def targets(self) -> Sequence[TargetFigures]: ...


# --- departments and people -------------------------------------------------------------


def department_named(session: Session, *, name: str) -> Department | None:
    return session.exec(select(Department).where(Department.name == name)).first()


def ensure_department(session: Session, *, name: str) -> Department:
    """The department called ``name`` (already normalised), created if new."""
    department = department_named(session, name=name)
    if department is None:
        department = Department(name=name)
        session.add(department)
        session.flush()
    return department


def person_named(session: Session, *, name: str) -> Person | None:
    return session.exec(select(Person).where(Person.name == name)).first()


def ensure_leader(session: Session, *, name: str, now: datetime) -> Person:
    """The person called ``name`` with at least the leader role, created if new."""
    person = person_named(session, name=name)
    if person is None:
        person = Person(name=name, role=Role.leader, created_at=now)
        session.add(person)
        session.flush()
    elif person.role == Role.staff:
        person.role = Role.leader
        session.add(person)
    return person


# --- plans and tasks --------------------------------------------------------------------


def plan_titled(session: Session, *, title: str, year: int | None) -> Plan | None:
    year_clause = Plan.year == year if year is not None else col(Plan.year).is_(None)
    return session.exec(select(Plan).where(Plan.title == title, year_clause)).first()


def plan_tasks(session: Session, *, plan_id: int) -> list[Task]:
    return list(session.exec(select(Task).where(Task.plan_id == plan_id).order_by(col(Task.seq))))


def tasks_in_view(
    session: Session, tasks: Sequence[Task], *, titles: dict[int, str] | None = None
) -> list[TaskView]:
    """Attach leaders, departments and targets (one query) and plan titles (``titles`` when
    the caller read them with the tasks, else one more) to ``tasks``."""
    ids = [task.id for task in tasks if task.id is not None]
    views = {task.id: TaskView(task=task) for task in tasks}
    if not ids:
        return list(views.values())
    names = TaskNames()
    for kind, task_id, name, role, target in (
        item for chunk in _chunks(ids, 3000) for item in _around(session, chunk)
    ):
        if kind == "leader":
            names.leaders.setdefault(task_id, []).append(name)
        elif kind == "department":
            found = names.lead_departments if role == DepartmentRole.lead else names.responsible
            found.setdefault(task_id, []).append(name)
        elif target is not None:
            views[task_id].targets.append(target)
    for key, view in views.items():
        view.leaders = names.leaders.get(key or 0, [])
        view.lead_departments = names.lead_departments.get(key or 0, [])
        view.responsible = names.responsible.get(key or 0, [])
    if titles is None:
        titles = plan_titles(session, plan_ids={task.plan_id for task in tasks})
    for view in views.values():
        view.plan_title = titles.get(view.task.plan_id, "")
    return list(views.values())


@cache
def _around_statement() -> Any:
    """What hangs on some tasks (the ``ids`` parameter), as one UNION ALL rather than a query
    per kind, since each is a round trip. Built once: building it cost more than running it."""
    ids: BindParameter[int] = bindparam("ids", expanding=True)
    none_text = cast(null(), String)
    none_number = cast(null(), Float)
    none_id = cast(null(), Integer)
    leaders = (
        select_columns(
            literal("leader").label("kind"),
            col(TaskLeader.task_id),
            col(TaskLeader.position),
            col(Person.name),
            none_text.label("role"),
            none_id.label("target_id"),
            none_text.label("metric"),
            none_number.label("value"),
            none_text.label("unit"),
            none_number.label("achieved"),
        )
        .join(Person, col(Person.id) == TaskLeader.person_id)
        .where(col(TaskLeader.task_id).in_(ids))
    )
    departments = (
        select_columns(
            literal("department"),
            col(TaskDepartment.task_id),
            col(TaskDepartment.position),
            col(Department.name),
            col(TaskDepartment.role),
            none_id,
            none_text,
            none_number,
            none_text,
            none_number,
        )
        .join(Department, col(Department.id) == TaskDepartment.department_id)
        .where(col(TaskDepartment.task_id).in_(ids))
    )
    targets = select_columns(
        literal("target"),
        col(Target.task_id),
        col(Target.position),
        col(Target.text),
        none_text,
        col(Target.id),
        col(Target.metric),
        col(Target.value),
        col(Target.unit),
        col(Target.achieved),
    ).where(col(Target.task_id).in_(ids))
    both = union_all(leaders, departments, targets).subquery()
    return select_columns(both).order_by(both.c.kind, both.c.position)


def _around(
    session: Session, ids: Sequence[int]
) -> list[tuple[str, int, str, str | None, TargetView | None]]:
    """(kind, task id, name, department role, target) of what hangs on these tasks, each kind
    in its order."""
    rows = session.execute(_around_statement(), {"ids": list(ids)}).all()
    found: list[tuple[str, int, str, str | None, TargetView | None]] = []
    for kind, task_id, position, name, role, target_id, metric, value, unit, achieved in rows:
        target = None
        if kind == "target":
            target = TargetView(target_id, task_id, position, name, metric, value, unit, achieved)
        found.append((kind, task_id, name, role, target))
    return found


@dataclass
class TaskNames:
    """The names around tasks, by task id, each in its order; a task with none is left out."""

    leaders: dict[int, list[str]] = field(default_factory=dict)
    lead_departments: dict[int, list[str]] = field(default_factory=dict)  # 牵头单位
    responsible: dict[int, list[str]] = field(default_factory=dict)  # 责任单位


def names_around(session: Session, *, task_ids: Sequence[int]) -> TaskNames:
    """The leaders, lead departments and responsible departments of these tasks, in two
    queries."""
    names = TaskNames()
    for task_id, name in session.exec(
        select(TaskLeader.task_id, Person.name)
        .join(Person, col(Person.id) == TaskLeader.person_id)
        .where(col(TaskLeader.task_id).in_(task_ids))
        .order_by(col(TaskLeader.position))
    ):
        names.leaders.setdefault(task_id, []).append(name)
    for task_id, role, name in session.exec(
        select(TaskDepartment.task_id, TaskDepartment.role, Department.name)
        .join(Department, col(Department.id) == TaskDepartment.department_id)
        .where(col(TaskDepartment.task_id).in_(task_ids))
        .order_by(col(TaskDepartment.position))
    ):
        found = names.lead_departments if role == DepartmentRole.lead else names.responsible
        found.setdefault(task_id, []).append(name)
    return names


def plan_titles(session: Session, *, plan_ids: Iterable[int]) -> dict[int, str]:
    """These plans' titles by id."""
    rows = session.exec(select(Plan.id, Plan.title).where(col(Plan.id).in_(set(plan_ids))))
    return {plan_id: title for plan_id, title in rows if plan_id is not None}


def task_views(session: Session, *, ids: Iterable[int]) -> dict[int, TaskView]:
    """These tasks in view by id (those that still exist), in a few queries per 5,000."""
    views: dict[int, TaskView] = {}
    for chunk in _chunks(sorted(set(ids))):
        tasks = list(session.exec(select(Task).where(col(Task.id).in_(chunk))))
        views.update(
            (view.task.id, view)
            for view in tasks_in_view(session, tasks)
            if view.task.id is not None
        )
    return views


def list_tasks(
    session: Session,
    *,
    leader: str | None = None,
    department: str | None = None,
    due_before: date | None = None,
    statuses: Iterable[str] | None = None,
    plans: Sequence[int] | None = None,
) -> list[TaskView]:
    """Ledger rows matching every filter given, soonest deadline first (undated last)."""
    query = select(Task)
    if plans is not None:
        query = query.where(col(Task.plan_id).in_(list(plans)))
    if leader is not None:
        query = query.where(
            col(Task.id).in_(
                select(TaskLeader.task_id)
                .join(Person, col(Person.id) == TaskLeader.person_id)
                .where(Person.name == leader)
            )
        )
    if department is not None:
        query = query.where(
            col(Task.id).in_(
                select(TaskDepartment.task_id)
                .join(Department, col(Department.id) == TaskDepartment.department_id)
                .where(col(Department.name).contains(department, autoescape=True))
            )
        )
    if due_before is not None:
        query = query.where(col(Task.due).is_not(None), col(Task.due) <= due_before)
    if statuses is not None:
        query = query.where(col(Task.status).in_(list(statuses)))
    query = query.order_by(col(Task.due).is_(None), col(Task.due), col(Task.plan_id), col(Task.seq))
    return tasks_in_view(session, list(session.exec(query)))


def record_event(
    session: Session,
    *,
    at: datetime,
    action: str,
    detail: str = "",
    actor_id: int | None = None,
    plan_id: int | None = None,
    task_id: int | None = None,
) -> None:
    """Append to the audit trail (AuditEvent)."""
    session.add(
        AuditEvent(
            at=at, action=action, detail=detail, actor_id=actor_id, plan_id=plan_id, task_id=task_id
        )
    )


@dataclass
class TaskDetails:
    """Everything hung on one task: leaders and departments in order, and targets."""

    task_id: int
    leader_ids: list[int]
    lead_ids: list[int]
    responsible_ids: list[int]
    targets: list[tuple[str, str, float, str]]  # text, metric, value, unit


def record_events(
    session: Session,
    *,
    at: datetime,
    plan_id: int | None,
    events: Sequence[tuple[str, int, str]],
) -> None:
    """Append many task events (action, task id, detail) to the audit trail in one statement."""
    rows = [
        {"at": at, "action": action, "plan_id": plan_id, "task_id": task_id, "detail": detail}
        for action, task_id, detail in events
    ]
    if rows:
        session.connection().execute(insert(_table(AuditEvent)), rows)


# A party new to a task: nothing reported (every row of a bulk insert names the same columns).
_NO_PART: dict[str, object] = {"part_status": PartStatus.open, "last_report_id": None}


def replace_details(session: Session, *, details: Sequence[TaskDetails]) -> None:
    """Set these tasks' leaders, departments and targets in a few bulk statements.

    Progress already achieved on a target with the same metric and unit is kept, and so is
    the part (status, last report) of a leader or a department that stays on the task.
    """
    ids = [item.task_id for item in details]
    kept: dict[tuple[int, str, str], float] = {}
    parts: dict[tuple[object, ...], dict[str, object]] = {}
    for chunk in _chunks(ids):
        for link in (_table(TaskLeader), _table(TaskDepartment)):
            keys = list(link.primary_key.columns)  # task_id, then the party's own key
            parts.update(
                ((link.name, *row[:-2]), {"part_status": row[-2], "last_report_id": row[-1]})
                for row in session.connection().execute(
                    select_columns(*keys, link.c.part_status, link.c.last_report_id).where(
                        link.c.task_id.in_(chunk), link.c.last_report_id.is_not(None)
                    )
                )
            )
        kept.update(
            ((task_id, metric, unit), achieved)
            for task_id, metric, unit, achieved in session.exec(
                select(Target.task_id, Target.metric, Target.unit, Target.achieved).where(
                    col(Target.task_id).in_(chunk), col(Target.achieved) != 0
                )
            )
        )
        # "fetch" takes the deleted rows the session holds out of it by their keys; the default
        # ("evaluate") tests each one against the whole IN list: per task, every task again.
        for table in (TaskLeader, TaskDepartment, Target):
            session.execute(
                delete(table)
                .where(col(table.task_id).in_(chunk))
                .execution_options(synchronize_session="fetch")
            )
    leaders = [
        {"task_id": item.task_id, "person_id": person_id, "position": position}
        | parts.get(("taskleader", item.task_id, person_id), _NO_PART)
        for item in details
        for position, person_id in enumerate(item.leader_ids)
    ]
    departments = [
        {"task_id": item.task_id, "department_id": dep_id, "role": role, "position": position}
        | parts.get(("taskdepartment", item.task_id, dep_id, role), _NO_PART)
        for item in details
        for role, ids_ in (
            (DepartmentRole.lead, item.lead_ids),
            (DepartmentRole.responsible, item.responsible_ids),
        )
        for position, dep_id in enumerate(ids_)
    ]
    targets = [
        {
            "task_id": item.task_id,
            "position": position,
            "text": text,
            "metric": metric,
            "value": value,
            "unit": unit,
            "achieved": kept.get((item.task_id, metric, unit), 0.0),
        }
        for item in details
        for position, (text, metric, value, unit) in enumerate(item.targets)
    ]
    for table, rows in ((TaskLeader, leaders), (TaskDepartment, departments), (Target, targets)):
        if rows:
            session.connection().execute(insert(_table(table)), rows)


def insert_tasks(session: Session, *, rows: Sequence[dict[str, object]]) -> list[int]:
    """Insert many tasks in one statement (no ORM objects); their ids, in the rows' order."""
    if not rows:
        return []
    table = _table(Task)  # Core, not ORM bulk: no per-row objects, no result splicing
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids = [row[0] for row in session.connection().execute(statement, list(rows))]
    index_rows(
        session,
        (
            (id_, _text(row.get("focus")), _text(row.get("content")), _text(row.get("measures")))
            for id_, row in zip(ids, rows, strict=True)
        ),
    )
    return ids


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _table(model: type[SQLModel]) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


def _chunks(ids: Sequence[int], size: int = 5000) -> list[Sequence[int]]:
    """Keep IN lists below SQLite's bound-parameter limit."""
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def people_by_name(session: Session) -> dict[str, Person]:
    return {person.name: person for person in session.exec(select(Person))}


def departments_by_name(session: Session) -> dict[str, int]:
    return {name: id_ for id_, name in session.exec(select(Department.id, Department.name)) if id_}
