"""Who may see which task, and the task lists the chat handlers ask for.

The rule lives in ``visible``: an admin (督办员) sees everything; a leader (责任领导) sees the
tasks they lead and every task of the departments they oversee: those an admin set
(DepartmentOversight) and those that lead (牵头) tasks the leader leads;
staff see the tasks their own department leads or shares (责任). Anyone else sees nothing.

Lists show open tasks only (open, in_progress, pending_review), soonest deadline first, undated
last, then by plan and position in the plan. A page is one statement (the rows, their plans'
titles and a capped count) and one more for the names and targets around them: no list loads
more rows than the page shows. A list starts from what it is about (the person's links, the
department's, the search index's hits), so its cost follows the answer, not the ledger.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, text, true, union, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from models.queries import TaskView, tasks_in_view
from models.revision import PerRevision, remember, revision_column
from models.search import holding
from models.tables import (
    MERGED_NUMBER,
    Department,
    DepartmentOversight,
    DepartmentRole,
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


def person_by_telegram_id(session: Session, *, telegram_user_id: int) -> Person | None:
    """The person who talks to the bot from this Telegram account, if onboarded."""
    return session.exec(select(Person).where(Person.telegram_user_id == telegram_user_id)).first()


def sender_and_revision(
    session: Session, *, telegram_user_id: int
) -> tuple[Person | None, int | None]:
    """The person behind this Telegram account and the ledger's revision, in one statement:
    what every update reads first. The session remembers the revision (models.revision)."""
    row = session.exec(
        select(Person, revision_column()).where(Person.telegram_user_id == telegram_user_id)
    ).first()
    if row is None:
        return None, None
    person, revision = row
    if revision is not None:
        remember(session, revision)
    return person, revision


# --- the visibility rule ------------------------------------------------------------------


def _led_by(person_id: int) -> SelectOfScalar[int]:
    """Ids of the tasks ``person_id`` leads (any position among the leaders)."""
    return select(TaskLeader.task_id).where(TaskLeader.person_id == person_id)


def _overseen(person_id: int) -> Any:
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
    return union(derived, stored)


def overseen_departments(session: Session, *, person_id: int) -> list[int]:
    """Ids of the departments ``person_id`` oversees (分管), as ``visible`` counts them."""
    return sorted(set(session.execute(_overseen(person_id)).scalars()))


def _of_departments(departments: Any) -> SelectOfScalar[int]:
    return select(TaskDepartment.task_id).where(col(TaskDepartment.department_id).in_(departments))


def _seen_ids(person: Person) -> Any:
    """Ids of the tasks ``person`` may see, read from the link tables (indexed by person and by
    department); None when they see every task. The one place for the rule."""
    if person.id is None:
        return select(Task.id).where(false())
    if person.role == Role.admin:
        return None
    if person.role == Role.leader:
        return union(_led_by(person.id), _of_departments(_overseen(person.id)))
    if person.role == Role.staff and person.department_id is not None:
        return _of_departments([person.department_id])
    return select(Task.id).where(false())


def visible(session: Session, *, person: Person) -> ColumnElement[bool]:
    """A where() clause on Task: the tasks ``person`` may see.

    An IN over the link tables, so that a list starts from the few tasks a person has and
    looks each up by its key, whatever the ledger's size (pinned by tests/test_query_plans).
    """
    seen = _seen_ids(person)
    return true() if seen is None else col(Task.id).in_(seen)


def _in_plans(plans: Sequence[int] | None) -> list[ColumnElement[bool]]:
    """Where clauses keeping the tasks of ``plans`` (models.plans); None keeps every plan.

    Written as ``plan_id + 0`` so that no database starts a list from the plan's index: the
    current plan holds most of the ledger, and SQLite without statistics would walk all of it.
    """
    return [] if plans is None else [(col(Task.plan_id) + 0).in_(list(plans))]


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
    joined: Any = None,
) -> Page:
    """One page of the tasks matching ``where``, and how many there are (at most COUNT_CAP + 1),
    in one statement; with the names around them, two.

    Counting stops past COUNT_CAP: beyond that an exact number helps nobody reading a chat,
    and counting every match of a 100k-task ledger would cost more than the page itself. The
    count is a subquery of the page's own statement, evaluated once.
    """
    capped = select(Task.id).where(*where)
    if joined is not None:
        capped = capped.join(joined, joined.c.task_id == Task.id)
    counted = select(func.count()).select_from(capped.limit(COUNT_CAP + 1).subquery())
    query = select(Task, Plan.title, counted.scalar_subquery()).join(
        Plan, col(Plan.id) == Task.plan_id
    )
    if joined is not None:
        query = query.join(joined, joined.c.task_id == Task.id)
    rows = session.exec(query.where(*where).order_by(*order).limit(limit).offset(offset)).all()
    if not rows:
        total = 0 if offset == 0 else session.exec(counted).one()
        return [], total
    titles = {task.plan_id: title for task, title, _count in rows}
    return tasks_in_view(session, [task for task, _, _ in rows], titles=titles), rows[0][2]


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
        mine = col(Task.id).in_(_led_by(person.id))
    elif person.role == Role.admin:
        # An admin who leads tasks sees them; one who leads none, the whole ledger. Asked
        # first, not as an OR: each answer then has its own index to start from.
        leads = session.exec(_led_by(person.id).limit(1)).first() is not None
        mine = col(Task.id).in_(_led_by(person.id)) if leads else true()
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
    # The rows numbered so and the merged rows, each from its own index; then who may see.
    plan_in = [] if plans is None else [col(Task.plan_id).in_(list(plans))]
    exact = select(Task.id).where(col(Task.number) == number, *plan_in)
    merged = select(Task.id).where(text(f"({MERGED_NUMBER})"), *plan_in)
    rows = session.exec(
        select(Task)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .where(col(Task.id).in_(union_all(exact, merged)), visible(session, person=person))
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
    """Open visible tasks whose key work, content or measures hold any term, those holding
    the most terms first, then soonest deadline first.

    The database's full-text index (models.search) finds the tasks holding each term; the
    page is read from those alone, so a search costs what it finds, not what the ledger holds.
    """
    terms = [term for term in dict.fromkeys(term.strip() for term in terms) if term][:_MAX_TERMS]
    found = [query for query in (holding(session, term) for term in terms) if query is not None]
    if not found:
        return [], 0
    each = found[0] if len(found) == 1 else union_all(*found)
    ids = each.subquery()
    hits = sa_select(ids.c.task_id, func.count().label("hits")).group_by(ids.c.task_id).subquery()
    where = [visible(session, person=person), _is_open(), *_in_plans(plans)]
    order = (hits.c.hits.desc(), *_ORDER)
    return _page(session, where, limit=limit, offset=offset, order=order, joined=hits)


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


_NAMES = PerRevision[tuple[list[str], list[str]]](size=8)


def known_names(session: Session) -> tuple[list[str], list[str]]:
    """(leader names, department names) the ledger knows, for ``read_intent``; people who
    have left are not among them. Read once per ledger revision (models.revision): every
    free-text message asks."""
    return _NAMES.get(session, (), lambda: _known_names(session))


def _known_names(session: Session) -> tuple[list[str], list[str]]:
    leaders = session.exec(
        select(Person.name).where(
            col(Person.active).is_(True),
            or_(col(Person.role) == Role.leader, col(Person.id).in_(select(TaskLeader.person_id))),
        )
    ).all()
    departments = session.exec(select(Department.name)).all()
    # Sorted here: PostgreSQL's collation would order Chinese differently from SQLite.
    return sorted(leaders), sorted(departments)


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
