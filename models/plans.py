"""Plans: one imported document each, with its year. Which are current, which one a person is
looking at (/plan 2024), and archiving a finished one.

An office's ledger holds this year's plan beside last year's. Questions (我的待办, 第3项) are
about the current plans unless a person chose another; the current year is today's when a plan
not archived has it, else the newest year before today, else the earliest after. A plan without
a year is always current. An archived plan leaves the lists and the reminders; it can still be
chosen and read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, update
from sqlmodel import Session, col, select

from models.queries import record_event
from models.revision import PerRevision
from models.tables import Person, Plan, Role, Task, TaskStatus

_OPEN = (TaskStatus.open, TaskStatus.in_progress, TaskStatus.pending_review)
# Newest first: the same order task_by_number picks a number in when several plans hold it.
NEWEST_FIRST = (
    col(Plan.year).is_(None),
    col(Plan.year).desc(),
    col(Plan.imported_at).desc(),
    col(Plan.id).desc(),
)


@dataclass(frozen=True)
class PlanSummary:
    """A plan as /plan lists it, with how many of its tasks are open, done and in all."""

    id: int
    title: str
    year: int | None
    archived: bool
    open: int
    done: int
    total: int  # every task but the cancelled ones


@dataclass(frozen=True)
class Scope:
    """The plans a person's questions are about; ``chosen`` is the plan they picked when it is
    not one of the current plans (lists then say which plan they show)."""

    plans: list[int]
    chosen: Chosen | None = None


@dataclass(frozen=True)
class Chosen:
    """A plan someone chose to ask about, as their lists name it."""

    id: int
    title: str
    year: int | None


# Plans change seldom and every message asks which are in scope: kept per ledger revision.
_CURRENT = PerRevision[tuple[int, ...]](size=16)
_CHOSEN = PerRevision[Chosen | None](size=256)


def current_plan_ids(session: Session, *, today: date) -> list[int]:
    """The plans not archived of the current year, and those without a year."""
    return list(_CURRENT.get(session, (today,), lambda: _current_plan_ids(session, today)))


def _current_plan_ids(session: Session, today: date) -> tuple[int, ...]:
    rows = session.exec(select(Plan.id, Plan.year).where(col(Plan.archived_at).is_(None))).all()
    years = {year for _id, year in rows if year is not None}
    current: int | None = None
    if today.year in years:
        current = today.year
    elif years:
        before = [year for year in years if year < today.year]
        current = max(before) if before else min(years)
    return tuple(sorted(id_ for id_, year in rows if id_ is not None and year in (None, current)))


def scope(session: Session, *, person: Person, today: date) -> Scope:
    """The person's chosen plan (if it still exists), or else the current plans."""
    current = current_plan_ids(session, today=today)
    plan_id = person.plan_id
    chosen = (
        _CHOSEN.get(session, (plan_id,), lambda: _chosen(session, plan_id))
        if plan_id is not None
        else None
    )
    if chosen is None:
        return Scope(current)
    return Scope([chosen.id], chosen if chosen.id not in current else None)


def _chosen(session: Session, plan_id: int) -> Chosen | None:
    plan = session.get(Plan, plan_id)
    return Chosen(plan.id, plan.title, plan.year) if plan is not None and plan.id else None


def plans_in_scope(session: Session, *, person: Person, today: date) -> list[int]:
    """The ids of the plans ``person``'s questions are about on ``today``."""
    return scope(session, person=person, today=today).plans


def plan_by_id(session: Session, *, plan_id: int) -> Plan | None:
    return session.get(Plan, plan_id)


def choose_plan(session: Session, *, person: Person, plan_id: int | None) -> bool:
    """Make ``plan_id`` the plan ``person`` asks about (None: back to the current plans).

    False, and nothing changed, when there is no such plan.
    """
    if plan_id is not None and session.get(Plan, plan_id) is None:
        return False
    person.plan_id = plan_id
    session.add(person)
    session.flush()
    return True


def plans_of_year(session: Session, *, year: int) -> list[int]:
    """The plans of ``year``, archived ones too (去年的第3项 may be about a closed plan),
    newest first."""
    found = session.exec(select(Plan.id).where(Plan.year == year).order_by(*NEWEST_FIRST)).all()
    return [id_ for id_ in found if id_ is not None]


def list_plans(session: Session) -> list[PlanSummary]:
    """Every plan, newest year first, with its task counts; one query."""
    status = col(Task.status)
    counts = (
        select(
            col(Task.plan_id).label("plan_id"),
            func.sum(case((status.in_(_OPEN), 1), else_=0)).label("open"),
            func.sum(case((status == TaskStatus.done, 1), else_=0)).label("done"),
            func.sum(case((status != TaskStatus.cancelled, 1), else_=0)).label("total"),
        )
        .group_by(col(Task.plan_id))
        .subquery()
    )
    rows = session.exec(
        select(Plan, counts.c.open, counts.c.done, counts.c.total)
        .outerjoin(counts, counts.c.plan_id == Plan.id)
        .order_by(*NEWEST_FIRST)
    ).all()
    return [
        PlanSummary(
            plan.id,
            plan.title,
            plan.year,
            plan.archived_at is not None,
            int(open_ or 0),
            int(done or 0),
            int(total or 0),
        )
        for plan, open_, done, total in rows
        if plan.id is not None
    ]


def archive_plan(session: Session, *, plan_id: int, by: Person, now: datetime) -> Plan | None:
    """Archive a plan (admins): its tasks leave the lists and the reminders, and nobody stays
    on it. None when there is no such plan; an archived plan stays as it was."""
    plan = _for_admin(session, plan_id=plan_id, by=by)
    if plan is None or plan.archived_at is not None:
        return plan
    plan.archived_at = now
    session.add(plan)
    session.execute(update(Person).where(col(Person.plan_id) == plan_id).values(plan_id=None))
    record_event(session, at=now, action="plan.archived", actor_id=by.id, plan_id=plan_id)
    session.flush()
    return plan


def unarchive_plan(session: Session, *, plan_id: int, by: Person, now: datetime) -> Plan | None:
    """Bring an archived plan back (admins). None when there is no such plan."""
    plan = _for_admin(session, plan_id=plan_id, by=by)
    if plan is None or plan.archived_at is None:
        return plan
    plan.archived_at = None
    session.add(plan)
    record_event(session, at=now, action="plan.unarchived", actor_id=by.id, plan_id=plan_id)
    session.flush()
    return plan


def _for_admin(session: Session, *, plan_id: int, by: Person) -> Plan | None:
    if by.role != Role.admin:  # the handlers say so first: reaching here is a bug
        raise PermissionError(f"person {by.id} may not archive plans")
    return session.get(Plan, plan_id)
