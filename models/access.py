"""Who may see which task, and the task lists the chat handlers ask for.

The rule lives in ``visible``: an admin (督办员) sees everything; a leader (责任领导) sees the
tasks they lead and every task of the departments they oversee: those an admin set
(DepartmentOversight) and those that lead (牵头) tasks the leader leads;
staff see the tasks their own department leads or shares (责任). Anyone else sees nothing.

Lists show open tasks only (open, in_progress, pending_review), soonest deadline first, undated
last, then by plan and position in the plan. A page is one COUNT, one LIMIT/OFFSET query and
``tasks_in_view``: no list ever loads more rows than the page shows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_, true, union
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from models.queries import TaskView, tasks_in_view
from models.tables import (
    Department,
    DepartmentOversight,
    DepartmentRole,
    OfficeSetting,
    Person,
    Plan,
    Role,
    Task,
    TaskDepartment,
    TaskLeader,
    TaskStatus,
)

OPEN_STATUSES = (TaskStatus.open, TaskStatus.in_progress, TaskStatus.pending_review)
CLOSED_STATUSES = (TaskStatus.done, TaskStatus.cancelled)
COUNT_CAP = 500  # lists say "500+" rather than count further
_MAX_TERMS = 8  # a search with more words than this is no better and costs a longer query

Page = tuple[list[TaskView], int]

# OfficeSetting key whose value changes whenever a name the chat reads may have: a person or a
# department renamed, a role changed, someone leaving (models.departments.names_changed).
NAMES_CHANGED = "names_changed"


def person_by_telegram_id(session: Session, *, telegram_user_id: int) -> Person | None:
    """The person who talks to the bot from this Telegram account, if onboarded."""
    return session.exec(select(Person).where(Person.telegram_user_id == telegram_user_id)).first()


# --- the visibility rule ------------------------------------------------------------------


def _led_by(person_id: int) -> SelectOfScalar[int]:
    """Ids of the tasks ``person_id`` leads (any position among the leaders)."""
    return select(TaskLeader.task_id).where(TaskLeader.person_id == person_id)


def overseen_departments(session: Session, *, person_id: int) -> list[int]:
    """Ids of the departments ``person_id`` oversees (分管): those an admin set, and those that
    lead tasks the person leads (derived from 牵头)."""
    derived = (
        select(TaskDepartment.department_id)
        .join(TaskLeader, col(TaskLeader.task_id) == TaskDepartment.task_id)
        .where(TaskLeader.person_id == person_id, TaskDepartment.role == DepartmentRole.lead)
    )
    stored = select(DepartmentOversight.department_id).where(
        DepartmentOversight.person_id == person_id
    )
    found = session.execute(union(derived, stored)).scalars()
    return sorted(set(found))


def _links(table: type[TaskLeader] | type[TaskDepartment], *where: Any) -> ColumnElement[bool]:
    """A per-task EXISTS check on a link table's primary key (task_id first).

    Not an IN list of task ids: one person's tasks are often thousands, and an EXISTS lets
    SQLite walk ix_task_due in deadline order and stop at the page instead of collecting and
    sorting them all first (about 5x faster on a 10k-task ledger).
    """
    return (
        select(table.task_id)
        .where(col(table.task_id) == Task.id, *where)
        .correlate(Task)
        .exists()  # selecting task_id, not *, keeps the check inside the primary-key index
    )


def _leads(person_id: int) -> ColumnElement[bool]:
    return _links(TaskLeader, col(TaskLeader.person_id) == person_id)


def visible(session: Session, *, person: Person) -> ColumnElement[bool]:
    """A where() clause on Task: the tasks ``person`` may see. The one place for the rule."""
    if person.id is None:
        return false()
    if person.role == Role.admin:
        return true()
    if person.role == Role.leader:
        # Departments are few even when their tasks are many: reading their ids first (one
        # indexed query) spares every task check a nested join.
        overseen = overseen_departments(session, person_id=person.id)
        if not overseen:
            return _leads(person.id)
        shared = _links(TaskDepartment, col(TaskDepartment.department_id).in_(overseen))
        return or_(_leads(person.id), shared)
    if person.role == Role.staff and person.department_id is not None:
        return _links(TaskDepartment, col(TaskDepartment.department_id) == person.department_id)
    return false()


def _in_plans(plans: Sequence[int] | None) -> list[ColumnElement[bool]]:
    """Where clauses keeping the tasks of ``plans`` (models.plans); None keeps every plan."""
    return [] if plans is None else [col(Task.plan_id).in_(list(plans))]


def _is_open() -> ColumnElement[bool]:
    # The same rows as IN (OPEN_STATUSES), written as "not closed" so that SQLite cannot pick
    # the unselective ix_task_status: it then walks ix_task_due in deadline order and stops at
    # the page, where IN made it sort every open task of the ledger first (4 ms -> 0.03 ms at
    # 10k tasks). Two comparisons rather than NOT IN: no list parameter to expand per call.
    return and_(*(col(Task.status) != status for status in CLOSED_STATUSES))


# Undated last. NULLS LAST rather than "due IS NULL, due": ix_task_due can then deliver the
# rows in deadline order, where the expression forces a sort of every match.
_ORDER = (
    col(Task.due).asc().nulls_last(),
    col(Task.plan_id),
    col(Task.seq),
    col(Task.id),
)


def _page(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    *,
    limit: int,
    offset: int,
    order: Sequence[Any] = _ORDER,
) -> Page:
    """One page of the tasks matching ``where``, and how many there are (at most COUNT_CAP + 1).

    Counting stops past COUNT_CAP: beyond that an exact number helps nobody reading a chat,
    and counting every match of a 10k-task ledger would cost more than the page itself.
    """
    rows = list(
        session.exec(select(Task).where(*where).order_by(*order).limit(limit).offset(offset))
    )
    if rows and len(rows) < limit:
        total = offset + len(rows)  # the last page tells the total: most lists fit on one
    else:
        capped = select(Task.id).where(*where).limit(COUNT_CAP + 1).subquery()
        total = session.exec(select(func.count()).select_from(capped)).one()
    return tasks_in_view(session, rows), total


# --- what the handlers ask --------------------------------------------------------------


def my_tasks(
    session: Session,
    *,
    person: Person,
    limit: int,
    offset: int = 0,
    plans: Sequence[int] | None = None,
) -> Page:
    """我的待办: a leader's own tasks, staff's department's, an admin's own or else all;
    of ``plans`` when given (every plan when None), as every list here."""
    if person.id is None:
        return [], 0
    mine: ColumnElement[bool]
    if person.role == Role.leader:
        mine = _leads(person.id)
    elif person.role == Role.admin:
        leads = session.exec(_led_by(person.id).limit(1)).first() is not None
        mine = _leads(person.id) if leads else true()
    else:
        mine = visible(session, person=person)
    return _page(session, [mine, _is_open(), *_in_plans(plans)], limit=limit, offset=offset)


def _narrowed(department: str | None, leader: str | None) -> list[ColumnElement[bool]]:
    """Where clauses keeping the tasks of one department (lead or shared) or one leader."""
    where: list[ColumnElement[bool]] = []
    if department is not None:
        where.append(_of_department(department))
    if leader is not None:
        where.append(_of_leader(leader))
    return where


def due_tasks(
    session: Session,
    *,
    person: Person,
    start: date,
    end: date,
    limit: int,
    offset: int = 0,
    department: str | None = None,
    leader: str | None = None,
    plans: Sequence[int] | None = None,
) -> Page:
    """Open tasks ``person`` may see that fall due within [start, end]; of a department or a
    leader when one is named (机关党委下个月到期的)."""
    where = [
        visible(session, person=person),
        _is_open(),
        col(Task.due) >= start,
        col(Task.due) <= end,
        *_narrowed(department, leader),
        *_in_plans(plans),
    ]
    return _page(session, where, limit=limit, offset=offset)


def overdue_tasks(
    session: Session,
    *,
    person: Person,
    today: date,
    limit: int,
    offset: int = 0,
    department: str | None = None,
    leader: str | None = None,
    plans: Sequence[int] | None = None,
) -> Page:
    """Open tasks ``person`` may see whose deadline is before ``today`` (市科技馆逾期的)."""
    where = [
        visible(session, person=person),
        _is_open(),
        col(Task.due) < today,
        *_narrowed(department, leader),
        *_in_plans(plans),
    ]
    return _page(session, where, limit=limit, offset=offset)


_NUMBER_PARTS = re.compile(r"\s*[-－—–~、,，]\s*")


def _covers(written: str | None, number: str) -> bool:
    """True when a task numbered ``written`` ("8-10", "8、10") includes ``number`` ("9")."""
    if written is None or not number.isdigit():
        return False
    wanted = int(number)
    if "、" in written or "," in written or "，" in written:
        return any(part == str(wanted) for part in _NUMBER_PARTS.split(written))
    bounds = _NUMBER_PARTS.split(written)
    if len(bounds) == 2 and all(bound.isdigit() for bound in bounds):
        return int(bounds[0]) <= wanted <= int(bounds[1])
    return False


def task_by_number(
    session: Session, *, person: Person, number: str, plans: Sequence[int] | None = None
) -> TaskView | None:
    """The task numbered ``number`` that ``person`` may see, from the newest plan holding it
    among ``plans`` (every plan when None; numbers are per plan, so one plan may be given).

    A merged row counts too: "9" finds the task numbered "8-10" (or "8、9") when no task is
    numbered "9" in that plan. A task the document left unnumbered is found by its place in the
    list (#7, as ledger.render names it) when no task has the number. Done tasks are found as
    well: this is a look-up, not a list.
    """
    number = number.strip()
    if not number:
        return None
    merged = or_(col(Task.number).contains("-"), col(Task.number).contains("、"))
    rows = session.exec(
        select(Task)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .where(
            visible(session, person=person),
            or_(col(Task.number) == number, merged),
            *_in_plans(plans),
        )
        .order_by(
            col(Plan.year).is_(None),
            col(Plan.year).desc(),
            col(Plan.imported_at).desc(),
            col(Plan.id).desc(),
            col(Task.seq),
        )
    ).all()
    # Rows come newest plan first; within a plan an exact number beats a merged row.
    best: Task | None = None
    for task in rows:
        if best is not None and task.plan_id != best.plan_id:
            break
        if task.number == number:
            best = task
            break
        if best is None and _covers(task.number, number):
            best = task
    if best is None and number.isdigit():
        best = _unnumbered_at(session, person=person, place=int(number), plans=plans)
    return tasks_in_view(session, [best])[0] if best is not None else None


def _unnumbered_at(
    session: Session, *, person: Person, place: int, plans: Sequence[int] | None
) -> Task | None:
    """The unnumbered task at ``place`` (1-based) in the newest of ``plans`` with one there."""
    return session.exec(
        select(Task)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .where(
            visible(session, person=person),
            col(Task.number).is_(None),
            col(Task.seq) == place - 1,
            *_in_plans(plans),
        )
        .order_by(
            col(Plan.year).is_(None),
            col(Plan.year).desc(),
            col(Plan.imported_at).desc(),
            col(Plan.id).desc(),
        )
    ).first()


def task_by_id(session: Session, *, person: Person, task_id: int) -> TaskView | None:
    """The task with this id, if ``person`` may see it (a button names a task by its id)."""
    task = session.exec(
        select(Task).where(col(Task.id) == task_id, visible(session, person=person))
    ).first()
    return tasks_in_view(session, [task])[0] if task is not None else None


def search_tasks(
    session: Session,
    *,
    person: Person,
    terms: Sequence[str],
    limit: int,
    offset: int = 0,
    plans: Sequence[int] | None = None,
) -> Page:
    """Open visible tasks whose focus, content or measures hold any term, most terms first."""
    terms = [term for term in dict.fromkeys(term.strip() for term in terms) if term][:_MAX_TERMS]
    if not terms:
        return [], 0
    matches = [
        or_(
            col(Task.focus).icontains(term, autoescape=True),
            col(Task.content).icontains(term, autoescape=True),
            col(Task.measures).icontains(term, autoescape=True),
        )
        for term in terms
    ]
    hits: ColumnElement[int] = case((matches[0], 1), else_=0)
    for match in matches[1:]:
        hits = hits + case((match, 1), else_=0)
    where = [visible(session, person=person), _is_open(), or_(*matches), *_in_plans(plans)]
    return _page(session, where, limit=limit, offset=offset, order=(hits.desc(), *_ORDER))


def _of_department(name: str) -> ColumnElement[bool]:
    return col(Task.id).in_(
        select(TaskDepartment.task_id)
        .join(Department, col(Department.id) == TaskDepartment.department_id)
        .where(Department.name == name)
    )


def _of_leader(name: str) -> ColumnElement[bool]:
    return col(Task.id).in_(
        select(TaskLeader.task_id)
        .join(Person, col(Person.id) == TaskLeader.person_id)
        .where(Person.name == name)
    )


def status_counts(
    session: Session, *, person: Person, today: date, plans: Sequence[int] | None = None
) -> dict[str, int]:
    """How many tasks ``person`` may see (of ``plans``) are in each status, and how many open
    ones are late."""
    seen = and_(visible(session, person=person), *_in_plans(plans))
    counts = {
        status: count
        for status, count in session.exec(
            select(Task.status, func.count()).where(seen).group_by(col(Task.status))
        ).all()
    }
    counts["overdue"] = session.exec(
        select(func.count()).select_from(Task).where(seen, _is_open(), col(Task.due) < today)
    ).one()
    return counts


def _oversees(person: Person) -> bool:
    return person.role in (Role.leader, Role.admin)


def tasks_of_department(
    session: Session,
    *,
    person: Person,
    department: str,
    limit: int,
    offset: int = 0,
    plans: Sequence[int] | None = None,
) -> Page:
    """Open tasks that ``department`` (its name as stored) leads or shares; leaders and admins."""
    if not _oversees(person):
        return [], 0
    where = [
        visible(session, person=person),
        _is_open(),
        _of_department(department),
        *_in_plans(plans),
    ]
    return _page(session, where, limit=limit, offset=offset)


def tasks_of_leader(
    session: Session,
    *,
    person: Person,
    leader: str,
    limit: int,
    offset: int = 0,
    plans: Sequence[int] | None = None,
) -> Page:
    """Open tasks the leader named ``leader`` leads; only leaders and admins may ask."""
    if not _oversees(person):
        return [], 0
    where = [visible(session, person=person), _is_open(), _of_leader(leader), *_in_plans(plans)]
    return _page(session, where, limit=limit, offset=offset)


def known_names(session: Session) -> tuple[list[str], list[str]]:
    """(leader names, department names) the ledger knows, for ``read_intent``; people who
    have left are not among them."""
    leaders = session.exec(
        select(Person.name).where(
            col(Person.active).is_(True),
            or_(col(Person.role) == Role.leader, col(Person.id).in_(select(TaskLeader.person_id))),
        )
    ).all()
    departments = session.exec(select(Department.name)).all()
    # Sorted here: PostgreSQL's collation would order Chinese differently from SQLite.
    return sorted(leaders), sorted(departments)


def task_texts(session: Session) -> list[tuple[int, str, str]]:
    """(id, title, body) of every task not cancelled, newest plan first: the title is the key
    work and content, the body the measures. What words naming a task are matched against."""
    rows = session.exec(
        select(Task.id, Task.focus, Task.content, Task.measures)
        .where(col(Task.status) != TaskStatus.cancelled)
        .order_by(col(Task.plan_id).desc(), col(Task.seq))
    ).all()
    return [
        (task_id, " ".join(part for part in (focus, content) if part), measures or "")
        for task_id, focus, content, measures in rows
        if task_id is not None
    ]


def visible_among(
    session: Session, *, person: Person, ids: Sequence[int], plans: Sequence[int] | None = None
) -> set[int]:
    """Which of these tasks ``person`` may see (among ``plans``, when given)."""
    if not ids:
        return set()
    found = session.exec(
        select(Task.id).where(
            col(Task.id).in_(ids), visible(session, person=person), *_in_plans(plans)
        )
    ).all()
    return {task_id for task_id in found if task_id is not None}


def in_plans(session: Session, *, ids: Sequence[int], plans: Sequence[int]) -> set[int]:
    """Which of these tasks belong to ``plans``, whoever may see them."""
    if not ids or not plans:
        return set()
    found = session.exec(select(Task.id).where(col(Task.id).in_(ids), *_in_plans(plans))).all()
    return {task_id for task_id in found if task_id is not None}


def ledger_version(session: Session) -> tuple[object, ...]:
    """What changes whenever the tasks, people or departments do, in one cheap statement:
    counts, the newest change, the plans' document hashes and the mark a rename leaves
    (NAMES_CHANGED). Caches of names and task text key on it (with the database), so they
    never outlive what they were built from."""
    parts = [
        select(func.count()).select_from(Task),
        select(func.max(Task.updated_at)),
        select(func.max(Task.id)),
        select(func.count()).select_from(Person),
        select(func.max(Person.id)),
        select(func.count()).select_from(Department),
        select(func.count()).select_from(Plan),
        select(func.max(Plan.updated_at)),
        select(func.max(Plan.source_hash)),
        select(OfficeSetting.value).where(OfficeSetting.key == NAMES_CHANGED),
    ]
    row = session.execute(
        sa_select(*(part.scalar_subquery() for part in parts))  # type: ignore[attr-defined]
    ).one()
    return tuple(row)
