"""People and their Telegram accounts: invites (hashed, single-use), binding, roles, language.

The SQL for onboarding. A code is shown once, to whoever creates it; only its sha256 is stored,
so a leaked database holds no usable invitation.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, col, select

from models.queries import ensure_department, person_named, record_event
from models.tables import AuditEvent, Invite, Person, Role

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


def note_private_chat(session: Session, *, person_id: int, chat_id: int) -> None:
    """Remember where to reach a person, and that they can be reached (they just wrote)."""
    person = session.get(Person, person_id)
    if person is not None and (person.telegram_chat_id != chat_id or not person.reachable):
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
                col(Person.telegram_chat_id).is_not(None),
                col(Person.reachable).is_(True),
            )
            .order_by(col(Person.name))
        )
    )
