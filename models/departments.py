"""Departments and who oversees them (分管), as the clerk keeps them in chat.

Names arrive normalised (nlu.names.normalise_department, the importer's spelling). Oversight
is of two kinds: what an admin set (DepartmentOversight) and what follows from the tasks a
leader leads (their lead departments, 牵头); models.access counts both, and so does this list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete
from sqlmodel import Session, col, select

from models.queries import department_named, record_event
from models.tables import (
    Department,
    DepartmentOversight,
    DepartmentRole,
    Person,
    Role,
    TaskDepartment,
    TaskLeader,
)

DEPARTMENT_NAME_LENGTH = 200  # Department.name's column width


class Renamed(StrEnum):
    """What became of a rename (of a person or a department)."""

    done = "done"
    unknown = "unknown"  # nobody (nothing) has the old name
    taken = "taken"  # the new name is someone else's (something else's) already
    same = "same"  # the new name is the old one


def department_names(session: Session) -> list[str]:
    """Every department's name, sorted here (the databases' collations differ)."""
    return sorted(session.exec(select(Department.name)).all())


def add_department(
    session: Session, *, name: str, now: datetime, actor_id: int | None
) -> Department | None:
    """A new department called ``name``; None when one has that name already."""
    if department_named(session, name=name) is not None:
        return None
    department = Department(name=name)
    session.add(department)
    session.flush()
    record_event(session, at=now, action="department.created", detail=name, actor_id=actor_id)
    return department


def rename_department(
    session: Session, *, old: str, new: str, now: datetime, actor_id: int | None
) -> Renamed:
    """Rename a department; its tasks, people and overseers follow (they link by id)."""
    department = department_named(session, name=old)
    if department is None:
        return Renamed.unknown
    if new == old:
        return Renamed.same
    if department_named(session, name=new) is not None:
        return Renamed.taken
    department.name = new
    session.add(department)
    record_event(
        session, at=now, action="department.renamed", detail=f"{old} → {new}", actor_id=actor_id
    )
    return Renamed.done


# --- 分管 -----------------------------------------------------------------------------------


@dataclass
class Oversight:
    """The departments a leader oversees: as an admin set them, and as their tasks imply."""

    person_id: int
    name: str
    set: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)  # lead departments of tasks they lead


def oversight(session: Session, *, person_ids: Sequence[int] | None = None) -> list[Oversight]:
    """Each active leader's oversight (or these people's, whatever their role), by name."""
    people = select(Person.id, Person.name)
    if person_ids is None:
        people = people.where(Person.role == Role.leader, col(Person.active).is_(True))
    else:
        people = people.where(col(Person.id).in_(list(person_ids)))
    found = {
        person_id: Oversight(person_id, name)
        for person_id, name in session.exec(people).all()
        if person_id is not None
    }
    if not found:
        return []
    ids = list(found)
    for person_id, name in session.exec(
        select(DepartmentOversight.person_id, Department.name)
        .join(Department, col(Department.id) == DepartmentOversight.department_id)
        .where(col(DepartmentOversight.person_id).in_(ids))
    ).all():
        found[person_id].set.append(name)
    for person_id, name in session.exec(
        select(TaskLeader.person_id, Department.name)
        .join(TaskDepartment, col(TaskDepartment.task_id) == TaskLeader.task_id)
        .join(Department, col(Department.id) == TaskDepartment.department_id)
        .where(
            col(TaskLeader.person_id).in_(ids),
            TaskDepartment.role == DepartmentRole.lead,
        )
        .distinct()
    ).all():
        found[person_id].derived.append(name)
    for each in found.values():
        each.set.sort()
        each.derived = sorted(set(each.derived) - set(each.set))
    return sorted(found.values(), key=lambda each: each.name)


def set_oversight(
    session: Session,
    *,
    person: Person,
    department_ids: Sequence[int],
    now: datetime,
    actor_id: int | None,
) -> None:
    """The departments ``person`` oversees as set by an admin, replacing what was set before
    (the ones their tasks imply still count)."""
    assert person.id is not None
    session.execute(
        delete(DepartmentOversight).where(col(DepartmentOversight.person_id) == person.id)
    )
    wanted = list(dict.fromkeys(department_ids))
    session.add_all(DepartmentOversight(person_id=person.id, department_id=id_) for id_ in wanted)
    session.flush()
    names = session.exec(
        select(Department.name).where(col(Department.id).in_(wanted)).order_by(col(Department.id))
    ).all()
    record_event(
        session,
        at=now,
        action="person.oversight",
        detail=f"{person.name}: {'、'.join(sorted(names))}",
        actor_id=actor_id,
    )


def move_oversight(session: Session, *, from_id: int, to_id: int) -> int:
    """Hand the departments one person was set to oversee to another; how many moved."""
    theirs = set(
        session.exec(
            select(DepartmentOversight.department_id).where(
                DepartmentOversight.person_id == from_id
            )
        ).all()
    )
    already = set(
        session.exec(
            select(DepartmentOversight.department_id).where(DepartmentOversight.person_id == to_id)
        ).all()
    )
    session.execute(
        delete(DepartmentOversight).where(col(DepartmentOversight.person_id) == from_id)
    )
    session.add_all(
        DepartmentOversight(person_id=to_id, department_id=id_) for id_ in sorted(theirs - already)
    )
    session.flush()
    return len(theirs)


def clear_oversight(session: Session, *, person_id: int) -> int:
    """Forget the departments an admin set this person to oversee; how many there were."""
    rows = session.exec(
        select(DepartmentOversight).where(DepartmentOversight.person_id == person_id)
    ).all()
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)
