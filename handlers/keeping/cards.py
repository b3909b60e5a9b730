"""/unassigned and a task's edit card: what the document left open, filled in by buttons.

/unassigned lists, page by page, the open tasks without a leader, a lead department or a
deadline, each with a button that opens its card. The card shows what the task has and lacks,
with 责任领导 / 牵头单位 / 完成时限: the first two open a picker of the office's leaders or
departments (a press assigns at once and shows the card again); the third asks for the date in
words (handlers.keeping.flow). Every press is checked again for whoever pressed it.

Callback data: ``kp:t:<task>`` the card; ``kp:l:<task>:<page>`` / ``kp:d:<task>:<page>`` a
picker's page; ``kp:L:<task>:<person>`` / ``kp:D:<task>:<department>`` a choice.
"""

from __future__ import annotations

import math

from sqlmodel import Session
from telegram import Update

from handlers.common import (
    NOOP,
    Asker,
    Button,
    Context,
    Notice,
    PageRef,
    Reply,
    Services,
    answer,
    answer_press,
    keyboard,
    page_buttons,
)
from handlers.keeping.changes import make, not_allowed
from handlers.steps import Out, send
from ledger import render
from ledger.render import esc
from models.access import task_by_id
from models.edits import Change, office_departments, office_leaders, unassigned_tasks
from models.queries import TaskView
from models.tables import Role
from nlu.i18n import N_, Translate

UNASSIGNED = "unassigned"  # the list's kind in its ‹ › buttons (pg:unassigned:…)
PAGE_DATA = r"^pg:unassigned:"
CARD_DATA = r"^kp:[tldLD]:\d+(?::\d+)?$"
PAGE_SIZE = 8
PICKER_SIZE = 12  # names per picker page, two to a row

LEADER_BUTTON, LEAD_BUTTON, DUE_BUTTON = N_("Leader"), N_("Lead department"), N_("Deadline")
BACK_BUTTON = N_("« Back")
MISSING_NAMES = {
    "leader": N_("leader"),
    "lead": N_("lead department"),
    "due": N_("deadline"),
}
ONLY_KEEPERS = N_("Only the office clerk and the leaders keep the ledger.")


def missing(view: TaskView) -> list[str]:
    """What the task still lacks: leader, lead, due (keys of MISSING_NAMES)."""
    task = view.task
    undated = task.due is None and task.recurrence is None and task.due_kind != "continuous"
    return [
        key
        for key, lacks in (
            ("leader", not view.leaders),
            ("lead", not view.lead_departments),
            ("due", undated),
        )
        if lacks
    ]


def _missing_text(view: TaskView, _: Translate) -> str:
    gaps = "、".join(_(MISSING_NAMES[key]) for key in missing(view))
    return _("missing: {fields}").format(fields=gaps) if gaps else _("nothing missing")


def _keeps(asker: Asker) -> bool:
    return asker.person.role in (Role.admin, Role.leader) and asker.person.active


# --- /unassigned ----------------------------------------------------------------------------


def unassigned_page(session: Session, asker: Asker, svc: Services, page: int) -> Reply:
    """A page of the tasks left open, with a button for each task's card."""
    _ = asker.translate
    if not _keeps(asker):
        return Reply(esc(_(ONLY_KEEPERS)))
    views, total = unassigned_tasks(
        session, person=asker.person, limit=PAGE_SIZE, offset=page * PAGE_SIZE, plans=asker.plans
    )
    heading = _("{title}: {count}").format(title=f"<b>{esc(_('Tasks left open'))}</b>", count=total)
    if not views:
        return Reply(f"{heading}\n{esc(_('Every task has a leader, a lead and a deadline.'))}")
    lines = [heading, esc(_("Press a task to fill in what it lacks."))]
    buttons: list[list[Button]] = []
    row: list[Button] = []
    for view in views:
        label = render.number_label(view, _)
        lines.append(
            f"\n<b>{esc(label)}</b> {esc(render.short_title(view))}\n    "
            f"{esc(_missing_text(view, _))}"
        )
        row.append((label, f"kp:t:{view.task.id}"))
        if len(row) == 4:
            buttons.append(row)
            row = []
    buttons.append(row)
    ref = PageRef(UNASSIGNED, "", page, asker.id)
    buttons.append(page_buttons(ref, pages=math.ceil(total / PAGE_SIZE)))
    return Reply("\n".join(lines), keyboard(buttons))


async def unassigned_command(update: Update, context: Context) -> None:
    """/unassigned: what the documents left open (clerk and leaders)."""

    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        return unassigned_page(session, asker, svc, 0)

    await answer(update, context, respond)


async def unassigned_page_pressed(update: Update, context: Context) -> None:
    """‹ › under /unassigned: the page made again for whoever pressed."""
    query = update.callback_query
    assert query is not None and query.data is not None
    ref = PageRef.read(query.data)

    def respond(session: Session, asker: Asker, svc: Services) -> Reply | Notice:
        if ref is None or ref.owner != asker.id:
            return Notice(asker.translate(N_("This list was shown to someone else.")))
        return unassigned_page(session, asker, svc, ref.page)

    await answer_press(update, context, respond)


# --- a task's card --------------------------------------------------------------------------


def card(view: TaskView, asker: Asker, svc: Services, *, said: str = "") -> Reply:
    """The task's edit card: what it has, what it lacks, a button per field."""
    _ = asker.translate
    task_id = view.task.id
    none = _("(none)")
    lines = [said, ""] if said else []
    lines += [
        f"<b>{esc(render.number_label(view, _))}</b> {esc(render.short_title(view, 60))}",
        esc(_("Leaders: {names}").format(names="、".join(view.leaders) or none)),
        esc(_("Lead: {names}").format(names="、".join(view.lead_departments) or none)),
        esc(_("Responsible: {names}").format(names="、".join(view.responsible) or none)),
        esc(_("Deadline: {date}").format(date=render.deadline(view, svc.today(), _))),
        esc(_missing_text(view, _)),
    ]
    rows: list[list[Button]] = []
    if asker.person.role == Role.admin:
        rows.append(
            [(_(LEADER_BUTTON), f"kp:l:{task_id}:0"), (_(LEAD_BUTTON), f"kp:d:{task_id}:0")]
        )
        rows.append([(_(DUE_BUTTON), f"kp:u:{task_id}")])
    else:
        rows.append([(_(LEAD_BUTTON), f"kp:d:{task_id}:0")])
    rows.append([(_(BACK_BUTTON), PageRef(UNASSIGNED, "", 0, asker.id).data() or NOOP)])
    return Reply("\n".join(lines), keyboard(rows))


def _picker(
    view: TaskView, asker: Asker, kind: str, page: int, choices: list[tuple[int, str]]
) -> Reply:
    _ = asker.translate
    task_id = view.task.id
    question = (
        _("Who leads {task}?") if kind == "L" else _("Which department leads {task}?")
    ).format(task=f"<b>{esc(render.number_label(view, _))}</b>")
    pages = max(1, math.ceil(len(choices) / PICKER_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = choices[page * PICKER_SIZE : (page + 1) * PICKER_SIZE]
    rows: list[list[Button]] = [
        [(name, f"kp:{kind}:{task_id}:{choice}") for choice, name in shown[i : i + 2]]
        for i in range(0, len(shown), 2)
    ]
    turn: list[Button] = []
    small = kind.lower()
    if page > 0:
        turn.append(("‹", f"kp:{small}:{task_id}:{page - 1}"))
    if page + 1 < pages:
        turn.append(("›", f"kp:{small}:{task_id}:{page + 1}"))
    rows.append(turn)
    rows.append([(_(BACK_BUTTON), f"kp:t:{task_id}")])
    if not choices:
        question += "\n" + _("The office has none yet: add them with /person or /dept.")
    return Reply(question, keyboard(rows))


def _pressed(
    session: Session, asker: Asker, svc: Services, data: str, outbox: list[Out]
) -> Reply | Notice:
    """What a press on a card or a picker says; a choice made puts its messages in ``outbox``."""
    _ = asker.translate
    if not _keeps(asker):
        return Notice(_(ONLY_KEEPERS))
    parts = data.split(":")
    what, task_id = parts[1], int(parts[2])
    arg = int(parts[3]) if len(parts) > 3 else 0
    view = task_by_id(session, person=asker.person, task_id=task_id)
    if view is None:
        return Notice(_("That task is no longer there."))
    if what == "t":
        return card(view, asker, svc)
    if what == "l":
        if asker.person.role != Role.admin:
            return Notice(not_allowed(_))
        people = [(p.id, p.name) for p in office_leaders(session) if p.id is not None]
        return _picker(view, asker, "L", arg, people)
    if what == "d":
        departments = [(d.id, d.name) for d in office_departments(session) if d.id is not None]
        return _picker(view, asker, "D", arg, departments)
    field = "leader" if what == "L" else "lead"
    told, messages = make(session, asker, svc, task_id, [Change(field, ids=(arg,))])
    outbox.extend(messages)
    fresh = task_by_id(session, person=asker.person, task_id=task_id)
    return card(fresh, asker, svc, said=told) if fresh is not None else Reply(told)


async def card_pressed(update: Update, context: Context) -> None:
    """A press on /unassigned's list, a card or a picker."""
    query = update.callback_query
    assert query is not None and query.data is not None
    data = query.data
    outbox: list[Out] = []

    def respond(session: Session, asker: Asker, svc: Services) -> Reply | Notice:
        return _pressed(session, asker, svc, data, outbox)

    await answer_press(update, context, respond)
    for out in outbox:
        await send(context, out)
