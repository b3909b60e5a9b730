"""The clerk keeps people and departments right from chat. Admins only, checked on the server
for every command and every button press.

/person add NAME [leader|staff|admin] [DEPARTMENT]   a new person (/person 添加 …)
/person rename OLD NEW                               (改名)
/person role NAME leader|staff|admin                 (角色)
/person dept NAME DEPARTMENT                         (部门)
/person activate NAME                                undoes /leave (启用)
/dept add NAME, /dept rename OLD NEW                 (新增, 改名); /dept NAME alone is a
                                                     department's tasks (handlers.todos)
/oversee [LEADER [DEPARTMENT … | none]]              who oversees which department (分管)
/leave NAME [SUCCESSOR]                              someone has left (离职); their open tasks
                                                     go to the successor, or, confirmed by a
                                                     button, are left for the clerk to assign
/people                                              everyone by department, with invitation
                                                     links for who has not joined (private chat)

Department names are spelt as the importer spells them (nlu.names.normalise_department). A
name not found is answered with the close ones the ledger has.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process
from sqlmodel import Session
from telegram import Message, Update
from telegram.ext import filters

from handlers.common import (
    Asker,
    Context,
    Notice,
    PageRef,
    Reply,
    Services,
    answer,
    answer_press,
    invite_link,
    is_private,
    keyboard,
    page_buttons,
    role_name,
)
from ledger.render import esc, number_label, short_title
from models.departments import (
    DEPARTMENT_NAME_LENGTH,
    Oversight,
    Renamed,
    add_department,
    department_names,
    oversight,
    rename_department,
    set_oversight,
)
from models.people import (
    INVITE_LIFETIME,
    NAME_LENGTH,
    Leaving,
    activate,
    active_admin_count,
    add_person,
    create_invite,
    leave,
    left_without_leader,
    person_names,
    rename_person,
    roster,
    set_department,
    set_role,
)
from models.queries import department_named, person_named, task_views
from models.tables import Department, Person, Role
from nlu.i18n import N_, Translate
from nlu.names import LIST_SEPARATORS, normalise_department

# The words each command takes, English and Chinese: one small table each.
PERSON_ACTIONS = {
    "add": "add",
    "添加": "add",
    "rename": "rename",
    "改名": "rename",
    "role": "role",
    "角色": "role",
    "dept": "dept",
    "部门": "dept",
    "activate": "activate",
    "启用": "activate",
}
DEPARTMENT_ACTIONS = {"add": "add", "新增": "add", "rename": "rename", "改名": "rename"}
ROLE_WORDS = {
    "leader": Role.leader,
    "领导": Role.leader,
    "责任领导": Role.leader,
    "staff": Role.staff,
    "工作人员": Role.staff,
    "admin": Role.admin,
    "督办员": Role.admin,
}
NOBODY = ("none", "无")  # /oversee LEADER none: no departments set

LEAVE_DATA = r"^lv:"
PEOPLE_PAGE_DATA = r"^pg:people:"
PEOPLE_PAGE_SIZE = 20
LISTED_TASKS = 20  # tasks named in /leave's question; the rest are counted

ONLY_THE_CLERK = N_("Only the office clerk (an admin) can change people and departments.")
PERSON_USAGE = N_(
    "Usage: /person add NAME [leader|staff|admin] [DEPARTMENT], /person rename OLD NEW, "
    "/person role NAME leader|staff|admin, /person dept NAME DEPARTMENT, /person activate NAME"
)
DEPARTMENT_USAGE = N_("Usage: /dept add NAME, /dept rename OLD NEW")
LEAVE_USAGE = N_("Usage: /leave NAME [SUCCESSOR]")
NO_LONGER_WORKS = N_("This button no longer works.")
SOMEONE_ELSES = N_("This list was made for someone else. Ask me yourself to see yours.")
PEOPLE_IN_PRIVATE = N_(
    "The list holds invitation links, which are secret: ask me in a private chat."
)


class _FirstWordIn(filters.MessageFilter):
    """A command whose first argument is one of ``words``: /dept add …, not /dept 学会部."""

    def __init__(self, words: Iterable[str]) -> None:
        super().__init__(name="first_word_in")
        self.words = frozenset(words)

    def filter(self, message: Message) -> bool:
        parts = (message.text or "").split(maxsplit=2)
        return len(parts) > 1 and parts[1].lower() in self.words


# /dept add and /dept rename come here; the rest of /dept is a department's tasks.
DEPARTMENT_CHANGE = _FirstWordIn(DEPARTMENT_ACTIONS)


# --- names ------------------------------------------------------------------------------------


def close_matches(name: str, names: Sequence[str], limit: int = 3) -> list[str]:
    """The names most like ``name`` (a character or two off), best first."""
    found = process.extract(name, names, scorer=fuzz.ratio, limit=limit, score_cutoff=50)
    return [match for match, _score, _index in found]


def _not_found(message: str, name: str, names: Sequence[str], _: Translate) -> str:
    text = message.format(name=esc(name))
    matches = close_matches(name, names)
    if matches:
        text += "\n" + _("Did you mean: {names}?").format(names="、".join(map(esc, matches)))
    return text


def _person(session: Session, name: str, _: Translate) -> Person | str:
    """The person called ``name``, or what to answer when there is nobody so called."""
    person = person_named(session, name=name)
    if person is not None:
        return person
    message = _("I don't know anyone called {name} in the ledger.")
    return _not_found(message, name, person_names(session), _)


def _department(session: Session, name: str, _: Translate) -> Department | str:
    """The department called ``name`` (normalised), or what to answer when there is none."""
    department = department_named(session, name=name)
    if department is not None:
        return department
    message = _("I don't know a department called {name}. /dept add {name} adds it.")
    return _not_found(message, name, department_names(session), _)


def _person_name(raw: str) -> str:
    return " ".join(raw.split())


def _bad_person_name(name: str, _: Translate) -> str | None:
    if not name or len(name) > NAME_LENGTH:
        return _("A name must be 1 to {limit} characters long.").format(limit=NAME_LENGTH)
    return None


def _bad_department_name(name: str, _: Translate) -> str | None:
    if not name or len(name) > DEPARTMENT_NAME_LENGTH:
        limit = DEPARTMENT_NAME_LENGTH
        return _("A department's name must be 1 to {limit} characters long.").format(limit=limit)
    return None


def _departments_named(words: Sequence[str]) -> list[str]:
    """Department names from the words of a command: 学会部 组宣部, or 学会部、组宣部."""
    names: list[str] = []
    for word in words:
        for separator in LIST_SEPARATORS:
            word = word.replace(separator, " ")
        names.extend(normalise_department(part) for part in word.split())
    return [name for name in dict.fromkeys(names) if name]


# --- /person ----------------------------------------------------------------------------------


async def person_command(update: Update, context: Context) -> None:
    """/person add|rename|role|dept|activate … (添加, 改名, 角色, 部门, 启用)."""
    args = context.args or []

    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        return Reply(_person_change(session, asker, args, svc))

    await answer(update, context, respond)


def _person_change(session: Session, asker: Asker, args: list[str], svc: Services) -> str:
    _ = asker.translate
    if not asker.is_admin:
        return _(ONLY_THE_CLERK)
    action = PERSON_ACTIONS.get(args[0].lower()) if args else None
    rest = args[1:]
    if action == "add" and rest:
        return _add_person(session, asker, rest, svc)
    if action == "rename" and len(rest) == 2:
        return _rename_person(session, asker, rest[0], rest[1], svc)
    if action == "role" and len(rest) == 2:
        return _change_role(session, asker, rest[0], rest[1], svc)
    if action == "dept" and len(rest) >= 2:
        return _change_department(session, asker, rest[0], rest[1:], svc)
    if action == "activate" and len(rest) == 1:
        return _activate(session, asker, rest[0], svc)
    return _(PERSON_USAGE)


def _add_person(session: Session, asker: Asker, args: list[str], svc: Services) -> str:
    _ = asker.translate
    name, rest = _person_name(args[0]), args[1:]
    bad = _bad_person_name(name, _)
    if bad is not None:
        return bad
    role = Role.staff
    if rest and rest[0].lower() in ROLE_WORDS:
        role, rest = ROLE_WORDS[rest[0].lower()], rest[1:]
    department: Department | None = None
    if rest:
        found = _department(session, normalise_department("".join(rest)), _)
        if isinstance(found, str):
            return found
        department = found
    existing = person_named(session, name=name)
    if existing is not None:
        if not existing.active:
            return _(
                "{name} is in the ledger but has left. /person activate {name} brings them back."
            ).format(name=esc(name))
        return _("{name} is in the ledger already ({role}).").format(
            name=esc(name), role=esc(role_name(existing.role, _))
        )
    added = add_person(
        session,
        name=name,
        role=role,
        department_id=department.id if department else None,
        now=svc.now(),
        actor_id=asker.id,
    )
    assert added is not None  # nobody had the name, checked above in this transaction
    if department is not None:
        text = _("Added {name} ({role}, {department}).").format(
            name=esc(name), role=esc(role_name(role, _)), department=esc(department.name)
        )
    else:
        text = _("Added {name} ({role}).").format(name=esc(name), role=esc(role_name(role, _)))
    return (
        text
        + "\n"
        + _("/invite {name} makes their invitation link; /people lists everyone.").format(
            name=esc(name)
        )
    )


def _rename_person(session: Session, asker: Asker, old: str, new: str, svc: Services) -> str:
    _ = asker.translate
    new = _person_name(new)
    bad = _bad_person_name(new, _)
    if bad is not None:
        return bad
    outcome = rename_person(session, old=old, new=new, now=svc.now(), actor_id=asker.id)
    if outcome == Renamed.unknown:
        found = _person(session, old, _)
        assert isinstance(found, str)
        return found
    if outcome == Renamed.taken:
        return _("There is already someone called {name}: nothing changed.").format(name=esc(new))
    if outcome == Renamed.same:
        return _("That is their name already.")
    return _("Renamed {old} to {new}.").format(old=esc(old), new=esc(new))


def _change_role(session: Session, asker: Asker, name: str, word: str, svc: Services) -> str:
    _ = asker.translate
    role = ROLE_WORDS.get(word.lower())
    if role is None:
        return _(PERSON_USAGE)
    person = _person(session, name, _)
    if isinstance(person, str):
        return person
    label = esc(role_name(role, _))
    if person.role == role:
        return _("{name}'s role is {role} already.").format(name=esc(person.name), role=label)
    if person.role == Role.admin and person.active and active_admin_count(session) <= 1:
        return _("{name} is the only admin: make someone else an admin first.").format(
            name=esc(person.name)
        )
    cleared = set_role(session, person=person, role=role, now=svc.now(), actor_id=asker.id)
    text = _("{name}'s role is now {role}.").format(name=esc(person.name), role=label)
    if cleared:
        text += "\n" + _("The departments set for them to oversee were cleared: {count}.").format(
            count=cleared
        )
    return text


def _change_department(
    session: Session, asker: Asker, name: str, words: list[str], svc: Services
) -> str:
    _ = asker.translate
    person = _person(session, name, _)
    if isinstance(person, str):
        return person
    department = _department(session, normalise_department("".join(words)), _)
    if isinstance(department, str):
        return department
    set_department(session, person=person, department=department, now=svc.now(), actor_id=asker.id)
    return _("{name} now belongs to {department}.").format(
        name=esc(person.name), department=esc(department.name)
    )


def _activate(session: Session, asker: Asker, name: str, svc: Services) -> str:
    _ = asker.translate
    person = _person(session, name, _)
    if isinstance(person, str):
        return person
    if person.active:
        return _("{name} is active already.").format(name=esc(person.name))
    activate(session, person=person, now=svc.now(), actor_id=asker.id)
    return _(
        "{name} is active again: they can use the bot and get reminders. The tasks handed "
        "over when they left stay where they went."
    ).format(name=esc(person.name))


# --- /dept add, /dept rename --------------------------------------------------------------


async def department_change_command(update: Update, context: Context) -> None:
    """/dept add NAME, /dept rename OLD NEW (新增, 改名)."""
    args = context.args or []

    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        return Reply(_department_change(session, asker, args, svc))

    await answer(update, context, respond)


def _department_change(session: Session, asker: Asker, args: list[str], svc: Services) -> str:
    _ = asker.translate
    if not asker.is_admin:
        return _(ONLY_THE_CLERK)
    action = DEPARTMENT_ACTIONS.get(args[0].lower()) if args else None
    rest = args[1:]
    if action == "add" and rest:
        name = normalise_department("".join(rest))
        bad = _bad_department_name(name, _)
        if bad is not None:
            return bad
        if add_department(session, name=name, now=svc.now(), actor_id=asker.id) is None:
            return _("There is already a department called {name}.").format(name=esc(name))
        return _("Added the department {name}.").format(name=esc(name))
    if action == "rename" and len(rest) == 2:
        old, new = normalise_department(rest[0]), normalise_department(rest[1])
        bad = _bad_department_name(new, _)
        if bad is not None:
            return bad
        outcome = rename_department(session, old=old, new=new, now=svc.now(), actor_id=asker.id)
        if outcome == Renamed.unknown:
            found = _department(session, old, _)
            assert isinstance(found, str)
            return found
        if outcome == Renamed.taken:
            text = _("There is already a department called {name}: nothing changed.")
            return text.format(name=esc(new))
        if outcome == Renamed.same:
            return _("That is its name already.")
        return _("Renamed the department {old} to {new}.").format(old=esc(old), new=esc(new))
    return _(DEPARTMENT_USAGE)


# --- /oversee ---------------------------------------------------------------------------------


async def oversee_command(update: Update, context: Context) -> None:
    """/oversee, /oversee LEADER, /oversee LEADER DEPARTMENT … (分管)."""
    args = context.args or []

    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        return Reply(_oversee(session, asker, args, svc))

    await answer(update, context, respond)


def _oversight_text(each: Oversight, _: Translate) -> str:
    """郑昌盛: 学会部、组宣部 / from the tasks they lead: 普及部（中心）. HTML."""
    chosen = "、".join(map(esc, each.set)) or _("none set")
    text = _("{name}: {departments}").format(name=f"<b>{esc(each.name)}</b>", departments=chosen)
    if each.derived:
        derived = "、".join(map(esc, each.derived))
        text += "\n    " + _("from the tasks they lead: {departments}").format(departments=derived)
    return text


def _oversee(session: Session, asker: Asker, args: list[str], svc: Services) -> str:
    _ = asker.translate
    if not asker.is_admin:
        return _(ONLY_THE_CLERK)
    if not args:
        everyone = oversight(session)
        heading = _("Who oversees which department")
        title = f"<b>{esc(heading)}</b>"
        if not everyone:
            return title + "\n" + _("There are no leaders in the ledger yet.")
        lines = [title, *(_oversight_text(each, _) for each in everyone), ""]
        lines.append(_("Change one with /oversee LEADER DEPARTMENT …"))
        return "\n".join(lines)
    person = _person(session, args[0], _)
    if isinstance(person, str):
        return person
    assert person.id is not None
    if len(args) > 1:
        if person.role != Role.leader or not person.active:
            return _(
                "Only leaders oversee departments, and {name} is not one ({role}). "
                "/person role {name} leader makes them one."
            ).format(name=esc(person.name), role=esc(_status(person, _)))
        wanted = [] if args[1:] and args[1].lower() in NOBODY else _departments_named(args[1:])
        departments: list[Department] = []
        for name in wanted:
            found = _department(session, name, _)
            if isinstance(found, str):
                return found + "\n" + _("Nothing changed.")
            departments.append(found)
        set_oversight(
            session,
            person=person,
            department_ids=[d.id for d in departments if d.id is not None],
            now=svc.now(),
            actor_id=asker.id,
        )
    (each,) = oversight(session, person_ids=[person.id])
    return _oversight_text(each, _)


def _status(person: Person, _: Translate) -> str:
    return role_name(person.role, _) if person.active else _("has left")


# --- /leave -----------------------------------------------------------------------------------


async def leave_command(update: Update, context: Context) -> None:
    """/leave NAME [SUCCESSOR]: someone has left."""
    args = context.args or []

    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        return _leave(session, asker, args, svc)

    await answer(update, context, respond)


def _leaver(session: Session, asker: Asker, name: str) -> Person | str:
    """Who is leaving, or why they cannot be marked so."""
    _ = asker.translate
    person = _person(session, name, _)
    if isinstance(person, str):
        return person
    if not person.active:
        return _("{name} has left already.").format(name=esc(person.name))
    if person.id == asker.id:
        return _("You cannot mark yourself as left: ask another admin.")
    return person


def _leave(session: Session, asker: Asker, args: list[str], svc: Services) -> Reply:
    _ = asker.translate
    if not asker.is_admin:
        return Reply(_(ONLY_THE_CLERK))
    if not 1 <= len(args) <= 2:
        return Reply(_(LEAVE_USAGE))
    person = _leaver(session, asker, args[0])
    if isinstance(person, str):
        return Reply(person)
    assert person.id is not None
    if len(args) == 1:
        return _confirm_leaving(session, person, asker, svc)
    successor = _person(session, args[1], _)
    if isinstance(successor, str):
        return Reply(successor)
    if successor.id == person.id:
        return Reply(_("The successor must be someone else."))
    if not successor.active:
        text = _("{name} has left too: choose someone still here.")
        return Reply(text.format(name=esc(successor.name)))
    done = leave(session, person=person, successor=successor, now=svc.now(), actor_id=asker.id)
    return Reply(_left_text(session, person, successor, done, _))


def _task_labels(session: Session, task_ids: Sequence[int], _: Translate) -> list[str]:
    """No. 3 科普大篷车进社区… for each task, in the order given."""
    views = task_views(session, ids=task_ids)
    return [
        f"{esc(number_label(views[task_id], _))} {esc(short_title(views[task_id]))}"
        for task_id in task_ids
        if task_id in views
    ]


def _confirm_leaving(session: Session, person: Person, asker: Asker, svc: Services) -> Reply:
    """Without a successor: name the tasks left without a leader and ask, with buttons."""
    _ = asker.translate
    assert person.id is not None
    orphaned = left_without_leader(session, person_id=person.id)
    name = esc(person.name)
    lines = [_("Mark {name} as left, with nobody taking over?").format(name=name)]
    if orphaned:
        lines.append(_("Open tasks that would have no leader: {count}").format(count=len(orphaned)))
        lines.extend(f"• {label}" for label in _task_labels(session, orphaned[:LISTED_TASKS], _))
        if len(orphaned) > LISTED_TASKS:
            more = _("… and {count} more.").format(count=len(orphaned) - LISTED_TASKS)
            lines.append(more)
    else:
        lines.append(_("No open task would be left without a leader."))
    lines.append(_("To hand their tasks over instead: /leave {name} SUCCESSOR").format(name=name))
    buttons = [
        (_("Yes, {name} has left").format(name=person.name), f"lv:y:{person.id}"),
        (_("Cancel"), f"lv:n:{person.id}"),
    ]
    return Reply("\n".join(lines), keyboard([buttons]))


async def leave_pressed(update: Update, context: Context) -> None:
    """/leave's confirmation buttons: yes (lv:y:ID) or cancel (lv:n:ID)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")

    def respond(session: Session, asker: Asker, svc: Services) -> Reply | Notice:
        _ = asker.translate
        if not asker.is_admin:
            return Notice(_(ONLY_THE_CLERK))
        if len(parts) != 3 or parts[1] not in ("y", "n") or not parts[2].isdigit():
            return Notice(_(NO_LONGER_WORKS))
        person = session.get(Person, int(parts[2]))
        if person is None:
            return Notice(_(NO_LONGER_WORKS))
        if parts[1] == "n":
            return Reply(_("Nothing changed: {name} is still here.").format(name=esc(person.name)))
        leaver = _leaver(session, asker, person.name)
        if isinstance(leaver, str):
            return Reply(leaver)
        done = leave(session, person=leaver, successor=None, now=svc.now(), actor_id=asker.id)
        return Reply(_left_text(session, leaver, None, done, _))

    await answer_press(update, context, respond)


def _left_text(
    session: Session, person: Person, successor: Person | None, done: Leaving, _: Translate
) -> str:
    """What a leaving changed, for the clerk. HTML."""
    name = esc(person.name)
    if successor is not None:
        other = esc(successor.name)
        count = len(done.handed_over) + len(done.already_led)
        lines = [
            _("{name} is marked as left. Open tasks handed over to {successor}: {count}.").format(
                name=name, count=count, successor=other
            )
        ]
        if done.already_led:
            lines.append(
                _(
                    "Of those, {successor} led {count} already: {name} was only taken off them."
                ).format(successor=other, count=len(done.already_led), name=name)
            )
        if done.oversight_moved:
            lines.append(
                _("Departments set for {name} to oversee, now {successor}'s: {count}.").format(
                    successor=other, count=done.oversight_moved, name=name
                )
            )
        if done.promoted:
            lines.append(_("{successor} was staff and is now a leader.").format(successor=other))
    else:
        lines = [
            _("{name} is marked as left. Open tasks they were taken off: {count}.").format(
                name=name, count=len(done.removed)
            )
        ]
        if done.leaderless:
            lines.append(_("Now without a leader: {count}").format(count=len(done.leaderless)))
            labels = _task_labels(session, done.leaderless[:LISTED_TASKS], _)
            lines.extend(f"• {label}" for label in labels)
            if len(done.leaderless) > LISTED_TASKS:
                more = len(done.leaderless) - LISTED_TASKS
                lines.append(_("… and {count} more.").format(count=more))
    lines.append(_("/person activate {name} undoes this (not the tasks).").format(name=name))
    return "\n".join(lines)


# --- /people ----------------------------------------------------------------------------------


async def people_command(update: Update, context: Context) -> None:
    """/people: everyone by department; invitation links for who has not joined."""
    private, bot = is_private(update), context.bot.username

    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        _ = asker.translate
        if not asker.is_admin:
            return Reply(_(ONLY_THE_CLERK))
        if not private:
            return Reply(_(PEOPLE_IN_PRIVATE))
        return _people_page(session, asker, svc, page=0, bot=bot)

    await answer(update, context, respond)


async def people_page_pressed(update: Update, context: Context) -> None:
    """‹ › under /people: the page is made again (with fresh links) for the admin who asked."""
    query = update.callback_query
    assert query is not None and query.data is not None
    ref = PageRef.read(query.data)
    private, bot = is_private(update), context.bot.username

    def respond(session: Session, asker: Asker, svc: Services) -> Reply | Notice:
        _ = asker.translate
        if not asker.is_admin:
            return Notice(_(ONLY_THE_CLERK))
        if ref is None:
            return Notice(_(NO_LONGER_WORKS))
        if ref.owner != asker.id:
            return Notice(_(SOMEONE_ELSES))
        if not private:
            return Notice(_(PEOPLE_IN_PRIVATE))
        return _people_page(session, asker, svc, page=ref.page, bot=bot)

    await answer_press(update, context, respond)


def _people_page(session: Session, asker: Asker, svc: Services, *, page: int, bot: str) -> Reply:
    """One page of everyone, by department; whoever has not joined gets a fresh link."""
    _ = asker.translate
    everyone = roster(session)
    pages = max(1, math.ceil(len(everyone) / PEOPLE_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    now = svc.now()
    waiting = sum(1 for e in everyone if e.person.active and e.person.telegram_user_id is None)
    heading = _("People: {count}, not on Telegram yet: {waiting}").format(
        count=len(everyone), waiting=waiting
    )
    lines = [f"<b>{esc(heading)}</b>"]
    if waiting:
        until = (now + INVITE_LIFETIME).astimezone(svc.zone).strftime("%Y-%m-%d %H:%M")
        note = _("Each link is for that person only and works once, until {time}.")
        lines.append(note.format(time=until))
    shown: str | None = None
    start = page * PEOPLE_PAGE_SIZE
    for entry in everyone[start : start + PEOPLE_PAGE_SIZE]:
        department = entry.department or _("No department")
        if department != shown:
            lines.extend(["", f"<b>{esc(department)}</b>"])
            shown = department
        person = entry.person
        if not person.active:
            state = _("has left")
        elif person.telegram_user_id is None:
            code = create_invite(session, person=person, now=now, created_by_id=asker.id)
            state = _("not joined: {link}").format(link=esc(invite_link(bot, code)))
        elif not person.reachable:
            state = _("on Telegram, but the bot cannot reach them")
        else:
            state = _("on Telegram")
        lines.append(f"• {esc(person.name)} · {esc(role_name(person.role, _))} · {state}")
    if not everyone:
        lines.append(_("Nobody yet: /person add NAME adds someone."))
    ref = PageRef("people", "", page, asker.id)
    return Reply("\n".join(lines), keyboard([page_buttons(ref, pages=pages)]))
