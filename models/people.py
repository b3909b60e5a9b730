"""People and their Telegram accounts: invites (hashed, single-use), binding, roles, language;
and the roster the clerk keeps in chat (add, rename, role, department, leaving).

The SQL for onboarding. A code is shown once, to whoever creates it; only its sha256 is stored,
so a leaked database holds no usable invitation.

Someone who leaves stays in the ledger, inactive: their name stays on the history and on the
tasks that closed while they led them; their open tasks go to a successor, or are left without
a leader for the clerk to assign.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from models.access import OPEN_STATUSES
from models.departments import Renamed, clear_oversight, move_oversight
from models.queries import ensure_department, person_named, record_event
from models.tables import (
    AuditEvent,
    Department,
    Invite,
    Person,
    Role,
    Task,
    TaskLeader,
)

INVITE_LIFETIME = timedelta(days=7)
# Console users get Telegram ids far above real ones, so they never collide with a real account.
CONSOLE_ID_BASE = 10**12
NAME_LENGTH = 100  # Person.name's column width


class Redeemed(StrEnum):
    """What became of a /start <code>."""

    bound = "bound"  # the account is now linked to the invited person
    already = "already"  # the account was already linked to that person
    unknown = "unknown"
    used = "used"
    expired = "expired"
    taken = "taken"  # this Telegram account is linked to someone else


@dataclass
class Redemption:
    outcome: Redeemed
    person: Person | None = None  # the invited person (bound, already) or the other one (taken)


def code_hash(code: str) -> str:
    """The stored form of an invite code."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


def _bound_to(session: Session, telegram_user_id: int) -> Person | None:
    return session.exec(select(Person).where(Person.telegram_user_id == telegram_user_id)).first()


def create_invite(
    session: Session,
    *,
    person: Person,
    now: datetime,
    valid_for: timedelta = INVITE_LIFETIME,
    created_by_id: int | None = None,
) -> str:
    """A new single-use code for ``person``; the plain code is returned and never stored."""
    assert person.id is not None
    code = secrets.token_urlsafe(18)  # 24 characters of [A-Za-z0-9_-]: fits a deep link
    session.add(
        Invite(
            person_id=person.id,
            code_hash=code_hash(code),
            created_at=now,
            expires_at=now + valid_for,
            created_by_id=created_by_id,
        )
    )
    record_event(
        session, at=now, action="invite.created", detail=person.name, actor_id=created_by_id
    )
    return code


def redeem_invite(
    session: Session,
    *,
    code: str,
    telegram_user_id: int,
    chat_id: int,
    language: str,
    now: datetime,
) -> Redemption:
    """Bind the Telegram account to the invited person if ``code`` is good; else say why not."""
    invite = session.exec(select(Invite).where(Invite.code_hash == code_hash(code))).first()
    if invite is None:
        return Redemption(Redeemed.unknown)
    if invite.used_at is not None:
        return Redemption(Redeemed.used)
    if invite.expires_at <= now:
        return Redemption(Redeemed.expired)
    person = session.get(Person, invite.person_id)
    assert person is not None  # the foreign key cascades
    holder = _bound_to(session, telegram_user_id)
    if holder is not None and holder.id != person.id:
        return Redemption(Redeemed.taken, holder)
    # Claim the code in one statement, so two presses (or two processes) cannot both use it.
    claimed = session.execute(
        update(Invite)
        .where(col(Invite.id) == invite.id, col(Invite.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return Redemption(Redeemed.used)
    if holder is not None:
        return Redemption(Redeemed.already, person)
    person.telegram_user_id = telegram_user_id
    person.telegram_chat_id = chat_id
    person.language = language
    person.reachable = True
    session.add(person)
    record_event(session, at=now, action="person.bound", detail=person.name, actor_id=person.id)
    return Redemption(Redeemed.bound, person)


def person_for_invite(
    session: Session,
    *,
    name: str,
    now: datetime,
    department: str | None = None,
    role: Role | None = None,
) -> tuple[Person, bool]:
    """The person called ``name`` (created as staff, or ``role``, if new): (person, created).

    A department or role given for someone already in the ledger updates them.
    """
    person = person_named(session, name=name)
    created = person is None
    if person is None:
        person = Person(name=name, role=role or Role.staff, created_at=now)
    elif role is not None:
        person.role = role
    if department:
        person.department_id = ensure_department(session, name=department).id
    session.add(person)
    session.flush()
    if created:
        record_event(session, at=now, action="person.created", detail=person.name)
    return person, created


def add_admin(session: Session, *, name: str, now: datetime) -> tuple[Person, bool]:
    """Create ``name`` as an admin, or promote them: (person, created)."""
    person, created = person_for_invite(session, name=name, now=now, role=Role.admin)
    record_event(session, at=now, action="person.admin", detail=person.name)
    return person, created


def bind_configured_admin(
    session: Session,
    *,
    telegram_user_id: int,
    chat_id: int,
    name: str,
    language: str,
    now: datetime,
) -> Person:
    """A Telegram id listed as an admin in the settings, starting the bot for the first time.

    An unbound person of that name becomes this admin; otherwise a new person is made.
    """
    name = " ".join(name.split())[:NAME_LENGTH] or str(telegram_user_id)
    person = person_named(session, name=name)
    if person is not None and person.telegram_user_id is not None:
        suffix = f" ({telegram_user_id})"
        name = name[: NAME_LENGTH - len(suffix)] + suffix
        person = person_named(session, name=name)
    if person is None:
        person = Person(name=name, created_at=now)
    person.role = Role.admin
    person.telegram_user_id = telegram_user_id
    person.telegram_chat_id = chat_id
    person.language = language
    session.add(person)
    session.flush()
    record_event(session, at=now, action="person.bound", detail=person.name, actor_id=person.id)
    return person


def set_language(session: Session, *, person_id: int, language: str) -> None:
    """Remember the language a person chose (/lang)."""
    person = session.get(Person, person_id)
    if person is not None:
        person.language = language
        session.add(person)


def note_private_chat(session: Session, *, person: Person, chat_id: int) -> None:
    """Remember where to reach a person, and that they can be reached (they just wrote).

    ``person`` as just read for this update: nothing is written when nothing changed.
    """
    if person.telegram_chat_id != chat_id or not person.reachable:
        person.telegram_chat_id = chat_id
        person.reachable = True
        session.add(person)


def console_user_id(session: Session, *, name: str) -> int:
    """The Telegram id the console types as for ``name``, binding a fake one if needed.

    Someone not in the ledger gets an id bound to nobody, so the bot treats them as a stranger.
    """
    person = person_named(session, name=name)
    if person is None:
        return CONSOLE_ID_BASE
    if person.telegram_user_id is None:
        assert person.id is not None
        person.telegram_user_id = CONSOLE_ID_BASE + person.id
        person.telegram_chat_id = person.telegram_user_id
        session.add(person)
    return person.telegram_user_id


def task_history(
    session: Session, *, task_id: int, limit: int = 20
) -> list[tuple[AuditEvent, str | None]]:
    """A task's audit trail, oldest first, with the name of who acted (None for the system)."""
    rows = session.exec(
        select(AuditEvent, Person.name)
        .join(Person, col(Person.id) == AuditEvent.actor_id, isouter=True)
        .where(AuditEvent.task_id == task_id)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(limit)
    ).all()
    return [(event, name) for event, name in reversed(rows)]


def reachable_admins(session: Session) -> list[Person]:
    """Admins the bot can write to: bound to a chat that has not blocked it; by name."""
    return list(
        session.exec(
            select(Person)
            .where(
                Person.role == Role.admin,
                col(Person.active).is_(True),
                col(Person.telegram_chat_id).is_not(None),
                col(Person.reachable).is_(True),
            )
            .order_by(col(Person.name))
        )
    )


# --- the roster, kept by the clerk in chat ----------------------------------------------------


def person_names(session: Session) -> list[str]:
    """Everyone's name, those who left included, sorted here (collations differ)."""
    return sorted(session.exec(select(Person.name)).all())


def add_person(
    session: Session,
    *,
    name: str,
    role: Role,
    department_id: int | None,
    now: datetime,
    actor_id: int | None,
) -> Person | None:
    """A new person in the ledger; None when someone has that name already."""
    if person_named(session, name=name) is not None:
        return None
    person = Person(name=name, role=role, department_id=department_id, created_at=now)
    session.add(person)
    session.flush()
    record_event(
        session, at=now, action="person.created", detail=f"{name} ({role})", actor_id=actor_id
    )
    return person


def rename_person(
    session: Session, *, old: str, new: str, now: datetime, actor_id: int | None
) -> Renamed:
    """Rename someone; their tasks, account and history follow (they link by id)."""
    person = person_named(session, name=old)
    if person is None:
        return Renamed.unknown
    if new == old:
        return Renamed.same
    if person_named(session, name=new) is not None:
        return Renamed.taken
    person.name = new
    session.add(person)
    record_event(
        session, at=now, action="person.renamed", detail=f"{old} → {new}", actor_id=actor_id
    )
    return Renamed.done


def set_role(
    session: Session, *, person: Person, role: Role, now: datetime, actor_id: int | None
) -> int:
    """Give ``person`` this role. Only leaders oversee departments by an admin's setting: one
    who stops being a leader loses that; returns how many departments they were set to."""
    person.role = role
    session.add(person)
    assert person.id is not None
    cleared = clear_oversight(session, person_id=person.id) if role != Role.leader else 0
    record_event(
        session, at=now, action="person.role", detail=f"{person.name}: {role}", actor_id=actor_id
    )
    return cleared


def set_department(
    session: Session,
    *,
    person: Person,
    department: Department,
    now: datetime,
    actor_id: int | None,
) -> None:
    """``person`` now belongs to ``department`` (staff see its tasks)."""
    person.department_id = department.id
    session.add(person)
    record_event(
        session,
        at=now,
        action="person.department",
        detail=f"{person.name}: {department.name}",
        actor_id=actor_id,
    )


def active_admin_count(session: Session) -> int:
    """How many admins have not left."""
    return session.exec(
        select(func.count())
        .select_from(Person)
        .where(Person.role == Role.admin, col(Person.active).is_(True))
    ).one()


def activate(session: Session, *, person: Person, now: datetime, actor_id: int | None) -> None:
    """Undo a leaving: the person is active again (their old tasks stay where they went)."""
    person.active = True
    session.add(person)
    record_event(session, at=now, action="person.activated", detail=person.name, actor_id=actor_id)


def _open_tasks_led(session: Session, *, person_id: int) -> list[int]:
    """The open tasks ``person_id`` leads (at any position), in id order."""
    return sorted(
        session.exec(
            select(TaskLeader.task_id)
            .join(Task, col(Task.id) == TaskLeader.task_id)
            .where(TaskLeader.person_id == person_id, col(Task.status).in_(OPEN_STATUSES))
        ).all()
    )


def _with_other_leaders(session: Session, *, person_id: int, task_ids: list[int]) -> set[int]:
    """Those of ``task_ids`` that someone besides ``person_id`` leads too."""
    if not task_ids:
        return set()
    return set(
        session.exec(
            select(TaskLeader.task_id).where(
                col(TaskLeader.task_id).in_(task_ids), TaskLeader.person_id != person_id
            )
        ).all()
    )


def left_without_leader(session: Session, *, person_id: int) -> list[int]:
    """The open tasks nobody would lead if ``person_id`` left without a successor."""
    led = _open_tasks_led(session, person_id=person_id)
    shared = _with_other_leaders(session, person_id=person_id, task_ids=led)
    return [task_id for task_id in led if task_id not in shared]


@dataclass
class Leaving:
    """What someone's leaving changed."""

    handed_over: list[int]  # open tasks the successor now leads in their place
    already_led: list[int]  # open tasks the successor led already: the leaver is only dropped
    removed: list[int]  # open tasks the leaver was taken off, without a successor
    leaderless: list[int]  # of those, the ones nobody leads now
    oversight_moved: int  # departments the leaver was set to oversee, now the successor's
    promoted: bool  # the successor was staff and is now a leader


def leave(
    session: Session,
    *,
    person: Person,
    successor: Person | None,
    now: datetime,
    actor_id: int | None,
) -> Leaving:
    """``person`` has left: inactive from now on (their account stays bound, and is refused).

    Their open tasks go to ``successor`` at the same place among each task's leaders (where
    the successor leads already, the leaver is just dropped), and so do the departments they
    were set to oversee. Without a successor they are taken off their open tasks, and their
    oversight stays with them in case they come back. Closed tasks keep them, as history.
    """
    assert person.id is not None
    led = _open_tasks_led(session, person_id=person.id)
    person.active = False
    session.add(person)
    result = Leaving([], [], [], [], 0, False)
    if successor is not None:
        assert successor.id is not None
        already = set(_open_tasks_led(session, person_id=successor.id)) & set(led)
        result.already_led = [task_id for task_id in led if task_id in already]
        result.handed_over = [task_id for task_id in led if task_id not in already]
        _drop(session, person_id=person.id, task_ids=result.already_led)
        if result.handed_over:
            session.execute(
                update(TaskLeader)
                .where(
                    col(TaskLeader.person_id) == person.id,
                    col(TaskLeader.task_id).in_(result.handed_over),
                )
                .values(person_id=successor.id)
            )
        result.oversight_moved = move_oversight(session, from_id=person.id, to_id=successor.id)
        if successor.role == Role.staff and (led or result.oversight_moved):
            successor.role = Role.leader
            session.add(successor)
            result.promoted = True
            record_event(
                session,
                at=now,
                action="person.role",
                detail=f"{successor.name}: {Role.leader}",
                actor_id=actor_id,
            )
        for task_id in led:
            record_event(
                session,
                at=now,
                action="task.handed_over",
                detail=f"{person.name} → {successor.name}",
                actor_id=actor_id,
                task_id=task_id,
            )
    else:
        result.removed = led
        _drop(session, person_id=person.id, task_ids=led)
        still = _with_other_leaders(session, person_id=person.id, task_ids=led)
        result.leaderless = [task_id for task_id in led if task_id not in still]
        for task_id in led:
            record_event(
                session,
                at=now,
                action="task.leader_left",
                detail=person.name,
                actor_id=actor_id,
                task_id=task_id,
            )
    detail = person.name if successor is None else f"{person.name} → {successor.name}"
    record_event(session, at=now, action="person.left", detail=detail, actor_id=actor_id)
    return result


def _drop(session: Session, *, person_id: int, task_ids: list[int]) -> None:
    """Take ``person_id`` off these tasks' leaders; the others close ranks in their order, so
    whoever now comes first leads (position 0)."""
    if not task_ids:
        return
    session.execute(
        delete(TaskLeader).where(
            col(TaskLeader.person_id) == person_id, col(TaskLeader.task_id).in_(task_ids)
        )
    )
    remaining = session.exec(
        select(TaskLeader)
        .where(col(TaskLeader.task_id).in_(task_ids))
        .order_by(col(TaskLeader.task_id), col(TaskLeader.position))
    ).all()
    position: dict[int, int] = {}
    for row in remaining:
        row.position = position.setdefault(row.task_id, 0)
        position[row.task_id] += 1
        session.add(row)
    session.flush()


@dataclass(frozen=True)
class RosterEntry:
    """One person as /people lists them."""

    person: Person
    department: str | None


def roster(session: Session) -> list[RosterEntry]:
    """Everyone, by department (those without one last), then role (admins, leaders, staff)
    and name; sorted here, the databases' collations differ."""
    rows = session.exec(
        select(Person, Department.name).join(
            Department, col(Department.id) == Person.department_id, isouter=True
        )
    ).all()
    rank: dict[str, int] = {Role.admin: 0, Role.leader: 1, Role.staff: 2}
    entries = [RosterEntry(person, department) for person, department in rows]
    return sorted(
        entries,
        key=lambda e: (
            e.department is None,
            e.department or "",
            not e.person.active,
            rank.get(e.person.role, len(rank)),
            e.person.name,
        ),
    )
